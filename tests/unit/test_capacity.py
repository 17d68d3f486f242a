"""durable_rules' fixed C tables: readings over them never reach the C code (issue 9, item 1).

Every run that could crash, hang or corrupt the process is in a subprocess with a timeout.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from engine.base.errors import BackendError
from engine.readings import _capacity
from engine.readings.load import ReadingSet, load_readings
from engine.run import _durable
from engine.run.evaluate import evaluate_case
from tests.capacity_shapes import CASES, write_reading
from tests.conftest import FIXTURES, ROOT, make_case, needs_durable

# The shapes of issue 9: each crashed, hung or was refused by durable_rules before.
FAILING = {"instants-64": ("instants", 64), "instants-65": ("instants", 65),
           "instants-512": ("instants", 512), "instants-4096": ("instants", 4096),
           "shared-260": ("shared", 260), "derived-300": ("derived", 300)}


def _cli(*args: str, timeout: int = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "engine.interfaces.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout, check=False)


def _without_engine(report: dict[str, Any]) -> list[Any]:
    return [{rid: {k: v for k, v in o.items() if k not in {"engine", "engine_note"}}
             for rid, o in r["readings"].items()} for r in report["results"]]


@needs_durable
def test_failing_shapes_run_on_the_reference_evaluator_with_a_note(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    for rid, (shape, n) in FAILING.items():
        write_reading(rules, rid, shape, n)
    (tmp_path / "cases.yaml").write_text(CASES, encoding="utf-8")
    args = ["evaluate", str(tmp_path / "cases.yaml"), "--rules", str(rules), "--format", "json"]
    with ThreadPoolExecutor(max_workers=2) as pool:  # two processes: each mostly parses YAML
        durable, reference = pool.map(lambda extra: _cli(*args, *extra),
                                      [(), ("--engine", "reference")])
    assert durable.returncode == 0, durable.stderr[-2000:]
    assert reference.returncode == 0, reference.stderr[-2000:]
    got, want = json.loads(durable.stdout), json.loads(reference.stdout)
    assert _without_engine(got) == _without_engine(want)
    limits = {"instants-64": "MAX_STACK_SIZE", "instants-65": "MAX_STACK_SIZE",
              "instants-512": "MAX_STACK_SIZE", "instants-4096": "MAX_ACTIONS",
              "shared-260": "BETA_LIST_LENGTH", "derived-300": "BETA_LIST_LENGTH"}
    for result in got["results"]:
        for rid, outcome in result["readings"].items():
            assert outcome["engine"] == "reference"
            assert limits[rid] in outcome["engine_note"]
    warnings = [line for line in durable.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == len(FAILING), durable.stderr
    for rid, constant in limits.items():
        assert any(f"'{rid}'" in w and constant in w for w in warnings), (rid, warnings)
    # Some rules fire, so the comparison above compares answers and traces, not empty outcomes.
    assert any(o["trace"] for r in got["results"] for o in r["readings"].values())


@needs_durable
def test_explain_shows_the_note(tmp_path: Path) -> None:
    write_reading(tmp_path / "rules", "big", "shared", 260)
    (tmp_path / "cases.yaml").write_text(CASES, encoding="utf-8")
    done = _cli("explain", str(tmp_path / "cases.yaml"), "--case", "early", "--rules",
                str(tmp_path / "rules"), timeout=120)
    assert done.returncode == 0, done.stderr
    assert "engine: reference (durable_rules limit exceeded: 260 rules sharing" in done.stdout
    assert done.stderr.count("warning: reading 'big' ran on the reference evaluator") == 1


def test_limits_are_counted_at_load_and_bundled_readings_fit(bundled: ReadingSet,
                                                             tmp_path: Path) -> None:
    assert bundled.over_limit() == {}
    for program in bundled.programs.values():
        for limit in _capacity.LIMITS:
            assert 0 < program.usage[limit.key] <= limit.allowed, (program.reading, limit.key)
    write_reading(tmp_path, "fits", "shared", 200)
    write_reading(tmp_path, "over", "shared", 225)
    rs = load_readings(tmp_path)
    assert rs.programs["fits"].usage["shared"] == 200
    assert rs.programs["over"].usage["shared"] == 225
    assert list(rs.over_limit()) == ["over"]


def test_translation_emits_no_regex_for_closed_vocabularies(bundled: ReadingSet) -> None:
    # durable_rules never frees a ruleset's regex machines: reloads would leak without this.
    for program in bundled.programs.values():
        assert "$mt" not in program.ruleset_json, program.reading


@needs_durable
def test_a_program_over_a_limit_never_reaches_durable_rules(tmp_path: Path) -> None:
    write_reading(tmp_path, "big", "instants", 64)
    rs = load_readings(tmp_path)
    before = _durable.registered()
    from engine.cases.facts import case_facts
    facts = case_facts(make_case(), rs.common.default_offset)
    with pytest.raises(BackendError, match="MAX_STACK_SIZE"):
        _durable.fire_durable(rs.programs["big"], facts, rs)
    assert _durable.registered() == before
    outcome = evaluate_case(make_case(), rs).readings["big"]
    assert outcome.engine == "reference" and "MAX_STACK_SIZE" in (outcome.engine_note or "")


# Raw rulesets in the translation's style, at each limit's verified `hard` size (must work on
# durable_rules, and be counted exactly so by the model) and one past it (must fail with the
# C error named). A full 512-slot table hangs instead of failing, so "branches" is only run at
# its size; the hang was checked by hand (a timeout, not an error).
_RAW = textwrap.dedent("""
    import json, sys
    import durable_rules_engine as dre
    from engine.readings import _capacity
    G = {"$nex": {"$s": 1}}
    shape, n = sys.argv[1], int(sys.argv[2])
    rules, case, derived = {}, {"t": "case", "id": "case", "sid": "w0"}, []
    def pat(*terms):
        return {"c": {"$and": [{"t": "case"}, *terms, G]}}
    if shape == "rules":
        for i in range(n - 1):
            rules[f"r{i}"] = {"all": [pat({"f": f"v{i // 64}"}, {"g": f"w{i % 64}"})]}
        case.update(f="v0", g="w0")
    elif shape == "matches":
        for i in range(n - 1):
            rules[f"r{i}"] = {"all": [pat({"$lte": {"x": 1000 + i}})]}
        case["x"] = 1
    elif shape == "branches":
        for i in range(n):
            rules[f"r{i}"] = {"all": [pat({"f": f"v{i}"})]}
        case["f"] = "v0"
    elif shape == "absence":  # the catch-all's "$s" guard is one more absence test
        for i in range(n - 1):
            rules[f"r{i}"] = {"all": [{"c": {"$and": [{"t": "case"}, {"$nex": {f"g{i}": 1}}]}}]}
            case[f"g{i}"] = 1
    elif shape == "shared":
        for i in range(n):
            rules[f"r{i}"] = {"all": [pat({"f": "v"})]}
        case["f"] = "v"
    elif shape == "facts":
        derived = [f"n{i}" for i in range(n - 1)]
        rules["r"] = {"all": [pat(), *({f"d{i}": {"$and": [{"t": "derived"}, {"name": d}, G]}}
                                       for i, d in enumerate(derived))]}
    elif shape == "expressions":
        k = (n - 2) // 2
        rules["r"] = {"all": [pat(*({"$and": [{"$ex": {f"h{i}": 1}}, {"$neq": {f"h{i}": 0}}]}
                                    for i in range(k)))]}
        case.update({f"h{i}": 1 for i in range(k)})
    rules["__start__"] = {"all": [pat()], "pri": 65535}
    print("counted", _capacity.usage(rules).used[shape], flush=True)
    h = dre.create_ruleset("x", json.dumps(rules))
    code, state = dre.assert_fact(h, json.dumps(case))
    frames = dre.start_action_for_state(h, state)[1]
    while frames:
        if "__start__" in json.loads(frames):
            for d in derived:
                dre.assert_fact(h, json.dumps({"t": "derived", "id": d, "name": d, "sid": "w0"}))
        frames = dre.complete_and_start_action(h, state)
    dre.delete_state(h, "w0")
    print("ok")
