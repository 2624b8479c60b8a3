"""Load on the intake kiosk: 50 simulated patients at once against the real server.

Starts `triage serve` (uvicorn) in its own process on 127.0.0.1, on a free
port, then runs simulated patients, 50 at a time (asyncio, each patient its
own connection and cookie): the welcome page, Start, and every question to
the result, answered from the public vignettes in turn (a question a
vignette leaves blank gets a stand-in: not sure, the first option, the
lowest number), then Finish. Between answers a patient pauses as a very
quick reader would (`--think` seconds on average, 0.5 to 1.5 times it; a
person takes several seconds a question). Every patient must reach the
result page with the level the questionnaire's own flow gives for the same
answers.

Prints:
- p50 and p95 of one answer's round trip (POST /answer and the page it
  redirects to, as a browser follows it), the errors (a failed request, a
  page other than expected, a wrong result), the answers per second, and
  the CPU time per answer of the server and of the patients;
- in this process, for the same answers: the median time of
  `Interview.answer` (the flow and a fresh evaluation by the engine) and
  the round trip through the application alone (no network, no HTTP
  client), so the engine's share of a round trip shows.

The patients speak HTTP/1.1 written out by hand (`--client wire`): httpx
costs about ten times the CPU a request, which on a 2-core machine takes
time from the server being measured. `--client httpx` uses
httpx.AsyncClient instead.

Targets on a 2-core machine: p95 at most 50 ms, no errors. The run is
bounded: `--patients` in all and at most `--limit` seconds.

With `--think 0` the patients answer back to back and keep the server busy:
a round trip then measures the queue (about concurrency / throughput), not
the kiosk's speed.

    uv run python benchmarks/bench_web_load.py [--patients 100] [--concurrency 50] [--think 1.0]
        [--limit 120] [--client wire|httpx] [--seed 7]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import yaml
from starlette.types import ASGIApp, Message, Scope

from triage import loader, qtypes
from triage.engine import Engine, engine_for
from triage.flow import Interview
from triage.models import AnswerValue, KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
VIGNETTES = ROOT / "tests" / "vignettes"
TARGET_P95_MS, TARGET_ERRORS = 50.0, 0
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

    async def exchange(self, method: str, path: str, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        raise NotImplementedError

    async def open(self, method: str, path: str, fields: list[tuple[str, str]] | None = None) -> Page:
        body = urlencode(fields or []).encode()
        for _ in range(5):
            status, headers, content = await self.exchange(method, path, body)
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
    """HTTP/1.1 on one kept-alive connection, written out by hand (the kiosk's responses all have a
    Content-Length)."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__()
        self.host, self.port = host, port
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
        headers = [(b"host", b"kiosk")]
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
    round_trips: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    finished: int = 0
    cut_short: int = 0


def _field(pattern: re.Pattern[str], page: Page) -> str:
    found = pattern.search(page.text)
    if found is None:
        raise ValueError(f"{page.path}: {page.status} without {pattern.pattern}")
    return found.group(1)


@dataclass(frozen=True)
class Pace:
    """How the patients go: ``concurrency`` at once, pausing ``think`` seconds between answers on
    average (``seed`` draws the pauses), for at most ``limit`` seconds in all."""

    concurrency: int
    think: float
    limit: float
    seed: int


@dataclass(frozen=True)
class Run:
    """What one patient shares with the others: its pauses, the deadline, and the tally."""

    think: float
    rng: random.Random
    deadline: float
    tally: Tally


async def patient(browser: Browser, kb: KnowledgeBase, answers: Mapping[str, AnswerValue], level: str,
                  run: Run) -> None:
    tally = run.tally
    page = await browser.open("GET", "/")
    csrf = _field(CSRF_FIELD, page)
    page = await browser.open("POST", "/start", [("csrf", csrf)])
    while page.path.startswith("/question/") and page.status == 200:  # /question/N, its place
        if time.monotonic() > run.deadline:
            tally.cut_short += 1
            return
        if run.think:
            await asyncio.sleep(run.think * run.rng.uniform(0.5, 1.5))
        question = kb.question(_field(QUESTION_FIELD, page))
        fields = [("csrf", csrf), ("question", question.id),
                  *(("answer", key) for key in qtypes.of(question).keys_of(question, answers[question.id]))]
        start = time.perf_counter()
        page = await browser.open("POST", "/answer", fields)
        tally.round_trips.append(time.perf_counter() - start)
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
            run = Run(pace.think, random.Random(rng.random()), deadline, tally)
            try:
                await asyncio.wait_for(patient(each, kb, answers, level, run), timeout=pace.limit + 30)
            except (OSError, ValueError, TimeoutError, asyncio.IncompleteReadError, httpx.HTTPError) as exc:
                tally.errors.append(f"{type(exc).__name__}: {exc}"[:200])
            finally:
                await each.close()

    await asyncio.gather(*(worker() for _ in range(pace.concurrency)))
    return tally


