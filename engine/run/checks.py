"""The checks of the arguments of the evaluating and comparing functions of ``engine``.

Each public function calls one check first, so a wrong argument fails before any work, naming
the argument (see :mod:`engine.base.arguments` for which exception says what): ``account=""``
or ``account="not a party!"`` is refused, never taken for another account or written into a
result.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal, cast

from engine.base import arguments
from engine.base.errors import Problem
from engine.cases.claims import check_account
from engine.cases.load import CaseBatch, LoadedCase, PendingLine
from engine.cases.record import CaseRecord
from engine.readings.load import ReadingSet

#: The engines a caller may ask for.
ENGINES = ("durable", "reference")
Engine = Literal["durable", "reference"]


def case(value: Any) -> CaseRecord:
    """``value``, if it is a validated case."""
    return arguments.of_type("case", value, CaseRecord, "a CaseRecord (engine.load_case_dict "
                             "and engine.load_cases make them)")


def readings(value: Any) -> ReadingSet:
    """``value``, if it is a compiled set of readings."""
    return arguments.of_type("readings", value, ReadingSet, "a ReadingSet (engine.load_readings "
                             "makes one)")


def account(value: Any) -> str:
    """``value``, if it names an account (``own``, ``uncontested``, a party's or body's id)."""
    arguments.of_type("account", value, str, "a string: 'own', 'uncontested', or a party's id")
    try:
        return check_account(value)
    except ValueError as exc:
        raise arguments.refuse("account", str(exc), "invalid_account") from None


def evaluation(rs: Any, only: Any, engine: Any, account_: Any,
               ) -> tuple[ReadingSet, tuple[str, ...] | None, Engine]:
    """Check what every evaluation takes: the readings, the reading ids (each must exist), the
    engine and the account. Returns the readings, the ids (None: all) and the engine."""
    checked = readings(rs)
    ids = arguments.strings("only", only, "reading ids")
    checked.select(ids)  # UsageError (unknown_reading) for an id no reading has
    chosen = cast(Engine, arguments.choice("engine", engine, ENGINES))
    account(account_)
    return checked, ids or None, chosen


def evaluation_engine(value: Any) -> str:
    """``value``, if it names an engine."""
    return arguments.choice("requested", value, ENGINES)


def source(value: Any) -> str:
    """``value``, if it is a string (where a case came from)."""
    return arguments.of_type("source", value, str, "a string")


def jobs(value: Any) -> int:
    """``value``, if it is a number of processes (1 or more)."""
    return arguments.integer("jobs", value, 1)


def comparisons(value: Any, kind: type) -> Sequence[Any]:
    """``value``, if it is a sequence of ``kind``."""
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise TypeError(f"argument comparisons: expected a list of {kind.__name__}; found a "
                        f"value of type {type(value).__name__}")
    for i, item in enumerate(value):
        arguments.of_type(f"comparisons[{i}]", item, kind, f"a {kind.__name__}")
    return value


def items(value: Any) -> Iterator[LoadedCase | Problem]:
    """The elements of ``value``, an iterable of loaded cases and problems (as
    :func:`engine.iter_cases` yields them); ``TypeError`` for anything else, when it comes."""
    return _items(value, (LoadedCase, Problem), "LoadedCase and Problem",
                  "a LoadedCase or a Problem", "engine.iter_cases")


def inputs(value: Any) -> Iterator[LoadedCase | PendingLine | Problem]:
    """:func:`items`, pending lines allowed (as :func:`engine.cases.load.iter_case_inputs`
    yields them)."""
    return _items(value, (LoadedCase, PendingLine, Problem), "LoadedCase, PendingLine and Problem",
                  "a LoadedCase, a PendingLine or a Problem", "engine.cases.load.iter_case_inputs")


def _items(value: Any, kinds: tuple[type, ...], iterable_of: str, expected: str, maker: str,
           ) -> Iterator[Any]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise TypeError(f"argument items: expected an iterable of {iterable_of} (as {maker} "
                        f"yields them); found a value of type "
                        f"{type(value).__name__}")
    return _each(value, kinds, expected)


def _each(value: Iterable[Any], kinds: tuple[type, ...], expected: str) -> Iterator[Any]:
    for i, item in enumerate(value):
        yield arguments.of_type(f"items[{i}]", item, kinds, expected)


def comparison(case_: Any, rs: Any, only: Any, engine: Any, account_: Any, source_: Any,
               budget: Any, full_tables: Any) -> None:
    """Check the arguments of a comparison (``case_`` None: a batch's, checked case by case)."""
    if case_ is not None:
        case(case_)
    source(source_)
    evaluation(rs, only, engine, account_)
    arguments.integer("budget", budget, 0)
    arguments.flag("full_tables", full_tables)


def batch(value: Any, summary: Any) -> CaseBatch:
    """``value``, if it is a loaded batch; ``summary`` must be a bool."""
    arguments.flag("summary", summary)
    return arguments.of_type("batch", value, CaseBatch, "a CaseBatch (engine.load_cases makes "
                             "one)")