""")
# Past "shared" and "absence" (0-terminated lists with no room kept for the terminator),
# durable_rules reads and writes past the list: refused (108, 107), a crash, or a silent write
# into the next table, depending on the memory beside it (all three were seen), so only their
# size itself is checked.
_ERRORS = {"rules": 106, "matches": 303, "facts": 304, "expressions": 113}


def _raw(shape: str, n: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _RAW, shape, str(n)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=False)


@needs_durable
@pytest.mark.parametrize("limit", _capacity.LIMITS, ids=lambda limit: limit.key)
def test_each_hard_limit_is_what_durable_rules_holds(limit: _capacity.Limit) -> None:
    at = _raw(limit.key, limit.hard)
    assert at.returncode == 0 and at.stdout.split() == ["counted", str(limit.hard), "ok"], (
        at.stdout + at.stderr[-1500:])
    assert limit.allowed < limit.hard
    if limit.key in _ERRORS:
        # Expression entries come in pairs.
        over = limit.hard + (2 if limit.key == "expressions" else 1)
        past = _raw(limit.key, over)
        assert f"error code: {_ERRORS[limit.key]}" in past.stderr, past.stdout + past.stderr
        assert f"counted {over}" in past.stdout


def test_mini_fixture_is_far_from_every_limit() -> None:
    program = load_readings(FIXTURES / "rules").programs["mini"]
    assert program.over_limit is None
    assert program.usage["matches"] < 10


@needs_durable
def test_a_failing_assert_retires_the_ruleset_without_touching_the_session(
        tmp_path: Path) -> None:
    # Should the count ever miss a limit: durable_rules fails assert_fact (303) half-way through
    # making the session; deleting that session would free uninitialised pointers (the crash of
    # issue 9). The driver must report the error, retire the ruleset and never delete the session.
    write_reading(tmp_path, "big", "instants", 64)
    script = textwrap.dedent(f"""
        import dataclasses
        from engine.base.errors import BackendError
        from engine.cases.facts import case_facts
        from engine.readings.load import load_readings
        from engine.run import _durable
        from tests.conftest import make_case
        rs = load_readings({str(tmp_path)!r})
        forged = dataclasses.replace(rs.programs["big"], over_limit=None)
        facts = case_facts(make_case(capture={{"time": "2019-06-01"}}), rs.common.default_offset)
        for _ in range(3):
            try:
                _durable.fire_durable(forged, facts, rs)
            except BackendError as exc:
                print(str(exc))
        rs.close()
        print("alive")
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert "error code: 303" in lines[0]
    assert all("retired after an earlier failure" in line for line in lines[1:3]), lines
    assert lines[3] == "alive"


def test_the_model_shares_what_find_alpha_shares() -> None:
    guard = {"$nex": {"$s": 1}}

    def rule(*terms: dict[str, Any]) -> dict[str, Any]:
        return {"all": [{"c": {"$and": [{"t": "case"}, *terms, guard]}}]}

    same = {f"r{i}": rule({"$lte": {"x": 5}}) for i in range(3)}
    assert _capacity.usage(same).used["branches"] == 1
    assert _capacity.usage(same).used["shared"] == 3
    # Regex and array tests are never shared by durable_rules: one node per rule.
    regex = {f"r{i}": rule({"$mt": {"x": "a|b"}}) for i in range(3)}
    assert _capacity.usage(regex).used["branches"] == 3
    array = {f"r{i}": rule({"$iany": {"x": {"$neq": {"$i": "a"}}}}) for i in range(3)}
    assert _capacity.usage(array).used["branches"] == 3
    # Equality tests of one field with different values: at most one can match a fact.
    eq = {f"r{i}": rule({"x": f"v{i}"}) for i in range(60)}
    assert _capacity.usage(eq).used["matches"] == 1
    lte = {f"r{i}": rule({"$lte": {"x": i}}) for i in range(60)}
    assert _capacity.usage(lte).used["matches"] == 60
