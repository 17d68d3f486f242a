"""The batch report: every input accounted for, as one typed value that renders to JSON."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from engine.base.errors import Problem
from engine.run.outcome import CaseResult


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ReadingInfo(_Model):
    """A reading as listed at the top of a report."""

    id: str
    title: str
    held_by: str


class ErrorInfo(_Model):
    """One problem with one input, located: in the file (``source``, ``line``, ``column``) and
    in its document (``loc``, the field path), with its stable ``code`` (docs/errors.md)."""

    source: str | None
    line: int | None
    column: int | None
    code: str
    loc: tuple[str | int, ...]
    message: str

    @classmethod
    def of(cls, problem: Problem) -> ErrorInfo:
        """From a located :class:`Problem`."""
        span = problem.span
        return cls(source=span.source if span else None, line=span.line if span else None,
                   column=span.column if span else None, code=problem.code, loc=problem.loc,
                   message=problem.message)


class Report(_Model):
    """Everything one ``evaluate`` run produced: results for valid cases, errors for the rest."""

    engine: str
    readings: tuple[ReadingInfo, ...]
    results: tuple[CaseResult, ...]
    errors: tuple[ErrorInfo, ...]
