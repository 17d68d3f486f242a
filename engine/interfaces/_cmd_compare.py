"""The ``compare`` command: why the readings disagree on a batch of cases."""

from __future__ import annotations

import sys

import click

from engine.analysis.counterfactual import DEFAULT_BUDGET
from engine.cases.load import InputFormat, iter_cases
from engine.interfaces._batch import batch_command, compare_report
from engine.interfaces._output import write_out
from engine.interfaces._report_html import html_report
from engine.interfaces._shared import account_note, engine_note, guard, input_format_opt, jobs_opt
from engine.interfaces._term import progress, term
from engine.present import compare as render_compare
from engine.readings.load import load_readings
from engine.run.evaluate import EngineChoice


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
