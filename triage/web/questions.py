"""A visit's pages up to its result: the welcome page, Start, each question, Back, the language, Start again.

Each question of a visit has its own address, ``/question/N`` (its place on the
person's path, nothing about an answer). An answer is posted and redirected to
the next address, so the browser's Back button asks for the previous one, and
asking for an earlier place moves the visit back to it with its answer filled
in. A form left behind in another tab is refused (409) with a page saying
where the visit is now; the start page never wipes a visit in progress without
asking.

A question is asked with the form control of its type (:data:`WIDGETS`); what
the control lists, shows as given and reads back is the type's own
(:mod:`triage.qtypes`).

The welcome page begins nothing: a visit begins when its form is posted to
Start (:meth:`triage.web.kiosk.Kiosk.begin`, which says why when it cannot).
The router's lifespan sweeps the visits gone idle while the kiosk runs
(:func:`sweeping`), so that no answer outlives its idle time in memory for
want of a request.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Final, Literal

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from triage import i18n, qtypes, words
from triage.models import Question
from triage.web import sessions
from triage.web.kiosk import COOKIE, Action, Kiosk, KioskState, go, out_of_date, where
from triage.web.sessions import Visit, progress


# --- a question as form fields ---------------------------------------------------------------------
@dataclass(frozen=True)
class Widget:
    """How the kiosk asks a question type: its form control, and a class for its list of choices."""

    control: Literal["radio", "checkbox", "text"]
    layout: str = ""
    """A class of the list of choices besides ``choices`` (``scale``: its numbers in a row)."""


WIDGETS: Final[dict[str, Widget]] = qtypes.for_every_type({
    "yes_no": Widget("radio"),
    "number": Widget("text"),
    "scale": Widget("radio", layout="scale"),
    "choice": Widget("radio"),
    "multi": Widget("checkbox"),
}, "kiosk widgets")
"""Question type -> the kiosk's form control for it."""

HINTS: Final[dict[qtypes.Hint, Callable[[Question], str]]] = {
    "bounds": lambda question: words.WEB_NUMBER_HINT.format(min=question.bounds[0], max=question.bounds[1]),
    "several": lambda question: words.WEB_MULTI_HINT,
}
"""A type's hint (:attr:`triage.qtypes.QType.hint`) in the kiosk's words, for a question."""


def widget(question: Question) -> Widget:
    """The form control ``question`` is asked with; an unknown type's message names the valid ones."""
    return qtypes.entry(WIDGETS, question.type)


def question_page(kiosk: Kiosk, visit: Visit, error: str | None = None,
                  given: set[str] | None = None, typed: str = "") -> HTMLResponse:
    """The visit's current question; after a refused answer, ``error`` with what was sent kept."""
    interview = visit.interview
    question = interview.current
    assert question is not None
    qtype = qtypes.of(question)
    shown = widget(question)
    before = qtype.keys_of(question, interview.previous_answer())
    number, total = progress(interview)
    return kiosk.page(
        "question.html", status=422 if error else 200, title=question.text, question=question,
        choices=qtype.choices(question), control=shown.control, layout=shown.layout,
        ticked=given if given is not None else set(before),
        typed=typed or (before[0] if qtype.typed and before else ""),
        error=error, csrf=visit.csrf, step=visit.step_token(), can_go_back=bool(interview.path),
        refresh=kiosk.refresh, progress=words.WEB_PROGRESS_ABOUT.format(number=number, total=total),
        section=interview.kb.section_title(question.section),
        hint=HINTS[qtype.hint](question) if qtype.hint is not None else None)


# --- the routes ------------------------------------------------------------------------------------
@contextlib.asynccontextmanager
async def sweeping(app: FastAPI) -> AsyncIterator[None]:
    """While the kiosk runs, the visits gone idle are wiped every few seconds
    (:meth:`triage.web.sessions.Visits.sweep_every`). The application runs this router's lifespan
    with its own (FastAPI merges the lifespans of the routers it includes)."""
    kiosk: Kiosk = app.state.kiosk
    sweeper = asyncio.create_task(kiosk.visits.sweep_every())
    try:
        yield
    finally:
        sweeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sweeper


router = APIRouter(lifespan=sweeping)


@router.get("/", response_class=HTMLResponse)
async def welcome(request: Request, kiosk: KioskState) -> Response:
    """The first screen. It begins no visit: its form does, posted to Start (:func:`start`)."""
    current = kiosk.visit_of(request)  # a held tablet stays held (HeldVisit) until staff press Finish
    if current is not None:
        kiosk.hold_if_emergency(current)  # after an emergency the start page never wipes it silently
    asked = i18n.normalise(request.query_params.get("lang"))
    nonce = None
    if current is not None:  # kept: Start asks before anything is wiped
        i18n.activate(asked or current.language)
        csrf = current.csrf
    else:  # no visit: the form's token, bound to the browser's cookie, begins one in this language
        language = asked or kiosk.default_language
        i18n.activate(language)
        csrf, nonce = kiosk.welcome(request, language)
    response = kiosk.page("welcome.html", title=words.WEB_WELCOME_TITLE, csrf=csrf,
                          privacy=words.WEB_PRIVACY.format(minutes=kiosk.minutes))
    if nonce is not None:
        response.set_cookie(COOKIE, nonce, httponly=True, samesite="strict", path="/")
    return response


