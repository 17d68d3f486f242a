"""Turn a validated case record into the typed facts rules test (reading-independent).

A fact that the case leaves unknown is simply absent: no default stands in for it, so no test on
it can be true (and none can be false). Times become UTC intervals in integer epoch seconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo
from typing import TypeAlias

from engine.cases.catalogue import is_adverse
from engine.cases.record import CaseRecord
from engine.cases.timeval import Interval, iso_utc

FactValue: TypeAlias = str | bool | Interval | frozenset[str]
Facts: TypeAlias = Mapping[str, FactValue]


def case_facts(case: CaseRecord, default_offset: tzinfo) -> dict[str, FactValue]:
    """The facts of ``case``, with local times read in its zone or ``default_offset``."""
    facts: dict[str, FactValue] = {"detaining_party": case.detaining_party}
    person = case.detainee
    if person.nationality is not None:
        facts["detainee.nationality"] = person.nationality
        facts["detainee.national_of_detaining_party"] = person.nationality == case.detaining_party
    if person.side != "unknown":
        facts["detainee.side"] = person.side
        facts["detainee.adverse"] = is_adverse(person.side, case.detaining_party)
    if person.affiliation != "unknown":
        facts["detainee.affiliation"] = person.affiliation
    captured = case.capture_interval(default_offset)
    if captured is not None:
        facts["capture.time"] = captured
    if case.capture.circumstances != "unknown":
        facts["capture.circumstances"] = case.capture.circumstances
    if case.capture.territory != "unknown":
        facts["capture.territory"] = case.capture.territory
    entered = case.entry_interval(default_offset)
    if entered is not None:
        facts["entry.time"] = entered
    # The contract says an absent proceedings block means no proceedings are known.
    proceedings = case.proceedings
    facts["proceedings.stage"] = proceedings.stage if proceedings else "none"
    facts["proceedings.charges"] = frozenset(proceedings.charges if proceedings else ())
    if case.release is not None and case.release.mechanism != "unknown":
        facts["release.mechanism"] = case.release.mechanism
    return facts


def render_value(value: FactValue) -> str:
    """A fact value as text for traces and explanations."""
    if isinstance(value, Interval):
        return render_interval(value)
    if isinstance(value, frozenset):
        return "[" + ", ".join(sorted(value)) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def render_interval(value: Interval) -> str:
    """An instant as ``2020-11-09T21:00:00Z``; a longer interval as ``start/end`` (exclusive)."""
    if value.hi - value.lo <= 1:
        return iso_utc(value.lo)
    return f"{iso_utc(value.lo)}/{iso_utc(value.hi)}"
