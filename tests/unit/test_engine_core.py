"""Unit tests: static checks, facts, three-valued logic and the adapter's guards."""

from __future__ import annotations

import json
from datetime import tzinfo
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.base.errors import EvaluationError, RuleFileError
from engine.cases.facts import case_facts, render_value
from engine.cases.timeval import Interval
from engine.interfaces.cli import main
from engine.readings._conflicts import satisfiable
from engine.readings.load import ReadingSet, bundled_rules_dir, load_readings
from engine.readings.model import Test as RuleTest
from engine.readings.to_durable import _check_hashes, case_fact
from engine.run import _durable, reference
from engine.run.evaluate import evaluate_case
from engine.run.logic import holds
from tests.conftest import FIXTURES, make_case

T0 = 1_604_955_600  # 2020-11-09T21:00:00Z


def test_time_tests_are_three_valued() -> None:
    before = RuleTest("capture.time", "before", instant=T0)
    after = RuleTest("capture.time", "after", instant=T0)
    point_before = {"capture.time": Interval(T0 - 1, T0)}
    point_at = {"capture.time": Interval(T0, T0 + 1)}
    straddle = {"capture.time": Interval(T0 - 3600, T0 + 3600)}
    assert (holds(before, point_before), holds(after, point_before)) == (True, False)
    assert (holds(before, point_at), holds(after, point_at)) == (False, True)
    assert (holds(before, straddle), holds(after, straddle)) == (None, None)
    assert holds(before, {}) is None


def test_set_tests_never_decide_an_unknown_fact() -> None:
    not_in = RuleTest("detainee.affiliation", "not_in", ("civilian",))
    assert holds(not_in, {}) is None
    assert holds(not_in, {"detainee.affiliation": "civilian"}) is False
    only = RuleTest("proceedings.charges", "only", ("illegal_arms",))
    assert holds(only, {"proceedings.charges": frozenset()}) is False
    assert holds(only, {"proceedings.charges": frozenset({"illegal_arms"})}) is True


def test_facts_leave_unknowns_absent_and_derive_adverse() -> None:
    facts = case_facts(make_case(detainee={"side": "unknown", "affiliation": "unknown"},
                                 capture={"time": None}), _tz())
    assert "detainee.side" not in facts and "detainee.adverse" not in facts
    assert "capture.time" not in facts and "detainee.affiliation" not in facts
    assert facts["proceedings.stage"] == "none"
    own = case_facts(make_case(detaining_party="AM"), _tz())
    assert own["detainee.adverse"] is False


def test_local_date_is_the_whole_local_day() -> None:
    facts = case_facts(make_case(capture={"time": "2020-11-10"}), _tz())
    assert render_value(facts["capture.time"]) == "2020-11-09T20:00:00Z/2020-11-10T20:00:00Z"


def test_durable_facts_are_typed() -> None:
    data = json.loads(case_fact(case_facts(make_case(), _tz()), "w0"))
    assert isinstance(data["capture__time__lo"], int) and data["detainee__adverse"] is True
    assert data["proceedings__charges"] == [] and data["t"] == "case"


def test_satisfiability_knows_adverse_relates_the_parties() -> None:
    holder = RuleTest("detaining_party", "eq", ("AZ",))
    same_side = RuleTest("detainee.side", "eq", ("AZ",))
    adverse = RuleTest("detainee.adverse", "eq", (True,))
    assert satisfiable([holder, adverse], "AZ")
    assert not satisfiable([holder, same_side, adverse], "AZ")
    after = RuleTest("capture.time", "after", instant=T0)
    before = RuleTest("capture.time", "before", instant=T0)
    assert not satisfiable([after, before], "AZ")


def test_colliding_field_names_are_rejected(mini: ReadingSet) -> None:
    with pytest.raises(RuleFileError, match="same 32-bit hash") as info:
        _check_hashes(mini.readings["mini"], {"field_1079599", "field_1262382"}, "field")
    # Located, like every other error: at the file's first line when no rule uses the name.
    span = info.value.problems[0].span
    assert span is not None and span.source == mini.readings["mini"].path and span.line == 1


def test_firing_cap_stops_a_runaway_and_cleans_up(mini: ReadingSet,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    engine = "durable" if _durable.available() else "reference"
    monkeypatch.setattr(_durable if engine == "durable" else reference, "MAX_FIRINGS", 1)
    with pytest.raises(EvaluationError, match="more than 1 firings"):
        evaluate_case(make_case(), mini, engine=engine)  # type: ignore[arg-type]
    if engine == "durable":
        assert not _durable.live_session(mini.programs["mini"])


def test_reference_serves_when_durable_cannot_be_imported(
        mini: ReadingSet, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_durable, "_engine", lambda: (None, "ImportError: simulated"))
    out = evaluate_case(make_case(), mini).readings["mini"]
    assert out.engine == "reference"
    result = CliRunner().invoke(main, ["evaluate", str(FIXTURES / "cases" / "two.yaml"),
                                       "--rules", str(FIXTURES / "rules"), "--format", "json"])
    assert json.loads(result.stdout)["engine"] == "reference"
    assert "durable_rules could not be imported (ImportError: simulated)" in result.stderr


def test_bundled_readings_load_and_are_symmetric_by_construction(bundled: ReadingSet) -> None:
    assert set(bundled.readings) == {"armenia", "azerbaijan", "russia", "ihl"}
    assert (bundled_rules_dir() / "common.yaml").is_file()
    for reading in bundled.readings.values():
        for rule in reading.rules:
            for test in rule.tests:
                if test.path in {"detaining_party", "detainee.side", "detainee.nationality"}:
                    assert set(test.operand) == {reading.party}, rule.qid


def test_a_folder_without_common_uses_the_bundled_one(tmp_path: Path) -> None:
    own = (FIXTURES / "rules" / "mini.yaml").read_text().replace("source: T1", "source: M1")
    (tmp_path / "mini.yaml").write_text(own)
    rs = load_readings(tmp_path)
    assert list(rs.readings) == ["mini"] and "ceasefire" in rs.common.instants
    (tmp_path / "empty").mkdir()
    with pytest.raises(RuleFileError, match="no reading files"):
        load_readings(tmp_path / "empty")
    with pytest.raises(RuleFileError, match="expected a mapping at the top of a reading file"):
        load_readings(FIXTURES / "cases")
    with pytest.raises(RuleFileError, match="does not exist"):
        load_readings(tmp_path / "nope")


def _tz() -> tzinfo:
    return load_readings(FIXTURES / "rules").common.default_offset
