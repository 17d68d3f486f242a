"""The long fuzzing run: mutated case files, reading files and command lines, for N minutes.

Run from the repository root::

    python benchmarks/fuzz.py --minutes 10 --seed 1 [--out fuzz-crashes] [--targets cases,cli]

It prints inputs per second as it goes and every crash it finds: an exception other than an
``EngineError``, a problem without ``file:line:col``, an exit code other than 0, 1 or 2, a
signal, or an input that runs for more than a minute. Each crashing input is written to the
output folder (a case file as ``.yaml``; a reading folder as a folder; a command line as
``.json`` with its stdin beside it) with ``.txt`` holding what went wrong. The fuzzing runs in a
child process, so that a signal or a hang in native code is caught and the run goes on; the
mutations and the checks are those of the suite's bounded run (``tests/fuzz/``). Asserts
nothing; each crash found becomes a fixture under ``tests/errors/``.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Relative weights: a reading folder or a command line costs ten times a case file.
TARGETS = {"cases": 20, "readings": 1, "cli": 2}
#: Share of command lines that run `check`, whose exhaustive proofs take seconds.
CHECK_SHARE = 0.05
HANG_SECONDS = 60
REPORT_EVERY = 15.0


def _worker(seed: int, until: float, out: Path, targets: list[str]) -> None:
    """Fuzz until ``until`` (epoch seconds); write the input in hand to ``out/.current``."""
    from engine.readings.load import load_readings
    from tests.fuzz.mutations import (
        CASE_SEEDS,
        COMMANDS,
        READING_SEEDS,
        choose_args,
        mutate,
        seeds,
    )
    from tests.fuzz.oracle import check_case_file, check_cli, check_reading_files

    rnd = random.Random(seed)
    bundled = load_readings()
    cases, readings = seeds(*CASE_SEEDS), seeds(*READING_SEEDS)
    cli_paths = [str(p) for p in cases[::5]] + [str(ROOT / "cases"), str(ROOT / "rules"), "-"]
    current = out / ".current"
    weights = [TARGETS[t] for t in targets]
    count = crashes = 0
    last = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        while time.time() < until:
            target = rnd.choices(targets, weights)[0]
            files: dict[str, bytes] = {}
            args: list[str] = []
            if target == "cases":
                data = mutate(rnd.choice(cases).read_bytes(), rnd)
                record: dict[str, object] = {"data": data.decode("latin-1")}
            elif target == "readings":
                seed_file = rnd.choice(readings)
                files = {p.name: p.read_bytes() for p in seed_file.parent.glob("*.yaml")}
                files[seed_file.name] = mutate(files[seed_file.name], rnd)
                record = {"files": {k: v.decode("latin-1") for k, v in files.items()}}
            else:
                quick = tuple(c for c in COMMANDS if c != "check")
                args = choose_args(rnd, cli_paths,
                                   COMMANDS if rnd.random() < CHECK_SHARE else quick)
                data = mutate(rnd.choice(cases).read_bytes(), rnd)
                record = {"args": args, "stdin": data.decode("latin-1")}
            # Bytes as latin-1 text: JSON holds any byte string that way, unchanged.
            current.write_text(json.dumps({"target": target, **record}))
            try:
                if target == "cases":
                    check_case_file(data, bundled, work)
                elif target == "readings":
                    check_reading_files(files, ROOT / "cases", work)
                else:
                    check_cli(args, data)
            except Exception:  # every other failure is what we are here to find
                crashes += 1
                _save(out, f"{target}-{seed}-{count}", current, traceback.format_exc())
            count += 1
            if time.time() - last > REPORT_EVERY:
                print(json.dumps({"inputs": count, "crashes": crashes}), flush=True)
                last = time.time()
    print(json.dumps({"inputs": count, "crashes": crashes, "done": True}), flush=True)


def _save(out: Path, name: str, current: Path, why: str) -> None:
    """Keep the input in ``current`` as ``out/crash-NAME`` with ``why`` beside it."""
    try:
        record = json.loads(current.read_text())
    except (OSError, ValueError):
        record = {"target": "none"}
    if record["target"] == "cli":
        (out / f"crash-{name}.json").write_text(json.dumps(record["args"]))
        (out / f"crash-{name}.stdin").write_bytes(record["stdin"].encode("latin-1"))
    elif record["target"] == "readings":
        folder = out / f"crash-{name}"
        folder.mkdir(exist_ok=True)
        for file, text in record["files"].items():
            (folder / file).write_bytes(text.encode("latin-1"))
    elif record["target"] == "cases":
        (out / f"crash-{name}.yaml").write_bytes(record["data"].encode("latin-1"))
    (out / f"crash-{name}.txt").write_text(why)
    print(f"CRASH {name}: {why.strip().splitlines()[-1][:300]}", flush=True)


def _watch(child: subprocess.Popen[str], current: Path, hung: threading.Event) -> None:
    """Kill ``child`` when the input in hand has not changed for :data:`HANG_SECONDS`."""
    while child.poll() is None:
        time.sleep(2)
        try:
            idle = time.time() - current.stat().st_mtime
        except OSError:
            continue
        if idle > HANG_SECONDS and child.poll() is None:
            hung.set()
            child.kill()


def main() -> None:
    """Parse the options, run workers until the time is up, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "fuzz-crashes")
    parser.add_argument("--targets", default=",".join(TARGETS))
    parser.add_argument("--worker-until", type=float, help=argparse.SUPPRESS)
    opts = parser.parse_args()
    targets = [t for t in opts.targets.split(",") if t]
    if any(t not in TARGETS for t in targets):
        parser.error(f"--targets: choose among {', '.join(TARGETS)}")
    opts.out.mkdir(parents=True, exist_ok=True)
    if opts.worker_until is not None:
        _worker(opts.seed, opts.worker_until, opts.out, targets)
        return
    start = time.time()
    until = start + opts.minutes * 60
    seed, total, crashes = opts.seed, 0, 0
    while time.time() < until:
        # One worker at a time; a worker that dies or hangs is replaced with the next seed.
        cmd = [sys.executable, __file__, "--seed", str(seed), "--out", str(opts.out),
               "--targets", ",".join(targets), "--worker-until", str(until)]
        child = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        assert child.stdout is not None
        hung = threading.Event()
        threading.Thread(target=_watch, args=(child, opts.out / ".current", hung),
                         daemon=True).start()
        counted = 0
        for line in child.stdout:
            if line.startswith("{"):
                figures = json.loads(line)
                counted = figures["inputs"]
                rate = (total + counted) / (time.time() - start)
                print(f"{time.time() - start:7.0f} s  {total + counted} inputs  "
                      f"{rate:.0f} inputs/s  {crashes + figures['crashes']} crash(es)", flush=True)
                if figures.get("done"):
                    crashes += figures["crashes"]
            else:
                print(line, end="", flush=True)
        code = child.wait()
        total += counted
        if code != 0:
            crashes += 1
            why = (f"an input ran for more than {HANG_SECONDS} s" if hung.is_set() else
                   f"the worker ended with {'signal ' + str(-code) if code < 0 else code}")
            _save(opts.out, f"process-{seed}", opts.out / ".current", why)
        seed += 1000
    elapsed = time.time() - start
    print(f"fuzz: {total} inputs in {elapsed:.0f} s ({total / elapsed:.0f} inputs/s), "
          f"{crashes} crash(es); crashing inputs in {opts.out}")


if __name__ == "__main__":
    main()
