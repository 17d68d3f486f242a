"""Exact, bounded search of the smallest changes of facts that change the readings' answers.

Over each fact's abstract values (:mod:`engine.analysis._whatif`), single changes are tried first,
then pairs, and only as far as needed: a pair is searched for a reading and a question only when no
single change changes that answer, so every reported change is minimal (no strictly smaller change
changes the answer). Each candidate is a concrete case, evaluated on the chosen engine; answers are
cached by the abstract values of the facts the reading reads, which is exact because the rules only
compare times with their instants. A budget of evaluations bounds the search, and the result says
when it cut the search short.
"""

from __future__ import annotations

import itertools
import weakref
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo

from engine.analysis import _reduce, _whatif
from engine.analysis.comparison import (
    AgreementChange,
    Counterfactual,
    DependsRow,
    DependsTable,
    FactChange,
)
from engine.base.vocabulary import QUESTIONS, Question
from engine.cases import constraints
from engine.cases.facts import FactValue, case_facts
from engine.cases.record import CaseRecord
from engine.cases.timeval import Interval
from engine.readings.load import ReadingSet
from engine.readings.model import Reading
from engine.run import disputes
from engine.run.evaluate import answers
from engine.run.outcome import EngineName

#: Answers that are no agreement: nobody answers, or the facts leave it open.
NOT_FIRM = frozenset({"indeterminate", "not_addressed"})
MAX_CHANGES = 2
DEFAULT_BUDGET = 20_000
MAX_DEPENDS_ROWS = 64
_MAX_APPLIED = 4096

Answers = dict[Question, str]
ChangesKey = tuple[tuple[str, str, str, tuple[str, ...]], ...]


class Budget(Exception):
    """The search met its bound of evaluations."""


