"""The views the HTML report and the page show for a case: its outcomes, its comparison and
its timeline, each computed by the layers below (shared by ``--format html`` and the page)."""

from __future__ import annotations

from collections.abc import Sequence

from engine.analysis.compare import compare_case
from engine.analysis.counterfactual import DEFAULT_BUDGET
from engine.analysis.timeline import case_timeline
from engine.cases.record import CaseRecord
from engine.present.html import CaseView
from engine.readings.load import ReadingSet
from engine.run.evaluate import EngineChoice, evaluate_case


def case_view(record: CaseRecord, source: str, rs: ReadingSet, *, only: Sequence[str] = (),
              engine: EngineChoice = "durable", account: str = "own", compare: bool = True,
              budget: int = DEFAULT_BUDGET) -> CaseView:
    """Everything one case shows in HTML. Raises what evaluation raises (an ``EngineError``
    for a case the readings cannot evaluate)."""
    result = evaluate_case(record, rs, only=only or None, engine=engine, source=source,
                           account=account)
    comparison = (compare_case(record, rs, only=only or None, engine=engine, account=account,
                               budget=budget, source=source) if compare else None)
    timeline = case_timeline(record, rs, only=only, account=account, engine=engine)
    return CaseView(result=result, comparison=comparison, timeline=timeline)
