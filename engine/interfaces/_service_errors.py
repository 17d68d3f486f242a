"""The HTTP service's errors as RFC 9457 problem details (``application/problem+json``).

Every error response goes through :func:`problem_response`, and every :class:`Problem` of the
engine through :func:`problem_entry`, the one place where a problem becomes JSON. Nothing
else reaches a client: an unexpected exception is logged with an id and answered with a 500
that carries the same id, never with a traceback.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from engine.base.errors import EngineError, Problem
from engine.interfaces._service_run import ServiceError

PROBLEM_JSON = "application/problem+json"
#: The ``type`` of each problem is this URI with the kind appended; it names, it is not fetched.
TYPE_BASE = "urn:legal-status:problem:"
log = logging.getLogger("legal_status.serve")


class ProblemEntry(BaseModel):
    """One problem of the input: what is wrong and where (``line``/``column`` in the body)."""

    message: str
    code: str = "invalid_input"
    loc: list[str | int] = []
    source: str | None = None
    line: int | None = None
    column: int | None = None


class ProblemDocument(BaseModel):
    """An RFC 9457 problem details document."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[ProblemEntry] = []
    id: str | None = None


def problem_entry(problem: Problem) -> dict[str, Any]:
    """One engine :class:`Problem` as an entry of the ``errors`` member."""
    span = problem.span
    return {"message": problem.message, "code": problem.code, "loc": list(problem.loc),
            "source": span.source if span else None,
            "line": span.line if span else None, "column": span.column if span else None}


def problem_response(request: Request, status: int, kind: str, title: str, detail: str,
                     problems: Sequence[Problem] = (), *, headers: dict[str, str] | None = None,
                     error_id: str | None = None) -> Response:
    """The problem details response for one error."""
    body: dict[str, Any] = {"type": TYPE_BASE + kind, "title": title, "status": status,
                            "detail": detail, "instance": request.url.path,
                            "errors": [problem_entry(p) for p in problems]}
    if error_id is not None:
        body["id"] = error_id
    return Response(json.dumps(body, indent=2, ensure_ascii=False) + "\n", status,
                    headers=headers, media_type=PROBLEM_JSON)


def internal_error(request: Request, exc: BaseException) -> Response:
    """A 500 for a bug: logged with its traceback under an id the client also gets."""
    error_id = uuid.uuid4().hex
    log.error("internal error %s on %s %s", error_id, request.method, request.url.path,
              exc_info=exc)
    return problem_response(request, 500, "internal-error", "Internal error",
                            f"an internal error (a bug in legal-status): please report it with "
                            f"the id {error_id} and the request", error_id=error_id)


def _query_problem(error: Any) -> Problem:
    """A FastAPI validation error of a query parameter as an engine problem."""
    where = [str(part) for part in error.get("loc", ()) if part != "query"]
    name = ".".join(where) or "request"
    return Problem(f"query parameter '{name}': {error.get('msg', 'invalid')}")


def install(app: FastAPI) -> None:
    """Answer every error of ``app`` with problem details."""

    @app.exception_handler(ServiceError)
    async def _service(request: Request, exc: ServiceError) -> Response:
        return problem_response(request, exc.status, exc.kind, exc.title, exc.detail,
                                exc.problems, headers=exc.headers)

    @app.exception_handler(EngineError)
    async def _engine(request: Request, exc: EngineError) -> Response:
        return problem_response(request, 422, "invalid-input", "Invalid input",
                                f"the input has {len(exc.problems)} problem(s); see 'errors'",
                                exc.problems)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        problems = [_query_problem(e) for e in exc.errors()]
        return problem_response(request, 422, "invalid-input", "Invalid input",
                                f"the query has {len(problems)} problem(s); see 'errors'",
                                problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        title = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "Error")
        return problem_response(request, exc.status_code, title.lower().replace(" ", "-"),
                                title, str(exc.detail), headers=dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> Response:
        return internal_error(request, exc)
