"""Which of the facts that keep an answer open actually change it (exact, over abstract values).

The resolver's walk over the rules that could still fire gives every unknown fact some such rule
tests: a superset. Here each of those facts takes each of its abstract values (a time each piece
between the instants the reading compares it with; an unknown enum or party each of its values;
an unknown side each conflict party, with whether the holder is adverse), every combination is
evaluated, and a fact is kept only if two combinations that differ in it alone give different
answers (combinations the case constraints rule out are left out). The rules tell no two values
of one piece apart, so this is exact. Results are cached per reading on the abstract signature
of the facts it reads and, when a time is resolved, on the times as they are (which pieces the
order of times leaves possible depends on them).
"""

from __future__ import annotations

import itertools
import weakref
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence

from engine.base.vocabulary import QUESTIONS, Question
from engine.cases.catalogue import CONFLICT_SIDES, FACTS, THIRD_STATE, is_adverse
from engine.cases.constraints import TIME_ORDER, times_possible
from engine.cases.facts import Facts, FactValue
from engine.cases.timeval import Interval
from engine.readings.model import Reading, Test
from engine.run.logic import holds

#: The most combinations evaluated; past it the walk's superset is kept (it is never too small).
MAX_COMBINATIONS = 256
_CACHE_MAX = 4096
_FAR = 50 * 365 * 86_400  # seconds: the outer regions reach this far beyond the instants

# Facts resolved together: a side also decides whether the holder is adverse.
_UNITS = {"detainee.adverse": "detainee.side"}
_PARTIES = (*CONFLICT_SIDES, THIRD_STATE)

Answers = Callable[[Facts], Mapping[Question, str]]


class _Memo:
    """Per reading: the instants each read fact is compared with, and the results so far."""

    def __init__(self, reading: Reading) -> None:
        self.ref = weakref.ref(reading)
        found: dict[str, set[int]] = {"detaining_party": set()}
        for rule in reading.rules:
            for t in rule.tests:
                found.setdefault(t.path, set()).update(() if t.instant is None else (t.instant,))
        self.instants = {p: sorted(found[p]) for p in sorted(found)}
        self.paths = tuple(self.instants.items())
        # One test of each kind (fact, operator, operand, instant), by fact: the firing of the
        # rules and the resolver's answers see the facts only through the values of these. With
        # each fact, its tests' values by the fact's value, as they are met.
        tests: dict[str, dict[tuple[object, ...], Test]] = {}
        for rule in reading.rules:
            for t in rule.tests:
                tests.setdefault(t.path, {})[(t.op, t.operand, t.instant)] = t
        self.tests: tuple[tuple[str, tuple[Test, ...], dict[object, tuple[bool | None, ...]]],
                          ...] = tuple((p, tuple(ts.values()), {}) for p, ts in tests.items())
        self.results: dict[tuple[object, ...], dict[Question, tuple[str, ...]]] = {}

    def signature(self, facts: Facts) -> tuple[object, ...]:
        """What the reading can tell of ``facts``: where a time lies among the instants it is
        compared with, else the value. A time is given as (how many instants are at or before
        its start, how many are before its end): its side of every instant follows."""
        out: list[object] = []
        for path, instants in self.paths:
            value = facts.get(path)
            out.append((bisect_right(instants, value.lo), bisect_left(instants, value.hi))
                       if type(value) is Interval else value)
        return tuple(out)


    def test_values(self, facts: Facts) -> tuple[bool | None, ...]:
        """The value of each distinct test of the reading on ``facts`` (True, False, None)."""
        out: tuple[bool | None, ...] = ()
        for path, tests, seen in self.tests:
            value = facts.get(path)
            try:
                found = seen.get(value)
            except TypeError:  # a value that cannot be a key: its tests evaluated every time
                out += tuple([holds(t, facts) for t in tests])
                continue
            if found is None:
                if len(seen) >= _CACHE_MAX:
                    seen.clear()
                found = seen[value] = tuple([holds(t, facts) for t in tests])
            out += found
        return out


# Per reading (by identity, checked through a weak reference so a reused id never matches).
_MEMOS: dict[int, _Memo] = {}


def _memo(reading: Reading) -> _Memo:
    memo = _MEMOS.get(id(reading))
    if memo is None or memo.ref() is not reading:
        if len(_MEMOS) >= _CACHE_MAX:
            _MEMOS.clear()
        memo = _MEMOS[id(reading)] = _Memo(reading)
    return memo


def signature(reading: Reading, facts: Facts) -> tuple[object, ...]:
    """What ``reading`` can tell of ``facts``: for each fact its rules test (and the holder), a
    time's side of each instant they compare it with, any other value itself. Every test's
    value is a function of it."""
    return _memo(reading).signature(facts)


