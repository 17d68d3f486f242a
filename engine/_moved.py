"""Old module paths, from before ``engine/`` was split into sub-packages, kept importable.

Until the layout move each module sat directly in ``engine/`` (``engine.case``,
``engine.evaluate``, ...). Code that imports an old path still gets the same module object, with a
:class:`DeprecationWarning` naming the new path. ``engine.readings`` is a package now and keeps its
old names itself; ``engine.strategies`` is unchanged. Use the :mod:`engine` façade where you can.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import warnings
from types import ModuleType

MOVED: dict[str, str] = {
    "engine._durable": "engine.run._durable",
    "engine.accounts": "engine.cases._accounts",
    "engine.case": "engine.cases.record",
    "engine.casecheck": "engine.testing.expectations",
    "engine.caseload": "engine.cases.load",
    "engine.claims": "engine.cases.claims",
    "engine.cli": "engine.interfaces.cli",
    "engine.compare": "engine.analysis.compare",
    "engine.comparison": "engine.analysis.comparison",
    "engine.compiler": "engine.readings._compiler",
    "engine.conditions": "engine.readings._conditions",
    "engine.conflicts": "engine.readings._conflicts",
    "engine.counterfactual": "engine.analysis.counterfactual",
    "engine.declarations": "engine.readings._declarations",
    "engine.durable_json": "engine.readings.to_durable",
    "engine.errors": "engine.base.errors",
    "engine.evaluate": "engine.run.evaluate",
    "engine.facts": "engine.cases.facts",
    "engine.factspec": "engine.cases.catalogue",
    "engine.invariants": "engine.testing.invariants",
    "engine.iso3166": "engine.cases._iso3166",
    "engine.logic": "engine.run.logic",
    "engine.model": "engine.readings.model",
    "engine.outcome": "engine.run.outcome",
    "engine.proofs": "engine.analysis.proofs",
    "engine.pytest_plugin": "engine.interfaces.pytest_plugin",
    "engine.reference": "engine.run.reference",
    "engine.render": "engine.present.render",
    "engine.render_compare": "engine.present.compare",
    "engine.report": "engine.run.report",
    "engine.resolve": "engine.run.resolve",
    "engine.ruledoc": "engine.readings._document",
    "engine.timetexts": "engine.testing._timetexts",
    "engine.timeval": "engine.cases.timeval",
    "engine.validation": "engine.cases.validation",
    "engine.verify": "engine.analysis.verify",
    "engine.whatif": "engine.analysis._whatif",
    "engine.yamlio": "engine.base.yamlio",
}


def warn_moved(old: str, new: str, stacklevel: int) -> None:
    """Warn that ``old`` is a deprecated path of ``new``."""
    warnings.warn(f"{old} has moved to {new}; import it from there (or from the engine "
                  "façade): the old path will be removed in a later release",
                  DeprecationWarning, stacklevel=stacklevel)


class _Alias(importlib.abc.Loader):
    """Loads an old path as the module at its new path (the same object, not a copy)."""

    def __init__(self, new: str) -> None:
        self.new = new
        self.spec: importlib.machinery.ModuleSpec | None = None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        # warnings skips importlib's own frames, so level 3 is the line that imports.
        warn_moved(spec.name, self.new, stacklevel=3)
        module = importlib.import_module(self.new)
        self.spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The import system stamped the alias's spec on the real module; give it its own back.
        module.__spec__ = self.spec


class _Finder(importlib.abc.MetaPathFinder):
    """Finds the old paths only; every other import is left to the usual finders."""

    def find_spec(self, fullname: str, path: object = None,
                  target: object = None) -> importlib.machinery.ModuleSpec | None:
        new = MOVED.get(fullname)
        return None if new is None else importlib.util.spec_from_loader(fullname, _Alias(new))


def install() -> None:
    """Make the old paths importable (idempotent; called by ``import engine``)."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.append(_Finder())
