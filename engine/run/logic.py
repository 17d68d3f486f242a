"""Three-valued evaluation of compiled tests on facts: True, False, or None (undecided).

Both evaluators fire a rule only when every test is True; the resolver uses False to know that a
rule can never fire on this case, and None to list the facts that keep an answer open.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.cases.facts import Facts
from engine.cases.timeval import Interval
from engine.readings.model import Test


def holds(test: Test, facts: Facts) -> bool | None:
    """Evaluate ``test``: True, False, or None when its fact is unknown or straddles the instant."""
    value = facts.get(test.path)
    if value is None:
        return None
    if test.op in {"before", "after"}:
        assert isinstance(value, Interval) and test.instant is not None
        side = value.compare(test.instant)
        return None if side == "undecided" else side == test.op
    if test.op in {"any_of", "only"}:
        assert isinstance(value, frozenset)
        if test.op == "any_of":
            return bool(value & set(test.operand))
        return bool(value) and value <= set(test.operand)
    if test.op == "not_in":
        return value not in test.operand
    return value in test.operand


def all_true(tests: Iterable[Test], facts: Facts) -> bool:
    """Whether every test holds (a loop, not ``all()`` over a generator: verification asks
    this millions of times)."""
    for test in tests:  # noqa: SIM110 - a loop: no generator per call
        if holds(test, facts) is not True:
            return False
    return True


def any_false(tests: Iterable[Test], facts: Facts) -> bool:
    """Whether some test is false (not merely undecided)."""
    for test in tests:  # noqa: SIM110 - a loop: no generator per call
        if holds(test, facts) is False:
            return True
    return False
