"""The HTTP API: the same bytes as the command line, each error status as problem details,
the limits, concurrency, and documentation with no external URL."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from fastapi import FastAPI

from engine.interfaces._service import create_app
from engine.interfaces._service_run import Limits
from engine.interfaces.cli import main
from tests.conftest import ROOT

CASES = sorted((ROOT / "cases").glob("*.yaml"))
YAML = {"content-type": "application/yaml"}
APP = create_app()


def call(app: FastAPI, method: str, url: str, body: bytes | None = None,
         headers: dict[str, str] | None = None) -> httpx.Response:
    return asyncio.run(gather(app, [(method, url, body, headers)]))[0]


async def gather(app: FastAPI, requests: Sequence[tuple[str, str, bytes | None,
                                                        dict[str, str] | None]]
                 ) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return list(await asyncio.gather(*(client.request(m, u, content=b, headers=h)
                                           for m, u, b, h in requests)))


def cli(args: list[str], stdin: str | None = None) -> str:
    done = CliRunner().invoke(main, args, input=stdin)
    assert done.exit_code == 0, done.output
    return done.stdout


def as_request(cli_json: str) -> str:
    """The CLI's document for standard input, with the body's name the service gives it."""
    return cli_json.replace('"source": "<stdin>"', '"source": "<request>"')


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    doc: dict[str, Any] = response.json()
    assert doc["status"] == status and doc["type"].startswith("urn:legal-status:problem:")
    assert {"title", "detail", "instance", "errors"} <= doc.keys()
    assert "Traceback" not in response.text
    return doc


def test_evaluate_gives_the_cli_bytes_for_every_bundled_case() -> None:
    text = "---\n".join(p.read_text(encoding="utf-8") for p in CASES)
    for query, args in (("", []), ("?reading=ihl&reading=russia&engine=reference",
                                   ["-r", "ihl", "-r", "russia", "--engine", "reference"])):
        got = call(APP, "POST", "/v1/evaluate" + query, text.encode(), YAML)
        assert got.status_code == 200, got.text
        assert got.text == as_request(cli(["evaluate", "-", "--format", "json", *args], text))


@pytest.mark.parametrize("path", CASES[:3], ids=lambda p: p.stem)
def test_compare_and_explain_give_the_cli_bytes(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    got = call(APP, "POST", "/v1/compare?budget=500", text.encode(), YAML)
    assert got.text == as_request(cli(["compare", "-", "--format", "json", "--budget", "500"],
                                      text))
    got = call(APP, "POST", "/v1/explain?account=uncontested", text.encode(), YAML)
    assert got.text == as_request(cli(["explain", "-", "--format", "json", "--account",
                                       "uncontested"], text))


def test_json_body_gives_the_same_document_as_yaml() -> None:
    from engine.base.yamlio import load_documents
    data = load_documents(CASES[0].read_text(encoding="utf-8"), "x")[0].data
    as_json = call(APP, "POST", "/v1/evaluate", json.dumps([data]).encode(),
                   {"content-type": "application/json"})
    as_yaml = call(APP, "POST", "/v1/evaluate", CASES[0].read_bytes(), YAML)
    assert as_json.status_code == 200 and as_json.text == as_yaml.text


def test_get_documents_are_the_cli_ones() -> None:
    assert call(APP, "GET", "/v1/readings").text == cli(["readings", "--format", "json"])
    assert call(APP, "GET", "/v1/schema/case").text == cli(["schema"])
    health = call(APP, "GET", "/healthz").json()
    assert health["status"] == "ok" and health["readings"] == ["armenia", "azerbaijan", "ihl",
                                                                "russia"]


def test_validate_lists_the_ids_or_every_problem() -> None:
    ok = call(APP, "POST", "/v1/validate", CASES[0].read_bytes(), YAML)
    assert ok.json() == {"valid": True, "cases": [CASES[0].stem]}
    bad = problem(call(APP, "POST", "/v1/validate", b"id: x\ncolour: red\n", YAML), 422)
    assert {"message": "unknown field 'colour'", "code": "unknown_field", "loc": ["colour"],
            "source": "<request>", "line": 2, "column": 1} in bad["errors"]


def test_400_for_a_body_that_does_not_parse() -> None:
    doc = problem(call(APP, "POST", "/v1/evaluate", b"id: [unclosed\n", YAML), 400)
    assert doc["errors"][0]["line"] == 2 and doc["instance"] == "/v1/evaluate"
    problem(call(APP, "POST", "/v1/evaluate", b"\xff\xfe", YAML), 400)


def test_413_for_a_large_body_or_too_many_cases() -> None:
    small = create_app(limits=Limits(max_body_bytes=200, max_cases=2))
    doc = problem(call(small, "POST", "/v1/evaluate", b"# " + b"x" * 300 + b"\n", YAML), 413)
    assert "over 200 bytes" in doc["detail"]
    listed = b"[" + b",".join(b'{"id": "c%d"}' % i for i in range(3)) + b"]"
    assert len(listed) < 200
    json_type = {"content-type": "application/json"}
    doc = problem(call(small, "POST", "/v1/validate", listed, json_type), 413)
    assert "holds 3 cases; at most 2" in doc["detail"]


def test_415_for_another_media_type() -> None:
    doc = problem(call(APP, "POST", "/v1/evaluate", b"id: x", {"content-type": "text/plain"}),
                  415)
    assert "application/yaml" in doc["detail"]


def test_422_for_an_invalid_case_or_query() -> None:
    doc = problem(call(APP, "POST", "/v1/evaluate", b"id: x\ncapture: 12\n", YAML), 422)
    assert all(e["source"] == "<request>" and e["line"] for e in doc["errors"])
    body = CASES[0].read_bytes()
    doc = problem(call(APP, "POST", "/v1/evaluate?reading=ihll", body, YAML), 422)
    assert "unknown reading 'ihll' (did you mean 'ihl'?)" in doc["errors"][0]["message"]
    doc = problem(call(APP, "POST", "/v1/compare?budget=10000000", body, YAML), 422)
    assert "query parameter 'budget'" in doc["errors"][0]["message"]
    doc = problem(call(APP, "POST", "/v1/explain?account=a%20b", body, YAML), 422)
    assert "query parameter 'account'" in doc["errors"][0]["message"]
    two = b"---\n".join(p.read_bytes() for p in CASES[:2])
    doc = problem(call(APP, "POST", "/v1/explain", two, YAML), 422)
    assert "query parameter 'case'" in doc["errors"][0]["message"]
    one = call(APP, "POST", f"/v1/explain?case={CASES[1].stem}", two, YAML)
    assert one.status_code == 200 and one.json()["case_id"] == CASES[1].stem


def test_404_and_405_are_problem_details() -> None:
    problem(call(APP, "GET", "/v1/nothing"), 404)
    problem(call(APP, "GET", "/v1/evaluate"), 405)


def test_500_carries_an_id_that_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    app = create_app()

    @app.get("/v1/broken")
    def broken() -> None:
        raise ZeroDivisionError("internal detail 42")

    with caplog.at_level(logging.ERROR, logger="legal_status.serve"):
        doc = problem(call(app, "GET", "/v1/broken"), 500)
    assert "detail 42" not in json.dumps(doc) and "ZeroDivisionError" not in json.dumps(doc)
    assert doc["id"] in doc["detail"] and doc["id"] in caplog.text


def test_503_past_the_time_limit_and_when_busy() -> None:
    # Ten copies of every bundled case (ids made unique) in one request: about a hundred
    # milliseconds of work however warm the caches. The limit is checked by the event loop,
    # which gets its turn only while the work yields Python's lock (every few milliseconds):
    # all thirty cases once, with warm caches, could be done before it looked (about 4 ms).
    body = "---\n".join(re.sub(r"^id: (.+)$", rf"id: \1-{n}", p.read_text(encoding="utf-8"),
                                flags=re.M) for n in range(10) for p in CASES).encode()
    slow = create_app(limits=Limits(time_limit=0.001, max_pending=1, max_cases=1000))
    first, second = asyncio.run(gather(slow, [("POST", "/v1/evaluate", body, YAML)] * 2))
    kinds = sorted(problem(r, 503)["type"].rsplit(":", 1)[1] for r in (first, second))
    assert kinds in (["busy", "time-limit"], ["time-limit", "time-limit"])
    assert first.headers["retry-after"] == "1"


def test_concurrent_requests_give_the_bytes_of_serial_ones() -> None:
    app = create_app(limits=Limits(max_pending=64, threads=4))
    requests = [("POST", f"/v1/{kind}?budget=300" if kind == "compare" else f"/v1/{kind}",
                 p.read_bytes(), YAML)
                for p in CASES[:6] for kind in ("evaluate", "compare", "explain")]
    serial = [call(app, *r).text for r in requests]
    together = asyncio.run(gather(app, requests * 2))
    assert [r.status_code for r in together] == [200] * len(together)
    assert [r.text for r in together] == serial * 2


def test_docs_are_served_locally_with_no_external_url() -> None:
    page = call(APP, "GET", "/docs")
    assert page.status_code == 200 and "swagger-ui" in page.text
    assert "http://" not in page.text and "https://" not in page.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert call(APP, "GET", f"/docs/assets/{asset}").status_code == 200
    spec = call(APP, "GET", "/openapi.json").json()
    assert {"/v1/evaluate", "/v1/compare", "/v1/explain", "/v1/validate", "/v1/readings",
            "/v1/schema/case", "/healthz"} <= spec["paths"].keys()
    # `/` is the page (engine.interfaces._web), served by the same app but outside the API's schema.
    page = call(APP, "GET", "/")
    assert "/" not in spec["paths"] and page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")


def test_the_documented_example_bodies_are_valid_cases() -> None:
    spec = call(APP, "GET", "/openapi.json").json()
    content = spec["paths"]["/v1/evaluate"]["post"]["requestBody"]["content"]
    as_json = call(APP, "POST", "/v1/evaluate", json.dumps(content["application/json"]["example"])
                   .encode(), {"content-type": "application/json"})
    as_yaml = call(APP, "POST", "/v1/evaluate", content["application/yaml"]["example"].encode(),
                   YAML)
    assert as_json.status_code == 200, as_json.text
    assert as_json.text == as_yaml.text
