"""Compile reading files into :class:`engine.model.Reading` values, reporting every problem.

Checks every fact path, value, instant, source id, flag, derived name and rule id a file names,
and rejects override and derivation cycles and rules that could conflict (see
:mod:`engine.conflicts`). All problems of a file are raised together as one :class:`RuleFileError`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from engine.conflicts import find_conflicts
from engine.errors import Problem, RuleFileError, SourceSpan, suggest
from engine.factspec import FACTS, HOLDER, FactSpec
from engine.model import QUESTIONS, Citation, Common, Instant, Op, Reading, Rule, Source, Test
from engine.ruledoc import CiteDoc, CommonDoc, ReadingDoc, SourceDoc
from engine.timeval import parse_instant, parse_zone
from engine.validation import problems_from
from engine.yamlio import Document, Loc

_OPS_BY_KIND: dict[str, tuple[str, ...]] = {
    "party": ("in", "not_in"), "enum": ("in", "not_in"), "bool": (),
    "time": ("before", "after"), "charges": ("any_of", "only"),
}


def _instant(text: object) -> int | None:
    """UTC epoch seconds of an ISO instant with offset, or None if ``text`` is not one."""
    if not isinstance(text, str):
        return None
    try:
        return parse_instant(text)
    except ValueError:
        return None


def _sources(docs: list[SourceDoc], doc: Document, base: Loc,
             problems: list[Problem]) -> dict[str, Source]:
    out: dict[str, Source] = {}
    for i, s in enumerate(docs):
        if s.id in out:
            problems.append(Problem(f"duplicate source id '{s.id}'", doc.span((*base, i, "id"))))
        out[s.id] = Source(s.id, s.title, s.url, s.date, s.reliability, s.date_note, s.note)
    return out


def _cites(cites: list[CiteDoc], sources: dict[str, Source], doc: Document, base: Loc,
           problems: list[Problem]) -> tuple[Citation, ...]:
    out = []
    for i, c in enumerate(cites):
        src = sources.get(c.source)
        if src is None:
            problems.append(Problem(f"unknown source '{c.source}'{suggest(c.source, sources)}: "
                                    "list it under 'sources'", doc.span((*base, i, "source"))))
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
        raise RuleFileError([Problem("expected a mapping at the top of common.yaml", doc.span(()))])
    cd: CommonDoc = _validate(CommonDoc, doc)
    problems: list[Problem] = []
    sources = _sources(cd.sources, doc, ("sources",), problems)
    instants: dict[str, Instant] = {}
    for name, inst in cd.instants.items():
        epoch = _instant(inst.at)
        if epoch is None:
            problems.append(Problem(f"instant '{name}': expected an ISO instant with offset, found "
                                    f"'{inst.at}'", doc.span(("instants", name, "at"))))
            continue
        cites = _cites(inst.cites, sources, doc, ("instants", name, "cites"), problems)
        iso = datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        instants[name] = Instant(name, epoch, iso, inst.says, cites)
    try:
        offset = parse_zone(cd.default_offset)
    except ValueError as exc:
        offset = None
        problems.append(Problem(f"default_offset: {exc}", doc.span(("default_offset",))))
    _cites(cd.default_offset_cites, sources, doc, ("default_offset_cites",), problems)
    points = tuple((p.point, p.says, _cites(p.cites, sources, doc,
                                            ("instrument", "points", i, "cites"), problems))
                   for i, p in enumerate(cd.instrument.points))
    if problems:
        raise RuleFileError(problems)
    assert offset is not None
    return Common(instants, offset, cd.default_offset, sources, cd.instrument.title, points)


class _RuleCompiler:
    """Compiles the ``when`` block of one rule, collecting problems."""

    def __init__(self, doc: Document, common: Common, party: str | None,
                 derived: dict[str, str], problems: list[Problem]) -> None:
        self.doc, self.common, self.party = doc, common, party
        self.derived, self.problems = derived, problems

    def fail(self, message: str, loc: Loc, *, key: bool = False) -> None:
        self.problems.append(Problem(message, self.doc.span(loc, key=key)))

    def when(self, when: dict[str, Any], base: Loc) -> tuple[tuple[Test, ...], tuple[str, ...]]:
        tests: list[Test] = []
        needs: list[str] = []
        for path, raw in when.items():
            loc = (*base, path)
            if path.startswith("derived."):
                name = path[len("derived."):]
                if name not in self.derived:
                    self.fail(f"unknown derived fact '{name}'{suggest(name, self.derived)}: "
                              "declare it under 'derived'", loc, key=True)
                elif raw is not True:
                    self.fail(f"{path}: a derived fact can only be tested 'true'; found {raw!r}",
                              loc)
                else:
                    needs.append(name)
                continue
            spec = FACTS.get(path)
            if spec is None:
                choices = [*FACTS, *(f"derived.{d}" for d in self.derived)]
                self.fail(f"unknown fact '{path}'{suggest(path, choices)}", loc, key=True)
                continue
            # A list holds several tests on one fact, all of which must hold.
            located = ([(item, (*loc, j)) for j, item in enumerate(raw)]
                       if isinstance(raw, list) else [(raw, loc)])
            for item, item_loc in located:
                test = self.test(spec, item, item_loc)
                if test is not None:
                    tests.append(test)
        return tuple(tests), tuple(needs)

    def test(self, spec: FactSpec, raw: Any, loc: Loc) -> Test | None:
        span = self.doc.span(loc)
        if isinstance(raw, dict):
            if len(raw) != 1:
                self.fail(f"{spec.path}: a test is one of {{op: operand}}; found {len(raw)} keys",
                          loc)
                return None
            ((op, operand),) = raw.items()
            allowed = _OPS_BY_KIND[spec.kind]
            if op not in allowed:
                ops = ", ".join(allowed) if allowed else "none (write the value itself)"
                article = "an" if spec.kind == "enum" else "a"
                self.fail(f"{spec.path}: operator '{op}' does not apply to {article} {spec.kind} "
                          "fact "
                          f"(allowed: {ops}){suggest(op, allowed)}", (*loc, op), key=True)
                return None
            if op in {"before", "after"}:
                return self.instant_test(spec, op, operand, (*loc, op), span)
            if not isinstance(operand, list) or not operand:
                self.fail(f"{spec.path}: '{op}' takes a non-empty list; found {operand!r}",
                          (*loc, op))
                return None
            values = [self.value(spec, v, (*loc, op, k)) for k, v in enumerate(operand)]
            if any(v is None for v in values):
                return None
            return Test(spec.path, _as_op(op), tuple(v for v in values if v is not None),
                        span=span)
        if spec.kind in {"time", "charges"}:
            ops = " or ".join(_OPS_BY_KIND[spec.kind])
            self.fail(f"{spec.path}: a {spec.kind} fact is tested with {ops}; found {raw!r}", loc)
            return None
        value = self.value(spec, raw, loc)
        return None if value is None else Test(spec.path, "eq", (value,), span=span)

    def value(self, spec: FactSpec, raw: Any, loc: Loc) -> str | bool | None:
        if spec.kind == "bool":
            if isinstance(raw, bool):
                return raw
            self.fail(f"{spec.path}: expected true or false; found {raw!r}", loc)
            return None
        if spec.kind == "party":
            if raw != HOLDER:
                self.fail(f"{spec.path}: rules name parties only as '{HOLDER}' (the reading's "
                          f"holder) or through detainee.adverse, so that they stay symmetric; "
                          f"found {raw!r}", loc)
                return None
            if self.party is None:
                self.fail(f"{spec.path}: '{HOLDER}' used in a reading held by no party", loc)
                return None
            return self.party
        if raw == "unknown":
            self.fail(f"{spec.path}: 'unknown' is not a value a rule can test: an unknown fact "
                      "never satisfies a test", loc)
            return None
        if not isinstance(raw, str) or raw not in spec.values:
            hint = suggest(str(raw), spec.values)
            self.fail(f"{spec.path}: expected one of {', '.join(spec.values)}; found {raw!r}{hint}",
                      loc)
            return None
        return raw

    def instant_test(self, spec: FactSpec, op: str, operand: Any, loc: Loc,
                     span: SourceSpan) -> Test | None:
        if isinstance(operand, str) and operand in self.common.instants:
            inst = self.common.instants[operand]
            return Test(spec.path, _as_op(op), (), inst.epoch, operand, span)
        epoch = _instant(operand)
        if epoch is None:
            names = ", ".join(self.common.instants)
            self.fail(f"{spec.path}: '{op}' takes an instant named in common.yaml ({names}) or an "
                      f"ISO instant with offset; found {operand!r}"
                      f"{suggest(str(operand), self.common.instants)}", loc)
            return None
        return Test(spec.path, _as_op(op), (), epoch, str(operand), span)


def _as_op(op: str) -> Op:
    ops: dict[str, Op] = {"eq": "eq", "in": "in", "not_in": "not_in", "before": "before",
                          "after": "after", "any_of": "any_of", "only": "only"}
    return ops[op]


def _cycle(graph: dict[str, tuple[str, ...]]) -> list[str] | None:
    """Return one cycle in ``graph`` (node -> successors), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in graph:
        if node not in state and (found := visit(node)):
            return found
    return None


