"""The ``evaluate`` and ``compare`` commands: a batch of cases, side by side."""

from __future__ import annotations

import sys

import click

from engine.analysis.compare import summarise
from engine.analysis.compare_stream import compare_stream
from engine.analysis.comparison import CompareReport, Comparison
from engine.analysis.counterfactual import DEFAULT_BUDGET
from engine.base.errors import Problem
from engine.cases.load import InputFormat, iter_cases
from engine.interfaces._batch import Format, batch_command, claims, evaluated
from engine.interfaces._output import write_out
from engine.interfaces._shared import (
    account_note,
    engine_note,
    guard,
    input_format_opt,
    jobs_opt,
)
from engine.interfaces._term import progress, term
from engine.present import compare as render_compare
from engine.present.stream import ReportWriter
from engine.readings.load import load_readings
from engine.run.evaluate import (
    EngineChoice,
    engine_to_use,
)
from engine.run.report import ErrorInfo, ReadingInfo


@click.command()
@batch_command
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl", "markdown"]),
              default="table", show_default=True)
@jobs_opt
@input_format_opt
@guard
def evaluate(paths: tuple[str, ...], reading_ids: tuple[str, ...], rules_dir: str | None,
             engine: EngineChoice, account: str, fmt: Format, jobs: int,
             input_format: InputFormat) -> None:
    """Show, side by side, how each reading classifies the cases in PATHS (files, folders, -).

    Cases are read, evaluated and written one at a time, so a caseload of any size runs in
    flat memory and the first result is out at once."""
    rs = load_readings(rules_dir)
    selected = rs.select(reading_ids)
    writer = ReportWriter(fmt, engine_to_use(engine),
                          [ReadingInfo(id=r.id, title=r.title, held_by=r.held_by)
                           for r in selected], lambda text: write_out(text, nl=False), term())
    problems: list[Problem] = []
    claimed = False
    with progress("evaluating cases") as bar:
        for loaded, result in evaluated(paths, rs, reading_ids, engine, account, jobs,
                                         input_format, problems):
            writer.result(result)
            bar.advance()
            claimed = claimed or claims(account, loaded)
    writer.finish([ErrorInfo.of(p) for p in problems])
    engine_note(engine, rs, reading_ids)
    account_note(claimed, account)
    if problems:
        if fmt in {"json", "jsonl"}:
            click.echo(f"{len(problems)} input error(s); see 'errors' in the output.", err=True)
        sys.exit(2)




@click.command()
@batch_command
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]),
              default="table", show_default=True)
@click.option("--summary", is_flag=True,
              help="Only the caseload summary: answers per reading, splits and their facts.")
@click.option("--budget", default=DEFAULT_BUDGET, show_default=True,
              type=click.IntRange(1, 10_000_000),
              help="Most evaluations the search of counterfactuals may make per case.")
@click.option("--full-tables", is_flag=True,
              help="Add every combination of each \"it depends\" table (JSON 'all_rows').")
@jobs_opt
@input_format_opt
@guard
def compare(paths: tuple[str, ...], reading_ids: tuple[str, ...], rules_dir: str | None,
            engine: EngineChoice, account: str, fmt: str, summary: bool, budget: int,
            full_tables: bool, jobs: int, input_format: InputFormat) -> None:
    """Why the readings disagree on the cases in PATHS: crux, counterfactuals, "it depends"."""
    rs = load_readings(rules_dir)
    selected = rs.select(reading_ids)
    problems: list[Problem] = []
    failed: list[Problem] = []
    comparisons: list[Comparison] = []  # held: the summary and the report need them all
    claimed = False
    items = iter_cases(paths, default_zone=rs.common.default_offset, input_format=input_format)
    with progress("comparing cases") as bar:
        for item in compare_stream(items, rs, only=reading_ids, account=account, engine=engine,
                                   budget=budget, jobs=jobs, full_tables=full_tables):
            if isinstance(item, Problem):
                problems.append(item)
                continue
            loaded, done = item
            bar.advance()
            claimed = claimed or claims(account, loaded)
            if isinstance(done, Comparison):
                comparisons.append(done)
            else:
                failed += done
    report = CompareReport(
        engine=engine_to_use(engine), account=account,
        readings=[ReadingInfo(id=r.id, title=r.title, held_by=r.held_by) for r in selected],
        comparisons=comparisons, summary=summarise(comparisons) if summary else None,
        errors=[ErrorInfo.of(p) for p in problems + failed])
    account_note(claimed, account)
    if fmt == "json":
        write_out(render_compare.json_report(report), nl=False)
    else:
        write_out(render_compare.markdown(report, summary_only=summary) if fmt == "markdown"
                  else render_compare.table(report, summary_only=summary, term=term()),
                  nl=False)
    engine_note(engine, rs, reading_ids)
    if report.errors:
        if fmt == "json":
            click.echo(f"{len(report.errors)} input error(s); see 'errors' in the output.",
                       err=True)
        sys.exit(2)
