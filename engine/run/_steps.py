"""The trace steps of one reading's rules: what is fixed per rule built once, the facts per case.

Steps are built with ``trusted`` (no validation) from the engine's own compiled data, already
frozen (tuples and FrozenDicts), not validated again per case.
"""

from __future__ import annotations

import functools
from typing import Any

from engine.base.frozen import FrozenDict
from engine.cases.facts import Facts, render_value
from engine.readings.model import Reading
from engine.run.outcome import Cite, TraceStep

# Rendered fact values by value: a case's times are rendered once for all its readings' steps.
_render = functools.lru_cache(maxsize=1024)(render_value)


class Steps:
    """Per rule of one reading: the fields of its trace step that do not depend on the case."""

    __slots__ = ("fixed", "paths", "used")

    def __init__(self, reading: Reading) -> None:
        self.fixed: dict[str, dict[str, Any]] = {r.id: {
            "rule": r.qid, "says": r.says, "cites": tuple(Cite.trusted(
                source=c.source.id, title=c.source.title, date=c.source.date, url=c.source.url,
                pin=c.pin, reliability=c.reliability, note=c.note) for c in r.cites),
            "concludes": FrozenDict[str, str](r.answers), "flags": r.flags, "derives": r.derives}
            for r in reading.rules}
        # The facts a step shows: each tested path once, in test order, then the derived ones.
        self.paths = {r.id: tuple(dict.fromkeys(t.path for t in r.tests)) for r in reading.rules}
        self.used = {r.id: {f"derived.{n}": "true" for n in r.needs} for r in reading.rules}

    def step(self, rid: str, facts: Facts, defeated_by: tuple[str, ...]) -> TraceStep:
        """The step of rule ``rid`` that fired on ``facts`` (defeated by ``defeated_by``)."""
        used: dict[str, str] = {}
        for path in self.paths[rid]:
            if path in facts:
                value = facts[path]
                try:
                    used[path] = _render(value)
                except TypeError:  # a value that cannot be a key
                    used[path] = render_value(value)
        used.update(self.used[rid])
        return TraceStep.trusted(**self.fixed[rid], facts=FrozenDict(used),
                                 defeated_by=defeated_by)
