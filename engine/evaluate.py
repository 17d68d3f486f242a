"""Evaluate cases under readings, on durable_rules or on the reference evaluator."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from engine import _durable
from engine.case import CaseRecord
from engine.facts import Facts, case_facts
from engine.model import Reading
from engine.outcome import CaseResult, EngineName, Outcome
from engine.readings import ReadingSet
from engine.reference import fire_reference
from engine.resolve import resolve

EngineChoice = Literal["durable", "reference"]


def engine_to_use(requested: EngineChoice = "durable") -> EngineName:
    """The engine that will run: durable_rules unless unavailable or the reference is asked for."""
    if requested == "durable" and _durable.available():
        return "durable"
    return "reference"


def durable_unavailable_reason() -> str | None:
    """Why durable_rules cannot run here (None when it can)."""
    return _durable.import_error()


def fire(readings: ReadingSet, reading: Reading, facts: Facts, engine: EngineName) -> list[str]:
    """The rules of ``reading`` that fire on ``facts``, in order, on the given engine."""
    if engine == "durable":
        return _durable.fire_durable(readings.programs[reading.id], facts)
    return fire_reference(reading, facts)


def evaluate_case(case: CaseRecord, readings: ReadingSet, *, only: Sequence[str] | None = None,
                  engine: EngineChoice = "durable", source: str = "<dict>") -> CaseResult:
    """Evaluate one case under the selected readings (all by default).

    Args:
        case: a validated case record.
        readings: the compiled readings (see :func:`engine.load_readings`).
        only: reading ids to restrict to.
        engine: ``durable`` (default; falls back to ``reference`` where durable_rules cannot be
            imported, and every outcome records which engine ran) or ``reference``.
        source: where the case came from, for the result.

    Raises:
        UsageError: an unknown reading id.
        EvaluationError: a conflict between undefeated rules, or a rule loop.
        BackendError: durable_rules failed.
    """
    facts = case_facts(case, readings.common.default_offset)
    used = engine_to_use(engine)
    outcomes: dict[str, Outcome] = {}
    for reading in readings.select(only):
        fired = fire(readings, reading, facts, used)
        outcomes[reading.id] = resolve(reading, facts, fired, used)
    return CaseResult(case_id=case.id, title=case.title, source=source, readings=outcomes)
