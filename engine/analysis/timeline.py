"""A case's times against the instants the readings compare them with, and what each reading
would answer were the capture in each region between those instants: what the timeline of the
HTML report and the page draws (:mod:`engine.present.html`).

The regions' answers are evaluated, not inferred: the case is evaluated again with its capture
time set to the whole of each region (the other facts, and their claims, untouched), as the
counterfactual search does (:mod:`engine.analysis._whatif`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.analysis import _whatif
from engine.analysis.comparison import Answers
from engine.base.errors import EngineError
from engine.base.frozen import FrozenDict, FrozenMap
from engine.cases import constraints, timeval
from engine.cases.claims import claimed_values
from engine.cases.record import CaseRecord
from engine.cases.timeval import Interval, as_written
from engine.readings.load import ReadingSet
from engine.run.evaluate import OWN, EngineChoice, evaluate_case

#: The case's times the timeline draws, with the words it labels them by.
TIME_FACTS: tuple[tuple[str, str], ...] = (
    ("entry.time", "entry"), ("capture.time", "capture"), ("release.time", "release"))


_IMPOSSIBLE = "not possible with the case's other times: "


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Span(_Model):
    """One time of the case as a UTC interval ``[lo, hi)`` in epoch seconds: its plain value,
    or one claimed value of a disputed time with who claims it."""

    fact: str
    label: str
    lo: int
    hi: int
    written: str
    claimed_by: tuple[str, ...] = ()


class Marker(_Model):
    """An instant some rule compares a time with: which readings compare which facts with it."""

    epoch: int
    label: str
    iso: str
    readings: tuple[str, ...]
    facts: tuple[str, ...]


class Region(_Model):
    """A stretch of time between two markers (``lo``/``hi`` None: unbounded), whether the case's
    capture time lies in it, and each reading's answers were the capture in it (a reading whose
    evaluation failed there is absent, with ``note`` saying why)."""

    lo: int | None
    hi: int | None
    text: str
    holds_capture: bool
    answers: FrozenMap[str, Answers] = Field(default_factory=FrozenDict)
    note: str | None = None


class Timeline(_Model):
    """Everything the timeline of one case draws."""

    case_id: str
    spans: tuple[Span, ...]
    markers: tuple[Marker, ...]
    regions: tuple[Region, ...]
    proceedings: str | None = None


def _written(value: Any) -> str:
    shown = as_written(value)
    return f"{shown['from']} to {shown['to']}" if isinstance(shown, dict) else str(shown)


def _spans(case: CaseRecord, readings: ReadingSet) -> list[Span]:
    zone = case.zone(readings.common.default_offset)
    out: list[Span] = []
    for fact, label in TIME_FACTS:
        values = claimed_values(case.claims.get(fact, ()))
        if not values:
            block = getattr(case, fact.split(".")[0])
            plain = None if block is None else block.time
            values = [] if plain is None else [(plain, ())]
        for value, who in values:
            if value is None:
                continue
            try:
                interval = timeval.to_interval(value, zone)
            except ValueError:
                continue  # an inverted mixed range: the evaluation reports it, located
            out.append(Span(fact=fact, label=label, lo=interval.lo, hi=interval.hi,
                            written=_written(value), claimed_by=tuple(who)))
    return out


def _markers(readings: ReadingSet, ids: Sequence[str]) -> list[Marker]:
    found: dict[int, tuple[str, set[str], set[str]]] = {}
    for rid in ids:
        for rule in readings.readings[rid].rules:
            for test in rule.tests:
                if test.instant is None:
                    continue
                _label, who, facts = found.setdefault(test.instant, (test.label, set(), set()))
                who.add(rid)
                facts.add(test.path)
    return [Marker(epoch=e, label=label, iso=timeval.iso_utc(e),
                   readings=tuple(r for r in ids if r in who), facts=tuple(sorted(facts)))
            for e, (label, who, facts) in sorted(found.items())]


def _answers(case: CaseRecord, readings: ReadingSet, ids: Sequence[str], account: str,
             engine: EngineChoice) -> FrozenMap[str, Answers]:
    result = evaluate_case(case, readings, only=ids, engine=engine, account=account)
    return FrozenDict({rid: Answers(status=o.status, point8=o.point8, release=o.release)
                       for rid, o in result.readings.items()})


def case_timeline(case: CaseRecord, readings: ReadingSet, *, only: Sequence[str] = (),
                  account: str = OWN, engine: EngineChoice = "durable") -> Timeline:
    """The timeline of ``case`` under the readings ``only`` (all by default).

    Raises:
        UsageError: an unknown reading id.
    """
    ids = [r.id for r in readings.select(only)]
    spans = _spans(case, readings)
    marks = _whatif.marks([readings.readings[r] for r in ids], "capture.time")
    captures = [Interval(s.lo, s.hi) for s in spans if s.fact == "capture.time"]
    regions: list[Region] = []
    cuts: list[int | None] = [None, *(m.epoch for m in marks), None]
    for value, (lo, hi) in zip(_whatif.region_values(marks), itertools.pairwise(cuts),
                               strict=True):
        holds = any((lo is None or c.hi > lo) and (hi is None or c.lo < hi) for c in captures)
        changed = _whatif.apply(case, [_whatif.Value("capture.time", value.text, value.value)])
        broken = constraints.violations(changed, readings.common.default_offset)
        answers: FrozenMap[str, Answers] = FrozenDict()
        note = None
        if broken:
            note = _IMPOSSIBLE + "; ".join(f"{v.field} {v.message}" for v in broken)
        else:
            try:
                answers = _answers(changed, readings, ids, account, engine)
            except EngineError as exc:
                note = str(exc)
            except ValidationError as exc:
                # A party's account, validated as a case, breaks the order of the times.
                note = _IMPOSSIBLE + "; ".join(e["msg"] for e in exc.errors())
        regions.append(Region(lo=lo, hi=hi, text=value.text, holds_capture=holds,
                              answers=answers, note=note))
    proceedings = None
    if case.proceedings is not None:
        charges = ", ".join(case.proceedings.charges) or "no charge recorded"
        proceedings = f"{case.proceedings.stage} ({charges})"
    return Timeline(case_id=case.id, spans=tuple(spans),
                    markers=tuple(_markers(readings, ids)), regions=tuple(regions),
                    proceedings=proceedings)
