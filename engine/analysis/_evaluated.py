"""Every abstract combination of a reading's facts, evaluated once for verification and proofs.

A rule's firing, and everything the resolver decides, depends on the facts only through the
three-valued result of each of the reading's rule tests (:func:`engine.run.logic.holds`), and a
test reads one fact. The combinations are the product of groups of facts (:func:`.domains`), so
each group's values fall into classes that give every rule test the same result; combinations
whose groups' values are in the same classes get the same firings and decisions, which are
computed once per such class combination and shared (they are immutable).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engine.analysis.domains import Index, base_facts, domains, indexed_combinations
from engine.base.errors import EvaluationError
from engine.base.vocabulary import Question
from engine.cases.facts import FactValue
from engine.readings.model import Reading
from engine.run.logic import holds
from engine.run.outcome import Decision
from engine.run.reference import fire_reference
from engine.run.resolve import decide


@dataclass(frozen=True)
class Evaluated:
    """One combination of :func:`.domains.combinations` and what the reading makes of it: the
    rules fired, and the decisions and defeated rules, or the conflict that stopped deciding;
    ``index``: its place in the product of the reading's :func:`.domains`."""

    facts: dict[str, FactValue]
    fired: tuple[str, ...]
    decisions: Mapping[Question, Decision] | None
    defeated_by: Mapping[str, list[str]]
    conflict: EvaluationError | None
    index: Index


_Answer = tuple[tuple[str, ...], Mapping[Question, Decision] | None, Mapping[str, list[str]],
                EvaluationError | None]


def _classes(reading: Reading, groups: Sequence[Sequence[dict[str, FactValue]]],
             ) -> list[list[int]] | None:
    """Per group, each value's class: values with the same result on every rule test that reads
    the group's facts share one. None where two groups set the same fact (then a value's class
    would not be its own business)."""
    owner: dict[str, int] = {}
    for g, group in enumerate(groups):
        for path in {p for value in group for p in value}:
            if owner.setdefault(path, g) != g:
                return None
    tests = [t for rule in reading.rules for t in rule.tests]
    out: list[list[int]] = []
    for g, group in enumerate(groups):
        mine = [t for t in tests if owner.get(t.path) == g]
        ids: dict[tuple[bool | None, ...], int] = {}
        out.append([ids.setdefault(tuple(holds(t, base_facts() | value) for t in mine), len(ids))
                    for value in group])
    return out


def _evaluate(reading: Reading, facts: dict[str, FactValue]) -> _Answer:
    fired = fire_reference(reading, facts)
    try:
        decisions, defeated_by = decide(reading, facts, fired)
    except EvaluationError as exc:
        return tuple(fired), None, {}, exc
    return tuple(fired), decisions, defeated_by, None


# The last reading's evaluated combinations: `check` verifies a reading and then proves its
# invariants over the same combinations, which are evaluated once for both. The reading is held
# so that the entry is found only for the very same compiled reading.
_last: tuple[Reading, list[Evaluated]] | None = None


def evaluated_combinations(reading: Reading) -> list[Evaluated]:
    """Every combination of :func:`.domains.combinations`, in order, evaluated on the reference
    evaluator (kept for the next call on the same reading)."""
    global _last
    last = _last
    if last is not None and last[0] is reading:
        return last[1]
    groups = domains(reading)
    classes = _classes(reading, groups)
    known: dict[tuple[int, ...], _Answer] = {}
    out = []
    for index, facts in indexed_combinations(groups):
        key = index if classes is None else tuple(
            c[i] for c, i in zip(classes, index, strict=True))
        found = known.get(key)
        if found is None:
            found = known[key] = _evaluate(reading, facts)
        out.append(Evaluated(facts, *found, index))
    _last = (reading, out)
    return out
