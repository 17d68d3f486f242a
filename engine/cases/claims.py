"""Each party's account of the facts: attributed claims on a case's facts, and their resolution.

Any fact the case may leave unknown can be written as a list of claims, each saying who asserted
which value and where (``docs/case-format.md``, "Disputed facts"). The module is generic over the
case model: a leaf field is claimable unless :data:`NOT_CLAIMABLE` says why not, so a new optional
field becomes claimable with no change here. Claim values are validated with the field's own
type, and every problem is located at the claim that has it. It never imports
:mod:`engine.cases.record`, which builds on it: the model class is passed in.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Annotated, Any, TypeAlias, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    TypeAdapter,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from engine.base.errors import CodedValueError, found, quote
from engine.base.frozen import FrozenDict, freeze
from engine.cases import timeval
from engine.cases._claimfields import CASE as CASE
from engine.cases._claimfields import DISPUTED as DISPUTED
from engine.cases._claimfields import DISPUTED_IMMATERIAL as DISPUTED_IMMATERIAL
from engine.cases._claimfields import OWN as OWN
from engine.cases._claimfields import RESERVED as RESERVED
from engine.cases._claimfields import UNCONTESTED as UNCONTESTED
from engine.cases._claimfields import check_account as check_account
from engine.cases._claimfields import check_date, check_source
from engine.cases._claimfields import check_party as check_party

Loc: TypeAlias = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)

#: pydantic error type of claim problems; its context lists each one, located (see validation).
CLAIM_ERROR = "case_claims"
_NOUNKNOWN = "the engine has no unknown value for this fact: write the court record's value"
_BLOCK = "claims are made on single facts: give them on the facts of this block (capture.time, ...)"
#: Leaf fields that take no claims, and why (with what to write instead).
NOT_CLAIMABLE: dict[str, str] = {
    "id": "the id names the case, it is not a fact: write one id",
    "title": "the title is the author's own description: write one title",
    "detaining_party": "a case is one party's custody of one person: split a disputed custody "
                       "into two cases, one per detaining party",
    "capture.timezone": "the zone says how this file writes local times: write one zone, or "
                        "write each claimed time with its offset",
    "proceedings.stage": _NOUNKNOWN,
    "proceedings.charges": _NOUNKNOWN,
    "expect": "expectations are the author's, not facts: write one expect block",
    "claims": "it holds the claims themselves",
}


def as_written(value: Any) -> Any:
    """A validated value as a case file writes it (times become strings or ranges)."""
    if isinstance(value, timeval.LocalTime | timeval.TimeRange):
        return timeval.as_written(value)
    return value


class Claim(BaseModel):
    """One party's or body's claim about one fact: the value, who asserted it, and where."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    value: Annotated[Any, AfterValidator(freeze), PlainSerializer(as_written)] = Field(
        description="The fact's value, written and validated as the plain field's value.")
    asserted_by: Annotated[str, AfterValidator(check_party)] = Field(
        description="ISO 3166-1 alpha-2 code of a state, or the id of another body (ICRC).")
    source: Annotated[str, AfterValidator(check_source)] = Field(
        description="Who said it, where, when.")
    date: Annotated[str, AfterValidator(check_date)] | None = Field(
        default=None, description="When it was said: YYYY, YYYY-MM or YYYY-MM-DD.")


#: One problem: where in the file, whether on the claim's own fields (else on its value, checked
#: against the case model at the schema path), the schema path, and pydantic's error details.
Issue: TypeAlias = tuple[Loc, bool, Loc, dict[str, Any]]


@dataclass(frozen=True)
class ClaimIssues:
    """The problems found in a case's claims, carried to the ``claims`` field to be reported."""

    issues: tuple[Issue, ...]


def report_issues(value: Any) -> Any:
    """Validator of the ``claims`` field: raise the problems the lifting found, all together."""
    if isinstance(value, ClaimIssues):
        raise PydanticCustomError(CLAIM_ERROR, "{reason}", {
            "reason": f"{len(value.issues)} problem(s) in claims", "issues": value.issues})
    return value


def _issue(where: Loc, message: str, value: Any, code: str) -> Issue:
    return where, False, (), {"type": "value_error", "loc": (), "input": value,
                              "msg": message, "ctx": {"error": CodedValueError(message, code)}}


def _unwrap(annotation: Any) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    optional = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    return args[0] if optional and len(args) == 1 else annotation


