"""durable_rules against the reference evaluator, on generated cases concentrated on boundaries.

The public strategies (:mod:`engine.strategies`) draw the cases, their times around every instant
the readings compare with (:func:`~engine.strategies.boundary_instants`): seconds either side,
straddling local dates, months, ranges, unknown. For every reading: the same answers, flags and
unknown facts, the same fired rules in the same order, and the same outcome in every other field.
Any difference is a bug in one of them, never a tolerance to add.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from engine.cases.facts import render_interval
from engine.cases.record import CaseRecord
from engine.cases.timeval import Interval
from engine.readings.load import ReadingSet, load_readings
from engine.run.evaluate import evaluate_case
from engine.strategies import boundary_instants, case_records
from tests.conftest import FIXTURES, needs_durable

pytestmark = needs_durable

READING_SETS = {"mini": load_readings(FIXTURES / "rules"), "bundled": load_readings()}
# Per reading set: a few thousand cases in all, in well under a minute on two cores.
EXAMPLES = 2500
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _compare(readings: ReadingSet, case: CaseRecord) -> None:
    durable = evaluate_case(case, readings, engine="durable")
    reference = evaluate_case(case, readings, engine="reference")
    assert list(durable.readings) == list(reference.readings) == list(readings.readings)
    for rid, d in durable.readings.items():
        r = reference.readings[rid]
        assert (d.engine, r.engine) == ("durable", "reference")
        assert (d.status, d.point8, d.release) == (r.status, r.point8, r.release), rid
        assert d.flags == r.flags, rid
        assert d.unknown == r.unknown, rid
        assert [s.rule for s in d.trace] == [s.rule for s in r.trace], rid
        # Everything else too (what each step read, defeats, decisions): only the engine differs.
        assert d.model_dump(exclude={"engine"}) == r.model_dump(exclude={"engine"}), rid


def _observe(readings: ReadingSet, instants: list[int], case: CaseRecord) -> None:
    """Hypothesis events (``--hypothesis-show-statistics``): where times fall by each instant."""
    zone = readings.common.default_offset
    for name, interval in (("capture", case.capture_interval(zone)),
                           ("entry", case.entry_interval(zone))):
        for instant in instants:
            side = "unknown" if interval is None else interval.compare(instant)
            event(f"{name}.time vs {render_interval(Interval(instant, instant + 1))}: {side}")
    event(f"capture.territory: {case.capture.territory} (held by {case.detaining_party})")


def _differential_test(which: str) -> Callable[[], None]:
    readings = READING_SETS[which]
    instants = boundary_instants(readings)

    @SETTINGS
    @given(case=case_records(instants=instants))
    def test(case: CaseRecord) -> None:
        _observe(readings, instants, case)
        _compare(readings, case)

    return test


test_durable_equals_reference_mini = _differential_test("mini")
test_durable_equals_reference_bundled = _differential_test("bundled")


# The default strategy draws every territory (absent, "unknown", AM, AZ, third states), but the
# rules that read it fire only on a narrow combination (held by the holder, on the holder's
# territory, after the ceasefire): generate those densely too, both parties holding.
@settings(max_examples=400, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(case=case_records(instants=boundary_instants(READING_SETS["bundled"]),
                         detaining_party=st.sampled_from(["AZ", "AM"]),
                         territory=st.sampled_from(["AZ", "AM", "unknown", "GE"]),
                         affiliation=st.sampled_from(["armed_forces", "volunteer", "civilian"])))
def test_durable_equals_reference_on_territory(case: CaseRecord) -> None:
    event(f"capture.territory: {case.capture.territory} (held by {case.detaining_party})")
    _compare(READING_SETS["bundled"], case)
