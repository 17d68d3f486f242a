"""Times as written, and the UTC intervals they cover."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.cases.timeval import (
    Interval,
    LocalTime,
    TimeRange,
    is_inverted,
    iso_utc,
    parse_instant,
    parse_time_text,
    parse_zone,
    to_interval,
)

CEASEFIRE = int(datetime(2020, 11, 9, 21, tzinfo=UTC).timestamp())
PLUS4 = timezone(timedelta(hours=4))
H = 3600


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def utc(year: int, month: int, day: int, hour: int = 0) -> int:
    return int(datetime(year, month, day, hour, tzinfo=UTC).timestamp())


def interval(text: str, zone: tzinfo = PLUS4) -> Interval:
    return to_interval(parse_time_text(text), zone)


def span(start: str, end: str, zone: tzinfo = PLUS4) -> Interval:
    return to_interval(TimeRange(parse_time_text(start), parse_time_text(end)), zone)


# --- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020", LocalTime("year", 2020)),
        ("2020-12", LocalTime("month", 2020, 12)),
        ("2020-12-13", LocalTime("date", 2020, 12, 13)),
        ("2020-11-10T00:30", LocalTime("local_datetime", 2020, 11, 10, 0, 30)),
        ("2020-11-10 00:30:15", LocalTime("local_datetime", 2020, 11, 10, 0, 30, 15)),
        ("2020-11-10T00:30:00+04:00", LocalTime("instant", 2020, 11, 10, 0, 30, 0, 0, 240)),
        ("2020-11-10T00:30-03:30", LocalTime("instant", 2020, 11, 10, 0, 30, 0, 0, -210)),
        ("2020-11-09T20:59:59.25Z", LocalTime("instant", 2020, 11, 9, 20, 59, 59, 250000, 0)),
        ("2020-11-10T00:00+0300", LocalTime("instant", 2020, 11, 10, 0, 0, 0, 0, 180)),
    ],
)
def test_parse_forms(text: str, expected: LocalTime) -> None:
    assert parse_time_text(text) == expected


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("2020", "2020"),
        ("2020-12", "2020-12"),
        ("2020-12-13", "2020-12-13"),
        ("2020-11-10T00:30", "2020-11-10T00:30:00"),
        ("2020-11-09T20:59:59.250Z", "2020-11-09T20:59:59.25Z"),
        ("2020-11-10T00:00+0300", "2020-11-10T00:00:00+03:00"),
        ("2020-11-10T00:00-00:30", "2020-11-10T00:00:00-00:30"),
    ],
)
def test_canonical_text(text: str, canonical: str) -> None:
    assert str(parse_time_text(text)) == canonical


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("2020-02-30", "impossible time '2020-02-30': 2020-02 has no day 30"),
        ("2021-02-29", "2021-02 has no day 29"),
        ("2020-13", "month 13 is not in 1..12"),
        ("2020-00-10", "month 0 is not in 1..12"),
        ("0000", "year 0 is not in 1..9999"),
        ("2020-11-10T25:00", "hour 25 is not in 0..23"),
        ("2020-11-10T10:60", "minute 60 is not in 0..59"),
        ("2020-11-10T10:00:60Z", "second 60 is not in 0..59"),
        ("2020-11-10T10:00+25:00", "bad offset '+25:00' in '2020-11-10T10:00+25:00'"),
        ("2020-11-10T10:00+05:75", "hours must be 00-23, minutes 00-59"),
        ("2020-11-10T10:00+19:00", "offsets stop at +/-18:00"),
        ("10 November 2020", "'10 November 2020' is not a time: expected an instant with offset"),
        ("2020-1-5", "a date (2020-12-13), a month (2020-12) or a year (2020)"),
        ("", "'' is not a time"),
        ("2020-11-10T10", "is not a time"),
        ("2020-11-10T10:00+4", "is not a time"),
    ],
)
def test_parse_errors(text: str, fragment: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_time_text(text)
    assert fragment in str(info.value)


def test_parse_instant() -> None:
    assert parse_instant("2020-11-10T00:00+03:00") == CEASEFIRE
    assert parse_instant("2020-11-09T21:00:00Z") == CEASEFIRE
    with pytest.raises(ValueError, match="not an instant"):
        parse_instant("2020-11-10T00:00")
    with pytest.raises(ValueError, match="not an instant"):
        parse_instant("2020-11-10")


# --- zones -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "offset_hours"),
    [("+04:00", 4), ("-03:30", -3.5), ("+0545", 5.75), ("Z", 0), ("UTC", 0), ("utc", 0)],
)
def test_fixed_zones(text: str, offset_hours: float) -> None:
    zone = parse_zone(text)
    assert zone.utcoffset(None) == timedelta(hours=offset_hours)


def test_iana_zone() -> None:
    zone = parse_zone("Asia/Baku")
    assert isinstance(zone, ZoneInfo)
    assert zone.utcoffset(datetime(2020, 11, 10)) == timedelta(hours=4)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Asia/Bak", "unknown time zone 'Asia/Bak'"),
        ("Asia/Bak", "(did you mean 'Asia/Baku'?)"),
        ("asia/yerevan", "(did you mean 'Asia/Yerevan'?)"),
        ("Mars/Olympus", "expected a UTC offset (+04:00, -03:30), Z, UTC, or an IANA zone name"),
        ("localtime", "unknown time zone 'localtime'"),
        ("../../etc/passwd", "unknown time zone"),
        ("+4", "bad offset '+4': expected +HH:MM, -HH:MM or Z"),
        ("+24:00", "hours must be 00-23"),
    ],
)
def test_zone_errors(text: str, fragment: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_zone(text)
    assert fragment in str(info.value)


def test_unrelated_zone_name_gets_no_suggestion() -> None:
    with pytest.raises(ValueError) as info:
        parse_zone("Mars/Olympus")
    assert "did you mean" not in str(info.value)


# --- intervals -------------------------------------------------------------------------------


def test_the_issue_examples() -> None:
    # A capture "on 2020-11-10" local time straddles the ceasefire; 00:30 local is before it.
    assert interval("2020-11-10").compare(CEASEFIRE) == "undecided"
    assert interval("2020-11-10T00:30:00+04:00").compare(CEASEFIRE) == "before"
    assert interval("2020-11-10T00:30").compare(CEASEFIRE) == "before"
    assert interval("2020-11-10T01:00").compare(CEASEFIRE) == "after"
    assert interval("2020-11-09T21:00Z").compare(CEASEFIRE) == "after"
    assert interval("2020-11-09T20:59:59.999Z").compare(CEASEFIRE) == "before"
    assert interval("2020-12-13").compare(CEASEFIRE) == "after"
    assert interval("2020-11").compare(CEASEFIRE) == "undecided"
    assert interval("2020-10").compare(CEASEFIRE) == "before"


def test_local_day_in_the_case_zone() -> None:
    assert interval("2020-12-13") == Interval(utc(2020, 12, 12, 20), utc(2020, 12, 13, 20))
    assert interval("2020-12-13", UTC) == Interval(utc(2020, 12, 13), utc(2020, 12, 14))


def length(text: str) -> int:
    value = interval(text)
    return value.hi - value.lo


def test_periods_have_their_calendar_length() -> None:
    day = 24 * H
    assert length("2020-02") == 29 * day
    assert length("2021-02") == 28 * day
    assert length("2020") == 366 * day
    assert length("2020-12-31") == day
    assert length("2020-12-31T23:59:59") == 1


def test_instant_ignores_the_zone() -> None:
    assert interval("2020-11-10T00:30+04:00", UTC) == interval("2020-11-10T00:30+04:00")


def test_iana_zone_uses_the_offset_in_force() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # Summer time began on 29 March 2020: that local day lasted 23 hours.
    assert interval("2020-03-29", berlin) == Interval(utc(2020, 3, 28, 23), utc(2020, 3, 29, 22))
    assert interval("2020-07-01T12:00", berlin).lo == utc(2020, 7, 1, 10)
    assert interval("2020-01-01T12:00", berlin).lo == utc(2020, 1, 1, 11)


def test_extreme_years() -> None:
    assert interval("0002", UTC).lo == int((datetime(2, 1, 1, tzinfo=UTC) - _EPOCH).total_seconds())
    last = interval("9998", PLUS4)
    assert last.hi - last.lo == 365 * 24 * H
    assert iso_utc(interval("9999-12-30", PLUS4).hi) == "9999-12-30T20:00:00Z"


@pytest.mark.parametrize("text", ["0001", "0001-01-01", "0001-01-01T10:00", "9999", "9999-12",
                                  "9999-12-31", "9999-12-31T23:59:59Z", "0000-12-31T23:00-02:00"])
def test_times_whose_interval_leaves_the_years_1_to_9999_are_refused(text: str) -> None:
    # In some zone these start in year 0 or end in year 10000, which no conversion survives.
    with pytest.raises(ValueError, match=r"out of range|not in 1\.\.9999"):
        parse_time_text(text)


def test_range_runs_from_start_of_from_to_end_of_to() -> None:
    assert span("2020-11-20", "2020-11-30") == Interval(
        utc(2020, 11, 19, 20), utc(2020, 11, 30, 20)
    )
    assert span("2020-11", "2020-12") == Interval(utc(2020, 10, 31, 20), utc(2020, 12, 31, 20))
    assert span("2020-11-10", "2020-11-10") == interval("2020-11-10")


def test_inverted_ranges() -> None:
    backwards = TimeRange(parse_time_text("2020-12-01"), parse_time_text("2020-11-30"))
    assert is_inverted(backwards)
    with pytest.raises(
        ValueError, match="inverted time range: from 2020-12-01 is after to 2020-11-30"
    ):
        to_interval(backwards, PLUS4)
    # Two instants one second apart are a valid range, a range ending where it starts is not.
    assert not is_inverted(
        TimeRange(parse_time_text("2020-01-01T00:00Z"), parse_time_text("2020-01-01T00:00Z"))
    )
    later = TimeRange(parse_time_text("2020-01-01T00:00:01Z"), parse_time_text("2020-01-01T00:00Z"))
    assert is_inverted(later)


def test_mixed_range_depends_on_the_zone() -> None:
    mixed = TimeRange(parse_time_text("2020-11-10T05:00Z"), parse_time_text("2020-11-09"))
    assert not is_inverted(mixed)  # not inverted in every zone...
    assert is_inverted(mixed, PLUS4)  # ...but it is in +04:00
    assert not is_inverted(mixed, parse_zone("-10:00"))
    with pytest.raises(ValueError, match="inverted"):
        to_interval(mixed, PLUS4)


def test_compare_and_contains() -> None:
    assert Interval(0, 10).compare(10) == "before"
    assert Interval(10, 20).compare(10) == "after"
    assert Interval(0, 20).compare(10) == "undecided"
    assert Interval(0, 20).contains(Interval(5, 20))
    assert not Interval(0, 20).contains(Interval(5, 21))


# --- properties ------------------------------------------------------------------------------

ZONES = st.one_of(
    st.integers(-18 * 60, 18 * 60).map(lambda m: timezone(timedelta(minutes=m))),
    st.sampled_from(
        [
            "Asia/Baku",
            "Asia/Yerevan",
            "Europe/Moscow",
            "Europe/Berlin",
            "America/Sao_Paulo",
            "Australia/Lord_Howe",
        ]
    ).map(ZoneInfo),
)
# Years 2-9998: a time whose year, in some zone, reaches year 0 or 10000 is refused.
DATETIMES = st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31))
OFFSETS = st.integers(-18 * 60, 18 * 60)


@given(DATETIMES, OFFSETS)
def test_instants_round_trip_and_floor(moment: datetime, offset: int) -> None:
    zone = timezone(timedelta(minutes=offset))
    aware = moment.replace(tzinfo=zone)
    parsed = parse_time_text(aware.isoformat())
    assert parsed.kind == "instant"
    assert parse_time_text(str(parsed)) == parsed
    expected = (aware - _EPOCH) // timedelta(seconds=1)
    assert to_interval(parsed, UTC) == Interval(expected, expected + 1)


@given(DATETIMES, ZONES)
def test_a_date_contains_its_instants(moment: datetime, zone: tzinfo) -> None:
    local = parse_time_text(moment.replace(microsecond=0).isoformat())
    day = parse_time_text(moment.date().isoformat())
    month = parse_time_text(f"{moment.year:04d}-{moment.month:02d}")
    year = parse_time_text(f"{moment.year:04d}")
    assert local.kind == "local_datetime" and day.kind == "date"
    assert to_interval(year, zone).contains(to_interval(month, zone))
    assert to_interval(month, zone).contains(to_interval(day, zone))
    assert to_interval(day, zone).contains(to_interval(local, zone))


@given(
    st.dates(date(1, 1, 2), date(9999, 12, 30)), st.dates(date(1, 1, 2), date(9999, 12, 30)), ZONES
)
def test_ranges_of_dates(first: date, second: date, zone: tzinfo) -> None:
    low, high = sorted((first, second))
    value = TimeRange(parse_time_text(low.isoformat()), parse_time_text(high.isoformat()))
    result = to_interval(value, zone)
    assert result.hi > result.lo
    assert result.lo == to_interval(value.start, zone).lo
    assert result.hi == to_interval(value.end, zone).hi
    if low != high:
        assert is_inverted(TimeRange(value.end, value.start))


@given(
    st.integers(-(10**9), 10**9),
    st.integers(1, 10**6),
    st.integers(0, 10**6),
    st.integers(-(10**9), 10**9),
)
def test_a_sub_interval_is_never_less_decided(lo: int, width: int, cut: int, instant: int) -> None:
    outer = Interval(lo, lo + width)
    inner = Interval(lo + min(cut, width - 1), lo + width)
    assert outer.contains(inner)
    if outer.compare(instant) != "undecided":
        assert inner.compare(instant) == outer.compare(instant)
