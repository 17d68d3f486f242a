"""Layer 2, readings: reading files become compiled, immutable readings, checked once at load.

Owns the reading-file format (:mod:`._document`), its compilation with every problem reported
together (:mod:`._compiler`, with conditions, declared gaps and invariants, and static conflict
detection), the compiled form the evaluators run (:mod:`.model`), its translation into a
durable_rules ruleset as plain JSON (:mod:`.to_durable`), and finding and loading a set of
readings, bundled or from a folder (:mod:`.load`).

May import: :mod:`engine.base`, :mod:`engine.cases` (a rule may test only the facts the case
catalogue defines).
"""

import importlib
import warnings

# Until the layout move this package was the module that is now ``.load``; its names stay here.
_LOAD_NAMES = frozenset({"COMMON", "ReadingSet", "bundled_rules_dir", "load_readings"})


def __getattr__(name: str) -> object:
    if name not in _LOAD_NAMES:
        raise AttributeError(f"module 'engine.readings' has no attribute {name!r}")
    warnings.warn(f"engine.readings.{name} has moved to engine.readings.load.{name}; import it "
                  "from there (or from the engine façade): the old path will be removed in a "
                  "later release", DeprecationWarning, stacklevel=2)
    return getattr(importlib.import_module("engine.readings.load"), name)
