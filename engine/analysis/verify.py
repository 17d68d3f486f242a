"""Exhaustive static verification of a reading over the abstract values of the facts it reads.

The product of the abstract domains of the facts a reading reads (:mod:`.domains`) is enumerated
(not sampled), impossible combinations left out, and each combination is evaluated with the
reference evaluator, which reports:

* conflicts: two undefeated rules answering one question differently;
* gaps: combinations answered ``not_addressed``, unless a declared gap of the reading covers them;
* rules that can never fire, and rules that are overridden whenever they fire.

Every finding comes with a minimal example case (a plain dict, ready to save as a case file).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Literal

from engine.analysis._evaluated import Evaluated, evaluated_combinations
from engine.analysis.domains import describe, example_case, read_paths
from engine.base.frozen import freeze
from engine.base.vocabulary import QUESTIONS, Question
from engine.cases.facts import FactValue
from engine.readings.model import Gap, Reading
from engine.run.logic import all_true

FindingKind = Literal["conflict", "gap", "intended_gap", "dead_rule", "always_overridden",
                      "invariant"]
#: Kinds that make ``legal-status check`` fail; declared (intended) gaps are only reported.
FAILING: frozenset[str] = frozenset({"conflict", "gap", "dead_rule", "always_overridden",
                                     "invariant"})
_DAY, _HOUR = 86_400, 3_600
_SOME_TIME = 1_600_000_000  # 2020-09-13: any instant serves where no test compares the time


@dataclass(frozen=True)
class Finding:
    """One result of the verification, with a minimal example case."""

    kind: FindingKind
    message: str
    example: Mapping[str, Any]
    rules: tuple[str, ...] = ()
    question: Question | None = None
    combinations: int = 1

    def __post_init__(self) -> None:
        # Read-only at every depth, like everything the library returns (engine.base.frozen).
        object.__setattr__(self, "example", freeze(self.example))


@dataclass(frozen=True)
class Verification:
    """What :func:`verify` found for one reading."""

    reading: str
    combinations: int
    facts: tuple[str, ...]
    findings: tuple[Finding, ...] = field(default=())

    @property
    def failed(self) -> bool:
        """Whether any finding should fail a check (declared gaps do not)."""
        return any(f.kind in FAILING for f in self.findings)


def _relevant(reading: Reading, question: Question) -> set[str]:
    """The facts read by the rules that could answer ``question``, through derived facts."""
    todo = [r for r in reading.rules if r.answer(question) is not None]
    seen: set[str] = set()
    paths: set[str] = set()
    while todo:
        rule = todo.pop()
        if rule.id in seen:
            continue
        seen.add(rule.id)
        paths |= {t.path for t in rule.tests}
        todo += [reading.rule(d) for n in rule.needs for d in reading.derived_by.get(n, ())]
    return paths


Key = tuple[tuple[str, str], ...]
_ANY = "*"


class _Labels(dict[tuple[str, "FactValue | None"], tuple[str, str]]):
    """Each (path, abstract value) in words, as a key holds it: described once, since a
    reading's hundreds of thousands of combinations share them."""

    def __init__(self, reading: Reading) -> None:
        super().__init__()
        self.reading = reading

    def __missing__(self, item: tuple[str, FactValue | None]) -> tuple[str, str]:
        path, value = item
        out = self[item] = (path, describe(self.reading, path, value))
        return out


def _key(facts: dict[str, FactValue], paths: Sequence[str], labels: _Labels) -> Key:
    """The combination's values of ``paths`` (sorted) in words."""
    # One C-level pass: this runs for every combination and question.
    return tuple(map(labels.__getitem__, zip(paths, map(facts.get, paths), strict=True)))


def _nothing(key: Key) -> tuple[()]:
    return ()


def _projection(fixed: tuple[int, ...]) -> Callable[[Key], object]:
    """The values of a key at the positions ``fixed``: a pattern fixing them matches a key
    exactly when both have the same projection."""
    return itemgetter(*fixed) if fixed else _nothing


def _pattern(pattern: Key) -> tuple[Callable[[Key], object], object]:
    """The projection onto the positions ``pattern`` fixes (not ``*``), and its values there:
    a key of the same question matches the pattern when its projection is those values."""
    project = _projection(tuple(i for i, (_, v) in enumerate(pattern) if v != _ANY))
    return project, project(pattern)


def _members(pattern: Key, keys: list[Key]) -> list[Key]:
    """The keys ``pattern`` matches, in order (in one C-level pass: gaps are many)."""
    project, wanted = _pattern(pattern)
    return list(itertools.compress(keys, map(wanted.__eq__, map(project, keys))))


def _matcher(pattern: Key) -> Callable[[Key], bool]:
    """Whether a key of the same question matches ``pattern``."""
    project, wanted = _pattern(pattern)
    return lambda key: project(key) == wanted


