"""Shared fixtures: the bundled readings, the small test reading, and a case builder."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from engine.cases.record import CaseRecord
from engine.readings.load import ReadingSet, load_readings
from engine.run import _durable

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent


#: Where durable_rules is a dependency: pyproject's environment marker leaves it out on 3.13+,
#: whose C API its 2.0.28 extension cannot be built against (PyEval_CallObject is gone).
DURABLE_REQUIRED = sys.version_info < (3, 13)
#: For tests that exercise durable_rules itself (a test that only evaluates runs anywhere: the
#: reference evaluator serves where durable_rules is absent). Skipped where durable_rules is
#: legitimately absent, a failure where it is required but cannot be imported.
needs_durable = pytest.mark.needs_durable


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs_durable: the test exercises durable_rules itself")


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("needs_durable") is None or _durable.available():
        return
    version = ".".join(map(str, sys.version_info[:2]))
    if DURABLE_REQUIRED:
        pytest.fail(f"durable_rules is required on Python {version} but cannot be imported "
                    f"({_durable.import_error()}): install the package with its dependencies "
                    "(a C compiler is needed: see the README's \"Supported Pythons\")",
                    pytrace=False)
    pytest.skip(f"durable_rules is not installed on Python {version} (it supports Python < "
                "3.13 only); the reference evaluator serves here")


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
