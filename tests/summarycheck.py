"""Checks that hold every plain-language summary to the outcome it describes, and every crux
paragraph to the comparison it is rendered from; shared by the unit and property tests."""

from __future__ import annotations

import re
from datetime import date

from engine.analysis.comparison import Comparison
from engine.base.vocabulary import QUESTIONS
from engine.cases.catalogue import FACTS
from engine.present.compare import _paragraph
from engine.readings.model import Reading
from engine.run.outcome import Outcome
from engine.run.summary import ANSWER_PHRASES, QUESTION_WORDS

_MARKS = {"second_hand": "as reported", "unverified": "unverified", "inference": "by inference"}
_TURN = re.compile(r"(\S+) \(read by ([^;)]*)(?:; not by ([^)]*))?\)")


def _date(text: str | None) -> str:
    """A source's date as the summary should write it, computed without the summary's code."""
    if not text:
        return "undated"
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        d = date(*parts)
        return f"{d.day} {d:%B} {d.year}"
    if len(parts) == 2:
        return f"{date(parts[0], parts[1], 1):%B} {parts[0]}"
    return str(parts[0])


def check_summary(outcome: Outcome, reading: Reading) -> None:
    """The summary names the holder, states each answer's phrase, cites each deciding rule's
    first source with its date (and its reliability in words), and names no rule or fact."""
    text = outcome.summary
    lower = text.lower()
    assert reading.held_by in text, text
    for q in QUESTIONS:
        answer = getattr(outcome, q)
        if answer == "not_addressed":
            assert "do not address" in lower and QUESTION_WORDS[q].lower() in lower, (q, text)
        elif answer == "indeterminate":
            assert " turn" in lower and QUESTION_WORDS[q].lower() in lower, (q, text)
        else:
            assert ANSWER_PHRASES[q][answer] in text, (q, answer, text)
        steps = {s.rule: s for s in outcome.trace}
        for qid in outcome.decisions[q].by:
            first = steps[qid].cites[0]
            assert first.title[:20] in text, (qid, text)
            assert _date(first.date) in text, (qid, text)
            if first.reliability in _MARKS:
                assert _MARKS[first.reliability] in text, (qid, text)
    for rule in reading.rules:
        assert rule.id not in text and rule.qid not in text, (rule.id, text)
    for path in FACTS:
        assert path not in text, (path, text)
    for q in QUESTIONS:
        for answer in ANSWER_PHRASES[q]:
            assert answer not in text or "_" not in answer, (answer, text)


def check_crux_text(comparison: Comparison) -> None:
    """No sentence of a crux paragraph contradicts another or the JSON it is rendered from."""
    for q, crux in comparison.crux.items():
        moved = {(cf.reading, c.fact) for cf in comparison.counterfactuals if cf.question == q
                 for c in cf.changes}
        by_fact = {s.fact: s for s in crux.separating}
        for s in crux.separating:
            assert not any((r, s.fact) in moved for r in s.not_read_by), (q, s)
        lines = _paragraph(comparison, q, crux)
        assert not any("Also read on one side only" in ln for ln in lines)
        for line in lines:
            if line.strip().startswith("It turns on"):
                for fact, read_by, not_by in _TURN.findall(line):
                    assert by_fact[fact].decisive, (q, fact)
                    for r in filter(None, not_by.split(", ")):
                        assert (r, fact) not in moved, (q, fact, r)
                        assert not any(f"If {fact} were" in ln and f", {r} would" in ln
                                       for ln in lines), (q, fact, r)
                    if read_by != "all":
                        assert set(read_by.split(", ")) == set(by_fact[fact].read_by)
        for side in crux.groups:
            for r in side.readings:
                for reading, fact in moved:
                    if reading == r:
                        assert fact in side.facts, (q, r, fact)
