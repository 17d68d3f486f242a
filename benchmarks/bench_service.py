"""Benchmark: the HTTP API under load, on this machine only (127.0.0.1).

Prints figures; asserts nothing. Run: ``python benchmarks/bench_service.py [REQUESTS] [CLIENTS]``
(default 200 requests per endpoint from 4 concurrent clients; each endpoint stops after 60 s
whatever the count).

Starts ``legal-status serve`` on a free loopback port (one worker process), waits for
``/healthz``, then for ``/v1/evaluate`` and ``/v1/compare`` sends the bundled cases, one case a
request, from CLIENTS threads, and prints requests per second and the p50/p95 latency. The
baseline is ``/healthz`` measured the same way in the same run: the cost of HTTP itself.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CASES = [p.read_bytes() for p in sorted((ROOT / "cases").glob("*.yaml"))]
YAML = {"content-type": "application/yaml"}
MAX_SECONDS = 60.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server stopped: " + (server.stderr.read().decode()
                                                        if server.stderr else ""))
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("the server did not answer /healthz within 30 s")


def _run(base: str, path: str, count: int, clients: int) -> None:
    start = time.perf_counter()
    deadline = start + MAX_SECONDS
    latencies: list[float] = []

    def one(i: int, client: httpx.Client) -> None:
        if time.perf_counter() > deadline:
            return
        t = time.perf_counter()
        if path == "/healthz":
            r = client.get(base + path)
        else:
            r = client.post(base + path, content=CASES[i % len(CASES)], headers=YAML)
        if r.status_code != 200:
            raise SystemExit(f"{path}: {r.status_code} {r.text[:300]}")
        latencies.append(time.perf_counter() - t)

    with httpx.Client(timeout=120, limits=httpx.Limits(max_connections=clients)) as client, \
            ThreadPoolExecutor(clients) as pool:
        list(pool.map(lambda i: one(i, client), range(count)))
    elapsed = time.perf_counter() - start
    q = statistics.quantiles(latencies, n=20)
    print(f"{path:<14} {len(latencies):>5} requests  {len(latencies) / elapsed:8.1f} req/s  "
          f"p50 {statistics.median(latencies) * 1000:7.1f} ms  p95 {q[18] * 1000:7.1f} ms")


def main() -> None:
    """Start the server, measure, stop it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("requests", nargs="?", type=int, default=200,
                        help="requests per endpoint (default 200)")
    parser.add_argument("clients", nargs="?", type=int, default=4,
                        help="concurrent clients (default 4)")
    args = parser.parse_args()
    count, clients = args.requests, args.clients
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "engine.interfaces.cli", "serve", "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        _wait(base, server)
        print(f"{count} requests per endpoint, {clients} clients, 1 server process, "
              f"{os.cpu_count()} cores")
        for path in ("/healthz", "/v1/evaluate", "/v1/compare"):
            _run(base, path, count, clients)
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
