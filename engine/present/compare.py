"""Pure renderers of ``compare`` reports: a table and Markdown a person reads in a minute, JSON.

The matrix comes first, then one short paragraph per split question: the groups and their
deciding rules, the facts that separate them, the counterfactuals that would move a reading to a
firm answer, and whether the split is legal or factual; then the "it depends" tables.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.analysis.comparison import (
    CompareReport,
    Comparison,
    Counterfactual,
    Crux,
    DecidingRule,
    DependsTable,
    FactChange,
    Summary,
)
from engine.analysis.counterfactual import NOT_FIRM, joins
from engine.base.vocabulary import QUESTIONS
from engine.cases.catalogue import DERIVED_FROM
from engine.cases.claims import CASE, DISPUTED, DISPUTED_IMMATERIAL, UNCONTESTED
from engine.present.console import PLAIN, Term, fit, matrix, paint
from engine.present.render import error_line, summary_lines

#: Counterfactuals shown per question in the text (the JSON has them all).
SHOWN = 3


def _change_text(changes: Sequence[FactChange]) -> str:
    return " and ".join(f"{c.fact} were {c.to}" for c in changes)


def _shown(comparison: Comparison, question: str) -> list[Counterfactual]:
    """The counterfactuals most worth a reader's minute: firm answers that close the split
    (moving a reading to another's answer) first, then other firm answers."""
    firm = [cf for cf in comparison.counterfactuals
            if cf.question == question and cf.to not in NOT_FIRM]
    answers = {r: str(getattr(a, question)) for r, a in comparison.answers.items()}
    joining = [cf for cf in firm if joins(cf, answers)]
    return joining[:SHOWN] if joining else sorted(firm, key=lambda cf: len(cf.changes))[:2]


def _sources(rule: DecidingRule) -> str:
    """The rule's source ids, marking those that are not first-hand (as ``explain`` does)."""
    marks = {"second_hand": " second-hand", "unverified": " unverified", "inference": " inference"}
    seen: dict[str, str] = {}
    for c in rule.cites:
        seen.setdefault(c.source, marks.get(c.reliability, ""))
    return ", ".join(f"{sid}{mark}" for sid, mark in seen.items())


def _decides(comparison: Comparison, fact: str, readings: Sequence[str]) -> bool:
    """Whether ``fact`` is disputed for one of ``readings`` and its claims decide an answer."""
    field = DERIVED_FROM.get(fact, (fact,))[0]
    return any(c.fact == field and any(c.supplied.get(r) == DISPUTED for r in readings)
               for c in comparison.claimed)


def _paragraph(comparison: Comparison, question: str, crux: Crux) -> list[str]:
    accounts = [a for a, ok in crux.common_accounts.items() if ok]
    kind = ("factual: they would agree if all took the account of " + ", ".join(accounts)
            if crux.kind == "factual" else
            "legal: they split on every common account of the facts"
            if len(crux.common_accounts) > 1 else "legal: same facts, different rules")
    lines = [f"{question}: the readings split ({kind})."]
    for side in crux.groups:
        who = ", ".join(side.readings)
        if side.rules:
            why = "by " + ", ".join(f"{r.rule} [{_sources(r)}]" for r in side.rules)
            why += f", reading {', '.join(side.facts)}" if side.facts else ""
        elif side.open:
            why = "left open by " + ", ".join(
                f"{f} (disputed: the answer depends on which claim is taken)"
                if _decides(comparison, f, side.readings) else f for f in side.open)
        else:
            why = "no rule of the reading speaks to such a case" + (
                f"; the answer depends on {', '.join(side.facts)}" if side.facts else "")
        lines.append(f"  - {side.answer} ({who}): {why}")
    turns = [s.fact for s in crux.separating if s.decisive]
    by_fact = {s.fact: s for s in crux.separating}
    if turns:
        lines.append("  It turns on " + "; ".join(
            f"{f} (read by {', '.join(by_fact[f].read_by)}; not by "
            f"{', '.join(by_fact[f].not_read_by)})" if by_fact[f].not_read_by
            else f"{f} (read by all)" for f in turns) + ".")
    for cf in _shown(comparison, question):
        lines.append(f"  If {_change_text(cf.changes)}, {cf.reading} would answer {cf.to} "
                     f"(now {cf.from_}).")
    agree = [a for a in comparison.agree_if if a.question == question]
    if agree:
        more = f" ({len(agree) - 1} other smallest change(s) in the JSON)" if len(agree) > 1 else ""
        lines.append(f"  All would answer {agree[0].answer} if "
                     f"{_change_text(agree[0].changes)}{more}.")
    else:
        lines.append(f"  No change of up to {comparison.search.max_changes} facts makes every "
                     "reading give one firm answer.")
    return lines


def _depends(table: DependsTable) -> list[str]:
    rows = []
    for row in table.rows:
        cells = ", ".join((f"{f} {v}" if v.startswith(("before", "after", "straddling"))
                           else f"{f}={v}")
                          + (f" (claimed by {', '.join(row.claimed_by[f])})"
                             if f in row.claimed_by else "") for f, v in row.values.items())
        rows.append(f"  - {cells} -> {row.answer}")
    cut = ["  (table cut at its bound: more combinations exist)"] if not table.complete else []
    return [f"It depends: {table.reading} {table.question} is indeterminate:", *rows, *cut]


def _accounts(c: Comparison) -> str:
    return ", ".join(f"{r} {a}" for r, a in c.accounts.items())


def _used(reading: str, supplied: str) -> str:
    """Whose claim a reading used, in words; for a disputed fact, whether it mattered."""
    if supplied == DISPUTED:
        return f"{reading}: disputed, its answer depends on which claim is taken"
    if supplied == DISPUTED_IMMATERIAL:
        return f"{reading}: disputed, every claim gives it the same answers"
    if supplied == UNCONTESTED:
        return f"{reading}: the value all claims agree on"
    if supplied == CASE:
        return f"{reading}: the case's value"
    return f"{reading}: {supplied}'s claim"


def _claimed_lines(c: Comparison) -> list[str]:
    """Per claimed fact: what each claimant says, and whose claim each reading used."""
    out = []
    for fact in c.claimed:
        says = "; ".join(f"{v.asserted_by}: {v.says}" for v in fact.claims)
        used = "; ".join(_used(r, s) for r, s in fact.supplied.items())
        out.append(f"claimed {fact.fact}: {says} (used: {used})")
    return out


def _case_text(c: Comparison, term: Term) -> list[str]:
    lines = [paint(ln, "case", term) for ln in fit([f"{c.case_id}  ({c.source})"], term.width)]
    lines += fit([f"  {c.title}"] if c.title else [], term.width)
    lines += summary_lines(c.summaries, indent="  ", width=term.width)
    ids = list(c.answers)
    lines += matrix(ids, QUESTIONS, [[getattr(c.answers[r], q) for r in ids] for q in QUESTIONS],
                    ["" if c.agreement[q] else f"split ({c.crux[q].kind})"
                     for q in QUESTIONS], term)
    rest: list[str] = []
    if c.claimed:
        rest.append(f"  accounts: {_accounts(c)}")
        rest += [f"  {line}" for line in _claimed_lines(c)]
    for name, crux in c.crux.items():
        rest += ["", *("  " + ln for ln in _paragraph(c, name, crux))]
    for table in c.depends:
        rest += ["", *("  " + ln for ln in _depends(table))]
    if c.search.unmoved:
        rest += ["", f"  No change of up to {c.search.max_changes} facts changes: "
                 + ", ".join(c.search.unmoved)]
    if c.search.note:
        rest += ["", f"  note: {c.search.note}"]
    return lines + fit(rest, term.width)


def summary_text(summary: Summary) -> list[str]:
    """The caseload summary as text lines."""
    lines = ["Summary"]
    for rid, per in summary.answers.items():
        lines.append(f"  {rid}:")
        for q in QUESTIONS:
            counts = ", ".join(f"{a} {n}" for a, n in sorted(per[q].items(),
                                                              key=lambda kv: -kv[1]))
            lines.append(f"    {q}: {counts}")
    for name, s in summary.questions.items():
        facts = ", ".join(f"{f.fact} ({f.cases})" for f in s.deciding_facts[:5]) or "none"
        lines.append(f"  {name}: {s.split} of {s.cases} case(s) split the readings "
                     f"({s.legal} legal, {s.factual} factual); deciding facts: {facts}")
    return lines


def _footer(report: CompareReport) -> list[str]:
    lines = [f"{len(report.comparisons)} case(s) compared with the {report.engine} engine, "
             f"account: {report.account}"
             + (f"; {len(report.errors)} input error(s):" if report.errors else ".")]
    lines += [f"  {error_line(e.source, e.line, e.column, e.message)}" for e in report.errors]
    return lines


def table(report: CompareReport, *, summary_only: bool = False, term: Term = PLAIN) -> str:
    """The comparison as text: per case the matrix, then a paragraph per split question, every
    line fitted to ``term.width``."""
    lines: list[str] = []
    if not summary_only:
        for c in report.comparisons:
            lines += [*_case_text(c, term), ""]
    if report.summary is not None:
        lines += [*fit(summary_text(report.summary), term.width), ""]
    footer = _footer(report)  # the errors stay one per line, as `evaluate` keeps them
    lines += fit(footer[:1], term.width) + footer[1:]
    return "\n".join(lines) + "\n"


def markdown(report: CompareReport, *, summary_only: bool = False) -> str:
    """The comparison as Markdown: the matrix as one table, then a section per case."""
    ids = [r.id for r in report.readings]
    out: list[str] = []
    if not summary_only:
        out += ["| case | question | " + " | ".join(ids) + " | split |",
                "|---|---|" + "---|" * len(ids) + "---|"]
        for c in report.comparisons:
            for q in QUESTIONS:
                cells = [getattr(c.answers[r], q) if r in c.answers else "" for r in ids]
                split = "" if c.agreement[q] else c.crux[q].kind
                out.append(f"| {c.case_id} | {q} | " + " | ".join(cells) + f" | {split} |")
        for c in report.comparisons:
            out += ["", f"### {c.case_id}", ""]
            if c.title:
                out += [f"_{c.title}_", ""]
            out += [f"- {text}" for text in c.summaries.values() if text] + [""]
            if c.claimed:
                out += [f"Accounts used: {_accounts(c)}.", ""]
                out += [f"- {line}" for line in _claimed_lines(c)] + [""]
            for name, crux in c.crux.items():
                para = _paragraph(c, name, crux)
                bullets = [ln.strip() for ln in para[1:] if ln.strip().startswith("-")]
                rest = [ln.strip() + "  " for ln in para[1:] if not ln.strip().startswith("-")]
                out += [f"**{para[0]}**", "", *bullets, "", *rest, ""]
            for t in c.depends:
                dep = _depends(t)
                out += [dep[0], "", *(ln.strip() for ln in dep[1:]), ""]
    if report.summary is not None:
        out += ["", "### Summary", "", "```", *summary_text(report.summary), "```"]
    out += ["", *("_" + ln.strip() + "_" for ln in _footer(report)[:1])]
    out += [f"- `{error_line(e.source, e.line, e.column, e.message)}`" for e in report.errors]
    return "\n".join(out) + "\n"


def json_report(report: CompareReport) -> str:
    """The whole comparison as one JSON document (public field names, ``from`` included)."""
    return report.model_dump_json(indent=2) + "\n"
