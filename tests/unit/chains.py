"""Generated readings with long override and derivation chains (issue 9), and cases to run on them.

Shared by the chain tests and ``benchmarks/bench_chains.py``. Every rule cites one source; the
bundled ``common.yaml`` serves, since a folder may leave it out.
"""

from __future__ import annotations

from pathlib import Path

HEAD = """reading: {id}
title: Generated chain
held_by: {{name: Test holder, party: AZ}}
summary: A generated reading with a long chain of rules.
sources:
  - {{id: G1, title: Generated source, url: null, date: "2021", reliability: first_hand}}
"""
#: One case per affiliation the chains tell apart: all fire, part fire, nothing can be decided.
CASES = """- id: soldier
  detaining_party: AZ
  detainee: {nationality: AM, affiliation: armed_forces, side: AM}
  capture: {time: "2020-10-20", circumstances: combat}
- id: civilian
  detaining_party: AZ
  detainee: {nationality: AM, affiliation: civilian, side: AM}
  capture: {time: "2020-10-20", circumstances: combat}
- id: unknown
  detaining_party: AZ
  detainee: {nationality: AM, affiliation: unknown, side: AM}
  capture: {time: "2020-10-20", circumstances: combat}
"""


def _rule(rid: str, when: str, then: str, overrides: str = "") -> str:
    return (f"  - id: {rid}\n    says: Generated.\n    when: {when}\n    then: {then}\n"
            f"{overrides}    cites: [{{source: G1, pin: p. 1}}]\n")


def override_chain(n: int) -> str:
    """Rule ``r<i>`` overrides ``r<i-1>`` and answers point8 ``covered`` when i is even.

    Every rule fires on a soldier, all but the last on a civilian; an unfired overrider leaves
    the rule below undefeated, so the soldier gets the last rule's answer and the civilian the
    one before it's.
    """
    rules = []
    for i in range(n):
        when = ("{detainee.affiliation: armed_forces}" if i == n - 1
                else "{detainee.affiliation: {in: [armed_forces, civilian]}}")
        then = "{point8: %s}" % ("covered" if i % 2 == 0 else "not_covered")
        rules.append(_rule(f"r{i}", when, then, f"    overrides: [r{i - 1}]\n" if i else ""))
    return HEAD.format(id=f"over{n}") + "rules:\n" + "".join(rules)


def derivation_chain(n: int, *, reverse: bool = False) -> str:
    """Rule ``r0`` derives ``d1`` for a soldier, ``r<i>`` derives ``d<i+1>`` from ``d<i>``, and
    the last rule answers point8 ``covered`` from ``d<n-1>``; ``reverse`` writes them last first
    (the reference evaluator's agenda then meets the chain in the worst order)."""
    rules = [_rule("r0", "{detainee.affiliation: armed_forces}", "{derive: [d1]}")]
    rules += [_rule(f"r{i}", f"{{derived.d{i}: true}}", f"{{derive: [d{i + 1}]}}")
              for i in range(1, n - 1)]
    rules.append(_rule(f"r{n - 1}", f"{{derived.d{n - 1}: true}}", "{point8: covered}"))
    derived = "".join(f"  d{i}: Generated link {i}.\n" for i in range(1, n))
    name = f"derive{n}{'r' if reverse else ''}"
    return (HEAD.format(id=name) + "derived:\n" + derived + "rules:\n"
            + "".join(reversed(rules) if reverse else rules))


def write(folder: Path, text: str) -> Path:
    """Write a generated reading into ``folder`` under its own id; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    rid = text.split("\n", 1)[0].split(": ", 1)[1]
    (folder / f"{rid}.yaml").write_text(text, encoding="utf-8")
    return folder
