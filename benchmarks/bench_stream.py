"""Benchmark: the CLI on generated caseloads, streamed: peak RSS, first line, cases/second, jobs.

Prints figures and ratios measured in the same run; asserts nothing. Cases are generated from
the bundled examples (each copied under new ids) into a temporary folder as JSON Lines, never
committed. Each run is ``legal-status evaluate FILE --format jsonl --jobs J`` in a fresh
process; peak RSS is that process's (``wait4``; with ``--jobs 2`` the workers are counted
apart, as the largest of them).

A YAML list file over the 5 MiB cap (``--list-size`` cases, read case by case) is timed the same
way, beside the JSON Lines file of the same cases.

``--against DIR`` runs the ``--jobs`` comparison and the start-up also with the engine of another
source tree (an earlier commit: ``git archive COMMIT | tar -x -C DIR``), by the same interpreter,
turn by turn with this one, so that old and new are measured in the same run.

Run: ``python benchmarks/bench_stream.py [--sizes 1000,10000,100000] [--jobs-size 10000]
[--list-size 10000] [--repeat 3] [--against DIR]``.
The default sizes take about a minute and a half on 2 cores; add 100000 for the flat-memory
figure (about five minutes more).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from engine.base.yamlio import dump_yaml, load_documents

ROOT = Path(__file__).resolve().parent.parent


def generate(n: int, folder: Path) -> Path:
    """A JSON Lines file of ``n`` cases: the bundled examples round-robin, each under a new id."""
    examples = []
    for path in sorted((ROOT / "cases").glob("*.yaml")):
        for doc in load_documents(path.read_text(encoding="utf-8"), str(path)):
            examples += doc.data if isinstance(doc.data, list) else [doc.data]
    out = folder / f"cases-{n}.jsonl"
    with out.open("w", encoding="utf-8") as stream:
        for i in range(n):
            case = dict(examples[i % len(examples)])
            case["id"] = f"{case['id']}-{i}"
            stream.write(json.dumps(case, ensure_ascii=False) + "\n")
    return out


def as_yaml_list(jsonl: Path) -> Path:
    """The cases of a JSON Lines file as one YAML list file, written case by case (a child
    process's peak RSS starts from this one's, so this one must stay small)."""
    out = jsonl.with_suffix(".yaml")
    with jsonl.open(encoding="utf-8") as lines, out.open("w", encoding="utf-8") as stream:
        for line in lines:
            stream.write(dump_yaml([json.loads(line)]))
    return out


# As installed: bytecode written and reused (a machine that sets PYTHONDONTWRITEBYTECODE would
# compile the engine from source at every start, about 0.13 s, and time that too).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
SHM = "/dev/shm"


def _out_dir(path: Path) -> str | None:
    """Where a run's output on ``path`` goes: memory where there is room (see :func:`run`)."""
    room = os.path.isdir(SHM) and shutil.disk_usage(SHM).free > 20 * path.stat().st_size
    return SHM if room else None


def run(path: Path, jobs: int, root: Path = ROOT) -> dict[str, float]:
    """One CLI run: seconds to the first output line and in all, lines out, peak RSS (MiB).

    The output goes to a file, as ``> results.jsonl`` would: through a pipe, a process that
    writes faster than the pipe is read waits for the reader, and that wait (about a sixth of
    a ``--jobs 1`` run here) would be timed too. The file is in memory (``/dev/shm``) where
    there is room: on disk, the write-back of an earlier run's gigabytes slowed a later run by
    up to a fifth. The first line is seen by polling the file (every 2 ms)."""
    args = [sys.executable, "-m", "engine.interfaces.cli", "evaluate", str(path),
            "--format", "jsonl", "--jobs", str(jobs)]
    with (tempfile.NamedTemporaryFile(dir=_out_dir(path)) as out,
          open(out.name, "rb") as peek):
        start = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, cwd=root, env=ENV)
        first_at, head = 0.0, b""
        while not first_at and proc.poll() is None:
            head += peek.read()
            if b"\n" in head:
                first_at = time.perf_counter() - start
            else:
                time.sleep(0.002)
        _, status, usage = os.wait4(proc.pid, 0)
        total = time.perf_counter() - start
        first_at = first_at or total
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"the run failed with exit {proc.returncode}: {' '.join(args)}")
        with open(out.name, "rb") as written:
            lines = sum(1 for _ in written)
    return {"first": first_at, "total": total, "lines": lines,
            "rss": usage.ru_maxrss / 1024, "cpu": usage.ru_utime + usage.ru_stime}


