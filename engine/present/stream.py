"""The ``evaluate`` report written case by case: the same bytes as the whole-report renderers.

Each format is cut into its opening, one piece per result, and its closing (the errors, the
count), so that a caseload of any size is written as it is evaluated. Table column widths are
per case (each case is its own block, fitted to the width it is given), so nothing needs the
whole batch. JSON is still produced
by the models: each result's own ``model_dump_json``, indented into the document.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from engine.base.relay import Held
from engine.present.console import PLAIN, Term
from engine.run.outcome import CaseResult
from engine.run.report import ErrorInfo, ReadingInfo, Report

Format = Literal["table", "json", "jsonl", "markdown"]


def _indented(json_text: str, last: str) -> str:
    return "\n".join(("    " + ln) for ln in json_text.split("\n")) if last else json_text


def _dump(result: CaseResult, indent: int | None) -> bytes:
    # The serializer's own bytes: model_dump_json gives them decoded, to be encoded again.
    return CaseResult.__pydantic_serializer__.to_json(result, indent=indent)


def jsonl_piece(result: CaseResult) -> bytes:
    """One result's line of the jsonl report (UTF-8, with its newline)."""
    return _dump(result, None) + b"\n"


def json_piece(result: CaseResult) -> bytes:
    """One result as the json report lists it (UTF-8, indented into the report's list)."""
    return b"\n".join(b"    " + ln for ln in _dump(result, 2).split(b"\n"))


class ReportWriter:
    """Writes an ``evaluate`` report piece by piece, in any of its formats.

    ``write`` receives each piece as soon as it is ready; the concatenation is byte for byte
    what the whole-report renderer gives for the same report.
    """

    def __init__(self, fmt: Format, engine: str, readings: Sequence[ReadingInfo],
                 write: Callable[[str], None], term: Term = PLAIN,
                 write_bytes: Callable[[bytes], None] | None = None,
                 write_held: Callable[[Held, bytes], None] | None = None) -> None:
        self.fmt, self.engine, self.write, self.term = fmt, engine, write, term
        #: Where UTF-8 pieces go (by default decoded and given to ``write``).
        self.write_bytes = write_bytes or (lambda data: write(data.decode("utf-8")))
        #: Where pieces kept by the worker that made them go, with the bytes to write before
        #: them (see :mod:`engine.base.relay`).
        self.write_held = write_held
        self.ids = [r.id for r in readings]
        self.count = 0
        if fmt == "json":
            skeleton = Report(engine=engine, readings=tuple(readings), results=(), errors=())
            head, _, self._tail = skeleton.model_dump_json(indent=2).partition('"results": []')
            self.write(head + '"results": [')
        elif fmt == "markdown":
            from engine.present import markdown

            self.write(markdown.head(readings))

    def result(self, result: CaseResult) -> None:
        """Write one case's result."""
        if self.fmt in {"json", "jsonl"}:
            self.result_piece(self.piece(result))
            return
        self.count += 1
        # The text formats' renderers are imported when used: the JSON formats (the way
        # programs and large caseloads go) start without them.
        if self.fmt == "table":
            from engine.present.render import table_case

            self.write(table_case(result, self.term))
        else:
            from engine.present import markdown

            self.write(markdown.case(result, self.ids))

    @property
    def piece(self) -> Callable[[CaseResult], bytes]:
        """What :meth:`result_piece` takes, made of a result (for json and jsonl): a
        module-level function, so that a worker process can make the piece where it evaluated
        the case (see ``engine.run.stream_inputs.evaluate_inputs``)."""
        assert self.fmt in {"json", "jsonl"}, "only the JSON formats write pieces"
        return json_piece if self.fmt == "json" else jsonl_piece

    def result_piece(self, piece: bytes | Held) -> None:
        """Write one case's result given as ``self.piece(result)``, or as the token of a
        worker that keeps those bytes: the same bytes as :meth:`result` writes (UTF-8)."""
        self.count += 1
        head = b"" if self.fmt == "jsonl" else b",\n" if self.count > 1 else b"\n"
        if isinstance(piece, bytes):
            self.write_bytes(head + piece)
            return
        assert self.write_held is not None, "a held piece needs write_held"
        self.write_held(piece, head)

    def finish(self, errors: Sequence[ErrorInfo]) -> None:
        """Write the errors and the report's end."""
        if self.fmt == "table":
            from engine.present.render import table_end

            self.write(table_end(self.count, self.engine, errors, self.term))
        elif self.fmt == "markdown":
            from engine.present import markdown

            self.write(markdown.end(self.count, self.engine, errors))
        elif self.fmt == "jsonl":
            self.write("".join('{"error": ' + e.model_dump_json() + "}\n" for e in errors))
        else:
            pieces = [_indented(e.model_dump_json(indent=2), "y") for e in errors]
            listed = ("[\n" + ",\n".join(pieces) + "\n  ]") if pieces else "[]"
            self.write(("\n  ]" if self.count else "]")
                       + self._tail.replace('"errors": []', '"errors": ' + listed, 1) + "\n")


def render_report(report: Report, fmt: Format, term: Term = PLAIN) -> str:
    """A whole report in ``fmt``, through the same pieces as the streaming writer."""
    out: list[str] = []
    writer = ReportWriter(fmt, report.engine, report.readings, out.append, term)
    for result in report.results:
        writer.result(result)
    writer.finish(report.errors)
    return "".join(out)
