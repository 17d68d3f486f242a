"""Benchmark: ``legal-status check`` on the bundled readings, with one process and with several,
against the engine of another source tree in the same run (``--against DIR``).

Each run is a fresh ``check --format json`` process; the script prints its wall clock and the
CPU time of it and its workers, best of ``--repeat``, the speed-up against ``--against`` (same
jobs) and against its own ``--jobs 1``, and whether every run printed the same JSON (verified
readings, proofs and the invariant search: it must). Asserts nothing. Run:
``python benchmarks/bench_check.py [--against DIR] [--jobs 1,2] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Starts the command group of whatever `engine` the path finds first.
_RUN = "import sys; from engine.interfaces.cli import main; sys.argv[0] = 'legal-status'; main()"


def _run(tree: Path, jobs: int, examples: int) -> tuple[float, float, bytes]:
    """One ``check`` of ``tree``'s engine: wall seconds, CPU seconds (children too), output."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(tree)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _RUN, "check", "--format", "json", "--jobs",
                           str(jobs), "--examples", str(examples)],
                          cwd=tree, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        sys.exit(f"check in {tree} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def main() -> None:
    """Time ``check`` per jobs setting, on this tree and on ``--against``, turn by turn."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", type=Path, help="another source tree (a git worktree of "
                        "an older commit) whose engine is timed the same way, turn by turn")
    parser.add_argument("--jobs", default="1,2", help="comma-separated --jobs values "
                        "(default 1,2)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each, the best kept "
                        "(default 1)")
    parser.add_argument("--examples", type=int, default=200, help="check --examples "
                        "(default 200, check's own default)")
    args = parser.parse_args()
    jobs = [int(j) for j in args.jobs.split(",")]
    if args.repeat < 1 or min(jobs) < 1:
        parser.error("--repeat and --jobs must be at least 1")
    trees = [("this tree", ROOT)] + ([("--against", args.against.resolve())]
                                     if args.against else [])
    best: dict[tuple[str, int], tuple[float, float]] = {}
    outputs: set[bytes] = set()
    for _ in range(args.repeat):
        for j in jobs:
            for name, tree in trees:  # turn by turn: a change in load hits both alike
                wall, cpu, out = _run(tree, j, args.examples)
                outputs.add(out)
                old = best.get((name, j))
                best[(name, j)] = (wall, cpu) if old is None or wall < old[0] else old
    load = os.getloadavg()[0]
    print(f"check --examples {args.examples}, best of {args.repeat}, load average now "
          f"{load:.2f}:")
    for j in jobs:
        for name, _ in trees:
            wall, cpu = best[(name, j)]
            line = f"  {name:>10} --jobs {j}: {wall:6.1f} s wall, {cpu:6.1f} s CPU"
            if name == "this tree" and ("--against", j) in best:
                line += f"; {best[('--against', j)][0] / wall:.2f}x --against"
            if j != 1 and (name, 1) in best:
                line += f"; {best[(name, 1)][0] / wall:.2f}x its --jobs 1"
            print(line)
    print("  same output in every run" if len(outputs) == 1 else
          f"  OUTPUTS DIFFER: {len(outputs)} distinct outputs")


if __name__ == "__main__":
    main()
