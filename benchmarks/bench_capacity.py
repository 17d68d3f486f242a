"""Benchmark: load and evaluation times of growing readings, on durable_rules and the reference.

Prints figures; asserts nothing. Run: ``python benchmarks/bench_capacity.py [REPEATS]``.

For each shape of ``tests/capacity_shapes.py`` (rules on distinct instants, rules sharing one
condition, rules needing one derived fact) and each size, it loads the generated reading (YAML,
compile, translation, capacity count) and evaluates three cases REPEATS times on each engine.
Times are per case; ratios are durable / reference, measured in the same run. A size over one of
durable_rules' limits runs on the reference evaluator whatever is asked (the ``durable`` column
then says ``(ref)``): that is the fallback's cost, and the point where it starts.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.cases.load import load_cases  # noqa: E402
from engine.cases.record import CaseRecord  # noqa: E402
from engine.readings.load import ReadingSet, load_readings  # noqa: E402
from engine.run.evaluate import EngineChoice, engine_to_use, evaluate_case  # noqa: E402
from tests.capacity_shapes import CASES, write_reading  # noqa: E402

SIZES = {"instants": (8, 32, 55, 64, 512, 4096), "shared": (16, 128, 224, 260, 1024),
         "derived": (16, 128, 224, 300, 1024)}


def _per_case(readings: ReadingSet, cases: list[CaseRecord], engine: EngineChoice,
              repeats: int) -> float:
    for case in cases:  # warm up: the ruleset is created on the first evaluation
        evaluate_case(case, readings, engine=engine)
    start = time.perf_counter()
    for _ in range(repeats):
        for case in cases:
            evaluate_case(case, readings, engine=engine)
    return (time.perf_counter() - start) / (repeats * len(cases))


def main() -> None:
    """Print one line per shape and size: load time, per-case times, their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repeats", nargs="?", type=int, default=20,
                        help="times each of the three cases is evaluated per engine (default 20)")
    repeats = parser.parse_args().repeats
    durable = engine_to_use("durable") == "durable"
    print(f"durable_rules available: {durable}; {repeats} repeats of 3 cases per engine")
    print(f"{'shape':9} {'rules':>5} {'load s':>7} {'durable ms':>11} {'reference ms':>13} "
          f"{'ratio':>6}  note")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "cases.yaml").write_text(CASES, encoding="utf-8")
        cases = [c.record for c in load_cases([Path(tmp) / "cases.yaml"]).cases]
        for shape, sizes in SIZES.items():
            for n in sizes:
                folder = Path(tmp) / f"{shape}-{n}"
                write_reading(folder, "big", shape, n)
                start = time.perf_counter()
                readings = load_readings(folder)
                load = time.perf_counter() - start
                note = readings.programs["big"].over_limit
                ref = _per_case(readings, cases, "reference", repeats)
                dur = _per_case(readings, cases, "durable", repeats) if durable else float("nan")
                label = f"{dur * 1e3:8.3f}" + (" (ref)" if note else "      ")
                print(f"{shape:9} {n:5d} {load:7.2f} {label:>11} {ref * 1e3:13.3f} "
                      f"{dur / ref:6.2f}  {note.split(';')[0] if note else ''}")
                readings.close()


if __name__ == "__main__":
    main()
