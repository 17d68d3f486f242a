"""Evaluate cases under readings, on durable_rules or on the reference evaluator."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypeVar

from engine.base.frozen import FrozenDict
from engine.base.vocabulary import Question
from engine.cases.catalogue import DERIVED_FROM, FACTS
from engine.cases.claims import CASE, DISPUTED, DISPUTED_IMMATERIAL, UNCONTESTED
from engine.cases.facts import Facts, case_facts
from engine.cases.record import CaseRecord
from engine.readings.load import ReadingSet
from engine.readings.model import Reading
from engine.run import _durable, _open, checks, disputes
from engine.run.outcome import CaseResult, EngineName, Outcome
from engine.run.reference import fire_reference
from engine.run.resolve import answers_of, decide_and_flag, resolve
from engine.run.summary import summarise

EngineChoice = Literal["durable", "reference"]
#: ``own``: each reading's declared account; ``uncontested``; or a party's or body's id.
OWN = "own"


def engine_to_use(requested: EngineChoice = "durable") -> EngineName:
    """The engine that will run: durable_rules unless unavailable or the reference is asked for.

    Raises:
        UsageError: ``requested`` is neither ``durable`` nor ``reference`` (``TypeError`` if it
            is not a string).
    """
    checks.evaluation_engine(requested)
    if requested == "durable" and _durable.available():
        return "durable"
    return "reference"


def durable_unavailable_reason() -> str | None:
    """Why durable_rules cannot run here (None when it can)."""
    return _durable.import_error()


def durable_missing_note(engine: EngineChoice) -> str | None:
    """The note that the reference evaluator ran because durable_rules, asked for with
    ``engine``, cannot be imported here; None when that is not so. Each outcome, the command
    line and the pytest plugin say it in these words."""
    if engine != "durable" or engine_to_use(engine) == "durable":
        return None
    return (f"durable_rules could not be imported ({durable_unavailable_reason()}); the "
            "reference evaluator ran instead")


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


# Per reading (by identity; the reading kept so that its id is not reused while the entry lives):
# the rules the reference evaluator fires, by what the reading can tell of the facts
# (:func:`engine.run._open.signature`, of which every test's value is a function). durable_rules
# runs on every case: its firings are what an evaluation on it reports.
_FIRED: dict[int, tuple[Reading, dict[tuple[object, ...], list[str]]]] = {}
_K = TypeVar("_K")
_V = TypeVar("_V")


# Per reading (by identity; the reading kept): the answers :func:`answers` found, by the value of
# each distinct test (:func:`engine.run._open.test_values`) and, on durable_rules, the rules that
# fired (which it still fires on every case). Firing on the reference evaluator and resolving see
# the facts only through those values, so cases the search tells apart but no test does (another
# value of a set, a time elsewhere in a region) share one resolution.
_ANSWERS: dict[int, tuple[Reading, dict[object, dict[Question, str]]]] = {}


def _of_reading(store: dict[int, tuple[Reading, dict[_K, _V]]], reading: Reading,
                ) -> dict[_K, _V]:
    """``reading``'s entry of a memo kept per reading: by identity, the reading kept so that a
    reused id never matches; bounded, since a host may compile readings without end."""
    hit = store.get(id(reading))
    if hit is None or hit[0] is not reading:
        if len(store) >= 256:
            store.clear()
        hit = store[id(reading)] = reading, {}
    return hit[1]


def answers(readings: ReadingSet, reading: Reading, facts: Facts,
            engine: EngineName) -> dict[Question, str]:
    """The answers of ``reading`` on ``facts`` alone (no trace, no open facts), on ``engine``
    (as :func:`fire` chooses it): for searches that evaluate many changed cases."""
    known = _of_reading(_ANSWERS, reading)
    fired: list[str] | None = None
    if reading_engine(readings, reading.id, engine)[0] == "durable":
        fired = _durable.fire_durable(readings.programs[reading.id], facts, readings)
    key = (_open.test_values(reading, facts), None if fired is None else tuple(fired))
    found = known.get(key)
    if found is None:
        signature = _open.signature(reading, facts)
        if fired is None:
            fired = _fire_known(readings, reading, facts, engine, signature, None)
        if len(known) >= 4096:
            known.clear()
        found = known[key] = answers_of(reading, facts, fired, signature)
    return dict(found)


def _fire_known(readings: ReadingSet, reading: Reading, facts: Facts, engine: EngineName,
                signature: tuple[object, ...], encoded: str | None) -> list[str]:
    if reading_engine(readings, reading.id, engine)[0] == "durable":
        return _durable.fire_durable(readings.programs[reading.id], facts, readings, encoded)
    known = _of_reading(_FIRED, reading)
    try:
        fired = known.get(signature)
    except TypeError:  # a fact value that cannot be a key: fired every time
        return fire_reference(reading, facts)
    if fired is None:
        if len(known) >= 4096:
            known.clear()
        fired = known[signature] = fire_reference(reading, facts)
    return list(fired)


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
        UsageError: an unknown reading id (code ``unknown_reading``), or an ``account`` that is
            not ``own``, ``uncontested`` or a party's or body's id (code ``invalid_account``).
        TypeError: an argument of the wrong type (``only`` must be None or a list of ids).
    """
    checks.case(case)
    checks.evaluation(readings, only, "durable", account)
    return _records(case, readings, account, only)


def _records(case: CaseRecord, readings: ReadingSet, account: str, only: Sequence[str] | None,
             ) -> Mapping[str, tuple[CaseRecord, Mapping[str, str], str]]:
    """:func:`reading_records` on arguments already checked."""
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
    return _suppliers(reading, supplied, None if outcome is None else disputes.material(outcome))


