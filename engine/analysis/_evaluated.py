"""Every abstract combination of a reading's facts, evaluated once for verification and proofs.

Which rules fire, and everything the resolver decides, depends on the facts only through what
each rule's tests make of them (:class:`_Shared`); combinations alike in that get the same
firings and decisions, which are computed once and shared (they are immutable): for
``azerbaijan``, 5,408 evaluations for 239,760 combinations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import getitem
from typing import NamedTuple

from engine.analysis.domains import Index, base_facts, domains, indexed_combinations
from engine.base.errors import EvaluationError
from engine.base.vocabulary import Question
from engine.cases.facts import FactValue
from engine.readings.model import Reading, Test
from engine.run.logic import holds
from engine.run.outcome import Decision
from engine.run.reference import fire_reference
from engine.run.resolve import decide


class Evaluated(NamedTuple):
    """One combination of :func:`.domains.combinations` and what the reading makes of it: the
    rules fired, and the decisions and defeated rules, or the conflict that stopped deciding;
    ``at``: its place in the product of the reading's :func:`.domains`."""

    facts: dict[str, FactValue]
    fired: tuple[str, ...]
    decisions: Mapping[Question, Decision] | None
    defeated_by: Mapping[str, list[str]]
    conflict: EvaluationError | None
    at: Index


_Answer = tuple[tuple[str, ...], Mapping[Question, Decision] | None, Mapping[str, list[str]],
                EvaluationError | None]
#: What a rule's tests make of some facts: whether one is false, and the facts of the undecided.
_Said = tuple[bool, frozenset[str]]


def _said(tests: Sequence[Test], facts: Mapping[str, FactValue]) -> _Said:
    found = [(t.path, holds(t, facts)) for t in tests]
    return any(h is False for _, h in found), frozenset(p for p, h in found if h is None)


class _Shared:
    """The answers of one reading by what its rule tests make of the facts.

    Firing (a rule fires when none of its tests is false or undecided) and deciding (a rule is
    ruled out by a false test; its undecided tests' facts keep an answer open) read the facts
    only through what each rule's tests make of them (:data:`_Said`). Each test reads one fact,
    which one group sets, so a rule's :data:`_Said` is its groups' parts put together; a group's
    values that give every rule the same part form one class. Answers are then kept by the
    classes of a combination's values, and evaluated once per distinct :data:`_Said` of all the
    rules (5,408 for ``azerbaijan``'s 239,760 combinations)."""

    def __init__(self, reading: Reading, groups: Sequence[Sequence[dict[str, FactValue]]],
                 owner: Mapping[str, int]) -> None:
        self.reading = reading
        base = base_facts()
        # Per rule: what its tests on no group's fact say (of the base facts), and per group
        # it reads, what its tests on that group's facts say of each of the group's values.
        self.rules: list[tuple[_Said, list[tuple[int, list[_Said]]]]] = []
        for rule in reading.rules:
            by_group: dict[int, list[Test]] = {}
            for t in rule.tests:
                by_group.setdefault(owner.get(t.path, -1), []).append(t)
            fixed = _said(by_group.pop(-1, []), base)
            self.rules.append((fixed, [(g, [_said(tests, base | v) for v in groups[g]])
                                       for g, tests in sorted(by_group.items())]))
        self.classes: list[list[int]] = []
        for g, group in enumerate(groups):
            ids: dict[tuple[_Said, ...], int] = {}
            self.classes.append([ids.setdefault(tuple(
                parts[i] for _, per in self.rules for h, parts in per if h == g), len(ids))
                for i in range(len(group))])
        self.by_class: dict[tuple[int, ...], _Answer] = {}
        self.by_said: dict[tuple[_Said, ...], _Answer] = {}

    def answer(self, index: Index, facts: dict[str, FactValue]) -> _Answer:
        """What the reading makes of the combination ``index``, whose facts are ``facts``."""
        key = tuple(map(getitem, self.classes, index))
        found = self.by_class.get(key)
        if found is None:
            said = tuple(self._combined(fixed, per, index) for fixed, per in self.rules)
            found = self.by_said.get(said)
            if found is None:
                found = self.by_said[said] = _evaluate(self.reading, facts)
            self.by_class[key] = found
        return found

    @staticmethod
    def _combined(fixed: _Said, per: list[tuple[int, list[_Said]]], index: Index) -> _Said:
        false, undecided = fixed
        for g, parts in per:
            part = parts[index[g]]
            false = false or part[0]
            undecided = undecided | part[1]
        return false, undecided


def _owners(groups: Sequence[Sequence[dict[str, FactValue]]]) -> dict[str, int] | None:
    """The group that sets each fact; None where two groups set the same fact (then what a
    rule's tests say is not a sum of the groups' parts)."""
    owner: dict[str, int] = {}
    for g, group in enumerate(groups):
        for path in {p for value in group for p in value}:
            if owner.setdefault(path, g) != g:
                return None
    return owner


def _evaluate(reading: Reading, facts: dict[str, FactValue]) -> _Answer:
    fired = fire_reference(reading, facts)
    try:
        decisions, defeated_by = decide(reading, facts, fired)
    except EvaluationError as exc:
        return tuple(fired), None, {}, exc
    return tuple(fired), decisions, defeated_by, None


def evaluated_combinations(reading: Reading) -> list[Evaluated]:
    """Every combination of :func:`.domains.combinations`, in order, evaluated on the reference
    evaluator."""
    groups = domains(reading)
    owner = _owners(groups)
    shared = None if owner is None else _Shared(reading, groups, owner)
    out = []
    for index, facts in indexed_combinations(groups):
        found = _evaluate(reading, facts) if shared is None else shared.answer(index, facts)
        out.append(Evaluated(facts, *found, index))
    return out
