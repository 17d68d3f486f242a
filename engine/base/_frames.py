"""Messages between two processes over pipes, by a side that must never wait on a full pipe.

Each message is pickled and sent after its length. :class:`Outbox` writes what a pipe takes
now and keeps the rest for when the pipe has room; :class:`Frames` reads what a pipe holds now
and keeps a message that has not all come yet. The main process of :mod:`.relay` uses both
(with ``poll``), so a worker waiting to write to it or to be read by it is always served; a
worker, which may wait, writes with :func:`write_all`.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import struct
from collections import deque
from typing import Any

# The messages between the main process and a worker: pickled, each after its length.
_LENGTH = struct.Struct("<Q")
#: Bytes a pipe between them holds (Linux allows an unprivileged process 1 MiB): a chunk's
#: lines fit, so that neither side waits for the other to read.
_PIPE_SIZE = 1 << 20
#: Bytes asked for by a read: more than most messages, small enough that a read does not
#: allocate (and fault in) a large buffer each time.
_READ = 1 << 16


def pipe() -> tuple[int, int]:
    """A pipe (reader, writer), made to hold :data:`_PIPE_SIZE` bytes where the system allows."""
    reader, writer = os.pipe()
    with contextlib.suppress(OSError, AttributeError):  # too large for this user: as it is
        fcntl.fcntl(writer, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
    return reader, writer


def framed(message: tuple[Any, ...]) -> bytes:
    """``message`` as sent: its pickle after its length."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(data)) + data


class Frames:
    """The messages that come through a pipe, read without waiting (a message may come in
    several reads), in ``messages`` until taken."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.ended = False
        self.messages: deque[tuple[Any, ...]] = deque()
        self._buffer = bytearray()

    def read(self) -> None:
        """Add to ``messages`` those completed by what the pipe holds now (``ended`` is set
        when the other side has closed it)."""
        try:
            data = os.read(self.fd, _READ)
        except BlockingIOError:
            return
        if not data:
            self.ended = True
            return
        buffer = self._buffer
        buffer += data
        while len(buffer) >= _LENGTH.size:
            end = _LENGTH.size + _LENGTH.unpack_from(buffer)[0]
            if len(buffer) < end:
                break
            with memoryview(buffer) as view:
                self.messages.append(pickle.loads(view[_LENGTH.size:end]))
            del buffer[:end]


class Outbox:
    """Messages to the other side, written as far as the pipe takes them without waiting."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.pending = bytearray()

    def send(self, message: tuple[Any, ...]) -> None:
        """Queue ``message`` and write what the pipe takes."""
        self.pending += framed(message)
        self.push()

    def push(self) -> None:
        """Write what the pipe takes of the queued bytes (OSError: the reader has gone)."""
        while self.pending:
            try:
                written = os.write(self.fd, self.pending)
            except BlockingIOError:
                return
            del self.pending[:written]


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` to ``fd``, waiting as long as it takes."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
