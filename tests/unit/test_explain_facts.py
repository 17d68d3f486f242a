"""Issue 14: open facts that matter, no impossible worlds, reduced "it depends" tables."""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from engine.analysis import _whatif
from engine.analysis._reduce import reduce_rows
from engine.analysis.compare import compare_case
from engine.analysis.comparison import Comparison, DependsRow
from engine.base.errors import CaseFileError
from engine.cases.constraints import possible, violations
from engine.cases.facts import case_facts
from engine.cases.load import load_case_dict, load_cases
from engine.cases.record import CaseRecord
from engine.cases.timeval import Interval
from engine.readings.load import ReadingSet
from engine.run.evaluate import evaluate_case
from engine.strategies import case_records
from tests.conftest import ROOT, make_case

PLUS4 = timezone(timedelta(hours=4))
# The bundled readings' instants (ceasefire, and Russia's cut-off of 1 September 2021).
INSTANTS = [1_604_955_600, 1_630_443_600]


def _compare(bundled: ReadingSet, name: str, **options: Any) -> Comparison:
    loaded = load_cases([ROOT / "cases" / name]).cases[0]
    return compare_case(loaded.record, bundled, source=loaded.source, **options)


def test_only_the_capture_time_is_open_on_the_ceasefire_date(bundled: ReadingSet) -> None:
    loaded = load_cases([ROOT / "cases" / "capture-on-ceasefire-local-date.yaml"]).cases[0]
    outcome = evaluate_case(loaded.record, bundled).readings["azerbaijan"]
    # Territory and entry time were listed before: the reading's invariants prove they never
    # change its answers.
    assert outcome.unknown == ("capture.time",)
    assert all(d.unknown == ("capture.time",) for d in outcome.decisions.values())


def test_azerbaijan_status_table_has_two_rows(bundled: ReadingSet) -> None:
    c = _compare(bundled, "capture-on-ceasefire-local-date.yaml")
    table = next(t for t in c.depends if (t.reading, t.question) == ("azerbaijan", "status"))
    assert table.facts == ("capture.time",)
    assert [(r.values["capture.time"].split(" (")[0], r.answer) for r in table.rows] == [
        ("before ceasefire", "prisoner_of_war"), ("after ceasefire", "criminal_detainee")]
    assert table.all_rows is None
    assert "all_rows" not in table.model_dump()


def test_unknown_capture_time_prints_few_lines(bundled: ReadingSet) -> None:
    c = _compare(bundled, "unknown-capture-time.yaml")
    # 41 rows before issue 14 (capture time crossed with circumstances and entry); now the
    # capture time alone: 2 rows for each of Azerbaijan's questions, 3, 3 and 2 for Russia's.
    counts = {(t.reading, t.question): len(t.rows) for t in c.depends}
    assert counts == {("azerbaijan", "status"): 2, ("azerbaijan", "point8"): 2,
                      ("azerbaijan", "release"): 2, ("russia", "status"): 3,
                      ("russia", "point8"): 3, ("russia", "release"): 2}
    assert all(t.facts == ("capture.time",) for t in c.depends)


def test_full_tables_on_request_keep_only_possible_worlds(bundled: ReadingSet) -> None:
    case = make_case(capture={"time": "2020-11-10", "territory": "AZ"},
                     entry={"time": {"from": "2020-11-01", "to": "2020-11-20"}})
    c = compare_case(case, bundled, full_tables=True)
    for table in c.depends:
        assert table.all_rows is not None and len(table.all_rows) >= len(table.rows)
        for row in table.all_rows:
            assert possible(_whatif.apply(case, _values(row)), PLUS4)


def _values(row: DependsRow) -> list[_whatif.Value]:
    return [_whatif.Value(f, row.values[f], v) for f, v in row.set.items()]


def test_reduction_drops_columns_and_merges_rows() -> None:
    def row(a: str, b: str, answer: str) -> DependsRow:
        return DependsRow(values={"a": a, "b": b}, set={"a": a, "b": b}, answer=answer)

    rows = [row("1", "x", "P"), row("1", "y", "P"), row("2", "x", "Q"), row("2", "y", "Q"),
            row("3", "x", "Q"), row("3", "y", "Q")]
    kept, reduced = reduce_rows(rows, ["a", "b"])
    assert kept == ["a"]
    assert [(r.values, r.answer) for r in reduced] == [({"a": "1"}, "P"),
                                                      ({"a": "2, or 3"}, "Q")]
    # Each merged row is still one real combination, with its answer.
    assert reduced[1].set == {"a": "2", "b": "x"}


