"""The commands that test: ``test`` (the cases' expect blocks) and ``check`` (the readings)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engine.base.errors import EngineError, Problem
from engine.cases.load import InputFormat, iter_cases
from engine.interfaces._batch import claims, evaluated
from engine.interfaces._check import check_readings
from engine.interfaces._output import write_out
from engine.interfaces._shared import (
    account_note,
    account_opt,
    engine_note,
    engine_opt,
    guard,
    input_format_opt,
    jobs_opt,
    reading_opt,
    rules_opt,
)
from engine.present import render
from engine.readings.load import load_readings
from engine.run.evaluate import (
    EngineChoice,
)
from engine.testing.expectations import check


@click.command("test")
@click.argument("paths", nargs=-1)
@rules_opt
@engine_opt
@account_opt
@jobs_opt
@input_format_opt
@guard
def test_cmd(paths: tuple[str, ...], rules_dir: str | None, engine: EngineChoice,
             account: str, jobs: int, input_format: InputFormat) -> None:
    """Check the expect blocks of the case files in PATHS (default: ./cases)."""
    if not paths:
        if not Path("cases").is_dir():
            raise EngineError("no PATHS given and no ./cases folder")
        paths = ("cases",)
    rs = load_readings(rules_dir)
    problems: list[Problem] = []
    cases = checked = mismatched = 0
    claimed = False
    items = iter_cases(paths, default_zone=rs.common.default_offset, input_format=input_format)
    for loaded, result in evaluated(items, rs, (), engine, account, jobs, problems):
        cases += 1
        claimed = claimed or claims(account, loaded)
        checked += sum(1 for e in loaded.record.expect.values()
                       for q in ("status", "point8", "release") if getattr(e, q))
        for mismatch in check(loaded.record, result, loaded.span):
            mismatched += 1
            write_out(f"MISMATCH {mismatch}")
            outcome = result.readings[mismatch.reading]
            fired = ", ".join(s.rule for s in outcome.trace) or "(no rule fired)"
            write_out(f"    trace: {fired}")
            if outcome.unknown:
                write_out(f"    unknown or undecided: {', '.join(outcome.unknown)}")
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    write_out(f"{cases} case(s), {checked} expectation(s) checked, "
               f"{mismatched} mismatch(es), {len(problems)} input error(s)")
    engine_note(engine, rs)
    account_note(claimed, account)
    if problems:
        sys.exit(2)
    if mismatched:
        sys.exit(1)




@click.command("check")
@reading_opt
@rules_opt
@click.option("--examples", default=200, show_default=True, type=click.IntRange(1, 100_000),
              help="Generated cases per invariant.")
@click.option("--seed", default=0, show_default=True, type=int,
              help="Seed of the invariant search (same seed, same result).")
@jobs_opt
@guard
def check_cmd(reading_ids: tuple[str, ...], rules_dir: str | None, examples: int,
              seed: int, jobs: int) -> None:
    """Verify readings: exhaustive conflicts/gaps/dead rules, and their declared invariants."""
    rs = load_readings(rules_dir, allow_conflicts=True)
    selected = rs.select(reading_ids)
    # Exhaustive first: conflicts, gaps, dead rules, and every invariant proved over all
    # combinations; then the invariants searched on generated cases (concrete times and zones).
    declared = sum(len(r.invariants) for r in selected)
    search = False
    if declared:
        try:
            import engine.testing.invariants  # noqa: F401 - hypothesis is an optional extra
        except ImportError as exc:  # the proofs stand alone
            click.echo(f"note: {exc}: the invariants were proved over every combination but not "
                       "also searched on generated cases (pip install "
                       "'legal-status[hypothesis]')", err=True)
        else:
            search = True
    checked = check_readings((rs, examples, seed, search), [r.id for r in selected], jobs)
    verifications = [v for v, _ in checked]
    results = {r.id: found for r, (_, found) in zip(selected, checked, strict=True)
               if found is not None}
    write_out(render.check_report(verifications, results,
                                   {r.id: len(r.invariants) for r in selected}), nl=False)
    failed = any(v.failed for v in verifications) or any(
        not r.ok for rs_ in results.values() for r in rs_)
    searched = f"searched on {examples} cases each, seed {seed}" if search else "not searched"
    write_out("check: " + ("FAILED" if failed else "passed") + f" ({len(selected)} reading(s),"
               f" {sum(v.combinations for v in verifications)} combinations, {declared} "
               f"invariant(s) checked, {searched})")
    if failed:
        sys.exit(1)
