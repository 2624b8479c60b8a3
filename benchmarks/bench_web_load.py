"""Server time of the intake kiosk's answers, for 1 patient and 50 at once, beside a floor.

Starts the kiosk in its own process on 127.0.0.1, on a free port: `triage serve` itself, through
benchmarks/timed_kiosk.py, which adds one middleware recording each request's *server time*
(from uvicorn handing the request to the application to the last part of the response handed
back for sending; the time a request waits before uvicorn reads it is not in it). Then simulated
patients, each its own connection and cookie, walk through visits over HTTP: the welcome page,
Start, and every question to the result, each answer a POST /answer followed to the address it
redirects to (the next question's, /question/N, or /result), answered from the public vignettes
in turn (a question a vignette leaves blank gets a stand-in: not sure, the first option, the
lowest number), then Finish. Every patient must reach the result page with the level the
questionnaire's own flow gives for the same answers.

The floor, measured in the same run: once in each pause between answers, a patient also asks
for GET /_bench/floor, a page of a question's size answered on the same server by the middleware
alone (no framework, template or visit behind it), timed the same way. Each p95 is printed
beside the floor's as a ratio.

Two loads, one after the other on the same server:
- 1 patient: `--single-visits` visits, pausing 0.1 s between answers;
- `--concurrency` patients at once (50), `--patients` visits in all, pausing `--think` seconds
  between answers on average (0.5 to 1.5 times it; a person takes several seconds a question).

Prints, for each load, p50 / p95 / p99 of server time and of round trip (as the patients see
it) of the floor, POST /answer, the GET it redirects to (/question/N or /result), and one answer
(the POST and that GET together); then the errors (a failed request, a page other than
expected, a wrong result), the CPU time per answer of the server and of the patients, and, in
this process, the median of `Interview.answer` (the flow and a fresh evaluation by the engine)
and an answer through the application alone (no network, no HTTP client).

Targets on a 2-core machine: p95 server time per answer (POST and next page) at 50 patients at
most 50 ms; no errors. When the server time misses its target, or with `--profile`, visits
through the application in this process are profiled (cProfile) and the top costs listed.

Delayed ACKs. uvicorn writes a response's head and its body apart. On a connection with Nagle's
algorithm on (no TCP_NODELAY), the body waits until the client acknowledges the head, which a
client with nothing to send delays (40 ms on Linux, up to 200 ms on Windows). asyncio sets
TCP_NODELAY only on connections whose listening socket names TCP as its protocol, and the socket
`triage serve` listens on (triage.web.server.listen) is made with protocol 0: the kiosk's
connections keep Nagle's algorithm, and each page but a redirect waits for the browser's delayed
ACK. The benchmark first measures that wait, the floor's round trip on one kept-alive connection
from a client acknowledging as browsers do and from one acknowledging at once, and says when it
is there. The patients' client then acknowledges at once (TCP_QUICKACK, Linux), so that their
round trips measure the kiosk, not the wait.

The patients speak HTTP/1.1 written out by hand (`--client wire`, each request in one write):
httpx costs about ten times the CPU a request, which on a 2-core machine takes time from the
server being measured. `--client httpx` uses httpx.AsyncClient instead, which acknowledges as
browsers do (its round trips carry the wait). With `--think 0` the patients answer back to back
and keep the server busy: a round trip then measures the queue. Each load stops after `--limit`
seconds. A run takes about two minutes; `--quick` about one, with fewer visits (one a patient at
50, two for 1 patient, a third of the vignettes in this process).

With `--store redis://HOST:PORT/DB` the kiosk keeps its visits in that Redis (`triage serve --store`),
in process too; `--store redis` starts a Redis of its own for the run (Debian's `redis-server`, on a
free port, keeping nothing on disk).

    uv run python benchmarks/bench_web_load.py [--quick] [--patients 100] [--concurrency 50]
        [--think 1.0] [--single-visits 4] [--limit 120] [--client wire|httpx] [--profile] [--seed 7]
        [--store memory|redis|redis://HOST:PORT/DB]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import math
import os
import pstats
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import yaml
from starlette.types import ASGIApp, Message, Scope
from timed_kiosk import FLOOR, FLOOR_BYTES, TIMES, Record, route

from triage import loader, qtypes
from triage.engine import Engine, engine_for
from triage.flow import Interview
from triage.models import AnswerValue, KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
VIGNETTES = ROOT / "tests" / "vignettes"
LAUNCHER = Path(__file__).resolve().with_name("timed_kiosk.py")
TARGET_SERVER_P95_MS, TARGET_ERRORS = 50.0, 0
SINGLE_THINK = 0.1
"""The 1-patient load's pause between answers, in seconds."""
QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)
"""Linux's option to acknowledge what arrives at once (None elsewhere)."""
ANSWER = "answer"
"""The label of one answer's requests together: POST /answer and the page it redirects to."""
ROWS = (("floor", f"GET {FLOOR}"), ("POST /answer", "POST /answer"), ("GET /question/N", "GET /question/N"),
        ("GET /result", "GET /result"), ("answer: POST + next page", ANSWER))
