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

import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import Any, Literal, TextIO

from pydantic import ValidationError

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
    STDIN_NAME,
    TextPieces,
    check_path,
    decode,
    display_name,
    open_text,
    read_stream,
    scan_folder,
)
from engine.base.yamlio import MAX_BYTES, Document, Loc, load_documents
from engine.base.yamlstream import stream_pieces
from engine.cases._lines import Line, looks_like_jsonl, read_lines
from engine.cases.record import DEFAULT_ZONE, CaseRecord
from engine.cases.validation import problems_from

#: File suffixes collected from folders (a file named explicitly is read whatever its suffix).
SUFFIXES = (".yaml", ".yml", ".json", ".jsonl")
STDIN = "-"
#: How inputs are read: ``auto`` (JSON Lines for ``*.jsonl`` files, and for standard input when
#: its first line is a whole JSON object; YAML/JSON otherwise), or one format for every input.
InputFormat = Literal["auto", "yaml", "jsonl"]
#: What the sources of a batch yield: a problem, a whole text, a text too large to be held
#: (read case by case), or the parsed lines of JSON Lines.
_Source = Problem | tuple[str, str | TextPieces | Iterator[Line]]


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
        return [Problem(f"case {quote(self.record.id)}: {p.message}", p.span or self.span)
                for p in exc.problems]


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
            ``*.jsonl``, in sorted order) or ``-`` for standard input. A file holds one case, a
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
    """
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
    """
    if isinstance(paths, str | Path):
        paths = [paths]  # one path, not a sequence of one-letter paths
    first_at: dict[str, SourceSpan] = {}
    errors: list[Problem] = []
    for item in _sources(paths, stdin if stdin is not None else sys.stdin, input_format, cap):
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
            found_items = _items(documents, source, errors)
        elif isinstance(content, TextPieces):
            found_items = _piece_items(content, source, errors, cap)
        else:
            found_items = _line_items(content, errors)
        for index, (doc, loc, data) in enumerate(found_items):
            yield from errors
            errors.clear()
            record = _validate(data, doc, loc, default_zone, errors)
            yield from errors
            errors.clear()
            if record is None:
                continue
            loaded = LoadedCase(record, source, index, doc.span(loc), doc, loc)
            first = first_at.setdefault(record.id, loaded.span)
            if first is loaded.span:
                yield loaded
            else:
                yield Problem(f"duplicate case id {quote(record.id)} (first at {first})",
                              loaded.span_of("id"))
        yield from errors
        errors.clear()


def _line_items(lines: Iterator[Line], errors: list[Problem]
                ) -> Iterator[tuple[Document, Loc, object]]:
    """The cases of JSON Lines: each line is one case (a line holding a list is refused, so
    that a case's index stays its line's)."""
    try:
        for line in lines:
            if isinstance(line, Problem):
                errors.append(line)
            else:
                yield line[1], (), line[1].data
    except InputError as exc:
        errors += exc.problems


def _piece_items(text: TextPieces, source: str, errors: list[Problem], cap: int
                 ) -> Iterator[tuple[Document, Loc, object]]:
    """The cases of a YAML/JSON text too large to hold, read case by case: the items
    :func:`_items` finds in the whole text, with the same positions and problems."""
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
            has none).
    """
    errors: list[Problem] = []
    if not isinstance(data, Mapping):
        raise CaseFileError([Problem(f"expected a case (a mapping); found {found(data)}")])
    doc = Document(dict(data), source, values={(): SourceSpan(source)})
    record = _validate(doc.data, doc, (), default_zone, errors)
    if record is None:
        raise CaseFileError(errors)
    return record


def _sources(paths: Sequence[str | Path], stdin: TextIO | None, input_format: InputFormat,
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
            yield Problem(bad_name, SourceSpan(display_name(raw)))
            continue
        if path.is_dir():
            files, problems = scan_folder(path, SUFFIXES)
            yield from problems
            if not files and not problems:
                yield Problem("no case files (*.yaml, *.yml, *.json, *.jsonl) in this folder",
                              SourceSpan(display_name(path)))
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
                    yield display_name(file), _file_lines(file)
                else:
                    yield display_name(file), open_text(file, scanned=file is not path, cap=cap)
            except InputError as exc:
                yield from exc.problems


def _file_lines(file: Path) -> Iterator[Line]:
    source = display_name(file)
    try:
        stream = open(file, "rb")  # noqa: SIM115 - closed when the lines run out
    except OSError as exc:
        raise InputError([Problem(f"cannot read: {exc.strerror or exc}",
                                  SourceSpan(source))]) from None
    with stream:
        yield from read_lines(stream, source)


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
        yield Problem(f"cannot read: {exc.strerror or exc}", SourceSpan(STDIN_NAME, 1, 1))
        return
    head = first if isinstance(first, bytes) else first.encode("utf-8", "surrogatepass")
    if input_format == "jsonl" or looks_like_jsonl(head):
        yield STDIN_NAME, read_lines(stream, STDIN_NAME, head)
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
                                  SourceSpan(STDIN_NAME, 1, 1))]) from None
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


def _items(
    documents: list[Document], source: str, errors: list[Problem]
) -> Iterator[tuple[Document, Loc, object]]:
    """Yield every case-shaped item: each document is a case or a list of cases."""
    if not documents:
        errors.append(
            Problem("no case in file: expected a case or a list of cases",
                    SourceSpan(source, 1, 1))
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
                    doc.span(()),
                )
            )


def _validate(
    item: object, doc: Document, loc: Loc, zone: tzinfo | None, errors: list[Problem]
) -> CaseRecord | None:
    if not isinstance(item, dict):
        errors.append(Problem(f"expected a case (a mapping); found {found(item)}", doc.span(loc)))
        return None
    try:
        return CaseRecord.model_validate(item, context={DEFAULT_ZONE: zone})
    except ValidationError as exc:
        errors += problems_from(exc, doc, CaseRecord, loc)
        return None
