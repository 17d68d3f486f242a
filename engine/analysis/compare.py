"""Why the readings disagree on a case: agreement, the crux, counterfactuals, "it depends".

For each question the readings are grouped by answer. Where they split, the crux names each group's
deciding rules (statement and citations) and the facts those rules read, and the facts read on one
side and not the other. The split is *factual* when the readings would give one answer (not
``indeterminate``) if they all took one common account of the facts (the uncontested one, on which
each disputed fact is the set of its claimed values, or one claimant's), *legal* when no common
account does. Counterfactuals and
agreement changes come from the exact search of :mod:`engine.analysis.counterfactual`; every
``indeterminate`` answer gets its table of what each resolution of its open facts yields.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import tzinfo

from engine.analysis import _whatif
from engine.analysis.comparison import (
    Answers,
    ClaimedFact,
    ClaimView,
    CompareReport,
    Comparison,
    Counterfactual,
    Crux,
    CruxSide,
    DecidingRule,
    DependsTable,
    FactCount,
    Group,
    QuestionSummary,
    SearchInfo,
    Separating,
    Summary,
)
from engine.analysis.counterfactual import (
    DEFAULT_BUDGET,
    MAX_CHANGES,
    Probe,
    agreement_changes,
    depends_table,
    joins,
    reading_counterfactuals,
)
from engine.base.errors import EngineError, Problem
from engine.base.vocabulary import QUESTIONS, Question
from engine.cases.catalogue import FACTS
from engine.cases.facts import case_facts
from engine.cases.load import CaseBatch
from engine.cases.record import CaseRecord
from engine.readings.load import ReadingSet
from engine.readings.model import Reading, Rule
from engine.run import checks
from engine.run.evaluate import (
    EngineChoice,
    engine_to_use,
    evaluate_case,
    evaluate_records,
    reading_records,
    supplier,
)
from engine.run.logic import holds
from engine.run.outcome import CaseResult, Outcome, TraceStep
from engine.run.report import ErrorInfo, ReadingInfo
from engine.run.resolve import cites


def _base_facts(outcome: Outcome, rules: Sequence[str]) -> set[str]:
    """The case facts read by ``rules`` and, through derived facts, by the rules deriving them."""
    steps = {s.rule: s for s in outcome.trace}
    todo, seen, out = list(rules), set(), set()
    while todo:
        qid = todo.pop()
        if qid in seen or qid not in steps:
            continue
        seen.add(qid)
        for name in steps[qid].facts:
            if name.startswith("derived."):
                derived = name.removeprefix("derived.")
                todo += [s.rule for s in outcome.trace if derived in s.derives]
            else:
                out.add(name)
    return out


def _ordered(facts: set[str]) -> list[str]:
    return [f for f in FACTS if f in facts] + sorted(facts - set(FACTS))


def _read_by(reading: Reading, rule: Rule) -> set[str]:
    """The case facts ``rule`` tests and, through the facts it needs, its possible derivers."""
    out = {t.path for t in rule.tests}
    for name in rule.needs:
        for rid in reading.derived_by.get(name, ()):
            out |= _read_by(reading, reading.rule(rid))
    return out


def _deciding(outcome: Outcome, question: Question, reading: Reading,
              ) -> tuple[list[DecidingRule], set[str], list[str]]:
    decision = outcome.decisions[question]
    steps: dict[str, TraceStep] = {s.rule: s for s in outcome.trace}
    rules = [DecidingRule(reading=outcome.reading, rule=q, says=steps[q].says,
                          cites=steps[q].cites) for q in decision.by if q in steps]
    facts = _base_facts(outcome, decision.by) | set(decision.unknown)
    # Over a dispute the trace is the first combination's: the rules that give the same answer
    # in the other combinations decide it too.
    others = [] if outcome.dispute is None or not decision.holds_over else list(dict.fromkeys(
        q for c in outcome.dispute.combinations for q in c.by.get(question, ())
        if q not in decision.by))
    for qid in others:
        rule = reading.rule(qid.removeprefix(f"{reading.id}."))
        rules.append(DecidingRule(reading=outcome.reading, rule=qid, says=rule.says,
                                  cites=cites(rule)))
        facts |= _read_by(reading, rule)
    return rules, facts, list(decision.unknown)


def _groups(result: CaseResult, question: Question) -> list[Group]:
    by_answer: dict[str, list[str]] = {}
    for rid, outcome in result.readings.items():
        by_answer.setdefault(getattr(outcome, question), []).append(rid)
    return [Group(answer=a, readings=rs) for a, rs in by_answer.items()]


def _decisive(result: CaseResult, question: Question,
              counterfactuals: Sequence[Counterfactual]) -> set[str]:
    """Facts whose change alone moves a reading to a firm answer that another reading gives."""
    answers = {r: str(getattr(o, question)) for r, o in result.readings.items()}
    return {cf.changes[0].fact for cf in counterfactuals
            if cf.question == question and len(cf.changes) == 1 and joins(cf, answers)}


def _would_decide(reading: Reading, record: CaseRecord, question: Question,
                  offset: tzinfo) -> set[str]:
    """For an answer no rule gave (``not_addressed`` or ``indeterminate``): the facts on which
    the rules that would give one are false or undecided, for the rules held back by one fact."""
    facts = case_facts(record, offset)
    out: set[str] = set()
    for rule in reading.rules:
        if rule.answer(question) is None or rule.needs:
            continue
        failing = [t.path for t in rule.tests if holds(t, facts) is not True]
        if len(set(failing)) == 1:
            out |= set(failing)
    return out


def _moved_by(counterfactuals: Sequence[Counterfactual], reading: str,
              question: Question) -> set[str]:
    """The facts some smallest change of which moves ``reading``'s answer to ``question``."""
    return {c.fact for cf in counterfactuals if cf.reading == reading and cf.question == question
            for c in cf.changes}


