"""Recognise the tool's own output documents among the files of a folder, by their shape.

``legal-status evaluate . --format json > report.json`` leaves a report in the folder of case
files; the next ``evaluate .`` must not read it as a bad case. A document is the tool's output
when it is a mapping without the ``id`` every case has and with a key only outputs have
(``engine``, ``case_id``, ``$schema``, or ``error`` alone: reports, results, JSON Lines error
lines, the schema), or a non-empty list of such mappings. A case file never has that shape
(those keys are unknown fields of a case), so nothing a case file could mean is skipped.
"""

from __future__ import annotations

import json
from pathlib import Path

#: Keys of the tool's output documents that no case has.
_OUTPUT_KEYS = ("engine", "case_id", "$schema")
# The outputs write one of their keys first; a file without one near its start is not one,
# and is not parsed twice.
_HEAD = 65_536
_MARKERS = tuple(f'"{k}"' for k in (*_OUTPUT_KEYS, "error"))


def output_kind(data: object) -> str | None:
    """What output ``data`` is (``an evaluate report``, ...), or None if it is not one."""
    if isinstance(data, list):
        kinds = [output_kind(item) for item in data]
        return f"a list of {kinds[0]}s" if kinds and all(kinds) else None
    if not isinstance(data, dict) or "id" in data:
        return None
    if "$schema" in data:
        return "the case JSON Schema"
    if "engine" in data:
        return "compare report" if "comparisons" in data else "evaluate report"
    if "case_id" in data:
        return "case result"
    return "error line" if set(data) == {"error"} else None


def text_kind(text: str) -> str | None:
    """What output the whole text of a JSON file is, or None (YAML is never an output)."""
    head = text[:_HEAD]
    if not head.lstrip().startswith(("{", "[")) or not any(m in head for m in _MARKERS):
        return None
    try:
        return output_kind(json.loads(text))
    except (ValueError, RecursionError):
        return None


def lines_kind(path: Path) -> str | None:
    """What output a JSON Lines file is, judged by its first line that is not blank."""
    try:
        with open(path, "rb") as stream:
            for raw in stream:
                if raw.strip():
                    head = raw[:_HEAD].decode("utf-8", "replace")
                    if not any(m in head for m in _MARKERS):
                        return None
                    return output_kind(json.loads(raw))
    except (OSError, ValueError, RecursionError):
        return None  # read as usual: its problem is reported there
    return None


def skip_note(source: str, kind: str) -> str:
    """The one-line note for a skipped output file."""
    return (f"{source}: note: skipped: legal-status output ({kind}), not a case file (name it "
            "explicitly to read it anyway)")
