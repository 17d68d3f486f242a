"""The fields of a claim besides its value: who asserted it, the source, the date said.

Split from :mod:`engine.cases.claims` (which re-exports what others use) so that the JSON Schema
(:mod:`engine.cases._schema`) states the same rules from the same constants.
"""

from __future__ import annotations

import re

from engine.base.errors import CodedValueError, found, quote
from engine.cases import timeval
from engine.cases._iso3166 import ALPHA2, alpha2_for_alpha3, check_alpha2

#: Who supplied a fact, besides a party: the case's plain value, every claim alike, or nobody
#: (the claims differ and the account picks none: the fact is the set of its claimed values).
CASE, UNCONTESTED, DISPUTED = "case", "uncontested", "disputed"
#: The account of each reading: the one it declares (its holder's, or the uncontested one).
OWN = "own"
#: A disputed fact on which every claimed value gave the reading the same answers.
DISPUTED_IMMATERIAL = "disputed_immaterial"
# Labels with a meaning of their own in accounts and on the command line.
RESERVED = frozenset({CASE, UNCONTESTED, DISPUTED, DISPUTED_IMMATERIAL, OWN})
#: Who may assert a claim: a state's ISO code or a body's id (see :func:`check_party`).
PARTY_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?", re.ASCII)


def check_party(text: str) -> str:
    """Return ``text`` if it can name who asserted a claim: an ISO state code or a body's id.

    Raises:
        ValueError: not an identifier, a reserved word, or a state code that is not ISO alpha-2.
    """
    if not PARTY_PATTERN.fullmatch(text):
        raise CodedValueError("expected an ISO 3166-1 alpha-2 state code (AM, AZ, RU) or the id "
                              "of another body (ICRC, HRW): a letter, then letters, digits, '_' "
                              f"or '-'; found {found(text)}", "invalid_party")
    if text in RESERVED:
        raise CodedValueError(f"{quote(text)} is reserved (it labels who supplied a fact): name "
                              "the party or body that made the claim", "reserved_party")
    if len(text) == 2 and (text.isupper() or text.upper() in ALPHA2):
        check_alpha2(text)
    state = alpha2_for_alpha3(text) if text.isupper() else None
    if state is not None:
        raise CodedValueError(f"{quote(text)} is an ISO 3166-1 alpha-3 code: write the state's "
                              f"alpha-2 code (did you mean '{state}'?)", "invalid_country_code")
    return text


def check_source(text: str) -> str:
    """Return ``text`` if it says something (not empty or blank)."""
    if not text.strip():
        raise CodedValueError("expected a non-empty string: who said it, where and when",
                              "empty_source")
    return text


def check_date(text: str) -> str:
    """Return ``text`` if it is a possible date ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    if not _DATE.fullmatch(text):
        raise CodedValueError(f"expected a date YYYY, YYYY-MM or YYYY-MM-DD; found {found(text)}",
                              "invalid_date")
    try:
        timeval.parse_time_text(text)
    except ValueError as exc:
        raise CodedValueError(str(exc).replace("impossible time", "impossible date"),
                              getattr(exc, "code", "invalid_date")) from None
    return text


def check_account(text: str) -> str:
    """Return ``text`` if it names an account: ``own``, ``uncontested``, or who asserted claims.

    Raises:
        ValueError: anything else (code ``invalid_account``), saying why.
    """
    if text in (OWN, UNCONTESTED):
        return text
    if not PARTY_PATTERN.fullmatch(text):
        raise CodedValueError("expected 'own', 'uncontested', or the id of a party or body (AM, "
                              "ICRC): a letter, then letters, digits, '_' or '-'; found "
                              f"{found(text)}", "invalid_account")
    try:
        return check_party(text)
    except ValueError as exc:
        raise CodedValueError(f"{exc} (an account is 'own', 'uncontested', or the id of a party "
                              "or body)", "invalid_account") from None
