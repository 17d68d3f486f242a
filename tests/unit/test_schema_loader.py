"""The JSON Schema (``legal-status schema``) and the loader agree on every fixture.

Every valid case file (cases/, examples/, the valid fixtures) passes both; every invalid fixture
in tests/errors/cases/ is refused by both, but for those whose fault no JSON Schema can state:
each is listed below with the reason (the schema's description says the same to its users).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings

from engine.base.errors import CaseFileError, InputError
from engine.base.yamlio import load_documents
from engine.cases.load import load_case_dict, load_cases
from engine.cases.record import case_json_schema
from engine.testing import strategies
from tests.conftest import ROOT

INVALID = sorted((ROOT / "tests" / "errors" / "cases").iterdir())
VALID = sorted(p for folder in ("cases", "examples", "tests/fixtures/cases",
                                "tests/fixtures/cases-mismatch", "tests/fixtures/claims")
               for p in (ROOT / folder).rglob("*")
               if p.suffix in (".yaml", ".yml", ".json", ".jsonl") and "rules" not in p.parts)

#: Faults no JSON Schema can state, and why. The schema accepts these files; the loader does not.
INEXPRESSIBLE = {
    "claim_inverted_in_zone.yaml": "time order within a range, read in the case's own zone: a "
                                   "comparison of two values (and of offsets), not a pattern",
    "inverted_in_own_zone.yaml": "time order within a range, in the case's zone (as above)",
    "inverted_range.yaml": "time order within a range: JSON Schema compares no two values",
    "entry_after_capture.yaml": "cross-field time order (constraint time-order)",
    "sentence_without_conviction.yaml": "constraint sentence-on-conviction: checked on the "
                                        "resolved facts, after claims are resolved",
    "claim_same_party_twice.yaml": "one claim per party and fact: uniqueness of one property "
                                   "across list items (uniqueItems compares whole items)",
    "duplicate_case_id.yaml": "unique case ids across a list (and across a batch of files)",
    "empty_file.yaml": "no document at all: there is nothing to validate",
    "nan_number.yaml": "NaN is no JSON value, so no schema keyword refuses it (it fails no "
                       "comparison); the schema's description says numbers are finite",
}
#: Inputs refused before there is any data to give a schema: not YAML/JSON the engine reads.
NOT_DATA = {
    "alias_bomb.yaml", "alias_nesting.yaml", "deep_nesting.yaml", "duplicate_key.yaml",
    "escaped_control.yaml", "jsonl_not_json.jsonl", "lone_surrogate.yaml", "long_alias_name.yaml",
    "long_number.yaml", "malformed_json.json", "malformed_yaml.yaml", "mapping_key_alias.yaml",
    "merge_not_mapping.yaml", "merge_twice.yaml", "not_utf8.yaml", "raw_nul.yaml",
    "yaml_tag.yaml",
}


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = case_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _documents(path: Path) -> list[Any] | None:
    """The data of each document as the engine reads it, or None if it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".jsonl":
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        return [doc.data for doc in load_documents(text, str(path))]
    except (InputError, UnicodeDecodeError, ValueError):
        return None


def _schema_errors(validator: jsonschema.Draft202012Validator, docs: list[Any]) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for d in docs
            for e in validator.iter_errors(d)]


def test_the_lists_name_fixtures() -> None:
    names = {p.name for p in INVALID}
    assert set(INEXPRESSIBLE) <= names and names >= NOT_DATA
    assert len(VALID) > 20


@pytest.mark.parametrize("path", VALID, ids=[str(p.relative_to(ROOT)) for p in VALID])
def test_valid_files_pass_both(path: Path, validator: jsonschema.Draft202012Validator) -> None:
    assert load_cases([path]).errors == ()
    docs = _documents(path)
    assert docs is not None
    assert _schema_errors(validator, docs) == []


@pytest.mark.parametrize("path", INVALID, ids=[p.name for p in INVALID])
def test_invalid_fixtures_fail_both(path: Path, validator: jsonschema.Draft202012Validator,
                                   ) -> None:
    assert load_cases([path]).errors != ()
    docs = _documents(path)
    if path.name in NOT_DATA:
        assert docs is None, "reads as data: give it to the schema (remove it from NOT_DATA)"
        return
    assert docs is not None
    errors = _schema_errors(validator, docs)
    if path.name in INEXPRESSIBLE:
        assert errors == [], "the schema now refuses it: remove it from INEXPRESSIBLE"
    else:
        assert errors, "the loader refuses it, the schema accepts it"


@pytest.mark.parametrize(("field", "value", "ok"), [
    ("capture.time", "2024-02-29", True), ("capture.time", "2023-02-29", False),
    ("capture.time", "2000-02-29", True), ("capture.time", "1900-02-29", False),
    ("capture.time", "2020-11-10T00:30:00.5+18:00", True),
    ("capture.time", "2020-11-10T00:30+1801", False),
    ("capture.time", " 2020-11 ", True), ("capture.time", "0000", False),
    ("capture.time", "0001-01-02", True), ("capture.time", "9999-12", False),
    ("capture.time", "2020-11-10t00:30", False), ("capture.time", "٢٠٢٠", False),
    ("capture.timezone", "utc", True), ("capture.timezone", "+0400", True),
    ("capture.timezone", "Asia/Baku", True), ("capture.timezone", "asia/baku", False),
    ("capture.territory", "unknown", True), ("capture.territory", "am", False),
    ("asserted_by", "ICRC", True), ("asserted_by", "am", False), ("asserted_by", "a1", True),
    ("asserted_by", "A1", False), ("asserted_by", "Own", True), ("asserted_by", "own", False),
    ("asserted_by", "AZE", False), ("asserted_by", "Aze", True), ("asserted_by", "1CRC", False),
    ("source", " \t", False), ("date", "2021-02", True), ("date", "2021-02-30", False),
    ("date", "0001-01", False), ("sentence_years", 1e308, True), ("sentence_years", True, False),
])
def test_schema_and_loader_agree_on_values(field: str, value: object, ok: bool,
                                           validator: jsonschema.Draft202012Validator) -> None:
    case: dict[str, Any] = {"id": "x", "detaining_party": "AZ", "detainee": {
        "nationality": "AM", "affiliation": "armed_forces", "side": "AM"}, "capture": {}}
    if field in ("asserted_by", "source", "date"):
        claim = {"value": "AM", "asserted_by": "AZ", "source": "s", field: value}
        case["detainee"]["side"] = [claim]
    elif field == "sentence_years":
        case["proceedings"] = {"stage": "convicted", field: value}
    else:
        block, name = field.split(".")
        case[block][name] = value
    try:
        load_case_dict(case)
        loaded = True
    except CaseFileError:
        loaded = False
    assert (loaded, validator.is_valid(case)) == (ok, ok)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=strategies.claimed_case_dicts())
def test_generated_cases_pass_both(data: dict[str, Any],
                                   validator: jsonschema.Draft202012Validator) -> None:
    """Cases with claims, as the strategies make them, are valid for the schema too, and the
    loader and the schema agree on the dumped form of the record (claims under ``claims``)."""
    try:
        record = load_case_dict(data)
    except CaseFileError:  # the strategies may make a case a constraint refuses
        return
    assert _schema_errors(validator, [data]) == []
    assert _schema_errors(validator, [json.loads(record.model_dump_json())]) == []