"""The lines of a load's table: their names and labels (a request's method and route)."""
QUESTION_FIELD = re.compile(r'name="question" value="([^"]+)"')
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')
LEVEL = re.compile(r'class="suggestion level-([a-z_]+)"')


# --- answers ------------------------------------------------------------------------------------
def vignette_answers(kb: KnowledgeBase, path: Path) -> dict[str, AnswerValue]:
    """A vignette's answers as tests/vignettes/README.md says (unmentioned yes/no: no; multi: none),
    multi answers in the question's option order, as the kiosk reads them back."""
    given: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))["answers"]
    answers: dict[str, AnswerValue] = {}
    for question in kb.questions:
        value = given.get(question.id)
        if value is None and question.id not in given and question.type == "yes_no":
            value = False
        if question.type == "multi":
            value = tuple(o for o in question.option_ids if o in (value or ()))
        answers[question.id] = qtypes.of(question).stand_in(question) if value is None else value
    return answers


def expected_level(kb: KnowledgeBase, engine: Engine, answers: Mapping[str, AnswerValue]) -> str:
    interview = Interview(kb, engine)
    while interview.current is not None:
        interview.answer(answers[interview.current.id])
    return interview.flow_result().evaluation.level


# --- browsers ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Page:
    status: int
    path: str
    text: str


