"""Pure renderers: reports, explanations and reading lists as text, Markdown or JSON.

Nothing here prints or decides: the CLI chooses a renderer and writes its result. JSON is always
produced by the models (``model_dump_json``), never by string formatting.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from engine.analysis.verify import FAILING, Verification
from engine.base.errors import SourceSpan
from engine.base.frozen import thaw
from engine.base.vocabulary import QUESTIONS
from engine.base.yamlio import dump_yaml
from engine.cases.claims import CASE, DISPUTED, DISPUTED_IMMATERIAL, UNCONTESTED
from engine.present import markdown as md
from engine.present.console import PLAIN, Term, fit, matrix, paint
from engine.readings.model import Reading
from engine.run.outcome import CaseResult, Combination, Dispute, Outcome
from engine.run.report import ErrorInfo, Report

if TYPE_CHECKING:  # invariants needs hypothesis; the renderer only reads its results
    from engine.testing.invariants import InvariantResult

_SUPPLIED = {UNCONTESTED: "as all claims agree",
             DISPUTED: "disputed (the claims differ, and the answer depends on which is taken)",
             DISPUTED_IMMATERIAL: "disputed (the claims differ, but every claim gives the same "
                                  "answers)"}
_MARK = {"second_hand": " [second-hand]", "unverified": " [unverified]",
         "inference": " [inference]", "first_hand": ""}


def split(result: CaseResult, question: str) -> bool:
    """Whether the readings give different answers to ``question``."""
    return len({getattr(o, question) for o in result.readings.values()}) > 1


def _unknown_text(outcome: Outcome) -> list[str]:
    """The open facts, a disputed one marked: its claims differ and decide the answer."""
    return [f"{f} (disputed)" if outcome.supplied_by.get(f) == DISPUTED else f
            for f in outcome.unknown]


def _claimed(result: CaseResult) -> bool:
    """Whether any reading used a fact that claims supplied."""
    return any(s != CASE for o in result.readings.values() for s in o.supplied_by.values())


def table_case(result: CaseResult, term: Term = PLAIN) -> str:
    """One case of the side-by-side matrix: readings across, questions down, or stacked where
    that is too wide for ``term.width`` (the whole matrix is these, case by case, then
    :func:`table_end`; each case's layout is its own, so none needs the whole batch)."""
    head = fit([f"{result.case_id}  ({result.source})"], term.width)
    lines = [paint(ln, "case", term) for ln in head]
    lines += fit([f"  {result.title}"] if result.title else [], term.width)
    ids = list(result.readings)
    lines += matrix(ids, QUESTIONS, [[getattr(result.readings[r], q) for r in ids]
                                     for q in QUESTIONS],
                    ["readings differ" if split(result, q) else "" for q in QUESTIONS], term)
    facts: list[str] = []
    flags = [f"{r}: {', '.join(o.flags)}" for r, o in result.readings.items() if o.flags]
    unknown = [f"{r}: {', '.join(_unknown_text(o))}" for r, o in result.readings.items()
               if o.unknown]
    if flags:
        facts.append("  flags    " + "; ".join(flags))
    if unknown:
        facts.append("  unknown  " + "; ".join(unknown))
    notes = [f"{r}: {o.dispute.note}" for r, o in result.readings.items()
             if o.dispute and o.dispute.note and o.dispute.evaluated < o.dispute.distinct]
    if notes:
        facts.append("  note     " + "; ".join(notes))
    if _claimed(result):
        facts.append("  account  " + "; ".join(
            f"{r}: {o.account}" for r, o in result.readings.items()))
    lines += _hang(facts, term.width)
    return "\n".join(lines) + "\n\n"


def _hang(lines: list[str], width: int) -> list[str]:
    """Labelled lines (``  label    text``) wrapped under their text, not their label."""
    out: list[str] = []
    for line in lines:
        out += textwrap.wrap(line, width, subsequent_indent=" " * 11, break_long_words=False,
                             break_on_hyphens=False) if len(line) > width else [line]
    return out


def table_end(count: int, engine: str, errors: Sequence[ErrorInfo], term: Term = PLAIN) -> str:
    """The table's last lines: the count and every input error."""
    lines = [f"{count} case(s) evaluated with the {engine} engine"
             + (f"; {len(errors)} input error(s):" if errors else ".")]
    # Each error stays on one line, as `file:line:column: message` that editors and scripts
    # read (like a compiler's), however wide.
    lines = fit(lines, term.width)
    lines += [f"  {error_line(e.source, e.line, e.column, e.message)}" for e in errors]
    return "\n".join(lines) + "\n"


def table(report: Report, term: Term = PLAIN) -> str:
    """The side-by-side matrix: for each case, readings across, questions down."""
    return ("".join(table_case(result, term) for result in report.results)
            + table_end(len(report.results), report.engine, report.errors, term))


def error_line(source: str | None, line: int | None, column: int | None, message: str) -> str:
    """A located problem as ``file:line:col: message``."""
    return f"{SourceSpan(source or '<input>', line, column)}: {message}"


def markdown(report: Report) -> str:
    """The report as Markdown: the readings, then a section per case (its matrix, flags, open
    facts, notes and accounts), then the count and the input errors."""
    ids = [r.id for r in report.readings]
    return (md.head(report.readings) + "".join(md.case(r, ids) for r in report.results)
            + md.end(len(report.results), report.engine, report.errors))


def json_report(report: Report) -> str:
    """The whole report as one JSON document."""
    return report.model_dump_json(indent=2) + "\n"


def jsonl(report: Report) -> str:
    """One result object per line, then one ``{"error": {...}}`` object per invalid input."""
    lines = [r.model_dump_json() for r in report.results]
    lines += ['{"error": ' + e.model_dump_json() + "}" for e in report.errors]
    return "\n".join(lines) + ("\n" if lines else "")


#: The width of a line when no terminal says otherwise (piped output: see the README).
WIDTH = PLAIN.width


def summary_lines(summaries: Mapping[str, str], indent: str = "",
                  width: int = WIDTH) -> list[str]:
    """Each reading's plain-language summary as a bullet, wrapped to ``width`` columns."""
    texts = [t for t in summaries.values() if t]
    if not texts:
        return []
    lines = [f"{indent}In brief:"]
    for text in texts:
        lines += textwrap.wrap(text, width, initial_indent=f"{indent}- ",
                               subsequent_indent=f"{indent}  ", break_on_hyphens=False)
    return lines


def explain(result: CaseResult, readings: Mapping[str, Reading], term: Term = PLAIN) -> str:
    """The plain-language summaries first; then per reading the answers, each fired rule with
    its statement and sources, and the rest; every line wrapped to ``term.width``."""
    lines = [paint(ln, "case", term)
             for ln in fit([f"Case {result.case_id} ({result.source})"], term.width)]
    if result.title:
        lines += fit([f"  {result.title}"], term.width)
    summaries = summary_lines({r: o.summary for r, o in result.readings.items()}, indent="  ",
                              width=term.width)
    lines += ["", *summaries] if summaries else []
    for rid, outcome in result.readings.items():
        one = fit(_explain_one(outcome, readings[rid]), term.width)
        lines += ["", *(paint(ln, "head", term) if ln.startswith("== ") else ln for ln in one)]
    return "\n".join(lines) + "\n"


def _explain_one(outcome: Outcome, reading: Reading) -> list[str]:
    lines = [f"== {reading.title}", f"   held by: {reading.held_by}",
             f"   engine: {outcome.engine}"
             + (f" ({outcome.engine_note})" if outcome.engine_note else "")]
    account = "the uncontested account" if outcome.account == UNCONTESTED else (
        f"{outcome.account}'s account")
    claimed = {k: v for k, v in outcome.supplied_by.items() if v != CASE}
    lines.append(f"   facts on {account}" + (": " + ", ".join(
        f"{k} {_SUPPLIED.get(v, f'as claimed by {v}')}" for k, v in claimed.items())
        if claimed else " (no fact it tests is claimed)"))
    if outcome.dispute is not None:
        lines += _dispute_lines(outcome.dispute)
    for q in QUESTIONS:
        d = outcome.decisions.get(q)
        parts: list[str] = []
        if d and d.depends_on:
            parts.append(f"depends on which claim is taken on {', '.join(d.depends_on)}")
        elif d and d.by:
            parts.append(f"by {', '.join(d.by)}" + (" in combination 1" if d.holds_over else ""))
        elif d and d.unknown:
            parts.append(f"open: {', '.join(d.unknown)}")
        elif d and d.answer == "not_addressed":
            parts.append("no rule of this reading speaks to such a case")
        if d and d.holds_over:
            parts.append(f"the same answer in every combination of the claims on "
                         f"{', '.join(d.holds_over)}")
        why = f"  ({'; '.join(parts)})" if parts else ""
        lines.append(f"   {q}: {getattr(outcome, q)}{why}")
    if outcome.flags:
        lines.append("   flags: " + ", ".join(
            f"{f} ({reading.flags.get(f, '')})" for f in outcome.flags))
    first = (" in combination 1" if outcome.dispute and outcome.dispute.combinations else "")
    lines.append(f"   rules fired{first}, in order:" if outcome.trace
                 else f"   no rule fired{first}")
    for n, step in enumerate(outcome.trace, 1):
        lines.append(f"   {n}. {step.rule}: {step.says}")
        if step.facts:
            lines.append("      facts: " + ", ".join(f"{k}={v}" for k, v in step.facts.items()))
        if step.concludes or step.flags or step.derives:
            parts = [f"{k}={v}" for k, v in step.concludes.items()]
            parts += [f"flag {f}" for f in step.flags] + [f"derives {d}" for d in step.derives]
            lines.append("      concludes: " + ", ".join(parts))
        if step.defeated_by:
            lines.append("      overridden by: " + ", ".join(step.defeated_by))
        for c in step.cites:
            date = c.date or "undated"
            lines.append(f"      - [{c.source}] {c.title} ({date}), {c.pin}"
                         f"{_MARK.get(c.reliability, '')}" + (f" <{c.url}>" if c.url else ""))
            if c.note:
                lines.append(f"        note: {c.note}")
    if outcome.dispute is not None:
        shown = outcome.dispute.combinations[:1]
        lines += [f"   rules fired in combination {n}: {', '.join(c.fired) or 'none'}"
                  for n, c in enumerate(outcome.dispute.combinations[1:], 2)
                  if shown and c.fired != shown[0].fired]
    if outcome.unknown:
        lines.append("   unknown or undecided facts: " + ", ".join(outcome.unknown))
    return lines


def claimed_text(value: object) -> str:
    """A claimed value as a case file writes it, in a line of text."""
    if isinstance(value, dict) and set(value) == {"from", "to"}:
        return f"{value['from']} to {value['to']}"
    return "unknown" if value is None else str(value)


def _combination_text(c: Combination) -> str:
    values = ", ".join(f"{f} {claimed_text(v)} ({', '.join(c.claimed_by[f])})"
                       for f, v in c.values.items())
    return f"{values}: status {c.status}, point8 {c.point8}, release {c.release}"


def _dispute_lines(dispute: Dispute) -> list[str]:
    """The combinations of the claimed values of the disputed facts, and what each gives."""
    lines = [f"   evaluated on every combination of the claimed values of "
             f"{', '.join(dispute.facts)} ({dispute.distinct} the rules tell apart):"]
    lines += [f"     {n}. {_combination_text(c)}"
              for n, c in enumerate(dispute.combinations, 1)]
    if dispute.note:
        lines.append(f"     note: {dispute.note}")
    return lines


def readings_list(readings: Mapping[str, Reading], term: Term = PLAIN) -> str:
    """The readings with holder, summary and sources (marking second-hand and unverified ones),
    every line fitted to ``term.width``."""
    lines: list[str] = []
    for reading in readings.values():
        lines += [f"{reading.id}: {reading.title}", f"  held by: {reading.held_by}",
                  f"  {reading.summary.strip()}", f"  {len(reading.rules)} rules; sources:"]
        for s in reading.cited_sources():
            lines.append(f"    {s.id}  {s.title} ({s.date or 'undated'})"
                         f"{_MARK.get(s.reliability, '')}")
            if s.note:
                lines.append(f"        {s.note}")
        lines.append("")
    return "\n".join(paint(ln, "head", term) if ln and not ln.startswith(" ") else ln
                     for ln in fit(lines, term.width))


def check_report(verifications: list[Verification],
                 invariants: dict[str, list[InvariantResult]],
                 declared: dict[str, int] | None = None, term: Term = PLAIN) -> str:
    """The result of ``legal-status check``: per reading, coverage, findings and invariants,
    every line fitted to ``term.width``."""
    lines: list[str] = []
    for v in verifications:
        failing = [f for f in v.findings if f.kind in FAILING]
        intended = [f for f in v.findings if f.kind == "intended_gap"]
        results = invariants.get(v.reading, [])
        broken = [r for r in results if not r.ok]
        verdict = "FAIL" if failing or broken else "ok"
        lines.append(f"{v.reading}: {verdict}: {v.combinations} combinations of "
                     f"{len(v.facts)} facts enumerated ({', '.join(v.facts)})")
        total = (declared or {}).get(v.reading, len(results))
        unproved = sum(1 for f in v.findings if f.kind == "invariant")
        sampled = (f"; on generated cases {len(results) - len(broken)}/{len(results)} hold"
                   if results else "")
        lines.append(f"  {len(intended)} declared gap region(s) confirmed; "
                     f"{total - unproved}/{total} invariant(s) proved over every combination"
                     f"{sampled}")
        for f in failing:
            lines.append(f"  {f.kind.upper().replace('_', ' ')}: {f.message}"
                         + (f" ({f.combinations} combination(s))" if f.combinations > 1 else ""))
            if f.example:
                lines.append("    example case:")
                lines += ["      " + ln for ln in dump_yaml(thaw(f.example)).splitlines()]
        for f in intended:
            lines.append(f"  declared gap: {f.message}")
        for r in broken:
            lines.append(f"  INVARIANT {r.invariant} VIOLATED ({r.says.strip()}): {r.message}")
            for case in r.cases:
                lines.append("    counterexample case:")
                lines += ["      " + ln for ln in dump_yaml(thaw(case)).splitlines()]
        lines.append("")
    return "\n".join(fit(lines, term.width))
