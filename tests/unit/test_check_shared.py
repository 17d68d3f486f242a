"""``legal-status check``'s shortcuts give what the plain ways give: combinations evaluated once
per class of values the rules cannot tell apart, gap patterns widened by projections, proofs by
index, invariants searched one by one and spread over processes."""

from __future__ import annotations

import dataclasses
import itertools
import os
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.analysis import _evaluated, proofs, verify
from engine.analysis.domains import base_facts, combinations, domains
from engine.base.errors import EvaluationError
from engine.base.pool import WorkerCrash, spread
from engine.interfaces._check import check_readings
from engine.readings.load import ReadingSet, load_readings
from engine.run.logic import all_true
from engine.run.reference import fire_reference
from engine.run.resolve import decide
from engine.testing.invariants import check_invariants
from tests.conftest import FIXTURES, ROOT

OWN = ROOT / "examples" / "own-reading" / "rules"


@pytest.fixture(scope="module")
def bundled() -> ReadingSet:
    return load_readings()


@pytest.fixture(scope="module")
def broken() -> ReadingSet:
    return load_readings(FIXTURES / "broken", allow_conflicts=True)


@pytest.mark.parametrize(("which", "reading_id"), [("bundled", "russia"), ("bundled", "armenia"),
                                                  ("broken", "broken")])
def test_shared_evaluations_are_each_combinations_own(which: str, reading_id: str,
                                                      request: pytest.FixtureRequest) -> None:
    reading = request.getfixturevalue(which).readings[reading_id]
    shared = _evaluated.evaluated_combinations(reading)
    assert [e.facts for e in shared] == list(combinations(reading))
    assert len({id(e.decisions) for e in shared}) < len(shared)  # some were indeed shared
    groups = domains(reading)
    for e in shared:
        fired = fire_reference(reading, e.facts)
        assert e.fired == tuple(fired)
        assert {k: v for g, i in zip(groups, e.at, strict=True) for k, v in g[i].items()
                }.items() <= e.facts.items()
        try:
            decisions, defeated = decide(reading, e.facts, fired)
        except EvaluationError as exc:
            assert e.conflict is not None and e.decisions is None
            assert str(exc.problems[0].message) == str(e.conflict.problems[0].message)
            continue
        assert e.conflict is None and e.decisions == decisions and e.defeated_by == defeated


def test_groups_that_set_the_same_fact_are_not_classed(bundled: ReadingSet) -> None:
    # Then what a rule's tests say is not the sum of the groups' parts: each combination is
    # evaluated on its own.
    assert _evaluated._owners([[{"detaining_party": "AZ"}], [{}, {"detaining_party": "AM"}]]
                              ) is None
    assert _evaluated._owners(domains(bundled.readings["russia"])) is not None


def _naive_generalise(gaps: set[verify.Key], seen: set[verify.Key]) -> list[verify.Key]:
    # The plain definition: widen each fact while no answered key matches, pair by pair.
    def matches(pattern: verify.Key, key: verify.Key) -> bool:
        return all(w in (verify._ANY, v) for (_, w), (_, v) in zip(pattern, key, strict=True))

    answered = [k for k in seen if k not in gaps]
    patterns: list[verify.Key] = []
    for key in sorted(gaps):
        if any(matches(p, key) for p in patterns):
            continue
        pattern = list(key)
        for i, (path, _) in enumerate(key):
            trial = (*pattern[:i], (path, verify._ANY), *pattern[i + 1:])
            if not any(matches(trial, k) for k in answered):
                pattern[i] = (path, verify._ANY)
        patterns.append(tuple(pattern))
    return patterns


def _keys(n: int) -> st.SearchStrategy[set[verify.Key]]:
    facts = [st.tuples(st.just(f"p{i}"), st.sampled_from(["a", "b", "c"])) for i in range(n)]
    return st.sets(st.tuples(*facts), min_size=1, max_size=40)


_KEYS = st.integers(1, 4).flatmap(_keys)


