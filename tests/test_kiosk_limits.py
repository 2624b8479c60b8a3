"""The kiosk's limits, as an attacker on the same computer tests them (OWASP ASVS 4).

* a body is bounded before anything reads it (:data:`triage.web.guard.MAX_BODY`, from its
  ``Content-Length`` at once, or as it comes in), and a stranger's body is not read at all:
  the visit's cookie comes first, the form after it, its CSRF token last;
* a form's fields: none longer than :data:`~triage.web.guard.MAX_FIELD`, no single-value field
  sent twice;
* a bug logs its type and route, nothing a request held;
* ``HEAD`` works wherever ``GET`` does and changes nothing; a 405 says what is allowed;
* no page shows a control or bidirectional character someone else typed;
* over HTTPS the cookie is ``__Host-`` and ``Secure`` and every response sends HSTS; a ``Host``
  the kiosk was not set up with is refused;
* the privacy notice says where the answers are kept, and the clinic's note for plain HTTP on a
  network is on every page.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import tracemalloc
import warnings
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest
import test_web as tw
from fastapi import FastAPI
from starlette.types import Message

from triage import constants, educate
from triage.engine import Engine
from triage.models import KnowledgeBase
from triage.terminal import examples
from triage.web.app import COOKIE, HSTS, UNSEEN, create_app, shown
from triage.web.guard import MAX_BODY, MAX_FIELD, every_route, host_name
from triage.web.network import LOOPBACK_NAMES, Network

with warnings.catch_warnings():  # Starlette 1.x suggests httpx2 for its test client; httpx still works
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
FORM = {"content-type": "application/x-www-form-urlencoded"}
MIB = 1 << 20
HTTPS = Network(tls=True, allowed_hosts=("kiosk.example",))
NOTE = "Plain HTTP on the clinic's own Wi-Fi network, as the clinic's IT lead decided."


@pytest.fixture(scope="module")
def app(kb: KnowledgeBase, engine: Engine) -> FastAPI:
    return create_app(kb, engine, clinic=tw.DOWNLOADS_ON)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def fields(page: httpx.Response) -> dict[str, str]:
    """The hidden fields of the page's first form (its CSRF token, a question's id and step)."""
    found: dict[str, str] = {}
    for name, value in HIDDEN.findall(page.text):
        found.setdefault(name, value)
    return found


def start(client: TestClient) -> httpx.Response:
    """Welcome, then Start: the first question's page (its fields hold the visit's tokens)."""
    welcome = client.get("/")
    page: httpx.Response = client.post("/start", data=fields(welcome), follow_redirects=True)
    assert page.url.path == "/question/1", tw.text_of(page.text)
    return page


class Body:
    """A request body made only as it is read: ``pulled`` counts the pieces taken."""

    def __init__(self, head: bytes, pieces: int, size: int) -> None:
        self.head, self.pieces, self.size, self.pulled = head, pieces, size, 0

    def __len__(self) -> int:
        return len(self.head) + sum(len(self._name(i)) + self.size for i in range(self.pieces))

    @staticmethod
    def _name(i: int) -> bytes:
        return b"&f%d=" % i

    def __iter__(self) -> Iterator[bytes]:
        self.pulled += 1
        yield self.head
        for i in range(self.pieces):
            self.pulled += 1
            yield self._name(i) + b"4" * self.size


# --- 1. the body: bounded before it is read, and a stranger's never read ---------------------------
def test_a_body_longer_than_the_limit_is_refused_from_its_length_unread(client: TestClient) -> None:
    page = start(client)
    body = Body(f"csrf={fields(page)['csrf']}".encode(), 49, MIB)  # the attack: 49 fields of 1 MB
    response = client.post("/answer", content=iter(body), headers={**FORM, "content-length": str(len(body))})
    assert response.status_code == 413
    assert constants.WEB_TOO_LARGE in tw.text_of(response.text)
    assert body.pulled == 0  # the server never asked for a byte of it


def test_fifty_such_requests_are_refused_quickly_and_memory_does_not_grow(client: TestClient) -> None:
    page = start(client)
    csrf = fields(page)["csrf"].encode()

    def attack() -> httpx.Response:
        body = Body(b"csrf=" + csrf, 49, MIB)
        sent: httpx.Response = client.post("/answer", content=iter(body),
                                           headers={**FORM, "content-length": str(len(body))})
        return sent

    assert client.get("/no/such/page").status_code == 404  # its template is read before measuring
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        began = time.perf_counter()
        statuses = {attack().status_code for _ in range(50)}
        took = time.perf_counter() - began
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak - before < MIB // 2, f"{(peak - before) / MIB:.1f} MB at the peak: a field was read"
    assert after - before < MIB // 4, f"{(after - before) / MIB:.1f} MB kept"
    assert statuses == {413}
    assert took < 15, f"{took:.1f} s for 50 refusals"


def _scope(path: str, cookie: str | None, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    sent = [(b"host", b"127.0.0.1"), *headers]
    if cookie is not None:
        sent.append((b"cookie", f"{COOKIE}={cookie}".encode()))
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
            "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
            "headers": sent, "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80)}


def drive(app: FastAPI, scope: dict[str, Any], pieces: int, size: int = 1024) -> tuple[int, int]:
    """Send a body of ``pieces`` pieces as a server receives one without its length (chunked):
    the response's status, and how many pieces the kiosk asked for."""
    pulled = 0
    status: list[int] = []

    async def receive() -> Message:
        nonlocal pulled
        if pulled >= pieces:
            return {"type": "http.disconnect"}
        pulled += 1
        return {"type": "http.request", "body": b"a" * size, "more_body": pulled < pieces}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    asyncio.run(app(scope, receive, send))
    return status[0], pulled


