"""The readings' fidelity table as Markdown: brief rule to rules, and the case fields each reads.

``legal-status readings --format markdown`` writes it; ``docs/readings.md`` is its output for the
bundled readings, kept current by a test. Nothing here decides anything: it lays out what the
reading files declare (``implements``, ``not_implemented``, the tests of their rules).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from engine.base.vocabulary import QUESTIONS
from engine.cases import record
from engine.cases.catalogue import DERIVED_FROM
from engine.readings.brief import BRIEF_RULES
from engine.readings.model import Citation, Gap, Reading, Rule, source_order

#: The case file's blocks and the models that list their fields.
_BLOCKS = (("detainee", record.Detainee), ("capture", record.Capture), ("entry", record.Entry),
           ("proceedings", record.Proceedings), ("release", record.Release))
#: Fields that are not facts about the person: how the file writes times.
_NOT_FACTS = {"capture.timezone": "says how local times are read; it changes the times rules "
                                  "compare, never a fact of its own"}
_MARK = {"second_hand": "second-hand", "unverified": "unverified", "inference": "inference"}


def case_fields() -> list[str]:
    """Every field of a case file that describes the person's case, in file order."""
    return ["detaining_party", *(f"{block}.{name}" for block, model in _BLOCKS
                                 for name in model.model_fields)]


def fields_read(reading: Reading) -> set[str]:
    """The case fields the rules of ``reading`` test (a derived fact reads those it comes from)."""
    return {f for rule in reading.rules for t in rule.tests
            for f in DERIVED_FROM.get(t.path, (t.path,))}


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _grounds(cites: Iterable[Citation]) -> str:
    out: list[str] = []
    for c in sorted(cites, key=lambda c: source_order(c.source.id)):  # stable: marks keep order
        mark = _MARK.get(c.reliability)
        item = f"{c.source.id} ({mark})" if mark else c.source.id
        if item not in out:
            out.append(item)
    return ", ".join(out)


def _answers(rule: Rule) -> str:
    parts = [f"{q}: {rule.answer(q)}" for q in QUESTIONS if rule.answer(q)]
    parts += [f"flag {f}" for f in rule.flags]
    parts += [f"derives {d}" for d in rule.derives]
    return "; ".join(parts)


def _gap_text(reading: Reading, gap: Gap) -> str:
    return f"declared gap of `{reading.id}` ({', '.join(gap.questions)}: not_addressed)"


def _brief_table(readings: list[Reading]) -> list[str]:
    lines = ["| Brief rule | What it says (our summary) | Implemented by |", "|---|---|---|"]
    for brief_id, summary in BRIEF_RULES.items():
        by = [f"`{r.id}.{rule.id}`" for r in readings for rule in r.rules
              if brief_id in rule.implements]
        by += [_gap_text(r, g) for r in readings for g in r.gaps if brief_id in g.implements]
        why = [f"none: {r.not_implemented[brief_id]} (`{r.id}`)" for r in readings
               if brief_id in r.not_implemented]
        cell = "; ".join(by + why) or "**not accounted for by any reading**"
        lines.append(f"| {brief_id} | {_cell(summary)} | {_cell(cell)} |")
    return lines


def _fields_table(readings: list[Reading]) -> list[str]:
    read = {r.id: fields_read(r) for r in readings}
    lines = ["| Case field | " + " | ".join(r.id for r in readings) + " |",
             "|---|" + "---|" * len(readings)]
    for name in case_fields():
        marks = ["reads" if name in read[r.id] else "" for r in readings]
        lines.append(f"| `{name}` | " + " | ".join(marks) + " |")
    unread = [f for f in case_fields() if not any(f in read[r.id] for r in readings)]
    lines += ["", "No rule of these readings reads: "
              + ", ".join(f"`{f}`" for f in unread if f not in _NOT_FACTS) + ". A value written"
              " there is validated and shown, but changes no answer."]
    lines += [f"`{f}` {why}." for f, why in _NOT_FACTS.items()]
    return lines


def _reading_section(reading: Reading) -> list[str]:
    lines = [f"### {reading.id}: {_cell(reading.title)}", "",
             f"Held by {_cell(reading.held_by)}. Reads: "
             + ", ".join(f"`{f}`" for f in case_fields() if f in fields_read(reading)) + ".",
             "", "| Rule | Brief rule | Answers | Grounds |", "|---|---|---|---|"]
    for rule in reading.rules:
        brief = ", ".join(rule.implements) or "project decision"
        lines.append(f"| `{rule.id}` | {brief} | {_cell(_answers(rule))} | "
                     f"{_grounds(rule.cites)} |")
    for brief_id, why in reading.not_implemented.items():
        lines += ["", f"{brief_id} is implemented by no rule: {_cell(why)}"]
    return lines


def readings_markdown(readings: Mapping[str, Reading]) -> str:
    """The fidelity table of ``readings`` as a Markdown document."""
    chosen = list(readings.values())
    lines = [
        "# The readings and the legal brief",
        "",
        "Generated from the reading files by `legal-status readings --format markdown`; do not "
        "edit by hand (`tests/test_readings_doc.py` checks that this file is current). The brief "
        "rules are those of the project's legal brief, sections 6.3 to 6.6; a rule marked "
        "*project decision* implements one of the brief's project decisions (section 6) rather "
        "than a numbered rule. Grounds marked second-hand, unverified or inference are the "
        "reliability of that citation.",
        "",
        "## Brief rules and the rules that implement them",
        "",
        *_brief_table(chosen),
        "",
        "## Case fields the readings read",
        "",
        *_fields_table(chosen),
        "",
        "## Rules of each reading",
    ]
    for reading in chosen:
        lines += ["", *_reading_section(reading)]
    return "\n".join(lines) + "\n"
