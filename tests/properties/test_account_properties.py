"""Accounts on generated cases with claims: an account with no claims of its own is the plain
case (facts whose claims differ unknown in the record, and evaluated as the uncontested account),
a claimant's account states its claims, and swapping the parties commutes with accounts."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.cases.record import PARTY_SWAP, CaseRecord
from engine.readings.load import load_readings
from engine.run.evaluate import evaluate_case
from engine.strategies import boundary_instants, claimed_case_dicts

READINGS = load_readings()
CLAIMED = claimed_case_dicts(instants=boundary_instants(READINGS))
SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
# How each claimable field is left unknown in a case file.
UNKNOWN_AS = {"detainee.affiliation": "unknown", "detainee.side": "unknown"}
DROP_BLOCK = {"entry.time"}


def plain_case(data: dict[str, Any]) -> dict[str, Any]:
    """The case with each claim list replaced by the value all claims state, else unknown."""
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in data.items()}
    for block, fields in data.items():
        for name, value in (fields.items() if isinstance(fields, dict) else ()):
            if not isinstance(value, list) or name == "charges":
                continue
            path = f"{block}.{name}"
            if all(c["value"] == value[0]["value"] for c in value):
                out[block][name] = value[0]["value"]
            elif path in DROP_BLOCK:
                del out[block]
            elif path in UNKNOWN_AS:
                out[block][name] = UNKNOWN_AS[path]
            else:
                del out[block][name]
    return out


def _answers(case: CaseRecord, **kwargs: Any) -> dict[str, Any]:
    result = evaluate_case(case, READINGS, engine="reference", **kwargs)
    return {rid: o.model_dump(exclude={"account", "supplied_by", "engine"})
            for rid, o in result.readings.items()}


@SETTINGS
@given(data=CLAIMED, party=st.sampled_from(["uncontested", "UNHCR", "GE"]))
def test_an_account_without_claims_is_the_plain_case(data: dict[str, Any], party: str) -> None:
    case = CaseRecord.model_validate(data)
    plain = CaseRecord.model_validate(plain_case(data))
    assert case.on_account(None)[0] == plain
    # Kept, the disputed claims are all that is left of the case's claims.
    kept = case.on_account(party if party != "uncontested" else None, keep_disputed=True)[0]
    assert kept.model_copy(update={"claims": {}}) == plain
    assert set(kept.claims) == {p for p, cs in case.claims.items()
                                if any(c.value != cs[0].value for c in cs)}
    # Evaluated, a disputed fact is the set of its claimed values (test_dispute_properties).
    assert _answers(case, account=party) == _answers(case, account="uncontested")
    assert _answers(kept, account="uncontested") == _answers(case, account="uncontested")


@SETTINGS
@given(data=CLAIMED)
def test_a_claimants_account_states_its_claims(data: dict[str, Any]) -> None:
    case = CaseRecord.model_validate(data)
    assert CaseRecord.model_validate(case.model_dump()) == case
    for party in case.claimants():
        record, supplied = case.on_account(party)
        for path, claims in case.claims.items():
            block, name = path.split(".")
            mine = [c.value for c in claims if c.asserted_by == party]
            if mine:
                assert getattr(getattr(record, block), name) == mine[0]
                assert supplied[path] == party


@SETTINGS
@given(data=CLAIMED, party=st.sampled_from([None, "AM", "AZ", "RU", "ICRC"]))
def test_swapping_parties_commutes_with_accounts(data: dict[str, Any], party: str | None) -> None:
    case = CaseRecord.model_validate(data)
    swapped_party = PARTY_SWAP.get(party, party) if party else None
    record, supplied = case.on_account(party)
    other, other_supplied = case.swapped_parties().on_account(swapped_party)
    assert other == record.swapped_parties()
    assert other_supplied == {k: PARTY_SWAP.get(v, v) for k, v in supplied.items()}
