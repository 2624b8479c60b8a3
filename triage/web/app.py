"""The intake kiosk: the questionnaire as web pages, one question per screen.

The pages keep the terminal's flow (:class:`triage.flow.Interview`), knowledge
base and words; a result page lays out the same document
(:mod:`triage.report`) as every other output, and the templates add layout,
never a result's words. Forms work without JavaScript, and every asset is
served from the package.

Privacy: answers live in memory only (:mod:`triage.web.sessions`), travel in
POST bodies (never in an address), are not logged, and are wiped on Finish
or after the idle time. Every response forbids caching, so the browser's
Back button cannot show the previous patient's pages.

Navigation: each question of a visit has its own address, ``/question/N``
(its place on the person's path, nothing about an answer). An answer is
posted and redirected to the next address, so the browser's Back button asks
for the previous one, and asking for an earlier place moves the visit back
to it with its answer filled in. Every question page offers "Start again"
(after a confirmation) and the other languages (every answer kept). A form
left behind in another tab is refused with a page saying where the visit is
now; the start page never wipes a visit in progress without asking. The
pages for staff and educators are listed at ``/staff``, which no page of a
visit links to.

The modules of the kiosk:

* this one: :func:`create_app`, which puts the others together, the pages'
  templates (:func:`templates`), the security headers on every response, the
  error pages, and the downloads of a result's summary;
* :mod:`triage.web.guard`: what every request passes first (its ``Host``, its
  size, ``HEAD``, a bug's page and log line, the cookie's name over HTTPS);
* :mod:`triage.web.kiosk`: what every route shares (:class:`~triage.web.kiosk.Kiosk`,
  kept in ``app.state.kiosk`` and given to each route as a parameter);
* :mod:`triage.web.questions`: a visit's pages up to its result;
* :mod:`triage.web.results` and :mod:`triage.web.handoff`: the result, the
  clinician's page and Finish;
* :mod:`triage.web.staff`: the pages for staff and educators;
* :mod:`triage.web.sessions`: the visits, in memory.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from triage import i18n, overlay, summaries, words
from triage.clinic import NO_CLINIC, Clinic
from triage.engine import Engine, quiet_watchers
from triage.models import KnowledgeBase
from triage.summaries import file_stem
from triage.web import guard, handoff, questions, results, staff
from triage.web.kiosk import COOKIE, HeldVisit, Kiosk, KioskState, go, result_of
from triage.web.network import LOCAL, Network
from triage.web.sessions import Visits

__all__ = ["COOKIE", "SECURITY_HEADERS", "STATIC_CACHE", "create_app", "templates"]

HERE = Path(__file__).resolve().parent
SECURITY_HEADERS: Final[dict[str, str]] = {
    "Content-Security-Policy": (
        "default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "object-src 'none'"),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",
}
HSTS: Final = "max-age=31536000"
"""``Strict-Transport-Security`` of every response over HTTPS: a year, for this name alone."""
STATIC_CACHE: Final = "public, max-age=3600"
DOWNLOADS: Final[dict[str, tuple[str, str]]] = {
    # format -> (file name's ending, media type)
    "markdown": (".md", "text/markdown; charset=utf-8"),
    "json": (".json", "application/json"),
    "fhir": (".fhir.json", "application/fhir+json"),
}


def download_name(fmt: str) -> str:
    """The name a download of the summary in ``fmt`` is saved under, in the person's language."""
    return file_stem() + DOWNLOADS[fmt][0]


def disposition(name: str) -> str:
    """``Content-Disposition`` for a download named ``name``: ASCII for old browsers, then the name
    itself (RFC 6266), so that a Chinese name arrives whole."""
    fallback = name if name.isascii() else "back-pain-summary" + name[name.index("."):]
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def download_links() -> list[tuple[str, str, str]]:
    """(format, file name, link text) of each summary a person may download."""
    text = {"markdown": words.WEB_DOWNLOAD_MARKDOWN, "json": words.WEB_DOWNLOAD_JSON,
            "fhir": words.WEB_DOWNLOAD_FHIR}
    return [(fmt, download_name(fmt), text[fmt]) for fmt in DOWNLOADS]


# --- HTML -------------------------------------------------------------------------------
def _code(text: str) -> Markup:
    """Text with `ids` in backticks shown as code, everything else escaped."""
    parts = str(escape(text)).split("`")
    return Markup("".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts)))


UNSEEN: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 but tab and line breaks, DEL, C1
                           r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")  # bidirectional marks
"""What no page shows as it is: control characters (but tab and line breaks), and the marks that
reorder or redirect text (bidirectional embeddings, overrides, isolates and marks), with which an
address or answer typed by someone else could make a page read as something it does not say."""


def shown(value: Any) -> Any:
    """A value as every page prints it (Jinja's ``finalize``): each character of :data:`UNSEEN` as its
    code, ``\\u202e``; escaping, if it needs it, follows."""
    if isinstance(value, str) and UNSEEN.search(value):
        plain = UNSEEN.sub(lambda found: f"\\u{ord(found[0]):04x}", value)
        return Markup(plain) if isinstance(value, Markup) else plain  # no "<" or "&" added: still safe
    return value


def templates(network: Network = LOCAL) -> Environment:
    """The pages' templates; ``network`` says what the privacy notice says and the clinic's note."""
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True, finalize=shown)
    env.filters["code"] = _code
    env.globals["network"] = network
    env.globals["t"] = words
    env.globals["downloads"] = download_links
    env.globals["labelled"] = i18n.labelled  # "label: text", as the page's language writes it
    env.globals["review_notice"] = overlay.review_notice
    return env


