"""The commands about the inputs themselves: ``readings``, ``validate`` and ``schema``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from engine.base.errors import EngineError, Problem
from engine.cases.load import load_cases
from engine.cases.record import case_json_schema
from engine.interfaces._output import write_out
from engine.interfaces._shared import (
    guard,
    rules_opt,
)
from engine.present import coverage, render
from engine.readings.load import COMMON, ReadingSet, load_readings
from engine.testing.expectations import unknown_expectations


@click.command()
@rules_opt
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True,
              help="markdown: which rules implement each brief rule and which case fields each "
                   "reading reads (docs/readings.md).")
@guard
def readings(rules_dir: str | None, fmt: str) -> None:
    """List the readings: who holds each, a summary, and the sources it cites."""
    rs = load_readings(rules_dir)
    if fmt == "markdown":
        click.echo(coverage.readings_markdown(rs.readings), nl=False)
    elif fmt == "json":
        data: list[dict[str, Any]] = [
            {"id": r.id, "title": r.title, "held_by": r.held_by, "party": r.party,
             "summary": r.summary.strip(), "rules": len(r.rules),
             "sources": [{"id": s.id, "title": s.title, "date": s.date, "url": s.url,
                          "reliability": s.reliability, "note": s.note}
                         for s in r.cited_sources()]}
            for r in rs.readings.values()]
        write_out(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        write_out(render.readings_list(rs.readings), nl=False)




@click.command()
@click.argument("paths", nargs=-1, required=True)
@rules_opt
@guard
def validate(paths: tuple[str, ...], rules_dir: str | None) -> None:
    """Check case files and rule folders in PATHS; report every problem."""
    problems: list[Problem] = []
    case_paths: list[str] = []
    rule_dirs: list[Path] = []
    for p in paths:
        path = Path(p)
        folder = path if path.is_dir() else path.parent
        if p != "-" and (folder / COMMON).is_file():
            if folder not in rule_dirs:
                rule_dirs.append(folder)
        else:
            case_paths.append(p)
    checked: list[str] = []
    compiled: list[ReadingSet] = []
    for folder in rule_dirs:
        try:
            compiled.append(load_readings(folder))
            checked.append(f"{len(compiled[-1].readings)} reading(s) in {folder}")
        except EngineError as exc:
            problems += exc.problems
    if case_paths:
        # Expectations are checked against --rules, else the rule folder given, else the bundle.
        against: ReadingSet | None = None
        if rules_dir is not None or not rule_dirs:
            try:
                against = load_readings(rules_dir)
            except EngineError as exc:
                problems += exc.problems
        elif compiled:
            against = compiled[0]
        batch = load_cases(case_paths,
                           default_zone=against.common.default_offset if against else None)
        problems += batch.errors
        if against is not None:
            for loaded in batch.cases:
                problems += unknown_expectations(loaded, list(against.readings))
        checked.append(f"{len(batch.cases)} valid case(s)")
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    write_out(("checked " if not problems else "") + "; ".join(checked)
               + (f"; {len(problems)} problem(s)" if problems else ": no problems"))
    if problems:
        sys.exit(2)




@click.command()
@guard
def schema() -> None:
    """Print the JSON Schema of the case file."""
    write_out(json.dumps(case_json_schema(), indent=2))