def _crux(result: CaseResult, readings: ReadingSet, cases: Mapping[str, CaseRecord],
          question: Question, common: dict[str, bool], decisive: set[str],
          counterfactuals: Sequence[Counterfactual]) -> Crux:
    """The groups of one split question and what each group's answers depend on: the facts its
    deciding rules read, the facts left open, the facts whose change moves it, and for an answer
    no rule gave, the facts that hold back the rules that would give one."""
    sides: list[CruxSide] = []
    read: dict[str, set[str]] = {}
    offset = readings.common.default_offset
    for group in _groups(result, question):
        rules: list[DecidingRule] = []
        facts: set[str] = set()
        open_facts: list[str] = []
        for rid in group.readings:
            reading = readings.readings[rid]
            r_rules, r_facts, r_open = _deciding(result.readings[rid], question, reading)
            r_facts |= _moved_by(counterfactuals, rid, question)
            # A change of a case field moves the facts derived from it (detainee.adverse).
            r_facts |= {t.path for rule in reading.rules for t in rule.tests
                        if set(_whatif.case_fields_of(t.path)) & r_facts}
            if not r_rules:
                r_facts |= _would_decide(reading, cases[rid], question, offset)
            rules += r_rules
            facts |= r_facts
            open_facts += [f for f in r_open if f not in open_facts]
            read[rid] = r_facts
        sides.append(CruxSide(answer=group.answer, readings=group.readings, rules=rules,
                              facts=_ordered(facts), open=open_facts))
    every = set().union(*read.values()) if read else set()
    separating = [Separating(fact=f, read_by=[r for r in read if f in read[r]],
                             not_read_by=[r for r in read if f not in read[r]],
                             decisive=f in decisive)
                  for f in _ordered(every)
                  if f in decisive or not all(f in v for v in read.values())]
    return Crux(question=question, groups=sides, separating=separating,
                kind="factual" if any(common.values()) else "legal", common_accounts=common)


