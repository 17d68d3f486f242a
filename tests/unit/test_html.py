"""The HTML renderers, the timeline, the page's form and its errors, without a browser (the
browser tests in tests/browser drive the same page in chromium)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.analysis.timeline import case_timeline
from engine.base.frozen import FrozenDict
from engine.interfaces._report_html import case_view
from engine.interfaces.cli import main
from engine.present.html import CaseView, FormValues, matrix, page_html, report_html
from engine.readings.load import ReadingSet
from engine.run.report import ErrorInfo, ReadingInfo
from tests.conftest import ROOT, make_case
from tests.unit.test_frozen import assert_frozen

SPLIT = ROOT / "cases" / "december-2020-khtsaberd-disputed-arrival.yaml"
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def _infos(rs: ReadingSet) -> list[ReadingInfo]:
    return [ReadingInfo(id=r.id, title=r.title, held_by=r.held_by) for r in rs.select(None)]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_case_text_is_escaped_everywhere(bundled: ReadingSet) -> None:
    case = make_case(title=HOSTILE, capture={"place": [
        {"value": HOSTILE, "asserted_by": "AZ", "source": HOSTILE},
        {"value": "elsewhere", "asserted_by": "AM", "source": HOSTILE, "date": "2021"}]})
    view = case_view(case, HOSTILE, bundled)
    html = report_html([view], _infos(bundled), [ErrorInfo(
        source=HOSTILE, line=1, column=2, code="invalid_input", loc=(HOSTILE,),
        message=HOSTILE)], engine="reference",
        command="compare")
    tags = _tags(html)
    # The report's one script is its own; no tag or handler came from the case.
    assert [t for t, _ in tags].count("script") == 1
    assert not any(t == "img" for t, _ in tags)
    assert not any(k.startswith("on") for _, attrs in tags for k in attrs)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_matrix_marks_splits_with_letters(bundled: ReadingSet) -> None:
    case = make_case(capture={"time": "2020-12-13"}, proceedings={"stage": "convicted"})
    rows = matrix(case_view(case, "t", bundled, compare=False))
    status = {r.reading: c for r in rows for c in r.cells if c.question == "status"}
    assert status["azerbaijan"].answer == "criminal_detainee"
    assert status["armenia"].letter != status["azerbaijan"].letter
    assert not status["armenia"].agree
    same = make_case(capture={"time": "2020-10-20"})
    cells = [c for r in matrix(case_view(same, "t", bundled, compare=False)) for c in r.cells
             if c.question == "status"]
    assert all(c.agree and c.answer == "prisoner_of_war" for c in cells)


def test_the_timeline_answers_per_region_by_evaluating(bundled: ReadingSet) -> None:
    timeline = case_timeline(make_case(capture={"time": "2020-11-10"}), bundled)
    ceasefire = bundled.common.instants["ceasefire"].epoch
    assert timeline.markers[0].epoch == ceasefire
    assert timeline.markers[0].label == "ceasefire"
    before, after = timeline.regions[0], timeline.regions[1]
    # The local date of 10 November straddles the ceasefire: it lies in both regions.
    assert before.holds_capture and after.holds_capture
    assert not timeline.regions[2].holds_capture
    assert before.answers["azerbaijan"].status == "prisoner_of_war"
    assert after.answers["azerbaijan"].status == "criminal_detainee"
    assert [s.label for s in timeline.spans] == ["capture"]
    assert_frozen(timeline, "timeline")


def test_regions_the_case_rules_out_say_why(bundled: ReadingSet) -> None:
    case = make_case(capture={"time": "2020-12-13"}, entry={"time": "2020-12-01"})
    region = case_timeline(case, bundled).regions[0]
    assert not region.answers
    assert region.note is not None and "entry" in region.note


def test_a_disputed_time_is_drawn_once_per_claim(bundled: ReadingSet) -> None:
    case = make_case(capture={"time": [
        {"value": "2020-10-20", "asserted_by": "AM", "source": "a"},
        {"value": "2020-12-13", "asserted_by": "AZ", "source": "b"}]})
    timeline = case_timeline(case, bundled)
    assert [(s.written, s.claimed_by) for s in timeline.spans] == [
        ("2020-10-20", ("AM",)), ("2020-12-13", ("AZ",))]
    html = report_html([case_view(case, "t", bundled)], _infos(bundled), [],
                       engine="reference", command="compare")
    assert "capture (AM)" in html and "capture (AZ)" in html


def test_page_keeps_the_form_as_sent(bundled: ReadingSet) -> None:
    form = FormValues(FrozenDict({"detainee.affiliation": ("volunteer",),
                                  "proceedings.charges": ("terrorism", "murder"),
                                  "capture.time": ("2020-12-13",)}))
    html = page_html([], _infos(bundled), [], engine="durable", form=form)
    assert re.search(r'<option value="volunteer" selected>', html)
    assert re.search(r'value="murder" checked', html)
    assert 'value="2020-12-13"' in html


@pytest.mark.parametrize("command", ["evaluate", "compare"])
def test_format_html_is_one_self_contained_document(command: str) -> None:
    done = CliRunner().invoke(main, [command, str(SPLIT), "--format", "html"])
    assert done.exit_code == 0, done.output
    html = done.stdout
    assert html.startswith("<!doctype html>")
    tags = _tags(html)
    assert not any(t in ("link", "img", "iframe") and any(
        (v or "").startswith(("http", "//")) for k, v in a.items() if k in ("href", "src"))
        for t, a in tags)
    assert ("section", {"class": "crux", "data-question": "status"}) in tags or \
        command == "evaluate"
    assert any(t == "svg" for t, _ in tags)


def test_format_html_lists_located_errors_and_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ndetaining_party: AZ\ndetainee:\n  affiliation: soldier\n"
                   "  side: AM\ncapture: {}\n", encoding="utf-8")
    done = CliRunner().invoke(main, ["evaluate", str(bad), "--format", "html"])
    assert done.exit_code == 2
    assert re.search(r'data-line="4" data-column="16">[^<]*bad.yaml:4:16: ', done.stdout)


def test_views_are_frozen(bundled: ReadingSet) -> None:
    view = case_view(make_case(), "t", bundled)
    assert isinstance(view, CaseView)
    assert_frozen(view, "view")
