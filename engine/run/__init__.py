"""Layer 3, run: facts under compiled readings become outcomes.

Owns evaluation (:mod:`.evaluate`): which rules fire, on durable_rules through the one adapter
that imports it (:mod:`._durable`) or on the plain reference evaluator (:mod:`.reference`), both
testing conditions with the same three-valued logic (:mod:`.logic`); turning firings into answers
with overrides, conflicts and open facts (:mod:`.resolve`); each outcome's answers in plain
words (:mod:`.summary`); the typed results returned to callers, per case (:mod:`.outcome`) and
per batch (:mod:`.report`); and a stream of cases evaluated case by case, on one process or
several (:mod:`.stream`).

May import: :mod:`engine.base`, :mod:`engine.cases`, :mod:`engine.readings`; durable_rules in
:mod:`._durable` only.
"""
