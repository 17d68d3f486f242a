"""Pydantic models of the reading-file format (see ``docs/rules-format.md``).

These models check the *shape* of a file (field names, types, identifiers). What the values mean
(fact paths, instants, source ids, conflicts) is checked by :mod:`engine.readings._compiler`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

Ident = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]
SourceId = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]*$")]
PartyCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
DateText = Annotated[str, Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]
# A rule of the legal brief (A-R1 ... D-R9); the compiler checks it against engine.readings.brief.
BriefRuleId = Annotated[str, Field(pattern=r"^[A-Z]-R\d+$")]
Reliability = Literal["first_hand", "second_hand", "unverified", "inference"]
Status = Literal[
    "prisoner_of_war", "civilian_detainee", "criminal_detainee", "unprivileged_combatant",
    "not_prisoner_of_war",
]
Point8 = Literal["covered", "not_covered"]
Release = Literal["without_delay", "after_proceedings", "discretionary"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceDoc(_Model):
    """A source a reading relies on, as listed in the legal brief."""

    id: SourceId
    title: str = Field(min_length=1)
    url: str | None
    date: DateText | None
    date_note: str | None = None
    reliability: Reliability
    note: str | None = None


class CiteDoc(_Model):
    """A citation of one source, with a pinpoint."""

    source: SourceId
    pin: str = Field(min_length=1)
    reliability: Reliability | None = None
    note: str | None = None


class ThenDoc(_Model):
    """What a rule concludes when it fires."""

    status: Status | None = None
    point8: Point8 | None = None
    release: Release | None = None
    flags: list[Ident] = []
    derive: list[Ident] = []


class RuleDoc(_Model):
    """One rule of a reading."""

    id: Ident
    says: str = Field(min_length=1)
    when: dict[str, JsonValue] = Field(min_length=1)
    then: ThenDoc
    overrides: list[Ident] = []
    cites: list[CiteDoc] = Field(min_length=1)
    implements: list[BriefRuleId] = []


Question = Literal["status", "point8", "release"]


class GapDoc(_Model):
    """A declared, intended gap: cases on which the reading's sources are silent."""

    questions: list[Question] = Field(min_length=1)
    says: str = Field(min_length=1)
    when: dict[str, JsonValue] = {}
    implements: list[BriefRuleId] = []


class ImpliesDoc(_Model):
    """``if`` these answers, ``then`` these answers."""

    if_: dict[Question, str] = Field(alias="if", min_length=1)
    then: dict[Question, str] = Field(min_length=1)


class InvariantDoc(_Model):
    """A property the reading must have on every case (checked by ``legal-status check``)."""

    id: Ident
    says: str = Field(min_length=1)
    when: dict[str, JsonValue] = {}
    questions: list[Question] = []
    independent_of: list[str] | None = None
    symmetric: Literal[True] | None = None
    implies: ImpliesDoc | None = None
    never: dict[Question, str] | None = None


class HolderDoc(_Model):
    """Who holds a reading, and the party code rules refer to as ``$holder``."""

    name: str = Field(min_length=1)
    party: PartyCode | None


class ReadingDoc(_Model):
    """A whole reading file."""

    reading: Ident
    title: str = Field(min_length=1)
    held_by: HolderDoc
    # Whose account of disputed facts the reading adopts by default (None: see the compiler).
    account: Literal["holder", "uncontested"] | None = None
    summary: str = Field(min_length=1)
    sources: list[SourceDoc] = []
    flags: dict[Ident, str] = {}
    derived: dict[Ident, str] = {}
    rules: list[RuleDoc] = Field(min_length=1)
    gaps: list[GapDoc] = []
    invariants: list[InvariantDoc] = []
    # Brief rules of this reading that no rule or gap implements, each with the reason.
    not_implemented: dict[BriefRuleId, str] = {}


class PointDoc(_Model):
    """One point of the trilateral statement, paraphrased."""

    point: int = Field(ge=1, le=9)
    says: str = Field(min_length=1)
    cites: list[CiteDoc] = Field(min_length=1)


class InstrumentDoc(_Model):
    """The trilateral statement itself."""

    title: str
    date: DateText
    also_known_as: list[str] = []
    points: list[PointDoc] = []


class InstantDoc(_Model):
    """A named instant readings compare times with."""

    at: str
    says: str = Field(min_length=1)
    cites: list[CiteDoc] = Field(min_length=1)


class CommonDoc(_Model):
    """``rules/common.yaml``: what all readings share."""

    instrument: InstrumentDoc
    instants: dict[Ident, InstantDoc] = Field(min_length=1)
    default_offset: str
    default_offset_says: str
    default_offset_cites: list[CiteDoc] = Field(min_length=1)
    sources: list[SourceDoc] = []
