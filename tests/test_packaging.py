"""What a user meets around the code: supported Pythons, CI, licence, changelog, version,
shell completion, and durable_rules where it can run and the note where it cannot."""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.interfaces.cli import main
from engine.readings.load import ReadingSet
from engine.run.evaluate import evaluate_case
from tests.conftest import DURABLE_REQUIRED, ROOT, make_case

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
README = (ROOT / "README.md").read_text(encoding="utf-8")
CI = ROOT / ".ci" / "run"
SUPPORTED = ["3.11", "3.12", "3.13"]


def test_supported_pythons_agree_in_pyproject_readme_and_ci() -> None:
    classifiers = PYPROJECT["project"]["classifiers"]
    minors = [c.rsplit(" ", 1)[1] for c in classifiers
              if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)]
    assert minors == SUPPORTED
    assert PYPROJECT["project"]["requires-python"] == ">=3.11"
    assert "Python 3.11, 3.12 and 3.13" in README
    assert f'SUPPORTED="{" ".join(SUPPORTED)}"' in CI.read_text(encoding="utf-8")


def test_ci_runs_the_readme_test_command() -> None:
    command = re.search(r"Run the tests \(the same command CI runs[^)]*\):\n\n```sh\n(.*)\n```",
                        README)
    assert command, "the README's test command is missing"
    assert f'"{command[1]}"' in CI.read_text(encoding="utf-8")


