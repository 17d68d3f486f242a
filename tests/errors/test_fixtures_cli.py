"""No fixture under tests/errors/ ends the command line with an internal error or a signal:
`legal-status validate` reports each at its ``file:line:col`` and exits 2.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.interfaces.cli import main
from tests.conftest import FIXTURES, ROOT

HERE = Path(__file__).parent
CASES = sorted((HERE / "cases").iterdir())
RULES = sorted((HERE / "rules").glob("*.yaml"))
EXPECT = re.compile(rb"^# expect: (\d+):(\d+): ")


def _where(path: Path, shown: Path | None = None) -> str:
    match = EXPECT.match(path.read_bytes())
    assert match, path
    return f"{shown or path}:{int(match[1])}:{int(match[2])}: "


@pytest.fixture(scope="module")
def rule_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rules")
    shutil.copy(FIXTURES / "rules" / "common.yaml", folder / "common.yaml")
    for path in RULES:
        shutil.copy(path, folder / path.name)
    return folder


def test_every_case_fixture_is_located_in_process() -> None:
    result = CliRunner().invoke(main, ["validate", *map(str, CASES)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 2, result.output
    for path in CASES:
        assert _where(path) in result.output, (path.name, result.output[-3000:])


def test_every_rule_fixture_is_located_in_process(rule_folder: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(rule_folder)])
    assert result.exit_code == 2, result.output
    for path in RULES:
        assert _where(path, rule_folder / path.name) in result.output, (path.name, result.output)


@pytest.mark.parametrize("kind", ["cases", "rules"])
def test_no_fixture_ends_the_process_badly(kind: str, rule_folder: Path) -> None:
    args = [str(p) for p in CASES] if kind == "cases" else [str(rule_folder)]
    done = subprocess.run([sys.executable, "-m", "engine.interfaces.cli", "validate", *args],
                          capture_output=True, timeout=120, cwd=ROOT)
    err = done.stderr.decode(errors="replace")
    assert done.returncode == 2, err  # never 3, never a signal (negative)
    assert "internal error" not in err and "Traceback" not in err
    assert err.count("error: ") >= len(args if kind == "cases" else RULES)
