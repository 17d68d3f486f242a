"""Claims on a case's facts and the accounts resolved from them (issue 3, part 4)."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

import engine
from engine.base.errors import CaseFileError
from engine.cases.claims import NOT_CLAIMABLE, claimable_paths
from engine.cases.record import CaseRecord, case_json_schema
from engine.interfaces.cli import main
from engine.readings.load import ReadingSet
from engine.run.evaluate import evaluate_case, reading_records
from tests.conftest import FIXTURES

DISPUTED = FIXTURES / "claims" / "disputed.yaml"


def _claim(value: Any, by: str, **more: Any) -> dict[str, Any]:
    return {"value": value, "asserted_by": by, "source": f"statement of {by}", **more}


def _case(**capture: Any) -> dict[str, Any]:
    return {"id": "c", "detaining_party": "AZ",
            "detainee": {"nationality": "AM", "affiliation": "armed_forces", "side": "AM"},
            "capture": capture}


def _record() -> CaseRecord:
    return engine.load_cases([DISPUTED]).cases[0].record


def test_claimable_fields_are_every_leaf_but_the_listed_ones() -> None:
    assert claimable_paths(CaseRecord) == (
        "detainee.nationality", "detainee.affiliation", "detainee.side", "capture.time",
        "capture.place", "capture.circumstances", "capture.territory", "entry.time",
        "proceedings.sentence_years", "release.time", "release.mechanism")
    assert {"id", "title", "detaining_party", "capture.timezone", "proceedings.stage",
            "proceedings.charges", "expect"} <= set(NOT_CLAIMABLE)


def test_inline_claims_are_lifted_and_the_plain_value_is_uncontested() -> None:
    case = _record()
    assert list(case.claims) == ["detainee.side", "capture.time"]
    assert case.detainee.side == "AM"  # both claims agree
    assert case.capture.time is None  # the claims differ: unknown
    assert case.claimants() == ("AM", "ICRC", "AZ")
    assert case.claims["capture.time"][1].date == "2021-10-14"


@pytest.mark.parametrize(("path", "unknown"), [
    ("detainee.affiliation", "unknown"), ("detainee.nationality", None),
    ("capture.circumstances", "unknown"), ("release.mechanism", "unknown")])
def test_a_disputed_fact_takes_its_fields_unknown(path: str, unknown: Any) -> None:
    values = {"detainee.affiliation": ("armed_forces", "civilian"),
              "detainee.nationality": ("AM", "RU"), "capture.circumstances": ("combat", "at_home"),
              "release.mechanism": ("exchange", "pardon")}[path]
    data = _case()
    block, name = path.split(".")
    data.setdefault(block, {})[name] = [_claim(values[0], "AM"), _claim(values[1], "AZ")]
    case = CaseRecord.model_validate(data)
    assert getattr(getattr(case, block), name) == unknown
    record, supplied = case.on_account("AZ")
    assert getattr(getattr(record, block), name) == values[1]
    assert supplied[path] == "AZ"


def test_a_disputed_entry_time_leaves_the_block_out() -> None:
    data = {**_case(), "entry": {"time": [_claim("2020-11-20", "AZ"), _claim("2020-12", "AM")]}}
    case = CaseRecord.model_validate(data)
    assert case.entry is None
    assert str(case.on_account("AM")[0].entry.time) == "2020-12"  # type: ignore[union-attr]


def test_accounts_resolve_per_party() -> None:
    case = _record()
    uncontested, supplied = case.on_account(None)
    assert uncontested.capture.time is None and uncontested.claims == {}
    assert supplied["capture.time"] == "disputed" and supplied["detainee.side"] == "uncontested"
    assert supplied["detaining_party"] == supplied["capture.place"] == "case"
    azerbaijan, supplied = case.on_account("AZ")
    assert str(azerbaijan.capture.time) == "2020-12-13" and supplied["capture.time"] == "AZ"
    armenia, supplied = case.on_account("AM")
    assert str(armenia.capture.time) == "{from: 2020-11-01, to: 2020-11-05}"
    assert supplied["detainee.side"] == "AM"
    assert case.on_account("RU")[1]["capture.time"] == "disputed"
    assert set(supplied) == {"detaining_party", *claimable_paths(CaseRecord)}


def test_a_case_without_claims_is_its_own_account() -> None:
    case = CaseRecord.model_validate(_case(time="2020-12-13"))
    record, supplied = case.on_account("AM")
    assert record == case and set(supplied.values()) == {"case"}
    assert case.claimants() == ()


def test_round_trip_through_model_dump() -> None:
    case = _record()
    assert CaseRecord.model_validate(case.model_dump()) == case
    assert CaseRecord.model_validate(case.model_dump(mode="json")) == case
    assert CaseRecord.model_validate_json(case.model_dump_json()) == case


def test_equal_second_claim_by_a_party_is_allowed() -> None:
    case = CaseRecord.model_validate(_case(time=[_claim("2020-12-13", "AZ"),
                                                 _claim("2020-12-13", "AZ", date="2021")]))
    assert str(case.capture.time) == "2020-12-13"


def test_claim_problems_are_all_reported_with_other_problems() -> None:
    data = _case(time=[_claim("2020-12-13", "AZ"), _claim("2020-12-14", "AZ")])
    data["detainee"]["affiliation"] = "army"
    with pytest.raises(CaseFileError) as info:
        engine.load_case_dict(data)
    messages = [p.message for p in info.value.problems]
    assert any(m.startswith("capture.time[1].asserted_by: a second claim by AZ") for m in messages)
    assert any(m.startswith("detainee.affiliation: expected one of") for m in messages)


def test_a_mixed_range_claim_is_checked_in_the_default_zone(bundled: ReadingSet) -> None:
    data = _case(time=[_claim({"from": "2020-11-10T01:00", "to": "2020-11-09T20:30Z"}, "AM")])
    assert engine.load_case_dict(data)  # inverted only in some zones: the zone is not known
    with pytest.raises(CaseFileError, match=r"capture.time\[0\].value: inverted time range"):
        engine.load_case_dict(data, default_zone=bundled.common.default_offset)


def test_swapped_parties_swaps_claims() -> None:
    swapped = _record().swapped_parties()
    side = swapped.claims["detainee.side"]
    assert [(c.value, c.asserted_by) for c in side] == [("AZ", "AZ"), ("AZ", "ICRC")]
    assert [c.asserted_by for c in swapped.claims["capture.time"]] == ["AM", "AZ"]
    assert swapped.swapped_parties() == _record()


def test_schema_documents_claims() -> None:
    schema = case_json_schema()
    time = schema["$defs"]["Capture"]["properties"]["time"]
    claims = time["anyOf"][-1]
    assert claims["type"] == "array" and claims["items"]["$ref"] == "#/$defs/Claim"
    assert claims["items"]["properties"]["value"]["anyOf"][-1] == {"type": "null"}
    zone = schema["$defs"]["Capture"]["properties"]["timezone"]
    assert all(alt.get("type") != "array" for alt in zone["anyOf"])
    assert set(schema["$defs"]["Claim"]["required"]) == {"value", "asserted_by", "source"}


def test_readings_declare_their_account(bundled: ReadingSet) -> None:
    accounts = {r.id: r.account for r in bundled.readings.values()}
    assert accounts == {"armenia": "AM", "azerbaijan": "AZ", "ihl": None, "russia": "RU"}


def test_account_defaults_to_holder_or_uncontested(mini: ReadingSet) -> None:
    # mini.yaml says nothing of its account, and is held by AZ; a bad `account: holder` is
    # tests/errors/rules/account_without_party.yaml.
    assert mini.readings["mini"].account == "AZ"


def test_evaluation_uses_each_readings_account(bundled: ReadingSet) -> None:
    case = _record()
    own = evaluate_case(case, bundled)
    assert {r: o.account for r, o in own.readings.items()} == {
        "armenia": "AM", "azerbaijan": "AZ", "ihl": "uncontested", "russia": "RU"}
    assert own.readings["azerbaijan"].supplied_by["capture.time"] == "AZ"
    assert own.readings["russia"].supplied_by["capture.time"] == "disputed"
    assert own.readings["armenia"].supplied_by["detainee.adverse"] == "AM"
    assert own.readings["armenia"].supplied_by["detaining_party"] == "case"
    assert "capture.time" in own.readings["russia"].unknown
    uncontested = evaluate_case(case, bundled, account="uncontested")
    assert {o.account for o in uncontested.readings.values()} == {"uncontested"}
    azerbaijan = evaluate_case(case, bundled, account="AZ")
    assert azerbaijan.readings["russia"].supplied_by["capture.time"] == "AZ"
    records = reading_records(case, bundled, "own", ["ihl", "azerbaijan"])
    assert list(records) == ["ihl", "azerbaijan"]
    assert records["azerbaijan"][2] == "AZ" and records["ihl"][2] == "uncontested"
    assert records["azerbaijan"][0] == case.on_account("AZ")[0]


def test_outcome_json_stays_compatible(bundled: ReadingSet) -> None:
    case = engine.load_case_dict(_case(time="2020-12-13"))
    outcome = evaluate_case(case, bundled).readings["ihl"]
    dumped = outcome.model_dump()
    assert dumped["account"] == "uncontested" and set(dumped["supplied_by"].values()) == {"case"}
    old = {k: v for k, v in dumped.items() if k not in ("account", "supplied_by", "dispute")}
    assert engine.Outcome.model_validate(old).status == outcome.status


def test_cli_account_option() -> None:
    runner = CliRunner()
    done = runner.invoke(main, ["explain", str(DISPUTED), "--account", "AZ"])
    assert done.exit_code == 0, done.output
    assert "facts on AZ's account: " in done.output
    assert "capture.time as claimed by AZ" in done.output
    table = runner.invoke(main, ["evaluate", str(DISPUTED)])
    assert "account  armenia: AM; azerbaijan: AZ; ihl: uncontested; russia: RU" in table.output
    note = runner.invoke(main, ["evaluate", str(DISPUTED), "--account", "GE"])
    assert note.exit_code == 0 and "note: GE makes no claim" in note.output
    bad = runner.invoke(main, ["evaluate", str(DISPUTED), "--account", "XX"])
    assert bad.exit_code == 2 and "not an ISO 3166-1 alpha-2 code" in bad.output
    test = runner.invoke(main, ["test", str(DISPUTED), "--account", "uncontested"])
    assert test.exit_code == 0, test.output


def test_a_list_on_a_claimable_fact_is_a_list_of_claims() -> None:
    # A plain list of times used to be "found a list"; a list there now means claims.
    with pytest.raises(CaseFileError, match=r"capture.time\[0\]: expected a claim, a mapping"):
        engine.load_case_dict(_case(time=["2020"]))
