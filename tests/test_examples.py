"""The example cases in cases/ are tests: every expectation, on both engines."""

from __future__ import annotations

import pytest

from engine.cases.load import LoadedCase, load_cases
from engine.readings.load import ReadingSet
from engine.run.evaluate import evaluate_case
from engine.testing.expectations import check
from tests.conftest import ROOT, needs_durable

BATCH = load_cases([ROOT / "cases"])
# durable_rules only where it is installed: a skip with the reason on 3.13+, never dropped.
ENGINES = [pytest.param("durable", marks=needs_durable), "reference"]


def test_example_cases_are_all_valid() -> None:
    assert BATCH.errors == ()
    assert len(BATCH.cases) >= 12


@pytest.mark.parametrize("loaded", BATCH.cases, ids=[c.record.id for c in BATCH.cases])
def test_every_case_expects_every_answer_of_every_reading(loaded: LoadedCase,
                                                          bundled: ReadingSet) -> None:
    assert set(loaded.record.expect) == set(bundled.readings)
    for rid, expected in loaded.record.expect.items():
        assert None not in (expected.status, expected.point8, expected.release), rid


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("loaded", BATCH.cases, ids=[c.record.id for c in BATCH.cases])
def test_expectations(loaded: LoadedCase, engine: str, bundled: ReadingSet) -> None:
    result = evaluate_case(loaded.record, bundled, engine=engine,  # type: ignore[arg-type]
                           source=loaded.source)
    mismatches = check(loaded.record, result, loaded.span)
    details = [f"{m}\n    trace: {[s.rule for s in result.readings[m.reading].trace]}"
               for m in mismatches]
    assert not mismatches, "\n".join(details)


@pytest.mark.parametrize("loaded", BATCH.cases, ids=[c.record.id for c in BATCH.cases])
def test_every_step_cites_titled_dated_sources(loaded: LoadedCase, bundled: ReadingSet) -> None:
    result = evaluate_case(loaded.record, bundled, source=loaded.source)
    for outcome in result.readings.values():
        for step in outcome.trace:
            assert step.cites, step.rule
            for cite in step.cites:
                assert cite.title and cite.pin, (step.rule, cite.source)
                source = bundled.readings[outcome.reading].sources[cite.source]
                assert cite.date or source.date_note, (step.rule, cite.source)
