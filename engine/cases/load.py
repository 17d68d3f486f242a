"""Load case files (YAML or JSON; files, folders or ``-``) into validated, located cases.

Nothing is lost in a batch: every invalid case becomes one :class:`Problem` per validation error,
located at ``file:line:col``, and every valid case is still returned. Case ids must be unique
across the whole batch.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import Any, TextIO

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
    display_name,
    read_path,
    read_stream,
    scan_folder,
)
from engine.base.yamlio import Document, Loc, load_documents
from engine.cases.record import DEFAULT_ZONE, CaseRecord
from engine.cases.validation import problems_from

#: File suffixes collected from folders (a file named explicitly is read whatever its suffix).
SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"



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
    paths: Sequence[str | Path], *, default_zone: tzinfo | None = None, stdin: TextIO | None = None
) -> CaseBatch:
    """Load and validate every case in ``paths``.

    Args:
        paths: files, folders (searched recursively for ``*.yaml``, ``*.yml``, ``*.json``, in
            sorted order) or ``-`` for standard input. A file holds one case, a list of cases, or
            several YAML documents each holding either.
        default_zone: the zone of local times in cases that name none (the rules' default
            offset). When given, ranges mixing local and offset ends are checked for inversion
            now; otherwise only ranges inverted in every zone are.
        stdin: the stream ``-`` reads (default :data:`sys.stdin`).

    Returns:
        The valid cases and the problems; reading never raises for bad input.
    """
    if isinstance(paths, str | Path):
        paths = [paths]  # one path, not a sequence of one-letter paths
    cases: list[LoadedCase] = []
    errors: list[Problem] = []
    first_by_id: dict[str, LoadedCase] = {}
    for source, text in _texts(paths, stdin if stdin is not None else sys.stdin, errors):
        try:
            documents = load_documents(text, source)
        except InputError as exc:
            errors += exc.problems
            continue
        for index, (doc, loc, item) in enumerate(_items(documents, source, errors)):
            record = _validate(item, doc, loc, default_zone, errors)
            if record is not None:
                loaded = LoadedCase(record, source, index, doc.span(loc), doc, loc)
                first = first_by_id.setdefault(record.id, loaded)
                if first is loaded:
                    cases.append(loaded)
                else:
                    where = loaded.span_of("id")
                    errors.append(
                        Problem(f"duplicate case id {quote(record.id)} (first at {first.span})",
                                where)
                    )
    return CaseBatch(tuple(cases), tuple(errors))


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


def _texts(
    paths: Sequence[str | Path], stdin: TextIO | None, errors: list[Problem]
) -> Iterator[tuple[str, str]]:
    """Yield ``(source, text)`` for every input file, recording those that cannot be read."""
    seen: set[str] = set()
    for raw in paths:
        if str(raw) == STDIN:
            try:
                yield STDIN_NAME, read_stream(stdin)
            except InputError as exc:
                errors += exc.problems
            continue
        path = Path(raw)
        if (bad_name := _bad_name(str(raw))) is not None:
            errors.append(Problem(bad_name, SourceSpan(display_name(raw))))
            continue
        if path.is_dir():
            files, problems = scan_folder(path, SUFFIXES)
            errors += problems
            if not files and not problems:
                errors.append(Problem("no case files (*.yaml, *.yml, *.json) in this folder",
                                      SourceSpan(display_name(path))))
        else:
            files = [path]
        for file in files:
            # The same file named twice (a folder and one of its files) is read once; realpath,
            # unlike Path.resolve, does not raise on a link loop.
            real = os.path.realpath(file)
            if real not in seen:
                seen.add(real)
                try:
                    yield display_name(file), read_path(file, scanned=file is not path)
                except InputError as exc:
                    errors += exc.problems


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