class Browser:
    """What the kiosk sees of a browser: one cookie, form posts, redirects followed."""

    def __init__(self) -> None:
        self.cookie: str | None = None
        self.exchanges: list[tuple[str, float]] = []
        """The requests of the last :meth:`open` (method and route) and their round trips, in seconds."""

    async def exchange(self, method: str, path: str, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        raise NotImplementedError

    async def open(self, method: str, path: str, fields: list[tuple[str, str]] | None = None) -> Page:
        body = urlencode(fields or []).encode()
        self.exchanges = []
        for _ in range(5):
            start = time.perf_counter()
            status, headers, content = await self.exchange(method, path, body)
            self.exchanges.append((f"{method} {route(path)}", time.perf_counter() - start))
            for name, value in headers:
                if name == "set-cookie":
                    self.cookie = None if "max-age=0" in value.lower() else value.split(";", 1)[0]
            location = next((v for n, v in headers if n == "location"), None)
            if location is None or status not in (301, 302, 303, 307, 308):
                return Page(status, path, content.decode())
            method, path, body = "GET", location, b""
        raise ValueError("more than 5 redirects")

    async def close(self) -> None:
        return None


class Wire(Browser):
    """HTTP/1.1 on one kept-alive connection, written out by hand, each request in one write (the
    kiosk's responses all have a Content-Length).

    With ``quick_acks`` (where the system has TCP_QUICKACK), what arrives is acknowledged at once,
    so that a response's body never waits for a delayed acknowledgement of its head (see the
    module's docstring); without, the system acknowledges as it does for browsers."""

    def __init__(self, host: str, port: int, *, quick_acks: bool = True) -> None:
        super().__init__()
        self.host, self.port = host, port
        self.quick_acks = quick_acks and QUICKACK is not None
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def exchange(self, method: str, path: str, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if self.cookie:
            lines.append(f"Cookie: {self.cookie}")
        if method == "POST":
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        if self.quick_acks:  # after the write: sending is what turns delayed acknowledgements back on
            writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, QUICKACK, 1)
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        headers = [(n.strip().lower(), v.strip()) for n, _, v in (h.partition(":") for h in head[1:] if h)]
        fields = dict(headers)
        if "content-length" not in fields:
            raise ValueError(f"{method} {path}: a response without a Content-Length")
        content = await reader.readexactly(int(fields["content-length"]))
        if fields.get("connection", "").lower() == "close":
            await self.close()
        return int(head[0].split()[1]), headers, content

    async def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


class Httpx(Browser):
    """httpx.AsyncClient, redirects and the cookie left to :class:`Browser` as for the others."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.client = httpx.AsyncClient(base_url=base, timeout=30)

    async def exchange(self, method: str, path: str, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        headers = {"cookie": self.cookie} if self.cookie else {}
        if method == "POST":
            headers["content-type"] = "application/x-www-form-urlencoded"
        response = await self.client.request(method, path, content=body or None, headers=headers)
        self.client.cookies.clear()
        return response.status_code, [(n.lower(), v) for n, v in response.headers.multi_items()], \
            response.content

    async def close(self) -> None:
        await self.client.aclose()


class Direct(Browser):
    """The application called in this process: no network, no HTTP client."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__()
        self.app = app

    async def exchange(self, method: str, path: str, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        headers = [(b"host", b"127.0.0.1")]
        if self.cookie:
            headers.append((b"cookie", self.cookie.encode()))
        if method == "POST":
            headers += [(b"content-type", b"application/x-www-form-urlencoded"),
                        (b"content-length", str(len(body)).encode())]
        scope: Scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
                        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
                        "root_path": "", "headers": headers, "client": ("127.0.0.1", 1),
                        "server": ("kiosk", 80)}
        sent: list[Message] = []
        requested = False

        async def receive() -> Message:
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.Event().wait()  # no disconnect: the caller waits for the whole response
            raise AssertionError

        async def send(message: Message) -> None:
            sent.append(message)

        await self.app(scope, receive, send)
        start = next(m for m in sent if m["type"] == "http.response.start")
        content = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        return start["status"], [(n.decode("latin-1").lower(), v.decode("latin-1"))
                                 for n, v in start["headers"]], content


# --- the load -----------------------------------------------------------------------------------
@dataclass
class Tally:
    round_trips: defaultdict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    """Seconds, by request (method and route, as :data:`ROWS` names them) and by answer (:data:`ANSWER`)."""
    errors: list[str] = field(default_factory=list)
    finished: int = 0
    cut_short: int = 0

    @property
    def answers(self) -> int:
        return len(self.round_trips[ANSWER])


def _field(pattern: re.Pattern[str], page: Page) -> str:
    found = pattern.search(page.text)
    if found is None:
        raise ValueError(f"{page.path}: {page.status} without {pattern.pattern}")
    return found.group(1)


@dataclass(frozen=True)
class Pace:
    """How the patients go: ``concurrency`` at once, pausing ``think`` seconds between answers on
    average (``seed`` draws the pauses), for at most ``limit`` seconds in all; with ``floor``, asking
    for the floor once in each pause."""

    concurrency: int
    think: float
    limit: float
    seed: int
    floor: bool = True


@dataclass(frozen=True)
class Run:
    """What one patient shares with the others: its pauses, the deadline, and the tally."""

    pace: Pace
    rng: random.Random
    deadline: float
    tally: Tally


async def pause(browser: Browser, run: Run) -> None:
    """A patient's pause before an answer, with one request for the floor at a random moment in it."""
    length = run.pace.think * run.rng.uniform(0.5, 1.5)
    before = length * run.rng.random()
    if length:
        await asyncio.sleep(before)
    if run.pace.floor:
        page = await browser.open("GET", FLOOR)
        if page.status != 200 or len(page.text) != FLOOR_BYTES:
            raise ValueError(f"{FLOOR}: {page.status}, {len(page.text)} characters")
        for label, seconds in browser.exchanges:
            run.tally.round_trips[label].append(seconds)
    if length:  # the rest of the pause
        await asyncio.sleep(length - before)


async def patient(browser: Browser, kb: KnowledgeBase, answers: Mapping[str, AnswerValue], level: str,
                  run: Run) -> None:
    tally = run.tally
    page = await browser.open("GET", "/")
    csrf = _field(CSRF_FIELD, page)
    page = await browser.open("POST", "/start", [("csrf", csrf)])
    if page.path.startswith("/question/"):  # the visit's own token: the welcome form's only began it
        csrf = _field(CSRF_FIELD, page)
    while page.path.startswith("/question/") and page.status == 200:  # /question/N, its place
        if time.monotonic() > run.deadline:
            tally.cut_short += 1
            return
        await pause(browser, run)
        question = kb.question(_field(QUESTION_FIELD, page))
        fields = [("csrf", csrf), ("question", question.id),
                  *(("answer", key) for key in qtypes.of(question).keys_of(question, answers[question.id]))]
        start = time.perf_counter()
        page = await browser.open("POST", "/answer", fields)
        tally.round_trips[ANSWER].append(time.perf_counter() - start)
        for label, seconds in browser.exchanges:
            tally.round_trips[label].append(seconds)
    got = LEVEL.search(page.text)
    if page.path != "/result" or page.status != 200 or got is None:
        tally.errors.append(f"{page.path}: {page.status}")
    elif got.group(1) != level:
        tally.errors.append(f"level {got.group(1)} != {level}")
    else:
        tally.finished += 1
    await browser.open("POST", "/finish", [("csrf", csrf)])


async def load(kb: KnowledgeBase, browser: Callable[[], Browser],
               visits: list[tuple[dict[str, AnswerValue], str]], pace: Pace) -> Tally:
    tally = Tally()
    queue: asyncio.Queue[tuple[dict[str, AnswerValue], str]] = asyncio.Queue()
    for visit in visits:
        queue.put_nowait(visit)
    deadline = time.monotonic() + pace.limit
    rng = random.Random(pace.seed)

    async def worker() -> None:
        while not queue.empty() and time.monotonic() < deadline:
            answers, level = queue.get_nowait()
            each = browser()
            run = Run(pace, random.Random(rng.random()), deadline, tally)
            try:
                await asyncio.wait_for(patient(each, kb, answers, level, run), timeout=pace.limit + 30)
            except (OSError, ValueError, TimeoutError, asyncio.IncompleteReadError, httpx.HTTPError) as exc:
                tally.errors.append(f"{type(exc).__name__}: {exc}"[:200])
            finally:
                await each.close()

    await asyncio.gather(*(worker() for _ in range(pace.concurrency)))
    return tally


async def delayed_ack_wait(host: str, port: int, requests: int = 8) -> tuple[float, float]:
    """Median round trip of the floor (ms) on one kept-alive connection, from a client acknowledging
    as browsers do, and from one acknowledging at once (nan where the system cannot)."""
    medians: list[float] = []
    for quick in (False, True):
        if quick and QUICKACK is None:
            medians.append(float("nan"))
            continue
        browser, times = Wire(host, port, quick_acks=quick), []
        try:
            for _ in range(requests + 1):  # the first on a new connection: acknowledged at once anyway
                await asyncio.sleep(0.02)
                start = time.perf_counter()
                await browser.exchange("GET", FLOOR, b"")
                times.append(time.perf_counter() - start)
        finally:
            await browser.close()
        medians.append(statistics.median(times[1:]) * 1000)
    return medians[0], medians[1]


# --- the server ---------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(port: int, store: str = "memory") -> subprocess.Popen[str]:
    """`triage serve` on ``port``, its server times recorded (benchmarks/timed_kiosk.py), once it answers."""
    server = subprocess.Popen([sys.executable, str(LAUNCHER), "--port", str(port), "--store", store],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while True:
        status = None
        with contextlib.suppress(httpx.TransportError):
            status = httpx.get(f"http://127.0.0.1:{port}{FLOOR}", timeout=5).status_code
        if status is not None and status != 200:
            stop_server(server)
            raise SystemExit(f"{FLOOR}: {status}; the middleware recording server times is not in place")
        if status == 200:
            return server
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            raise SystemExit(f"the kiosk did not start: {server.communicate()[1][-2000:]}")
        time.sleep(0.1)


@contextlib.contextmanager
def own_store(store: str) -> Iterator[str]:
    """The store's URL; for ``redis``, a Redis of the run's own, keeping nothing on disk, while it lasts."""
    if store != "redis":
        yield store
        return
    import redis

    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("--store redis needs Debian's redis-server (apt-get install redis-server)")
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        server = subprocess.Popen([binary, "--save", "", "--appendonly", "no", "--port", str(port),
                                   "--bind", "127.0.0.1", "--dir", folder], stdout=subprocess.DEVNULL)
        url = f"redis://127.0.0.1:{port}/0"
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    with redis.Redis.from_url(url) as client:
                        client.ping()
                    break
                except redis.ConnectionError:
                    if time.monotonic() > deadline:
                        raise SystemExit("redis-server did not start") from None
                    time.sleep(0.05)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=10)


def stop_server(server: subprocess.Popen[str]) -> str:
    server.send_signal(signal.SIGINT)
    try:
        _, err = server.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        _, err = server.communicate()
    return err


def recorded(port: int) -> list[Record]:
    """The server times the kiosk recorded since the last call."""
    rows = httpx.get(f"http://127.0.0.1:{port}{TIMES}", timeout=30).json()
    return [(client, method, path, int(status), float(seconds))
            for client, method, path, status, seconds in rows]


def server_times(records: list[Record]) -> dict[str, list[float]]:
    """Seconds, by request (method and route) and by answer (:data:`ANSWER`: a POST /answer redirected,
    and the next request of the same connection, the page it was redirected to)."""
    times: defaultdict[str, list[float]] = defaultdict(list)
    posted: dict[str, float] = {}
    for client, method, path, status, seconds in records:
        times[f"{method} {path}"].append(seconds)
        before = posted.pop(client, None)
        if before is not None and method == "GET":
            times[ANSWER].append(before + seconds)
        if method == "POST" and path == "/answer" and status == 303:
            posted[client] = seconds
    return dict(times)


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU time of a process so far (Linux), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Phase:
    """One load on the server: what the patients saw and what the server recorded."""

    patients: int
    visits: int
    pace: Pace
    tally: Tally
    server: dict[str, list[float]]
    seconds: float
    server_cpu: float | None
    client_cpu: float


@dataclass(frozen=True)
class Served:
    """The kiosk under load: its process, its port, and the patients' client for it."""

    process: subprocess.Popen[str]
    port: int
    browser: Callable[[], Browser]


def run_load(served: Served, kb: KnowledgeBase, visits: list[tuple[dict[str, AnswerValue], str]],
             pace: Pace) -> Phase:
    recorded(served.port)  # forget what came before
    server_cpu, client_cpu = cpu_seconds(served.process.pid), time.process_time()
    start = time.perf_counter()
    tally = asyncio.run(load(kb, served.browser, visits, pace))
    seconds = time.perf_counter() - start
    client_cpu = time.process_time() - client_cpu
    after = cpu_seconds(served.process.pid)
    times = server_times(recorded(served.port))
    if not times.get(ANSWER):
        tally.errors.append("no server time recorded for an answer")
    return Phase(pace.concurrency, len(visits), pace, tally, times, seconds,
                 None if server_cpu is None or after is None else after - server_cpu, client_cpu)


# --- in this process: where an answer's time goes ------------------------------------------------
@dataclass(frozen=True)
class InProcess:
    engine_ms: float
    """Median of Interview.answer: the flow and a fresh evaluation by the engine."""
    p50_ms: float
    p95_ms: float
    """POST /answer and the page it redirects to, through the application alone (no network)."""


def direct_load(app: ASGIApp, kb: KnowledgeBase, visits: list[tuple[dict[str, AnswerValue], str]],
                seed: int) -> Tally:
    """One patient after another through the application in this process, without pauses or floor."""
    pace = Pace(concurrency=1, think=0, limit=600, seed=seed, floor=False)
    return asyncio.run(load(kb, lambda: Direct(app), visits, pace))


def in_process(kb: KnowledgeBase, engine: Engine, visits: list[tuple[dict[str, AnswerValue], str]],
               seed: int, store: str = "memory") -> tuple[InProcess, Tally]:
    from triage.web.app import create_app
    from triage.web.sessions import store_from_url

    engine_times: list[float] = []
    for answers, _ in visits:
        interview = Interview(kb, engine)
        while interview.current is not None:
            value = answers[interview.current.id]
            start = time.perf_counter()
            interview.answer(value)
            engine_times.append(time.perf_counter() - start)
    app = create_app(kb, engine)
    app.state.visits.use(store_from_url(store))
    direct_load(app, kb, visits, seed)  # warm up
    tally = direct_load(app, kb, visits, seed)
    app.state.visits.store.close()
    p50, p95, _ = percentiles(tally.round_trips[ANSWER])
    return InProcess(statistics.median(engine_times) * 1000, p50, p95), tally


def _where(label: tuple[str, int, str]) -> str:
    """A profiled function as file:line(function), the file relative to the project or its library."""
    path, line, name = label
    if path == "~":  # built in
        return name
    path = path.removeprefix(str(ROOT) + os.sep)
    return f"{re.sub(r'^.*?/(site-packages|lib/python3[.][0-9]+)/', '', path)}:{line}({name})"


def profile(kb: KnowledgeBase, engine: Engine, visits: list[tuple[dict[str, AnswerValue], str]],
            seed: int, top: int = 15) -> None:
    """Profile visits through the application in this process, and print the top costs per answer."""
    from triage.web.app import create_app

    app = create_app(kb, engine)
    direct_load(app, kb, visits, seed)  # warm up
    profiler = cProfile.Profile()
    profiler.enable()
    tally = direct_load(app, kb, visits, seed)
    profiler.disable()
    answers = max(tally.answers, 1)
    entries: dict[tuple[str, int, str], tuple[Any, ...]] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in entries.values())
    print(f"\nprofile: {len(visits)} visits through the application in this process (cProfile), "
          f"{tally.answers} answers, {total / answers * 1000:.2f} ms an answer under the profiler")
    ours = [(label, entry) for label, entry in entries.items() if label[0].startswith(str(ROOT / "triage"))]
    lists = (("by own time", sorted(entries.items(), key=lambda e: -e[1][2])),
             ("the project's functions, by time with callees", sorted(ours, key=lambda e: -e[1][3])))
    for title, rows in lists:
        print(f"  {'own ms':>7}{'+ callees':>10}{'calls':>9}  (ms per answer, calls in all) {title}")
        for label, (_, calls, own, cumulative, _) in rows[:top]:
            print(f"  {own / answers * 1000:>7.3f}{cumulative / answers * 1000:>10.3f}{calls:>9}  "
                  f"{_where(label)}")


