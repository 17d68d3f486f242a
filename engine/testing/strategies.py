"""Hypothesis strategies for case records and times, concentrated on the boundaries rules test.

For testing readings (ours or your own) on generated cases. Hypothesis is optional: install the
extra (``pip install 'legal-status[hypothesis]'``). Only :mod:`engine.testing.invariants` (behind
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
from datetime import timedelta
from random import Random
from typing import Any, Literal, TypeAlias, TypedDict, TypeVar, Unpack, get_args, overload

from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample, Unsatisfiable
from hypothesis.strategies import SearchStrategy

from engine.base.errors import suggest
from engine.cases.load import load_case_dict
from engine.cases.record import AFFILIATIONS, CHARGES, CIRCUMSTANCES, STAGES, CaseRecord, Mechanism
from engine.readings.load import ReadingSet
from engine.testing._possible import claim_check, possible_values
from engine.testing._timetexts import (
    DAY,
    INSTANT_OFFSETS,
    LOCAL_OFFSETS,
    as_range,
    date_text,
    instant_text,
    local_text,
    local_wall,
    months_around,
)

T = TypeVar("T")
TimeInput: TypeAlias = str | dict[str, str]
"""A time as a case file writes it: ``"2020-11-10"``, or a range ``{"from": a, "to": b}``."""

#: The ceasefire, 2020-11-10T00:00+03:00 (2020-11-09T21:00Z), in UTC epoch seconds.
CEASEFIRE = 1_604_955_600
#: Detaining parties and nationalities drawn by default, simplest first.
PARTIES: tuple[str, ...] = ("AZ", "AM", "RU", "SY", "GE")
NATIONALITIES: tuple[str, ...] = ("AM", "AZ", "RU", "SY", "GE")
SIDES: tuple[str, ...] = ("AM", "AZ", "unknown")
#: ``capture.territory`` values after "absent": both parties, ``unknown`` written out, third states.
TERRITORIES: tuple[str, ...] = ("AZ", "AM", "unknown", "GE", "RU")
#: ``capture.timezone`` values drawn after "absent" (the rules' default).
TIMEZONES = ("+04:00", "+03:00", "Z", "Asia/Baku", "Asia/Yerevan", "Europe/Moscow", "-05:00")
MECHANISMS: tuple[str, ...] = get_args(Mechanism)

#: Phases for :func:`hypothesis.find`: no explain phase (it annotates failing tests only).
SEARCH_PHASES = (Phase.generate, Phase.target, Phase.shrink)
_NEAR = st.integers(-3, 3)
_FAR = st.sampled_from([-DAY, -3600, -60, 60, 3600, DAY])


def _points_around(instant: int) -> SearchStrategy[str]:
    """Single times near one instant: dates, offset instants, local times, months, years."""
    day = local_wall(instant, LOCAL_OFFSETS[0]).date()
    dates = [date_text(day + timedelta(days=k)) for k in (-1, 0, 1, -2, 2, 20)]
    return st.one_of(
        st.sampled_from(dates),
        st.builds(lambda d, o, h: instant_text(instant + d, o, h), st.one_of(_NEAR, _FAR),
                  st.sampled_from(INSTANT_OFFSETS), st.booleans()),
        st.builds(lambda d, o: local_text(instant + d, o), st.one_of(_NEAR, _FAR),
                  st.sampled_from(LOCAL_OFFSETS)),
        st.sampled_from(months_around(day)),
        st.sampled_from([str(day.year + k) for k in (0, -1, 1)]),
    )


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
    first = local_wall(points[0] - 20 * DAY, 0).date()
    single = st.one_of(st.just(date_text(first)), *(_points_around(i) for i in points))
    ranges = st.tuples(single, single).map(as_range)
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
    the field left out: unknown for ``nationality``, ``capture_time``, ``circumstances``,
    ``territory``; no ``entry``, ``proceedings``, ``release`` block. ``instants`` is not a field:
    it is what the default times concentrate on. ``expect`` is never generated.
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
        "timezone": st.one_of(st.none(), st.sampled_from(TIMEZONES)),
        "place": st.none(),
        "circumstances": st.sampled_from([*CIRCUMSTANCES, None]),
        "territory": st.sampled_from([None, *TERRITORIES]),
        "entry": st.one_of(st.none(), capture_times(instants=instants)),
        "proceedings": st.one_of(st.none(), st.fixed_dictionaries(
            {"stage": st.sampled_from(STAGES),
             "charges": st.lists(st.sampled_from(CHARGES), max_size=3, unique=True)},
            optional={"sentence_years": st.sampled_from([6, 0, 1.5, 20])})),
        "release": st.one_of(st.none(), st.fixed_dictionaries(
            {}, optional={"time": capture_times(instants=instants),
                          "mechanism": st.sampled_from(MECHANISMS)})),
    }


def _assemble(drawn: Mapping[str, Any]) -> dict[str, Any]:
    """A case mapping from drawn field values; ``None`` leaves a field out."""
    v = possible_values(drawn)
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
    """Valid :class:`~engine.cases.record.CaseRecord` values, with fields pinned or constrained.

    Args:
        **pins: see :class:`CasePins`; a value pins the field, a strategy constrains it.

    Returns:
        A strategy of validated case records. An invalid pinned value (``detaining_party="XX"``)
        surfaces as :class:`~engine.base.errors.CaseFileError` naming the field.

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

    With ``only``: at least one charge, all from ``only``. With ``any_of``: at least one from
    ``any_of``, maybe with others. A pin for :func:`case_records`: conditions on charges are met
    by construction rather than by filtering.
    """
    pool = list(only) if only else list(CHARGES)
    required = list(any_of) if any_of else pool
    charges = st.tuples(st.lists(st.sampled_from(required), min_size=1, max_size=2, unique=True),
                        st.lists(st.sampled_from(pool), max_size=2, unique=True))
    return st.builds(lambda stage, two: {"stage": stage, "charges": sorted({*two[0], *two[1]})},
                     st.sampled_from(STAGES), charges)


#: Who asserts the claims of generated cases: both parties, a third state, two other bodies.
CLAIMANTS: tuple[str, ...] = ("AZ", "AM", "RU", "ICRC", "HRW")


def _claim_values(instants: Sequence[int] | None) -> dict[str, SearchStrategy[Any]]:
    """What a claim may state instead of the case's value, per claimable fact."""
    times = capture_times(instants=instants)
    return {"detainee.nationality": st.sampled_from(NATIONALITIES),
            "detainee.affiliation": st.sampled_from(AFFILIATIONS),
            "detainee.side": st.sampled_from(SIDES), "capture.time": times,
            "capture.place": st.sampled_from(["near Hin Tagher", "Hadrut"]),
            "capture.circumstances": st.sampled_from(CIRCUMSTANCES), "entry.time": times,
            "capture.territory": st.sampled_from(TERRITORIES),
            "proceedings.sentence_years": st.sampled_from([6, 0, 1.5, 20]),
            "release.time": times, "release.mechanism": st.sampled_from(MECHANISMS)}


