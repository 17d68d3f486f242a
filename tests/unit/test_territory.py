"""``capture.territory``: the case field, its fact, the compiler, the verifier, the proofs, the
invariant search, generated cases and durable_rules, each on the new fact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.analysis.domains import domains, example_case
from engine.analysis.proofs import _swapped, prove_invariants
from engine.analysis.verify import verify
from engine.base.errors import CaseFileError, RuleFileError
from engine.cases.catalogue import FACTS, territory_values
from engine.cases.facts import case_facts
from engine.cases.load import load_case_dict
from engine.cases.record import CaseRecord, case_json_schema
from engine.cases.timeval import parse_zone
from engine.readings.load import ReadingSet, load_readings
from engine.readings.to_durable import case_fact
from engine.run.evaluate import evaluate_case
from engine.strategies import TERRITORIES, case_records
from engine.testing.invariants import _splice, check_invariants
from tests.conftest import FIXTURES, make_case

PLUS4 = parse_zone("+04:00")

# A reading that decides point 8 by the territory alone, symmetric by construction.
TERRITORY_READING = """reading: where
title: A test reading on territory
held_by: {name: Test holder, party: AZ}
summary: Captures on the holder's territory are outside point 8.
sources:
  - {id: M1, title: Test source, url: null, date: "2021", reliability: first_hand}
rules:
  - id: on-own-territory
    says: A person captured on the holder's territory is not covered.
    when:
      detainee.adverse: true
      capture.territory: $holder
    then: {point8: not_covered}
    cites: [{source: M1, pin: p. 1}]
  - id: elsewhere
    says: A person captured on another state's territory is covered.
    when:
      detainee.adverse: true
      capture.territory: {not_in: [$holder]}
    then: {point8: covered}
    cites: [{source: M1, pin: p. 2}]
gaps:
  - questions: [status, release]
    says: This test reading answers point 8 only.
  - questions: [point8]
    says: Own nationals are not its concern.
    when: {detainee.adverse: false}
