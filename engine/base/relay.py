"""Work spread over forked processes that write their own results' bytes, in input order.

Through :mod:`.pool`, a worker sends each result back and the main process writes it: for
``evaluate --format jsonl`` that is about 25 KB a case, pickled, pushed through a pipe, read,
unpickled and written again, which costs the main process about as much CPU as the workers'
evaluation saves on a small machine (issue 11: two processes splitting a caseload by hand took
4% to 16% less time than ``--jobs 2`` through the pool). Here the bytes never leave the worker
that made them:

- a rendered result, made in a worker, is kept there; what goes back is a :class:`Held`
  token (which worker, which chunk, which piece) with the rest of the result;
- the main process reads the results in input order as from :func:`.pool.map_with` (it checks
  ids, collects problems, counts) and passes each token it keeps to :meth:`Relay.put`, with the
  bytes to write before it (a separator);
- when it moves on to another chunk, or before it writes anything itself, it tells the
  worker holding the chunk which of its pieces to write, and waits until they are written:
  the worker writes them to the output itself (the same open file), between two cases of the
  chunk it is working on. The output is the same, byte for byte, as when the main process
  writes everything.

Only where workers are forked (Linux, one thread), the output is a file or a pipe (not a
terminal, whose progress bar may take over standard output), and there are several chunks:
otherwise :func:`.pool.map_with` serves. The main process does the first chunk itself, so the
first result is out as soon as with one process, then only hands out chunks and passes turns.
"""

from __future__ import annotations

import contextlib
import os
import queue
import select
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any, Generic, NoReturn, TypeVar

from engine.base.errors import OutputError
from engine.base.pool import CHUNK, chunked, crashed, forks, map_with

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

T = TypeVar("T")
S = TypeVar("S")
R = TypeVar("R")
V = TypeVar("V")

#: Chunks a worker is given ahead of the one it works on.
AHEAD = 2


@dataclass(frozen=True)
class Held:
    """A rendered result kept by worker ``worker``: piece ``index`` of chunk ``chunk``. (Not a
    tuple: a tuple among results is a failure's problems. Without slots: a frozen dataclass
    with slots is pickled through Python code, ten times slower.)"""

    worker: int
    chunk: int
    index: int


class _Here:
    """This worker process's slot, and the pieces of the chunk it is evaluating."""

    def __init__(self) -> None:
        self.slot = -1
        self.chunk = -1
        self.pieces: list[bytes] = []


_here = _Here()


class HoldingRender(Generic[V]):
    """``render`` whose bytes, made in a worker of a :class:`Relay`, stay in that worker (a
    :class:`Held` token is returned); anywhere else the bytes themselves are returned.
    Picklable when ``render`` is a module-level function."""

    def __init__(self, render: Callable[[V], bytes]) -> None:
        self.render = render

    def __call__(self, value: V) -> bytes | Held:
        """``render(value)``, kept in the worker when called in one."""
        data = self.render(value)
        if _here.slot < 0:
            return data
        _here.pieces.append(data)
        return Held(_here.slot, _here.chunk, len(_here.pieces) - 1)


