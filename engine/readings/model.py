"""The compiled, immutable form of readings: what the evaluators and the resolver work on.

Produced only by :mod:`engine.readings._compiler`; everything here is already checked, so evaluation
never meets a static error. Frozen all the way down (tuples, and mappings made read-only when a
value is built): one compiled reading serves every caller of a host.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Literal

from engine.base.errors import SourceSpan
from engine.base.frozen import FrozenDict, frozen_dict
from engine.base.vocabulary import Question

Op = Literal["eq", "in", "not_in", "before", "after", "any_of", "only"]


def _freeze_fields(value: object, *names: str) -> None:
    """Make the named mapping fields of a frozen dataclass read-only, whatever they were built
    from (the one place a frozen value is changed: while it is being built)."""
    for name in names:
        object.__setattr__(value, name, frozen_dict(getattr(value, name)))


_RUNS = re.compile(r"(\D*)(\d*)")


def source_order(source_id: str) -> tuple[tuple[tuple[str, int], ...], str]:
    """Sort key of a source id in natural order: A1, A2, A10, B1 (digits compare as numbers)."""
    runs = tuple((text, int(digits) if digits else -1)
                 for text, digits in _RUNS.findall(source_id))
    return runs, source_id


def in_source_order(ids: Iterable[str]) -> list[str]:
    """``ids`` sorted in natural order (see :func:`source_order`)."""
    return sorted(ids, key=source_order)


@dataclass(frozen=True)
class Source:
    """A source with its attribution and how firm it is."""

    id: str
    title: str
    url: str | None
    date: str | None
    reliability: str
    date_note: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Citation:
    """A rule's citation of a source, with a pinpoint and the effective reliability."""

    source: Source
    pin: str
    reliability: str
    note: str | None = None


@dataclass(frozen=True)
class Test:
    """One test on one case fact. ``operand`` holds values; ``instant`` the epoch for times."""

    path: str
    op: Op
    operand: tuple[str | bool, ...] = ()
    instant: int | None = None
    label: str = ""
    span: SourceSpan | None = None


@dataclass(frozen=True)
class Rule:
    """A compiled rule: base-fact tests, derived facts it needs, and what it concludes."""

    id: str
    qid: str
    index: int
    says: str
    tests: tuple[Test, ...]
    needs: tuple[str, ...]
    answers: tuple[tuple[Question, str], ...]
    flags: tuple[str, ...]
    derives: tuple[str, ...]
    overrides: tuple[str, ...]
    cites: tuple[Citation, ...]
    span: SourceSpan | None = None
    #: The brief rules (``engine.readings.brief``) this rule implements.
    implements: tuple[str, ...] = ()

    def answer(self, question: Question) -> str | None:
        """The value this rule gives for ``question``, if any."""
        return dict(self.answers).get(question)


@dataclass(frozen=True)
class Gap:
    """A declared gap: on cases meeting ``tests``, ``not_addressed`` is intended."""

    questions: tuple[Question, ...]
    says: str
    tests: tuple[Test, ...]
    span: SourceSpan | None = None
    #: The brief rules whose answer (or silence) this gap records.
    implements: tuple[str, ...] = ()


InvariantKind = Literal["independent_of", "symmetric", "implies", "never"]


@dataclass(frozen=True)
class Invariant:
    """A declared property of a reading, checked on generated cases."""

    id: str
    says: str
    kind: InvariantKind
    tests: tuple[Test, ...]
    questions: tuple[Question, ...]
    facts: tuple[str, ...] = ()
    if_answers: tuple[tuple[Question, str], ...] = ()
    then_answers: tuple[tuple[Question, str], ...] = ()
    span: SourceSpan | None = None


@dataclass(frozen=True)
class Instant:
    """A named instant from ``common.yaml`` (UTC epoch seconds)."""

    name: str
    epoch: int
    iso: str
    says: str
    cites: tuple[Citation, ...]


@dataclass(frozen=True)
class Common:
    """Compiled ``rules/common.yaml``."""

    instants: Mapping[str, Instant]
    default_offset: tzinfo
    default_offset_text: str
    sources: Mapping[str, Source]
    instrument_title: str
    points: tuple[tuple[int, str, tuple[Citation, ...]], ...] = ()

    def __post_init__(self) -> None:
        _freeze_fields(self, "instants", "sources")


@dataclass(frozen=True)
class Reading:
    """A compiled reading, ready for either evaluator."""

    id: str
    title: str
    held_by: str
    party: str | None
    summary: str
    sources: Mapping[str, Source]
    flags: Mapping[str, str]
    derived: Mapping[str, str]
    rules: tuple[Rule, ...]
    path: str
    common: Common
    derived_by: Mapping[str, tuple[str, ...]] = field(default_factory=FrozenDict)
    overridden_by: Mapping[str, tuple[str, ...]] = field(default_factory=FrozenDict)
    by_id: Mapping[str, Rule] = field(default_factory=FrozenDict)
    gaps: tuple[Gap, ...] = ()
    invariants: tuple[Invariant, ...] = ()
    #: The party whose account of disputed facts the reading adopts; None: the uncontested one.
    account: str | None = None
    #: Brief rules of this reading that no rule or gap implements, with the reason.
    not_implemented: Mapping[str, str] = field(default_factory=FrozenDict)

    def __post_init__(self) -> None:
        _freeze_fields(self, "sources", "flags", "derived", "derived_by", "overridden_by", "by_id",
                      "not_implemented")

    def rule(self, rule_id: str) -> Rule:
        """The rule with this (unqualified) id."""
        return self.by_id[rule_id]

    def cited_sources(self) -> tuple[Source, ...]:
        """The sources some rule cites, in natural order of their ids (A1, A2, A10)."""
        cited = {c.source.id for r in self.rules for c in r.cites}
        return tuple(self.sources[sid] for sid in in_source_order(cited))
