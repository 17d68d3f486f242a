"""Workers that write their own results (``engine.base.relay``): the same bytes in the same order
as when the main process writes everything, pieces left out when the reader drops them, and
every failure (a worker dying, a bug in one, a full disk, a reader gone) reported, never hung.

Each run uses real forked processes and a real file or pipe: the relay serves only there, and
only while the process runs one thread (forking with threads is unsafe). Earlier tests of a
full run leave threads behind (the service's), so there these tests run in a fresh interpreter
instead (``test_the_relay_tests_in_a_fresh_interpreter``): they always run, once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from engine.base.errors import OutputError
from engine.base.pool import WorkerCrash, forks
from engine.base.relay import Held, HoldingRender, Relay
from tests.conftest import ROOT
from tests.unit.test_stream import _jsonl

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the relay serves where workers are forked (Linux)")


@pytest.fixture
def forked() -> None:
    """The relay's own tests run in this process only while workers can be forked here."""
    if not forks():
        pytest.skip("threads are running: run in a fresh interpreter (see the docstring)")


#: The relay's own tests (see :func:`forked`).
here = pytest.mark.usefixtures("forked")

TIMEOUT = 120  # seconds: a run that hangs fails instead


def _render(n: int) -> bytes:
    return f"<{n}>".encode() * (n % 5 + 1)


def _work(settings: str, job: int) -> tuple[int, bytes | Held]:
    if settings == "die" and job == 13:
        os._exit(9)  # as a segfault or the OOM killer would end it
    if settings == "bug" and job == 13:
        raise ValueError("a bug in the work")
    return job, HoldingRender(_render)(job)


def _drive(out: int, items: Sequence[int], *, settings: str = "", chunk: int = 4,
           keep: int = 1) -> list[int]:
    """Run ``items`` through a relay writing to ``out`` as a writer would: each kept result's
    bytes after a separator (every ``keep``-th result is kept). The items seen, in order."""
    relay = Relay(2, out, lambda: None)
    seen = []
    held = 0
    try:
        for item, (job, piece) in relay.map(_work, settings, items, lambda i: i, jobs=2,
                                            chunk=chunk):
            assert job == item
            seen.append(item)
            if item % keep:
                continue  # dropped, as a duplicate case id drops its result
            head = b"," if len(seen) > 1 else b""
            if isinstance(piece, Held):
                held += 1
                relay.put(piece, head)
            else:  # done here (the first items): written here
                relay.flush()
                os.write(out, head + piece)
        relay.flush()
    finally:
        relay.close()
    assert held or len(items) <= chunk, "the workers held nothing: the relay did not serve"
    return seen


def _expected(items: Sequence[int], keep: int = 1) -> bytes:
    return b"".join((b"," if n else b"") + _render(x)
                    for n, x in enumerate(items) if not x % keep)


@here
@pytest.mark.parametrize(("keep", "chunk"), [(1, 4), (3, 4), (1, 16)])
def test_workers_write_what_the_main_process_would(tmp_path: Path, keep: int, chunk: int,
                                                   ) -> None:
    # chunk 16: the main process does fewer items (relay.OWN) than a chunk before it forks.
    items = list(range(1, 103))
    with (tmp_path / "out").open("wb") as out:
        assert _drive(out.fileno(), items, keep=keep, chunk=chunk) == items
    assert (tmp_path / "out").read_bytes() == _expected(items, keep)


@here
def test_a_pipe_gets_the_same_bytes(tmp_path: Path) -> None:
    items = list(range(1, 60))
    # The reader is another process: a thread here would keep the relay from forking.
    with (tmp_path / "out").open("wb") as out:
        reader = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=out)
        assert reader.stdin is not None
        try:
            _drive(reader.stdin.fileno(), items, chunk=3)
        finally:
            reader.stdin.close()
            reader.wait(TIMEOUT)
    assert (tmp_path / "out").read_bytes() == _expected(items)


def _freeze_count(settings: str, job: int) -> tuple[int, int]:
    import gc

    return job, gc.get_freeze_count()


