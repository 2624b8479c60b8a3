"""The kiosk's visits: only Start begins one, a full kiosk turns a new visitor away rather than wipe
anyone's, idle visits are wiped on a timer, and the expired page says why.

Driven in-process with Starlette's test client, on a fake clock (``create_app(clock=...)``); the
same behaviour with visits kept in Redis is in tests/test_store_redis.py.
"""

from __future__ import annotations

import html
import re
import time
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from triage import constants
from triage.engine import Engine
from triage.models import KnowledgeBase
from triage.terminal import examples
from triage.web import sessions
from triage.web.app import COOKIE, create_app
from triage.web.store import MemoryStore

with warnings.catch_warnings():  # Starlette 1.x suggests httpx2 for its test client; httpx still works
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

FIELD = re.compile(r'name="(csrf|question|step)" value="([^"]*)"')
IDLE_MINUTES = 5
FIRST_ANSWERS = ("age", "recent_trauma", "saddle_numbness", "bladder_bowel_change", "both_legs_symptoms")
"""The first five questions of a visit answered from ``examples.BENIGN``."""


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def words(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Person:
    """One browser at the kiosk: its cookie, and the hidden fields of the page it shows."""

    client: TestClient
    fields: dict[str, str] = field(default_factory=dict)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self._seen(self.client.get(url, **kwargs))

    def post(self, url: str, data: Mapping[str, Any], **kwargs: Any) -> httpx.Response:
        return self._seen(self.client.post(url, data=data, **kwargs))

    def _seen(self, response: httpx.Response) -> httpx.Response:
        if found := dict(FIELD.findall(response.text)):
            self.fields = found
        return response

    @property
    def token(self) -> str | None:
        token: str | None = self.client.cookies.get(COOKIE)
        return token

    def start(self) -> httpx.Response:
        self.get("/")
        page = self.post("/start", {"csrf": self.fields["csrf"]})
        assert page.url.path == "/question/1", text_of(page.text)
        return page

    def answer(self, value: Any) -> httpx.Response:
        sent = "yes" if value is True else "no" if value is False else str(value)
        return self.post("/answer", {**self.fields, "answer": sent})


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(kb: KnowledgeBase, engine: Engine, clock: Clock) -> FastAPI:
    return create_app(kb, engine, idle_minutes=IDLE_MINUTES, clock=clock)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def patient(client: TestClient) -> Person:
    """Someone who has answered the first five questions."""
    person = Person(client)
    person.start()
    for qid in FIRST_ANSWERS:
        assert person.fields["question"] == qid
        assert person.answer(examples.BENIGN[qid]).status_code == 200
    return person


def answers_of(app: FastAPI, person: Person) -> dict[str, Any] | None:
    visit = app.state.visits.get(person.token)
    return None if visit is None else dict(visit.interview.path_answers())


def stranger(app: FastAPI) -> TestClient:
    """Another browser, with no cookie (the same application, its own client)."""
    return TestClient(app, raise_server_exceptions=False)


# --- only Start begins a visit ---------------------------------------------------------------------
def test_the_welcome_page_begins_no_visit(client: TestClient, app: FastAPI) -> None:
    for _ in range(20):
        client.cookies.clear()
        assert client.get("/").status_code == 200
        client.get("/?lang=es")
    assert len(app.state.visits) == 0
    assert len(app.state.visits.store) == 0
    assert sessions.is_welcome(client.cookies.get(COOKIE))  # the form's random value, no visit's token


@pytest.mark.parametrize("requests", [
    pytest.param(2_000, id="2000"),
    pytest.param(10_000, id="10000", marks=pytest.mark.slow),
])
def test_cookieless_requests_leave_a_started_visit_intact(
        requests: int, patient: Person, app: FastAPI, clock: Clock) -> None:
    """Before, each cookieless GET / began a visit and the 2,000th wiped the longest idle one: a
    patient who had stepped away for a minute was sent back to the start, answers lost."""
    before = answers_of(app, patient)
    assert before is not None and len(before) == len(FIRST_ANSWERS)
    clock.now += 60  # the patient looks away for a minute
    with stranger(app) as flood:
        for n in range(requests // 2):
            flood.cookies.clear()
            assert flood.get("/").status_code == 200
            if n % 2:  # no cookie at all; else the welcome page's own, with a token not made for it
                flood.cookies.clear()
            refused = flood.post("/start", data={"csrf": "x" * 43}, follow_redirects=False)
            assert refused.status_code == 403
            if n % 500 == 0:
                clock.now += 0.5
    assert len(app.state.visits) == 1  # nothing but the patient's visit
    assert answers_of(app, patient) == before
    page = patient.get("/question")
    assert page.url.path == f"/question/{len(FIRST_ANSWERS) + 1}"
    assert patient.answer(examples.BENIGN[patient.fields["question"]]).status_code == 200


def test_a_full_kiosk_turns_a_new_visitor_away_and_wipes_no_one(
        patient: Person, app: FastAPI, clock: Clock) -> None:
    """Before, with the kiosk full, each new visitor wiped the longest-idle visit: behind 5,000
    visitors a patient idle 42 s lost their answers, and was told they had been idle 5 minutes."""
    app.state.visits.limit = 60  # the same rule as MAX_VISITS (2,000), reached sooner
    before = answers_of(app, patient)
    clock.now += 42
    turned_away = []
    with stranger(app) as crowd:
        for _ in range(100):
            crowd.cookies.clear()
            csrf = dict(FIELD.findall(crowd.get("/").text))["csrf"]
            started = crowd.post("/start", data={"csrf": csrf}, follow_redirects=False)
            if started.status_code != 303:
                turned_away.append(started)
    assert len(turned_away) == 100 - 59
    busy = turned_away[0]
    assert busy.status_code == 503 and busy.headers["retry-after"] == "60"
    assert text_of(busy.text).startswith(constants.WEB_BUSY_TITLE)
    assert words(constants.WEB_BUSY) in text_of(busy.text)
    assert "set-cookie" not in busy.headers
    assert len(app.state.visits) == 60
    assert answers_of(app, patient) == before  # still there, every answer
    assert patient.get("/question").url.path == f"/question/{len(FIRST_ANSWERS) + 1}"
    clock.now += IDLE_MINUTES * 60 + 1  # the crowd's visits go idle (the patient's is touched above)
    with stranger(app) as later:
        Person(later).start()  # a place is free again


def test_a_started_visit_is_kept_for_its_whole_idle_time(patient: Person, app: FastAPI, clock: Clock) -> None:
    before = answers_of(app, patient)
    clock.now += IDLE_MINUTES * 60 - 1
    app.state.visits.sweep()
    assert answers_of(app, patient) == before
    clock.now += IDLE_MINUTES * 60 + 1
    assert answers_of(app, patient) is None


# --- the welcome form's token ------------------------------------------------------------------------
def test_start_needs_the_welcome_form_of_the_same_browser(client: TestClient, app: FastAPI) -> None:
    """Another site can make a browser post to Start, but without the cookie (SameSite=Strict) and
    without a token made for that browser's cookie: it begins nothing, and sets no cookie in place of
    the person's."""
    person = Person(client)
    person.get("/")
    own = person.fields["csrf"]
    with stranger(app) as other:
        other_page = Person(other)
        other_page.get("/")
        theirs = other_page.fields["csrf"]
        for cookie, token in [(None, own),  # a cross-site post: no cookie is sent
                              (person.token, theirs),  # another browser's form
                              (person.token, own[:-1] + ("0" if own[-1] != "0" else "1")),  # altered
                              (person.token, "")]:
            other.cookies.clear()
            if cookie is not None:
                other.cookies.set(COOKIE, cookie)
            refused = other.post("/start", data={"csrf": token}, follow_redirects=False)
            assert refused.status_code == 403
            assert "set-cookie" not in refused.headers
            assert text_of(refused.text).startswith(constants.WEB_EXPIRED_TITLE)
    assert len(app.state.visits) == 0
    person.post("/start", {"csrf": own})
    assert len(app.state.visits) == 1


def test_the_welcome_forms_language_is_the_visits(client: TestClient, app: FastAPI) -> None:
    person = Person(client)
    person.get("/?lang=es")
    person.post("/start", {"csrf": person.fields["csrf"]})
    visit = app.state.visits.get(person.token)
    assert visit.language == "es" and '<html lang="es">' in person.get("/question").text


def test_a_welcome_page_left_open_too_long_offers_start_again(
        client: TestClient, app: FastAPI, clock: Clock) -> None:
    person = Person(client)
    person.get("/")
    clock.now += sessions.WELCOME_SECONDS + 1
    page = person.post("/start", {"csrf": person.fields["csrf"]}, follow_redirects=False)
    assert page.status_code == 403
    said = constants.WEB_EXPIRED_START.format(hours=sessions.WELCOME_SECONDS // 3600)
    assert words(said) in text_of(page.text)
    assert len(app.state.visits) == 0
    started = person.post("/start", {"csrf": person.fields["csrf"]})  # its own Start button
    assert started.url.path == "/question/1"


# --- the expired page says why -------------------------------------------------------------------------
def test_an_idle_visit_expires_saying_so(patient: Person, clock: Clock) -> None:
    clock.now += IDLE_MINUTES * 60 + 1
    late = patient.answer(examples.BENIGN[patient.fields["question"]])
    assert late.status_code == 403
    assert words(constants.WEB_EXPIRED_IDLE.format(minutes=IDLE_MINUTES)) in text_of(late.text)


def test_a_visit_lost_in_a_restart_says_the_kiosk_restarted(
        patient: Person, kb: KnowledgeBase, engine: Engine, clock: Clock) -> None:
    """A new kiosk (its visits in memory: a new store) gets the old cookie: not "idle 5 minutes"."""
    restarted = create_app(kb, engine, idle_minutes=IDLE_MINUTES, clock=clock)
    with TestClient(restarted, raise_server_exceptions=False) as client:
        client.cookies.set(COOKIE, str(patient.token))
        late = client.post("/answer", data={**patient.fields, "answer": "no"})
    assert late.status_code == 403
    assert words(constants.WEB_EXPIRED_RESTARTED) in text_of(late.text)


def test_a_post_with_no_visit_begun_says_none_was(client: TestClient) -> None:
    late = client.post("/answer", data={"csrf": "x" * 43, "question": "age", "answer": "40"})
    assert late.status_code == 403
    assert words(constants.WEB_EXPIRED_NOT_STARTED) in text_of(late.text)


def test_a_wrong_token_with_a_visit_open_says_nothing_changed(patient: Person, app: FastAPI) -> None:
    before = answers_of(app, patient)
    refused = patient.post("/answer", {**patient.fields, "csrf": "x" * 43, "answer": "no"})
    assert refused.status_code == 403
    assert words(constants.WEB_EXPIRED_FORM) in text_of(refused.text)
    assert answers_of(app, patient) == before


# --- the timer ---------------------------------------------------------------------------------------------
def test_idle_visits_are_wiped_on_a_timer_without_any_request(
        kb: KnowledgeBase, engine: Engine, clock: Clock) -> None:
    """No request comes after the idle time, yet the answers leave memory: the store's and the
    visits rebuilt in the process (before, they stayed until a request swept them)."""
    app = create_app(kb, engine, idle_minutes=IDLE_MINUTES, clock=clock)
    visits: sessions.Visits = app.state.visits
    visits.sweep_seconds = 0.02
    store = visits.store
    assert isinstance(store, MemoryStore)
    with TestClient(app, raise_server_exceptions=False) as client, stranger(app) as other:
        patient = Person(client)
        patient.start()
        patient.answer(examples.BENIGN["age"])
        emergency = Person(other)
        emergency.start()
        for qid in ("age", "recent_trauma"):
            emergency.answer({"age": 40, "recent_trauma": True}[qid])
        assert emergency.get("/result").status_code == 200
        time.sleep(0.2)
        assert len(store) == 2  # within the idle time: kept
        clock.now += IDLE_MINUTES * 60 + 1
        deadline = time.monotonic() + 10
        while (len(store), len(visits._live)) != (1, 0) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(store) == 1 and len(visits._live) == 0
        held = store.get(str(emergency.token))  # the emergency waits for staff, its answers wiped
        assert held is not None and held.held and not held.answers and not held.path
        assert store.get(str(patient.token)) is None


def test_a_start_page_shown_before_a_visit_began_in_another_tab_asks_before_wiping(
        client: TestClient, app: FastAPI) -> None:
    person = Person(client)
    person.get("/")
    first_tab = person.fields["csrf"]
    person.post("/start", {"csrf": first_tab})  # begun in another tab
    person.answer(examples.BENIGN["age"])
    again = person.post("/start", {"csrf": first_tab}, follow_redirects=False)  # the first tab's Start
    assert again.status_code == 200
    assert constants.WEB_IN_PROGRESS_TITLE in text_of(again.text)
    assert answers_of(app, person) == {"age": examples.BENIGN["age"]}
