"""The ``explain`` command: one case, reading by reading."""

from __future__ import annotations

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
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
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
    for loaded in chosen:
        result = evaluate_case(loaded.record, rs, only=reading_ids or None, engine=engine,
                               source=loaded.source, account=account)
        if fmt == "json":
            write_out(documents.explain_json(result), nl=False)
        else:
            write_out(render.explain(result, rs.readings))
    engine_note(engine, rs, reading_ids)
    account_note(CaseBatch(tuple(chosen)), account)
