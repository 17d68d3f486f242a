"""The JSON Schema's share of the loader's rules: every one a schema can state, from the same
constants the loader checks (ISO codes, reserved words, offsets, zone names, time syntax).

What no JSON Schema can state (the order of times, a range read in the case's zone, one claim
per party, unique ids across a batch) is said in the schema's description, and listed with the
reason in ``tests/unit/test_schema_loader.py``, which runs every fixture through both.
"""

from __future__ import annotations

import sys
from typing import Any

from pydantic import BaseModel

from engine.cases import claims as claim_lists
from engine.cases import timeval
from engine.cases._claimfields import RESERVED
from engine.cases._iso3166 import ALPHA2, ALPHA3

# Patterns are ECMA-262 and Python alike: ASCII classes only (the loader's are ASCII too).
# Year 0 is refused; written without lookaheads, which test-data generators cannot invert.
_YEAR = "(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
_LEAP = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_MONTH = "(?:0[1-9]|1[0-2])"
_MONTH_DAY = ("(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
              "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))")
_DATE = f"(?:{_YEAR}-{_MONTH_DAY}|{_LEAP}-02-29)"
_CLOCK = "(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:[.,][0-9]{1,9})?)?"
_MAX_HOURS = timeval.MAX_OFFSET_MINUTES // 60
assert timeval.MAX_OFFSET_MINUTES == _MAX_HOURS * 60 == 18 * 60  # the pattern below says 18:00
_OFFSET = "[+-](?:(?:0[0-9]|1[0-7]):?[0-5][0-9]|18:?00)"
_PERIOD = f"(?:{_YEAR}(?:-{_MONTH})?|{_DATE})"
#: A time as :func:`engine.cases.timeval.parse_time_text` accepts it (spaces around allowed).
TIME_PATTERN = rf"^\s*(?:{_PERIOD}|{_DATE}[T ]{_CLOCK}(?:[Zz]|{_OFFSET})?)\s*$"
# Years, months and days on the calendar's edges leave years 1-9999 in some zone.
_EDGE = "(?:0001(?:-01(?:-01)?)?|9999(?:-12(?:-31)?)?)"
#: Times refused as out of range in some zone, whatever their clock (see TIME_NOTE).
OUT_OF_RANGE = rf"^\s*{_EDGE}\s*$"
TIME_NOTE = (
    f" Times lie between {timeval.FIRST_TIME} and {timeval.LAST_TIME} in every zone; times of day"
    " on 0001-01-01 and 9999-12-31 are accepted or not by their clock and offset, which the"
    " loader checks and this schema does not."
)
CLAIM_DATE_PATTERN = f"^{_PERIOD}$"


def _case_insensitive(code: str) -> str:
    return "".join(f"[{c}{c.lower()}]" for c in code)


_COUNTRY: dict[str, Any] = {
    "description": "An ISO 3166-1 alpha-2 code, in capitals.", "type": "string",
    "enum": sorted(ALPHA2)}
_TERRITORY: dict[str, Any] = {
    "description": "An ISO 3166-1 alpha-2 code, or 'unknown'.",
    "anyOf": [{"$ref": "#/$defs/CountryCode"}, {"const": "unknown"}]}
# Who asserted a claim (engine.cases._claimfields.check_party): an identifier, not a reserved
# word nor an alpha-3 code; one of two characters that reads as a state code must be one.
_PARTY: dict[str, Any] = {
    "description": "ISO 3166-1 alpha-2 code of a state, or the id of another body (ICRC): a "
                   "letter, then letters, digits, '_' or '-'; not an alpha-3 code, nor one of "
                   "the reserved words " + ", ".join(sorted(RESERVED)) + ".",
    "type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_-]*$",
    "not": {"enum": sorted(RESERVED | ALPHA3)},
    "if": {"pattern": "^[A-Za-z][A-Za-z0-9_-]$"},
    "then": {"anyOf": [{"$ref": "#/$defs/CountryCode"}, {"not": {"anyOf": [
        {"pattern": "^[A-Z][A-Z0-9_-]$"},
        {"pattern": "^(?:" + "|".join(_case_insensitive(c) for c in sorted(ALPHA2)) + ")$"},
    ]}}]},
}
_SOURCE: dict[str, Any] = {"description": "Who said it, where, when: not blank.",
                           "type": "string", "minLength": 1, "pattern": r"\S"}
_CLAIM_DATE: dict[str, Any] = {
    "description": "When it was said: YYYY, YYYY-MM or YYYY-MM-DD, a date that exists.",
    "type": "string", "pattern": CLAIM_DATE_PATTERN, "not": {"pattern": OUT_OF_RANGE}}
