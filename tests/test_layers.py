"""The layout is the architecture: each sub-package of ``engine`` is a layer of the one-way flow.

A module may import from its own sub-package and from layers below it, never from a layer above
or from a peer on its own layer; a module whose name starts with ``_`` is private to its
sub-package; the façade modules at the top (``engine/__init__.py``, ``engine/strategies.py``,
``engine/_moved.py``) are imported by no layer. The old flat module paths still import, with a
deprecation warning (``engine/_moved.py``).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import engine
from engine import _moved
from tests.conftest import ROOT

PACKAGE = ROOT / "engine"
# Bottom to top; the packages of one tuple are peers on one layer (neither imports the other).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("base",), ("cases",), ("readings",), ("run",), ("testing", "analysis"), ("present",),
    ("interfaces",),
)
RANK = {pkg: rank for rank, peers in enumerate(LAYERS) for pkg in peers}
FACADE = {"__init__", "strategies", "_moved"}


def _engine_imports(path: Path) -> list[tuple[int, str]]:
    """Every ``engine.*`` module a file imports (TYPE_CHECKING and in-function imports too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("engine")]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}:{node.lineno}: relative import"
            module = node.module or ""
            if module == "engine":  # `from engine import x`: x is a sub-package or façade name
                out += [(node.lineno, f"engine.{a.name}") for a in node.names]
            elif module.startswith("engine."):
                out += [(node.lineno, module)]
                # `from engine.cases import record` imports the module engine.cases.record
                out += [(node.lineno, f"{module}.{a.name}") for a in node.names
                        if (PACKAGE / Path(*module.split(".")[1:]) / f"{a.name}.py").exists()]
    return out


def _layer_modules() -> list[tuple[str, Path]]:
    return [(p.relative_to(PACKAGE).parts[0], p) for p in sorted(PACKAGE.rglob("*.py"))
            if len(p.relative_to(PACKAGE).parts) > 1]


def test_every_sub_package_is_a_layer() -> None:
    found = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert found == set(RANK), "add the new sub-package to LAYERS (and to docs/architecture.md)"
    top = {p.stem for p in PACKAGE.glob("*.py")}
    assert top == FACADE, "a module directly in engine/ is façade only; put code in a layer"


def test_each_layer_imports_only_from_the_layers_below() -> None:
    wrong: list[str] = []
    for pkg, path in _layer_modules():
        for line, module in _engine_imports(path):
            parts = module.split(".")
            target = parts[1] if len(parts) > 1 else "engine"
            where = f"{path.relative_to(ROOT)}:{line} imports {module}"
            if target in FACADE or target == "engine":
                wrong.append(f"{where}: the façade is for users, not for layers")
            elif target not in RANK:
                wrong.append(f"{where}: not a layer")
            elif target != pkg and RANK[target] >= RANK[pkg]:
                wrong.append(f"{where}: {target} is not below {pkg}")
    assert not wrong, "\n".join(wrong)


def test_private_modules_stay_in_their_sub_package() -> None:
    wrong: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = path.relative_to(PACKAGE).parts
        for line, module in _engine_imports(path):
            parts = module.split(".")
            private = len(parts) > 2 and parts[2].startswith("_")
            if private and (len(here) == 1 or here[0] != parts[1]):
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not wrong, "\n".join(wrong)


def test_each_sub_package_says_what_it_owns_and_may_import() -> None:
    for pkg in RANK:
        doc = ast.get_docstring(ast.parse((PACKAGE / pkg / "__init__.py").read_text("utf-8")))
        assert doc and doc.startswith(f"Layer {RANK[pkg]}, "), pkg
        assert "Owns " in doc and "May import: " in doc, pkg


def test_the_layer_test_catches_an_upward_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from engine.present.render import table\nfrom engine.cases import record\n")
    assert [m for _, m in _engine_imports(bad)] == [
        "engine.present.render", "engine.cases", "engine.cases.record"]


def test_old_module_paths_import_the_same_module_with_a_deprecation_warning() -> None:
    code = """
import importlib, json, warnings
import engine
from engine import _moved
out = {}
for old, new in sorted(_moved.MOVED.items()):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = importlib.import_module(old)
    out[old] = [module is importlib.import_module(new), module.__spec__.name,
                [str(w.message) for w in caught if w.category is DeprecationWarning]]
print(json.dumps(out))
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    seen = json.loads(done.stdout)
    assert set(seen) == set(_moved.MOVED) and len(seen) == 38  # 40 old modules less 2 kept
    for old, (same, spec_name, warned) in seen.items():
        new = _moved.MOVED[old]
        assert same and spec_name == new, old
        assert len(warned) == 1 and warned[0].startswith(f"{old} has moved to {new};"), old


def test_old_attribute_paths_warn_and_resolve() -> None:
    with pytest.warns(DeprecationWarning, match=r"engine\.render has moved to engine\.present"):
        render = engine.render  # type: ignore[attr-defined]
    from engine.present import render as new
    assert render is new
    with pytest.warns(DeprecationWarning, match=r"engine\.readings\.load_readings has moved"):
        from engine.readings import load_readings  # type: ignore[attr-defined]
    assert load_readings is engine.load_readings
    with pytest.raises(AttributeError):
        _ = engine.no_such_module  # type: ignore[attr-defined]


def test_the_public_names_keep_working_without_a_warning() -> None:
    code = ("import warnings; warnings.simplefilter('error'); import engine, engine.strategies; "
            "from engine.strategies import case_records, boundary_instants; "
            "from engine.interfaces.cli import main; from engine.interfaces import pytest_plugin")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    import engine.strategies
    import engine.testing.strategies
    assert engine.strategies.case_records is engine.testing.strategies.case_records
    assert set(engine.strategies.__all__) <= set(vars(engine.testing.strategies))


def test_the_readme_and_the_architecture_note_name_every_layer() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    note = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for pkg in RANK:
        assert f"`engine/{pkg}/`" in readme, pkg
        assert f"| {RANK[pkg]} | `engine/{pkg}/` |" in note, pkg
