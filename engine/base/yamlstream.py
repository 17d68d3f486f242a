"""A YAML or JSON file of any size read piece by piece: each case of a list, each document.

:func:`~engine.base.yamlio.load_documents` takes a whole text under a size cap. A larger file
(a list of tens of thousands of cases) is read here from a stream instead: the parser runs
over the text as it is read, and each item of a top-level list (each document that is not a
list) is composed, built and handed on before the next one is read, so memory holds one case
at a time whatever the file's size. The cap is per piece (:data:`~engine.base.yamlio.MAX_BYTES`
of text each), against hostile input, not on the caseload; a piece over it is refused at its
start without being read whole. Data, positions (``file:line:column`` of the whole file), the
per-document limits and the messages are those of the pure-Python loader, which reads here
(libyaml cannot hand over one item at a time).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from engine.base.errors import InputError, Problem, SourceSpan
from engine.base.sourcefile import TextPieces
from engine.base.yamlio import (
    MAX_BYTES,
    Document,
    Loc,
    _Builder,
    _Loader,
    _span,
    yaml_problem,
)

#: What :func:`stream_pieces` yields: a document holding one case-sized piece, and where that
#: piece stands in its document (``(i,)`` for the i-th item of a list, ``()`` for a whole one).
Piece = tuple[Document, Loc]
#: Characters the parser may have read ahead of the piece it composes.
_SLACK = 4 * 4096


class _TooLarge(Exception):
    """Raised through the parser when a piece has read past its cap."""


@dataclass
class _Guard:
    """Refuses to read more than ``cap`` characters past the start of the current piece (plus
    the parser's look-ahead), so that one endless value cannot fill memory."""

    text: TextPieces
    cap: int
    limit: int = 0

    def read(self, size: int = -1) -> str:
        if self.text.read_chars > self.limit:
            raise _TooLarge
        return self.text.read(size)


class _StreamLoader(_Loader):
    """The pure loader over a stream, with the size of each piece checked as it is composed."""

    def __init__(self, guard: _Guard, source: str) -> None:
        super().__init__(guard, source)  # type: ignore[arg-type]  # a stream, read as it goes
        self.guard = guard
        self.piece_start = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        """Compose one node, refusing a piece longer than the cap."""
        if self.peek_event().start_mark.index - self.piece_start > self.guard.cap:  # type: ignore[no-untyped-call]
            raise _TooLarge
        return super().compose_node(parent, index)


def stream_pieces(text: TextPieces, source: str, *, cap: int = MAX_BYTES) -> Iterator[Piece]:
    """Every case-sized piece of a YAML/JSON stream, in order, each with its positions.

    Each document that is a list gives one piece per item (its positions keyed by ``(i, ...)``,
    as in the whole document); any other document is one piece.

    Raises:
        InputError: located, as :func:`~engine.base.yamlio.load_documents` would report it (the
            pieces before it have been yielded), or a piece of more than ``cap`` characters
            (at its start).
    """
    start = SourceSpan(source, 1, 1)
    loader: _StreamLoader | None = None
    try:
        loader = _StreamLoader(_Guard(text, cap, _SLACK + cap), source)
        loader.get_event()  # type: ignore[no-untyped-call]  # the stream's start
        while not loader.check_event(yaml.StreamEndEvent):
            loader.get_event()  # type: ignore[no-untyped-call]  # the document's start
            event = loader.peek_event()  # type: ignore[no-untyped-call]
            if isinstance(event, yaml.SequenceStartEvent) and event.anchor is None:
                loader.get_event()  # type: ignore[no-untyped-call]
                root = _span(source, event)
                index = 0
                while not loader.check_event(yaml.SequenceEndEvent):
                    start = _span(source, loader.peek_event())  # type: ignore[no-untyped-call]
                    yield _piece(loader, source, (index,), root), (index,)
                    index += 1
                loader.get_event()  # type: ignore[no-untyped-call]
            else:
                start = _span(source, event)
                yield _piece(loader, source, (), None), ()
            loader.get_event()  # type: ignore[no-untyped-call]  # the document's end
            loader.anchors = {}
    except _TooLarge:
        raise InputError([Problem(
            f"case too large: over {cap:,} characters (a large list file is read case by case, each"
            " case capped)", start, "case_too_large")]) from None
    except yaml.YAMLError as exc:
        raise InputError([yaml_problem(exc, source, text.locate)]) from None
    finally:
        if loader is not None:
            loader.dispose()


def _piece(loader: _StreamLoader, source: str, loc: Loc, root: SourceSpan | None) -> Document:
    """The next node of ``loader``, composed and built at ``loc`` of its document, at the depth
    it has there (so that the nesting limit is the whole document's)."""
    guard = loader.guard
    loader.piece_start = loader.peek_event().start_mark.index  # type: ignore[no-untyped-call]
    guard.limit = guard.text.read_chars + guard.cap + _SLACK
    loader.depth = len(loc)
    node = loader.compose_node(None, None)
    assert node is not None
    if node.end_mark.index - loader.piece_start > guard.cap:
        raise _TooLarge
    builder = _Builder(loader, source)
    builder.depth = len(loc)
    data = builder.build(node, loc)
    loader.constructed_objects = {}  # the constructor's memo of this piece's scalars
    values = builder.values if root is None else {(): root, **builder.values}
    return Document(data, source, values, builder.keys)
