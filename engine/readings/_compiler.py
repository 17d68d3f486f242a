"""Compile reading files into :class:`~.model.Reading` values, reporting every problem.

Checks every fact path, value, instant, source id, flag, derived name and rule id a file names, and
rejects override and derivation cycles and rules that could conflict (see
:mod:`engine.readings._conflicts`). All problems of a file are raised together as one
:class:`RuleFileError`.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from engine.base.errors import Problem, RuleFileError, suggest
from engine.base.graphs import find_cycle
from engine.base.vocabulary import QUESTIONS
from engine.base.yamlio import Document, Loc
from engine.cases.timeval import iso_utc, parse_zone
from engine.cases.validation import problems_from
from engine.readings._conditions import ConditionCompiler, instant_epoch
from engine.readings._conflicts import Conflict, find_conflicts
from engine.readings._declarations import compile_gaps, compile_invariants
from engine.readings._document import CiteDoc, CommonDoc, ReadingDoc, SourceDoc
from engine.readings.brief import BRIEF_RULES
from engine.readings.model import Citation, Common, Instant, Reading, Rule, Source


def _sources(docs: list[SourceDoc], doc: Document, base: Loc,
             problems: list[Problem]) -> dict[str, Source]:
    out: dict[str, Source] = {}
    for i, s in enumerate(docs):
        if s.id in out:
            problems.append(Problem(f"duplicate source id '{s.id}'", doc.span((*base, i, "id")),
                                    code="duplicate_id", loc=(*base, i, "id")))
        out[s.id] = Source(s.id, s.title, s.url, s.date, s.reliability, s.date_note, s.note)
    return out


def _cites(cites: list[CiteDoc], sources: dict[str, Source], doc: Document, base: Loc,
           problems: list[Problem]) -> tuple[Citation, ...]:
    out = []
    for i, c in enumerate(cites):
        src = sources.get(c.source)
        if src is None:
            problems.append(Problem(f"unknown source '{c.source}'{suggest(c.source, sources)}: "
                                    "list it under 'sources'", doc.span((*base, i, "source")),
                                    code="unknown_source", loc=(*base, i, "source")))
            continue
        out.append(Citation(src, c.pin, c.reliability or src.reliability, c.note))
    return tuple(out)


def _validate(model: type[Any], doc: Document) -> Any:
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise RuleFileError(problems_from(exc, doc, model)) from None


def compile_common(doc: Document) -> Common:
    """Compile ``rules/common.yaml``.

    Raises:
        RuleFileError: listing every problem with its position.
    """
    if not isinstance(doc.data, dict):
        raise RuleFileError([Problem("expected a mapping at the top of common.yaml", doc.span(()),
                                     code="not_a_reading")])
    cd: CommonDoc = _validate(CommonDoc, doc)
    problems: list[Problem] = []
    sources = _sources(cd.sources, doc, ("sources",), problems)
    instants: dict[str, Instant] = {}
    for name, inst in cd.instants.items():
        epoch = instant_epoch(inst.at)
        if epoch is None:
            problems.append(Problem(f"instant '{name}': expected an ISO instant with offset, found "
                                    f"'{inst.at}'", doc.span(("instants", name, "at")),
                                    code="invalid_time", loc=("instants", name, "at")))
            continue
        cites = _cites(inst.cites, sources, doc, ("instants", name, "cites"), problems)
        instants[name] = Instant(name, epoch, iso_utc(epoch), inst.says, cites)
    try:
        offset = parse_zone(cd.default_offset)
    except ValueError as exc:
        offset = None
        problems.append(Problem(f"default_offset: {exc}", doc.span(("default_offset",)),
                                code="invalid_offset", loc=("default_offset",)))
    _cites(cd.default_offset_cites, sources, doc, ("default_offset_cites",), problems)
    points = tuple((p.point, p.says, _cites(p.cites, sources, doc,
                                            ("instrument", "points", i, "cites"), problems))
                   for i, p in enumerate(cd.instrument.points))
    if problems:
        raise RuleFileError(problems)
    assert offset is not None
    return Common(instants, offset, cd.default_offset, sources, cd.instrument.title, points)


def _compile_rule(rd: ReadingDoc, i: int, rc: ConditionCompiler,
                  sources: dict[str, Source]) -> Rule:
    r = rd.rules[i]
    doc, problems = rc.doc, rc.problems
    base: Loc = ("rules", i)
    tests, needs = rc.when(r.when, (*base, "when"))
    for j, flag in enumerate(r.then.flags):
        if flag not in rd.flags:
            problems.append(Problem(f"unknown flag '{flag}'{suggest(flag, rd.flags)}: declare "
                                    "it under 'flags'", doc.span((*base, "then", "flags", j)),
                                    code="unknown_flag", loc=(*base, "then", "flags", j)))
    for j, name in enumerate(r.then.derive):
        if name not in rd.derived:
            problems.append(Problem(f"unknown derived fact '{name}'{suggest(name, rd.derived)}"
                                    ": declare it under 'derived'",
                                    doc.span((*base, "then", "derive", j)), code="unknown_derived",
                                    loc=(*base, "then", "derive", j)))
    answers = tuple((q, v) for q in QUESTIONS if (v := getattr(r.then, q)) is not None)
    if not (answers or r.then.flags or r.then.derive):
        problems.append(Problem(f"rule '{r.id}' concludes nothing", doc.span((*base, "then")),
                                code="concludes_nothing", loc=(*base, "then")))
    return Rule(r.id, f"{rd.reading}.{r.id}", i, r.says, tests, needs, answers,
                tuple(r.then.flags), tuple(r.then.derive), tuple(r.overrides),
                _cites(r.cites, sources, doc, (*base, "cites"), problems),
                doc.span((*base, "id")), tuple(r.implements))


def _ranges() -> str:
    """The brief's rule ids as ranges per reading: ``A-R1 to A-R8, B-R1 to B-R7, ...``."""
    first: dict[str, str] = {}
    last: dict[str, str] = {}
    for brief_id in BRIEF_RULES:
        first.setdefault(brief_id[0], brief_id)
        last[brief_id[0]] = brief_id
    return ", ".join(f"{first[k]} to {last[k]}" for k in first)


