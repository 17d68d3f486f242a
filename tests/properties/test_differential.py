"""durable_rules against the reference evaluator, on generated cases concentrated on boundaries.

Same answers, same fired rules in the same order, same unknown facts: any difference is a bug in
one of them, never a tolerance to add.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import _durable
from engine.case import CaseRecord
from engine.factspec import AFFILIATIONS, CHARGES, CIRCUMSTANCES, STAGES
from engine.readings import ReadingSet, load_readings
from tests.conftest import FIXTURES

pytestmark = pytest.mark.skipif(not _durable.available(),
                                reason="durable_rules cannot be imported on this interpreter")
CEASEFIRE = datetime(2020, 11, 9, 21, tzinfo=UTC)


def _instant(seconds: int) -> str:
    return (CEASEFIRE + timedelta(seconds=seconds)).isoformat()


times = st.one_of(
    st.integers(-5, 5).map(_instant),                                  # seconds around it
    st.integers(-3 * 86400, 3 * 86400).map(_instant),                 # days around it
    st.sampled_from(["2020-11-09", "2020-11-10", "2020-11-11", "2020-11", "2020-10-20",
                     "2020-12-13", "2021-05-27T03:00:00+04:00", "2023-04-12", "2020"]),
    st.builds(lambda a, b: {"from": a, "to": b},
              st.sampled_from(["2020-11-01", "2020-11-09", "2020-11-10"]),
              st.sampled_from(["2020-11-10", "2020-11-30", "2020-12-13"])),
)


@st.composite
def cases(draw: st.DrawFn) -> CaseRecord:
    party = draw(st.sampled_from(["AM", "AZ", "RU", "SY"]))
    data: dict[str, Any] = {
        "id": "g",
        "detaining_party": party,
        "detainee": {
            "nationality": draw(st.sampled_from(["AM", "AZ", "SY", "RU"])),
            "affiliation": draw(st.sampled_from([*AFFILIATIONS, "unknown"])),
            "side": draw(st.sampled_from(["AM", "AZ", "unknown"])),
        },
        "capture": {"circumstances": draw(st.sampled_from([*CIRCUMSTANCES, "unknown"]))},
    }
    if draw(st.booleans()):
        data["capture"]["time"] = draw(times)
    if draw(st.booleans()):
        data["entry"] = {"time": draw(times)}
    if draw(st.booleans()):
        data["proceedings"] = {"stage": draw(st.sampled_from(STAGES)),
                               "charges": draw(st.lists(st.sampled_from(CHARGES), max_size=3,
                                                        unique=True))}
    try:
        return CaseRecord.model_validate(data)
    except ValueError:
        # An inverted generated range: not a valid case, so not a case to compare on.
        from hypothesis import reject
        reject()


READING_SETS = {"mini": load_readings(FIXTURES / "rules"), "bundled": load_readings()}


def _compare(rs: ReadingSet, case: CaseRecord) -> None:
    from engine.evaluate import evaluate_case
    durable = evaluate_case(case, rs, engine="durable")
    reference = evaluate_case(case, rs, engine="reference")
    for rid, d in durable.readings.items():
        r = reference.readings[rid]
        assert (d.status, d.point8, d.release, d.flags, d.unknown) == (
            r.status, r.point8, r.release, r.flags, r.unknown), rid
        assert [s.rule for s in d.trace] == [s.rule for s in r.trace], rid
        assert d.engine == "durable" and r.engine == "reference"


@pytest.mark.parametrize("which", list(READING_SETS))
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          derandomize=True)
@given(case=cases())
def test_durable_equals_reference(which: str, case: CaseRecord) -> None:
    _compare(READING_SETS[which], case)
