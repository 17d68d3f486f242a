"""Read input files, folders and streams as text: byte-capped, UTF-8, every failure located.

The size of a file is never taken from ``stat``: pipes, ``/dev/zero`` and other special files
report 0, so every read stops after :data:`~engine.base.yamlio.MAX_BYTES` + 1 bytes whatever the
file claims. A larger file is not refused by :func:`open_text`: it is handed on as
:class:`TextPieces`, decoded as it is read, for a reader that takes it piece by piece.
Folder scans report (and skip) what they cannot read instead of passing over it in silence:
broken and looping links, and named pipes, which would block a scan forever.
"""

from __future__ import annotations

import errno
import os
import stat
from collections import deque
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from engine.base.errors import InputError, Problem, SourceSpan
from engine.base.yamlio import MAX_BYTES

STDIN_NAME = "<stdin>"
_BOM = b"\xef\xbb\xbf"
_KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def display_name(path: str | Path) -> str:
    """A file name as messages and outputs show it: always valid UTF-8 text.

    A name whose bytes are not UTF-8 (``caf\xe9.yaml`` from a Latin-1 system) reaches Python
    with lone surrogates that no output could encode; they are shown as ``\xe9`` escapes.
    """
    name = str(path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace") \
            if _escapable(name) else name.encode("utf-8", "backslashreplace").decode("utf-8")
    return name


def _escapable(name: str) -> bool:
    try:
        name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return False
    return True


def _too_large(source: str) -> InputError:
    return InputError([Problem(f"file too large: over {MAX_BYTES // (1024 * 1024)} MiB",
                               SourceSpan(source, 1, 1), "file_too_large")])


def decode(data: bytes, source: str) -> str:
    """UTF-8 bytes (a leading byte-order mark dropped) as text.

    Raises:
        InputError: bytes that are not UTF-8, located at the line and column of the first bad
            byte, or more than the size cap.
    """
    if len(data) > MAX_BYTES:
        raise _too_large(source)
    data = data.removeprefix(_BOM)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = exc.start
        line_start = data.rfind(b"\n", 0, start) + 1
        column = len(data[line_start:start].decode("utf-8", "replace")) + 1
        where = SourceSpan(source, data.count(b"\n", 0, start) + 1, column)
        raise InputError([Problem(f"not UTF-8 text (byte {start})", where, "not_utf8")]) from None


def _not_utf8(data: bytes, start: int, source: str, line: int, column: int,
              offset: int) -> InputError:
    """The error for the byte at ``start`` of ``data``, whose first byte is at ``line`` and
    ``column`` (0-based column) and ``offset`` bytes into the text."""
    line_start = data.rfind(b"\n", 0, start) + 1
    if line_start:
        column = 0
    column += len(data[line_start:start].decode("utf-8", "replace")) + 1
    where = SourceSpan(source, line + data.count(b"\n", 0, start), column)
    return InputError([Problem(f"not UTF-8 text (byte {offset + start})", where, "not_utf8")])


class TextPieces:
    """The text of a binary stream, decoded from UTF-8 as it is read, for a parser that reads
    it piece by piece (``read(size)``); any position read so far can still be located
    (:meth:`locate`: the last pieces are kept), and a byte that is not UTF-8 is an
    :class:`InputError` at its line and column, as :func:`decode` reports it."""

    def __init__(self, stream: IO[Any], source: str, head: bytes = b"") -> None:
        self.stream, self.source = stream, source
        self.pending = head.removeprefix(_BOM)
        self.started = bool(head)
        self.read_bytes = 0  # bytes decoded so far (after a byte-order mark)
        self.read_chars = 0  # characters returned so far
        self.line, self.column = 1, 0  # where the next character stands (column 0-based)
        # (first character's index, its line, its column, the text) of the last pieces read.
        self.recent: deque[tuple[int, int, int, str]] = deque(maxlen=4)
        self.eof = False

    def read(self, size: int = -1) -> str:
        """Up to about ``size`` characters (at least one unless the text has ended)."""
        while not self.eof:
            try:
                more = self.stream.read(max(size, 4096))
            except OSError as exc:
                raise InputError([Problem(f"cannot read: {exc.strerror or exc}",
                                          SourceSpan(self.source, self.line,
                                                     self.column + 1))]) from None
            if isinstance(more, str):
                more = more.encode("utf-8", "surrogatepass")
            if not self.started:
                more, self.started = more.removeprefix(_BOM), bool(more)
            data, self.eof = self.pending + more, not more
            text, self.pending = self._decode(data)
            if text:
                return self._returned(text)
        return ""

    def _decode(self, data: bytes) -> tuple[str, bytes]:
        try:
            return data.decode("utf-8"), b""
        except UnicodeDecodeError as exc:
            if exc.reason == "unexpected end of data" and not self.eof \
                    and len(data) - exc.start < 4:  # a character cut by the read: wait for it
                return data[:exc.start].decode("utf-8"), data[exc.start:]
            raise _not_utf8(data, exc.start, self.source, self.line, self.column,
                            self.read_bytes) from None

    def _returned(self, text: str) -> str:
        self.recent.append((self.read_chars, self.line, self.column, text))
        self.read_bytes += len(text.encode("utf-8", "surrogatepass"))
        self.read_chars += len(text)
        breaks = text.count("\n")
        self.line += breaks
        self.column = len(text) - text.rfind("\n") - 1 if breaks else self.column + len(text)
        return text

    def locate(self, index: int) -> tuple[int, int]:
        """The line and column (1-based) of the character at ``index`` of the text, among
        those read last (an earlier one is located at the start of the oldest kept)."""
        for start, line, column, text in reversed(self.recent):
            if index >= start:
                before = text[:index - start]
                breaks = before.count("\n")
                return line + breaks, (len(before) - before.rfind("\n") if breaks
                                       else column + len(before) + 1)
        return (self.recent[0][1], self.recent[0][2] + 1) if self.recent else (1, 1)

    def close(self) -> None:
        """Close the stream."""
        self.stream.close()

    def __enter__(self) -> TextPieces:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def open_text(path: Path, *, scanned: bool = False, cap: int = MAX_BYTES) -> str | TextPieces:
    """The text of the file at ``path`` if it holds at most ``cap`` bytes (as
    :func:`read_path`), otherwise the file open as :class:`TextPieces` (to be closed)."""
    source = display_name(path)
    check_path(path, scanned=scanned)
    try:
        stream = open(path, "rb")  # noqa: SIM115 - returned open, or closed below
    except OSError as exc:
        raise InputError([Problem(_stat_problem(exc, path), SourceSpan(source),
                                  "unreadable_file")]) from None
    except ValueError:  # a NUL in the name, or a lone surrogate: no file can have it
        raise InputError([Problem("the file name cannot name a file",
                                  SourceSpan(source), "bad_file_name")]) from None
    try:
        head = stream.read(cap + 1)
    except OSError as exc:
        stream.close()
        raise InputError([Problem(_stat_problem(exc, path), SourceSpan(source),
                                  "unreadable_file")]) from None
    if len(head) > cap:
        return TextPieces(stream, source, head)
    stream.close()
    return decode(head, source)


def _kind(mode: int) -> str | None:
    """What a non-regular file is, for a message; None for a regular file or a folder."""
    return next((name for test, name in _KINDS if test(mode)), None)


def _stat_problem(exc: OSError, path: Path) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop: the link leads back to itself"
    if isinstance(exc, FileNotFoundError):
        return "broken symbolic link: its target does not exist" if path.is_symlink() \
            else "no such file or folder"
    return f"cannot read: {exc.strerror or exc}"


def check_path(path: Path, *, scanned: bool = False) -> None:
    """Check that ``path`` names a file that may be read (see :func:`read_path`).

    Raises:
        InputError: located: missing, a broken or looping link, a folder, or not a regular file
            found by a folder scan.
    """
    where = SourceSpan(display_name(path))
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise InputError([Problem(_stat_problem(exc, path), where, "unreadable_file")]) from None
    except ValueError:  # a NUL in the name, or a lone surrogate: no file can have it
        raise InputError([Problem("the file name cannot name a file", where,
                                   "bad_file_name")]) from None
    if stat.S_ISDIR(mode):
        raise InputError([Problem("is a folder, not a file", where, "not_a_file")])
    kind = _kind(mode)
    if scanned and kind is not None:
        raise InputError([Problem(f"not a regular file ({kind}): skipped", where,
                                   "not_a_file")])


def read_path(path: Path, *, scanned: bool = False) -> str:
    """The text of the file at ``path``, read with a byte cap.

    Args:
        path: the file. Named explicitly (``scanned`` false), any readable file is read, pipes
            and devices included (``<(cmd)`` names a pipe); found by a folder scan, only regular
            files are, since a named pipe would block the scan.

    Raises:
        InputError: located: missing, a broken or looping link, not a regular file (scanned),
            unreadable, larger than the cap, or not UTF-8.
    """
    source = display_name(path)
    where = SourceSpan(source)
    check_path(path, scanned=scanned)
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError([Problem(_stat_problem(exc, path), where, "unreadable_file")]) from None
    except ValueError:  # a NUL in the name, or a lone surrogate: no file can have it
        raise InputError([Problem("the file name cannot name a file", where,
                                   "bad_file_name")]) from None
    return decode(data, source)


def read_stream(stream: IO[Any] | None, source: str = STDIN_NAME) -> str:
    """The text of a stream (standard input), read with a byte cap.

    A closed standard input (``<&-``) is a located problem, as is any read error.
    """
    where = SourceSpan(source, 1, 1)
    if stream is None or stream.closed:
        raise InputError([Problem("standard input is closed: nothing to read", where,
                                   "unreadable_file")])
    try:
        raw = getattr(stream, "buffer", None)
        if raw is not None:  # a real stdin: its bytes, so their decoding is ours to locate
            return decode(raw.read(MAX_BYTES + 1), source)
        text = stream.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError([Problem(f"cannot read: {exc.strerror or exc}", where,
                                   "unreadable_file")]) from None
    if isinstance(text, bytes):
        return decode(text, source)
    if len(text) > MAX_BYTES:
        raise _too_large(source)
    return str(text)


def scan_folder(folder: Path, suffixes: Iterable[str], *,
                recursive: bool = True) -> tuple[list[Path], list[Problem]]:
    """The regular files under ``folder`` whose suffix is in ``suffixes``, sorted, and a
    located problem for each matching name that is not one (broken or looping link, pipe,
    device). Links to folders are not followed; the walk uses no recursion, so a deep tree
    cannot exhaust the stack.
    """
    wanted = {s.lower() for s in suffixes}
    files: list[Path] = []
    problems: list[Problem] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError as exc:
            problems.append(Problem(f"cannot read folder: {exc.strerror or exc}",
                                    SourceSpan(display_name(current)), "unreadable_file"))
            continue
        for entry in entries:
            path = Path(entry.path)
            if recursive and entry.is_dir(follow_symlinks=False):
                pending.append(path)
                continue
            if path.suffix.lower() not in wanted:
                continue
            try:
                mode = os.stat(path).st_mode
            except OSError as exc:
                problems.append(Problem(_stat_problem(exc, path) + ": skipped",
                                        SourceSpan(display_name(path)), "unreadable_file"))
                continue
            kind = _kind(mode)
            if kind is not None:
                problems.append(Problem(f"not a regular file ({kind}): skipped",
                                        SourceSpan(display_name(path)), "not_a_file"))
            elif stat.S_ISREG(mode):
                files.append(path)
    return sorted(files), sorted(problems, key=lambda p: str(p.span))
