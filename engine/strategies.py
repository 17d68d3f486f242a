"""Public hypothesis strategies for case records and times: ``from engine.strategies import ...``.

The strategies live in :mod:`engine.testing.strategies`; this module is their stable public
name (as ``hypothesis.strategies`` is over hypothesis's private modules). Importing it needs
hypothesis: ``pip install 'legal-status[hypothesis]'``.
"""

from __future__ import annotations

from engine.testing.strategies import (
    CEASEFIRE,
    CLAIMANTS,
    MECHANISMS,
    NATIONALITIES,
    PARTIES,
    SEARCH_PHASES,
    SIDES,
    TERRITORIES,
    TIMEZONES,
    CasePins,
    TimeInput,
    boundary_instants,
    capture_times,
    case_dicts,
    case_records,
    choices,
    claimed_case_dicts,
    find_example,
    proceedings_dicts,
)

__all__ = [
    "CEASEFIRE",
    "CLAIMANTS",
    "MECHANISMS",
    "NATIONALITIES",
    "PARTIES",
    "SEARCH_PHASES",
    "SIDES",
    "TERRITORIES",
    "TIMEZONES",
    "CasePins",
    "TimeInput",
    "boundary_instants",
    "capture_times",
    "case_dicts",
    "case_records",
    "choices",
    "claimed_case_dicts",
    "find_example",
    "proceedings_dicts",
]
