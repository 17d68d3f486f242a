"""One bad case file per message: the message and its exact line:column.

Each fixture in ``cases/`` starts with ``# expect: LINE:COL: [CODE] MESSAGE``; loading it must
report a problem at that position, of that code (docs/errors.md), whose message contains MESSAGE.
Inputs that cannot carry such a header (empty, oversized, not UTF-8, missing) are generated here.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from engine.base.errors import Problem
from engine.base.yamlio import MAX_BYTES
from engine.cases.load import load_cases

HERE = Path(__file__).parent / "cases"
FIXTURES = sorted(HERE.iterdir())
_WHOLE = {"document_too_large", "too_deep", "duplicate_key", "no_case", "refused_character",
          "malformed_json_line", "malformed_yaml", "number_too_long", "not_a_case", "not_utf8",
          "complex_key", "bad_merge", "yaml_tag"}
EXPECT = re.compile(r"^# expect: (\d+):(\d+): \[(\w+)\] (.+)$")
VALID = (
    "id: {id}\ndetaining_party: AZ\n"
    "detainee: {{nationality: AM, affiliation: armed_forces, side: AM}}\ncapture: {{}}\n"
)


def _located(problems: tuple[Problem, ...]) -> list[tuple[int | None, int | None, str]]:
    return [
        (p.span.line if p.span else None, p.span.column if p.span else None, p.message)
        for p in problems
    ]


def test_there_is_a_fixture_per_message() -> None:
    assert len(FIXTURES) >= 25


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_message_and_position(path: Path) -> None:
    # Bytes, since some fixtures are deliberately not UTF-8 past their header.
    match = EXPECT.match(path.read_bytes().split(b"\n")[0].decode())
    assert match, f"{path.name} lacks its '# expect: line:col: [code] message' header"
    line, col, code, message = int(match[1]), int(match[2]), match[3], match[4]
    batch = load_cases([path])
    located = _located(batch.errors)
    assert (line, col) in [(ln, c) for ln, c, m in located if message in m], located
    assert code in [p.code for p in batch.errors if message in p.message], batch.errors
    # Every problem with a field names its path; the others are about the file or document.
    assert all(p.loc or p.code in _WHOLE for p in batch.errors), batch.errors
    # Every problem names the file, so the CLI prints file:line:col.
    assert all(p.span is not None and p.span.source == str(path) for p in batch.errors)
    # No message grows with the input: bad values are quoted by a short prefix.
    assert all(len(p.message) < 400 for p in batch.errors), [len(p.message) for p in batch.errors]


def test_tags_are_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    bad = tmp_path / "tag.yaml"
    bad.write_text(f'id: !!python/object/apply:os.system ["touch {marker}"]\n')
    batch = load_cases([bad])
    assert batch.errors and "not allowed" in batch.errors[0].message
    assert not marker.exists()


def test_the_valid_case_beside_a_bad_one_is_kept() -> None:
    batch = load_cases([HERE / "not_a_mapping.yaml", HERE / "duplicate_case_id.yaml"])
    assert [c.record.id for c in batch.cases] == ["fine", "same-person"]
    assert len(batch.errors) == 2


def test_oversized_case(tmp_path: Path) -> None:
    # A file over the cap is read case by case; a case (here the file's one document) over
    # the cap is refused at its start, without being read whole.
    big = tmp_path / "big.yaml"
    big.write_text(VALID.format(id="big") + "notes: " + "x" * MAX_BYTES + "\n")
    batch = load_cases([big])
    assert batch.cases == ()
    assert _located(batch.errors) == [(1, 1, "case too large: over 5,242,880 characters (a large"
                                             " list file is read case by case, each case capped)")]
    assert batch.errors[0].span is not None and batch.errors[0].span.source == str(big)


def test_oversized_case_in_a_list(tmp_path: Path) -> None:
    # The per-case cap, lowered (a 5 MiB case would make a slow test): the cases before the
    # large one are kept, the large one is refused at its own line and column.
    path = tmp_path / "list.yaml"
    cases = [VALID.format(id=f"c{i}") for i in range(3)]
    big = VALID.format(id="big").replace("capture: {}", "capture: {}\nnotes: " + "y" * 3000)
    path.write_text("".join("- " + c.replace("\n", "\n  ").rstrip() + "\n"
                            for c in [*cases, big]))
    batch = load_cases([path], cap=2000)
    assert [c.record.id for c in batch.cases] == ["c0", "c1", "c2"]
    assert _located(batch.errors) == [
        (13, 3, "case too large: over 2,000 characters (a large list file is read case by"
                " case, each case capped)")]


def test_oversized_stdin() -> None:

    batch = load_cases(["-"], stdin=io.StringIO("x" * (MAX_BYTES + 10)))
    assert [p.message for p in batch.errors] == [
        "case too large: over 5,242,880 characters (a large list file is read case by case,"
        " each case capped)"]


def test_not_utf8(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(VALID.format(id="caf\xe9").encode("latin-1"))
    batch = load_cases([bad])
    assert _located(batch.errors) == [(1, 8, "not UTF-8 text (byte 7)")]


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing here\n")
    batch = load_cases([empty])
    assert [p.message for p in batch.errors] == [
        "no case in file: expected a case or a list of cases"
    ]


def test_missing_file_and_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "notes.txt").write_text("not a case")
    batch = load_cases([tmp_path / "nope.yaml", tmp_path / "folder"])
    assert [(p.span.source if p.span else None, p.message) for p in batch.errors] == [
        (str(tmp_path / "nope.yaml"), "no such file or folder"),
        (str(tmp_path / "folder"), "no case files (*.yaml, *.yml, *.json, *.jsonl) in this folder"),
    ]
