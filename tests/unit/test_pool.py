"""``engine.base.pool``'s own parts: what the collector is kept from while forked workers run
(:func:`frozen`). The pool's results and order are tested through the batch functions
(``test_stream``, ``test_stream_json``, ``test_check_shared``)."""

from __future__ import annotations

import gc

import pytest

from engine.base import pool


@pytest.fixture(autouse=True)
def _nothing_frozen() -> None:
    assert gc.get_freeze_count() == 0, "an earlier test left objects frozen"


def test_objects_are_frozen_while_workers_are_forked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "forks", lambda: True)
    kept = [object(), [1, 2]]
    with pool.frozen():
        assert gc.get_freeze_count() >= len(kept)
    assert gc.get_freeze_count() == 0


def test_they_are_let_go_after_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "forks", lambda: True)
    with pytest.raises(ValueError, match="in the run"), pool.frozen():
        raise ValueError("in the run")
    assert gc.get_freeze_count() == 0


def test_nothing_is_frozen_where_workers_are_not_forked(monkeypatch: pytest.MonkeyPatch,
                                                        ) -> None:
    monkeypatch.setattr(pool, "forks", lambda: False)
    with pool.frozen():
        assert gc.get_freeze_count() == 0


def test_what_the_host_froze_stays_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "forks", lambda: True)
    gc.freeze()
    try:
        count = gc.get_freeze_count()
        with pool.frozen():
            pass
        assert gc.get_freeze_count() == count
    finally:
        gc.unfreeze()
