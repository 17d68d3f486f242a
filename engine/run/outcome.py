"""The typed, immutable results of an evaluation, as returned to callers and serialised to JSON.

Field names here are the public JSON contract (see the README): change them only with the README.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from engine.base.frozen import FrozenDict, FrozenMap
from engine.base.vocabulary import Point8Answer, ReleaseAnswer, StatusAnswer

EngineName = Literal["durable", "reference"]


#: Per model class, every field in order with its default (required ones with a placeholder that
#: ``trusted`` always replaces).
_TEMPLATES: dict[type[BaseModel], dict[str, Any]] = {}


class _Model(BaseModel):
    # Frozen all the way down: sequences are tuples and mappings FrozenDicts (engine.base.frozen),
    # so an outcome shared between callers cannot be changed through one of them.
    model_config = ConfigDict(frozen=True, extra="forbid")

    @classmethod
    def trusted(cls, **values: Any) -> Self:
        """An instance built without validation, for the engine's own values only: each of the
        right type and already frozen (tuples, FrozenDicts). What ``model_construct`` does, at a
        fraction of its cost (it is called for every step of every trace); fields not given take
        their defaults."""
        fields = cls.defaults()
        fields.update(values)
        return cls.from_fields(fields, values.keys())

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Every field in order with its default (required ones with a placeholder)."""
        template = _TEMPLATES.get(cls)
        if template is None:
            # Every default here is immutable (None, (), an empty FrozenDict), so one is shared.
            template = _TEMPLATES[cls] = {
                name: info.get_default(call_default_factory=True)
                for name, info in cls.model_fields.items()}
        return dict(template)

    @classmethod
    def from_fields(cls, fields: dict[str, Any], given: Iterable[str]) -> Self:
        """An instance over ``fields`` (every field, in order, as :meth:`defaults` lists them;
        the instance keeps the mapping), ``given`` being those set; as :meth:`trusted`."""
        obj = cls.__new__(cls)
        object.__setattr__(obj, "__dict__", fields)
        object.__setattr__(obj, "__pydantic_fields_set__", set(given))
        object.__setattr__(obj, "__pydantic_extra__", None)
        object.__setattr__(obj, "__pydantic_private__", None)
        return obj

    def replaced(self, **values: Any) -> Self:
        """A copy with ``values`` in place, without validation: ``model_copy(update=values)``
        (the same fields set) for the engine's own values, each already frozen, more cheaply."""
        obj = type(self).__new__(type(self))
        fields = dict(self.__dict__)
        fields.update(values)
        object.__setattr__(obj, "__dict__", fields)
        object.__setattr__(obj, "__pydantic_fields_set__",
                           self.__pydantic_fields_set__ | values.keys())
        object.__setattr__(obj, "__pydantic_extra__", None)
        object.__setattr__(obj, "__pydantic_private__", None)
        return obj


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
    cites: tuple[Cite, ...]
    facts: FrozenMap[str, str]
    concludes: FrozenMap[str, str]
    flags: tuple[str, ...] = ()
    derives: tuple[str, ...] = ()
    defeated_by: tuple[str, ...] = ()


class Decision(_Model):
    """How one question was answered: by which rules, or which facts left it open.

    Over disputed facts, ``by`` names the rules that gave the answer in the first combination of
    the claimed values (the one the trace shows); ``holds_over`` lists the disputed facts over
    every combination of whose claimed values the answer is the same; ``depends_on`` those whose
    claims give different answers (the answer is then ``indeterminate``, and they are also in
    ``unknown``).
    """

    answer: str
    by: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    holds_over: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()


class Combination(_Model):
    """One combination of the claimed values of the disputed facts a reading reads, and what
    the reading answers on it (``by``: question -> deciding rules; ``fired``: in order)."""

    values: FrozenMap[str, Any]
    claimed_by: FrozenMap[str, tuple[str, ...]]
    status: StatusAnswer
    point8: Point8Answer
    release: ReleaseAnswer
    by: FrozenMap[str, tuple[str, ...]] = Field(default_factory=FrozenDict)
    fired: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()


class Dispute(_Model):
    """The disputed facts a reading reads, and every combination of their claimed values.

    ``combinations`` lists each combination (the first is the one ``trace`` shows); ``distinct``
    counts the combinations the rules tell apart (claimed values on the same side of every
    instant a time is compared with are one), ``evaluated`` how many of them were evaluated, each
    once. ``complete`` is false when a bound cut the list or the evaluation, and ``note`` says
    which.
    """

    facts: tuple[str, ...]
    combinations: tuple[Combination, ...]
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
    flags: tuple[str, ...]
    unknown: tuple[str, ...]
    trace: tuple[TraceStep, ...]
    overridden: tuple[str, ...] = ()
    decisions: FrozenMap[str, Decision] = Field(default_factory=FrozenDict)
    #: Whose account of disputed facts was used: a party or body id, or ``uncontested``.
    account: str = "uncontested"
    #: For each fact the reading's rules test: ``case``, ``uncontested``, a party id,
    #: ``disputed`` (the claims differ, the account's party made none, and the answer depends
    #: on which claim is taken) or ``disputed_immaterial`` (the claims differ, every one gives
    #: the same answers).
    supplied_by: FrozenMap[str, str] = Field(default_factory=FrozenDict)
    #: Why ``engine`` is not the one asked for: durable_rules could not be imported (Python
    #: 3.13+), or the reading is over one of its limits (which limit, by how much); else None.
    engine_note: str | None = None
    #: The disputed facts the rules read and each combination of their claimed values.
    dispute: Dispute | None = None
    #: The answers and their grounds in plain words, attributed to the reading's holder and
    #: sources (no rule ids or fact paths): see :mod:`engine.run.summary`.
    summary: str = ""


class CaseResult(_Model):
    """All requested readings' outcomes for one case."""

    case_id: str
    title: str | None = None
    source: str
    readings: FrozenMap[str, Outcome]
