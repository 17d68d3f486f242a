"""Layer 4, testing support: generated cases, invariants searched on them, expectations checked.

Owns the hypothesis strategies (:mod:`.strategies`, the only module that imports hypothesis;
their public name is :mod:`engine.strategies`), the search for counterexamples to a reading's
declared invariants on generated cases (:mod:`.invariants`, behind ``legal-status check``), and the
checking of case files' ``expect`` blocks against outcomes (:mod:`.expectations`, behind
``legal-status test`` and the pytest plugin). The plugin itself is a front end, in
:mod:`engine.interfaces`.

May import: :mod:`engine.base`, :mod:`engine.cases`, :mod:`engine.readings`, :mod:`engine.run`;
not :mod:`engine.analysis`, its peer on this layer.
"""