def test_a_body_without_a_length_is_stopped_at_the_limit(app: FastAPI, client: TestClient) -> None:
    start(client)
    token = str(client.cookies[COOKIE])
    chunked = [(b"content-type", b"application/x-www-form-urlencoded"), (b"transfer-encoding", b"chunked")]
    status, pulled = drive(app, _scope("/answer", token, chunked), pieces=1024)  # 1 MB in 1 KiB pieces
    assert status == 413
    assert pulled <= MAX_BODY // 1024 + 1, f"{pulled} KiB read of a body past {MAX_BODY // 1024} KiB"


def test_a_stranger_s_body_is_never_read(app: FastAPI) -> None:
    """No cookie, or one of no visit: refused (403) before the form is read, whatever its size."""
    sized = [(b"content-type", b"application/x-www-form-urlencoded"), (b"content-length", b"4096")]
    for cookie in (None, "no-such-visit"):
        status, pulled = drive(app, _scope("/answer", cookie, sized), pieces=4)
        assert (status, pulled) == (403, 0), cookie


def test_the_cookie_comes_before_the_form_and_the_token_after_it(client: TestClient) -> None:
    page = start(client)
    sent = {**fields(page), "answer": "40"}
    wrong = client.post("/answer", data={**sent, "csrf": "wrong"}, follow_redirects=False)
    assert wrong.status_code == 403  # the form read (the visit is known), its token refused
    right = client.post("/answer", data=sent, follow_redirects=False)
    assert (right.status_code, right.headers["location"]) == (303, "/question/2")


def test_the_limits_leave_every_form_of_the_kiosk_room(client: TestClient, kb: KnowledgeBase) -> None:
    """A body just at the limit and a field just at its own are read; a byte more is refused."""
    page = start(client)
    sent = {**fields(page), "answer": "4" * MAX_FIELD}
    at_field = client.post("/answer", data=sent)
    assert at_field.status_code == 422  # read, and refused as an answer: not a number from 0 to 120
    over_field = client.post("/answer", data={**sent, "answer": "4" * (MAX_FIELD + 1)})
    assert over_field.status_code == 413
    spread = str(httpx.QueryParams({**fields(page), "answer": "x"}))  # read, and refused as an answer
    while MAX_BODY - len(spread) - len("&z=") > MAX_FIELD:  # fields as long as a field may be
        spread += f"&p{len(spread)}=" + "p" * (MAX_FIELD - 10)
    spread += "&z=" + "z" * (MAX_BODY - len(spread) - len("&z="))
    assert len(spread) == MAX_BODY
    assert client.post("/answer", content=spread, headers=FORM).status_code == 422
    assert client.post("/answer", content=spread + "z", headers=FORM).status_code == 413


