"""Moving about a visit at the kiosk, over HTTP: addresses, Back, progress, starting again,
languages, forms left behind in another tab, a second start page, and the staff's own pages.

Each question of a visit has its own address (``/question/N``, its place on the path); an answer
is posted and redirected to the next one, so the browser's Back button asks for the previous
address, which moves the visit back with its answer filled in. Driven in-process with Starlette's
test client; ``tests/test_web_navigation_browser.py`` does the same in Chromium.
"""

from __future__ import annotations

import html
import random
import re
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import pairwise
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from triage import conditions, constants, i18n, loader
from triage.clinic import Clinic
from triage.engine import Engine
from triage.flow import Interview
from triage.models import NOT_SURE, AnswerValue, KnowledgeBase, Question
from triage.terminal import examples
from triage.web.app import COOKIE, create_app
from triage.web.sessions import Visit, progress

with warnings.catch_warnings():  # Starlette 1.x suggests httpx2 for its test client; httpx still works
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

FIELD = re.compile(r'name="(csrf|question|step)" value="([^"]*)"')
PROGRESS = re.compile(r'<p class="progress">Question (\d+) of about (\d+)')
LINKS = re.compile(r'(?:href|action|formaction)="([^"]*)"')
STAFF_ONLY = ("/staff", "/red-flags", "/demo", "/explain")
"""The addresses of the pages for staff and educators."""
CHECKLIST = "before_needling"
"""Asked last when acupuncture may be discussed; an answer set that leaves it out ticks nothing."""

CHILD: dict[str, AnswerValue] = {
    "age": 12, "recent_trauma": False, "saddle_numbness": False, "bladder_bowel_change": False,
    "both_legs_symptoms": False, "tearing_pain": False, "chest_symptoms": False, "leg_weakness": False,
    "walking_difficulty": False, "fever": False, "pregnant": False, "immune_risk": False,
    "history_of_cancer": False, "unexplained_weight_loss": False, "night_pain": False,
    "pain_duration": "1_to_6_weeks",
}
"""Under 16: the adults' sections are gated off."""
FLANK: dict[str, AnswerValue] = {
    **examples.BENIGN, "pain_location": ("lower_back", "side_flank"),
    "previous_kidney_stones": True, "pain_comes_in_waves": False, "blood_in_urine": False,
}
"""Pain in the side as well: the kidney-stone questions are gated on."""
NO_PERIODS: dict[str, AnswerValue] = {**FLANK, "has_periods": False}
"""Flank questions gated on, the questions about periods gated off."""


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def words(text: str) -> str:
    return " ".join(text.split())


def form_values(question: Question, value: AnswerValue) -> list[str]:
    if question.type == "yes_no":
        return ["yes" if value is True else "no" if value is False else NOT_SURE]
    if isinstance(value, tuple | list):
        return [str(v) for v in value]
    return [str(value)]


@dataclass
class Tablet:
    """One browser tab at the kiosk: the page it shows, and the forms on it."""

    kb: KnowledgeBase
    client: TestClient
    page: httpx.Response | None = None
    seen: list[httpx.Response] = field(default_factory=list)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        self.page = self.client.get(url, **kwargs)
        self.seen += [*self.page.history, self.page]
        return self.page

    def post(self, url: str, data: Mapping[str, Any], **kwargs: Any) -> httpx.Response:
        self.page = self.client.post(url, data=data, **kwargs)
        self.seen += [*self.page.history, self.page]
        return self.page

    def fields(self) -> dict[str, str]:
        """The hidden fields of the page shown (its CSRF token, question and step)."""
        assert self.page is not None
        return dict(FIELD.findall(self.page.text))

    @property
    def question(self) -> str | None:
        return self.fields().get("question")

    @property
    def token(self) -> str:
        return str(self.client.cookies[COOKIE])

    def start(self) -> httpx.Response:
        self.get("/")
        page = self.post("/start", {"csrf": self.fields()["csrf"]})
        assert page.url.path == "/question/1", text_of(page.text)
        return page

    def answer(self, value: AnswerValue, *, form: Mapping[str, str] | None = None) -> httpx.Response:
        """Send the page's question form (or ``form``, the fields of another page) with ``value``."""
        fields = dict(form if form is not None else self.fields())
        question = self.kb.question(fields["question"])
        return self.post("/answer", {**fields, "answer": form_values(question, value)})

    def play(self, answers: Mapping[str, AnswerValue], *, until: str | None = None) -> list[str]:
        """Answer page after page from ``answers`` until the result (or ``until``'s page)."""
        asked: list[str] = []
        while (qid := self.question) is not None and qid != until:
            asked.append(qid)
            self.answer(() if qid == CHECKLIST and qid not in answers else answers[qid])
            assert len(asked) <= len(self.kb.questions)
        return asked

    def shown(self) -> tuple[int, int]:
        """(N, M) of the page's "Question N of about M"."""
        assert self.page is not None
        found = PROGRESS.search(self.page.text)
        assert found, text_of(self.page.text)
        return int(found.group(1)), int(found.group(2))

    def checked(self) -> set[str]:
        assert self.page is not None
        return set(re.findall(r'name="answer" value="([^"]+)" checked', self.page.text))


