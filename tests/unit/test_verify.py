"""`legal-status check`: exhaustive verification and declared invariants, on a broken reading
(every defect found, with an example that reproduces it) and on the bundled readings (pass)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.analysis.proofs import prove_invariants
from engine.analysis.verify import Finding, verify
from engine.base.errors import EvaluationError
from engine.cases.load import load_case_dict
from engine.interfaces.cli import main
from engine.readings.load import ReadingSet, load_readings
from engine.run.evaluate import evaluate_case
from engine.testing.invariants import check_invariants
from tests.conftest import FIXTURES

BROKEN = FIXTURES / "broken"


@pytest.fixture(scope="module")
def broken() -> ReadingSet:
    return load_readings(BROKEN, allow_conflicts=True)


def _findings(rs: ReadingSet, kind: str) -> list[Finding]:
    return [f for f in verify(rs.readings["broken"]).findings if f.kind == kind]


def test_compiler_still_rejects_the_conflict_outside_check() -> None:
    with pytest.raises(Exception, match="can fire on the same case"):
        load_readings(BROKEN)


def test_conflict_is_found_with_a_reproducing_example(broken: ReadingSet) -> None:
    (conflict,) = _findings(broken, "conflict")
    assert "civilians-covered" in conflict.message and "late-not-covered" in conflict.message
    with pytest.raises(EvaluationError):
        evaluate_case(load_case_dict(conflict.example), broken)


def test_every_gap_example_is_really_not_addressed(broken: ReadingSet) -> None:
    gaps = _findings(broken, "gap")
    assert {g.question for g in gaps} == {"status", "point8"}
    for gap in gaps:
        out = evaluate_case(load_case_dict(gap.example), broken).readings["broken"]
        assert gap.question is not None
        assert getattr(out, gap.question) == "not_addressed", gap.message


def test_declared_gaps_are_reported_but_do_not_fail(broken: ReadingSet) -> None:
    intended = _findings(broken, "intended_gap")
    assert intended and all("detainee.adverse=false" in f.message for f in intended)


def test_dead_and_always_overridden_rules(broken: ReadingSet) -> None:
    assert [f.rules for f in _findings(broken, "dead_rule")] == [("never-fires",)]
    (shadowed,) = _findings(broken, "always_overridden")
    assert shadowed.rules == ("shadowed",)
    out = evaluate_case(load_case_dict(shadowed.example), broken).readings["broken"]
    assert out.overridden == ("broken.shadowed",)


def test_combinations_are_counted_exhaustively(broken: ReadingSet) -> None:
    # 9 party combinations x 4 affiliations (armed_forces, civilian, one value standing for the
    # three no test tells apart, unknown) x 4 capture times (unknown, before, after, straddling
    # the one instant) = 144.
    assert verify(broken.readings["broken"]).combinations == 144


def test_violated_invariant_has_a_shrunk_counterexample(broken: ReadingSet) -> None:
    results = {r.invariant: r for r in check_invariants(broken, broken.readings["broken"],
                                                         examples=100)}
    assert results["pow-implies-covered"].ok
    bad = results["status-ignores-time"]
    assert not bad.ok and len(bad.cases) == 2
    first, second = (evaluate_case(load_case_dict(c), broken).readings["broken"].status
                     for c in bad.cases)
    assert first != second
    assert bad.cases[0]["detainee"]["affiliation"] == "armed_forces"


def test_invariant_search_is_reproducible(broken: ReadingSet) -> None:
    runs = [check_invariants(broken, broken.readings["broken"], examples=50, seed=7)
            for _ in range(2)]
    assert runs[0] == runs[1]


def test_bundled_readings_pass_check() -> None:
    result = CliRunner().invoke(main, ["check", "--examples", "60"])
    assert result.exit_code == 0, result.output
    assert "check: passed (4 reading(s)" in result.output
    for rid in ("armenia", "azerbaijan", "russia", "ihl"):
        assert f"{rid}: ok:" in result.output


def test_check_fails_on_the_broken_reading() -> None:
    result = CliRunner().invoke(main, ["check", "--rules", str(BROKEN), "--examples", "60"])
    assert result.exit_code == 1
    for word in ("CONFLICT", "GAP", "DEAD RULE", "ALWAYS OVERRIDDEN",
                 "INVARIANT status-ignores-time VIOLATED", "example case:"):
        assert word in result.output


def test_invariants_are_proved_exhaustively(broken: ReadingSet) -> None:
    (finding,) = prove_invariants(broken.readings["broken"])
    assert finding.kind == "invariant" and "status-ignores-time" in finding.message
    assert "when capture.time" in finding.message
    example = evaluate_case(load_case_dict(finding.example), broken).readings["broken"]
    assert example.status in {"prisoner_of_war", "criminal_detainee", "indeterminate"}


def test_a_vacuous_invariant_fails(tmp_path: Path) -> None:
    text = (FIXTURES / "rules" / "mini.yaml").read_text()
    text += """invariants:
  - id: impossible
    says: Speaks of no case at all.
    when: {capture.time: [{before: ceasefire}, {after: ceasefire}]}
    never: {status: prisoner_of_war}
"""
    (tmp_path / "mini.yaml").write_text(text)
    (tmp_path / "common.yaml").write_text((FIXTURES / "rules" / "common.yaml").read_text())
    (finding,) = prove_invariants(load_readings(tmp_path).readings["mini"])
    assert "vacuous" in finding.message


def test_bundled_invariants_are_proved(bundled: ReadingSet) -> None:
    for reading in bundled.readings.values():
        assert reading.invariants, reading.id
        assert prove_invariants(reading) == [], reading.id


def test_check_without_hypothesis_still_proves(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    # As if hypothesis were absent.
    monkeypatch.setitem(sys.modules, "engine.testing.invariants", None)
    result = CliRunner(env={"COLUMNS": "200"}).invoke(main, ["check", "--rules",
                                                           str(FIXTURES.parent.parent /
                                                                "examples" / "own-reading" /
                                                                "rules")])
    assert result.exit_code == 0, result.output
    assert "2/2 invariant(s) proved over every combination" in result.stdout
    assert "not also searched on generated cases" in result.stderr
    assert "not searched)" in result.stdout
