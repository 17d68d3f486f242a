"""Accounts: a case as one party tells it, resolved from its claims, and claims swapped.

What :meth:`engine.cases.record.CaseRecord.on_account` and ``swapped_parties`` do with claims, and
how the case schema documents them; generic over the case model like :mod:`engine.cases.claims`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from engine.base.frozen import FrozenDict
from engine.cases.claims import (
    CASE,
    DISPUTED,
    UNCONTESTED,
    UNKNOWN,
    Claim,
    agreed,
    as_written,
    claimable_paths,
    fact_fields,
    put_value,
    value_adapter,
)

M = TypeVar("M", bound=BaseModel)


def _accepts(adapter: TypeAdapter[Any], value: str) -> bool:
    try:
        adapter.validate_python(value)
    except ValidationError:
        return False
    return True


@functools.cache
def holds_party_codes(model: type[BaseModel], path: str) -> bool:
    """Whether the field's values are party codes: it takes ``AM`` and refuses a made-up code."""
    adapter = value_adapter(*fact_fields(model)[path])
    return _accepts(adapter, "AM") and not _accepts(adapter, "ZZ")


def resolve_account(record: M, claims: Mapping[str, tuple[Claim, ...]],
                    party: str | None, keep_disputed: bool = False) -> tuple[M, dict[str, str]]:
    """The record as ``party`` tells it (None: the uncontested account), and who supplied what.

    See :meth:`engine.cases.record.CaseRecord.on_account`.
    """
    kept: dict[str, list[dict[str, Any]]] = {}
    model = type(record)
    supplied = {"detaining_party": CASE, **dict.fromkeys(claimable_paths(model), CASE)}
    if not claims:
        return record, supplied
    data = record.model_dump(exclude={"claims"})
    for path, given in claims.items():
        mine = [c for c in given if party is not None and c.asserted_by == party]
        if party is not None and mine:
            raw, supplied[path] = as_written(mine[0].value), party
        elif agreed(given):
            raw, supplied[path] = as_written(given[0].value), UNCONTESTED
        else:
            raw, supplied[path] = UNKNOWN, DISPUTED
            if keep_disputed:
                kept[path] = [c.model_dump() for c in given]
        put_value(model, data, path, raw)
    if kept:
        data["claims"] = kept
    return model.model_validate(data), supplied


def swap_claims(model: type[BaseModel], claims: Mapping[str, tuple[Claim, ...]],
                swap: Mapping[str, str]) -> Mapping[str, tuple[Claim, ...]]:
    """The claims with ``swap`` applied to who asserted them and to values that are party codes."""
    def one(path: str, claim: Claim) -> Claim:
        value = claim.value
        if isinstance(value, str) and holds_party_codes(model, path):
            value = swap.get(value, value)
        return claim.model_copy(update={
            "asserted_by": swap.get(claim.asserted_by, claim.asserted_by), "value": value})

    return FrozenDict({path: tuple(one(path, c) for c in given) for path, given in claims.items()})


def document_claims(model: type[BaseModel], schema: dict[str, Any]) -> None:
    """Let each claimable field of a model's JSON Schema also be written as a list of claims."""
    defs = schema.get("$defs", {})
    for path in claimable_paths(model):
        owner, name = fact_fields(model)[path]
        props = (schema if owner is model else defs[owner.__name__])["properties"]
        plain = props[name]
        value = {k: v for k, v in plain.items() if k not in ("default", "title", "description")}
        props[name] = {
            **{k: v for k, v in plain.items() if k in ("default", "title", "description")},
            "anyOf": [*(value["anyOf"] if set(value) == {"anyOf"} else [value]), {
                "type": "array", "minItems": 1,
                "description": "Claims: each party's or body's account of this fact.",
                "items": {"$ref": "#/$defs/Claim", "properties": {"value": value}}}]}

