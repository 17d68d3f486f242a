"""What a translated reading asks of durable_rules 2.0.28, counted before the C code ever sees it.

durable_rules keeps its Rete network in fixed-size C tables and does not always fail cleanly when
one is full: past some sizes it refuses the ruleset (errors 106, 107, 108, 113) only after having
allocated a handle it never returns; past others it fails an assertion (303, 304) half-way through
creating a session, loops forever while holding the GIL (a full 512-slot hash table is probed
without end), or reads past a list's end and crashes. So each reading's network is rebuilt here
from the JSON we generate, the way ``createTree``/``createAlpha``/``findAlpha``/``linkAlpha``
(``src/rules/rete.c``) would build it, and counted against :data:`LIMITS`. A reading over any
limit never reaches durable_rules: it runs on the reference evaluator (same semantics).

Each limit names its C constant; ``hard`` is the largest size that works, found in the C code and
checked in a subprocess (``tests/unit/test_capacity.py`` runs the shapes that used to crash, hang
or fail); ``allowed`` keeps a margin below it, because this is a model of the C code, not the code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_OPS = frozenset({"$lt", "$lte", "$gt", "$gte", "$eq", "$neq", "$ex", "$mt", "$imt"})
_ARRAY_OPS = frozenset({"$iany", "$iall"})


@dataclass(frozen=True)
class Limit:
    """One fixed-size table of durable_rules 2.0.28, as it bounds a reading."""

    key: str
    what: str
    constant: str
    hard: int
    allowed: int


#: The limits a reading can meet, with the C constant behind each; ``hard`` was verified (see the
#: module docstring), ``allowed`` is what this engine lets durable_rules run.
LIMITS: tuple[Limit, ...] = (
    # MAX_ACTIONS (rete.c) = 4096 rules per ruleset, the catch-all rule included; past it
    # createTree returns 106 after the handle was created (a leaked handle per attempt).
    Limit("rules", "rules in one reading, with the engine's catch-all rule",
          "MAX_ACTIONS in rete.c", 4096, 4000),
    # MAX_STACK_SIZE (events.c) = 64: handleAlpha pushes every alpha node a fact matches on one
    # fixed stack; one push too many fails assert_fact with 303 and leaves a half-made session.
    Limit("matches", "tests a single fact can match at once",
          "MAX_STACK_SIZE in events.c", 64, 56),
    # NEXT_BUCKET_LENGTH (rules.h) = 512 slots, linearly probed from hash & HASH_MASK; with all
    # 512 used, findAlpha (create_ruleset) and handleAlpha (assert_fact) probe forever.
    Limit("branches", "different tests following one test (or starting a pattern)",
          "NEXT_BUCKET_LENGTH in rules.h", 511, 448),
    # NEXT_LIST_LENGTH (rules.h) = 128 "$nex" children, 0-terminated with no room kept for the
    # terminator: at 128 linkAlpha and handleAlpha read past the list (a crash was seen), and
    # beyond it 107 or a write into the next table, depending on the memory beside it.
    Limit("absence", "absence tests following one test",
          "NEXT_LIST_LENGTH in rules.h", 127, 112),
    # BETA_LIST_LENGTH (rules.h) = 256, 0-terminated with no room kept for the terminator: at
    # 256 handleAlpha reads past the list (a segfault, seen with 256 rules on one derived fact);
    # at 257 linkAlpha fails with 108 or, when the next word is 0, writes past it (both seen).
    Limit("shared", "rules sharing one condition, or one derived fact",
          "BETA_LIST_LENGTH in rules.h", 255, 224),
    # MAX_MESSAGE_FRAMES (state.h) = 16 facts in one match: the case and 15 derived facts;
    # a 17th fails asserting the derived fact with 304.
    Limit("facts", "facts one rule joins (the case and each derived fact it needs)",
          "MAX_MESSAGE_FRAMES in state.h", 16, 14),
    # MAX_SEQUENCE_EXPRESSIONS (rete.h) = 32 entries, 2 per "$and" (AND, END), refused with 113
    # when the 32nd is added; entries come in pairs, so 30 is the most a pattern can have.
    Limit("expressions", "expression entries in one rule's pattern (2 per group of tests)",
          "MAX_SEQUENCE_EXPRESSIONS in rete.h", 30, 28),
)
LIMIT_BY_KEY: Mapping[str, Limit] = {limit.key: limit for limit in LIMITS}


@dataclass
class _Alpha:
    """One alpha node: its children (shared when equal, as findAlpha shares them) and betas."""

    children: dict[tuple[str, str, str], _Alpha] = field(default_factory=dict)
    absent: dict[str, _Alpha] = field(default_factory=dict)
    array_children: int = 0
    betas: list[str] = field(default_factory=list)
    field_name: str = ""
    op: str = ""
    value: str = ""


@dataclass(frozen=True)
class Usage:
    """The most a reading uses of each limit, and the first limit it exceeds (or None)."""

    used: Mapping[str, int]
    where: Mapping[str, str]

    def exceeded(self) -> tuple[Limit, int, str] | None:
        """The first limit over its ``allowed`` size: (limit, used, where), or None."""
        for limit in LIMITS:
            if self.used.get(limit.key, 0) > limit.allowed:
                return limit, self.used[limit.key], self.where.get(limit.key, "")
        return None


def _value_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


class _Builder:
    def __init__(self) -> None:
        self.root = _Alpha()
        self.used: dict[str, int] = {limit.key: 0 for limit in LIMITS}
        self.where: dict[str, str] = {}
        self._unique = 0

    def note(self, key: str, used: int, where: str) -> None:
        if used > self.used[key]:
            self.used[key] = used
            self.where[key] = where

    def child(self, parent: _Alpha, name: str, op: str, value: Any, rule: str) -> _Alpha:
        if op == "$nex":
            node = parent.absent.setdefault(name, _Alpha(field_name=name, op=op))
            self.note("absence", len(parent.absent), f"rule '{rule}'")
            return node
        if op in _ARRAY_OPS or op in {"$mt", "$imt"}:
            # findAlpha never shares "$iany"/"$iall" nodes (it skips comparing them), nor
            # "$mt"/"$imt" ones (compareValue meets a stored regex with a string, never equal):
            # each is a new sibling.
            self._unique += 1
            key = (name, op, f"#{self._unique}")
        else:
            key = (name, op, _value_key(value))
        found = parent.children.get(key)
        if found is None:
            found = parent.children[key] = _Alpha(field_name=name, op=op, value=key[2])
            self.note("branches", len(parent.children), f"rule '{rule}'")
        return found

    def chain(self, terms: list[Any], start: _Alpha, rule: str) -> tuple[_Alpha, int]:
        """Walk an "$and" list from ``start``; return its last node and its expression entries."""
        node, entries = start, 2
        pending: list[Any] = list(reversed(terms))
        while pending:
            term = pending.pop()
            ((key, value),) = term.items()
            if key == "$and":
                entries += 2
                pending.extend(reversed(value))
            elif key == "$nex" or key in _OPS:
                ((name, operand),) = value.items()
                node = self.child(node, name, key, operand, rule)
            elif key in _ARRAY_OPS:
                ((name, inner),) = value.items()
                node = self.child(node, name, key, inner, rule)
                node.array_children = 1
                if "$and" in inner:
                    entries += 2
            else:
                node = self.child(node, key, "$eq", value, rule)
        return node, entries

    def add_rule(self, rule_id: str, rule: Mapping[str, Any]) -> None:
        patterns = rule["all"]
        self.note("facts", len(patterns), f"rule '{rule_id}'")
        for pattern in patterns:
            ((_alias, condition),) = pattern.items()
            end, entries = self.chain(condition["$and"], self.root, rule_id)
            self.note("expressions", entries, f"rule '{rule_id}'")
            end.betas.append(rule_id)
            self.note("shared", len(end.betas), _shared_where(condition["$and"], end))

    def peak_stack(self) -> int:
        """The deepest handleAlpha's stack can get, assuming every test that can match does."""
        # Post-order without recursion: peak(n) = max(P, P - 1 + max peak(child)), where P is
        # what n can push at once (equality tests on one field and value type match at most once).
        peak: dict[int, int] = {}
        todo: list[tuple[_Alpha, bool]] = [(self.root, False)]
        while todo:
            node, done = todo.pop()
            kids = [*node.children.values(), *node.absent.values()]
            if not done:
                todo.append((node, True))
                todo.extend((kid, False) for kid in kids)
                continue
            groups = {(k.field_name, _json_type(k.value)) for k in node.children.values()
                      if k.op == "$eq"}
            pushes = len(groups) + len(node.absent) + sum(
                1 for k in node.children.values() if k.op != "$eq")
            deepest = max((peak[id(k)] for k in kids), default=0)
            peak[id(node)] = max(pushes, pushes - 1 + deepest) if kids else 0
        return peak[id(self.root)]


