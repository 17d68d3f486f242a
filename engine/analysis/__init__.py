"""Layer 4, analysis: what the readings do beyond one evaluation.

Owns the abstract values of the facts a reading reads (:mod:`.domains`), exhaustive verification of
a reading over them (:mod:`.verify`: conflicts, gaps, dead rules) and the proof of its declared
invariants over them (:mod:`.proofs`); the facts of a case as the readings tell them apart
(:mod:`._whatif`), the exact search for the smallest changes that move an answer
(:mod:`.counterfactual`); and why the readings disagree on a case (:mod:`.compare`; case by case, on
several processes, :mod:`.compare_stream`), with its typed results (:mod:`.comparison`).

May import: :mod:`engine.base`, :mod:`engine.cases`, :mod:`engine.readings`, :mod:`engine.run`;
not :mod:`engine.testing`, its peer on this layer.
"""
