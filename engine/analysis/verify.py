"""Exhaustive static verification of a reading over the abstract values of the facts it reads.

Every fact a reading's rules test has a small abstract domain: each enum value and unknown; for a
time, a point in each region between the instants the rules compare it with, an interval
straddling each instant, and unknown; for charges, every combination of the classes of charges
the rules distinguish; for the parties, the holder, the other side, a third state and unknown.
The product of those domains is enumerated (not sampled) and each combination is evaluated with
the reference evaluator, which reports:

* conflicts: two undefeated rules answering one question differently;
* gaps: combinations answered ``not_addressed``, unless a declared gap of the reading covers them;
* rules that can never fire, and rules that are overridden whenever they fire.

Every finding comes with a minimal example case (a plain dict, ready to save as a case file).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from engine.base.errors import EvaluationError
from engine.base.frozen import freeze
from engine.base.vocabulary import QUESTIONS, Question
from engine.cases.catalogue import FACTS, party_combinations, territory_values
from engine.cases.constraints import times_possible
from engine.cases.facts import FactValue, render_value
from engine.cases.timeval import Interval, iso_utc
from engine.readings.model import Reading, Test
from engine.run.logic import holds
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


def _all_tests(reading: Reading) -> list[Test]:
    """Every test the reading makes: in rules, and in declared gaps and invariants (whose
    conditions must be decidable on every combination too)."""
    tests = [t for r in reading.rules for t in r.tests]
    tests += [t for g in reading.gaps for t in g.tests]
    tests += [t for i in reading.invariants for t in i.tests]
    return tests


def _read_paths(reading: Reading) -> list[str]:
    extra = {p for i in reading.invariants for p in i.facts}
    return sorted({t.path for t in _all_tests(reading)} | extra)


def _instants(reading: Reading, path: str) -> list[tuple[int, str]]:
    found = {t.instant: t.label for t in _all_tests(reading)
             if t.path == path and t.instant is not None}
    return sorted(found.items())


def region_intervals(instants: Sequence[int], *, straddling: bool = True) -> list[Interval]:
    """A point in each region between sorted ``instants`` (a day beyond the outer ones), then,
    if asked, an interval of two hours straddling each instant."""
    points = [instants[0] - _DAY] + [
        (a + b) // 2 for a, b in itertools.pairwise(instants)] + [instants[-1] + _DAY]
    values = [Interval(p, p + 1) for p in points]
    if straddling:
        values += [Interval(t - _HOUR, t + _HOUR) for t in instants]
    return values


def _time_values(reading: Reading, path: str) -> list[Interval | None]:
    instants = [t for t, _ in _instants(reading, path)]
    if not instants:  # a time no test compares: only known versus unknown can matter
        return [None, Interval(_SOME_TIME, _SOME_TIME + 1)]
    return [None, *region_intervals(instants)]


def _time_label(reading: Reading, path: str, value: Interval) -> str:
    marks = _instants(reading, path)
    if value.hi - value.lo > 1:
        return "straddling " + next(label for t, label in marks if value.lo < t < value.hi)
    after = [label for t, label in marks if value.lo >= t]
    before = [label for t, label in marks if value.hi <= t]
    if after and before:
        return f"after {after[-1]} and before {before[0]}"
    return f"after {after[-1]}" if after else f"before {before[0]}"


def describe(reading: Reading, path: str, value: FactValue | None) -> str:
    """An abstract fact value in words: ``unknown``, ``before ceasefire``, ``[murder]``."""
    if value is None:
        return "unknown"
    if isinstance(value, Interval):
        return _time_label(reading, path, value)
    return render_value(value)


def charge_classes(sets: Sequence[frozenset[str]]) -> list[str]:
    """One charge standing for each class of charges that membership in ``sets`` tells apart."""
    atoms: dict[tuple[bool, ...], str] = {}
    for charge in FACTS["proceedings.charges"].values:
        atoms.setdefault(tuple(charge in s for s in sets), charge)
    return list(atoms.values())


def _charge_values(reading: Reading, path: str) -> list[frozenset[str]]:
    reps = charge_classes([frozenset(str(v) for v in t.operand) for t in _all_tests(reading)
                           if t.path == path])
    return [frozenset(c) for n in range(len(reps) + 1) for c in itertools.combinations(reps, n)]


def _party_values(reading: Reading, paths: list[str]) -> list[dict[str, FactValue]]:
    combos = party_combinations(reading.party, nationality="detainee.nationality" in paths)
    return [{k: v for k, v in c.items() if isinstance(v, str | bool)} for c in combos]


_PARTY_PATHS = {"detaining_party", "detainee.side", "detainee.adverse", "detainee.nationality"}


def domains(reading: Reading) -> list[list[dict[str, FactValue]]]:
    """Per group of related facts, the abstract values to enumerate (as partial fact dicts)."""
    paths = _read_paths(reading)
    groups: list[list[dict[str, FactValue]]] = []
    if _PARTY_PATHS & set(paths):
        groups.append(_party_values(reading, paths))
    for path in paths:
        kind = FACTS[path].kind
        if path in _PARTY_PATHS:
            continue
        if kind == "party":
            # Its own group, apart from the detaining party's: an independence proof varies one
            # group at a time, and varying where the capture happened must not vary who holds
            # the person. The holder and both sides are present, so the AM/AZ swap is too.
            groups.append([{} if v is None else {path: v} for v in territory_values(reading.party)])
        elif kind == "enum":
            unknown: list[dict[str, FactValue]] = [] if path == "proceedings.stage" else [{}]
            known: list[dict[str, FactValue]] = [{path: v} for v in FACTS[path].values]
            groups.append(known + unknown)
        elif kind == "time":
            groups.append([{} if v is None else {path: v} for v in _time_values(reading, path)])
        elif kind == "charges":
            groups.append([{path: v} for v in _charge_values(reading, path)])
    return groups


def combinations(reading: Reading) -> Iterator[dict[str, FactValue]]:
    """Every combination of abstract fact values the reading's rules can tell apart, among
    those the case constraints allow (:mod:`engine.cases.constraints`)."""
    for parts in itertools.product(*domains(reading)):
        facts: dict[str, FactValue] = {"proceedings.stage": "none",
                                       "proceedings.charges": frozenset()}
        for part in parts:
            facts.update(part)
        if times_possible(facts):
            yield facts


def case_time(value: Interval) -> str | dict[str, str]:
    """An interval as a case file writes it: an instant, or a range ``{from, to}``."""
    if value.hi - value.lo <= 1:
        return iso_utc(value.lo)
    return {"from": iso_utc(value.lo), "to": iso_utc(value.hi - 1)}


def _time(value: FactValue) -> str | dict[str, str]:
    assert isinstance(value, Interval)
    return case_time(value)


def example_case(facts: dict[str, FactValue], case_id: str) -> dict[str, Any]:
    """A minimal case file (as a dict) whose facts are ``facts``; other fields unknown."""
    case: dict[str, Any] = {
        "id": case_id,
        "detaining_party": facts.get("detaining_party", "AZ"),
        "detainee": {"affiliation": facts.get("detainee.affiliation", "unknown"),
                     "side": facts.get("detainee.side", "unknown")},
        "capture": {"circumstances": facts.get("capture.circumstances", "unknown")},
    }
    if "detainee.nationality" in facts:
        case["detainee"]["nationality"] = facts["detainee.nationality"]
    if "capture.territory" in facts:
        case["capture"]["territory"] = facts["capture.territory"]
    if "capture.time" in facts:
        case["capture"]["time"] = _time(facts["capture.time"])
    if "entry.time" in facts:
        case["entry"] = {"time": _time(facts["entry.time"])}
    charges = facts.get("proceedings.charges", frozenset())
    assert isinstance(charges, frozenset)
    if facts.get("proceedings.stage", "none") != "none" or charges:
        case["proceedings"] = {"stage": facts.get("proceedings.stage", "none"),
                               "charges": sorted(charges)}
    return case


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


def _key(reading: Reading, facts: dict[str, FactValue], paths: set[str]) -> Key:
    return tuple(sorted((p, describe(reading, p, facts.get(p))) for p in paths))


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


def verify(reading: Reading) -> Verification:
    """Enumerate every abstract combination of ``reading``'s facts and report the findings."""
    first_fired: dict[str, dict[str, FactValue]] = {}
    undefeated_ever: set[str] = set()
    conflicts: dict[str, tuple[Finding, int]] = {}
    relevant = {q: _relevant(reading, q) for q in QUESTIONS}
    seen: dict[Question, set[Key]] = {q: set() for q in QUESTIONS}
    gaps: dict[Question, dict[Key, tuple[dict[str, FactValue], bool]]] = {q: {} for q in QUESTIONS}
    count = 0
    for facts in combinations(reading):
        count += 1
        fired = fire_reference(reading, facts)
        for rid in fired:
            first_fired.setdefault(rid, facts)
        try:
            decisions, defeated_by = decide(reading, facts, fired)
        except EvaluationError as exc:
            message = str(exc.problems[0].message)
            found, n = conflicts.get(message, (None, 0))
            conflicts[message] = (found or Finding("conflict", message, example_case(
                facts, f"{reading.id}-conflict-{len(conflicts) + 1}"), tuple(fired)), n + 1)
            continue
        undefeated_ever.update(r for r in fired if r not in defeated_by)
        for q in QUESTIONS:
            key = _key(reading, facts, relevant[q])
            seen[q].add(key)
            if decisions[q].answer == "not_addressed":
                intended = any(q in g.questions and all(holds(t, facts) is True for t in g.tests)
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
    return Verification(reading.id, count, tuple(_read_paths(reading)), tuple(findings))


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
