"""What the commands that evaluate a batch of cases share: their arguments, and the
evaluated cases in input order."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Literal, ParamSpec, TypeVar

import click

from engine.base.errors import Problem
from engine.cases.claims import UNCONTESTED
from engine.cases.load import InputFormat, LoadedCase, iter_cases
from engine.interfaces._shared import (
    account_opt,
    engine_opt,
    reading_opt,
    rules_opt,
)
from engine.readings.load import ReadingSet
from engine.run.evaluate import (
    OWN,
    EngineChoice,
)
from engine.run.outcome import CaseResult
from engine.run.stream import evaluate_stream, evaluate_stream_json
from engine.testing.expectations import unknown_expectations

P = ParamSpec("P")
R = TypeVar("R")
Format = Literal["table", "json", "jsonl", "markdown"]


def evaluated(paths: Sequence[str], rs: ReadingSet, reading_ids: Sequence[str],
              engine: EngineChoice, account: str, jobs: int, input_format: InputFormat,
              problems: list[Problem]) -> Iterator[tuple[LoadedCase, CaseResult]]:
    """Each case of ``paths`` with its result, in input order, as soon as it is ready; every
    problem lands in ``problems``: those of the input first, then those of the cases (as a
    batch has always listed them)."""
    items = iter_cases(paths, default_zone=rs.common.default_offset, input_format=input_format)
    return _collected(evaluate_stream(items, rs, only=reading_ids or None, engine=engine,
                                      account=account, jobs=jobs), rs, problems)


def evaluated_json(paths: Sequence[str], rs: ReadingSet, reading_ids: Sequence[str],
                   engine: EngineChoice, account: str, jobs: int, input_format: InputFormat,
                   problems: list[Problem], indent: int | None
                   ) -> Iterator[tuple[LoadedCase, str]]:
    """:func:`evaluated` with each result as its JSON text (``model_dump_json(indent=...)``),
    made by the process that evaluated the case: the cheap way back from a worker."""
    items = iter_cases(paths, default_zone=rs.common.default_offset, input_format=input_format)
    return _collected(evaluate_stream_json(items, rs, only=reading_ids or None, engine=engine,
                                           account=account, jobs=jobs, indent=indent),
                      rs, problems)


def _collected(stream: Iterator[Problem | tuple[LoadedCase, R | tuple[Problem, ...]]],
               rs: ReadingSet, problems: list[Problem]) -> Iterator[tuple[LoadedCase, R]]:
    known = list(rs.readings)
    later: list[Problem] = []
    for item in stream:
        if isinstance(item, Problem):
            problems.append(item)
            continue
        loaded, result = item
        later += unknown_expectations(loaded, known)
        if isinstance(result, tuple):
            later += result
        else:
            yield loaded, result
    problems += later


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
