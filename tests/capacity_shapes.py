"""Generated reading files of the shapes that exceed durable_rules' fixed tables (issue 9).

Used by ``tests/unit/test_capacity.py`` and ``benchmarks/bench_capacity.py``; written to a
temporary folder, never committed (a 4,096-rule file is about 600 KB).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

_HEAD = """reading: {id}
title: A generated reading ({id})
held_by: {{name: Test holder, party: AZ}}
summary: Generated to test durable_rules' capacity limits.
sources:
  - {{id: G1, title: Generated, url: null, date: "2021", reliability: second_hand, note: test}}
flags:
  f: A flag.
  g: Another flag.
"""
_BASE = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)

#: Shapes: ``instants`` (each rule tests capture.time against its own instant), ``shared`` (every
#: rule has the same condition) and ``derived`` (every rule needs the one derived fact).
SHAPES = ("instants", "shared", "derived")


def instant(i: int) -> str:
    """The ``i``-th distinct instant of the ``instants`` shape: one hour apart from 2020-01-01."""
    return (_BASE + dt.timedelta(hours=i)).isoformat()


def _rule(rid: str, when: str, then: str) -> str:
    return (f"  - id: {rid}\n    says: Rule {rid}.\n    when: {when}\n    then: {then}\n"
            f"    cites: [{{source: G1, pin: p. 1}}]\n")


def reading_text(reading_id: str, shape: str, n: int) -> str:
    """A valid reading of ``n`` (at least 2) rules of ``shape`` (each rule raises a flag, so
    none conflict)."""
    out = _HEAD.format(id=reading_id)
    if shape == "derived":
        out += "derived:\n  x: Derived for every adverse detainee.\n"
    out += "rules:\n"
    if shape == "derived":
        out += _rule("source", "{detainee.adverse: true}", "{derive: [x], flags: [g]}")
    for i in range(n):
        then = "{flags: [f]}" if i % 2 else "{flags: [g]}"
        if shape == "instants":
            out += _rule(f"r{i}", f"{{capture.time: {{before: '{instant(i)}'}}}}", then)
        elif shape == "shared":
            out += _rule(f"r{i}", "{detainee.adverse: true}", then)
        else:
            out += _rule(f"r{i}", "{derived.x: true}", then)
    return out


def write_reading(folder: Path, reading_id: str, shape: str, n: int) -> Path:
    """Write ``<folder>/<reading_id>.yaml`` (see :func:`reading_text`); return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{reading_id}.yaml"
    path.write_text(reading_text(reading_id, shape, n), encoding="utf-8")
    return path


CASES = """# Captures at three times against the generated instants (2020-01-01 plus i hours).
- id: early
  detaining_party: AZ
  detainee: {nationality: AM, affiliation: armed_forces, side: AM}
  capture: {time: "2019-12-01", circumstances: combat}
- id: middle
  detaining_party: AZ
  detainee: {nationality: AM, affiliation: armed_forces, side: AM}
  capture: {time: "2020-01-02T05:30:00Z", circumstances: combat}
- id: own-side
  detaining_party: AM
  detainee: {nationality: AM, affiliation: civilian, side: AM}
  capture: {time: "2020-03-01", circumstances: at_home}
"""
