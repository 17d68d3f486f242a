"""Prove a reading's declared invariants exhaustively, over the same abstract combinations as
:mod:`engine.analysis.verify`.

Answers depend only on the facts the rules test, and the combinations enumerate every value of
those facts the rules can tell apart (plus the facts the invariants name), so an invariant that
holds on all of them holds on every case. This complements the search on generated cases in
:mod:`engine.testing.invariants`, which exercises concrete times, zones and case-file forms.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import replace
from operator import itemgetter

from engine.analysis._evaluated import Evaluated, evaluated_combinations
from engine.analysis.domains import Index, base_facts, describe, domains, example_case
from engine.analysis.verify import Finding, Verification, verify
from engine.cases.facts import FactValue
from engine.cases.record import PARTY_SWAP
from engine.readings.model import Invariant, Reading, Test
from engine.run.logic import all_true

Answers = Mapping[str, str]
Row = tuple[dict[str, FactValue], Answers]


def _freeze(facts: Mapping[str, FactValue]) -> Hashable:
    # The paths are unique, so the pairs are ordered by path alone (values never compared).
    return tuple(sorted(facts.items()))


def _swapped(facts: Mapping[str, FactValue]) -> dict[str, FactValue]:
    out = dict(facts)
    for path in ("detaining_party", "detainee.side", "detainee.nationality", "capture.territory"):
        value = facts.get(path)
        if isinstance(value, str):
            out[path] = PARTY_SWAP.get(value, value)
    return out


class _Table:
    """Every possible combination's facts and answers, by its index in the product of the
    groups of :func:`.domains` (the groups set disjoint facts, so a combination's facts are its
    groups' values together). Impossible combinations (left out of the enumeration) prove
    nothing, like those on which the rules conflict (reported as conflicts by
    :mod:`engine.analysis.verify`): neither has a row."""

    def __init__(self, reading: Reading, evaluated: Sequence[Evaluated] | None = None) -> None:
        self.reading = reading
        self.groups = domains(reading)
        self.paths = [set().union(*(v.keys() for v in g)) for g in self.groups]
        self.owner = {p: g for g, paths in enumerate(self.paths) for p in paths}
        self.rows: dict[Index, Row] = {}
        # Each possible combination is evaluated once, for verification and proofs alike; its
        # decisions are shared by every combination the rules cannot tell apart: so are the
        # answers made from them.
        answers: dict[int, tuple[object, Answers]] = {}
        for e in evaluated_combinations(reading) if evaluated is None else evaluated:
            if e.decisions is None:
                continue
            made = answers.get(id(e.decisions))
            if made is None or made[0] is not e.decisions:
                made = answers[id(e.decisions)] = (
                    e.decisions, {q: d.answer for q, d in e.decisions.items()})
            self.rows[e.at] = (e.facts, made[1])
        # Each group's value with AM and AZ swapped, by position (None: no such value).
        self.swap: list[list[int | None]] = []
        for group in self.groups:
            at = {_freeze(v): i for i, v in enumerate(group)}
            self.swap.append([at.get(_freeze(_swapped(v))) for v in group])

    def swapped(self, index: Index) -> Index | None:
        """The combination with AM and AZ swapped, if it is one of the product's."""
        out = []
        for swap, i in zip(self.swap, index, strict=True):
            j = swap[i]
            if j is None:
                return None
            out.append(j)
        return tuple(out)

    def condition(self, inv: Invariant) -> Callable[[Index], bool]:
        """Whether ``inv``'s condition holds on a combination, by its index: each test reads one
        fact, which one group sets (or none: then the base facts hold it), so the condition is
        decided per group value once."""
        base = base_facts()
        mine: dict[int, list[Test]] = {}
        for t in inv.tests:
            g = self.owner.get(t.path)
            if g is None:
                if not all_true((t,), base):
                    return lambda index: False
                continue
            mine.setdefault(g, []).append(t)
        ok = [(g, [all_true(tests, base | v) for v in self.groups[g]])
              for g, tests in mine.items()]

        def holds(index: Index) -> bool:
            for g, values in ok:  # noqa: SIM110 - a loop: no generator per call
                if not values[index[g]]:
                    return False
            return True
        return holds


def _finding(reading: Reading, inv: Invariant, message: str, facts: dict[str, FactValue],
             n: int = 1) -> Finding:
    return Finding("invariant", f"invariant '{inv.id}' fails: {message}",
                   example_case(facts, f"{reading.id}-{inv.id}"), combinations=n)


def _pick(answers: Answers, inv: Invariant) -> dict[str, str]:
    return {q: answers[q] for q in inv.questions}


def _varied(table: _Table, inv: Invariant) -> list[int]:
    """The groups of facts an ``independent_of`` invariant varies (a side also decides whether
    the holder is adverse)."""
    named = {*inv.facts, *(["detainee.side"] if "detainee.adverse" in inv.facts else [])}
    return [g for g, paths in enumerate(table.paths) if paths & named]


def _no_answers(answers: Answers) -> tuple[()]:
    return ()


def _prove(table: _Table, inv: Invariant) -> Finding | None:
    reading, tested = table.reading, 0
    applies = table.condition(inv)
    # The answers an invariant compares, as a tuple (or one answer): compared per row.
    picked: Callable[[Answers], object] = (itemgetter(*inv.questions) if inv.questions
                                           else _no_answers)
    varied = _varied(table, inv)
    for index, (facts, answers) in table.rows.items():
        if not applies(index):
            continue
        if inv.kind == "never":
            tested += 1
            if any(answers[q] == a for q, a in inv.then_answers):
                return _finding(reading, inv, f"the example answers {dict(answers)}", facts)
        elif inv.kind == "implies":
            if all(answers[q] == a for q, a in inv.if_answers):
                tested += 1
                if any(answers[q] != a for q, a in inv.then_answers):
                    return _finding(reading, inv, f"the example answers {dict(answers)}", facts)
        elif inv.kind == "symmetric":
            other = table.swapped(index)
            if other is None:
                continue
            tested += 1
            row = table.rows.get(other)
            if row is not None and picked(row[1]) != picked(answers):
                return _finding(reading, inv, f"{_pick(answers, inv)} here, "
                                f"{_pick(row[1], inv)} with AM and AZ swapped", facts)
        else:
            found = _independent(table, inv, index, facts, answers, applies, picked, varied)
            if isinstance(found, Finding):
                return found
            tested += found
    if tested == 0:
        return Finding("invariant", f"invariant '{inv.id}' is vacuous: no combination meets its "
                       "condition (or premise), so it says nothing", {})
    return None


def _independent(table: _Table, inv: Invariant, index: Index, facts: dict[str, FactValue],
                 answers: Answers, applies: Callable[[Index], bool],
                 picked: Callable[[Answers], object], varied: list[int]) -> Finding | int:
    """An ``independent_of`` invariant at one combination: the first combination that differs
    from it in one varied group, meets the condition and answers otherwise; else how many such
    combinations were compared."""
    mine, tested = picked(answers), 0
    for g in varied:
        for j in range(len(table.groups[g])):
            alt_index = (*index[:g], j, *index[g + 1:])
            row = table.rows.get(alt_index)
            if row is None or not applies(alt_index):
                continue
            tested += 1
            alt_facts, alt = row
            if picked(alt) != mine:
                changed = ", ".join(f"{p} {describe(table.reading, p, alt_facts.get(p))}"
                                    for p in sorted(table.paths[g]))
                return _finding(table.reading, inv, f"{_pick(answers, inv)} here, "
                                f"{_pick(alt, inv)} when {changed}", facts)
    return tested


def prove_invariants(reading: Reading, evaluated: Sequence[Evaluated] | None = None,
                     ) -> list[Finding]:
    """A failing finding for every declared invariant that some combination breaks.

    ``evaluated``: the combinations already evaluated (see :func:`verify_and_prove`)."""
    if not reading.invariants:
        return []
    table = _Table(reading, evaluated)
    return [f for inv in reading.invariants if (f := _prove(table, inv)) is not None]


def verify_and_prove(reading: Reading) -> Verification:
    """:func:`engine.analysis.verify.verify` with the failing proofs among its findings, every
    combination evaluated once for both (and let go once both are done: a reading's hundreds
    of thousands of combinations would make every later garbage collection slower)."""
    evaluated = evaluated_combinations(reading)
    verification = verify(reading, evaluated)
    return replace(verification, findings=verification.findings + tuple(
        prove_invariants(reading, evaluated)))
