"""The page served on 127.0.0.1 by uvicorn in a thread of the test process, and a small
stdlib client for it (no HTTP client library needed)."""

from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager


@contextmanager
def serve_page() -> Iterator[str]:
    """The app of `legal-status serve` (the page and the API) at a free loopback port; yields
    its URL."""
    import uvicorn

    from engine.interfaces._service import create_app

    app = create_app()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="none"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the page's server did not start in 30 s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def post(url: str, fields: Mapping[str, str | tuple[str, ...]] | None = None,
         files: Mapping[str, tuple[str, bytes]] | None = None,
         urlencoded: bool = False) -> tuple[int, str]:
    """POST a form (multipart, as the page's forms send it, or urlencoded); the status and
    the body."""
    items = [(k, v) for k, vs in (fields or {}).items()
             for v in ((vs,) if isinstance(vs, str) else vs)]
    if urlencoded:
        body = urllib.parse.urlencode(items).encode()
        ctype = "application/x-www-form-urlencoded"
    else:
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n'
                 .encode() + v.encode() + b"\r\n" for k, v in items]
        parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; '
                  f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                  .encode() + data + b"\r\n" for k, (name, data) in (files or {}).items()]
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        ctype = f"multipart/form-data; boundary={boundary}"
    request = urllib.request.Request(url, data=body, headers={"Content-Type": ctype})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def get(url: str) -> tuple[int, str]:
    """GET; the status and the body."""
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.status, response.read().decode()