def _json_type(text: str) -> str:
    if text in ("true", "false"):
        return "bool"
    return "string" if text.startswith('"') else "other:" + text

def _shared_where(terms: list[Any], node: _Alpha) -> str:
    names = [t["name"] for t in terms if "name" in t]
    if names:
        return f"derived fact '{names[0]}'"
    if len(terms) <= 2:
        return "rules that test no case fact, and the engine's catch-all rule"
    return f"the conditions of rule '{node.betas[0]}'"


def usage(rules: Mapping[str, Mapping[str, Any]]) -> Usage:
    """Count what the ruleset ``rules`` (our translation's JSON, as data) uses of each limit."""
    builder = _Builder()
    builder.note("rules", len(rules), "the whole reading")
    for rule_id, rule in rules.items():
        builder.add_rule(rule_id, rule)
    builder.note("matches", builder.peak_stack(), "the tests on one case or derived fact")
    return Usage(dict(builder.used), dict(builder.where))


def describe(limit: Limit, used: int, where: str) -> str:
    """The note an outcome carries for a reading over ``limit``."""
    return (f"durable_rules limit exceeded: {used} {limit.what} ({where}); durable_rules 2.0.28 "
            f"allows {limit.hard} ({limit.constant}), this engine uses it up to {limit.allowed}")