def test_values(reading: Reading, facts: Facts) -> tuple[bool | None, ...]:
    """The value of each distinct test of ``reading``'s rules on ``facts``, in a fixed order:
    which rules the reference evaluator fires, and the answers given the rules that fired, are
    functions of it (coarser than :func:`signature`: values no test tells apart are one)."""
    return _memo(reading).test_values(facts)


def _time_pieces(value: FactValue | None, instants: Sequence[int]) -> list[Interval]:
    """The pieces of an unknown or straddling time on each side of each instant."""
    if isinstance(value, Interval):
        cuts = [value.lo, *(i for i in instants if value.lo < i < value.hi), value.hi]
        return [Interval(a, b) for a, b in itertools.pairwise(cuts)]
    if not instants:
        return []
    # Whole regions, so that the order of times (the case constraints) is judged fairly.
    cuts = [instants[0] - _FAR, *instants, instants[-1] + _FAR]
    return [Interval(a, b) for a, b in itertools.pairwise(cuts)]


def _values(memo: _Memo, unit: str, facts: Facts) -> list[dict[str, FactValue]]:
    """Each resolution of ``unit``: the facts it sets."""
    spec = FACTS.get(unit)
    if spec is not None and spec.kind == "time":
        return [{unit: p} for p in _time_pieces(facts.get(unit), memo.instants.get(unit, []))]
    if unit == "detainee.side":
        holder = str(facts.get("detaining_party", ""))
        return [{"detainee.side": s, "detainee.adverse": is_adverse(s, holder)}
                for s in CONFLICT_SIDES]
    if spec is not None and spec.kind == "party":
        return [{unit: p} for p in _PARTIES]
    if spec is not None and spec.values:
        return [{unit: v} for v in spec.values]
    return []


def _time_context(units: Sequence[str], facts: Facts) -> tuple[object, ...]:
    """What, beyond the signature, decides which resolutions the order of times leaves possible:
    with a time among ``units``, its pieces (cut at its own bounds) against every other time as
    it is; else only whether the case's times are in order (they are then never changed)."""
    if any(u in TIME_ORDER for u in units):
        return tuple((v.lo, v.hi) if isinstance(v := facts.get(p), Interval) else v
                     for p in TIME_ORDER)
    return (times_possible(facts),)


def minimal_open(reading: Reading, facts: Facts, candidates: Mapping[Question, Sequence[str]],
                 answers: Answers, known: tuple[object, ...] | None = None,
                 ) -> dict[Question, tuple[str, ...]]:
    """Per question, the facts among ``candidates`` (the walk's open facts) on which the answer
    turns; ``answers`` evaluates the reading on resolved facts (without this minimisation).
    ``known``: the facts' :func:`signature`, where the caller has it already."""
    wanted = {f for fs in candidates.values() for f in fs}
    if not wanted:
        return {q: tuple(candidates.get(q, ())) for q in QUESTIONS}
    memo = _memo(reading)
    units = list(dict.fromkeys(_UNITS.get(f, f) for f in sorted(wanted)))
    key = (*(memo.signature(facts) if known is None else known), *_time_context(units, facts),
           *(tuple(candidates.get(q, ())) for q in QUESTIONS))
    cache = memo.results
    cached = cache.get(key)
    if cached is not None:
        return cached
    options = [_values(memo, u, facts) for u in units]
    size = 1
    for o in options:
        size *= max(len(o), 1)
    if size > MAX_COMBINATIONS or any(not o for o in options):
        return {q: tuple(candidates.get(q, ())) for q in QUESTIONS}
    results: dict[tuple[int, ...], Mapping[Question, str]] = {}
    for index in itertools.product(*(range(len(o)) for o in options)):
        resolved = dict(facts)
        for u, i in zip(range(len(units)), index, strict=True):
            resolved.update(options[u][i])
        if times_possible(resolved):  # an impossible world changes no answer
            results[index] = answers(resolved)
    out: dict[Question, tuple[str, ...]] = {}
    for q in QUESTIONS:
        turning: set[str] = set()
        for u, unit in enumerate(units):
            seen: dict[tuple[int, ...], str] = {}
            for index, got in results.items():
                rest = index[:u] + index[u + 1:]
                if seen.setdefault(rest, got[q]) != got[q]:
                    turning.add(unit)
                    break
        out[q] = tuple(f for f in candidates.get(q, ()) if _UNITS.get(f, f) in turning)
    if len(cache) >= _CACHE_MAX:
        cache.clear()
    cache[key] = out
    return out
