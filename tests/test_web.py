"""The intake kiosk (`triage serve`) over HTTP: the same results as `triage assess`, privacy and bad requests.

Most tests drive the application in-process with Starlette's test client;
the last ones start the real server in a subprocess. Every vignette is
played screen by screen, following the question each page asks, and must
end with the result `triage assess` gives for the same answers.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from fastapi import FastAPI
from vignette_answers import answers_for, read, unmet, vignette_files

from triage import constants, i18n, qtypes, report
from triage.__main__ import main
from triage.clinic import Clinic
from triage.engine import Engine
from triage.flow import Interview
from triage.models import NOT_SURE, AnswerValue, KnowledgeBase, Question
from triage.result import build
from triage.terminal import examples
from triage.web import sessions
from triage.web.app import COOKIE, SECURITY_HEADERS, STATIC_CACHE, create_app
from triage.web.guard import MAX_FIELD
from triage.web.server import is_loopback

with warnings.catch_warnings():  # Starlette 1.x suggests httpx2 for its test client; httpx still works
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent

QUESTION_FIELD = re.compile(r'name="question" value="([^"]+)"')
QUESTION_PAGE = re.compile(r"/question/[1-9][0-9]*")
"""The address of a question's page: its place on the person's path."""
CHECKLIST = "before_needling"
"""The checklist before needling: an answer set that leaves it out ticks nothing there."""
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')
ADDRESSES = re.compile(r'(?:href|src|action|formaction)="([^"]*)"|content="\d+;url=([^"]*)"')
SIGNS = (
    # an emergency sign, the age given with it, and the number of questions asked when it is given
    # (BENIGN otherwise); a pulse felt in the belly is an emergency from 50 (under 50, a doctor)
    pytest.param("recent_trauma", 38, 2, id="serious-accident"),
    pytest.param("saddle_numbness", 38, 3, id="saddle-numbness"),
    pytest.param("bladder_bowel_change", 38, 4, id="bladder-bowel-change"),
    pytest.param("both_legs_symptoms", 38, 5, id="both-legs"),
    pytest.param("pulsating_abdomen", 61, 6, id="pulsating-abdomen"),
    pytest.param("tearing_pain", 24, 7, id="tearing-pain"),
    pytest.param("chest_symptoms", 38, 8, id="chest-symptoms"),
)


# --- a patient at the kiosk ---------------------------------------------------------------------
def text_of(page: str) -> str:
    """A page as the words a person reads (tags dropped, entities read, spaces squashed)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def form_value(question: Question, value: AnswerValue) -> list[str]:
    """The form fields that give ``value`` (a multi question with nothing ticked sends none)."""
    if question.type == "yes_no":
        return ["yes" if value is True else "no" if value is False else NOT_SURE]
    if isinstance(value, tuple | list):
        return [str(v) for v in value]
    return [str(value)]


def as_read(question: Question, value: Any) -> AnswerValue:
    """An answer as the kiosk reads it back from its form: ticked options in the question's order."""
    if question.type == "multi":
        return tuple(o for o in question.option_ids if o in value)
    answer: AnswerValue = value
    return answer


def stand_in(question: Question) -> AnswerValue:
    """An answer for a question a vignette leaves blank: the kiosk has no way to leave one blank."""
    return qtypes.of(question).stand_in(question)


@dataclass
class Kiosk:
    """One browser at the kiosk: its cookies, and every response it has seen."""

    kb: KnowledgeBase
    client: TestClient
    seen: list[httpx.Response] = field(default_factory=list)
    csrf: str = ""

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        response: httpx.Response = self.client.get(url, **kwargs)
        self._keep(response)
        return response

    def post(self, url: str, data: Mapping[str, Any] | None = None, **kwargs: Any) -> httpx.Response:
        response: httpx.Response = self.client.post(url, data=data, **kwargs)
        self._keep(response)
        return response

    def _keep(self, response: httpx.Response) -> None:
        self.seen += [*response.history, response]
        html_page = "html" in response.headers.get("content-type", "")
        if html_page and (found := CSRF_FIELD.search(response.text)):
            self.csrf = found.group(1)

    @property
    def token(self) -> str:
        return str(self.client.cookies[COOKIE])

    def start(self) -> httpx.Response:
        """Welcome, then Start: the first question's page."""
        assert self.get("/").status_code == 200
        page = self.post("/start", {"csrf": self.csrf}, follow_redirects=True)
        assert page.url.path == "/question/1", text_of(page.text)
        return page

    def send(self, question: str, value: AnswerValue, **kwargs: Any) -> httpx.Response:
        fields = form_value(self.kb.question(question), value)
        data: dict[str, Any] = {"csrf": self.csrf, "question": question}
        if fields:
            data["answer"] = fields
        return self.post("/answer", data, **kwargs)

    def play(self, answers: Mapping[str, AnswerValue],
             blank: Callable[[Question], AnswerValue] | None = None) -> tuple[list[str], dict[str, Any]]:
        """Answer every page from ``answers`` (``blank`` for those it lacks) until the result.

        Returns the questions asked in order and the answers sent.
        """
        page = self.start()
        asked: list[str] = []
        sent: dict[str, Any] = {}
        while QUESTION_PAGE.fullmatch(page.url.path):
            found = QUESTION_FIELD.search(page.text)
            assert found, text_of(page.text)
            qid = found.group(1)
            asked.append(qid)
            if answers.get(qid) is not None:
                value = answers[qid]
            elif qid == CHECKLIST:  # asked last when acupuncture may be discussed: nothing ticked
                value = ()
            else:
                assert blank is not None, f"no answer for {qid}"
                value = blank(self.kb.question(qid))
            sent[qid] = value = as_read(self.kb.question(qid), value)
            page = self.send(qid, value, follow_redirects=True)
            assert page.status_code == 200, text_of(page.text)
            assert len(asked) <= len(self.kb.questions), "the questions never end"
        assert page.url.path == "/result", text_of(page.text)
        return asked, sent

    def answer_until(self, answers: Mapping[str, AnswerValue],
                     stop: Callable[[Question], bool]) -> httpx.Response:
        """Start, and answer from ``answers`` until a question ``stop`` picks is on screen."""
        page = self.start()
        while not stop(question := self.kb.question(QUESTION_FIELD.findall(page.text)[0])):
            page = self.send(question.id, as_read(question, answers[question.id]), follow_redirects=True)
            assert QUESTION_PAGE.fullmatch(page.url.path), text_of(page.text)
        return page

    def summary(self) -> dict[str, Any]:
        response = self.get("/download/json")
        assert response.status_code == 200, text_of(response.text)
        data: dict[str, Any] = response.json()
        return data


