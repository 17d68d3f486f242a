"""From the rules that fired to a reading's answers (shared by both evaluators).

The Rete engine decides which rules fire; this module applies the reading semantics of
``docs/rules-format.md``: overrides, conflicts, and the difference between ``indeterminate`` (a
rule that could answer is undecided on this case's facts) and ``not_addressed`` (none could).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, cast

from engine.base.errors import EvaluationError, Problem
from engine.base.frozen import FrozenDict
from engine.base.graphs import postorder
from engine.base.vocabulary import QUESTIONS, Point8Answer, Question, ReleaseAnswer, StatusAnswer
from engine.cases.constraints import TIME_ORDER, times_possible
from engine.cases.facts import Facts
from engine.readings.model import Reading, Rule
from engine.run import _open
from engine.run._steps import Steps
from engine.run.logic import any_false, holds
from engine.run.outcome import Cite, Decision, EngineName, Outcome, TraceStep
from engine.run.reference import fire_reference


class _Analysis:
    """Which rules can still fire on these facts, and which facts keep them open.

    Both walk derivation chains, which may be thousands of rules long: derivers are computed
    first, from an explicit stack (see :func:`engine.base.graphs.postorder`), never by recursion.
    """

    def __init__(self, reading: Reading, facts: Facts, fired: Sequence[str]) -> None:
        self.reading, self.facts = reading, facts
        self.fired = set(fired)
        self.derived = {n for rid in fired for n in reading.rule(rid).derives}
        self._possible: dict[str, bool] = {}
        self._open: dict[str, frozenset[str]] = {}

    def _derivers(self, rid: str) -> Iterator[str]:
        """The rules whose derived facts ``rid`` still waits for."""
        for name in self.reading.rule(rid).needs:
            if name not in self.derived:
                yield from self.reading.derived_by.get(name, ())

    def _unfired_derivers(self, rid: str) -> Iterator[str]:
        return iter(()) if rid in self.fired else self._derivers(rid)

    def possible(self, rule: Rule) -> bool:
        """Not ruled out: no test is false and every needed derived fact may still arise."""
        if rule.id in self.fired:
            return True
        memo, reading = self._possible, self.reading
        known = memo.get(rule.id)
        if known is not None:  # asked once per question and per override: walk once
            return known
        # A false test settles it, and a rule that needs no derived fact has nothing to walk:
        # the walk's value, without the walk (its derivers are decided when asked).
        if any_false(rule.tests, self.facts):
            memo[rule.id] = False
            return False
        if not rule.needs:
            memo[rule.id] = True
            return True
        for rid in postorder((rule.id,), self._unfired_derivers, memo):
            r = reading.rule(rid)
            memo[rid] = rid in self.fired or (
                not any_false(r.tests, self.facts) and all(
                    n in self.derived or any(memo[d] for d in reading.derived_by.get(n, ()))
                    for n in r.needs))
        return memo[rule.id]

    def open_facts(self, rule: Rule) -> set[str]:
        """The unknown or undecided facts that keep an unfired, possible ``rule`` open."""
        self.possible(rule)  # every deriver below is now decided, so the walk may skip them
        memo, reading = self._open, self.reading

        def successors(rid: str) -> Iterator[str]:
            return (d for d in self._derivers(rid) if self.possible(reading.rule(d)))

        for rid in postorder((rule.id,), successors, memo):
            r = reading.rule(rid)
            memo[rid] = frozenset({t.path for t in r.tests if holds(t, self.facts) is None}
                                  ).union(*(memo[d] for d in successors(rid)))
        return set(memo[rule.id])


def _defeated(reading: Reading, fired: Sequence[str]) -> dict[str, list[str]]:
    """Fired rules defeated by a fired, undefeated overrider (overrides are acyclic)."""
    fired_set = set(fired)
    memo: dict[str, list[str]] = {}

    def overriders(rid: str) -> Iterator[str]:
        return (o for o in reading.overridden_by.get(rid, ()) if o in fired_set)

    for rid in postorder(fired, overriders, memo):
        memo[rid] = [o for o in overriders(rid) if not memo[o]]
    return {rid: memo[rid] for rid in fired if memo[rid]}


class _Resolved:
    """What one reading answers on one abstract case (see :func:`_resolved`): every part of an
    outcome but the trace's rendered facts, built once and shared (all of it immutable).

    The facts that keep an answer open are cut to those that change it per case
    (:func:`_minimal`, whose own cache knows what else that depends on); the summary is kept by
    the facts so kept."""

    __slots__ = ("by_order", "decisions", "defeated_by", "final", "flags", "open", "overridden",
                 "timed")

    def __init__(self, reading: Reading, facts: Facts, fired: Sequence[str]) -> None:
        analysis, decisions, defeated = _decide_all(reading, facts, fired)
        self.decisions = decisions
        self.open = any(d.unknown for d in decisions.values() if d.answer == "indeterminate")
        # A time among the open facts: the cut then depends on the times as they are.
        self.timed = any(f in TIME_ORDER for d in decisions.values() for f in d.unknown)
        self.flags = tuple(_flags(reading, analysis, fired, defeated))
        self.overridden = tuple(reading.rule(rid).qid for rid in fired if rid in defeated)
        self.defeated_by = {rid: tuple(f"{reading.id}.{o}" for o in by)
                            for rid, by in defeated.items()}
        # By the open facts kept per question: (decisions, unknown, summary once made).
        self.final: dict[tuple[tuple[str, ...], ...], _Final] = {}
        # Without a time open, the cut depends only on whether the case's times are in order.
        self.by_order: dict[bool, _Final] = {}

    def finish(self, reading: Reading, facts: Facts, signature: tuple[object, ...]) -> _Final:
        """The decisions with their open facts cut (see :func:`_minimal`), and what follows."""
        if not self.open:
            decisions = self.decisions
        elif self.timed:
            decisions = _minimal(reading, facts, self.decisions, signature)
        else:
            in_order = times_possible(facts)
            known = self.by_order.get(in_order)
            if known is not None:
                return known
            decisions = _minimal(reading, facts, self.decisions, signature)
            key = tuple(d.unknown for d in decisions.values())
            known = self.by_order[in_order] = self.final.setdefault(key, _Final(decisions))
            return known
        key = tuple(d.unknown for d in decisions.values())
        hit = self.final.get(key)
        if hit is None:
            hit = self.final[key] = _Final(decisions)
        return hit


class _Final:
    """Decisions as an outcome shows them, the facts they leave open, and the summary."""

    __slots__ = ("bases", "decisions", "summary", "unknown")

    def __init__(self, decisions: dict[Question, Decision]) -> None:
        # By engine and whether summarised: every field of the outcome but its trace, in order.
        self.bases: dict[tuple[str, bool], dict[str, Any]] = {}
        self.decisions = FrozenDict[str, Decision](decisions.items())
        self.unknown = tuple(sorted({f for d in decisions.values() for f in d.unknown}))
        self.summary: str | None = None


class _Prepared:
    """What resolving needs of each rule of one reading that does not depend on the case, built
    once per compiled reading: answers by question, the fixed parts of the trace steps
    (:class:`engine.run._steps.Steps`); and the answers found so far, by abstract case
    (:func:`_resolved`)."""

    __slots__ = ("answering", "answers", "reading", "resolved", "steps")

    def __init__(self, reading: Reading) -> None:
        self.reading = reading
        self.answers = {r.id: dict(r.answers) for r in reading.rules}
        self.answering = {q: tuple(r for r in reading.rules if q in self.answers[r.id])
                          for q in QUESTIONS}
        self.steps = Steps(reading)
        self.resolved: dict[tuple[object, ...], _Resolved] = {}


# Keyed by the reading's identity (hashing a compiled reading would walk all of it); the reading
# is kept in the value so that its id cannot be reused while the entry lives. Bounded: a host that
# compiles readings without end (a fuzzer) rebuilds entries instead of growing.
_PREPARED: dict[int, _Prepared] = {}
_MAX_PREPARED = 256
#: Abstract cases remembered per reading; past it the memo starts again (answers are the same).
_MAX_RESOLVED = 4096


def _prepared(reading: Reading) -> _Prepared:
    prep = _PREPARED.get(id(reading))
    if prep is None or prep.reading is not reading:
        if len(_PREPARED) >= _MAX_PREPARED:
            _PREPARED.clear()
        prep = _PREPARED[id(reading)] = _Prepared(reading)
    return prep


def _resolved(reading: Reading, facts: Facts, fired: Sequence[str],
              signature: tuple[object, ...]) -> _Resolved:
    """The answers of ``reading`` given the rules that fired on ``facts``, remembered by what the
    reading can tell of the facts (:func:`engine.run._open.signature`: every test's value is a
    function of it) and the rules that fired; so an engine that fires differently never meets
    another's answers."""
    prep = _prepared(reading)
    key = (signature, tuple(fired))
    try:
        hit = prep.resolved.get(key)
    except TypeError:  # a fact value that cannot be a key: resolved every time
        return _Resolved(reading, facts, fired)
    if hit is None:
        if len(prep.resolved) >= _MAX_RESOLVED:
            prep.resolved.clear()
        hit = prep.resolved[key] = _Resolved(reading, facts, fired)
    return hit


