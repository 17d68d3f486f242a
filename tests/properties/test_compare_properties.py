"""Properties of ``compare`` on generated cases, checked by evaluating the changed cases.

* a reported counterfactual always changes the answer, to the answer it reports;
* no strictly smaller change also changes it (each part of a pair leaves the answer as it was);
* every agreement change makes every reading give its answer;
* every ``indeterminate`` answer has an "it depends" table whose rows equal the evaluations of
  the resolved cases;
* a split is factual exactly when, on some common account of the facts (the uncontested one, on
  which a disputed fact is the set of its claimed values, or a claimant's), every reading gives
  one answer other than ``indeterminate``.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from engine.analysis.compare import compare_case
from engine.cases.record import CaseRecord
from engine.readings.load import ReadingSet, load_readings
from engine.run.evaluate import evaluate_case
from engine.strategies import boundary_instants, case_records, claimed_case_dicts
from tests.comparecheck import check_comparison
from tests.conftest import FIXTURES

BUNDLED = load_readings()
MINI = load_readings(FIXTURES / "rules")
SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _check(readings: ReadingSet, case: CaseRecord) -> None:
    comparison = compare_case(case, readings)
    assert comparison.search.complete
    check_comparison(readings, case, comparison)
    for crux in comparison.crux.values():
        # Factual means some common account makes the readings agree: check that account.
        for account, agrees in crux.common_accounts.items():
            shared = evaluate_case(case, readings, account=account)
            answers = {getattr(o, crux.question) for o in shared.readings.values()}
            assert (len(answers) == 1 and "indeterminate" not in answers) == agrees
        assert (crux.kind == "factual") == any(crux.common_accounts.values())


@SETTINGS
@given(case_records(instants=boundary_instants(BUNDLED)))
def test_reported_changes_hold_on_the_bundled_readings(case: CaseRecord) -> None:
    _check(BUNDLED, case)


@SETTINGS
@given(case_records(instants=boundary_instants(MINI)))
def test_reported_changes_hold_on_the_test_reading(case: CaseRecord) -> None:
    _check(MINI, case)


@SETTINGS
@given(claimed_case_dicts(instants=boundary_instants(BUNDLED)))
def test_reported_changes_hold_on_cases_with_claims(data: dict[str, object]) -> None:
    # Each reading on its own account: changes are checked on the case as that reading sees it.
    _check(BUNDLED, CaseRecord.model_validate(data))
