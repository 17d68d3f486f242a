"""Disputed facts as the sets of their claimed values: a reading evaluated on every combination.

A fact whose claims differ, on an account that picks none of them, is not unknown: it is one of
its claimed values, and nobody has said which. A reading's answer to a question is the answer
that every combination of the claimed values of the disputed facts it reads gives, and
``indeterminate`` when two combinations answer differently. Each claimed value is evaluated as
written (a time as its own interval, never a hull of two claims), so no doubt is invented between
claims that lead to the same answer.

Rules compare a time only with instants and any other fact only with values, so a reading cannot
tell apart two values on the same side of every instant it compares that fact with (or two equal
values): such values form one *class*, and each combination of classes is evaluated once.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from engine.base.frozen import FrozenDict, freeze
from engine.base.vocabulary import QUESTIONS, Question
from engine.cases.catalogue import FIELD_FACTS
from engine.cases.claims import as_written, claimed_values, with_fact
from engine.cases.facts import Facts, FactValue, case_facts
from engine.cases.record import CaseRecord
from engine.cases.timeval import Interval
from engine.readings.model import Reading
from engine.run.outcome import Combination, Decision, Dispute, Outcome

#: The most combinations of classes evaluated for one reading on one case; beyond it the answers
#: that every evaluated combination gives cannot be shown firm, and the outcome says so.
MAX_EVALUATED = 1024
#: The most combinations of claimed values an outcome lists (the answers cover them all).
MAX_LISTED = 64
@dataclass(frozen=True)
class Choice:
    """One distinct claimed value of a disputed fact: who claims it, the facts it gives (an
    absent fact is unknown), and its class (values the reading cannot tell apart share one)."""

    value: Any
    claimed_by: tuple[str, ...]
    facts: Mapping[str, FactValue]
    kind: int


@dataclass(frozen=True)
class Result:
    """What a reading gives on one combination: decisions, flags, and the rules fired in order."""

    decisions: Mapping[str, Decision]
    flags: Sequence[str]
    fired: Sequence[str]

    def answer(self, question: str) -> str:
        """The answer to ``question``."""
        return self.decisions[question].answer


@dataclass(frozen=True)
class Disputed:
    """A disputed case field that a reading reads: its claimed values, and how many classes."""

    field: str
    paths: tuple[str, ...]
    choices: tuple[Choice, ...]
    classes: int


def read_paths(reading: Reading) -> frozenset[str]:
    """The fact paths the rules of ``reading`` test."""
    hit = _READ.get(id(reading))
    if hit is None or hit[0] is not reading:
        if len(_READ) >= 256:
            _READ.clear()
        hit = _READ[id(reading)] = reading, frozenset(
            t.path for rule in reading.rules for t in rule.tests)
    return hit[1]


# Per reading, by identity (the reading is kept so that its id is not reused while it lives).
_READ: dict[int, tuple[Reading, frozenset[str]]] = {}


def abstract(reading: Reading, path: str, value: FactValue | None) -> object:
    """What ``reading`` can tell of ``value``: a time's side of each instant the rules compare
    ``path`` with, any other value itself (None: unknown)."""
    if not isinstance(value, Interval):
        return value
    instants = sorted({t.instant for rule in reading.rules for t in rule.tests
                       if t.path == path and t.instant is not None})
    return tuple(value.compare(i) for i in instants)


# The facts a claimed value gives depend on the field, the value, the holder (whether the side
# is adverse) and the zone of local times: cached on those, as counterfactual searches ask for the
# same claimed values over and over on changed cases.
_VALUE_FACTS: dict[tuple[object, ...], dict[str, FactValue]] = {}
_VALUE_FACTS_MAX = 4096


def _value_facts(record: CaseRecord, field: str, value: Any,
                 offset: tzinfo) -> dict[str, FactValue]:
    def compute() -> dict[str, FactValue]:
        facts = case_facts(with_fact(record, field, value), offset)
        return {p: facts[p] for p in FIELD_FACTS.get(field, (field,)) if p in facts}

    key = (field, value, record.detaining_party, record.capture.timezone, offset)
    try:
        cached = _VALUE_FACTS.get(key)
    except TypeError:  # a value that cannot be a key: computed every time
        return compute()
    if cached is None:
        if len(_VALUE_FACTS) >= _VALUE_FACTS_MAX:
            _VALUE_FACTS.clear()
        cached = _VALUE_FACTS[key] = compute()
    return cached


def disputed(reading: Reading, record: CaseRecord, offset: tzinfo) -> list[Disputed]:
    """The facts of ``record`` whose claims differ and that ``reading``'s rules read, in the
    order of the claims, each with its distinct claimed values in file order."""
    read = read_paths(reading)
    out: list[Disputed] = []
    for field, claims in record.claims.items():
        values = claimed_values(claims)
        paths = tuple(p for p in FIELD_FACTS.get(field, (field,)) if p in read)
        if len(values) < 2 or not paths:
            continue
        keys: dict[tuple[object, ...], int] = {}
        choices = []
        for value, who in values:
            mine = _value_facts(record, field, value, offset)
            kind = keys.setdefault(tuple(abstract(reading, p, mine.get(p)) for p in paths),
                                   len(keys))
            choices.append(Choice(value, who, mine, kind))
        out.append(Disputed(field, paths, tuple(choices), len(keys)))
    return out


def class_combinations(disputes: Sequence[Disputed]) -> Iterator[tuple[int, ...]]:
    """Every combination of classes, the first classes first (so the first claims lead)."""
    return itertools.product(*(range(d.classes) for d in disputes))


def class_count(disputes: Sequence[Disputed]) -> int:
    """How many combinations of classes there are."""
    n = 1
    for d in disputes:
        n *= d.classes
    return n


def combination_facts(facts: Facts, disputes: Sequence[Disputed],
                      kinds: Sequence[int]) -> dict[str, FactValue]:
    """``facts`` with each disputed fact set to the first claimed value of the given class."""
    out = dict(facts)
    for d, kind in zip(disputes, kinds, strict=True):
        choice = next(c for c in d.choices if c.kind == kind)
        for path in FIELD_FACTS.get(d.field, (d.field,)):
            out.pop(path, None)
        out.update(choice.facts)
    return out


def fold(answers: Iterable[str]) -> str:
    """The one answer every combination gives, else ``indeterminate``."""
    distinct = set(answers)
    return distinct.pop() if len(distinct) == 1 else "indeterminate"


def _material(disputes: Sequence[Disputed], results: Mapping[tuple[int, ...], Result],
              question: Question) -> list[str]:
    """The disputed fields whose claimed values, the others held, give different answers."""
    out = []
    for i, d in enumerate(disputes):
        if any(results[k].answer(question) != results[o].answer(question)
               for k in results for c in range(d.classes)
               for o in [(*k[:i], c, *k[i + 1:])] if o in results):
            out.append(d.field)
    return out


def _bound_note(total: int, evaluated: int, all_listed: bool) -> str | None:
    notes = []
    if evaluated < total:
        notes.append(f"only {evaluated} of the {total} combinations the rules tell apart were "
                     "evaluated (the bound), and only those are listed: an answer they share is "
                     "not shown firm")
    if not all_listed:
        notes.append(f"only the first {MAX_LISTED} combinations of claimed values are listed")
    return "; ".join(notes) or None


def _combinations(disputes: Sequence[Disputed],
                  results: Mapping[tuple[int, ...], Result]) -> tuple[list[Combination], bool]:
    """The evaluated combinations of claimed values, in order, up to :data:`MAX_LISTED`; and
    whether that is all the evaluated ones."""
    listed: list[Combination] = []
    # Past the bound of evaluations most combinations have no result: scan a bounded stretch.
    scan = itertools.islice(itertools.product(*(d.choices for d in disputes)),
                            MAX_EVALUATED * MAX_LISTED)
    for combo in scan:
        kinds = tuple(c.kind for c in combo)
        if kinds not in results:
            continue
        if len(listed) == MAX_LISTED:
            return listed, False
        r = results[kinds]
        listed.append(Combination(
            values={d.field: freeze(as_written(c.value))
                    for d, c in zip(disputes, combo, strict=True)},
            claimed_by={d.field: list(c.claimed_by)
                        for d, c in zip(disputes, combo, strict=True)},
            status=r.answer("status"), point8=r.answer("point8"), release=r.answer("release"),
            by={q: list(r.decisions[q].by) for q in QUESTIONS if r.decisions[q].by},
            fired=list(r.fired), flags=list(r.flags)))
    return listed, True


def combine(disputes: Sequence[Disputed], first: Outcome,
            results: Mapping[tuple[int, ...], Result]) -> Outcome:
    """One outcome from the results of the combinations of classes (the first combination,
    whose full outcome is ``first``, among them): per question the answer every combination
    gives, else ``indeterminate``; the trace of the first combination; the combinations."""
    total = class_count(disputes)
    complete = len(results) == total
    fields = [d.field for d in disputes]
    paths = {d.field: d.paths for d in disputes}
    decisions: dict[str, Decision] = {}
    for q in QUESTIONS:
        seen = {r.decisions[q].answer for r in results.values()}
        unknown = {f for r in results.values() for f in r.decisions[q].unknown}
        if len(seen) == 1 and complete:
            decisions[q] = Decision(answer=seen.pop(), by=list(first.decisions[q].by),
                                    unknown=sorted(unknown), holds_over=fields)
            continue
        depends = _material(disputes, results, q)
        # A cut evaluation cannot show that the answer holds: every field may matter.
        opened = depends or fields
        decisions[q] = Decision(answer="indeterminate",
                                unknown=sorted(unknown | {p for f in opened for p in paths[f]}),
                                depends_on=depends)
    listed, all_listed = _combinations(disputes, results)
    note = _bound_note(total, len(results), all_listed)
    return first.model_copy(update={
        "status": decisions["status"].answer, "point8": decisions["point8"].answer,
        "release": decisions["release"].answer,
        # model_copy does not validate: give these fields the read-only types validation would.
        "flags": tuple(f for f in first.flags if all(f in r.flags for r in results.values())),
        "unknown": tuple(sorted({f for d in decisions.values() for f in d.unknown})),
        "decisions": FrozenDict(decisions),
        "dispute": Dispute(facts=fields, combinations=listed, distinct=total,
                           evaluated=len(results),
                           complete=complete and all_listed, note=note)})


def material(outcome: Outcome) -> set[str]:
    """The disputed fields on whose claims some answer of ``outcome`` depends (every disputed
    field it reads, when a bound left that undecided)."""
    if outcome.dispute is None:
        return set()
    if outcome.dispute.evaluated < outcome.dispute.distinct:
        return set(outcome.dispute.facts)
    return {f for d in outcome.decisions.values() for f in d.depends_on}