@dataclass
class Probe:
    """Evaluates changed cases under one reading each, caching by abstract facts."""

    readings: ReadingSet
    engine: EngineName
    budget: int = DEFAULT_BUDGET
    evaluations: int = 0
    cut: bool = False
    _cache: dict[tuple[str, tuple[object, ...]], Answers] = field(
        default_factory=dict)
    _read: dict[str, list[tuple[str, list[int]]]] = field(default_factory=dict)
    # Answers by (reading, base case, changes of the fields it reads): the searches try the same
    # changes of the same case once per question, and changes that differ only in fields a
    # reading does not read give it the same facts; a hit skips rebuilding the case and its
    # facts. The base cases are kept in _bases so that their ids stay theirs while the probe lives.
    _changed: dict[tuple[str, int, ChangesKey], Answers] = field(default_factory=dict)
    _bases: dict[int, CaseRecord] = field(default_factory=dict)
    _fields: dict[str, frozenset[str]] = field(default_factory=dict)
    # By (base case, changes): the changed case, and whether it breaks no constraint. The
    # searches try each change once per question and reading: built and checked once.
    _applied: dict[tuple[int, ChangesKey], CaseRecord] = field(default_factory=dict)
    _possible: dict[tuple[int, ChangesKey], bool] = field(default_factory=dict)
    _tables: dict[tuple[tuple[str, int], ...], AgreementTable] = field(default_factory=dict)
    # By case (its id; the case kept, so that a reused id never matches): its facts, which
    # every reading evaluated on it reads.
    _facts: dict[int, tuple[CaseRecord, dict[str, FactValue]]] = field(default_factory=dict)

    def applied(self, case: CaseRecord, changes: Sequence[_whatif.Value],
                known: ChangesKey | None = None) -> CaseRecord:
        """``case`` with ``changes`` applied (:func:`_whatif.apply`), built once per probe
        (``known``: the changes' :func:`changes_key`, where the caller has it)."""
        self._bases.setdefault(id(case), case)
        key = (id(case), changes_key(changes) if known is None else known)
        found = self._applied.get(key)
        if found is None:
            if len(self._applied) >= _MAX_APPLIED:  # bounded: rebuilt rather than grown
                self._applied.clear()
            found = self._applied[key] = _whatif.apply(case, changes)
        return found

    def possible(self, case: CaseRecord, changes: Sequence[_whatif.Value],
                 known: ChangesKey | None = None) -> bool:
        """Whether ``case`` with ``changes`` applied breaks no constraint (checked once)."""
        known = changes_key(changes) if known is None else known
        key = (id(case), known)
        found = self._possible.get(key)
        if found is None:
            # Only the changes of fields the constraints read count: changes that differ in
            # others share one changed case and one check.
            read = [v for v in changes if constraints.reads(v.field)]
            mine = known if len(read) == len(changes) else changes_key(read)
            found = self._possible.get((id(case), mine))
            if found is None:
                found = self._possible[(id(case), mine)] = constraints.possible(
                    self.applied(case, read, mine), self.readings.common.default_offset)
            self._possible[key] = found
        return found

    def agreement_table(self, cases: dict[str, CaseRecord]) -> AgreementTable:
        """The table of :func:`agreement_changes` for these cases (by reading), made once."""
        key = tuple((rid, id(c)) for rid, c in cases.items())
        table = self._tables.get(key)
        if table is None or any(a is not b for a, b in zip(table.cases, cases.values(),
                                                             strict=True)):
            table = self._tables[key] = AgreementTable(tuple(cases.values()))
        return table

    def _key(self, reading: Reading, facts: dict[str, FactValue]) -> tuple[object, ...]:
        """What the rules of ``reading`` can tell of ``facts``: each fact they test, a time by
        its place among the instants they compare it with, any other value itself."""
        read = self._read.get(reading.id)
        if read is None:
            paths = sorted({t.path for r in reading.rules for t in r.tests})
            read = self._read[reading.id] = [
                (p, [m.epoch for m in _whatif.marks([reading], p)]) for p in paths]
        out: list[object] = []
        for path, epochs in read:
            value = facts.get(path)
            if isinstance(value, Interval):
                # Its side of each instant, as two counts: the instants it is wholly at or
                # after, and those its end is after (``Interval.compare`` of each follows).
                ends = bisect_left(epochs, value.hi)
                out.append((min(bisect_right(epochs, value.lo), ends), ends))
            else:
                out.append(value)
        return tuple(out)

    def answers(self, reading: Reading, case: CaseRecord, *, counted: bool = True) -> Answers:
        """The reading's answers on ``case`` (``counted=False`` for the case as it is, which
        the budget does not limit).

        Raises:
            Budget: the bound of evaluations is reached (the result records that it was cut).
        """
        offset = self.readings.common.default_offset
        hit = self._facts.get(id(case))
        if hit is None or hit[0] is not case:
            if len(self._facts) >= _MAX_APPLIED:
                self._facts.clear()
            hit = self._facts[id(case)] = case, case_facts(case, offset)
        facts = hit[1]
        # A disputed fact is the set of its claimed values: every combination is evaluated.
        disputed = disputes.disputed(reading, case, offset)
        if not disputed:
            return self._evaluate(reading, facts, counted)
        if disputes.class_count(disputed) > disputes.MAX_EVALUATED:
            return dict.fromkeys(QUESTIONS, "indeterminate")
        each = [self._evaluate(reading, disputes.combination_facts(facts, disputed, kinds),
                               counted)
                for kinds in disputes.class_combinations(disputed)]
        return {q: disputes.fold(a[q] for a in each) for q in QUESTIONS}

    def changed_answers(self, reading: Reading, case: CaseRecord,
                        changes: Sequence[_whatif.Value], known: ChangesKey | None = None,
                        ) -> Answers:
        """The reading's answers on ``case`` with ``changes`` applied, as :meth:`answers` gives
        them (counted, same budget), without rebuilding a case already tried.

        Raises:
            Budget: the bound of evaluations is reached.
        """
        read = self._fields.get(reading.id)
        if read is None:
            read = self._fields[reading.id] = frozenset(_whatif.case_fields(reading))
        # The other changes cannot change what the reading reads (its facts, their claims), so
        # the answers, the evaluations counted and the budget are those of the full change.
        # The key of the changes kept: the entries of ``known`` for the fields read.
        mine = (changes_key([v for v in changes if v.field in read]) if known is None
                else tuple(k for k in known if k[0] in read))
        key = (reading.id, id(case), mine)
        found = self._changed.get(key)
        if found is None:
            self._bases.setdefault(id(case), case)
            kept = [v for v in changes if v.field in read]
            found = self._changed[key] = self.answers(reading, self.applied(case, kept, mine))
        return found

    def _evaluate(self, reading: Reading, facts: dict[str, FactValue], counted: bool) -> Answers:
        abstract = self._key(reading, facts)
        key = (reading.id, abstract)
        if key not in self._cache:
            if counted and self.evaluations >= self.budget:
                self.cut = True
                raise Budget
            self.evaluations += counted
            self._cache[key] = _shared_answers(self.readings, reading, facts, self.engine,
                                               abstract)
        return self._cache[key]