def _decide(reading: Reading, question: Question, analysis: _Analysis, fired: Sequence[str],
            defeated: dict[str, list[str]]) -> Decision:
    answers = _prepared(reading).answers
    firm: list[Rule] = []
    shaky_open: set[str] = set()
    for rid in fired:
        if question not in answers[rid] or rid in defeated:
            continue
        rule = reading.rule(rid)
        pending = [reading.rule(o) for o in reading.overridden_by.get(rid, ())
                   if o not in analysis.fired and analysis.possible(reading.rule(o))]
        if pending:
            shaky_open.update(f for o in pending for f in analysis.open_facts(o))
        else:
            firm.append(rule)
    values = {answers[r.id][question] for r in firm}
    if len(values) > 1:
        a, b = firm[0], next(r for r in firm if r.answer(question) != firm[0].answer(question))
        raise EvaluationError([Problem(
            f"reading '{reading.id}': rules '{a.id}' and '{b.id}' both fired and answer "
            f"{question} differently ({a.answer(question)} / {b.answer(question)}); the other "
            f"rule is at {b.span}", a.span)])
    if firm:
        return Decision.trusted(answer=answers[firm[0].id][question],
                                        by=tuple(r.qid for r in firm))
    open_facts = set(shaky_open)
    for rule in _prepared(reading).answering[question]:
        if rule.id not in analysis.fired and analysis.possible(rule):
            open_facts |= analysis.open_facts(rule)
    if open_facts or shaky_open:
        return Decision.trusted(answer="indeterminate", unknown=tuple(sorted(open_facts)))
    return Decision.trusted(answer="not_addressed")


