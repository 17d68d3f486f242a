"""The case file, the public contract of one detainee's facts: pydantic models, validated once.

Field names and values are fixed by the contract (``docs/case-format.md``). Times are parsed
here into :mod:`engine.cases.timeval` values; their UTC intervals need a zone, which comes from
``capture.timezone`` or, failing that, the default offset written in ``rules/common.yaml``.
Positions are not known here: :mod:`engine.cases.load` maps validation errors to ``file:line:col``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import tzinfo
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from engine.base.errors import CaseFileError, CodedValueError, Problem, found
from engine.base.frozen import FrozenDict, FrozenMap
from engine.base.vocabulary import Point8Answer, ReleaseAnswer, StatusAnswer
from engine.cases import _accounts, _schema, constraints, timeval
from engine.cases import claims as claim_lists
from engine.cases._iso3166 import check_alpha2, check_alpha2_or_unknown
from engine.cases.claims import Claim
from engine.cases.timeval import Interval, LocalTime, TimeRange, TimeValue

# The contract's vocabularies, kept compact as the issue lists them.
# fmt: off
Affiliation = Literal["armed_forces", "local_defence_forces", "volunteer", "foreign_fighter",
                      "civilian", "unknown"]
Side = Literal["AM", "AZ", "unknown"]
Circumstances = Literal["combat", "surrender", "observation_post", "border_crossing",
                        "engineering_works", "at_home", "checkpoint", "unknown"]
Stage = Literal["none", "pending", "convicted", "acquitted"]
Charge = Literal["terrorism", "illegal_border_crossing", "illegal_arms", "illegal_armed_group",
                 "mercenarism", "espionage", "murder", "torture", "war_crime", "other"]
Mechanism = Literal["exchange", "unilateral", "sentence_served", "pardon", "unknown"]
# fmt: on

AFFILIATIONS: tuple[str, ...] = get_args(Affiliation)
CIRCUMSTANCES: tuple[str, ...] = get_args(Circumstances)
STAGES: tuple[str, ...] = get_args(Stage)
CHARGES: tuple[str, ...] = get_args(Charge)
MECHANISMS: tuple[str, ...] = get_args(Mechanism)

#: pydantic error type raised for times; its context says where and what (see caseload).
TIME_ERROR = "case_time"
#: Validation-context key for the zone of local times when a case names none.
DEFAULT_ZONE = "default_zone"
ID_PATTERN = r"^[A-Za-z0-9._-]+$"
# The two parties, swapped by CaseRecord.swapped_parties.
PARTY_SWAP = {"AM": "AZ", "AZ": "AM"}


def _time_error(reason: str, code: str, *, at: str = "", kind: str = "value",
                ) -> PydanticCustomError:
    # The reason travels in the context: the message template would read its braces as fields.
    return PydanticCustomError(TIME_ERROR, "{reason}",
                               {"reason": reason, "at": at, "kind": kind, "code": code})


def _time_text(value: object, at: str) -> LocalTime:
    if not isinstance(value, str):
        # A bare year such as 2020 arrives as a number: say how to write it.
        quote = isinstance(value, int) and not isinstance(value, bool)
        hint = f" (write it quoted: '{value}')" if quote else ""
        what = "a time as a string" + ("" if at else " or a mapping {from: ..., to: ...}")
        raise _time_error(f"expected {what}; found {found(value)}{hint}", "wrong_type", at=at)
    try:
        return timeval.parse_time_text(value)
    except ValueError as exc:
        raise _time_error(str(exc), getattr(exc, "code", "invalid_time"), at=at) from None


def _parse_time(value: object) -> TimeValue:
    """Validate a time field: a string, or a mapping ``{from, to}``."""
    if isinstance(value, Mapping):
        for key in value:
            if key not in ("from", "to"):
                raise _time_error("unknown field", "unknown_field", at=str(key), kind="extra")
        for key in ("from", "to"):
            if key not in value:
                raise _time_error("missing required field", "missing_field", at=key,
                                  kind="missing")
        span = TimeRange(_time_text(value["from"], "from"), _time_text(value["to"], "to"))
        # A local end and an end with offset compare differently in different zones: here the
        # range is refused only if it is inverted in every zone; CaseRecord checks it in its own.
        if timeval.is_inverted(span):
            raise _time_error(timeval.inverted_message(span), "inverted_range")
        return span
    return _time_text(value, "")


_TEXT = _schema.time_text_schema(
    f"A time: {timeval.ACCEPTED_TIMES}; local ones in the case's zone")
_RANGE = {"type": "object", "properties": {"from": _TEXT, "to": _TEXT}}
_TIME_SCHEMA: dict[str, Any] = {
    "description": "A time, or a range {from, to}: from the start of 'from' to the end of 'to'.",
    "anyOf": [_TEXT, {**_RANGE, "required": ["from", "to"], "additionalProperties": False}],
}
Time = Annotated[
    TimeValue,
    PlainValidator(_parse_time),
    PlainSerializer(timeval.as_written),
    WithJsonSchema(_TIME_SCHEMA),
]


def _check_zone(text: str) -> str:
    timeval.parse_zone(text)
    return text


def _check_id(text: str) -> str:
    if not text or not all(c.isascii() and (c.isalnum() or c in "._-") for c in text):
        raise CodedValueError("expected only letters, digits, '.', '_' and '-'; found "
                              f"{found(text)}", "invalid_id")
    return text


CountryCode = Annotated[
    str, AfterValidator(check_alpha2), Field(description="ISO 3166-1 alpha-2 code")
]
_MODEL = ConfigDict(frozen=True, extra="forbid")


class Detainee(BaseModel):
    """Who the detained person is."""

    model_config = _MODEL
    # Optional beyond the contract: an unknown nationality is a fact left unknown, not an error.
    nationality: CountryCode | None = None
    affiliation: Affiliation
    side: Side = Field(description="The party the person served or is associated with.")


class Capture(BaseModel):
    """When, where and how the person was captured; an absent time is unknown."""

    model_config = _MODEL
    time: Time | None = None
    timezone: Annotated[str, AfterValidator(_check_zone)] | None = Field(
        default=None, description="IANA name or UTC offset for local dates and times."
    )
    place: str | None = None
    circumstances: Circumstances = "unknown"
    # The state on whose territory the capture took place, as the case (or the party asserting
    # it) describes it: the parties place some captures differently (brief §4, May 2021 row).
    territory: Annotated[str, AfterValidator(check_alpha2_or_unknown)] = Field(
        default="unknown",
        description="ISO 3166-1 alpha-2 code of the state on whose territory the capture took "
        "place, as the case describes it, or 'unknown'.",
    )


class Entry(BaseModel):
    """When the person or unit entered the area where captured."""

    model_config = _MODEL
    time: Time


class Proceedings(BaseModel):
    """Criminal proceedings against the person."""

    model_config = _MODEL
    stage: Stage
    charges: tuple[Charge, ...] = ()
    sentence_years: Annotated[float, Field(strict=True, ge=0, allow_inf_nan=False)] | None = None


class Release(BaseModel):
    """The person's release."""

    model_config = _MODEL
    time: Time | None = None
    mechanism: Mechanism = "unknown"


