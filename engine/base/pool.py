"""Work spread over processes, results in input order, a bounded number of chunks in flight.

durable_rules' C code holds the GIL, so threads cannot share the evaluation of cases: processes
can. Each worker process is set up once (``initializer``: the readings, compiled in the parent,
are sent to it once), then receives chunks of items and returns their results. The caller sees
``(item, result)`` pairs in input order, as if the work had been done in a loop; memory stays
bounded because only a few chunks are sent ahead of the one being returned.

While the workers start (forked, or where forking is not safe a fresh interpreter each, which
takes a good part of a second), the first chunk is done in this process, so the first result is
out as soon as with one process; and whenever the oldest chunk is not back yet, this process
does the next one itself rather than wait.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

# multiprocessing and concurrent.futures are imported when a pool is started: a run in one
# process (one job, or an input of one chunk) does not wait for their imports.
if TYPE_CHECKING:
    from concurrent.futures import Future
    from multiprocessing.context import BaseContext
    from types import FrameType

T = TypeVar("T")
S = TypeVar("S")
R = TypeVar("R")

#: Items per chunk sent to a worker: large enough that the cost of sending is small beside the
#: work, small enough that the first results come back soon.
CHUNK = 64


class WorkerCrash(RuntimeError):
    """A worker process died (killed, out of memory, a crash in C code): a bug or the system,
    never bad input, which workers report as located problems like the parent does."""


def crashed(detail: str = "") -> WorkerCrash:
    """The error of a run whose worker died (``detail``: what the pool said, in brackets)."""
    return WorkerCrash(f"a worker process died unexpectedly{detail}; the run was stopped. "
                       "Try again with --jobs 1 to rule out the system (memory, signals)")


def default_jobs() -> int:
    """The number of cores, the default of ``--jobs``."""
    return os.cpu_count() or 1


def start_method() -> BaseContext:
    """How worker processes are started: forked where that is safe, spawned elsewhere.

    A forked worker starts in milliseconds: it has the modules, the compiled readings and the
    caches of this process already (a spawned one imports and receives them, about half a
    second of CPU each). Forking is safe on Linux while this process runs one thread: no other
    thread can hold a lock (of durable_rules' driver, of the logging or I/O machinery) that the
    child would inherit locked; the child gets a copy of durable_rules' C state, not a share of
    it. Anywhere else (a host with threads, macOS, Windows) workers are spawned.
    """
    import multiprocessing

    return multiprocessing.get_context("fork" if forks() else "spawn")


def forks() -> bool:
    """Whether workers are forked here (see :func:`start_method`), without importing
    multiprocessing."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


@contextmanager
def frozen() -> Iterator[None]:
    """What this process holds now kept out of the collector's walks while forked workers run
    (``gc.freeze``, Python's advice for forked workers), and let go after.

    The modules, the readings and the caches live as long as the run. A walk of the collector
    writes to every page that holds them, and each page written after a fork is copied, in the
    parent and in each worker: on 10,000 cases with ``--jobs 2`` the workers took about 5%
    more CPU, and the main process twice as many page faults, without it. (Each worker also
    freezes what it inherited as it starts: :func:`as_worker`.) Nothing is done where
    workers are not forked, or where objects are frozen already: by the host, which unfreezes
    them when it sees fit, or by Python itself (3.12 starts with some frozen, which
    ``gc.unfreeze`` must not let go)."""
    mine = forks() and gc.get_freeze_count() == 0
    if mine:
        gc.freeze()
    try:
        yield
    finally:
        if mine:
            gc.unfreeze()


def ordered_map(
    work: Callable[[Sequence[S]], list[R]],
    items: Iterable[T],
    send: Callable[[T], S],
    *,
    jobs: int,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
    local: Callable[[Sequence[S]], list[R]] | None = None,
    chunk: int = CHUNK,
) -> Iterator[tuple[T, R]]:
    """Each item with ``work``'s result for ``send(item)``, in input order.

    Args:
        work: a module-level function (workers import it) mapping a chunk to its results.
        items: the inputs; read lazily, never all held.
        send: what of an item goes to a worker (the item itself stays in this process).
        jobs: worker processes; 1 (or an input no longer than one chunk) works in this process
            with ``local`` (default ``work``), item by item, so that no pool is started for
            nothing and the first result comes at once.
        initializer, initargs: run once in each worker before any chunk.

    Raises:
        WorkerCrash: a worker died; the pool is shut down, nothing hangs.
    """
    here = local or work
    source = iter(items)
    if jobs <= 1:
        for item in source:
            yield item, here([send(item)])[0]
        return
    first = list(islice(source, chunk + 1))
    if len(first) <= chunk:
        for item in first:
            yield item, here([send(item)])[0]
        return
    from concurrent.futures import Future, ProcessPoolExecutor

    pending: deque[tuple[list[T], Future[list[R]] | list[R]]] = deque()
    chunks = chunked(first, source, chunk)
    window = 2 * jobs  # chunks in the workers' hands: enough that none waits for the next

    def submit(batch: list[T]) -> None:
        pending.append((batch, pool.submit(_interruptible, work, [send(i) for i in batch])))

    with frozen():
        pool = ProcessPoolExecutor(jobs, mp_context=start_method(), initializer=_start_worker,
                                   initargs=(initializer, initargs))
        try:
            # The first chunk is done here before the workers are asked for (starting one
            # blocks until its interpreter is up): the first result is not kept waiting.
            for item in next(chunks):
                yield item, here([send(item)])[0]
            for batch in islice(chunks, window):
                submit(batch)
            while pending:
                batch, head = pending[0]
                # Rather than wait for the oldest chunk (workers starting, or busy), this
                # process does the next one itself; its results wait their turn in the queue.
                if (isinstance(head, Future) and not head.done() and len(pending) < 2 * window
                        and (mine := next(chunks, None)) is not None):
                    pending.append((mine, here([send(i) for i in mine])))
                    continue
                pending.popleft()
                yield from _ready(batch, head)
                if (more := next(chunks, None)) is not None:
                    submit(more)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


# The work and its settings of this worker process (set once by _install).
_setup: tuple[Callable[[Any, Any], Any], Any] | None = None


def as_worker(on_interrupt: Callable[[int, FrameType | None], Any] | int = signal.SIG_IGN,
              ) -> None:
    """What every worker process does as it starts (here and in :mod:`.relay`).

    - Ctrl-C reaches every process of the terminal's group. A worker leaves it to the main
      process, which stops the run (a worker would print a traceback of its own):
      ``on_interrupt`` is what it does instead. The relay's workers ignore it and stop when
      their pipes close; a pool's stop the work in hand (:func:`_start_worker`).
    - What it inherited from the main process is kept out of its collector's walks for good
      (see :func:`frozen`; a worker never lets it go, and freezing writes to no page of it).
    """
    signal.signal(signal.SIGINT, on_interrupt)
    gc.freeze()


# This pool worker's state after Ctrl-C (see _start_worker).
_working = False
_interrupted = False


def _start_worker(initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    # Ctrl-C stops the work in hand, and every later piece of work at once: the main process
    # stops the run, and waits for what its workers hold (`check`'s jobs take seconds each).
    # Only the work is interrupted, never the sending of a result, which would leave half a
    # message in the pool's pipe and the pool waiting for the rest; and no worker is killed,
    # for the same reason.
    as_worker(_on_interrupt)
    if initializer is not None:
        initializer(*initargs)


def _on_interrupt(signum: int, frame: FrameType | None) -> None:
    global _interrupted
    _interrupted = True
    if _working:
        raise KeyboardInterrupt


def _interruptible(work: Callable[[Sequence[S]], list[R]], chunk: Sequence[S]) -> list[R]:
    global _working
    _working = True
    try:
        if _interrupted:  # after the flag: Ctrl-C now raises, and before it was seen here
            raise KeyboardInterrupt
        return work(chunk)
    finally:
        _working = False


def _install(work: Callable[[Any, Any], Any], settings: Any) -> None:
    global _setup
    _setup = (work, settings)


def _run_chunk(jobs: Sequence[Any]) -> list[Any]:
    assert _setup is not None, "worker not initialised"
    work, settings = _setup
    return [work(settings, job) for job in jobs]


class Mapper(Protocol):
    """:func:`map_with`, or another way of spreading work with its signature."""

    def __call__(self, work: Callable[[Any, S], R], settings: Any, items: Iterable[T],
                 send: Callable[[T], S], *, jobs: int, chunk: int = CHUNK,
                 ) -> Iterator[tuple[T, R]]:
        """Each item with ``work(settings, send(item))``, in input order."""
        ...


def map_with(
    work: Callable[[Any, S], R],
    settings: Any,
    items: Iterable[T],
    send: Callable[[T], S],
    *,
    jobs: int,
    chunk: int = CHUNK,
) -> Iterator[tuple[T, R]]:
    """:func:`ordered_map` of ``work(settings, job)`` over each item's job: ``settings`` (the
    readings, the options of the run) go to each worker once; ``work`` is a module-level
    function (workers import it)."""
    return ordered_map(_run_chunk, items, send, jobs=jobs, chunk=chunk, initializer=_install,
                       initargs=(work, settings),
                       local=lambda batch: [work(settings, job) for job in batch])


def spread(work: Callable[[Any, S], R], settings: Any, jobs_list: Sequence[S], *,
           jobs: int) -> Iterator[tuple[int, R]]:
    """Each job's position in ``jobs_list`` and ``work(settings, job)``, as each is done.

    For a few jobs of very different sizes (``legal-status check``: one reading's exhaustive
    verification, each invariant's search), where input order would keep a free worker waiting
    behind a long job: all are handed out at once, in the order given (give the longest first),
    and this process only collects. ``jobs`` 1 works here, in order.

    Raises:
        WorkerCrash: a worker died; the pool is shut down, nothing hangs.
    """
    if jobs <= 1 or len(jobs_list) <= 1:
        for n, job in enumerate(jobs_list):
            yield n, work(settings, job)
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed
    with frozen():
        pool = ProcessPoolExecutor(min(jobs, len(jobs_list)), mp_context=start_method(),
                                   initializer=_start_worker,
                                   initargs=(_install, (work, settings)))
        try:
            futures = {pool.submit(_interruptible, _run_chunk, [job]): n
                       for n, job in enumerate(jobs_list)}
            for done in as_completed(futures):
                for _, result in _ready([futures[done]], done):
                    yield futures[done], result
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def chunked(first: list[T], rest: Iterator[T], size: int) -> Iterator[list[T]]:
    """``first`` then ``rest`` in lists of ``size`` (the last may be shorter)."""
    yield first[:size]
    rest = chain(first[size:], rest)
    while batch := list(islice(rest, size)):
        yield batch


def _ready(batch: list[T], done: Future[list[R]] | list[R]) -> Iterator[tuple[T, R]]:
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    try:
        results = done.result() if isinstance(done, Future) else done
    except BrokenProcessPool as exc:
        raise crashed(f" ({exc})") from None
    yield from zip(batch, results, strict=True)
