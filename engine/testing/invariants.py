"""Check a reading's declared invariants on generated cases (used by ``legal-status check``).

Each invariant is searched for a counterexample with the public strategies of
:mod:`engine.testing.strategies` (so hypothesis is needed: ``pip install
'legal-status[hypothesis]'``). This search complements the exhaustive proof of
:mod:`engine.analysis.proofs` (which decides whether an invariant holds) with concrete case-file
forms: times in every zone and precision, splices of whole blocks. The search is seeded, so a run is
reproducible; a counterexample is shrunk to a simple case and returned as case-file dicts ready to
save. Cases on which the reading's rules conflict are left to the exhaustive verification
(:mod:`engine.analysis.verify`), which reports each with an example.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.base.errors import CaseFileError, EvaluationError
from engine.base.frozen import freeze
from engine.cases.facts import case_facts
from engine.cases.load import load_case_dict
from engine.cases.record import CaseRecord
from engine.readings.load import ReadingSet
from engine.readings.model import Invariant, Reading
from engine.run.evaluate import EngineChoice, answers, engine_to_use
from engine.run.logic import all_true
from engine.testing.strategies import (
    boundary_instants,
    case_records,
    choices,
    find_example,
    proceedings_dicts,
)

#: Where each fact lives in a case file, for swapping a fact between two cases.
_CASE_PATH: dict[str, tuple[str, ...]] = {
    "detaining_party": ("detaining_party",),
    "detainee.nationality": ("detainee", "nationality"),
    "detainee.side": ("detainee", "side"),
    "detainee.adverse": ("detainee", "side"),
    "detainee.national_of_detaining_party": ("detainee", "nationality"),
    "detainee.affiliation": ("detainee", "affiliation"),
    "capture.time": ("capture", "time"),
    "capture.circumstances": ("capture", "circumstances"),
    "capture.territory": ("capture", "territory"),
    "entry.time": ("entry",),
    "proceedings.stage": ("proceedings",),
    "proceedings.charges": ("proceedings",),
    "release.mechanism": ("release", "mechanism"),
}


@dataclass(frozen=True)
class InvariantResult:
    """The outcome of checking one invariant: ``cases`` is the shrunk counterexample, if any."""

    reading: str
    invariant: str
    says: str
    ok: bool
    message: str
    cases: tuple[Mapping[str, Any], ...] = ()

    def __post_init__(self) -> None:
        # Read-only at every depth, like everything the library returns (engine.base.frozen).
        object.__setattr__(self, "cases", freeze(self.cases))


def _dump(case: CaseRecord) -> dict[str, Any]:
    data: dict[str, Any] = case.model_dump(mode="json", by_alias=True, exclude_none=True,
                                           exclude_defaults=True)
    data.setdefault("capture", {})
    return data


def _splice(base: CaseRecord, donor: CaseRecord, facts: tuple[str, ...]) -> CaseRecord:
    """``base`` with the case-file fields behind ``facts`` taken from ``donor``."""
    out, src = _dump(base), _dump(donor)
    for path in {_CASE_PATH[f] for f in facts}:
        target, origin = out, src
        for part in path[:-1]:
            target = target.setdefault(part, {})
            origin = origin.get(part, {})
        if path[-1] in origin:
            target[path[-1]] = origin[path[-1]]
        else:
            target.pop(path[-1], None)
    return load_case_dict(out)


#: Case-record pins that a condition's set tests translate into, to generate only cases it
#: speaks of instead of filtering most generated cases away.
_PINS = {"detainee.affiliation": "affiliation", "detainee.side": "side",
         "detaining_party": "detaining_party", "detainee.nationality": "nationality",
         "capture.circumstances": "circumstances", "capture.territory": "territory"}


class _Checker:
    def __init__(self, readings: ReadingSet, reading: Reading, engine: EngineChoice) -> None:
        self.readings, self.reading, self.engine = readings, reading, engine
        self.offset = readings.common.default_offset
        self.instants = boundary_instants(readings)
        self.tested = 0

    def cases(self, inv: Invariant) -> Any:
        """Generated cases the invariant's condition speaks of, times on every boundary."""
        pins: dict[str, Any] = {}
        for t in inv.tests:
            if t.op in ("eq", "in") and t.path in _PINS:
                pins[_PINS[t.path]] = choices(list(t.operand))
            elif t.path == "detainee.adverse" and t.operand == (True,):
                pins.setdefault("detaining_party", choices(["AZ", "AM"]))
            elif t.path == "proceedings.charges":
                values = [str(v) for v in t.operand]
                pins["proceedings"] = (proceedings_dicts(only=values) if t.op == "only"
                                       else proceedings_dicts(any_of=values))
        strategy = case_records(instants=self.instants, **pins)
        return strategy.filter(lambda c: self.applies(inv, c)) if inv.tests else strategy

    def outcome(self, case: CaseRecord) -> dict[str, str]:
        """The reading's three answers, without building a trace (this runs thousands of times)."""
        facts = case_facts(case, self.offset)
        found = answers(self.readings, self.reading, facts, engine_to_use(self.engine))
        return {str(q): a for q, a in found.items()}

    def applies(self, inv: Invariant, case: CaseRecord) -> bool:
        facts = case_facts(case, self.offset)
        return all_true(inv.tests, facts)

    def counted(self, inv: Invariant, *cases: CaseRecord) -> bool:
        """Whether the invariant speaks of all ``cases``; counts the cases actually tested."""
        if all(self.applies(inv, c) for c in cases):
            self.tested += 1
            return True
        return False

    def answers(self, inv: Invariant, case: CaseRecord) -> dict[str, str]:
        out = self.outcome(case)
        return {q: out[q] for q in inv.questions}

    def violation(self, inv: Invariant) -> Callable[[Any], bool]:
        test = self._violation(inv)

        def guarded(found: Any) -> bool:
            # A case on which the reading conflicts is not evidence about an invariant: the
            # exhaustive verification reports every conflict with its own example.
            try:
                return test(found)
            except EvaluationError:
                return False

        return guarded

    def _violation(self, inv: Invariant) -> Callable[[Any], bool]:
        if inv.kind == "never":
            return lambda c: self.counted(inv, c) and any(
                self.outcome(c)[q] == a for q, a in inv.then_answers)
        if inv.kind == "implies":
            def broken(c: CaseRecord) -> bool:
                if not self.applies(inv, c):
                    return False
                out = self.outcome(c)
                if not all(out[q] == a for q, a in inv.if_answers):
                    return False
                self.tested += 1  # only cases meeting the premise test an implication
                return any(out[q] != a for q, a in inv.then_answers)
            return broken
        if inv.kind == "symmetric":
            return lambda c: self.counted(inv, c) and (
                self.answers(inv, c) != self.answers(inv, c.swapped_parties()))

        def changes(pair: tuple[CaseRecord, CaseRecord]) -> bool:
            try:
                case, variant = pair[0], _splice(pair[0], pair[1], inv.facts)
            except CaseFileError:  # the spliced case breaks a case constraint: no such case
                return False
            return (self.counted(inv, case, variant)
                    and self.answers(inv, case) != self.answers(inv, variant))
        return changes

    def explain(self, inv: Invariant, found: Any) -> InvariantResult:
        if inv.kind == "independent_of":
            case, variant = found[0], _splice(found[0], found[1], inv.facts)
            a, b = self.answers(inv, case), self.answers(inv, variant)
            message = (f"changing only {', '.join(inv.facts)} changes the answers: {a} -> {b}")
            cases: tuple[dict[str, Any], ...] = (_dump(case), _dump(variant))
        elif inv.kind == "symmetric":
            case = found
            message = (f"swapping AM and AZ changes the answers: {self.answers(inv, case)} -> "
                       f"{self.answers(inv, case.swapped_parties())}")
            cases = (_dump(case), _dump(case.swapped_parties()))
        else:
            out = self.outcome(found)
            message = "answers " + ", ".join(f"{q}={a}" for q, a in out.items())
            cases = (_dump(found),)
        for n, data in enumerate(cases, 1):
            data["id"] = f"{self.reading.id}-{inv.id}-{n}"
        return InvariantResult(self.reading.id, inv.id, inv.says, False, message, cases)


