"""Input read line by line for JSON Lines: one case per line, each line byte-capped.

A JSON Lines caseload has no size limit: only each line is capped (at
:data:`~engine.base.yamlio.MAX_BYTES`), so memory stays flat whatever the caseload, and a
hostile endless line is refused at its own line and column. Positions found in a line (parsed
on its own, at line 1) are moved to the line's place in the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from engine.base.errors import InputError, Problem, SourceSpan
from engine.base.sourcefile import decode
from engine.base.yamlio import MAX_BYTES, Document, load_documents

#: What a JSON Lines reader yields: a line's number and its document, or a located problem.
Line = tuple[int, Document] | Problem


def shift_span(span: SourceSpan | None, lines: int) -> SourceSpan | None:
    """``span`` moved down by ``lines`` lines (a span with no line stays as it is)."""
    if span is None or span.line is None or not lines:
        return span
    return SourceSpan(span.source, span.line + lines, span.column)


def _shift_doc(doc: Document, lines: int) -> Document:
    if not lines:
        return doc
    return Document(doc.data, doc.source,
                    {k: SourceSpan(v.source, (v.line or 1) + lines, v.column)
                     for k, v in doc.values.items()},
                    {k: SourceSpan(v.source, (v.line or 1) + lines, v.column)
                     for k, v in doc.keys.items()})


def parse_line(raw: bytes, number: int, source: str) -> Line | None:
    """One line of JSON Lines as a located document, a located problem, or None if blank."""
    where = SourceSpan(source, number, 1)
    if len(raw.rstrip(b"\r\n")) > MAX_BYTES:
        return Problem(f"line too long: over {MAX_BYTES // (1024 * 1024)} MiB", where)
    try:
        text = decode(raw, source)
    except InputError as exc:
        return Problem(exc.problems[0].message,
                       shift_span(exc.problems[0].span, number - 1) or where)
    if not text.strip():
        return None
    try:
        # json first: JSON Lines is JSON, and YAML would also take `{id: x}` or `- x`.
        json.loads(text)
    except json.JSONDecodeError as exc:
        return Problem(f"not a JSON value (JSON Lines: one case per line): {exc.msg}",
                       SourceSpan(source, number, exc.colno))
    except RecursionError:
        return Problem("nested too deeply", where)
    try:
        docs = load_documents(text, source)
    except InputError as exc:
        return Problem(exc.problems[0].message,
                       shift_span(exc.problems[0].span, number - 1) or where)
    return number, _shift_doc(docs[0], number - 1)


def _raw_lines(stream: IO[Any], first: bytes | None = None) -> Iterator[bytes]:
    """Lines of a binary or text stream as bytes, each read with a cap (the rest of an
    over-long line is skipped, so that it cannot fill memory)."""
    if first is not None:
        yield first
    while True:
        chunk = stream.readline(MAX_BYTES + 1)
        if not chunk:
            return
        raw = chunk if isinstance(chunk, bytes) else chunk.encode("utf-8", "surrogatepass")
        if len(raw) > MAX_BYTES and not raw.endswith(b"\n"):
            while (rest := stream.readline(MAX_BYTES + 1)) and not rest.endswith(
                    b"\n" if isinstance(rest, bytes) else "\n"):
                pass
        yield raw


def read_lines(stream: IO[Any], source: str, first: bytes | None = None) -> Iterator[Line]:
    """Every non-blank line of a JSON Lines stream, parsed and located, in order.

    Raises:
        InputError: the stream cannot be read (located at the line reached).
    """
    number = 0
    lines = _raw_lines(stream, first)
    while True:
        try:
            raw = next(lines)
        except StopIteration:
            return
        except OSError as exc:
            raise InputError([Problem(f"cannot read: {exc.strerror or exc}",
                                      SourceSpan(source, number + 1, 1))]) from None
        number += 1
        line = parse_line(raw, number, source)
        if line is not None:
            yield line


def looks_like_jsonl(first: bytes) -> bool:
    """Whether a stream whose first line is ``first`` is JSON Lines: that line is a whole JSON
    object on its own (a pretty-printed JSON file or a YAML file starts otherwise; a one-line
    JSON file holding one case reads the same either way)."""
    try:
        return isinstance(json.loads(first.removeprefix(b"\xef\xbb\xbf")), dict)
    except (ValueError, RecursionError):
        return False
