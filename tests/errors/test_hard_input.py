"""Issue 9: small or hostile inputs that once ended a batch with an internal error (exit 3), a
hang, or a message as large as the input. Each now gives a located problem (or, for output, a
clear I/O message), exit 2, and the valid case beside it is still evaluated.

Whatever could kill or freeze the process, or needs a real stdin or stdout, runs in a
subprocess with a timeout.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.base.errors import RuleFileError
from engine.base.yamlio import MAX_DEPTH, load_documents
from engine.cases.load import load_cases
from tests.conftest import ROOT

VALID = ROOT / "cases" / "capture-at-ceasefire-instant.yaml"
CASE = ("id: {id}\ndetaining_party: AZ\n"
        "detainee: {{nationality: AM, affiliation: armed_forces, side: AM}}\n")


def cli(*args: str, stdin: bytes | None = b"", env: dict[str, str] | None = None,
        shell_suffix: str = "", stdout: int | None = subprocess.PIPE,
        ) -> subprocess.CompletedProcess[bytes]:
    """``legal-status ARGS`` in a fresh process (optionally ``sh -c '... SUFFIX'``)."""
    command = [sys.executable, "-m", "engine.interfaces.cli", *args]
    if shell_suffix:
        command = ["sh", "-c", " ".join(f"'{a}'" for a in command) + " " + shell_suffix]
    return subprocess.run(command, input=stdin, stdout=stdout, stderr=subprocess.PIPE,
                          timeout=120, env={**os.environ, **(env or {})}, cwd=ROOT)


def text(done: subprocess.CompletedProcess[bytes]) -> str:
    return (done.stdout or b"").decode(errors="replace") + done.stderr.decode(errors="replace")


def assert_kept_beside(done: subprocess.CompletedProcess[bytes], message: str) -> None:
    """Exit 2, the located message, the valid case evaluated, no internal error."""
    out = text(done)
    assert done.returncode == 2, out
    assert message in out, out
    assert "capture-at-ceasefire-instant" in out and "internal error" not in out, out
    assert "Traceback" not in out, out


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


BAD_FILES = [
    (CASE.format(id="nul").encode() + b"title: a\x00b\ncapture: {}\n",
     ":4:9: a control character (U+0000) is not allowed in text"),
    (CASE.format(id="esc").encode() + b"title: a\x1b\ncapture: {}\n",
     ":4:9: a control character (U+001B)"),
    (CASE.format(id="caf\xe9").encode("latin-1") + b"capture: {}\n", ":1:8: not UTF-8 text"),
    (CASE.format(id="deep").encode() + b"capture: {}\nnotes: " + b"[" * 600 + b"]" * 600,
     f":5:107: nested deeper than {MAX_DEPTH} levels"),
    (CASE.format(id="big").encode() + b"capture: {}\nage: " + b"9" * 4301 + b"\n",
     ":5:6: number too long: 4301 characters"),
    (CASE.format(id="y1").encode() + b"zone: UTC\ncapture: {time: 0001-01-01}\n",
     ":5:17: capture.time: time '0001-01-01' is out of range"),
    (CASE.format(id="y9999").encode() + b"zone: UTC\ncapture: {time: 9999-12-31}\n",
     ":5:17: capture.time: time '9999-12-31' is out of range"),
    (CASE.format(id="sur").encode() + b'title: "\\udc1c"\ncapture: {}\n',
     ":4:8: a lone surrogate (U+DC1C) is not allowed in text"),
]


def test_bad_files_are_reported_and_the_valid_case_beside_them_kept(tmp_path: Path) -> None:
    # One process for all of them: each file's problem located, the valid case evaluated.
    bad = [write(tmp_path, f"bad{i}.yaml", data) for i, (data, _) in enumerate(BAD_FILES)]
    done = cli("evaluate", *map(str, bad), str(VALID))
    for path, (_, message) in zip(bad, BAD_FILES, strict=True):
        assert_kept_beside(done, f"{path}{message}")


def test_not_utf8_on_stdin() -> None:
    done = cli("evaluate", "-", str(VALID), stdin=CASE.format(id="caf\xe9").encode("latin-1"))
    assert_kept_beside(done, "<stdin>:1:8: not UTF-8 text (byte 7)")


def test_closed_stdin() -> None:
    done = cli("evaluate", "-", str(VALID), stdin=None, shell_suffix="<&-")
    assert_kept_beside(done, "<stdin>:1:1: standard input is closed")


def test_a_symlink_loop_named_on_the_command_line(tmp_path: Path) -> None:
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    assert_kept_beside(cli("evaluate", str(loop), str(VALID)), "symbolic link loop")


@pytest.mark.parametrize(("special", "message"), [
    ("/dev/zero", "/dev/zero:1:1: a control character (U+0000) is not allowed in text"),
    ("/dev/urandom", "not UTF-8 text")])
def test_special_files_are_read_with_a_byte_cap(special: str, message: str) -> None:
    # Over the cap, a file is read case by case: an endless one is stopped at its first bad
    # character, or at the per-case cap.
    started = time.monotonic()
    done = cli("evaluate", special, str(VALID))
    assert_kept_beside(done, message)
    assert time.monotonic() - started < 60


def test_a_full_disk_is_an_io_error_not_a_bug() -> None:
    with open("/dev/full", "wb") as full:
        done = cli("evaluate", str(VALID), stdout=full.fileno())
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert "error: cannot write the output: No space left on device" in err
    assert "Traceback" not in err and "internal error" not in err and "Exception" not in err


def test_an_output_encoding_that_cannot_hold_the_text() -> None:
    done = cli("readings", env={"PYTHONIOENCODING": "ascii"})
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert "cannot write the output: its encoding 'ascii' cannot hold" in err
    assert "PYTHONIOENCODING=utf-8" in err and "Traceback" not in err


def test_a_surrogate_reaching_the_output_is_an_io_error() -> None:
    # Loading refuses surrogates; this is the last line of defence, at the writer itself.
    code = ("import sys\nfrom engine.base.errors import OutputError\n"
            "from engine.interfaces._output import write_out\n"
            "try:\n    write_out('title \\udc1c')\nexcept OutputError as exc:\n"
            "    print(exc, file=sys.stderr); sys.exit(2)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert done.returncode == 2 and b"cannot hold '\\udc1c'" in done.stderr, done.stderr


def test_aliases_in_mapping_keys_are_refused_at_once(tmp_path: Path) -> None:
    # 400 bytes that expanded, as keys, past every cap: 41 s and all the memory before.
    levels = ["? &k0 [x, x, x, x, x, x, x, x, x, x]\n: 0\n"]
    levels += [f"? &k{i} [{', '.join([f'*k{i - 1}'] * 10)}]\n: {i}\n" for i in range(1, 8)]
    bomb = write(tmp_path, "keys.yaml", "".join(levels).encode())
    assert len(bomb.read_bytes()) < 600
    started = time.monotonic()
    done = cli("evaluate", str(bomb), str(VALID))
    assert_kept_beside(done, f"{bomb}:1:3: a mapping key must be a name, not a mapping or a list")
    assert time.monotonic() - started < 60


def test_a_huge_bad_value_is_quoted_by_a_prefix(tmp_path: Path) -> None:
    huge = "2" * 300_000  # 4.9 MB were echoed whole; any size past the prefix shows it
    bad = write(tmp_path, "huge.yaml",
                (CASE.format(id="huge") + f"capture: {{time: '{huge}x'}}\n").encode())
    batch = load_cases([bad])
    [problem] = batch.errors
    assert "is not a time" in problem.message and len(problem.message) < 400
    assert str(problem.span) == f"{bad}:4:17"


def test_a_merge_override_is_legal_and_located(tmp_path: Path) -> None:
    path = write(tmp_path, "merge.yaml", (
        b"- id: first\n  detaining_party: AZ\n"
        b"  detainee: &soldier {nationality: AM, affiliation: armed_forces, side: AM}\n"
        b"  capture: {}\n"
        b"- id: second\n  detaining_party: AM\n"
        b"  detainee:\n    <<: *soldier\n    side: AZ\n  capture: {}\n"))
    batch = load_cases([path])
    assert batch.errors == ()
    second = batch.cases[1]
    assert second.record.detainee.side == "AZ" and second.record.detainee.nationality == "AM"
    # The override is where it is written; a merged key where its anchor wrote it.
    assert (second.span_of("detainee", "side", key=True).line,
            second.span_of("detainee", "nationality", key=True).line) == (9, 3)


def test_merge_precedence_follows_the_yaml_rule() -> None:
    doc = load_documents("a: &a {k: 1, j: 1}\nb: &b {k: 2, m: 2}\n"
                         "c: {<<: [*a, *b], j: 3}\n", "m.yaml")[0]
    # Own keys first, then the earlier merged mapping, then the later.
    assert doc.data["c"] == {"j": 3, "k": 1, "m": 2}


def test_folder_scans_report_links_and_pipes_and_never_block(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "good.yaml").write_bytes(VALID.read_bytes())
    (folder / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (folder / "loop.yaml").symlink_to(folder / "loop.yaml")
    os.mkfifo(folder / "pipe.yaml")
    done = cli("evaluate", str(folder))
    out = text(done)
    assert done.returncode == 2, out
    for name, message in [("dangling", "broken symbolic link"), ("loop", "symbolic link loop"),
                          ("pipe", "not a regular file (a named pipe)")]:
        assert f"{folder / name}.yaml: {message}" in out, out
    assert "capture-at-ceasefire-instant" in out


def test_a_rule_file_with_bad_bytes_is_located(tmp_path: Path) -> None:
    from engine.readings.load import load_readings

    folder = tmp_path / "rules"
    folder.mkdir()
    source = ROOT / "examples" / "own-reading" / "rules"
    for path in source.glob("*.yaml"):
        (folder / path.name).write_bytes(path.read_bytes())
    victim = sorted(folder.glob("*.yaml"))[0]
    data = victim.read_bytes()
    victim.write_bytes(data[:40] + b"\xff" + data[40:])
    with pytest.raises(RuleFileError) as info:
        load_readings(folder)
    [problem] = info.value.problems
    assert problem.span is not None and problem.span.source == str(victim)
    assert problem.span.line is not None and "not UTF-8 text (byte 40)" in problem.message


def test_a_nul_in_a_path_is_a_problem_not_a_crash() -> None:
    # Only a library caller (or an in-process runner) can pass one: the OS refuses it in argv.
    batch = load_cases(["bad\x00name.yaml", str(VALID)])
    assert [c.record.id for c in batch.cases] == ["capture-at-ceasefire-instant"]
    assert [p.message for p in batch.errors] == ["the file name holds a NUL character"]


def test_a_surrogate_in_a_path_argument_is_a_problem() -> None:
    # Found by the fuzzer (benchmarks/fuzz.py, seed 21): exit 3 before.
    from click.testing import CliRunner

    from engine.interfaces.cli import main

    for command in ("evaluate", "compare", "validate", "test"):
        result = CliRunner().invoke(main, [command, "\udc1c", str(VALID)])
        assert result.exit_code == 2, result.output
        assert "\\udc1c: the file name holds characters no file name can" in result.output


def test_a_file_name_that_is_not_utf8_shows_escaped(tmp_path: Path) -> None:
    # Its bytes reach Python as lone surrogates, which JSON output could not encode (exit 3).
    latin = os.fsdecode(os.fsencode(str(tmp_path)) + b"/caf\xe9.yaml")
    Path(latin).write_bytes(VALID.read_bytes())
    done = cli("evaluate", latin, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert b'caf\\\\xe9.yaml"' in done.stdout
