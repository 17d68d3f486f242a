"""Deep immutability (issue 9): no caller can change what the library returns or shares.

Every value reachable from what the public functions return (outcomes, reports, comparisons,
case records and their claims, reading sets, readings, durable programs, verification findings) is
walked generically, and every change a caller could make with ordinary code is tried on it:
assigning or deleting a field, item assignment and deletion, ``clear``, ``append``, ``pop``,
``update``, ``setdefault``, ``|=`` and ``+=``. Each must be refused and leave the value unchanged.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import pickle
from collections.abc import Callable, Iterator, Mapping
from datetime import tzinfo
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

import engine
from engine.analysis.verify import verify
from engine.base.errors import Problem
from engine.base.frozen import FrozenDict, freeze
from engine.base.yamlio import Document
from engine.cases.load import CaseBatch, load_cases
from engine.cases.timeval import zone_names
from engine.readings.load import ReadingSet, load_readings
from engine.run.report import ErrorInfo, ReadingInfo, Report
from tests.conftest import FIXTURES, ROOT

SCALARS = (str, int, float, bool, bytes, type(None), enum.Enum, tzinfo)
#: Values a caller gets that are no part of the engine's state: the parsed YAML document a case
#: came from is kept only to locate its fields (engine.base.yamlio; see the report).
NOT_WALKED = (Document,)


def _children(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield f".{name}", getattr(value, name)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield f".{f.name}", getattr(value, f.name)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield f"[{key!r}]", key
            yield f"[{key!r}]", item
    elif isinstance(value, tuple | frozenset):
        for i, item in enumerate(value):
            yield f"[{i}]", item


def walk(root: Any, name: str) -> Iterator[tuple[str, Any]]:
    """Every value reachable from ``root``, with its path; iterative, each object once."""
    seen: set[int] = set()
    todo = [(name, root)]
    while todo:
        path, value = todo.pop()
        if id(value) in seen or isinstance(value, SCALARS + NOT_WALKED):
            continue
        seen.add(id(value))
        yield path, value
        todo.extend((path + step, child) for step, child in _children(value))


def _mutations(value: Any) -> Iterator[tuple[str, Callable[[], object]]]:
    """Every ordinary change a caller could try on ``value``."""
    key = next(iter(value), "k") if isinstance(value, Mapping) else 0

    def ior() -> None:
        target = value
        target |= {key: None}

    def iadd() -> None:
        target = value
        target += [None]  # a list's += changes it in place; a tuple's makes a new one

    if isinstance(value, Mapping):
        yield "item assignment", lambda: value.__setitem__(key, None)
        yield "del item", lambda: value.__delitem__(key)
        for method, args in (("clear", ()), ("pop", (key,)), ("popitem", ()),
                             ("setdefault", (key, None)), ("update", ({key: None},))):
            yield method, lambda m=method, a=args: getattr(value, m)(*a)
        yield "|=", ior
    else:
        yield "item assignment", lambda: value.__setitem__(key, None)
        yield "del item", lambda: value.__delitem__(key)
        for method, args in (("append", (None,)), ("extend", ([None],)), ("clear", ()),
                             ("pop", ()), ("insert", (0, None)), ("remove", (None,)),
                             ("add", (None,)), ("discard", (None,)), ("update", ({None},))):
            yield method, lambda m=method, a=args: getattr(value, m)(*a)
        yield "+=", iadd


def _fields(value: Any) -> list[str]:
    if isinstance(value, BaseModel):
        return list(type(value).model_fields)
    return [f.name for f in dataclasses.fields(value)]


def _snapshot(value: Any) -> str:
    return repr(value)


def assert_frozen(root: Any, name: str) -> int:
    """Try every change on everything reachable from ``root``; return how many were refused."""
    refused = 0
    for path, value in walk(root, name):
        before = _snapshot(value)
        assert not isinstance(value, list | dict | set | bytearray) or isinstance(
            value, FrozenDict), f"{path} is a mutable {type(value).__name__}"
        if isinstance(value, BaseModel) or dataclasses.is_dataclass(value):
            for field in _fields(value):
                current = getattr(value, field)
                with pytest.raises((TypeError, AttributeError, ValueError)):
                    setattr(value, field, current)
                with pytest.raises((TypeError, AttributeError, ValueError)):
                    delattr(value, field)
                if isinstance(current, tuple | Mapping):
                    with pytest.raises((TypeError, AttributeError, ValueError)):
                        # what `value.field += ...` does: change in place, then assign
                        setattr(value, field, (*current, None) if isinstance(current, tuple)
                                else current | {})
                refused += 3
            with pytest.raises((TypeError, AttributeError, ValueError)):
                value.new_attribute = 1
        elif isinstance(value, Mapping | tuple | frozenset):
            for what, change in _mutations(value):
                try:
                    change()
                except (TypeError, AttributeError):
                    refused += 1
                else:
                    if what not in ("+=",):  # += on a tuple rebinds a local name only
                        pytest.fail(f"{path}: {what} on a {type(value).__name__} was allowed")
        assert _snapshot(value) == before, f"{path} changed"
    return refused


@pytest.fixture(scope="module")
def readings() -> ReadingSet:
    return load_readings()


@pytest.fixture(scope="module")
def batch() -> CaseBatch:
    return load_cases([ROOT / "cases", FIXTURES / "claims"])


def test_the_walker_finds_what_a_mutable_value_would_let_change() -> None:
    class Loose(BaseModel):
        model_config = ConfigDict(frozen=True)
        items: list[str]

    with pytest.raises(AssertionError, match="mutable list"):
        assert_frozen(FrozenDict({"x": Loose(items=["a"])}), "loose")
    with pytest.raises(AssertionError, match="is a mutable Sub"):
        assert_frozen(FrozenDict({"a": type("Sub", (dict,), {})(b=1)}), "sub")


def test_reading_sets_and_readings(readings: ReadingSet) -> None:
    assert assert_frozen(readings, "readings") > 1000
    assert assert_frozen(load_readings(FIXTURES / "rules"), "mini") > 50


@pytest.mark.parametrize("engine_name", ["durable", "reference"])
def test_outcomes_and_reports(readings: ReadingSet, batch: CaseBatch, engine_name: str) -> None:
    results = [engine.evaluate_case(c.record, readings, engine=engine_name,  # type: ignore[arg-type]
                                    source=c.source) for c in batch.cases]
    assert_frozen(tuple(results), "results")
    report = Report(engine=engine_name,
                    readings=[ReadingInfo(id=r.id, title=r.title, held_by=r.held_by)
                              for r in readings.readings.values()],
                    results=results, errors=[ErrorInfo.of(Problem("x"))])
    assert_frozen(report, "report")


def test_case_records_claims_and_accounts(readings: ReadingSet, batch: CaseBatch) -> None:
    assert_frozen(batch, "batch")
    disputed = next(c.record for c in batch.cases if c.record.claims)
    for party in (None, "AM", "AZ"):
        assert_frozen(disputed.on_account(party)[0], f"on_account({party})")
    assert_frozen(disputed.swapped_parties(), "swapped")
    assert_frozen(engine.reading_records(disputed, readings), "reading_records")
    # The failure of issue 9: emptying a claim list made later evaluations raise IndexError.
    path = next(iter(disputed.claims))
    with pytest.raises(TypeError):
        disputed.claims[path] = ()  # type: ignore[index]
    assert disputed.claims[path]
    engine.evaluate_case(disputed, readings, engine="reference")


def test_comparisons(readings: ReadingSet, batch: CaseBatch) -> None:
    report = engine.compare_batch(batch, readings)
    assert_frozen(report, "compare")


def test_verification_findings() -> None:
    broken = load_readings(FIXTURES / "broken", allow_conflicts=True)
    for reading in broken.readings.values():
        assert_frozen(verify(reading), f"verify({reading.id})")


def test_shared_reading_set_survives_a_careless_caller(readings: ReadingSet,
                                                       batch: CaseBatch) -> None:
    """The failure of issue 9: clearing ``overridden_by`` made other callers' evaluations raise."""
    case = batch.cases[0].record
    before = engine.evaluate_case(case, readings, engine="reference").model_dump_json()
    for reading in readings.readings.values():
        for attempt in (reading.overridden_by, reading.by_id, reading.derived_by,
                        readings.common.instants, readings.readings):
            with pytest.raises(TypeError):
                attempt.clear()  # type: ignore[attr-defined]
    assert engine.evaluate_case(case, readings, engine="reference").model_dump_json() == before