# --- the report ----------------------------------------------------------------------------------
def percentiles(times: list[float]) -> tuple[float, float, float]:
    """p50, p95 and p99, in ms (nan for no times)."""
    if len(times) < 2:
        only = times[0] * 1000 if times else float("nan")
        return only, only, only
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return statistics.median(times) * 1000, cuts[94] * 1000, cuts[98] * 1000


def _cells(times: list[float], floor_p95: float) -> str:
    p50, p95, p99 = percentiles(times)
    if math.isnan(p50):  # no such request
        return f"{'-':>7}{'-':>7}{'-':>7}{'':>10}"
    ratio = f"{p95 / floor_p95:.1f}×" if floor_p95 > 0 else "-"
    return f"{p50:>7.2f}{p95:>7.2f}{p99:>7.2f}{ratio:>10}"


def print_load(title: str, phase: Phase) -> None:
    """A load's title, then server time and round trip of each line of :data:`ROWS`."""
    print(f"\n{title}")
    floor = ROWS[0][1]
    server_floor = percentiles(phase.server.get(floor, []))[1]
    trip_floor = percentiles(phase.tally.round_trips.get(floor, []))[1]
    print(f"  {'':<32}{'server time (ms)':<31}   round trip (ms)")
    columns = f"{'p50':>7}{'p95':>7}{'p99':>7}{'p95/floor':>10}"
    print(f"  {'':<26}{'n':>6}{columns}   {columns}")
    for name, label in ROWS:
        server = phase.server.get(label, [])
        print(f"  {name:<26}{len(server):>6}{_cells(server, server_floor)}   "
              f"{_cells(phase.tally.round_trips.get(label, []), trip_floor)}")