class Expectation(BaseModel):
    """The answers a case file expects from one reading; absent answers are not checked."""

    model_config = _MODEL
    status: StatusAnswer | None = None
    point8: Point8Answer | None = None
    release: ReleaseAnswer | None = None
    flags: tuple[str, ...] | None = None


class CaseRecord(BaseModel):
    """One validated case: the facts about one detained person."""

    model_config = _MODEL
    id: Annotated[str, AfterValidator(_check_id), Field(json_schema_extra={"pattern": ID_PATTERN})]
    title: str | None = None
    detaining_party: CountryCode
    detainee: Detainee
    capture: Capture
    entry: Entry | None = None
    proceedings: Proceedings | None = None
    release: Release | None = None
    # Mappings are FrozenDicts (and claim lists tuples): a record is shared by every caller that
    # evaluates it, and emptying a claim list would break them all.
    expect: FrozenMap[str, Expectation] = Field(
        default_factory=FrozenDict, description="Expected answers per reading id."
    )
    # The plain fields above hold the uncontested values, so every consumer can ignore claims.
    claims: Annotated[FrozenMap[str, tuple[Claim, ...]],
                      BeforeValidator(claim_lists.report_issues)] = (
        Field(default_factory=FrozenDict, description="Claims per fact path, in file order (the "
              "dumped form of claims written inline on the facts).")
    )

    @model_validator(mode="before")
    @classmethod
    def _lift_claims(cls, data: Any, info: ValidationInfo) -> Any:
        return claim_lists.lift_claims(cls, data, (info.context or {}).get(DEFAULT_ZONE))

    def _times(self) -> Iterator[tuple[str, TimeValue]]:
        for name in ("capture", "entry", "release"):
            block = getattr(self, name)
            if block is not None and block.time is not None:
                yield name, block.time

    @model_validator(mode="after")
    def _ranges_in_own_zone(self, info: ValidationInfo) -> CaseRecord:
        # Once the case's zone is known (its own, or the rules' default passed as validation
        # context), a range mixing local and offset ends is checked exactly.
        zone: tzinfo | None = (info.context or {}).get(DEFAULT_ZONE)
        if self.capture.timezone is not None:
            zone = timeval.parse_zone(self.capture.timezone)
        for name, value in self._times() if zone is not None else ():
            if isinstance(value, TimeRange) and timeval.is_inverted(value, zone):
                raise _time_error(timeval.inverted_message(value), "inverted_range",
                                  at=f"{name}.time")
        broken = constraints.violations(self, zone)
        if broken:
            raise _time_error(broken[0].message, broken[0].constraint.replace("-", "_"),
                              at=broken[0].field)
        return self

    def zone(self, default: tzinfo) -> tzinfo:
        """The zone of this case's local times: ``capture.timezone``, else ``default``."""
        return (
            default if self.capture.timezone is None else timeval.parse_zone(self.capture.timezone)
        )

    def _interval(self, name: str, default: tzinfo) -> Interval | None:
        block = getattr(self, name)
        if block is None or block.time is None:
            return None
        try:
            return timeval.to_interval(block.time, self.zone(default))
        except ValueError as exc:
            # Only a range mixing local and offset ends, inverted in the default zone, gets here
            # (and only if the case was validated without knowing that zone).
            raise CaseFileError([Problem(f"case '{self.id}': {name}.time: {exc}",
                                         code="inverted_range", loc=(name, "time"))]) from None

    def capture_interval(self, default: tzinfo) -> Interval | None:
        """The UTC interval of the capture time, or None when unknown.

        Args:
            default: the zone for local times when the case names none (the rules' default).

        Raises:
            CaseFileError: a range that is inverted in ``default``.
        """
        return self._interval("capture", default)

    def entry_interval(self, default: tzinfo) -> Interval | None:
        """The UTC interval of the entry time (in the capture's zone), or None when unknown."""
        return self._interval("entry", default)

    def release_interval(self, default: tzinfo) -> Interval | None:
        """The UTC interval of the release time (in the capture's zone), or None when unknown."""
        return self._interval("release", default)

    def swapped_parties(self) -> CaseRecord:
        """The same case with AM and AZ swapped throughout; other codes and ``unknown`` stay.

        Swaps ``detaining_party``, ``detainee.nationality``, ``detainee.side`` and
        ``capture.territory``, and in claims who asserted them and values that are party codes:
        a reading symmetric in the parties answers both cases alike. Applying it twice gives the
        case back.

        Example:
            >>> case = CaseRecord.model_validate({"id": "x", "detaining_party": "AZ",
            ...     "detainee": {"nationality": "RU", "affiliation": "volunteer", "side": "AM"},
            ...     "capture": {}})
            >>> swapped = case.swapped_parties()
            >>> swapped.detaining_party, swapped.detainee.nationality, swapped.detainee.side
            ('AM', 'RU', 'AZ')
        """
        person = self.detainee
        detainee = person.model_copy(update={
            "nationality": PARTY_SWAP.get(person.nationality or "", person.nationality),
            "side": PARTY_SWAP.get(person.side, person.side),
        })
        where = self.capture.territory
        capture = self.capture.model_copy(update={"territory": PARTY_SWAP.get(where, where)})
        party = PARTY_SWAP.get(self.detaining_party, self.detaining_party)
        claims = _accounts.swap_claims(CaseRecord, self.claims, PARTY_SWAP)
        return self.model_copy(update={"detaining_party": party, "detainee": detainee,
                                       "capture": capture, "claims": claims})

    def on_account(self, party: str | None, *, keep_disputed: bool = False,
                   ) -> tuple[CaseRecord, dict[str, str]]:
        """The case as ``party`` tells it, and who supplied each claimable fact.

        For each claimed fact: ``party``'s value if it made a claim (supplied by ``party``);
        else the value all claims agree on (``uncontested``); else the claims differ
        (``disputed``): the plain value is unknown and, with ``keep_disputed``, the record keeps
        those claims, so that an evaluation takes the fact as the set of its claimed values.
        ``None`` is the uncontested account. Other facts are supplied by ``case``.

        Returns:
            A record, validated like any other, without claims (but the disputed ones if
            ``keep_disputed``), and a mapping from every claimable fact path (and
            ``detaining_party``) to its supplier.
        """
        return _accounts.resolve_account(self, self.claims, party, keep_disputed)

    def claimants(self) -> tuple[str, ...]:
        """Everyone who asserted a claim in this case, in order of first appearance."""
        return tuple(dict.fromkeys(c.asserted_by for cs in self.claims.values() for c in cs))


def case_json_schema() -> dict[str, Any]:
    """The JSON Schema of a case file: one case, or a list of cases.

    Times appear as strings or ``{from, to}`` mappings, as they are written; each fact that
    may be disputed also as a list of claims. It states every rule of the loader that a JSON
    Schema can (codes, patterns, vocabularies, reserved words); its description lists those it
    cannot, and the YAML conveniences it does not see.
    """
    schema = CaseRecord.model_json_schema(by_alias=True)
    _schema.refine(schema)
    _accounts.document_claims(CaseRecord, schema)
    _schema.claims_by_path(CaseRecord, schema)
    defs = schema.pop("$defs", {})
    defs["CaseRecord"] = schema
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "legal-status case file",
        "description": _schema.SCHEMA_NOTE,
        "anyOf": [
            {"$ref": "#/$defs/CaseRecord"},
            {"type": "array", "items": {"$ref": "#/$defs/CaseRecord"}},
        ],
        "$defs": defs,
    }

