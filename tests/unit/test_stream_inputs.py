"""JSON Lines read where the cases are evaluated: lines handed on unparsed
(``iter_case_inputs``), parsed and validated in the worker (``load_line``), ids checked in input
order in the reading process (``CaseIds``), and the same results, problems and bytes as reading
every line in the reading process."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from engine.base.errors import InputError, OutputError, Problem, SourceSpan
from engine.base.pool import CHUNK
from engine.base.yamlio import Document, load_documents
from engine.cases._lines import parse_line
from engine.cases.load import (
    CaseIds,
    LoadedCase,
    PendingLine,
    iter_case_inputs,
    iter_cases,
    load_cases,
    load_line,
)
from engine.interfaces._output import write_out, write_out_bytes
from engine.present.stream import json_piece, jsonl_piece
from engine.readings.load import ReadingSet, load_readings
from engine.run.evaluate import evaluate_case
from engine.run.stream import evaluate_stream_json
from engine.run.stream_inputs import Seen, evaluate_inputs
from engine.testing.expectations import expectation_problems, unknown_expectations
from tests.conftest import FIXTURES, ROOT
from tests.unit.test_stream import _jsonl, run

CASES = ROOT / "cases"
BAD_LINES = ["", "   ", '{"id": bad', '{"id": "x1", "detaining_party": "ZZ"}', "[1, 2]",
             '{"id": "tab\\there"}']


def _caseload(tmp_path: Path, n: int) -> tuple[Path, Path]:
    """JSON Lines of ``n`` cases with bad lines, a duplicate inside it and one shared with a
    YAML file (returned too)."""
    path = _jsonl(tmp_path / "many.jsonl", n)
    lines = path.read_text(encoding="utf-8").splitlines()
    shared = json.loads(lines[1])
    shared["id"] = "shared"
    lines[3:3] = BAD_LINES
    lines += [lines[0], json.dumps(shared)]  # a duplicate of line 1, and the YAML file's id
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    yaml = tmp_path / "one.yaml"
    yaml.write_text("id: shared\n" + "\n".join(
        f"{k}: {json.dumps(v)}" for k, v in shared.items() if k != "id") + "\n",
        encoding="utf-8")
    return path, yaml


def test_lines_are_left_pending_and_other_inputs_loaded(tmp_path: Path) -> None:
    path, yaml = _caseload(tmp_path, 5)
    items = list(iter_case_inputs([yaml, path]))
    assert isinstance(items[0], LoadedCase)
    pending = [i for i in items if isinstance(i, PendingLine)]
    # Every line but the two blank ones, unparsed, with its number.
    assert len(pending) == len(path.read_text(encoding="utf-8").splitlines()) - 2
    assert all(isinstance(i, LoadedCase | PendingLine) for i in items)
    assert pending[0] == PendingLine(path.read_bytes().splitlines(keepends=True)[0], 1,
                                     str(path))


def test_a_pending_line_loads_as_iter_cases_reads_it(tmp_path: Path) -> None:
    path, _ = _caseload(tmp_path, 5)
    read = list(iter_cases([path]))
    loaded: list[LoadedCase | Problem] = []
    ids = CaseIds()
    for line in iter_case_inputs([path]):
        assert isinstance(line, PendingLine)
        got = load_line(line, None)
        if isinstance(got, LoadedCase):
            loaded.append(ids.duplicate(got) or got)
        elif got is not None:
            loaded += got
    assert [x if isinstance(x, Problem) else (x.record, x.span) for x in loaded] == [
        x if isinstance(x, Problem) else (x.record, x.span) for x in read]


def test_case_ids_note_the_first_place_of_each_id() -> None:
    ids = CaseIds()
    here, there = SourceSpan("a", 1, 1), SourceSpan("b", 2, 1)
    assert ids.first("x", here) is None
    assert ids.first("x", there) is here
    assert ids.first("x", here) is None  # the first case itself, met again, is no duplicate


def _via_stream_json(paths: list[Path], rs: ReadingSet) -> list[object]:
    out: list[object] = []
    for x in evaluate_stream_json(iter_cases(paths), rs, jobs=1):
        if isinstance(x, Problem):
            out.append(x)
        else:
            loaded, result = x
            seen = Seen(loaded.record.id, loaded.record.claimants(),
                        unknown_expectations(loaded, rs.readings))
            out.append((seen, result if isinstance(result, tuple)
                        else result.encode("utf-8") + b"\n"))
    return out


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("yaml_first", [True, False])
def test_results_and_problems_are_those_of_reading_every_line_here(
        tmp_path: Path, jobs: int, yaml_first: bool) -> None:
    rs = load_readings()
    path, yaml = _caseload(tmp_path, CHUNK * 2 + 3)  # the pool runs with jobs 2
    paths = [yaml, path, FIXTURES / "cases-bad"] if yaml_first else [
        path, yaml, FIXTURES / "cases-bad"]
    got = list(evaluate_inputs(iter_case_inputs(paths), rs, expectation_problems, jsonl_piece,
                               jobs=jobs))
    assert got == _via_stream_json(paths, rs)
    codes = [x.code for x in got if isinstance(x, Problem)]
    assert codes.count("duplicate_case_id") == 2
    assert {"malformed_json_line", "not_a_case", "missing_field"} <= set(codes)


def test_a_json_piece_is_the_result_indented_into_the_report() -> None:
    result = evaluate_case(load_cases([CASES]).cases[0].record, load_readings())
    text = result.model_dump_json(indent=2)
    assert json_piece(result).decode("utf-8") == "\n".join(
        "    " + line for line in text.split("\n"))
    assert jsonl_piece(result).decode("utf-8") == result.model_dump_json() + "\n"


def test_an_item_of_another_kind_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"items\[0\]: expected a LoadedCase, a PendingLine or "):
        list(evaluate_inputs(["case.yaml"], load_readings(),  # type: ignore[list-item]
                             expectation_problems, jsonl_piece))


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_jobs_2_writes_the_bytes_of_jobs_1_with_duplicates(tmp_path: Path, fmt: str) -> None:
    path, yaml = _caseload(tmp_path, CHUNK * 2 + 3)
    for paths in ([str(yaml), str(path)], [str(path), str(yaml)]):
        one = run("evaluate", *paths, "--format", fmt, "--jobs", "1")
        two = run("evaluate", *paths, "--format", fmt, "--jobs", "2")
        assert one.exit_code == two.exit_code == 2, one.output
        assert (one.stdout_bytes, one.stderr_bytes) == (two.stdout_bytes, two.stderr_bytes)
        assert one.stdout.count("duplicate case id") == 2


@pytest.mark.parametrize(("number", "fast"), [
    ("6.5", True), ("-0.25", True), ("1.5e+3", True), ("1.5E-2", True), ("0.1", True),
    ("1e5", False), ("1.0e5", False), ("-1E+2", False), ("1" * 120 + ".5", False)])
def test_a_float_reads_as_the_yaml_loader_reads_it(number: str, fast: bool) -> None:
    # YAML 1.1 reads a float only with a point, and an exponent only with a sign: JSON's other
    # floats are strings to it; the fast path takes only those both read alike.
    text = f'{{"a": {number}, "b": [{number}, "x"]}}'
    line = parse_line(text.encode(), 1, "x")
    if isinstance(line, Problem):  # refused (too long): as the YAML loader refuses it
        assert not fast
        with pytest.raises(InputError):
            load_documents(text, "x")
        return
    assert line is not None
    assert line[1].data == load_documents(text, "x")[0].data
    assert (type(line[1]) is not Document) is fast


def test_pieces_are_written_as_bytes_only_to_a_utf8_text_stream(
        monkeypatch: pytest.MonkeyPatch) -> None:
    text = "\u201cquoted\u201d \u2013 ok\n"
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="utf-8"))
    write_out("before ", nl=False)  # text written first stays first
    write_out_bytes(text.encode("utf-8"))
    assert raw.getvalue() == ("before " + text).encode("utf-8")
    proxy = io.StringIO()  # not a real text stream (the progress bar's proxy): as text
    monkeypatch.setattr(sys, "stdout", proxy)
    write_out_bytes(text.encode("utf-8"))
    assert proxy.getvalue() == text
    # An output encoding that cannot hold the text: the text path's clear error.
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="latin-1"))
    with pytest.raises(OutputError, match="encoding 'latin-1' cannot hold"):
        write_out_bytes(text.encode("utf-8"))
