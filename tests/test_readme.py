"""The README's promises: its example reading is the shipped file, and its commands pass."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.interfaces.cli import main
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "own-reading"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_shows_the_shipped_example_reading() -> None:
    assert (EXAMPLE / "rules" / "art4.yaml").read_text(encoding="utf-8") in README


def test_readme_check_and_test_commands_pass() -> None:
    rules = str(EXAMPLE / "rules")
    check = CliRunner().invoke(main, ["check", "--rules", rules, "--examples", "100"])
    assert check.exit_code == 0, check.output
    test = CliRunner().invoke(main, ["test", str(EXAMPLE / "cases"), "--rules", rules])
    assert test.exit_code == 0, test.output


def test_readme_property_example_runs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    block = re.search(r"```python\n(from hypothesis import given, settings\n.*?)```", README,
                      re.S)
    assert block, "the README's property example is missing"
    monkeypatch.chdir(ROOT)  # the example names its rules folder relative to the repository
    # Compiled from a file that holds exactly the block: hypothesis reads the source of a test
    # by its code's file and line (Python 3.12 tokenizes it), and README.md is not Python.
    example = tmp_path / "readme_property_example.py"
    example.write_text(block[1], encoding="utf-8")
    namespace: dict[str, object] = {}
    exec(compile(block[1], str(example), "exec"), namespace)
    test = namespace["test_soldiers_of_the_other_side_always_get_a_status"]
    assert callable(test)
    test()


def test_readme_account_command_runs() -> None:
    block = re.search(r"```sh\n(legal-status explain \S+ --account \S+)\n```", README)
    assert block, "the README's --account example is missing"
    args = block[1].split()[1:]
    args[1] = str(ROOT / args[1])
    done = CliRunner().invoke(main, args)
    assert done.exit_code == 0, done.output
    assert "facts on AM's account" in done.output


def test_readme_ci_commands_write_junit_xml(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    block = re.search(r"\*\*In CI\.\*\*.*?```sh\n(.*?)```", README, re.S)
    assert block, "the README's CI example is missing"
    monkeypatch.chdir(ROOT)  # the example names its folders relative to the repository
    for line in block[1].splitlines():
        args = line.split()[1:]
        xml = args[args.index("--junit-xml") + 1]
        args[args.index("--junit-xml") + 1] = str(tmp_path / xml)
        done = CliRunner().invoke(main, args)
        assert done.exit_code == 0, done.output
        root = ET.parse(tmp_path / xml).getroot()
        assert root.tag == "testsuites" and int(root.get("tests", "0")) > 0
        assert root.get("failures") == "0"
        if "json" in args:
            assert json.loads(done.stdout)["mismatches"] == 0
