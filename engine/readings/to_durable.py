"""Translate a compiled reading into a durable_rules ruleset (plain JSON data; no durable import).

The translation makes durable_rules' known defects unreachable (see
``shared/design/durable-rules-notes.md``):

* every pattern carries a type guard (``t``) and the ``$s`` guard, so the engine's own state fact
  never matches and cannot loop;
* a catch-all rule of the lowest priority matches every case, so every session starts an action
  (durable_rules frees uninitialised memory when a session that never started one is deleted);
* no ``$or``, ``any`` or fact-level negation is emitted, and no regex where the values are a
  closed vocabulary (durable_rules never frees a ruleset's regex machines): membership in a set
  of enum values is "present and none of the others", and derived facts are only ever tested
  positively, as joins;
* a reading whose network would not fit durable_rules' fixed C tables is marked (``over_limit``,
  counted by ``_capacity``) and never given to durable_rules;
* facts are typed by the normaliser below: times are integer epoch seconds, enums and party codes
  exact ASCII strings, booleans real booleans, so no test ever compares across types;
* every field name is checked for 32-bit FNV-1 hash collisions, which durable_rules would
  silently treat as the same field.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.base.errors import Problem, RuleFileError, SourceSpan
from engine.base.frozen import frozen_dict
from engine.cases.catalogue import FACTS
from engine.cases.facts import Facts
from engine.cases.timeval import Interval
from engine.readings import _capacity
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


def _test(t: Test) -> list[dict[str, Any]]:
    """The terms of one test, to be spliced into the pattern's ``$and`` (no nested groups, so
    no expression entries are spent on them; see ``_capacity``)."""
    if t.op in {"before", "after"}:
        # Three-valued comparison with an instant: before iff the interval's exclusive end is
        # at or before it; after iff its start is at or after it.
        if t.op == "before":
            return [{"$lte": {field_name(t.path, "hi"): t.instant}}]
        return [{"$gte": {field_name(t.path, "lo"): t.instant}}]
    field = field_name(t.path)
    if t.op == "eq":
        return [{field: t.operand[0]}]
    values = list(dict.fromkeys(str(v) for v in t.operand if not isinstance(v, bool)))
    if t.op == "not_in":
        return [{"$ex": {field: 1}}, *({"$neq": {field: v}} for v in values)]
    others = _complement(t.path, values)
    if t.op == "in":
        if len(values) == 1:
            return [{field: values[0]}]
        if others is None:
            return [{"$mt": {field: _alternation(values)}}]
        # Membership as "present and none of the other values": durable_rules never frees a
        # ruleset's regex state machines (deleteRuleset in rete.c), about 75 KB per "$mt", so
        # a reloaded reading must not use them where the values are a closed vocabulary (case
        # values are validated against it, so "none of the others" is exact).
        return [{"$ex": {field: 1}}, *({"$neq": {field: v}} for v in others)]
    # any_of / only on a set: some / every element is none of the other values. durable's $iall
    # is false on an empty list, which is the semantics we define for only.
    array_op = "$iany" if t.op == "any_of" else "$iall"
    if others is None:
        return [{array_op: {field: {"$mt": {"$i": _alternation(values)}}}}]
    inner = [{"$neq": {"$i": v}} for v in others] or [{"$neq": {"$i": ""}}]
    return [{array_op: {field: inner[0] if len(inner) == 1 else {"$and": inner}}}]


def _complement(path: str, values: list[str]) -> list[str] | None:
    """The catalogue values of ``path`` not in ``values``; None for an open vocabulary."""
    spec = FACTS.get(path)
    if spec is None or spec.kind not in {"enum", "charges"}:
        return None
    return [v for v in spec.values if v not in values]


def _alternation(values: list[str]) -> str:
    if any(not _SAFE.match(v) for v in values):
        raise ValueError(f"value not safe for a durable regex: {values}")
    return "|".join(values)


@dataclass(frozen=True)
class DurableProgram:
    """A reading translated for durable_rules: its name, ruleset JSON and what it needs.

    ``key`` is a SHA-256 of everything durable_rules is given or the driver relies on (the JSON
    and which rule derives what): the same key means the same program, so one registered
    ruleset serves every load of an unchanged reading. ``over_limit`` is None when the program
    fits durable_rules' fixed tables (see ``_capacity``), else the note saying which limit it
    exceeds; such a program is never given to durable_rules.
    """

    reading: str
    name: str
    ruleset_json: str
    derives: Mapping[str, tuple[str, ...]]
    key: str = ""
    over_limit: str | None = None
    usage: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Shared through ReadingSet.programs by every caller: read-only once built.
        object.__setattr__(self, "derives", frozen_dict(self.derives))
        object.__setattr__(self, "usage", frozen_dict(self.usage))


def translate(reading: Reading) -> DurableProgram:
    """Translate ``reading``; raises RuleFileError on a field-name hash collision."""
    rules: dict[str, Any] = {}
    fields: set[str] = set(_RESERVED)
    for rule in reading.rules:
        tests = [term for t in rule.tests for term in _test(t)]
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
    derives = {r.id: r.derives for r in reading.rules}
    key = hashlib.sha256(json.dumps([body, derives]).encode()).hexdigest()
    counted = _capacity.usage(rules)
    exceeded = counted.exceeded()
    return DurableProgram(reading.id, f"{reading.id}@{key[:12]}", body, derives, key,
                          _capacity.describe(*exceeded) if exceeded else None,
                          dict(counted.used))


def _check_hashes(reading: Reading, names: set[str], what: str) -> None:
    seen: dict[int, str] = {}
    for name in sorted(names):
        h = fnv1_32(name)
        if h in seen:
            raise RuleFileError([Problem(
                f"reading '{reading.id}': {what}s '{seen[h]}' and '{name}' have the same 32-bit "
                "hash, which durable_rules would confuse; rename one", _span_of(reading, name),
                code="hash_collision")])
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
    """The case as one durable fact, typed exactly as the tests expect.

    The text of ``json.dumps`` of that mapping (as :func:`_case_fact_dumps` makes it), written
    piece by piece from keys encoded once: it is made for every case."""
    parts = ['{"t": "case", "id": ', _json_str(CASE_ID), ', "sid": ', _json_str(sid)]
    for path, value in facts.items():
        if isinstance(value, bool):
            parts += (_key(path, ""), "true" if value else "false")
        elif isinstance(value, str):
            parts += (_key(path, ""), _json_str(value))
        elif isinstance(value, Interval):
            parts += (_key(path, "lo"), str(value.lo), _key(path, "hi"), str(value.hi))
        elif isinstance(value, frozenset) and all(isinstance(v, str) for v in value):
            parts += (_key(path, ""), "[" + ", ".join(map(_json_str, sorted(value))) + "]")
        else:  # any other value: as json.dumps writes it
            return _case_fact_dumps(facts, sid)
    parts.append("}")
    return "".join(parts)


def _json_str(text: str) -> str:
    return _ENCODED.get(text) or _encode(text)


def _encode(text: str) -> str:
    encoded: str = json.encoder.encode_basestring_ascii(text)
    if len(_ENCODED) < 4096:  # the vocabulary and the codes: a few hundred strings at most
        _ENCODED[text] = encoded
    return encoded


_ENCODED: dict[str, str] = {}


@functools.cache
def _key(path: str, part: str) -> str:
    return ", " + _json_str(field_name(path, part)) + ": "


def _case_fact_dumps(facts: Facts, sid: str) -> str:
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


_release_hooks: list[Callable[[object], None]] = []


def on_release(hook: Callable[[object], None]) -> None:
    """Register ``hook(owner)``, called by :func:`release` (the durable driver registers here, so
    that a reading set, in a lower layer, can release what the driver holds for it)."""
    if hook not in _release_hooks:
        _release_hooks.append(hook)


def release(owner: object) -> None:
    """Release every engine resource held on behalf of ``owner`` (a reading set)."""
    for hook in list(_release_hooks):
        hook(owner)
