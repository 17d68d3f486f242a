"""Times as case files write them, and the UTC intervals the rules compare (no pydantic here).

A time is an instant with an offset, a local date and time, a date, a month, a year, or a range
``{from: A, to: B}``. Each becomes a half-open interval ``[lo, hi)`` of UTC epoch seconds: an
instant ``t`` is ``[floor(t), floor(t) + 1)``, a date its whole local day, a range runs from the
start of ``A`` to the end of ``B``. Comparison with an instant is three-valued.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo, available_timezones

from engine.base.errors import CodedValueError, quote, suggest

TimeKind = Literal["instant", "local_datetime", "date", "month", "year"]
Comparison = Literal["before", "after", "undecided"]

#: The forms a time may take, for error messages.
ACCEPTED_TIMES = (
    "an instant with offset (2020-11-10T00:30:00+04:00 or 2020-11-09T20:30Z), a local date and"
    " time (2020-11-10T00:30), a date (2020-12-13), a month (2020-12) or a year (2020)"
)
ACCEPTED_ZONES = "a UTC offset (+04:00, -03:30), Z, UTC, or an IANA zone name (Asia/Baku)"

# Widest offsets accepted. No zone has ever been further from UTC than +14:00/-12:00; the
# ISO 8601 profile used by most libraries stops at 18 hours, and so do we.
MAX_OFFSET_MINUTES = 18 * 60

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# The first and last UTC seconds a date can be written for; every time's interval, in any
# zone, must lie within them (wider offsets could push a day into year 0 or 10000).
_MIN_EPOCH = (date.min.toordinal() - _EPOCH_ORDINAL) * 86_400
_MAX_EPOCH = (date.max.toordinal() - _EPOCH_ORDINAL + 1) * 86_400 - 1
#: The earliest and latest dates accepted, whatever the zone.
FIRST_TIME, LAST_TIME = "0001-01-02", "9999-12-30"

# One pattern for every form: which groups matched tells the kind.
_TIME = re.compile(
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"(Z|z|[+-]\d{2}:?\d{2})?)?)?)?",
    re.ASCII,  # ASCII digits only, as the JSON Schema's patterns say
)
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})", re.ASCII)
_FIELDS = ("year", "month", "day", "hour", "minute", "second")
_LIMITS = ((1, 9999), (1, 12), (1, 31), (0, 23), (0, 59), (0, 59))


@dataclass(frozen=True)
class Interval:
    """A half-open interval ``[lo, hi)`` of UTC epoch seconds."""

    lo: int
    hi: int

    def compare(self, instant: int) -> Comparison:
        """Compare with an instant, three-valued.

        ``before`` when the whole interval is before ``instant``, ``after`` when it is wholly at
        or after it, ``undecided`` when it straddles it.

        >>> Interval(0, 10).compare(10), Interval(10, 20).compare(10), Interval(0, 20).compare(10)
        ('before', 'after', 'undecided')
        """
        if self.hi <= instant:
            return "before"
        if self.lo >= instant:
            return "after"
        return "undecided"

    def contains(self, other: Interval) -> bool:
        """Whether ``other`` lies wholly within this interval."""
        return self.lo <= other.lo and other.hi <= self.hi


@dataclass(frozen=True)
class LocalTime:
    """A time as written: its kind, its components and, for an instant, its fixed offset.

    Components that a kind does not have keep their neutral value (``month=1`` for a year, ...).
    ``offset_minutes`` is set for instants only; other kinds take the case's zone.
    """

    kind: TimeKind
    year: int
    month: int = 1
    day: int = 1
    hour: int = 0
    minute: int = 0
    second: int = 0
    microsecond: int = 0
    offset_minutes: int | None = None

    def __str__(self) -> str:
        fraction = f".{self.microsecond:06d}".rstrip("0") if self.microsecond else ""
        text = f"{self.year:04d}-{self.month:02d}-{self.day:02d}T{self.hour:02d}:{self.minute:02d}"
        text += f":{self.second:02d}{fraction}"
        cut = {"year": 4, "month": 7, "date": 10}.get(self.kind)
        if cut is not None:
            return text[:cut]
        if self.offset_minutes is None:
            return text
        hours, minutes = divmod(abs(self.offset_minutes), 60)
        sign = "-" if self.offset_minutes < 0 else "+"
        return text + (f"{sign}{hours:02d}:{minutes:02d}" if self.offset_minutes else "Z")


@dataclass(frozen=True)
class TimeRange:
    """``{from: start, to: end}``: from the start of ``start`` to the end of ``end``."""

    start: LocalTime
    end: LocalTime

    def __str__(self) -> str:
        return f"{{from: {self.start}, to: {self.end}}}"


TimeValue = LocalTime | TimeRange


def as_written(value: TimeValue) -> str | dict[str, str]:
    """A time as a case file writes it: ``2020-12-13``, or ``{"from": ..., "to": ...}``."""
    if isinstance(value, TimeRange):
        return {"from": str(value.start), "to": str(value.end)}
    return str(value)


def _parse_offset(raw: str, text: str) -> int:
    if raw in ("Z", "z"):
        return 0
    where = f"bad offset {quote(raw)}" + (f" in {quote(text)}" if raw != text else "")
    match = _OFFSET.fullmatch(raw)
    if match is None:
        raise CodedValueError(f"{where}: expected +HH:MM, -HH:MM or Z", "invalid_offset")
    sign, hours, minutes = match.groups()
    if int(hours) > 23 or int(minutes) > 59:
        raise CodedValueError(f"{where}: hours must be 00-23, minutes 00-59", "invalid_offset")
    total = int(hours) * 60 + int(minutes)
    if total > MAX_OFFSET_MINUTES:
        raise CodedValueError(f"{where}: offsets stop at +/-18:00", "invalid_offset")
    return -total if sign == "-" else total


def parse_time_text(text: str) -> LocalTime:
    """Parse one time as a case file writes it.

    Args:
        text: ``2020-11-10T00:30:00+04:00``, ``...Z``, ``2020-11-10T00:30`` (local; seconds
            optional, a fraction allowed), ``2020-12-13``, ``2020-12`` or ``2020``.

    Returns:
        The parsed time; ``kind`` says which form it was.

    Raises:
        ValueError: unrecognised syntax (the message lists the accepted forms), or an impossible
            value such as 2020-02-30, month 13, hour 25 or offset +25:00.
    """
    return _parse_time_text(text)


# By text: case files, generated cases and searches write the same times over and over (an
# error is raised again each time, never kept).
@functools.lru_cache(maxsize=4096)
def _parse_time_text(text: str) -> LocalTime:
    match = _TIME.fullmatch(text.strip())
    if match is None:
        raise CodedValueError(f"{quote(text)} is not a time: expected {ACCEPTED_TIMES}",
                              "invalid_time")
    parts = [int(g or d) for g, d in zip(match.groups()[:6], "011000", strict=True)]
    year, month, day, hour, minute, second = parts
    for what, value, (low, high) in zip(_FIELDS, parts, _LIMITS, strict=True):
        if what != "day" and not low <= value <= high:
            raise CodedValueError(f"impossible time {quote(text)}: {what} {value} is not in"
                                  f" {low}..{high}", "impossible_time")
    last_day = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last_day:
        raise CodedValueError(f"impossible time {quote(text)}: {year:04d}-{month:02d} has no day"
                              f" {day}", "impossible_time")
    # Only whole seconds matter to intervals; the fraction is kept for faithful round trips.
    microsecond = int((match[7] or "0")[:6].ljust(6, "0"))
    offset = None if match[8] is None else _parse_offset(match[8], text)
    # Month, day and hour groups present: none is a year, one a month, two a date, three a time.
    kinds: tuple[TimeKind, ...] = ("year", "month", "date", "local_datetime")
    kind = kinds[sum(g is not None for g in match.groups()[1:4])] if offset is None else "instant"
    parsed = LocalTime(kind, year, month, day, hour, minute, second, microsecond, offset)
    _check_range(parsed, text)
    return parsed


def _check_range(value: LocalTime, text: str) -> None:
    """Refuse a time whose UTC interval, in any zone a case may name, leaves the years
    1-9999 that dates can be written in (``0001-01-01`` in +04:00 starts in year 0)."""
    zones = EXTREME_ZONES
    if min(_start(value, z) for z in zones) < _MIN_EPOCH or \
            max(_end(value, z) for z in zones) > _MAX_EPOCH:
        raise CodedValueError(f"time {quote(text)} is out of range: times must lie between "
                              f"{FIRST_TIME} and {LAST_TIME} in every zone", "time_out_of_range")


def parse_instant(text: str) -> int:
    """Parse an instant with an offset (``2020-11-10T00:00+03:00``) to floor UTC epoch seconds.

    Raises:
        ValueError: the text is not a time, or is a local form without an offset.
    """
    value = parse_time_text(text)
    if value.kind != "instant":
        raise CodedValueError(f"{quote(text)} is not an instant: expected a date and time with"
                              " offset or Z", "invalid_time")
    return to_interval(value, UTC).lo


@functools.cache
def zone_names() -> frozenset[str]:
    """The IANA zone names accepted: those of this machine's zone data, but ``localtime`` and
    friends, which name the machine's own settings, not a place."""
    return frozenset(available_timezones()) - {"localtime", "posixrules", "Factory"}


