"""What the commands that evaluate a batch of cases share: their arguments, and the
evaluated cases in input order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import ParamSpec, TypeVar

import click

from engine.analysis.compare import summarise
from engine.analysis.compare_stream import compare_stream
from engine.analysis.comparison import CompareReport, Comparison
from engine.base.errors import Problem
from engine.cases.claims import UNCONTESTED
from engine.cases.load import LoadedCase
from engine.interfaces._shared import (
    account_opt,
    engine_opt,
    reading_opt,
    rules_opt,
)
from engine.present.stream import Format as Format
from engine.readings.load import ReadingSet
from engine.run.evaluate import (
    OWN,
    EngineChoice,
    engine_to_use,
)
from engine.run.outcome import CaseResult
from engine.run.report import ErrorInfo, ReadingInfo
from engine.run.stream import evaluate_stream, evaluate_stream_json
from engine.testing.expectations import unknown_expectations

P = ParamSpec("P")
R = TypeVar("R")


def evaluated(items: Iterable[LoadedCase | Problem], rs: ReadingSet, reading_ids: Sequence[str],
              engine: EngineChoice, account: str, jobs: int,
              problems: list[Problem]) -> Iterator[tuple[LoadedCase, CaseResult]]:
    """Each case of ``items`` (as :func:`iter_cases` yields them) with its result, in input
    order, as soon as it is ready; every problem lands in ``problems``: those of the input
    first, then those of the cases (as a batch has always listed them)."""
    return _collected(evaluate_stream(items, rs, only=reading_ids or None, engine=engine,
                                      account=account, jobs=jobs), rs, problems)


def evaluated_json(items: Iterable[LoadedCase | Problem], rs: ReadingSet,
                   reading_ids: Sequence[str], engine: EngineChoice, account: str, jobs: int,
                   problems: list[Problem], indent: int | None
                   ) -> Iterator[tuple[LoadedCase, str]]:
    """:func:`evaluated` with each result as its JSON text (``model_dump_json(indent=...)``),
    made by the process that evaluated the case: the cheap way back from a worker."""
    return _collected(evaluate_stream_json(items, rs, only=reading_ids or None, engine=engine,
                                           account=account, jobs=jobs, indent=indent),
                      rs, problems)


def _collected(stream: Iterator[Problem | tuple[LoadedCase, R | tuple[Problem, ...]]],
               rs: ReadingSet, problems: list[Problem]) -> Iterator[tuple[LoadedCase, R]]:
    later: list[Problem] = []
    for item in stream:
        if isinstance(item, Problem):
            problems.append(item)
            continue
        loaded, result = item
        later += unknown_expectations(loaded, rs.readings)
        if isinstance(result, tuple):
            later += result
        else:
            yield loaded, result
    problems += later



def compare_report(items: Iterable[LoadedCase | Problem], rs: ReadingSet,
                   reading_ids: Sequence[str], engine: EngineChoice, account: str, *,
                   budget: int, jobs: int, full_tables: bool, summary: bool,
                   advance: Callable[[], None] = lambda: None) -> tuple[CompareReport, bool]:
    """The ``compare`` report of ``items``, and whether ``account`` names a party that made
    claims in them (``advance`` is called as each case is done, for a progress bar). The
    comparisons are held: the summary and the report need them all."""
    selected = rs.select(reading_ids)
    problems: list[Problem] = []
    failed: list[Problem] = []
    comparisons: list[Comparison] = []
    claimed = False
    for item in compare_stream(items, rs, only=reading_ids, account=account, engine=engine,
                               budget=budget, jobs=jobs, full_tables=full_tables):
        if isinstance(item, Problem):
            problems.append(item)
            continue
        loaded, done = item
        advance()
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
    return report, claimed


def claims(account: str, loaded: LoadedCase) -> bool:
    """Whether ``account`` names a party that made claims in this case."""
    return account not in (OWN, UNCONTESTED) and account in loaded.record.claimants()



def batch_command(fn: Callable[P, R]) -> Callable[P, R]:
    """The arguments and options of the commands that evaluate a batch of cases."""
    options = (click.argument("paths", nargs=-1, required=True), reading_opt, rules_opt,
               engine_opt, account_opt)
    for option in reversed(options):
        fn = option(fn)
    return fn