def test_frozen_values_serialise_copy_and_pickle_as_before(batch: CaseBatch,
                                                           readings: ReadingSet) -> None:
    result = engine.evaluate_case(batch.cases[0].record, readings)
    data = result.model_dump()
    assert type(data["readings"]) is dict and isinstance(data["readings"]["ihl"]["flags"], tuple)
    assert json.loads(result.model_dump_json()) == json.loads(json.dumps(data))
    assert pickle.loads(pickle.dumps(result)) == result
    assert type(result).model_validate_json(result.model_dump_json()) == result
    copy = dict(result.readings)
    copy.clear()  # a copy is the caller's own
    assert result.readings
    assert freeze({"a": [1, {"b": {2}}]}) == {"a": (1, {"b": frozenset({2})})}


def test_the_case_schema_is_unchanged() -> None:
    """Read-only types validate like the dicts they replace: the published schema is the same."""
    path = FIXTURES / "case-schema.json"  # regenerate with `legal-status schema` on a change
    pinned = json.loads(path.read_text(encoding="utf-8"))
    # The IANA zone names are this machine's zone data (as the loader's are): not pinned.
    zones = pinned["$defs"]["TimeZone"]["anyOf"][1]
    zones["enum"] = sorted(zone_names())
    assert engine.case_json_schema() == pinned
