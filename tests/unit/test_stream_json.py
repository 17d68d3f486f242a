"""Results sent back from the workers as JSON text: the same text as the results' own dumps;
the first chunk done in the calling process while the workers start, and others while it would
wait for them."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from engine.base.errors import Problem
from engine.base.pool import CHUNK, ordered_map, start_method
from engine.cases.load import iter_cases
from engine.readings.load import load_readings
from engine.run.stream import evaluate_stream, evaluate_stream_json
from tests.conftest import FIXTURES, ROOT
from tests.unit.test_stream import _jsonl


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("jobs", [1, 2])
def test_evaluate_stream_json_is_each_results_own_dump(tmp_path: Path, indent: int | None,
                                                        jobs: int) -> None:
    rs = load_readings()
    # More cases than one chunk (the pool runs with jobs 2), bad ones among them.
    paths = [_jsonl(tmp_path / "many.jsonl", CHUNK + 9), FIXTURES / "cases-bad", ROOT / "cases"]
    expected = [x if isinstance(x, Problem) or isinstance(x[1], tuple)
                else (x[0], x[1].model_dump_json(indent=indent))
                for x in evaluate_stream(iter_cases(paths), rs, jobs=1)]
    got = list(evaluate_stream_json(iter_cases(paths), rs, jobs=jobs, indent=indent))
    assert got == expected
    assert sum(isinstance(x, tuple) and isinstance(x[1], str) for x in got) > CHUNK


def _pid(chunk: Sequence[int]) -> list[int]:
    return [os.getpid() for _ in chunk]


def test_the_first_chunk_is_done_here_while_the_workers_start() -> None:
    pids = [pid for _, pid in ordered_map(_pid, range(CHUNK * 3), lambda x: x, jobs=2)]
    assert pids[:CHUNK] == [os.getpid()] * CHUNK
    assert os.getpid() not in pids[CHUNK:]  # the rest was sent before any could wait


def _slow_elsewhere(chunk: Sequence[tuple[int, int]]) -> list[int]:
    if any(parent != os.getpid() for parent, _ in chunk):
        time.sleep(0.05)  # a worker, busy (or, spawned, still starting)
    return [os.getpid() for _ in chunk]


def test_this_process_works_rather_than_wait_for_the_workers() -> None:
    # While the oldest chunk is not back, this process does the chunks after those sent to
    # the workers (four: twice the jobs); their results wait their turn.
    here = os.getpid()
    out = list(ordered_map(_slow_elsewhere, [(here, i) for i in range(CHUNK * 12)],
                           lambda x: x, jobs=2))
    assert [i for (_, i), _ in out] == list(range(CHUNK * 12))
    pids = [pid for _, pid in out]
    chunks = [set(pids[i:i + CHUNK]) for i in range(0, len(pids), CHUNK)]
    assert all(len(c) == 1 for c in chunks)  # a chunk is done in one place
    assert chunks[0] == chunks[5] == {here}
    assert here not in chunks[1]  # sent to a worker


def test_workers_are_forked_only_while_this_process_runs_one_thread() -> None:
    assert start_method().get_start_method() == (
        "fork" if sys.platform.startswith("linux") and threading.active_count() == 1
        else "spawn")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        # Another thread could hold a lock the child would inherit: spawned, and still right.
        assert start_method().get_start_method() == "spawn"
        pids = [pid for _, pid in ordered_map(_pid, range(CHUNK * 3), lambda x: x, jobs=2)]
        assert pids[:CHUNK] == [os.getpid()] * CHUNK and os.getpid() not in pids[CHUNK:]
    finally:
        stop.set()
        other.join()
