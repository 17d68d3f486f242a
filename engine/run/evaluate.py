"""Evaluate cases under readings, on durable_rules or on the reference evaluator."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Literal

from engine.base.frozen import FrozenDict
from engine.cases.catalogue import DERIVED_FROM, FACTS
from engine.cases.claims import CASE, DISPUTED, DISPUTED_IMMATERIAL, UNCONTESTED
from engine.cases.facts import Facts, case_facts
from engine.cases.record import CaseRecord
from engine.readings.load import ReadingSet
from engine.readings.model import Reading
from engine.run import _durable, disputes
from engine.run.outcome import CaseResult, EngineName, Outcome
from engine.run.reference import fire_reference
from engine.run.resolve import decide_and_flag, resolve
from engine.run.summary import summarise

EngineChoice = Literal["durable", "reference"]
#: ``own``: each reading's declared account; ``uncontested``; or a party's or body's id.
OWN = "own"


def engine_to_use(requested: EngineChoice = "durable") -> EngineName:
    """The engine that will run: durable_rules unless unavailable or the reference is asked for."""
    if requested == "durable" and _durable.available():
        return "durable"
    return "reference"


def durable_unavailable_reason() -> str | None:
    """Why durable_rules cannot run here (None when it can)."""
    return _durable.import_error()


def reading_engine(readings: ReadingSet, reading_id: str,
                   engine: EngineName) -> tuple[EngineName, str | None]:
    """The engine that runs ``reading_id`` when ``engine`` is asked for, and why it differs.

    A reading over one of durable_rules' fixed table limits (counted at load, see
    ``DurableProgram.over_limit``) runs on the reference evaluator, which has the same
    semantics; the second value is then the note naming the limit, else None.
    """
    if engine == "durable":
        note = readings.programs[reading_id].over_limit
        if note is not None:
            return "reference", note
    return engine, None


def fallback_warnings(readings: ReadingSet, only: Sequence[str] | None,
                      engine: EngineChoice) -> list[str]:
    """One line per selected reading that runs on the reference evaluator although durable_rules
    was asked for and is available, because it is over one of durable_rules' limits."""
    if engine_to_use(engine) != "durable":
        return []
    # A warning, not an error: the reading is valid and the reference evaluator has the same
    # semantics; each of its outcomes carries the same note.
    notes = {r.id: reading_engine(readings, r.id, "durable")[1] for r in readings.select(only)}
    return [f"reading '{rid}' ran on the reference evaluator: {note}"
            for rid, note in notes.items() if note]


def fire(readings: ReadingSet, reading: Reading, facts: Facts, engine: EngineName) -> list[str]:
    """The rules of ``reading`` that fire on ``facts``, in order, on the given engine (the
    reference evaluator for a reading over durable_rules' limits: see :func:`reading_engine`)."""
    if reading_engine(readings, reading.id, engine)[0] == "durable":
        return _durable.fire_durable(readings.programs[reading.id], facts, readings)
    return fire_reference(reading, facts)


def reading_records(case: CaseRecord, readings: ReadingSet, account: str = OWN,
                    only: Sequence[str] | None = None,
                    ) -> Mapping[str, tuple[CaseRecord, Mapping[str, str], str]]:
    """The case as each selected reading sees it, under ``account``.

    Args:
        case: a validated case record, claims and all.
        readings: the compiled readings.
        account: ``own`` (each reading's declared account: its holder's or the uncontested
            one), ``uncontested``, or the id of a party or body (``AM``, ``ICRC``).
        only: reading ids to restrict to.

    Returns:
        Reading id -> (the record on that account, keeping the claims the account leaves
        disputed; who supplied each claimable fact as
        :meth:`~engine.cases.record.CaseRecord.on_account` says; the account's label: the
        party's id or ``uncontested``).

    Raises:
        UsageError: an unknown reading id.
    """
    resolved: dict[str | None, tuple[CaseRecord, Mapping[str, str]]] = {}
    out: dict[str, tuple[CaseRecord, Mapping[str, str], str]] = {}
    for reading in readings.select(only):
        party = reading.account if account == OWN else None if account == UNCONTESTED else account
        if party not in resolved:
            told, by = case.on_account(party, keep_disputed=True)
            resolved[party] = told, FrozenDict(by)
        record, supplied = resolved[party]
        out[reading.id] = (record, supplied, party or UNCONTESTED)
    return FrozenDict(out)


def supplier(outcome: Outcome, field: str, supplied: Mapping[str, str]) -> str:
    """Who supplied the case ``field`` to ``outcome``, from its account's suppliers: a disputed
    field on whose claims no answer depended is ``disputed_immaterial``."""
    who = supplied.get(field, CASE)
    if who == DISPUTED and field not in disputes.material(outcome):
        return DISPUTED_IMMATERIAL
    return who


