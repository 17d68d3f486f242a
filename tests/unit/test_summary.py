"""Plain-language summaries and the consistent crux on the bundled cases (issue 14, items 4-5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.analysis.compare import compare_batch, compare_case
from engine.cases.load import load_cases
from engine.present import compare as present_compare
from engine.present.console import Term
from engine.present.render import WIDTH, explain
from engine.readings.load import ReadingSet
from engine.run.evaluate import evaluate_case
from tests.conftest import ROOT
from tests.summarycheck import check_crux_text, check_summary

CASES = sorted((ROOT / "cases").glob("*.yaml"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_every_bundled_summary_holds_to_its_outcome(path: Path, bundled: ReadingSet) -> None:
    for loaded in load_cases([path]).cases:
        result = evaluate_case(loaded.record, bundled)
        for rid, outcome in result.readings.items():
            check_summary(outcome, bundled.readings[rid])
        text = explain(result, bundled.readings)
        brief = text.split("In brief:\n", 1)[1].split("\n\n", 1)[0].splitlines()
        # The summaries come first, one per reading, and fit an 80-column terminal.
        assert text.index("In brief:") < text.index("== ")
        assert sum(1 for ln in brief if ln.startswith("  - ")) == len(result.readings)
        assert all(len(ln) <= WIDTH for ln in brief)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_every_bundled_crux_is_consistent(path: Path, bundled: ReadingSet) -> None:
    for loaded in load_cases([path]).cases:
        comparison = compare_case(loaded.record, bundled, source=loaded.source)
        check_crux_text(comparison)
        assert dict(comparison.summaries) == {
            r: o.summary for r, o in evaluate_case(loaded.record, bundled).readings.items()}


def test_release_crux_no_longer_contradicts_its_counterfactual(bundled: ReadingSet) -> None:
    """Regression (issue 14): russia's not_addressed release turns on capture.time, and the text
    said capture.time was not read by russia next to a counterfactual on it that moves russia.
    (Since the unit entered after the ceasefire, a capture before it alone is impossible and is
    no longer offered as a counterfactual; the crux still says what russia's answer rests on.)"""
    path = ROOT / "cases" / "post-ceasefire-observation-post-convicted.yaml"
    loaded = load_cases([path]).cases[0]
    c = compare_case(loaded.record, bundled, source=loaded.source)
    crux = c.crux["release"]
    fact = next(s for s in crux.separating if s.fact == "capture.time")
    assert "russia" in fact.read_by and "russia" not in fact.not_read_by
    # No counterfactual moves a reading on a fact the crux says that reading does not read.
    for cf in c.counterfactuals:
        for change in cf.changes:
            crux_q = c.crux.get(cf.question)
            for sep in (s for s in (crux_q.separating if crux_q else ()) if s.fact == change.fact):
                assert cf.reading not in sep.not_read_by, (cf, sep)
    text = "\n".join(present_compare._paragraph(c, "release", crux))
    assert "not_addressed (russia): no rule of the reading speaks to such a case; the answer " \
           "depends on capture.time" in text


def test_no_also_read_list_and_summaries_first(bundled: ReadingSet) -> None:
    """Regression (issue 14): the noisy "Also read on one side only" list is gone, and a reader
    gets each reading's answer and reason, in words, before any rule id or fact path."""
    report = compare_batch(load_cases([ROOT / "cases"]), bundled)
    text = present_compare.table(report, term=Term(width=1000))  # content, not layout
    assert "Also read on one side only" not in text
    md = present_compare.markdown(report)
    for c in report.comparisons:
        block = text.split(f"{c.case_id}  (", 1)[1]
        assert block.index("In brief:") < block.index("status ")
        for summary in c.summaries.values():
            assert summary in md
            assert "According to the Government" in summary or "According to the ICRC" in summary


def test_readme_shows_a_live_summary(bundled: ReadingSet) -> None:
    """The README's example summary is what ``explain`` prints today."""
    path = ROOT / "cases" / "post-ceasefire-observation-post-convicted.yaml"
    result = evaluate_case(load_cases([path]).cases[0].record, bundled, only=["azerbaijan"])
    shown = "\n".join(explain(result, bundled.readings).split("In brief:\n", 1)[1]
                      .split("\n\n", 1)[0].splitlines())
    assert shown in (ROOT / "README.md").read_text(encoding="utf-8")