def _claimed(case: CaseRecord, readings: ReadingSet, result: CaseResult,
             records: Mapping[str, tuple[CaseRecord, Mapping[str, str], str]],
             ) -> list[ClaimedFact]:
    """Each claimed fact: what each claimant says of it, and who supplied it to each reading."""
    used = [readings.readings[rid] for rid in records]
    offset = readings.common.default_offset
    out: list[ClaimedFact] = []
    for fact, claims in case.claims.items():
        where = _whatif.marks(used, fact)
        views = [ClaimView(asserted_by=c.asserted_by,
                           says=_whatif.describe(case.on_account(c.asserted_by)[0], fact, where,
                                                offset),
                           source=c.source, date=c.date) for c in claims]
        out.append(ClaimedFact(fact=fact, claims=views,
                               supplied={rid: supplier(result.readings[rid], fact, sup)
                                         for rid, (_, sup, _) in records.items()}))
    return out


def _agrees(result: CaseResult, question: Question) -> bool:
    return len({getattr(o, question) for o in result.readings.values()}) == 1


def _settles(result: CaseResult, question: Question) -> bool:
    """Whether the readings give one answer, and not one the facts leave open."""
    return _agrees(result, question) and next(
        getattr(o, question) for o in result.readings.values()) != "indeterminate"


def compare_case(case: CaseRecord, readings: ReadingSet, *, only: Sequence[str] | None = None,
                 account: str = "own", engine: EngineChoice = "durable", source: str = "<dict>",
                 budget: int = DEFAULT_BUDGET, full_tables: bool = False) -> Comparison:
    """Compare the readings on one case.

    Args:
        case: a validated case record (its claims, if any, are resolved per reading).
        readings: the compiled readings.
        only: reading ids to restrict to.
        account: ``own`` (each reading's declared account), ``uncontested``, or a party id.
        engine: the engine for every evaluation, the search's included.
        source: where the case came from.
        budget: the most evaluations the search of changes may make; ``search.complete`` says
            whether it was enough.
        full_tables: also give every possible combination of each "it depends" table
            (``all_rows``), besides its reduced ``rows``.

    Raises:
        UsageError, TypeError: a wrong argument, before any evaluation, as
            :func:`engine.evaluate_case` says; also ``budget`` below 0 (``TypeError`` if not an
            int) and ``full_tables`` not a bool (``TypeError``).
        CaseFileError, EvaluationError, BackendError: as :func:`engine.evaluate_case`.
    """
    checks.comparison(case, readings, only, engine, account, source, budget, full_tables)
    records = reading_records(case, readings, account, only)
    result = evaluate_records(case, records, readings, engine=engine, source=source)
    accounts = {rid: label for rid, (_, _, label) in records.items()}
    cases = {rid: record for rid, (record, _, _) in records.items()}
    split = [q for q in QUESTIONS if not _agrees(result, q)]
    crux: dict[str, Crux] = {}
    if split:
        common: dict[str, dict[str, bool]] = {q: {} for q in split}
        for name in ("uncontested", *case.claimants()):
            shared = evaluate_case(case, readings, only=only, engine=engine, account=name)
            for q in split:
                common[q][name] = _settles(shared, q)
    probe = Probe(readings, engine_to_use(engine), budget=budget)
    counterfactuals = [cf for rid, record in cases.items()
                       for cf in reading_counterfactuals(probe, readings.readings[rid], record)]
    if split:
        crux = {q: _crux(result, readings, cases, q, common[q],
                         _decisive(result, q, counterfactuals), counterfactuals)
                for q in split}
    agree_if = [c for q in split for c in agreement_changes(probe, cases, q)]
    depends: list[DependsTable] = [
        depends_table(probe, readings.readings[rid], cases[rid], q,
                      outcome.decisions[q].unknown, full=full_tables)
        for rid, outcome in result.readings.items() for q in QUESTIONS
        if outcome.decisions[q].answer == "indeterminate"]
    notes = []
    if probe.cut:
        notes.append(f"the search stopped after {probe.evaluations} evaluations (its bound): "
                     "some counterfactuals may be missing")
    notes += [f"{rid}: {o.dispute.note}" for rid, o in result.readings.items()
              if o.dispute and o.dispute.note and o.dispute.evaluated < o.dispute.distinct]
    note = "; ".join(notes) or None
    return Comparison(
        case_id=case.id, title=case.title, source=source, accounts=accounts,
        claimed=_claimed(case, readings, result, records),
        answers={rid: Answers(status=o.status, point8=o.point8, release=o.release)
                 for rid, o in result.readings.items()},
        agreement={q: q not in split for q in QUESTIONS},
        groups={q: _groups(result, q) for q in QUESTIONS}, crux=crux,
        summaries={rid: o.summary for rid, o in result.readings.items()},
        counterfactuals=counterfactuals, agree_if=agree_if, depends=depends,
        search=SearchInfo(max_changes=MAX_CHANGES, evaluations=probe.evaluations,
                          complete=not probe.cut, note=note,
                          unmoved=[f"{rid}.{q}" for rid in cases for q in QUESTIONS
                                   if not any(cf.reading == rid and cf.question == q
                                              for cf in counterfactuals)]))