def cites(rule: Rule) -> list[Cite]:
    """The rule's citations, each resolved to its source's title, date, URL and reliability."""
    return [Cite(source=c.source.id, title=c.source.title, date=c.source.date, url=c.source.url,
                 pin=c.pin, reliability=c.reliability, note=c.note) for c in rule.cites]


def decide(reading: Reading, facts: Facts, fired: Sequence[str],
           ) -> tuple[dict[Question, Decision], dict[str, list[str]]]:
    """The decision on each question, and the fired rules that were defeated (by whom).

    The part of :func:`resolve` that verification needs, without building a trace.

    Raises:
        EvaluationError: two undefeated rules fired with different answers to one question.
    """
    _, decisions, defeated = _decide_all(reading, facts, fired)
    return decisions, defeated


def _decide_all(reading: Reading, facts: Facts, fired: Sequence[str],
                ) -> tuple[_Analysis, dict[Question, Decision], dict[str, list[str]]]:
    analysis = _Analysis(reading, facts, fired)
    defeated = _defeated(reading, fired)
    decisions = {q: _decide(reading, q, analysis, fired, defeated) for q in QUESTIONS}
    return analysis, decisions, defeated


def _minimal(reading: Reading, facts: Facts, decisions: dict[Question, Decision],
             signature: tuple[object, ...] | None = None) -> dict[Question, Decision]:
    """``decisions`` with each open answer's facts cut to those that change it (exactly, see
    :mod:`engine.run._open`); when no single fact does, the walk's list stays."""
    candidates = {q: d.unknown for q, d in decisions.items() if d.answer == "indeterminate"}
    if not any(candidates.values()):
        return decisions

    def answers(resolved: Facts) -> dict[Question, str]:
        _, ds, _ = _decide_all(reading, resolved, fire_reference(reading, resolved))
        return {q: d.answer for q, d in ds.items()}

    kept = _open.minimal_open(reading, facts, candidates, answers, signature)
    return {q: d.model_copy(update={"unknown": kept[q]}) if kept.get(q) else d
            for q, d in decisions.items()}