# --- 2. a bug logs its type and route only ---------------------------------------------------------
def test_a_bug_logs_its_type_and_route_never_its_message(
        kb: KnowledgeBase, engine: Engine, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(kb, engine)

    async def weighing(number: int) -> None:
        raise ValueError(f"could not weigh {{'age': 41977, 'saddle_numbness': True}} at {number}")

    def explaining(*_: object) -> None:
        raise KeyError("fever=yes, age=41977")

    app.add_api_route("/weigh/{number}", weighing)
    monkeypatch.setattr(educate, "explain_blocks", explaining)
    caplog.set_level(logging.DEBUG)
    with TestClient(app) as test_client:  # raise_server_exceptions: nothing is raised on to the server
        pages = [test_client.get("/weigh/5309"), test_client.get("/explain/saddle_numbness")]
    assert [page.status_code for page in pages] == [500, 500]
    ours = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]  # not the client's
    logged = "\n".join(f"{r.name} {r.levelname} {r.getMessage()}" for r in ours)
    assert "ValueError" in logged and "/weigh/{number}" in logged
    assert "KeyError" in logged and "/explain/{item_id}" in logged
    for leak in ("41977", "5309", "saddle", "weigh {", "fever", "Traceback"):
        assert leak not in logged, leak
    assert all(record.exc_info is None and record.exc_text is None for record in ours)
    for page in pages:
        assert "41977" not in page.text and constants.WEB_BAD_REQUEST in tw.text_of(page.text)


# --- 3. a single-value field sent twice ------------------------------------------------------------
@pytest.mark.parametrize("name", ["csrf", "question", "step"])
@pytest.mark.parametrize("order", ["wrong-first", "right-first"])
def test_a_single_value_field_sent_twice_is_refused(client: TestClient, name: str, order: str) -> None:
    page = start(client)
    sent = fields(page)
    pair = [sent[name], "wrong"] if order == "right-first" else ["wrong", sent[name]]
    form = [*((k, v) for k, v in sent.items() if k != name), *((name, v) for v in pair), ("answer", "40")]
    response = client.post("/answer", content=urlencode(form), headers=FORM,
                           follow_redirects=False)
    assert response.status_code == 400
    assert constants.WEB_BAD_REQUEST in tw.text_of(response.text)
    assert client.get("/question", follow_redirects=False).headers["location"] == "/question/1"  # not taken


def test_the_language_sent_twice_is_refused(client: TestClient) -> None:
    page = start(client)
    form = [("csrf", fields(page)["csrf"]), ("lang", "es"), ("lang", "en")]
    response = client.post("/language", content=urlencode(form), headers=FORM)
    assert response.status_code == 400


def test_several_answers_stay_repeatable(kb: KnowledgeBase, client: TestClient) -> None:
    kiosk = tw.Kiosk(kb, client)
    page = kiosk.answer_until(examples.BENIGN, lambda question: question.type == "multi")
    question = kb.question(tw.QUESTION_FIELD.findall(page.text)[0])
    ticked = question.option_ids[:2]
    form = [*fields(page).items(), *(("answer", option) for option in ticked)]
    answered = client.post("/answer", content=urlencode(form), headers=FORM,
                           follow_redirects=False)
    assert answered.status_code == 303, tw.text_of(answered.text)


# --- 4. HEAD, and the methods a 405 allows ----------------------------------------------------------
def _where(client: TestClient) -> str:
    return str(client.get("/question", follow_redirects=False).headers["location"])


def test_head_works_wherever_get_does_and_changes_nothing(kb: KnowledgeBase, client: TestClient) -> None:
    kiosk = tw.Kiosk(kb, client)
    page = kiosk.start()
    for _ in range(2):
        qid = tw.QUESTION_FIELD.findall(page.text)[0]
        page = kiosk.send(qid, tw.as_read(kb.question(qid), examples.BENIGN[qid]), follow_redirects=True)
    here = _where(client)
    assert here == "/question/3"
    for url in ("/", "/question/1", "/question", "/result", "/print", "/start-again", "/download/json",
                "/question/2", "/?lang=es"):
        response = client.head(url)
        assert response.status_code == 200, url
        assert response.content == b"" and "set-cookie" not in response.headers, url
        assert _where(client) == here, url  # a GET of /question/1 would have moved the visit back
    welcome = client.head("/")
    assert welcome.headers["content-type"] == "text/html; charset=utf-8"
    assert client.get("/question/3").status_code == 200


