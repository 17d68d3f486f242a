"""What the resolver keeps per reading (answers by abstract case, open facts cut per case) gives
the same outcomes, byte for byte, as resolving each case afresh, whatever was evaluated before."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from engine.cases import timeval
from engine.cases.facts import FactValue, case_facts
from engine.cases.record import CaseRecord
from engine.readings.load import ReadingSet, load_readings
from engine.readings.to_durable import _case_fact_dumps, case_fact
from engine.run import _open, evaluate, resolve
from engine.run.evaluate import EngineChoice, engine_to_use, evaluate_case
from engine.strategies import boundary_instants, case_records
from tests.conftest import make_case

BUNDLED = load_readings()
ENGINES: tuple[EngineChoice, ...] = tuple(
    e for e in ("durable", "reference") if engine_to_use(e) == e)


def _forget() -> None:
    resolve._PREPARED.clear()
    _open._MEMOS.clear()
    evaluate._FIRED.clear()
    timeval._interval.cache_clear()


def _json(case: CaseRecord, readings: ReadingSet, engine: EngineChoice) -> str:
    return evaluate_case(case, readings, engine=engine).model_dump_json()


@settings(max_examples=150, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(case_records(instants=boundary_instants(BUNDLED)))
def test_remembered_answers_equal_fresh_ones(case: CaseRecord) -> None:
    for engine in ENGINES:
        remembered = _json(case, BUNDLED, engine)
        _forget()
        assert _json(case, BUNDLED, engine) == remembered
    # The case fact durable_rules is given, written piece by piece: json.dumps's text exactly.
    facts = case_facts(case, BUNDLED.common.default_offset)
    assert case_fact(facts, "w0") == _case_fact_dumps(facts, "w0")


def test_case_fact_text_is_json_dumps_text() -> None:
    facts: dict[str, FactValue] = {
        "detainee.affiliation": "caf\u00e9 \u2028\"q\"", "detainee.adverse": False,
        "proceedings.charges": frozenset({"b", "\u00fc", "a"})}
    assert case_fact(facts, "w0") == _case_fact_dumps(facts, "w0")


@pytest.mark.parametrize("engine", ENGINES)
def test_open_facts_do_not_depend_on_the_case_before(engine: EngineChoice) -> None:
    # Captured "November 2020" (straddling the ceasefire), side unknown. Entering the area on
    # 11 November puts the capture after the ceasefire, so the time of capture no longer turns
    # the status or point 8 for Russia's reading; without an entry time it does. Both cases look
    # the same to the reading's tests: the cut must not be remembered across them.
    base = {"detaining_party": "AZ", "capture": {"time": "2020-11", "timezone": "Asia/Yerevan"},
            "detainee": {"nationality": "GE", "affiliation": "local_defence_forces",
                         "side": "unknown"}}
    entered = make_case(**base, entry={"time": {"from": "2020-11-11", "to": "2020-11-12"}})
    plain = make_case(**base)
    _forget()
    alone = {c.id + str(i): _json(c, BUNDLED, engine) for i, c in enumerate((entered, plain))}
    for first, second in ((entered, plain), (plain, entered)):
        _forget()
        _json(first, BUNDLED, engine)
        index = 0 if second is entered else 1
        assert _json(second, BUNDLED, engine) == alone[second.id + str(index)]
    russia = evaluate_case(entered, BUNDLED, engine=engine).readings["russia"]
    assert russia.decisions["status"].unknown == ("detainee.adverse",)
    russia = evaluate_case(plain, BUNDLED, engine=engine).readings["russia"]
    assert russia.decisions["status"].unknown == ("capture.time", "detainee.adverse")
