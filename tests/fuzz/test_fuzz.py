"""A short, bounded, derandomized fuzzing run: mutated case files, reading files and command
lines never end in anything but an EngineError (exit 0, 1 or 2), never an internal error.

The long run is ``benchmarks/fuzz.py --minutes N --seed S``; each crash it finds becomes a fixture
under ``tests/errors/``.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.readings.load import ReadingSet, load_readings
from tests.fuzz.mutations import (
    CASE_SEEDS,
    COMMANDS,
    READING_SEEDS,
    ROOT,
    choose_args,
    mutate,
    seeds,
)
from tests.fuzz.oracle import check_case_file, check_cli, check_reading_files

CASES = seeds(*CASE_SEEDS)
READINGS = seeds(*READING_SEEDS)


def bounded(examples: int) -> settings:
    """Fixed and derandomized (same inputs every run), no example database, no deadline."""
    return settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                    print_blob=True, suppress_health_check=list(HealthCheck))


RANDOMS = st.randoms(use_true_random=False)


@pytest.fixture(scope="module")
def bundled() -> ReadingSet:
    return load_readings()


def test_the_seeds_are_there() -> None:
    assert len(CASES) > 50 and len(READINGS) >= 5


@bounded(150)
@given(seed=st.sampled_from(CASES), rnd=RANDOMS)
def test_mutated_case_files(bundled: ReadingSet, seed: Path, rnd: random.Random) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        check_case_file(mutate(seed.read_bytes(), rnd), bundled, Path(tmp))


@bounded(20)
@given(seed=st.sampled_from(READINGS), rnd=RANDOMS)
def test_mutated_reading_files(seed: Path, rnd: random.Random) -> None:
    files = {p.name: p.read_bytes() for p in seed.parent.glob("*.yaml")}
    files[seed.name] = mutate(files[seed.name], rnd)
    with tempfile.TemporaryDirectory() as tmp:
        check_reading_files(files, ROOT / "cases", Path(tmp))


QUICK = tuple(c for c in COMMANDS if c != "check")
CLI_PATHS = [str(p) for p in CASES[::7]] + [
    str(ROOT / "cases"), str(ROOT / "rules"), "-", "/dev/null", "/nonexistent.yaml"]


@bounded(30)
@given(rnd=RANDOMS, stdin=st.sampled_from([b"", b"\x00", b"id: x\n", b"\xff\xfe",
                                            (ROOT / "cases" / "capture-at-ceasefire-instant.yaml")
                                            .read_bytes()]))
def test_random_command_lines(rnd: random.Random, stdin: bytes) -> None:
    # `check` proves every reading exhaustively (seconds each): the long run covers it.
    check_cli(choose_args(rnd, CLI_PATHS, QUICK), stdin)


@pytest.mark.parametrize("index", range(4))
def test_random_command_lines_in_a_process(index: int) -> None:
    # The real entry point, real stdin and stdout: no signal, no exit 3.
    rnd = random.Random(index)
    args = [a for a in choose_args(rnd, CLI_PATHS, QUICK) if "\x00" not in a]
    done = subprocess.run([sys.executable, "-m", "engine.interfaces.cli", *args], cwd=ROOT,
                          input=b"id: x\n\x00", capture_output=True, timeout=120)
    assert done.returncode in (0, 1, 2), (args, done.returncode, done.stderr[-2000:])
