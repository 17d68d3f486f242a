"""Where a batch's inputs come from: files, folders (walked, the tool's own outputs skipped
with a note) and standard input, each as its whole text, its text read as it goes (over the
cap) or its JSON Lines, or a located problem."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal, TextIO

from engine.base.errors import (
    InputError,
    Problem,
    SourceSpan,
)
from engine.base.sourcefile import (
    STDIN_NAME,
    TextPieces,
    check_path,
    decode,
    display_name,
    open_text,
    read_stream,
    scan_folder,
)
from engine.base.yamlio import MAX_BYTES
from engine.cases import _outputs
from engine.cases._lines import looks_like_jsonl, numbered_lines

#: File suffixes collected from folders (a file named explicitly is read whatever its suffix).
SUFFIXES = (".yaml", ".yml", ".json", ".jsonl")
STDIN = "-"
#: How inputs are read: ``auto`` (JSON Lines for ``*.jsonl`` files, and for standard input when
#: its first line is a whole JSON object; YAML/JSON otherwise), or one format for every input.
InputFormat = Literal["auto", "yaml", "jsonl"]
#: What the sources of a batch yield: a problem, a whole text, a text too large to be held
#: (read case by case), or the numbered lines of JSON Lines (unparsed).
_Source = Problem | tuple[str, str | TextPieces | Iterator[tuple[int, bytes]]]


def sources(paths: Sequence[str | Path], stdin: TextIO | None, input_format: InputFormat,
             cap: int) -> Iterator[_Source]:
    """Yield ``(source, text)`` for every YAML/JSON input, ``(source, lines)`` for every JSON
    Lines one, and a located problem for every input that cannot be read, in order."""
    seen: set[str] = set()
    for raw in paths:
        if str(raw) == STDIN:
            yield from _stdin(stdin, input_format, cap)
            continue
        path = Path(raw)
        if (bad_name := _bad_name(str(raw))) is not None:
            yield Problem(bad_name, SourceSpan(display_name(raw)), "bad_file_name")
            continue
        if path.is_dir():
            files, problems = scan_folder(path, SUFFIXES)
            yield from problems
            if not files and not problems:
                yield Problem("no case files (*.yaml, *.yml, *.json, *.jsonl) in this folder",
                              SourceSpan(display_name(path)), "no_case_files")
        else:
            files = [path]
        for file in files:
            # The same file named twice (a folder and one of its files) is read once; realpath,
            # unlike Path.resolve, does not raise on a link loop.
            real = os.path.realpath(file)
            if real in seen:
                continue
            seen.add(real)
            lines = input_format == "jsonl" or (
                input_format == "auto" and file.suffix.lower() == ".jsonl")
            try:
                if lines:
                    check_path(file, scanned=file is not path)
                    if file is not path and (kind := _outputs.lines_kind(file)):
                        _note(_outputs.skip_note(display_name(file), kind))
                        continue
                    yield display_name(file), _file_lines(file)
                else:
                    content = open_text(file, scanned=file is not path, cap=cap)
                    # A file found in a folder may be the tool's own output: skipped, with a
                    # note (one read case by case, over the cap, is not looked at as a whole).
                    if (file is not path and isinstance(content, str)
                            and (kind := _outputs.text_kind(content))):
                        _note(_outputs.skip_note(display_name(file), kind))
                        continue
                    yield display_name(file), content
            except InputError as exc:
                yield from exc.problems


def _note(text: str) -> None:
    """A note for the user: one line on standard error (not a problem: nothing is wrong)."""
    print(text, file=sys.stderr)


def _file_lines(file: Path) -> Iterator[tuple[int, bytes]]:
    source = display_name(file)
    try:
        stream = open(file, "rb")  # noqa: SIM115 - closed when the lines run out
    except OSError as exc:
        raise InputError([Problem(f"cannot read: {exc.strerror or exc}",
                                  SourceSpan(source), "unreadable_file")]) from None
    with stream:
        yield from numbered_lines(stream, source)


def _stdin(stdin: TextIO | None, input_format: InputFormat, cap: int) -> Iterator[_Source]:
    """Standard input: JSON Lines read line by line (asked for, or detected from its first
    line), otherwise its whole text if it is under the size cap, or case by case."""
    if input_format == "yaml" or stdin is None or stdin.closed:
        try:
            yield STDIN_NAME, read_stream(stdin)
        except InputError as exc:
            yield from exc.problems
        return
    stream: Any = getattr(stdin, "buffer", None) or stdin
    try:
        first = stream.readline(MAX_BYTES + 1)
    except OSError as exc:
        yield Problem(f"cannot read: {exc.strerror or exc}", SourceSpan(STDIN_NAME, 1, 1),
                      "unreadable_file")
        return
    head = first if isinstance(first, bytes) else first.encode("utf-8", "surrogatepass")
    if input_format == "jsonl" or looks_like_jsonl(head):
        yield STDIN_NAME, numbered_lines(stream, STDIN_NAME, head)
        return
    try:
        head += _read_rest(stream, cap + 1 - len(head))
        yield STDIN_NAME, (TextPieces(stream, STDIN_NAME, head) if len(head) > cap
                           else decode(head, STDIN_NAME))
    except InputError as exc:
        yield from exc.problems


def _read_rest(stream: Any, limit: int) -> bytes:
    try:
        rest = stream.read(max(limit, 1))
    except OSError as exc:
        raise InputError([Problem(f"cannot read: {exc.strerror or exc}",
                                  SourceSpan(STDIN_NAME, 1, 1), "unreadable_file")]) from None
    return rest if isinstance(rest, bytes) else rest.encode("utf-8", "surrogatepass")


def _bad_name(name: str) -> str | None:
    """Why no file can have this name, or None. Only a library caller (or an in-process runner)
    can pass such a name: the OS refuses a NUL in argv, and decodes other bytes so that they
    encode back."""
    if "\x00" in name:
        return "the file name holds a NUL character"
    try:
        os.fsencode(name)
    except UnicodeEncodeError:
        return "the file name holds characters no file name can (a lone surrogate)"
    return None