def _flags(reading: Reading, analysis: _Analysis, fired: Sequence[str],
           defeated: dict[str, list[str]]) -> list[str]:
    """The flags of the fired rules that are neither defeated nor pending an override."""
    flags: list[str] = []
    for rid in fired:
        rule = reading.rule(rid)
        pending = any(o not in analysis.fired and analysis.possible(reading.rule(o))
                      for o in reading.overridden_by.get(rid, ()))
        if rid not in defeated and not pending:
            flags.extend(f for f in rule.flags if f not in flags)
    return flags


def decide_and_flag(reading: Reading, facts: Facts, fired: Sequence[str],
                    ) -> tuple[dict[Question, Decision], list[str]]:
    """The decision on each question and the flags raised, as :func:`resolve` makes them,
    without building a trace (for evaluations of many combinations of facts).

    Raises:
        EvaluationError: two undefeated rules fired with different answers to one question.
    """
    signature = _open.signature(reading, facts)
    done = _resolved(reading, facts, fired, signature)
    final = done.finish(reading, facts, signature)
    return cast(dict[Question, Decision], dict(final.decisions)), list(done.flags)


def answers_of(reading: Reading, facts: Facts, fired: Sequence[str],
               signature: tuple[object, ...] | None = None) -> dict[Question, str]:
    """The answer to each question given the rules that fired (as :func:`resolve` gives them).

    Raises:
        EvaluationError: two undefeated rules fired with different answers to one question.
    """
    if signature is None:
        signature = _open.signature(reading, facts)
    decisions = _resolved(reading, facts, fired, signature).decisions
    return {q: decisions[q].answer for q in QUESTIONS}


def resolve(reading: Reading, facts: Facts, fired: Sequence[str], engine: EngineName,
            summary: Callable[[Outcome], str] | None = None,
            signature: tuple[object, ...] | None = None,
            extra: Mapping[str, Any] | None = None) -> Outcome:
    """Build the :class:`Outcome` of ``reading`` from the rules that ``engine`` fired, in order.

    ``summary``, given, makes the outcome's ``summary`` from the outcome without one; it must
    depend on the facts only as the reading's tests and answers do (as
    :func:`engine.run.summary.summarise` does), since it is made once per abstract case.
    ``signature``: the facts' :func:`engine.run._open.signature`, where the caller has it.
    ``extra``: other fields of the outcome (each already frozen), set as it is built.

    Raises:
        EvaluationError: two undefeated rules fired with different answers to one question.
    """
    if signature is None:
        signature = _open.signature(reading, facts)
    done = _resolved(reading, facts, fired, signature)
    final = done.finish(reading, facts, signature)
    steps = _prepared(reading).steps
    trace = tuple(steps.step(rid, facts, done.defeated_by.get(rid, ())) for rid in fired)
    base = final.bases.get((engine, summary is not None))
    if base is None:
        base = _base(reading, done, final, engine, summary, trace)
    fields = dict(base)
    fields["trace"] = trace
    given = _GIVEN_WITH_SUMMARY if summary is not None else _GIVEN
    if extra:
        fields.update(extra)
        given = given | extra.keys()
    return Outcome.from_fields(fields, given)


_GIVEN = frozenset(("reading", "engine", "status", "point8", "release", "flags", "unknown",
                    "trace", "overridden", "decisions"))
_GIVEN_WITH_SUMMARY = _GIVEN | {"summary"}


def _base(reading: Reading, done: _Resolved, final: _Final, engine: EngineName,
          summary: Callable[[Outcome], str] | None, trace: tuple[TraceStep, ...],
          ) -> dict[str, Any]:
    """Every field of the outcome but its trace (and ``extra``), in order, kept in ``final``."""
    decisions = final.decisions
    fields = Outcome.defaults()
    fields.update({
        "reading": reading.id, "engine": engine,
        # The answers come from compiled rules, checked against the vocabulary at compile time.
        "status": cast(StatusAnswer, decisions["status"].answer),
        "point8": cast(Point8Answer, decisions["point8"].answer),
        "release": cast(ReleaseAnswer, decisions["release"].answer),
        "flags": done.flags, "unknown": final.unknown, "trace": (),
        "overridden": done.overridden, "decisions": decisions})
    if summary is not None:
        if final.summary is None:
            final.summary = summary(Outcome.trusted(**{
                k: trace if k == "trace" else v for k, v in fields.items() if k in _GIVEN}))
        fields["summary"] = final.summary
    final.bases[(engine, summary is not None)] = fields
    return fields
