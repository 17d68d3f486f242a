"""The reading semantics: overrides, conflicts, indeterminate versus not_addressed."""

from __future__ import annotations

import pytest

from engine.base.errors import EvaluationError
from engine.cases.facts import case_facts
from engine.readings.load import ReadingSet
from engine.run.evaluate import engine_to_use, evaluate_case
from engine.run.resolve import resolve
from tests.conftest import make_case


@pytest.mark.parametrize("engine", ["durable", "reference"])
def test_forward_chaining_through_a_derived_fact(mini: ReadingSet, engine: str) -> None:
    out = evaluate_case(make_case(), mini, engine=engine).readings["mini"]  # type: ignore[arg-type]
    assert (out.status, out.point8, out.release) == ("prisoner_of_war", "covered", "discretionary")
    assert [s.rule for s in out.trace] == ["mini.wartime", "mini.wartime-serviceman",
                                           "mini.held-by-holder"]
    assert out.trace[1].facts["derived.wartime"] == "true"
    assert out.engine == engine_to_use(engine)  # type: ignore[arg-type]


def test_override_defeats_and_drops_flags(mini: ReadingSet) -> None:
    case = make_case(detainee={"affiliation": "civilian"}, capture={"time": "2020-12-13"})
    out = evaluate_case(case, mini).readings["mini"]
    assert out.point8 == "covered"
    assert out.overridden == ("mini.late-capture",)
    assert out.flags == ()
    assert out.trace[0].defeated_by == ("mini.late-civilian",)


def test_undecided_overrider_makes_the_answer_indeterminate(mini: ReadingSet) -> None:
    # late-capture fires, but late-civilian (which overrides it) is open: affiliation unknown.
    case = make_case(detainee={"affiliation": "unknown"}, capture={"time": "2020-12-13"})
    out = evaluate_case(case, mini).readings["mini"]
    assert out.point8 == "indeterminate"
    assert out.unknown == ("detainee.affiliation",)
    assert out.flags == ()


def test_straddling_date_is_indeterminate_and_lists_the_fact(mini: ReadingSet) -> None:
    out = evaluate_case(make_case(capture={"time": "2020-11-10"}), mini).readings["mini"]
    assert (out.status, out.point8) == ("indeterminate", "indeterminate")
    assert out.unknown == ("capture.time",)
    assert out.decisions["point8"].unknown == ("capture.time",)


def test_instant_just_before_and_at_the_ceasefire(mini: ReadingSet) -> None:
    before = make_case(capture={"time": "2020-11-10T00:59:59+04:00"})
    at = make_case(capture={"time": "2020-11-10T01:00:00+04:00"})
    assert evaluate_case(before, mini).readings["mini"].point8 == "covered"
    assert evaluate_case(at, mini).readings["mini"].point8 == "not_covered"


def test_not_addressed_when_no_rule_can_apply(mini: ReadingSet) -> None:
    case = make_case(detaining_party="AM", detainee={"side": "AZ", "nationality": "AZ",
                                                     "affiliation": "civilian"})
    out = evaluate_case(case, mini).readings["mini"]
    assert out.status == "not_addressed"  # wartime-serviceman is false: a civilian
    assert out.release == "not_addressed"  # held-by-holder is false: held by AM
    assert out.unknown == ()


def test_unknown_time_gives_indeterminate_only_where_time_decides(mini: ReadingSet) -> None:
    case = make_case(capture={"time": None}, detainee={"affiliation": "civilian"})
    out = evaluate_case(case, mini).readings["mini"]
    assert out.point8 == "indeterminate"
    assert out.status == "not_addressed"
    assert out.release == "discretionary"


def test_runtime_conflict_is_reported_with_both_rules(mini: ReadingSet) -> None:
    reading = mini.readings["mini"]
    facts = case_facts(make_case(capture={"time": "2020-12-13"}), mini.common.default_offset)
    # Not reachable through the compiler (it rejects such pairs); forced here to test the guard.
    with pytest.raises(EvaluationError, match="late-capture' and 'wartime-serviceman"):
        resolve(reading, facts, ["late-capture", "wartime", "wartime-serviceman"], "reference")
