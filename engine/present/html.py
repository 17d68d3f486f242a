"""HTML renderers: the self-contained report of ``evaluate``/``compare --format html`` and the
page of ``legal-status serve``, from the same templates (``engine/present/templates``).

Pure functions from typed results to a string. Autoescaping is on for every template, so text
from a case file (its title, claims, sources) is shown as text, never run; the timeline's SVG is
escaped where it is drawn (:mod:`._timeline`). The output needs no network and no script to
read (one small script opens the explanation an answer links to).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jinja2
from markupsafe import Markup

from engine.analysis.comparison import Comparison
from engine.analysis.timeline import Timeline
from engine.base.frozen import FrozenDict
from engine.base.vocabulary import QUESTIONS
from engine.present import form as _form
from engine.present._timeline import timeline_svg
from engine.run.outcome import CaseResult, Outcome, TraceStep
from engine.run.report import ErrorInfo, ReadingInfo

_QUESTION_NAMES = {"status": "status", "point8": "point 8", "release": "release"}


@dataclass(frozen=True)
class CaseView:
    """What one case shows: the readings' outcomes, and, where computed, the comparison and
    the timeline."""

    result: CaseResult
    comparison: Comparison | None = None
    timeline: Timeline | None = None


@dataclass(frozen=True)
class Cell:
    """One answer of the matrix: the answer, its group letter, whether every reading agrees."""

    question: str
    answer: str
    letter: str
    agree: bool


@dataclass(frozen=True)
class Row:
    """One reading's row of the matrix."""

    reading: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class FormValues:
    """The values a submitted form held, to show it again as it was sent."""

    values: Mapping[str, tuple[str, ...]] = field(default_factory=FrozenDict)

    def get(self, name: str, default: str | None = None) -> str | None:
        """The last value given for ``name``."""
        got = self.values.get(name)
        return got[-1] if got else default

    def getlist(self, name: str) -> tuple[str, ...]:
        """Every value given for ``name`` (the checked charges)."""
        return self.values.get(name, ())


def _answer(outcome: Outcome, question: str) -> str:
    return str(getattr(outcome, question))


def agrees(view: CaseView, question: str) -> bool:
    """Whether every reading gives the same answer to ``question``."""
    return len({_answer(o, question) for o in view.result.readings.values()}) <= 1


def matrix(view: CaseView) -> list[Row]:
    """The readings x questions matrix, with a letter per distinct answer of a split question
    (in the order the readings give them), so the grouping does not rest on colour."""
    letters: dict[str, dict[str, str]] = {}
    for q in QUESTIONS:
        answers = [_answer(o, q) for o in view.result.readings.values()]
        letters[q] = {a: chr(ord("A") + i) for i, a in enumerate(dict.fromkeys(answers))}
    return [Row(rid, tuple(Cell(q, _answer(o, q), letters[q][_answer(o, q)],
                                len(letters[q]) == 1) for q in QUESTIONS))
            for rid, o in view.result.readings.items()]


def _step(outcome: Outcome, rule: str) -> TraceStep | None:
    return next((s for s in outcome.trace if s.rule == rule), None)


def _overridden(outcome: Outcome) -> list[TraceStep | Any]:
    out: list[TraceStep | Any] = []
    for rule in outcome.overridden:
        step = _step(outcome, rule)
        out.append(step if step is not None else
                   {"rule": rule, "says": "(not in the trace shown)", "defeated_by": ()})
    return out


def _located(e: ErrorInfo) -> str:
    where = ":".join(str(p) for p in (e.source, e.line, e.column) if p is not None)
    return f"{where}: {e.message}" if where else e.message


def _words(text: object) -> str:
    return str(text).replace("_", " ")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("engine.present", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(
        words=_words, qname=lambda q: _QUESTION_NAMES.get(str(q), str(q)), matrix=matrix,
        agrees=agrees, step=_step, overridden=_overridden, located=_located)
    env.globals["questions"] = QUESTIONS
    return env


_ENV = _environment()


def _svg(readings: Sequence[str]) -> Any:
    def render(timeline: Timeline) -> Markup:
        # Escaped where drawn (every text through html.escape), so marked safe here.
        return Markup(timeline_svg(timeline, readings))
    return render


def _context(views: Sequence[CaseView], readings: Sequence[ReadingInfo],
             errors: Sequence[ErrorInfo], engine: str, account: str) -> dict[str, Any]:
    return {"timeline_svg": _svg([r.id for r in readings]), "views": list(views),
            "readings": {r.id: r for r in readings}, "errors": list(errors),
            "engine": engine, "account": account}


def report_html(views: Sequence[CaseView], readings: Sequence[ReadingInfo],
                errors: Sequence[ErrorInfo], *, engine: str, account: str = "own",
                command: str = "evaluate") -> str:
    """One self-contained HTML document: per case the matrix, the explanations, the timeline
    and, for ``compare``, the crux, counterfactuals and "it depends" tables."""
    heading = ("Why the readings disagree" if command == "compare"
               else "How each reading classifies the cases")
    return _ENV.get_template("report.html.j2").render(
        heading=heading, command=command,
        **_context(views, readings, errors, engine, account))


def page_html(views: Sequence[CaseView], readings: Sequence[ReadingInfo],
              errors: Sequence[ErrorInfo], *, engine: str, account: str = "own",
              form: FormValues | None = None, pasted: str = "", made: str = "",
              base: str = "/") -> str:
    """The page of ``legal-status serve``: the case form and the paste/upload form, and, after
    a submission, its result (the same views as the report) or its located errors. ``made`` is
    the case file the form produced, shown so the user can keep it; ``base`` prefixes the
    forms' actions."""
    return _ENV.get_template("page.html.j2").render(
        form=form or FormValues(), pasted=pasted, made=made, base=base,
        form_fields=_form.FIELDS, claimable=_form.CLAIMABLE, claim_rows=_form.CLAIM_ROWS,
        claim_hint=_form.CLAIM_HINT, **_context(views, readings, errors, engine, account))
