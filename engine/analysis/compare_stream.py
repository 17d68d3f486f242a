"""Compare a stream of cases, on one process or several, in input order.

Beside :func:`engine.analysis.compare.compare_batch`, which holds a whole batch: here each case
is compared as it comes (by worker processes when ``jobs`` is above 1, each given the compiled
readings once) and handed back with its comparison, in input order, the same as on one process.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from engine.analysis.compare import compare_case
from engine.analysis.comparison import Comparison
from engine.analysis.counterfactual import DEFAULT_BUDGET
from engine.base.errors import EngineError, Problem
from engine.base.pool import map_with
from engine.cases.load import LoadedCase
from engine.cases.record import CaseRecord
from engine.readings.load import ReadingSet
from engine.run import checks
from engine.run.evaluate import EngineChoice

#: A problem of the input, or a case with its comparison (or its failure's problems).
Compared = Problem | tuple[LoadedCase, Comparison | tuple[Problem, ...]]
_Job = tuple[CaseRecord, str] | Problem
_Done = Comparison | tuple[Problem, ...] | Problem
_Settings = tuple[ReadingSet, tuple[str, ...] | None, str, EngineChoice, int, bool]
#: Cases per chunk: a comparison costs tens of milliseconds, so small chunks keep both cores busy.
CHUNK = 4

def _compare_one(settings: _Settings, job: _Job) -> _Done:
    readings, only, account, engine, budget, full_tables = settings
    if isinstance(job, Problem):
        return job
    record, source = job
    try:
        return compare_case(record, readings, only=only, account=account, engine=engine,
                            source=source, budget=budget, full_tables=full_tables)
    except EngineError as exc:  # located problems travel back; the batch goes on
        return tuple(exc.problems)


def _send(item: LoadedCase | Problem) -> _Job:
    return item if isinstance(item, Problem) else (item.record, item.source)


def compare_stream(
    items: Iterable[LoadedCase | Problem], readings: ReadingSet, *, only: Sequence[str] = (),
    account: str = "own", engine: EngineChoice = "durable", budget: int = DEFAULT_BUDGET,
    jobs: int = 1, full_tables: bool = False,
) -> Iterator[Compared]:
    """Compare the cases of ``items`` (as :func:`engine.iter_cases` yields them), in order.

    Args:
        items: loaded cases and problems; problems are passed on, in their place.
        readings, only, account, engine, budget, full_tables: as :func:`compare_case`.
        jobs: processes to compare on (1: this one); the same comparisons, in the same order.

    Yields:
        Each problem of the input, and ``(loaded, comparison)`` for each case, or
        ``(loaded, problems)`` if its comparison failed (named and located by the case).

    Raises:
        UsageError, TypeError: a wrong argument, as :func:`compare_case` says; ``jobs`` below 1
            (``TypeError`` if not an int); when it is reached, an element of ``items`` that is
            neither a :class:`LoadedCase` nor a :class:`Problem` (``TypeError``). Being a
            generator, it checks its arguments when iteration starts.
        engine.base.pool.WorkerCrash: a worker process died.
    """
    checks.comparison(None, readings, only, engine, account, "", budget, full_tables)
    checks.jobs(jobs)
    items = checks.items(items)
    settings: _Settings = (readings, tuple(only) or None, account, engine, budget, full_tables)
    for item, done in map_with(_compare_one, settings, items, _send, jobs=jobs, chunk=CHUNK):
        if isinstance(item, Problem):
            yield item
        elif isinstance(done, tuple):
            yield item, tuple(item.failed(EngineError(list(done))))
        else:
            assert isinstance(done, Comparison)
            yield item, done