DOWNLOADS_ON = Clinic(handoff=("print", "qr", "download"))
"""These tests read results back through the JSON download, which a clinic must turn on."""


@pytest.fixture(scope="module")
def app(kb: KnowledgeBase, engine: Engine) -> FastAPI:
    return create_app(kb, engine, clinic=DOWNLOADS_ON)


@pytest.fixture
def kiosk(kb: KnowledgeBase, app: FastAPI) -> Iterator[Kiosk]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Kiosk(kb, client)


def plain(value: Any) -> Any:
    """An answer as JSON and YAML hold it (a tuple becomes a list)."""
    return list(value) if isinstance(value, tuple) else value


def interview_json(kb: KnowledgeBase, engine: Engine, sent: Mapping[str, AnswerValue]) -> dict[str, Any]:
    """The terminal's flow answered the same way: the result with its answers, as JSON."""
    interview = Interview(kb, engine)
    while interview.current is not None:
        interview.answer(sent[interview.current.id])
    data: dict[str, Any] = json.loads(
        build(kb, interview.flow_result(), source="questionnaire").to_json(include_answers=True))
    return data


# --- every vignette, through the pages -----------------------------------------------------------
VIGNETTES = [pytest.param(path, id=path.stem.replace("_", "-")) for path in vignette_files()]
SAME = ("level", "suggestion", "red_flags", "causes", "level_reasons", "acupuncture", "safety_net",
        "self_care", "complete", "unanswered", "questions_asked", "stopped_early", "knowledge_base")
"""Every field of `triage assess --format json` but its source and the answers it did not use."""


@pytest.mark.slow  # every vignette, page by page
@pytest.mark.parametrize("vignette", VIGNETTES)
def test_a_vignette_played_at_the_kiosk_gets_the_result_of_triage_assess(
        vignette: Path, *, kiosk: Kiosk, engine: Engine, assessed: Callable[[Path], dict[str, Any]],
        tmp_path: Path) -> None:
    """Where a vignette leaves an asked question blank (most leave the stress scale, some the
    pain's onset, one two warning signs), the kiosk cannot: the test answers it with a stand-in
    (not sure, the first option, the lowest number) and gives `triage assess` the same stand-in."""
    kb = kiosk.kb
    given = answers_for(kb, read(vignette))
    asked, sent = kiosk.play(given, blank=stand_in)
    got = kiosk.summary()

    blanks = {q: v for q, v in sent.items() if given.get(q) is None}
    answers_file = tmp_path / "answers.yaml"
    answers_file.write_text(yaml.safe_dump({q: plain(v) for q, v in {**given, **sent}.items()
                                            if v is not None}), encoding="utf-8")
    expected = assessed(answers_file)
    assert got["level"] == expected["level"]
    assert [c["id"] for c in got["causes"]] == [c["id"] for c in expected["causes"]]
    assert [r["id"] for r in got["red_flags"]] == [r["id"] for r in expected["red_flags"]]
    assert got["questions_asked"] == expected["questions_asked"] == len(asked)
    assert {k: got[k] for k in SAME} == {k: expected[k] for k in SAME}
    assert got["answers"] == {q: plain(v) for q, v in sent.items()}
    assert got == interview_json(kb, engine, sent)  # and the terminal's flow, answered the same way
    if not blanks:  # every question asked had its answer: the vignette's own expectations hold
        assert unmet(got, read(vignette)["expect"]) == []


