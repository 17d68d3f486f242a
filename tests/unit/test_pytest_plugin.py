"""The pytest plugin (engine/interfaces/pytest_plugin.py), run in throwaway sessions by pytester."""

from __future__ import annotations

import os
import shutil
import sys
import tomllib
from pathlib import Path

import pytest

from engine.interfaces.pytest_plugin import INVALID_ITEM, is_case_file_with_expectations
from tests.conftest import FIXTURES, ROOT

pytest_plugins = ["pytester"]

# The plugin is loaded by module name whether or not the package is installed: blocking the
# entry point's name keeps an installed copy from registering the same module a second time.
# The module is already imported here, so pytest cannot assert-rewrite it: not a problem.
# Hypothesis' plugin is left out of the inner runs: re-importing it costs two seconds each.
PLUGIN = ("-p", "no:legal_status", "-p", "engine.interfaces.pytest_plugin",
          "-W", "ignore::pytest.PytestAssertRewriteWarning", "-p", "no:hypothesispytest")
MINI = ("--legal-status-rules", "rules")

PASSING = """\
# Held by the test reading's holder in wartime: a prisoner of war under `mini`.
id: wartime-soldier
detaining_party: AZ
detainee: {nationality: AM, affiliation: armed_forces, side: AM}
capture: {time: "2020-10-20", circumstances: combat}
expect:
  mini: {status: prisoner_of_war, point8: covered, release: discretionary, flags: []}
"""
INVALID = """\
id: broken
detaining_party: AZ
detainee: {nationality: AM, affiliation: army, side: AM}
capture: {}
expect:
  mini: {status: prisoner_of_war}
"""
NOT_CASES = {
    # Mentions both words, but no case with `expect` at the top: configuration, not cases.
    "config.yaml": "settings:\n  expect: many\n  fields: [detaining_party]\n",
    "data.json": '{"columns": ["detaining_party"], "expect": {"rows": 3}}\n',
    "nested.yaml": "examples:\n  - {detaining_party: AZ, expect: {}}\n",
    "notes.yml": "# expect detaining_party\n- one\n- two\n",
    # A case without expectations: nothing to test.
    "no-expect.yaml": "id: plain\ndetaining_party: AZ\n"
                      "detainee: {affiliation: civilian, side: AM}\ncapture: {}\n",
}


def _copy_mini(pytester: pytest.Pytester, name: str = "rules") -> Path:
    target = pytester.path / name
    shutil.copytree(FIXTURES / "rules", target)
    return target


def _copy_cases(pytester: pytest.Pytester, *folders: str) -> None:
    for folder in folders:
        shutil.copytree(FIXTURES / folder, pytester.path / folder)


@pytest.fixture
def user_folder(pytester: pytest.Pytester) -> pytest.Pytester:
    """A user's folder: the mini reading, a passing, a failing and an invalid case file."""
    _copy_mini(pytester)
    _copy_cases(pytester, "cases-mismatch")
    pytester.makefile(".yaml", passing=PASSING, invalid=INVALID)
    return pytester


def test_collects_one_item_per_case_with_expect(pytester: pytest.Pytester) -> None:
    _copy_mini(pytester)
    _copy_cases(pytester, "cases")
    for name, text in NOT_CASES.items():
        (pytester.path / name).write_text(text, encoding="utf-8")
    done = pytester.runpytest(*PLUGIN, *MINI, "--collect-only", "-q")
    assert done.ret == 0
    items = [line for line in done.outlines if "::" in line]
    assert items == ["cases/two.yaml::wartime-soldier", "cases/two.yaml::straddle"]


def test_passing_and_failing_cases(user_folder: pytest.Pytester) -> None:
    done = user_folder.runpytest(*PLUGIN, *MINI, "-v")
    done.assert_outcomes(passed=1, failed=2)
    done.stdout.fnmatch_lines([
        "cases-mismatch/mismatch.yaml::wrong-expectation FAILED*",
        "invalid.yaml::?invalid case file? FAILED*",  # [...] would be an fnmatch class
        "passing.yaml::wartime-soldier PASSED*",
    ])


