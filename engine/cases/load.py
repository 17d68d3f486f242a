"""Load case files (YAML, JSON or JSON Lines; files, folders or ``-``) into validated, located
cases, all at once (:func:`load_cases`) or one at a time (:func:`iter_cases`).

Nothing is lost in a batch: every invalid case becomes one :class:`Problem` per validation error,
located at ``file:line:col``, and every valid case is still returned. Case ids must be unique
across the whole batch. Streaming keeps only the ids seen (and where), never the cases.

A YAML or JSON file (or standard input) larger than the size cap is not refused: it is read
case by case (each item of a list, each document), each case capped in its turn, so a list of
any size loads in flat memory (:mod:`engine.base.yamlstream`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from engine.base import arguments
from engine.base.errors import (
    CaseFileError,
    EngineError,
    InputError,
    Problem,
    SourceSpan,
    found,
    quote,
)
from engine.base.sourcefile import (
    TextPieces,
)
from engine.base.yamlio import MAX_BYTES, Document, Loc, load_documents
from engine.cases._inputs import STDIN as STDIN
from engine.cases._inputs import SUFFIXES as SUFFIXES
from engine.cases._inputs import InputFormat as InputFormat
from engine.cases._inputs import sources
from engine.cases._lines import PendingLine as PendingLine
from engine.cases._lines import parse_line
from engine.cases.record import DEFAULT_ZONE, CaseRecord
from engine.cases.validation import problems_from

#: File suffixes collected from folders (a file named explicitly is read whatever its suffix).


@dataclass(frozen=True)
class LoadedCase:
    """A valid case, with where it came from.

    ``loc`` is the case's place in its document: ``()`` for a file holding one case, ``(i,)``
    for the i-th case of a list; :meth:`span_of` finds any of its fields in the file.
    """

    record: CaseRecord
    source: str
    index: int
    span: SourceSpan
    document: Document = field(repr=False, compare=False)
    loc: Loc = ()

    def span_of(self, *path: str | int, key: bool = False) -> SourceSpan:
        """The position of a field of this case, e.g. ``span_of("expect", "ihl", key=True)``."""
        return self.document.span((*self.loc, *path), key=key)

    def failed(self, exc: EngineError) -> list[Problem]:
        """The problems of an evaluation of this case that failed, named and located by it, so
        that one failing case does not sink a batch."""
        return [Problem(f"case {quote(self.record.id)}: {p.message}", p.span or self.span,
                        p.code, (*self.loc, *p.loc)) for p in exc.problems]


@dataclass(frozen=True)
class CaseBatch:
    """The valid cases of a batch, in input order, and every problem found."""

    cases: tuple[LoadedCase, ...] = ()
    errors: tuple[Problem, ...] = ()


def load_cases(
    paths: Sequence[str | Path], *, default_zone: tzinfo | None = None, stdin: TextIO | None = None,
    input_format: InputFormat = "auto", cap: int = MAX_BYTES,
) -> CaseBatch:
    """Load and validate every case in ``paths`` (all held at once; see :func:`iter_cases` to
    stream a caseload of any size).

    Args:
        paths: files, folders (searched recursively for ``*.yaml``, ``*.yml``, ``*.json``,
            ``*.jsonl``, in sorted order; files there that are the tool's own JSON outputs, by
            their shape, are skipped with a one-line note on standard error) or ``-`` for
            standard input. A file holds one case, a
            list of cases, or several YAML documents each holding either; a JSON Lines file one
            case per line.
        default_zone: the zone of local times in cases that name none (the rules' default
            offset). When given, ranges mixing local and offset ends are checked for inversion
            now; otherwise only ranges inverted in every zone are.
        stdin: the stream ``-`` reads (default :data:`sys.stdin`).
        input_format: see :data:`InputFormat`.
        cap: a YAML/JSON input of at most this many bytes is read whole; a larger one case
            by case (each item of a list, each document), each case at most this many
            characters. JSON Lines is read line by line whatever its size.

    Returns:
        The valid cases and the problems; reading never raises for bad input.

    Raises:
        TypeError: ``paths`` not a path or a list of paths (str or ``pathlib.Path``),
            ``default_zone`` not None or a ``tzinfo``, ``stdin`` not None or a text stream.
        UsageError: ``input_format`` not ``auto``, ``yaml`` or ``jsonl`` (code
            ``invalid_argument``).
    """
    _check_arguments(paths, default_zone, stdin, input_format, cap)
    cases: list[LoadedCase] = []
    errors: list[Problem] = []
    for item in iter_cases(paths, default_zone=default_zone, stdin=stdin,
                           input_format=input_format, cap=cap):
        if isinstance(item, Problem):
            errors.append(item)
        else:
            cases.append(item)
    return CaseBatch(tuple(cases), tuple(errors))


def iter_cases(
    paths: Sequence[str | Path], *, default_zone: tzinfo | None = None, stdin: TextIO | None = None,
    input_format: InputFormat = "auto", cap: int = MAX_BYTES,
) -> Iterator[LoadedCase | Problem]:
    """Load and validate the cases in ``paths`` one at a time, in input order.

    Each valid case is yielded as a :class:`LoadedCase` and each problem (unreadable file,
    malformed document, invalid field, duplicate id) as a located :class:`Problem`, as soon as
    it is found; nothing is kept but the ids already seen, so memory does not grow with the
    caseload. JSON Lines inputs are read line by line, with no cap but one per line; a YAML or
    JSON input over ``cap`` bytes case by case, with no cap but one per case.

    Args: as :func:`load_cases`.

    Raises:
        TypeError, UsageError: as :func:`load_cases`; being a generator, it checks its
            arguments when iteration starts.
    """
    _check_arguments(paths, default_zone, stdin, input_format, cap)
    for item in _inputs(paths, default_zone, stdin, input_format, cap, CaseIds()):
        assert not isinstance(item, PendingLine), "with ids, every line is parsed"
        yield item


def iter_case_inputs(
    paths: Sequence[str | Path], *, default_zone: tzinfo | None = None, stdin: TextIO | None = None,
    input_format: InputFormat = "auto", cap: int = MAX_BYTES,
) -> Iterator[LoadedCase | PendingLine | Problem]:
    """:func:`iter_cases` with each non-blank line of JSON Lines left unparsed, as a
    :class:`PendingLine`, for the process that evaluates it to read (:func:`load_line`); and,
    since the ids of those lines are not known yet, with no check of duplicate ids: the caller
    checks every case's id in input order with one :class:`CaseIds`.

    Raises:
        TypeError, UsageError: as :func:`iter_cases`.
    """
    _check_arguments(paths, default_zone, stdin, input_format, cap)
    yield from _inputs(paths, default_zone, stdin, input_format, cap, None)


def _inputs(paths: Sequence[str | Path], default_zone: tzinfo | None, stdin: TextIO | None,
            input_format: InputFormat, cap: int, ids: CaseIds | None,
            ) -> Iterator[LoadedCase | PendingLine | Problem]:
    """The cases, problems and (without ``ids``) pending lines of ``paths``, in order."""
    if isinstance(paths, str | Path):
        paths = [paths]  # one path, not a sequence of one-letter paths
    errors: list[Problem] = []
    for item in sources(paths, stdin if stdin is not None else sys.stdin, input_format, cap):
        if isinstance(item, Problem):
            yield item
            continue
        source, content = item
        if isinstance(content, str):
            try:
                documents = load_documents(content, source)
            except InputError as exc:
                yield from exc.problems
                continue
            yield from _cases(_items(documents, source, errors), source, errors, default_zone,
                              ids)
        elif isinstance(content, TextPieces):
            yield from _cases(_piece_items(content, source, errors, cap), source, errors,
                              default_zone, ids)
        elif ids is None:
            yield from _pending(content, source)
        else:
            yield from _cases(_line_items(content, source, errors), source, errors,
                              default_zone, ids)


def _pending(lines: Iterator[tuple[int, bytes]], source: str) -> Iterator[PendingLine | Problem]:
    try:
        for number, raw in lines:
            line = PendingLine(raw, number, source)
            if not line.blank():
                yield line
    except InputError as exc:
        yield from exc.problems


def load_line(line: PendingLine, default_zone: tzinfo | None) -> LoadedCase | list[Problem] | None:
    """A pending line parsed and validated as :func:`iter_cases` would (its ``index`` is the
    line's number less one): the case, its problems, or None for a blank line. Its id is not
    checked against other cases' (see :class:`CaseIds`)."""
    parsed = parse_line(line.raw, line.number, line.source)
    if parsed is None or isinstance(parsed, Problem):
        return parsed if parsed is None else [parsed]
    doc = parsed[1]
    errors: list[Problem] = []
    record = _validate(doc.data, doc, (), default_zone, errors)
    if record is None:
        return errors
    return LoadedCase(record, line.source, line.number - 1, doc.span(()), doc, ())


class CaseIds:
    """The case ids of a batch seen so far, each with where it first was: a case whose id was
    seen is a duplicate. Only the ids are kept, never the cases."""

    def __init__(self) -> None:
        self._first: dict[str, SourceSpan] = {}

    def first(self, case_id: str, span: SourceSpan) -> SourceSpan | None:
        """Where a case with ``case_id`` was first, if not at ``span`` (now noted as seen)."""
        first = self._first.setdefault(case_id, span)
        return None if first is span else first

    def duplicate(self, loaded: LoadedCase, first: SourceSpan | None = None) -> Problem | None:
        """The problem of ``loaded`` if its id was seen (``first``: where, if known already)."""
        first = first or self.first(loaded.record.id, loaded.span)
        if first is None:
            return None
        return Problem(f"duplicate case id {quote(loaded.record.id)} (first at {first})",
                       loaded.span_of("id"), "duplicate_case_id", (*loaded.loc, "id"))


def iter_documents(
    documents: list[Document], source: str, *, default_zone: tzinfo | None = None
) -> Iterator[LoadedCase | Problem]:
    """The cases of documents already parsed (by :func:`engine.base.yamlio.load_documents`),
    validated and located as :func:`iter_cases` does for a file's text: for a front end that
    tells a text that does not parse from cases that are invalid (the HTTP service)."""
    errors: list[Problem] = []
    yield from _cases(_items(documents, source, errors), source, errors, default_zone,
                      CaseIds())


def _cases(
    found_items: Iterator[tuple[Document, Loc, object]], source: str, errors: list[Problem],
    default_zone: tzinfo | None, ids: CaseIds | None,
) -> Iterator[LoadedCase | Problem]:
    """Validate the items of one input, in order, each problem in its place; a case whose id
    ``ids`` has seen is a duplicate (without ``ids``, not checked)."""
    for index, (doc, loc, data) in enumerate(found_items):
        yield from errors
        errors.clear()
        record = _validate(data, doc, loc, default_zone, errors)
        yield from errors
        errors.clear()
        if record is None:
            continue
        loaded = LoadedCase(record, source, index, doc.span(loc), doc, loc)
        duplicate = None if ids is None else ids.duplicate(loaded)
        yield loaded if duplicate is None else duplicate
    yield from errors
    errors.clear()


def _line_items(lines: Iterator[tuple[int, bytes]], source: str, errors: list[Problem]
                ) -> Iterator[tuple[Document, Loc, object]]:
    """The cases of JSON Lines: each line is one case (a line holding a list is refused, so
    that a case's index stays its line's)."""
    try:
        for number, raw in lines:
            line = parse_line(raw, number, source)
            if isinstance(line, Problem):
                errors.append(line)
            elif line is not None:
                yield line[1], (), line[1].data
    except InputError as exc:
        errors += exc.problems


def _piece_items(text: TextPieces, source: str, errors: list[Problem], cap: int
                 ) -> Iterator[tuple[Document, Loc, object]]:
    """The cases of a YAML/JSON text too large to hold, read case by case: the items
    :func:`_items` finds in the whole text, with the same positions and problems."""
    # Imported here: only a file over the size cap needs the event-by-event reader.
    from engine.base.yamlstream import stream_pieces

    count = 0
    try:
        with text:
            for doc, loc in stream_pieces(text, source, cap=cap):
                count += 1
                if loc:
                    yield doc, loc, doc.data
                else:
                    yield from _items([doc], source, errors)
    except InputError as exc:
        errors += exc.problems
    if not count and not errors:
        yield from _items([], source, errors)


def load_case_dict(
    data: Mapping[str, Any], source: str = "<dict>", *, default_zone: tzinfo | None = None
) -> CaseRecord:
    """Validate one case given as a mapping (for library users).

    Raises:
        CaseFileError: with every problem, each naming its field (no line numbers: a mapping
            has none); ``data`` not a mapping is one such problem (code ``not_a_case``).
        TypeError: ``source`` not a string, ``default_zone`` not None or a ``tzinfo``.
    """
    arguments.of_type("source", source, str, "a string")
    arguments.zone("default_zone", default_zone)
    errors: list[Problem] = []
    if not isinstance(data, Mapping):
        raise CaseFileError([Problem(f"expected a case (a mapping); found {found(data)}",
                                     code="not_a_case")])
    doc = Document(dict(data), source, values={(): SourceSpan(source)})
    record = _validate(doc.data, doc, (), default_zone, errors)
    if record is None:
        raise CaseFileError(errors)
    return record


def _check_arguments(paths: object, zone: object, stdin: object, input_format: object,
                     cap: object) -> None:
    arguments.paths("paths", paths)
    arguments.zone("default_zone", zone)
    if stdin is not None and not callable(getattr(stdin, "read", None)):
        raise TypeError(f"argument stdin: expected None or a text stream; found a value of type "
                        f"{type(stdin).__name__}")
    arguments.choice("input_format", input_format, ("auto", "yaml", "jsonl"))
    arguments.integer("cap", cap, 1)


def _items(
    documents: list[Document], source: str, errors: list[Problem]
) -> Iterator[tuple[Document, Loc, object]]:
    """Yield every case-shaped item: each document is a case or a list of cases."""
    if not documents:
        errors.append(
            Problem("no case in file: expected a case or a list of cases",
                    SourceSpan(source, 1, 1), "no_case")
        )
    for doc in documents:
        if isinstance(doc.data, list):
            for i, item in enumerate(doc.data):
                yield doc, (i,), item
        elif isinstance(doc.data, dict):
            yield doc, (), doc.data
        else:
            errors.append(
                Problem(
                    f"expected a case (a mapping) or a list of cases; found {found(doc.data)}",
                    doc.span(()), "not_a_case",
                )
            )


def _validate(
    item: object, doc: Document, loc: Loc, zone: tzinfo | None, errors: list[Problem]
) -> CaseRecord | None:
    if not isinstance(item, dict):
        errors.append(Problem(f"expected a case (a mapping); found {found(item)}", doc.span(loc),
                              "not_a_case", loc))
        return None
    try:
        return CaseRecord.model_validate(item, context={DEFAULT_ZONE: zone})
    except ValidationError as exc:
        errors += problems_from(exc, doc, CaseRecord, loc)
        return None
