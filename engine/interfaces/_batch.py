"""What the commands that evaluate a batch of cases share: their arguments, and the
evaluated cases in input order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import click

from engine.base.errors import Problem
from engine.base.pool import Mapper, map_with
from engine.cases.claims import UNCONTESTED
from engine.cases.load import LoadedCase, PendingLine
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
from engine.run.stream import evaluate_stream
from engine.run.stream_inputs import Seen, evaluate_inputs
from engine.testing.expectations import expectation_problems, unknown_expectations

if TYPE_CHECKING:
    from engine.analysis.comparison import CompareReport

P = ParamSpec("P")
R = TypeVar("R")
C = TypeVar("C")
B = TypeVar("B")


def evaluated(items: Iterable[LoadedCase | Problem], rs: ReadingSet, reading_ids: Sequence[str],
              engine: EngineChoice, account: str, jobs: int,
              problems: list[Problem]) -> Iterator[tuple[LoadedCase, CaseResult]]:
    """Each case of ``items`` (as :func:`iter_cases` yields them) with its result, in input
    order, as soon as it is ready; every problem lands in ``problems``: those of the input
    first, then those of the cases (as a batch has always listed them)."""
    return _collected(evaluate_stream(items, rs, only=reading_ids or None, engine=engine,
                                      account=account, jobs=jobs),
                      lambda loaded: unknown_expectations(loaded, rs.readings), problems)


def evaluated_pieces(items: Iterable[LoadedCase | PendingLine | Problem], rs: ReadingSet,
                     reading_ids: Sequence[str], engine: EngineChoice, account: str, jobs: int,
                     problems: list[Problem], piece: Callable[[CaseResult], B],
                     mapper: Mapper = map_with,
                     ) -> Iterator[tuple[Seen[list[Problem]], B]]:
    """:func:`evaluated` of what :func:`iter_case_inputs` yields, each result as ``piece``
    makes it (a writer's bytes): each line of JSON Lines is read, evaluated and rendered by the
    process that evaluates it (the cheap way through workers); each case comes with its id and
    claimants (:class:`Seen`). ``mapper``: as :func:`evaluate_inputs`."""
    stream = evaluate_inputs(items, rs, expectation_problems, piece, only=reading_ids or None,
                             engine=engine, account=account, jobs=jobs,
                             default_zone=rs.common.default_offset, mapper=mapper)
    return _collected(stream, lambda seen: seen.notes, problems)


def _collected(stream: Iterator[Problem | tuple[C, R | tuple[Problem, ...]]],
               notes: Callable[[C], list[Problem]], problems: list[Problem],
               ) -> Iterator[tuple[C, R]]:
    later: list[Problem] = []
    for item in stream:
        if isinstance(item, Problem):
            problems.append(item)
            continue
        case, result = item
        later += notes(case)
        if isinstance(result, tuple):
            later += result
        else:
            yield case, result
    problems += later


def compare_report(items: Iterable[LoadedCase | Problem], rs: ReadingSet,
                   reading_ids: Sequence[str], engine: EngineChoice, account: str, *,
                   budget: int, jobs: int, full_tables: bool, summary: bool,
                   advance: Callable[[], None] = lambda: None) -> tuple[CompareReport, bool]:
    """The ``compare`` report of ``items``, and whether ``account`` names a party that made
    claims in them (``advance`` is called as each case is done, for a progress bar). The
    comparisons are held: the summary and the report need them all."""
    # Imported here: compare's search is not needed by the commands that only evaluate, whose
    # start would wait for its imports.
    from engine.analysis.compare import summarise
    from engine.analysis.compare_stream import compare_stream
    from engine.analysis.comparison import CompareReport, Comparison

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
    return claims_in(account, loaded.record.claimants())


def claims_in(account: str, claimants: Sequence[str]) -> bool:
    """Whether ``account`` names a party among ``claimants`` (who made claims in a case)."""
    return account not in (OWN, UNCONTESTED) and account in claimants



def batch_command(fn: Callable[P, R]) -> Callable[P, R]:
    """The arguments and options of the commands that evaluate a batch of cases."""
    options = (click.argument("paths", nargs=-1, required=True), reading_opt, rules_opt,
               engine_opt, account_opt)
    for option in reversed(options):
        fn = option(fn)
    return fn
