"""The page and the HTML report in a real browser: the form, the matrix, an explanation, the
timeline, a located error, inert case text, and the report's matrix against the JSON.

``LEGAL_STATUS_SCREENSHOTS=1`` also writes ``docs/screenshots/page.png`` and ``report.png``
(the README shows them): ``LEGAL_STATUS_SCREENSHOTS=1 pytest tests/browser``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SPLIT_CASE = ROOT / "cases" / "december-2020-khtsaberd-disputed-arrival.yaml"
SHOTS = ROOT / "docs" / "screenshots"


def _shoot(page: Any, name: str) -> None:
    if os.environ.get("LEGAL_STATUS_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / name), full_page=False)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "engine.interfaces.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)


def test_form_case_splits_the_readings(page: Any, server: str) -> None:
    page.goto(server + "/")
    page.fill("#f-id", "observation-post-december")
    page.fill("#f-title", "Serviceman captured at an observation post")
    page.fill("#f-detaining_party", "AZ")
    page.fill("#f-detainee-nationality", "AM")
    page.select_option("#f-detainee-affiliation", "armed_forces")
    page.select_option("#f-detainee-side", "AM")
    page.fill("#f-capture-time", "2020-12-13")
    page.select_option("#f-capture-circumstances", "observation_post")
    page.select_option("#f-proceedings-stage", "convicted")
    page.check("input[name='proceedings.charges'][value='illegal_border_crossing']")
    page.click("#build button[type=submit]")
    matrix = page.locator("table.matrix")
    matrix.wait_for()
    cell = matrix.locator("tr[data-reading='azerbaijan'] td[data-question='status']")
    assert cell.get_attribute("data-answer") == "criminal_detainee"
    assert matrix.locator("tr[data-reading='armenia'] td[data-question='status']") \
        .get_attribute("data-answer") == "prisoner_of_war"
    # The split is marked in words, not by colour alone, and each reading says who holds it.
    assert "differ" in matrix.locator("thead").inner_text()
    assert "Government of the Republic of Azerbaijan" in matrix.inner_text()
    # An answer opens its explanation: the rules, in words, with their sources.
    cell.locator("a").click()
    why = page.locator("details#why-observation-post-december-azerbaijan-status")
    from playwright.sync_api import expect  # the browser tests' conftest checks it is there

    # Opened by the page's script after the click: waited for, not read at once.
    expect(why).to_have_attribute("open", "")
    assert why.locator("ol.rules li").count() >= 1
    assert why.locator("cite").count() >= 1
    # By keyboard too: a focused answer opens its explanation with Enter.
    armenia = matrix.locator("tr[data-reading='armenia'] td[data-question='point8'] a")
    armenia.focus()
    page.keyboard.press("Enter")
    expect(page.locator("details#why-observation-post-december-armenia-point8")) \
        .to_have_attribute("open", "")
    # The timeline: the capture against the ceasefire, each reading's answer per region.
    figure = page.locator("figure.timeline")
    assert figure.locator("svg g.marker").first.is_visible()
    assert "ceasefire" in (figure.locator("svg").text_content() or "")
    assert figure.locator("svg rect.holds-capture").count() == 1
    # The form comes back as sent, and the case file it made is shown.
    assert page.input_value("#f-capture-time") == "2020-12-13"
    assert "observation-post-december" in (page.locator("pre").first.text_content() or "")
    assert page.console_errors == []


def test_pasted_invalid_case_shows_the_located_error(page: Any, server: str) -> None:
    page.goto(server + "/")
    page.fill("#case-text", "id: bad\ndetaining_party: AZ\ndetainee:\n  affiliation: soldier\n"
                            "  side: AM\ncapture: {}\n")
    page.click("#paste button[type=submit]")
    error = page.locator("ul.errors li").first
    error.wait_for()
    assert error.get_attribute("data-line") == "4"
    assert error.get_attribute("data-column") == "16"
    assert error.inner_text().startswith("pasted case:4:16: ")
    assert "soldier" in error.inner_text()
    assert page.locator("table.matrix").count() == 0
    # The pasted text is kept for correcting.
    assert "affiliation: soldier" in page.input_value("#case-text")


def test_case_text_is_shown_never_run(page: Any, server: str) -> None:
    hostile = "<script>window.pwned = 1</script><img src=x onerror='window.pwned = 2'>"
    page.goto(server + "/")
    page.fill("#case-text", json.dumps({
        "id": "hostile", "title": hostile, "detaining_party": "AZ",
        "detainee": {"affiliation": "armed_forces", "side": "AM"},
        "capture": {"time": "2020-12-13", "place": [
            {"value": "here", "asserted_by": "AZ", "source": hostile},
            {"value": "there", "asserted_by": "AM", "source": hostile}]}}))
    page.click("#paste button[type=submit]")
    page.locator("table.matrix").wait_for()
    assert page.evaluate("window.pwned") is None
    assert hostile in page.locator("#h-hostile").inner_text()
    assert page.locator("script").count() == 1  # the page's own


def test_html_report_opens_and_matches_the_json(page: Any, tmp_path: Path) -> None:
    done = _cli("compare", str(SPLIT_CASE), "--format", "html")
    assert done.returncode == 0, done.stderr
    report = tmp_path / "report.html"
    report.write_text(done.stdout, encoding="utf-8")
    assert "http" not in "".join(  # self-contained: no external stylesheet, script or image
        line for line in done.stdout.splitlines() if "<link" in line or "src=" in line)
    expected = json.loads(_cli("compare", str(SPLIT_CASE), "--format", "json").stdout)
    page.goto(report.as_uri())
    answers = expected["comparisons"][0]["answers"]
    for reading, given in answers.items():
        for question, answer in given.items():
            cell = page.locator(f"table.matrix tr[data-reading='{reading}'] "
                                f"td[data-question='{question}']")
            assert cell.get_attribute("data-answer") == answer
    assert page.locator("section.crux").count() == len(expected["comparisons"][0]["crux"])
    assert page.locator("figure.timeline svg").count() == 1
    assert page.locator("details.counterfactuals").count() >= 1
    assert page.console_errors == []
    page.locator("figure.timeline").scroll_into_view_if_needed()
    _shoot(page, "report.png")


def test_page_screenshot(page: Any, server: str) -> None:
    page.goto(server + "/")
    page.fill("#case-text", SPLIT_CASE.read_text(encoding="utf-8"))
    page.click("#paste button[type=submit]")
    page.locator("table.matrix").wait_for()
    page.locator("#result").scroll_into_view_if_needed()
    assert page.console_errors == []
    _shoot(page, "page.png")
