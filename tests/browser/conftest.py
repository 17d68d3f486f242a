"""A real browser (Debian's chromium, driven by Playwright) and the page served on loopback.

Without a browser the tests here skip, saying why; under ``CI=true`` a missing browser fails
them instead (``.ci/run`` installs chromium). ``playwright install`` is never run: the browser
is the system's.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tests.pageserver import serve_page

CHROMIUM = os.environ.get("LEGAL_STATUS_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install '.[test]')"
    if not (os.path.isfile(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"no browser at {CHROMIUM} (apt-get install -y chromium)"
    return None


def _need_browser() -> None:
    why = _missing()
    if why is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and {why}")
    pytest.skip(why)


# Module scope: Playwright's sync API runs an event loop in this thread while it is open, and
# asyncio.run() (the service's tests) refuses to start beside it; it closes with each test module.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _need_browser()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.console_errors = errors
    yield pg
    context.close()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The page on 127.0.0.1, served by uvicorn in a thread of this process."""
    _need_browser()
    with serve_page() as url:
        yield url
