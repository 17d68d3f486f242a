"""Source ids are listed in natural order (A1, A2, A10) wherever sources are listed."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from engine.interfaces.cli import main
from engine.readings.load import ReadingSet
from engine.readings.model import in_source_order, source_order
from tests.conftest import ROOT


def test_natural_order_compares_digits_as_numbers() -> None:
    ids = ["A10", "S7", "A2", "B1", "A1", "A11", "Z14", "Z8", "A", "E9"]
    assert in_source_order(ids) == ["A", "A1", "A2", "A10", "A11", "B1", "E9", "S7", "Z8", "Z14"]
    assert source_order("A2") < source_order("A10") < source_order("B1")


def test_each_reading_cites_its_sources_in_natural_order(bundled: ReadingSet) -> None:
    armenia = [s.id for s in bundled.readings["armenia"].cited_sources()]
    assert armenia.index("A2") < armenia.index("A10") < armenia.index("A11")
    for reading in bundled.readings.values():
        ids = [s.id for s in reading.cited_sources()]
        assert ids == in_source_order(ids)
        assert set(ids) == {c.source.id for r in reading.rules for c in r.cites}


def test_readings_text_and_json_list_sources_in_natural_order() -> None:
    text = CliRunner().invoke(main, ["readings"])
    assert text.exit_code == 0, text.output
    for block in text.output.split("\n\n"):
        ids = re.findall(r"^    (\S+)  ", block, re.M)
        assert ids == in_source_order(ids)
    assert text.output.index("\n    A2  ") < text.output.index("\n    A10  ")
    listed = CliRunner().invoke(main, ["readings", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    for reading in json.loads(listed.output):
        ids = [s["id"] for s in reading["sources"]]
        assert ids == in_source_order(ids)


def test_markdown_grounds_are_in_natural_order() -> None:
    doc = (ROOT / "docs" / "readings.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `[^`]+` \| [^|]+ \| [^|]+ \| ([^|]+) \|$", doc, re.M)
    assert rows, "no rule rows in docs/readings.md"
    for grounds in rows:
        ids = [g.split(" (")[0] for g in grounds.strip().split(", ")]
        assert ids == in_source_order(ids), grounds
