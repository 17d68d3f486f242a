"""legal-status: how each reading of the 9/10 November 2020 statement classifies a detainee.

The public API, for embedding::

    import engine

    readings = engine.load_readings()                 # the bundled readings (or a folder)
    case = engine.load_case_dict({...})               # or engine.load_cases(["cases/"])
    result = engine.evaluate_case(case, readings)     # all readings, on durable_rules
    result.readings["ihl"].status, result.model_dump_json()
    comparison = engine.compare_case(case, readings)  # why the readings disagree

    # A caseload of any size, case by case in flat memory, on every core:
    for item in engine.evaluate_stream(engine.iter_cases(["big.jsonl"]), readings, jobs=2):
        ...  # an engine.Problem, or (loaded case, CaseResult or its problems), in input order

Everything returned is immutable and typed; every error is an :class:`EngineError`.
"""

from __future__ import annotations

import importlib
import typing

from engine import _moved
from engine.base.errors import (
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

if typing.TYPE_CHECKING:  # what the lazy names below are, for type checkers and editors
    from engine.analysis.compare import compare_batch, compare_case, summarise
    from engine.analysis.compare_stream import compare_stream
    from engine.analysis.comparison import CompareReport, Comparison
    from engine.cases.claims import Claim
    from engine.cases.load import CaseBatch, LoadedCase, iter_cases, load_case_dict, load_cases
    from engine.cases.record import CaseRecord, case_json_schema
    from engine.readings.load import ReadingSet, bundled_rules_dir, load_readings
    from engine.run.evaluate import engine_to_use, evaluate_case, reading_records
    from engine.run.outcome import CaseResult, Cite, Decision, Outcome, TraceStep
    from engine.run.stream import evaluate_stream

#: The façade's names imported on first use, by module: ``import engine`` stays cheap (the
#: command line's first result is not kept waiting for ``compare``'s machinery), and a name's
#: module is imported the first time the name is read.
_LAZY: dict[str, tuple[str, ...]] = {
    "engine.analysis.compare": ("compare_batch", "compare_case", "summarise"),
    "engine.analysis.compare_stream": ("compare_stream",),
    "engine.analysis.comparison": ("CompareReport", "Comparison"),
    "engine.cases.claims": ("Claim",),
    "engine.cases.load": ("CaseBatch", "LoadedCase", "iter_cases", "load_case_dict",
                          "load_cases"),
    "engine.cases.record": ("CaseRecord", "case_json_schema"),
    "engine.readings.load": ("ReadingSet", "bundled_rules_dir", "load_readings"),
    "engine.run.evaluate": ("engine_to_use", "evaluate_case", "reading_records"),
    "engine.run.outcome": ("CaseResult", "Cite", "Decision", "Outcome", "TraceStep"),
    "engine.run.stream": ("evaluate_stream",),
}
_HOME = {name: module for module, names in _LAZY.items() for name in names}

__all__ = [
    "BackendError",
    "CaseBatch",
    "CaseFileError",
    "CaseRecord",
    "CaseResult",
    "Cite",
    "Claim",
    "CompareReport",
    "Comparison",
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
    "compare_batch",
    "compare_case",
    "compare_stream",
    "engine_to_use",
    "evaluate_case",
    "evaluate_stream",
    "iter_cases",
    "load_case_dict",
    "load_cases",
    "load_readings",
    "reading_records",
    "summarise",
]

_moved.install()


def __getattr__(name: str) -> object:
    home = _HOME.get(name)
    if home is not None:
        value = getattr(importlib.import_module(home), name)
        globals()[name] = value  # once read, a plain attribute like any other
        return value
    # ``engine.case`` and the like were attributes once ``engine`` was imported; they still are.
    new = _moved.MOVED.get(f"engine.{name}")
    if new is None:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    _moved.warn_moved(f"engine.{name}", new, stacklevel=3)
    return importlib.import_module(new)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
