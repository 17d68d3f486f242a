"""Shared fixtures: the bundled readings, the small test reading, and a case builder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine.cases.record import CaseRecord
from engine.readings.load import ReadingSet, load_readings

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent


def make_case(**overrides: Any) -> CaseRecord:
    """A valid case (an Armenian serviceman held by Azerbaijan), with fields replaced."""
    data: dict[str, Any] = {
        "id": "t", "detaining_party": "AZ",
        "detainee": {"nationality": "AM", "affiliation": "armed_forces", "side": "AM"},
        "capture": {"time": "2020-10-20", "circumstances": "combat"},
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        elif value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return CaseRecord.model_validate(data)


@pytest.fixture(scope="session")
def mini() -> ReadingSet:
    """The small test reading in tests/fixtures/rules."""
    return load_readings(FIXTURES / "rules")


@pytest.fixture(scope="session")
def bundled() -> ReadingSet:
    """The bundled readings."""
    return load_readings()
