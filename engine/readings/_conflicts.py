"""Static conflict detection: could two rules fire on one case and answer differently?

Each rule's condition is expanded into a disjunction of conjunctions of base-fact tests (derived
facts are replaced by the conditions of the rules that derive them), and two rules conflict when
some pair of conjunctions is jointly satisfiable, they give different answers to one question, and
neither overrides the other (directly or through a chain of overrides). The satisfiability check is
exact over each fact's abstract domain, so a reported conflict has a witness case.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations, product

from engine.base.vocabulary import QUESTIONS, Question
from engine.cases.catalogue import FACTS, party_combinations
from engine.readings.model import Reading, Rule, Test

Conjunction = tuple[Test, ...]
#: Beyond this many conjunctions per rule the expansion stops and the rule counts as satisfiable
#: with anything, so the check stays conservative (it may report, never miss, a conflict).
MAX_CONJUNCTIONS = 4096


def expand(reading: Reading) -> dict[str, list[Conjunction] | None]:
    """Each rule's condition as conjunctions of base tests (None when too large to expand)."""
    memo: dict[str, list[Conjunction] | None] = {}

    def dnf(rule: Rule) -> list[Conjunction] | None:
        if rule.id in memo:
            return memo[rule.id]
        options: list[list[Conjunction]] = []
        for name in rule.needs:
            alternatives: list[Conjunction] = []
            for deriver in reading.derived_by.get(name, ()):
                sub = dnf(reading.rule(deriver))
                if sub is None:
                    memo[rule.id] = None
                    return None
                alternatives.extend(sub)
            options.append(alternatives)
        result: list[Conjunction] = []
        for combo in product(*options):
            result.append(rule.tests + tuple(t for conj in combo for t in conj))
            if len(result) > MAX_CONJUNCTIONS:
                memo[rule.id] = None
                return None
        memo[rule.id] = result
        return result

    return {r.id: dnf(r) for r in reading.rules}


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


def _overrides_closure(reading: Reading) -> dict[str, set[str]]:
    closure: dict[str, set[str]] = {}
    for rule in reading.rules:
        seen: set[str] = set()
        todo = list(rule.overrides)
        while todo:
            nxt = todo.pop()
            if nxt not in seen:
                seen.add(nxt)
                todo.extend(reading.rule(nxt).overrides)
        closure[rule.id] = seen
    return closure


def find_conflicts(reading: Reading) -> list[tuple[Rule, Rule, Question]]:
    """Every pair of rules that can fire together and answer a question differently."""
    dnf = expand(reading)
    beats = _overrides_closure(reading)
    found: list[tuple[Rule, Rule, Question]] = []
    # Only rules that answer some question can conflict; a reading of thousands of rules that
    # only raise flags or derive facts must not cost millions of pair checks.
    answers = {r.id: dict(r.answers) for r in reading.rules}
    answering = [r for r in reading.rules if answers[r.id]]
    for a, b in combinations(answering, 2):
        if b.id in beats[a.id] or a.id in beats[b.id]:
            continue
        mine, theirs = answers[a.id], answers[b.id]
        questions = [q for q in QUESTIONS
                     if mine.get(q) and theirs.get(q) and mine[q] != theirs[q]]
        if not questions:
            continue
        left, right = dnf[a.id], dnf[b.id]
        together = (left is None or right is None or any(
            satisfiable(x + y, reading.party) for x in left for y in right))
        if together:
            found.extend((a, b, q) for q in questions)
    return found
