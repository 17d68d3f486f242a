"""Turn pydantic validation errors into located, readable problems.

Shared by the case loader and the rule compiler so both speak the same way: the field path, what
was expected, what was found, and a suggestion where one exists, at ``file:line:col``.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from engine.errors import Problem, suggest
from engine.yamlio import Document, Loc


def dotted(loc: Iterable[str | int]) -> str:
    """Render a location as ``a.b[2].c``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


def _clean_loc(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    # pydantic inserts union-member and validator tags ("str", "function-after[...]") into loc.
    tags = {"str", "int", "float", "bool", "list", "dict", "constrained-str", "none"}
    return tuple(p for p in loc if isinstance(p, int) or ("[" not in p and p not in tags))


def _fields_of(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """Field names (aliases first) accepted at ``loc`` within ``model``, for suggestions."""
    current: object = model
    for part in loc:
        is_model = isinstance(current, type) and issubclass(current, BaseModel)
        if isinstance(part, int) or not is_model:
            current = _inner_model(current)
            if isinstance(part, int):
                continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(part) or next(
            (f for f in current.model_fields.values() if f.alias == part), None)
        if field is None:
            return []
        current = field.annotation
    current = _inner_model(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or name for name, f in current.model_fields.items()]
    return []


def _inner_model(annotation: object) -> object:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None and isinstance(found, type):
            return found
    return annotation


def _found(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def describe(err: ErrorDetails, model: type[BaseModel]) -> tuple[str, bool]:
    """Return a message for one pydantic error and whether it points at a key (not a value)."""
    loc = _clean_loc(tuple(err["loc"]))
    where = dotted(loc)
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        parent, name = loc[:-1], str(loc[-1])
        hint = suggest(name, _fields_of(model, parent))
        return f"unknown field '{where}'{hint}", True
    if kind == "missing":
        return f"{where}: required field is missing", True
    if kind in {"literal_error", "enum"}:
        expected = str(ctx.get("expected", "")).replace("'", "")
        choices = [c.strip() for c in expected.replace(" or ", ",").split(",") if c.strip()]
        hint = suggest(str(err["input"]), choices) if isinstance(err["input"], str) else ""
        return (f"{where}: expected one of {', '.join(choices)}; found {_found(err['input'])}"
                f"{hint}"), False
    if kind == "string_pattern_mismatch":
        return (f"{where}: expected text matching {ctx.get('pattern')}; "
                f"found {_found(err['input'])}"), False
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    return f"{where}: {msg}; found {_found(err['input'])}", False


def problems_from(exc: ValidationError, doc: Document, model: type[BaseModel],
                  base: Loc = ()) -> list[Problem]:
    """Locate every error of ``exc`` (raised validating ``doc.data`` at ``base``) in ``doc``."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for err in exc.errors(include_url=False):
        message, at_key = describe(err, model)
        if message in seen:
            continue
        seen.add(message)
        loc = (*base, *_clean_loc(tuple(err["loc"])))
        span = doc.span(loc, key=at_key) if err["type"] != "missing" else doc.span(loc[:-1])
        problems.append(Problem(message, span))
    return problems
