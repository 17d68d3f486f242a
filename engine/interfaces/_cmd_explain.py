"""The ``explain`` command: one case, reading by reading."""

from __future__ import annotations

from textwrap import indent

import click

from engine.base.errors import EngineError
from engine.cases.load import CaseBatch, load_cases
from engine.interfaces._output import write_out
from engine.interfaces._shared import (
    account_note,
    account_opt,
    engine_note,
    engine_opt,
    guard,
    reading_opt,
    rules_opt,
)
from engine.interfaces._term import term
from engine.present import documents, render
from engine.readings.load import load_readings
from engine.run.evaluate import (
    EngineChoice,
    evaluate_case,
)


@click.command()
@click.argument("case_path")
@click.option("--case", "case_id", metavar="ID", help="Which case, if the file holds several.")
@reading_opt
@rules_opt
@engine_opt
@account_opt
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl"]), default="text",
              show_default=True,
              help="json: one document (a list when several cases are explained); jsonl: one "
                   "case per line.")
@guard
def explain(case_path: str, case_id: str | None, reading_ids: tuple[str, ...],
            rules_dir: str | None, engine: EngineChoice, account: str, fmt: str) -> None:
    """Explain, reading by reading, why the case in CASE_PATH gets its answers."""
    rs = load_readings(rules_dir)
    rs.select(reading_ids)
    batch = load_cases([case_path], default_zone=rs.common.default_offset)
    if batch.errors:
        raise EngineError(list(batch.errors))
    chosen = [c for c in batch.cases if case_id is None or c.record.id == case_id]
    if not chosen:
        ids = ", ".join(c.record.id for c in batch.cases) or "none"
        raise EngineError(f"no case '{case_id}' in {case_path} (cases: {ids})")
    many = len(chosen) > 1
    for n, loaded in enumerate(chosen):
        result = evaluate_case(loaded.record, rs, only=reading_ids or None, engine=engine,
                               source=loaded.source, account=account)
        if fmt == "jsonl":
            write_out(result.model_dump_json())
        elif fmt == "json" and many:
            # One document: a list of the cases' objects, written as each is ready.
            text = ("[\n" if n == 0 else ",\n") + indent(result.model_dump_json(indent=2), "  ")
            write_out(text, nl=False)
        elif fmt == "json":
            write_out(documents.explain_json(result), nl=False)  # as the HTTP API gives it
        else:
            write_out(render.explain(result, rs.readings, term()))
    if fmt == "json" and many:
        write_out("\n]")
    engine_note(engine, rs, reading_ids)
    account_note(CaseBatch(tuple(chosen)), account)
