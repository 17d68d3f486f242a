"""YAML and JSON list files over the size cap, read case by case (engine.base.yamlstream).

The cap is lowered through ``load_cases(..., cap=...)`` so that small generated files take the
streaming path: a 5 MiB file would make slow tests. Streaming must give what the whole-file
loader gives: the same cases, positions and problems.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from engine.base.yamlio import dump_yaml
from engine.cases.load import CaseBatch, load_cases
from tests.conftest import FIXTURES, ROOT
from tests.unit.test_stream import _examples

ERRORS = ROOT / "tests" / "errors" / "cases"


def _key(batch: CaseBatch) -> tuple[object, ...]:
    return ([(c.record, c.source, c.index, c.span, c.loc, c.span_of("id")) for c in batch.cases],
            batch.errors)


def _cases(n: int) -> list[dict[str, object]]:
    examples = _examples()
    return [{**examples[i % len(examples)], "id": f"case-{i}"} for i in range(n)]


@pytest.mark.parametrize("path", sorted([*ERRORS.glob("*.yaml"), *(ROOT / "cases").glob("*"),
                                         *(FIXTURES / "cases").glob("*"),
                                         *(FIXTURES / "cases-bad").glob("*")]),
                         ids=lambda p: p.name)
def test_every_fixture_streams_as_it_loads_whole(path: Path, tmp_path: Path) -> None:
    # A comment line first makes the file larger than the cap, so that it is streamed; the
    # file's own documents are each under the cap.
    data = path.read_bytes()
    padded = tmp_path / path.name
    padded.write_bytes(b"# " + b"x" * (len(data) + 20) + b"\n" + data)
    assert _key(load_cases([padded], cap=len(data) + 10)) == _key(load_cases([padded]))


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_large_list_file_streams_as_it_loads_whole(tmp_path: Path, fmt: str) -> None:
    cases = _cases(300)
    path = tmp_path / f"many.{fmt}"
    path.write_text(dump_yaml(cases) if fmt == "yaml" else json.dumps(cases, indent=2))
    whole, streamed = load_cases([path]), load_cases([path], cap=4000)
    assert len(streamed.cases) == 300 and streamed.errors == ()
    assert _key(streamed) == _key(whole)
    # Standard input over the cap streams too.
    piped = load_cases(["-"], stdin=io.StringIO(path.read_text()), cap=4000)
    assert [(c.record, c.span.line) for c in piped.cases] == \
        [(c.record, c.span.line) for c in whole.cases]


def test_errors_in_later_items_keep_their_position(tmp_path: Path) -> None:
    cases = _cases(200)
    cases[150]["detaining_party"] = "XX"  # an invalid field, deep in the file
    text = dump_yaml(cases)
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    whole, streamed = load_cases([path]), load_cases([path], cap=4000)
    assert _key(streamed) == _key(whole)
    span = streamed.errors[0].span
    assert len(streamed.errors) == 1 and span is not None and (span.line or 0) > 1000
    # Malformed YAML late in the file: the cases before it are read, the error is where the
    # whole-file loader puts it.
    broken = tmp_path / "broken.yaml"
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line == "- id: case-180")
    lines.insert(at + 1, "  notes: [unclosed,")
    broken.write_text("\n".join(lines))
    whole, streamed = load_cases([broken]), load_cases([broken], cap=4000)
    assert whole.cases == () and len(streamed.cases) == 179  # case-150 is invalid
    assert streamed.errors[-1] == whole.errors[0]
    assert "malformed YAML/JSON" in whole.errors[0].message
    assert whole.errors[0].span is not None and (whole.errors[0].span.line or 0) > at


def test_a_bad_byte_late_in_a_streamed_file_is_located(tmp_path: Path) -> None:
    data = dump_yaml(_cases(100)).encode("utf-8")
    at = data.index(b"case-90")
    path = tmp_path / "latin1.yaml"
    path.write_bytes(data[:at] + b"caf\xe9" + data[at:])
    whole, streamed = load_cases([path]), load_cases([path], cap=3000)
    assert streamed.errors == whole.errors
    assert "not UTF-8 text" in streamed.errors[0].message
    # The cases read before it are kept, but for those in the text read ahead with the byte.
    assert 50 < len(streamed.cases) < 90
