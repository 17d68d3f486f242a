"""legal-status: how each reading of the 9/10 November 2020 statement classifies a detainee.

The public API, for embedding::

    import engine

    readings = engine.load_readings()                 # the bundled readings (or a folder)
    case = engine.load_case_dict({...})               # or engine.load_cases(["cases/"])
    result = engine.evaluate_case(case, readings)     # all readings, on durable_rules
    result.readings["ihl"].status, result.model_dump_json()

Everything returned is immutable and typed; every error is an :class:`EngineError`.
"""

from __future__ import annotations

from engine.case import CaseRecord, case_json_schema
from engine.caseload import CaseBatch, LoadedCase, load_case_dict, load_cases
from engine.claims import Claim
from engine.errors import (
    BackendError,
    CaseFileError,
    EngineError,
    EvaluationError,
    InputError,
    Problem,
    RuleFileError,
    SourceSpan,
    UsageError,
)
from engine.evaluate import engine_to_use, evaluate_case, reading_records
from engine.outcome import CaseResult, Cite, Decision, Outcome, TraceStep
from engine.readings import ReadingSet, bundled_rules_dir, load_readings

__all__ = [
    "BackendError",
    "CaseBatch",
    "CaseFileError",
    "CaseRecord",
    "CaseResult",
    "Cite",
    "Claim",
    "Decision",
    "EngineError",
    "EvaluationError",
    "InputError",
    "LoadedCase",
    "Outcome",
    "Problem",
    "ReadingSet",
    "RuleFileError",
    "SourceSpan",
    "TraceStep",
    "UsageError",
    "bundled_rules_dir",
    "case_json_schema",
    "engine_to_use",
    "evaluate_case",
    "load_case_dict",
    "load_cases",
    "load_readings",
    "reading_records",
]