def _compile_rule(rd: ReadingDoc, i: int, rc: _RuleCompiler,
                  sources: dict[str, Source]) -> Rule:
    r = rd.rules[i]
    doc, problems = rc.doc, rc.problems
    base: Loc = ("rules", i)
    tests, needs = rc.when(r.when, (*base, "when"))
    for j, flag in enumerate(r.then.flags):
        if flag not in rd.flags:
            problems.append(Problem(f"unknown flag '{flag}'{suggest(flag, rd.flags)}: declare "
                                    "it under 'flags'", doc.span((*base, "then", "flags", j))))
    for j, name in enumerate(r.then.derive):
        if name not in rd.derived:
            problems.append(Problem(f"unknown derived fact '{name}'{suggest(name, rd.derived)}"
                                    ": declare it under 'derived'",
                                    doc.span((*base, "then", "derive", j))))
    answers = tuple((q, v) for q in QUESTIONS if (v := getattr(r.then, q)) is not None)
    if not (answers or r.then.flags or r.then.derive):
        problems.append(Problem(f"rule '{r.id}' concludes nothing", doc.span((*base, "then"))))
    return Rule(r.id, f"{rd.reading}.{r.id}", i, r.says, tests, needs, answers,
                tuple(r.then.flags), tuple(r.then.derive), tuple(r.overrides),
                _cites(r.cites, sources, doc, (*base, "cites"), problems),
                doc.span((*base, "id")))


