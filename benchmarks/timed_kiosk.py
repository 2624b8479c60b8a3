"""`triage serve` with each request's server time recorded, for benchmarks/bench_web_load.py.

    uv run python benchmarks/timed_kiosk.py --port 8000 [any other option of `triage serve`]

Runs the program's own `triage serve` (the same settings, socket and uvicorn server), with one ASGI
middleware added to the application that :func:`triage.web.app.create_app` builds. The middleware
records each request's *server time*: from the moment uvicorn hands the request to the application
(its headers read) to the moment the last part of the response has been handed back to uvicorn for
sending. Time a request waits before uvicorn reads it (the server busy with others) is not in it;
the client's round trip has it.

Two addresses of its own, which the kiosk does not have:

- ``GET /_bench/floor``: the floor of serving a request here, a page of :data:`FLOOR_BYTES` bytes
  answered by the middleware itself as the kiosk answers (the head, then the body), with no
  framework, template or visit behind it; timed as the kiosk's requests are;
- ``GET /_bench/times``: the times recorded since the previous call, as JSON (a list of
  ``[client, method, route, status, seconds]``, in the order the responses ended), then forgets them.
  Not recorded itself.

A route is the path with a question's place replaced by ``N`` (``/question/N``).
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

FLOOR = "/_bench/floor"
TIMES = "/_bench/times"
FLOOR_BYTES = 3000
"""About a question page's size (2.2 to 3 KB)."""
_FLOOR_PAGE = (b"<!doctype html>\n<title>floor</title>\n<p>" + b"." * FLOOR_BYTES)[:FLOOR_BYTES - 5] \
    + b"</p>\n"
_PLACE = re.compile(r"^/question/\d+$")

Record = tuple[str, str, str, int, float]
"""client (host:port), method, route, status, server time in seconds."""


def route(path: str) -> str:
    """``path`` with a question's place replaced by ``N``."""
    return "/question/N" if _PLACE.match(path) else path


async def _respond(send: Send, body: bytes, media: bytes) -> None:
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", media), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class Timed:
    """Records every HTTP request's server time in ``records``; answers :data:`FLOOR` and :data:`TIMES`."""

    def __init__(self, app: ASGIApp, records: list[Record]) -> None:
        self.app = app
        self.records = records

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path == TIMES:
            body = json.dumps(self.records).encode()
            self.records.clear()
            await _respond(send, body, b"application/json")
            return
        start = time.perf_counter()
        client = scope.get("client") or ("", 0)
        status = 0

        async def timed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                self.records.append((f"{client[0]}:{client[1]}", scope["method"], route(path), status,
                                     time.perf_counter() - start))

        if path == FLOOR:
            await _respond(timed_send, _FLOOR_PAGE, b"text/html; charset=utf-8")
        else:
            await self.app(scope, receive, timed_send)


def main() -> int:
    from triage import __main__ as program
    from triage.web import app as web_app

    records: list[Record] = []
    create_app: Callable[..., Any] = web_app.create_app

    def timed_app(*args: Any, **kwargs: Any) -> Any:
        app = create_app(*args, **kwargs)
        app.add_middleware(Timed, records=records)
        return app

    # `triage serve` (triage.web.server.run) looks create_app up when it starts the server.
    web_app.create_app = timed_app
    return program.main(["serve", *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
