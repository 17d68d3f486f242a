"""Evaluate a caseload whose JSON Lines are read where they are evaluated, results rendered
there too: the reading process only reads lines, checks ids and writes what comes back.

With ``--jobs N`` the cost of a case is mostly parsing, validating, evaluating and rendering it,
all of which a worker can do; what travels back is the rendered result (the bytes to write)
and the little the reading process needs of the case (:class:`Seen`). The results, problems and
their order are those of :func:`engine.run.stream.evaluate_stream` on
:func:`engine.iter_cases`, whatever the number of processes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import tzinfo
from typing import Generic, NamedTuple, TypeVar

from engine.base import arguments
from engine.base.errors import EngineError, Problem, SourceSpan
from engine.base.pool import Mapper, map_with
from engine.cases.load import CaseIds, LoadedCase, PendingLine, load_line
from engine.cases.record import CaseRecord
from engine.readings.load import ReadingSet
from engine.run import checks
from engine.run.evaluate import OWN, EngineChoice
from engine.run.outcome import CaseResult
from engine.run.stream import Settings, evaluate_job

_N = TypeVar("_N")
_R = TypeVar("_R")


class Seen(NamedTuple, Generic[_N]):
    """What :func:`evaluate_inputs` tells of a case beside its result: its id, who made claims
    in it, and what ``inspect`` found in it (made where the case was read)."""

    case_id: str
    claimants: tuple[str, ...]
    notes: _N


class _Ok(NamedTuple, Generic[_R]):
    """A rendered result (told apart from a failure's problems whatever ``render`` gives)."""

    value: _R


#: What :func:`evaluate_inputs` yields: a problem of the input, or a case with its rendered
#: result or the located problems of its failed evaluation.
EvaluatedInput = Problem | tuple[Seen[_N], _R | tuple[Problem, ...]]
Inspect = Callable[[LoadedCase, ReadingSet], _N]
Render = Callable[[CaseResult], _R]
_Settings = tuple[Settings, tzinfo | None, Inspect[_N], Render[_R]]
_Job = tuple[CaseRecord, str] | PendingLine | Problem
_LineDone = tuple[Seen[_N], SourceSpan, _Ok[_R] | tuple[Problem, ...]]


def _evaluate(settings: _Settings[_N, _R], record: CaseRecord, source: str,
              ) -> _Ok[_R] | tuple[Problem, ...]:
    done = evaluate_job(settings[0], (record, source))
    assert not isinstance(done, Problem), "a case, not a problem, was sent"
    return _Ok(settings[3](done)) if isinstance(done, CaseResult) else done


def _work(settings: _Settings[_N, _R], job: _Job,
          ) -> Problem | _Ok[_R] | tuple[Problem, ...] | _LineDone[_N, _R] | list[Problem] | None:
    if isinstance(job, Problem):
        return job
    if not isinstance(job, PendingLine):
        return _evaluate(settings, *job)
    loaded = load_line(job, settings[1])
    if not isinstance(loaded, LoadedCase):
        return loaded  # the line's problems, or None for a blank line
    done = _evaluate(settings, loaded.record, loaded.source)
    if not isinstance(done, _Ok):
        done = tuple(loaded.failed(EngineError(list(done))))
    return _seen(loaded, settings[0][0], settings[2]), loaded.span, done


def _seen(loaded: LoadedCase, readings: ReadingSet, inspect: Inspect[_N]) -> Seen[_N]:
    record = loaded.record
    return Seen(record.id, record.claimants(), inspect(loaded, readings))


def _send(item: LoadedCase | PendingLine | Problem) -> _Job:
    return (item.record, item.source) if isinstance(item, LoadedCase) else item


def evaluate_inputs(
    items: Iterable[LoadedCase | PendingLine | Problem], readings: ReadingSet,
    inspect: Inspect[_N], render: Render[_R], *, only: Sequence[str] | None = None,
    engine: EngineChoice = "durable", account: str = OWN, jobs: int = 1,
    default_zone: tzinfo | None = None, mapper: Mapper = map_with,
) -> Iterator[EvaluatedInput[_N, _R]]:
    """Evaluate what :func:`engine.cases.load.iter_case_inputs` yields, in input order: each
    pending line of JSON Lines is parsed, validated, evaluated and rendered by the process that
    evaluates it. Case ids are checked here, in input order, as :func:`engine.iter_cases`
    checks them: a duplicate is a problem in its place and its result is dropped.

    Args:
        inspect: a module-level function (workers import it) of a case and the readings, run
            where the case is read; its value comes back in :class:`Seen`.
        render: a module-level function of a :class:`CaseResult`, run where the case is
            evaluated (the result's JSON bytes, say: cheaper to send back than the result).
        default_zone: as :func:`engine.iter_cases`, for the pending lines.
        only, engine, account, jobs: as :func:`engine.run.stream.evaluate_stream`.
        mapper: what spreads the work over ``jobs`` processes: :func:`engine.base.pool.map_with`,
            or a :class:`engine.base.relay.Relay`'s ``map`` (whose workers write ``render``'s
            bytes themselves).

    Yields:
        Each problem of the input in its place, and ``(seen, rendered)`` for each case, or
        ``(seen, problems)`` if its evaluation failed.

    Raises:
        UsageError, TypeError: as :func:`engine.run.stream.evaluate_stream` (an element of
            ``items`` may also be a :class:`PendingLine`); ``default_zone`` not a ``tzinfo``.
    """
    _, ids, engine = checks.evaluation(readings, only, engine, account)
    checks.jobs(jobs)
    arguments.zone("default_zone", default_zone)
    settings: _Settings[_N, _R] = ((readings, ids, engine, account), default_zone, inspect,
                                   render)
    done = mapper(_work, settings, checks.inputs(items), _send, jobs=jobs)
    return _checked(done, readings, default_zone, inspect)


def _checked(done_items: Iterator[tuple[LoadedCase | PendingLine | Problem, object]],
             readings: ReadingSet, zone: tzinfo | None, inspect: Inspect[_N],
             ) -> Iterator[EvaluatedInput[_N, _R]]:
    ids = CaseIds()
    for item, done in done_items:
        if isinstance(item, Problem):
            yield item
        elif isinstance(item, LoadedCase):
            if (duplicate := ids.duplicate(item)) is not None:
                yield duplicate
                continue
            seen = _seen(item, readings, inspect)
            if isinstance(done, _Ok):
                yield seen, done.value
            else:
                assert isinstance(done, tuple)
                yield seen, tuple(item.failed(EngineError(list(done))))
        elif isinstance(done, list):
            yield from done  # the line's own problems
        elif done is not None:
            assert isinstance(done, tuple)
            case, span, result = done
            first = ids.first(case.case_id, span)
            if first is None:
                yield case, result.value if isinstance(result, _Ok) else result
            else:  # rare: the line is read again here to point at its id
                loaded = load_line(item, zone)
                assert isinstance(loaded, LoadedCase)
                duplicate = ids.duplicate(loaded, first)
                assert duplicate is not None
                yield duplicate