_NUMBER: dict[str, Any] = {"type": "number", "minimum": 0, "maximum": sys.float_info.max}

#: The schema of each plain field, where the model's own says less than the loader checks.
_FIELDS: dict[tuple[str | None, str], dict[str, Any]] = {
    (None, "detaining_party"): {"$ref": "#/$defs/CountryCode"},
    ("Detainee", "nationality"): {"$ref": "#/$defs/CountryCode"},
    ("Capture", "territory"): {"$ref": "#/$defs/Territory"},
    ("Capture", "timezone"): {"$ref": "#/$defs/TimeZone"},
    ("Proceedings", "sentence_years"): _NUMBER,
    ("Claim", "asserted_by"): {"$ref": "#/$defs/Party"},
    ("Claim", "source"): _SOURCE,
    ("Claim", "date"): _CLAIM_DATE,
}


def time_text_schema(description: str) -> dict[str, Any]:
    """The schema of one time written as a string."""
    return {"description": description + "." + TIME_NOTE, "type": "string",
            "pattern": TIME_PATTERN, "not": {"pattern": OUT_OF_RANGE}}


def zone_schema() -> dict[str, Any]:
    """``capture.timezone``: an offset, Z, UTC, or an IANA name this machine's zone data knows
    (the list comes from it, as the loader's does)."""
    return {"description": f"The zone of the case's local times: {timeval.ACCEPTED_ZONES}.",
            "anyOf": [{"type": "string",
                       "pattern": rf"^\s*(?:[Zz]|[Uu][Tt][Cc]|{_OFFSET})\s*$"},
                      {"enum": sorted(timeval.zone_names())}]}


def refine(schema: dict[str, Any]) -> None:
    """State in ``schema`` (the case model's, before claims are documented) what the loader
    checks beyond the model's types; add the shared definitions."""
    defs = schema.setdefault("$defs", {})
    for (owner, name), plain in _FIELDS.items():
        prop = (schema if owner is None else defs[owner])["properties"][name]
        _retype(prop, plain)
    defs.update({"CountryCode": _COUNTRY, "Territory": _TERRITORY, "Party": _PARTY,
                 "TimeZone": zone_schema()})


def _retype(prop: dict[str, Any], plain: dict[str, Any]) -> None:
    """Put ``plain`` in place of the field's non-null alternative, keeping its title, default
    and description."""
    alternatives = prop.get("anyOf")
    if alternatives is None:
        for key in ("type", "minimum", "maximum"):
            prop.pop(key, None)
        prop.update(plain)
        return
    prop["anyOf"] = [a if a.get("type") == "null" else dict(plain) for a in alternatives]


#: The description of the whole schema: what it cannot state, and how it reads YAML.
SCHEMA_NOTE = (
    "One case, or a list of cases. See docs/case-format.md. The loader also checks what no JSON "
    "Schema can state: that a range {from, to} does not end before it starts (in the case's "
    "zone), that entry, capture and release times are in order, that a sentence (or a release "
    "because it was served) comes with proceedings.stage 'convicted', that a party makes one "
    "claim per fact, that case ids are unique across a batch, and that numbers are finite (NaN "
    "is no JSON value; YAML's .nan is refused). YAML files are read as plain data, so this schema "
    "applies to them as read by the engine: unquoted dates, times and numbers such as 2020-12-13 "
    "or 2020 are read as the strings written, never as YAML timestamps or integers; a generic "
    "YAML-to-JSON conversion turns them into other types, which this schema then refuses: quote "
    "them to validate such files with other tools."
)


def claims_by_path(model: type[BaseModel], schema: dict[str, Any]) -> None:
    """The dumped ``claims`` mapping: only claimable paths, each a non-empty list of claims whose
    values are the fact's; and claims on a fact are given either there or inline, not both."""
    defs = schema["$defs"]
    claims = schema["properties"]["claims"]
    lists: dict[str, Any] = {}
    given_twice: list[dict[str, Any]] = []
    for path in claim_lists.claimable_paths(model):
        owner, name = claim_lists.fact_fields(model)[path]
        props = (schema if owner is model else defs[owner.__name__])["properties"]
        lists[path] = props[name]["anyOf"][-1]  # the list-of-claims alternative
        inline: dict[str, Any] = {"properties": {name: {"not": {"type": "array"}}}}
        if owner is not model:
            block = next(b for b, m in claim_lists.blocks(model).items() if m is owner)
            inline = {"properties": {block: inline}}
        given_twice.append({"if": {"required": ["claims"],
                                   "properties": {"claims": {"required": [path]}}},
                            "then": inline})
    claims.update({"propertyNames": {"enum": list(lists)}, "properties": lists})
    schema["allOf"] = given_twice
