"""A pytest plugin: your case files with ``expect`` blocks are tests, one per case.

Installing ``legal-status`` registers this plugin with pytest (the ``pytest11`` entry point
``legal_status``). From then on a plain ``pytest`` in a folder of case files collects every case
that has an ``expect`` block as a test item named by its case id, evaluates it under the readings
it names, and fails it when an answer differs::

    $ pytest -v cases/
    cases/late-capture.yaml::late-capture PASSED
    cases/wrong.yaml::wrong-expectation FAILED

    cases/wrong.yaml:7:9: case 'wrong-expectation': reading 'mini': point8: expected covered,
    got indeterminate
    Case wrong-expectation (cases/wrong.yaml)
    == A minimal test reading
       point8: indeterminate  (open: capture.time)
       rules fired, in order:
       1. mini.held-by-holder: Persons held by the holder are released at its discretion.
       ...
       unknown or undecided facts: capture.time

A failure names the expectation's ``file:line:col``, the case, the reading, the question, what was
expected and what the reading answered, then the reading's explanation (as ``legal-status
explain`` prints it): every rule that fired, in order, with its statement, facts and sources, and
the facts left unknown or undecided. The checks are those of ``legal-status test``.

What is collected
    Files ending in ``.yaml``, ``.yml`` or ``.json`` whose text mentions both ``expect`` and
    ``detaining_party`` (a cheap pre-check) and that then hold, at the top of a document or in its
    top-level list, a mapping with an ``expect`` key and a case field (``id``,
    ``detaining_party``, ``detainee`` or ``capture``). Other YAML and JSON (configuration, reading
    files, schemas, CI files) is left alone. Cases without ``expect`` are validated but are not
    items. A collected file that is invalid (malformed, a bad field), an ``expect`` naming an
    unknown reading, a case id used in two files, or a case that cannot be evaluated becomes a
    *failing* item listing every located problem: it is never skipped silently and never stops the
    run. Exclude folders of deliberately bad files as usual (``norecursedirs``, ``--ignore``,
    ``collect_ignore`` in a ``conftest.py``).

Options (command line, or ini keys in ``pytest.ini``, ``tox.ini`` or ``[tool.pytest.ini_options]``
of ``pyproject.toml``)
    ``--legal-status-rules DIR`` / ``legal_status_rules = DIR``
        the folder of readings (one file per reading; its own ``common.yaml`` optional) to
        check against, instead of the bundled readings; an ini path is relative to the ini
        file. The readings are loaded and compiled once per session; their problems fail every
        case item.
    ``--legal-status-engine durable|reference`` / ``legal_status_engine``
        durable_rules (default; where it cannot be imported the reference evaluator runs, and the
        summary says so) or the pure-Python reference evaluator.
    ``legal_status_collect = false``
        collect no case files (``-o legal_status_collect=false`` for one run). ``-p
        no:legal_status`` disables the plugin altogether.

When case items ran, the terminal summary says how many, with which engine and which readings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

import pytest

from engine.base.errors import EngineError, InputError, Problem, SourceSpan
from engine.base.yamlio import MAX_BYTES, load_documents
from engine.cases.load import SUFFIXES, LoadedCase, load_cases
from engine.present import render
from engine.present.console import MIN_WIDTH, Term
from engine.readings.load import ReadingSet, bundled_rules_dir, load_readings
from engine.run.evaluate import (
    EngineChoice,
    durable_missing_note,
    engine_to_use,
    evaluate_case,
)
from engine.run.outcome import CaseResult
from engine.testing.expectations import Mismatch, check, unknown_expectations

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr, TracebackStyle

#: The name of the item that carries a collected file's load problems (case ids cannot clash:
#: they hold only letters, digits, ``.``, ``_`` and ``-``).
INVALID_ITEM = "[invalid case file]"
_ENGINES: tuple[str, ...] = get_args(EngineChoice)
_PEEK = 64 * 1024
#: A mapping with ``expect`` and one of these is a case (perhaps an invalid one).
_CASE_KEYS = frozenset({"id", "detaining_party", "detainee", "capture"})


@dataclass
class _Session:
    """Settings, the readings (loaded once, on first need) and what ran, for one pytest run."""

    rules_dir: Path | None
    engine: EngineChoice
    collect: bool
    _loaded: ReadingSet | None = None
    rule_problems: tuple[Problem, ...] = ()
    first_seen: dict[str, tuple[Path, SourceSpan]] = field(default_factory=dict)
    ran: int = 0

    def readings(self) -> ReadingSet | None:
        """The compiled readings, or None when they do not load (see :attr:`rule_problems`)."""
        if self._loaded is None and not self.rule_problems:
            try:
                self._loaded = load_readings(self.rules_dir)
            except EngineError as exc:
                self.rule_problems = exc.problems or (Problem(str(exc)),)
        return self._loaded


_SESSION = pytest.StashKey[_Session]()


class CaseFailure(Exception):
    """A case item failed: the message is the whole, readable report."""


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ``--legal-status-*`` options and the ``legal_status_*`` ini keys."""
    group = parser.getgroup("legal_status", "legal-status case files")
    group.addoption("--legal-status-rules", dest="legal_status_rules", metavar="DIR",
                    default=None,
                    help="Folder of readings to check case files against (default: bundled).")
    group.addoption("--legal-status-engine", dest="legal_status_engine", choices=_ENGINES,
                    default=None, help="Evaluate case files on durable_rules (default) or on "
                                       "the reference evaluator.")
    parser.addini("legal_status_rules", "Folder of readings to check case files against, "
                  "relative to the ini file (default: the bundled readings).", default="")
    parser.addini("legal_status_engine", "durable (default) or reference.", default="durable")
    parser.addini("legal_status_collect", "Collect case files with expect blocks as tests.",
                  type="bool", default=True)


