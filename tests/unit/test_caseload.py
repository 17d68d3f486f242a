"""Loading case files: files, folders, stdin, lists, documents, positions and problems."""

from __future__ import annotations

import io
import json
from datetime import timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from engine.base.errors import CaseFileError, SourceSpan
from engine.cases.load import CaseBatch, load_case_dict, load_cases

CASE = """\
id: {id}
detaining_party: AZ
detainee:
  nationality: AM
  affiliation: armed_forces
  side: AM
capture:
  time: 2020-12-13
"""


def case_dict(case_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": case_id,
        "detaining_party": "AZ",
        "detainee": {"nationality": "AM", "affiliation": "armed_forces", "side": "AM"},
        "capture": {"time": "2020-12-13"},
        **extra,
    }


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def ids(batch: CaseBatch) -> list[str]:
    return [c.record.id for c in batch.cases]


def test_one_case_per_file(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", CASE.format(id="a"))
    batch = load_cases([path])
    assert batch.errors == ()
    [loaded] = batch.cases
    assert (loaded.record.id, loaded.source, loaded.index) == ("a", str(path), 0)
    assert loaded.span == SourceSpan(str(path), 1, 1)
    assert loaded.span_of("capture", "time") == SourceSpan(str(path), 8, 9)
    assert loaded.span_of("detainee", "side", key=True) == SourceSpan(str(path), 6, 3)


def test_a_list_of_cases(tmp_path: Path) -> None:
    text = "- " + CASE.format(id="a").replace("\n", "\n  ").rstrip() + "\n"
    text += "- " + CASE.format(id="b").replace("\n", "\n  ").rstrip() + "\n"
    path = write(tmp_path, "list.yaml", text)
    batch = load_cases([path])
    assert ids(batch) == ["a", "b"] and batch.errors == ()
    second = batch.cases[1]
    assert second.index == 1 and second.loc == (1,)
    assert second.span == SourceSpan(str(path), 9, 3)
    assert second.span_of("capture", "time") == SourceSpan(str(path), 16, 11)


def test_several_yaml_documents(tmp_path: Path) -> None:
    text = CASE.format(id="a") + "---\n" + json.dumps([case_dict("b"), case_dict("c")]) + "\n"
    batch = load_cases([write(tmp_path, "docs.yaml", text)])
    assert ids(batch) == ["a", "b", "c"]
    assert [c.index for c in batch.cases] == [0, 1, 2]
    assert batch.cases[1].span.line == 10


def test_json_files_have_positions(tmp_path: Path) -> None:
    text = json.dumps(case_dict("j"), indent=2)
    path = write(tmp_path, "j.json", text.replace('"armed_forces"', '"army"'))
    batch = load_cases([path])
    assert batch.cases == ()
    [problem] = batch.errors
    assert problem.span == SourceSpan(str(path), 6, 20)
    assert problem.message.startswith("detainee.affiliation: expected one of armed_forces,")


def test_folders_are_searched_recursively_in_sorted_order(tmp_path: Path) -> None:
    write(tmp_path, "b.yaml", CASE.format(id="b"))
    write(tmp_path, "a/z.yml", CASE.format(id="az"))
    write(tmp_path, "c.json", json.dumps(case_dict("c")))
    write(tmp_path, "notes.txt", "not a case")
    write(tmp_path, "d.YAML", CASE.format(id="d"))
    batch = load_cases([tmp_path])
    assert batch.errors == ()
    assert ids(batch) == ["az", "b", "c", "d"]


def test_a_file_named_twice_is_read_once(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", CASE.format(id="a"))
    assert ids(load_cases([tmp_path, path])) == ["a"]


def test_stdin() -> None:
    batch = load_cases(["-"], stdin=io.StringIO(CASE.format(id="piped")))
    assert ids(batch) == ["piped"]
    assert batch.cases[0].source == "<stdin>"


def test_every_error_is_reported_and_valid_cases_kept(tmp_path: Path) -> None:
    bad = case_dict("bad", colour="red")
    bad["detainee"] = {"nationality": "XX", "affiliation": "army"}
    path = write(
        tmp_path, "mixed.json", json.dumps([case_dict("ok1"), bad, case_dict("ok2")], indent=1)
    )
    batch = load_cases([path])
    assert ids(batch) == ["ok1", "ok2"]
    messages = [p.message for p in batch.errors]
    assert len(messages) == 4, messages
    assert any("'XX' is not an ISO 3166-1 alpha-2 code" in m for m in messages)
    assert any(m.startswith("detainee.affiliation: expected one of") for m in messages)
    assert "missing required field 'detainee.side'" in messages
    assert "unknown field 'colour'" in messages
    # Problems of one case come in file order.
    lines = [p.span.line or 0 for p in batch.errors if p.span]
    assert lines == sorted(lines)


def test_duplicate_ids_across_files_name_the_first(tmp_path: Path) -> None:
    first = write(tmp_path, "1.yaml", CASE.format(id="same"))
    write(tmp_path, "2.yaml", CASE.format(id="other"))
    second = write(tmp_path, "3.yaml", "# again\n" + CASE.format(id="same"))
    batch = load_cases([tmp_path])
    assert ids(batch) == ["same", "other"]
    [problem] = batch.errors
    assert problem.message == f"duplicate case id 'same' (first at {first}:1:1)"
    assert problem.span == SourceSpan(str(second), 2, 5)


def test_input_errors_do_not_stop_the_batch(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "id: [unclosed\n")
    write(tmp_path, "b.yaml", CASE.format(id="b"))
    batch = load_cases([tmp_path, tmp_path / "missing.yaml"])
    assert ids(batch) == ["b"]
    assert [p.message.split(":")[0] for p in batch.errors] == [
        "malformed YAML/JSON",
        "no such file or folder",
    ]


def test_default_zone_checks_mixed_ranges_at_load(tmp_path: Path) -> None:
    text = CASE.format(id="m").replace(
        "time: 2020-12-13", 'time: {from: "2020-11-10T05:00Z", to: 2020-11-09}'
    )
    path = write(tmp_path, "m.yaml", text)
    assert ids(load_cases([path])) == ["m"]
    batch = load_cases([path], default_zone=timezone(timedelta(hours=4)))
    assert batch.cases == ()
    [problem] = batch.errors
    assert problem.span == SourceSpan(str(path), 8, 9)
    assert "capture.time: inverted time range" in problem.message


def test_load_case_dict() -> None:
    record = load_case_dict(case_dict("d"))
    assert record.id == "d"
    with pytest.raises(CaseFileError) as info:
        load_case_dict(case_dict("d", capture={"time": "2020-13", "tme": 1}), source="api")
    problems = info.value.problems
    assert [p.message for p in problems] == [
        "capture.time: impossible time '2020-13': month 13 is not in 1..12",
        "unknown field 'capture.tme' (did you mean 'time'?)",
    ]
    # A mapping has no lines: problems name the source only.
    assert all(p.span == SourceSpan("api") for p in problems)
    assert str(info.value).startswith("api: capture.time: impossible time")


def test_load_case_dict_refuses_non_mappings() -> None:
    with pytest.raises(CaseFileError, match="expected a case \\(a mapping\\); found a list"):
        load_case_dict([case_dict("x")])  # type: ignore[arg-type]


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "locked.yaml", CASE.format(id="locked"))

    def refuse(file: object, mode: str = "r") -> object:
        raise PermissionError(13, "Permission denied")

    # The tests run as root, which chmod cannot lock out: the open itself is refused.
    monkeypatch.setattr("engine.base.sourcefile.open", refuse, raising=False)
    batch = load_cases([path])
    assert [(p.span, p.message) for p in batch.errors] == [
        (SourceSpan(str(path)), "cannot read: Permission denied")
    ]


def test_a_single_path_is_not_split_into_letters(tmp_path: Path) -> None:
    path = write(tmp_path, "one.yaml", CASE.format(id="one"))
    assert ids(load_cases(str(path))) == ["one"]
