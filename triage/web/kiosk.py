"""What every page of the kiosk shares: its settings, the open visits, and the ways a page answers.

:func:`triage.web.app.create_app` makes one :class:`Kiosk` and keeps it in
``app.state.kiosk``; each route asks for it as a parameter annotated
:data:`KioskState` (a FastAPI dependency, :func:`kiosk_of`), so a route
module holds no state of its own. A :class:`Kiosk` renders the pages
(:meth:`Kiosk.page`), finds the visit a request belongs to and the language
it is read in (:meth:`Kiosk.visit_of`), checks a POST's CSRF token
(:meth:`Kiosk.posted`), and holds the knowledge base in each language, made
once on first use.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Hashable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Annotated, Any, Final, cast
from weakref import WeakKeyDictionary

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException

from triage import i18n, loader, pipeline, report, scenarios, words
from triage.clinic import Clinic
from triage.engine import Engine
from triage.flow import Interview
from triage.models import AnswerValue, KnowledgeBase, Question
from triage.result import Result
from triage.web import sessions
from triage.web.guard import MAX_FIELD, MAX_FIELDS, REPEATABLE
from triage.web.network import LOCAL, Network
from triage.web.sessions import Gone, KioskFull, Visit, Visits, is_welcome, same, welcome_nonce

COOKIE: Final = "triage_visit"
"""The cookie that holds a visit's token (HttpOnly, SameSite=Strict); before a visit begins, the welcome
page's random value (:func:`triage.web.sessions.welcome_nonce`)."""
RETRY_AFTER_SECONDS: Final = 60
"""When the busy page asks the browser to try again (``Retry-After``)."""
_GONE: ContextVar[Gone] = ContextVar("gone", default=Gone.NOT_STARTED)
"""Why this request found no visit (or, ``FORM``, found one): set by :meth:`Kiosk.visit_of` and
:meth:`Kiosk.begin`, said by :meth:`Kiosk.expired`. Each request runs in its own context."""
SHOWN_LANGUAGES: Final = i18n.offered()
"""The languages the welcome screen offers, each by its own name."""


@dataclass(frozen=True)
class Action:
    """A way on from a message page: a link, or (``post``) a button sending the visit's form."""

    text: str
    url: str
    post: bool = False
    primary: bool = True


class HeldVisit(Exception):  # not an error: the tablet is held for staff
    """A request from a tablet held after an emergency: it gets the held page, whatever it asked."""

    def __init__(self, visit: Visit) -> None:
        super().__init__("held")
        self.visit = visit


def go(url: str) -> RedirectResponse:
    """On to ``url``, as a browser follows a form's answer (303: the next request is a GET)."""
    return RedirectResponse(url, status_code=303)


def where(visit: Visit) -> str:
    """The address of the visit's current page: its question's place, or the result."""
    return "/result" if visit.interview.finished else f"/question/{visit.interview.number}"


_RESULTS: WeakKeyDictionary[Interview, tuple[Hashable, Result]] = WeakKeyDictionary()


def result_of(interview: Interview) -> Result:
    """The result of the answers so far, as every output lays it out: worked out once for a visit's
    answers and language, whichever pages then show it (the result, the printout, a download)."""
    answers = interview.path_answers()
    key = (id(interview.kb), i18n.active(), tuple(interview.path), tuple(answers.items()))
    kept = _RESULTS.get(interview)
    if kept is not None and kept[0] == key:
        return kept[1]
    result = pipeline.assess(interview.kb, answers, source="questionnaire", engine=interview.engine)
    _RESULTS[interview] = (key, result)
    return result


def out_of_date(visit: Visit, form: FormData, *, question_needed: bool = True) -> bool:
    """Whether a question's form was shown at another step than the visit's current one (another
    tab or window has moved the visit on). A form naming no step (a client of its own) names its
    question instead; ``question_needed`` False: the form may name neither (a step back)."""
    step = form.get("step")
    if step is not None:
        return not (isinstance(step, str) and same(step, visit.step_token()))
    named = form.get("question")
    if named is None and not question_needed:
        return False
    current = visit.interview.current
    return current is None or named != current.id


@dataclass(frozen=True)
class DemoPlay:
    """A demonstration played through: each question with the answer given, then the result."""

    steps: tuple[tuple[Question, AnswerValue], ...]
    doc: report.Report