def test_a_dozen_vignettes_need_no_stand_in(kb: KnowledgeBase, engine: Engine) -> None:
    """Those are compared with `triage assess` on the vignette's own answers, and its expectations."""
    complete = 0
    for path in vignette_files():
        given = {q: v for q, v in answers_for(kb, read(path)).items() if v is not None}
        interview = Interview(kb, engine)
        while interview.current is not None and interview.current.id in given:
            interview.answer(as_read(interview.current, given[interview.current.id]))
        complete += interview.finished
    assert complete >= 12


# --- the emergency stop ------------------------------------------------------------------------
@pytest.mark.parametrize(("sign", "age", "count"), SIGNS)
def test_an_emergency_sign_brings_the_result_at_once(sign: str, age: int, count: int, kiosk: Kiosk) -> None:
    answers = {**examples.BENIGN, "age": age, sign: True}
    asked, _ = kiosk.play(answers)
    assert asked[-1] == sign
    assert len(asked) == count
    result = text_of(kiosk.get("/result").text)
    assert constants.LEVEL_TITLE["emergency"] in result
    assert " ".join(constants.EMERGENCY_NOW.split()) in result
    # no more questions: the question page and any later answer lead to the result, unchanged
    assert kiosk.get("/question", follow_redirects=False).headers["location"] == "/result"
    later = kiosk.send("pain_location", ("lower_back",), follow_redirects=False)
    assert later.status_code == 409 and 'href="/result"' in later.text  # refused, never taken
    summary = kiosk.summary()
    assert (summary["level"], summary["stopped_early"]) == ("emergency", True)
    assert summary["questions_asked"] == count
    assert "pain_location" not in summary["answers"]


# --- CSRF and the cookie ------------------------------------------------------------------------
POSTS = [pytest.param(url, token, id=f"{url.strip('/')}-{name}")
         for url in ("/start", "/answer", "/back", "/finish")
         for name, token in (("no-token", None), ("wrong-token", "x" * 43), ("empty-token", ""))]


@pytest.mark.parametrize(("url", "token"), POSTS)
def test_a_post_without_the_right_token_gets_the_expired_page_and_changes_nothing(
        url: str, token: str | None, kiosk: Kiosk, app: FastAPI) -> None:
    kiosk.start()
    kiosk.send("age", 40, follow_redirects=True)
    visit = app.state.visits.get(kiosk.token)
    before = (dict(visit.interview.answers), list(visit.interview.path), visit.started)
    data: dict[str, Any] = {"question": "recent_trauma", "answer": "yes"}
    if token is not None:
        data["csrf"] = token
    response = kiosk.post(url, data, follow_redirects=False)
    assert response.status_code == 403
    assert text_of(response.text).startswith(constants.WEB_EXPIRED_TITLE)
    assert "set-cookie" not in response.headers
    assert app.state.visits.get(kiosk.token) is visit
    assert (dict(visit.interview.answers), list(visit.interview.path), visit.started) == before


def test_a_post_without_the_cookie_gets_the_expired_page(kiosk: Kiosk) -> None:
    kiosk.start()
    csrf = kiosk.csrf
    kiosk.client.cookies.clear()
    response = kiosk.post("/answer", {"csrf": csrf, "question": "age", "answer": "40"})
    assert response.status_code == 403


def test_the_visit_cookie_is_httponly_strict_and_for_the_whole_site(kiosk: Kiosk) -> None:
    """The welcome page sets the cookie to a random value (its form's token is bound to it; no visit
    yet), and Start to the visit's token: both the same way."""
    welcome = kiosk.get("/").headers["set-cookie"]
    started = kiosk.post("/start", {"csrf": kiosk.csrf}, follow_redirects=False).headers["set-cookie"]
    values = []
    for cookie in (welcome, started):
        name, _, flags = cookie.partition(";")
        assert name.startswith(f"{COOKIE}=")
        values.append(name.split("=", 1)[1])
        assert len(values[-1]) >= 32  # a random token, nothing about the person
        assert {f.strip().lower() for f in flags.split(";")} >= {"httponly", "samesite=strict", "path=/"}
        assert "expires" not in flags.lower() and "max-age" not in flags.lower()  # gone with the browser
    assert values[0] != values[1]  # a visit's token is never one its browser had before


def test_the_welcome_never_wipes_a_visit_in_progress(kiosk: Kiosk, app: FastAPI) -> None:
    kiosk.start()
    kiosk.send("age", 40)
    old = kiosk.token
    kiosk.get("/")
    assert kiosk.token == old
    assert app.state.visits.get(old).interview.answers == {"age": 40}


# --- security headers ----------------------------------------------------------------------------
def _finished(k: Kiosk) -> None:
    k.play(examples.EMERGENCY)


