"""The public hypothesis strategies: pins and constraints, boundaries, shrinking, swap_parties."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from engine.base.errors import CaseFileError
from engine.cases.facts import case_facts
from engine.cases.load import load_case_dict
from engine.cases.record import AFFILIATIONS, CIRCUMSTANCES, CaseRecord
from engine.cases.timeval import (
    EXTREME_ZONES,
    Interval,
    TimeRange,
    TimeValue,
    is_inverted,
    parse_time_text,
    parse_zone,
    to_interval,
)
from engine.readings.load import load_readings
from engine.strategies import (
    CEASEFIRE,
    NATIONALITIES,
    PARTIES,
    SEARCH_PHASES,
    SIDES,
    TERRITORIES,
    TIMEZONES,
    TimeInput,
    boundary_instants,
    capture_times,
    case_dicts,
    case_records,
)
from tests.conftest import FIXTURES, ROOT

BUNDLED = load_readings()
MINI = load_readings(FIXTURES / "rules")
# 2021-09-01T00:00+03:00, the end of the period the Russia reading speaks of.
SEPTEMBER_2021 = 1_630_443_600
# The bounds of the periods the bundled rules' sources speak of (rules/*.yaml): Azerbaijan's
# exchange of 14 December 2020 (Z8) and its 2023 goodwill release (Z14); the date of the report
# Russia's reading relays second-hand (SEED, 17 August 2022). All at local midnight (+04:00).
DECEMBER_14_2020 = 1_607_889_600
AUGUST_17_2022 = 1_660_680_000
JANUARY_2023 = 1_672_516_800
DECEMBER_7_2023 = 1_701_892_800
INSTANTS = boundary_instants(BUNDLED)
PLUS4 = timezone(timedelta(hours=4))
FIND = settings(max_examples=3000, database=None, derandomize=True, phases=SEARCH_PHASES)
SOME = settings(max_examples=300, database=None, derandomize=True)


def _interval(time: TimeInput, zone: str | None = None) -> Interval:
    """The UTC interval of a generated time, read in ``zone`` (default +04:00)."""
    if isinstance(time, dict):
        value: TimeValue = TimeRange(parse_time_text(time["from"]), parse_time_text(time["to"]))
    else:
        value = parse_time_text(time)
    return to_interval(value, PLUS4 if zone is None else parse_zone(zone))


def _first(strategy: st.SearchStrategy[Any], condition: Callable[[Any], bool]) -> Any:
    return find(strategy, condition, settings=FIND)


# --- boundary_instants ---------------------------------------------------------------------------

def test_boundary_instants_are_the_instants_rules_compare_with() -> None:
    # The humanitarian ceasefire of 10 October is named in common.yaml but no rule uses it.
    assert INSTANTS == [CEASEFIRE, DECEMBER_14_2020, SEPTEMBER_2021, AUGUST_17_2022, JANUARY_2023,
                        DECEMBER_7_2023]
    assert boundary_instants(MINI) == [CEASEFIRE]


def test_boundary_instants_always_include_the_ceasefire() -> None:
    unnamed = replace(MINI.common, instants={})
    assert boundary_instants(replace(MINI, common=unnamed, readings={})) == [CEASEFIRE]
    moved = {"ceasefire": replace(MINI.common.instants["ceasefire"], epoch=SEPTEMBER_2021)}
    assert boundary_instants(replace(MINI, common=replace(MINI.common, instants=moved),
                                     readings={})) == [SEPTEMBER_2021]


# --- capture_times -------------------------------------------------------------------------------

@SOME
@given(capture_times(instants=INSTANTS, allow_unknown=True),
       st.sampled_from([None, *TIMEZONES]))
def test_generated_times_are_valid_in_every_zone(time: TimeInput | None,
                                                 zone: str | None) -> None:
    capture: dict[str, Any] = {"time": time, "timezone": zone}
    case = load_case_dict({"id": "t", "detaining_party": "AZ", "detainee": {
        "affiliation": "civilian", "side": "AM"}, "capture": {k: v for k, v in capture.items()
                                                             if v is not None}})
    interval = case.capture_interval(PLUS4)
    if time is None:
        assert interval is None
    else:
        assert interval == _interval(time, zone) and interval.lo < interval.hi


@SOME
@given(capture_times(instants=INSTANTS))
def test_ranges_are_never_inverted(time: TimeInput) -> None:
    assert time is not None
    if isinstance(time, dict):
        value = load_case_dict({"id": "t", "detaining_party": "AZ", "capture": {"time": time},
                                "detainee": {"affiliation": "civilian", "side": "AM"}}
                               ).capture.time
        assert isinstance(value, TimeRange)
        zones = [*EXTREME_ZONES, *(parse_zone(z) for z in TIMEZONES)]
        assert not any(is_inverted(value, zone) for zone in zones), time


def test_unknown_only_when_allowed() -> None:
    assert _first(capture_times(allow_unknown=True), lambda t: t is None) is None
    with pytest.raises(ValueError, match="instants is empty"):
        capture_times(instants=[])


@SOME
@given(capture_times(instants=INSTANTS))
def test_no_unknown_unless_allowed(time: TimeInput | None) -> None:
    assert time is not None


def test_times_shrink_to_a_plain_date_well_before_the_first_instant() -> None:
    assert _first(capture_times(), lambda t: True) == "2020-10-20"
    assert _first(capture_times(instants=INSTANTS), lambda t: True) == "2020-10-20"
    assert _first(capture_times(instants=[SEPTEMBER_2021]), lambda t: True) == "2021-08-11"


def _is_date(t: TimeInput) -> bool:
    return isinstance(t, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", t) is not None


# What must be generated around every instant i (read in the default +04:00), given the time t
# and its interval v: name -> condition.
Around = Callable[[TimeInput, Interval, int], bool]
AROUND: dict[str, Around] = {
    "seconds before": lambda t, v, i: isinstance(t, str) and i - 5 < v.hi <= i,
    "seconds after": lambda t, v, i: isinstance(t, str) and i <= v.lo < i + 5,
    "ending exactly at it": lambda t, v, i: v.hi == i,
    "starting exactly at it": lambda t, v, i: v.lo == i,
    "a straddling date": lambda t, v, i: _is_date(t) and v.compare(i) == "undecided",
    "the date before": lambda t, v, i: _is_date(t) and i - 86_400 < v.hi <= i,
    "the date after": lambda t, v, i: _is_date(t) and i <= v.lo < i + 86_400,
    "a straddling month": lambda t, v, i: isinstance(t, str) and len(t) == 7
    and v.compare(i) == "undecided",
    "a straddling range": lambda t, v, i: isinstance(t, dict) and v.compare(i) == "undecided",
    "a range wholly before": lambda t, v, i: isinstance(t, dict) and v.compare(i) == "before"
    and v.hi > i - 40 * 86_400,
    "a range wholly after": lambda t, v, i: isinstance(t, dict) and v.compare(i) == "after"
    and v.lo < i + 40 * 86_400,
}


def test_every_boundary_instant_gets_both_sides_and_straddles() -> None:
    seen: set[tuple[str, int]] = set()

    @settings(max_examples=1000, database=None, derandomize=True, phases=[Phase.generate])
    @given(capture_times(instants=INSTANTS))
    def draw(time: TimeInput) -> None:
        interval = _interval(time)
        seen.update((what, i) for what, holds in AROUND.items() for i in INSTANTS
                    if holds(time, interval, i))

    draw()
    assert {(what, i) for what in AROUND for i in INSTANTS if _possible(what, i)} - seen == set()


def _possible(what: str, instant: int) -> bool:
    """Whether a local date or month (+04:00) can straddle ``instant`` at all: not when the
    instant is the local midnight that begins a date (or the first of a month)."""
    local = datetime.fromtimestamp(instant, PLUS4)
    midnight = (local.hour, local.minute, local.second) == (0, 0, 0)
    if what == "a straddling date":
        return not midnight
    if what == "a straddling month":
        return not (midnight and local.day == 1)
    return True


@pytest.mark.parametrize("pattern", [
    r".*T\d\d:\d\d:\d\d\+04:00", r".*T\d\d:\d\d:\d\d\+03:00", r".*T\d\d:\d\d:\d\dZ",
    r".*T\d\d:\d\d:\d\d\.5.*", r".*-03:30", r".*T\d\d:\d\d", r".*T\d\d:\d\d:\d\d", r"\d{4}-\d\d",
    r"\d{4}",
])
def test_every_written_form_is_generated(pattern: str) -> None:
    assert _first(capture_times(),
                  lambda t: isinstance(t, str) and re.fullmatch(pattern, t) is not None)


# --- case_dicts and case_records -----------------------------------------------------------------

PINNED: dict[str, Any] = {
    "id": "pinned", "title": "T", "detaining_party": "RU", "nationality": None,
    "affiliation": "civilian", "side": "unknown", "capture_time": None, "timezone": "+03:00",
    "place": "P", "circumstances": None, "territory": None, "entry": None, "proceedings": None,
    "release": None,
}


@SOME
@given(case_records(**PINNED))
def test_pinned_values_are_always_equal(case: CaseRecord) -> None:
    assert (case.id, case.title, case.detaining_party) == ("pinned", "T", "RU")
    assert (case.detainee.nationality, case.detainee.affiliation, case.detainee.side) == (
        None, "civilian", "unknown")
    assert case.capture.model_dump() == {"time": None, "timezone": "+03:00", "place": "P",
                                         "circumstances": "unknown", "territory": "unknown"}
    assert (case.entry, case.proceedings, case.release, case.expect) == (None, None, None, {})


@SOME
@given(case_records(detaining_party="AZ", affiliation=st.sampled_from(["armed_forces"]),
                    side=st.sampled_from(["AM", "unknown"]),
                    capture_time=capture_times(instants=[SEPTEMBER_2021]),
                    entry="2020-11-20", proceedings={"stage": "convicted", "charges": ["other"]},
                    release=st.just({"mechanism": "exchange"})))
def test_constraints_are_honoured(case: CaseRecord) -> None:
    assert case.detaining_party == "AZ" and case.detainee.affiliation == "armed_forces"
    assert case.detainee.side in ("AM", "unknown") and case.capture.time is not None
    assert case.entry is not None and str(case.entry.time) == "2020-11-20"
    assert case.proceedings is not None and case.proceedings.charges == ("other",)
    assert case.release is not None and case.release.mechanism == "exchange"


@SOME
@given(case_dicts(instants=INSTANTS))
def test_case_dicts_are_valid_case_files_without_expect(data: dict[str, Any]) -> None:
    assert "expect" not in data
    load_case_dict(data)


def test_unknown_option_is_refused() -> None:
    options: dict[str, Any] = {"detaining_pary": "AZ"}
    with pytest.raises(TypeError, match="did you mean 'detaining_party'"):
        case_records(**options)


def test_invalid_pinned_value_names_the_field() -> None:
    @settings(max_examples=1, database=None, phases=[Phase.generate])
    @given(case_records(detaining_party="XX"))
    def draw(case: CaseRecord) -> None:
        raise AssertionError("not reached")

    with pytest.raises(CaseFileError, match="detaining_party"):
        draw()


def test_cases_shrink_to_a_wartime_serviceman_of_am_held_by_az() -> None:
    simplest = _first(case_records(), lambda c: True)
    assert simplest.model_dump(exclude_defaults=True) == {
        "id": "generated", "detaining_party": "AZ",
        "detainee": {"nationality": "AM", "affiliation": "armed_forces", "side": "AM"},
        "capture": {"time": "2020-10-20", "circumstances": "combat"}}
    charged = _first(case_records(), lambda c: c.proceedings is not None)
    assert charged.proceedings.model_dump() == {"stage": "none", "charges": (),
                                                "sentence_years": None}


DEFAULTS: dict[str, tuple[Callable[[CaseRecord], object], tuple[object, ...]]] = {
    "detaining_party": (lambda c: c.detaining_party, PARTIES),
    "nationality": (lambda c: c.detainee.nationality, (*NATIONALITIES, None)),
    "affiliation": (lambda c: c.detainee.affiliation, AFFILIATIONS),
    "side": (lambda c: c.detainee.side, SIDES),
    "circumstances": (lambda c: c.capture.circumstances, CIRCUMSTANCES),
    "territory": (lambda c: c.capture.territory, ("unknown", *TERRITORIES)),
    "timezone": (lambda c: c.capture.timezone, (None, *TIMEZONES)),
    "capture_time known": (lambda c: c.capture.time is not None, (True, False)),
    "entry": (lambda c: c.entry is not None, (True, False)),
    "proceedings": (lambda c: c.proceedings is not None, (True, False)),
    "release": (lambda c: c.release is not None, (True, False)),
}


def test_defaults_draw_every_value() -> None:
    seen: dict[str, set[object]] = {field: set() for field in DEFAULTS}

    @settings(max_examples=600, database=None, derandomize=True)
    @given(case_records())
    def draw(case: CaseRecord) -> None:
        for field, (read, _) in DEFAULTS.items():
            seen[field].add(read(case))

    draw()
    assert seen == {field: set(values) for field, (_, values) in DEFAULTS.items()}


# --- swapped_parties -----------------------------------------------------------------------------

SWAP = {"AM": "AZ", "AZ": "AM"}


@SOME
@given(case_records())
def test_swapping_the_parties_is_an_involution(case: CaseRecord) -> None:
    swapped = case.swapped_parties()
    assert swapped.swapped_parties() == case
    assert swapped.detaining_party == SWAP.get(case.detaining_party, case.detaining_party)
    assert swapped.detainee.side == SWAP.get(case.detainee.side, case.detainee.side)
    nationality = case.detainee.nationality
    assert swapped.detainee.nationality == SWAP.get(nationality or "", nationality)
    territory = case.capture.territory
    assert swapped.capture.territory == SWAP.get(territory, territory)
    # Everything else stays (the territory is the only party code in the capture block).
    keep = {"detaining_party": True, "detainee": True, "capture": {"territory"}}
    assert swapped.model_dump(exclude=keep) == case.model_dump(exclude=keep)
    # Whether the detainee is of the adverse side does not change.
    facts, other = (case_facts(c, PLUS4) for c in (case, swapped))
    assert facts.get("detainee.adverse") == other.get("detainee.adverse")


# --- hypothesis stays optional -------------------------------------------------------------------

def test_the_engine_and_its_commands_load_without_the_strategies() -> None:
    # Only engine.testing.invariants (legal-status check, imported when it runs) uses them.
    code = ("import sys, engine, engine.interfaces.cli, engine.run.evaluate; "
            "print([m for m in sys.modules if m.split('.')[0] == 'hypothesis'"
            " or m == 'engine.strategies'])")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
