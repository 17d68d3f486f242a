"""The commands that test: ``test`` (the cases' expect blocks) and ``check`` (the readings)."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path

import click

from engine.base.errors import EngineError, OutputError, Problem
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
from engine.interfaces._term import progress, term
from engine.present import render
from engine.present.console import fit
from engine.present.junit import check_xml, expectations_xml
from engine.present.verdicts import (
    CheckReport,
    ExpectationResult,
    ExpectationsReport,
    check_results,
    expectations,
)
from engine.readings.load import load_readings
from engine.run.evaluate import EngineChoice, engine_to_use
from engine.run.report import ErrorInfo
from engine.testing.expectations import check


def _write_xml(path: str | None, text: str) -> None:
    """Write the JUnit XML report to ``path`` (if asked for)."""
    if path is None:
        return
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"cannot write the JUnit XML report {path}: "
                          f"{exc.strerror or exc}") from None


format_opt = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
    help="json: one document with every result, met or not, and the input errors.")
junit_opt = click.option(
    "--junit-xml", "junit", metavar="FILE", type=click.Path(dir_okay=False),
    help="Also write the results as JUnit XML to FILE (for CI systems).")


@click.command("test")
@click.argument("paths", nargs=-1)
@rules_opt
@engine_opt
@account_opt
@jobs_opt
@input_format_opt
@format_opt
@junit_opt
@guard
def test_cmd(paths: tuple[str, ...], rules_dir: str | None, engine: EngineChoice,
             account: str, jobs: int, input_format: InputFormat, fmt: str,
             junit: str | None) -> None:
    """Check the expect blocks of the case files in PATHS (default: ./cases)."""
    if not paths:
        if not Path("cases").is_dir():
            raise EngineError("no PATHS given and no ./cases folder")
        paths = ("cases",)
    rs = load_readings(rules_dir)
    problems: list[Problem] = []
    cases = checked = mismatched = 0
    claimed = False
    stack = ExitStack()  # the progress bar, closed before the closing lines are written
    # Kept only for the JSON and JUnit reports, which list every expectation, met or not.
    results: list[ExpectationResult] = []
    keep = fmt == "json" or junit is not None
    bar = stack.enter_context(progress("testing cases"))
    items = iter_cases(paths, default_zone=rs.common.default_offset, input_format=input_format)
    for loaded, result in evaluated(items, rs, (), engine, account, jobs, problems):
        bar.advance()
        cases += 1
        claimed = claimed or claims(account, loaded)
        checked += sum(1 for e in loaded.record.expect.values()
                       for q in ("status", "point8", "release") if getattr(e, q))
        if keep:
            results += expectations(loaded.record, result, loaded.span)
        for mismatch in check(loaded.record, result, loaded.span):
            mismatched += 1
            if fmt == "json":
                continue
            write_out(f"MISMATCH {mismatch}")
            outcome = result.readings[mismatch.reading]
            fired = ", ".join(s.rule for s in outcome.trace) or "(no rule fired)"
            write_out(f"    trace: {fired}")
            if outcome.unknown:
                write_out(f"    unknown or undecided: {', '.join(outcome.unknown)}")
    stack.close()
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    report = ExpectationsReport(engine=engine_to_use(engine), cases=cases, checked=checked,
                                mismatches=mismatched, expectations=tuple(results),
                                errors=tuple(ErrorInfo.of(p) for p in problems))
    _write_xml(junit, expectations_xml(report))
    if fmt == "json":
        write_out(report.model_dump_json(indent=2))
    else:
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
@format_opt
@junit_opt
@guard
def check_cmd(reading_ids: tuple[str, ...], rules_dir: str | None, examples: int,
              seed: int, jobs: int, fmt: str, junit: str | None) -> None:
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
    with progress("checking readings", len(selected), after=0) as bar:
        checked = check_readings((rs, examples, seed, search), [r.id for r in selected], jobs,
                                 bar.advance)
    verifications = [v for v, _ in checked]
    results = {r.id: found for r, (_, found) in zip(selected, checked, strict=True)
               if found is not None}
    failed = any(v.failed for v in verifications) or any(
        not r.ok for rs_ in results.values() for r in rs_)
    report = CheckReport(
        passed=not failed, readings=len(selected),
        combinations=sum(v.combinations for v in verifications), invariants=declared,
        searched=search, results=tuple(check_results(
            verifications, results, {r.id: [i.id for i in r.invariants] for r in selected})))
    _write_xml(junit, check_xml(report))
    if fmt == "json":
        write_out(report.model_dump_json(indent=2))
        if failed:
            sys.exit(1)
        return
    write_out(render.check_report(verifications, results,
                                   {r.id: len(r.invariants) for r in selected}, term()),
              nl=False)
    searched = f"searched on {examples} cases each, seed {seed}" if search else "not searched"
    write_out("\n".join(fit(["check: " + ("FAILED" if failed else "passed")
                              + f" ({len(selected)} reading(s), "
                              f"{sum(v.combinations for v in verifications)} combinations, "
                              f"{declared} invariant(s) checked, {searched})"], term().width)))
    if failed:
        sys.exit(1)