def parse_zone(text: str) -> tzinfo:
    """Parse a zone: a UTC offset, ``Z``, ``UTC``, or an IANA name.

    Args:
        text: ``+04:00``, ``-03:30``, ``+0400``, ``Z``, ``UTC`` or a name such as ``Asia/Baku``.

    Returns:
        A fixed-offset :class:`datetime.timezone`, or a :class:`zoneinfo.ZoneInfo`.

    Raises:
        ValueError: anything else; the message lists the accepted forms and, for a mistyped
            IANA name, suggests a close one.
    """
    stripped = text.strip()
    if stripped in ("Z", "z") or stripped.upper() == "UTC":
        return UTC
    if stripped[:1] in ("+", "-"):
        return timezone(timedelta(minutes=_parse_offset(stripped, text)))
    names = zone_names()
    if stripped in names:
        return ZoneInfo(stripped)
    # Match case-insensitively first, since "asia/baku" surely means Asia/Baku.
    hint = next((f" (did you mean '{n}'?)" for n in names if n.lower() == stripped.lower()), "")
    hint = hint or suggest(stripped, names)
    raise CodedValueError(f"unknown time zone {quote(text)}: expected {ACCEPTED_ZONES}{hint}",
                          "invalid_timezone")


def _utc(ordinal: int, seconds: int, zone: tzinfo, offset_minutes: int | None) -> int:
    """UTC epoch seconds of a local wall time given as a day ordinal and seconds into the day."""
    local = (ordinal - _EPOCH_ORDINAL) * 86_400 + seconds
    if offset_minutes is not None:
        return local - offset_minutes * 60
    # The end of year 9999 is past datetime's range: take the offset of its last day.
    wall = datetime.fromordinal(min(ordinal, date.max.toordinal())) + timedelta(seconds=seconds)
    offset = zone.utcoffset(wall)
    return local - int(offset.total_seconds() if offset is not None else 0)