def _fake_bin(tmp_path: Path, pyenv_versions: list[str] | None) -> dict[str, str]:
    """A PATH with python3 (this interpreter) and, unless None, a pyenv that has these versions
    (each one this interpreter too: the plan must then run it once, as the default)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)
    if pyenv_versions is not None:
        for version in pyenv_versions:
            (tmp_path / version / "bin").mkdir(parents=True)
            (tmp_path / version / "bin" / "python3").symlink_to(sys.executable)
        listing = "\\n".join(pyenv_versions)
        (bin_dir / "pyenv").write_text(
            "#!/bin/sh\n"
            f'if [ "$1" = versions ]; then printf "{listing}\\n"; exit 0; fi\n'
            f'if [ "$1" = prefix ]; then echo "{tmp_path}/$2"; exit 0; fi\n'
            "exit 1\n", encoding="utf-8")
        (bin_dir / "pyenv").chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}:/usr/bin:/bin"}


def _plan(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(CI), "--plan"], env=env, capture_output=True, text=True,
                          check=False, timeout=60)


#: The minor version of this interpreter: the fake default python3 below.
OWN = ".".join(map(str, sys.version_info[:2]))


def test_ci_reports_each_missing_interpreter_and_always_runs_the_default(
        tmp_path: Path) -> None:
    done = _plan(_fake_bin(tmp_path, ["3.10.13", "3.12.1"]))
    assert done.returncode == 0, done.stderr
    # pyenv's 3.12 is this interpreter too: it runs once, as the default.
    assert done.stdout.splitlines() == [str(tmp_path / "bin" / "python3")]
    for minor in ("3.11", "3.13"):
        reported = f"Python {minor} not tested: pyenv has no {minor}.x installed" in done.stderr
        assert reported is (minor != OWN), done.stderr  # the default's own version runs
    assert "3.12 not tested" not in done.stderr and "3.10" not in done.stderr


def test_ci_without_pyenv_says_so_and_runs_the_default(tmp_path: Path) -> None:
    done = _plan(_fake_bin(tmp_path, None))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [str(tmp_path / "bin" / "python3")]
    for minor in SUPPORTED:
        reported = f"Python {minor} not tested: pyenv is not installed" in done.stderr
        assert reported is (minor != OWN), done.stderr


def test_durable_rules_is_a_dependency_exactly_where_it_can_be_imported() -> None:
    assert "durable-rules==2.0.28; python_version < '3.13'" in PYPROJECT["project"]["dependencies"]
    try:
        installed: str | None = importlib.metadata.version("durable-rules")
    except importlib.metadata.PackageNotFoundError:
        installed = None
    assert installed == ("2.0.28" if DURABLE_REQUIRED else None)


def test_every_outcome_says_when_the_reference_evaluator_serves(bundled: ReadingSet) -> None:
    result = evaluate_case(make_case(), bundled)
    for outcome in result.readings.values():
        if DURABLE_REQUIRED:
            assert (outcome.engine, outcome.engine_note) == ("durable", None)
        else:
            assert outcome.engine == "reference"
            assert outcome.engine_note is not None
            assert "durable_rules could not be imported" in outcome.engine_note
            assert "does not support Python 3.13+" in outcome.engine_note
    asked = evaluate_case(make_case(), bundled, engine="reference")
    assert all(o.engine_note is None for o in asked.readings.values())


def test_license_is_the_mit_licence_pyproject_names() -> None:
    assert PYPROJECT["project"]["license"] == {"text": "MIT"}
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert re.search(r"^Copyright \(c\) \d{4} the legal-status authors$", text, re.M)
    assert "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND" in text


def test_changelog_follows_keep_a_changelog_from_0_1_0() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n")
    assert "keepachangelog.com" in text
    releases = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$", text, re.M)
    assert releases[0] == ("Unreleased", "")
    assert releases[-1][0] == "0.1.0" and releases[-1][1], "the first release, with its date"
    assert all(date for name, date in releases[1:]), "every release has a date"
    assert PYPROJECT["project"]["version"] in [name for name, _ in releases]
    kinds = set(re.findall(r"^### (.+)$", text, re.M))
    assert kinds <= {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def _script(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "legal-status"  # the installed console script
    return subprocess.run([str(script), *args], env={**os.environ, **(env or {})},
                          capture_output=True, text=True, check=False, timeout=60)


def test_version_option_prints_the_installed_version() -> None:
    version = importlib.metadata.version("legal-status")
    assert version == PYPROJECT["project"]["version"]
    done = _script("--version")
    assert (done.returncode, done.stdout) == (0, f"legal-status, version {version}\n")
    # The same name however the group is run (a module, a test runner).
    invoked = CliRunner().invoke(main, ["--version"])
    assert (invoked.exit_code, invoked.output) == (0, done.stdout)


def _completion(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _script(env=env)


@pytest.mark.parametrize(("shell", "marker"), [
    ("bash", "complete -o nosort -F _legal_status_completion legal-status"),
    ("zsh", "compdef _legal_status_completion legal-status"),
    ("fish", "complete --no-files --command legal-status"),
])
def test_shell_completion_script_is_produced_as_the_readme_says(shell: str, marker: str) -> None:
    assert f"_LEGAL_STATUS_COMPLETE={shell}_source legal-status" in README
    done = _completion({"_LEGAL_STATUS_COMPLETE": f"{shell}_source"})
    assert done.returncode == 0, done.stderr
    assert marker in done.stdout


def test_completion_completes_commands_and_options() -> None:
    done = _completion({"_LEGAL_STATUS_COMPLETE": "bash_complete",
                        "COMP_WORDS": "legal-status ev", "COMP_CWORD": "1"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["plain,evaluate"]
    done = _completion({"_LEGAL_STATUS_COMPLETE": "bash_complete",
                        "COMP_WORDS": "legal-status evaluate --engine ", "COMP_CWORD": "3"})
    assert done.stdout.splitlines() == ["plain,durable", "plain,reference"]


@pytest.mark.parametrize("blocked", [True, False])
def test_needs_durable_skips_only_where_durable_rules_is_legitimately_absent(
        tmp_path: Path, blocked: bool) -> None:
    # An inner session with tests/conftest.py's marker, durable_rules made unimportable (as it
    # is where it is not installed) or left as it is here.
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "conftest.py").write_text(
        "import sys\n"
        + ("sys.modules['durable_rules_engine'] = None  # import fails\n" if blocked else "")
        + "pytest_plugins = ['tests.conftest']\n", encoding="utf-8")
    (tmp_path / "test_inner.py").write_text(
        "from tests.conftest import needs_durable\n\n\n"
        "@needs_durable\ndef test_on_durable() -> None:\n    pass\n\n\n"
        "def test_anywhere() -> None:\n    pass\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rfs", "-p", "no:cacheprovider",
         "-p", "no:legal_status", "-p", "no:hypothesispytest", "test_inner.py"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
        text=True, check=False, timeout=120)
    version = ".".join(map(str, sys.version_info[:2]))
    if not blocked and DURABLE_REQUIRED:
        assert done.returncode == 0 and "2 passed" in done.stdout, done.stdout + done.stderr
    elif DURABLE_REQUIRED:  # absent where it is required: a failure, never a skip
        assert done.returncode == 1 and "1 passed, 1 error" in done.stdout, done.stdout
        assert f"durable_rules is required on Python {version}" in done.stdout
    else:  # 3.13+: absent either way, so skipped with the reason, and nothing else is
        assert done.returncode == 0 and "1 passed, 1 skipped" in done.stdout, done.stdout
        assert f"durable_rules is not installed on Python {version}" in done.stdout


@pytest.mark.parametrize("script", sorted(p.name for p in (ROOT / "benchmarks").glob("*.py")))
def test_every_benchmark_answers_help_without_running(script: str) -> None:
    # A benchmark runs for minutes: asking it how to run it must not start it, nor crash.
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), "--help"], cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
        check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: "), done.stdout
    assert "Traceback" not in done.stderr
