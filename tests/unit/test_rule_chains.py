"""Long rule chains (issue 9): no recursion limit in the compiler, the resolver or the evaluators.

The big chains run through the command line in a subprocess, so that a crash (a recursion that
exhausts the C stack) would fail the test instead of killing the test run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from engine.base.errors import RuleFileError
from engine.readings.load import load_readings
from tests.conftest import ROOT, needs_durable
from tests.unit.chains import CASES, HEAD, derivation_chain, override_chain, write


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    code = "import sys; from engine.interfaces.cli import main; main(sys.argv[1:])"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, check=False)


def answers(folder: Path, tmp: Path, engine: str, *, validate: bool = True,
            ) -> dict[str, dict[str, Any]]:
    """Validate the folder and the cases, then evaluate them; outcome by case id."""
    cases = tmp / "cases.yaml"
    cases.write_text(CASES, encoding="utf-8")
    if validate:
        checked = cli("validate", "--rules", str(folder), str(cases))
        assert checked.returncode == 0, checked.stderr
        assert "no problems" in checked.stdout
    done = cli("evaluate", "--engine", engine, "--rules", str(folder), str(cases),
               "--format", "json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["errors"] == []
    return {r["case_id"]: next(iter(r["readings"].values())) for r in doc["results"]}


def check_override_chain(out: dict[str, dict[str, Any]], n: int) -> None:
    top = n - 1  # fires on soldiers only; below it, every other rule is defeated
    soldier, civilian, unknown = out["soldier"], out["civilian"], out["unknown"]
    assert soldier["point8"] == ("covered" if top % 2 == 0 else "not_covered")
    assert len(soldier["trace"]) == n
    assert len(soldier["overridden"]) == n // 2
    assert soldier["decisions"]["point8"]["by"][-1].endswith(f".r{top}")
    assert civilian["point8"] == ("covered" if (top - 1) % 2 == 0 else "not_covered")
    assert len(civilian["trace"]) == n - 1
    assert civilian["decisions"]["point8"]["by"][-1].endswith(f".r{top - 1}")
    assert (unknown["point8"], unknown["unknown"]) == ("indeterminate", ["detainee.affiliation"])


def check_derivation_chain(out: dict[str, dict[str, Any]], n: int) -> None:
    soldier = out["soldier"]
    assert soldier["point8"] == "covered" and len(soldier["trace"]) == n
    assert soldier["trace"][0]["rule"].endswith(".r0")
    assert soldier["decisions"]["point8"]["by"][0].endswith(f".r{n - 1}")
    assert out["civilian"]["point8"] == "not_addressed" and out["civilian"]["trace"] == []
    assert (out["unknown"]["point8"], out["unknown"]["unknown"]) == (
        "indeterminate", ["detainee.affiliation"])


def test_an_override_chain_of_1000_rules(tmp_path: Path) -> None:
    folder = write(tmp_path / "rules", override_chain(1000))
    check_override_chain(answers(folder, tmp_path, "reference"), 1000)


@pytest.mark.parametrize(("n", "reverse"), [(200, False), (2000, True)])
def test_a_derivation_chain(tmp_path: Path, n: int, reverse: bool) -> None:
    folder = write(tmp_path / "rules", derivation_chain(n, reverse=reverse))
    # The 2,000-rule file takes seconds to parse: evaluating it loads and checks it too.
    check_derivation_chain(answers(folder, tmp_path, "reference", validate=n < 1000), n)


@needs_durable
def test_chains_on_durable_rules(tmp_path: Path) -> None:
    # durable_rules' own capacity caps the sizes here (another change routes bigger readings to
    # the reference evaluator); the answers must be those of the reference evaluator.
    over = write(tmp_path / "over", override_chain(50))
    check_override_chain(answers(over, tmp_path, "durable"), 50)
    derive = write(tmp_path / "derive", derivation_chain(200, reverse=True))
    out = answers(derive, tmp_path, "durable")
    check_derivation_chain(out, 200)
    assert {k: v | {"engine": "reference"} for k, v in out.items()} == answers(
        derive, tmp_path, "reference")


def _cycle_problem(tmp_path: Path, text: str) -> str:
    with pytest.raises(RuleFileError) as info:
        load_readings(write(tmp_path, text))
    (problem,) = info.value.problems
    assert problem.span is not None and problem.span.line is not None
    return problem.message


def test_a_1000_rule_override_cycle_is_reported(tmp_path: Path) -> None:
    text = override_chain(1000).replace("    cites: [{source: G1, pin: p. 1}]\n",
                                        "    overrides: [r999]\n    cites: [{source: G1, "
                                        "pin: p. 1}]\n", 1)
    message = _cycle_problem(tmp_path, text)
    assert message.startswith("override cycle: r0 -> r999 -> r998") and message.endswith("r0")


def test_a_1000_rule_derivation_cycle_is_reported(tmp_path: Path) -> None:
    text = derivation_chain(1000).replace(
        "{detainee.affiliation: armed_forces}", "{derived.d999: true}").replace(
        "then: {point8: covered}", "then: {derive: [d1]}")
    # r0 now needs d999, derived by r998, which needs d998 ... down to r1, which needs d1 (r0's).
    message = _cycle_problem(tmp_path, text)
    assert message.startswith("derivation cycle: r0 -> r998 -> r997") and message.endswith("r0")


def doubling_chain(n: int) -> str:
    """Each link needs two facts, both derived by the link before: 2**n tests if unshared."""
    rules = ["  - id: r0\n    says: G.\n    when: {detainee.affiliation: armed_forces}\n"
             "    then: {derive: [a1, b1]}\n    cites: [{source: G1, pin: p. 1}]\n"]
    for i in range(1, n):
        then = "{point8: covered}" if i == n - 1 else f"{{derive: [a{i + 1}, b{i + 1}]}}"
        rules.append(f"  - id: r{i}\n    says: G.\n    when: {{derived.a{i}: true, "
                     f"derived.b{i}: true}}\n    then: {then}\n"
                     f"    cites: [{{source: G1, pin: p. 1}}]\n")
    rules.append("  - id: other\n    says: G.\n    when: {detainee.affiliation: civilian}\n"
                 "    then: {point8: not_covered}\n    cites: [{source: G1, pin: p. 1}]\n")
    derived = "".join(f"  {x}{i}: G.\n" for i in range(1, n) for x in "ab")
    return HEAD.format(id="doubling") + "derived:\n" + derived + "rules:\n" + "".join(rules)


def test_conflict_check_shares_tests_reached_twice(tmp_path: Path) -> None:
    started = time.perf_counter()
    readings = load_readings(write(tmp_path, doubling_chain(80)))
    assert time.perf_counter() - started < 20  # 2**80 tests if the expansion copied them
    assert len(readings.readings["doubling"].rules) == 81


def alternatives(n: int) -> str:
    """``n`` derived facts, each derivable two ways, all needed by one rule: 2**n alternatives."""
    rules, derived = [], ""
    for i in range(n):
        derived += f"  f{i}: G.\n"
        for j, kind in enumerate(("armed_forces", "volunteer")):
            rules.append(f"  - id: f{i}-{j}\n    says: G.\n    when: {{detainee.affiliation: "
                         f"{kind}}}\n    then: {{derive: [f{i}]}}\n"
                         f"    cites: [{{source: G1, pin: p. 1}}]\n")
    needs = ", ".join(f"derived.f{i}: true" for i in range(n))
    rules.append(f"  - id: all\n    says: G.\n    when: {{{needs}}}\n    then: {{point8: covered}}"
                 "\n    cites: [{source: G1, pin: p. 1}]\n")
    rules.append("  - id: other\n    says: G.\n    when: {detainee.affiliation: civilian}\n"
                 "    then: {point8: not_covered}\n    cites: [{source: G1, pin: p. 1}]\n")
    return HEAD.format(id="alternatives") + "derived:\n" + derived + "rules:\n" + "".join(rules)


def test_too_many_alternatives_is_a_located_problem_not_a_hang(tmp_path: Path) -> None:
    started = time.perf_counter()
    with pytest.raises(RuleFileError) as info:
        load_readings(write(tmp_path, alternatives(40)))
    assert time.perf_counter() - started < 20
    (problem,) = info.value.problems
    assert "rules 'all' and 'other' answer point8 differently" in problem.message
    assert "too complex to prove that they never fire on the same case" in problem.message
    assert problem.span is not None and problem.span.line is not None
