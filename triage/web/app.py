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
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, assert_never

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.datastructures import FormData, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from triage import educate, i18n, loader, overlay, qtypes, report, scenarios, summaries, textdoc, words
from triage.clinic import NO_CLINIC, Clinic
from triage.engine import Engine, quiet_watchers
from triage.errors import TriageError
from triage.flow import Interview
from triage.models import NOT_SURE, AnswerValue, KnowledgeBase, Question
from triage.result import Result, build
from triage.web import handoff
from triage.web.sessions import Visit, Visits, progress, same

HERE = Path(__file__).resolve().parent
COOKIE: Final = "triage_visit"
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
STATIC_CACHE: Final = "public, max-age=3600"
SHOWN_LANGUAGES: Final = {code: name for code, name in i18n.LANGUAGES.items() if code != i18n.PSEUDO}
"""The languages the welcome screen offers, each by its own name."""
DOWNLOADS: Final[dict[str, tuple[str, str]]] = {
    # format -> (file name, media type)
    "markdown": ("back-pain-summary.md", "text/markdown; charset=utf-8"),
    "json": ("back-pain-summary.json", "application/json"),
    "fhir": ("back-pain-summary.fhir.json", "application/fhir+json"),
}


def download_links() -> list[tuple[str, str, str]]:
    """(format, file name, link text) of each summary a person may download."""
    text = {"markdown": words.WEB_DOWNLOAD_MARKDOWN, "json": words.WEB_DOWNLOAD_JSON,
            "fhir": words.WEB_DOWNLOAD_FHIR}
    return [(fmt, name, text[fmt]) for fmt, (name, _) in DOWNLOADS.items()]
YES_NO: Final[dict[str, AnswerValue]] = {"yes": True, "no": False, NOT_SURE: NOT_SURE}



@dataclass(frozen=True)
class Action:
    """A way on from a message page: a link, or (``post``) a button sending the visit's form."""

    text: str
    url: str
    post: bool = False
    primary: bool = True


# --- a question as form fields, and a posted form as an answer ---------------------------
def choices(question: Question) -> list[tuple[str, str]]:
    """(value, label) of each radio button or tick box; empty for a typed number."""
    match question.type:
        case "yes_no":
            labels = dict(qtypes.yes_no_answers())
            return [(key, labels[value]) for key, value in YES_NO.items()]
        case "choice" | "multi":
            return [(option.id, option.label) for option in question.options]
        case "scale":
            low, high = question.bounds
            return [(str(n), str(n)) for n in range(low, high + 1)]
        case "number":
            return []
        case _:
            assert_never(question.type)


def control(question: Question) -> str:
    """The form control a type is answered with: radio, checkbox or text."""
    match question.type:
        case "yes_no" | "choice" | "scale":
            return "radio"
        case "multi":
            return "checkbox"
        case "number":
            return "text"
        case _:
            assert_never(question.type)


def chosen(question: Question, value: AnswerValue | None) -> set[str]:
    """The form values that show ``value`` (a previous answer) as already given."""
    if value is None:
        return set()
    match question.type:
        case "yes_no":
            return {key for key, v in YES_NO.items() if v is value or (isinstance(v, str) and v == value)}
        case "multi":
            return set(value) if isinstance(value, tuple) else set()
        case "choice" | "scale" | "number":
            return {str(value)}
        case _:
            assert_never(question.type)


@dataclass(frozen=True)
class Refusal:
    """A form that gives no usable answer, and what to do instead."""

    message: str


def choose_one() -> Refusal:
    return Refusal(words.WEB_CHOOSE_ONE)


