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

The main process runs one thread: it never waits on a full pipe (:mod:`._frames`), and while
it waits for a worker it polls all their pipes, so a worker that waits to send to it or to be
read is always served. A worker stops when the main process closes its pipes.

Only where workers are forked (Linux, one thread), the output is a file or a pipe (not a
terminal, whose progress bar may take over standard output), and there are several chunks:
otherwise :func:`.pool.map_with` serves. The main process does the first few items itself, so
the first result is out as soon as with one process, then only hands out chunks and passes turns.
"""

from __future__ import annotations

import contextlib
import os
import select
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any, Generic, NoReturn, TypeVar

from engine.base._frames import Frames, Outbox, framed, pipe, write_all
from engine.base.errors import OutputError
from engine.base.pool import CHUNK, as_worker, chunked, crashed, forks, frozen, map_with

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

T = TypeVar("T")
S = TypeVar("S")
R = TypeVar("R")
V = TypeVar("V")

#: Chunks a worker is given ahead of the one it works on.
AHEAD = 2
#: Items the main process does itself before it forks the workers.
OWN = 8


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
        self._workers: list[_Worker] = []
        self._poll = select.poll()  # the workers' pipes to this process, and full ones to them
        self._by_fd: dict[int, _Worker] = {}
        self._written: set[tuple[int, int]] = set()
        self._done: dict[int, list[Any]] = {}
        self._load: list[int] = []
        self._give: Callable[[], None] = lambda: None
        self._frozen = contextlib.ExitStack()  # (see pool.frozen) from the fork to close()

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
        # A few items here, before the workers are forked: the first result comes at once,
        # and what the first case sets up (the readings' programs, caches) is forked with this
        # process. Only a few: one core waits meanwhile.
        own = min(OWN, size)
        for item in first[:own]:
            yield item, work(settings, send(item))
        chunks = chunked(first[own:], source, size)
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
        for worker in workers:  # the ends of its pipes tell a worker to stop, writing or not
            os.close(worker.outbox.fd)
            os.close(worker.frames.fd)
        for worker in workers:
            worker.process.join(5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
        self._frozen.close()

    # The parts.

    def _start(self, work: Callable[[Any, Any], Any], settings: Any) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self._frozen.enter_context(frozen())
        ours: list[int] = []
        for slot in range(self.jobs):
            theirs, to_worker = pipe()
            back, from_here = pipe()
            process = context.Process(target=_serve, daemon=True, args=(
                slot, theirs, from_here, work, settings, self.out_fd, [*ours, to_worker, back]))
            process.start()
            os.close(theirs)
            os.close(from_here)
            os.set_blocking(to_worker, False)
            os.set_blocking(back, False)
            worker = _Worker(slot, process, Outbox(to_worker), Frames(back))
            self._workers.append(worker)
            self._by_fd.update({to_worker: worker, back: worker})
            self._poll.register(back, select.POLLIN)
            ours += [to_worker, back]
        self._load = [0] * self.jobs

    def _send(self, worker: int, message: tuple[Any, ...]) -> None:
        outbox = self._workers[worker].outbox
        try:
            outbox.send(message)
        except OSError:
            self._gone(worker)
        if outbox.pending:  # the pipe is full: the rest goes as the worker reads
            self._poll.register(outbox.fd, select.POLLOUT)

    def _gone(self, worker: int) -> NoReturn:
        # A worker has gone: what it said last tells why (a bug it reported before it
        # stopped), or else it died.
        frames = self._workers[worker].frames
        os.set_blocking(frames.fd, True)
        while True:
            while frames.messages:
                if (message := frames.messages.popleft())[0] == "error":
                    raise message[2]
            if frames.ended:
                raise crashed()
            frames.read()

    def _receive(self) -> None:
        # Waits until something comes from a worker (writing to the workers what their pipes
        # take meanwhile): this process never waits on a full pipe, so a worker waiting to
        # send to it, or to read from it, is always served.
        while True:
            came = False
            for fd, _ in self._poll.poll():
                worker = self._by_fd[fd]
                if fd == worker.outbox.fd:
                    try:
                        worker.outbox.push()
                    except OSError:
                        self._gone(worker.slot)
                    if not worker.outbox.pending:
                        self._poll.unregister(fd)
                    continue
                frames = worker.frames
                frames.read()
                while frames.messages:  # one at a time: handling one may meet a worker gone
                    came = True
                    self._handle(frames.messages.popleft())
                if frames.ended:
                    raise crashed()  # it ended in the middle of the run, saying nothing
            if came:
                return

    def _handle(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
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


@dataclass
class _Worker:
    """A worker process and its pipes, seen from the main process."""

    slot: int
    process: BaseProcess
    outbox: Outbox
    frames: Frames


def _serve(slot: int, inbox_fd: int, outbox_fd: int, work: Callable[[Any, Any], Any],
           settings: Any, out_fd: int, inherited: list[int]) -> None:
    """A worker: evaluates the chunks it is given, keeps their rendered pieces, and writes
    those it is told to, between two cases. It stops when the main process closes its pipe."""
    for fd in inherited:  # the main process's ends: their ends of file must not wait on us
        os.close(fd)
    as_worker()  # Ctrl-C left to the main process, which closes the pipes
    os.set_blocking(inbox_fd, False)
    _here.slot = slot
    inbox = Frames(inbox_fd)
    queued: deque[tuple[Any, ...]] = deque()
    held: dict[int, list[bytes]] = {}

    def send(message: tuple[Any, ...]) -> None:
        write_all(outbox_fd, framed(message))

    def handle(message: tuple[Any, ...]) -> None:
        if message[0] == "eval":
            queued.append(message)
            return
        _, chunk, pieces = message
        kept = held.pop(chunk)
        for older in [c for c in held if c < chunk]:  # passed over: nothing to write
            del held[older]
        send(("written", slot, chunk, _write(out_fd, kept, pieces)))

    # Asked between every two cases: one system call.
    waiting = select.poll()
    waiting.register(inbox_fd, select.POLLIN)

    def serve_waiting(wait: bool) -> bool:
        # Handles what has come (waiting for it if ``wait``); False once the pipe is closed.
        timeout = None if wait else 0
        while waiting.poll(timeout):
            inbox.read()
            while inbox.messages:
                handle(inbox.messages.popleft())
            if inbox.ended:
                return False
            timeout = 0
        return True

    try:
        while True:
            if not serve_waiting(not queued):
                return
            if not queued:
                continue
            _, chunk, jobs = queued.popleft()
            _here.chunk, _here.pieces = chunk, []
            held[chunk] = _here.pieces
            results = []
            for job in jobs:
                results.append(work(settings, job))
                if not serve_waiting(False):
                    return
            send(("done", slot, chunk, results))
    except BrokenPipeError:  # the main process is gone
        return
    except Exception as exc:  # a bug: the main process raises it, as a pool would
        with contextlib.suppress(OSError):
            try:
                send(("error", slot, exc))
            except OSError:
                raise
            except Exception:  # the exception cannot be pickled: its text goes instead
                send(("error", slot, RuntimeError(repr(exc))))


def _write(out_fd: int, kept: Sequence[bytes], pieces: Sequence[tuple[int, bytes]],
           ) -> OSError | None:
    try:
        write_all(out_fd, b"".join(head + kept[index] for index, head in pieces))
    except OSError as exc:  # the main process raises it: a full disk, a reader gone
        return exc
    return None