@functools.cache
def blocks(model: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """The model's fields that are blocks of facts (nested models), by name."""
    out = {}
    for name, info in model.model_fields.items():
        inner = _unwrap(info.annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            out[name] = inner
    return out


@functools.cache
def fact_fields(model: type[BaseModel]) -> dict[str, tuple[type[BaseModel], str]]:
    """Every leaf field by dotted path, with the model that holds it and its name there."""
    out: dict[str, tuple[type[BaseModel], str]] = {}
    for name in model.model_fields:
        block = blocks(model).get(name)
        if block is None:
            out[name] = (model, name)
        else:
            out.update({f"{name}.{sub}": (block, sub) for sub in block.model_fields})
    return out


@functools.cache
def claimable_paths(model: type[BaseModel]) -> tuple[str, ...]:
    """The dotted paths of the fields that may be given as claims, in model order."""
    return tuple(p for p in fact_fields(model) if p not in NOT_CLAIMABLE)


@functools.cache
def value_adapter(owner: type[BaseModel], name: str) -> TypeAdapter[Any]:
    """A validator of one field's values, built from its annotation and metadata."""
    info = owner.model_fields[name]
    annotation: Any = info.annotation
    if info.metadata:  # pydantic keeps an outer Annotated's validators apart from the type
        # Subscripted with one tuple (Annotated[T, *metadata]): Python 3.13's Annotated has no
        # __class_getitem__ any more, and the subscription is the spelling every version has.
        annotation = Annotated[(annotation, *info.metadata)]
    return TypeAdapter(annotation)


#: Stands for "leave this fact unknown" in :func:`put_value`.
UNKNOWN: Any = object()


def put_value(model: type[BaseModel], data: dict[str, Any], path: str, raw: Any) -> None:
    """Write a raw value at ``path``, or leave the fact unknown the way that field spells it."""
    owner, name = fact_fields(model)[path]
    if "." not in path:
        if raw is UNKNOWN:
            data.pop(path, None)
        else:
            data[path] = raw
        return
    head = path.split(".")[0]
    current = data.get(head)
    if current is not None and not isinstance(current, Mapping):
        return  # a malformed block is reported by the block's own validation
    block = dict(current or {})
    if raw is not UNKNOWN:
        block[name] = raw
    else:
        info = owner.model_fields[name]
        block.pop(name, None)
        if info.is_required() and "unknown" in typing.get_args(_unwrap(info.annotation)):
            block[name] = "unknown"
        elif info.is_required() and not block:
            # A required fact with no unknown value (entry.time): the whole block is unknown.
            data[head] = None
            return
        if current is None:
            return
    data[head] = block


def _dotted(loc: Loc) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")


def _gather(model: type[BaseModel], path: str, where: Loc, value: Any,
            lists: dict[str, list[tuple[Loc, Any]]], issues: list[Issue]) -> None:
    """Take an inline claim list at ``path``; refuse one on a field that takes no claims."""
    if not isinstance(value, list):
        return
    if path in claimable_paths(model):
        if not value:
            issues.append(_issue(where, "expected a non-empty list of claims {value, "
                                        "asserted_by, source}; found an empty list", value,
                                 "empty_claim_list"))
        lists[path] = [((*where, i), item) for i, item in enumerate(value)]
    elif any(isinstance(i, Mapping) and ("asserted_by" in i or "value" in i) for i in value):
        reason = NOT_CLAIMABLE.get(path, _BLOCK if path in blocks(model) else None)
        if reason is not None:
            issues.append(_issue(where, f"this field takes no claims: {reason}", value,
                                 "not_claimable"))


def _gather_given(model: type[BaseModel], given: Any, lists: dict[str, list[tuple[Loc, Any]]],
                  issues: list[Issue]) -> None:
    """Take a ``claims`` mapping (as a record dumps it): fact path -> list of claims."""
    if given is None:
        return
    if not isinstance(given, Mapping):
        issues.append(_issue(("claims",), "expected a mapping from fact paths to lists of "
                                          f"claims; found {found(given)}", given, "wrong_type"))
        return
    for path, items in given.items():
        where: Loc = ("claims", path)
        if path not in claimable_paths(model):
            why = NOT_CLAIMABLE.get(path) or "it is not a field of a case"
            issues.append(_issue(where, f"{quote(path)} takes no claims: {why}; claimable: "
                                        f"{', '.join(claimable_paths(model))}", path,
                                 "not_claimable"))
        elif path in lists:
            issues.append(_issue(where, f"claims on {quote(path)[1:-1]} are given twice: inline "
                                        "and under claims", items,
                                 "claims_given_twice"))
        elif not isinstance(items, list | tuple) or not items:
            issues.append(_issue(where, "expected a non-empty list of claims; found "
                                        f"{found(items) if items else 'an empty list'}", items,
                                 "empty_claim_list" if isinstance(items, list | tuple)
                                 else "wrong_type"))
        else:
            lists[path] = [((*where, i), item) for i, item in enumerate(items)]


def _validate(model: type[BaseModel], path: str, items: list[tuple[Loc, Any]],
              zone: tzinfo | None, issues: list[Issue]) -> list[Claim]:
    """The claims on one fact, values validated with the field's type; problems to ``issues``."""
    adapter = value_adapter(*fact_fields(model)[path])
    schema: Loc = tuple(path.split("."))
    out: list[tuple[Loc, Claim]] = []
    for where, item in items:
        if isinstance(item, Claim):
            item = item.model_dump()
        if not isinstance(item, Mapping):
            issues.append(_issue(where, "expected a claim, a mapping {value, asserted_by, "
                                        f"source}}; found {found(item)}", item, "wrong_type"))
            continue
        before = len(issues)
        try:
            claim = Claim.model_validate(item)
        except ValidationError as exc:
            issues += [(where, True, (), dict(e)) for e in exc.errors(include_url=False)]
        try:  # the value is checked even when the claim's other fields are wrong
            value = adapter.validate_python(item["value"]) if "value" in item else None
        except ValidationError as exc:
            issues += [((*where, "value"), False, schema, dict(e))
                       for e in exc.errors(include_url=False)]
        if len(issues) > before:
            continue
        if (zone is not None and isinstance(value, timeval.TimeRange)
                and timeval.is_inverted(value, zone)):
            issues.append(_issue((*where, "value"), timeval.inverted_message(value), claim.value,
                                 "inverted_range"))
            continue
        out.append((where, claim.model_copy(update={"value": value})))
    first: dict[str, tuple[Loc, Claim]] = {}
    for where, claim in out:
        at, earlier = first.setdefault(claim.asserted_by, (where, claim))
        if earlier is not claim and earlier.value != claim.value:
            issues.append(_issue((*where, "asserted_by"), f"a second claim by {claim.asserted_by}"
                                 f" with another value (its first is {_dotted(at)}): a party "
                                 "may make one claim per fact", claim.asserted_by,
                                 "same_party_twice"))
    return [claim for _, claim in out]


def _zone(data: Mapping[str, Any], default: tzinfo | None) -> tzinfo | None:
    capture = data.get("capture")
    text = capture.get("timezone") if isinstance(capture, Mapping) else None
    if not isinstance(text, str):
        return default
    try:
        return timeval.parse_zone(text)
    except ValueError:
        return None  # the bad zone is reported by its own field


def agreed(claims: Sequence[Claim]) -> bool:
    """Whether every claim states the same value."""
    return all(c.value == claims[0].value for c in claims)


def claimed_values(claims: Sequence[Claim]) -> list[tuple[Any, tuple[str, ...]]]:
    """The distinct values of ``claims``, in file order, each with who claims it."""
    out: list[tuple[Any, list[str]]] = []
    for claim in claims:
        same = next((who for value, who in out if value == claim.value), None)
        if same is None:
            out.append((claim.value, [claim.asserted_by]))
        else:
            same.append(claim.asserted_by)
    return [(value, tuple(who)) for value, who in out]


def with_fact(record: M, path: str, value: Any) -> M:
    """``record`` with ``value`` (already validated as the field's value, a claim's value) at
    ``path`` and no claims left on that fact; nothing else changes and nothing is re-validated."""
    owner, name = fact_fields(type(record))[path]
    given: Mapping[str, Any] = getattr(record, "claims", None) or {}
    update: dict[str, Any] = {}
    if "claims" in type(record).model_fields:
        # model_copy does not validate: the claims stay read-only, as validation makes them.
        update["claims"] = FrozenDict({p: c for p, c in given.items() if p != path})
    if "." not in path:
        return record.model_copy(update={**update, name: value})
    head = path.split(".")[0]
    block = getattr(record, head)
    block = (owner.model_validate({name: as_written(value)}) if block is None
             else block.model_copy(update={name: value}))
    return record.model_copy(update={**update, head: block})


def lift_claims(model: type[BaseModel], data: Any, default_zone: tzinfo | None) -> Any:
    """Move the inline claim lists of raw case data into ``claims``; set the plain values.

    Each claimed fact's plain value becomes the uncontested one: the claims' common value, or
    unknown when they differ. Problems go to ``claims`` as :class:`ClaimIssues`, so that the
    model reports them together with every other problem of the case.
    """
    if not isinstance(data, Mapping):
        return data
    out = dict(data)
    issues: list[Issue] = []
    lists: dict[str, list[tuple[Loc, Any]]] = {}
    for key, value in data.items():
        if key != "claims" and key in blocks(model) and isinstance(value, Mapping):
            for sub, item in value.items():
                _gather(model, f"{key}.{sub}", (key, sub), item, lists, issues)
        elif key != "claims":
            _gather(model, str(key), (key,), value, lists, issues)
    _gather_given(model, data.get("claims"), lists, issues)
    zone = _zone(data, default_zone)
    claims: dict[str, tuple[Claim, ...]] = {}
    for path, items in lists.items():
        before = len(issues)
        valid = _validate(model, path, items, zone, issues)
        if len(issues) > before or not valid:
            put_value(model, out, path, UNKNOWN)
            continue
        claims[path] = tuple(valid)
        put_value(model, out, path, as_written(valid[0].value) if agreed(valid) else UNKNOWN)
    if issues:
        out["claims"] = ClaimIssues(tuple(issues))
    elif claims or "claims" in data:
        out["claims"] = claims
    return out