def test_a_case_with_entry_after_capture_is_refused() -> None:
    with pytest.raises(CaseFileError, match=r"entry\.time|capture\.time"):
        load_case_dict({"id": "t", "detaining_party": "AZ",
                        "detainee": {"nationality": "AM", "affiliation": "armed_forces",
                                     "side": "AM"},
                        "capture": {"time": "2020-10-20", "timezone": "+04:00"},
                        "entry": {"time": "2020-10-25"}})


def test_a_sentence_needs_a_conviction() -> None:
    case = make_case(proceedings={"stage": "convicted", "sentence_years": 6})
    assert not violations(case, PLUS4)
    with pytest.raises(CaseFileError, match="sentence"):
        load_case_dict({"id": "t", "detaining_party": "AZ",
                        "detainee": {"nationality": "AM", "affiliation": "armed_forces",
                                     "side": "AM"},
                        "capture": {"time": "2020-10-20"},
                        "proceedings": {"stage": "pending", "sentence_years": 6}})


def _open_values(case: CaseRecord, path: str, bundled: ReadingSet,
                 reading: str) -> list[_whatif.Value]:
    offset = bundled.common.default_offset
    return [v for f in _whatif.case_fields_of(path)
            for v in _whatif.resolutions(case, f, bundled.readings[reading], offset)]


SETTINGS = settings(max_examples=4, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
# Few unknown facts besides the capture time, so the exact computation stays within its bound
# (engine.run._open.MAX_COMBINATIONS; past it the superset is kept, which is never too small).
@given(case=case_records(instants=INSTANTS, capture_time=None, nationality="AM",
                         circumstances="combat"))
def test_listed_facts_matter_and_unlisted_ones_never_do(bundled: ReadingSet,
                                                        case: CaseRecord) -> None:
    offset = bundled.common.default_offset
    assert possible(case, offset)
    result = evaluate_case(case, bundled)
    for rid, outcome in result.readings.items():
        reading = bundled.readings[rid]
        for q, decision in outcome.decisions.items():
            if decision.answer != "indeterminate":
                continue
            # Every fact the reading reads that the case leaves open.
            facts = case_facts(case, offset)
            fields = [f for f in _whatif.case_fields(reading)
                      if _whatif.resolutions(case, f, reading, offset)
                      and (f not in facts or isinstance(facts[f], Interval))]
            listed = {f for p in decision.unknown for f in _whatif.case_fields_of(p)}
            worlds: dict[str, set[str]] = {}
            for f in fields:
                for v in _whatif.resolutions(case, f, reading, offset):
                    changed = _whatif.apply(case, [v])
                    if possible(changed, offset):
                        got = getattr(evaluate_case(changed, bundled, only=[rid])
                                      .readings[rid], q)
                        worlds.setdefault(f, set()).add(got)
            for f, answers in worlds.items():
                if f not in listed:
                    # Resolving an unlisted fact never changes the answer.
                    assert answers == {"indeterminate"}, (rid, q, f, answers)
            # Resolving every open fact: a listed fact is one the answer turns on; unless the
            # constraints leave one answer in every possible world, where the walk's list stays
            # (documented in engine.run.resolve._minimal).
            if len(_every(case, fields, bundled, rid, q)) < 2:
                continue
            for f in listed & set(fields):
                assert _turns(case, f, [g for g in fields if g != f], bundled, rid, q), (
                    rid, q, f)


def _turns(case: CaseRecord, fact: str, others: list[str], bundled: ReadingSet, rid: str,
           q: str) -> bool:
    reading, offset = bundled.readings[rid], bundled.common.default_offset
    mine = _whatif.resolutions(case, fact, reading, offset)
    rests: list[list[_whatif.Value]] = [[]]
    for g in others:
        rests = [[*r, v] for r in rests for v in _whatif.resolutions(case, g, reading, offset)]
    for rest in rests:
        answers = set()
        for v in mine:
            changed = _whatif.apply(case, [*rest, v])
            if possible(changed, offset):
                answers.add(getattr(evaluate_case(changed, bundled, only=[rid])
                                    .readings[rid], q))
        if len(answers) > 1:
            return True
    return False


def _every(case: CaseRecord, fields: list[str], bundled: ReadingSet, rid: str,
           q: str) -> set[str]:
    """The answers over every possible resolution of ``fields``."""
    reading, offset = bundled.readings[rid], bundled.common.default_offset
    combos: list[list[_whatif.Value]] = [[]]
    for g in fields:
        combos = [[*r, v] for r in combos for v in _whatif.resolutions(case, g, reading, offset)]
    out = set()
    for combo in combos:
        changed = _whatif.apply(case, combo)
        if possible(changed, offset):
            out.add(getattr(evaluate_case(changed, bundled, only=[rid]).readings[rid], q))
    return out
