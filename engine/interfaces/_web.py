"""The page of ``legal-status serve`` at ``/``: a case form and a paste/upload form, posted
back and answered with the same views as the HTML report (:mod:`engine.present.html`).

A FastAPI router, mounted by the service beside its ``/v1`` JSON API. Forms are read with the
standard library (``multipart/form-data`` through :mod:`email`, so no multipart package is
needed), turned into a case file (the form's as YAML, shown back to the user), and loaded by
the same loader as the command line: every error is the loader's, located in that text.
"""

from __future__ import annotations

import io
import threading
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from engine.base.errors import EngineError, Problem, SourceSpan
from engine.base.frozen import FrozenDict
from engine.base.sourcefile import STDIN_NAME
from engine.base.yamlio import dump_yaml
from engine.cases.load import iter_cases
from engine.interfaces._report_html import case_view
from engine.present import form as form_spec
from engine.present.html import CaseView, FormValues, page_html
from engine.readings.load import ReadingSet, load_readings
from engine.run.evaluate import engine_to_use
from engine.run.report import ErrorInfo, ReadingInfo

#: The largest form the page takes, and the most cases one submission may hold.
MAX_BODY = 1024 * 1024
MAX_CASES = 20
_ACCOUNTS = ("own", "uncontested")


def _fields(body: bytes, content_type: str) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """The form's text fields (name -> values) and uploaded files (name -> (filename: text))."""
    values: dict[str, list[str]] = {}
    files: dict[str, str] = {}
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            data = part.get_payload(decode=True)
            if not isinstance(name, str) or not isinstance(data, bytes):
                continue
            text = data.decode("utf-8", errors="replace")
            filename = part.get_filename()
            if filename is not None:
                if data:
                    files[filename] = text
            else:
                values.setdefault(name, []).append(text)
    else:
        for name, got in parse_qs(body.decode("utf-8", errors="replace"),
                                  keep_blank_values=True).items():
            values[name] = got
    return {k: tuple(v) for k, v in values.items()}, files


def _time(text: str, to: str = "") -> Any:
    if not to and " to " in text:
        text, to = (p.strip() for p in text.split(" to ", 1))
    return {"from": text, "to": to} if to else text


def _number(text: str) -> Any:
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        return text  # the loader says what is wrong with it, located


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    *blocks, name = path.split(".")
    target = data
    for block in blocks:
        target = target.setdefault(block, {})
    target[name] = value


def case_from_form(form: FormValues) -> tuple[dict[str, Any], list[str]]:
    """The case file a filled form describes (empty fields left out), and the problems no
    case file could state (a fact given both a value and claims)."""
    data: dict[str, Any] = {}
    problems: list[str] = []
    kinds = {f.path: f.kind for _, fields in form_spec.FIELDS for f in fields}
    claims: dict[str, list[dict[str, Any]]] = {}
    for i in range(form_spec.CLAIM_ROWS):
        fact = (form.get(f"claim.{i}.fact") or "").strip()
        parts = {p: (form.get(f"claim.{i}.{p}") or "").strip()
                 for p in ("value", "asserted_by", "source", "date")}
        if not fact:
            if any(parts.values()):
                problems.append(f"claim {i + 1}: choose the fact it is about")
            continue
        value: Any = parts["value"]
        if kinds.get(fact) == "time":
            value = _time(value)
        elif kinds.get(fact) == "number":
            value = _number(value)
        claim = {"value": value, "asserted_by": parts["asserted_by"], "source": parts["source"]}
        if parts["date"]:
            claim["date"] = parts["date"]
        claims.setdefault(fact, []).append(claim)
    for path, kind in kinds.items():
        if kind == "charges":
            charges = form.getlist(path)
            if charges:
                _put(data, path, list(charges))
            continue
        text = (form.get(path) or "").strip()
        to = (form.get(path + ".to") or "").strip() if kind == "time" else ""
        if not text and not to:
            continue
        if path in claims:
            problems.append(f"{path}: give either a value or claims, not both")
            continue
        _put(data, path, _time(text, to) if kind == "time" else
             _number(text) if kind == "number" else text)
    for path, given in claims.items():
        _put(data, path, given)
    if "proceedings" in data and "stage" not in data["proceedings"] and not problems:
        problems.append("proceedings: choose a stage for the charges or sentence given")
    return data, problems


