"""The ``evaluate`` command: a batch of cases, side by side (``compare`` is in
:mod:`._cmd_compare`)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import TypeVar, cast

import click

from engine.base.errors import Problem
from engine.base.pool import map_with
from engine.base.relay import HoldingRender, Relay
from engine.cases.load import InputFormat, iter_case_inputs, iter_cases
from engine.interfaces._batch import (
    Format,
    batch_command,
    claims,
    claims_in,
    evaluated,
    evaluated_pieces,
)
from engine.interfaces._output import flush_stdout, stdout_fd, write_out, write_out_bytes
from engine.interfaces._shared import (
    account_note,
    engine_note,
    guard,
    input_format_opt,
    jobs_opt,
)
from engine.interfaces._term import progress, term
from engine.present.stream import ReportWriter
from engine.readings.load import load_readings
from engine.run.evaluate import (
    EngineChoice,
    engine_to_use,
)
from engine.run.report import ErrorInfo, ReadingInfo

W = TypeVar("W")


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
        # Imported here: the HTML report's imports (jinja2, compare's search) would slow the
        # start of every other format.
        from engine.interfaces._report_html import html_report
        sys.exit(html_report("evaluate", paths, rs, reading_ids, engine, account, input_format))
    # The other choices are the stream formats (html returned above).
    # With workers and a file or pipe for output, the JSON formats' results are written by
    # the workers that made them, each in its turn (engine.base.relay).
    out = stdout_fd() if fmt in {"json", "jsonl"} else -1
    relay = Relay(jobs, out, flush_stdout) if Relay.usable(jobs, out) else None
    text: Callable[[str], None] = partial(write_out, nl=False)
    raw: Callable[[bytes], None] = write_out_bytes
    if relay is not None:  # what the workers were to write comes before what is written here
        text, raw = _after(relay, text), _after(relay, raw)
    writer = ReportWriter(cast(Format, fmt), engine_to_use(engine),
                          [ReadingInfo(id=r.id, title=r.title, held_by=r.held_by)
                           for r in selected], text, term(), raw,
                          None if relay is None else relay.put)
    problems: list[Problem] = []
    claimed = False
    zone = rs.common.default_offset
    with progress("evaluating cases") as bar, _closing(relay):
        if fmt in {"json", "jsonl"}:
            # Workers read JSON Lines themselves and send back each result's bytes to write.
            inputs = iter_case_inputs(paths, default_zone=zone, input_format=input_format)
            piece = writer.piece if relay is None else HoldingRender(writer.piece)
            for seen, done in evaluated_pieces(
                    inputs, rs, reading_ids, engine, account, jobs, problems, piece,
                    map_with if relay is None else relay.map):
                writer.result_piece(done)
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


def _after(relay: Relay, write: Callable[[W], None]) -> Callable[[W], None]:
    def written_after(data: W) -> None:
        relay.flush()
        write(data)
    return written_after


@contextmanager
def _closing(relay: Relay | None) -> Iterator[None]:
    try:
        yield
        if relay is not None:
            relay.flush()
    finally:
        if relay is not None:
            relay.close()
