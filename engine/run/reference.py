"""The reference evaluator: a deliberately plain forward-chaining loop over compiled rules.

It follows durable_rules' agenda (after every firing, fire the first rule in definition order
whose condition now holds and which has not fired yet), so its firing order can be compared with
the durable_rules adapter step by step. It is the oracle the property tests hold the adapter to.
"""

from __future__ import annotations

from engine.base.errors import EvaluationError
from engine.cases.facts import Facts
from engine.readings.model import Reading
from engine.run.logic import holds

#: Same cap as the durable adapter: a reading that fires more than this is a bug, not a case.
MAX_FIRINGS = 10_000


def fire_reference(reading: Reading, facts: Facts) -> list[str]:
    """Return the ids of the rules that fire on ``facts``, in firing order."""
    fired: list[str] = []
    done: set[str] = set()
    derived: set[str] = set()
    while len(fired) < MAX_FIRINGS:
        for rule in reading.rules:
            if rule.id in done:
                continue
            if all(n in derived for n in rule.needs) and all(
                    holds(t, facts) is True for t in rule.tests):
                fired.append(rule.id)
                done.add(rule.id)
                derived.update(rule.derives)
                break
        else:
            return fired
    raise EvaluationError(f"reading '{reading.id}': more than {MAX_FIRINGS} firings")