def _start(value: LocalTime, zone: tzinfo) -> int:
    ordinal = date(value.year, value.month, value.day).toordinal()
    seconds = value.hour * 3600 + value.minute * 60 + value.second
    return _utc(ordinal, seconds, zone, value.offset_minutes)


def _end(value: LocalTime, zone: tzinfo) -> int:
    """The first second after ``value``'s period: the start of the next day, month or year."""
    if value.kind in ("instant", "local_datetime"):
        return _start(value, zone) + 1
    month = 12 if value.kind == "year" else value.month
    day = value.day if value.kind == "date" else calendar.monthrange(value.year, month)[1]
    return _utc(date(value.year, month, day).toordinal() + 1, 0, zone, None)


def to_interval(value: TimeValue, zone: tzinfo) -> Interval:
    """The UTC interval a time covers.

    Args:
        value: a parsed time or range.
        zone: the zone of local forms (dates, months, years, times without offset). With an IANA
            zone, the offset in force at that local time applies. Instants ignore it.

    Returns:
        ``[start, end)`` in UTC epoch seconds; a point instant covers its one whole second.

    Raises:
        ValueError: a range whose start is not before its end in ``zone``.
    """
    try:
        return _interval(value, zone)
    except TypeError:  # a zone that cannot be a key: computed every time
        return _interval.__wrapped__(value, zone)


# By value and zone: the same times recur across cases, accounts and evaluations (an error is
# raised again each time, never kept).
@functools.lru_cache(maxsize=4096)
def _interval(value: TimeValue, zone: tzinfo) -> Interval:
    if isinstance(value, TimeRange):
        if is_inverted(value, zone):
            raise CodedValueError(inverted_message(value), "inverted_range")
        return Interval(_start(value.start, zone), _end(value.end, zone))
    return Interval(_start(value, zone), _end(value, zone))


def inverted_message(value: TimeRange) -> str:
    """The message for a range that ends before it starts."""
    return f"inverted time range: from {value.start} is after to {value.end}"


#: The extreme offsets a local time could take: a range inverted under both is inverted under all.
EXTREME_ZONES = tuple(timezone(timedelta(minutes=m * MAX_OFFSET_MINUTES)) for m in (-1, 1))


def is_inverted(value: TimeRange, zone: tzinfo | None = None) -> bool:
    """Whether a range ends before it starts, in ``zone`` or, without one, in every zone.

    Without a zone the answer is exact when both ends are local, or both carry offsets (the
    zone cancels out); a range mixing the two is reported only if inverted whatever the zone.
    """
    return all(
        _start(value.start, z) >= _end(value.end, z)
        for z in (EXTREME_ZONES if zone is None else (zone,))
    )


def iso_utc(epoch: int) -> str:
    """UTC epoch seconds as ``2020-11-09T21:00:00Z``."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
