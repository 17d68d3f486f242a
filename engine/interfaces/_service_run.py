"""What the HTTP service does with a request, free of the web framework: the body read as a
case file, the cases validated, evaluated or compared, and the same JSON documents as the
command line, or a :class:`ServiceError` that says which HTTP status and why.

The work runs on a small pool of threads, at most a few requests' worth at a time and each
under a time limit: durable_rules' C code holds Python's lock, so more threads would not go
faster, and a request beyond the limits is refused at once rather than queued without end.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

from engine.analysis.counterfactual import DEFAULT_BUDGET as DEFAULT_BUDGET
from engine.base.errors import EngineError, InputError, Problem, SourceSpan, quote
from engine.base.sourcefile import decode
from engine.base.yamlio import Document, load_documents
from engine.cases.claims import UNCONTESTED, check_party
from engine.cases.load import LoadedCase, iter_documents
from engine.interfaces._batch import compare_report, evaluated
from engine.present import compare as render_compare
from engine.present import documents
from engine.present.stream import ReportWriter
from engine.readings.load import ReadingSet
from engine.run.evaluate import OWN, EngineChoice, engine_to_use, evaluate_case
from engine.run.report import ReadingInfo
from engine.testing.expectations import unknown_expectations

#: The name the request body goes by in ``source`` and in the errors' locations.
SOURCE = "<request>"
JSON_TYPES = ("application/json",)
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")


@dataclass(frozen=True)
class Limits:
    """What one request may ask for; beyond it, a problem with status 413, 422 or 503."""

    max_body_bytes: int = 1024 * 1024
    max_cases: int = 100
    max_budget: int = 100_000
    #: Seconds a request's work may take before it is answered with 503.
    time_limit: float = 30.0
    #: Threads the work runs on, and requests whose work may be pending at once (beyond: 503).
    threads: int = 2
    max_pending: int = 8


class ServiceError(Exception):
    """A request that cannot be answered with a document: its status, a short title (the
    same for every occurrence of the kind), what went wrong, and the input's problems."""

    def __init__(self, status: int, kind: str, title: str, detail: str,
                 problems: Sequence[Problem] = (), headers: dict[str, str] | None = None
                 ) -> None:
        super().__init__(detail)
        self.status, self.kind, self.title, self.detail = status, kind, title, detail
        self.problems = tuple(problems)
        self.headers = headers or {}


def invalid(problems: Sequence[Problem], what: str = "the input") -> ServiceError:
    """The 422 of an input that parses but is not valid."""
    return ServiceError(422, "invalid-input", "Invalid input",
                        f"{what} has {len(problems)} problem(s); see 'errors'", problems)


@dataclass(frozen=True)
class Query:
    """The query parameters every case endpoint takes, checked."""

    readings: tuple[str, ...] = ()
    account: str = OWN
    engine: EngineChoice = "durable"

    def check(self, rs: ReadingSet) -> list[ReadingInfo]:
        """The readings asked for, or a 422 naming what does not exist."""
        problems: list[Problem] = []
        if self.account not in (OWN, UNCONTESTED):
            try:
                check_party(self.account)
            except ValueError as exc:
                problems.append(Problem(f"query parameter 'account': expected own, uncontested,"
                                        f" or a party's id: {exc}"))
        try:
            selected = rs.select(self.readings)
        except EngineError as exc:
            problems += [Problem(f"query parameter 'reading': {p.message}")
                         for p in exc.problems]
            selected = []
        if problems:
            raise invalid(problems, "the query")
        return [ReadingInfo(id=r.id, title=r.title, held_by=r.held_by) for r in selected]