REQUESTS = [
    pytest.param("GET", "/", None, id="welcome"),
    pytest.param("POST", "/start", "started", id="start"),
    pytest.param("GET", "/question", "started", id="question"),
    pytest.param("GET", "/question/1", "started", id="question-at-its-place"),
    pytest.param("GET", "/start-again", "started", id="start-again-asked"),
    pytest.param("POST", "/start-again", "started", id="start-again"),
    pytest.param("POST", "/language", "started", id="language"),
    pytest.param("POST", "/start", "answered", id="start-in-progress"),
    pytest.param("POST", "/answer", "answered", id="answer"),
    pytest.param("POST", "/answer", "refused", id="answer-refused"),
    pytest.param("POST", "/back", "answered", id="back"),
    pytest.param("GET", "/result", "finished", id="result"),
    pytest.param("GET", "/download/markdown", "finished", id="download-markdown"),
    pytest.param("GET", "/download/json", "finished", id="download-json"),
    pytest.param("GET", "/download/fhir", "finished", id="download-fhir"),
    pytest.param("POST", "/finish", "finished", id="finish"),
    pytest.param("GET", "/static/kiosk.css", None, id="stylesheet"),
    pytest.param("GET", "/red-flags", None, id="red-flags"),
    pytest.param("GET", "/explain/fever", None, id="explain"),
    pytest.param("GET", "/demo", None, id="demos"),
    pytest.param("GET", "/staff", None, id="staff"),
    pytest.param("GET", "/nowhere", None, id="not-found"),
    pytest.param("GET", "/answer", None, id="wrong-method"),
    pytest.param("POST", "/answer", "expired", id="expired"),
]


@pytest.mark.parametrize(("method", "url", "state"), REQUESTS)
def test_every_response_carries_the_security_headers(
        method: str, url: str, state: str | None, kiosk: Kiosk) -> None:
    data: dict[str, Any] = {}
    if state in ("started", "answered", "refused", "expired"):
        kiosk.start()
        data = {"csrf": kiosk.csrf, "question": "age", "answer": "40"}
    if state == "answered":
        kiosk.send("age", 40)
    if state == "refused":
        data["answer"] = "forty"
    if state == "expired":
        data["csrf"] = "wrong"
    if state == "finished":
        _finished(kiosk)
        data = {"csrf": kiosk.csrf}
    response = kiosk.client.request(method, url, data=data or None, follow_redirects=False)
    assert response.status_code < 600
    asset = url.startswith("/static/") and response.status_code == 200
    for name, value in SECURITY_HEADERS.items():
        if name != "Cache-Control":
            assert response.headers.get(name) == value, name
    assert "default-src 'self'" in response.headers["content-security-policy"]
    # Pages may never be kept (Back must not show the last patient); the stylesheet and script may.
    assert response.headers["cache-control"] == (STATIC_CACHE if asset else "no-store")


def test_every_response_of_a_whole_visit_carries_them(kiosk: Kiosk) -> None:
    kiosk.play(examples.DOCTOR)
    for fmt in ("markdown", "json", "fhir"):
        kiosk.get(f"/download/{fmt}")
    kiosk.post("/finish", {"csrf": kiosk.csrf}, follow_redirects=True)
    assert len(kiosk.seen) > 60
    for response in kiosk.seen:
        assert {k: response.headers.get(k) for k in SECURITY_HEADERS} == SECURITY_HEADERS, response.url


