"""Ctrl-C during a run on several processes: exit 130 with one line, no traceback from any
process, and the workers stopped at once rather than after the work they hold.

Ctrl-C reaches every process of the terminal's group. A pool's workers stop the work in hand
and refuse any more (:func:`engine.base.pool._start_worker`), a relay's ignore it and stop when
their pipes close; the main process stops the run; the CLI's guard turns the interrupt into
exit 130.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType

import click
import pytest
from click.testing import CliRunner

from engine.base.pool import CHUNK, ordered_map, spread
from engine.interfaces._shared import INTERRUPTED, guard
from tests.conftest import ROOT
from tests.unit.test_stream import _jsonl

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="process groups and /proc (Linux)")

TIMEOUT = 120  # seconds: a run that hangs fails instead


def test_the_guard_turns_ctrl_c_into_exit_130_and_one_line() -> None:
    @click.command()
    @guard
    def stopped() -> None:
        raise KeyboardInterrupt

    result = CliRunner().invoke(stopped, [])
    assert result.exit_code == INTERRUPTED == 130
    assert result.output == "interrupted: the run was stopped; its output is incomplete.\n"


class _Interrupt(Exception):
    """What the alarm raises in the main process, as Ctrl-C raises KeyboardInterrupt."""


def _held_until_finished(jobs: Sequence[tuple[int, str, str]]) -> list[int]:
    # In a worker: says it has started, holds its work for long, then says it finished.
    parent, started, finished = jobs[0]
    if os.getpid() != parent:
        Path(started).touch()
        time.sleep(30)
        Path(finished).touch()
    return [0 for _ in jobs]


def _held_job(settings: None, job: tuple[int, str, str]) -> int:
    return _held_until_finished([job])[0]


def _interrupt_once_started(started: Path) -> Iterator[None]:
    """Once a worker has touched ``started``: Ctrl-C as a terminal sends it, to the workers
    (SIGINT) and to this process (:class:`_Interrupt`, as pytest must not see SIGINT)."""
    import multiprocessing

    def ring(signum: int, frame: FrameType | None) -> None:
        if started.exists():
            for worker in multiprocessing.active_children():
                if worker.pid is not None:
                    os.kill(worker.pid, signal.SIGINT)
            raise _Interrupt
        signal.setitimer(signal.ITIMER_REAL, 0.05)  # not yet: look again soon

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, 0.05)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("kind", ["ordered_map", "spread"])
def test_a_run_stopped_early_stops_its_workers_at_once(tmp_path: Path, kind: str) -> None:
    # Had the workers ignored Ctrl-C, leaving the run would wait for their 30 s of work, after
    # which `finished` exists.
    import multiprocessing

    started, finished = tmp_path / "started", tmp_path / "finished"
    job = (os.getpid(), str(started), str(finished))
    run: Iterator[object]
    if kind == "ordered_map":
        run = ordered_map(_held_until_finished, [job] * (CHUNK * 4), lambda x: x, jobs=2)
    else:
        run = spread(_held_job, None, [job] * 3, jobs=2)
    alarm = _interrupt_once_started(started)
    next(alarm)
    with pytest.raises(_Interrupt):
        for _ in run:
            pass
    alarm.close()
    assert started.exists() and not finished.exists()
    assert multiprocessing.active_children() == []


def _stat(path: Path) -> tuple[str, int] | None:
    """A process's state and parent from its ``/proc/PID/stat``; None if it is gone."""
    try:
        fields = path.read_text().rsplit(")", 1)[1].split()  # after the command's name
    except (OSError, IndexError):
        return None
    return fields[0], int(fields[1])


def _children(pid: int) -> list[int]:
    return [int(path.parent.name) for path in Path("/proc").glob("[0-9]*/stat")
            if (stat := _stat(path)) is not None and stat[1] == pid and stat[0] != "Z"]


def _alive(pid: int) -> bool:
    stat = _stat(Path(f"/proc/{pid}/stat"))
    return stat is not None and stat[0] != "Z"


@pytest.mark.parametrize("args", [
    pytest.param(["evaluate", "{cases}", "--format", "jsonl", "--jobs", "2"], id="relay"),
    pytest.param(["evaluate", "{cases}", "--format", "json", "--jobs", "2"], id="relay-json"),
    pytest.param(["evaluate", "{cases}", "--jobs", "2"], id="pool"),
    pytest.param(["check", "--jobs", "2"], id="check"),
])
def test_ctrl_c_stops_the_run_and_its_workers_without_a_traceback(tmp_path: Path,
                                                                  args: list[str]) -> None:
    cases = _jsonl(tmp_path / "many.jsonl", 6000)
    command = [sys.executable, "-m", "engine.interfaces.cli",
               *(a.replace("{cases}", str(cases)) for a in args)]
    with (tmp_path / "out").open("wb") as out, subprocess.Popen(
            command, cwd=ROOT, stdout=out, stderr=subprocess.PIPE,
            start_new_session=True) as run:
        try:
            deadline = time.monotonic() + TIMEOUT
            while len(workers := _children(run.pid)) < 2:  # both workers at work
                assert run.poll() is None, run.communicate()
                assert time.monotonic() < deadline, "no workers"
                time.sleep(0.02)
            time.sleep(0.3)
            os.killpg(run.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole group
            _, err = run.communicate(timeout=TIMEOUT)
            left = [pid for pid in workers if _alive(pid)]
        finally:  # a run that hung, or its workers, must not outlive the test
            with contextlib.suppress(ProcessLookupError):
                os.killpg(run.pid, signal.SIGKILL)
    assert run.returncode == 130, err
    assert err.decode().endswith(
        "interrupted: the run was stopped; its output is incomplete.\n"), err
    assert b"Traceback" not in err, err
    assert not left, "workers left running"