@pytest.fixture(scope="module")
def app(kb: KnowledgeBase, engine: Engine) -> FastAPI:
    return create_app(kb, engine)


@pytest.fixture
def tablet(kb: KnowledgeBase, app: FastAPI) -> Iterator[Tablet]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Tablet(kb, client)


def visit_of(app: FastAPI, tablet: Tablet) -> Visit:
    visit: Visit | None = app.state.visits.get(tablet.token)
    assert visit is not None
    return visit


def state(visit: Visit) -> tuple[dict[str, AnswerValue], list[str], str | None]:
    current = visit.interview.current
    return dict(visit.interview.answers), list(visit.interview.path), current.id if current else None


# --- each question at its own address --------------------------------------------------------
def test_each_question_has_its_own_address_and_an_answer_goes_on_to_the_next(tablet: Tablet) -> None:
    tablet.start()
    for number, qid in enumerate(["age", "recent_trauma", "saddle_numbness"], start=1):
        assert tablet.question == qid
        assert tablet.page is not None and tablet.page.url.path == f"/question/{number}"
        fields = tablet.fields()
        assert fields["step"].endswith(f".{qid}")
        sent = tablet.post("/answer", {**fields, "answer": form_values(
            tablet.kb.question(qid), examples.BENIGN[qid])}, follow_redirects=False)
        assert (sent.status_code, sent.headers["location"]) == (303, f"/question/{number + 1}")
        tablet.get(sent.headers["location"])
        assert tablet.page.headers["cache-control"] == "no-store"  # Back asks the server again
    assert tablet.get("/question", follow_redirects=False).headers["location"] == "/question/4"


def test_an_earlier_address_moves_the_visit_back_with_its_answer_filled_in(
        tablet: Tablet, app: FastAPI) -> None:
    tablet.start()
    tablet.play(examples.BENIGN, until="bladder_bowel_change")  # three answered
    visit = visit_of(app, tablet)

    page = tablet.get("/question/3")  # the browser's Back button
    assert page.status_code == 200 and page.url.path == "/question/3"
    assert tablet.question == "saddle_numbness"
    assert tablet.checked() == {"no"}, "the answer given is filled in"
    assert state(visit) == ({"age": 38, "recent_trauma": False, "saddle_numbness": False},
                            ["age", "recent_trauma"], "saddle_numbness")

    tablet.get("/question/1")  # and further back: the number typed is filled in
    assert tablet.question == "age" and 'value="38"' in tablet.page.text  # type: ignore[union-attr]
    tablet.get("/question/3")  # a later address is reached by answering only: where the visit is
    assert tablet.page.url.path == "/question/1"  # type: ignore[union-attr]

    tablet.answer(40)
    tablet.answer(False)
    assert tablet.question == "saddle_numbness" and tablet.checked() == {"no"}
    tablet.answer(NOT_SURE)  # answered differently this time, and on
    assert tablet.page.url.path == "/question/4" and tablet.question == "bladder_bowel_change"  # type: ignore[union-attr]
    assert visit.interview.answers["saddle_numbness"] == NOT_SURE
    assert visit.interview.answers["age"] == 40