def test_an_internal_error_is_a_plain_page_with_the_headers(kb: KnowledgeBase, engine: Engine) -> None:
    app = create_app(kb, engine, clinic=DOWNLOADS_ON)

    async def broken() -> None:
        raise RuntimeError("a bug, with saddle_numbness=yes in its message")

    app.add_api_route("/broken", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/broken")
    assert response.status_code == 500
    assert text_of(response.text).startswith(constants.WEB_BAD_REQUEST_TITLE)
    assert "saddle_numbness" not in response.text and "Traceback" not in response.text
    assert {k: response.headers.get(k) for k in SECURITY_HEADERS} == SECURITY_HEADERS


# --- nothing in addresses, nothing logged -----------------------------------------------------
ALLOWED = {"/", "/start", "/question", "/answer", "/back", "/result", "/finish", "#main", "/red-flags",
           "/language", "/start-again", "/print",
           "/demo", "/download/markdown", "/download/json", "/download/fhir"}
"""Every address a visit's pages, forms and redirects may hold, besides the assets under /static/."""
LANGUAGE_LINKS = tuple(f"/?lang={code}" for code in i18n.LANGUAGES)


def _values(kb: KnowledgeBase, sent: Mapping[str, AnswerValue]) -> set[str]:
    """What would betray an answer: its question's id, an option chosen, a number typed."""
    out = set(sent)
    for qid, value in sent.items():
        if kb.question(qid).type in ("choice", "multi", "number", "scale"):
            out.update(str(v) for v in (value if isinstance(value, tuple) else (value,)))
    return out


def test_no_address_holds_an_answer(kiosk: Kiosk, kb: KnowledgeBase) -> None:
    answers = {**examples.DOCTOR, "age": 73, "stress_level": 9}
    _, sent = kiosk.play(answers)
    kiosk.get("/download/json")
    kiosk.post("/back", {"csrf": kiosk.csrf}, follow_redirects=True)  # the last question, prefilled
    kiosk.send("stress_level", 9, follow_redirects=True)
    kiosk.post("/finish", {"csrf": kiosk.csrf}, follow_redirects=True)
    addresses = [str(r.url) for r in kiosk.seen] + [r.headers["location"] for r in kiosk.seen
                                                   if "location" in r.headers]
    for response in kiosk.seen:
        if "html" in response.headers.get("content-type", ""):
            addresses += [a or b for a, b in ADDRESSES.findall(response.text)]
    assert addresses
    values = _values(kb, sent)
    for address in addresses:
        path = httpx.URL(address).path if address.startswith("http") else address
        if address.endswith(LANGUAGE_LINKS):  # the welcome screen's choice of language
            continue
        assert "?" not in address, address
        if path in ALLOWED or QUESTION_PAGE.fullmatch(path):  # fixed, or a question's place on the path
            continue
        assert path.startswith("/static/"), address
        assert not any(v in address for v in values), address


def test_a_whole_visit_logs_nothing_about_it(
        kb: KnowledgeBase, app: FastAPI, caplog: pytest.LogCaptureFixture,
        capfd: pytest.CaptureFixture[str]) -> None:
    """Every logger at DEBUG, as a host's logging set-up could have it, but for those switched off
    on purpose: the engine's own (experta's watchers), which would log every fact it is given."""
    caplog.set_level(logging.DEBUG)
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger):
            if logger.level < logging.CRITICAL:
                caplog.set_level(logging.DEBUG, logger=name)
            if not logger.propagate:
                logger.addHandler(caplog.handler)
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            kiosk = Kiosk(kb, client)
            answers = {**examples.DOCTOR, "age": 73, "stress_level": 9}
            _, sent = kiosk.play(answers)
            kiosk.send("stress_level", 99)  # refused: still not logged
            kiosk.get("/download/markdown")
            token = kiosk.token
            kiosk.post("/finish", {"csrf": kiosk.csrf})
    finally:
        for logger in logging.root.manager.loggerDict.values():
            if isinstance(logger, logging.Logger) and caplog.handler in logger.handlers:
                logger.removeHandler(caplog.handler)
    out, err = capfd.readouterr()
    logged = "\n".join([r.getMessage() for r in caplog.records] + [caplog.text, out, err])
    logged = QUESTION_PAGE.sub("/question/N", logged)  # the test client's own log of the addresses
    betraying = {*_values(kb, sent), "answer=", "csrf", token, "99"}
    for text in betraying:
        assert not re.search(rf"(?<![\w-]){re.escape(text)}(?![\w-])", logged), text


# --- Finish and the idle time -----------------------------------------------------------------
def test_finish_wipes_the_visit(kiosk: Kiosk, app: FastAPI) -> None:
    kiosk.play(examples.BENIGN)
    token, csrf = kiosk.token, kiosk.csrf
    finished = kiosk.post("/finish", {"csrf": csrf}, follow_redirects=False)
    assert (finished.status_code, finished.headers["location"]) == (303, "/")
    assert f'{COOKIE}=""' in finished.headers["set-cookie"] and "Max-Age=0" in finished.headers["set-cookie"]
    assert app.state.visits.get(token) is None
    kiosk.client.cookies.set(COOKIE, token)  # the old cookie, kept by a browser that ignored the wipe
    for url in ("/result", "/question", "/download/json"):
        assert kiosk.get(url, follow_redirects=False).headers["location"] == "/", url
    again = kiosk.post("/answer", {"csrf": csrf, "question": "age", "answer": "40"})
    assert again.status_code == 403


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_idle_visit_is_wiped(kb: KnowledgeBase, engine: Engine) -> None:
    clock = Clock()
    app = create_app(kb, engine, idle_minutes=5, clock=clock, clinic=DOWNLOADS_ON)
    with TestClient(app, raise_server_exceptions=False) as client:
        kiosk = Kiosk(kb, client)
        kiosk.start()
        kiosk.send("age", 40)
        clock.now += 5 * 60 - 1  # just within the idle time: every request touches the visit
        assert kiosk.get("/question").status_code == 200
        clock.now += 5 * 60 - 1
        kiosk.send("recent_trauma", False)
        assert len(app.state.visits) == 1
        clock.now += 5 * 60 + 1
        assert len(app.state.visits) == 0
        assert kiosk.get("/question", follow_redirects=False).headers["location"] == "/"
        late = kiosk.send("saddle_numbness", False)
        assert late.status_code == 403
        assert "5 minutes" in text_of(late.text)


def test_each_page_goes_back_to_the_start_after_the_idle_time(kiosk: Kiosk) -> None:
    page = kiosk.start()
    assert '<meta http-equiv="refresh" content="301;url=/">' in page.text


