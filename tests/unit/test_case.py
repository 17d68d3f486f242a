"""The case-file contract: fields, vocabularies, times, zones and the JSON Schema."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from engine.base.errors import CaseFileError
from engine.cases.record import (
    AFFILIATIONS,
    CHARGES,
    CIRCUMSTANCES,
    DEFAULT_ZONE,
    CaseRecord,
    Expectation,
    case_json_schema,
)
from engine.cases.timeval import Interval, LocalTime, TimeRange

PLUS4 = timezone(timedelta(hours=4))

# The example of the issue, field for field.
EXAMPLE: dict[str, Any] = {
    "id": "post-ceasefire-observation-post",
    "title": "Conscript captured at an observation post in December 2020",
    "detaining_party": "AZ",
    "detainee": {"nationality": "AM", "affiliation": "armed_forces", "side": "AM"},
    "capture": {
        "time": "2020-12-13",
        "timezone": "+04:00",
        "place": "near Hin Tagher",
        "circumstances": "observation_post",
    },
    "entry": {"time": {"from": "2020-11-20", "to": "2020-11-30"}},
    "proceedings": {
        "stage": "convicted",
        "charges": ["illegal_border_crossing", "illegal_arms"],
        "sentence_years": 6,
    },
    "release": {"time": "2021-07-03", "mechanism": "exchange"},
    "expect": {"azerbaijan": {"status": "criminal_detainee", "point8": "not_covered"}},
}
MINIMAL: dict[str, Any] = {
    "id": "m",
    "detaining_party": "AM",
    "detainee": {"affiliation": "unknown", "side": "unknown"},
    "capture": {},
}


def with_(base: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(base)
    *parents, last = path.split(".")
    target = data
    for part in parents:
        target = target.setdefault(part, {})
    target[last] = value
    return data


def without(base: dict[str, Any], path: str) -> dict[str, Any]:
    data = copy.deepcopy(base)
    *parents, last = path.split(".")
    target = data
    for part in parents:
        target = target[part]
    del target[last]
    return data


def errors_of(data: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str, str]]:
    with pytest.raises(ValidationError) as info:
        CaseRecord.model_validate(data)
    return [(tuple(e["loc"]), e["type"], e["msg"]) for e in info.value.errors()]


def utc(year: int, month: int, day: int, hour: int = 0) -> int:
    return int(datetime(year, month, day, hour, tzinfo=UTC).timestamp())


def test_the_issue_example_validates() -> None:
    case = CaseRecord.model_validate(EXAMPLE)
    assert case.detainee.affiliation == "armed_forces"
    assert case.capture.time == LocalTime("date", 2020, 12, 13)
    assert case.entry is not None
    assert case.entry.time == TimeRange(
        LocalTime("date", 2020, 11, 20), LocalTime("date", 2020, 11, 30)
    )
    assert case.proceedings is not None and case.proceedings.charges == (
        "illegal_border_crossing",
        "illegal_arms",
    )
    assert case.proceedings.sentence_years == 6
    assert case.expect == {
        "azerbaijan": Expectation(status="criminal_detainee", point8="not_covered")
    }


def test_defaults_of_a_minimal_case() -> None:
    case = CaseRecord.model_validate(MINIMAL)
    assert case.title is None and case.detainee.nationality is None
    assert case.capture.time is None and case.capture.circumstances == "unknown"
    assert case.entry is None and case.proceedings is None and case.release is None
    assert case.expect == {}
    assert case.capture_interval(PLUS4) is None
    assert case.entry_interval(PLUS4) is None
    assert case.release_interval(PLUS4) is None
    proceedings = CaseRecord.model_validate(
        with_(MINIMAL, "proceedings", {"stage": "pending"})
    ).proceedings
    assert (
        proceedings is not None and proceedings.charges == () and proceedings.sentence_years is None
    )
    release = CaseRecord.model_validate(with_(MINIMAL, "release", {})).release
    assert release is not None and release.mechanism == "unknown" and release.time is None


def test_round_trip_through_json() -> None:
    case = CaseRecord.model_validate(EXAMPLE)
    dumped = json.loads(case.model_dump_json(exclude_none=True))
    assert dumped["entry"] == {"time": {"from": "2020-11-20", "to": "2020-11-30"}}
    assert dumped["capture"]["time"] == "2020-12-13"
    assert CaseRecord.model_validate(dumped) == case


def test_records_are_frozen() -> None:
    case = CaseRecord.model_validate(EXAMPLE)
    with pytest.raises(ValidationError, match="frozen"):
        case.id = "other"


def test_intervals_use_the_case_zone_else_the_default() -> None:
    case = CaseRecord.model_validate(EXAMPLE)
    assert case.capture_interval(UTC) == Interval(utc(2020, 12, 12, 20), utc(2020, 12, 13, 20))
    # The entry block has no zone of its own: it uses the capture's.
    assert case.entry_interval(UTC) == Interval(utc(2020, 11, 19, 20), utc(2020, 11, 30, 20))
    assert case.release_interval(UTC) == Interval(utc(2021, 7, 2, 20), utc(2021, 7, 3, 20))
    zoneless = CaseRecord.model_validate(without(EXAMPLE, "capture.timezone"))
    assert zoneless.zone(UTC) is UTC
    assert zoneless.capture_interval(UTC) == Interval(utc(2020, 12, 13), utc(2020, 12, 14))
    baku = CaseRecord.model_validate(with_(EXAMPLE, "capture.timezone", "Asia/Baku"))
    assert baku.capture_interval(UTC) == case.capture_interval(UTC)


def test_instants_keep_their_own_offset() -> None:
    case = CaseRecord.model_validate(with_(MINIMAL, "capture.time", "2020-11-10T00:30:00+04:00"))
    assert case.capture_interval(UTC) == Interval(
        utc(2020, 11, 9, 20) + 1800, utc(2020, 11, 9, 20) + 1801
    )


MIXED = {"from": "2020-11-10T05:00Z", "to": "2020-11-09"}


def test_a_mixed_range_is_checked_in_the_zone_it_will_use() -> None:
    # Not inverted in every zone, so it passes without one...
    case = CaseRecord.model_validate(with_(MINIMAL, "capture.time", MIXED))
    assert case.capture_interval(timezone(timedelta(hours=-10))) is not None
    # ...but evaluating it in +04:00 fails with a clear error instead of a wrong interval,
    with pytest.raises(CaseFileError, match=r"capture\.time: inverted time range"):
        case.capture_interval(PLUS4)
    # and it is refused at validation when the zone is known.
    data = with_(MINIMAL, "capture.time", MIXED)
    with pytest.raises(ValidationError, match="inverted time range"):
        CaseRecord.model_validate(data, context={DEFAULT_ZONE: PLUS4})
    with pytest.raises(ValidationError, match="inverted time range"):
        CaseRecord.model_validate(with_(data, "capture.timezone", "+04:00"))


@pytest.mark.parametrize(
    "path",
    [
        "detainee.affiliation",
        "detainee.side",
        "capture.circumstances",
        "proceedings.stage",
        "release.mechanism",
        "expect.ihl.status",
        "expect.ihl.point8",
        "expect.ihl.release",
    ],
)
def test_every_vocabulary_is_closed(path: str) -> None:
    data = with_(EXAMPLE, path, "army")
    [(loc, kind, _)] = errors_of(data)
    assert loc == tuple(path.split(".")) and kind == "literal_error"


def test_vocabularies_are_the_contract() -> None:
    assert AFFILIATIONS == (
        "armed_forces",
        "local_defence_forces",
        "volunteer",
        "foreign_fighter",
        "civilian",
        "unknown",
    )
    assert CIRCUMSTANCES[-1] == "unknown" and "observation_post" in CIRCUMSTANCES
    assert len(CHARGES) == 10 and "war_crime" in CHARGES
    assert errors_of(with_(EXAMPLE, "proceedings.charges", ["spying"]))[0][:2] == (
        ("proceedings", "charges", 0),
        "literal_error",
    )


@pytest.mark.parametrize(
    ("path", "code", "message"),
    [
        ("detaining_party", "XX", "'XX' is not an ISO 3166-1 alpha-2 code"),
        (
            "detainee.nationality",
            "am",
            "'am' is not an ISO 3166-1 alpha-2 code (did you mean 'AM'?)",
        ),
        ("detainee.nationality", "AZE", "(did you mean 'AZ'?)"),
        ("detaining_party", "SU", "'SU' is not an ISO 3166-1 alpha-2 code"),
    ],
)
def test_country_codes(path: str, code: str, message: str) -> None:
    [(loc, kind, msg)] = errors_of(with_(EXAMPLE, path, code))
    assert loc == tuple(path.split(".")) and kind == "value_error" and message in msg


@pytest.mark.parametrize("code", ["RU", "TR", "GE", "IR", "SY", "FR"])
def test_real_codes_pass(code: str) -> None:
    assert (
        CaseRecord.model_validate(with_(EXAMPLE, "detaining_party", code)).detaining_party == code
    )


@pytest.mark.parametrize("bad", ["two words", "", "a/b", "é"])
def test_id_pattern(bad: str) -> None:
    [(loc, _, msg)] = errors_of(with_(EXAMPLE, "id", bad))
    assert loc == ("id",) and "letters, digits" in msg


def test_id_allows_dots_dashes_underscores() -> None:
    assert CaseRecord.model_validate(with_(EXAMPLE, "id", "A.b_c-9")).id == "A.b_c-9"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (2020, "found the number 2020 (write it quoted: '2020')"),
        ("2020-02-30", "2020-02 has no day 30"),
        (
            {"from": "2020-12", "to": "2020-11"},
            "inverted time range: from 2020-12 is after to 2020-11",
        ),
        ({"from": "2020-12"}, "missing required field"),
        ({"from": "2020-12", "to": "2021", "zone": "Z"}, "unknown field"),
        ({"from": 2020, "to": "2021"}, "expected a time as a string; found the number 2020"),
    ],
)
def test_bad_times(value: Any, fragment: str) -> None:
    [(loc, kind, msg)] = errors_of(with_(EXAMPLE, "capture.time", value))
    assert loc == ("capture", "time") and kind == "case_time" and fragment in msg


def test_bad_timezone() -> None:
    [(loc, _, msg)] = errors_of(with_(EXAMPLE, "capture.timezone", "Asia/Bakku"))
    assert loc == ("capture", "timezone") and "(did you mean 'Asia/Baku'?)" in msg


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (6, True),
        (2.5, True),
        (0, True),
        (-1, False),
        ("6", False),
        (True, False),
        (float("nan"), False),
    ],
)
def test_sentence_years(value: Any, ok: bool) -> None:
    data = with_(EXAMPLE, "proceedings.sentence_years", value)
    if ok:
        proceedings = CaseRecord.model_validate(data).proceedings
        assert proceedings is not None and proceedings.sentence_years == value
    else:
        assert errors_of(data)[0][0] == ("proceedings", "sentence_years")


@pytest.mark.parametrize(
    "path",
    [
        "id",
        "detaining_party",
        "detainee",
        "capture",
        "detainee.affiliation",
        "detainee.side",
        "proceedings.stage",
        "entry.time",
    ],
)
def test_required_fields(path: str) -> None:
    [(loc, kind, _)] = errors_of(without(EXAMPLE, path))
    assert loc == tuple(path.split(".")) and kind == "missing"


def test_unknown_keys_are_refused_everywhere() -> None:
    for path in ["colour", "detainee.rank", "capture.tme", "expect.ihl.statu", "release.date"]:
        [(loc, kind, _)] = errors_of(with_(EXAMPLE, path, "x"))
        assert loc == tuple(path.split(".")) and kind == "extra_forbidden"


def test_expectation_flags_are_optional() -> None:
    case = CaseRecord.model_validate(with_(EXAMPLE, "expect.ihl", {"flags": ["tribunal_required"]}))
    assert case.expect["ihl"].flags == ("tribunal_required",)
    assert case.expect["azerbaijan"].flags is None


def test_json_schema() -> None:
    schema = case_json_schema()
    json.dumps(schema)
    assert schema["anyOf"][0] == {"$ref": "#/$defs/CaseRecord"}
    assert schema["anyOf"][1]["type"] == "array"
    record = schema["$defs"]["CaseRecord"]
    assert set(record["required"]) == {"id", "detaining_party", "detainee", "capture"}
    assert record["additionalProperties"] is False
    # Each fact is its plain value or (first alternative) a list of claims about it.
    affiliation = schema["$defs"]["Detainee"]["properties"]["affiliation"]["anyOf"][0]
    assert affiliation["enum"] == list(AFFILIATIONS)
    time = schema["$defs"]["Capture"]["properties"]["time"]["anyOf"][0]
    assert [t["type"] for t in time["anyOf"]] == ["string", "object"]
    assert time["anyOf"][1]["required"] == ["from", "to"]
