"""What the searches of ``compare`` share (answers by abstract case, across probes and cases)
gives the same comparison, byte for byte, as comparing each case with every cache cleared."""

from __future__ import annotations

import pytest

from engine.analysis import counterfactual
from engine.analysis.compare import compare_case
from engine.cases import timeval
from engine.cases.load import load_cases
from engine.readings.load import ReadingSet, load_readings
from engine.run import _open, evaluate, resolve
from engine.run.evaluate import EngineChoice, engine_to_use
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