"""


def _reading(tmp_path: Path, extra: str = "") -> ReadingSet:
    (tmp_path / "where.yaml").write_text(TERRITORY_READING + extra)
    (tmp_path / "common.yaml").write_text((FIXTURES / "rules" / "common.yaml").read_text())
    return load_readings(tmp_path)


# --- the case field -------------------------------------------------------------------------


def test_territory_defaults_to_unknown_and_is_no_fact() -> None:
    case = make_case()
    assert case.capture.territory == "unknown"
    assert "capture.territory" not in case_facts(case, PLUS4)
    stated = make_case(capture={"territory": "unknown"})
    assert "capture.territory" not in case_facts(stated, PLUS4)


@pytest.mark.parametrize("code", ["AZ", "AM", "GE", "RU"])
def test_a_known_territory_is_a_party_fact(code: str) -> None:
    case = make_case(capture={"territory": code})
    assert case_facts(case, PLUS4)["capture.territory"] == code
    assert FACTS["capture.territory"].kind == "party"


@pytest.mark.parametrize(("code", "hint"), [("XX", "'XX' is not"), ("am", "did you mean 'AM'"),
                                            ("AZE", "did you mean 'AZ'"), ("Unknown", "'unknown'")])
def test_bad_territory_is_refused_naming_both_forms(code: str, hint: str) -> None:
    data = make_case().model_dump(mode="json", exclude_none=True)
    data["capture"]["territory"] = code
    with pytest.raises(CaseFileError) as info:
        load_case_dict(data)
    (problem,) = info.value.problems
    assert "capture.territory" in problem.message and hint in problem.message
    assert "or 'unknown'" in problem.message


def test_json_schema_and_round_trip() -> None:
    defs = case_json_schema()["$defs"]
    schema = defs["Capture"]["properties"]["territory"]
    # A plain code, or (being claimable) a list of claims whose values are codes.
    assert schema["default"] == "unknown" and schema["anyOf"][0] == {"$ref": "#/$defs/Territory"}
    assert defs["Territory"]["anyOf"] == [{"$ref": "#/$defs/CountryCode"}, {"const": "unknown"}]
    assert "AM" in defs["CountryCode"]["enum"] and "ARM" not in defs["CountryCode"]["enum"]
    assert schema["anyOf"][1]["type"] == "array"
    case = make_case(capture={"territory": "AM"})
    assert CaseRecord.model_validate_json(case.model_dump_json()) == case


@pytest.mark.parametrize(("before", "after"), [("AM", "AZ"), ("AZ", "AM"), ("GE", "GE"),
                                               ("unknown", "unknown")])
def test_swapping_the_parties_swaps_the_territory(before: str, after: str) -> None:
    case = make_case(capture={"territory": before})
    assert case.swapped_parties().capture.territory == after
    assert case.swapped_parties().swapped_parties() == case
    assert case.swapped_parties().capture.time == case.capture.time


# --- compiler, verifier, proofs ----------------------------------------------------------------


def test_holder_compiles_to_the_holders_code(tmp_path: Path) -> None:
    rule = _reading(tmp_path).readings["where"].rule("on-own-territory")
    assert [(t.path, t.op, t.operand) for t in rule.tests if t.path == "capture.territory"] == [
        ("capture.territory", "eq", ("AZ",))]


def test_a_literal_territory_is_refused(tmp_path: Path) -> None:
    bad = TERRITORY_READING.replace("capture.territory: $holder", "capture.territory: AZ")
    (tmp_path / "where.yaml").write_text(bad)
    (tmp_path / "common.yaml").write_text((FIXTURES / "rules" / "common.yaml").read_text())
    with pytest.raises(RuleFileError, match="rules name parties only as"):
        load_readings(tmp_path)


def test_territory_is_its_own_domain_group(tmp_path: Path) -> None:
    reading = _reading(tmp_path).readings["where"]
    groups = domains(reading)
    (group,) = [g for g in groups if any("capture.territory" in part for part in g)]
    assert [part.get("capture.territory") for part in group] == territory_values("AZ")
    assert territory_values("AZ") == ["AZ", "AM", None]
    assert territory_values("RU") == ["RU", "AM", "AZ", None]
    assert territory_values(None) == ["AM", "AZ", None]
    assert all(set(part) <= {"capture.territory"} for part in group)


def test_verify_finds_no_gap_and_examples_carry_the_territory(tmp_path: Path) -> None:
    reading = _reading(tmp_path).readings["where"]
    result = verify(reading)
    assert not result.failed, result.findings
    facts: dict[str, Any] = {"detaining_party": "AZ", "detainee.side": "AM",
                             "detainee.adverse": True, "capture.territory": "AZ"}
    example = example_case(facts, "x")
    assert example["capture"]["territory"] == "AZ"
    assert case_facts(load_case_dict(example), PLUS4)["capture.territory"] == "AZ"


def test_symmetry_proof_swaps_the_territory(tmp_path: Path) -> None:
    assert _swapped({"capture.territory": "AM"})["capture.territory"] == "AZ"
    symmetric = _reading(tmp_path, """invariants:
  - id: symmetric
    says: Both parties alike.
    symmetric: true
""")
    # The reading tests $holder, so it is not symmetric: the proof must see the territory swap.
    (finding,) = prove_invariants(symmetric.readings["where"])
    assert "symmetric" in finding.message


def test_independence_of_territory_is_disproved_when_a_rule_reads_it(tmp_path: Path) -> None:
    rs = _reading(tmp_path, """invariants:
  - id: territory-irrelevant
    says: Wrong on purpose.
    independent_of: [capture.territory]