def print_loads(one: Phase, many: Phase) -> None:
    print_load(f"1 patient: {one.visits} visit{'s' * (one.visits != 1)}, {one.tally.answers} answers, "
               f"pauses of {one.pace.think:g} s; {one.tally.finished} reached their result", one)
    rate = many.tally.answers / many.seconds if many.seconds else 0
    print_load(f"{many.patients} patients at once: {many.visits} visits, {many.tally.answers} answers in "
               f"{many.seconds:.0f} s ({rate:.0f} answers/s), pauses of {many.pace.think:g} s on average;\n"
               f"{many.tally.finished} reached their result, {many.tally.cut_short} cut short by the "
               f"{many.pace.limit:g} s limit", many)


def print_measures(many: Phase, alone: InProcess, errors: list[str]) -> bool:
    """The targets and the CPU and in-process figures; whether the server time met its target."""
    server_p95 = percentiles(many.server.get(ANSWER, []))[1]
    met = server_p95 <= TARGET_SERVER_P95_MS
    answers = max(many.tally.answers, 1)
    print(f"\n{'measure':<58}{'value':>10}{'target':>10}")
    print(f"{f'p95 server time per answer at {many.patients} patients (ms)':<58}{server_p95:>10.1f}"
          f"{f'<= {TARGET_SERVER_P95_MS:g}':>10}  {'ok' if met else 'MISSED'}")
    print(f"{'errors':<58}{len(errors):>10}{TARGET_ERRORS:>10}  "
          f"{'ok' if len(errors) <= TARGET_ERRORS else 'MISSED'}")
    if many.server_cpu is not None:
        print(f"{f'server CPU per answer at {many.patients} patients, every request (ms)':<58}"
              f"{many.server_cpu / answers * 1000:>10.2f}")
    print(f"{'the patients (this process): CPU per answer (ms)':<58}"
          f"{many.client_cpu / answers * 1000:>10.2f}")
    print(f"{'in process, no network: an answer, p50 (ms)':<58}{alone.p50_ms:>10.2f}")
    print(f"{'in process, no network: an answer, p95 (ms)':<58}{alone.p95_ms:>10.2f}")
    print(f"{'in process: Interview.answer, median (ms)':<58}{alone.engine_ms:>10.2f}"
          f"   {alone.engine_ms / alone.p50_ms:.0%} of an answer")
    for error in sorted(set(errors))[:10]:
        print(f"  error: {error} (x{errors.count(error)})")
    return met


