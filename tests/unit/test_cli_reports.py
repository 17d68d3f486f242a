"""``test`` and ``check`` as JSON and JUnit XML: complete, valid, and what CI systems read.

The XML is parsed with the standard library and its shape checked as JUnit readers expect it:
``testsuites`` > ``testsuite`` > ``testcase``, a ``failure`` (with a message) per unmet
expectation or property, counts that add up, and input errors as ``error`` test cases.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner, Result

from engine.interfaces.cli import main
from tests.conftest import FIXTURES

RULES = ["--rules", str(FIXTURES / "rules")]
TWO = str(FIXTURES / "cases" / "two.yaml")
MISMATCH = str(FIXTURES / "cases-mismatch")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _junit(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert suites and all(s.get("name") for s in suites)
    for suite in suites:
        cases = suite.findall("testcase")
        assert suite.get("tests") == str(len(cases))
        assert suite.get("failures") == str(sum(1 for c in cases if c.find("failure") is not None))
        assert suite.get("errors") == str(sum(1 for c in cases if c.find("error") is not None))
        for case in cases:
            assert case.get("classname") and case.get("name")
            for bad in (*case.findall("failure"), *case.findall("error")):
                assert bad.get("message") and bad.text
    assert root.get("tests") == str(sum(int(s.get("tests", "")) for s in suites))
    assert root.get("failures") == str(sum(int(s.get("failures", "")) for s in suites))
    return root


def test_test_json_lists_every_expectation(tmp_path: Path) -> None:
    ok = run("test", TWO, *RULES, "--format", "json")
    assert ok.exit_code == 0, ok.output
    doc = json.loads(ok.stdout)
    assert (doc["cases"], doc["mismatches"], doc["errors"]) == (2, 0, [])
    assert doc["expectations"] and all(e["ok"] for e in doc["expectations"])
    bad = run("test", MISMATCH, *RULES, "--format", "json")
    assert bad.exit_code == 1
    (failed,) = [e for e in json.loads(bad.stdout)["expectations"] if not e["ok"]]
    assert (failed["case_id"], failed["question"], failed["expected"], failed["got"]) == (
        "wrong-expectation", "point8", "covered", "indeterminate")
    assert failed["unknown"] == ["capture.time"] and failed["line"] == 2


def test_test_junit_xml_has_a_testcase_per_expectation(tmp_path: Path) -> None:
    out = tmp_path / "junit.xml"
    done = run("test", MISMATCH, TWO, *RULES, "--junit-xml", str(out))
    assert done.exit_code == 1 and "MISMATCH" in done.output  # the text output is unchanged
    root = _junit(out)
    expected = sum(len(json.loads(run("test", p, *RULES, "--format", "json").stdout)
                       ["expectations"]) for p in (MISMATCH, TWO))
    assert root.get("tests") == str(expected) and root.get("failures") == "1"
    (failure,) = root.iter("failure")
    assert failure.get("message") == "point8: expected covered, got indeterminate"
    assert "trace: " in (failure.text or "")


def test_test_junit_xml_reports_input_errors(tmp_path: Path) -> None:
    out = tmp_path / "junit.xml"
    done = run("test", str(FIXTURES / "cases-bad"), *RULES, "--junit-xml", str(out))
    assert done.exit_code == 2
    root = _junit(out)
    (error,) = root.iter("error")
    assert "found 'army'" in (error.get("message") or "") and root.get("errors") == "1"


def test_junit_xml_that_cannot_be_written_is_a_clear_error(tmp_path: Path) -> None:
    done = run("test", TWO, *RULES, "--junit-xml", str(tmp_path / "no" / "such" / "x.xml"))
    assert done.exit_code == 2
    assert "cannot write the JUnit XML report" in done.stderr


def test_check_json_and_junit_name_every_failing_property(tmp_path: Path) -> None:
    out = tmp_path / "check.xml"
    done = run("check", "--rules", str(FIXTURES / "broken"), "--examples", "20",
               "--format", "json", "--junit-xml", str(out))
    assert done.exit_code == 1
    doc = json.loads(done.stdout)
    assert doc["passed"] is False
    failing = {r["name"] for r in doc["results"] if not r["ok"]}
    assert failing == {"no conflicts", "no undeclared gaps", "no dead rules",
                       "no always-overridden rules", "invariant status-ignores-time"}
    assert all(r["messages"] for r in doc["results"] if not r["ok"])
    root = _junit(out)
    assert {c.get("name") for c in root.iter("testcase") if c.find("failure") is not None} \
        == failing
    assert root.get("tests") == str(len(doc["results"]))


def test_check_passing_reading_in_json(tmp_path: Path) -> None:
    rules = str(Path(__file__).parents[2] / "examples" / "own-reading" / "rules")
    done = run("check", "--rules", rules, "--examples", "20", "--format", "json")
    assert done.exit_code == 0, done.output
    doc = json.loads(done.stdout)
    assert doc["passed"] and all(r["ok"] for r in doc["results"])
    assert [r["name"] for r in doc["results"]][-2:] == [
        "invariant capture-time-is-irrelevant", "invariant symmetric"]