def check_invariants(readings: ReadingSet, reading: Reading, *, examples: int = 200,
                     seed: int = 0, engine: EngineChoice = "reference",
                     only: Sequence[str] | None = None) -> list[InvariantResult]:
    """Search each declared invariant of ``reading`` for a counterexample.

    Each invariant's search starts from ``seed`` alone, so its result does not depend on which
    invariants were searched before it, or where: ``legal-status check --jobs N`` searches them
    in several processes and gets the same results.

    Args:
        readings: the reading set ``reading`` belongs to (its instants steer generation).
        reading: the reading whose ``invariants`` are checked.
        examples: generated cases per invariant.
        seed: the search's random seed (same seed, same result).
        engine: evaluator; ``reference`` by default, since the differential test holds
            durable_rules to it.
        only: the ids of the invariants to search (default: all).

    Returns:
        One result per invariant searched, in declaration order.

    Raises:
        KeyError: an id in ``only`` that the reading does not declare.
    """
    declared = {inv.id for inv in reading.invariants}
    unknown = [i for i in only or () if i not in declared]
    if unknown:
        raise KeyError(f"reading '{reading.id}' declares no invariant {unknown[0]!r}")
    checker = _Checker(readings, reading, engine)
    anything = case_records(instants=checker.instants)
    return [_search(checker, anything, inv, examples, seed) for inv in reading.invariants
            if only is None or inv.id in only]


def _search(checker: _Checker, anything: Any, inv: Invariant, examples: int, seed: int,
            ) -> InvariantResult:
    reading = checker.reading
    cases = checker.cases(inv)
    # For independence, the donor of the varied facts may be any case at all.
    strategy: Any = cases if inv.kind != "independent_of" else cases.flatmap(
        lambda c, _any=anything: _any.map(lambda d: (c, d)))
    checker.tested = 0
    with warnings.catch_warnings():
        # Hypothesis labels the flatmap by the repr of the strategy its function closes over,
        # which grows with the readings' instants; the warning says nothing to a user.
        warnings.filterwarnings("ignore", message="Generating overly large repr")
        found = find_example(strategy, checker.violation(inv), examples=examples, seed=seed)
    if found is None and checker.tested == 0:
        # Sampling rarely meets a narrow premise; the exhaustive proof
        # (engine.analysis.proofs) is what decides, and it fails an invariant no
        # combination meets. Say it plainly.
        return InvariantResult(reading.id, inv.id, inv.says, True,
                               f"no counterexample; none of {examples} generated "
                               "cases met its condition or premise, so only the "
                               "exhaustive proof tested it")
    if found is None:
        return InvariantResult(reading.id, inv.id, inv.says, True,
                               f"held on {checker.tested} generated cases that "
                               "met its condition")
    return checker.explain(inv, found)
