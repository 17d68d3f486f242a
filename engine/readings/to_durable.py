"""Translate a compiled reading into a durable_rules ruleset (plain JSON data; no durable import).

The translation makes durable_rules' known defects unreachable (see
``shared/design/durable-rules-notes.md``):

* every pattern carries a type guard (``t``) and the ``$s`` guard, so the engine's own state fact
  never matches and cannot loop;
* a catch-all rule of the lowest priority matches every case, so every session starts an action
  (durable_rules frees uninitialised memory when a session that never started one is deleted);
* no ``$or``, ``any`` or fact-level negation is emitted: set membership is one anchored regex
  alternation over enum values (full-match in durable_rules), and derived facts are only ever
  tested positively, as joins;
* facts are typed by the normaliser below: times are integer epoch seconds, enums and party codes
  exact ASCII strings, booleans real booleans, so no test ever compares across types;
* every field name is checked for 32-bit FNV-1 hash collisions, which durable_rules would
  silently treat as the same field.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from engine.base.errors import Problem, RuleFileError, SourceSpan
from engine.cases.facts import Facts
from engine.cases.timeval import Interval
from engine.readings.model import Reading, Test

START_RULE = "__start__"
CASE_ID = "case"
_GUARD = {"$nex": {"$s": 1}}
_SAFE = re.compile(r"^[A-Za-z0-9_]+$")
_RESERVED = ("t", "id", "sid", "name", "$s")


def fnv1_32(text: str) -> int:
    """The 32-bit name hash of durable_rules (``fnv1Hash32`` in its ``state.c``).

    Despite its name it xors before multiplying (the FNV-1a order), over C ``char`` values, which
    are signed on the platforms we build for; both details matter for matching its collisions.
    """
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        value ^= (byte - 256 if byte > 127 else byte) & 0xFFFFFFFF
        value = (value * 0x01000193) & 0xFFFFFFFF
    return value


def field_name(path: str, part: str = "") -> str:
    """The flat durable field for a fact path (dots would mean nesting in durable_rules)."""
    return path.replace(".", "__") + (f"__{part}" if part else "")


def derived_id(name: str) -> str:
    """The fact id of a derived fact; one per name, so a second derivation is a duplicate."""
    return f"d:{name}"


def _test(t: Test) -> dict[str, Any]:
    if t.op in {"before", "after"}:
        # Three-valued comparison with an instant: before iff the interval's exclusive end is
        # at or before it; after iff its start is at or after it.
        if t.op == "before":
            return {"$lte": {field_name(t.path, "hi"): t.instant}}
        return {"$gte": {field_name(t.path, "lo"): t.instant}}
    values = [str(v) for v in t.operand if not isinstance(v, bool)]
    if any(not _SAFE.match(v) for v in values):
        raise ValueError(f"value not safe for a durable regex: {values}")
    alternation = "|".join(values)
    field = field_name(t.path)
    if t.op == "eq":
        return {field: t.operand[0]}
    if t.op == "in":
        return {"$mt": {field: alternation}}
    if t.op == "not_in":
        return {"$and": [{"$ex": {field: 1}}, *({"$neq": {field: v}} for v in values)]}
    if t.op == "any_of":
        return {"$iany": {field: {"$mt": {"$i": alternation}}}}
    # only: durable's $iall is false on an empty list, which is the semantics we define.
    return {"$iall": {field: {"$mt": {"$i": alternation}}}}


@dataclass(frozen=True)
class DurableProgram:
    """A reading translated for durable_rules: its unique name and ruleset JSON."""

    reading: str
    name: str
    ruleset_json: str
    derives: dict[str, tuple[str, ...]]


def translate(reading: Reading) -> DurableProgram:
    """Translate ``reading``; raises RuleFileError on a field-name hash collision."""
    rules: dict[str, Any] = {}
    fields: set[str] = set(_RESERVED)
    for rule in reading.rules:
        tests = [_test(t) for t in rule.tests]
        for t in rule.tests:
            fields.update([field_name(t.path)] if t.op not in {"before", "after"}
                          else [field_name(t.path, "lo"), field_name(t.path, "hi")])
        patterns: list[dict[str, Any]] = [{"c": {"$and": [{"t": "case"}, *tests, _GUARD]}}]
        patterns += [{f"d{i}": {"$and": [{"t": "derived"}, {"name": n}, _GUARD]}}
                     for i, n in enumerate(rule.needs)]
        rules[rule.id] = {"all": patterns, "pri": 0}
    rules[START_RULE] = {"all": [{"c": {"$and": [{"t": "case"}, _GUARD]}}], "pri": 65535}
    _check_hashes(reading, fields, "field")
    _check_hashes(reading, {derived_id(n) for n in reading.derived} | {CASE_ID}, "fact id")
    body = json.dumps(rules, sort_keys=False, separators=(",", ":"))
    digest = hashlib.sha256(body.encode()).hexdigest()[:12]
    return DurableProgram(reading.id, f"{reading.id}@{digest}", body,
                          {r.id: r.derives for r in reading.rules})


def _check_hashes(reading: Reading, names: set[str], what: str) -> None:
    seen: dict[int, str] = {}
    for name in sorted(names):
        h = fnv1_32(name)
        if h in seen:
            raise RuleFileError([Problem(
                f"reading '{reading.id}': {what}s '{seen[h]}' and '{name}' have the same 32-bit "
                "hash, which durable_rules would confuse; rename one", _span_of(reading, name))])
        seen[h] = name


def _span_of(reading: Reading, name: str) -> SourceSpan:
    """The first rule using ``name`` (a field, or a derived fact's id), else the file's start."""
    for rule in reading.rules:
        fields = {field_name(t.path, part) for t in rule.tests for part in ("", "lo", "hi")}
        facts = {derived_id(n) for n in (*rule.derives, *rule.needs)}
        if name in fields | facts and rule.span is not None:
            return rule.span
    return SourceSpan(reading.path, 1, 1)


def case_fact(facts: Facts, sid: str) -> str:
    """The case as one durable fact, typed exactly as the tests expect."""
    out: dict[str, Any] = {"t": "case", "id": CASE_ID, "sid": sid}
    for path, value in facts.items():
        if isinstance(value, Interval):
            out[field_name(path, "lo")] = value.lo
            out[field_name(path, "hi")] = value.hi
        elif isinstance(value, frozenset):
            out[field_name(path)] = sorted(value)
        else:
            out[field_name(path)] = value
    return json.dumps(out, ensure_ascii=True)


def derived_fact(name: str, sid: str) -> str:
    """A derived fact as durable JSON."""
    return json.dumps({"t": "derived", "id": derived_id(name), "name": name, "sid": sid})
