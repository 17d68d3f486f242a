"""What must hold for every input, fuzzed or not: the checks the fuzzers run.

* A case file: loading never raises; every problem is located in that file (line and column);
  every valid case evaluates on both engines or fails with an :class:`EngineError`, and its
  outcome renders (JSON and text).
* A folder of reading files: it loads or raises an :class:`EngineError` whose problems are all
  located; a loaded set evaluates the bundled cases on both engines.
* A command line: the exit code is 0, 1 or 2, never 3 (an internal error) and never an
  exception escaping click.

A broken promise raises :class:`Crash` (or lets the unexpected exception through).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from engine.base.errors import EngineError, Problem
from engine.cases.load import load_cases
from engine.interfaces.cli import main
from engine.present import render
from engine.readings.load import COMMON, ReadingSet, load_readings
from engine.run.evaluate import evaluate_case

ENGINES = ("reference", "durable")


class Crash(AssertionError):
    """An input broke a promise of the engine."""


def _located(problems: tuple[Problem, ...], source: str | None = None) -> None:
    for p in problems:
        if p.span is None or p.span.line is None or (source and p.span.source != source):
            raise Crash(f"problem not located{' in ' + source if source else ''}: {p}")
        if len(p.message) > 1000:
            raise Crash(f"message of {len(p.message)} characters: {p.message[:100]}...")


def check_case_file(data: bytes, readings: ReadingSet, workdir: Path,
                    name: str = "fuzzed.yaml") -> None:
    """Load ``data`` as a case file and evaluate and render every valid case in it."""
    path = workdir / name
    path.write_bytes(data)
    batch = load_cases([path], default_zone=readings.common.default_offset)
    _located(batch.errors, str(path))
    for loaded in batch.cases:
        for engine in ENGINES:
            try:
                result = evaluate_case(loaded.record, readings, engine=engine,  # type: ignore[arg-type]
                                       source=loaded.source)
            except EngineError as exc:
                _located(tuple(loaded.failed(exc)))
                continue
            result.model_dump_json()
            render.explain(result, readings.readings)


def check_reading_files(files: dict[str, bytes], cases: Path, workdir: Path) -> None:
    """Load a folder holding ``files`` (name to bytes) and, if it loads, evaluate ``cases``."""
    folder = workdir / "rules"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    try:
        readings = load_readings(folder)
    except EngineError as exc:
        # A reading file's problems are located in it; a folder-wide one just names the folder.
        _located(tuple(p for p in exc.problems if not (p.span and p.span.source == str(folder))))
        return
    batch = load_cases([cases], default_zone=readings.common.default_offset)
    for loaded in batch.cases:
        for engine in ENGINES:
            try:
                evaluate_case(loaded.record, readings, engine=engine)  # type: ignore[arg-type]
            except EngineError:
                continue


def check_cli(args: list[str], stdin: bytes = b"") -> int:
    """Run ``legal-status ARGS`` in-process; its exit code, after checking it is 0, 1 or 2."""
    runner = CliRunner()
    result = runner.invoke(main, args, input=stdin, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise Crash(f"legal-status {args!r} raised {result.exception!r}") from result.exception
    if result.exit_code not in (0, 1, 2):
        raise Crash(f"legal-status {args!r} exited {result.exit_code}: {result.output[-500:]}")
    return result.exit_code


__all__ = ["COMMON", "ENGINES", "Crash", "check_case_file", "check_cli", "check_reading_files"]
