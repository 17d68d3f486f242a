"""docs/readings.md is the generated fidelity table of the bundled readings, and it is current.

Every brief rule is accounted for (implemented by a rule or gap, or declared not implemented with
a reason), and the case fields no rule reads are named in docs/case-format.md too.
"""

from __future__ import annotations

from click.testing import CliRunner

from engine.interfaces.cli import main
from engine.present.coverage import case_fields, fields_read, readings_markdown
from engine.readings.brief import BRIEF_RULES
from engine.readings.load import load_readings
from tests.conftest import ROOT

DOC = ROOT / "docs" / "readings.md"


def test_docs_readings_md_is_current() -> None:
    result = CliRunner().invoke(main, ["readings", "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert DOC.read_text(encoding="utf-8") == result.output, (
        "docs/readings.md is stale: run `legal-status readings --format markdown > "
        "docs/readings.md`")


def test_every_brief_rule_is_accounted_for() -> None:
    readings = load_readings().readings.values()
    implemented = {b for r in readings for rule in r.rules for b in rule.implements}
    implemented |= {b for r in readings for g in r.gaps for b in g.implements}
    explained = {b for r in readings for b in r.not_implemented}
    assert set(BRIEF_RULES) - implemented - explained == set()
    assert "**not accounted for" not in DOC.read_text(encoding="utf-8")


def test_a_brief_rule_missing_from_every_reading_is_shown_as_unaccounted() -> None:
    rs = load_readings()
    ihl = rs.readings["ihl"]
    without = {k: v for k, v in rs.readings.items() if k != "ihl"}
    text = readings_markdown(without)
    assert "| D-R2 |" in text and "**not accounted for by any reading**" in text
    assert "`ihl." not in text and ihl.id not in text.split("## Case fields")[1]


def test_fields_no_rule_reads_are_listed_in_both_docs() -> None:
    readings = load_readings().readings.values()
    unread = [f for f in case_fields()
              if f != "capture.timezone" and not any(f in fields_read(r) for r in readings)]
    assert "capture.circumstances" in unread and "proceedings.sentence_years" in unread
    case_format = (ROOT / "docs" / "case-format.md").read_text(encoding="utf-8")
    doc = DOC.read_text(encoding="utf-8")
    for name in unread:
        assert f"`{name}`" in case_format, name
        assert f"`{name}`" in doc.split("No rule of these readings reads:")[1].split("\n")[0]


def test_quotations_fixed_by_issue_10_stay_as_the_brief_has_them() -> None:
    # The brief recalls point 8's wording from the Kremlin text [R]; S1 was read only to point 6.
    common = (ROOT / "rules" / "common.yaml").read_text(encoding="utf-8")
    point8 = common.split("- point: 8")[1].split("- point: 9")[0]
    assert "source: KREMLIN" in point8 and "source: S1" not in point8
    # A11 is paraphrased in the brief ("could not be covered"), never quoted as "cannot be covered".
    armenia = (ROOT / "rules" / "armenia.yaml").read_text(encoding="utf-8")
    assert "cannot be covered" not in armenia and "could not be covered" in armenia
    # R3's "without any preconditions" concerns Armenian prisoners, not "all prisoners".
    russia = load_readings().readings["russia"]
    policy = russia.flags["all_for_all_policy"]
    assert "Armenian prisoners" in policy and "all prisoners" not in policy
