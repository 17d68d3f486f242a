"""Layer 1, cases: a case file becomes a validated :class:`~.record.CaseRecord`, then facts.

Owns the case-file contract (:mod:`.record`, with its times in :mod:`.timeval`, its country codes
and its parties' claims in :mod:`.claims`), loading files, folders and standard input into
located cases, all at once or one at a time, JSON Lines read line by line (:mod:`.load`, with
:mod:`._lines`; it turns validation errors into positioned problems through
:mod:`.validation`), the catalogue of facts a case can supply (:mod:`.catalogue`) and the typed,
reading-independent facts the rules test (:mod:`.facts`).

May import: :mod:`engine.base`.
"""