def summarise(comparisons: Sequence[Comparison]) -> Summary:
    """Over a caseload: per reading the count of each answer; per question the splits, how many
    are legal or factual, and the facts that most often decide them (a decisive separating
    fact: changing it alone moves a reading to another reading's answer).

    Raises:
        TypeError: ``comparisons`` is not a list of :class:`Comparison`.
    """
    checks.comparisons(comparisons, Comparison)
    answers: dict[str, dict[str, dict[str, int]]] = {}
    for c in comparisons:
        for rid, a in c.answers.items():
            per = answers.setdefault(rid, {q: {} for q in QUESTIONS})
            for q in QUESTIONS:
                value = getattr(a, q)
                per[q][value] = per[q].get(value, 0) + 1
    questions: dict[str, QuestionSummary] = {}
    for q in QUESTIONS:
        cruxes = [c.crux[q] for c in comparisons if q in c.crux]
        counts = Counter(s.fact for x in cruxes for s in x.separating if s.decisive)
        questions[q] = QuestionSummary(
            cases=len(comparisons), split=len(cruxes),
            legal=sum(1 for x in cruxes if x.kind == "legal"),
            factual=sum(1 for x in cruxes if x.kind == "factual"),
            deciding_facts=[FactCount(fact=f, cases=n) for f, n in counts.most_common()])
    return Summary(answers=answers, questions=questions)


def compare_batch(batch: CaseBatch, readings: ReadingSet, *, only: Sequence[str] = (),
                  account: str = "own", engine: EngineChoice = "durable",
                  budget: int = DEFAULT_BUDGET, summary: bool = False,
                  full_tables: bool = False) -> CompareReport:
    """Compare every valid case of ``batch``; every invalid one (or one whose evaluation fails)
    is reported in ``errors``, none silently dropped.

    Raises:
        UsageError, TypeError: a wrong argument, before any comparison, as :func:`compare_case`
            says; ``batch`` not a :class:`CaseBatch` and ``summary`` not a bool (``TypeError``).
    """
    checks.batch(batch, summary)
    checks.comparison(None, readings, only, engine, account, "", budget, full_tables)
    selected = readings.select(only or None)
    problems: list[Problem] = list(batch.errors)
    comparisons: list[Comparison] = []
    for loaded in batch.cases:
        try:
            comparisons.append(compare_case(loaded.record, readings, only=only or None,
                                            account=account, engine=engine,
                                            source=loaded.source, budget=budget,
                                            full_tables=full_tables))
        except EngineError as exc:
            problems += loaded.failed(exc)
    return CompareReport(
        engine=engine_to_use(engine), account=account,
        readings=[ReadingInfo(id=r.id, title=r.title, held_by=r.held_by) for r in selected],
        comparisons=comparisons, summary=summarise(comparisons) if summary else None,
        errors=[ErrorInfo.of(p) for p in problems])