def test_open_visits_are_bounded_and_none_is_wiped_to_make_room(kb: KnowledgeBase, engine: Engine) -> None:
    """Once MAX_VISITS are open a new visit is refused (the busy page); before, the longest idle was
    wiped, started or not. A place frees when a visit goes idle."""
    clock = Clock()
    visits = sessions.Visits(kb, engine, idle_seconds=300, clock=clock)
    made = []
    for _ in range(sessions.MAX_VISITS):
        clock.now += 0.01
        made.append(visits.new())
    with pytest.raises(sessions.KioskFull):
        visits.new()
    assert len(visits) == sessions.MAX_VISITS
    assert all(visits.get(v.token) is v for v in made)  # every one still there, the longest idle too
    clock.now += 300 - 0.005  # every visit was touched just now: still none is wiped
    with pytest.raises(sessions.KioskFull):
        visits.new()
    clock.now += 301
    assert visits.new() is not None and len(visits) == 1


# --- bad requests ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Bad:
    method: str
    url: str
    status: int
    says: str
    state: str = "fresh"
    """fresh: no visit; at-age: on the first question; at-choice: on a choice question; done: a result."""
    form: Mapping[str, Any] | None = None
    body: bytes | None = None
    content_type: str | None = None


BAD = [
    pytest.param(Bad("GET", "/no/such/page", 404, constants.WEB_NOT_FOUND), id="unknown-path"),
    pytest.param(Bad("GET", "/static/missing.css", 404, constants.WEB_NOT_FOUND), id="unknown-asset"),
    pytest.param(Bad("DELETE", "/question", 405, constants.WEB_BAD_REQUEST), id="wrong-method"),
    pytest.param(Bad("POST", "/answer", 400, constants.WEB_BAD_REQUEST, "at-age",
                     body=b"--x\r\nbroken\xff", content_type="multipart/form-data; boundary=x"),
                 id="malformed-multipart"),
    pytest.param(Bad("POST", "/answer", 400, constants.WEB_BAD_REQUEST, "at-age",
                     body=b"--x\r\n", content_type="multipart/form-data"), id="multipart-without-boundary"),
    pytest.param(Bad("POST", "/answer", 422, constants.WEB_CHOOSE_ONE, "at-choice",
                     form={"answer": "no_such_option"}), id="wrong-option-id"),
    pytest.param(Bad("POST", "/answer", 422, constants.WEB_CHOOSE_ONE, "at-choice", form={}),
                 id="no-option-chosen"),
    pytest.param(Bad("POST", "/answer", 422, "from 0 to 120", "at-age", form={"answer": "200"}),
                 id="number-out-of-range"),
    pytest.param(Bad("POST", "/answer", 422, "from 0 to 120", "at-age", form={"answer": "4" * MAX_FIELD}),
                 id="number-as-long-as-a-field-may-be"),
    pytest.param(Bad("POST", "/answer", 413, constants.WEB_TOO_LARGE, "at-age", form={"answer": "4" * 5000}),
                 id="number-5000-digits"),
    pytest.param(Bad("POST", "/answer", 422, "from 0 to 120", "at-age", form={"answer": "forty"}),
                 id="number-in-words"),
    pytest.param(Bad("POST", "/answer", 422, "from 0 to 120", "at-age", form={"answer": "-3"}),
                 id="negative-number"),
    pytest.param(Bad("POST", "/answer", 422, "from 0 to 120", "at-age", form={"answer": ""}),
                 id="number-left-empty"),
    pytest.param(Bad("POST", "/answer", 409, "moved on in another tab", "at-age",
                     form={"question": "saddle_numbness", "answer": "yes"}), id="stale-question"),
    pytest.param(Bad("POST", "/answer", 409, "moved on in another tab", "at-age",
                     form={"question": "no_such_question", "answer": "yes"}), id="unknown-question"),
    pytest.param(Bad("POST", "/answer", 409, "moved on in another tab", "at-age",
                     form={"step": "0.age", "answer": "40"}), id="stale-step"),
    pytest.param(Bad("GET", "/question/0", 404, constants.WEB_NOT_FOUND, "at-age"), id="question-0"),
    pytest.param(Bad("GET", "/question/two", 400, constants.WEB_BAD_REQUEST, "at-age"),
                 id="question-not-a-number"),
    pytest.param(Bad("POST", "/language", 400, "not offered", "at-age", form={"lang": "xx"}),
                 id="unknown-language"),
    pytest.param(Bad("GET", "/download/unknown", 404, constants.WEB_NOT_FOUND, "done"),
                 id="download-unknown-format"),
    pytest.param(Bad("GET", "/download/json", 404, constants.WEB_NOT_FOUND, "at-age"),
                 id="download-before-the-result"),
    pytest.param(Bad("GET", "/explain/fevr", 404, "(did you mean fever ?)"), id="explain-misspelt"),
    pytest.param(Bad("GET", "/explain/unknown-id", 404, "unknown-id is not a question"),
                 id="explain-unknown"),
    pytest.param(Bad("GET", "/demo/unknown/1", 404, constants.WEB_NOT_FOUND), id="demo-unknown"),
    pytest.param(Bad("GET", "/demo/saddle_numbness/one", 400, constants.WEB_BAD_REQUEST),
                 id="demo-step-not-a-number"),
    pytest.param(Bad("GET", "/demo/saddle_numbness/0", 404, constants.WEB_NOT_FOUND), id="demo-step-0"),
]


