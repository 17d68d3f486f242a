"""Standard output for the command line: every failure to write is an :class:`OutputError`.

A full disk (``> /dev/full``) or an output encoding that cannot hold the text (a non-UTF-8
``PYTHONIOENCODING``) is reported as a clear I/O error with exit 2, never a traceback; a reader
that leaves early (``| head -1``) is not an error at all.
"""

from __future__ import annotations

import codecs
import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO, TextIO, cast

from engine.base.errors import OutputError, quote


def write_out(text: str, *, nl: bool = True) -> None:
    """Write ``text`` (and a newline) to standard output and flush it.

    Raises:
        OutputError: the text could not be written or encoded.
        BrokenPipeError: the reader has gone; the caller ends quietly.
    """
    stream = sys.stdout
    if stream is None:  # standard output closed (`>&-`): there is nowhere to write
        return
    try:
        stream.write(text + "\n" if nl else text)
        stream.flush()
    except UnicodeEncodeError as exc:
        bad = quote(exc.object[exc.start:exc.end])
        raise OutputError(f"cannot write the output: its encoding '{exc.encoding}' cannot hold"
                          f" {bad}; set PYTHONIOENCODING=utf-8") from None
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot write the output: {exc.strerror or exc}") from None


def write_out_bytes(data: bytes) -> None:
    """Write UTF-8 ``data`` to standard output and flush it: straight to its byte stream when
    the output is UTF-8 with plain newlines (no encoding again), else as text by
    :func:`write_out`, which checks the encoding.

    Raises:
        OutputError, BrokenPipeError: as :func:`write_out`.
    """
    stream = sys.stdout
    if stream is None:
        return
    buffer = _direct(stream)
    if buffer is None:
        write_out(data.decode("utf-8"), nl=False)
        return
    with _reported():
        stream.flush()  # text written before stays before
        buffer.write(data)
        buffer.flush()


def _direct(stream: TextIO) -> BinaryIO | None:
    # Only a real text stream's bytes: a proxy (the progress bar's, which keeps the bar below
    # what is written) hands out the stream it wraps, and writing there would bypass it. And
    # only UTF-8 with plain newlines, which the bytes already are.
    if (not isinstance(stream, io.TextIOWrapper) or os.linesep != "\n"
            or not _utf8(stream.encoding)):
        return None
    return cast(BinaryIO, stream.buffer)


@contextmanager
def _reported() -> Iterator[None]:
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot write the output: {exc.strerror or exc}") from None


def stdout_fd() -> int:
    """The descriptor that :func:`write_out_bytes` writes to directly, or -1 where it does not
    (no standard output, a stream that is not a plain UTF-8 text file, other line endings):
    where another process may write the same bytes itself."""
    buffer = None if sys.stdout is None else _direct(sys.stdout)
    try:
        return -1 if buffer is None else buffer.fileno()
    except (OSError, ValueError):  # io.UnsupportedOperation is both
        return -1


def flush_stdout() -> None:
    """Flush standard output (text and bytes), before another process writes to it.

    Raises:
        OutputError, BrokenPipeError: as :func:`write_out`.
    """
    if sys.stdout is not None:
        with _reported():
            sys.stdout.flush()


def _utf8(encoding: str | None) -> bool:
    try:
        return encoding is not None and codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def silence_stdout() -> None:
    """Point standard output at the null device, so that text still buffered for it does not
    fail again, with a traceback, when the interpreter flushes it at exit."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (a test runner's capture): nothing will be flushed at exit