def pytest_configure(config: pytest.Config) -> None:
    """Resolve the settings once; a missing rules folder or unknown engine is a usage error."""
    rules: Path | None = None
    if config.option.legal_status_rules:
        rules = config.invocation_params.dir / config.option.legal_status_rules
    elif config.getini("legal_status_rules"):
        base = config.inipath.parent if config.inipath else config.rootpath
        rules = base / str(config.getini("legal_status_rules"))
    if rules is not None and not rules.is_dir():
        raise pytest.UsageError(f"legal-status: rules folder '{rules}' does not exist")
    engine = str(config.option.legal_status_engine or config.getini("legal_status_engine"))
    if engine not in _ENGINES:
        raise pytest.UsageError(f"legal_status_engine: expected one of {', '.join(_ENGINES)}; "
                                f"found '{engine}'")
    choice: EngineChoice = "reference" if engine == "reference" else "durable"
    config.stash[_SESSION] = _Session(rules, choice, bool(config.getini("legal_status_collect")))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> CaseFile | None:
    """Collect ``file_path`` when it is a case file with at least one ``expect`` block."""
    if file_path.suffix.lower() not in SUFFIXES or not parent.config.stash[_SESSION].collect:
        return None
    if not is_case_file_with_expectations(file_path):
        return None
    return CaseFile.from_parent(parent, path=file_path)


def is_case_file_with_expectations(path: Path) -> bool:
    """Whether ``path`` looks like a case file with ``expect`` blocks (cheap, then structural).

    A file that passes the text pre-check but cannot be read or parsed counts as a case file:
    it is collected so that its problems are reported, not skipped.
    """
    try:
        with path.open("rb") as stream:
            head = stream.read(MAX_BYTES + 1)
    except OSError:
        return False
    if len(head) > MAX_BYTES:
        head = head[:_PEEK]  # too large to load: collected (and refused) only if it looks like one
        return b"expect" in head and b"detaining_party" in head
    if b"expect" not in head or b"detaining_party" not in head:
        return False
    try:
        documents = load_documents(head.decode("utf-8-sig"), str(path))
    except (UnicodeDecodeError, InputError):
        return True
    for doc in documents:
        items = doc.data if isinstance(doc.data, list) else [doc.data]
        if any(isinstance(item, dict) and "expect" in item and _CASE_KEYS & item.keys()
               for item in items):
            return True
    return False