def print_ack_wait(waits: tuple[float, float], client: str) -> None:
    browser, quick = waits
    print("a response's wait for the client's acknowledgement, one kept-alive connection, p50 of the "
          f"floor's round trip:\n  client acknowledging as browsers do {browser:.1f} ms, "
          f"at once {quick:.1f} ms")
    if browser > 10 + (0 if math.isnan(quick) else quick):
        print("  the kiosk's connections leave Nagle's algorithm on (no TCP_NODELAY): a page's body waits "
              "for the\n  browser's delayed ACK of its head; "
              + ("the patients below acknowledge at once" if client == "wire" and QUICKACK is not None
                 else "the patients' round trips below carry that wait"))


# --- the run -------------------------------------------------------------------------------------
def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer visits: one a patient at once, two for 1 patient, a third in process")
    parser.add_argument("--patients", type=int,
                        help="visits in all, at once (default 100; --quick: --concurrency)")
    parser.add_argument("--concurrency", type=int, default=50, help="patients at once (default 50)")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between answers, s (default 1)")
    parser.add_argument("--single-visits", type=int,
                        help="visits of the 1-patient load (default 4; --quick: 2)")
    parser.add_argument("--limit", type=float, default=120.0,
                        help="each load at most this many seconds (default 120)")
    parser.add_argument("--client", choices=("wire", "httpx"), default="wire",
                        help="the patients' HTTP client (default: wire, written out by hand)")
    parser.add_argument("--profile", action="store_true",
                        help="profile visits in process even when the target is met")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--store", default="memory",
                        help="where the kiosk keeps its visits: memory (default), redis://HOST:PORT/DB, "
                             "or redis (a Redis of the run's own)")
    args = parser.parse_args()
    if args.patients is None:
        args.patients = args.concurrency if args.quick else 100
    if args.single_visits is None:
        args.single_visits = 2 if args.quick else 4
    return args