def test_a_failure_shows_where_what_and_why(user_folder: pytest.Pytester) -> None:
    done = user_folder.runpytest(*PLUGIN, *MINI, "cases-mismatch")
    done.assert_outcomes(failed=1)
    done.stdout.fnmatch_lines([
        "*case wrong-expectation (mismatch.yaml)*",
        # file:line:col of the expected value, case, reading, question, expected, got
        "cases-mismatch/mismatch.yaml:7:18: case 'wrong-expectation': reading 'mini': "
        "point8: expected covered, got indeterminate",
        "== A minimal test reading",
        "   point8: indeterminate  (open: capture.time)",
        # the trace: every fired rule with its statement, then the unknown facts
        "   rules fired, in order:",
        # laid out at the width of pytest's report (80 columns here)
        "   1. mini.held-by-holder: Persons held by the holder are released at its",
        "      discretion.",
        "   unknown or undecided facts: capture.time",
    ])
    assert "Traceback" not in done.stdout.str()
    assert "runtest" not in done.stdout.str()


def test_every_question_and_flags_are_checked(pytester: pytest.Pytester) -> None:
    _copy_mini(pytester)
    pytester.makefile(".yaml", wrong=PASSING.replace("release: discretionary", "release: "
                                                     "without_delay").replace("[]", "[late]"))
    done = pytester.runpytest(*PLUGIN, *MINI)
    done.assert_outcomes(failed=1)
    done.stdout.fnmatch_lines([
        "wrong.yaml:7:*: *reading 'mini': release: expected without_delay, got discretionary",
        "wrong.yaml:7:*: *reading 'mini': flags: expected late, got (none)",
    ])


def test_an_invalid_case_file_is_a_failing_item_with_located_problems(
        user_folder: pytest.Pytester) -> None:
    done = user_folder.runpytest(*PLUGIN, *MINI, "-rf", "invalid.yaml")
    done.assert_outcomes(failed=1)
    done.stdout.fnmatch_lines([
        "*invalid case file invalid.yaml*",
        "invalid case file: 1 problem(s)",
        "invalid.yaml:3:42: detainee.affiliation: expected one of *; found 'army'",
    ])
    assert f"FAILED invalid.yaml::{INVALID_ITEM} - " in done.stdout.str()