# Answers by abstract case, shared by every probe (each still counts its own evaluations): the
# searches of different cases, and of one case compared again, meet the same abstract cases, and a
# hit skips the engine. Per reading set and engine (what fires depends on both), the set checked
# through a weak reference (holding it would keep its rulesets registered), so that a reused id
# never matches. Bounded: past the bound it starts again (the answers are the same).
_SHARED: dict[tuple[int, EngineName],
              tuple[weakref.ref[ReadingSet], dict[tuple[str, object], Answers]]] = {}
_MAX_SHARED = 16_384


def _shared_answers(readings: ReadingSet, reading: Reading, facts: dict[str, FactValue],
                    engine: EngineName, abstract: tuple[object, ...]) -> Answers:
    """The answers of ``reading`` on ``facts`` (whose abstract key is ``abstract``), evaluated
    once per reading set, engine and abstract case."""
    hit = _SHARED.get((id(readings), engine))
    if hit is None or hit[0]() is not readings:
        if len(_SHARED) >= 64:
            _SHARED.clear()
        hit = _SHARED[(id(readings), engine)] = weakref.ref(readings), {}
    known = hit[1]
    key = (reading.id, abstract)
    try:
        found = known.get(key)
    except TypeError:  # a fact value that cannot be a key: evaluated every time
        return answers(readings, reading, facts, engine)
    if found is None:
        if len(known) >= _MAX_SHARED:
            known.clear()
        found = known[key] = answers(readings, reading, facts, engine)
    return found


_UNSEEN: tuple[Answers, ...] = ()


@dataclass
class AgreementTable:
    """What :func:`agreement_changes` finds for one set of cases, whatever the question: the
    alternatives, the candidate changes with their keys, and per candidate each reading's
    answers (None: a case it makes impossible). Only what was evaluated is kept, so the search
    of the next question counts and meets the budget as it would have."""

    cases: tuple[CaseRecord, ...]
    alts: dict[str, list[_whatif.Value]] | None = None
    rows: dict[ChangesKey, tuple[Answers, ...] | None] = field(default_factory=dict)
    _candidates: dict[int, list[tuple[tuple[_whatif.Value, ...], ChangesKey]]] = field(
        default_factory=dict)

    def candidates(self, size: int) -> list[tuple[tuple[_whatif.Value, ...], ChangesKey]]:
        """The candidate changes of ``size`` facts, in search order, each with its key."""
        found = self._candidates.get(size)
        if found is None:
            assert self.alts is not None
            found = self._candidates[size] = [(c, changes_key(c))
                                              for c in _candidates(self.alts, size)]
        return found


def changes_key(changes: Sequence[_whatif.Value]) -> ChangesKey:
    """What identifies ``changes`` (in order) as a key: field, text, value and claimants."""
    return tuple((v.field, v.text, repr(v.value), v.claimed_by) for v in changes)


def joins(cf: Counterfactual, answers: Mapping[str, str]) -> bool:
    """Whether ``cf`` gives its reading a firm answer that another reading gives already
    (``answers``: each reading's present answer to ``cf.question``)."""
    return cf.to not in NOT_FIRM and any(a == cf.to for r, a in answers.items()
                                         if r != cf.reading)


def _changes(cases: Sequence[CaseRecord], values: Sequence[_whatif.Value],
             readings: Sequence[Reading], offset: tzinfo) -> list[FactChange]:
    out = []
    for v in values:
        where = _whatif.marks(readings, v.field)
        # Readings on different accounts may start from different values of the fact.
        before = list(dict.fromkeys(_whatif.describe(c, v.field, where, offset) for c in cases))
        out.append(FactChange(fact=v.field, from_=" / ".join(before), to=v.text, value=v.value))
    return out


def _candidates(alts: dict[str, list[_whatif.Value]], size: int,
                ) -> Iterator[tuple[_whatif.Value, ...]]:
    for fields in itertools.combinations(alts, size):
        yield from itertools.product(*(alts[f] for f in fields))