def test_head_begins_no_visit(app: FastAPI) -> None:
    with TestClient(app) as fresh:
        response = fresh.head("/")
        assert response.status_code == 200
        assert "set-cookie" not in response.headers and not fresh.cookies
        assert fresh.get("/result", follow_redirects=False).headers["location"] == "/"


@pytest.mark.parametrize("url", ["/staff", "/red-flags", "/demo", "/explain/fever", "/explain/zzz",
                                 "/demo/no-such/1", "/static/kiosk.css", "/no/such/page", "/demo/x/one"])
def test_head_of_a_page_for_everyone_is_its_get_without_the_body(client: TestClient, url: str) -> None:
    got, head = client.get(url), client.head(url)
    assert head.status_code == got.status_code
    assert head.content == b""
    for name in ("content-type", "content-length", "cache-control", "content-security-policy"):
        assert head.headers.get(name) == got.headers.get(name), name


@pytest.mark.parametrize(("method", "url", "allowed"), [
    ("GET", "/answer", "POST"),
    ("HEAD", "/answer", "POST"),
    ("PUT", "/", "GET, HEAD"),
    ("DELETE", "/question", "GET, HEAD"),
    ("PATCH", "/start-again", "GET, HEAD, POST"),
    ("GET", "/finish", "POST"),
    ("POST", "/staff", "GET, HEAD"),
    ("POST", "/static/kiosk.css", "GET, HEAD"),
])
def test_a_405_says_what_is_allowed(client: TestClient, method: str, url: str, allowed: str) -> None:
    response = client.request(method, url)
    assert response.status_code == 405
    assert response.headers["allow"] == allowed


# --- 5. control and bidirectional characters -------------------------------------------------------
HOSTILE = ("\x1b[31m\u202egpj.exe\u2066x\u2069\u200f\u200e\u061c\x85\x00\x7f"
           "\u202a\u202b\u202c\u202d\u2067\u2068")
"""What an address or an answer could carry to make a page read otherwise: an escape to the
terminal, a right-to-left override, isolates and marks, C1 and NUL."""


def _unseen(text: str) -> list[str]:
    return [f"U+{ord(c):04X}" for c in UNSEEN.findall(text)]


def test_the_characters_are_shown_as_their_codes() -> None:
    assert shown("a\tb\nc\u202ed") == "a\tb\nc\\u202ed"
    assert not UNSEEN.findall(shown(HOSTILE))
    assert all(not UNSEEN.search(chr(c)) for c in (0x09, 0x0A, 0x0D, 0x20, 0xA0, 0x05D0))


def _paths(app: FastAPI) -> list[str]:
    """Every GET address of the kiosk with each of its parameters given the hostile text."""
    out = []
    for route in every_route(app.routes):
        path = str(getattr(route, "path", ""))
        if "GET" in (getattr(route, "methods", None) or ()) and "{" in path:
            out.append(re.sub(r"\{[^}]+\}", quote(HOSTILE, safe=""), path))
    return out


def test_no_page_echoes_them(app: FastAPI, client: TestClient) -> None:
    paths = _paths(app)
    assert "/explain/" + quote(HOSTILE, safe="") in paths
    for started in (False, True):
        if started:
            start(client)
        for url in [*paths, f"/?lang={quote(HOSTILE)}", f"/staff?lang={quote(HOSTILE)}",
                    f"/no/such/{quote(HOSTILE, safe='')}"]:
            response = client.get(url)
            assert not _unseen(response.text), (url, _unseen(response.text))
    explained = client.get("/explain/" + quote(HOSTILE, safe=""))
    assert explained.status_code == 404 and "\\u202e" in explained.text  # shown, as its code