class Relay:
    """One run's workers and their turns to write, seen from the main process.

    Use :meth:`map` as :func:`.pool.map_with` (the results come back in input order), give each
    kept :class:`Held` to :meth:`put`, call :meth:`flush` before writing anything to the
    output directly and at the end, and :meth:`close` in any case (it stops the workers).
    """

    def __init__(self, jobs: int, out_fd: int, flush_own: Callable[[], None]) -> None:
        """``out_fd``: the output the workers write to (this process's standard output);
        ``flush_own``: empties this process's own buffer for it, before a worker writes."""
        self.jobs, self.out_fd, self.flush_own = jobs, out_fd, flush_own
        self._pending: tuple[int, int] | None = None  # (worker, chunk) of the pieces below
        self._pieces: list[tuple[int, bytes]] = []
        self._workers: list[tuple[BaseProcess, Connection]] = []
        self._listeners: list[threading.Thread] = []
        self._inbox: queue.Queue[tuple[Any, ...]] = queue.Queue()
        self._written: set[tuple[int, int]] = set()
        self._done: dict[int, list[Any]] = {}
        self._load: list[int] = []
        self._give: Callable[[], None] = lambda: None

    @staticmethod
    def usable(jobs: int, out_fd: int) -> bool:
        """Whether a relay can serve: several jobs, forked workers, an output that is a file
        or a pipe (see the module's docstring)."""
        if jobs <= 1 or out_fd < 0 or os.isatty(out_fd):
            return False
        return forks()

    def map(self, work: Callable[[Any, S], R], settings: Any, items: Iterable[T],
            send: Callable[[T], S], *, jobs: int, chunk: int = CHUNK,
            ) -> Iterator[tuple[T, R]]:
        """:func:`.pool.map_with` on this relay's workers (as many as the relay was given;
        ``jobs`` is checked to be the same)."""
        assert jobs == self.jobs, "the relay was made for another number of jobs"
        if not forks():  # threads started since usable() was asked: the pool serves
            return map_with(work, settings, items, send, jobs=jobs, chunk=chunk)
        source = iter(items)
        first = list(islice(source, chunk + 1))
        if len(first) <= chunk:
            return map_with(work, settings, first, send, jobs=1)
        return self._map(work, settings, first, source, send, chunk)

    def _map(self, work: Callable[[Any, S], R], settings: Any, first: list[T],
             source: Iterator[T], send: Callable[[T], S], size: int,
             ) -> Iterator[tuple[T, R]]:
        chunks = chunked(first, source, size)
        # The first chunk here, before the workers are forked: the first result comes at once.
        for item in next(chunks):
            yield item, work(settings, send(item))
        self.flush_own()  # a forked worker flushes what it inherited: nothing, then
        self._start(work, settings)
        waiting: dict[int, list[T]] = {}  # chunk number -> its items, handed out
        number = 0

        def give() -> None:
            nonlocal number
            while True:
                free = min(range(len(self._load)), key=self._load.__getitem__)
                if self._load[free] >= AHEAD or (batch := next(chunks, None)) is None:
                    return
                self._send(free, ("eval", number, [send(i) for i in batch]))
                waiting[number] = batch
                self._load[free] += 1
                number += 1

        self._give = give
        give()
        nxt = 0
        while nxt in waiting:
            while nxt not in self._done:
                self._receive()
            yield from zip(waiting.pop(nxt), self._done.pop(nxt), strict=True)
            nxt += 1

    def put(self, held: Held, head: bytes) -> None:
        """Have ``held`` written, after ``head`` (written with it), in its turn."""
        key = (held.worker, held.chunk)
        if self._pending != key:
            self.flush()
            self._pending = key
        self._pieces.append((held.index, head))

    def flush(self) -> None:
        """Have the pieces given to :meth:`put` written, and wait until they are."""
        if self._pending is None:
            return
        key = self._pending
        pieces, self._pieces, self._pending = self._pieces, [], None
        self.flush_own()
        self._send(key[0], ("write", key[1], pieces))
        while key not in self._written:
            self._receive()
        self._written.discard(key)

    def close(self) -> None:
        """Stop the workers (after an error too: nothing hangs). Pieces not flushed are not
        written."""
        workers, self._workers = self._workers, []
        for _, conn in workers:
            with contextlib.suppress(OSError):
                conn.send(("stop",))
        for process, conn in workers:
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join()
            conn.close()
        # Each listener ends with its worker's pipe: this process runs one thread again, as
        # the next pool or relay expects before it forks.
        listeners, self._listeners = self._listeners, []
        for listener in listeners:
            listener.join(5)

    # The parts.

    def _start(self, work: Callable[[Any, Any], Any], settings: Any) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        readers: list[Connection] = []
        ours: list[Connection] = []
        for slot in range(self.jobs):
            theirs, to_worker = context.Pipe(duplex=False)  # (reader, writer)
            back, from_here = context.Pipe(duplex=False)
            process = context.Process(target=_serve, daemon=True, args=(
                slot, theirs, from_here, work, settings, self.out_fd, [*ours, *readers]))
            process.start()
            theirs.close()
            from_here.close()
            self._workers.append((process, to_worker))
            ours.append(to_worker)
            readers.append(back)
        self._load = [0] * self.jobs
        # Threads only once every worker is forked (forking with threads running is unsafe).
        for slot, back in enumerate(readers):
            listener = threading.Thread(target=_listen, args=(slot, back, self._inbox),
                                        daemon=True)
            listener.start()
            self._listeners.append(listener)

    def _send(self, worker: int, message: tuple[Any, ...]) -> None:
        try:
            self._workers[worker][1].send(message)
        except OSError:
            self._gone()

    def _gone(self) -> NoReturn:
        # A worker has gone: its listener says why (a bug it reported before it stopped, or
        # the end of its pipe when it died), whatever else is waiting to be read.
        while True:
            try:
                message = self._inbox.get(timeout=60)
            except queue.Empty:
                raise crashed() from None
            if message[0] == "error":
                raise message[2]
            if message[0] == "crash":
                raise crashed()

    def _receive(self) -> None:
        message = self._inbox.get()
        kind = message[0]
        if kind == "crash":
            raise crashed()
        if kind == "error":
            raise message[2]
        if kind == "written":
            _, worker, chunk, failure = message
            if isinstance(failure, BrokenPipeError):
                raise failure  # the reader has gone (| head): the caller ends quietly
            if failure is not None:  # as the main process's own writes report it
                raise OutputError(f"cannot write the output: {failure.strerror or failure}")
            self._written.add((worker, chunk))
        else:
            assert kind == "done", f"unknown message {kind!r}"
            _, worker, chunk, results = message
            self._load[worker] -= 1
            self._done[chunk] = results
            self._give()


