"""``legal-status check``'s work per reading, on one process or several.

Each reading is verified (conflicts, gaps, dead rules), its invariants proved over every
combination, then searched on generated cases; readings are independent, so with ``jobs``
above 1 each goes to a worker process (given the compiled readings once). The results come
back in the order of the readings, the same as on one process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from engine.analysis.proofs import prove_invariants
from engine.analysis.verify import Verification, verify
from engine.base.pool import map_with
from engine.readings.load import ReadingSet

if TYPE_CHECKING:  # hypothesis is an optional extra: imported only where the search runs
    from engine.testing.invariants import InvariantResult

#: The readings, the generated cases per invariant, the seed, whether to search at all.
Settings = tuple[ReadingSet, int, int, bool]
Checked = tuple[Verification, "list[InvariantResult] | None"]

def _check_one(settings: Settings, reading_id: str) -> Checked:
    readings, examples, seed, search = settings
    reading = readings.readings[reading_id]
    verification = verify(reading)
    verification = replace(verification,
                           findings=verification.findings + tuple(prove_invariants(reading)))
    if not search:
        return verification, None
    from engine.testing.invariants import check_invariants
    return verification, check_invariants(readings, reading, examples=examples, seed=seed)


def check_readings(settings: Settings, reading_ids: Sequence[str], jobs: int,
                   on_done: Callable[[], None] = lambda: None) -> list[Checked]:
    """Each reading's verification (proofs included) and, if searched, its invariants' results,
    in the order of ``reading_ids``; ``on_done`` is called as each reading's result comes in.

    Raises:
        engine.base.pool.WorkerCrash: a worker process died.
    """
    out: list[Checked] = []
    for _, done in map_with(_check_one, settings, reading_ids, lambda rid: rid, jobs=jobs,
                            chunk=1):
        out.append(done)
        on_done()
    return out
