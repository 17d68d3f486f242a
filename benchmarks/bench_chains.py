"""Benchmark: loading (parse, compile, conflict check) and evaluating long rule chains.

Prints figures; asserts nothing. Run: ``python benchmarks/bench_chains.py``. The readings are the
generated ones of ``tests/unit/chains.py`` (override chains; derivation chains, written last rule
first so that the reference evaluator's agenda meets them in the worst order), on the reference
evaluator: durable_rules' capacity limits readings of this size.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.base.yamlio import load_documents  # noqa: E402
from engine.cases.load import load_cases  # noqa: E402
from engine.readings._compiler import compile_reading  # noqa: E402
from engine.readings.load import load_readings  # noqa: E402
from engine.run.evaluate import evaluate_case  # noqa: E402
from tests.unit.chains import CASES, derivation_chain, override_chain, write  # noqa: E402

SHAPES = [("override chain", 1000, override_chain), ("override chain", 2000, override_chain),
          ("derivation chain", 200, derivation_chain),
          ("derivation chain", 2000, lambda n: derivation_chain(n, reverse=True))]


def main() -> None:
    """Load and evaluate each generated reading and print parse, compile and evaluate times."""
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cases_file = Path(tmp) / "cases.yaml"
        cases_file.write_text(CASES, encoding="utf-8")
        cases = [c.record for c in load_cases([cases_file]).cases]
        for name, n, make in SHAPES:
            folder = write(Path(tmp) / f"{name}-{n}".replace(" ", "-"), make(n))
            path = next(folder.glob("*.yaml"))
            start = time.perf_counter()
            (doc,) = load_documents(path.read_text(encoding="utf-8"), str(path))
            parsed = time.perf_counter()
            readings = load_readings(folder)
            loaded = time.perf_counter()
            compile_reading(doc, readings.common, expected_id=path.stem)
            compiled = time.perf_counter()
            for case in cases:
                evaluate_case(case, readings, engine="reference")
            done = time.perf_counter()
            print(f"{name} of {n} rules: parse {parsed - start:.2f} s, load (parse, compile, "
                  f"conflict check, translate) {loaded - parsed:.2f} s, compile and conflict check "
                  f"{compiled - loaded:.2f} s, {len(cases)} cases on the reference evaluator "
                  f"{(done - compiled) / len(cases) * 1000:.0f} ms/case")


if __name__ == "__main__":
    main()
