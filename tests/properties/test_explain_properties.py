"""Properties of the words ``explain`` and ``compare`` use, on generated cases (issue 14):

* every summary names its reading's holder, states each answer's phrase, cites the deciding
  rules' sources with their dates, and names no rule id or fact path;
* no sentence of a crux paragraph contradicts another or the JSON it is rendered from: a fact
  said not to be read by a reading is in no counterfactual for it, every fact it "turns on" is
  decisive, and every fact a counterfactual changes is among its group's facts.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from engine.analysis.compare import compare_case
from engine.cases.record import CaseRecord
from engine.readings.load import load_readings
from engine.run.evaluate import evaluate_case
from engine.strategies import boundary_instants, case_records
from tests.summarycheck import check_crux_text, check_summary

BUNDLED = load_readings()
INSTANTS = boundary_instants(BUNDLED)


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(case_records(instants=INSTANTS))
def test_summaries_hold_to_their_outcomes(case: CaseRecord) -> None:
    for rid, outcome in evaluate_case(case, BUNDLED).readings.items():
        check_summary(outcome, BUNDLED.readings[rid])


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(case_records(instants=INSTANTS))
def test_crux_text_agrees_with_its_json(case: CaseRecord) -> None:
    check_crux_text(compare_case(case, BUNDLED))
