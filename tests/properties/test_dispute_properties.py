"""Disputed facts decided exactly, checked on generated cases with claims against plain cases.

For any account, each combination of the claimed values (the account's party's own claim where it
made one) is written as a plain case file and evaluated on its own. The account's answer must be
the answer every combination gives when they all agree, and ``indeterminate`` exactly when two
combinations answer differently; ``supplied_by`` says ``disputed`` exactly when changing that
fact's claimed value alone changes an answer, ``disputed_immaterial`` otherwise; every listed
combination's answers and fired rules are those of its plain case.
"""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine.base.vocabulary import QUESTIONS
from engine.cases.catalogue import DERIVED_FROM
from engine.cases.record import CaseRecord
from engine.readings.load import load_readings
from engine.run.evaluate import EngineChoice, evaluate_case
from engine.strategies import boundary_instants, claimed_case_dicts

READINGS = load_readings()
CLAIMED = claimed_case_dicts(instants=boundary_instants(READINGS))
SETTINGS = settings(max_examples=80, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
#: Cases with more combinations than this are skipped (the strategy rarely makes them).
MAX_COMBINATIONS = 48
# A derived fact is disputed through the case field it comes from.
DERIVED = {path: fields[0] for path, fields in DERIVED_FROM.items()}
Choices = dict[str, list[tuple[Any, list[str]]]]


def choices(data: dict[str, Any], party: str | None) -> Choices:
    """Per claimed fact: its distinct claimed values with who claims each, or the party's own."""
    out: Choices = {}
    for block, fields in data.items():
        for name, value in (fields.items() if isinstance(fields, dict) else ()):
            if not isinstance(value, list) or name == "charges":
                continue
            mine = [c for c in value if c["asserted_by"] == party]
            distinct: list[tuple[Any, list[str]]] = []
            for claim in mine[:1] or value:
                same = next((who for v, who in distinct if v == claim["value"]), None)
                if same is None:
                    distinct.append((claim["value"], [claim["asserted_by"]]))
                else:
                    same.append(claim["asserted_by"])
            out[f"{block}.{name}"] = distinct
    return out


def plain(data: dict[str, Any], values: dict[str, Any]) -> CaseRecord:
    """The case file with each claim list replaced by one value: a case without claims."""
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in data.items()}
    for path, value in values.items():
        block, name = path.split(".")
        out[block][name] = value
    return CaseRecord.model_validate(out)


def combinations(data: dict[str, Any], party: str | None,
                 ) -> dict[tuple[int, ...], dict[str, Any]]:
    """Each combination of claimed values, by the index of each fact's value."""
    given = choices(data, party)
    return {idx: dict(zip(given, (given[p][i][0] for p, i in zip(given, idx, strict=True)),
                          strict=True))
            for idx in itertools.product(*(range(len(v)) for v in given.values()))}


def _check_account(data: dict[str, Any], party: str | None, engine: EngineChoice) -> None:
    combos = combinations(data, party)
    assume(len(combos) <= MAX_COMBINATIONS)
    case = CaseRecord.model_validate(data)
    account = party or "uncontested"
    got = evaluate_case(case, READINGS, engine=engine, account=account)
    each = {idx: evaluate_case(plain(data, values), READINGS, engine=engine,
                               account="uncontested")
            for idx, values in combos.items()}
    facts = list(choices(data, party))
    for rid, outcome in got.readings.items():
        for q in QUESTIONS:
            seen = {getattr(r.readings[rid], q) for r in each.values()}
            expected = seen.pop() if len(seen) == 1 else "indeterminate"
            assert getattr(outcome, q) == expected, (rid, q, account)
        # A disputed fact matters exactly when changing its claimed value alone changes an answer.
        for path, who in outcome.supplied_by.items():
            field = DERIVED.get(path, path)
            if who not in ("disputed", "disputed_immaterial"):
                assert field not in facts or len(choices(data, party)[field]) == 1
                continue
            i = facts.index(field)

            def answers(idx: tuple[int, ...], rid: str = rid) -> tuple[str, ...]:
                return tuple(getattr(each[idx].readings[rid], q) for q in QUESTIONS)

            material = any(answers(a) != answers(b) for a in each for b in each
                           if all(x == y for j, (x, y) in enumerate(zip(a, b, strict=True))
                                  if j != i))
            assert (who == "disputed") == material, (rid, path, account)
        if outcome.dispute is not None:
            for combination in outcome.dispute.combinations:
                base = {p: choices(data, party)[p][0][0] for p in facts}
                one = plain(data, {**base, **combination.values})
                alone = evaluate_case(one, READINGS, engine=engine,
                                      only=[rid]).readings[rid]
                assert (combination.status, combination.point8, combination.release) == (
                    alone.status, alone.point8, alone.release)
                assert combination.fired == tuple(s.rule for s in alone.trace)


@SETTINGS
@given(data=CLAIMED, party=st.sampled_from([None, "AM", "AZ", "ICRC"]))
def test_an_account_answers_what_every_combination_of_claims_answers(
        data: dict[str, Any], party: str | None) -> None:
    _check_account(data, party, "reference")


@settings(SETTINGS, max_examples=20)
@given(data=CLAIMED)
def test_the_same_on_durable_rules(data: dict[str, Any]) -> None:
    _check_account(data, None, "durable")


@SETTINGS
@given(data=CLAIMED)
def test_a_firm_uncontested_answer_holds_on_every_partys_account(data: dict[str, Any]) -> None:
    # Every party's account is a subset of the combinations the uncontested account covers.
    case = CaseRecord.model_validate(data)
    assume(len(combinations(data, None)) <= MAX_COMBINATIONS)
    uncontested = evaluate_case(case, READINGS, engine="reference", account="uncontested")
    for party in case.claimants():
        theirs = evaluate_case(case, READINGS, engine="reference", account=party)
        for rid, outcome in uncontested.readings.items():
            for q in QUESTIONS:
                if getattr(outcome, q) != "indeterminate":
                    assert getattr(theirs.readings[rid], q) == getattr(outcome, q)
