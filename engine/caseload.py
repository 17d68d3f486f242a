"""Load case files (YAML or JSON; files, folders or ``-``) into validated, located cases.

Nothing is lost in a batch: every invalid case becomes one :class:`Problem` per validation error,
located at ``file:line:col``, and every valid case is still returned. Case ids must be unique
across the whole batch.
"""

from __future__ import annotations

import sys
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import Any, TextIO

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from engine.case import DEFAULT_ZONE, TIME_ERROR, CaseRecord, found
from engine.errors import CaseFileError, InputError, Problem, SourceSpan, suggest
from engine.yamlio import MAX_BYTES, Document, Loc, load_documents

#: File suffixes collected from folders (a file named explicitly is read whatever its suffix).
SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"

_EXPECTED = {
    "model_type": "a mapping",
    "dict_type": "a mapping",
    "list_type": "a list",
    "tuple_type": "a list",
    "string_type": "a string",
    "float_type": "a number",
    "finite_number": "a finite number",
    "greater_than_equal": "a number >= {ge:g}",
}


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
    for source, text in _texts(paths, stdin or sys.stdin, errors):
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
                        Problem(f"duplicate case id '{record.id}' (first at {first.span})", where)
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
    paths: Sequence[str | Path], stdin: TextIO, errors: list[Problem]
) -> Iterator[tuple[str, str]]:
    """Yield ``(source, text)`` for every input file, recording those that cannot be read."""
    seen: set[Path] = set()
    for raw in paths:
        if str(raw) == STDIN:
            yield "<stdin>", stdin.read(MAX_BYTES + 1)
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
            files = [p for p in files if p.is_file()]
            if not files:
                errors.append(
                    Problem(
                        "no case files (*.yaml, *.yml, *.json) in this folder",
                        SourceSpan(str(path)),
                    )
                )
        else:
            files = [path]
        for file in files:
            # The same file named twice (a folder and one of its files) is read once.
            if file.resolve() not in seen:
                seen.add(file.resolve())
                text = _read(file, errors)
                if text is not None:
                    yield str(file), text


def _read(file: Path, errors: list[Problem]) -> str | None:
    where = SourceSpan(str(file))
    try:
        # Checked before reading: a huge file is refused without loading it into memory.
        if file.stat().st_size > MAX_BYTES:
            errors.append(Problem(f"file too large: over {MAX_BYTES // (1024 * 1024)} MiB", where))
            return None
        return file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        errors.append(Problem("no such file or folder", where))
    except UnicodeDecodeError as exc:
        errors.append(Problem(f"not UTF-8 text (byte {exc.start})", where))
    except OSError as exc:
        errors.append(Problem(f"cannot read: {exc.strerror or exc}", where))
    return None


def _items(
    documents: list[Document], source: str, errors: list[Problem]
) -> Iterator[tuple[Document, Loc, object]]:
    """Yield every case-shaped item: each document is a case or a list of cases."""
    if not documents:
        errors.append(
            Problem("no case in file: expected a case or a list of cases", SourceSpan(source))
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
        problems = [_problem(err, doc, loc) for err in exc.errors(include_url=False)]
        # In file order, which is how a reader fixes them (pydantic orders by model field).
        errors += sorted(problems, key=_position)
        return None


def _problem(err: ErrorDetails, doc: Document, base: Loc) -> Problem:
    """One located, readable problem for one pydantic error."""
    kind, ctx, value = err["type"], err.get("ctx") or {}, err["input"]
    loc = tuple(err["loc"])
    if kind == TIME_ERROR:
        loc += tuple(ctx["at"].split(".")) if ctx["at"] else ()
        kind = {"extra": "extra_forbidden", "missing": "missing"}.get(ctx["kind"], kind)
    path = _dotted(loc)
    if kind == "extra_forbidden":
        hint = suggest(str(loc[-1]), _choices(loc[:-1], fields=True))
        return Problem(f"unknown field '{path}'{hint}", doc.span((*base, *loc), key=True))
    if kind == "missing":
        return Problem(f"missing required field '{path}'", doc.span((*base, *loc[:-1])))
    span = doc.span((*base, *loc))
    if kind == "literal_error":
        choices = _choices(loc, fields=False)
        hint = suggest(value, choices) if isinstance(value, str) else ""
        text = f"expected one of {', '.join(choices)}; found {found(value)}{hint}"
    elif kind == TIME_ERROR:
        text = str(ctx["reason"])
    elif kind == "value_error":
        text = str(ctx["error"])
    elif kind in _EXPECTED:
        text = f"expected {_EXPECTED[kind].format(**ctx)}; found {found(value)}"
    else:
        text = f"{err['msg']}; found {found(value)}"
    return Problem(f"{path}: {text}", span)


def _position(problem: Problem) -> tuple[int, int]:
    span = problem.span or SourceSpan("")
    return span.line or 0, span.column or 0


def _dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(case)"


def _choices(loc: Loc, *, fields: bool) -> list[str]:
    """The field names of the model at ``loc``, or the literal values of the field at ``loc``."""
    current: Any = CaseRecord
    for part in loc:
        current = _step(current, part)
    if fields:
        model = _step(current, None)
        if isinstance(model, type) and issubclass(model, BaseModel):
            return list(model.model_fields)
        # The only mapping that is not a model: a time range.
        return ["from", "to"]
    return [str(v) for v in _literals(current)]


def _step(annotation: Any, part: str | int | None) -> Any:
    """The annotation one step down from ``annotation`` (``None``: just unwrap unions)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [_step(a, part) for a in typing.get_args(annotation) if a is not type(None)]
        return next((a for a in inner if a is not None), None)
    if part is None:
        return annotation
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        info = annotation.model_fields.get(str(part))
        return info.annotation if info else None
    if origin is dict:
        return typing.get_args(annotation)[1]
    if origin in (list, tuple):
        return typing.get_args(annotation)[0]
    return None


def _literals(annotation: Any) -> list[object]:
    if typing.get_origin(annotation) is typing.Literal:
        return list(typing.get_args(annotation))
    return [v for a in typing.get_args(annotation) for v in _literals(a)]
