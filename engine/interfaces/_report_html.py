"""The views the HTML report and the page show for a case: its outcomes, its comparison and
its timeline, each computed by the layers below (shared by ``--format html`` and the page)."""

from __future__ import annotations

from collections.abc import Sequence

from engine.analysis.compare import compare_case
from engine.analysis.counterfactual import DEFAULT_BUDGET
from engine.analysis.timeline import case_timeline
from engine.base.errors import EngineError, Problem
from engine.cases.load import InputFormat, iter_cases
from engine.cases.record import CaseRecord
from engine.interfaces._output import write_out
from engine.present.html import CaseView, report_html
from engine.readings.load import ReadingSet
from engine.run.evaluate import EngineChoice, engine_to_use, evaluate_case
from engine.run.report import ErrorInfo, ReadingInfo


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


def html_report(command: str, paths: Sequence[str], rs: ReadingSet, only: Sequence[str],
                engine: EngineChoice, account: str, input_format: InputFormat,
                budget: int = DEFAULT_BUDGET) -> int:
    """Write the self-contained HTML report of ``evaluate`` or ``compare`` (with the crux,
    counterfactuals and "it depends") on ``paths`` to stdout; the exit code: 2 when an input
    had problems (listed, located, in the report), else 0. The cases are held: the report is
    one document, meant for a handful of cases, not a caseload."""
    views: list[CaseView] = []
    problems: list[Problem] = []
    for item in iter_cases(paths, default_zone=rs.common.default_offset,
                           input_format=input_format):
        if isinstance(item, Problem):
            problems.append(item)
            continue
        try:
            views.append(case_view(item.record, item.source, rs, only=only, engine=engine,
                                   account=account, compare=command == "compare",
                                   budget=budget))
        except EngineError as exc:
            problems += item.failed(exc)
    write_out(report_html(
        views, [ReadingInfo(id=r.id, title=r.title, held_by=r.held_by) for r in rs.select(only)],
        [ErrorInfo.of(p) for p in problems], engine=engine_to_use(engine), account=account,
        command=command), nl=False)
    return 2 if problems else 0
