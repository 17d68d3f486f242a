"""Turn pydantic validation errors into located, readable problems.

Shared by the case loader and the rule compiler so both speak the same way: the field path, what
was expected, what was found, and a suggestion where one exists, at ``file:line:col``.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from engine.base.errors import Problem, SourceSpan, found, quote, suggest
from engine.base.yamlio import Document, Loc
from engine.cases.claims import CLAIM_ERROR, Claim
from engine.cases.record import TIME_ERROR

# The codes of pydantic's own error types (the engine's validators carry theirs).
_CODES = {
    "extra_forbidden": "unknown_field",
    "missing": "missing_field",
    "literal_error": "invalid_choice",
    "finite_number": "not_finite",
    "greater_than_equal": "too_small",
}
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


def problems_from(exc: ValidationError, doc: Document, model: type[BaseModel],
                  base: Loc = ()) -> list[Problem]:
    """Every error of ``exc`` (raised validating ``model`` at ``base`` in ``doc``), located.

    Problems come in file order, which is how a reader fixes them (pydantic orders by field).
    """
    errors = exc.errors(include_url=False)
    # A claim list on a field that takes none is also the wrong type there: say it once.
    taken = {tuple(issue[0]) for e in errors if e["type"] == CLAIM_ERROR
             for issue in (e.get("ctx") or {})["issues"]}
    problems = [p for e in errors if e["type"] == CLAIM_ERROR or tuple(e["loc"]) not in taken
                for p in _problems(e, doc, base, model)]
    return sorted(problems, key=_position)


def _problems(err: ErrorDetails, doc: Document, base: Loc,
              model: type[BaseModel]) -> list[Problem]:
    if err["type"] != CLAIM_ERROR:
        return [_problem(err, doc, base, model)]
    # Each claim problem is located at the claim; its value is checked against the fact's field.
    return [_problem(typing.cast(ErrorDetails, inner), doc, base,
                     Claim if on_claim else model, where=where, schema=schema)
            for where, on_claim, schema, inner in (err.get("ctx") or {})["issues"]]


def _problem(err: ErrorDetails, doc: Document, base: Loc, model: type[BaseModel],
             where: Loc = (), schema: Loc = ()) -> Problem:
    """One located, readable problem for one pydantic error.

    ``where`` and ``schema`` prefix the error's location: in the file, and in ``model``
    (they differ for a claim's value: ``capture.time[1].value`` is checked as ``capture.time``).
    """
    kind, ctx, value = err["type"], err.get("ctx") or {}, err["input"]
    inner = tuple(err["loc"])
    if kind == TIME_ERROR:
        inner += tuple(ctx["at"].split(".")) if ctx["at"] else ()
        kind = {"extra": "extra_forbidden", "missing": "missing"}.get(ctx["kind"], kind)
    loc, at = (*where, *inner), (*schema, *inner)
    path, code, full = _dotted(loc), _code(kind, ctx), (*base, *loc)
    if kind == "extra_forbidden":
        hint = suggest(str(loc[-1]), _choices(model, at[:-1], fields=True))
        return Problem(f"unknown field '{path}'{hint}", doc.span(full, key=True), code, full)
    if kind == "missing":
        return Problem(f"missing required field '{path}'", doc.span(full[:-1]), code, full)
    span = doc.span(full)
    if kind == "literal_error":
        choices = _choices(model, at, fields=False)
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
    return Problem(f"{path}: {text}", span, code, full)


def _code(kind: str, ctx: dict[str, Any]) -> str:
    """The problem's code: the one its validator raised, else one for pydantic's error type."""
    if kind == TIME_ERROR:
        return str(ctx["code"])
    if kind == "value_error":
        return str(getattr(ctx.get("error"), "code", "invalid_value"))
    if kind.endswith(("_type", "_parsing")):
        return "wrong_type"
    return _CODES.get(kind, "invalid_value")


def _position(problem: Problem) -> tuple[int, int]:
    span = problem.span or SourceSpan("")
    return span.line or 0, span.column or 0


def _dotted(loc: Loc) -> str:
    """``capture.time[0].value``; a long key (a bad input's) shortened as values are quoted."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = quote(part)[1:-1]
            out += f".{name}" if out else name
    return out or "(document)"


def _choices(model: type[BaseModel], loc: Loc, *, fields: bool) -> list[str]:
    """The field names of the model at ``loc``, or the literal values of the field at ``loc``."""
    current: Any = model
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
    if origin in (dict, Mapping):  # record mappings are typed Mapping (read-only when built)
        return typing.get_args(annotation)[1]
    if origin in (list, tuple):
        return typing.get_args(annotation)[0]
    return None


def _literals(annotation: Any) -> list[object]:
    if typing.get_origin(annotation) is typing.Literal:
        return list(typing.get_args(annotation))
    return [v for a in typing.get_args(annotation) for v in _literals(a)]
