"""Prove a reading's declared invariants exhaustively, over the same abstract combinations as
:mod:`engine.analysis.verify`.

Answers depend only on the facts the rules test, and the combinations enumerate every value of
those facts the rules can tell apart (plus the facts the invariants name), so an invariant that
holds on all of them holds on every case. This complements the search on generated cases in
:mod:`engine.testing.invariants`, which exercises concrete times, zones and case-file forms.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable

from engine.analysis.domains import describe, domains, example_case
from engine.analysis.verify import Finding, evaluated_combinations
from engine.cases.facts import FactValue
from engine.cases.record import PARTY_SWAP
from engine.readings.model import Invariant, Reading
from engine.run.logic import all_true

Answers = dict[str, str]
Index = tuple[int, ...]


def _freeze(facts: dict[str, FactValue]) -> Hashable:
    # The paths are unique, so the pairs are ordered by path alone (values never compared).
    return tuple(sorted(facts.items()))


def _swapped(facts: dict[str, FactValue]) -> dict[str, FactValue]:
    out = dict(facts)
    for path in ("detaining_party", "detainee.side", "detainee.nationality", "capture.territory"):
        value = facts.get(path)
        if isinstance(value, str):
            out[path] = PARTY_SWAP.get(value, value)
    return out


class _Table:
    """Every combination's facts and answers (None where the rules conflict)."""

    def __init__(self, reading: Reading) -> None:
        self.reading = reading
        self.groups = domains(reading)
        self.paths = [set().union(*(v.keys() for v in g)) for g in self.groups]
        self.rows: dict[Index, tuple[dict[str, FactValue], Answers | None]] = {}
        self.by_facts: dict[Hashable, Index] = {}
        # Each possible combination is evaluated once, for verification and proofs alike; the
        # impossible ones (left out of that enumeration) prove nothing, like those on which the
        # rules conflict (reported as conflicts by engine.analysis.verify): both are None here.
        evaluated = {_freeze(e.facts): e for e in evaluated_combinations(reading)}
        for index in itertools.product(*(range(len(g)) for g in self.groups)):
            facts: dict[str, FactValue] = {"proceedings.stage": "none",
                                           "proceedings.charges": frozenset()}
            for group, i in zip(self.groups, index, strict=True):
                facts.update(group[i])
            frozen = _freeze(facts)
            found = evaluated.get(frozen)
            answers: Answers | None = None if found is None or found.decisions is None else {
                q: d.answer for q, d in found.decisions.items()}
            self.rows[index] = (facts, answers)
            self.by_facts[frozen] = index

    def applies(self, inv: Invariant, facts: dict[str, FactValue]) -> bool:
        return all_true(inv.tests, facts)


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


def _prove(table: _Table, inv: Invariant) -> Finding | None:
    reading, tested = table.reading, 0
    varied = _varied(table, inv)
    for index, (facts, answers) in table.rows.items():
        if answers is None or not table.applies(inv, facts):
            continue
        if inv.kind == "never":
            tested += 1
            if any(answers[q] == a for q, a in inv.then_answers):
                return _finding(reading, inv, f"the example answers {answers}", facts)
        elif inv.kind == "implies":
            if all(answers[q] == a for q, a in inv.if_answers):
                tested += 1
                if any(answers[q] != a for q, a in inv.then_answers):
                    return _finding(reading, inv, f"the example answers {answers}", facts)
        elif inv.kind == "symmetric":
            other = table.by_facts.get(_freeze(_swapped(facts)))
            if other is None:
                continue
            tested += 1
            swapped = table.rows[other][1]
            if swapped is not None and _pick(swapped, inv) != _pick(answers, inv):
                return _finding(reading, inv, f"{_pick(answers, inv)} here, "
                                f"{_pick(swapped, inv)} with AM and AZ swapped", facts)
        else:
            mine = _pick(answers, inv)
            for g in varied:
                for j in range(len(table.groups[g])):
                    alt_index = (*index[:g], j, *index[g + 1:])
                    alt_facts, alt = table.rows[alt_index]
                    if alt is None or not table.applies(inv, alt_facts):
                        continue
                    tested += 1
                    if _pick(alt, inv) != mine:
                        changed = ", ".join(f"{p} {describe(reading, p, alt_facts.get(p))}"
                                            for p in sorted(table.paths[g]))
                        return _finding(reading, inv, f"{mine} here, "
                                        f"{_pick(alt, inv)} when {changed}", facts)
    if tested == 0:
        return Finding("invariant", f"invariant '{inv.id}' is vacuous: no combination meets its "
                       "condition (or premise), so it says nothing", {})
    return None


def prove_invariants(reading: Reading) -> list[Finding]:
    """A failing finding for every declared invariant that some combination breaks."""
    if not reading.invariants:
        return []
    table = _Table(reading)
    return [f for inv in reading.invariants if (f := _prove(table, inv)) is not None]