# --- every response: its headers, and the error pages -------------------------------------
class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every response that does not set its own.

    A plain ASGI middleware: Starlette's ``@app.middleware("http")`` took about
    0.7 ms a request, more than a third of an answer's time in the application.
    """

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.headers = {**SECURITY_HEADERS, **({"Strict-Transport-Security": HSTS} if hsts else {})}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if static:  # the stylesheet and script hold nothing about anyone: let them be kept
                    headers.setdefault("Cache-Control", STATIC_CACHE)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def http_problem(request: Request, exc: StarletteHTTPException) -> Response:
    """A page not found, or a request refused, in the page's language."""
    kiosk = Kiosk.of(request)
    kiosk.speak_as_asked(request)
    if exc.status_code == 404:
        return kiosk.not_found()
    if exc.status_code == 413:
        return kiosk.too_large()
    response = kiosk.problem(words.WEB_BAD_REQUEST_TITLE, words.WEB_BAD_REQUEST, exc.status_code)
    if exc.status_code == 405:  # the methods of every route at the path, not only the one first found
        response.headers["Allow"] = ", ".join(guard.allowed_methods(request.app.router.routes, request.scope))
    return response


async def bad_request(request: Request, exc: RequestValidationError) -> Response:
    """An address or form FastAPI could not read (``/question/x``): a plain 400 page."""
    kiosk = Kiosk.of(request)
    kiosk.speak_as_asked(request)
    return kiosk.problem(words.WEB_BAD_REQUEST_TITLE, words.WEB_BAD_REQUEST, 400)


async def internal(request: Request, exc: Exception) -> Response:
    """A bug outside :class:`~triage.web.guard.Crashes` (in :class:`SecurityHeaders`): a plain page,
    never a traceback or anything the error's message holds."""
    # Starlette answers an unhandled error outside SecurityHeaders: add the headers here.
    kiosk = Kiosk.of(request)
    response = kiosk.broken()
    response.headers.update(SECURITY_HEADERS)
    if kiosk.network.tls:
        response.headers["Strict-Transport-Security"] = HSTS
    return response


async def held(request: Request, exc: HeldVisit) -> Response:
    """A tablet held after an emergency gets the held page, whatever it asked."""
    return Kiosk.of(request).held(exc.visit)


# --- the downloads of a result's summary ---------------------------------------------------
downloads = APIRouter()


@downloads.get("/download/{fmt}")
async def download(request: Request, kiosk: KioskState, fmt: str) -> Response:
    """The visit's summary as a file (:data:`DOWNLOADS`), where the clinic allows downloads."""
    visit = kiosk.visit_of(request)
    if visit is None or not visit.interview.finished or fmt not in DOWNLOADS:
        return go("/") if visit is None else kiosk.not_found()
    if (off := handoff.downloads_off(kiosk.clinic, kiosk.problem)) is not None:
        return off
    media = DOWNLOADS[fmt][1]
    body = summaries.summary(visit.interview.kb, result_of(visit.interview), fmt,
                             kiosk.clinic.summary_language)
    return Response(body, media_type=media, headers={"Content-Disposition": disposition(download_name(fmt))})


# --- the application ----------------------------------------------------------------------
EVERYONES = frozenset(route.endpoint for route in staff.router.routes if hasattr(route, "endpoint"))
"""The pages for everyone (staff and educators): they find no visit, so a ``HEAD`` may run them."""


def runs_for_head(route: BaseRoute) -> bool:
    """Whether a ``HEAD`` runs the route's ``GET`` (an asset, a page for everyone), never a visit's page."""
    return isinstance(route, Mount) or getattr(route, "endpoint", None) in EVERYONES


def create_app(kb: KnowledgeBase, engine: Engine, *, idle_minutes: float = 5,  # noqa: PLR0913  settings, by name
               clock: Callable[[], float] | None = None, clinic: Clinic = NO_CLINIC,
               network: Network = LOCAL) -> FastAPI:
    """The kiosk for one knowledge base. ``clock`` (seconds) lets tests move time on; ``clinic``
    gives the numbers every emergency page and safety net says; ``network`` how it is reached (its
    names, HTTPS, whether the tablet is the server)."""
    quiet_watchers()  # the engine's own loggers would log every answer when the root logger is at DEBUG
    visits = Visits(kb, engine, idle_seconds=idle_minutes * 60)
    if clock is not None:
        visits.clock = clock
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.visits = visits
    kiosk = Kiosk(kb, engine, clinic, visits, templates(network), idle_minutes, network=network)
    app.state.kiosk = kiosk
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    routes = app.router.routes  # the list itself: the routers below are added to it
    if network.tls:  # innermost: the pages see the cookie by its plain name
        app.add_middleware(guard.HostCookie, name=COOKIE)
    app.add_middleware(guard.Bodies, limit=guard.MAX_BODY, refuse=functools.partial(kiosk.refused, 413))
    app.add_middleware(guard.Heads, routes=routes, runs=runs_for_head)
    app.add_middleware(guard.Hosts, allowed=network.allowed_hosts,
                       refuse=functools.partial(kiosk.refused, 400))
    app.add_middleware(guard.Crashes, routes=routes, page=kiosk.broken)
    app.add_middleware(SecurityHeaders, hsts=network.tls)  # outermost: every answer carries them
    app.exception_handler(StarletteHTTPException)(http_problem)
    app.exception_handler(RequestValidationError)(bad_request)
    app.exception_handler(Exception)(internal)
    app.exception_handler(HeldVisit)(held)
    for router in (questions.router, results.router, downloads, handoff.router, staff.router):
        app.include_router(router)
    return app
