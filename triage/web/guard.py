"""What every request passes before a page sees it: the kiosk's limits, as plain ASGI middlewares.

:func:`triage.web.app.create_app` puts them in this order, the first outermost:

* :class:`Crashes`: a bug is a plain 500 page, and its one log line names the exception's type and
  the route (its template, ``/question/{number}``), never the exception's message, its traceback
  or the address, any of which can hold answers;
* :class:`Hosts`: a ``Host`` the kiosk was not set up with is refused (400) before anything else,
  so a page of another site whose name has been pointed at the kiosk (DNS rebinding) reads nothing;
* :class:`Heads`: ``HEAD`` works wherever ``GET`` does, and never changes anything;
* :class:`Bodies`: a body longer than :data:`MAX_BODY` is refused (413) from its ``Content-Length``
  before a byte of it is read, or, sent without one, as soon as what has come passes the limit;
* :class:`HostCookie`, over HTTPS only: the visit's cookie travels as ``__Host-`` and ``Secure``.

The form itself is read by :meth:`triage.web.kiosk.Kiosk.posted`, after the cookie's visit is found,
with :data:`MAX_FIELD`, :data:`MAX_FIELDS` and :data:`REPEATABLE`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Final

from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY: Final = 8 * 1024
"""The longest body the kiosk reads, in bytes. Its longest form (the checklist before needling, every
box ticked, with the visit's tokens) is 323 bytes; the limit leaves room for a longer knowledge base."""
MAX_FIELD: Final = 1024
"""The longest value of a form's field, in characters. The longest a form of the kiosk sends is its
CSRF token (43); an answer is an option's id or a number."""
MAX_FIELDS: Final = 200
"""The most fields a form may hold (the kiosk's most: its three hidden fields and every box of the
checklist before needling ticked)."""
REPEATABLE: Final = frozenset({"answer"})
"""The fields a form may send more than once (the boxes ticked of a question with several answers);
any other sent twice refuses the form (400)."""

log = logging.getLogger("triage.web")

Page = Callable[[], Response]
"""A refusal's page, made when it is needed (in the language of the moment)."""


class TooLarge(HTTPException):
    """A body that went past :data:`MAX_BODY` while it was being received."""

    def __init__(self) -> None:
        super().__init__(status_code=413)


# --- what a request is --------------------------------------------------------------------------
_HOST = re.compile(r"(?:\[(?P<v6>[0-9a-f:.]+)\]|(?P<name>[^:\[\]/@\s]+))(?::[0-9]{1,5})?")


def host_name(header: str) -> str | None:
    """The name a ``Host`` header gives, in lower case, without its port (an IPv6 address without its
    brackets); None when it is no host at all."""
    found = _HOST.fullmatch(header.strip().lower())
    return None if found is None else found["v6"] or found["name"]


def every_route(routes: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    """Each route, an included router's own among them: FastAPI keeps a router included without a
    prefix (as the kiosk's are) as one route of the application's, holding its own routes."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from every_route(included.routes)
        else:
            yield route


def allowed_methods(routes: Iterable[BaseRoute], scope: Scope) -> list[str]:
    """The methods some route takes at the request's path (``HEAD`` wherever ``GET``), for ``Allow``."""
    methods: set[str] = set()
    scope = _from_the_top(scope)
    for route in every_route(routes):
        if route.matches(scope)[0] is not Match.NONE:
            methods |= getattr(route, "methods", None) or {"GET"}  # a mount: the assets, read only
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def route_of(routes: Iterable[BaseRoute], scope: Scope) -> str:
    """The template of the route at the request's path (``/question/{number}``), never the path itself."""
    scope = _from_the_top(scope)
    for route in every_route(routes):
        if route.matches(scope)[0] is not Match.NONE:
            return str(getattr(route, "path", "?"))
    return "(no route)"


def _from_the_top(scope: Scope) -> Scope:
    """The request's scope as the application was given it: a mount (``/static``) moves the path's
    start on (``root_path``) for the app it holds."""
    return {**scope, "root_path": scope.get("app_root_path", scope.get("root_path", ""))}


def _started(send: Send, flag: list[bool]) -> Send:
    """``send``, noting in ``flag`` when the response has begun (a page can no longer replace it)."""

    async def watched(message: Message) -> None:
        if message["type"] == "http.response.start":
            flag.append(True)
        await send(message)

    return watched


# --- the middlewares ------------------------------------------------------------------------------
class Crashes:
    """A bug: the plain page ``page`` (500), and one log line with nothing a request held.

    Nothing is raised on to the server: uvicorn would log the traceback, and with it the message.
    """

    def __init__(self, app: ASGIApp, *, routes: Sequence[BaseRoute], page: Page) -> None:
        self.app, self.routes, self.page = app, routes, page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started: list[bool] = []
        failed = None
        try:
            await self.app(scope, receive, _started(send, started))
        except Exception as exc:  # noqa: BLE001  # any bug: its type is kept, nothing else of it
            failed = type(exc).__name__
        if failed is None:
            return
        log.error("internal error: %s at %s %s", failed, scope["method"], route_of(self.routes, scope))
        if not started:
            await self._page()(scope, receive, send)

    def _page(self) -> Response:
        try:
            return self.page()
        except Exception:  # noqa: BLE001  # the page itself failed: a line with nothing in it
            return PlainTextResponse("500", status_code=500)


class Hosts:
    """Only the names the kiosk was set up with (``Host``, without the port): any other gets ``refuse``."""

    def __init__(self, app: ASGIApp, *, allowed: Iterable[str], refuse: Page) -> None:
        self.app, self.refuse = app, refuse
        self.allowed = frozenset(name.strip("[]").lower() for name in allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.answers(scope):
            await self.refuse()(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def answers(self, scope: Scope) -> bool:
        hosts = [value for name, value in scope["headers"] if name == b"host"]
        return len(hosts) == 1 and host_name(hosts[0].decode("latin-1")) in self.allowed


class Heads:
    """``HEAD`` wherever ``GET`` is: the status and headers of a ``GET``, no body, nothing changed.

    A page that ``runs`` (a page for everyone, an asset, an address with no page) is run as a ``GET``
    without the request's cookies, so it finds no visit, and its body and any cookie are dropped. A
    visit's page is never run for a ``HEAD`` (the welcome page begins a visit, a question's page moves
    one back): the routing table answers, 200 and the page's type.
    """

    def __init__(self, app: ASGIApp, *, routes: Sequence[BaseRoute],
                 runs: Callable[[BaseRoute], bool]) -> None:
        self.app, self.routes, self.runs = app, routes, runs

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        get = {**scope, "method": "GET", "headers": [(k, v) for k, v in scope["headers"] if k != b"cookie"]}
        route = next((r for r in every_route(self.routes) if r.matches(get)[0] is Match.FULL), None)
        if route is None or self.runs(route):
            await self.app(get, receive, _headers_only(send))
            return
        shown = getattr(route, "response_class", None)
        html = isinstance(shown, type) and issubclass(shown, HTMLResponse)
        headers = [(b"content-type", b"text/html; charset=utf-8")] if html else []
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b""})


def _headers_only(send: Send) -> Send:
    """``send`` for a ``HEAD``: the response's start without any cookie, then an empty body."""

    async def head(message: Message) -> None:
        if message["type"] == "http.response.start":
            await send({**message, "headers": [(k, v) for k, v in message.get("headers", [])
                                               if k.lower() != b"set-cookie"]})
        elif message["type"] == "http.response.body" and message.get("more_body", False):
            return
        elif message["type"] in ("http.response.body", "http.response.pathsend"):
            await send({"type": "http.response.body", "body": b""})
        else:
            await send(message)

    return head


class Bodies:
    """No body longer than ``limit`` is read: refused (``refuse``, 413) from its length at once, or
    when what has been received passes it (:class:`TooLarge`, raised to whatever was reading)."""

    def __init__(self, app: ASGIApp, *, limit: int, refuse: Page) -> None:
        self.app, self.limit, self.refuse = app, limit, refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if any(k == b"content-length" and _too_long(v, self.limit) for k, v in scope["headers"]):
            await self.refuse()(scope, receive, send)  # not a byte of the body read
            return
        received = 0

        async def bounded() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise TooLarge
            return message

        started: list[bool] = []
        try:
            await self.app(scope, bounded, _started(send, started))
        except TooLarge:
            if started:
                raise
            await self.refuse()(scope, receive, send)


def _too_long(length: bytes, limit: int) -> bool:
    """Whether a ``Content-Length`` says more than ``limit`` (not a number: the server refuses it)."""
    return length.strip().isdigit() and int(length) > limit


class HostCookie:
    """Over HTTPS the visit's cookie travels as ``__Host-<name>``, ``Secure``, ``Path=/`` and without a
    ``Domain``: no page over plain HTTP, nor another name under the same domain, can set it.

    The pages speak of it by its plain name (:data:`triage.web.kiosk.COOKIE`); this renames it on the
    way in and out, and drops a cookie with the plain name, which only someone else could have set.
    """

    def __init__(self, app: ASGIApp, *, name: str) -> None:
        self.app = app
        self.plain = name.encode("latin-1")
        self.wire = b"__Host-" + self.plain

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope["headers"] = [(k, self.incoming(v) if k == b"cookie" else v) for k, v in scope["headers"]]

        async def renamed(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [(k, self.outgoing(v) if k.lower() == b"set-cookie" else v)
                                                  for k, v in message.get("headers", [])]}
            await send(message)

        await self.app(scope, receive, renamed)

    def incoming(self, header: bytes) -> bytes:
        kept = []
        for pair in header.split(b";"):
            name, _, value = pair.strip().partition(b"=")
            if name == self.wire:
                kept.append(self.plain + b"=" + value)
            elif name != self.plain:
                kept.append(pair.strip())
        return b"; ".join(kept)

    def outgoing(self, header: bytes) -> bytes:
        value, *attributes = header.split(b";")
        name, _, token = value.strip().partition(b"=")
        if name != self.plain:
            return header
        kept = [a.strip() for a in attributes
                if a.strip().partition(b"=")[0].lower() not in (b"domain", b"path", b"secure")]
        return b"; ".join([self.wire + b"=" + token, *kept, b"Path=/", b"Secure"])