def reading_counterfactuals(probe: Probe, reading: Reading, case: CaseRecord,
                            ) -> list[Counterfactual]:
    """For each question, the smallest changes (one fact, else two) that change the answer of
    ``reading`` on ``case``."""
    offset = probe.readings.common.default_offset
    original = probe.answers(reading, case, counted=False)
    alts = {f: _whatif.alternatives(case, f, [reading], offset)
            for f in _whatif.case_fields(reading)}
    found: dict[Question, list[tuple[tuple[_whatif.Value, ...], str]]] = {q: [] for q in QUESTIONS}
    for size in range(1, MAX_CHANGES + 1):
        open_questions = [q for q in QUESTIONS if not found[q]]
        if not open_questions:
            break
        try:
            for combo in _candidates(alts, size):
                # An impossible case is never reported; the answers come from the cache.
                known = changes_key(combo)
                if not probe.possible(case, combo, known):
                    continue
                answers = probe.changed_answers(reading, case, combo, known)
                for q in open_questions:
                    if answers[q] != original[q]:
                        found[q].append((combo, answers[q]))
        except Budget:
            break
    return [Counterfactual(reading=reading.id, question=q, from_=original[q], to=to,
                           changes=_changes([case], combo, [reading], offset))
            for q in QUESTIONS for combo, to in found[q]]


def agreement_changes(probe: Probe, cases: dict[str, CaseRecord], question: Question,
                      ) -> list[AgreementChange]:
    """The smallest changes (one fact, else two) on which every reading gives one firm answer
    to ``question``. ``cases`` holds each reading's case (on its account of the facts)."""
    readings = [probe.readings.readings[rid] for rid in cases]
    offset = probe.readings.common.default_offset
    table = probe.agreement_table(cases)
    if table.alts is None:
        fields = list(dict.fromkeys(f for r in readings for f in _whatif.case_fields(r)))
        alts: dict[str, list[_whatif.Value]] = {}
        for f in fields:
            merged: dict[str, _whatif.Value] = {}
            for case in cases.values():
                for v in _whatif.alternatives(case, f, readings, offset):
                    merged.setdefault(v.text, v)
            alts[f] = list(merged.values())
        table.alts = alts
    out: list[AgreementChange] = []
    for size in range(1, MAX_CHANGES + 1):
        try:
            for combo, known in table.candidates(size):
                row = table.rows.get(known, _UNSEEN)
                if row is _UNSEEN:
                    # Each reading's answers to every question: the next question reads them.
                    row = table.rows[known] = (
                        tuple(probe.changed_answers(probe.readings.readings[rid], c, combo, known)
                              for rid, c in cases.items())
                        if all(probe.possible(c, combo, known) for c in cases.values()) else None)
                if row is None:
                    continue
                answers = {a[question] for a in row}
                if len(answers) == 1 and not answers & NOT_FIRM:
                    out.append(AgreementChange(question=question, answer=answers.pop(),
                                               changes=_changes(list(cases.values()), combo,
                                                              readings, offset)))
        except Budget:
            break
        if out:
            break
    return out


def depends_table(probe: Probe, reading: Reading, case: CaseRecord, question: Question,
                  open_facts: Sequence[str], *, full: bool = False) -> DependsTable:
    """What ``reading`` would answer to ``question`` for each resolution of ``open_facts``: each
    claimed value of a disputed fact, each possible value of an unknown one; combinations the
    case constraints rule out are left out, and the rows are reduced (:mod:`._reduce`; every
    combination too in ``all_rows`` when ``full``)."""
    offset = probe.readings.common.default_offset
    fields = list(dict.fromkeys(
        f for path in open_facts for f in _whatif.case_fields_of(path)))
    options = [_whatif.resolutions(case, f, reading, offset) for f in fields]
    options = [o for o in options if o]
    rows: list[DependsRow] = []
    complete = True
    for n, combo in enumerate(itertools.product(*options)):
        if n >= MAX_DEPENDS_ROWS:
            complete = False
            break
        if not probe.possible(case, combo):
            continue
        try:
            answer = probe.changed_answers(reading, case, combo)[question]
        except Budget:
            complete = False
            break
        rows.append(DependsRow(values={v.field: v.text for v in combo},
                               set={v.field: v.value for v in combo}, answer=answer,
                               claimed_by={v.field: list(v.claimed_by) for v in combo
                                           if v.claimed_by}))
    facts = [o[0].field for o in options]
    kept, reduced = _reduce.reduce_rows(rows, facts) if complete else (facts, rows)
    return DependsTable(reading=reading.id, question=question, facts=kept, rows=reduced,
                        complete=complete, all_rows=rows if full else None)