def test_an_address_of_a_later_place_changes_nothing(tablet: Tablet, app: FastAPI) -> None:
    tablet.start()
    tablet.play(examples.BENIGN, until="saddle_numbness")
    before = state(visit_of(app, tablet))
    for number in (3, 4, 40, 10**30):
        response = tablet.get(f"/question/{number}", follow_redirects=False)
        assert response.status_code == (200 if number == 3 else 303), number
        if number != 3:
            assert response.headers["location"] == "/question/3"
    assert state(visit_of(app, tablet)) == before


def test_from_the_result_back_goes_to_the_last_question(tablet: Tablet, app: FastAPI) -> None:
    tablet.start()
    asked = tablet.play({**examples.BENIGN, "saddle_numbness": True})  # an emergency: the result
    assert tablet.page is not None and tablet.page.url.path == "/result"
    tablet.get(f"/question/{len(asked)}")
    assert tablet.question == "saddle_numbness" and tablet.checked() == {"yes"}
    tablet.answer(False)
    assert tablet.question == "bladder_bowel_change"
    assert not visit_of(app, tablet).interview.finished


def test_a_visit_not_started_has_no_question_addresses(tablet: Tablet) -> None:
    for url in ("/question", "/question/1", "/question/7", "/start-again"):
        assert tablet.get(url, follow_redirects=False).headers["location"] == "/", url
    tablet.get("/")
    for url in ("/question/1", "/start-again"):
        assert tablet.get(url, follow_redirects=False).headers["location"] == "/", url


# --- progress ----------------------------------------------------------------------------------
def _fraction_never_falls(steps: list[tuple[int, int]]) -> None:
    for (n0, m0), (n1, m1) in pairwise(steps):
        assert n1 == n0 + 1, steps
        assert Fraction(n1, m1) >= Fraction(n0, m0), steps
    assert all(n <= m for n, m in steps), steps


@pytest.mark.parametrize("answers", [
    pytest.param(examples.BENIGN, id="benign"),
    pytest.param(examples.DOCTOR, id="doctor"),
    pytest.param(CHILD, id="child-adult-sections-off"),
    pytest.param(FLANK, id="flank-questions-on"),
    pytest.param(NO_PERIODS, id="flank-on-periods-off"),
    pytest.param(examples.EMERGENCY, id="emergency-stop"),
])
def test_the_progress_shown_never_goes_backwards(tablet: Tablet, answers: Mapping[str, AnswerValue],
                                                 engine: Engine, kb: KnowledgeBase) -> None:
    tablet.start()
    steps: list[tuple[int, int]] = []
    while tablet.question is not None:
        steps.append(tablet.shown())
        qid = tablet.question
        tablet.answer(() if qid == CHECKLIST and qid not in answers else answers[qid])
    _fraction_never_falls(steps)
    assert len(steps) == steps[-1][0]
    assert tablet.page is not None and tablet.page.url.path == "/result"


def test_a_path_that_gates_sections_on_and_off_is_among_those_walked(kb: KnowledgeBase,
                                                                       engine: Engine) -> None:
    asked = set(_path(kb, engine, NO_PERIODS))
    assert {"previous_kidney_stones", "pain_comes_in_waves"} <= asked  # gated on
    gated_off = {q.id for q in kb.questions if conditions.asked_when(kb, q) is not None} - asked
    assert gated_off, "some gated questions are left out"
    assert len(_path(kb, engine, CHILD)) < len(_path(kb, engine, examples.BENIGN)) - 15


def _path(kb: KnowledgeBase, engine: Engine, answers: Mapping[str, AnswerValue]) -> list[str]:
    interview = Interview(kb, engine)
    while interview.current is not None:
        qid = interview.current.id
        interview.answer(() if qid == CHECKLIST and qid not in answers else answers[qid])
    return interview.path


def _any_answer(question: Question, rng: random.Random) -> AnswerValue:
    match question.type:
        case "yes_no":
            mostly_no: list[AnswerValue] = [True, False, False, False, NOT_SURE]
            return rng.choice(mostly_no)
        case "choice":
            return rng.choice(question.option_ids)
        case "multi":
            return tuple(o for o in question.option_ids if rng.random() < 0.3)
        case "scale" | "number":
            low, high = question.bounds
            if question.id == "age":  # children, the edges, and adults of every age
                return rng.choice([low, high, 12, 15, 16, 40, 70, rng.randint(low, high)])
            return rng.randint(low, high)


