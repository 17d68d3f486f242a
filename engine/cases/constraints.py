"""The constraints a case's facts must satisfy together, declared once (docs/case-format.md).

Every part of the engine that makes up cases or combines values of facts (the "it depends"
tables, the counterfactual and agreement searches, ``check``'s enumeration, the generated cases)
keeps only the combinations these allow, and the case loader refuses a case that breaks one.

- ``time-order``: the entry into the area at or before the capture, the capture at or before the
  release. A time is a range of instants; the order holds when some choice of one instant in each
  known range keeps it (an unknown time constrains nothing).
- ``sentence-on-conviction``: a sentence (``proceedings.sentence_years``) only on conviction, and
  a release because the sentence was served only on conviction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta, timezone, tzinfo
from typing import TYPE_CHECKING

from engine.base.errors import CaseFileError
from engine.cases.timeval import Interval

if TYPE_CHECKING:  # the record validates itself against these constraints
    from engine.cases.record import CaseRecord

_EXTREME_ZONES = (timezone(timedelta(hours=-12)), timezone(timedelta(hours=14)))

#: The times in the order they must happen (each at or before the next).
TIME_ORDER = ("entry.time", "capture.time", "release.time")

#: What :func:`violations` reads of a case: these blocks whole, and these fields (the zone of
#: local times included). A change of any other field leaves a case's violations as they were.
#: Keep it in step with the checks below.
_READS = frozenset({"entry", "release", "proceedings", "capture.time", "capture.timezone"})


def reads(field: str) -> bool:
    """Whether the constraints read the case ``field`` (``capture.time``, ``detainee.side``)."""
    return field in _READS or field.partition(".")[0] in _READS


@dataclass(frozen=True)
class Violation:
    """A constraint a case breaks: its id, the field to point at, and why."""

    constraint: str
    field: str
    message: str


def ordered(times: Iterable[Interval | None]) -> bool:
    """Whether one instant can be chosen in each known interval, in order, each at or after the
    one before (an unknown time, None, constrains nothing)."""
    earliest: int | None = None
    for interval in times:
        if interval is None:
            continue
        earliest = interval.lo if earliest is None else max(earliest, interval.lo)
        if earliest >= interval.hi:
            return False
    return True


def times_possible(times: Mapping[str, object]) -> bool:
    """Whether the times among ``times`` (fact path to value; non-intervals ignored) can be in
    the order :data:`TIME_ORDER` requires."""
    return ordered(v if isinstance(v, Interval) else None
                   for v in (times.get(p) for p in TIME_ORDER))


def _time_violation(case: CaseRecord, offset: tzinfo) -> Violation | None:
    try:
        times = (case.entry_interval(offset), case.capture_interval(offset),
                 case.release_interval(offset))
    except CaseFileError:  # a range inverted in this zone: reported as such where it is used
        return None
    known = [(p, i) for p, i in zip(TIME_ORDER, times, strict=True) if i is not None]
    for n in range(1, len(known)):
        if not ordered(i for _, i in known[:n + 1]):
            (before, _), (after, _) = known[n - 1], known[n]
            return Violation("time-order", after,
                             f"is before {before}; a person enters the area, then is captured, "
                             "then is released (each at or after the one before)")
    return None


def violations(case: CaseRecord, offset: tzinfo | None) -> list[Violation]:
    """The constraints ``case`` (its values as given, not its claims) breaks; local times are
    read in its zone, else ``offset`` (None: the order of times is checked in the zones
    furthest apart, and broken only if broken in both)."""
    out: list[Violation] = []
    if offset is not None:
        timed = _time_violation(case, offset)
    else:  # zone unknown yet: only an order broken whichever zone reads the local times
        found = [_time_violation(case, z) for z in _EXTREME_ZONES]
        timed = found[0] if all(found) else None
    if timed is not None:
        out.append(timed)
    stage = case.proceedings.stage if case.proceedings else "none"
    if stage != "convicted":
        if case.proceedings is not None and case.proceedings.sentence_years is not None:
            out.append(Violation("sentence-on-conviction", "proceedings.sentence_years",
                                 f"a sentence needs proceedings.stage 'convicted', not '{stage}'"))
        if case.release is not None and case.release.mechanism == "sentence_served":
            out.append(Violation("sentence-on-conviction", "release.mechanism",
                                 "'sentence_served' needs proceedings.stage 'convicted', "
                                 f"not '{stage}'"))
    return out


def possible(case: CaseRecord, offset: tzinfo) -> bool:
    """Whether ``case`` breaks no constraint."""
    return not violations(case, offset)
