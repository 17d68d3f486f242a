"""Benchmark: the cost of ``compare`` per case (search evaluations, time) on each engine.

Prints figures (wall clock, and CPU time, which a loaded machine disturbs less); asserts
nothing. Run: ``python benchmarks/bench_compare.py [ROUNDS]``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from engine.analysis.compare import compare_case
from engine.cases.load import load_cases
from engine.readings.load import load_readings
from engine.run.evaluate import engine_to_use

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    """Compare every example case ROUNDS times on each engine and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rounds", nargs="?", type=int, default=5, metavar="ROUNDS",
                        help="passes over the bundled cases per engine (default 5); the first "
                             "is printed apart, as what one `compare cases/` run costs")
    rounds = parser.parse_args().rounds
    if rounds < 1:
        parser.error("ROUNDS must be at least 1")
    readings = load_readings()
    cases = [c.record for c in load_cases([ROOT / "cases"]).cases]
    for engine in ("durable", "reference"):
        if engine_to_use(engine) != engine:
            print(f"{engine}: unavailable on this interpreter")
            continue
        worst = (0.0, "")
        evaluations = 0
        start, cpu = time.perf_counter(), time.process_time()
        first = 0.0
        for round_ in range(rounds):
            for case in cases:
                t = time.perf_counter()
                result = compare_case(case, readings, engine=engine)
                worst = max(worst, (time.perf_counter() - t, case.id))
                evaluations += result.search.evaluations
            if round_ == 0:
                first = time.process_time() - cpu
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        n = rounds * len(cases)
        print(f"{engine}: {n} comparisons in {elapsed:.2f} s = {elapsed / n * 1000:.0f} ms/case "
              f"({cpu / n * 1000:.0f} ms CPU);"
              f" {evaluations / n:.0f} search evaluations/case; slowest {worst[1]} "
              f"{worst[0] * 1000:.0f} ms")
        # The first pass is what one `legal-status compare cases/` run costs; later rounds meet
        # the answers the first one found (shared by abstract case).
        print(f"  first pass over the {len(cases)} cases: {first / len(cases) * 1000:.0f} ms CPU "
              f"per case; later rounds {(cpu - first) / max(n - len(cases), 1) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
