"""The typed results of comparing the readings on a case: the JSON contract of ``compare``.

Field names here are public (see the README, "Why the readings disagree"): change them only with
the README. JSON is produced by the models; ``from`` is spelled ``from_`` in Python and
serialised as ``from`` by the models' own configuration.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from engine.base.frozen import FrozenAny, FrozenDict, FrozenMap
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
    value: FrozenAny


class Counterfactual(_Model):
    """A smallest change of facts that changes one reading's answer to one question."""

    reading: str
    question: str
    from_: str = Field(alias="from")
    to: str
    changes: tuple[FactChange, ...]


class AgreementChange(_Model):
    """A smallest change of facts on which every reading would give the same answer."""

    question: str
    answer: str
    changes: tuple[FactChange, ...]


class Group(_Model):
    """The readings that give one answer to one question."""

    answer: str
    readings: tuple[str, ...]


class DecidingRule(_Model):
    """A rule that decided a reading's answer, with its statement and citations."""

    reading: str
    rule: str
    says: str
    cites: tuple[Cite, ...]


class CruxSide(_Model):
    """Why one group answers as it does: the deciding rules, the facts its answers depend on
    (see :class:`Separating`), and the facts left open when the answer is ``indeterminate``."""

    answer: str
    readings: tuple[str, ...]
    rules: tuple[DecidingRule, ...]
    facts: tuple[str, ...]
    open: tuple[str, ...] = ()


class Separating(_Model):
    """A fact some readings' answers depend on and others' do not (or, when ``decisive``, one
    any reading's answer depends on); ``decisive`` when changing it alone moves some reading to
    an answer another reading gives.

    A reading's answer depends on a fact when its deciding rules read it, when the answer is
    left open by it, when some smallest change of it moves the answer (a counterfactual), or,
    for an answer no rule gave, when it alone holds back a rule that would give one."""

    fact: str
    read_by: tuple[str, ...]
    not_read_by: tuple[str, ...]
    decisive: bool = False


class Crux(_Model):
    """The crux of a split on one question, and whether it is legal or factual.

    ``kind`` is ``factual`` when the readings would give one answer, other than
    ``indeterminate``, if all used one common account of the facts (``common_accounts`` says on
    which), ``legal`` when they do not on any common account.
    """

    question: str
    groups: tuple[CruxSide, ...]
    separating: tuple[Separating, ...]
    kind: DisagreementKind
    common_accounts: FrozenMap[str, bool]


class DependsRow(_Model):
    """One resolution of the open facts and the answer it yields; for a disputed fact the
    resolution is one of its claimed values, and ``claimed_by`` says who claims it."""

    values: FrozenMap[str, str]
    set: FrozenMap[str, FrozenAny]
    answer: str
    claimed_by: FrozenMap[str, tuple[str, ...]] = Field(default_factory=FrozenDict)


class DependsTable(_Model):
    """What an ``indeterminate`` answer would be for each possible value of its open facts:
    ``rows`` reduced (the facts the answer turns on, rows merged where they agree), and, only
    when asked for, ``all_rows``: every possible combination."""

    reading: str
    question: str
    facts: tuple[str, ...]
    rows: tuple[DependsRow, ...]
    complete: bool = True
    all_rows: tuple[DependsRow, ...] | None = None

    @model_serializer(mode="wrap")
    def _only_asked(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # The full enumeration appears only when asked for (``compare --full-tables``).
        out: dict[str, Any] = handler(self)
        if out.get("all_rows") is None:
            out.pop("all_rows", None)
        return out


class SearchInfo(_Model):
    """How far the exact search of changes went, and whether a bound cut it short.

    ``unmoved`` lists the answers (``reading.question``) that no change of up to
    ``max_changes`` facts changes.
    """

    max_changes: int
    evaluations: int
    complete: bool
    note: str | None = None
    unmoved: tuple[str, ...] = ()


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
    claims: tuple[ClaimView, ...]
    supplied: FrozenMap[str, str]


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
    accounts: FrozenMap[str, str]
    claimed: tuple[ClaimedFact, ...] = ()
    answers: FrozenMap[str, Answers]
    agreement: FrozenMap[str, bool]
    groups: FrozenMap[str, tuple[Group, ...]]
    crux: FrozenMap[str, Crux]
    counterfactuals: tuple[Counterfactual, ...]
    agree_if: tuple[AgreementChange, ...]
    depends: tuple[DependsTable, ...]
    search: SearchInfo
    #: Per reading, its answers and their grounds in plain words (the outcome's ``summary``).
    summaries: FrozenMap[str, str] = Field(default_factory=FrozenDict)


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
    deciding_facts: tuple[FactCount, ...]


class Summary(_Model):
    """Over a caseload: per reading the count of each answer, per question the splits."""

    answers: FrozenMap[str, FrozenMap[str, FrozenMap[str, int]]]
    questions: FrozenMap[str, QuestionSummary]


class CompareReport(_Model):
    """Everything one ``compare`` run produced."""

    engine: str
    account: str
    readings: tuple[ReadingInfo, ...]
    comparisons: tuple[Comparison, ...]
    summary: Summary | None = None
    errors: tuple[ErrorInfo, ...]