@here
def test_the_inherited_objects_are_frozen(tmp_path: Path) -> None:
    import gc

    before = gc.get_freeze_count()
    mains: list[tuple[int, int]] = []  # (the count where the item was done, here then)
    workers: list[tuple[int, int]] = []
    relay = Relay(2, os.open(tmp_path / "out", os.O_WRONLY | os.O_CREAT), lambda: None)
    try:
        for n, (_, count) in relay.map(_freeze_count, "", range(1, 40), lambda i: i, jobs=2,
                                       chunk=4):
            # The first items are the main process's (before the fork), the rest the workers'.
            (mains if n <= 4 else workers).append((count, gc.get_freeze_count()))
        relay.flush()
    finally:
        relay.close()
        os.close(relay.out_fd)
    assert all(count == before for count, _ in mains)
    # Each worker froze everything it inherited as it started.
    assert all(count > before for count, _ in workers)
    # The main process froze it for the run (unless frozen objects were there: Python 3.12
    # starts with some, which are not its to let go), and let it go after. (The count falls
    # as frozen objects are freed.)
    during = [now for _, now in workers]
    assert all(now > 0 for now in during) if before == 0 else set(during) == {before}
    assert gc.get_freeze_count() == before


@here
def test_a_few_items_are_done_here_without_workers(tmp_path: Path) -> None:
    with (tmp_path / "out").open("wb") as out:
        assert _drive(out.fileno(), [1, 2, 3]) == [1, 2, 3]
    assert (tmp_path / "out").read_bytes() == _expected([1, 2, 3])


@here
def test_a_worker_that_dies_stops_the_run(tmp_path: Path) -> None:
    with (tmp_path / "out").open("wb") as out, pytest.raises(WorkerCrash, match="died"):
        _drive(out.fileno(), range(1, 200), settings="die")


@here
def test_a_bug_in_a_worker_is_raised_here(tmp_path: Path) -> None:
    with (tmp_path / "out").open("wb") as out, pytest.raises(ValueError, match="a bug"):
        _drive(out.fileno(), range(1, 200), settings="bug")


@here
def test_a_full_disk_is_an_output_error() -> None:
    full = os.open("/dev/full", os.O_WRONLY)
    try:
        with pytest.raises(OutputError, match="cannot write the output: No space left"):
            _drive_workers_only(full)
    finally:
        os.close(full)


@here
def test_a_reader_gone_is_a_broken_pipe() -> None:
    read, write = os.pipe()
    os.close(read)
    try:
        with pytest.raises(BrokenPipeError):
            _drive_workers_only(write)
    finally:
        os.close(write)


def _drive_workers_only(out: int) -> None:
    # The main process's own first items are not written: the workers' writes fail first.
    relay = Relay(2, out, lambda: None)
    try:
        for _, (_, piece) in relay.map(_work, "", range(1, 40), lambda i: i, jobs=2, chunk=4):
            if isinstance(piece, Held):
                relay.put(piece, b"")
        relay.flush()
    finally:
        relay.close()


@here
def test_the_relay_serves_only_a_file_or_a_pipe_with_several_jobs(tmp_path: Path) -> None:
    with (tmp_path / "out").open("wb") as out:
        assert Relay.usable(2, out.fileno())
        assert not Relay.usable(1, out.fileno())
    assert not Relay.usable(2, -1)
    leader, follower = os.openpty()
    try:
        assert not Relay.usable(2, follower)  # a terminal: the progress bar may take it over
    finally:
        os.close(leader)
        os.close(follower)


def _cli(args: Sequence[str], stdout: int | None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "engine.interfaces.cli", *args], cwd=ROOT,
                          stdout=stdout, stderr=subprocess.PIPE, timeout=TIMEOUT, check=False)


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_evaluate_jobs_2_writes_the_bytes_of_jobs_1_to_a_file_and_a_pipe(
        tmp_path: Path, fmt: str) -> None:
    # Several chunks, with bad lines and duplicate ids inside the workers' chunks.
    path = _jsonl(tmp_path / "many.jsonl", 300)
    lines = path.read_text(encoding="utf-8").splitlines()
    for at in (70, 150, 151, 299):
        lines.insert(at, lines[at - 40])  # a duplicate id: its result is dropped
    lines[200:200] = ["not json", json.dumps({"id": "x"})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["evaluate", str(path), "--format", fmt]
    outputs = []
    for jobs in ("1", "2"):
        target = tmp_path / f"out-{jobs}"
        with target.open("wb") as out:
            done = _cli([*args, "--jobs", jobs], out.fileno())
        assert done.returncode == 2, done.stderr
        outputs.append((target.read_bytes(), done.stderr))
    piped = _cli([*args, "--jobs", "2"], subprocess.PIPE)
    assert outputs[0] == outputs[1] == (piped.stdout, piped.stderr)
    assert outputs[0][0].count(b"duplicate case id") == 4


def test_the_relay_tests_in_a_fresh_interpreter() -> None:
    if forks():
        return  # they ran in this process
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           __file__, "-k", "not fresh_interpreter and not evaluate_jobs"],
                          cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "skipped" not in done.stdout and " passed" in done.stdout, done.stdout
