"""``legal-status check``'s work, on one process or several.

Each reading is verified (conflicts, gaps, dead rules), its invariants proved over every
combination, then each invariant searched on generated cases. These are independent jobs (an
invariant's search starts from the seed alone, see :func:`engine.testing.invariants.
check_invariants`), so with ``jobs`` above 1 they are spread over worker processes (given the
compiled readings once), the exhaustive ones first, largest first: one reading's verification
can take more time than all the searches of another. The results are put back in the order of
the readings, the same as on one process.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, cast

from engine.analysis.domains import domains
from engine.analysis.proofs import verify_and_prove
from engine.analysis.verify import Verification
from engine.base.pool import spread
from engine.readings.load import ReadingSet

if TYPE_CHECKING:  # hypothesis is an optional extra: imported only where the search runs
    from engine.testing.invariants import InvariantResult

#: The readings, the generated cases per invariant, the seed, whether to search at all.
Settings = tuple[ReadingSet, int, int, bool]
Checked = tuple[Verification, "list[InvariantResult] | None"]
#: A reading's exhaustive verification (no invariant), or the search of one of its invariants.
Job = tuple[str, str | None]


def _run(settings: Settings, job: Job) -> Verification | InvariantResult:
    readings, examples, seed, _ = settings
    reading_id, invariant = job
    if invariant is None:
        return verify_and_prove(readings.readings[reading_id])
    from engine.testing.invariants import check_invariants
    (found,) = check_invariants(readings, readings.readings[reading_id], examples=examples,
                                seed=seed, only=[invariant])
    return found


def _size(readings: ReadingSet, reading_id: str) -> int:
    """How many combinations a reading's verification enumerates, at most (its cost)."""
    return math.prod(len(g) for g in domains(readings.readings[reading_id]))


def check_readings(settings: Settings, reading_ids: Sequence[str], jobs: int,
                   on_done: Callable[[], None] = lambda: None) -> list[Checked]:
    """Each reading's verification (proofs included) and, if searched, its invariants' results,
    in the order of ``reading_ids``; ``on_done`` is called as each reading is done.

    Raises:
        engine.base.pool.WorkerCrash: a worker process died.
    """
    readings, _, _, search = settings
    work: list[Job] = sorted(((rid, None) for rid in reading_ids),
                             key=lambda job: -_size(readings, job[0]))
    if search:
        work += [(rid, inv.id) for rid in reading_ids
                 for inv in readings.readings[rid].invariants]
    left = {rid: sum(1 for r, _ in work if r == rid) for rid in reading_ids}
    found: dict[Job, Verification | InvariantResult] = {}
    for n, result in spread(_run, settings, work, jobs=jobs):
        found[work[n]] = result
        left[work[n][0]] -= 1
        if left[work[n][0]] == 0:
            on_done()
    out: list[Checked] = []
    for rid in reading_ids:
        verification = found[(rid, None)]
        assert isinstance(verification, Verification)
        results = None if not search else [
            cast("InvariantResult", found[(rid, inv.id)])
            for inv in readings.readings[rid].invariants]
        out.append((verification, results))
    return out
