"""Hypothesis strategies for case records and times, concentrated on the boundaries rules test.

For testing readings (ours or your own) on generated cases. Hypothesis is optional: install the
extra (``pip install 'legal-status[hypothesis]'``). Only :mod:`engine.invariants` (behind
``legal-status check``, imported when that command runs) uses this module, so ``import engine``
and the other commands never need hypothesis.

A property in a user's own test, run on cases whose times sit on every instant the readings
compare with::

    from hypothesis import given, settings
    from hypothesis import strategies as st

    import engine
    from engine.strategies import boundary_instants, case_records

    READINGS = engine.load_readings("my-rules/")
    AROUND = boundary_instants(READINGS)

    @settings(max_examples=500, derandomize=True)
    @given(case_records(instants=AROUND, detaining_party="AZ",
                        affiliation=st.sampled_from(["armed_forces", "volunteer"])))
    def test_servicemen_held_by_az_are_never_not_addressed(case: engine.CaseRecord) -> None:
        outcome = engine.evaluate_case(case, READINGS).readings["my-reading"]
        assert outcome.status != "not_addressed"

Every field of the case can be pinned to a value or constrained with a strategy (see
:class:`CasePins`); unpinned fields draw from all their values, ``unknown`` and absent optional
blocks included. Failing examples shrink towards a simple case: an ``armed_forces`` serviceman of
AM, held by AZ, captured on a date well before the first instant, with no proceedings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta, timezone
from random import Random
from typing import Any, Literal, TypeAlias, TypedDict, TypeVar, Unpack, get_args, overload

from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample, Unsatisfiable
from hypothesis.strategies import SearchStrategy

from engine import timeval
from engine.case import AFFILIATIONS, CHARGES, CIRCUMSTANCES, STAGES, CaseRecord, Mechanism
from engine.caseload import load_case_dict
from engine.errors import suggest
from engine.readings import ReadingSet

T = TypeVar("T")
TimeInput: TypeAlias = str | dict[str, str]
"""A time as a case file writes it: ``"2020-11-10"``, or a range ``{"from": a, "to": b}``."""

#: The ceasefire, 2020-11-10T00:00+03:00 (2020-11-09T21:00Z), in UTC epoch seconds.
CEASEFIRE = 1_604_955_600
#: Detaining parties and nationalities drawn by default, simplest first.
PARTIES: tuple[str, ...] = ("AZ", "AM", "RU", "SY", "GE")
NATIONALITIES: tuple[str, ...] = ("AM", "AZ", "RU", "SY", "GE")
SIDES: tuple[str, ...] = ("AM", "AZ", "unknown")
#: ``capture.territory`` values drawn by default after "absent": both parties, the word
#: ``unknown`` written out (the same fact as absent, a form a rule must not tell apart), and
#: states that are neither party nor holder of a reading (a third state, and Russia).
TERRITORIES: tuple[str, ...] = ("AZ", "AM", "unknown", "GE", "RU")
#: ``capture.timezone`` values drawn by default (after "absent", which means the rules' default).
TIMEZONES: tuple[str, ...] = (
    "+04:00", "+03:00", "Z", "Asia/Baku", "Asia/Yerevan", "Europe/Moscow", "-05:00",
)
MECHANISMS: tuple[str, ...] = get_args(Mechanism)

#: Phases for a search with :func:`hypothesis.find`: no explain phase (it annotates failing
#: tests only, and costs more than the shrinking itself).
SEARCH_PHASES = (Phase.generate, Phase.target, Phase.shrink)
_DAY = 86_400
# Local forms are written as read in the conflict zone's default offset (+04:00), Moscow's and UTC.
_LOCAL_OFFSETS = (240, 180, 0)
# Offsets that instants are written with: the same, and one far away.
_INSTANT_OFFSETS = (240, 180, 0, -210)
_NEAR = st.integers(-3, 3)
_FAR = st.sampled_from([-_DAY, -3600, -60, 60, 3600, _DAY])


def _local(epoch: int, offset_minutes: int) -> datetime:
    return datetime.fromtimestamp(epoch, timezone(timedelta(minutes=offset_minutes)))


def _instant_text(epoch: int, offset_minutes: int, half: bool) -> str:
    wall = _local(epoch, offset_minutes)
    value = timeval.LocalTime("instant", wall.year, wall.month, wall.day, wall.hour, wall.minute,
                              wall.second, 500_000 if half else 0, offset_minutes)
    return str(value)


def _local_text(epoch: int, offset_minutes: int) -> str:
    # Whole minutes without their seconds: 2020-11-10T01:00, a form case files use too.
    return _local(epoch, offset_minutes).strftime("%Y-%m-%dT%H:%M:%S").removesuffix(":00")


def _date_text(day: date) -> str:
    return day.isoformat()


def _months(day: date) -> list[str]:
    index = day.year * 12 + day.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in (index - 1, index, index + 1)]


def _points_around(instant: int) -> SearchStrategy[str]:
    """Single times near one instant: dates, offset instants, local times, months, years."""
    day = _local(instant, _LOCAL_OFFSETS[0]).date()
    dates = [_date_text(day + timedelta(days=k)) for k in (-1, 0, 1, -2, 2, 20)]
    return st.one_of(
        st.sampled_from(dates),
        st.builds(lambda d, o, h: _instant_text(instant + d, o, h), st.one_of(_NEAR, _FAR),
                  st.sampled_from(_INSTANT_OFFSETS), st.booleans()),
        st.builds(lambda d, o: _local_text(instant + d, o), st.one_of(_NEAR, _FAR),
                  st.sampled_from(_LOCAL_OFFSETS)),
        st.sampled_from(_months(day)),
        st.sampled_from([str(day.year + k) for k in (0, -1, 1)]),
    )


def _interval(text: str) -> timeval.Interval:
    return timeval.to_interval(timeval.parse_time_text(text), timezone(timedelta(hours=4)))


def _never_inverted(low: str, high: str) -> bool:
    value = timeval.TimeRange(timeval.parse_time_text(low), timeval.parse_time_text(high))
    # The offset moves a local end linearly: a range valid at both extreme offsets is valid in
    # every zone in between.
    return not any(timeval.is_inverted(value, zone) for zone in timeval.EXTREME_ZONES)


def _as_range(pair: tuple[str, str]) -> dict[str, str]:
    """A range from two times, valid in every zone: in order, else reversed, else the first alone.

    A local date and an instant inside it overlap: which comes first depends on the zone, and
    then neither order is valid in every zone.
    """
    low, high = sorted(pair, key=lambda t: (_interval(t).lo, _interval(t).hi))
    for start, end in ((low, high), (high, low)):
        if _never_inverted(start, end):
            return {"from": start, "to": end}
    return {"from": low, "to": low}


@overload
def capture_times(*, instants: Sequence[int] | None = None,
                  allow_unknown: Literal[False] = False) -> SearchStrategy[TimeInput]: ...
@overload
def capture_times(*, instants: Sequence[int] | None = None,
                  allow_unknown: bool) -> SearchStrategy[TimeInput | None]: ...
def capture_times(*, instants: Sequence[int] | None = None,
                  allow_unknown: bool = False) -> SearchStrategy[TimeInput | None]:
    """Times as case files write them, concentrated around instants that rules compare with.

    For each instant: offset instants a few seconds (and a minute, an hour, a day) either side,
    written with offsets ``+04:00``, ``+03:00``, ``Z`` and ``-03:30`` (some with a fraction of a
    second); local times without offset either side of it in ``+04:00``, ``+03:00`` and UTC;
    local dates wholly before it, straddling it and wholly after it (read in ``+04:00``, the
    local date of the instant straddles it); the months and years around it; and ranges
    ``{from, to}`` built from two such times, never inverted in any zone. Local forms take the
    case's zone (``capture.timezone``, else the rules' default offset).

    Shrinks towards a plain date twenty days before the earliest instant (a wartime date for the
    ceasefire), then towards times near the instants, ranges, and last ``None``.

    Args:
        instants: UTC epoch seconds to concentrate on (see :func:`boundary_instants`); default
            the ceasefire, :data:`CEASEFIRE`.
        allow_unknown: also draw ``None``, an unknown time (the field left out).

    Returns:
        A strategy of strings and ``{"from": ..., "to": ...}`` mappings (and ``None``).

    Raises:
        ValueError: ``instants`` is empty.

    Example:
        >>> from hypothesis import find
        >>> find(capture_times(), lambda t: True)
        '2020-10-20'
        >>> find(capture_times(), lambda t: isinstance(t, str) and t.endswith("Z"))
        '2020-11-09T21:00:00Z'
    """
    points = sorted(set((CEASEFIRE,) if instants is None else instants))
    if not points:
        raise ValueError("capture_times: instants is empty: give at least one epoch")
    first = _local(points[0] - 20 * _DAY, 0).date()
    single = st.one_of(st.just(_date_text(first)), *(_points_around(i) for i in points))
    ranges = st.tuples(single, single).map(_as_range)
    times: SearchStrategy[TimeInput | None] = st.one_of(single, ranges)
    return st.one_of(times, st.none()) if allow_unknown else times


def boundary_instants(readings: ReadingSet) -> list[int]:
    """Every instant a rule of ``readings`` compares a time with, plus the ceasefire.

    The ceasefire is the instant ``common.yaml`` names ``ceasefire`` (else :data:`CEASEFIRE`);
    other named instants count only if a rule compares with them. Pass the result to
    :func:`capture_times` or :func:`case_records` so generated times sit on every boundary.

    Returns:
        UTC epoch seconds, sorted, without duplicates.

    Example:
        >>> import engine
        >>> from datetime import UTC
        >>> [datetime.fromtimestamp(i, UTC).isoformat()
        ...  for i in boundary_instants(engine.load_readings())]
        ['2020-11-09T21:00:00+00:00', '2021-08-31T21:00:00+00:00']
    """
    named = readings.common.instants.get("ceasefire")
    found = {CEASEFIRE if named is None else named.epoch}
    for reading in readings.readings.values():
        found.update(test.instant for rule in reading.rules for test in rule.tests
                     if test.op in ("before", "after") and test.instant is not None)
    return sorted(found)


class CasePins(TypedDict, total=False):
    """Keyword options of :func:`case_dicts` and :func:`case_records`.

    Each takes a value (every case has it) or a strategy (each case draws from it). ``None`` is
    the field left out: unknown for ``nationality``, ``capture_time``, ``circumstances`` and
    ``territory``; no block for ``entry``, ``proceedings`` and ``release``. ``instants`` is not a
    field: it is what the default capture and entry times concentrate on. ``expect`` is never
    generated.
    """

    id: str | SearchStrategy[str]
    title: str | SearchStrategy[str | None] | None
    detaining_party: str | SearchStrategy[str]
    nationality: str | SearchStrategy[str | None] | None
    affiliation: str | SearchStrategy[str]
    side: str | SearchStrategy[str]
    capture_time: TimeInput | SearchStrategy[TimeInput | None] | None
    timezone: str | SearchStrategy[str | None] | None
    place: str | SearchStrategy[str | None] | None
    circumstances: str | SearchStrategy[str | None] | None
    territory: str | SearchStrategy[str | None] | None
    entry: TimeInput | SearchStrategy[TimeInput | None] | None
    proceedings: Mapping[str, Any] | SearchStrategy[Mapping[str, Any] | None] | None
    release: Mapping[str, Any] | SearchStrategy[Mapping[str, Any] | None] | None
    instants: Sequence[int]


def _optional(inner: SearchStrategy[Any]) -> SearchStrategy[Any]:
    return st.one_of(st.none(), inner)


def _defaults(instants: Sequence[int] | None) -> dict[str, SearchStrategy[Any]]:
    """The unpinned fields' strategies, each listing its simplest value first."""
    times = capture_times(instants=instants, allow_unknown=True)
    return {
        "id": st.just("generated"),
        "title": st.none(),
        "detaining_party": st.sampled_from(PARTIES),
        "nationality": st.sampled_from([*NATIONALITIES, None]),
        "affiliation": st.sampled_from(AFFILIATIONS),
        "side": st.sampled_from(SIDES),
        "capture_time": times,
        "timezone": _optional(st.sampled_from(TIMEZONES)),
        "place": st.none(),
        "circumstances": st.sampled_from([*CIRCUMSTANCES, None]),
        "territory": st.sampled_from([None, *TERRITORIES]),
        "entry": st.one_of(st.none(), capture_times(instants=instants)),
        "proceedings": _optional(st.fixed_dictionaries(
            {"stage": st.sampled_from(STAGES),
             "charges": st.lists(st.sampled_from(CHARGES), max_size=3, unique=True)},
            optional={"sentence_years": st.sampled_from([6, 0, 1.5, 20])})),
        "release": _optional(st.fixed_dictionaries(
            {}, optional={"time": capture_times(instants=instants),
                          "mechanism": st.sampled_from(MECHANISMS)})),
    }