def _generalise(gaps: set[Key], seen: set[Key]) -> list[Key]:
    """Cover the gap combinations with few patterns, each widened fact by fact while no
    answered combination matches it (so a pattern never hides an answered case)."""
    answered = [k for k in seen if k not in gaps]
    # By the positions a trial pattern fixes, the answered keys' values there: a trial hides an
    # answered key when its own values there are among them (one set per set of positions).
    answered_at: dict[tuple[int, ...], set[object]] = {}
    patterns: list[Key] = []
    matchers: list[Callable[[Key], bool]] = []
    for key in sorted(gaps):
        if any(m(key) for m in matchers):
            continue
        fixed = tuple(range(len(key)))
        for i in range(len(key)):
            trial = tuple(j for j in fixed if j != i)
            project = _projection(trial)
            at = answered_at.get(trial)
            if at is None:
                at = answered_at[trial] = set(map(project, answered))
            if project(key) not in at:
                fixed = trial
        pattern = tuple((p, v) if i in fixed else (p, _ANY) for i, (p, v) in enumerate(key))
        patterns.append(pattern)
        matchers.append(_matcher(pattern))
    return patterns


def verify(reading: Reading, evaluated: Sequence[Evaluated] | None = None) -> Verification:
    """Enumerate every abstract combination of ``reading``'s facts and report the findings.

    ``evaluated``: the combinations already evaluated (:func:`engine.analysis.proofs.
    verify_and_prove` evaluates them once for both)."""
    first_fired: dict[str, dict[str, FactValue]] = {}
    undefeated_ever: set[str] = set()
    conflicts: dict[str, tuple[Finding, int]] = {}
    relevant = {q: sorted(_relevant(reading, q)) for q in QUESTIONS}
    labels = _Labels(reading)
    seen: dict[Question, set[Key]] = {q: set() for q in QUESTIONS}
    gaps: dict[Question, dict[Key, tuple[dict[str, FactValue], bool]]] = {q: {} for q in QUESTIONS}
    count = 0
    for one in evaluated_combinations(reading) if evaluated is None else evaluated:
        count += 1
        facts, fired = one.facts, one.fired
        for rid in fired:
            first_fired.setdefault(rid, facts)
        decisions, defeated_by, exc = one.decisions, one.defeated_by, one.conflict
        if exc is not None or decisions is None:
            assert exc is not None
            message = str(exc.problems[0].message)
            found, n = conflicts.get(message, (None, 0))
            conflicts[message] = (found or Finding("conflict", message, example_case(
                facts, f"{reading.id}-conflict-{len(conflicts) + 1}"), tuple(fired)), n + 1)
            continue
        undefeated_ever.update(r for r in fired if r not in defeated_by)
        declared: list[Gap] | None = None
        for q in QUESTIONS:
            key = _key(facts, relevant[q], labels)
            seen[q].add(key)
            if decisions[q].answer == "not_addressed":
                if declared is None:  # the declared gaps this combination meets: once
                    declared = [g for g in reading.gaps if all_true(g.tests, facts)]
                intended = any(q in g.questions for g in declared)
                old = gaps[q].get(key)
                gaps[q][key] = (facts, (old[1] if old else True) and intended)
    findings = [_counted(f, n) for f, n in conflicts.values()]
    for q in QUESTIONS:
        findings += _gap_findings(reading, q, gaps[q], seen[q])
    for rule in reading.rules:
        if rule.id not in first_fired:
            # No example can exist: no combination of facts makes the rule fire.
            findings.append(Finding("dead_rule", f"rule '{rule.id}' can never fire",
                                    {}, (rule.id,)))
        elif rule.id not in undefeated_ever:
            findings.append(Finding(
                "always_overridden", f"rule '{rule.id}' is overridden whenever it fires",
                example_case(first_fired[rule.id], f"{reading.id}-overridden-{rule.id}"),
                (rule.id,)))
    return Verification(reading.id, count, tuple(read_paths(reading)), tuple(findings))


def _gap_findings(reading: Reading, question: Question,
                  gaps: dict[Key, tuple[dict[str, FactValue], bool]],
                  seen: set[Key]) -> list[Finding]:
    out: list[Finding] = []
    for n, pattern in enumerate(_generalise(set(gaps), seen), 1):
        members = _members(pattern, list(gaps))
        undeclared = [k for k in members if not gaps[k][1]]
        shown = ", ".join(f"{p} {v}" if v.startswith(("before", "after", "straddling"))
                          else f"{p}={v}" for p, v in pattern if v != _ANY)
        example_key = undeclared[0] if undeclared else members[0]
        kind: FindingKind = "gap" if undeclared else "intended_gap"
        where = f"when {shown}" if shown else "in every case"
        out.append(Finding(kind, f"{question} is not_addressed {where}",
                           example_case(gaps[example_key][0], f"{reading.id}-gap-{question}-{n}"),
                           question=question, combinations=len(undeclared or members)))
    return out


def _counted(finding: Finding, n: int) -> Finding:
    return Finding(finding.kind, finding.message, finding.example, finding.rules,
                   finding.question, n)
