"""Layer 5, presentation: pure renderers of results as text, Markdown and JSON.

Owns the renderers of evaluation reports, explanations, reading lists and ``check`` reports
(:mod:`.render`; the same report written case by case in :mod:`.stream`), of comparisons
(:mod:`.compare`) and of the readings' fidelity table (:mod:`.coverage`). Nothing here reads
input, prints or decides: a front end picks a renderer and writes what it returns; JSON always
comes from the models.

May import: every layer below (:mod:`engine.base` to :mod:`engine.analysis` and
:mod:`engine.testing`).
"""