""")
    (finding,) = prove_invariants(rs.readings["where"])
    assert "territory-irrelevant" in finding.message and "capture.territory" in finding.message
    # The varied group is the territory alone: the holder stays the same.
    assert finding.example["detaining_party"] == "AZ"
    (result,) = check_invariants(rs, rs.readings["where"], examples=200)
    assert not result.ok
    first, second = (load_case_dict(c) for c in result.cases)
    assert first.detaining_party == second.detaining_party
    assert first.capture.territory != second.capture.territory


def test_splice_moves_the_territory_only() -> None:
    base, donor = make_case(), make_case(capture={"territory": "AZ", "time": "2021-05"})
    spliced = _splice(base, donor, ("capture.territory",))
    assert spliced.capture.territory == "AZ" and spliced.capture.time == base.capture.time
    assert _splice(donor, base, ("capture.territory",)).capture.territory == "unknown"


def test_bundled_readings_prove_their_territory_invariants(bundled: ReadingSet) -> None:
    for rid in ("armenia", "azerbaijan", "russia", "ihl"):
        reading = bundled.readings[rid]
        assert any("capture.territory" in inv.facts for inv in reading.invariants), rid
        assert prove_invariants(reading) == [], rid


# --- generated cases and durable_rules ----------------------------------------------------------


def test_defaults_draw_every_territory_value() -> None:
    seen: set[str] = set()
    raw: set[object] = set()

    @settings(max_examples=300, database=None, derandomize=True)
    @given(case_records(), st.data())
    def draw(case: CaseRecord, _: st.DataObject) -> None:
        seen.add(case.capture.territory)
        raw.add(case.model_dump(exclude_defaults=True)["capture"].get("territory"))

    draw()
    assert seen == {"unknown", *TERRITORIES}
    assert None in raw and "unknown" in seen  # absent and written out both occur


@settings(max_examples=30, database=None, derandomize=True)
@given(case_records(territory=st.sampled_from(["AM", "AZ"])))
def test_territory_can_be_pinned(case: CaseRecord) -> None:
    assert case.capture.territory in ("AM", "AZ")


def test_durable_fact_carries_the_territory() -> None:
    text = case_fact(case_facts(make_case(capture={"territory": "AZ"}), PLUS4), "s")
    assert '"capture__territory": "AZ"' in text
    assert "capture__territory" not in case_fact(case_facts(make_case(), PLUS4), "s")


@pytest.mark.parametrize(("territory", "entry", "fires"), [
    ("AZ", "2020-11-25", True), ("AM", "2020-11-25", False), ("unknown", "2020-11-25", False),
    ("AZ", "2020-11-05", False)])
def test_sent_after_the_signing_needs_azerbaijans_territory(
        bundled: ReadingSet, territory: str, entry: str, fires: bool) -> None:
    case = make_case(capture={"time": "2020-12-13", "territory": territory},
                     entry={"time": entry})
    outcomes = [evaluate_case(case, bundled, engine=e).readings["azerbaijan"]
                for e in ("durable", "reference")]
    for outcome in outcomes:
        fired = [step.rule for step in outcome.trace]
        assert ("azerbaijan.sent-after-the-signing" in fired) is fires
        # A further ground only: the answers are those of the capture time.
        assert (outcome.status, outcome.point8) == ("criminal_detainee", "not_covered")
    # The same outcome but for which engine ran and why (the reference on 3.13+, with a note).
    same = {"engine", "engine_note"}
    assert outcomes[0].model_dump(exclude=same) == outcomes[1].model_dump(exclude=same)


def test_territory_claims_resolve_per_account_and_swap() -> None:
    data = make_case().model_dump(mode="json", exclude_none=True)
    data["capture"]["territory"] = [{"value": "AZ", "asserted_by": "AZ", "source": "Z10"},
                                    {"value": "AM", "asserted_by": "AM", "source": "E8"}]
    case = load_case_dict(data)
    assert case.capture.territory == "unknown"  # disputed: no uncontested value
    assert [case.on_account(p)[0].capture.territory for p in ("AZ", "AM", None)] == [
        "AZ", "AM", "unknown"]
    swapped = case.swapped_parties()
    assert [(c.asserted_by, c.value) for c in swapped.claims["capture.territory"]] == [
        ("AM", "AM"), ("AZ", "AZ")]
