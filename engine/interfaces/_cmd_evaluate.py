"""The ``evaluate`` and ``compare`` commands: a batch of cases, side by side."""

from __future__ import annotations

import sys
from typing import cast

import click

from engine.analysis.counterfactual import DEFAULT_BUDGET
from engine.base.errors import Problem
from engine.cases.load import InputFormat, iter_case_inputs, iter_cases
from engine.interfaces._batch import (
    Format,
    batch_command,
    claims,
    claims_in,
    compare_report,
    evaluated,
    evaluated_pieces,
)
from engine.interfaces._output import write_out, write_out_bytes
from engine.interfaces._report_html import html_report
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
@click.option("--format", "fmt",
              type=click.Choice(["table", "json", "jsonl", "markdown", "html"]),
              default="table", show_default=True)
@jobs_opt
@input_format_opt
@guard
def evaluate(paths: tuple[str, ...], reading_ids: tuple[str, ...], rules_dir: str | None,
             engine: EngineChoice, account: str, fmt: str, jobs: int,
             input_format: InputFormat) -> None:
    """Show, side by side, how each reading classifies the cases in PATHS (files, folders, -).

    Cases are read, evaluated and written one at a time, so a caseload of any size runs in
    flat memory and the first result is out at once."""
    rs = load_readings(rules_dir)
    selected = rs.select(reading_ids)
    if fmt == "html":
        sys.exit(html_report("evaluate", paths, rs, reading_ids, engine, account, input_format))
    # The other choices are the stream formats (html returned above).
    writer = ReportWriter(cast(Format, fmt), engine_to_use(engine),
                          [ReadingInfo(id=r.id, title=r.title, held_by=r.held_by)
                           for r in selected], lambda text: write_out(text, nl=False), term(),
                          write_out_bytes)
    problems: list[Problem] = []
    claimed = False
    zone = rs.common.default_offset
    with progress("evaluating cases") as bar:
        if fmt in {"json", "jsonl"}:
            # Workers read JSON Lines themselves and send back each result's bytes to write.
            inputs = iter_case_inputs(paths, default_zone=zone, input_format=input_format)
            for seen, piece in evaluated_pieces(inputs, rs, reading_ids, engine, account, jobs,
                                                problems, writer.piece):
                writer.result_piece(piece)
                bar.advance()
                claimed = claimed or claims_in(account, seen.claimants)
        else:
            items = iter_cases(paths, default_zone=zone, input_format=input_format)
            for loaded, result in evaluated(items, rs, reading_ids, engine, account, jobs,
                                            problems):
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
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown", "html"]),
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
    if fmt == "html":
        sys.exit(html_report("compare", paths, rs, reading_ids, engine, account, input_format,
                             budget))
    items = iter_cases(paths, default_zone=rs.common.default_offset, input_format=input_format)
    with progress("comparing cases") as bar:
        report, claimed = compare_report(items, rs, reading_ids, engine, account,
                                         budget=budget, jobs=jobs, full_tables=full_tables,
                                         summary=summary, advance=bar.advance)
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
