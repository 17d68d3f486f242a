"""Check the ``expect`` blocks of case files against outcomes (shared by ``test`` and pytest)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from engine.base.errors import Problem, SourceSpan, quote, suggest
from engine.cases.load import LoadedCase
from engine.cases.record import CaseRecord
from engine.readings.load import ReadingSet
from engine.readings.model import Reading
from engine.run.outcome import CaseResult

QUESTIONS_CHECKED = ("status", "point8", "release")


@dataclass(frozen=True)
class Mismatch:
    """One expectation that the outcome does not meet."""

    source: str
    case_id: str
    reading: str
    question: str
    expected: str
    got: str
    span: SourceSpan | None = None

    def __str__(self) -> str:
        where = str(self.span) if self.span else self.source
        return (f"{where}: case '{self.case_id}': reading '{self.reading}': {self.question}: "
                f"expected {self.expected}, got {self.got}")


def unknown_expectations(loaded: LoadedCase, readings: Mapping[str, Reading]) -> list[Problem]:
    """Problems for ``expect`` entries naming readings that do not exist (at their keys), and
    for expected flags that their reading does not declare (at the flag): such an expectation
    could never be met, whatever the case."""
    known, case = list(readings), loaded.record
    out = [Problem(f"case '{case.id}': expect names unknown reading '{rid}'"
                   f"{suggest(rid, known)}; known: {', '.join(known)}",
                   loaded.span_of("expect", rid, key=True), code="unknown_reading",
                   loc=(*loaded.loc, "expect", rid))
           for rid in case.expect if rid not in known]
    for rid, expected in case.expect.items():
        reading = readings.get(rid)
        if reading is None:
            continue
        for i, flag in enumerate(expected.flags or ()):
            if flag not in reading.flags:
                declared = ", ".join(reading.flags) or "none"
                out.append(Problem(
                    f"case '{case.id}': expect.{rid}.flags[{i}]: unknown flag {quote(flag)}"
                    f"{suggest(flag, reading.flags)}; reading '{rid}' declares: {declared}",
                    loaded.span_of("expect", rid, "flags", i), code="unknown_flag",
                    loc=(*loaded.loc, "expect", rid, "flags", i)))
    return out


def expectation_problems(loaded: LoadedCase, readings: ReadingSet) -> list[Problem]:
    """:func:`unknown_expectations` against a reading set: the form a worker process that reads
    the case is given (engine.run.stream_inputs.evaluate_inputs)."""
    return unknown_expectations(loaded, readings.readings)


def check(case: CaseRecord, result: CaseResult, span: SourceSpan | None = None) -> list[Mismatch]:
    """Every difference between ``case.expect`` and ``result`` (for the readings evaluated)."""
    out: list[Mismatch] = []
    for rid, expected in case.expect.items():
        outcome = result.readings.get(rid)
        if outcome is None:
            continue
        for q in QUESTIONS_CHECKED:
            want = getattr(expected, q)
            got = getattr(outcome, q)
            if want is not None and want != got:
                out.append(Mismatch(result.source, case.id, rid, q, want, got, span))
        if expected.flags is not None and sorted(expected.flags) != sorted(outcome.flags):
            out.append(Mismatch(result.source, case.id, rid, "flags",
                                ", ".join(sorted(expected.flags)) or "(none)",
                                ", ".join(sorted(outcome.flags)) or "(none)", span))
    return out
