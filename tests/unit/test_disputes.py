"""Disputed facts: a fact whose claims differ is the set of its claimed values, never unknown.

Each reading is evaluated on every combination of the claimed values it reads; its answer is firm
when they all agree. The outcome's trace is the first combination's, the decisions say over which
disputed facts the answer holds or on which it depends, and ``supplied_by`` tells a dispute that
decided an answer from one that did not. The words of ``explain`` and ``compare`` say the same.
"""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from engine.analysis.compare import compare_case
from engine.analysis.comparison import CompareReport
from engine.cases.record import CaseRecord
from engine.interfaces.cli import main
from engine.present.compare import table as compare_table
from engine.present.console import Term
from engine.present.render import explain
from engine.readings.load import ReadingSet
from engine.run import disputes
from engine.run.evaluate import evaluate_case
from tests.comparecheck import check_comparison
from tests.conftest import FIXTURES, make_case

WIDE = Term(width=1000)


def _claims(*pairs: tuple[Any, str]) -> list[dict[str, Any]]:
    return [{"value": v, "asserted_by": who, "source": f"synthetic statement by {who}"}
            for v, who in pairs]


# The example of docs/case-format.md: both claims put the capture after the ceasefire.
CAPTURE_CLAIMED = {"time": _claims(("2020-12-13", "AZ"),
                                   ({"from": "2020-12-11", "to": "2020-12-13"}, "AM"))}


def test_claims_on_one_side_of_the_ceasefire_give_a_firm_answer(bundled: ReadingSet) -> None:
    claimed = make_case(capture=CAPTURE_CLAIMED)
    either = [make_case(capture={"time": t}) for t in ("2020-12-13", "2020-12-11")]
    result = evaluate_case(claimed, bundled, account="uncontested")
    for rid, outcome in result.readings.items():
        expected = [evaluate_case(c, bundled).readings[rid] for c in either]
        assert expected[0].status == expected[1].status  # the point of the example
        assert (outcome.status, outcome.point8, outcome.release) == (
            expected[0].status, expected[0].point8, expected[0].release)
        assert "indeterminate" not in (outcome.status, outcome.point8, outcome.release)
        if "capture.time" in outcome.supplied_by:
            assert outcome.supplied_by["capture.time"] == "disputed_immaterial"
            assert outcome.dispute is not None
            # Two claims, one combination the rules tell apart: evaluated once.
            assert outcome.dispute.distinct == outcome.dispute.evaluated == 1
            assert [c.claimed_by for c in outcome.dispute.combinations] == [
                {"capture.time": ("AZ",)}, {"capture.time": ("AM",)}]
            assert all(d.holds_over == ("capture.time",) for d in outcome.decisions.values())
    assert "capture.time" in result.readings["azerbaijan"].supplied_by


def test_an_affiliation_disputed_between_answers_that_agree(bundled: ReadingSet) -> None:
    claimed = make_case(capture={"time": "2020-12-13"}, detainee={
        "affiliation": _claims(("armed_forces", "AM"), ("volunteer", "AZ"))})
    outcome = evaluate_case(claimed, bundled, account="uncontested").readings["ihl"]
    soldier = evaluate_case(make_case(capture={"time": "2020-12-13"}), bundled).readings["ihl"]
    assert outcome.status == soldier.status == "prisoner_of_war"
    assert outcome.supplied_by["detainee.affiliation"] == "disputed_immaterial"
    # The trace is the first combination's (AM's claim) and says so; the decisions too.
    assert outcome.trace == soldier.trace
    assert outcome.decisions["status"].by == soldier.decisions["status"].by
    assert outcome.decisions["status"].holds_over == ("detainee.affiliation",)
    assert outcome.dispute is not None
    first, second = outcome.dispute.combinations
    assert first.values == {"detainee.affiliation": "armed_forces"}
    assert second.values == {"detainee.affiliation": "volunteer"}
    # Different rules give the same answer in the other combination, and it is recorded.
    assert first.by["status"] != second.by["status"]
    assert first.fired == tuple(s.rule for s in soldier.trace)


def test_a_dispute_that_decides_an_answer_leaves_it_open(bundled: ReadingSet) -> None:
    claimed = make_case(capture={"time": _claims(("2020-12-13", "AZ"), ("2020-10-20", "AM"))})
    outcome = evaluate_case(claimed, bundled, account="uncontested").readings["azerbaijan"]
    assert outcome.status == "indeterminate"
    assert outcome.supplied_by["capture.time"] == "disputed"
    decision = outcome.decisions["status"]
    assert decision.depends_on == ("capture.time",) and "capture.time" in decision.unknown
    assert not decision.by and not decision.holds_over
    assert outcome.dispute is not None
    assert [c.status for c in outcome.dispute.combinations] == [
        "criminal_detainee", "prisoner_of_war"]
    # On a claimant's account its own claim decides.
    own = evaluate_case(claimed, bundled, account="AM").readings["azerbaijan"]
    assert own.status == "prisoner_of_war" and own.supplied_by["capture.time"] == "AM"
    assert own.dispute is None


def test_a_claim_that_straddles_the_ceasefire_is_itself_open(bundled: ReadingSet) -> None:
    # Each claim is evaluated as written: the local date of 10 November straddles the instant.
    claimed = make_case(capture={"time": _claims(("2020-11-10", "AZ"), ("2020-12-13", "AM"))})
    outcome = evaluate_case(claimed, bundled, account="uncontested").readings["azerbaijan"]
    assert outcome.status == "indeterminate"
    assert outcome.dispute is not None
    assert [c.status for c in outcome.dispute.combinations] == [
        "indeterminate", "criminal_detainee"]


