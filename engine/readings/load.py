"""Find, load and compile a set of readings: the bundled ones, or those in a folder.

A folder holds one ``<id>.yaml`` per reading and, optionally, its own ``common.yaml`` (else the
bundled one is used). Every file is checked, and the problems of all files are reported together.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from engine.base import arguments
from engine.base.errors import (
    EngineError,
    InputError,
    Problem,
    RuleFileError,
    SourceSpan,
    UsageError,
    suggest,
)
from engine.base.frozen import frozen_dict
from engine.base.sourcefile import display_name, read_path, scan_folder
from engine.base.yamlio import Document, load_documents
from engine.readings._compiler import compile_common, compile_reading
from engine.readings.model import Common, Reading
from engine.readings.to_durable import DurableProgram, release, translate

COMMON = "common.yaml"


@dataclass(frozen=True)
class ReadingSet:
    """Compiled readings, in a stable order, with what they share.

    Evaluating on durable_rules registers each reading's ruleset in the process-wide C engine,
    once per distinct program (a reading loaded again unchanged shares it). The set holds those
    rulesets until :meth:`close` (or ``with load_readings(...) as rs:``), or until it is
    garbage-collected; then each ruleset no other set holds is deleted (durable_rules'
    ``delete_ruleset``; its regex state machines are never freed by 2.0.28, which is why the
    translation avoids regexes). A closed set can still be used: it registers again on demand.
    """

    common: Common
    readings: Mapping[str, Reading]
    programs: Mapping[str, DurableProgram]
    directory: str

    def __post_init__(self) -> None:
        # One set serves every caller of a host: its mappings must not change under them.
        object.__setattr__(self, "readings", frozen_dict(self.readings))
        object.__setattr__(self, "programs", frozen_dict(self.programs))

    def close(self) -> None:
        """Release the durable_rules rulesets this set holds (see the class docstring)."""
        release(self)

    def __enter__(self) -> ReadingSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def over_limit(self) -> dict[str, str]:
        """Reading id -> which durable_rules limit it exceeds, for the readings that do (they
        run on the reference evaluator)."""
        return {rid: p.over_limit for rid, p in self.programs.items() if p.over_limit}

    def select(self, ids: Sequence[str] | None) -> list[Reading]:
        """The readings named in ``ids`` (all when None), or UsageError for an unknown id."""
        if not ids:
            return list(self.readings.values())
        unknown = [i for i in ids if i not in self.readings]
        if unknown:
            raise UsageError([Problem(f"unknown reading '{i}'{suggest(i, self.readings)}; "
                                      f"known: {', '.join(self.readings)}",
                                      code="unknown_reading") for i in unknown])
        return [self.readings[i] for i in dict.fromkeys(ids)]


def bundled_rules_dir() -> Path:
    """The bundled ``rules/`` folder: inside the installed package, else beside the sources."""
    packaged = Path(str(resources.files("engine"))) / "rules"
    if (packaged / COMMON).is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "rules"


def _load_one(path: Path) -> Document:
    try:
        text = read_path(path, scanned=True)
    except InputError as exc:
        raise RuleFileError([Problem(f"cannot read rule file: {p.message}", p.span, p.code)
                             for p in exc.problems]) from None
    docs = load_documents(text, display_name(path))
    if len(docs) != 1:
        raise RuleFileError([Problem(f"expected exactly one YAML document, found {len(docs)}",
                                     SourceSpan(display_name(path), 1, 1),
                                     code="multiple_documents")])
    return docs[0]


def load_readings(directory: str | Path | None = None, *,
                  allow_conflicts: bool = False) -> ReadingSet:
    """Load and compile ``common.yaml`` and every reading in ``directory`` (default: bundled).

    Args:
        directory: a folder of reading files (with or without its own ``common.yaml``); None
            for the bundled readings.
        allow_conflicts: load readings whose rules could conflict (for ``legal-status check``,
            which reports each conflict with an example case).

    Raises:
        RuleFileError: every problem in every file, located (a folder that does not exist is
            one: code ``unreadable_file``).
        TypeError: ``directory`` not None, a string or a ``pathlib.Path``; ``allow_conflicts``
            not a bool.
    """
    if directory is not None:
        arguments.of_type("directory", directory, (str, os.PathLike), "None or a folder (str "
                          "or pathlib.Path)")
    arguments.flag("allow_conflicts", allow_conflicts)
    folder = Path(directory) if directory is not None else bundled_rules_dir()
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise RuleFileError([Problem(f"rules folder '{folder}' {what}",
                                     SourceSpan(str(folder)), code="unreadable_file")])
    # A folder of one's own readings may leave out common.yaml: the bundled one then serves,
    # so the ceasefire instant and the statement's sources stay written once.
    shared = folder / COMMON if (folder / COMMON).is_file() else bundled_rules_dir() / COMMON
    common = compile_common(_load_one(shared))
    readings: dict[str, Reading] = {}
    programs: dict[str, DurableProgram] = {}
    # Broken links and named pipes among the reading files are reported, not read or skipped.
    paths, problems = scan_folder(folder, (".yaml",), recursive=False)
    for path in paths:
        if path.name == COMMON:
            continue
        try:
            reading = compile_reading(_load_one(path), common, expected_id=path.stem,
                                      allow_conflicts=allow_conflicts)
            programs[reading.id] = translate(reading)
            readings[reading.id] = reading
        except EngineError as exc:
            problems.extend(exc.problems)
    if problems:
        raise RuleFileError(problems)
    if not readings:
        raise RuleFileError([Problem(f"no reading files in '{folder}'", SourceSpan(str(folder)),
                                     code="no_reading_files")])
    return ReadingSet(common, readings, programs, str(folder))
