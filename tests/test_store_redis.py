"""Where the visits are kept: the store's contract, in memory and in Redis; and the kiosk on Redis,
restarted mid-visit and served by two processes at once.

The Redis tests start their own ``redis-server`` (Debian's), keeping nothing on disk
(``--save "" --appendonly no``), on a free port of 127.0.0.1. Without it they are skipped, except in
CI, where ``.ci/run`` installs it and its absence fails them.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from triage import constants, errors
from triage.engine import Engine
from triage.models import AnswerValue, KnowledgeBase
from triage.terminal import examples
from triage.web.app import COOKIE, create_app
from triage.web.sessions import store_from_url
from triage.web.store import HOLD_SECONDS, MemoryStore, Store, VisitState
from triage.web.store_redis import RedisStore

with warnings.catch_warnings():  # Starlette 1.x suggests httpx2 for its test client; httpx still works
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
FIELD = re.compile(r'name="(csrf|question|step)" value="([^"]*)"')
CHECKLIST = "before_needling"
IDLE = 0.5
"""The stores' idle time in the contract's tests, in seconds (Redis's keys expire in real time)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def redis_server(folder: Path, *settings: str) -> Generator[str]:
    """A ``redis-server`` of its own on a free port of 127.0.0.1, until the generator is closed; yields
    its URL. ``settings`` come after the defaults (no saving to disk), and may change them."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed, so the Redis tests cannot run in CI; .ci/run "
                        "installs it with apt-get", pytrace=False)
        pytest.skip("redis-server is not installed: `apt-get install redis-server` to run the Redis tests")
    port = free_port()
    proc = subprocess.Popen([binary, "--save", "", "--appendonly", "no", "--port", str(port), "--bind",
                             "127.0.0.1", "--dir", str(folder), *settings],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
    client.close()
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from redis_server(tmp_path_factory.mktemp("redis"))


@pytest.fixture
def empty_redis(redis_url: str) -> str:
    """The module's Redis, emptied for the test."""
    with redis.Redis.from_url(redis_url) as client:
        client.flushall()
    return redis_url


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


# --- the contract, for both stores ---------------------------------------------------------------------
@dataclass
class Kept:
    """A store under test, and how the test lets time pass for it."""

    store: Store
    wait: Callable[[float], None]
    again: Callable[[], Store]
    """Another handle on the same visits (a second connection; in memory, the same store)."""


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
def kept(request: pytest.FixtureRequest) -> Iterator[Kept]:
    if request.param == "memory":
        clock = Clock()
        store = MemoryStore()
        store.bind(IDLE, clock)

        def advance(seconds: float) -> None:
            clock.now += seconds

        yield Kept(store, advance, lambda: store)
        return
    url = request.getfixturevalue("empty_redis")
    handles: list[RedisStore] = []

    def connect() -> RedisStore:
        handle = RedisStore.connect(url)
        handle.bind(IDLE, time.monotonic)
        handles.append(handle)
        return handle

    yield Kept(connect(), time.sleep, connect)
    for handle in handles:
        handle.close()


def state(token: str = "tok.en", **changes: Any) -> VisitState:
    answers: dict[str, AnswerValue] = {"age": 40, "recent_trauma": False, "pain_location": ("lower_back",),
                                       "pain_cause": "lifting"}
    return replace(VisitState(token=token, csrf="c" * 43, language="es", answers=answers,
                              path=("age", "recent_trauma", "pain_location"), current="pain_cause",
                              started=True, moves=4), **changes)


def test_a_state_comes_back_as_it_was_kept(kept: Kept) -> None:
    kept.store.add(state(), limit=100)
    assert kept.store.get("tok.en") == state()
    assert kept.again().get("tok.en") == state()  # every process sees it
    assert kept.store.get("tok.other") is None
    changed = state(answers={"age": 41}, path=("age",), current="recent_trauma", moves=5)
    kept.store.put(changed)
    assert kept.again().get("tok.en") == changed


def test_a_visit_is_kept_while_used_and_wiped_after_the_idle_time(kept: Kept) -> None:
    kept.store.add(state(), limit=100)
    for _ in range(3):  # each use starts the idle time again
        kept.wait(IDLE * 0.6)
        assert kept.store.get("tok.en") is not None
    kept.wait(IDLE * 1.5)
    assert kept.store.get("tok.en") is None
    kept.store.sweep()
    assert kept.store.count() == 0


def test_delete_wipes_a_visit_and_it_stays_wiped(kept: Kept) -> None:
    kept.store.add(state(), limit=10)
    kept.store.add(state("tok.two"), limit=10)
    kept.again().delete("tok.en")  # Finish, in another tab or process
    assert kept.store.get("tok.en") is None
    assert kept.store.get("tok.two") is not None
    assert kept.store.count() == 1
    kept.store.put(state(moves=9))  # what the other tab's request changed meanwhile
    assert kept.store.get("tok.en") is None and kept.store.count() == 1
    kept.wait(IDLE * 1.5)
    kept.store.put(state("tok.two", moves=9))  # nor is one gone idle brought back
    assert kept.store.get("tok.two") is None


def test_a_full_store_refuses_a_new_visit_and_wipes_none(kept: Kept) -> None:
    for n in range(5):
        assert kept.store.add(state(f"tok.{n}"), limit=5)
    assert not kept.again().add(state("tok.new"), limit=5)
    assert kept.store.get("tok.new") is None
    assert kept.store.count() == 5
    assert all(kept.store.get(f"tok.{n}") is not None for n in range(5))
    kept.wait(IDLE * 1.5)  # they go idle: places free
    assert kept.store.add(state("tok.new"), limit=5)
    assert kept.store.count() == 1


def test_an_idle_emergency_is_held_without_its_answers(kept: Kept) -> None:
    kept.store.add(state(), limit=100)
    kept.store.put(state(emergency=True))  # its result is an emergency
    kept.wait(IDLE * 1.5)
    held = kept.store.get("tok.en")
    assert held is not None and held.held and held.emergency
    assert (held.answers, held.path, held.csrf, held.language) == ({}, (), "c" * 43, "es")
    assert kept.store.count() == 1
    kept.store.delete("tok.en")  # Finish
    assert kept.store.get("tok.en") is None and kept.store.count() == 0


def test_a_visit_no_longer_an_emergency_is_not_held(kept: Kept) -> None:
    kept.store.add(state(), limit=100)
    kept.store.put(state(emergency=True))
    kept.store.put(state(emergency=False))  # the person went back and changed the answer
    kept.wait(IDLE * 1.5)
    assert kept.store.get("tok.en") is None


def test_the_secret_is_shared_and_kept(kept: Kept) -> None:
    secret = kept.store.secret()
    assert len(secret) >= 32
    assert kept.again().secret() == secret == kept.store.secret()


# --- Redis keeps only the visit, for its idle time -----------------------------------------------------
def test_redis_keeps_a_visit_under_its_tokens_hash_for_the_idle_time(empty_redis: str) -> None:
    store = RedisStore.connect(empty_redis)
    store.bind(300, time.monotonic)
    store.secret()
    store.add(state(), limit=100)
    store.put(state(emergency=True))
    digest = hashlib.sha256(b"tok.en").hexdigest()
    with redis.Redis.from_url(empty_redis) as client:
        keys = {k.decode() for k in client.keys("*")}
        assert keys == {"triage:secret", f"triage:v:{digest}", f"triage:h:{digest}"}
        assert 0 < client.pttl(f"triage:v:{digest}") <= 300_000
        assert 300_000 < client.pttl(f"triage:h:{digest}") <= HOLD_SECONDS * 1000
        assert client.pttl("triage:secret") == -1
        kept = json.loads(client.get(f"triage:v:{digest}") or b"")
        held = json.loads(client.get(f"triage:h:{digest}") or b"")
        assert "tok.en" not in json.dumps(kept) and "token" not in kept
        assert held["answers"] == {} and held["path"] == []  # the held state has no answer in it
        assert kept["answers"]["pain_location"] == ["lower_back"]
        store.delete("tok.en")
        assert {k.decode() for k in client.keys("*")} == {"triage:secret"}
    store.close()


def test_a_redis_that_writes_to_disk_is_refused(tmp_path: Path) -> None:
    for settings in (("--save", "3600 1"), ("--appendonly", "yes")):
        server = redis_server(tmp_path, *settings)
        url = next(server)
        try:
            with pytest.raises(errors.TriageError) as refused:
                store_from_url(url)
            assert str(refused.value).startswith("triage serve --store: Redis at redis://127.0.0.1:")
            assert "--save \"\" --appendonly no" in str(refused.value)
        finally:
            server.close()


@pytest.mark.parametrize(("url", "says"), [
    pytest.param("memcached://127.0.0.1:11211", "is not a place the kiosk can keep its visits", id="scheme"),
    pytest.param("127.0.0.1:6379", "is not a place the kiosk can keep its visits", id="no-scheme"),
    pytest.param("", "is not a place the kiosk can keep its visits", id="empty"),
    pytest.param("redis://127.0.0.1:port/0", "is not a place the kiosk can keep its visits",
                 id="port-in-words"),
])
def test_a_bad_store_url_is_one_clear_message(url: str, says: str) -> None:
    with pytest.raises(errors.TriageError) as refused:
        store_from_url(url)
    assert len(refused.value.problems) == 1
    assert says in str(refused.value) and "Traceback" not in str(refused.value)


def test_an_unreachable_redis_is_one_clear_message_without_its_password() -> None:
    with pytest.raises(errors.TriageError) as refused:
        store_from_url(f"redis://kiosk:s3cret-word@127.0.0.1:{free_port()}/0")
    message = str(refused.value)
    assert message.startswith("triage serve --store: cannot reach Redis at redis://kiosk:***@127.0.0.1:")
    assert "s3cret-word" not in message


def test_several_workers_need_redis() -> None:
    with pytest.raises(errors.TriageError) as refused:
        store_from_url("memory", workers=2)
    assert constants.STORE_WORKERS.format(workers=2) in str(refused.value)
    assert isinstance(store_from_url("memory"), MemoryStore)


# --- the kiosk on Redis -------------------------------------------------------------------------------------
def form_values(kb: KnowledgeBase, qid: str, value: AnswerValue) -> list[str]:
    question = kb.question(qid)
    if question.type == "yes_no":
        return ["yes" if value is True else "no" if value is False else str(value)]
    return [str(v) for v in value] if isinstance(value, tuple | list) else [str(value)]


def answer_for(answers: Mapping[str, AnswerValue], qid: str) -> AnswerValue:
    return () if qid == CHECKLIST and qid not in answers else answers[qid]


def test_a_restarted_kiosk_on_the_same_redis_goes_on_with_the_visit(
        kb: KnowledgeBase, engine: Engine, empty_redis: str) -> None:
    """Five answers, then the kiosk restarts (a new application and a new connection to Redis): the
    same cookie finds the visit where it was, and goes on to the result."""
    answers = examples.DOCTOR
    fields: dict[str, str] = {}
    first = create_app(kb, engine)
    first.state.visits.use(store_from_url(empty_redis))
    with TestClient(first, raise_server_exceptions=False) as client:
        fields = dict(FIELD.findall(client.get("/").text))
        page = client.post("/start", data={"csrf": fields["csrf"]})
        for _ in range(5):
            fields = dict(FIELD.findall(page.text))
            page = client.post("/answer", data={**fields, "answer": form_values(
                kb, fields["question"], answers[fields["question"]])})
        cookie = client.cookies[COOKIE]
        assert page.url.path == "/question/6"
    first.state.visits.store.close()

    again = create_app(kb, engine)
    again.state.visits.use(store_from_url(empty_redis))
    with TestClient(again, raise_server_exceptions=False) as client:
        client.cookies.set(COOKIE, cookie)
        page = client.get("/question")
        assert page.url.path == "/question/6"
        back = client.get("/question/5")  # the answers are there: the fifth is filled in
        assert re.search(r'value="no" checked', back.text)
        page = client.get("/question/6")
        while (qid := dict(FIELD.findall(page.text)).get("question")) is not None:
            page = client.post("/answer", data={**dict(FIELD.findall(page.text)),
                                                "answer": form_values(kb, qid, answer_for(answers, qid))})
            assert page.status_code == 200, text_of(page.text)
        assert page.url.path == "/result"
        level = examples.replay(kb, engine, answers).level
        assert constants.LEVEL_TITLE[level] in text_of(page.text)
        done = client.post("/finish", data={"csrf": dict(FIELD.findall(page.text))["csrf"]},
                           follow_redirects=False)
        assert done.status_code == 303
    with redis.Redis.from_url(empty_redis) as plain:
        assert [k.decode() for k in plain.keys("*")] == ["triage:secret"]  # nothing of the visit is left
    again.state.visits.store.close()


def test_a_redis_restarted_empty_says_the_kiosk_restarted(
        kb: KnowledgeBase, engine: Engine, empty_redis: str) -> None:
    app = create_app(kb, engine)
    app.state.visits.use(store_from_url(empty_redis))
    with TestClient(app, raise_server_exceptions=False) as client:
        fields = dict(FIELD.findall(client.get("/").text))
        fields = dict(FIELD.findall(client.post("/start", data={"csrf": fields["csrf"]}).text))
        with redis.Redis.from_url(empty_redis) as plain:
            plain.flushall()  # as Redis restarted without saving: every visit, and the secret, gone
        late = client.post("/answer", data={**fields, "answer": "40"})
    assert late.status_code == 403
    assert " ".join(constants.WEB_EXPIRED_RESTARTED.split()) in text_of(late.text)
    app.state.visits.store.close()


SERVE = """
import sys
import uvicorn
from triage import loader
from triage.engine import engine_for
from triage.web.app import create_app
from triage.web.sessions import store_from_url

kb = loader.load()
app = create_app(kb, engine_for(kb))
app.state.visits.use(store_from_url(sys.argv[1]))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)
"""
"""A kiosk of its own, in its own process, keeping its visits in the Redis named."""


@pytest.fixture
def two_kiosks(empty_redis: str) -> Iterator[list[str]]:
    """Two kiosks, each its own process on its own port, sharing one Redis; yields their addresses."""
    ports = [free_port(), free_port()]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", SERVE, empty_redis, str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for port in ports]
    try:
        deadline = time.monotonic() + 60
        for proc, port in zip(procs, ports, strict=True):
            while True:
                try:
                    httpx.get(f"http://127.0.0.1:{port}/staff", timeout=5)
                    break
                except httpx.TransportError:
                    assert proc.poll() is None, proc.communicate()[1]
                    assert time.monotonic() < deadline, "a kiosk did not start"
                    time.sleep(0.1)
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.communicate(timeout=20)


@pytest.mark.slow  # two kiosks in processes of their own
def test_two_kiosk_processes_on_one_redis_share_a_visit(
        two_kiosks: list[str], kb: KnowledgeBase, engine: Engine) -> None:
    """Each request goes to the other process, on a new connection, as behind a load balancer with
    several workers: the visit goes on from one to the other, to the result and Finish."""
    answers = examples.DOCTOR
    cookies: dict[str, str] = {}
    served = iter(range(1000))

    def ask(method: str, path: str, data: Mapping[str, Any] | None = None) -> httpx.Response:
        """One request to the next kiosk in turn, on a new connection; redirects followed the same way."""
        while True:
            where = two_kiosks[next(served) % 2]
            with httpx.Client(base_url=where, cookies=cookies, timeout=10) as client:
                response = client.request(method, path, data=data)
            cookies.update({k: v for k, v in response.cookies.items() if k == COOKIE})
            if response.status_code != 303:
                return response
            method, path, data = "GET", response.headers["location"], None

    page = ask("GET", "/")
    page = ask("POST", "/start", {"csrf": dict(FIELD.findall(page.text))["csrf"]})
    asked = 0
    while (qid := dict(FIELD.findall(page.text)).get("question")) is not None:
        page = ask("POST", "/answer", {**dict(FIELD.findall(page.text)),
                                       "answer": form_values(kb, qid, answer_for(answers, qid))})
        assert page.status_code == 200, text_of(page.text)
        asked += 1
    assert asked > 10 and page.url.path == "/result"
    assert constants.LEVEL_TITLE[examples.replay(kb, engine, answers).level] in text_of(page.text)
    assert next(served) > 2 * asked  # every answer and every page, each to the other process
    done = ask("POST", "/finish", {"csrf": dict(FIELD.findall(page.text))["csrf"]})
    assert constants.WEB_WELCOME_TITLE in text_of(done.text)
    assert ask("GET", "/question").url.path == "/"  # gone, from either process