def supplied_facts(reading: Reading, supplied: Mapping[str, str],
                   outcome: Outcome | None = None) -> dict[str, str]:
    """Who supplied each fact that ``reading``'s rules test, from an account's suppliers (and,
    given the outcome, whether a disputed fact decided an answer)."""
    tested = disputes.read_paths(reading)
    out = {}
    for path in FACTS:
        if path in tested:
            field = DERIVED_FROM.get(path, (path,))[0]  # a derived fact: its case field
            out[path] = (supplied.get(field, CASE) if outcome is None
                         else supplier(outcome, field, supplied))
    return out


def evaluate_reading(readings: ReadingSet, reading: Reading, record: CaseRecord, facts: Facts,
                     engine: EngineName) -> Outcome:
    """The outcome of ``reading`` on ``record`` (whose ``facts`` are given), each disputed
    fact taken as the set of its claimed values (see :mod:`engine.run.disputes`)."""
    disputed = disputes.disputed(reading, record, readings.common.default_offset)
    if not disputed:
        return resolve(reading, facts, fire(readings, reading, facts, engine), engine)
    results: dict[tuple[int, ...], disputes.Result] = {}
    first: Outcome | None = None
    for kinds in itertools.islice(disputes.class_combinations(disputed),
                                  disputes.MAX_EVALUATED):
        combined = disputes.combination_facts(facts, disputed, kinds)
        fired = fire(readings, reading, combined, engine)
        if first is None:  # the first combination's trace is the outcome's
            first = resolve(reading, combined, fired, engine)
            results[kinds] = disputes.Result(first.decisions, first.flags,
                                             [s.rule for s in first.trace])
        else:
            decisions, flags = decide_and_flag(reading, combined, fired)
            results[kinds] = disputes.Result({str(q): d for q, d in decisions.items()}, flags,
                                             [reading.rule(r).qid for r in fired])
    assert first is not None  # the product of non-empty ranges has a first element
    return disputes.combine(disputed, first, results)


def evaluate_case(case: CaseRecord, readings: ReadingSet, *, only: Sequence[str] | None = None,
                  engine: EngineChoice = "durable", source: str = "<dict>",
                  account: str = OWN) -> CaseResult:
    """Evaluate one case under the selected readings (all by default).

    Args:
        case: a validated case record.
        readings: the compiled readings (see :func:`engine.load_readings`).
        only: reading ids to restrict to.
        engine: ``durable`` (default; falls back to ``reference`` where durable_rules cannot be
            imported, and for a reading over one of its table limits, with ``engine_note``
            saying why; every outcome records which engine ran) or ``reference``.
        source: where the case came from, for the result.
        account: whose account of disputed facts each reading is evaluated on: ``own`` (its
            declared default), ``uncontested``, or a party's or body's id (see
            :func:`reading_records`). Each outcome records the account and who supplied the
            facts its rules test.

    Raises:
        UsageError: an unknown reading id.
        EvaluationError: a conflict between undefeated rules, or a rule loop.
        BackendError: durable_rules failed.
    """
    return evaluate_records(case, reading_records(case, readings, account, only), readings,
                            engine=engine, source=source)


def evaluate_records(case: CaseRecord, records: Mapping[str, tuple[CaseRecord, Mapping[str, str],
                                                                   str]],
                     readings: ReadingSet, *, engine: EngineChoice = "durable",
                     source: str = "<dict>") -> CaseResult:
    """Evaluate each reading of ``records`` (as :func:`reading_records` returns them) on its
    record; ``case`` names the result. For callers that also need the records themselves."""
    used = engine_to_use(engine)
    # Where durable_rules cannot be imported (Python 3.13+, where it is not installed), every
    # outcome says why the reference evaluator ran, not only the run's top-level engine.
    missing = (f"durable_rules could not be imported ({durable_unavailable_reason()}); the "
               "reference evaluator ran instead"
               if engine == "durable" and used == "reference" else None)
    outcomes: dict[str, Outcome] = {}
    # By record: accounts that change nothing (a case without claims) share one record, whose
    # facts are then computed once; the records stay alive in ``records``, so ids are theirs.
    by_record: dict[int, Facts] = {}
    for rid, (record, supplied, label) in records.items():
        reading = readings.readings[rid]
        if id(record) not in by_record:
            by_record[id(record)] = case_facts(record, readings.common.default_offset)
        facts = by_record[id(record)]
        ran, note = reading_engine(readings, rid, used)
        note = note or missing
        outcome = evaluate_reading(readings, reading, record, facts, ran)
        outcomes[reading.id] = outcome.model_copy(update={
            # model_copy does not validate: the mapping is frozen here, as validation would.
            "account": label,
            "supplied_by": FrozenDict(supplied_facts(reading, supplied, outcome)),
            "engine_note": note,
            "summary": summarise(outcome, reading, facts)})
    return CaseResult(case_id=case.id, title=case.title, source=source, readings=outcomes)
