"""Compile a reading's declared gaps and invariants (see ``docs/rules-format.md``).

Both use the same conditions as rules, restricted to case facts: a derived fact is the reading's
own conclusion, so a declaration that tested one would be circular.
"""

from __future__ import annotations

from pydantic import JsonValue

from engine.base.errors import Problem, quote, suggest
from engine.base.vocabulary import Point8Answer, Question, ReleaseAnswer, StatusAnswer
from engine.base.yamlio import Loc
from engine.cases.catalogue import FACTS
from engine.readings._conditions import ConditionCompiler
from engine.readings._document import InvariantDoc, ReadingDoc
from engine.readings.model import Gap, Invariant, InvariantKind, Test

_ANSWERS: dict[str, tuple[str, ...]] = {
    "status": StatusAnswer.__args__,  # type: ignore[attr-defined]
    "point8": Point8Answer.__args__,  # type: ignore[attr-defined]
    "release": ReleaseAnswer.__args__,  # type: ignore[attr-defined]
}
ALL_QUESTIONS: tuple[Question, ...] = ("status", "point8", "release")


def _condition(rc: ConditionCompiler, when: dict[str, JsonValue], base: Loc) -> tuple[Test, ...]:
    tests, needs = rc.when(when, base)
    if needs:
        rc.fail("a gap or invariant condition tests case facts only, not derived facts",
                (*base, f"derived.{needs[0]}"), key=True, code="invalid_test")
    return tests


def _answers(rc: ConditionCompiler, answers: dict[Question, str], base: Loc,
             ) -> tuple[tuple[Question, str], ...]:
    for question, answer in answers.items():
        allowed = _ANSWERS[question]
        if answer not in allowed:
            rc.fail(f"{question}: expected one of {', '.join(allowed)}; found {quote(answer)}"
                    f"{suggest(answer, allowed)}", (*base, question), code="invalid_choice")
    return tuple(answers.items())


def compile_gaps(rd: ReadingDoc, rc: ConditionCompiler) -> tuple[Gap, ...]:
    """The reading's declared gaps, compiled."""
    return tuple(
        Gap(tuple(g.questions), g.says, _condition(rc, g.when, ("gaps", i, "when")),
            rc.doc.span(("gaps", i)), tuple(g.implements))
        for i, g in enumerate(rd.gaps))


def _invariant(inv: InvariantDoc, i: int, rc: ConditionCompiler) -> Invariant | None:
    base: Loc = ("invariants", i)
    kinds = {"independent_of": inv.independent_of is not None,
             "symmetric": inv.symmetric is not None,
             "implies": inv.implies is not None, "never": inv.never is not None}
    chosen = [k for k, present in kinds.items() if present]
    if len(chosen) != 1:
        rc.fail(f"invariant '{inv.id}' must have exactly one of {', '.join(kinds)}; found "
                f"{', '.join(chosen) or 'none'}", base, code="invalid_invariant")
        return None
    kind: InvariantKind = chosen[0]  # type: ignore[assignment]
    tests = _condition(rc, inv.when, (*base, "when"))
    questions = tuple(inv.questions) or ALL_QUESTIONS
    facts: list[str] = []
    for j, path in enumerate(inv.independent_of or []):
        if path not in FACTS:
            rc.fail(f"unknown fact {quote(path)}{suggest(path, FACTS)}",
                    (*base, "independent_of", j), code="unknown_fact")
        facts.append(path)
    if_answers: tuple[tuple[Question, str], ...] = ()
    then_answers: tuple[tuple[Question, str], ...] = ()
    if inv.implies is not None:
        if_answers = _answers(rc, inv.implies.if_, (*base, "implies", "if"))
        then_answers = _answers(rc, inv.implies.then, (*base, "implies", "then"))
    if inv.never is not None:
        then_answers = _answers(rc, inv.never, (*base, "never"))
    return Invariant(inv.id, inv.says, kind, tests, questions, tuple(facts), if_answers,
                     then_answers, rc.doc.span((*base, "id")))


def compile_invariants(rd: ReadingDoc, rc: ConditionCompiler) -> tuple[Invariant, ...]:
    """The reading's declared invariants, compiled; ids must be unique."""
    out: list[Invariant] = []
    for i, inv in enumerate(rd.invariants):
        if any(o.id == inv.id for o in out):
            rc.problems.append(Problem(f"duplicate invariant id {quote(inv.id)}",
                                       rc.doc.span(("invariants", i, "id")), code="duplicate_id",
                                       loc=("invariants", i, "id")))
        compiled = _invariant(inv, i, rc)
        if compiled is not None:
            out.append(compiled)
    return tuple(out)