@router.post("/start")
async def start(request: Request, kiosk: KioskState) -> Response:
    """Begin a visit (the welcome page's form), or, with one in progress, ask before wiping it."""
    visit, form = await kiosk.posted(request)
    sent = form.get("csrf")
    if visit is None and sessions.is_welcome_token(sent):  # a start page shown before the visit began
        visit = kiosk.visit_of(request)
    if visit is not None:  # the start page of a second tab or window: ask, never wipe
        return kiosk.visit_message(visit, words.WEB_IN_PROGRESS_TITLE, words.WEB_IN_PROGRESS, [
            Action(words.WEB_CONTINUE, where(visit)),
            Action(words.WEB_START_AGAIN, "/start-again", post=True, primary=False)])
    if kiosk.visit_of(request) is not None:  # a visit is open, but the form is not one of its pages
        return kiosk.expired()
    begun = await kiosk.begin(request)
    if not isinstance(begun, Visit):
        return begun
    response = go(where(begun))
    response.set_cookie(COOKIE, begun.token, httponly=True, samesite="strict", path="/")
    return response


@router.get("/question", response_class=HTMLResponse)
async def question(request: Request, kiosk: KioskState) -> Response:
    """The visit's current page, wherever it is (its address names the question's place)."""
    visit = kiosk.visit_of(request)
    if visit is None or not visit.started:
        return go("/")
    return go(where(visit))


@router.get("/question/{number}", response_class=HTMLResponse)
async def question_at(request: Request, kiosk: KioskState, number: int) -> Response:
    """The ``number``-th question of the visit's path. An earlier one (the browser's Back button)
    moves the visit back to it, its answer filled in; a later one is not reached by an address,
    only by answering: that shows where the visit is."""
    visit = kiosk.visit_of(request)
    if visit is None or not visit.started:
        return go("/")
    if number < 1:
        return kiosk.not_found()
    visit.back_to(number)
    if visit.interview.finished or number != visit.interview.number:
        return go(where(visit))
    return question_page(kiosk, visit)


@router.post("/answer")
async def answer(request: Request, kiosk: KioskState) -> Response:
    visit, form = await kiosk.posted(request)
    if visit is None:
        return kiosk.expired()
    if not visit.started:
        return go("/")
    current = visit.interview.current
    if current is None or out_of_date(visit, form):  # never taken for another question's answer
        return kiosk.stale(visit)
    sent = [value for value in form.getlist("answer") if isinstance(value, str)]
    value = qtypes.of(current).read_keys(current, sent)
    if isinstance(value, qtypes.Refused):
        raw = form.get("answer")
        typed = raw if isinstance(raw, str) else ""
        return question_page(kiosk, visit, error=value.message, given={typed} if typed else set(),
                             typed=typed[:20])
    visit.answer(value)
    return go(where(visit))


@router.post("/back")
async def back(request: Request, kiosk: KioskState) -> Response:
    visit, form = await kiosk.posted(request)
    if visit is None:
        return kiosk.expired()
    if not visit.started:
        return go("/")
    if out_of_date(visit, form, question_needed=False):
        return kiosk.stale(visit)
    visit.back()
    return go(where(visit))


@router.post("/language")
async def language(request: Request, kiosk: KioskState) -> Response:
    """Go on in another language: every answer kept, the same question shown in it."""
    visit, form = await kiosk.posted(request)
    if visit is None:
        return kiosk.expired()
    raw = form.get("lang")
    chosen = i18n.normalise(raw) if isinstance(raw, str) else None
    if chosen is None:
        return kiosk.visit_message(visit, words.WEB_BAD_REQUEST_TITLE, words.WEB_UNKNOWN_LANGUAGE,
                                   [Action(words.WEB_CONTINUE, where(visit))], status=400)
    visit.speak(chosen, kiosk.kb_in(chosen))
    return go(where(visit))


@router.get("/start-again", response_class=HTMLResponse)
async def start_again_asked(request: Request, kiosk: KioskState) -> Response:
    """Starting again asks first: a tap must not wipe the answers."""
    visit = kiosk.visit_of(request)
    if visit is None or not visit.started:
        return go("/")
    return kiosk.visit_message(visit, words.WEB_CONFIRM_TITLE, words.WEB_CONFIRM, [
        Action(words.WEB_CONFIRM_YES, "/start-again", post=True),
        Action(words.WEB_CONFIRM_NO, where(visit), primary=False)])


@router.post("/start-again")
async def start_again(request: Request, kiosk: KioskState) -> Response:
    """Wipe the visit's answers and go back to the welcome page, in the visit's language."""
    visit, _ = await kiosk.posted(request)
    if visit is None:
        return kiosk.expired()
    kiosk.hold_if_emergency(visit)
    kiosk.visits.end(visit.token)
    response = go("/" if visit.language == kiosk.default_language else f"/?lang={visit.language}")
    response.delete_cookie(COOKIE, path="/")
    return response
