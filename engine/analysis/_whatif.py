"""The facts of a case as the readings tell them apart, and concrete changes to them.

A counterfactual or an "it depends" row says "if this fact were that". Here a fact's possible values
are the abstract values the readings can distinguish (see :mod:`engine.analysis.verify`): each enum
value; for a party fact each conflict party and a third state; for a time, each region between the
instants the rules compare it with, and an interval straddling each instant; for charges, the
classes of charges the rules tell apart. Each value comes with a concrete case-file value, so a
change can be applied to a case and the case evaluated again: that is how every reported change is
checked.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any, TypeVar

from engine.analysis.domains import case_time, charge_classes, region_intervals
from engine.base.frozen import FrozenDict
from engine.cases import timeval
from engine.cases.catalogue import CONFLICT_SIDES, DERIVED_FROM, FACTS, THIRD_STATE
from engine.cases.claims import as_written, claimed_values, with_fact
from engine.cases.record import CaseRecord, Entry, Proceedings, Release
from engine.cases.timeval import Interval, iso_utc
from engine.readings.model import Reading

_M = TypeVar("_M", CaseRecord, Entry, Proceedings, Release)

# Facts computed from others: a change is made to the fields they come from.
_DERIVED = DERIVED_FROM
_TIMES = ("capture.time", "entry.time")
_PARTIES = {"detaining_party": (*CONFLICT_SIDES, THIRD_STATE),
            "detainee.side": CONFLICT_SIDES,
            "detainee.nationality": (*CONFLICT_SIDES, THIRD_STATE),
            "capture.territory": (*CONFLICT_SIDES, THIRD_STATE)}


@dataclass(frozen=True)
class Mark:
    """An instant some rule compares a time with: epoch seconds and how rules name it."""

    epoch: int
    label: str

    def text(self) -> str:
        """``ceasefire (2020-11-09T21:00:00Z)``: as the rules name it, and in UTC."""
        iso = iso_utc(self.epoch)
        return iso if self.label in (iso, "") else f"{self.label} ({iso})"


@dataclass(frozen=True)
class Value:
    """One possible value of a case field: how to say it, what to write in the case file, and,
    for a claimed value of a disputed fact, who claims it."""

    field: str
    text: str
    value: Any
    claimed_by: tuple[str, ...] = ()


def case_fields(reading: Reading) -> list[str]:
    """The case fields whose values the rules of ``reading`` read, in catalogue order."""
    paths = {t.path for r in reading.rules for t in r.tests}
    out: set[str] = set()
    for path in paths:
        out.update(_DERIVED.get(path, (path,)))
    return [p for p in FACTS if p in out]


def case_fields_of(path: str) -> tuple[str, ...]:
    """The case fields a fact comes from (``detainee.adverse`` from the side and the holder)."""
    return _DERIVED.get(path, (path,))


def marks(readings: Iterable[Reading], path: str) -> tuple[Mark, ...]:
    """The instants that the rules of ``readings`` compare the time ``path`` with, in order."""
    found = {t.instant: t.label for r in readings for rule in r.rules for t in rule.tests
             if t.path == path and t.instant is not None}
    return tuple(Mark(e, label) for e, label in sorted(found.items()))


def _get(case: CaseRecord, field: str) -> Any:
    block_name, _, name = field.rpartition(".")
    block = getattr(case, block_name) if block_name else case
    return None if block is None else getattr(block, name)


def _interval(case: CaseRecord, field: str, offset: tzinfo) -> Interval | None:
    block = field.split(".")[0]
    return case.capture_interval(offset) if block == "capture" else case.entry_interval(offset)


def time_text(interval: Interval | None, where: Sequence[Mark]) -> str:
    """A UTC interval described by its place among ``where``: ``before ceasefire (...)``."""
    if interval is None:
        return "unknown"
    inside = [m for m in where if interval.lo < m.epoch < interval.hi]
    if inside:
        return "straddling " + " and ".join(m.text() for m in inside)
    after = [m for m in where if interval.lo >= m.epoch]
    before = [m for m in where if interval.hi <= m.epoch]
    if after and before:
        return f"after {after[-1].text()} and before {before[0].text()}"
    if after or before:
        return f"after {after[-1].text()}" if after else f"before {before[0].text()}"
    return "known"


def _disputed(case: CaseRecord, field: str) -> list[tuple[Any, tuple[str, ...]]]:
    """The distinct claimed values of ``field`` when its claims differ (else none)."""
    values = claimed_values(case.claims.get(field, ()))
    return values if len(values) > 1 else []


def describe(case: CaseRecord, field: str, where: Sequence[Mark], offset: tzinfo) -> str:
    """The current value of ``field`` in ``case`` in the terms the readings distinguish (a
    disputed fact as each of its claimed values, with who claims it)."""
    values = _disputed(case, field)
    if values:
        return "disputed: " + " or ".join(
            f"{describe(with_fact(case, field, v), field, where, offset)} ({', '.join(who)})"
            for v, who in values)
    if field in _TIMES:
        return time_text(_interval(case, field, offset), where)
    value = _get(case, field)
    if field == "proceedings.stage":
        return "none" if value is None else str(value)
    if field == "proceedings.charges":
        return _charges_text(value or ())
    return "unknown" if value in (None, "unknown") else str(value)


def _charges_text(charges: Iterable[str]) -> str:
    items = sorted(set(charges))
    return "[" + ", ".join(items) + "]" if items else "no charges"


def time_values(where: Sequence[Mark], *, straddling: bool = True) -> list[Value]:
    """A point in each region between the instants ``where`` (and, if asked, an interval
    straddling each instant), each with its description."""
    if not where:
        return []
    return [Value("", time_text(i, where), case_time(i))
            for i in region_intervals([m.epoch for m in where], straddling=straddling)]


def region_values(where: Sequence[Mark]) -> list[Value]:
    """Each whole region between the instants ``where`` (the outer ones reaching five years
    beyond them), as a range: any instant in it may be the one the case constraints need."""
    if not where:
        return []
    far = 5 * 365 * 86_400
    cuts = [where[0].epoch - far, *(m.epoch for m in where), where[-1].epoch + far]
    return [Value("", time_text(Interval(a, b), where), case_time(Interval(a, b)))
            for a, b in itertools.pairwise(cuts)]


def split_interval(interval: Interval, where: Sequence[Mark]) -> list[Value]:
    """The pieces of ``interval`` on each side of each instant inside it, as ranges."""
    cuts = [interval.lo, *(m.epoch for m in where if interval.lo < m.epoch < interval.hi),
            interval.hi]
    return [Value("", time_text(Interval(a, b), where), case_time(Interval(a, b)))
            for a, b in itertools.pairwise(cuts)]


def _charge_classes(readings: Sequence[Reading]) -> list[str]:
    """One charge standing for each class of charges the rules tell apart."""
    sets = [frozenset(str(v) for v in t.operand) for r in readings for rule in r.rules
            for t in rule.tests if t.path == "proceedings.charges"]
    return charge_classes(sets) if sets else []


def _charge_values(current: tuple[str, ...], readings: Sequence[Reading]) -> list[Value]:
    # The smallest edits: no charges, and the current charges with one class added or removed.
    reps = _charge_classes(readings)
    now = set(current)
    options: list[set[str]] = [set()]
    options += [now | {c} for c in reps if c not in now]
    options += [now - {c} for c in now]
    seen: set[frozenset[str]] = {frozenset(now)}
    out: list[Value] = []
    for option in options:
        if frozenset(option) not in seen:
            seen.add(frozenset(option))
            out.append(Value("proceedings.charges", _charges_text(option), sorted(option)))
    return out


def alternatives(case: CaseRecord, field: str, readings: Sequence[Reading],
                 offset: tzinfo) -> list[Value]:
    """The values of ``field``, other than the current one, that ``readings`` tell apart.

    A known value is never changed to unknown: a counterfactual states a different fact, not
    the loss of one. An unknown value may become any known value.
    """
    where = marks(readings, field) if field in _TIMES else ()
    now = describe(case, field, where, offset)
    if field in _TIMES:
        values = time_values(where)
    elif field in _PARTIES:
        values = [Value("", v, v) for v in _PARTIES[field]]
    elif field == "proceedings.charges":
        return _charge_values(tuple(_get(case, field) or ()), readings)
    else:
        values = [Value("", v, v) for v in FACTS[field].values]
    return [Value(field, v.text, v.value) for v in values if v.text != now]


def resolutions(case: CaseRecord, field: str, reading: Reading, offset: tzinfo) -> list[Value]:
    """The known values an unknown or undecided ``field`` could resolve to, for ``reading``.

    A disputed fact takes each of its claimed values (with who claims it); a time that straddles
    instants splits into its pieces on each side of them; an unknown time takes a point in each
    region; an unknown enum or party takes each of its values.
    """
    values = _disputed(case, field)
    if values:
        where = marks([reading], field) if field in _TIMES else ()
        return [Value(field, describe(with_fact(case, field, v), field, where, offset),
                      as_written(v), who) for v, who in values]
    if field in _TIMES:
        where = marks([reading], field)
        current = _interval(case, field, offset)
        pieces = (region_values(where) if current is None
                  else split_interval(current, where))
        return [Value(field, v.text, v.value) for v in pieces]
    if _get(case, field) not in (None, "unknown"):
        return []
    if field in _PARTIES:
        return [Value(field, v, v) for v in _PARTIES[field]]
    return [Value(field, v, v) for v in FACTS[field].values]


def _time(value: Any) -> timeval.TimeValue:
    if isinstance(value, dict):
        return timeval.TimeRange(timeval.parse_time_text(value["from"]),
                                 timeval.parse_time_text(value["to"]))
    return timeval.parse_time_text(str(value))


def apply(case: CaseRecord, changes: Iterable[Value]) -> CaseRecord:
    """``case`` with each change's field set to its value (the other facts untouched); a
    changed fact's claims give way to the value set."""
    changes = list(changes)
    changed = {c.field for c in changes}
    update: dict[str, Any] = {}
    if changed & set(case.claims):
        update["claims"] = FrozenDict({p: cs for p, cs in case.claims.items()
                                       if p not in changed})
    for change in changes:
        block_name, _, name = change.field.rpartition(".")
        value = change.value
        if change.field in _TIMES:
            value = _time(value)
        if block_name == "":
            update[name] = value
            continue
        block = update[block_name] if block_name in update else getattr(case, block_name)
        if block_name == "entry" and block is None:
            block = Entry.model_validate({"time": change.value})
        elif block_name == "proceedings" and block is None:
            block = Proceedings(stage="none")
        elif block_name == "release" and block is None:
            block = Release()
        if name == "charges":
            value = tuple(value)
        update[block_name] = _replaced(block, {name: value})
    return _replaced(case, update) if update else case


def _replaced(model: _M, update: dict[str, Any]) -> _M:
    """``model.model_copy(update=update)``, made directly: the searches build thousands of
    changed cases, and the values set come from the search's own checked values."""
    if getattr(model, "__pydantic_private__", None) is not None:  # none of the records has any
        return model.model_copy(update=update)
    made = type(model).__new__(type(model))
    object.__setattr__(made, "__dict__", {**model.__dict__, **update})
    object.__setattr__(made, "__pydantic_extra__", None if model.__pydantic_extra__ is None
                       else dict(model.__pydantic_extra__))
    object.__setattr__(made, "__pydantic_fields_set__",
                       model.__pydantic_fields_set__ | update.keys())
    object.__setattr__(made, "__pydantic_private__", None)
    return made
