"""The interactive API documentation, served from this machine: Swagger UI's files come from
the ``swagger-ui-bundle-v2`` package (installed with the ``serve`` extra), not from a CDN,
so ``/docs`` works with no internet, and the page names no external URL."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/docs/assets"


def install_docs(app: FastAPI, title: str) -> None:
    """Serve Swagger UI at ``/docs`` with its assets under ``/docs/assets``."""
    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        # validatorUrl null: Swagger UI would otherwise send the description to an online
        # validator and show its badge.
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title=title,
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None})
