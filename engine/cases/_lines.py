"""Input read line by line for JSON Lines: one case per line, each line byte-capped.

A JSON Lines caseload has no size limit: only each line is capped (at
:data:`~engine.base.yamlio.MAX_BYTES`), so memory stays flat whatever the caseload, and a
hostile endless line is refused at its own line and column. Positions found in a line (parsed
on its own, at line 1) are moved to the line's place in the file.

A line of plain JSON is read by :func:`json.loads` (microseconds, against milliseconds for the
YAML loader with positions), and its positions are found by the YAML loader only when they are
asked for (a problem to locate): the same data, positions and messages, paid for only where
needed. Anything the two loaders could read differently (a float YAML 1.1 reads otherwise, a
``\\u`` escape, a duplicate key, a refused character, a tab, a document past the loader's
limits) takes the YAML loader at once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from engine.base.errors import InputError, Problem, SourceSpan
from engine.base.sourcefile import decode
from engine.base.yamlio import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    MAX_NUMBER_CHARS,
    Document,
    Loc,
    load_documents,
    refused_character,
)

#: A JSON Lines line parsed: its number and its document, or a located problem.
Line = tuple[int, Document] | Problem


@dataclass(frozen=True)
class PendingLine:
    """A line of JSON Lines not parsed yet: parsed and validated where it is evaluated (a worker
    process), so that reading a caseload costs the reading process almost nothing. See
    :func:`engine.cases.load.load_line`."""

    raw: bytes
    number: int
    source: str

    def blank(self) -> bool:
        """Whether the line is blank in ASCII whitespace (skipped unread; a line blank in other
        whitespace is found so when parsed)."""
        return not self.raw or self.raw.isspace()  # (strip() would copy the line)


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
        return Problem(f"line too long: over {MAX_BYTES // (1024 * 1024)} MiB", where,
                       "line_too_long")
    try:
        text = decode(raw, source)
    except InputError as exc:
        return Problem(exc.problems[0].message,
                       shift_span(exc.problems[0].span, number - 1) or where,
                       exc.problems[0].code)
    if not text.strip():
        return None
    try:
        # json first: JSON Lines is JSON, and YAML would also take `{id: x}` or `- x`.
        data = json.loads(text, object_pairs_hook=_pairs, parse_float=_float,
                          parse_int=_int)
    except json.JSONDecodeError as exc:
        return Problem(f"not a JSON value (JSON Lines: one case per line): {exc.msg}",
                       SourceSpan(source, number, exc.colno), "malformed_json_line")
    except (ValueError, RecursionError):  # an endless number, a deep nesting: YAML says where
        data = _DIFFERENT
    except _Differs:
        data = _DIFFERENT
    plain = "\\u" not in text and "\t" not in text
    if plain and data is not _DIFFERENT and _plain_text(text, data):
        column = len(text) - len(text.lstrip()) + 1
        return number, _LazyDocument(data, source, {(): SourceSpan(source, number, column)},
                                     text=text, shift=number - 1)
    try:
        docs = load_documents(text, source)
    except InputError as exc:
        return Problem(exc.problems[0].message,
                       shift_span(exc.problems[0].span, number - 1) or where,
                       exc.problems[0].code)
    return number, _shift_doc(docs[0], number - 1)


class _Different:
    """Marks JSON that the YAML loader could read otherwise (or refuse)."""


_DIFFERENT = _Different()


class _Differs(Exception):  # a signal out of json.loads, not an error
    """Raised inside :func:`json.loads` at JSON that the YAML loader could read otherwise."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs) or "<<" in out:
        raise _Differs  # a duplicate key or a merge key: the YAML loader's messages
    return out


# A JSON float that the YAML loader reads as the same float (YAML 1.1 wants a point, and a sign
# on an exponent: it reads ``1e5`` or ``1.0e5`` as a string).
_SAME_FLOAT = re.compile(r"-?[0-9]+\.[0-9]+(?:[eE][-+][0-9]+)?")


def _float(text: str) -> float:
    if len(text) >= MAX_NUMBER_CHARS or not _SAME_FLOAT.fullmatch(text):
        raise _Differs  # the YAML loader reads it otherwise, or refuses it: its reading
    return float(text)


def _int(text: str) -> int:
    if len(text.lstrip("-")) >= MAX_NUMBER_CHARS:
        raise _Differs  # over the YAML loader's limit: its message
    return int(text)


def _plain_text(text: str, data: Any) -> bool:
    """:func:`_plain` of ``data`` read from ``text`` (floats, long numbers and duplicate keys
    already sent to the YAML loader), at the cost of one search of the text where it can be
    told from the text alone: with no backslash, every character of every string is in the
    text as it is; no more values than characters, no deeper than its brackets."""
    if "\\" in text or len(text) > MAX_NODES or text.count("[") + text.count("{") > MAX_DEPTH:
        return _plain(data, 0, [0])
    return refused_character(text) is None


def _plain(value: Any, depth: int, count: list[int]) -> bool:
    """Whether ``value`` (read by json.loads with this module's hooks: every float and number
    in it is one the YAML loader reads the same) is JSON that the YAML loader reads the same and
    accepts: no refused character, within its limits on values and depth."""
    count[0] += 1
    if count[0] > MAX_NODES or depth > MAX_DEPTH:
        return False
    if isinstance(value, dict):
        return all(refused_character(k) is None and _plain(v, depth + 1, count)
                   for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v, depth + 1, count) for v in value)
    if isinstance(value, str):
        return refused_character(value) is None
    # A number here is one the YAML loader reads the same (see _float and _int).
    return isinstance(value, bool | int | float) or value is None


@dataclass(frozen=True)
class _LazyDocument(Document):
    """A document read by :func:`json.loads`: where it starts is known; the position of
    anything inside it is found by the YAML loader the first time one is asked for."""

    text: str = ""
    shift: int = 0
    full: list[Document] = field(default_factory=list, compare=False, repr=False)

    def span(self, loc: Loc, *, key: bool = False) -> SourceSpan:
        """As :meth:`Document.span`, the YAML loader run once on the line if needed."""
        if not loc and not key:
            return self.values[()]
        if not self.full:
            self.full.append(_shift_doc(load_documents(self.text, self.source)[0], self.shift))
        return self.full[0].span(loc, key=key)


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


def numbered_lines(stream: IO[Any], source: str, first: bytes | None = None
                   ) -> Iterator[tuple[int, bytes]]:
    """Every line of a JSON Lines stream with its number, as bytes, unparsed (each capped; see
    :func:`parse_line`, which may run in another process).

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
                                      SourceSpan(source, number + 1, 1),
                                      "unreadable_file")]) from None
        number += 1
        yield number, raw


def looks_like_jsonl(first: bytes) -> bool:
    """Whether a stream whose first line is ``first`` is JSON Lines: that line is a whole JSON
    object on its own (a pretty-printed JSON file or a YAML file starts otherwise; a one-line
    JSON file holding one case reads the same either way)."""
    try:
        return isinstance(json.loads(first.removeprefix(b"\xef\xbb\xbf")), dict)
    except (ValueError, RecursionError):
        return False