def _listen(slot: int, conn: Connection, inbox: queue.Queue[tuple[Any, ...]]) -> None:
    # Reads a worker's messages as they come, so that a worker never waits to send while
    # the main process waits to send to it.
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            inbox.put(("crash", slot))
            return
        if message[0] == "stopped":
            return
        inbox.put(message)


def _serve(slot: int, inbox: Connection, outbox: Connection, work: Callable[[Any, Any], Any],
           settings: Any, out_fd: int, inherited: list[Connection]) -> None:
    """A worker: evaluates the chunks it is given, keeps their rendered pieces, and writes
    those it is told to, between two cases."""
    for conn in inherited:  # the other workers' pipes: their ends of file must not wait on us
        conn.close()
    _here.slot = slot
    queued: deque[tuple[Any, ...]] = deque()
    held: dict[int, list[bytes]] = {}

    def handle(message: tuple[Any, ...]) -> bool:
        if message[0] == "eval":
            queued.append(message)
        elif message[0] == "write":
            _, chunk, pieces = message
            kept = held.pop(chunk)
            for older in [c for c in held if c < chunk]:  # passed over: nothing to write
                del held[older]
            outbox.send(("written", slot, chunk, _write(out_fd, kept, pieces)))
        else:
            return False
        return True

    # Asked between every two cases: one system call (Connection.poll builds a selector).
    waiting = select.poll()
    waiting.register(inbox.fileno(), select.POLLIN)

    def serve_waiting() -> bool:
        while waiting.poll(0):
            if not handle(inbox.recv()):
                return False
        return True

    try:
        while True:
            if not queued and not handle(inbox.recv()):
                break
            if not serve_waiting():
                break
            if not queued:
                continue
            _, chunk, jobs = queued.popleft()
            _here.chunk, _here.pieces = chunk, []
            held[chunk] = _here.pieces
            results = []
            for job in jobs:
                results.append(work(settings, job))
                if not serve_waiting():
                    return
            outbox.send(("done", slot, chunk, results))
    except (EOFError, BrokenPipeError):  # the main process is gone
        return
    except Exception as exc:  # a bug: the main process raises it, as a pool would
        with contextlib.suppress(OSError):
            try:
                outbox.send(("error", slot, exc))
            except OSError:
                raise
            except Exception:  # the exception cannot be pickled: its text goes instead
                outbox.send(("error", slot, RuntimeError(repr(exc))))
    finally:
        with contextlib.suppress(OSError):
            outbox.send(("stopped",))


def _write(out_fd: int, kept: Sequence[bytes], pieces: Sequence[tuple[int, bytes]],
           ) -> OSError | None:
    data = b"".join(head + kept[index] for index, head in pieces)
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(out_fd, view):]
    except OSError as exc:  # the main process raises it: a full disk, a reader gone
        return exc
    return None