def test_the_share_shown_never_falls_on_any_of_many_random_paths(kb: KnowledgeBase, engine: Engine) -> None:
    """Answers drawn at random (warning signs mostly "no", so most paths go far): as the person
    moves forward, N grows by one and N/M never falls; M is never below N."""
    lengths = set()
    for seed in range(150):
        rng = random.Random(seed)
        interview = Interview(kb, engine)
        steps: list[tuple[int, int]] = []
        while interview.current is not None:
            steps.append(progress(interview))
            interview.answer(_any_answer(interview.current, rng))
        _fraction_never_falls(steps)
        lengths.add(len(steps))
    assert len(lengths) > 10, "the paths differ in length"


def test_the_estimate_is_close_to_the_questions_asked(kb: KnowledgeBase, engine: Engine) -> None:
    """"About M": at the first question M is the most a person can be asked; after a few answers it
    is within a few questions of the path's real length."""
    for answers in (examples.BENIGN, CHILD, FLANK):
        length = len(_path(kb, engine, answers))
        interview = Interview(kb, engine)
        for _ in range(2):
            assert interview.current is not None
            interview.answer(answers[interview.current.id])
        _, total = progress(interview)
        assert length <= total <= length + 8, (length, total)


# --- start again -----------------------------------------------------------------------------------
def test_start_again_asks_first_then_wipes_the_visit(tablet: Tablet, app: FastAPI) -> None:
    tablet.start()
    tablet.play(examples.BENIGN, until="bladder_bowel_change")
    assert 'href="/start-again"' in tablet.page.text  # type: ignore[union-attr]
    old, visit = tablet.token, visit_of(app, tablet)
    before = state(visit)

    asked = tablet.get("/start-again")
    page = text_of(asked.text)
    assert asked.status_code == 200 and constants.WEB_CONFIRM_TITLE in page and constants.WEB_CONFIRM in page
    assert state(visit) == before, "asking changes nothing"
    assert 'href="/question/4"' in asked.text  # "No, go back to the questions"
    assert tablet.get("/question/4").status_code == 200 and tablet.question == "bladder_bowel_change"

    refused = tablet.post("/start-again", {"csrf": "x" * 43}, follow_redirects=False)
    assert refused.status_code == 403 and app.state.visits.get(old) is visit  # a wrong token: nothing

    tablet.get("/start-again")
    done = tablet.post("/start-again", {"csrf": tablet.fields()["csrf"]}, follow_redirects=False)
    assert (done.status_code, done.headers["location"]) == (303, "/")
    assert "Max-Age=0" in done.headers["set-cookie"]
    assert app.state.visits.get(old) is None
    welcome = tablet.get("/")
    assert constants.WEB_WELCOME_TITLE in text_of(welcome.text)
    assert tablet.token != old
    assert tablet.get("/question/1", follow_redirects=False).headers["location"] == "/"


def test_an_emergency_is_held_for_staff_not_wiped_by_starting_again(tablet: Tablet, app: FastAPI) -> None:
    tablet.start()
    tablet.play({**examples.BENIGN, "saddle_numbness": True})
    csrf = tablet.fields()["csrf"]
    held = tablet.post("/start-again", {"csrf": csrf})
    assert constants.WEB_HELD_TITLE in text_of(held.text)
    assert visit_of(app, tablet).held


# --- the language, on every question page ------------------------------------------------------
def test_the_language_switch_keeps_every_answer_and_the_question(
        tablet: Tablet, app: FastAPI, kb: KnowledgeBase) -> None:
    spanish = loader.localised(kb, "es")
    tablet.start()
    tablet.play(examples.BENIGN, until="saddle_numbness")
    assert 'action="/language"' in tablet.page.text and 'value="es"' in tablet.page.text  # type: ignore[union-attr]
    before = state(visit_of(app, tablet))

    switched = tablet.post("/language", {"csrf": tablet.fields()["csrf"], "lang": "es"})
    assert switched.url.path == "/question/3" and tablet.question == "saddle_numbness"
    assert '<html lang="es">' in switched.text
    assert words(spanish.question("saddle_numbness").text) in text_of(switched.text)
    assert state(visit_of(app, tablet)) == before, "every answer kept, the same question"

    tablet.get("/question/2")  # back: the earlier answer, in Spanish
    assert tablet.question == "recent_trauma" and tablet.checked() == {"no"}
    assert words(spanish.question("recent_trauma").text) in text_of(tablet.page.text)  # type: ignore[union-attr]
    tablet.answer(False)
    tablet.post("/language", {"csrf": tablet.fields()["csrf"], "lang": "en"})
    assert '<html lang="en">' in tablet.page.text  # type: ignore[union-attr]
    assert words(kb.question("saddle_numbness").text) in text_of(tablet.page.text)  # type: ignore[union-attr]


