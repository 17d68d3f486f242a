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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from engine.analysis.domains import combinations, describe, example_case, read_paths
from engine.base.errors import EvaluationError
from engine.base.frozen import freeze
from engine.base.vocabulary import QUESTIONS, Question
from engine.cases.facts import FactValue
from engine.readings.model import Reading
from engine.run.logic import all_true
from engine.run.outcome import Decision
from engine.run.reference import fire_reference
from engine.run.resolve import decide

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


def _key(reading: Reading, facts: dict[str, FactValue], paths: Sequence[str],
         labels: dict[tuple[str, object], str]) -> Key:
    """The combination's values of ``paths`` (sorted) in words; ``labels`` keeps each value's
    words, which a reading's hundreds of thousands of combinations share."""
    out = []
    for p in paths:
        value = facts.get(p)  # an abstract value of the domains: hashable
        label = labels.get((p, value))
        if label is None:
            label = labels[(p, value)] = describe(reading, p, value)
        out.append((p, label))
    return tuple(out)


def _matches(pattern: Key, key: Key) -> bool:
    for (_, wanted), (_, value) in zip(pattern, key, strict=True):
        if wanted != _ANY and wanted != value:
            return False
    return True


def _generalise(gaps: set[Key], seen: set[Key]) -> list[Key]:
    """Cover the gap combinations with few patterns, each widened fact by fact while no
    answered combination matches it (so a pattern never hides an answered case)."""
    answered = [k for k in seen if k not in gaps]
    patterns: list[Key] = []
    for key in sorted(gaps):
        if any(_matches(p, key) for p in patterns):
            continue
        pattern = list(key)
        for i, (path, _) in enumerate(key):
            trial = (*pattern[:i], (path, _ANY), *pattern[i + 1:])
            if not any(_matches(trial, k) for k in answered):
                pattern[i] = (path, _ANY)
        patterns.append(tuple(pattern))
    return patterns


@dataclass(frozen=True)
class Evaluated:
    """One combination of :func:`combinations` and what the reading makes of it: the rules
    fired, and the decisions and defeated rules, or the conflict that stopped deciding."""

    facts: dict[str, FactValue]
    fired: tuple[str, ...]
    decisions: Mapping[Question, Decision] | None
    defeated_by: Mapping[str, list[str]]
    conflict: EvaluationError | None


# The last reading's evaluated combinations: `check` verifies a reading and then proves its
# invariants over the same combinations, which are evaluated once for both. The reading is held
# so that the entry is found only for the very same compiled reading.
_last: tuple[Reading, list[Evaluated]] | None = None


def evaluated_combinations(reading: Reading) -> list[Evaluated]:
    """Every combination of :func:`combinations`, in order, evaluated on the reference
    evaluator (kept for the next call on the same reading)."""
    global _last
    last = _last
    if last is not None and last[0] is reading:
        return last[1]
    out = []
    for facts in combinations(reading):
        fired = fire_reference(reading, facts)
        try:
            decisions, defeated_by = decide(reading, facts, fired)
        except EvaluationError as exc:
            out.append(Evaluated(facts, tuple(fired), None, {}, exc))
            continue
        out.append(Evaluated(facts, tuple(fired), decisions, defeated_by, None))
    _last = (reading, out)
    return out


def verify(reading: Reading) -> Verification:
    """Enumerate every abstract combination of ``reading``'s facts and report the findings."""
    first_fired: dict[str, dict[str, FactValue]] = {}
    undefeated_ever: set[str] = set()
    conflicts: dict[str, tuple[Finding, int]] = {}
    relevant = {q: sorted(_relevant(reading, q)) for q in QUESTIONS}
    labels: dict[tuple[str, object], str] = {}
    seen: dict[Question, set[Key]] = {q: set() for q in QUESTIONS}
    gaps: dict[Question, dict[Key, tuple[dict[str, FactValue], bool]]] = {q: {} for q in QUESTIONS}
    count = 0
    for evaluated in evaluated_combinations(reading):
        count += 1
        facts, fired = evaluated.facts, evaluated.fired
        for rid in fired:
            first_fired.setdefault(rid, facts)
        decisions, defeated_by, exc = (evaluated.decisions, evaluated.defeated_by,
                                       evaluated.conflict)
        if exc is not None or decisions is None:
            assert exc is not None
            message = str(exc.problems[0].message)
            found, n = conflicts.get(message, (None, 0))
            conflicts[message] = (found or Finding("conflict", message, example_case(
                facts, f"{reading.id}-conflict-{len(conflicts) + 1}"), tuple(fired)), n + 1)
            continue
        undefeated_ever.update(r for r in fired if r not in defeated_by)
        for q in QUESTIONS:
            key = _key(reading, facts, relevant[q], labels)
            seen[q].add(key)
            if decisions[q].answer == "not_addressed":
                intended = any(q in g.questions and all_true(g.tests, facts)
                               for g in reading.gaps)
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
        members = [k for k in gaps if _matches(pattern, k)]
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
