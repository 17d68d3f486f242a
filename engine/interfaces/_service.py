"""The HTTP JSON API of ``legal-status serve``: :func:`create_app` builds it.

Every endpoint answers with the same JSON document as the command line for the same input
(``/v1/evaluate`` is ``evaluate --format json``, ``/v1/compare`` is ``compare --format json``,
``/v1/explain`` is ``explain --format json``, ``/v1/readings`` is ``readings --format json``,
``/v1/schema/case`` is ``schema``), rendered by the same functions of :mod:`engine.present`;
the body is named ``<request>`` where the CLI names its file. Errors are problem details
(:mod:`engine.interfaces._service_errors`). ``/`` is left free for the web page.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response

from engine.analysis.comparison import CompareReport
from engine.base.errors import EngineError, Problem
from engine.cases.load import LoadedCase
from engine.cases.record import case_json_schema
from engine.interfaces import _service_run as run
from engine.interfaces._service_docs import install_docs
from engine.interfaces._service_errors import (
    PROBLEM_JSON,
    ProblemDocument,
    install,
    internal_error,
)
from engine.interfaces._web import page_router
from engine.present import documents
from engine.readings.load import ReadingSet, load_readings
from engine.run.evaluate import OWN, engine_to_use
from engine.run.outcome import CaseResult
from engine.run.report import Report

#: The environment variable that passes ``--rules`` to each worker process of the server.
RULES_ENV = "LEGAL_STATUS_RULES"
TITLE = "legal-status"
_CASE_SCHEMA = "CaseInput"
_PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"model": ProblemDocument, "description": text, "content": {PROBLEM_JSON: {}}}
             for status, text in ((400, "The body does not parse."),
                                  (413, "The body or its number of cases is over the limit."),
                                  (415, "The body is neither JSON nor YAML."),
                                  (422, "A case or a query parameter is invalid."),
                                  (503, "Busy, or the request went over the time limit."))}
#: A synthetic case, as the documentation's example body.
_EXAMPLE = {"id": "example", "title": "Serviceman captured half an hour before the ceasefire",
            "detaining_party": "AZ",
            "detainee": {"nationality": "AM", "affiliation": "armed_forces", "side": "AM"},
            "capture": {"time": "2020-11-10T00:30:00+04:00", "circumstances": "surrender"}}
_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"$ref": f"#/components/schemas/{_CASE_SCHEMA}"},
                         "example": _EXAMPLE},
    "application/yaml": {"schema": {"type": "string"},
                         "example": "".join(f"{k}: {json.dumps(v)}\n"
                                            for k, v in _EXAMPLE.items())}}}}

ReadingParam = Annotated[list[str], Query(alias="reading",
                                          description="Restrict to this reading (repeatable).")]
AccountParam = Annotated[str, Query(
    description="Whose account of disputed facts each reading uses: own, uncontested, or a "
                "party's id (AM, ICRC).", max_length=64)]
BudgetParam = Annotated[int, Query(
    ge=1, description="Most evaluations the search of counterfactuals may make per case (at "
                      "most the server's limit, 100000 by default).")]
EngineParam = Annotated[Literal["durable", "reference"], Query(
    description="durable_rules (Rete) or the pure-Python reference evaluator.")]


def create_app(rules_dir: str | Path | None = None, *,
               limits: run.Limits | None = None) -> FastAPI:
    """The API over the readings in ``rules_dir`` (the bundled ones by default).

    Raises:
        EngineError: the readings do not load (before anything is served).
    """
    rs = load_readings(rules_dir)
    lim = limits or run.Limits()
    runner = run.Runner(lim)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        yield
        runner.close()

    app = FastAPI(title=TITLE, version=_version(), docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json", lifespan=lifespan,
                  description="How each reading of point 8 of the 9/10 November 2020 statement "
                              "and GC III classifies a detainee. The responses are the JSON "
                              "documents of the `legal-status` command line.")
    install(app)
    install_docs(app, f"{TITLE} API")
    app.include_router(_router(rs, lim, runner))
    app.include_router(page_router(rules_dir))  # the page at `/`, outside the API's schema
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def app_from_env() -> FastAPI:
    """The app over the readings named by :data:`RULES_ENV` (for uvicorn's worker processes)."""
    return create_app(os.environ.get(RULES_ENV) or None)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("legal-status")
    except PackageNotFoundError:  # run from a source tree that is not installed
        return "0"


def _json(text: str) -> Response:
    return Response(text, media_type="application/json")


async def _body(request: Request, limits: run.Limits) -> bytes:
    """The body, refused (415, 413) before it is read whole where the headers say so."""
    run.media_type(request.headers.get("content-type"))
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_body_bytes:
        raise run.too_large(limits)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limits.max_body_bytes:
            raise run.too_large(limits)
        chunks.append(chunk)
    return b"".join(chunks)


def _router(rs: ReadingSet, limits: run.Limits, runner: run.Runner) -> APIRouter:
    api = APIRouter()

    async def answer(request: Request, work: Callable[[list[LoadedCase]], str]) -> Response:
        """Read the body, load its cases and run ``work`` on them under the limits."""
        body = await _body(request, limits)

        def job() -> str:
            return work(run.load(run.parse_body(body, limits), rs))

        try:
            return _json(await runner.run(job))
        except (run.ServiceError, EngineError):
            raise
        except Exception as exc:  # a bug: a 500 with an id, logged, never a traceback
            return internal_error(request, exc)

    @api.get("/healthz", tags=["service"])
    def healthz() -> dict[str, Any]:
        """Whether the service is up, the readings it serves and the engine it runs."""
        return {"status": "ok", "engine": engine_to_use("durable"),
                "readings": list(rs.readings)}

    @api.get("/v1/readings", tags=["readings"])
    def readings() -> Response:
        """The readings, who holds each, and the sources they cite (``readings --format
        json``)."""
        return _json(documents.readings_json(rs))

    @api.get("/v1/schema/case", tags=["readings"])
    def case_schema() -> Response:
        """The JSON Schema of a case file (``schema``)."""
        return _json(documents.schema_json())

    @api.post("/v1/evaluate", tags=["cases"], openapi_extra=_BODY,
              responses={200: {"model": Report}, **_PROBLEMS})
    async def evaluate(request: Request, reading: ReadingParam = [],  # noqa: B006
                       account: AccountParam = OWN,
                       engine: EngineParam = "durable") -> Response:
        """How each reading classifies each case (``evaluate --format json``)."""
        q = run.Query(tuple(reading), account, engine)
        return await answer(request, lambda cases: run.evaluate_doc(cases, rs, q))

    @api.post("/v1/compare", tags=["cases"], openapi_extra=_BODY,
              responses={200: {"model": CompareReport}, **_PROBLEMS})
    async def compare(request: Request, reading: ReadingParam = [],  # noqa: B006
                      account: AccountParam = OWN, engine: EngineParam = "durable",
                      budget: BudgetParam = run.DEFAULT_BUDGET,
                      full_tables: bool = False, summary: bool = False) -> Response:
        """Why the readings disagree: crux, counterfactuals, "it depends" (``compare --format
        json``)."""
        q = run.Query(tuple(reading), account, engine)
        if budget > limits.max_budget:
            raise run.invalid([Problem(f"query parameter 'budget': at most {limits.max_budget}"
                                       f" here; found {budget}")], "the query")
        return await answer(request, lambda cases: run.compare_doc(
            cases, rs, q, budget=budget, full_tables=full_tables, summary=summary))

    @api.post("/v1/explain", tags=["cases"], openapi_extra=_BODY,
              responses={200: {"model": CaseResult}, **_PROBLEMS})
    async def explain(request: Request, reading: ReadingParam = [],  # noqa: B006
                      account: AccountParam = OWN, engine: EngineParam = "durable",
                      case: Annotated[str | None, Query(
                          max_length=200,
                          description="Which case, if the body holds several.")] = None
                      ) -> Response:
        """Why one case gets its answers, reading by reading (``explain --format json``)."""
        q = run.Query(tuple(reading), account, engine)
        return await answer(request, lambda cases: run.explain_doc(cases, rs, q, case))

    @api.post("/v1/validate", tags=["cases"], openapi_extra=_BODY,
              responses={200: {"description": "The body holds valid cases: their ids.",
                               "content": {"application/json": {"schema": {
                                   "type": "object", "required": ["valid", "cases"],
                                   "properties": {"valid": {"type": "boolean"},
                                                  "cases": {"type": "array",
                                                            "items": {"type": "string"}}}}}}},
                         **_PROBLEMS})
    async def validate(request: Request) -> Response:
        """Check the cases without evaluating them: their ids, or every problem (422)."""
        return await answer(request, run.validate_doc)

    return api


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI description, with the case file's JSON Schema as the request body."""
    if app.openapi_schema is None:
        spec = get_openapi(title=app.title, version=app.version, description=app.description,
                           routes=app.routes)
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        case = case_json_schema()
        for name, schema in case.pop("$defs", {}).items():
            schemas[f"{_CASE_SCHEMA}_{name}"] = _refs(schema)
        case.pop("$schema", None)
        schemas[_CASE_SCHEMA] = _refs(case)
        app.openapi_schema = spec
    return app.openapi_schema


def _refs(node: Any) -> Any:
    """``node`` with the schema's own ``#/$defs/X`` references pointed at the components."""
    if isinstance(node, dict):
        return {k: (f"#/components/schemas/{_CASE_SCHEMA}_{v.rsplit('/', 1)[-1]}"
                    if k == "$ref" and isinstance(v, str) and v.startswith("#/$defs/")
                    else _refs(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_refs(v) for v in node]
    return node