@settings(max_examples=150, deadline=None)
@given(seen=_KEYS, data=st.data())
def test_gap_patterns_are_those_of_the_plain_definition(seen: set[verify.Key],
                                                        data: st.DataObject) -> None:
    gaps = data.draw(st.sets(st.sampled_from(sorted(seen)), min_size=1))
    patterns = verify._generalise(gaps, seen)
    assert patterns == _naive_generalise(gaps, seen)
    for pattern in patterns:
        assert verify._members(pattern, sorted(seen)) == [
            k for k in sorted(seen)
            if all(w in (verify._ANY, v) for (_, w), (_, v) in zip(pattern, k, strict=True))]


@pytest.mark.parametrize("reading_id", ["armenia", "russia"])
def test_the_proofs_table_by_index_is_the_table_by_facts(bundled: ReadingSet,
                                                         reading_id: str) -> None:
    reading = bundled.readings[reading_id]
    table = proofs._Table(reading)
    every = {}
    for index in itertools.product(*(range(len(g)) for g in table.groups)):
        facts = base_facts()
        for group, i in zip(table.groups, index, strict=True):
            facts.update(group[i])
        every[proofs._freeze(facts)] = (index, facts)
    conditions = [(inv, table.condition(inv)) for inv in reading.invariants]
    for index, facts in every.values():
        other = every.get(proofs._freeze(proofs._swapped(facts)))
        assert table.swapped(index) == (None if other is None else other[0])
        for inv, applies in conditions:
            assert applies(index) == all_true(inv.tests, facts), inv.id


def test_an_invariant_searched_alone_is_the_same_as_searched_with_the_others(
        bundled: ReadingSet) -> None:
    reading = bundled.readings["russia"]
    every = check_invariants(bundled, reading, examples=25, seed=3)
    ids = [inv.id for inv in reading.invariants]
    alone = [r for i in reversed(ids)
             for r in check_invariants(bundled, reading, examples=25, seed=3, only=[i])]
    assert alone[::-1] == every
    with pytest.raises(KeyError, match="declares no invariant 'nope'"):
        check_invariants(bundled, reading, only=["nope"])


@pytest.mark.parametrize("rules", [FIXTURES / "broken", OWN])
def test_check_spread_over_processes_gives_the_results_of_one(rules: Path) -> None:
    rs = load_readings(rules, allow_conflicts=True)
    ids = list(rs.readings)
    one = check_readings((rs, 15, 0, True), ids, 1)
    done: list[int] = []
    two = check_readings((rs, 15, 0, True), ids, 2, lambda: done.append(1))
    assert one == two and len(done) == len(ids)
    assert all(found is not None and len(found) == len(rs.readings[rid].invariants)
               for rid, (_, found) in zip(ids, two, strict=True))


def _square_or_die(_: None, job: int) -> int:
    if job < 0:
        os._exit(9)  # a worker dying as a segfault or the OOM killer would end it
    return job * job


@pytest.mark.parametrize("jobs", [1, 2])
def test_spread_gives_each_jobs_result_by_its_position(jobs: int) -> None:
    work: Sequence[int] = [5, 3, 9, 1, 7]
    got = dict(spread(_square_or_die, None, work, jobs=jobs))
    assert got == {n: x * x for n, x in enumerate(work)}
    if jobs == 1:  # here, in order
        assert list(spread(_square_or_die, None, work, jobs=1)) == list(got.items())


def test_spread_stops_with_a_clear_error_when_a_worker_dies() -> None:
    with pytest.raises(WorkerCrash, match="a worker process died"):
        list(spread(_square_or_die, None, [1, -1, 2, 3], jobs=2))


def test_an_invariant_built_without_questions_compares_no_answers(bundled: ReadingSet) -> None:
    # The compiler gives every invariant its questions (all, by default); one built by hand
    # may have none, and then says nothing that could fail.
    reading = bundled.readings["russia"]
    table = proofs._Table(reading)
    for inv in reading.invariants:
        assert proofs._prove(table, dataclasses.replace(inv, questions=())) is None, inv.id
