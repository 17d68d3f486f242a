"""Independent checks of a comparison: every reported change is applied to the case as a case
file (a plain dict, not through engine.analysis._whatif) and the case evaluated again on
durable_rules."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from engine.analysis.comparison import Comparison, FactChange
from engine.cases.record import TIME_ERROR, CaseRecord
from engine.readings.load import ReadingSet
from engine.run.evaluate import evaluate_case, reading_records


def changed_case(case: CaseRecord, changes: Iterable[tuple[str, Any]]) -> CaseRecord:
    """``case`` with each dotted field set to a case-file value, validated afresh; a field's
    claims (a disputed fact) give way to the value set."""
    data = case.model_dump(mode="json", exclude={"expect"})
    for field, value in changes:
        (data.get("claims") or {}).pop(field, None)
        *blocks, name = field.split(".")
        target = data
        for block in blocks:
            if target.get(block) is None:
                # An absent block: a new one needs its required field ("none" proceedings).
                target[block] = {"stage": "none"} if block == "proceedings" else {}
            target = target[block]
        target[name] = value
    return CaseRecord.model_validate(data)


def smaller_case(case: CaseRecord, changes: Iterable[tuple[str, Any]]) -> CaseRecord | None:
    """``changed_case``, or None when the part of a change makes a case whose times cannot hold
    together (entry after capture, ...): such a case is no smaller change, and the searches never
    offer it. The values are the engine's own, valid alone, so a time error here is the order."""
    try:
        return changed_case(case, changes)
    except ValidationError as exc:
        if all(e["type"] == TIME_ERROR for e in exc.errors()):
            return None
        raise


def answer(readings: ReadingSet, case: CaseRecord, reading: str, question: str) -> str:
    """One reading's answer to one question, evaluated on durable_rules."""
    result = evaluate_case(case, readings, only=[reading], account="uncontested")
    return str(getattr(result.readings[reading], question))


def _pairs(changes: list[FactChange]) -> list[tuple[str, Any]]:
    return [(c.fact, c.value) for c in changes]


def check_comparison(readings: ReadingSet, case: CaseRecord, comparison: Comparison,
                     account: str = "own") -> int:
    """Assert every claim of ``comparison``; return how many evaluations it took."""
    records = {rid: rec for rid, (rec, _, _) in
               reading_records(case, readings, account, list(comparison.answers)).items()}
    n = 0
    for cf in comparison.counterfactuals:
        base = records[cf.reading]
        assert answer(readings, base, cf.reading, cf.question) == cf.from_
        got = answer(readings, changed_case(base, _pairs(cf.changes)), cf.reading, cf.question)
        assert got == cf.to != cf.from_, (cf, got)
        # Minimal: no strictly smaller part of the change changes the answer.
        for size in range(1, len(cf.changes)):
            for part in itertools.combinations(cf.changes, size):
                part_case = smaller_case(base, _pairs(list(part)))
                if part_case is None:
                    continue
                smaller = answer(readings, part_case, cf.reading, cf.question)
                assert smaller == cf.from_, (cf, part, smaller)
                n += 1
        n += 2
    for agree in comparison.agree_if:
        for rid, base in records.items():
            got = answer(readings, changed_case(base, _pairs(agree.changes)), rid,
                         agree.question)
            assert got == agree.answer, (agree, rid, got)
            n += 1
    for table in comparison.depends:
        base = records[table.reading]
        assert getattr(comparison.answers[table.reading], table.question) == "indeterminate"
        assert table.rows, table
        for row in table.rows:
            got = answer(readings, changed_case(base, row.set.items()), table.reading,
                         table.question)
            assert got == row.answer, (table.reading, table.question, row, got)
            n += 1
    for rid, answers in comparison.answers.items():
        for q in ("status", "point8", "release"):
            if getattr(answers, q) == "indeterminate":
                assert any(t.reading == rid and t.question == q for t in comparison.depends)
    return n
