"""The fields of the page's case form: every case-file field, its values and what they mean.

The values come from the case contract's vocabularies (:mod:`engine.cases.record`) and the
claimable facts from :mod:`engine.cases.claims`, so the form cannot offer a value the loader
refuses or miss one it accepts; the words explaining them follow ``docs/case-format.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.cases import record
from engine.cases.claims import claimable_paths

#: How many claim rows the form shows (a case file takes any number).
CLAIM_ROWS = 4

_MEANS: dict[str, str] = {
    "armed_forces": "a member of a state's armed forces",
    "local_defence_forces": "a member of a local defence force",
    "volunteer": "a volunteer fighter",
    "foreign_fighter": "a paid fighter who is neither a national of a party nor a member of "
                       "its armed forces",
    "civilian": "a civilian", "unknown": "not known (the same as leaving it out)",
    "AM": "Armenia", "AZ": "Azerbaijan",
    "combat": "in combat", "surrender": "on surrendering",
    "observation_post": "at an observation post", "border_crossing": "crossing a border",
    "engineering_works": "during engineering works", "at_home": "at home",
    "checkpoint": "at a checkpoint",
    "none": "no proceedings", "pending": "charged, no verdict yet", "convicted": "convicted",
    "acquitted": "acquitted, or the case dropped because no crime was found",
    "exchange": "in an exchange (of persons, or for anything else, such as mine maps)",
    "unilateral": "released unilaterally", "sentence_served": "at the end of a sentence",
    "pardon": "pardoned",
}

_TIME_HINT = ("an instant with its offset (2020-11-10T00:30+04:00), a local date and time "
              "(2020-11-10T00:30), a date, a month (2020-11) or a year (2020); local forms are "
              "read in the case's timezone, else +04:00. Fill 'to' for a range.")


@dataclass(frozen=True)
class Field:
    """One input of the form: its case-file path, label, kind, values and hint."""

    path: str
    label: str
    kind: str  # text | select | time | number | charges
    hint: str = ""
    values: tuple[tuple[str, str], ...] = ()
    required: bool = False


def _values(names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((n, _MEANS.get(n, n.replace("_", " "))) for n in names)


def _country(path: str, label: str, hint: str, *, required: bool = False) -> Field:
    return Field(path, label, "text", hint + " ISO 3166-1 alpha-2 code in capitals: AM, AZ, RU.",
                 required=required)


FIELDS: tuple[tuple[str, tuple[Field, ...]], ...] = (
    ("The case", (
        Field("id", "id", "text", "letters, digits, . _ -", required=True),
        Field("title", "title", "text", "optional: a line saying who and what"),
        _country("detaining_party", "detaining party", "the state holding the person.",
                 required=True),
    )),
    ("The detainee", (
        _country("detainee.nationality", "nationality", "optional (empty: unknown)."),
        Field("detainee.affiliation", "affiliation", "select", "who the person is",
              _values(record.AFFILIATIONS), required=True),
        Field("detainee.side", "side", "select",
              "the party the person served or is associated with",
              _values(("AM", "AZ", "unknown")), required=True),
    )),
    ("The capture", (
        Field("capture.time", "time", "time", _TIME_HINT),
        Field("capture.timezone", "timezone", "text",
              "optional: an IANA name (Asia/Baku) or offset (+04:00) for local times"),
        Field("capture.place", "place", "text", "optional, free text (no rule reads it)"),
        Field("capture.circumstances", "circumstances", "select", "how the person was captured",
              _values(record.CIRCUMSTANCES)),
        Field("capture.territory", "territory", "text",
              "the state on whose territory the capture took place, as the case describes it: "
              "an alpha-2 code, or empty for unknown"),
    )),
    ("Entry into the area", (
        Field("entry.time", "time", "time",
              "when the person or unit entered the area where captured; empty: no entry block. "
              + _TIME_HINT),
    )),
    ("Proceedings", (
        Field("proceedings.stage", "stage", "select", "empty: no proceedings are known",
              (("", "no proceedings block"), *_values(record.STAGES))),
        Field("proceedings.charges", "charges", "charges", "the charges recorded (none: none)",
              _values(record.CHARGES)),
        Field("proceedings.sentence_years", "sentence (years)", "number",
              "optional; a number of years, 0 or more"),
    )),
    ("Release", (
        Field("release.time", "time", "time", _TIME_HINT),
        Field("release.mechanism", "mechanism", "select", "how the person was released",
              _values(record.MECHANISMS)),
    )),
)

#: The facts a claim may be made on, for the claims' select.
CLAIMABLE: tuple[str, ...] = claimable_paths(record.CaseRecord)

CLAIM_HINT = ("Where the parties tell a fact differently, give each party's claim instead of one "
              "value (leave that field above empty): the fact, the value as the field takes it "
              "(a time range as 'FROM to TO'), who asserts it (AM, AZ, RU, or a body's id such "
              "as ICRC), where it was said, and optionally when (YYYY, YYYY-MM or YYYY-MM-DD).")
