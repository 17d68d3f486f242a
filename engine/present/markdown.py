"""The ``evaluate`` report as Markdown, in pieces that can be written as each case is ready.

It carries what the table carries: the readings (with title and holder) once at the top, then
per case a section with its title and source, the matrix (questions down, readings across, the
questions the readings split on marked), and the flags, the open facts (a disputed one marked),
the notes of a cut dispute and the accounts used where claims supplied a fact.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.base.errors import SourceSpan
from engine.base.vocabulary import QUESTIONS
from engine.run.outcome import CaseResult
from engine.run.report import ErrorInfo, ReadingInfo

_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]|<>#"})


def escape(text: str) -> str:
    """``text`` with Markdown's special characters escaped, safe in a table cell or a line."""
    return " ".join(text.split()).translate(_SPECIAL)


def head(readings: Sequence[ReadingInfo]) -> str:
    """The readings evaluated, as a table (the report's opening)."""
    out = ["| reading | title | held by |", "|---|---|---|"]
    out += [f"| `{r.id}` | {escape(r.title)} | {escape(r.held_by)} |" for r in readings]
    return "\n".join(out) + "\n"


def _splits(result: CaseResult, question: str) -> bool:
    return len({getattr(o, question) for o in result.readings.values()}) > 1


def case(result: CaseResult, ids: Sequence[str]) -> str:
    """One case's section: title, source, the matrix, flags, open facts, notes and accounts."""
    out = ["", f"### {escape(result.case_id)}", ""]
    if result.title:
        out += [f"_{escape(result.title)}_", ""]
    out += [f"Source: `{result.source}`", ""]
    shown = [r for r in ids if r in result.readings]
    out += ["| question | " + " | ".join(f"`{r}`" for r in shown) + " | readings differ |",
            "|---|" + "---|" * len(shown) + "---|"]
    for q in QUESTIONS:
        cells = [f"`{getattr(result.readings[r], q)}`" for r in shown]
        out.append(f"| {q} | " + " | ".join(cells)
                   + f" | {'yes' if _splits(result, q) else ''} |")
    notes: list[str] = []
    for rid in shown:
        o = result.readings[rid]
        if o.flags:
            notes.append(f"- flags of `{rid}`: " + ", ".join(f"`{f}`" for f in o.flags))
    for rid in shown:
        o = result.readings[rid]
        if o.unknown:
            notes.append(f"- unknown or undecided for `{rid}`: " + ", ".join(
                f"`{f}` (disputed)" if o.supplied_by.get(f) == "disputed" else f"`{f}`"
                for f in o.unknown))
    for rid in shown:
        o = result.readings[rid]
        if o.dispute and o.dispute.note and o.dispute.evaluated < o.dispute.distinct:
            notes.append(f"- note for `{rid}`: {escape(o.dispute.note)}")
    if any(s != "case" for o in result.readings.values() for s in o.supplied_by.values()):
        notes.append("- accounts: " + "; ".join(
            f"`{rid}` {escape(result.readings[rid].account)}" for rid in shown))
    if notes:
        out += ["", *notes]
    return "\n".join(out) + "\n"


def end(count: int, engine: str, errors: Sequence[ErrorInfo]) -> str:
    """The closing: the count, the engine and every input error."""
    out = ["", f"_{count} case(s) evaluated with the {engine} engine._"]
    if errors:
        out += ["", "**Input errors**", ""]
        out += [f"- `{SourceSpan(e.source or '<input>', e.line, e.column)}: {e.message}`"
                for e in errors]
    return "\n".join(out) + "\n"
