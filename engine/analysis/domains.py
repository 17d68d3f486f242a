"""The abstract values of the facts a reading reads, and example case files made from them.

Every fact a reading's rules test has a small abstract domain: each enum value and unknown; for a
time, a point in each region between the instants the rules compare it with, an interval
straddling each instant, and unknown; for charges, every combination of the classes of charges
the rules distinguish; for the parties, the holder, the other side, a third state and unknown.
Verification and the proofs enumerate the product of these domains (:mod:`.verify`,
:mod:`.proofs`); the counterfactual search draws its changes from them (:mod:`._whatif`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import Any

from engine.cases.catalogue import FACTS, party_combinations, territory_values
from engine.cases.constraints import TIME_ORDER, times_possible
from engine.cases.facts import FactValue, render_value
from engine.cases.timeval import Interval, iso_utc
from engine.readings.model import Reading, Test

_DAY, _HOUR = 86_400, 3_600
_SOME_TIME = 1_600_000_000  # 2020-09-13: any instant serves where no test compares the time


def _all_tests(reading: Reading) -> list[Test]:
    """Every test the reading makes: in rules, and in declared gaps and invariants (whose
    conditions must be decidable on every combination too)."""
    tests = [t for r in reading.rules for t in r.tests]
    tests += [t for g in reading.gaps for t in g.tests]
    tests += [t for i in reading.invariants for t in i.tests]
    return tests


def read_paths(reading: Reading) -> list[str]:
    """The fact paths the rules of ``reading`` test, and those its invariants name, sorted."""
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


def _enum_values(reading: Reading, path: str) -> list[str]:
    """One value standing for each class of an enum's values that the reading's tests tell apart.

    Two values that belong to exactly the same test operands give every rule, gap and invariant
    the same truth values, so enumerating one of them proves the property for both.
    """
    sets = [frozenset(str(v) for v in t.operand) for t in _all_tests(reading) if t.path == path]
    atoms: dict[tuple[bool, ...], str] = {}
    for value in FACTS[path].values:
        atoms.setdefault(tuple(value in s for s in sets), value)
    return list(atoms.values())


def _charge_values(reading: Reading, path: str) -> list[frozenset[str]]:
    reps = charge_classes([frozenset(str(v) for v in t.operand) for t in _all_tests(reading)
                           if t.path == path])
    return [frozenset(c) for n in range(len(reps) + 1) for c in itertools.combinations(reps, n)]


def _party_values(reading: Reading, paths: list[str]) -> list[dict[str, FactValue]]:
    combos = party_combinations(reading.party, nationality=bool(_NATIONALITY & set(paths)))
    out: dict[tuple[tuple[str, FactValue], ...], dict[str, FactValue]] = {}
    for c in combos:
        # When only whether the detainee is a national of the holder is read, the nationality
        # itself tells no rule apart: keep one combination per value of the derived fact.
        facts: dict[str, FactValue] = {k: v for k, v in c.items() if isinstance(v, str | bool)
                 and (k != "detainee.nationality" or k in paths)}
        out.setdefault(tuple(sorted(facts.items())), facts)
    return list(out.values())


_NATIONALITY = {"detainee.nationality", "detainee.national_of_detaining_party"}
_PARTY_PATHS = {"detaining_party", "detainee.side", "detainee.adverse", *_NATIONALITY}


def domains(reading: Reading) -> list[list[dict[str, FactValue]]]:
    """Per group of related facts, the abstract values to enumerate (as partial fact dicts)."""
    paths = read_paths(reading)
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
            known: list[dict[str, FactValue]] = [{path: v} for v in _enum_values(reading, path)]
            groups.append(known + unknown)
        elif kind == "time":
            groups.append([{} if v is None else {path: v} for v in _time_values(reading, path)])
        elif kind == "charges":
            groups.append([{path: v} for v in _charge_values(reading, path)])
    return groups


#: A combination's place in the product of :func:`domains`: each group's value, by position.
Index = tuple[int, ...]


def base_facts() -> dict[str, FactValue]:
    """The facts every combination starts from (no proceedings), before its groups' values."""
    return {"proceedings.stage": "none", "proceedings.charges": frozenset()}


def indexed_combinations(groups: Sequence[Sequence[dict[str, FactValue]]],
                         ) -> Iterator[tuple[Index, dict[str, FactValue]]]:
    """:func:`combinations` of ``groups`` (the reading's :func:`domains`), each with its index
    in the product of the groups, in the product's order."""
    if not groups:
        if times_possible(base_facts()):
            yield (), base_facts()
        return
    # Whether the times can be in order depends on the groups that set a time alone: decided
    # once per choice of their values, before any combination's facts are put together.
    timed = [g for g, group in enumerate(groups) if any(p in TIME_ORDER for v in group for p in v)]
    possible: dict[tuple[int, ...], bool] = {}
    *first, last = groups
    for head in itertools.product(*(range(len(g)) for g in first)):
        prefix = base_facts()
        for group, i in zip(first, head, strict=True):
            prefix.update(group[i])
        for j, value in enumerate(last):
            index = (*head, j)
            times = tuple(index[g] for g in timed)
            ok = possible.get(times)
            if ok is None:
                chosen: dict[str, FactValue] = {}
                for g in timed:
                    chosen.update(groups[g][index[g]])
                ok = possible[times] = times_possible(chosen)
            if ok:
                yield index, prefix | value


def combinations(reading: Reading) -> Iterator[dict[str, FactValue]]:
    """Every combination of abstract fact values the reading's rules can tell apart, among
    those the case constraints allow (:mod:`engine.cases.constraints`)."""
    for _, facts in indexed_combinations(domains(reading)):
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
    elif "detainee.national_of_detaining_party" in facts:
        holder = str(case["detaining_party"])
        case["detainee"]["nationality"] = (holder if facts["detainee.national_of_detaining_party"]
                                           else next(p for p in ("AM", "AZ") if p != holder))
    if "capture.territory" in facts:
        case["capture"]["territory"] = facts["capture.territory"]
    if "capture.time" in facts:
        case["capture"]["time"] = _time(facts["capture.time"])
    if "entry.time" in facts:
        case["entry"] = {"time": _time(facts["entry.time"])}
    if "release.mechanism" in facts:
        case["release"] = {"mechanism": facts["release.mechanism"]}
    charges = facts.get("proceedings.charges", frozenset())
    assert isinstance(charges, frozenset)
    if facts.get("proceedings.stage", "none") != "none" or charges:
        case["proceedings"] = {"stage": facts.get("proceedings.stage", "none"),
                               "charges": sorted(charges)}
    return case
