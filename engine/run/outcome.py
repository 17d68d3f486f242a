"""The typed, immutable results of an evaluation, as returned to callers and serialised to JSON.

Field names here are the public JSON contract (see the README): change them only with the README.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from engine.base.vocabulary import Point8Answer, ReleaseAnswer, StatusAnswer

EngineName = Literal["durable", "reference"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Cite(_Model):
    """A citation resolved to its source's title, date and URL."""

    source: str
    title: str
    date: str | None
    url: str | None
    pin: str
    reliability: str
    note: str | None = None


class TraceStep(_Model):
    """One rule that fired, in firing order, with what it read and what it concluded."""

    rule: str
    says: str
    cites: list[Cite]
    facts: dict[str, str]
    concludes: dict[str, str]
    flags: list[str] = []
    derives: list[str] = []
    defeated_by: list[str] = []


class Decision(_Model):
    """How one question was answered: by which rules, or which facts left it open.

    Over disputed facts, ``by`` names the rules that gave the answer in the first combination of
    the claimed values (the one the trace shows); ``holds_over`` lists the disputed facts over
    every combination of whose claimed values the answer is the same; ``depends_on`` those whose
    claims give different answers (the answer is then ``indeterminate``, and they are also in
    ``unknown``).
    """

    answer: str
    by: list[str] = []
    unknown: list[str] = []
    holds_over: list[str] = []
    depends_on: list[str] = []


class Combination(_Model):
    """One combination of the claimed values of the disputed facts a reading reads, and what
    the reading answers on it (``by``: question -> deciding rules; ``fired``: in order)."""

    values: dict[str, Any]
    claimed_by: dict[str, list[str]]
    status: StatusAnswer
    point8: Point8Answer
    release: ReleaseAnswer
    by: dict[str, list[str]] = {}
    fired: list[str] = []
    flags: list[str] = []


class Dispute(_Model):
    """The disputed facts a reading reads, and every combination of their claimed values.

    ``combinations`` lists each combination (the first is the one ``trace`` shows); ``distinct``
    counts the combinations the rules tell apart (claimed values on the same side of every
    instant a time is compared with are one), ``evaluated`` how many of them were evaluated, each
    once. ``complete`` is false when a bound cut the list or the evaluation, and ``note`` says
    which.
    """

    facts: list[str]
    combinations: list[Combination]
    distinct: int
    evaluated: int
    complete: bool = True
    note: str | None = None


class Outcome(_Model):
    """One reading's answers for one case."""

    reading: str
    engine: EngineName
    status: StatusAnswer
    point8: Point8Answer
    release: ReleaseAnswer
    flags: list[str]
    unknown: list[str]
    trace: list[TraceStep]
    overridden: list[str] = []
    decisions: dict[str, Decision] = {}
    #: Whose account of disputed facts was used: a party or body id, or ``uncontested``.
    account: str = "uncontested"
    #: For each fact the reading's rules test: ``case``, ``uncontested``, a party id,
    #: ``disputed`` (the claims differ, the account's party made none, and the answer depends
    #: on which claim is taken) or ``disputed_immaterial`` (the claims differ, every one gives
    #: the same answers).
    supplied_by: dict[str, str] = {}
    #: The disputed facts the rules read and each combination of their claimed values.
    dispute: Dispute | None = None


class CaseResult(_Model):
    """All requested readings' outcomes for one case."""

    case_id: str
    title: str | None = None
    source: str
    readings: dict[str, Outcome]