def test_malformed_yaml_is_reported_not_skipped(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", syntax="id: x\ndetaining_party: AZ\nexpect: {ihl: [\n")
    done = pytester.runpytest(*PLUGIN)
    done.assert_outcomes(failed=1)
    done.stdout.fnmatch_lines(["syntax.yaml:3:*: malformed YAML/JSON: *"])


def test_an_unknown_reading_in_expect_fails_at_its_key(pytester: pytest.Pytester) -> None:
    _copy_cases(pytester, "cases")  # expects `mini`, checked against the bundled readings
    done = pytester.runpytest(*PLUGIN, "--legal-status-engine", "reference")
    done.assert_outcomes(failed=2)
    done.stdout.fnmatch_lines([
        "cases/two.yaml:8:5: case 'wartime-soldier': expect names unknown reading 'mini'; "
        "known: armenia, azerbaijan, ihl, russia",
    ])


def test_bundled_readings_by_default(pytester: pytest.Pytester) -> None:
    shutil.copy(ROOT / "cases" / "capture-at-ceasefire-instant.yaml", pytester.path)
    done = pytester.runpytest(*PLUGIN)
    done.assert_outcomes(passed=1)
    done.stdout.fnmatch_lines(["1 case(s) checked on the * engine against the readings in "
                               "*rules (bundled)"])


def test_json_case_files_and_lists_are_collected(pytester: pytest.Pytester) -> None:
    _copy_mini(pytester)
    pytester.makefile(".json", one='{"id": "j", "detaining_party": "AZ", "detainee": '
                      '{"affiliation": "armed_forces", "side": "AM"}, "capture": {}, '
                      '"expect": {"mini": {"status": "indeterminate"}}}')
    pytester.makefile(".yaml", many="- " + PASSING.replace("\n", "\n  ").rstrip() + "\n"
                      "- " + PASSING.replace("wartime-soldier", "second")
                      .replace("\n", "\n  ").rstrip() + "\n")
    done = pytester.runpytest(*PLUGIN, *MINI, "-v")
    done.assert_outcomes(passed=3)
    done.stdout.fnmatch_lines(["many.yaml::wartime-soldier PASSED*", "many.yaml::second PASSED*",
                               "one.json::j PASSED*"])


def test_a_case_id_in_two_files_is_reported(pytester: pytest.Pytester) -> None:
    _copy_mini(pytester)
    pytester.makefile(".yaml", a=PASSING, b=PASSING)
    done = pytester.runpytest(*PLUGIN, *MINI)
    done.assert_outcomes(passed=1, failed=1)
    done.stdout.fnmatch_lines(["b.yaml:2:5: duplicate case id 'wartime-soldier' "
                               "(first at a.yaml:2:1)"])


def test_rules_and_engine_from_the_ini_file(user_folder: pytest.Pytester) -> None:
    user_folder.makeini("[pytest]\nlegal_status_rules = rules\nlegal_status_engine = reference\n")
    (user_folder.path / "sub").mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(user_folder.path / "sub")  # an ini path is relative to the ini file
        done = user_folder.runpytest(*PLUGIN, "../passing.yaml", "../cases-mismatch")
    done.assert_outcomes(passed=1, failed=1)
    done.stdout.fnmatch_lines(["   engine: reference",
                               "2 case(s) checked on the reference engine against the readings "
                               "in */rules"])


def test_rule_folder_problems_fail_every_case(pytester: pytest.Pytester) -> None:
    rules = _copy_mini(pytester)
    mini = rules / "mini.yaml"
    mini.write_text(mini.read_text(encoding="utf-8").replace("then: {release",
                                                             "then: {relase"), encoding="utf-8")
    pytester.makefile(".yaml", passing=PASSING)
    done = pytester.runpytest(*PLUGIN, *MINI)
    done.assert_outcomes(failed=1)
    done.stdout.fnmatch_lines(["the readings in */rules do not load:", "*mini.yaml:*relase*"])


def test_usage_errors(pytester: pytest.Pytester) -> None:
    done = pytester.runpytest(*PLUGIN, "--legal-status-rules", "nowhere")
    assert done.ret == pytest.ExitCode.USAGE_ERROR
    done.stderr.fnmatch_lines(["*legal-status: rules folder '*nowhere' does not exist"])
    pytester.makeini("[pytest]\nlegal_status_engine = rete\n")
    done = pytester.runpytest(*PLUGIN)
    assert done.ret == pytest.ExitCode.USAGE_ERROR
    done.stderr.fnmatch_lines(["*legal_status_engine: expected one of durable, reference; "
                               "found 'rete'"])


def test_collection_can_be_switched_off(user_folder: pytest.Pytester) -> None:
    done = user_folder.runpytest(*PLUGIN, *MINI, "-o", "legal_status_collect=false")
    assert done.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    user_folder.makeini("[pytest]\nlegal_status_collect = false\n")
    done = user_folder.runpytest(*PLUGIN, *MINI)
    assert done.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    assert "legal-status" not in done.stdout.str()


def test_the_pre_check_reads_structure_not_words(tmp_path: Path) -> None:
    for name, text in NOT_CASES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert not is_case_file_with_expectations(tmp_path / name), name
    for reading in sorted((ROOT / "rules").glob("*.yaml")):
        assert not is_case_file_with_expectations(reading), reading.name
    for case in sorted((ROOT / "cases").glob("*.yaml")):
        assert is_case_file_with_expectations(case), case.name
    assert not is_case_file_with_expectations(tmp_path / "missing.yaml")


def test_the_entry_point_registers_the_plugin_as_legal_status(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """Install the pyproject's pytest11 entry point as metadata, then run a plain `pytest`."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    entry_points = project["project"]["entry-points"]["pytest11"]
    assert entry_points == {"legal_status": "engine.interfaces.pytest_plugin"}
    site = pytester.path / "site"
    dist = site / "legal_status_probe-0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: legal-status-probe\n"
                                   "Version: 0\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text(
        "[pytest11]\n" + "".join(f"{k} = {v}\n" for k, v in entry_points.items()),
        encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), str(ROOT)]))
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    (pytester.path / "cases").mkdir()
    shutil.copy(ROOT / "cases" / "capture-at-ceasefire-instant.yaml", pytester.path / "cases")
    pytester.makeini("[pytest]\ntestpaths = cases\n")
    done = pytester.run(sys.executable, "-m", "pytest", "-q", "-p", "no:hypothesispytest")
    assert done.ret == 0, done.stdout.str() + done.stderr.str()
    done.stdout.fnmatch_lines(["1 passed*"])
    done = pytester.run(sys.executable, "-m", "pytest", "-q", "-p", "no:legal_status",
                        "-p", "no:hypothesispytest")
    assert done.ret == pytest.ExitCode.NO_TESTS_COLLECTED, done.stdout.str()
