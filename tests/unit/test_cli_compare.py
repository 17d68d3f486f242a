"""``legal-status compare``: table, Markdown, JSON, summary, exit codes."""

from __future__ import annotations

import json

from click.testing import CliRunner, Result

from engine.interfaces.cli import main
from tests.conftest import FIXTURES, ROOT

CASES = str(ROOT / "cases")
POST = str(ROOT / "cases" / "post-ceasefire-observation-post-convicted.yaml")
LOCAL_DATE = str(ROOT / "cases" / "capture-on-ceasefire-local-date.yaml")


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


def test_table_names_crux_and_counterfactual() -> None:
    result = run("compare", POST)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("status ") < out.index("point8: the readings split")  # matrix first
    # His unit entered after the ceasefire, so a capture before it alone is an impossible case
    # (issue 14), and Azerbaijan holds anyone it convicted outside point 8 (brief B-R3, Z7): no
    # change of up to two facts makes every reading agree on point 8.
    point8 = out.split("point8: the readings split", 1)[1].split("\n\n", 1)[0]
    assert "It turns on capture.time" not in point8
    assert "No change of up to 2 facts makes every reading give one firm answer." in point8
    assert "legal: same facts, different rules" in out


def test_table_gives_it_depends_for_indeterminate_answers() -> None:
    result = run("compare", LOCAL_DATE)
    assert result.exit_code == 0
    assert "It depends: russia point8 is indeterminate:" in result.output
    assert "capture.time before ceasefire (2020-11-09T21:00:00Z) -> covered" in result.output


def test_json_contract() -> None:
    result = run("compare", POST, LOCAL_DATE, "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert set(doc) == {"engine", "account", "readings", "comparisons", "summary", "errors"}
    first = doc["comparisons"][0]
    assert first["agreement"] == {"status": False, "point8": False, "release": False}
    assert first["crux"]["point8"]["kind"] == "legal"
    assert {"reading", "question", "from", "to", "changes"} == set(first["counterfactuals"][0])
    assert doc["comparisons"][1]["depends"][0]["rows"]


def test_markdown_has_the_matrix_then_paragraphs() -> None:
    result = run("compare", POST, "--format", "markdown")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("| case | question | armenia")
    assert any(ln.startswith("**point8: the readings split") for ln in lines)


def test_summary_only() -> None:
    result = run("compare", CASES, "--summary")
    assert result.exit_code == 0
    assert "Summary" in result.output and "split the readings" in result.output
    assert "<- split" not in result.output
    doc = json.loads(run("compare", CASES, "--summary", "--format", "json").stdout)
    assert doc["summary"]["questions"]["point8"]["deciding_facts"][0]["fact"] == "capture.time"


def test_restrict_readings_and_bad_input() -> None:
    result = run("compare", POST, "-r", "armenia", "-r", "ihl")
    assert result.exit_code == 0 and "split" not in result.output
    bad = run("compare", str(FIXTURES / "cases-bad"))
    assert bad.exit_code == 2 and "Traceback" not in bad.output
    unknown = run("compare", POST, "-r", "nope")
    assert unknown.exit_code == 2 and "unknown reading 'nope'" in unknown.output


def test_budget_bound_is_reported() -> None:
    result = run("compare", POST, "--budget", "3")
    assert result.exit_code == 0
    assert "the search stopped after 3 evaluations" in result.output
