"""The results of ``test`` and ``check`` as typed values, for their JSON and JUnit XML output.

``test`` yields one :class:`ExpectationResult` per expectation checked (each answer or the flags
a case's ``expect`` block states for a reading); ``check`` one :class:`CheckResult` per reading
and property (no conflicts, no undeclared gaps, no dead rules, no always-overridden rules, each
declared invariant). JSON comes from the models; JUnit XML from :mod:`engine.present.junit`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from engine.analysis.verify import Verification
from engine.base.errors import SourceSpan
from engine.base.frozen import thaw
from engine.base.yamlio import dump_yaml
from engine.cases.record import CaseRecord
from engine.run.outcome import CaseResult
from engine.run.report import ErrorInfo

if TYPE_CHECKING:  # invariants needs hypothesis; this module only reads its results
    from engine.testing.invariants import InvariantResult

#: The properties ``check`` verifies exhaustively, by finding kind, in the order reported.
PROPERTIES = (("conflict", "no conflicts"), ("gap", "no undeclared gaps"),
              ("dead_rule", "no dead rules"), ("always_overridden", "no always-overridden rules"))


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ExpectationResult(_Model):
    """One expectation of a case file, met or not."""

    source: str
    line: int | None
    column: int | None
    case_id: str
    reading: str
    question: str
    expected: str
    got: str
    ok: bool
    trace: tuple[str, ...]
    unknown: tuple[str, ...]


class ExpectationsReport(_Model):
    """Everything one ``test`` run found."""

    engine: str
    cases: int
    checked: int
    mismatches: int
    expectations: tuple[ExpectationResult, ...]
    errors: tuple[ErrorInfo, ...]


class CheckResult(_Model):
    """One property of one reading: whether it holds, and why not (with example cases)."""

    reading: str
    name: str
    ok: bool
    messages: tuple[str, ...]
    examples: tuple[str, ...]


class CheckReport(_Model):
    """Everything one ``check`` run found."""

    passed: bool
    readings: int
    combinations: int
    invariants: int
    searched: bool
    results: tuple[CheckResult, ...]


def expectations(case: CaseRecord, result: CaseResult,
                 span: SourceSpan | None) -> list[ExpectationResult]:
    """Every expectation of ``case`` for the readings evaluated, each with the answer given."""
    out: list[ExpectationResult] = []
    for rid, expected in case.expect.items():
        outcome = result.readings.get(rid)
        if outcome is None:
            continue
        wanted = [(q, getattr(expected, q), getattr(outcome, q))
                  for q in ("status", "point8", "release") if getattr(expected, q) is not None]
        if expected.flags is not None:  # compared as sets, as `check` does
            wanted.append(("flags", ", ".join(sorted(expected.flags)) or "(none)",
                           ", ".join(sorted(outcome.flags)) or "(none)"))
        for question, want, got in wanted:
            out.append(ExpectationResult(
                source=result.source, line=span.line if span else None,
                column=span.column if span else None, case_id=case.id, reading=rid,
                question=question, expected=want, got=got, ok=want == got,
                trace=tuple(s.rule for s in outcome.trace), unknown=tuple(outcome.unknown)))
    return out


def check_results(verifications: Sequence[Verification],
                  invariants: Mapping[str, Sequence[InvariantResult]],
                  declared: Mapping[str, Sequence[str]]) -> list[CheckResult]:
    """Per reading, each exhaustive property, then each declared invariant (proved over every
    combination, and searched on generated cases where ``invariants`` has its results)."""
    out: list[CheckResult] = []
    for v in verifications:
        for kind, name in PROPERTIES:
            found = [f for f in v.findings if f.kind == kind]
            out.append(CheckResult(
                reading=v.reading, name=name, ok=not found,
                messages=tuple(f.message for f in found),
                examples=tuple(dump_yaml(thaw(f.example)) for f in found if f.example)))
        searched = {r.invariant: r for r in invariants.get(v.reading, ())}
        for inv in declared.get(v.reading, ()):
            proof = [f for f in v.findings
                     if f.kind == "invariant" and f.message.startswith(f"invariant '{inv}' ")]
            found_case = searched.get(inv)
            messages = [f.message for f in proof]
            examples = [dump_yaml(thaw(f.example)) for f in proof if f.example]
            if found_case is not None and not found_case.ok:
                messages.append(f"on generated cases: {found_case.message}")
                examples += [dump_yaml(thaw(c)) for c in found_case.cases]
            out.append(CheckResult(reading=v.reading, name=f"invariant {inv}",
                                   ok=not messages, messages=tuple(messages),
                                   examples=tuple(examples)))
    return out
