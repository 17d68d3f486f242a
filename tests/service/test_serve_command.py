"""``legal-status serve`` for real: the command started in its own process on a loopback port,
the README's curl examples sent to it, concurrent clients against serial bytes, and the clear
errors of a missing extra and a bad rules folder."""

from __future__ import annotations

import re
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from engine.interfaces.cli import main
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
YAML = {"content-type": "application/yaml"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "engine.interfaces.cli", "serve",
                               "--port", str(port)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "serve did not answer within 60 s"
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(10)
        if server.stderr is not None:
            server.stderr.close()


def _curl(command: str, base: str) -> httpx.Request:
    """The request a README ``curl`` command sends (the options the README uses)."""
    words = shlex.split(command.replace("\\\n", " "))
    assert words[0] == "curl"
    method, url, headers, body = "GET", "", {}, b""
    it = iter(words[1:])
    for word in it:
        if word == "-X":
            method = next(it)
        elif word == "-H":
            key, _, value = next(it).partition(":")
            headers[key.strip()] = value.strip()
        elif word == "--data-binary":
            body = (ROOT / next(it).removeprefix("@")).read_bytes()
        elif word != "-s":
            url = word
    assert url.startswith("http://127.0.0.1:8000/"), url
    return httpx.Request(method, base + url.removeprefix("http://127.0.0.1:8000"),
                         headers=headers, content=body)


def test_readme_curl_examples_answer(base: str) -> None:
    section = README[README.index("## The HTTP API"):]
    commands = re.findall(r"^curl .*?(?<!\\)$", section[:section.index("\n## ")], re.M | re.S)
    assert len(commands) >= 2
    with httpx.Client(timeout=120) as client:
        for command in commands:
            response = client.send(_curl(command, base))
            assert response.status_code == 200, response.text
            assert response.json()["readings"]


def test_concurrent_clients_get_the_bytes_of_serial_ones(base: str) -> None:
    cases = sorted((ROOT / "cases").glob("*.yaml"))[:8]
    jobs = [(f"/v1/{kind}", p.read_bytes()) for p in cases for kind in ("evaluate", "explain")]
    with httpx.Client(base_url=base, timeout=120) as client:
        serial = [client.post(path, content=body, headers=YAML).text for path, body in jobs]
        with ThreadPoolExecutor(6) as pool:
            together = list(pool.map(
                lambda job: client.post(job[0], content=job[1], headers=YAML), jobs * 2))
    assert [r.status_code for r in together] == [200] * len(together)
    assert [r.text for r in together] == serial * 2


def test_serve_without_the_extra_says_how_to_install_it() -> None:
    code = ("import sys; sys.modules['fastapi'] = None\n"
            "from engine.interfaces.cli import main\nmain(['serve'])")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "pip install 'legal-status[serve]'" in done.stderr and "fastapi" in done.stderr
    assert "Traceback" not in done.stderr


def test_serve_with_a_bad_rules_folder_fails_before_listening(tmp_path: Path) -> None:
    done = CliRunner().invoke(main, ["serve", "--rules", str(tmp_path), "--port", "1"])
    assert done.exit_code == 2 and "error:" in done.output