@dataclass
class Kiosk:
    """The kiosk for one knowledge base: what every route needs, made once by ``create_app``."""

    kb: KnowledgeBase
    engine: Engine
    clinic: Clinic
    """Its numbers on every emergency page and safety net, its hand-off and its language."""
    visits: Visits
    env: Environment
    """The pages' templates (:func:`triage.web.app.templates`)."""
    idle_minutes: float
    network: Network = LOCAL
    """How the kiosk is reached: what the privacy notice says, and the clinic's note on every page."""
    default_language: str = field(init=False)
    """A new visit's language: the clinic's, else the server's when the kiosk is made."""
    _localised: dict[str, KnowledgeBase] = field(default_factory=dict)
    _scenarios: dict[str, list[scenarios.Scenario]] = field(default_factory=dict)
    _played: dict[tuple[str, str], DemoPlay] = field(default_factory=dict)

    @staticmethod
    def of(request: Request) -> Kiosk:
        """The kiosk the request came to (``app.state.kiosk``)."""
        return cast(Kiosk, request.app.state.kiosk)

    def __post_init__(self) -> None:
        self.visits.localise = self.kb_in  # a visit rebuilt from its state: the same knowledge bases
        self.default_language = i18n.normalise(self.clinic.language) or i18n.active()

    @property
    def minutes(self) -> str:
        """The idle time, as the pages say it: "5", "2.5"."""
        return f"{self.idle_minutes:g}"

    @property
    def refresh(self) -> int:
        """Seconds after which a visit's page reloads itself, just after the visit has gone idle."""
        return int(self.idle_minutes * 60) + 1

    # --- the knowledge base in each language ---------------------------------------------------------
    def kb_in(self, language: str) -> KnowledgeBase:
        """The knowledge base in ``language`` (made once, on first use)."""
        if language not in self._localised:
            self._localised[language] = loader.localised(self.kb, language)
        return self._localised[language]

    def scenarios_in(self, language: str) -> list[scenarios.Scenario]:
        """The demonstrations, their titles in ``language`` (read once, on first use)."""
        if language not in self._scenarios:
            self._scenarios[language] = scenarios.load(self.kb_in(language), self.engine)
        return self._scenarios[language]

    def demo(self, language: str, scenario: scenarios.Scenario) -> DemoPlay:
        """A demonstration in ``language``, played once on first use, whichever step is asked for."""
        key = (language, scenario.id)
        if key not in self._played:
            kb = self.kb_in(language)
            interview = Interview(kb, self.engine)
            steps: list[tuple[Question, AnswerValue]] = []
            while interview.current is not None and interview.current.id in scenario.answers:
                question = interview.current
                interview.answer(scenario.answers[question.id])
                steps.append((question, scenario.answers[question.id]))
            result = pipeline.assess(kb, interview.path_answers(), source="questionnaire", engine=self.engine)
            self._played[key] = DemoPlay(tuple(steps), report.build(kb, result))
        return self._played[key]

    # --- pages -----------------------------------------------------------------------------------------
    def page(self, name: str, status: int = 200, **values: Any) -> HTMLResponse:
        """The template ``name``, in the active language, with ``values``."""
        values.setdefault("refresh", None)
        html = self.env.get_template(name).render(lang=i18n.active(), minutes=self.minutes,
                                                  languages=SHOWN_LANGUAGES, **values)
        return HTMLResponse(html, status_code=status)

    def problem(self, title: str, text: str, status: int) -> HTMLResponse:
        return self.page("message.html", status=status, title=title, text=text)

    def not_found(self) -> HTMLResponse:
        return self.problem(words.WEB_NOT_FOUND_TITLE, words.WEB_NOT_FOUND, 404)

    def too_large(self) -> HTMLResponse:
        """A body or a field longer than any form of the kiosk sends (:mod:`triage.web.guard`)."""
        return self.problem(words.WEB_TOO_LARGE_TITLE, words.WEB_TOO_LARGE, 413)

    def broken(self) -> HTMLResponse:
        """A bug's page: plain, with nothing of the error (:class:`triage.web.guard.Crashes`)."""
        return self.problem(words.WEB_BAD_REQUEST_TITLE, words.WEB_BAD_REQUEST, 500)

    def refused(self, status: int) -> HTMLResponse:
        """The page of a request refused before any visit is looked for (:mod:`triage.web.guard`), in
        the kiosk's language: 400, a ``Host`` it does not answer to (no link: it would lead to the same
        name); 413, a body longer than the kiosk reads."""
        i18n.activate(self.default_language)
        if status == 413:
            return self.too_large()
        return self.page("message.html", status=status, title=words.WEB_WRONG_HOST_TITLE,
                         text=words.WEB_WRONG_HOST, alone=True)

    def expired(self) -> HTMLResponse:
        """A POST whose visit is gone or whose CSRF token is wrong, saying which (:data:`_GONE`: what
        :meth:`visit_of` found for this request): gone idle, the kiosk restarted, no visit begun, or a
        form not of the open visit's pages."""
        gone = _GONE.get()
        text = {Gone.IDLE: words.WEB_EXPIRED_IDLE.format(minutes=self.minutes),
                Gone.RESTARTED: words.WEB_EXPIRED_RESTARTED,
                Gone.NOT_STARTED: words.WEB_EXPIRED_NOT_STARTED,
                Gone.START_TOO_OLD: words.WEB_EXPIRED_START.format(hours=sessions.WELCOME_SECONDS // 3600),
                Gone.FORM: words.WEB_EXPIRED_FORM}[gone]
        return self.problem(words.WEB_EXPIRED_TITLE, text, 403)

    def busy(self) -> HTMLResponse:
        """No visit can begin: as many are open as the kiosk keeps, and none is wiped to make room."""
        response = self.problem(words.WEB_BUSY_TITLE, words.WEB_BUSY, 503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    def held(self, visit: Visit) -> HTMLResponse:
        """The page of a tablet held after an emergency, until staff press Finish."""
        return self.page("held.html", title=words.WEB_HELD_TITLE, csrf=visit.csrf,
                         closing=report.emergency_closing(self.clinic, staffed=True))

    def visit_message(self, visit: Visit, title: str, text: str, actions: list[Action],
                      status: int = 200) -> HTMLResponse:
        """A message during a visit, with its ways on (and the idle reset, as every visit's page)."""
        return self.page("message.html", status=status, title=title, text=text,
                         actions=actions, csrf=visit.csrf, refresh=self.refresh)

    def stale(self, visit: Visit) -> HTMLResponse:
        """The refusal of a form left behind: nothing changes, and the way to where the visit is."""
        on = (words.WEB_GO_TO_RESULT if visit.interview.finished
              else words.WEB_GO_TO_QUESTION.format(number=visit.interview.number))
        return self.visit_message(visit, words.WEB_STALE_TITLE, words.WEB_STALE, [Action(on, where(visit))],
                                  status=409)

    # --- the visit a request belongs to, and its language ----------------------------------------------
    def finished_visit(self, request: Request) -> Visit | RedirectResponse:
        """The request's visit once its questions are all answered; else the way to where it is (the
        welcome page for no visit, its question for one not yet finished)."""
        visit = self.visit_of(request)
        if visit is None or not visit.started:
            return go("/")
        if not visit.interview.finished:
            return go("/question")
        return visit

    def visit_of(self, request: Request, *, allow_held: bool = False) -> Visit | None:
        """The request's visit, whose language becomes the one every page is read in.

        A visit held after an emergency answers every page with the held page (only Finish,
        ``allow_held``, goes through).
        """
        token = request.cookies.get(COOKIE)
        visit = self.visits.get(token)
        _GONE.set(Gone.FORM if visit is not None else self.visits.why_gone(token))
        if visit is not None:
            request.state.visit = visit  # what the request changes in it is kept (:meth:`keep`)
        i18n.activate(visit.language if visit is not None else self.default_language)
        if visit is not None and visit.held and not allow_held:
            raise HeldVisit(visit)
        return visit

    def welcome(self, request: Request, language: str) -> tuple[str, str | None]:
        """The welcome form's token for a browser with no visit, starting one in ``language``; and the
        random value to set in its cookie, when the cookie does not hold one already (nothing is kept)."""
        cookie = request.cookies.get(COOKIE)
        nonce = cookie if cookie is not None and is_welcome(cookie) else welcome_nonce()
        return self.visits.welcome_token(nonce, language), None if nonce == cookie else nonce

    async def begin(self, request: Request) -> Visit | HTMLResponse:
        """A visit begun by the welcome form of a browser with none, started in the language the form
        was made for; or the page saying why it cannot begin (the expired page, or the busy page).

        The body is read only when the cookie holds the welcome page's random value: a request without
        one is refused unread, as every stranger's is."""
        cookie = request.cookies.get(COOKIE)
        form = await read_form(request) if is_welcome(cookie) else FormData()
        token = form.get("csrf")
        language = self.visits.welcomed(cookie, token if isinstance(token, str) else None)
        if isinstance(language, Gone):
            _GONE.set(language)
            i18n.activate(self.default_language)
            if language is Gone.START_TOO_OLD and cookie is not None:  # the browser's own form: Start again
                return self._start_again(cookie, str(token))
            return self.expired()
        i18n.activate(language)
        try:
            visit = self.visits.new(self.kb_in(language), language)
        except KioskFull:
            return self.busy()
        visit.begin(self.kb_in(language), self.engine)
        request.state.visit = visit
        return visit

    def _start_again(self, nonce: str, token: str) -> HTMLResponse:
        """The expired page of a welcome form left open too long (``token``), in its language, with
        a Start button of its own."""
        asked = i18n.normalise(token.split(".")[2]) or self.default_language
        i18n.activate(asked)
        fresh = self.visits.welcome_token(nonce, asked)
        return self.page("message.html", status=403, title=words.WEB_EXPIRED_TITLE,
                         text=words.WEB_EXPIRED_START.format(hours=sessions.WELCOME_SECONDS // 3600),
                         actions=[Action(words.WEB_START, "/start", post=True)], csrf=fresh)

    def keep(self, request: Request) -> None:
        """Save what the request changed in its visit, before its response is sent (:func:`kiosk_of`)."""
        visit = getattr(request.state, "visit", None)
        if isinstance(visit, Visit):
            self.visits.keep(visit)

    def asked_language(self, request: Request) -> str:
        """``?lang=es`` on a page for everyone (welcome, staff pages), else the server's language."""
        chosen = i18n.normalise(request.query_params.get("lang"))
        language = chosen if chosen is not None else self.default_language
        i18n.activate(language)
        return language

    def speak_as_asked(self, request: Request) -> None:
        """An error page speaks the page's language: ``?lang=``, else the visit's, else the server's."""
        if "lang" in request.query_params:
            self.asked_language(request)
        else:
            self.visit_of(request, allow_held=True)

    async def posted(self, request: Request, *, allow_held: bool = False) -> tuple[Visit | None, FormData]:
        """The visit a POST belongs to, if its CSRF token is right; and its form.

        A stranger's body is never read: the cookie's visit comes first, and without one the form is
        not parsed (an empty one is returned). Only then is the form read (:func:`read_form`: a body
        the guard has already bounded, each field checked), and last its token compared.
        """
        visit = self.visit_of(request, allow_held=allow_held)
        if visit is None:
            return None, FormData()
        form = await read_form(request)
        token = form.get("csrf")
        if visit is None or not same(token if isinstance(token, str) else None, visit.csrf):
            return None, form
        return visit, form

    def hold_if_emergency(self, visit: Visit) -> None:
        """A visit that reached an emergency is never wiped by starting again: it is held for staff."""
        if visit.emergency:
            self.visits.hold(visit)
            raise HeldVisit(visit)


async def read_form(request: Request) -> FormData:
    """A POST's form, refused (400) when malformed or when a field other than :data:`REPEATABLE`
    comes twice (``csrf=wrong&csrf=right`` must not let either through), and (413) when a field is
    longer than :data:`MAX_FIELD` or the body passes the guard's limit as it comes in."""
    try:
        form = await request.form(max_files=0, max_fields=MAX_FIELDS)
    except StarletteHTTPException:  # the body passed the limit as it came in (413)
        raise
    except Exception:  # noqa: BLE001  # any malformed body is a bad request, never a traceback
        raise StarletteHTTPException(400) from None
    fields = form.multi_items()
    names = [name for name, _ in fields]
    if any(names.count(name) > 1 for name in set(names) - REPEATABLE):
        raise StarletteHTTPException(400)
    if any(not isinstance(value, str) or len(value) > MAX_FIELD for _, value in fields):
        raise StarletteHTTPException(413)
    return form


async def kiosk_of(request: Request) -> AsyncIterator[Kiosk]:
    """The kiosk the request came to, as a dependency; once the route has answered, and before the
    answer is sent, what the request changed in its visit is kept (:meth:`Kiosk.keep`), so that the
    next request finds it, whichever process of the kiosk it comes to. Asynchronous: FastAPI runs it
    in the request's own task, not in a thread of its pool."""
    kiosk = Kiosk.of(request)
    try:
        yield kiosk
    finally:  # a visit held (HeldVisit) is kept too
        kiosk.keep(request)


KioskState = Annotated[Kiosk, Depends(kiosk_of, scope="function")]
"""A route's parameter for the kiosk it belongs to."""
