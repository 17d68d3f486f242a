"""``engine.base.pool``'s own parts: what the collector is kept from while forked workers run
(:func:`frozen`, :func:`as_worker`). The pool's results and order are tested through the
batch functions (``test_stream``, ``test_stream_json``, ``test_check_shared``).

Python 3.12 starts with some objects frozen already; :func:`frozen` leaves those alone, so what
these tests expect depends on what was frozen before them."""

from __future__ import annotations

import gc

import pytest

from engine.base import pool


def _frozen_in_run(monkeypatch: pytest.MonkeyPatch, *, forked: bool,
                   fail: bool = False) -> tuple[int, int, int]:
    monkeypatch.setattr(pool, "forks", lambda: forked)
    before = gc.get_freeze_count()
    inside = -1
    try:
        with pool.frozen():
            inside = gc.get_freeze_count()
            if fail:
                raise ValueError("in the run")
    except ValueError:
        pass
    return before, inside, gc.get_freeze_count()


@pytest.mark.parametrize("fail", [False, True])
def test_objects_are_frozen_for_the_run_while_workers_are_forked(
        monkeypatch: pytest.MonkeyPatch, fail: bool) -> None:
    before, inside, after = _frozen_in_run(monkeypatch, forked=True, fail=fail)
    if before == 0:
        assert inside > 0  # everything there was at the fork
        assert after == 0  # let go after the run, after an error too
    else:  # frozen by Python (3.12) or the host: theirs to let go
        assert inside == after == before


def test_nothing_is_frozen_where_workers_are_not_forked(monkeypatch: pytest.MonkeyPatch,
                                                        ) -> None:
    before, inside, after = _frozen_in_run(monkeypatch, forked=False)
    assert inside == after == before


def test_what_the_host_froze_stays_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    count = gc.get_freeze_count
    real = count()
    monkeypatch.setattr(gc, "get_freeze_count", lambda: real + 7)  # as if the host had frozen
    monkeypatch.setattr(pool, "forks", lambda: True)
    with pool.frozen():
        assert count() == real
    assert count() == real


def test_a_worker_freezes_what_it_inherited() -> None:
    # In a child process: freezing is for good there.
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as workers:
        before, after = workers.apply(_freeze_in_worker)
    assert after > before


def _freeze_in_worker() -> tuple[int, int]:
    before = gc.get_freeze_count()
    pool.as_worker()
    return before, gc.get_freeze_count()
