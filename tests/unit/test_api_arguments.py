"""The embedding API fails early and precisely: each public function of ``engine`` checks its
arguments before any work, naming the argument, with the exception its docstring lists."""

from __future__ import annotations

import inspect
import re
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest

import engine
from engine.readings.load import ReadingSet
from tests.conftest import ROOT

CASES = ROOT / "cases"


@pytest.fixture(scope="module")
def case() -> engine.CaseRecord:
    return engine.load_cases([CASES]).cases[0].record


@pytest.mark.parametrize(("account", "code"), [
    ("not a party!", "invalid_account"), ("", "invalid_account"), ("disputed", "invalid_account"),
    ("ARM", "invalid_account"), ("am", "invalid_account")])
def test_a_bad_account_is_refused(account: str, code: str, case: engine.CaseRecord,
                                  bundled: ReadingSet) -> None:
    for call in (lambda: engine.evaluate_case(case, bundled, account=account),
                 lambda: engine.compare_case(case, bundled, account=account),
                 lambda: engine.reading_records(case, bundled, account=account),
                 lambda: engine.evaluate_stream([], bundled, account=account)):
        with pytest.raises(engine.UsageError) as info:
            call()
        problem = info.value.problems[0]
        assert (problem.code, problem.loc) == (code, ("account",))
        assert "argument account" in problem.message


@pytest.mark.parametrize("account", ["own", "uncontested", "AM", "ICRC", "hrw-2021"])
def test_good_accounts_are_taken(account: str, case: engine.CaseRecord,
                                 bundled: ReadingSet) -> None:
    result = engine.evaluate_case(case, bundled, account=account, only=["ihl"])
    expected = {"own": "uncontested"}.get(account, account)  # ihl declares no party
    assert result.readings["ihl"].account == expected


@pytest.mark.parametrize(("kwargs", "error", "pattern"), [
    ({"only": "ihl"}, TypeError, r"argument only: expected None or a list"),
    ({"only": ["ihl", 3]}, TypeError, r"argument only\[1\]"),
    ({"only": ["ihx"]}, engine.UsageError, r"unknown reading 'ihx'"),
    ({"engine": "rete"}, engine.UsageError, r"argument engine: expected 'durable' or"),
    ({"engine": None}, TypeError, r"argument engine"),
    ({"source": 3}, TypeError, r"argument source"),
    ({"account": None}, TypeError, r"argument account"),
])
def test_evaluate_case_names_the_bad_argument(kwargs: dict[str, Any], error: type[Exception],
                                              pattern: str, case: engine.CaseRecord,
                                              bundled: ReadingSet) -> None:
    with pytest.raises(error, match=pattern):
        engine.evaluate_case(case, bundled, **kwargs)


def test_wrong_types_of_case_and_readings(case: engine.CaseRecord, bundled: ReadingSet) -> None:
    with pytest.raises(TypeError, match="argument case: expected a CaseRecord"):
        engine.evaluate_case({"id": "x"}, bundled)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="argument readings: expected a ReadingSet"):
        engine.evaluate_case(case, "rules/")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="argument comparisons"):
        engine.summarise("x")  # type: ignore[arg-type]


def test_streams_check_when_called(bundled: ReadingSet) -> None:
    with pytest.raises(engine.UsageError, match="argument jobs"):
        engine.evaluate_stream([], bundled, jobs=0)
    with pytest.raises(TypeError, match="argument items"):
        engine.evaluate_stream(3, bundled)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"argument items\[0\]"):
        list(engine.evaluate_stream([{"id": "x"}], bundled))  # type: ignore[list-item]
    with pytest.raises(engine.UsageError, match="argument budget"):
        list(engine.compare_stream([], bundled, budget=-1))


def test_loading_checks_its_arguments() -> None:
    with pytest.raises(TypeError, match="argument paths"):
        engine.load_cases(3)  # type: ignore[arg-type]
    with pytest.raises(engine.UsageError, match="argument input_format"):
        engine.load_cases([CASES], input_format="xml")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="argument default_zone"):
        engine.load_cases([CASES], default_zone="+04:00")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="argument default_zone"):
        next(engine.iter_cases([CASES], default_zone=4))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="argument source"):
        engine.load_case_dict({}, source=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="argument directory"):
        engine.load_readings(3)  # type: ignore[arg-type]
    with pytest.raises(engine.UsageError, match="argument requested"):
        engine.engine_to_use("rete")  # type: ignore[arg-type]
    assert engine.load_cases(CASES, default_zone=UTC).cases  # one path is a list of one


def test_a_range_inverted_only_in_the_default_zone_is_a_case_file_error(
        bundled: ReadingSet) -> None:
    # Local end 00:30, start with an offset: inverted in the rules' default zone (+04:00) only.
    data = {"id": "x", "detaining_party": "AZ", "capture": {
        "time": {"from": "2020-11-09T21:00Z", "to": "2020-11-10T00:30"}},
        "detainee": {"nationality": "AM", "affiliation": "armed_forces", "side": "AM"}}
    record = engine.load_case_dict(data)  # no zone given: not refused yet
    with pytest.raises(engine.CaseFileError) as info:
        engine.evaluate_case(record, bundled)
    assert info.value.problems[0].code == "inverted_range"
    assert info.value.problems[0].loc == ("capture", "time")


def test_every_public_function_documents_what_it_raises() -> None:
    for name in engine.__all__:
        obj = getattr(engine, name)
        if not inspect.isfunction(obj) or not inspect.signature(obj).parameters:
            continue
        doc = inspect.getdoc(obj) or ""
        assert "Raises:" in doc, name
        raised = set(re.findall(r"\b([A-Z][A-Za-z]+Error)\b", doc.split("Raises:")[1]))
        assert raised, name


def test_problems_carry_code_and_loc_from_load_case_dict() -> None:
    with pytest.raises(engine.CaseFileError) as info:
        engine.load_case_dict({"id": "x", "detaining_party": "XX", "capture": {},
                               "detainee": {"affiliation": "army", "side": "AM"}})
    got = {(p.code, p.loc) for p in info.value.problems}
    assert got == {("invalid_country_code", ("detaining_party",)),
                   ("invalid_choice", ("detainee", "affiliation"))}


def test_paths_may_be_pathlib(tmp_path: Path) -> None:
    assert engine.load_cases([tmp_path]).errors[0].code == "no_case_files"


def test_errors_give_their_problems_a_default_code() -> None:
    assert engine.EngineError("x").problems[0].code == "invalid_input"
    assert engine.EvaluationError("x").problems[0].code == "evaluation_failed"
    assert engine.BackendError([engine.Problem("x")]).problems[0].code == "backend_failed"
    kept = engine.UsageError([engine.Problem("x", code="unknown_reading")])
    assert kept.problems[0].code == "unknown_reading"
