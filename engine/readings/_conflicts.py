"""Static conflict detection: could two rules fire on one case and answer differently?

Each rule's condition is expanded into a disjunction of conjunctions of base-fact tests (derived
facts are replaced by the conditions of the rules that derive them), and two rules conflict when
some pair of conjunctions is jointly satisfiable, they give different answers to one question, and
neither overrides the other (directly or through a chain of overrides). The satisfiability check is
exact over each fact's abstract domain, so a reported conflict has a witness case.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations, product

from engine.base.graphs import postorder
from engine.base.vocabulary import QUESTIONS, Question
from engine.cases.catalogue import FACTS, party_combinations
from engine.readings.model import Reading, Rule, Test

Conjunction = tuple[Test, ...]
#: Beyond this many conjunctions per rule the expansion stops, and a pair of differently answering
#: rules that involves it is reported as too complex to check: never missed, never hanging.
MAX_CONJUNCTIONS = 4096
#: Most pairs of conjunctions checked for one pair of rules, and for a whole reading: beyond them
#: a pair is reported as too complex to check (a located problem, never a hang).
MAX_PAIR_CHECKS = 100_000
MAX_CHECKS = 1_000_000


def _dnf(reading: Reading, rule: Rule,
         memo: dict[str, list[Conjunction] | None]) -> list[Conjunction] | None:
    """``rule``'s conjunctions, from its derivers' (already in ``memo``)."""
    options: list[list[Conjunction]] = []
    for name in rule.needs:
        alternatives: list[Conjunction] = []
        for deriver in reading.derived_by.get(name, ()):
            sub = memo[deriver]
            if sub is None:
                return None
            alternatives.extend(sub)
            if len(alternatives) > MAX_CONJUNCTIONS:
                return None
        options.append(alternatives)
    result: list[Conjunction] = []
    for combo in product(*options):
        # A test reached along several derivations is one test: without this, a chain where
        # each rule needs two facts derived by the one before doubles its length at every link.
        result.append(tuple(dict.fromkeys(
            rule.tests + tuple(t for conj in combo for t in conj))))
        if len(result) > MAX_CONJUNCTIONS:
            return None
    return result


def expand(reading: Reading) -> dict[str, list[Conjunction] | None]:
    """Each rule's condition as conjunctions of base tests (None when too large to expand).

    Rules are expanded derivers first (derivations are acyclic once compiled), with no recursion,
    so a chain of thousands of derivations expands like a short one.
    """
    memo: dict[str, list[Conjunction] | None] = {}

    def derivers(rid: str) -> tuple[str, ...]:
        rule = reading.rule(rid)
        return tuple(d for n in rule.needs for d in reading.derived_by.get(n, ()))

    for rid in postorder((r.id for r in reading.rules), derivers, memo):
        memo[rid] = _dnf(reading, reading.rule(rid), memo)
    return memo


def _party_ok(tests: list[Test], holder: str | None) -> bool:
    """Party facts and ``detainee.adverse`` are related, so they are solved together."""
    for values in party_combinations(holder, nationality=True):
        def holds(t: Test, values: dict[str, object] = values) -> bool:
            if t.path not in values:  # an unknown fact satisfies no test
                return False
            inside = values[t.path] in t.operand
            return inside if t.op in {"eq", "in"} else not inside

        if all(holds(t) for t in tests):
            return True
    return False


def satisfiable(conj: Iterable[Test], holder: str | None) -> bool:
    """Whether some complete case makes every test in ``conj`` true."""
    by_path: dict[str, list[Test]] = {}
    for t in conj:
        by_path.setdefault(t.path, []).append(t)
    party_tests: list[Test] = []
    for path, tests in by_path.items():
        kind = FACTS[path].kind
        if kind in {"party", "bool"}:
            party_tests.extend(tests)
        elif kind == "enum":
            allowed = set(FACTS[path].values)
            for t in tests:
                allowed = allowed & set(t.operand) if t.op in {"eq", "in"} else allowed - set(
                    t.operand)
            if not allowed:
                return False
        elif kind == "time":
            lo = max((t.instant for t in tests if t.op == "after" and t.instant is not None),
                     default=None)
            hi = min((t.instant for t in tests if t.op == "before" and t.instant is not None),
                     default=None)
            if lo is not None and hi is not None and lo >= hi:
                return False
        elif kind == "charges":
            universe = set(FACTS[path].values)
            for t in tests:
                if t.op == "only":
                    universe &= set(t.operand)
            if any(t.op == "only" for t in tests) and not universe:
                return False
            if any(not (set(t.operand) & universe) for t in tests if t.op == "any_of"):
                return False
    return _party_ok(party_tests, holder) if party_tests else True


def _overrides_closure(reading: Reading) -> dict[str, int]:
    """Each rule's overridden rules, directly or through a chain, as a bit set of rule indexes.

    Bit sets keep a chain of thousands of overrides quadratic in bits, not in set entries.
    """
    index = {r.id: r.index for r in reading.rules}
    closure: dict[str, int] = {}

    def targets(rid: str) -> tuple[str, ...]:
        return reading.rule(rid).overrides

    for rid in postorder((r.id for r in reading.rules), targets, closure):
        bits = 0
        for target in targets(rid):
            bits |= closure[target] | (1 << index[target])
        closure[rid] = bits
    return closure


@dataclass(frozen=True)
class Conflict:
    """Two rules that answer ``question`` differently, neither overriding the other, and that can
    fire on one case (``undecided``: whether they can was too costly to check)."""

    a: Rule
    b: Rule
    question: Question
    undecided: bool = False


def find_conflicts(reading: Reading) -> list[Conflict]:
    """Every pair of rules that can fire together and answer a question differently.

    The work is bounded: a pair whose conditions expand past :data:`MAX_CONJUNCTIONS`, or whose
    check would exceed :data:`MAX_PAIR_CHECKS`, or any pair once the reading has used
    :data:`MAX_CHECKS`, is returned as ``undecided`` rather than checked.
    """
    dnf = expand(reading)
    beats = _overrides_closure(reading)
    found: list[Conflict] = []
    budget = MAX_CHECKS
    answers = {r.id: dict(r.answers) for r in reading.rules if r.answers}
    # Only rules that answer something can conflict: a long derivation chain adds no pairs.
    for a, b in combinations([r for r in reading.rules if r.id in answers], 2):
        if beats[a.id] >> b.index & 1 or beats[b.id] >> a.index & 1:
            continue
        mine, theirs = answers[a.id], answers[b.id]
        questions = [q for q in QUESTIONS
                     if q in mine and q in theirs and mine[q] != theirs[q]]
        if not questions:
            continue
        left, right = dnf[a.id], dnf[b.id]
        cost = len(left) * len(right) if left is not None and right is not None else None
        if cost is None or cost > min(MAX_PAIR_CHECKS, budget):
            found.extend(Conflict(a, b, q, undecided=True) for q in questions)
            continue
        assert left is not None and right is not None
        budget -= cost
        if any(satisfiable(x + y, reading.party) for x in left for y in right):
            found.extend(Conflict(a, b, q) for q in questions)
    return found