def _assemble(v: Mapping[str, Any]) -> dict[str, Any]:
    """A case mapping from drawn field values; ``None`` leaves a field out."""
    person = {"nationality": v["nationality"], "affiliation": v["affiliation"], "side": v["side"]}
    capture = {"time": v["capture_time"], "timezone": v["timezone"], "place": v["place"],
               "circumstances": v["circumstances"], "territory": v["territory"]}
    data: dict[str, Any] = {
        "id": v["id"], "title": v["title"], "detaining_party": v["detaining_party"],
        "detainee": {k: x for k, x in person.items() if x is not None},
        "capture": {k: x for k, x in capture.items() if x is not None},
        "entry": None if v["entry"] is None else {"time": v["entry"]},
        "proceedings": None if v["proceedings"] is None else dict(v["proceedings"]),
        "release": None if v["release"] is None else dict(v["release"]),
    }
    return {k: x for k, x in data.items() if x is not None}


def case_dicts(**pins: Unpack[CasePins]) -> SearchStrategy[dict[str, Any]]:
    """Valid case mappings, as a case file holds them, with fields pinned or constrained.

    Args:
        **pins: see :class:`CasePins`; a value pins the field, a strategy constrains it.

    Returns:
        A strategy of mappings that :func:`engine.load_case_dict` accepts (given valid pins).

    Raises:
        TypeError: an unknown option.

    Example:
        >>> from hypothesis import find
        >>> find(case_dicts(detaining_party="AM"), lambda c: True)  # doctest: +NORMALIZE_WHITESPACE
        {'id': 'generated', 'detaining_party': 'AM',
         'detainee': {'nationality': 'AM', 'affiliation': 'armed_forces', 'side': 'AM'},
         'capture': {'time': '2020-10-20', 'circumstances': 'combat'}}
    """
    options: Mapping[str, object] = pins
    known = CasePins.__optional_keys__
    for name in options:
        if name not in known:
            raise TypeError(f"case_dicts: unknown option '{name}'{suggest(name, known)}; "
                            f"known: {', '.join(sorted(known))}")
    instants = pins.get("instants")
    fields = _defaults(instants)
    for name, value in options.items():
        if name != "instants":
            fields[name] = value if isinstance(value, SearchStrategy) else st.just(value)
    return st.fixed_dictionaries(fields).map(_assemble)