def _check_brief_ids(rd: ReadingDoc, doc: Document, problems: list[Problem]) -> None:
    """Every brief rule id named is one of the brief's; none is both implemented and not."""
    named: list[tuple[str, Loc]] = [
        *((b, ("rules", i, "implements", j)) for i, r in enumerate(rd.rules)
          for j, b in enumerate(r.implements)),
        *((b, ("gaps", i, "implements", j)) for i, g in enumerate(rd.gaps)
          for j, b in enumerate(g.implements))]
    for brief_id, loc in [*named, *((b, ("not_implemented", b)) for b in rd.not_implemented)]:
        if brief_id not in BRIEF_RULES:
            problems.append(Problem(
                f"unknown brief rule '{brief_id}'{suggest(brief_id, BRIEF_RULES)}: the legal "
                f"brief's rules are {_ranges()}",
                doc.span(loc, key=loc[0] == "not_implemented"), code="unknown_brief_rule",
                loc=loc))
    for brief_id, loc in named:
        if brief_id in rd.not_implemented:
            problems.append(Problem(
                f"brief rule '{brief_id}' is listed under 'not_implemented' but a rule or gap "
                "implements it: remove one of the two", doc.span(loc), code="brief_rule_both",
                loc=loc))


def _overrides(rules: list[Rule], by_id: dict[str, Rule], doc: Document,
               problems: list[Problem]) -> dict[str, list[str]]:
    """Check every override target; return target -> the rules that override it."""
    overridden_by: dict[str, list[str]] = {}
    for i, rule in enumerate(rules):
        for j, target in enumerate(rule.overrides):
            loc = ("rules", i, "overrides", j)
            if target not in by_id:
                problems.append(Problem(f"rule '{rule.id}' overrides unknown rule '{target}'"
                                        f"{suggest(target, by_id)}", doc.span(loc),
                                        code="unknown_override", loc=loc))
            elif by_id[target].derives:
                problems.append(Problem(f"rule '{rule.id}' overrides '{target}', which derives "
                                        "facts: derived facts are never retracted, so override "
                                        "the rules that use them instead", doc.span(loc),
                                        code="override_deriving", loc=loc))
            else:
                overridden_by.setdefault(target, []).append(rule.id)
    return overridden_by


def _conflict_problem(c: Conflict) -> Problem:
    a, b, q = c.a, c.b, c.question
    if c.undecided:
        return Problem(f"rules '{a.id}' and '{b.id}' answer {q} differently ({a.answer(q)} / "
                       f"{b.answer(q)}) and neither overrides the other, and their conditions "
                       "(through derived facts) are too complex to prove that they never fire "
                       "on the same case: make one override the other, or derive fewer "
                       f"alternatives (the other is at {b.span})", a.span, code="possible_conflict")
    return Problem(f"rules '{a.id}' and '{b.id}' can fire on the same case and answer {q} "
                   f"differently ({a.answer(q)} / {b.answer(q)}), and neither overrides the "
                   f"other (the other is at {b.span})", a.span, code="rule_conflict")


