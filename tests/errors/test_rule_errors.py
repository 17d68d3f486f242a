"""One bad reading file per compiler message: the message and its exact line:column."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.base.errors import EngineError
from engine.base.yamlio import load_documents
from engine.readings._compiler import compile_common, compile_reading
from engine.readings.model import Common

HERE = Path(__file__).parent / "rules"
FIXTURES = sorted(HERE.glob("*.yaml"))
# Problems about no one field: of the file, or of rules taken together.
_WHOLE = {"refused_character", "too_deep", "number_too_long", "yaml_tag", "rule_conflict",
          "possible_conflict", "override_cycle"}
EXPECT = re.compile(r"^# expect: (\d+):(\d+): \[(\w+)\] (.+)$")


@pytest.fixture(scope="module")
def common() -> Common:
    path = Path(__file__).parents[1] / "fixtures" / "rules" / "common.yaml"
    return compile_common(load_documents(path.read_text(), str(path))[0])


def test_there_is_a_fixture_per_message() -> None:
    assert len(FIXTURES) >= 20


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_message_and_position(path: Path, common: Common) -> None:
    text = path.read_text()
    match = EXPECT.match(text.splitlines()[0])
    assert match, f"{path.name} lacks its '# expect: line:col: [code] message' header"
    line, col, code, message = int(match[1]), int(match[2]), match[3], match[4]
    with pytest.raises(EngineError) as info:
        compile_reading(load_documents(text, str(path))[0], common, expected_id=path.stem)
    located = [(p.span.line if p.span else None, p.span.column if p.span else None, p.message)
               for p in info.value.problems]
    assert any(message in m for _, _, m in located), located
    assert (line, col) in [(ln, c) for ln, c, m in located if message in m], located
    assert str(path) in str(info.value)
    assert code in [p.code for p in info.value.problems if message in p.message]
    # Where the compiler knows the field at fault, the problem names its path.
    assert all(p.loc or p.code in _WHOLE for p in info.value.problems), info.value.problems
