"""Streaming: case by case, the same bytes as the whole batch; JSON Lines in; --jobs N.

No timings here (see ``benchmarks/bench_stream.py``): only that streamed output equals the
whole-batch renderers' byte for byte, that JSON Lines input reads as YAML does, and that
``--jobs 2`` (a real process pool) writes exactly what ``--jobs 1`` does.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from engine.base.errors import Problem, SourceSpan
from engine.base.pool import CHUNK, WorkerCrash, ordered_map
from engine.base.yamlio import MAX_BYTES, load_documents
from engine.cases.load import iter_cases, load_cases
from engine.interfaces.cli import main
from engine.present import render
from engine.present.stream import Format, render_report
from engine.readings.load import load_readings
from engine.run.evaluate import evaluate_case
from engine.run.report import ErrorInfo, ReadingInfo, Report
from engine.run.stream import evaluate_stream
from tests.conftest import FIXTURES, ROOT

CASES = ROOT / "cases"
WHOLE = {"table": render.table, "json": render.json_report, "jsonl": render.jsonl,
         "markdown": render.markdown}


def _examples() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for path in sorted(CASES.glob("*.yaml")):
        for doc in load_documents(path.read_text(encoding="utf-8"), str(path)):
            out += doc.data if isinstance(doc.data, list) else [doc.data]
    return out


def _jsonl(path: Path, n: int) -> Path:
    """``n`` cases, the bundled examples round-robin under new ids, as JSON Lines."""
    examples = _examples()
    with path.open("w", encoding="utf-8") as stream:
        for i in range(n):
            stream.write(json.dumps({**examples[i % len(examples)],
                                     "id": f"case-{i}"}) + "\n")
    return path


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=stdin)


@pytest.mark.parametrize("paths", [[CASES], [FIXTURES / "cases"], [FIXTURES / "cases-bad"],
                                   [FIXTURES / "claims"], [FIXTURES / "cases-bad", CASES], []],
                         ids=["bundled", "fixtures", "bad", "claims", "bad+bundled", "empty"])
@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "markdown"])
def test_streamed_report_equals_the_whole_report(paths: list[Path], fmt: Format) -> None:
    rs = load_readings()
    batch = load_cases(paths)
    results = [evaluate_case(c.record, rs, source=c.source) for c in batch.cases]
    for errors in (batch.errors, (), (Problem("x", SourceSpan("f", 1, 2)), Problem("y"))):
        report = Report(engine="durable", readings=[ReadingInfo(id=r.id, title=r.title,
                                                                held_by=r.held_by)
                                                    for r in rs.readings.values()],
                        results=results, errors=[ErrorInfo.of(p) for p in errors])
        assert render_report(report, fmt) == WHOLE[fmt](report)


def test_iter_cases_yields_what_load_cases_holds() -> None:
    paths = [FIXTURES / "cases-bad", CASES, FIXTURES / "cases"]
    batch = load_cases(paths)
    streamed = list(iter_cases(paths))
    assert [x for x in streamed if not isinstance(x, Problem)] == list(batch.cases)
    assert [x for x in streamed if isinstance(x, Problem)] == list(batch.errors)


def test_jsonl_input_reads_as_the_yaml_input(tmp_path: Path) -> None:
    yaml_cases = load_cases([CASES]).cases
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(d) + "\n\n" for d in _examples()), encoding="utf-8")
    jsonl = load_cases([path])
    assert not jsonl.errors
    assert [c.record for c in jsonl.cases] == [c.record for c in yaml_cases]
    # Each case is located at its own line (blank lines counted), not at line 1.
    assert [c.span.line for c in jsonl.cases] == [1 + 2 * i for i in range(len(yaml_cases))]
    assert jsonl.cases[3].span_of("id").line == 7
    rs = load_readings()
    for y, j in zip(yaml_cases, jsonl.cases, strict=True):
        assert evaluate_case(y.record, rs) == evaluate_case(j.record, rs)


def test_jsonl_errors_are_located_at_their_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    good = json.dumps({**_examples()[0], "id": "good"})
    path.write_text(good + "\n" + '{"id": "x", detaining_party: "AZ"}\n'
                    + json.dumps({**_examples()[0], "id": "good"}) + "\n"
                    + json.dumps({**_examples()[0], "id": "other", "detaining_party": "XX"})
                    + "\n\xff\n".encode("latin-1").decode("latin-1"), encoding="latin-1")
    batch = load_cases([path])
    assert [c.record.id for c in batch.cases] == ["good"]
    where = [(p.span.line, p.span.column) if p.span else (None, None) for p in batch.errors]
    assert where[0] == (2, 13) and "not a JSON value" in batch.errors[0].message
    assert where[1][0] == 3 and "duplicate case id 'good'" in batch.errors[1].message
    assert where[2][0] == 4 and "detaining_party" in str(batch.errors[2])
    assert where[3] == (5, 1) and "not UTF-8" in batch.errors[3].message


def test_a_jsonl_line_over_the_cap_is_refused_and_the_next_line_read(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    with path.open("w", encoding="utf-8") as stream:
        stream.write('{"id": "' + "x" * (MAX_BYTES + 10) + '"}\n')
        stream.write(json.dumps({**_examples()[0], "id": "after"}) + "\n")
    batch = load_cases([path])
    assert [c.record.id for c in batch.cases] == ["after"]
    assert batch.cases[0].span.line == 2
    assert [(p.span.line if p.span else None, p.message) for p in batch.errors] == [
        (1, f"line too long: over {MAX_BYTES // (1024 * 1024)} MiB")]


def test_stdin_jsonl_is_detected_and_larger_than_the_file_cap_in_all(tmp_path: Path) -> None:
    # Standard input holds more than the per-document cap in all: streamed, it is no limit.
    # JSON allows blanks between tokens: long lines, so that few cases fill the cap.
    line = "{" + " " * 200_000 + json.dumps({**_examples()[0], "id": "case-0"})[1:]
    copies = MAX_BYTES // len(line) + 2
    text = "".join(line.replace("case-0", f"case-{i}") + "\n" for i in range(copies))
    assert len(text) > MAX_BYTES
    items = iter_cases(["-"], stdin=io.TextIOWrapper(io.BytesIO(text.encode())))
    count = sum(1 for x in items if not isinstance(x, Problem))
    assert count == copies
    # Without the first line as a whole JSON object, standard input is YAML (and capped).
    yaml_batch = load_cases(["-"], stdin=io.StringIO("id: one\n"))
    assert yaml_batch.errors and "detaining_party" in str(yaml_batch.errors[0])


def test_evaluate_stream_passes_problems_in_their_place() -> None:
    rs = load_readings()
    items = list(iter_cases([FIXTURES / "cases-bad", CASES]))
    out = list(evaluate_stream(iter(items), rs, jobs=1))
    assert [x if isinstance(x, Problem) else x[0] for x in out] == items


@pytest.mark.parametrize("command", [
    ["evaluate", "--format", "json"], ["evaluate", "--format", "jsonl"],
    ["evaluate", "--format", "markdown"], ["test"]])
def test_jobs_2_writes_the_bytes_of_jobs_1(tmp_path: Path, command: list[str]) -> None:
    # More cases than one chunk, so that the pool really runs; a bad line among them.
    path = _jsonl(tmp_path / "many.jsonl", CHUNK * 2 + 5)
    with path.open("a", encoding="utf-8") as stream:
        stream.write("not json\n")
    one = run(*command, str(path), str(CASES), "--jobs", "1")
    two = run(*command, str(path), str(CASES), "--jobs", "2")
    assert one.exit_code == two.exit_code == 2, one.output
    assert one.stdout_bytes == two.stdout_bytes
    assert one.stderr_bytes == two.stderr_bytes
    assert "not a JSON value" in one.output


def test_jobs_2_on_the_bundled_cases() -> None:
    for command in (["evaluate", "--format", "json"], ["test"]):
        one = run(*command, str(CASES), "--jobs", "1")
        two = run(*command, str(CASES), "--jobs", "2")
        assert (one.exit_code, one.stdout_bytes) == (two.exit_code, two.stdout_bytes)


def _crash(chunk: Sequence[int]) -> list[int]:
    if 13 in chunk:
        os._exit(9)  # a worker dying as a segfault or the OOM killer would end it
    return [x * 2 for x in chunk]


def test_a_worker_that_dies_stops_the_run_with_a_clear_error() -> None:
    with pytest.raises(WorkerCrash, match="a worker process died"):
        list(ordered_map(_crash, range(200), lambda x: x, jobs=2, chunk=8))


def test_ordered_map_keeps_input_order_across_processes() -> None:
    out = list(ordered_map(_crash, range(14, 300), lambda x: x, jobs=2, chunk=7))
    assert out == [(x, x * 2) for x in range(14, 300)]



def test_compare_with_jobs_2_writes_the_bytes_of_jobs_1() -> None:
    # The bundled cases are more than one chunk of compare: the pool runs.
    command = ["compare", str(CASES), "--format", "json", "--summary"]
    one = run(*command, "--jobs", "1")
    two = run(*command, "--jobs", "2")
    assert one.exit_code == two.exit_code == 0, one.output
    assert (one.stdout_bytes, one.stderr_bytes) == (two.stdout_bytes, two.stderr_bytes)


def test_check_with_jobs_2_writes_the_bytes_of_jobs_1(tmp_path: Path) -> None:
    # Two readings (the fixture's, and a copy under another id), so that the pool runs; the
    # bundled readings would take a minute.
    rules = FIXTURES / "rules"
    for name in ("common.yaml", "mini.yaml"):
        (tmp_path / name).write_text((rules / name).read_text(encoding="utf-8"), "utf-8")
    mini = (rules / "mini.yaml").read_text(encoding="utf-8")
    (tmp_path / "mini2.yaml").write_text(mini.replace("reading: mini", "reading: mini2", 1),
                                         "utf-8")
    command = ["check", "--rules", str(tmp_path), "--examples", "10"]
    one = run(*command, "--jobs", "1")
    two = run(*command, "--jobs", "2")
    assert "2 reading(s)" in one.output
    assert one.exit_code == two.exit_code
    assert (one.stdout_bytes, one.stderr_bytes) == (two.stdout_bytes, two.stderr_bytes)


def _all_locs(value: object, loc: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    out = [loc]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _all_locs(v, (*loc, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _all_locs(v, (*loc, i))
    return out


@pytest.mark.parametrize("extra", [{}, {"weight": 1.5}, {"title": "caf\\u00e9"},
                                   {"title": "tab\there"}, {"n": 10 ** 120}],
                         ids=["plain", "float", "escape", "tab", "long-number"])
def test_a_jsonl_line_gives_the_yaml_loaders_data_and_positions(tmp_path: Path,
                                                                extra: dict[str, object]) -> None:
    # The fast path (json.loads, positions on demand) and the YAML loader must agree on every
    # line: data, and the position of every value and key.
    lines = []
    for i, case in enumerate(_examples()):
        text = json.dumps({**case, "id": f"c{i}", **extra}, ensure_ascii=False)
        lines.append(text.replace("\\\\u00e9", "\\u00e9"))
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    batch = load_cases([path])
    located = {p.span.line if p.span else 0 for p in batch.errors}
    by_line = {c.span.line: c for c in batch.cases}
    for number, text in enumerate(lines, 1):
        if number not in by_line:  # refused: the YAML loader's problem, at this line
            assert number in located
            continue
        full = load_documents(text, str(path))[0]
        doc = by_line[number].document
        assert doc.data == full.data
        for loc in _all_locs(full.data):
            for key in (False, True):
                want = full.span(loc, key=key)
                assert doc.span(loc, key=key) == SourceSpan(want.source, (want.line or 1)
                                                            + number - 1, want.column)