def read_answer(question: Question, form: FormData) -> AnswerValue | Refusal:
    """The answer a posted form gives, or what to do instead."""
    raw = form.get("answer")
    text = raw if isinstance(raw, str) else ""
    match question.type:
        case "yes_no":
            return YES_NO.get(text, choose_one())
        case "choice":
            return text if text in question.option_ids else choose_one()
        case "multi":
            ticked = {v for v in form.getlist("answer") if isinstance(v, str)}
            if not ticked <= set(question.option_ids):
                return choose_one()
            return tuple(o.id for o in question.options if o.id in ticked)
        case "scale" | "number":
            if question.type == "scale" and not text:
                return choose_one()
            number = qtypes.read_number(text, *question.bounds)
            return Refusal(number) if isinstance(number, str) else number
        case _:
            assert_never(question.type)


# --- HTML -------------------------------------------------------------------------------
def _code(text: str) -> Markup:
    """Text with `ids` in backticks shown as code, everything else escaped."""
    parts = str(escape(text)).split("`")
    return Markup("".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts)))


def _blocks(blocks: list[textdoc.Block]) -> list[dict[str, Any]]:
    """Educator documents as plain data for the template (which lays them out)."""
    out: list[dict[str, Any]] = []
    for block in blocks:
        match block:
            case textdoc.Heading(text=title, depth=depth):
                out.append({"kind": "heading", "text": title, "depth": min(depth, 6)})
            case textdoc.Para(text=body, label=label):
                out.append({"kind": "para", "text": " ".join(body.split()), "label": label})
            case textdoc.Bullets(nodes=nodes, label=label):
                out.append({"kind": "bullets", "nodes": nodes, "label": label})
    return out


def templates() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["code"] = _code
    env.globals["t"] = words
    env.globals["downloads"] = download_links
    env.globals["review_notice"] = overlay.review_notice
    return env


