"""One valid case file per ``expect`` message: expectations that no evaluation could meet.

Each fixture in ``expectations/`` is a valid case whose ``expect`` block names something the
bundled readings do not have; it starts with ``# expect: LINE:COL: [CODE] MESSAGE``. ``validate``
and ``test`` report it (exit 2), located, with its code.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cases.load import load_cases
from engine.interfaces.cli import main
from engine.readings.load import ReadingSet
from engine.testing.expectations import unknown_expectations

HERE = Path(__file__).parent / "expectations"
FIXTURES = sorted(HERE.glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (\d+):(\d+): \[(\w+)\] (.+)$")


def _header(path: Path) -> tuple[int, int, str, str]:
    match = EXPECT.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{path.name} lacks its '# expect: line:col: [code] message' header"
    return int(match[1]), int(match[2]), match[3], match[4]


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_message_code_and_position(path: Path, bundled: ReadingSet) -> None:
    line, col, code, message = _header(path)
    batch = load_cases([path])
    assert not batch.errors and len(batch.cases) == 1  # the case itself is valid
    problems = unknown_expectations(batch.cases[0], bundled.readings)
    assert [(p.span.line, p.span.column, p.code) for p in problems if p.span
            and message in p.message] == [(line, col, code)], problems
    assert problems[0].loc[:2] == ("expect", "ihl" if code == "unknown_flag" else "ihll")


@pytest.mark.parametrize("command", ["validate", "test"])
def test_validate_and_test_report_it(command: str) -> None:
    result = CliRunner().invoke(main, [command, *map(str, FIXTURES)])
    assert result.exit_code == 2, result.output
    for path in FIXTURES:
        line, col, _, message = _header(path)
        assert f"{path}:{line}:{col}: " in result.output and message in result.output, (
            result.output)


def test_a_declared_flag_is_accepted(bundled: ReadingSet) -> None:
    batch = load_cases([HERE / "unknown_flag.yaml"])
    case = batch.cases[0]
    problems = unknown_expectations(case, bundled.readings)
    # Only the second flag is wrong: the first is declared by ihl.
    assert [p.loc[-1] for p in problems] == [1]


def test_evaluate_json_errors_carry_code_and_loc() -> None:
    result = CliRunner().invoke(main, ["evaluate", "--format", "json", str(FIXTURES[0])])
    errors = json.loads(result.stdout)["errors"]
    assert {e["code"] for e in errors} == {"unknown_flag"}
    assert errors[0]["loc"] == ["expect", "ihl", "flags", 1]