def compile_reading(doc: Document, common: Common, *, expected_id: str | None = None,
                    allow_conflicts: bool = False) -> Reading:
    """Compile one reading file.

    Args:
        doc: the loaded file.
        common: the compiled ``common.yaml``.
        expected_id: the file stem, which the reading id must equal.
        allow_conflicts: skip the static conflict check (``legal-status check`` does, to report
            each conflict with an example case instead).

    Raises:
        RuleFileError: listing every problem with its position.
    """
    if not isinstance(doc.data, dict):
        raise RuleFileError([Problem("expected a mapping at the top of a reading file",
                                     doc.span(()), code="not_a_reading")])
    rd: ReadingDoc = _validate(ReadingDoc, doc)
    problems: list[Problem] = []
    if expected_id is not None and rd.reading != expected_id:
        problems.append(Problem(f"reading id '{rd.reading}' must equal the file name "
                                f"'{expected_id}'", doc.span(("reading",)),
                                code="wrong_reading_id", loc=("reading",)))
    account = rd.account or ("holder" if rd.held_by.party else "uncontested")
    if account == "holder" and rd.held_by.party is None:
        problems.append(Problem("account: 'holder' needs a party, but held_by.party is null: a "
                                "reading held by no party has no account of its own; write "
                                "'account: uncontested'", doc.span(("account",)),
                                code="account_without_party", loc=("account",)))
    own = _sources(rd.sources, doc, ("sources",), problems)
    sources = {**common.sources, **own}
    rc = ConditionCompiler(doc, common, rd.held_by.party, rd.derived, problems)
    rules = [_compile_rule(rd, i, rc, sources) for i in range(len(rd.rules))]
    by_id: dict[str, Rule] = {}
    for i, rule in enumerate(rules):
        first = by_id.setdefault(rule.id, rule)
        if first is not rule:
            problems.append(Problem(f"duplicate rule id '{rule.id}' (first at line "
                                    f"{first.span.line if first.span else '?'})",
                                    doc.span(("rules", i, "id")), code="duplicate_id",
                                    loc=("rules", i, "id")))
    overridden_by = _overrides(rules, by_id, doc, problems)
    gaps = compile_gaps(rd, rc)
    invariants = compile_invariants(rd, rc)
    derived_by: dict[str, list[str]] = {}
    for rule in rules:
        for name in rule.derives:
            derived_by.setdefault(name, []).append(rule.id)
    used = {n for r in rules for n in r.needs}
    for name in rd.derived:
        if name not in derived_by:
            problems.append(Problem(f"derived fact '{name}' is derived by no rule",
                                    doc.span(("derived", name), key=True), code="underived_fact",
                                    loc=("derived", name)))
        elif name not in used:
            problems.append(Problem(f"derived fact '{name}' is used by no rule",
                                    doc.span(("derived", name), key=True), code="unused_derived",
                                    loc=("derived", name)))
    for flag in rd.flags:
        if not any(flag in r.flags for r in rules):
            problems.append(Problem(f"flag '{flag}' is raised by no rule",
                                    doc.span(("flags", flag), key=True), code="unused_flag",
                                    loc=("flags", flag)))
    _check_brief_ids(rd, doc, problems)
    if cyc := find_cycle({r.id: r.overrides for r in rules}):
        problems.append(Problem("override cycle: " + " -> ".join(cyc), by_id[cyc[0]].span,
                                code="override_cycle"))
    deps = {r.id: tuple(d for n in r.needs for d in derived_by.get(n, ())) for r in rules}
    if cyc := find_cycle(deps):
        problems.append(Problem("derivation cycle: " + " -> ".join(cyc), by_id[cyc[0]].span,
                                code="derivation_cycle"))
    if problems:
        raise RuleFileError(problems)
    reading = Reading(rd.reading, rd.title, rd.held_by.name, rd.held_by.party, rd.summary, sources,
                      dict(rd.flags), dict(rd.derived), tuple(rules), doc.source, common,
                      {k: tuple(v) for k, v in derived_by.items()},
                      {k: tuple(v) for k, v in overridden_by.items()}, by_id, gaps, invariants,
                      account=rd.held_by.party if account == "holder" else None,
                      not_implemented=dict(rd.not_implemented))
    conflicts = [] if allow_conflicts else find_conflicts(reading)
    if conflicts:
        raise RuleFileError([_conflict_problem(c) for c in conflicts])
    return reading