def _overrides(rules: list[Rule], by_id: dict[str, Rule], doc: Document,
               problems: list[Problem]) -> dict[str, list[str]]:
    """Check every override target; return target -> the rules that override it."""
    overridden_by: dict[str, list[str]] = {}
    for i, rule in enumerate(rules):
        for j, target in enumerate(rule.overrides):
            loc = ("rules", i, "overrides", j)
            if target not in by_id:
                problems.append(Problem(f"rule '{rule.id}' overrides unknown rule '{target}'"
                                        f"{suggest(target, by_id)}", doc.span(loc)))
            elif by_id[target].derives:
                problems.append(Problem(f"rule '{rule.id}' overrides '{target}', which derives "
                                        "facts: derived facts are never retracted, so override "
                                        "the rules that use them instead", doc.span(loc)))
            else:
                overridden_by.setdefault(target, []).append(rule.id)
    return overridden_by


def compile_reading(doc: Document, common: Common, *, expected_id: str | None = None) -> Reading:
    """Compile one reading file.

    Args:
        doc: the loaded file.
        common: the compiled ``common.yaml``.
        expected_id: the file stem, which the reading id must equal.

    Raises:
        RuleFileError: listing every problem with its position.
    """
    if not isinstance(doc.data, dict):
        raise RuleFileError([Problem("expected a mapping at the top of a reading file",
                                     doc.span(()))])
    rd: ReadingDoc = _validate(ReadingDoc, doc)
    problems: list[Problem] = []
    if expected_id is not None and rd.reading != expected_id:
        problems.append(Problem(f"reading id '{rd.reading}' must equal the file name "
                                f"'{expected_id}'", doc.span(("reading",))))
    own = _sources(rd.sources, doc, ("sources",), problems)
    sources = {**common.sources, **own}
    rc = _RuleCompiler(doc, common, rd.held_by.party, rd.derived, problems)
    rules = [_compile_rule(rd, i, rc, sources) for i in range(len(rd.rules))]
    by_id = {rule.id: rule for rule in rules}
    for i, rule in enumerate(rules):
        first = next(r for r in rules if r.id == rule.id)
        if first is not rule:
            problems.append(Problem(f"duplicate rule id '{rule.id}' (first at line "
                                    f"{first.span.line if first.span else '?'})",
                                    doc.span(("rules", i, "id"))))
    overridden_by = _overrides(rules, by_id, doc, problems)
    derived_by: dict[str, list[str]] = {}
    for rule in rules:
        for name in rule.derives:
            derived_by.setdefault(name, []).append(rule.id)
    used = {n for r in rules for n in r.needs}
    for name in rd.derived:
        if name not in derived_by:
            problems.append(Problem(f"derived fact '{name}' is derived by no rule",
                                    doc.span(("derived", name), key=True)))
        elif name not in used:
            problems.append(Problem(f"derived fact '{name}' is used by no rule",
                                    doc.span(("derived", name), key=True)))
    for flag in rd.flags:
        if not any(flag in r.flags for r in rules):
            problems.append(Problem(f"flag '{flag}' is raised by no rule",
                                    doc.span(("flags", flag), key=True)))
    if cyc := _cycle({r.id: r.overrides for r in rules}):
        problems.append(Problem("override cycle: " + " -> ".join(cyc), by_id[cyc[0]].span))
    deps = {r.id: tuple(d for n in r.needs for d in derived_by.get(n, ())) for r in rules}
    if cyc := _cycle(deps):
        problems.append(Problem("derivation cycle: " + " -> ".join(cyc), by_id[cyc[0]].span))
    if problems:
        raise RuleFileError(problems)
    reading = Reading(rd.reading, rd.title, rd.held_by.name, rd.held_by.party, rd.summary, sources,
                      dict(rd.flags), dict(rd.derived), tuple(rules), doc.source, common,
                      {k: tuple(v) for k, v in derived_by.items()},
                      {k: tuple(v) for k, v in overridden_by.items()}, by_id)
    conflicts = find_conflicts(reading)
    if conflicts:
        raise RuleFileError([
            Problem(f"rules '{a.id}' and '{b.id}' can fire on the same case and answer {q} "
                    f"differently ({a.answer(q)} / {b.answer(q)}), and neither overrides the "
                    f"other (the other is at {b.span})", a.span)
            for a, b, q in conflicts])
    return reading