@pytest.mark.parametrize("bad", BAD)
def test_a_bad_request_gets_a_plain_page(bad: Bad, kiosk: Kiosk, app: FastAPI) -> None:
    if bad.state == "at-age":
        kiosk.start()
    if bad.state == "at-choice":  # answer_until starts the visit itself
        kiosk.answer_until(examples.BENIGN, lambda question: question.type == "choice")
    if bad.state == "done":
        _finished(kiosk)
    visit = app.state.visits.get(kiosk.client.cookies.get(COOKIE))
    before = None if visit is None else (dict(visit.interview.answers), list(visit.interview.path))
    form = None
    if bad.form is not None:
        current = visit.interview.current.id if visit and visit.interview.current else ""
        form = {"csrf": kiosk.csrf, "question": current, **bad.form}
    headers = {"content-type": bad.content_type} if bad.content_type else None
    response = kiosk.client.request(bad.method, bad.url, data=form, content=bad.body, headers=headers,
                                    follow_redirects=True)
    assert response.status_code == bad.status, text_of(response.text)
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = text_of(response.text)
    assert bad.says in page or bad.says in html.unescape(response.text), page
    assert constants.WEB_START_AGAIN in page or 'name="question"' in response.text or (  # a way on
        'class="button primary" href="/question/' in response.text)
    for leak in ("Traceback", '{"detail"', "Internal Server Error", 'File "'):
        assert leak not in response.text
    if visit is not None:  # the answer is not taken
        assert (dict(visit.interview.answers), list(visit.interview.path)) == before


def test_a_refused_number_is_kept_for_correcting_and_shortened(kiosk: Kiosk) -> None:
    kiosk.start()
    page = kiosk.send("age", "4" * MAX_FIELD)
    assert 'value="' + "4" * 20 + '"' in page.text
    assert "4" * 21 not in page.text
    assert 'aria-invalid="true"' in page.text and 'role="alert"' in page.text


def test_an_unknown_explain_id_never_reflects_markup(kiosk: Kiosk) -> None:
    response = kiosk.get("/explain/%3Cscript%3Ealert(1)")
    assert response.status_code == 404
    assert "<script>" not in response.text
    assert "&lt;script&gt;alert(1)" in response.text


# --- the same words as the terminal ----------------------------------------------------------------
def test_the_result_page_has_every_section_of_the_terminal_result(
        kiosk: Kiosk, kb: KnowledgeBase, engine: Engine) -> None:
    kiosk.play(examples.DOCTOR)
    page = text_of(kiosk.get("/result").text)
    expected = examples.replay(kb, engine, examples.DOCTOR)
    doc = report.build(kb, expected)
    assert len(doc.sections) >= 5
    for section in doc.sections:
        assert section.title in page, section.title
    assert doc.level_title in page and doc.suggestion in page


