"""The ``serve`` command: the HTTP JSON API (and the page at ``/``) on uvicorn.

The web framework and server are the optional ``serve`` extra; without it the command says
how to install it (exit 2) instead of failing on an import.
"""

from __future__ import annotations

import os

import click

from engine.base.errors import EngineError
from engine.interfaces._shared import guard, rules_opt
from engine.readings.load import load_readings

EXTRA_MISSING = ("the serve command needs the 'serve' extra (FastAPI, uvicorn, Swagger UI's "
                 "files): pip install 'legal-status[serve]' (from a source tree: "
                 "pip install '.[serve]'); missing: {name}")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default takes connections from this machine only.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes: durable_rules holds Python's lock, so processes, not "
                   "threads, serve requests in parallel.")
@rules_opt
@guard
def serve(host: str, port: int, workers: int, rules_dir: str | None) -> None:
    """Serve the readings over HTTP: a JSON API under /v1, its OpenAPI description at
    /openapi.json and interactive documentation at /docs (no internet needed)."""
    try:
        import uvicorn

        from engine.interfaces import _service
    except ModuleNotFoundError as exc:
        raise EngineError(EXTRA_MISSING.format(name=exc.name)) from None
    load_readings(rules_dir)  # a bad rules folder is reported before anything listens
    if rules_dir is not None:
        # Each worker process builds its own app from this variable.
        os.environ[_service.RULES_ENV] = os.path.abspath(rules_dir)
    click.echo(f"legal-status on http://{host}:{port}/: the page at /, the API under /v1 "
               "(documentation: /docs); Ctrl-C stops it.", err=True)
    uvicorn.run("engine.interfaces._service:app_from_env", factory=True, host=host, port=port,
                workers=workers, log_level="info")
