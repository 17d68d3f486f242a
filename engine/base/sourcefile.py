"""Read input files, folders and streams as text: byte-capped, UTF-8, every failure located.

The size of a file is never taken from ``stat``: pipes, ``/dev/zero`` and other special files
report 0, so every read stops after :data:`~engine.base.yamlio.MAX_BYTES` + 1 bytes whatever the
file claims. Folder scans report (and skip) what they cannot read instead of passing over it in
silence: broken and looping links, and named pipes, which would block a scan forever.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path
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
