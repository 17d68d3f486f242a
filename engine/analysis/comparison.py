"""The typed results of comparing the readings on a case: the JSON contract of ``compare``.

Field names here are public (see the README, "Why the readings disagree"): change them only with
the README. JSON is produced by the models; ``from`` is spelled ``from_`` in Python and
serialised as ``from`` by the models' own configuration.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.run.outcome import Cite
from engine.run.report import ErrorInfo, ReadingInfo

DisagreementKind = Literal["legal", "factual"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_by_name=True,
                              serialize_by_alias=True)


class FactChange(_Model):
    """One fact set to another value: the case field, its value before and after, in words,
    and the value written to the case file to check it."""

    fact: str
    from_: str = Field(alias="from")
    to: str
    value: Any


class Counterfactual(_Model):
    """A smallest change of facts that changes one reading's answer to one question."""

    reading: str
    question: str
    from_: str = Field(alias="from")
    to: str
    changes: list[FactChange]


class AgreementChange(_Model):
    """A smallest change of facts on which every reading would give the same answer."""

    question: str
    answer: str
    changes: list[FactChange]


class Group(_Model):
    """The readings that give one answer to one question."""

    answer: str
    readings: list[str]


class DecidingRule(_Model):
    """A rule that decided a reading's answer, with its statement and citations."""

    reading: str
    rule: str
    says: str
    cites: list[Cite]


class CruxSide(_Model):
    """Why one group answers as it does: the deciding rules and the facts they read, or the
    facts left open when the answer is ``indeterminate``."""

    answer: str
    readings: list[str]
    rules: list[DecidingRule]
    facts: list[str]
    open: list[str] = []


class Separating(_Model):
    """A fact read by the deciding rules of some readings and not of others; ``decisive`` when
    changing it alone moves some reading to an answer another reading gives."""

    fact: str
    read_by: list[str]
    not_read_by: list[str]
    decisive: bool = False


class Crux(_Model):
    """The crux of a split on one question, and whether it is legal or factual.

    ``kind`` is ``factual`` when the readings would give one answer, other than
    ``indeterminate``, if all used one common account of the facts (``common_accounts`` says on
    which), ``legal`` when they do not on any common account.
    """

    question: str
    groups: list[CruxSide]
    separating: list[Separating]
    kind: DisagreementKind
    common_accounts: dict[str, bool]


class DependsRow(_Model):
    """One resolution of the open facts and the answer it yields; for a disputed fact the
    resolution is one of its claimed values, and ``claimed_by`` says who claims it."""

    values: dict[str, str]
    set: dict[str, Any]
    answer: str
    claimed_by: dict[str, list[str]] = {}


class DependsTable(_Model):
    """What an ``indeterminate`` answer would be for each possible value of its open facts."""

    reading: str
    question: str
    facts: list[str]
    rows: list[DependsRow]
    complete: bool = True


class SearchInfo(_Model):
    """How far the exact search of changes went, and whether a bound cut it short.

    ``unmoved`` lists the answers (``reading.question``) that no change of up to
    ``max_changes`` facts changes.
    """

    max_changes: int
    evaluations: int
    complete: bool
    note: str | None = None
    unmoved: list[str] = []


class ClaimView(_Model):
    """One party's claim on a fact, in the terms the readings distinguish."""

    asserted_by: str
    says: str
    source: str
    date: str | None = None


class ClaimedFact(_Model):
    """A fact given as claims: what each claimant says, and who supplied it to each reading
    (a party, ``uncontested``, or, when the claims differ and the reading's account picks none,
    ``disputed`` if the reading's answer depends on which claim is taken, else
    ``disputed_immaterial``)."""

    fact: str
    claims: list[ClaimView]
    supplied: dict[str, str]


class Answers(_Model):
    """One reading's three answers."""

    status: str
    point8: str
    release: str


class Comparison(_Model):
    """Everything ``compare`` says about one case."""

    case_id: str
    title: str | None = None
    source: str
    accounts: dict[str, str]
    claimed: list[ClaimedFact] = []
    answers: dict[str, Answers]
    agreement: dict[str, bool]
    groups: dict[str, list[Group]]
    crux: dict[str, Crux]
    counterfactuals: list[Counterfactual]
    agree_if: list[AgreementChange]
    depends: list[DependsTable]
    search: SearchInfo


class FactCount(_Model):
    """How many split cases a fact separates."""

    fact: str
    cases: int


class QuestionSummary(_Model):
    """Over a caseload, for one question: how many cases split the readings, and on what."""

    cases: int
    split: int
    legal: int
    factual: int
    deciding_facts: list[FactCount]


class Summary(_Model):
    """Over a caseload: per reading the count of each answer, per question the splits."""

    answers: dict[str, dict[str, dict[str, int]]]
    questions: dict[str, QuestionSummary]


class CompareReport(_Model):
    """Everything one ``compare`` run produced."""

    engine: str
    account: str
    readings: list[ReadingInfo]
    comparisons: list[Comparison]
    summary: Summary | None = None
    errors: list[ErrorInfo]

