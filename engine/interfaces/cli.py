"""The ``legal-status`` command line: a thin layer over the library.

Exit codes: 0 all good; 1 expectation mismatches (``test``); 2 invalid input or usage;
3 an internal error (a bug: please report it). No Python traceback reaches the user.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal, ParamSpec, TypeVar

import click

from engine.analysis.compare import summarise
from engine.analysis.compare_stream import compare_stream
from engine.analysis.comparison import CompareReport, Comparison
from engine.analysis.counterfactual import DEFAULT_BUDGET
from engine.base.errors import EngineError, Problem
from engine.cases.claims import UNCONTESTED
from engine.cases.load import CaseBatch, InputFormat, LoadedCase, iter_cases, load_cases
from engine.cases.record import case_json_schema
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
from engine.present import compare as render_compare
from engine.present import coverage, render
from engine.present.stream import ReportWriter
from engine.readings.load import COMMON, ReadingSet, load_readings
from engine.run.evaluate import (
    OWN,
    EngineChoice,
    engine_to_use,
    evaluate_case,
)
from engine.run.outcome import CaseResult
from engine.run.report import ErrorInfo, ReadingInfo
from engine.run.stream import evaluate_stream
from engine.testing.expectations import check, unknown_expectations

P = ParamSpec("P")
R = TypeVar("R")
Format = Literal["table", "json", "jsonl", "markdown"]


def _evaluated(paths: Sequence[str], rs: ReadingSet, reading_ids: Sequence[str],
               engine: EngineChoice, account: str, jobs: int, input_format: InputFormat,
               problems: list[Problem]) -> Iterator[tuple[LoadedCase, CaseResult]]:
    """Each case of ``paths`` with its result, in input order, as soon as it is ready; every
    problem lands in ``problems``: those of the input first, then those of the cases (as a
    batch has always listed them)."""
    known = list(rs.readings)
    later: list[Problem] = []
    items = iter_cases(paths, default_zone=rs.common.default_offset, input_format=input_format)
    for item in evaluate_stream(items, rs, only=reading_ids or None, engine=engine,
                                account=account, jobs=jobs):
        if isinstance(item, Problem):
            problems.append(item)
            continue
        loaded, result = item
        later += unknown_expectations(loaded, known)
        if isinstance(result, CaseResult):
            yield loaded, result
        else:
            later += result
    problems += later


def _claims(account: str, loaded: LoadedCase) -> bool:
    return account not in (OWN, UNCONTESTED) and account in loaded.record.claimants()


@click.group()
@click.version_option(package_name="legal-status")
def main() -> None:
    """How each reading of the 9/10 November 2020 statement and GC III classifies a detainee."""


def _batch_command(fn: Callable[P, R]) -> Callable[P, R]:
    """The arguments and options of the commands that evaluate a batch of cases."""
    options = (click.argument("paths", nargs=-1, required=True), reading_opt, rules_opt,
               engine_opt, account_opt)
    for option in reversed(options):
        fn = option(fn)
    return fn


@main.command()
@_batch_command
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
                           for r in selected], lambda text: write_out(text, nl=False))
    problems: list[Problem] = []
    claimed = False
    for loaded, result in _evaluated(paths, rs, reading_ids, engine, account, jobs,
                                     input_format, problems):
        writer.result(result)
        claimed = claimed or _claims(account, loaded)
    writer.finish([ErrorInfo.of(p) for p in problems])
    engine_note(engine, rs, reading_ids)
    account_note(claimed, account)
    if problems:
        if fmt in {"json", "jsonl"}:
            click.echo(f"{len(problems)} input error(s); see 'errors' in the output.", err=True)
        sys.exit(2)


@main.command()
@_batch_command
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
    for item in compare_stream(items, rs, only=reading_ids, account=account, engine=engine,
                               budget=budget, jobs=jobs, full_tables=full_tables):
        if isinstance(item, Problem):
            problems.append(item)
            continue
        loaded, done = item
        claimed = claimed or _claims(account, loaded)
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
        render_fn = render_compare.markdown if fmt == "markdown" else render_compare.table
        write_out(render_fn(report, summary_only=summary), nl=False)
    engine_note(engine, rs, reading_ids)
    if report.errors:
        if fmt == "json":
            click.echo(f"{len(report.errors)} input error(s); see 'errors' in the output.",
                       err=True)
        sys.exit(2)


@main.command()
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
        write_out(result.model_dump_json(indent=2) if fmt == "json"
                  else render.explain(result, rs.readings))
    engine_note(engine, rs, reading_ids)
    account_note(CaseBatch(tuple(chosen)), account)


@main.command()
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
                         for s in r.sources.values()
                         if any(c.source.id == s.id for rule in r.rules for c in rule.cites)]}
            for r in rs.readings.values()]
        write_out(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        write_out(render.readings_list(rs.readings), nl=False)


@main.command()
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


@main.command("test")
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
    for loaded, result in _evaluated(paths, rs, (), engine, account, jobs, input_format,
                                     problems):
        cases += 1
        claimed = claimed or _claims(account, loaded)
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


@main.command("check")
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


@main.command()
@guard
def schema() -> None:
    """Print the JSON Schema of the case file."""
    write_out(json.dumps(case_json_schema(), indent=2))


if __name__ == "__main__":
    main()