def _many_claims() -> CaseRecord:
    who = ["AM", "AZ", "RU", "ICRC", "HRW", "FR", "DE", "TR", "IR", "GE"]
    territory = ["AM", "AZ", "GE", "FR", "DE", "TR", "IR", "RU", "US", "unknown"]
    affiliation = ["armed_forces", "volunteer", "civilian", "foreign_fighter",
                   "local_defence_forces", "unknown", "armed_forces", "volunteer", "civilian",
                   "unknown"]
    times = ["2020-10-01", "2020-11-10", "2020-12-13", "2021-05-27", "2021-10-01",
             "2022-09-14", "2023-09-20", "2024-01-01", "2020", "2020-11-09"]
    side = ["AM", "AZ", "unknown"] * 3 + ["AM"]
    return make_case(
        detainee={"affiliation": _claims(*zip(affiliation, who, strict=True)),
                  "side": _claims(*zip(side, who, strict=True))},
        capture={"time": _claims(*zip(times, who, strict=True)),
                 "territory": _claims(*zip(territory, who, strict=True))},
        entry={"time": _claims(*zip(times[::-1], who, strict=True))})


def test_the_bound_on_combinations_is_said(bundled: ReadingSet) -> None:
    case = _many_claims()
    outcome = evaluate_case(case, bundled, account="uncontested",
                            engine="reference").readings["azerbaijan"]
    assert outcome.dispute is not None
    assert outcome.dispute.distinct > disputes.MAX_EVALUATED == outcome.dispute.evaluated
    assert not outcome.dispute.complete and outcome.dispute.note
    assert "were evaluated (the bound)" in outcome.dispute.note
    assert len(outcome.dispute.combinations) == disputes.MAX_LISTED
    # Nothing is shown firm, and no dispute is called immaterial, past the bound.
    assert {outcome.status, outcome.point8, outcome.release} == {"indeterminate"}
    assert all(outcome.supplied_by[f] == "disputed" for f in outcome.dispute.facts)


def test_explain_and_compare_say_whether_a_dispute_mattered(bundled: ReadingSet) -> None:
    claimed = make_case(capture={"time": _claims(("2020-12-13", "AZ"), ("2020-10-20", "AM"))})
    result = evaluate_case(claimed, bundled, account="uncontested")
    text = explain(result, bundled.readings, WIDE)  # the words, not the layout
    assert "capture.time disputed (the claims differ, and the answer depends on which is " \
           "taken)" in text
    assert "status: indeterminate  (depends on which claim is taken on capture.time)" in text
    assert "1. capture.time 2020-12-13 (AZ): status criminal_detainee" in text
    same = explain(evaluate_case(make_case(capture=CAPTURE_CLAIMED), bundled,
                                 account="uncontested"), bundled.readings, WIDE)
    assert "capture.time disputed (the claims differ, but every claim gives the same " \
           "answers)" in same
    assert "the same answer in every combination of the claims on capture.time" in same
    comparison = compare_case(claimed, bundled, account="uncontested")
    check_comparison(bundled, claimed, comparison, account="uncontested")
    words = compare_table(CompareReport(engine="durable", account="uncontested", readings=[],
                                        comparisons=[comparison], errors=[]), term=WIDE)
    assert "azerbaijan: disputed, its answer depends on which claim is taken" in words
    assert "indeterminate (azerbaijan, russia): left open by capture.time (disputed: the " \
           "answer depends on which claim is taken)" in words
    assert "(claimed by AZ) -> criminal_detainee" in words


@pytest.mark.parametrize("account", ["uncontested", "AZ"])
def test_a_split_is_factual_when_a_common_account_settles_it(bundled: ReadingSet,
                                                              account: str) -> None:
    claimed = make_case(capture={"time": _claims(("2020-12-13", "AZ"), ("2020-10-20", "AM"))})
    comparison = compare_case(claimed, bundled, account=account)
    crux = comparison.crux["status"]
    # On the uncontested account Azerbaijan's answer is open: that settles nothing.
    assert crux.common_accounts["uncontested"] is False
    assert crux.common_accounts["AM"] is True and crux.kind == "factual"
    assert compare_case(claimed, bundled, account="AM").agreement["status"]


def test_the_crux_names_the_rules_of_every_combination(bundled: ReadingSet) -> None:
    # The IHL reading answers prisoner_of_war on either claim, by a different rule on each.
    claimed = make_case(capture={"time": "2020-12-13"}, detainee={
        "affiliation": _claims(("armed_forces", "AM"), ("volunteer", "AZ"))})
    comparison = compare_case(claimed, bundled, account="uncontested")
    side = next(g for g in comparison.crux["status"].groups if "ihl" in g.readings)
    outcome = evaluate_case(claimed, bundled, account="uncontested").readings["ihl"]
    assert outcome.dispute is not None
    by = {q for c in outcome.dispute.combinations for q in c.by["status"]}
    assert len(by) == 2 and by <= {r.rule for r in side.rules}
    assert "detainee.affiliation" in side.facts


def test_the_evaluate_table_marks_a_deciding_dispute() -> None:
    done = CliRunner().invoke(main, ["evaluate", str(FIXTURES / "claims" / "disputed.yaml"),
                                     "--account", "uncontested"])
    assert done.exit_code == 0, done.output
    assert "unknown  azerbaijan: capture.time (disputed); russia: capture.time (disputed)" \
        in done.output
