"""Project-wide checks: strict typing, lint, import boundaries, the public surface."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import engine
from engine.base.yamlio import load_documents
from tests.conftest import ROOT

PACKAGE = ROOT / "engine"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module.split(".")[0])
    return out


def test_mypy_strict_is_clean() -> None:
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_is_clean() -> None:
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "engine", "tests"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_each_third_party_library_is_imported_by_one_module() -> None:
    # yamlstream reads large files with yamlio's loader, from a stream (it needs yaml's events).
    owners = {"yaml": {"base/yamlio.py", "base/yamlstream.py"},
              "durable_rules_engine": {"run/_durable.py"}, "durable": set(),
              "click": {"interfaces/cli.py", "interfaces/_shared.py", "interfaces/_batch.py",
                        "interfaces/_term.py"},
              "rich": {"present/console.py"},
              "hypothesis": {"testing/strategies.py"},
              "jinja2": {"present/html.py"}, "markupsafe": {"present/html.py"},
              "fastapi": {"interfaces/_service.py", "interfaces/_service_errors.py",
                          "interfaces/_service_docs.py", "interfaces/_web.py"},
              "starlette": {"interfaces/_service_errors.py"},
              "swagger_ui_bundle": {"interfaces/_service_docs.py"},
              "uvicorn": {"interfaces/_cmd_serve.py"}, "playwright": set(),
              # Only the tests validate with it (the schema is checked against the loader).
              "jsonschema": set()}

    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        for lib in _imports(path) & owners.keys():
            # The commands each live in an interfaces/_cmd_*.py module of their own.
            command = lib == "click" and name.startswith("interfaces/_cmd_")
            assert command or name in owners[lib], f"{name} imports {lib}"


def test_import_engine_stays_light() -> None:
    code = ("import sys, engine; heavy = [m for m in sys.modules if m.split('.')[0] in "
            "{'click', 'hypothesis', 'durable', 'durable_rules_engine'}]; print(heavy)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


#: What ``evaluate --format jsonl`` must start without: the other commands and their machinery
#: (compare's search, check's verifier, the service), the text and HTML renderers, the terminal
#: library, and a process pool for a caseload of one chunk (issue 11: start-up bounds --jobs).
NOT_FOR_JSONL = ("engine.analysis", "engine.interfaces._cmd_compare",
                 "engine.interfaces._cmd_explain", "engine.interfaces._cmd_info",
                 "engine.interfaces._cmd_serve", "engine.interfaces._cmd_test",
                 "engine.interfaces._report_html", "engine.interfaces._service",
                 "engine.interfaces._web", "engine.present.html", "engine.present.markdown",
                 "engine.present.render", "engine.testing.invariants", "engine.strategies",
                 "engine.base.yamlstream", "rich", "jinja2", "markupsafe", "hypothesis",
                 "fastapi", "starlette", "uvicorn", "jsonschema", "multiprocessing",
                 "concurrent")


def test_evaluate_jsonl_starts_without_what_it_does_not_need(tmp_path: Path) -> None:
    # The modules loaded when the command has run (at exit), whatever imported them.
    case = tmp_path / "one.jsonl"
    case.write_text(json.dumps(load_documents((ROOT / "cases" / "hadrut-six-year-sentence.yaml")
                                              .read_text(encoding="utf-8"), "case")[0].data)
                    + "\n", encoding="utf-8")
    listing = tmp_path / "modules.txt"
    code = ("import atexit, sys; from engine.interfaces.cli import main; "
            "atexit.register(lambda: open(sys.argv[1], 'w').write('\\n'.join(sys.modules))); "
            "main(['evaluate', sys.argv[2], '--format', 'jsonl'])")
    done = subprocess.run([sys.executable, "-c", code, str(listing), str(case)], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["case_id"] == "hadrut-six-year-sentence"
    loaded = listing.read_text(encoding="utf-8").split("\n")
    assert "engine.run.evaluate" in loaded and "click" in loaded  # the listing is the run's
    assert [m for m in loaded if m.startswith(NOT_FOR_JSONL)] == []


def test_public_surface_is_exactly_all() -> None:
    # Most façade names are imported on first use (engine.__getattr__): read each one, and
    # then the module's namespace holds exactly __all__ (and the sub-packages).
    assert set(dir(engine)) >= set(engine.__all__)
    for name in engine.__all__:
        getattr(engine, name)
    public = {n for n in vars(engine) if not n.startswith("_") and n != "annotations"}
    modules = {n for n in public if type(getattr(engine, n)).__name__ == "module"}
    assert public - modules == set(engine.__all__)


def test_facade_names_are_imported_on_first_use() -> None:
    # `import engine` stays cheap (the CLI's first result is not kept waiting); each name is
    # the object of its module, and an unknown name is an AttributeError.
    code = ("import sys, engine; before = sorted(m for m in ('engine.analysis.compare', "
            "'engine.run.evaluate', 'engine.cases.record') if m in sys.modules); "
            "from engine.run.evaluate import evaluate_case; "
            "from engine.analysis.compare import compare_case; "
            "assert engine.evaluate_case is evaluate_case and engine.compare_case is compare_case;"
            "assert not hasattr(engine, 'no_such_name'); print(before)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_modules_are_small_and_documented() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert len(text.splitlines()) <= 400, f"{path.name} is over 400 lines: split it"
        assert ast.get_docstring(ast.parse(text)), f"{path.name} has no module docstring"
