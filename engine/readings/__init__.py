"""Layer 2, readings: reading files become compiled, immutable readings, checked once at load.

Owns the reading-file format (:mod:`._document`), its compilation with every problem reported
together (:mod:`._compiler`, with conditions, declared gaps and invariants, and static conflict
detection), the compiled form the evaluators run (:mod:`.model`), its translation into a
durable_rules ruleset as plain JSON (:mod:`.to_durable`), and finding and loading a set of
readings, bundled or from a folder (:mod:`.load`).

May import: :mod:`engine.base`, :mod:`engine.cases` (a rule may test only the facts the case
catalogue defines).
"""