def test_a_typed_answer_is_shown_back_without_them(client: TestClient) -> None:
    page = start(client)
    refused = client.post("/answer", data={**fields(page), "answer": HOSTILE})
    assert refused.status_code == 422
    assert not _unseen(refused.text), _unseen(refused.text)


# --- 6. HTTPS: the cookie and HSTS; the names the kiosk answers to ---------------------------------
@pytest.mark.parametrize("base", ["http://127.0.0.1", "http://127.0.0.1:8000", "http://localhost:8000",
                                  "http://[::1]:8000", "http://LOCALHOST"])
def test_the_loopback_names_are_answered(app: FastAPI, base: str) -> None:
    with TestClient(app, base_url=base) as test_client:
        assert test_client.get("/").status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example",
                                  "localhost.evil.example", "[::2]:8000", "::1", "127.0.0.1:80@evil.example",
                                  "", "testserver"])
def test_any_other_host_gets_a_plain_400(app: FastAPI, host: str) -> None:
    with TestClient(app) as test_client:
        response = test_client.get("/", headers={"host": host})
        assert response.status_code == 400
        page = tw.text_of(response.text)
        assert constants.WEB_WRONG_HOST in page
        assert "set-cookie" not in response.headers and 'name="csrf"' not in response.text
        assert constants.WEB_START_AGAIN not in page  # no link: it would lead to the same name
        assert test_client.post("/start", data={"csrf": "x"}, headers={"host": host}).status_code == 400


def test_two_host_headers_get_a_400(app: FastAPI) -> None:
    scope = _scope("/", None, [(b"host", b"evil.example")])
    scope["method"] = "GET"
    assert drive(app, scope, pieces=0)[0] == 400


@pytest.mark.parametrize(("header", "name"), [
    ("127.0.0.1", "127.0.0.1"), ("127.0.0.1:8000", "127.0.0.1"), ("[::1]:8000", "::1"), ("[::1]", "::1"),
    ("Kiosk.Example", "kiosk.example"), ("kiosk.example:443", "kiosk.example"),
    ("::1", None), ("a:b:c", None), ("", None), ("x@y", None), ("[::1]x", None), ("a b", None),
])
def test_host_name(header: str, name: str | None) -> None:
    assert host_name(header) == name


def test_with_tls_the_cookie_is_host_prefixed_and_secure_and_hsts_is_sent(kb: KnowledgeBase,
                                                                         engine: Engine) -> None:
    app = create_app(kb, engine, network=HTTPS)

    async def broken() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/broken", broken)
    with TestClient(app, base_url="https://kiosk.example", raise_server_exceptions=False) as test_client:
        page = start(test_client)
        answered = test_client.post("/answer", data={**fields(page), "answer": "40"})
        assert answered.url.path == "/question/2"  # the cookie went back and forth
        seen = [*page.history, page, *answered.history, answered]
        cookies = [r.headers.get_list("set-cookie") for r in seen]
        set_cookies = [c for found in cookies for c in found]
        assert set_cookies
        for cookie in set_cookies:
            parts = [p.strip() for p in cookie.split(";")]
            assert parts[0].startswith(f"__Host-{COOKIE}="), cookie
            assert "Secure" in parts and "Path=/" in parts and "HttpOnly" in parts, cookie
            assert not any(p.lower().startswith("domain") for p in parts), cookie
        others = [test_client.get("/static/kiosk.css"), test_client.get("/no/such/page"),
                  test_client.put("/"), test_client.get("/broken"), test_client.head("/"),
                  test_client.get("/", headers={"host": "127.0.0.1"}),
                  test_client.post("/answer", content=b"x" * (MAX_BODY + 1), headers=FORM)]
        assert [r.status_code for r in others] == [200, 404, 405, 500, 200, 400, 413]
        for response in [*seen, *others]:
            assert response.headers["strict-transport-security"] == HSTS == "max-age=31536000", response.url


