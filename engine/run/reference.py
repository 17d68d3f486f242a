"""The reference evaluator: a deliberately plain forward-chaining loop over compiled rules.

It follows durable_rules' agenda (after every firing, fire the first rule in definition order
whose condition now holds and which has not fired yet), so its firing order can be compared with
the durable_rules adapter step by step. It is the oracle the property tests hold the adapter to.
"""

from __future__ import annotations

import heapq

from engine.base.errors import EvaluationError
from engine.cases.facts import Facts
from engine.readings.model import Reading
from engine.run.logic import all_true

#: Same cap as the durable adapter: a reading that fires more than this is a bug, not a case.
MAX_FIRINGS = 10_000


def fire_reference(reading: Reading, facts: Facts) -> list[str]:
    """Return the ids of the rules that fire on ``facts``, in firing order.

    Tests on case facts do not change while rules fire; only derived facts arrive. So each rule
    waits for its missing derived facts, and a heap of ready rules by definition order gives the
    same agenda as rescanning every rule after each firing, without its quadratic cost on long
    derivation chains.
    """
    rules = reading.rules
    missing: list[set[str]] = []
    waiting: dict[str, list[int]] = {}
    ready: list[int] = []
    for i, rule in enumerate(rules):
        if not all_true(rule.tests, facts):
            missing.append(set())
            continue
        missing.append(set(rule.needs))
        for name in missing[i]:
            waiting.setdefault(name, []).append(i)
        if not missing[i]:
            ready.append(i)
    heapq.heapify(ready)
    fired: list[str] = []
    derived: set[str] = set()
    while ready:
        if len(fired) >= MAX_FIRINGS:
            raise EvaluationError(f"reading '{reading.id}': more than {MAX_FIRINGS} firings")
        rule = rules[heapq.heappop(ready)]
        fired.append(rule.id)
        for name in rule.derives:
            if name in derived:
                continue
            derived.add(name)
            for j in waiting.pop(name, ()):
                missing[j].discard(name)
                if not missing[j]:
                    heapq.heappush(ready, j)
    return fired