def by_hand(path: Path, root: Path) -> float:
    """Seconds for two ``--jobs 1`` runs at once, each on half of ``path``'s lines (output to
    files in memory, as :func:`run`): what splitting the caseload by hand gets, the way the
    issue measured 2.07x, with no pool at all (each process starts up on its own, in
    parallel)."""
    lines = path.read_bytes().splitlines(keepends=True)
    halves = [path.with_name(f"{path.stem}-half{n}.jsonl") for n in (1, 2)]
    halves[0].write_bytes(b"".join(lines[:len(lines) // 2]))
    halves[1].write_bytes(b"".join(lines[len(lines) // 2:]))
    with (tempfile.TemporaryFile(dir=_out_dir(path)) as out1,
          tempfile.TemporaryFile(dir=_out_dir(path)) as out2):
        start = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-m", "engine.interfaces.cli", "evaluate",
                                   str(half), "--format", "jsonl", "--jobs", "1"],
                                  stdout=out, cwd=root, env=ENV)
                 for half, out in zip(halves, (out1, out2), strict=True)]
        if any(proc.wait() != 0 for proc in procs):
            raise SystemExit(f"a run on half of {path} failed")
        return time.perf_counter() - start


#: The runs of one tree: ``--jobs 1``'s and ``--jobs 2``'s figures, and the seconds by hand.
_Runs = tuple[list[dict[str, float]], list[dict[str, float]], list[float]]


def jobs_figures(path: Path, one_case: Path, roots: list[Path], repeat: int,
                 ceiling: float) -> dict[Path, str]:
    """``--jobs 1`` against ``--jobs 2`` and against :func:`by_hand` on ``path``, ``repeat``
    rounds, and the start-up (the best of five runs of ``one_case``), with the engine of each
    of ``roots``: a line of figures for each.

    In each round every tree runs ``--jobs 1``, ``--jobs 2`` and by hand, one after the other,
    so that a slower spell of the host falls on all of them. The best run of each is the one
    least disturbed by whatever else the host ran (as timeit takes the best): the speed-up of
    the best runs is printed beside that of the medians and the median of each round's own
    speed-up (its two runs minutes apart at most, seconds here). The bound is what a pool with
    no cost of its own would get in this run: start-up done once, then the rest spread over
    two processes at ``ceiling``, the machine's own two-process speed-up measured in the same
    run."""
    runs: dict[Path, _Runs] = {root: ([], [], []) for root in roots}
    for _ in range(repeat):
        for root in roots:
            ones, twos, hands = runs[root]
            ones.append(run(path, 1, root))
            twos.append(run(path, 2, root))
            hands.append(by_hand(path, root))
    return {root: _figures(runs[root], one_case, root, ceiling) for root in roots}


def _figures(runs: _Runs, one_case: Path, root: Path, ceiling: float) -> str:
    ones, twos, hands = runs
    one = min(ones, key=lambda f: f["total"])
    two = min(twos, key=lambda f: f["total"])
    mid1 = statistics.median(f["total"] for f in ones)
    mid2 = statistics.median(f["total"] for f in twos)
    rounds = statistics.median(a["total"] / b["total"] for a, b in zip(ones, twos, strict=True))
    cpu1 = statistics.median(f["cpu"] for f in ones)
    cpu2 = statistics.median(f["cpu"] for f in twos)
    # What two processes cannot share: starting up (imports, readings), as one case's run
    # takes; the rest at best is shared at the machine's ceiling.
    start = min(run(one_case, 1, root)["total"] for _ in range(5))
    # Over 2x is noise in timing one process alone: two processes cannot share more than all.
    ceiling = min(ceiling, 2.0)
    bound = one["total"] / (start + (one["total"] - start) / ceiling)
    speed = one["total"] / two["total"]
    return (f"{ones[0]['lines']:.0f} cases, {len(ones)} rounds: --jobs 1 best "
            f"{one['total']:.2f} s (median {mid1:.2f}), --jobs 2 best {two['total']:.2f} s "
            f"(median {mid2:.2f}; first line {two['first']:.2f} s; largest process "
            f"{two['rss']:.0f} MiB): speed-up {speed:.2f}x (medians {mid1 / mid2:.2f}x; median "
            f"of the rounds' own {rounds:.2f}x); CPU of all processes (medians) {cpu1:.1f} s "
            f"vs {cpu2:.1f} s, ratio {cpu2 / cpu1:.2f}; start-up (a 1-case run, best of 5) "
            f"{start:.3f} s; with the machine's ceiling {ceiling:.2f}x a pool with no cost of "
            f"its own would get {bound:.2f}x: this is {speed / bound:.0%} of that; two --jobs 1 "
            f"processes on the halves at once, by hand: best {min(hands):.2f} s, "
            f"{one['total'] / min(hands):.2f}x (median {statistics.median(hands):.2f} s); load "
            f"average now {os.getloadavg()[0]:.1f}")


# Python work, no I/O: what two processes of it get on this machine is the most any --jobs 2 run
# of like work can get (two vCPUs of a shared host share caches and memory bandwidth). One loop
# of arithmetic, which stays in the core's own caches; one that builds, encodes and decodes
# dicts, lists and strings, as evaluating cases does.
_SPIN = {
    "arithmetic": "n = 0\nfor i in range(12_000_000):\n    n += i * i % 7\n",
    "objects": "import json\n"
               "data = [{'id': f'c{i}', 'v': list(range(i % 50)),\n"
               "         'n': {'a': str(i), 'b': [str(j) for j in range(20)]}}\n"
               "        for i in range(20_000)]\n"
               "for _ in range(6):\n"
               "    back = [json.loads(json.dumps(d)) for d in data]\n"
               "    index = {x['id']: x for x in back}\n",
}


def machine_ceiling() -> dict[str, float]:
    """The speed-up two CPU-bound Python processes get here over one (the best of three), for
    each kind of work in :data:`_SPIN`."""
    def timed(code: str, count: int) -> float:
        start = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(count)]
        for proc in procs:
            proc.wait()
        return time.perf_counter() - start
    found = {}
    for kind, code in _SPIN.items():
        alone = min(timed(code, 1) for _ in range(3))
        two = min(timed(code, 2) for _ in range(3))
        found[kind] = 2 * alone / two
    return found


def main() -> None:
    """Generate the caseloads, run the CLI on each, and print the figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000",
                        help="caseloads (comma-separated) timed with --jobs 1: peak RSS, first "
                             "line, cases/s (default 1000,10000)")
    parser.add_argument("--jobs-size", type=int, default=10_000,
                        help="the caseload of the --jobs 1 / --jobs 2 / by hand rounds; 0: "
                             "none (default 10000)")
    parser.add_argument("--list-size", type=int, default=10_000,
                        help="the caseload also read as one YAML list file; 0: none "
                             "(default 10000)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds of --jobs 1, --jobs 2 and by hand, turn by turn, each tree "
                             "in each round (default 3)")
    parser.add_argument("--against", action="append", default=[], metavar="DIR",
                        help="also time --jobs and start-up with the engine of this source tree")
    options = parser.parse_args()
    sizes = [int(s) for s in options.sizes.split(",")]
    print(f"{os.cpu_count()} core(s), load average {os.getloadavg()[0]:.1f} (wall-clock figures"
          " are only as good as an idle machine; CPU seconds are less sensitive to other load);"
          " evaluate --format jsonl, JSON Lines in, all readings")
    with tempfile.TemporaryDirectory() as tmp:
        per_case: dict[int, float] = {}
        for n in sizes:
            figures = run(generate(n, Path(tmp)), 1)
            # Per case after the first line: start-up (imports, readings) is paid once.
            per_case[n] = (figures["total"] - figures["first"]) / max(n - 1, 1)
            print(f"{n:>7} cases, --jobs 1: peak RSS {figures['rss']:7.1f} MiB, first line "
                  f"{figures['first']:6.2f} s, total {figures['total']:7.1f} s, "
                  f"{n / figures['total']:6.0f} cases/s, {per_case[n] * 1e3:.2f} ms/case "
                  f"after the first, {figures['cpu'] / n * 1e3:.2f} ms CPU/case")
            assert figures["lines"] == n, f"{figures['lines']} lines out for {n} cases"
        smallest = min(per_case)
        for n in sorted(per_case)[1:]:
            print(f"per-case cost at {n} / at {smallest}: {per_case[n] / per_case[smallest]:.2f}")
        if options.jobs_size:
            ceiling = machine_ceiling()
            print("this machine, two CPU-bound Python processes against one (best of three): "
                  + "; ".join(f"{kind} {x:.2f}x" for kind, x in ceiling.items()))
            path, one_case = generate(options.jobs_size, Path(tmp)), generate(1, Path(tmp))
            trees = [ROOT, *(Path(d).resolve() for d in options.against)]
            for root in trees:
                run(path, 1, root)  # bytecode written, files cached: the runs below start alike
            # The work most like evaluating cases (building, encoding, decoding objects).
            found = jobs_figures(path, one_case, trees, options.repeat, ceiling["objects"])
            for root in trees:
                print(f"{'this tree' if root == ROOT else root}: {found[root]}")
        if options.list_size:
            n = options.list_size
            jsonl = generate(n, Path(tmp))
            listed = as_yaml_list(jsonl)
            lines, yaml_list = run(jsonl, 1), run(listed, 1)
            print(f"{n} cases as one YAML list file ({listed.stat().st_size / 2**20:.1f} MiB, read"
                  f" case by case), --jobs 1: peak RSS {yaml_list['rss']:.1f} MiB, first line "
                  f"{yaml_list['first']:.2f} s, {yaml_list['cpu'] / n * 1e3:.2f} ms CPU/case; as "
                  f"JSON Lines: {lines['rss']:.1f} MiB, {lines['first']:.2f} s, "
                  f"{lines['cpu'] / n * 1e3:.2f} ms CPU/case")


if __name__ == "__main__":
    main()