def _claims(value: Any, other: SearchStrategy[Any]) -> SearchStrategy[list[dict[str, Any]]]:
    """One to three claims by different claimants, each stating ``value`` or another value."""
    return st.lists(st.sampled_from(CLAIMANTS), min_size=1, max_size=3, unique=True).flatmap(
        lambda who: st.tuples(*(st.one_of(st.just(value), other) for _ in who)).map(
            lambda said: [{"value": v, "asserted_by": p, "source": f"generated, said by {p}"}
                          for p, v in zip(who, said, strict=True)]))


def claimed_case_dicts(**pins: Unpack[CasePins]) -> SearchStrategy[dict[str, Any]]:
    """Case mappings of :func:`case_dicts` with some facts rewritten as lists of claims.

    Any fact the case states may become one to three claims by :data:`CLAIMANTS`, all stating
    the case's value (uncontested) or some stating another (disputed). Shrinks towards the plain
    case. Takes the same pins as :func:`case_dicts`.
    """
    values = _claim_values(pins.get("instants"))

    def rewrite(data: dict[str, Any]) -> SearchStrategy[dict[str, Any]]:
        present = {path: data[block][name] for path in values
                   for block, name in [path.split(".")]
                   if isinstance(data.get(block), dict) and name in data[block]}
        chosen = st.fixed_dictionaries({}, optional={
            path: _claims(value, st.nothing() if (ok := claim_check(data, path)) is None
                          else values[path].filter(ok)) for path, value in present.items()})
        return chosen.map(lambda claims: _with_claims(data, claims))

    return case_dicts(**pins).flatmap(rewrite)


def _with_claims(data: dict[str, Any], claims: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in data.items()}
    for path, given in claims.items():
        block, name = path.split(".")
        out[block][name] = given
    return out