# --- the server -----------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(port: int) -> subprocess.Popen[str]:
    server = subprocess.Popen([sys.executable, "-m", "triage", "serve", "--port", str(port)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            raise SystemExit(f"the kiosk did not start: {server.communicate()[1][-2000:]}")
        time.sleep(0.1)


def stop_server(server: subprocess.Popen[str]) -> str:
    server.send_signal(signal.SIGINT)
    try:
        _, err = server.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        _, err = server.communicate()
    return err


# --- in process: where a round trip's time goes --------------------------------------------------
@dataclass(frozen=True)
class InProcess:
    engine_ms: float
    """Median of Interview.answer: the flow and a fresh evaluation by the engine."""
    p50_ms: float
    p95_ms: float
    """POST /answer and the page it redirects to, through the application alone (no network)."""


def in_process(kb: KnowledgeBase, engine: Engine, visits: list[tuple[dict[str, AnswerValue], str]],
               seed: int) -> tuple[InProcess, Tally]:
    from triage.web.app import create_app

    engine_times: list[float] = []
    for answers, _ in visits:
        interview = Interview(kb, engine)
        while interview.current is not None:
            value = answers[interview.current.id]
            start = time.perf_counter()
            interview.answer(value)
            engine_times.append(time.perf_counter() - start)
    app = create_app(kb, engine)

    def play() -> Tally:
        return asyncio.run(load(kb, lambda: Direct(app), visits, Pace(concurrency=1, think=0, limit=600,
                                                                      seed=seed)))

    play()  # warm up
    tally = play()
    return InProcess(statistics.median(engine_times) * 1000, *percentiles(tally.round_trips)), tally


def percentiles(times: list[float]) -> tuple[float, float]:
    """p50 and p95, in ms."""
    if len(times) < 2:
        return float("nan"), float("nan")
    return statistics.median(times) * 1000, statistics.quantiles(times, n=100)[94] * 1000


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU time of a process so far (Linux), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=100, help="patients in all (default 100)")
    parser.add_argument("--concurrency", type=int, default=50, help="patients at once (default 50)")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between answers, s (default 1)")
    parser.add_argument("--limit", type=float, default=120.0, help="at most this many seconds (default 120)")
    parser.add_argument("--client", choices=("wire", "httpx"), default="wire",
                        help="the patients' HTTP client (default: wire, written out by hand)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    kb = loader.load()
    engine = engine_for(kb)
    paths = sorted(VIGNETTES.glob("p*.yaml"))
    answer_sets = [vignette_answers(kb, p) for p in paths]
    levels = [expected_level(kb, engine, a) for a in answer_sets]
    visits = [(answer_sets[i % len(paths)], levels[i % len(paths)]) for i in range(args.patients)]
    alone, checked = in_process(kb, engine, list(zip(answer_sets, levels, strict=True)), args.seed)

    port = free_port()
    server = start_server(port)
    try:
        server_cpu, client_cpu = cpu_seconds(server.pid), time.process_time()
        start = time.perf_counter()
        browser: Callable[[], Browser] = (
            (lambda: Wire("127.0.0.1", port)) if args.client == "wire"
            else (lambda: Httpx(f"http://127.0.0.1:{port}")))
        pace = Pace(concurrency=args.concurrency, think=args.think, limit=args.limit, seed=args.seed)
        tally = asyncio.run(load(kb, browser, visits, pace))
        duration = time.perf_counter() - start
        client_cpu = time.process_time() - client_cpu
        after = cpu_seconds(server.pid)
        server_cpu = None if server_cpu is None or after is None else after - server_cpu
    finally:
        err = stop_server(server)
    if "Traceback" in err:
        tally.errors.append("the server printed a traceback")
    tally.errors += [f"in process: {e}" for e in checked.errors]

    times = tally.round_trips
    p50, p95 = percentiles(times)
    answers = max(len(times), 1)
    print(f"knowledge base {kb.version}: {len(kb.questions)} questions, {len(kb.rules)} rules; "
          f"{len(paths)} vignettes in turn")
    print(f"{args.patients} patients ({args.client}), {args.concurrency} at once, "
          f"pauses of {args.think:g} s on average; "
          f"{tally.finished} reached their result, {tally.cut_short} cut short by the {args.limit:g} s limit")
    print(f"{len(times)} answers in {duration:.1f} s ({len(times) / duration:.0f} answers/s)")
    print(f"{'measure':<52}{'value':>10}{'target':>10}")
    print(f"{'answer round trip, p50 (ms)':<52}{p50:>10.1f}")
    print(f"{'answer round trip, p95 (ms)':<52}{p95:>10.1f}{'<= 50':>10}  "
          f"{'ok' if p95 <= TARGET_P95_MS else 'MISSED'}")
    print(f"{'errors':<52}{len(tally.errors):>10}{'0':>10}  "
          f"{'ok' if len(tally.errors) <= TARGET_ERRORS else 'MISSED'}")
    if server_cpu is not None:
        print(f"{'server CPU per answer, every request counted (ms)':<52}"
              f"{server_cpu / answers * 1000:>10.1f}")
    print(f"{'this process (the patients) CPU per answer (ms)':<52}{client_cpu / answers * 1000:>10.1f}")
    print(f"{'in process, no network: round trip p50 (ms)':<52}{alone.p50_ms:>10.1f}")
    print(f"{'in process, no network: round trip p95 (ms)':<52}{alone.p95_ms:>10.1f}")
    print(f"{'in process: Interview.answer, median (ms)':<52}{alone.engine_ms:>10.1f}"
          f"   {alone.engine_ms / alone.p50_ms:.0%} of the round trip")
    for error in sorted(set(tally.errors))[:10]:
        print(f"  error: {error} (x{tally.errors.count(error)})")


if __name__ == "__main__":
    main()
