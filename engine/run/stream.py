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

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import tzinfo
from typing import Generic, NamedTuple, TypeVar, cast

from engine.base import arguments
from engine.base.errors import EngineError, Problem, SourceSpan
from engine.base.pool import map_with
from engine.cases.load import CaseIds, LoadedCase, PendingLine, load_line
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
_Settings = tuple[ReadingSet, tuple[str, ...] | None, EngineChoice, str]
_JsonSettings = tuple[_Settings, int | None]
_R = TypeVar("_R", CaseResult, str)
_N = TypeVar("_N")


def _evaluate_one(settings: _Settings, job: _Job) -> _Done:
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
    done = _evaluate_one(settings[0], job)
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
    settings: _Settings = (readings, ids, engine, account)
    return _in_order(map_with(_evaluate_one, settings, checks.items(items), _send, jobs=jobs),
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


class Seen(NamedTuple, Generic[_N]):
    """What :func:`evaluate_inputs_json` tells of a case beside its result: its id, who made
    claims in it, and what ``inspect`` found in it (made where the case was read)."""

    case_id: str
    claimants: tuple[str, ...]
    notes: _N


#: What :func:`evaluate_inputs_json` yields.
EvaluatedInput = Problem | tuple[Seen[_N], str | tuple[Problem, ...]]
_InputSettings = tuple[_JsonSettings, tzinfo | None, Callable[[LoadedCase, ReadingSet], _N]]
_InputJob = _Job | PendingLine
_LineDone = tuple[Seen[_N], SourceSpan, str | tuple[Problem, ...]] | list[Problem] | None


def _evaluate_input(settings: _InputSettings[_N], job: _InputJob
                    ) -> str | tuple[Problem, ...] | Problem | _LineDone[_N]:
    if not isinstance(job, PendingLine):
        return _evaluate_json(settings[0], job)
    loaded = load_line(job, settings[1])
    if not isinstance(loaded, LoadedCase):
        return loaded
    done = _evaluate_json(settings[0], (loaded.record, loaded.source))
    if not isinstance(done, str):
        assert isinstance(done, tuple)
        done = tuple(loaded.failed(EngineError(list(done))))
    return _seen(loaded, settings[0][0][0], settings[2]), loaded.span, done


def _seen(loaded: LoadedCase, readings: ReadingSet,
          inspect: Callable[[LoadedCase, ReadingSet], _N]) -> Seen[_N]:
    record = loaded.record
    return Seen(record.id, record.claimants(), inspect(loaded, readings))


def _send_input(item: LoadedCase | PendingLine | Problem) -> _InputJob:
    return item if isinstance(item, PendingLine) else _send(item)


def evaluate_inputs_json(
    items: Iterable[LoadedCase | PendingLine | Problem], readings: ReadingSet,
    inspect: Callable[[LoadedCase, ReadingSet], _N], *, only: Sequence[str] | None = None,
    engine: EngineChoice = "durable", account: str = OWN, jobs: int = 1,
    indent: int | None = None, default_zone: tzinfo | None = None,
) -> Iterator[EvaluatedInput[_N]]:
    """:func:`evaluate_stream_json` of what :func:`engine.cases.load.iter_case_inputs` yields:
    each pending line of JSON Lines is parsed, validated and evaluated by the process that
    evaluates it (a worker), so that the reading process only reads lines and writes results.
    Case ids are checked here, in input order, as :func:`engine.iter_cases` checks them: a
    duplicate is a problem in its place and its result is dropped.

    Args:
        inspect: a module-level function (workers import it) of a case and the readings, run
            where the case is read; its value comes back in :class:`Seen`.
        default_zone: as :func:`engine.iter_cases`, for the pending lines.
        Others: as :func:`evaluate_stream_json`.

    Raises:
        UsageError, TypeError: as :func:`evaluate_stream_json`.
    """
    _, ids, engine = checks.evaluation(readings, only, engine, account)
    checks.jobs(jobs)
    if indent is not None:
        arguments.integer("indent", indent, 0)
    arguments.zone("default_zone", default_zone)
    settings: _InputSettings[_N] = (((readings, ids, engine, account), indent), default_zone,
                                    inspect)
    done = map_with(_evaluate_input, settings, checks.inputs(items), _send_input, jobs=jobs)
    return _checked(done, readings, default_zone, inspect)


def _checked(done_items: Iterator[tuple[LoadedCase | PendingLine | Problem, object]],
             readings: ReadingSet, zone: tzinfo | None,
             inspect: Callable[[LoadedCase, ReadingSet], _N]) -> Iterator[EvaluatedInput[_N]]:
    seen = CaseIds()
    for item, done in done_items:
        if isinstance(item, Problem):
            yield item
        elif isinstance(item, LoadedCase):
            if (duplicate := seen.duplicate(item)) is not None:
                yield duplicate
            elif isinstance(done, str):
                yield _seen(item, readings, inspect), done
            else:
                assert isinstance(done, tuple)
                yield _seen(item, readings, inspect), tuple(item.failed(EngineError(list(done))))
        elif isinstance(done, list):
            yield from done  # the line's own problems
        elif done is not None:
            case, span, result = cast(tuple[Seen[_N], SourceSpan, str | tuple[Problem, ...]],
                                      done)
            first = seen.first(case.case_id, span)
            if first is None:
                yield case, result
            else:  # rare: the line is read again here to point at its id
                loaded = load_line(item, zone)
                assert isinstance(loaded, LoadedCase)
                duplicate = seen.duplicate(loaded, first)
                assert duplicate is not None
                yield duplicate