def _suppliers(reading: Reading, supplied: Mapping[str, str],
               material: set[str] | None) -> dict[str, str]:
    """:func:`supplied_facts`, given the disputed fields an answer depends on (None: no
    outcome yet, disputed fields are said to be ``disputed``)."""
    out = {}
    for path, field in _tested_fields(reading):
        who = supplied.get(field, CASE)
        if who == DISPUTED and material is not None and field not in material:
            who = DISPUTED_IMMATERIAL
        out[path] = who
    return out


# Per reading (by identity; the reading is kept so that its id is not reused while the entry
# lives): the facts its rules test, in catalogue order, each with its case field.
_TESTED: dict[int, tuple[Reading, tuple[tuple[str, str], ...]]] = {}


def _tested_fields(reading: Reading) -> tuple[tuple[str, str], ...]:
    hit = _TESTED.get(id(reading))
    if hit is None or hit[0] is not reading:
        if len(_TESTED) >= 256:
            _TESTED.clear()
        tested = disputes.read_paths(reading)
        # A derived fact is supplied with its case field.
        hit = _TESTED[id(reading)] = reading, tuple(
            (path, DERIVED_FROM.get(path, (path,))[0]) for path in FACTS if path in tested)
    return hit[1]


def evaluate_reading(readings: ReadingSet, reading: Reading, record: CaseRecord, facts: Facts,
                     engine: EngineName, *, summarised: bool = False,
                     encoded: str | None = None) -> Outcome:
    """The outcome of ``reading`` on ``record`` (whose ``facts`` are given), each disputed
    fact taken as the set of its claimed values (see :mod:`engine.run.disputes`); with its
    ``summary`` when ``summarised``. ``encoded``: ``facts`` encoded for durable_rules
    (``_durable.encode``), where the caller shares them between readings."""
    disputed = disputes.disputed(reading, record, readings.common.default_offset)
    if not disputed:
        return _undisputed(readings, reading, facts, engine, summarised, encoded, None)
    return _disputed(readings, reading, facts, engine, summarised, disputed)


def _undisputed(readings: ReadingSet, reading: Reading, facts: Facts, engine: EngineName,
                summarised: bool, encoded: str | None, extra: Mapping[str, Any] | None,
                ) -> Outcome:
    signature = _open.signature(reading, facts)
    fired = _fire_known(readings, reading, facts, engine, signature, encoded)
    return resolve(reading, facts, fired, engine,
                   summary=(lambda o: summarise(o, reading, facts)) if summarised else None,
                   signature=signature, extra=extra)


def _disputed(readings: ReadingSet, reading: Reading, facts: Facts, engine: EngineName,
              summarised: bool, disputed: list[disputes.Disputed]) -> Outcome:
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
    outcome = disputes.combine(disputed, first, results)
    return outcome.replaced(summary=summarise(outcome, reading, facts)) if summarised else outcome


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
        UsageError: a wrong argument, before any evaluation: an unknown reading id in ``only``
            (code ``unknown_reading``), an ``engine`` other than ``durable`` or ``reference``
            (``invalid_argument``), an ``account`` that is not ``own``, ``uncontested`` or a
            party's or body's id such as ``AM`` or ``ICRC`` (``invalid_account``; ``""`` too).
        TypeError: an argument of the wrong type: ``case`` not a :class:`CaseRecord`,
            ``readings`` not a :class:`ReadingSet`, ``only`` not None or a list of strings (one
            string is refused), ``source`` or ``account`` not a string.
        CaseFileError: a time range of the case that is inverted in the rules' default zone
            although not in every zone (code ``inverted_range``): possible only for a case
            validated without that zone (``default_zone`` of :func:`engine.load_cases` and
            :func:`engine.load_case_dict`), which loading with it would have refused.
        EvaluationError: a conflict between undefeated rules, or a rule loop.
        BackendError: durable_rules failed.
    """
    checks.case(case)
    checks.source(source)
    checks.evaluation(readings, only, engine, account)
    return evaluate_records(case, _records(case, readings, account, only), readings,
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
    missing = durable_missing_note(engine)
    outcomes: dict[str, Outcome] = {}
    # By record: accounts that change nothing (a case without claims) share one record, whose
    # facts are then computed once; the records stay alive in ``records``, so ids are theirs.
    by_record: dict[int, tuple[Facts, str | None]] = {}
    for rid, (record, supplied, label) in records.items():
        reading = readings.readings[rid]
        ran, note = reading_engine(readings, rid, used)
        note = note or missing
        if id(record) not in by_record:
            computed = case_facts(record, readings.common.default_offset)
            # Encoded for durable_rules once for every reading that sees these facts.
            by_record[id(record)] = computed, (_durable.encode(computed) if ran == "durable"
                                               else None)
        facts, encoded = by_record[id(record)]
        if encoded is None and ran == "durable":
            encoded = _durable.encode(facts)
            by_record[id(record)] = facts, encoded
        disputed = disputes.disputed(reading, record, readings.common.default_offset)
        if not disputed:
            # No combination of claims: no disputed fact is material to the answers.
            outcomes[reading.id] = _undisputed(readings, reading, facts, ran, True, encoded, {
                "account": label, "supplied_by": FrozenDict(_suppliers(reading, supplied, set())),
                "engine_note": note})
            continue
        outcome = _disputed(readings, reading, facts, ran, True, disputed)
        outcomes[reading.id] = outcome.replaced(
            account=label, supplied_by=FrozenDict(supplied_facts(reading, supplied, outcome)),
            engine_note=note)
    return CaseResult(case_id=case.id, title=case.title, source=source, readings=outcomes)
