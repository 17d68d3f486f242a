"""Reloading readings in a long-lived host: no ruleset leak, no sharing between programs (issue 9,
item 5). The long runs are in subprocesses, so their memory is measured alone."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from engine.cases.facts import case_facts
from engine.readings.load import ReadingSet, load_readings
from engine.readings.to_durable import fnv1_32, translate
from engine.run import _durable
from engine.run.evaluate import evaluate_case
from engine.run.reference import fire_reference
from tests.conftest import FIXTURES, ROOT, make_case, needs_durable

pytestmark = needs_durable

# Each reload edits the mini reading's "wartime" rule to a new instant (hours apart, never the
# same twice), so every reload is a program durable_rules has not seen; the instants fall on both
# sides of the case's capture, so a ruleset shared by mistake would give wrong answers.
_RELOADS = textwrap.dedent("""
    import dataclasses, gc, sys
    from engine.cases.facts import case_facts
    from engine.readings.load import ReadingSet, load_readings
    from engine.readings.to_durable import translate
    from engine.run import _durable
    from engine.run.evaluate import evaluate_case
    from engine.run.reference import fire_reference
    from tests.conftest import FIXTURES, make_case

    def rss_mb():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * 4096 / 1e6

    n, disk = int(sys.argv[1]), int(sys.argv[2])
    case = make_case(capture={"time": "2020-10-20"})
    base = load_readings(FIXTURES / "rules")
    facts = case_facts(case, base.common.default_offset)
    reading = base.readings["mini"]
    first = reading.rules[0]
    capture = facts["capture.time"].lo
    wrong = 0
    for i in range(n):
        if i < disk:  # the full path, from the file, for the first reloads
            rs = load_readings(FIXTURES / "rules")
        else:
            instant = capture + (i - n // 2) * 3600
            test = dataclasses.replace(first.tests[0], instant=instant)
            rule = dataclasses.replace(first, tests=(test,))
            rules = (rule, *reading.rules[1:])
            edited = dataclasses.replace(reading, rules=rules, by_id={r.id: r for r in rules})
            rs = ReadingSet(base.common, {"mini": edited}, {"mini": translate(edited)},
                            base.directory)
        fired = [s.rule for s in evaluate_case(case, rs).readings["mini"].trace]
        wrong += fired != [f"mini.{r}" for r in fire_reference(rs.readings["mini"], facts)]
        if i % 2:
            rs.close()
        del rs  # the others are released when collected
        if i == 299:
            gc.collect()
            start = rss_mb()
    gc.collect()
    print(wrong, _durable.registered(), round(rss_mb() - start, 1))
""")


def test_thousands_of_edited_reloads_hold_memory_flat() -> None:
    done = subprocess.run([sys.executable, "-c", _RELOADS, "3000", "100"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    wrong, registered, growth = done.stdout.split()
    assert wrong == "0"  # every edited program ran on its own ruleset
    assert int(registered) <= 1  # the base set's ruleset at most; every reload's was deleted
    assert float(growth) < 30, f"RSS grew {growth} MB over 2,700 reloads"


def test_an_unchanged_reading_shares_one_ruleset_until_every_holder_closes(tmp_path: Path) -> None:
    # A reading no other test has registered: the mini one with its own ceasefire instant.
    for name in ("common.yaml", "mini.yaml"):
        shutil.copy(FIXTURES / "rules" / name, tmp_path / name)
    common = tmp_path / "common.yaml"
    common.write_text(common.read_text().replace("21:00:00Z", "21:00:07Z"))
    before = _durable.registered()
    with load_readings(tmp_path) as one, load_readings(tmp_path) as two:
        assert one.programs["mini"].key == two.programs["mini"].key
        evaluate_case(make_case(), one)
        evaluate_case(make_case(), two)
        assert _durable.registered() == before + 1
        one.close()
        assert _durable.registered() == before + 1
        evaluate_case(make_case(), one)  # a closed set registers again on demand
        one.close()
    assert _durable.registered() == before


def test_equal_keys_with_different_content_never_share_a_ruleset(mini: ReadingSet) -> None:
    program = mini.programs["mini"]
    other = load_readings(FIXTURES / "rules").readings["mini"]
    # A program whose "wartime" rule has another instant, forged to carry the same key.
    rule = other.rules[0]
    moved = dataclasses.replace(rule, tests=(dataclasses.replace(rule.tests[0], instant=0),))
    rules = (moved, *other.rules[1:])
    edited = dataclasses.replace(other, rules=rules, by_id={r.id: r for r in rules})
    forged = dataclasses.replace(translate(edited), key=program.key, name=program.name)
    facts = case_facts(make_case(), mini.common.default_offset)
    owner = load_readings(FIXTURES / "rules")
    try:
        assert _durable.fire_durable(program, facts, owner) == fire_reference(
            mini.readings["mini"], facts)
        assert _durable.fire_durable(forged, facts, owner) == fire_reference(edited, facts)
        assert _durable.fire_durable(program, facts, owner) != _durable.fire_durable(
            forged, facts, owner)
    finally:
        _durable.release_owner(owner)


def test_ruleset_names_that_hash_alike_are_renamed(mini: ReadingSet) -> None:
    # A known FNV-1a collision: both programs register, under names that no longer collide.
    program = mini.programs["mini"]
    a = dataclasses.replace(program, key="collide-a", name="field_1079599")
    b = dataclasses.replace(program, key="collide-b", name="field_1262382")
    assert fnv1_32(a.name) == fnv1_32(b.name)
    facts = case_facts(make_case(), mini.common.default_offset)
    owner = load_readings(FIXTURES / "rules")
    try:
        assert _durable.fire_durable(a, facts, owner) == _durable.fire_durable(b, facts, owner)
        names = _durable.registered_names()
        assert "field_1079599" in names and "field_1262382#2" in names
    finally:
        _durable.release_owner(owner)
