"""The ``evaluate`` report written case by case: the same bytes as the whole-report renderers.

Each format is cut into its opening, one piece per result, and its closing (the errors, the
count), so that a caseload of any size is written as it is evaluated. Table column widths are
per case (each case is its own block), so nothing needs the whole batch. JSON is still produced
by the models: each result's own ``model_dump_json``, indented into the document.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from engine.base.vocabulary import QUESTIONS
from engine.present.render import error_line, split, table_case, table_end
from engine.run.outcome import CaseResult
from engine.run.report import ErrorInfo, ReadingInfo, Report

Format = Literal["table", "json", "jsonl", "markdown"]


def markdown_head(ids: Sequence[str]) -> str:
    """The Markdown table's header."""
    return ("| case | question | " + " | ".join(ids) + " | readings differ |\n"
            + "|---|---|" + "---|" * len(ids) + "---|\n")


def markdown_case(result: CaseResult, ids: Sequence[str]) -> str:
    """One case's rows of the Markdown table (one per question)."""
    out = []
    for q in QUESTIONS:
        cells = [getattr(result.readings[r], q) if r in result.readings else "" for r in ids]
        out.append(f"| {result.case_id} | {q} | " + " | ".join(cells)
                   + f" | {'yes' if split(result, q) else ''} |\n")
    return "".join(out)


def markdown_end(engine: str, errors: Sequence[ErrorInfo]) -> str:
    """The Markdown report's input errors and engine line."""
    out: list[str] = []
    if errors:
        out += ["", "**Input errors**", ""]
        out += [f"- `{error_line(e.source, e.line, e.column, e.message)}`" for e in errors]
    out += ["", f"_Engine: {engine}._"]
    return "\n".join(out) + "\n"


def _indented(json_text: str, last: str) -> str:
    return "\n".join(("    " + ln) for ln in json_text.split("\n")) if last else json_text


class ReportWriter:
    """Writes an ``evaluate`` report piece by piece, in any of its formats.

    ``write`` receives each piece as soon as it is ready; the concatenation is byte for byte
    what the whole-report renderer gives for the same report.
    """

    def __init__(self, fmt: Format, engine: str, readings: Sequence[ReadingInfo],
                 write: Callable[[str], None]) -> None:
        self.fmt, self.engine, self.write = fmt, engine, write
        self.ids = [r.id for r in readings]
        self.count = 0
        self.lines = 0  # JSON Lines written, for the newline rules of the whole renderer
        if fmt == "json":
            skeleton = Report(engine=engine, readings=tuple(readings), results=(), errors=())
            head, _, self._tail = skeleton.model_dump_json(indent=2).partition('"results": []')
            self.write(head + '"results": [')
        elif fmt == "markdown":
            self.write(markdown_head(self.ids))

    def result(self, result: CaseResult) -> None:
        """Write one case's result."""
        if self.fmt in {"json", "jsonl"}:
            self.result_json(result.model_dump_json(indent=self.json_indent))
            return
        self.count += 1
        if self.fmt == "table":
            self.write(table_case(result))
        else:
            self.write(markdown_case(result, self.ids))

    @property
    def json_indent(self) -> int | None:
        """The ``indent`` of the result JSON that :meth:`result_json` takes (json, jsonl)."""
        return 2 if self.fmt == "json" else None

    def result_json(self, text: str) -> None:
        """Write one case's result given as ``result.model_dump_json(indent=json_indent)``
        (made where the case was evaluated: see ``engine.run.stream.evaluate_stream_json``)."""
        assert self.fmt in {"json", "jsonl"}, "only the JSON formats write JSON text"
        self.count += 1
        if self.fmt == "jsonl":
            self.write(text + "\n")
        else:
            self.write(("\n" if self.count == 1 else ",\n") + _indented(text, "y"))

    def finish(self, errors: Sequence[ErrorInfo]) -> None:
        """Write the errors and the report's end."""
        if self.fmt == "table":
            self.write(table_end(self.count, self.engine, errors))
        elif self.fmt == "markdown":
            self.write(markdown_end(self.engine, errors))
        elif self.fmt == "jsonl":
            self.write("".join('{"error": ' + e.model_dump_json() + "}\n" for e in errors))
        else:
            pieces = [_indented(e.model_dump_json(indent=2), "y") for e in errors]
            listed = ("[\n" + ",\n".join(pieces) + "\n  ]") if pieces else "[]"
            self.write(("\n  ]" if self.count else "]")
                       + self._tail.replace('"errors": []', '"errors": ' + listed, 1) + "\n")


def render_report(report: Report, fmt: Format) -> str:
    """A whole report in ``fmt``, through the same pieces as the streaming writer."""
    out: list[str] = []
    writer = ReportWriter(fmt, report.engine, report.readings, out.append)
    for result in report.results:
        writer.result(result)
    writer.finish(report.errors)
    return "".join(out)