class _Page:
    """The readings the page evaluates with, and a lock: durable_rules' sessions are not
    shared between threads, and FastAPI runs these handlers on a thread pool."""

    def __init__(self, rules_dir: str | Path | None) -> None:
        self.rs: ReadingSet = load_readings(rules_dir)
        self.lock = threading.Lock()
        self.readings = [ReadingInfo(id=r.id, title=r.title, held_by=r.held_by)
                         for r in self.rs.select(None)]

    def run(self, text: str, name: str, account: str) -> tuple[list[CaseView], list[ErrorInfo]]:
        """Load every case of ``text`` (called ``name`` in errors) and compute its views."""
        views: list[CaseView] = []
        problems: list[Problem] = []
        with self.lock:
            for item in iter_cases(["-"], stdin=io.StringIO(text), input_format="yaml",
                                   default_zone=self.rs.common.default_offset):
                if isinstance(item, Problem):
                    problems.append(item)
                elif len(views) >= MAX_CASES:
                    problems.append(Problem(f"the page shows at most {MAX_CASES} cases; "
                                            "use 'legal-status compare --format html' for more"))
                    break
                else:
                    try:
                        views.append(case_view(item.record, name, self.rs, account=account))
                    except EngineError as exc:
                        problems += item.failed(exc)
        errors = [ErrorInfo.of(p) for p in problems]
        return views, [e.model_copy(update={"source": name}) if e.source == STDIN_NAME else e
                       for e in errors]

    def render(self, views: list[CaseView], errors: list[ErrorInfo], account: str,
               form: FormValues | None = None, pasted: str = "", made: str = "",
               status: int = 200) -> HTMLResponse:
        """The page, with a result when there is one."""
        return HTMLResponse(page_html(views, self.readings, errors, engine=engine_to_use(),
                                      account=account, form=form, pasted=pasted, made=made),
                            status_code=status)


async def _read(request: Request) -> bytes | None:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return body


def page_router(rules_dir: str | Path | None = None) -> APIRouter:
    """The page's routes: ``GET /`` (the forms), ``POST /case`` (the case form) and
    ``POST /file`` (a pasted or uploaded case file), each answered with HTML."""
    page = _Page(rules_dir)
    router = APIRouter(include_in_schema=False)

    async def submitted(request: Request) -> tuple[FormValues, dict[str, str]] | HTMLResponse:
        body = await _read(request)
        if body is None:
            return page.render([], [ErrorInfo.of(Problem(
                f"the form is over {MAX_BODY // 1024} KiB; use the command line for large "
                "files", None, "request_too_large"))], "own", status=413)
        values, files = _fields(body, request.headers.get("content-type", ""))
        return FormValues(FrozenDict(values)), files

    @router.get("/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        return page.render([], [], "own")

    @router.post("/case", response_class=HTMLResponse)
    async def case(request: Request) -> HTMLResponse:
        got = await submitted(request)
        if isinstance(got, HTMLResponse):
            return got
        form, _ = got
        account = _account(form)
        data, problems = case_from_form(form)
        made = dump_yaml(data) if data else ""
        if problems:
            errors = [ErrorInfo.of(Problem(m, SourceSpan("form"), "invalid_form"))
                      for m in problems]
            return page.render([], errors, account, form=form, made=made, status=422)
        views, errors = await _in_thread(page, made or "{}\n", "form", account)
        return page.render(views, errors, account, form=form, made=made,
                           status=422 if errors and not views else 200)

    @router.post("/file", response_class=HTMLResponse)
    async def file(request: Request) -> HTMLResponse:
        got = await submitted(request)
        if isinstance(got, HTMLResponse):
            return got
        form, files = got
        account = _account(form)
        name, text = next(iter(files.items()), ("pasted case", form.get("text") or ""))
        if not text.strip():
            errors = [ErrorInfo.of(Problem("paste a case file or choose one to upload", None,
                                           "empty_input"))]
            return page.render([], errors, account, form=form, status=422)
        views, errors = await _in_thread(page, text, name, account)
        return page.render(views, errors, account, form=form, pasted=text,
                           status=422 if errors and not views else 200)

    return router


def _account(form: FormValues) -> str:
    account = form.get("account") or "own"
    return account if account in _ACCOUNTS else "own"


async def _in_thread(page: _Page, text: str, name: str, account: str
                     ) -> tuple[list[CaseView], list[ErrorInfo]]:
    return await run_in_threadpool(page.run, text, name, account)
