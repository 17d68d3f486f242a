"""The JSON documents that the command line and the HTTP service both give, so that one
contract holds for both: the readings and their sources, one case's explanation, the case
schema. (The ``evaluate`` and ``compare`` reports are :mod:`engine.present.stream` and
:mod:`engine.present.compare`.) Each document ends with a newline, as the CLI writes it.
"""

from __future__ import annotations

import json
from typing import Any

from engine.cases.record import case_json_schema
from engine.readings.load import ReadingSet
from engine.run.outcome import CaseResult


def readings_json(rs: ReadingSet) -> str:
    """The readings: who holds each, a summary, the number of rules, and the sources their
    rules cite (``legal-status readings --format json``)."""
    data: list[dict[str, Any]] = [
        {"id": r.id, "title": r.title, "held_by": r.held_by, "party": r.party,
         "summary": r.summary.strip(), "rules": len(r.rules),
         "sources": [{"id": s.id, "title": s.title, "date": s.date, "url": s.url,
                      "reliability": s.reliability, "note": s.note}
                     for s in r.cited_sources()]}
        for r in rs.readings.values()]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def explain_json(result: CaseResult) -> str:
    """One case's explanation, reading by reading (``legal-status explain --format json``)."""
    return result.model_dump_json(indent=2) + "\n"


def schema_json() -> str:
    """The JSON Schema of the case file (``legal-status schema``)."""
    return json.dumps(case_json_schema(), indent=2) + "\n"
