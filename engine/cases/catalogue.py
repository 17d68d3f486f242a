"""The catalogue of facts that rules may test: each fact's path, kind and allowed values.

This is the typed schema the compiler checks rule files against and the normaliser fills from a
case record. Keeping it in one table means a fact cannot be tested that the case cannot supply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from engine.cases import record

FactKind = Literal["party", "enum", "bool", "time", "charges"]

# The case file's vocabularies, less `unknown`: an unknown value is an absent fact, never tested.
AFFILIATIONS = tuple(v for v in record.AFFILIATIONS if v != "unknown")
CIRCUMSTANCES = tuple(v for v in record.CIRCUMSTANCES if v != "unknown")
STAGES = record.STAGES
CHARGES = record.CHARGES
MECHANISMS = tuple(v for v in record.MECHANISMS if v != "unknown")
CONFLICT_SIDES = ("AM", "AZ")


@dataclass(frozen=True)
class FactSpec:
    """One testable fact: its dotted path, its kind and (for enums and charges) its values."""

    path: str
    kind: FactKind
    values: tuple[str, ...] = ()
    doc: str = ""


FACTS: dict[str, FactSpec] = {
    spec.path: spec
    for spec in (
        FactSpec("detaining_party", "party", doc="the state holding the person"),
        FactSpec("detainee.nationality", "party", doc="the detainee's nationality"),
        FactSpec("detainee.side", "party", CONFLICT_SIDES,
                 doc="the party the detainee served or is associated with"),
        FactSpec("detainee.adverse", "bool",
                 doc="the detainee's side is known and the other party to the conflict holds them"),
        FactSpec("detainee.national_of_detaining_party", "bool",
                 doc="the detainee's nationality is known and is the detaining party's"),
        FactSpec("detainee.affiliation", "enum", AFFILIATIONS),
        FactSpec("capture.time", "time"),
        FactSpec("capture.circumstances", "enum", CIRCUMSTANCES),
        FactSpec("capture.territory", "party",
                 doc="the state on whose territory the capture took place, as the case says"),
        FactSpec("entry.time", "time",
                 doc="when the person or unit entered the area where captured"),
        FactSpec("proceedings.stage", "enum", STAGES),
        FactSpec("proceedings.charges", "charges", CHARGES),
        FactSpec("release.mechanism", "enum", MECHANISMS,
                 doc="how the person was released, as the case describes it"),
    )
}

#: Facts computed from case fields, and the case fields each comes from (the holder is a fact).
DERIVED_FROM: dict[str, tuple[str, ...]] = {
    "detainee.adverse": ("detainee.side", "detaining_party"),
    "detainee.national_of_detaining_party": ("detainee.nationality", "detaining_party"),
}


def _field_facts() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for derived, fields in DERIVED_FROM.items():
        for field in fields:
            out[field] = (*out.get(field, (field,)), derived)
    return out


#: The facts a case field gives: itself and the facts derived from it (a side also decides
#: whether the holder is adverse). Fields that give only themselves are not listed.
FIELD_FACTS: dict[str, tuple[str, ...]] = _field_facts()

#: The value a rule writes for "the party that holds this reading".
HOLDER = "$holder"
#: A state that is neither party to the conflict, standing for every such state in enumerations.
THIRD_STATE = "GE"


def is_adverse(side: str, detaining_party: str) -> bool:
    """Whether a person of ``side`` is held by the other party to the conflict.

    False when held by their own side, and false when held by a state that is not a party to the
    conflict: none of the readings' sources speaks of such detention as capture by the enemy.
    """
    return detaining_party in CONFLICT_SIDES and side != detaining_party


def territory_values(holder: str | None) -> list[str | None]:
    """The distinguishable values of ``capture.territory`` for exhaustive enumeration.

    Rules test it only against the holder, so the holder, both conflict parties (so that the
    AM/AZ swap of every value is present for the symmetry proof) and unknown (None) tell every
    rule apart; a further third state would only repeat "not the holder".
    """
    return [*dict.fromkeys([*(p for p in [holder] if p), *CONFLICT_SIDES]), None]


def party_combinations(holder: str | None, *, nationality: bool) -> list[dict[str, object]]:
    """Every distinguishable assignment of the party facts, for exhaustive enumeration.

    The holder (if any), both conflict parties and one third state as detaining party and
    nationality; both sides and unknown as side; ``detainee.adverse`` and
    ``detainee.national_of_detaining_party`` derived as in the facts.
    """
    parties = list(dict.fromkeys([*(p for p in [holder] if p), *CONFLICT_SIDES, THIRD_STATE]))
    nationalities: list[str | None] = [*parties, None] if nationality else [None]
    out: list[dict[str, object]] = []
    for dp in parties:
        for side in (*CONFLICT_SIDES, None):
            for nat in nationalities:
                facts: dict[str, object] = {"detaining_party": dp}
                if side is not None:
                    facts["detainee.side"] = side
                    facts["detainee.adverse"] = is_adverse(side, dp)
                if nat is not None:
                    facts["detainee.nationality"] = nat
                    facts["detainee.national_of_detaining_party"] = nat == dp
                out.append(facts)
    return out