def test_an_unknown_language_changes_nothing(tablet: Tablet, app: FastAPI) -> None:
    tablet.start()
    tablet.answer(38)
    before = state(visit_of(app, tablet))
    for lang in ("xx", "", "<b>"):
        refused = tablet.post("/language", {"csrf": tablet.fields()["csrf"] or "", "lang": lang})
        assert refused.status_code == 400, lang
        assert "<b>" not in refused.text
        tablet.get("/question")
    assert state(visit_of(app, tablet)) == before
    assert visit_of(app, tablet).language == "en"


@pytest.mark.parametrize(("setting", "expected"), [
    pytest.param("es", "es", id="spanish"),
    pytest.param("en", "en", id="english"),
    pytest.param("zh-Hant", "zh-Hant", id="traditional-chinese"),
    pytest.param("zh_TW", "zh-Hant", id="as-the-environment-writes-it"),
])
def test_a_clinics_language_is_a_new_visits_language(kb: KnowledgeBase, engine: Engine, setting: str,
                                                     expected: str) -> None:
    local = loader.localised(kb, expected)
    with TestClient(create_app(kb, engine, clinic=Clinic(language=setting)),
                    raise_server_exceptions=False) as client:
        tablet = Tablet(kb, client)
        welcome = tablet.get("/")
        assert f'<html lang="{expected}">' in welcome.text
        tablet.post("/start", {"csrf": tablet.fields()["csrf"]})
        age = local.question("age").text
        assert words(age) in text_of(tablet.page.text)  # type: ignore[union-attr]

        tablet.client.cookies.clear()  # a new visit may still choose: the welcome page's links
        other = "en" if expected == "es" else "es"
        chosen = tablet.get(f"/?lang={other}")
        assert f'<html lang="{other}">' in chosen.text
        assert f'href="/?lang={expected}"' in chosen.text
        tablet.post("/start", {"csrf": tablet.fields()["csrf"]})
        assert f'<html lang="{other}">' in tablet.page.text  # type: ignore[union-attr]


# --- a form left behind in another tab --------------------------------------------------------------
def test_a_stale_tabs_answer_is_refused_and_changes_nothing(tablet: Tablet, app: FastAPI) -> None:
    tablet.start()
    tablet.play(examples.BENIGN, until="saddle_numbness")
    left_behind = tablet.fields()  # this tab shows question 3 ...
    tablet.answer(False)  # ... and another tab (the same visit) answers it and goes on
    tablet.answer(False)
    visit = visit_of(app, tablet)
    before = state(visit)

    stale = tablet.answer(True, form=left_behind)  # "yes" to saddle numbness, from the old tab
    page = text_of(stale.text)
    assert stale.status_code == 409
    assert constants.WEB_STALE_TITLE in page and constants.WEB_STALE in page
    assert 'href="/question/5"' in stale.text
    assert constants.WEB_GO_TO_QUESTION.format(number=5) in page
    assert state(visit) == before, "refused, never taken"
    stale_back = tablet.post("/back", left_behind)
    assert stale_back.status_code == 409 and state(visit) == before


def test_a_form_of_the_same_question_shown_before_a_step_back_is_out_of_date(
        tablet: Tablet, app: FastAPI) -> None:
    """The step names the move, not only the question: back and forward again, and the first
    page of that question is still out of date."""
    tablet.start()
    tablet.play(examples.BENIGN, until="saddle_numbness")
    first = tablet.fields()
    tablet.get("/question/2")
    tablet.answer(False)
    assert tablet.question == "saddle_numbness"
    assert tablet.answer(True, form=first).status_code == 409
    assert "saddle_numbness" not in visit_of(app, tablet).interview.path
    assert tablet.get("/question").url.path == "/question/3"
    assert tablet.answer(False).url.path == "/question/4"  # the current page's form is taken