def test_with_tls_a_plain_named_cookie_is_not_the_visit_s(kb: KnowledgeBase, engine: Engine) -> None:
    """Someone who could set a cookie for the name (over plain HTTP, or from a name beside it) cannot
    choose the visit: over HTTPS only the ``__Host-`` cookie counts."""
    app = create_app(kb, engine, network=HTTPS)
    with TestClient(app, base_url="https://kiosk.example") as owner:
        start(owner)
        token = str(owner.cookies[f"__Host-{COOKIE}"])
        assert _where(owner) == "/question/1"
    with TestClient(app, base_url="https://kiosk.example", cookies={COOKIE: token}) as planted:
        assert planted.get("/question", follow_redirects=False).headers["location"] == "/"


def test_without_tls_the_cookie_and_headers_are_as_before(client: TestClient) -> None:
    welcome = client.get("/")
    page = start(client)
    for response in (welcome, page, *page.history):
        assert "strict-transport-security" not in response.headers
        for cookie in response.headers.get_list("set-cookie"):
            assert cookie.startswith(f"{COOKIE}=") and "Secure" not in cookie, cookie


# --- 7. what the pages say about where the answers are ---------------------------------------------
def test_on_this_computer_the_answers_stay_on_this_device(client: TestClient) -> None:
    page = tw.text_of(client.get("/").text)
    assert constants.WEB_PRIVACY.format(minutes="5") in page
    assert constants.WEB_PRIVACY_REMOTE.split(",")[0] not in page


def test_on_another_computer_the_pages_say_the_clinic_s_server(kb: KnowledgeBase, engine: Engine) -> None:
    remote = Network(tls=True, allowed_hosts=("kiosk.example",), remote=True)
    app = create_app(kb, engine, network=remote, clinic=tw.DOWNLOADS_ON)
    with TestClient(app, base_url="https://kiosk.example") as test_client:
        welcome = tw.text_of(test_client.get("/").text)
        assert constants.WEB_PRIVACY_REMOTE.format(minutes="5") in welcome
        assert "stay on this device" not in welcome
        kiosk = tw.Kiosk(kb, test_client)
        kiosk.play(examples.BENIGN)
        result = tw.text_of(kiosk.get("/result").text)
        assert constants.WEB_FINISH_HINT_REMOTE in result and constants.WEB_FINISH_HINT not in result


def test_the_clinic_s_note_for_plain_http_is_on_every_page(kb: KnowledgeBase, engine: Engine) -> None:
    network = Network(allowed_hosts=(*LOOPBACK_NAMES, "10.0.0.5"), remote=True, open_network_note=NOTE)
    app = create_app(kb, engine, network=network, clinic=tw.DOWNLOADS_ON)
    with TestClient(app, base_url="http://10.0.0.5:8000") as test_client:
        kiosk = tw.Kiosk(kb, test_client)
        kiosk.play(examples.BENIGN)
        for url in ("/print", "/staff", "/red-flags", "/explain/fever", "/demo", "/no/such/page",
                    "/start-again"):
            kiosk.get(url)
        kiosk.get("/", headers={"host": "elsewhere.example"})
        pages = [r for r in kiosk.seen if "html" in r.headers.get("content-type", "")]
        assert len(pages) > 20
        for page in pages:
            assert f"{constants.WEB_CLINIC_NOTE} {NOTE}" in tw.text_of(page.text), page.url


def test_without_a_note_there_is_no_banner(client: TestClient) -> None:
    assert "network-note" not in client.get("/").text


@pytest.mark.browser
def test_the_clinic_s_note_passes_the_accessibility_checks(kb: KnowledgeBase, engine: Engine) -> None:
    from web_server import answer_all, axe_violations, launch, serve, start

    network = Network(remote=True, open_network_note=NOTE)
    with serve(create_app(kb, engine, network=network)) as url:
        for browser in launch():  # once, and closed after
            context = browser.new_context(base_url=url)
            page = context.new_page()
            screens = []
            for step in ("welcome", "question", "result"):
                if step == "welcome":
                    page.goto("/")
                elif step == "question":
                    start(page)
                else:
                    answer_all(page, kb, examples.BENIGN)
                screens.append(page.url)
                assert page.get_by_role("note").filter(has_text=NOTE).is_visible(), step
                count, found = axe_violations(page)
                assert count == 0, (step, found)
            assert screens[-1].endswith("/result"), screens
            context.close()
