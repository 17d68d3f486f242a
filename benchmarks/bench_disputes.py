"""Benchmark: the cost of deciding disputed facts exactly, against the same case without claims.

For cases with 0 to 5 disputed facts (two or three claims each), prints the time per evaluation
of every reading on the uncontested account, the ratio to the plain case (baseline, measured in
the same run), and how many combinations of claimed values there are against how many the rules
tell apart (the ones evaluated); then the same for ``compare``. Prints figures; asserts nothing.
Run: ``python benchmarks/bench_disputes.py [N]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from engine.analysis.compare import compare_case
from engine.cases.record import CaseRecord
from engine.readings.load import load_readings
from engine.run.evaluate import EngineChoice, engine_to_use, evaluate_case

PLAIN: dict[str, Any] = {
    "id": "bench", "detaining_party": "AZ",
    "detainee": {"nationality": "AM", "affiliation": "armed_forces", "side": "AM"},
    "capture": {"time": "2020-12-13", "territory": "AZ", "circumstances": "combat"},
    "entry": {"time": "2020-11-20"},
}
#: Disputed facts added one by one: (block, field, claimed values).
DISPUTES: list[tuple[str, str, list[Any]]] = [
    ("capture", "time", ["2020-12-13", {"from": "2020-12-11", "to": "2020-12-13"},
                         "2020-10-20"]),
    ("detainee", "affiliation", ["armed_forces", "volunteer"]),
    ("capture", "territory", ["AZ", "AM", "GE"]),
    ("entry", "time", ["2020-11-20", "2020-11-05"]),
    ("detainee", "side", ["AM", "unknown"]),
]
WHO = ("AZ", "AM", "ICRC")


def disputed_case(k: int) -> CaseRecord:
    """The plain case with its first ``k`` disputes given as claims."""
    data = {key: dict(v) if isinstance(v, dict) else v for key, v in PLAIN.items()}
    for block, name, values in DISPUTES[:k]:
        data[block][name] = [{"value": v, "asserted_by": w, "source": "benchmark"}
                             for v, w in zip(values, WHO, strict=False)]
    return CaseRecord.model_validate(data)


def per_call(fn: Callable[[], object], n: int) -> float:
    """Seconds per call of ``fn`` over ``n`` calls, after one warm-up call."""
    fn()
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n


def figures(engine: EngineChoice, n: int) -> None:
    """Print the figures for each number of disputed facts on one engine."""
    readings = load_readings()
    plain_case = disputed_case(0)
    base = per_call(lambda: evaluate_case(plain_case, readings, engine=engine), n)
    print(f"{engine}: plain case {base * 1e6:.0f} us per evaluation of 4 readings (baseline)")
    for k in range(1, len(DISPUTES) + 1):
        case = disputed_case(k)
        result = evaluate_case(case, readings, engine=engine, account="uncontested")
        listed = sum(len(o.dispute.combinations) for o in result.readings.values() if o.dispute)
        evaluated = sum(o.dispute.evaluated for o in result.readings.values() if o.dispute)
        t = per_call(partial(evaluate_case, case, readings, engine=engine,
                             account="uncontested"), n)
        print(f"  {k} disputed fact(s): {t * 1e6:.0f} us = {t / base:.1f}x baseline; "
              f"{listed} combinations of claimed values over the readings, {evaluated} "
              "evaluated")
    m = max(1, n // 20)
    plain = per_call(lambda: compare_case(plain_case, readings, engine=engine), m)
    print(f"  compare, plain case: {plain * 1e3:.0f} ms (baseline)")
    for k in (1, 3, len(DISPUTES)):
        case = disputed_case(k)
        t = per_call(partial(compare_case, case, readings, engine=engine,
                             account="uncontested"), m)
        print(f"  compare, {k} disputed fact(s): {t * 1e3:.0f} ms = {t / plain:.1f}x baseline")


def main() -> None:
    """Print the figures on each engine available."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=200,
                        help="evaluations timed per figure (default 200)")
    n = parser.parse_args().n
    for engine in ("durable", "reference"):
        if engine_to_use(engine) != engine:
            print(f"{engine}: unavailable on this interpreter")
            continue
        figures(engine, n)


if __name__ == "__main__":
    main()