def media_type(content_type: str | None) -> Literal["json", "yaml"]:
    """The kind of body a Content-Type names, or a 415."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind in JSON_TYPES or (kind.startswith("application/") and kind.endswith("+json")):
        return "json"
    if kind in YAML_TYPES:
        return "yaml"
    accepted = ", ".join(JSON_TYPES + YAML_TYPES)
    raise ServiceError(415, "unsupported-media-type", "Unsupported media type",
                       f"the body must be a case or a list of cases as JSON or a case file as "
                       f"YAML (Content-Type one of {accepted}); found "
                       f"{quote(kind) if kind else 'no Content-Type'}",
                       headers={"Accept-Post": ", ".join(JSON_TYPES + YAML_TYPES)})


def too_large(limits: Limits) -> ServiceError:
    """The 413 of a body over the size cap."""
    return ServiceError(413, "body-too-large", "Request body too large",
                        f"the body is over {limits.max_body_bytes} bytes")


def parse_body(body: bytes, limits: Limits) -> list[Document]:
    """The body's documents (JSON is read by the same loader as YAML, as the CLI reads a
    ``.json`` file), or a 400 for a text that does not parse, a 413 past the caps."""
    if len(body) > limits.max_body_bytes:
        raise too_large(limits)
    try:
        docs = load_documents(decode(body, SOURCE), SOURCE)
    except InputError as exc:
        raise ServiceError(400, "unparseable-body", "Body does not parse",
                           "the body is not a readable case file", exc.problems) from None
    count = sum(len(d.data) if isinstance(d.data, list) else 1 for d in docs)
    if count > limits.max_cases:
        raise ServiceError(413, "too-many-cases", "Too many cases",
                           f"the body holds {count} cases; at most {limits.max_cases} a request")
    return docs


def load(docs: list[Document], rs: ReadingSet) -> list[LoadedCase]:
    """The valid cases of the documents, or a 422 with every problem of every case (an
    ``expect`` block naming an unknown reading included, as ``validate`` reports it)."""
    cases: list[LoadedCase] = []
    problems: list[Problem] = []
    for item in iter_documents(docs, SOURCE, default_zone=rs.common.default_offset):
        if isinstance(item, Problem):
            problems.append(item)
        else:
            cases.append(item)
            problems += unknown_expectations(item, rs.readings)
    if not cases and not problems:
        problems.append(Problem("no case in the body: expected a case or a list of cases"))
    if problems:
        raise invalid(problems)
    return cases


def evaluate_doc(cases: list[LoadedCase], rs: ReadingSet, q: Query) -> str:
    """The ``evaluate --format json`` report of the cases."""
    out: list[str] = []
    writer = ReportWriter("json", engine_to_use(q.engine), q.check(rs), out.append)
    problems: list[Problem] = []
    for _, result in evaluated(cases, rs, q.readings, q.engine, q.account, 1, problems):
        writer.result(result)
    if problems:
        raise invalid(problems, "the evaluation")
    writer.finish([])
    return "".join(out)


def compare_doc(cases: list[LoadedCase], rs: ReadingSet, q: Query, *, budget: int,
                full_tables: bool, summary: bool) -> str:
    """The ``compare --format json`` report of the cases."""
    q.check(rs)
    report, _ = compare_report(cases, rs, q.readings, q.engine, q.account, budget=budget,
                               jobs=1, full_tables=full_tables, summary=summary)
    if report.errors:
        raise invalid([Problem(e.message, SourceSpan(e.source, e.line, e.column)
                               if e.source else None) for e in report.errors], "the comparison")
    return render_compare.json_report(report)


def explain_doc(cases: list[LoadedCase], rs: ReadingSet, q: Query, case_id: str | None) -> str:
    """The ``explain --format json`` document of the one case asked for."""
    q.check(rs)
    chosen = [c for c in cases if case_id is None or c.record.id == case_id]
    ids = ", ".join(c.record.id for c in cases)
    if not chosen:
        raise invalid([Problem(f"query parameter 'case': no case {quote(case_id)} in the body "
                               f"(cases: {ids})")], "the query")
    if len(chosen) > 1:
        raise invalid([Problem(f"the body holds {len(chosen)} cases ({ids}): name the one to "
                               "explain with the query parameter 'case'")], "the query")
    loaded = chosen[0]
    try:
        result = evaluate_case(loaded.record, rs, only=q.readings or None, engine=q.engine,
                               source=loaded.source, account=q.account)
    except EngineError as exc:
        raise invalid(loaded.failed(exc), "the evaluation") from None
    return documents.explain_json(result)


def validate_doc(cases: list[LoadedCase]) -> str:
    """What ``validate`` found in a valid body: the ids of its cases."""
    return json.dumps({"valid": True, "cases": [c.record.id for c in cases]}, indent=2) + "\n"


class Runner:
    """Runs each request's work on a thread of a small pool, under the time limit; refuses
    work beyond ``max_pending`` at once (503). Work that overran its limit still holds its
    place until it ends, so hostile requests cannot pile up threads."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._pool: ThreadPoolExecutor | None = None
        self._slots = threading.BoundedSemaphore(limits.max_pending)

    async def run(self, work: Callable[[], str]) -> str:
        """The text ``work`` returns, or a 503 when busy or over the time limit."""
        if not self._slots.acquire(blocking=False):
            raise ServiceError(503, "busy", "Service busy",
                               f"{self.limits.max_pending} requests are being worked on; "
                               "try again shortly", headers={"Retry-After": "1"})
        try:
            if self._pool is None:  # made on first use, so an app can start again after close
                self._pool = ThreadPoolExecutor(self.limits.threads,
                                                thread_name_prefix="legal-status")
            future: Future[str] = self._pool.submit(work)
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda _: self._slots.release())
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.limits.time_limit)
        except TimeoutError:
            raise ServiceError(503, "time-limit", "Time limit exceeded",
                               f"the request took over {self.limits.time_limit:g} s; send fewer"
                               " cases or, for compare, a smaller budget",
                               headers={"Retry-After": "1"}) from None

    def close(self) -> None:
        """Let the threads go once the work in hand is done."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
