"""What the searches of ``compare`` share (answers by abstract case, across probes and cases)
gives the same comparison, byte for byte, as comparing each case with every cache cleared; the
search's answers (kept by the values of the reading's tests) are those of a fresh evaluation; and
the search's abstract key tells cases apart exactly as the rules' comparisons of times do."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.analysis import _whatif, counterfactual
from engine.analysis.compare import compare_case
from engine.cases import constraints, timeval
from engine.cases.catalogue import DERIVED_FROM, FACTS
from engine.cases.facts import FactValue, case_facts
from engine.cases.load import load_cases
from engine.cases.record import CaseRecord
from engine.cases.timeval import Interval
from engine.readings.load import ReadingSet, load_readings
from engine.run import _open, evaluate, resolve
from engine.run.evaluate import EngineChoice, engine_to_use
from engine.testing.strategies import boundary_instants, case_records
from tests.conftest import ROOT

BUNDLED = load_readings()
ENGINES: tuple[EngineChoice, ...] = tuple(
    e for e in ("durable", "reference") if engine_to_use(e) == e)
CASES = load_cases([ROOT / "cases"]).cases


def _forget() -> None:
    counterfactual._SHARED.clear()
    resolve._PREPARED.clear()
    _open._MEMOS.clear()
    evaluate._FIRED.clear()
    evaluate._ANSWERS.clear()
    timeval._interval.cache_clear()


def _json(index: int, readings: ReadingSet, engine: EngineChoice) -> str:
    loaded = CASES[index]
    return compare_case(loaded.record, readings, engine=engine,
                        source=loaded.source).model_dump_json()


@pytest.mark.parametrize("engine", ENGINES)
def test_bundled_comparisons_are_the_same_cold_and_warm(engine: EngineChoice) -> None:
    cold = {}
    for i in range(len(CASES)):
        _forget()
        cold[i] = _json(i, BUNDLED, engine)
    # In the other order, each case meets what the searches of the cases after it left.
    _forget()
    for i in reversed(range(len(CASES))):
        assert _json(i, BUNDLED, engine) == cold[i], CASES[i].record.id
    # Every abstract case now known: the search answers from what it shares, counts the same.
    assert counterfactual._SHARED
    for i in range(len(CASES)):
        assert _json(i, BUNDLED, engine) == cold[i], CASES[i].record.id


def test_shared_answers_are_per_reading_set() -> None:
    # Another set of the same readings: its own entry, never another set's.
    other = load_readings()
    _forget()
    first = _json(0, BUNDLED, "reference")
    assert _json(0, other, "reference") == first
    assert len(counterfactual._SHARED) == 2


def _fresh(readings: ReadingSet, rid: str, facts: dict[str, FactValue],
           engine: EngineChoice) -> dict[str, str]:
    """The answers of an evaluation that keeps nothing: fire, then decide."""
    reading = readings.readings[rid]
    fired = evaluate.fire(readings, reading, facts, engine_to_use(engine))
    return {q: d.answer for q, d in resolve.decide(reading, facts, fired)[0].items()}


@settings(max_examples=60, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(case_records(instants=boundary_instants(BUNDLED)))
def test_search_answers_equal_fresh_ones(case: CaseRecord) -> None:
    # The case and each of its single changes: cases that differ in values no test tells apart
    # meet the answers kept by the first (and every case meets those of the cases before it).
    offset = BUNDLED.common.default_offset
    for rid, reading in BUNDLED.readings.items():
        changed = [case] + [_whatif.apply(case, [v]) for f in _whatif.case_fields(reading)
                            for v in _whatif.alternatives(case, f, [reading], offset)]
        for record, engine in itertools.product(changed, ENGINES):
            facts = case_facts(record, offset)
            found = evaluate.answers(BUNDLED, reading, facts, engine_to_use(engine))
            assert found == _fresh(BUNDLED, rid, facts, engine), (rid, engine, record)


def _compared(reading_marks: list[tuple[str, list[int]]],
              facts: dict[str, FactValue]) -> tuple[object, ...]:
    """The abstract key as the rules see it: each tested fact, a time as its comparison with
    each instant (``Interval.compare``), any other value itself."""
    return tuple(tuple(v.compare(e) for e in epochs) if isinstance(v := facts.get(p), Interval)
                 else v for p, epochs in reading_marks)


_READING = BUNDLED.readings["azerbaijan"]
# Instants the reading compares times with, and a second either side of each.
_NEAR = sorted({m.epoch + d for p in ("capture.time", "entry.time")
                for m in _whatif.marks([_READING], p) for d in (-1, 0, 1)})
_TIMES = st.sampled_from(_NEAR)


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(st.lists(st.tuples(_TIMES, _TIMES), min_size=2, max_size=6))
def test_search_key_tells_times_apart_as_comparisons_do(bounds: list[tuple[int, int]]) -> None:
    # Degenerate intervals too (the key must not tell apart what the comparisons do not).
    probe = counterfactual.Probe(BUNDLED, "reference")
    reading = _READING
    facts: list[dict[str, FactValue]] = [
        {"capture.time": Interval(lo, hi), "entry.time": Interval(hi, hi + 1)} for lo, hi in bounds]
    keys = [probe._key(reading, f) for f in facts]
    marks = probe._read[reading.id]
    assert len([e for _, e in marks if e]) == 2
    compared = [_compared(marks, f) for f in facts]
    for i, j in itertools.combinations(range(len(facts)), 2):
        assert (keys[i] == keys[j]) == (compared[i] == compared[j])


def test_changes_of_fields_the_constraints_do_not_read_keep_violations() -> None:
    # The search checks a changed case against the constraints by its changes of the fields
    # they read alone; every other change must leave the violations as they were, alone or
    # with a change of a field they read.
    offset = BUNDLED.common.default_offset
    every = list(BUNDLED.readings.values())
    fields = [f for f in FACTS if f not in DERIVED_FROM]  # the case fields a change sets
    unread = [f for f in fields if not constraints.reads(f)]
    read = [f for f in fields if constraints.reads(f)]
    assert unread and read and not any(constraints.reads(f) for f in unread)
    checked = 0
    for loaded in CASES:
        case = loaded.record
        for field in unread:
            for value in _whatif.alternatives(case, field, every, offset):
                assert (constraints.violations(_whatif.apply(case, [value]), offset)
                        == constraints.violations(case, offset)), (case.id, value)
                for other in (o for f in read
                              for o in _whatif.alternatives(case, f, every, offset)):
                    base = _whatif.apply(case, [other])
                    assert (constraints.violations(_whatif.apply(base, [value]), offset)
                            == constraints.violations(base, offset)), (case.id, value, other)
                    checked += 1
    assert checked > 1000