def _shown(path: Path) -> str:
    """``path`` relative to the working folder when under it (as reports show it)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class CaseFile(pytest.File):
    """A case file: one item per case with ``expect``, plus one for its problems, if any."""

    def collect(self) -> Iterable[pytest.Item]:
        """Load the file (against the session's readings' default offset) into items."""
        session = self.config.stash[_SESSION]
        readings = session.readings()
        zone = readings.common.default_offset if readings is not None else None
        batch = load_cases([_shown(self.path)], default_zone=zone)
        if batch.errors:
            yield InvalidCaseFileItem.from_parent(self, name=INVALID_ITEM, problems=batch.errors)
        for loaded in batch.cases:
            if not loaded.record.expect:
                continue
            problems: list[Problem] = []
            first = session.first_seen.setdefault(loaded.record.id, (self.path, loaded.span))
            if first[0] != self.path:
                problems.append(Problem(f"duplicate case id '{loaded.record.id}' "
                                        f"(first at {first[1]})", loaded.span_of("id"),
                                        code="duplicate_case_id"))
            yield CaseItem.from_parent(self, name=loaded.record.id, loaded=loaded,
                                       problems=tuple(problems))


class _ReportingItem(pytest.Item):
    """An item whose expected failures print as their report, without a Python traceback."""

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: TracebackStyle | None = None) -> str | TerminalRepr:
        """The report of a :class:`CaseFailure`; anything else (a bug) as pytest shows it."""
        if isinstance(excinfo.value, CaseFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)


class InvalidCaseFileItem(_ReportingItem):
    """Fails with every located problem of a collected case file that does not load cleanly."""

    def __init__(self, *, problems: Sequence[Problem], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problems = tuple(problems)

    def runtest(self) -> None:
        """Always fails: the file has problems."""
        raise CaseFailure("\n".join([f"invalid case file: {len(self.problems)} problem(s)",
                                     *(str(p) for p in self.problems)]))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the first problem is."""
        first = self.problems[0].span if self.problems else None
        line = first.line - 1 if first is not None and first.line else 0
        return self.path, line, f"invalid case file {self.path.name}"


class CaseItem(_ReportingItem):
    """One case with ``expect``: evaluated under the readings it names, compared, explained."""

    def __init__(self, *, loaded: LoadedCase, problems: Sequence[Problem] = (),
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.loaded = loaded
        self.problems = tuple(problems)

    def runtest(self) -> None:
        """Evaluate the case and raise :class:`CaseFailure` for any mismatch or problem."""
        session = self.config.stash[_SESSION]
        readings = session.readings()
        if readings is None:
            raise CaseFailure("\n".join([f"the readings in {session.rules_dir or 'the bundle'} "
                                         "do not load:", *map(str, session.rule_problems)]))
        session.ran += 1
        loaded, case_id = self.loaded, self.loaded.record.id
        problems = [*self.problems, *unknown_expectations(loaded, readings.readings)]
        only = [rid for rid in loaded.record.expect if rid in readings.readings]
        mismatches: list[Mismatch] = []
        result: CaseResult | None = None
        if only:
            try:
                result = evaluate_case(loaded.record, readings, only=only, engine=session.engine,
                                       source=loaded.source)
            except EngineError as exc:
                problems += [Problem(f"case '{case_id}': {p.message}", p.span or loaded.span,
                                     p.code, p.loc) for p in exc.problems]
            else:
                mismatches = [dataclasses.replace(m, span=loaded.span_of("expect", m.reading,
                                                                        m.question))
                              for m in check(loaded.record, result, loaded.span)]
        if not problems and not mismatches:
            return
        lines = [*map(str, problems), *map(str, mismatches)]
        if result is not None and mismatches:
            wrong = dict.fromkeys(m.reading for m in mismatches)
            shown = result.model_copy(update={"readings": {r: result.readings[r] for r in wrong}})
            # Laid out at the width of pytest's own report (its terminal, or 80 when piped).
            width = self.config.get_terminal_writer().fullwidth
            lines += ["", render.explain(shown, readings.readings,
                                         Term(width=max(width, MIN_WIDTH))).rstrip()]
        raise CaseFailure("\n".join(lines))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """The case's file and line, for ``-v`` and failure headers."""
        line = self.loaded.span.line
        where = f"case {self.loaded.record.id} ({self.path.name})"
        return self.path, (line - 1 if line else None), where


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter,
                            config: pytest.Config) -> None:
    """Say which readings and engine checked the case files, when any were checked."""
    session = config.stash.get(_SESSION, None)
    if session is None or not session.ran:
        return
    used = engine_to_use(session.engine)
    where = session.rules_dir or f"{bundled_rules_dir()} (bundled)"
    terminalreporter.write_sep("-", "legal-status")
    terminalreporter.write_line(f"{session.ran} case(s) checked on the {used} engine against "
                                f"the readings in {where}")
    if missing := durable_missing_note(session.engine):
        terminalreporter.write_line(f"note: {missing}")
