"""The command line: outputs, exit codes, and no traceback on bad input."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result

from engine.interfaces.cli import main
from engine.run.evaluate import EngineChoice, engine_to_use
from tests.conftest import FIXTURES, ROOT

RULES = ["--rules", str(FIXTURES / "rules")]
TWO = str(FIXTURES / "cases" / "two.yaml")


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


def test_evaluate_table_marks_the_cases() -> None:
    result = run("evaluate", TWO, *RULES)
    assert result.exit_code == 0, result.output
    assert "wartime-soldier" in result.output and "prisoner_of_war" in result.output
    assert "unknown  mini: capture.time" in result.output


def test_evaluate_json_contract() -> None:
    result = run("evaluate", TWO, *RULES, "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["readings"] == [{"id": "mini", "title": "A minimal test reading",
                                "held_by": "Test holder"}]
    first = doc["results"][0]
    assert first["case_id"] == "wartime-soldier" and first["source"] == TWO
    out = first["readings"]["mini"]
    assert (out["status"], out["point8"], out["release"]) == (
        "prisoner_of_war", "covered", "discretionary")
    assert out["flags"] == [] and out["unknown"] == [] and out["engine"] == engine_to_use("durable")
    step = out["trace"][0]
    assert step["rule"] == "mini.wartime" and step["says"]
    assert step["cites"][0] == {"source": "T1", "title": "Test statement", "date": "2020-11-10",
                                "url": "https://example.invalid/t1", "pin": "point 1",
                                "reliability": "first_hand", "note": None}
    assert doc["errors"] == []


def test_invalid_case_is_reported_and_valid_ones_still_evaluated() -> None:
    result = run("evaluate", str(FIXTURES / "cases-bad"), *RULES, "--format", "json")
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert [r["case_id"] for r in doc["results"]] == ["wartime-soldier", "straddle"]
    (error,) = doc["errors"]
    assert error["source"].endswith("bad.yaml") and (error["line"], error["column"]) == (3, 42)
    assert "found 'army'" in error["message"]


def test_jsonl_has_a_line_per_result_and_per_error() -> None:
    result = run("evaluate", str(FIXTURES / "cases-bad"), *RULES, "--format", "jsonl")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [("error" in x) for x in lines] == [False, False, True]


def test_stdin_is_read_with_dash() -> None:
    with open(TWO, encoding="utf-8") as handle:
        result = run("evaluate", "-", *RULES, "--format", "json", stdin=handle.read())
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["results"]) == 2


def test_markdown_carries_what_the_table_carries() -> None:
    result = run("evaluate", TWO, *RULES, "--format", "markdown")
    out = result.output
    assert "| `mini` | A minimal test reading | Test holder |" in out
    assert out.count("### ") == 2 and "### straddle" in out
    assert "| question | `mini` | readings differ |" in out
    assert "| point8 | `indeterminate` |  |" in out
    # why the answer is indeterminate: the open fact, as the table's "unknown" line says
    assert "- unknown or undecided for `mini`: `capture.time`" in out
    assert f"Source: `{TWO}`" in out
    assert f"_2 case(s) evaluated with the {engine_to_use('durable')} engine._" in out


def test_markdown_carries_flags_titles_and_accounts() -> None:
    result = run("evaluate", str(FIXTURES / "claims" / "disputed.yaml"), "--format", "markdown")
    table = run("evaluate", str(FIXTURES / "claims" / "disputed.yaml"))
    assert "flags " in table.output and "account " in table.output
    out = result.output
    assert "- flags of `russia`: `all_for_all_policy`" in out
    assert "- accounts: `armenia` AM; `azerbaijan` AZ" in out
    assert "(disputed)" in out and "\n_" in out  # the disputed open fact; the case title


def test_broken_pipe_ends_quietly() -> None:
    import subprocess
    import sys
    code = ("import sys; from engine.interfaces.cli import main; "
            "sys.argv = ['legal-status', 'evaluate', '--jobs', '1', *sys.argv[1:]]; main()")
    # 30 cases written one by one: the writes after the reader has gone meet a broken pipe
    done = subprocess.run(f"{sys.executable} -c \"{code}\" {ROOT / 'cases'} | head -c 1",
                          shell=True,
                          capture_output=True, text=True, check=False)
    assert done.stderr == ""


def test_test_command_passes_and_fails() -> None:
    ok = run("test", TWO, *RULES)
    assert ok.exit_code == 0 and "0 mismatch(es)" in ok.output
    bad = run("test", str(FIXTURES / "cases-mismatch"), *RULES)
    assert bad.exit_code == 1
    assert "case 'wrong-expectation': reading 'mini': point8: expected covered, got " \
           "indeterminate" in bad.output
    assert "unknown or undecided: capture.time" in bad.output


def test_explain_cites_sources_with_title_date_and_reliability() -> None:
    result = run("explain", TWO, "--case", "wartime-soldier", *RULES)
    assert result.exit_code == 0
    assert "1. mini.wartime: A capture before the ceasefire is a wartime capture." in result.output
    assert "[M1] Test source (2021), p. 2 [second-hand]" in result.output
    assert "status: prisoner_of_war  (by mini.wartime-serviceman)" in result.output


def test_explain_unknown_case_id_is_a_usage_error() -> None:
    result = run("explain", TWO, "--case", "nope", *RULES)
    assert result.exit_code == 2
    assert "no case 'nope'" in result.stderr


def test_unknown_reading_suggests() -> None:
    result = run("evaluate", TWO, "--reading", "mni", *RULES)
    assert result.exit_code == 2
    assert "unknown reading 'mni' (did you mean 'mini'?)" in result.stderr


def test_readings_lists_holder_and_marks_second_hand() -> None:
    result = run("readings", *RULES)
    assert "held by: Test holder" in result.output
    assert "M1  Test source (2021) [second-hand]" in result.output


def test_validate_reports_every_problem() -> None:
    result = run("validate", str(FIXTURES / "cases-bad"), str(FIXTURES / "rules"))
    assert result.exit_code == 2
    assert "bad.yaml:3:42" in result.stderr
    good = run("validate", TWO, *RULES)
    assert good.exit_code == 0 and "no problems" in good.output


def test_schema_is_json_schema() -> None:
    schema = json.loads(run("schema").output)
    assert "detaining_party" in schema["$defs"]["CaseRecord"]["properties"]


def test_missing_file_is_a_clean_error() -> None:
    result = run("evaluate", "no/such/file.yaml", *RULES)
    assert result.exit_code == 2
    assert "Traceback" not in result.output + result.stderr


@pytest.mark.parametrize("engine", ["durable", "reference"])
def test_engine_choice_is_recorded(engine: EngineChoice) -> None:
    doc = json.loads(run("evaluate", TWO, *RULES, "--format", "json", "--engine", engine).stdout)
    # durable_rules where it is installed; the reference evaluator, saying why, on 3.13+.
    assert doc["engine"] == engine_to_use(engine)
    outcome = doc["results"][0]["readings"]["mini"]
    assert outcome["engine"] == engine_to_use(engine)
    assert (outcome["engine_note"] is None) is (engine_to_use(engine) == engine)


def test_explain_json_is_one_document_and_jsonl_one_case_per_line() -> None:
    many = run("explain", TWO, *RULES, "--format", "json")
    assert many.exit_code == 0, many.output
    doc = json.loads(many.stdout)
    assert [d["case_id"] for d in doc] == ["wartime-soldier", "straddle"]
    one = json.loads(run("explain", TWO, "--case", "straddle", *RULES, "--format", "json").stdout)
    assert one["case_id"] == "straddle"
    lines = run("explain", TWO, *RULES, "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line)["case_id"] for line in lines] == ["wartime-soldier", "straddle"]
    assert lines[0] == json.dumps(doc[0], separators=(",", ":"))
