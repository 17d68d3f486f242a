"""The problem codes are a documented, stable contract (docs/errors.md).

Every code the engine can raise is in the table of docs/errors.md, every code in the table can be
raised, and every fixture under tests/errors/ names the code its problem has (its header is
``# expect: LINE:COL: [CODE] MESSAGE``, checked by the fixture tests).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from engine.base import errors
from engine.base.errors import GENERIC_CODE
from engine.cases import validation
from tests.conftest import ROOT

DOC = ROOT / "docs" / "errors.md"
HERE = Path(__file__).parent
# The calls that take a code, and the position of the code among their arguments (or None:
# keyword only).
_TAKES_CODE = {"Problem": 2, "CodedValueError": 1, "_time_error": 1, "_fail": 2, "_issue": 3,
               "fail": None, "Violation": 0}
# Codes given to pydantic's own error types (engine/cases/validation.py).
# And the codes of errors whose problems name none (EvaluationError, ...).
_DERIVED = {*validation._CODES.values(), "wrong_type", "invalid_value", GENERIC_CODE,
            *(c.DEFAULT_CODE for c in vars(errors).values()
              if isinstance(c, type) and issubclass(c, errors.EngineError))}


def _documented() -> list[str]:
    return re.findall(r"^\| `([a-z0-9_]+)` \|", DOC.read_text(encoding="utf-8"), re.MULTILINE)


def _raised() -> set[str]:
    """Every code given as a literal where problems are raised, in the engine's source."""
    codes: set[str] = set()
    for path in (ROOT / "engine").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name not in _TAKES_CODE:
                continue
            given = [k.value for k in node.keywords if k.arg == "code"]
            at = _TAKES_CODE[name]
            if at is not None and len(node.args) > at:
                given.append(node.args[at])
            # A broken constraint's code is its id, snake_case (engine/cases/record.py).
            codes |= {v.value.replace("-", "_") for v in given
                      if isinstance(v, ast.Constant) and isinstance(v.value, str)}
    return codes


def _fixture_codes() -> dict[str, str]:
    out = {}
    for path in sorted(HERE.glob("*/*")):
        match = re.match(rb"^# expect: \d+:\d+: \[(\w+)\] ", path.read_bytes())
        if match:
            out[f"{path.parent.name}/{path.name}"] = match[1].decode()
    return out


def test_codes_are_listed_once_and_snake_case() -> None:
    codes = _documented()
    assert len(codes) == len(set(codes)), sorted(c for c in codes if codes.count(c) > 1)
    assert all(re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", c) for c in codes)


def test_every_raised_code_is_documented_and_every_documented_code_is_raised() -> None:
    raised = _raised() | _DERIVED
    documented = set(_documented())
    assert raised - documented == set(), "raised but not in docs/errors.md"
    assert documented - raised == set(), "in docs/errors.md but never raised"


def test_every_fixture_names_a_documented_code() -> None:
    fixtures = _fixture_codes()
    documented = set(_documented())
    expected = len(list(HERE.glob("cases/*"))) + len(list(HERE.glob("rules/*.yaml"))) + len(
        list(HERE.glob("expectations/*.yaml")))
    assert len(fixtures) == expected, "a fixture lacks its [code]"
    assert {n: c for n, c in fixtures.items() if c not in documented} == {}
    assert GENERIC_CODE not in fixtures.values()