def test_a_stale_form_after_the_result_points_to_the_result(tablet: Tablet) -> None:
    tablet.start()
    tablet.play(examples.EMERGENCY, until="saddle_numbness")
    left_behind = tablet.fields()
    tablet.answer(True)  # an emergency: the result
    stale = tablet.answer(False, form=left_behind)
    assert stale.status_code == 409 and 'href="/result"' in stale.text
    assert constants.WEB_GO_TO_RESULT in text_of(stale.text)


# --- the start page in a second tab ------------------------------------------------------------------
def test_a_second_start_page_asks_before_wiping_a_visit_in_progress(
        tablet: Tablet, app: FastAPI) -> None:
    tablet.start()
    tablet.play(examples.BENIGN, until="bladder_bowel_change")
    old, visit = tablet.token, visit_of(app, tablet)
    before = state(visit)

    welcome = tablet.get("/")  # a second tab opens the start page: nothing is wiped
    assert constants.WEB_WELCOME_TITLE in text_of(welcome.text)
    assert tablet.token == old and state(visit) == before
    asked = tablet.post("/start", {"csrf": tablet.fields()["csrf"]})
    page = text_of(asked.text)
    assert asked.status_code == 200 and constants.WEB_IN_PROGRESS in page
    assert 'href="/question/4"' in asked.text  # continue
    assert 'action="/start-again"' in asked.text  # or start again
    assert state(visit) == before

    tablet.get("/question/4")
    assert tablet.question == "bladder_bowel_change"
    tablet.get("/")
    tablet.post("/start", {"csrf": tablet.fields()["csrf"]})
    tablet.post("/start-again", {"csrf": tablet.fields()["csrf"]})
    assert app.state.visits.get(old) is None
    assert constants.WEB_WELCOME_TITLE in text_of(tablet.page.text)  # type: ignore[union-attr]
    assert tablet.start().url.path == "/question/1"


def test_a_start_page_left_open_still_starts(tablet: Tablet, app: FastAPI) -> None:
    """Two start pages before anyone starts: the first one's Start still works, in its own language
    (the welcome page begins no visit whose language a later one could change: its form says it)."""
    tablet.get("/")
    first = tablet.fields()
    tablet.get("/?lang=es")
    started = tablet.post("/start", first)
    assert started.url.path == "/question/1"
    assert visit_of(app, tablet).language == "en"


# --- pages for staff and educators -------------------------------------------------------------------
def _links(page: str) -> list[str]:
    return LINKS.findall(page)


def test_the_staff_index_lists_the_staff_pages(tablet: Tablet, kb: KnowledgeBase) -> None:
    page = tablet.get("/staff")
    assert page.status_code == 200
    links = _links(page.text)
    assert {"/red-flags", "/demo", "/explain/saddle_numbness"} <= set(links)
    assert all(f"/explain/{q.id}" in links for q in kb.questions)
    spanish = tablet.get("/staff?lang=es")
    assert '<html lang="es">' in spanish.text
    assert {"/red-flags?lang=es", "/demo?lang=es"} <= set(_links(spanish.text))
    assert tablet.get("/red-flags").status_code == 200


def _patient_pages(tablet: Tablet, app: FastAPI, kb: KnowledgeBase,
                   engine: Engine) -> Iterator[tuple[str, httpx.Response]]:
    yield "welcome", tablet.get("/")
    yield "welcome-es", tablet.get("/?lang=es")
    yield "expired", tablet.post("/start", {"csrf": "wrong"})
    yield "not-found", tablet.get("/nowhere")
    tablet.start()
    yield "question", tablet.page  # type: ignore[misc]
    yield "refused", tablet.answer("forty")
    tablet.play(examples.DOCTOR, until="pain_location")
    yield "question-multi", tablet.page  # type: ignore[misc]
    yield "confirm", tablet.get("/start-again")
    tablet.get("/question")
    left = tablet.fields()
    tablet.answer(("lower_back",))
    yield "stale", tablet.answer(("lower_back",), form=left)
    tablet.get("/")
    yield "in-progress", tablet.post("/start", {"csrf": tablet.fields()["csrf"]})
    tablet.get("/question")
    tablet.play(examples.DOCTOR)
    yield "result", tablet.get("/result")
    clock = [1000.0]
    with TestClient(create_app(kb, engine, idle_minutes=5, clock=lambda: clock[0]),
                    raise_server_exceptions=False) as client:
        other = Tablet(kb, client)
        other.start()
        other.play({**examples.BENIGN, "saddle_numbness": True})
        yield "result-emergency", other.get("/result")
        clock[0] += 5 * 60 + 1
        held = other.get("/")
        assert constants.WEB_HELD_TITLE in text_of(held.text)
        yield "held", held