# --- the application ----------------------------------------------------------------------
class HeldVisit(Exception):  # not an error: the tablet is held for staff
    """A request from a tablet held after an emergency: it gets the held page, whatever it asked."""

    def __init__(self, visit: Visit) -> None:
        super().__init__("held")
        self.visit = visit


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every response that does not set its own.

    A plain ASGI middleware: Starlette's ``@app.middleware("http")`` took about
    0.7 ms a request, more than a third of an answer's time in the application.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

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
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(kb: KnowledgeBase, engine: Engine, *, idle_minutes: float = 5,
               clock: Callable[[], float] | None = None, clinic: Clinic = NO_CLINIC) -> FastAPI:
    """The kiosk for one knowledge base. ``clock`` (seconds) lets tests move time on; ``clinic``
    gives the numbers every emergency page and safety net says."""
    quiet_watchers()  # the engine's own loggers would log every answer when the root logger is at DEBUG
    visits = Visits(kb, engine, idle_seconds=idle_minutes * 60)
    if clock is not None:
        visits.clock = clock
    env = templates()
    default_language = i18n.normalise(clinic.language) or i18n.active()  # a new visit's language
    localised: dict[str, KnowledgeBase] = {}

    shown: dict[str, list[scenarios.Scenario]] = {}

    def scenarios_in(language: str) -> list[scenarios.Scenario]:
        """The demonstrations, their titles in ``language`` (read once, on first use)."""
        if language not in shown:
            shown[language] = scenarios.load(kb_in(language), engine)
        return shown[language]

    def kb_in(language: str) -> KnowledgeBase:
        """The knowledge base in ``language`` (made once, on first use)."""
        if language not in localised:
            localised[language] = loader.localised(kb, language)
        return localised[language]

    minutes = f"{idle_minutes:g}"
    refresh = int(idle_minutes * 60) + 1
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.visits = visits
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def page(name: str, status: int = 200, **values: Any) -> HTMLResponse:
        values.setdefault("refresh", None)
        html = env.get_template(name).render(lang=i18n.active(), minutes=minutes,
                                             languages=SHOWN_LANGUAGES, **values)
        return HTMLResponse(html, status_code=status)

    def problem(title: str, text: str, status: int) -> HTMLResponse:
        return page("message.html", status=status, title=title, text=text)

    def expired() -> HTMLResponse:
        return problem(words.WEB_EXPIRED_TITLE, words.WEB_EXPIRED.format(minutes=minutes), 403)

    def go(url: str) -> RedirectResponse:
        return RedirectResponse(url, status_code=303)

    app.add_middleware(SecurityHeaders)

    def speak_as_asked(request: Request) -> None:
        """An error page speaks the page's language: ``?lang=``, else the visit's, else the server's."""
        if "lang" in request.query_params:
            asked_language(request)
        else:
            visit_of(request, allow_held=True)

    @app.exception_handler(StarletteHTTPException)
    async def http_problem(request: Request, exc: StarletteHTTPException) -> Response:
        speak_as_asked(request)
        if exc.status_code == 404:
            return problem(words.WEB_NOT_FOUND_TITLE, words.WEB_NOT_FOUND, 404)
        return problem(words.WEB_BAD_REQUEST_TITLE, words.WEB_BAD_REQUEST, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        speak_as_asked(request)
        return problem(words.WEB_BAD_REQUEST_TITLE, words.WEB_BAD_REQUEST, 400)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        # Starlette answers an unhandled error outside SecurityHeaders: add the headers here.
        response = problem(words.WEB_BAD_REQUEST_TITLE, words.WEB_BAD_REQUEST, 500)
        response.headers.update(SECURITY_HEADERS)
        return response

    def visit_of(request: Request, *, allow_held: bool = False) -> Visit | None:
        """The request's visit, whose language becomes the one every page is read in.

        A visit held after an emergency answers every page with the held page (only Finish,
        ``allow_held``, goes through).
        """
        visit = visits.get(request.cookies.get(COOKIE))
        i18n.activate(visit.language if visit is not None else default_language)
        if visit is not None and visit.held and not allow_held:
            raise HeldVisit(visit)
        return visit

    @app.exception_handler(HeldVisit)
    async def held(request: Request, exc: HeldVisit) -> Response:
        return page("held.html", title=words.WEB_HELD_TITLE, csrf=exc.visit.csrf,
                    closing=report.emergency_closing(clinic, staffed=True))

    def asked_language(request: Request) -> str:
        """``?lang=es`` on a page for everyone (welcome, staff pages), else the server's language."""
        chosen = i18n.normalise(request.query_params.get("lang"))
        language = chosen if chosen is not None else default_language
        i18n.activate(language)
        return language

    async def posted(request: Request, *, allow_held: bool = False) -> tuple[Visit | None, FormData]:
        """The visit a POST belongs to, if its CSRF token is right; and its form."""
        try:
            form = await request.form(max_files=0, max_fields=200)
        except Exception:  # noqa: BLE001  # any malformed body is a bad request, never a traceback
            raise StarletteHTTPException(400) from None
        visit = visit_of(request, allow_held=allow_held)
        token = form.get("csrf")
        if visit is None or not same(token if isinstance(token, str) else None, visit.csrf):
            return None, form
        return visit, form

    def question_page(visit: Visit, error: str | None = None,
                      given: set[str] | None = None, typed: str = "") -> HTMLResponse:
        interview = visit.interview
        question = interview.current
        assert question is not None
        previous = interview.previous_answer()
        ticked = given if given is not None else chosen(question, previous)
        number, total = progress(interview)
        return page(
            "question.html", status=422 if error else 200, title=question.text, question=question,
            choices=choices(question), control=control(question), ticked=ticked,
            typed=typed or (str(previous) if question.type == "number" and previous is not None else ""),
            error=error, csrf=visit.csrf, step=visit.step_token(), can_go_back=bool(interview.path),
            refresh=refresh, progress=words.WEB_PROGRESS_ABOUT.format(number=number, total=total),
            section=interview.kb.section_title(question.section),
            hint=(words.WEB_NUMBER_HINT.format(min=question.bounds[0], max=question.bounds[1])
                  if question.type == "number" else
                  words.WEB_MULTI_HINT if question.type == "multi" else None))

    def where(visit: Visit) -> str:
        """The address of the visit's current page: its question's place, or the result."""
        return "/result" if visit.interview.finished else f"/question/{visit.interview.number}"

    def visit_message(visit: Visit, title: str, text: str, actions: list[Action],
                      status: int = 200) -> HTMLResponse:
        """A message during a visit, with its ways on (and the idle reset, as every visit's page)."""
        return page("message.html", status=status, title=title, text=text,
                    actions=actions, csrf=visit.csrf, refresh=refresh)

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

    def stale(visit: Visit) -> HTMLResponse:
        """The refusal of a form left behind: nothing changes, and the way to where the visit is."""
        on = (words.WEB_GO_TO_RESULT if visit.interview.finished
              else words.WEB_GO_TO_QUESTION.format(number=visit.interview.number))
        return visit_message(visit, words.WEB_STALE_TITLE, words.WEB_STALE, [Action(on, where(visit))],
                             status=409)

    def hold_if_emergency(visit: Visit) -> None:
        """A visit that reached an emergency is never wiped by starting again: it is held for staff."""
        if visit.emergency:
            visits.hold(visit)
            raise HeldVisit(visit)

    def result_of(interview: Interview) -> Result:
        return build(interview.kb, interview.flow_result(), source="questionnaire")

    @app.get("/", response_class=HTMLResponse)
    async def welcome(request: Request) -> Response:
        current = visit_of(request)  # a held tablet stays held (HeldVisit) until staff press Finish
        if current is not None:
            hold_if_emergency(current)  # after an emergency the start page never wipes it silently
        asked = i18n.normalise(request.query_params.get("lang"))
        if current is not None and current.started:  # kept: Start asks before anything is wiped
            visit = current
            i18n.activate(asked or visit.language)
        else:  # nothing answered yet: the visit (a fresh one if there is none) in the language asked for
            language = asked or (current.language if current is not None else default_language)
            i18n.activate(language)
            visit = current if current is not None else visits.new(kb_in(language), language)
            visit.language = language
        response = page("welcome.html", title=words.WEB_WELCOME_TITLE, csrf=visit.csrf,
                        privacy=words.WEB_PRIVACY.format(minutes=minutes))
        response.set_cookie(COOKIE, visit.token, httponly=True, samesite="strict", path="/")
        return response

    @app.post("/start")
    async def start(request: Request) -> Response:
        visit, _ = await posted(request)
        if visit is None:
            return expired()
        if visit.started:  # the start page of a second tab or window: ask, never wipe
            return visit_message(visit, words.WEB_IN_PROGRESS_TITLE, words.WEB_IN_PROGRESS, [
                Action(words.WEB_CONTINUE, where(visit)),
                Action(words.WEB_START_AGAIN, "/start-again", post=True, primary=False)])
        visit.begin(kb_in(visit.language), engine)
        return go(where(visit))

    @app.get("/question", response_class=HTMLResponse)
    async def question(request: Request) -> Response:
        """The visit's current page, wherever it is (its address names the question's place)."""
        visit = visit_of(request)
        if visit is None or not visit.started:
            return go("/")
        return go(where(visit))

    @app.get("/question/{number}", response_class=HTMLResponse)
    async def question_at(request: Request, number: int) -> Response:
        """The ``number``-th question of the visit's path. An earlier one (the browser's Back button)
        moves the visit back to it, its answer filled in; a later one is not reached by an address,
        only by answering: that shows where the visit is."""
        visit = visit_of(request)
        if visit is None or not visit.started:
            return go("/")
        if number < 1:
            return problem(words.WEB_NOT_FOUND_TITLE, words.WEB_NOT_FOUND, 404)
        visit.back_to(number)
        if visit.interview.finished or number != visit.interview.number:
            return go(where(visit))
        return question_page(visit)

    @app.post("/answer")
    async def answer(request: Request) -> Response:
        visit, form = await posted(request)
        if visit is None:
            return expired()
        if not visit.started:
            return go("/")
        current = visit.interview.current
        if current is None or out_of_date(visit, form):  # never taken for another question's answer
            return stale(visit)
        value = read_answer(current, form)
        if isinstance(value, Refusal):
            raw = form.get("answer")
            typed = raw if isinstance(raw, str) else ""
            return question_page(visit, error=value.message, given={typed} if typed else set(),
                                 typed=typed[:20])
        visit.answer(value)
        return go(where(visit))

    @app.post("/back")
    async def back(request: Request) -> Response:
        visit, form = await posted(request)
        if visit is None:
            return expired()
        if not visit.started:
            return go("/")
        if out_of_date(visit, form, question_needed=False):
            return stale(visit)
        visit.back()
        return go(where(visit))

    @app.post("/language")
    async def language(request: Request) -> Response:
        """Go on in another language: every answer kept, the same question shown in it."""
        visit, form = await posted(request)
        if visit is None:
            return expired()
        raw = form.get("lang")
        chosen = i18n.normalise(raw) if isinstance(raw, str) else None
        if chosen is None:
            return visit_message(visit, words.WEB_BAD_REQUEST_TITLE, words.WEB_UNKNOWN_LANGUAGE,
                                 [Action(words.WEB_CONTINUE, where(visit))], status=400)
        visit.speak(chosen, kb_in(chosen))
        return go(where(visit) if visit.started else "/")

    @app.get("/start-again", response_class=HTMLResponse)
    async def start_again_asked(request: Request) -> Response:
        """Starting again asks first: a tap must not wipe the answers."""
        visit = visit_of(request)
        if visit is None or not visit.started:
            return go("/")
        return visit_message(visit, words.WEB_CONFIRM_TITLE, words.WEB_CONFIRM, [
            Action(words.WEB_CONFIRM_YES, "/start-again", post=True),
            Action(words.WEB_CONFIRM_NO, where(visit), primary=False)])

    @app.post("/start-again")
    async def start_again(request: Request) -> Response:
        """Wipe the visit's answers and go back to the welcome page, in the visit's language."""
        visit, _ = await posted(request)
        if visit is None:
            return expired()
        hold_if_emergency(visit)
        visits.end(visit.token)
        response = go("/" if visit.language == default_language else f"/?lang={visit.language}")
        response.delete_cookie(COOKIE, path="/")
        return response

    @app.get("/result", response_class=HTMLResponse)
    async def result(request: Request) -> Response:
        visit = visit_of(request)
        if visit is None or not visit.started:
            return go("/")
        if not visit.interview.finished:
            return go("/question")
        outcome = result_of(visit.interview)
        visit.emergency = outcome.level == "emergency"  # idle or not, it is then held for staff
        doc = report.build(visit.interview.kb, outcome, clinic=clinic, staffed=True)
        return page("result.html", title=words.WEB_RESULT_TITLE, doc=doc, csrf=visit.csrf,
                    refresh=refresh, kiosk=True, **handoff.values(visit.interview.kb, outcome, clinic))

    @app.get("/download/{fmt}")
    async def download(request: Request, fmt: str) -> Response:
        visit = visit_of(request)
        if visit is None or not visit.interview.finished or fmt not in DOWNLOADS:
            return go("/") if visit is None else problem(
                words.WEB_NOT_FOUND_TITLE, words.WEB_NOT_FOUND, 404)
        if (off := handoff.downloads_off(clinic, problem)) is not None:
            return off
        name, media = DOWNLOADS[fmt]
        body = summaries.summary(visit.interview.kb, result_of(visit.interview), fmt)
        return Response(body, media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    handoff.add_routes(app, clinic=clinic, visit_of=visit_of, result_of=result_of, page=page,
                       problem=problem, refresh=refresh)

    @app.post("/finish")
    async def finish(request: Request) -> Response:
        visit, _ = await posted(request, allow_held=True)
        if visit is None:  # a wrong token must not end anyone's visit, nor drop its cookie
            return expired()
        visits.end(visit.token)
        response = go("/")
        response.delete_cookie(COOKIE, path="/")
        return response

    # --- staff and educators: rendered from the knowledge base, no visit needed ---------------
    def staff(request: Request) -> tuple[KnowledgeBase, str]:
        """The knowledge base in the page's language, and the query that keeps it in links."""
        language = asked_language(request)
        return kb_in(language), "" if language == default_language else f"?lang={language}"

    @app.get("/staff", response_class=HTMLResponse)
    async def staff_index(request: Request) -> Response:
        """Every page for staff and educators; no page of a visit links here."""
        local, query = staff(request)
        return page("staff.html", title=words.WEB_STAFF_PAGES, query=query, questions=local.questions,
                    intro=words.WEB_STAFF_INTRO, explain=words.WEB_STAFF_EXPLAIN)

    @app.get("/red-flags", response_class=HTMLResponse)
    async def red_flags(request: Request) -> Response:
        local, _ = staff(request)
        return page("document.html", title=words.RED_FLAGS_TITLE,
                    blocks=_blocks(educate.red_flags_blocks(local)))

    @app.get("/explain/{item_id}", response_class=HTMLResponse)
    async def explain(request: Request, item_id: str) -> Response:
        local, _ = staff(request)
        try:
            educate.lookup(local, item_id)
        except TriageError as exc:  # "`zzz` is not a question, ...; did you mean `fever`?"
            text = " ".join(p.message for p in exc.problems) or words.WEB_NOT_FOUND
            return problem(words.WEB_NOT_FOUND_TITLE, text, 404)
        return page("document.html", title=words.WEB_EXPLAIN_TITLE.format(id=item_id),
                    blocks=_blocks(educate.explain_blocks(local, item_id)))

    @app.get("/demo", response_class=HTMLResponse)
    async def demos(request: Request) -> Response:
        _, query = staff(request)
        return page("demos.html", title=words.WEB_DEMOS_TITLE, scenarios=scenarios_in(i18n.active()),
                    query=query)

    @app.get("/demo/{scenario_id}/{step}", response_class=HTMLResponse)
    async def demo_step(request: Request, scenario_id: str, step: int) -> Response:
        local, query = staff(request)
        scenario = next((s for s in scenarios_in(i18n.active()) if s.id == scenario_id), None)
        if scenario is None or step < 1:
            return problem(words.WEB_NOT_FOUND_TITLE, words.WEB_NOT_FOUND, 404)
        steps = _replay(local, engine, scenario.answers)
        if step > len(steps):
            doc = report.build(local, result_of(steps[-1][0] if steps else Interview(local, engine)))
            return page("result.html", title=scenario.title, doc=doc, scenario=scenario, kiosk=False,
                        query=query)
        _, question, value = steps[step - 1]
        return page("demo_step.html", title=scenario.title, scenario=scenario, question=question,
                    answer=words.WEB_DEMO_ANSWER.format(answer=qtypes.answer_text(
                        local, question.id, value)),
                    step=step, total=len(steps), next_url=f"/demo/{scenario.id}/{step + 1}{query}")

    return app


def _replay(kb: KnowledgeBase, engine: Engine,
            answers: Mapping[str, AnswerValue]) -> list[tuple[Interview, Question, AnswerValue]]:
    """Each step of a scripted visit: (the interview after it, the question, the answer given)."""
    steps: list[tuple[Interview, Question, AnswerValue]] = []
    interview = Interview(kb, engine)
    while interview.current is not None and interview.current.id in answers:
        question = interview.current
        interview.answer(answers[question.id])
        steps.append((interview, question, answers[question.id]))
    return steps