def case_records(**pins: Unpack[CasePins]) -> SearchStrategy[CaseRecord]:
    """Valid :class:`~engine.case.CaseRecord` values, with fields pinned or constrained.

    Args:
        **pins: see :class:`CasePins`; a value pins the field, a strategy constrains it.

    Returns:
        A strategy of validated case records. An invalid pinned value (``detaining_party="XX"``)
        surfaces as :class:`~engine.errors.CaseFileError` naming the field.

    Raises:
        TypeError: an unknown option.

    Example:
        >>> from hypothesis import find
        >>> from hypothesis import strategies as st
        >>> held = case_records(detaining_party="AZ", proceedings=None,
        ...                     affiliation=st.sampled_from(["armed_forces", "volunteer"]))
        >>> case = find(held, lambda c: c.detainee.affiliation == "volunteer")
        >>> case.detaining_party, case.detainee.affiliation, case.proceedings
        ('AZ', 'volunteer', None)
    """
    return case_dicts(**pins).map(load_case_dict)


def find_example(strategy: SearchStrategy[T], predicate: Callable[[T], bool], *,
                 examples: int = 200, seed: int = 0) -> T | None:
    """The simplest value of ``strategy`` satisfying ``predicate``, or None if none was found.

    A seeded, shrinking search (``hypothesis.find``) over ``examples`` generated values, with
    no example database, so the same seed gives the same answer on every machine.

    Args:
        strategy: what to generate, for example :func:`case_records`.
        predicate: what the value must satisfy (for example: it breaks an invariant).
        examples: how many values to try before giving up.
        seed: the search's random seed.

    Example:
        >>> find_example(case_records(), lambda c: c.detainee.affiliation == "civilian")
        ...                                                  # doctest: +ELLIPSIS
        CaseRecord(...affiliation='civilian'...)
    """
    config = settings(max_examples=examples, database=None, deadline=None, derandomize=False,
                      suppress_health_check=list(HealthCheck), phases=SEARCH_PHASES)
    try:
        found: T = find(strategy, predicate, settings=config, random=Random(seed))
    except (NoSuchExample, Unsatisfiable):
        return None
    return found


def choices(values: Sequence[T]) -> SearchStrategy[T]:
    """Draw from ``values``, shrinking towards the first (a pin for :func:`case_records`)."""
    return st.sampled_from(list(values))


def proceedings_dicts(*, only: Sequence[str] | None = None,
                      any_of: Sequence[str] | None = None) -> SearchStrategy[dict[str, Any]]:
    """``proceedings`` blocks whose charges meet an ``only`` or ``any_of`` test of a rule.

    With ``only``: at least one charge, all from ``only``. With ``any_of``: at least one charge
    from ``any_of``, possibly with others. A pin for :func:`case_records`, so that conditions on
    charges are met by construction rather than by filtering most cases away.
    """
    pool = list(only) if only else list(CHARGES)
    required = list(any_of) if any_of else pool
    charges = st.tuples(st.lists(st.sampled_from(required), min_size=1, max_size=2, unique=True),
                        st.lists(st.sampled_from(pool), max_size=2, unique=True))
    return st.builds(lambda stage, two: {"stage": stage, "charges": sorted({*two[0], *two[1]})},
                     st.sampled_from(STAGES), charges)