def test_no_patient_page_links_to_the_staff_pages(tablet: Tablet, app: FastAPI, kb: KnowledgeBase,
                                                 engine: Engine) -> None:
    names = []
    for name, page in _patient_pages(tablet, app, kb, engine):
        names.append(name)
        assert "html" in page.headers["content-type"], name
        for link in _links(page.text):
            assert not link.startswith(STAFF_ONLY), (name, link)
        assert constants.WEB_STAFF_PAGES not in text_of(page.text), name
    assert {"welcome", "question", "result", "held", "stale", "in-progress", "confirm"} <= set(names)
    assert names[-1] == "held"


def test_every_new_page_says_where_to_go_and_never_shows_a_traceback(tablet: Tablet, app: FastAPI,
                                                                     kb: KnowledgeBase,
                                                                     engine: Engine) -> None:
    for name, page in _patient_pages(tablet, app, kb, engine):
        assert page.status_code < 500, name
        for leak in ("Traceback", '{"detail"', "Internal Server Error"):
            assert leak not in page.text, name
        assert page.headers["cache-control"] == "no-store", name



def test_the_new_words_are_read_in_the_visits_language(tablet: Tablet, kb: KnowledgeBase,
                                                        engine: Engine) -> None:
    """In the pseudo-language every new sentence shows accented: each is read through the catalogue."""
    def says(page: httpx.Response, *messages: str, **values: int) -> None:
        shown = text_of(page.text)
        for message in messages:
            assert words(i18n.pseudo(message).format(**values)) in shown, message
            assert words(message.format(**values)) not in shown, message

    tablet.get(f"/?lang={i18n.PSEUDO}")
    first = tablet.post("/start", {"csrf": tablet.fields()["csrf"]})
    assert f'lang="{i18n.PSEUDO}"' in first.text
    says(first, constants.WEB_PROGRESS_ABOUT, number=1, total=progress(Interview(kb, engine))[1])
    left = tablet.fields()
    tablet.answer(38)
    says(tablet.answer(40, form=left), constants.WEB_STALE_TITLE, constants.WEB_STALE)
    says(tablet.page, constants.WEB_GO_TO_QUESTION, number=2)  # type: ignore[arg-type]
    says(tablet.get("/start-again"), constants.WEB_CONFIRM_TITLE, constants.WEB_CONFIRM,
         constants.WEB_CONFIRM_YES, constants.WEB_CONFIRM_NO)
    tablet.get("/")
    says(tablet.post("/start", {"csrf": tablet.fields()["csrf"]}), constants.WEB_IN_PROGRESS_TITLE,
         constants.WEB_IN_PROGRESS, constants.WEB_CONTINUE)
    says(tablet.post("/language", {"csrf": tablet.fields()["csrf"], "lang": "xx"}),
         constants.WEB_UNKNOWN_LANGUAGE)
    says(tablet.get(f"/staff?lang={i18n.PSEUDO}"), constants.WEB_STAFF_INTRO, constants.WEB_STAFF_EXPLAIN)



def test_no_answer_is_taken_before_start(tablet: Tablet, app: FastAPI) -> None:
    """Before Start there is no visit to answer in (the welcome page begins none): refused, saying so."""
    tablet.get("/")
    csrf = tablet.fields()["csrf"]
    for url in ("/answer", "/back"):
        sent = tablet.post(url, {"csrf": csrf, "question": "age", "answer": "40"}, follow_redirects=False)
        assert sent.status_code == 403, url
        assert words(constants.WEB_EXPIRED_NOT_STARTED) in text_of(sent.text)
    assert app.state.visits.get(tablet.token) is None


def test_a_clinics_language_that_is_not_offered_is_refused_with_the_ones_there_are() -> None:
    with pytest.raises(ValueError, match=r"`fr` is not a language .*es \(Español\).*zh-Hans \(简体中文\)"):
        Clinic(language="fr")
    with pytest.raises(ValueError, match="`xx`"):
        Clinic(summary_language="xx")
