"""A folder's own outputs are not cases: ``legal-status evaluate .`` run again beside the reports
it wrote skips them (by their shape) with a note on standard error; a file named explicitly is
still read, and gets its errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cases._outputs import output_kind
from engine.cases.load import load_cases
from engine.interfaces.cli import main
from tests.conftest import ROOT

CASE = ROOT / "cases" / "aghdam-mine-maps-release.yaml"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with one case and every JSON output the tool writes about it."""
    here = tmp_path_factory.mktemp("work")
    shutil.copy(CASE, here / CASE.name)
    case = str(here / CASE.name)
    outputs = {"report.json": ("evaluate", case, "--format", "json"),
               "results.jsonl": ("evaluate", case, "--format", "jsonl"),
               "compare.json": ("compare", case, "--format", "json"),
               "explain.json": ("explain", case, "--format", "json"),
               "schema.json": ("schema",)}
    for name, args in outputs.items():
        code, out, _ = _run(*args)
        assert code == 0 and out.strip(), (name, out)
        (here / name).write_text(out, encoding="utf-8")
    # An error line: what `evaluate --format jsonl` writes for a bad input.
    (here / "errors.jsonl").write_text(
        '{"error": {"source": "x.yaml", "line": 1, "column": 1, "code": "malformed_yaml", '
        '"loc": [], "message": "malformed"}}\n', encoding="utf-8")
    return here


def test_evaluating_the_folder_again_skips_its_outputs(folder: Path) -> None:
    code, out, err = _run("evaluate", str(folder), "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert [r["case_id"] for r in report["results"]] == [CASE.stem] and report["errors"] == []
    notes = [line for line in err.splitlines() if ": note: skipped: legal-status output" in line]
    skipped = sorted(Path(line.split(": note:")[0]).name for line in notes)
    assert skipped == ["compare.json", "errors.jsonl", "explain.json", "report.json",
                       "results.jsonl", "schema.json"]


def test_a_file_named_explicitly_is_read(folder: Path) -> None:
    # The reference evaluator: on Python 3.13 asking for durable_rules adds a note of its own.
    code, _, err = _run("evaluate", str(folder / "report.json"), "--engine", "reference")
    assert code == 2 and "note:" not in err
    batch = load_cases([folder / "report.json"])
    assert {p.code for p in batch.errors} >= {"unknown_field", "missing_field"}


def test_other_files_of_the_folder_are_still_cases(tmp_path: Path) -> None:
    (tmp_path / "case.json").write_text(json.dumps(
        {"id": "j", "detaining_party": "AZ", "capture": {},
         "detainee": {"nationality": "AM", "affiliation": "armed_forces", "side": "AM"}}))
    (tmp_path / "odd.json").write_text('{"engine": "x", "id": "y"}')  # has an id: a (bad) case
    (tmp_path / "notes.json").write_text('{"readings": []}')  # no output key: a bad case
    batch = load_cases([tmp_path])
    assert [c.record.id for c in batch.cases] == ["j"]
    assert {p.span.source for p in batch.errors if p.span} == {
        str(tmp_path / "odd.json"), str(tmp_path / "notes.json")}


@pytest.mark.parametrize(("data", "kind"), [
    ({"engine": "durable", "readings": [], "results": [], "errors": []}, "evaluate report"),
    ({"engine": "durable", "comparisons": []}, "compare report"),
    ({"case_id": "x", "readings": {}}, "case result"),
    ({"error": {"message": "m"}}, "error line"),
    ([{"case_id": "x"}, {"case_id": "y"}], "a list of case results"),
    ({"id": "x", "engine": "durable"}, None), ({"error": 1, "id": "x"}, None),
    ([], None), ([{"case_id": "x"}, {"id": "y"}], None), ("text", None),
])
def test_output_shapes(data: object, kind: str | None) -> None:
    assert output_kind(data) == kind