# --- `triage serve` --------------------------------------------------------------------------------
def test_serve_refuses_an_idle_time_of_zero(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["serve", "--idle-minutes", "0"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert constants.WEB_IDLE_MINUTES in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("host", "loopback"), [
    pytest.param("127.0.0.1", True, id="ipv4-loopback"),
    pytest.param("127.8.9.10", True, id="ipv4-loopback-range"),
    pytest.param("::1", True, id="ipv6-loopback"),
    pytest.param("localhost", True, id="localhost"),
    pytest.param("0.0.0.0", False, id="every-ipv4-address"),
    pytest.param("::", False, id="every-ipv6-address"),
    pytest.param("192.168.1.20", False, id="private-network"),
    pytest.param("kiosk.example.org", False, id="a-name"),
    pytest.param("", False, id="empty"),
])
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


NETWORK_IN_WORDS = ["--plain-http-notice", "Our own closed network.", "--allowed-host", "kiosk.test"]


@pytest.mark.parametrize(("host", "options", "warns"), [
    pytest.param("127.0.0.1", [], False, id="this-computer-only"),
    pytest.param("0.0.0.0", NETWORK_IN_WORDS, True, id="every-address-warns"),
])
def test_the_real_server_serves_and_stops_calmly(host: str, options: list[str], warns: bool) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("TRIAGE_DEBUG", None)
    proc = subprocess.Popen([sys.executable, "-m", "triage", "serve", "--host", host, "--port", str(port),
                             *options],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.strip() == constants.WEB_SERVING.format(url=f"http://{host}:{port}/"), first
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server never answered"
                assert proc.poll() is None, proc.communicate()
                time.sleep(0.1)
        assert response.status_code == 200
        assert constants.WEB_WELCOME_TITLE in response.text
        assert "server" not in response.headers  # uvicorn's own header is off
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert out.splitlines()[-1] == constants.WEB_STOPPED
    warning = constants.WEB_NOT_LOOPBACK.format(host=host)
    assert (warning in err) is warns, err


def test_a_port_in_use_is_said_before_any_address(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status = main(["serve", "--port", str(port)])
    assert status == 2
    out, err = capsys.readouterr()
    assert out == ""  # no "Serving the questionnaire at ..." for a kiosk that is not there
    assert err.startswith(f"triage serve: cannot listen on 127.0.0.1 port {port}: ")
    assert err.rstrip().endswith("choose another with --port")
    assert "Traceback" not in err


def test_at_a_clinic_the_emergency_page_says_the_number_and_to_tell_the_staff(
    kb: KnowledgeBase, engine: Engine
) -> None:
    settings = Clinic(name="Riverside Clinic", emergency_number="999", urgent_number="111")
    with TestClient(create_app(kb, engine, clinic=settings), raise_server_exceptions=False) as client:
        at_clinic = Kiosk(kb, client)
        at_clinic.play({**examples.BENIGN, "saddle_numbness": True})
        page = text_of(at_clinic.get("/result").text)
    assert constants.CLINIC_EMERGENCY_NUMBER.format(number="999") in page
    closing = " ".join(constants.CLOSING_EMERGENCY.format(number="999").split())
    assert closing in page and constants.CLOSING_STAFF in page


def test_the_kiosks_emergency_page_opens_with_what_to_do_now_and_the_staff(kiosk: Kiosk) -> None:
    kiosk.play({**examples.BENIGN, "saddle_numbness": True})
    page = text_of(kiosk.get("/result").text)
    flat = " ".join(page.split())
    staff = flat.index(constants.CLOSING_STAFF)  # first: the person at the tablet needs staff now
    assert staff < flat.index(" ".join(constants.CLOSING_EMERGENCY_NO_NUMBER.split()))
    assert staff < flat.index(constants.LEVEL_TITLE["emergency"])


def test_an_idle_emergency_is_held_for_staff_not_sent_back_to_the_start(
    kb: KnowledgeBase, engine: Engine
) -> None:
    clock = Clock()
    app = create_app(kb, engine, idle_minutes=5, clock=clock, clinic=DOWNLOADS_ON)
    with TestClient(app, raise_server_exceptions=False) as client:
        kiosk = Kiosk(kb, client)
        kiosk.play({**examples.BENIGN, "saddle_numbness": True})
        assert constants.LEVEL_TITLE["emergency"] in text_of(kiosk.get("/result").text)
        clock.now += 5 * 60 + 1
        saddle = " ".join(kb.question("saddle_numbness").text.split())[:40]
        for url in ("/result", "/", "/question"):  # the idle reset, a tap on the name, anything
            page = kiosk.get(url)
            shown = text_of(page.text)
            assert page.status_code == 200, url
            assert constants.WEB_HELD_TITLE in shown, url
            assert constants.CLOSING_STAFF in shown
            assert saddle not in " ".join(shown.split()) and "Because you said" not in shown  # no answers
        assert kiosk.send("pain_location", ("lower_back",)).status_code == 200  # still held
        assert len(app.state.visits) == 1
        clock.now += 60 * 60  # an hour later, still there for staff
        assert constants.WEB_HELD_TITLE in text_of(kiosk.get("/").text)
        kiosk.csrf = re.search(r'name="csrf" value="([^"]+)"', kiosk.get("/result").text).group(1)  # type: ignore[union-attr]
        done = kiosk.post("/finish", {"csrf": kiosk.csrf}, follow_redirects=False)
        assert (done.status_code, done.headers["location"]) == (303, "/")
        assert len(app.state.visits) == 0
        assert constants.WEB_WELCOME_TITLE in text_of(kiosk.get("/").text)


def test_a_finished_emergency_is_not_held(kb: KnowledgeBase, engine: Engine) -> None:
    clock = Clock()
    app = create_app(kb, engine, idle_minutes=5, clock=clock, clinic=DOWNLOADS_ON)
    with TestClient(app, raise_server_exceptions=False) as client:
        kiosk = Kiosk(kb, client)
        kiosk.play({**examples.BENIGN, "age": 40})
        assert constants.LEVEL_TITLE["acupuncturist"] in text_of(kiosk.get("/result").text)
        clock.now += 5 * 60 + 1
        assert len(app.state.visits) == 0  # a result that is not an emergency is wiped as before


def test_a_mis_tap_on_a_warning_sign_can_be_changed_from_the_emergency_page(kiosk: Kiosk) -> None:
    kiosk.play({**examples.BENIGN, "saddle_numbness": True})
    page = kiosk.get("/result")
    assert constants.WEB_CHANGE_LAST in text_of(page.text)
    back = kiosk.post("/back", {"csrf": kiosk.csrf}, follow_redirects=False)
    assert back.headers["location"] == "/question/3"
    question = kiosk.get("/question").text
    saddle = " ".join(kiosk.kb.question("saddle_numbness").text.split())[:40]
    assert saddle in " ".join(text_of(question).split())
    assert re.search(r'value="yes" checked', question)  # the Yes given is filled in
    kiosk.send("saddle_numbness", False)  # the result is worked out again: the questionnaire goes on
    assert kiosk.get("/question", follow_redirects=False).headers["location"] == "/question/4"
    assert QUESTION_FIELD.search(kiosk.get("/question").text).group(1) == "bladder_bowel_change"  # type: ignore[union-attr]

