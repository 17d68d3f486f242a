"""Evaluate a stream of cases case by case, on one process or several, results in input order.

Nothing is held but the chunks in flight: a caseload of any size runs in flat memory, and the
first result is out as soon as the first case is evaluated. With ``jobs`` above 1 the cases are
evaluated by worker processes (each given the compiled readings once), and the results are the
same, in the same order, as with one.

:func:`evaluate_stream_json` gives each result as its JSON text instead, made where the case
was evaluated: a worker sends back one string, not the dozens of models of a result, which cost
more to rebuild in this process than the evaluation itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

from engine.base import arguments
from engine.base.errors import EngineError, Problem
from engine.base.pool import map_with
from engine.cases.load import LoadedCase
from engine.cases.record import CaseRecord
from engine.readings.load import ReadingSet
from engine.run import checks
from engine.run.evaluate import OWN, EngineChoice, evaluate_case
from engine.run.outcome import CaseResult

#: What :func:`evaluate_stream` yields: a problem of the input, or a case with its result (or
#: the located problems of its failed evaluation).
Evaluated = Problem | tuple[LoadedCase, CaseResult | tuple[Problem, ...]]
_Job = tuple[CaseRecord, str] | Problem
_Done = CaseResult | tuple[Problem, ...] | Problem
#: Each result as the text of its ``model_dump_json(indent=...)``, or the failure's problems.
EvaluatedJson = Problem | tuple[LoadedCase, str | tuple[Problem, ...]]
#: What each process evaluating cases is given once: the readings, the reading ids, the
#: engine and the account.
Settings = tuple[ReadingSet, tuple[str, ...] | None, EngineChoice, str]
_JsonSettings = tuple[Settings, int | None]
_R = TypeVar("_R", CaseResult, str)


def evaluate_job(settings: Settings, job: _Job) -> _Done:
    """One case sent to a process as ``(record, source)`` (a problem passes through): its
    result, or its evaluation's located problems (one failing case does not sink a batch)."""
    readings, only, engine, account = settings
    if isinstance(job, Problem):
        return job
    record, source = job
    try:
        return evaluate_case(record, readings, only=only, engine=engine, source=source,
                             account=account)
    except EngineError as exc:  # located problems travel back; the batch goes on
        return tuple(exc.problems)


def _evaluate_json(settings: _JsonSettings, job: _Job) -> str | tuple[Problem, ...] | Problem:
    done = evaluate_job(settings[0], job)
    return done.model_dump_json(indent=settings[1]) if isinstance(done, CaseResult) else done


def _send(item: LoadedCase | Problem) -> _Job:
    return item if isinstance(item, Problem) else (item.record, item.source)


def evaluate_stream(
    items: Iterable[LoadedCase | Problem], readings: ReadingSet, *,
    only: Sequence[str] | None = None, engine: EngineChoice = "durable", account: str = OWN,
    jobs: int = 1,
) -> Iterator[Evaluated]:
    """Evaluate the cases of ``items`` (as :func:`engine.iter_cases` yields them), in order.

    Args:
        items: loaded cases and problems; problems are passed on, in their place.
        readings, only, engine, account: as :func:`evaluate_case`.
        jobs: processes to evaluate on (1: this one). Results come in input order whatever
            the number, and are the same.

    Yields:
        Each problem of the input as it stands, and ``(loaded, result)`` for each case, where
        ``result`` is the :class:`CaseResult` or, if its evaluation failed, the failure's
        problems, named and located by the case (one failing case does not sink the stream).

    Raises:
        UsageError: a wrong argument, when called (before any case is read or evaluated): an
            unknown reading id, an unknown engine, an account that is not ``own``,
            ``uncontested`` or a party's or body's id, as :func:`engine.evaluate_case` says;
            ``jobs`` below 1.
        TypeError: an argument of the wrong type (as :func:`engine.evaluate_case`; ``jobs`` not
            an int; ``items`` not an iterable), or, when it is reached, an element of ``items``
            that is neither a :class:`LoadedCase` nor a :class:`Problem`.
        engine.base.pool.WorkerCrash: a worker process died.
    """
    _, ids, engine = checks.evaluation(readings, only, engine, account)
    checks.jobs(jobs)
    settings: Settings = (readings, ids, engine, account)
    return _in_order(map_with(evaluate_job, settings, checks.items(items), _send, jobs=jobs),
                     CaseResult)


def evaluate_stream_json(
    items: Iterable[LoadedCase | Problem], readings: ReadingSet, *,
    only: Sequence[str] | None = None, engine: EngineChoice = "durable", account: str = OWN,
    jobs: int = 1, indent: int | None = None,
) -> Iterator[EvaluatedJson]:
    """:func:`evaluate_stream` with each :class:`CaseResult` as its JSON text: exactly
    ``result.model_dump_json(indent=indent)``, made in the process that evaluated the case
    (what a JSON writer needs, at a fraction of the cost of sending the result itself).

    Raises:
        UsageError, TypeError: as :func:`evaluate_stream`; ``indent`` not None or an int of 0
            or more.
    """
    _, ids, engine = checks.evaluation(readings, only, engine, account)
    checks.jobs(jobs)
    if indent is not None:
        arguments.integer("indent", indent, 0)
    settings: _JsonSettings = ((readings, ids, engine, account), indent)
    return _in_order(map_with(_evaluate_json, settings, checks.items(items), _send, jobs=jobs),
                     str)


def _in_order(
    done_items: Iterator[tuple[LoadedCase | Problem, _R | tuple[Problem, ...] | Problem]],
    kind: type[_R],
) -> Iterator[Problem | tuple[LoadedCase, _R | tuple[Problem, ...]]]:
    for item, done in done_items:
        if isinstance(item, Problem):
            yield item
        elif isinstance(done, kind):
            yield item, done
        else:
            assert isinstance(done, tuple)
            yield item, tuple(item.failed(EngineError(list(done))))

