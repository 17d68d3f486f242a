"""Times written as case files write them, placed around an instant (for engine.testing.strategies).

Plain functions with no hypothesis: the strategies draw offsets and instants, these write them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from engine.cases import timeval

DAY = 86_400
# Local forms are written as read in the conflict zone's default offset (+04:00), Moscow's and UTC.
LOCAL_OFFSETS = (240, 180, 0)
# Offsets that instants are written with: the same, and one far away.
INSTANT_OFFSETS = (240, 180, 0, -210)

def local_wall(epoch: int, offset_minutes: int) -> datetime:
    """The wall clock at ``epoch`` in a fixed offset."""
    return datetime.fromtimestamp(epoch, timezone(timedelta(minutes=offset_minutes)))


def instant_text(epoch: int, offset_minutes: int, half: bool) -> str:
    """An instant with its offset, optionally half a second in."""
    wall = local_wall(epoch, offset_minutes)
    value = timeval.LocalTime("instant", wall.year, wall.month, wall.day, wall.hour, wall.minute,
                              wall.second, 500_000 if half else 0, offset_minutes)
    return str(value)


def local_text(epoch: int, offset_minutes: int) -> str:
    """A local date and time without offset, as read in ``offset_minutes``."""
    # Whole minutes without their seconds: 2020-11-10T01:00, a form case files use too.
    return local_wall(epoch, offset_minutes).strftime("%Y-%m-%dT%H:%M:%S").removesuffix(":00")


def date_text(day: date) -> str:
    """A local date."""
    return day.isoformat()


def months_around(day: date) -> list[str]:
    """The month of ``day`` and the months either side."""
    index = day.year * 12 + day.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in (index - 1, index, index + 1)]


def interval_of(text: str) -> timeval.Interval:
    """The interval of a time text, local forms read in +04:00."""
    return timeval.to_interval(timeval.parse_time_text(text), timezone(timedelta(hours=4)))


def never_inverted(low: str, high: str) -> bool:
    """Whether the range from ``low`` to ``high`` is valid in every zone."""
    value = timeval.TimeRange(timeval.parse_time_text(low), timeval.parse_time_text(high))
    # The offset moves a local end linearly: a range valid at both extreme offsets is valid in
    # every zone in between.
    return not any(timeval.is_inverted(value, zone) for zone in timeval.EXTREME_ZONES)


def as_range(pair: tuple[str, str]) -> dict[str, str]:
    """A range from two times, valid in every zone: in order, else reversed, else the first alone.

    A local date and an instant inside it overlap: which comes first depends on the zone, and
    then neither order is valid in every zone.
    """
    low, high = sorted(pair, key=lambda t: (interval_of(t).lo, interval_of(t).hi))
    for start, end in ((low, high), (high, low)):
        if never_inverted(start, end):
            return {"from": start, "to": end}
    return {"from": low, "to": low}
