"""Terminal output that fits: snapshots at 80 and 120 columns, widths, colour and progress.

Piped output is laid out at ``COLUMNS`` (80 when unset) without colour, so these snapshots are
the exact bytes a script reads. To regenerate them after an intended change of layout, run

    UPDATE_SNAPSHOTS=1 pytest tests/unit/test_terminal.py

and review the diff of ``tests/snapshots/`` before committing it.
"""

from __future__ import annotations

import contextlib
import os
import pty
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from engine.base.vocabulary import QUESTIONS
from engine.cases.load import load_cases
from engine.interfaces.cli import main
from engine.present.console import Term, grid, plain_grid, rich_grid
from engine.readings.load import ReadingSet
from engine.run.evaluate import evaluate_case
from tests.conftest import FIXTURES, ROOT

SNAPSHOTS = ROOT / "tests" / "snapshots"
POST = str(ROOT / "cases" / "post-ceasefire-observation-post-convicted.yaml")
DISPUTED = str(FIXTURES / "claims" / "disputed.yaml")
OWN = str(ROOT / "examples" / "own-reading" / "rules")
# On the reference evaluator, which every supported Python has: the same bytes on each (the
# engine's name is part of the output; durable_rules is not installed on 3.13).
REF = ["--engine", "reference"]
COMMANDS = {
    "evaluate": ["evaluate", POST, DISPUTED, str(ROOT / "cases" / "capture-at-ceasefire-instant"
                                                  ".yaml"), *REF],
    "compare": ["compare", POST, *REF],
    "explain": ["explain", DISPUTED, "--reading", "russia", "--reading", "azerbaijan", *REF],
    "readings": ["readings"],
    "check": ["check", "--rules", OWN, "--examples", "10", "--jobs", "1"],
}
#: A line may pass the width only as one word that cannot be cut (a URL), kept whole to be copied.
UNBREAKABLE = re.compile(r"\s*<?\S+>?")


def _run(args: list[str], width: int) -> str:
    # Run from the repository with relative paths, as a user there would: the sources shown
    # (and so the layout around them) do not depend on where the repository was cloned.
    relative = [a.removeprefix(str(ROOT) + os.sep) for a in args]
    with contextlib.chdir(ROOT):
        done = CliRunner(env={"COLUMNS": str(width), "NO_COLOR": None}).invoke(main, relative)
    assert done.exit_code == 0, done.output
    return done.stdout


def _over(text: str, width: int) -> list[str]:
    return [ln for ln in text.splitlines() if len(ln) > width and not UNBREAKABLE.fullmatch(ln)]


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("name", list(COMMANDS))
def test_output_matches_its_snapshot(name: str, width: int) -> None:
    text = _run(COMMANDS[name], width)
    path = SNAPSHOTS / f"{name}-{width}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{path} differs (see the docstring)"
    assert not _over(text, width)
    assert "\x1b[" not in text  # piped: never coloured


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("args", [["evaluate", "cases"],
                                  ["compare", "tests/fixtures/claims", "--summary"],
                                  ["explain", "cases/capture-at-ceasefire-instant.yaml"],
                                  ["explain", "tests/fixtures/claims/disputed.yaml"]])
def test_every_line_fits(args: list[str], width: int) -> None:
    text = _run([args[0], str(ROOT / args[1]), *args[2:]], width)
    assert not _over(text, width)


def test_a_row_too_wide_is_stacked_never_wrapped() -> None:
    wide = _run(["evaluate", POST], 120).splitlines()
    narrow = _run(["evaluate", POST], 80).splitlines()
    assert any(ln.startswith("  status ") and "<- readings differ" in ln for ln in wide)
    assert narrow[narrow.index("  armenia     prisoner_of_war      covered      without_delay")
                  - 1].split() == ["status", "*", "point8", "*", "release", "*"]
    assert "  * readings differ" in narrow


def _in_pty(args: list[str], **env: str) -> tuple[str, int]:
    """Run the command with standard output and error on a pseudo-terminal."""
    master, slave = pty.openpty()
    environ = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "TERM"}}
    proc = subprocess.Popen([sys.executable, "-m", "engine.interfaces.cli", *args],
                            stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, cwd=ROOT,
                            env={**environ, "COLUMNS": "100", "TERM": "xterm", **env})
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return out.decode("utf-8", "replace"), proc.wait(timeout=120)


def test_colour_only_on_a_terminal_and_never_when_refused() -> None:
    args = ["evaluate", DISPUTED, "--jobs", "1"]
    coloured, code = _in_pty(args)
    assert code == 0 and "\x1b[" in coloured and "indeterminate" in coloured
    listed, code = _in_pty(["readings"])  # quicker, and coloured too (its headings)
    assert code == 0 and "\x1b[" in listed
    for refused in (_in_pty(["readings"], NO_COLOR="1"), _in_pty(["--no-color", "readings"]),
                    _in_pty(["readings", "--no-color"]), _in_pty(["readings"], TERM="dumb")):
        assert refused[1] == 0 and "\x1b[" not in refused[0] and "armenia:" in refused[0]


def test_check_shows_progress_on_a_terminal_only() -> None:
    args = ["check", "--rules", OWN, "--examples", "10", "--jobs", "1"]
    shown, code = _in_pty(args)
    assert code == 0 and "checking readings" in shown and "check: passed" in shown
    piped = CliRunner().invoke(main, args)
    assert "checking readings" not in piped.stderr and "checking readings" not in piped.stdout


def test_the_plain_fast_path_lays_out_as_rich_does(bundled: ReadingSet) -> None:
    """Plain tables that fit are laid out without rich (for speed); rich gives the same lines."""
    results = [evaluate_case(c.record, bundled, source=c.source)
               for c in load_cases([ROOT / "cases", FIXTURES / "claims"]).cases]
    checked = 0
    for result in results:
        ids = list(result.readings)
        rows = [["", *ids, ""], *([q, *(getattr(result.readings[r], q) for r in ids),
                                   "<- readings differ"] for q in QUESTIONS)]
        stacked = [["", *QUESTIONS], *([r, *(getattr(result.readings[r], q) for q in QUESTIONS)]
                                       for r in ids)]
        for table in (rows, stacked):
            for width in (80, 120):
                if max(map(len, plain_grid(table))) <= width:
                    assert grid(table, Term(width=width)) == rich_grid(table, Term(width=width))
                    checked += 1
    assert checked > len(results)
