"""Benchmark: evaluations per second and resident memory over a long batch, per engine.

Prints figures; asserts nothing. Run: ``python benchmarks/bench_evaluate.py [N]``.
Memory is read from /proc/self/status (Linux); elsewhere it is reported as unavailable.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from engine.cases.load import load_cases
from engine.readings.load import load_readings
from engine.run.evaluate import engine_to_use, evaluate_case

ROOT = Path(__file__).resolve().parent.parent


def rss_mib() -> float | None:
    """Resident set size in MiB, or None where /proc is unavailable."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def main() -> None:
    """Evaluate the example cases N times round-robin on each engine and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=20_000,
                        help="evaluations per engine (default 20,000)")
    n = parser.parse_args().n
    readings = load_readings()
    cases = [c.record for c in load_cases([ROOT / "cases"]).cases]
    for engine in ("durable", "reference"):
        if engine_to_use(engine) != engine:
            print(f"{engine}: unavailable on this interpreter")
            continue
        for case in cases:  # warm up: rulesets created, caches filled
            evaluate_case(case, readings, engine=engine)
        before = rss_mib()
        start = time.perf_counter()
        for i in range(n):
            evaluate_case(cases[i % len(cases)], readings, engine=engine)
        elapsed = time.perf_counter() - start
        after = rss_mib()
        per = elapsed / n * 1e6
        mem = f"RSS {before:.1f} -> {after:.1f} MiB" if before and after else "RSS unavailable"
        print(f"{engine}: {n} case evaluations x {len(readings.readings)} readings in "
              f"{elapsed:.2f} s = {per:.0f} us/case ({n / elapsed:.0f} cases/s); {mem}")


if __name__ == "__main__":
    main()