def main() -> None:
    args = options()
    with own_store(args.store) as store:
        run(args, store)


def run(args: argparse.Namespace, store: str) -> None:
    kb = loader.load()
    engine = engine_for(kb)
    paths = sorted(VIGNETTES.glob("p*.yaml"))
    answer_sets = [vignette_answers(kb, p) for p in paths]
    every = list(zip(answer_sets, [expected_level(kb, engine, a) for a in answer_sets], strict=True))
    crowd = [every[i % len(every)] for i in range(args.patients)]
    single = [every[(2 * i + 1) * len(every) // (2 * args.single_visits)] for i in range(args.single_visits)]
    alone, checked = in_process(kb, engine, every[::3] if args.quick else every, args.seed, store)

    port = free_port()
    server = start_server(port, store)
    try:
        waits = asyncio.run(delayed_ack_wait("127.0.0.1", port))
        served = Served(server, port, (lambda: Wire("127.0.0.1", port)) if args.client == "wire"
                        else (lambda: Httpx(f"http://127.0.0.1:{port}")))
        one = run_load(served, kb, single, Pace(1, SINGLE_THINK, args.limit, args.seed))
        many = run_load(served, kb, crowd, Pace(args.concurrency, args.think, args.limit, args.seed))
    finally:
        err = stop_server(server)
    errors = [*one.tally.errors, *many.tally.errors, *(f"in process: {e}" for e in checked.errors)]
    if "Traceback" in err:
        errors.append("the server printed a traceback")

    print(f"knowledge base {kb.version}: {len(kb.questions)} questions, {len(kb.rules)} rules; "
          f"{len(paths)} vignettes in turn; client: {args.client}; visits kept in: "
          f"{'redis' if store.startswith('redis') else store}")
    print(f"server time: from the request handed to the kiosk to its response handed back; round trip: as "
          f"the patients see it.\nfloor: GET {FLOOR}, a {FLOOR_BYTES}-byte page from the same server without "
          "the kiosk, asked once between answers")
    print_ack_wait(waits, args.client)
    print_loads(one, many)
    met = print_measures(many, alone, errors)
    if args.profile or not met:
        profile(kb, engine, every[::4], args.seed)


if __name__ == "__main__":
    main()
