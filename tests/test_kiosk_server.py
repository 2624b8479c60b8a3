"""`triage serve`'s server: bounded whatever the network sends, and clear when it starts and stops.

In this process, a small application behind :class:`~triage.web.server.KioskServer` with short
limits shows each bound: the deadline for a request, the most connections, the size of a head, and
that an answer being made is never cut. Then the real `triage serve`, in a subprocess on 127.0.0.1
(``tests/kiosk_process.py``): hundreds of silent connections with few files to open leave a patient
answered and the log short; its options refused with one message; the port it prints; Ctrl-C and
SIGTERM alike. Every connection is to 127.0.0.1, and every wait is bounded.
"""

from __future__ import annotations

import asyncio
import dataclasses
import errno
import json
import logging
import re
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from kiosk_process import running, stop

from triage import constants, errors
from triage.__main__ import main
from triage.web import server
from triage.web.network import LOOPBACK_NAMES, Network, network_for
from triage.web.server import KioskConfig, KioskServer, Limits, QuietRepeats, limits_for, listen

HOST = "127.0.0.1"
SHORT = Limits(connections=8, backlog=8, request_seconds=0.5)
"""Limits small enough to reach in a test: a request's deadline of half a second, 8 connections."""


# --- a small application, served in this process ----------------------------------------------------
async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Reads the whole body, waits ``?slow`` seconds if asked, answers 200 with the body's length."""
    if scope["type"] != "http":
        return
    size, more = 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        size += len(message.get("body", b""))
        more = message.get("more_body", False)
    query = scope["query_string"].decode()
    if query.startswith("slow="):
        await asyncio.sleep(float(query.removeprefix("slow=")))
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": str(size).encode()})


@contextmanager
def serving(limits: Limits = SHORT, **options: Any) -> Iterator[int]:
    """The application behind the kiosk's server on a free port of 127.0.0.1; yields the port."""
    sock = listen(HOST, 0, limits.backlog)
    port: int = sock.getsockname()[1]
    kiosk = KioskServer(KioskConfig(app, limits=limits, lifespan="off", **options))
    thread = threading.Thread(target=kiosk.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not kiosk.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    try:
        yield port
    finally:
        kiosk.should_exit = True
        thread.join(timeout=15)
        assert not thread.is_alive(), "the server did not stop"


def connect(port: int) -> socket.socket:
    sock = socket.create_connection((HOST, port), timeout=5)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def closed_within(sock: socket.socket, seconds: float) -> float | None:
    """How long until the server closed ``sock`` (reading the end of it, or a reset), or None."""
    start = time.monotonic()
    while (left := start + seconds - time.monotonic()) > 0:
        ready, _, _ = select.select([sock], [], [], left)
        if ready:
            try:
                if sock.recv(65536) == b"":
                    return time.monotonic() - start
            except ConnectionResetError:
                return time.monotonic() - start
    return None


def ask(port: int, path: str = "/", timeout: float = 5) -> httpx.Response:
    return httpx.get(f"http://{HOST}:{port}{path}", timeout=timeout)


# --- the deadline for a request --------------------------------------------------------------------
def test_a_connection_that_sends_nothing_is_closed_at_the_deadline() -> None:
    with serving() as port, connect(port) as silent:
        took = closed_within(silent, 5)
    assert took is not None, "a silent connection was held open"
    assert 0.3 < took < 2.5


def test_a_head_sent_a_byte_at_a_time_is_closed_at_the_deadline_all_the_same() -> None:
    """Activity does not move the deadline: a slow sender cannot hold a connection by trickling."""
    with serving() as port, connect(port) as slow:
        start = time.monotonic()
        for byte in b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Long: " + b"a" * 100:
            try:
                slow.send(bytes([byte]))
            except OSError:
                break
            if closed_within(slow, 0.05) is not None:
                break
        took = time.monotonic() - start
    assert took < 2.5, "a trickled head kept the connection open"


def test_a_body_that_never_ends_is_closed_at_the_deadline() -> None:
    with serving() as port, connect(port) as half:
        half.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nshort")
        took = closed_within(half, 5)
    assert took is not None and took < 2.5


def test_a_slow_answer_is_not_cut_by_the_deadline() -> None:
    """The deadline is for the request only: the kiosk's own time to answer is not counted."""
    with serving() as port:
        response = ask(port, "/?slow=1.2")
    assert response.status_code == 200


def test_a_kept_alive_connection_serves_request_after_request() -> None:
    with serving() as port, httpx.Client(base_url=f"http://{HOST}:{port}", timeout=5) as client:
        for _ in range(3):
            assert client.post("/", content=b"x" * 100).text == "100"
            time.sleep(0.2)


def test_a_head_kept_unfinished_is_not_kept_beyond_the_limit() -> None:
    """h11 keeps an unfinished head (no blank line yet) up to ``MAX_HEAD_BYTES``, then answers 400."""
    with serving() as port, connect(port) as long:
        long.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        answer = b""
        for _ in range(2 * server.MAX_HEAD_BYTES // 1024):
            try:
                long.sendall(b"X-Long: " + b"a" * 1014 + b"\r\n")
            except OSError:
                break
            if select.select([long], [], [], 0.02)[0]:
                answer = long.recv(100)
                break
    assert answer.startswith(b"HTTP/1.1 400 ")


# --- the most connections ----------------------------------------------------------------------------
def test_silent_connections_beyond_the_most_make_room_for_a_patient() -> None:
    """Twice as many silent connections as the kiosk keeps: the oldest are closed, a patient is answered."""
    with serving() as port, ExitStack() as stack:
        silent = [stack.enter_context(connect(port)) for _ in range(2 * SHORT.connections)]
        start = time.monotonic()
        assert ask(port).status_code == 200
        assert time.monotonic() - start < 1
        closed = [sock for sock in silent[: SHORT.connections] if closed_within(sock, 0.2) is not None]
    assert len(closed) >= SHORT.connections // 2, "the oldest silent connections were kept"


def test_an_answer_being_made_is_never_closed_to_make_room() -> None:
    limits = Limits(connections=2, backlog=8, request_seconds=2)
    with serving(limits) as port, ExitStack() as stack:
        answers: list[httpx.Response] = []
        patient = threading.Thread(target=lambda: answers.append(ask(port, "/?slow=1")))
        patient.start()
        time.sleep(0.3)  # the patient's request is in, and being answered
        for _ in range(6):
            stack.enter_context(connect(port))
        patient.join(timeout=10)
    assert answers and answers[0].status_code == 200


# --- TLS done by the protocol --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Any]:
    """A certificate for 127.0.0.1 and its key (PEM files), and the made-up authority that signed it."""
    trustme = pytest.importorskip("trustme")
    authority = trustme.CA()
    issued = authority.issue_cert(HOST, "localhost")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    issued.cert_chain_pems[0].write_to_path(str(cert))
    issued.private_key_pem.write_to_path(str(key))
    return cert, key, authority


def https_client(authority: Any, port: int) -> httpx.Client:
    import ssl

    context = ssl.create_default_context()
    authority.configure_trust(context)
    return httpx.Client(base_url=f"https://{HOST}:{port}", verify=context, timeout=5)


def test_over_https_the_first_request_of_every_connection_is_answered(
        certificate: tuple[Path, Path, Any]) -> None:
    """A request that comes with the end of the handshake reaches the application (TLS hands it on
    before start_tls returns): fresh connections, one request each."""
    cert, key, authority = certificate
    with serving(certificate=(cert, key)) as port:
        for _ in range(20):
            with https_client(authority, port) as client:
                response = client.post("/", content=b"abc")
                assert (response.status_code, response.text) == (200, "3")


def test_over_https_a_silent_connection_is_closed_at_the_deadline(
        certificate: tuple[Path, Path, Any]) -> None:
    """No handshake at all: the connection counts, and has its deadline, from the moment it is accepted."""
    cert, key, _ = certificate
    with serving(certificate=(cert, key)) as port, connect(port) as silent:
        took = closed_within(silent, 5)
    assert took is not None and took < 2.5


def test_over_https_silent_connections_make_room_for_a_patient(certificate: tuple[Path, Path, Any]) -> None:
    cert, key, authority = certificate
    with serving(certificate=(cert, key)) as port, ExitStack() as stack:
        for _ in range(2 * SHORT.connections):
            stack.enter_context(connect(port))
        with https_client(authority, port) as client:
            assert client.get("/").status_code == 200


# --- limits and logs ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("open_files", [64, 128, 256, 1024, 1 << 20])
def test_the_limits_keep_the_connections_and_one_round_of_accepting_within_the_files(open_files: int) -> None:
    limits = limits_for(open_files)
    assert limits.connections >= 16 and limits.backlog >= 8
    assert limits.connections + limits.backlog + server.FILES_RESERVED <= open_files
    assert limits.connections <= server.MAX_CONNECTIONS and limits.backlog <= server.BACKLOG


def test_too_few_files_to_open_is_one_message() -> None:
    with pytest.raises(errors.TriageError) as raised:
        limits_for(20)
    assert str(raised.value) == "triage serve: " + constants.WEB_OPEN_FILES.format(limit=20, least=64)


def record(message: str, exc: BaseException | None = None) -> logging.LogRecord:
    return logging.LogRecord("asyncio", logging.ERROR, __file__, 1, message, None,
                             (type(exc), exc, None) if exc else None)


def test_a_failure_to_accept_is_written_once_a_while_in_one_line() -> None:
    now = [0.0]
    quiet = QuietRepeats(seconds=10, clock=lambda: now[0])
    out_of_files = OSError(errno.EMFILE, "Too many open files")
    first = record("socket.accept() out of system resource\nsocket: <fd=3>", out_of_files)
    assert quiet.filter(first)
    assert first.getMessage() == constants.WEB_ACCEPT_TROUBLE.format(reason="Too many open files")
    assert first.exc_info is None  # no traceback
    held = [quiet.filter(record("socket.accept() out of system resource", out_of_files)) for _ in range(5000)]
    assert not any(held)
    now[0] = 10.5
    later = record("socket.accept() out of system resource", out_of_files)
    assert quiet.filter(later)
    assert later.getMessage() == constants.WEB_REPEATED.format(
        message=constants.WEB_ACCEPT_TROUBLE.format(reason="Too many open files"), n=5000, seconds="10")
    assert quiet.filter(record("another problem"))  # each kind of message has its own count


# --- how the kiosk is reached ------------------------------------------------------------------------------
def test_this_computer_only_by_default() -> None:
    assert network_for("127.0.0.1", tls=False) == Network(allowed_hosts=LOOPBACK_NAMES)


@pytest.mark.parametrize(("host", "tls", "allowed", "notice", "expected"), [
    pytest.param("192.168.1.20", True, (), None,
                 Network(tls=True, allowed_hosts=(*LOOPBACK_NAMES, "192.168.1.20"), remote=True),
                 id="an-address-over-https-answers-to-it"),
    pytest.param("0.0.0.0", True, ("kiosk.clinic.example",), None,
                 Network(tls=True, allowed_hosts=(*LOOPBACK_NAMES, "kiosk.clinic.example"), remote=True),
                 id="every-address-answers-to-the-names-given"),
    pytest.param("0.0.0.0", False, ("192.168.1.20",), "Our own network.",
                 Network(allowed_hosts=(*LOOPBACK_NAMES, "192.168.1.20"), remote=True,
                         open_network_note="Our own network."),
                 id="plain-http-with-the-clinic-s-words"),
    pytest.param("127.8.9.10", False, (), None,
                 Network(allowed_hosts=(*LOOPBACK_NAMES, "127.8.9.10")), id="another-loopback-address"),
    pytest.param("::1", True, ("::1",), "not shown", Network(tls=True), id="the-words-only-for-plain-http"),
])
def test_how_the_kiosk_is_reached(host: str, tls: bool, allowed: tuple[str, ...], notice: str | None,
                                  expected: Network) -> None:
    assert network_for(host, tls=tls, allowed=allowed, notice=notice) == expected


# --- the command line: options refused before anything listens ---------------------------------------------
def refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """``triage serve ARGV`` exits with status 2 and prints nothing on stdout; its stderr."""
    try:
        status = main(["serve", *argv])
    except SystemExit as stop_:
        status = stop_.code  # type: ignore[assignment]
    out, err = capsys.readouterr()
    assert status == 2, err
    assert out == ""  # no "Serving the questionnaire at ..." for a kiosk that is not there
    assert "Traceback" not in err
    said = [line for line in err.strip().splitlines() if not line.startswith(("usage: ", " "))]
    assert len(said) == 1, err  # one message (after argparse's usage, for an option it refuses)
    return err


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_a_port_out_of_range_is_refused(capsys: pytest.CaptureFixture[str], port: str) -> None:
    assert constants.WEB_PORT_RANGE in refused(capsys, "--port", port)


def test_a_certificate_without_its_key_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert refused(capsys, "--certfile", str(tmp_path / "c.pem")).strip() == (
        "triage serve: " + constants.WEB_TLS_HALF)


def test_a_certificate_that_cannot_be_read_is_refused(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "missing.pem"
    err = refused(capsys, "--certfile", str(missing), "--keyfile", str(missing))
    assert err.strip() == f"{missing}: {errors.FILE_NOT_FOUND}"


def test_files_that_are_no_certificate_are_refused(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    err = refused(capsys, "--certfile", str(junk), "--keyfile", str(junk))
    assert err.startswith(f"{junk}: the certificate and private key cannot be used (")


def test_a_key_with_a_passphrase_is_refused_without_asking(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, certificate: tuple[Path, Path, Any]) -> None:
    from cryptography.hazmat.primitives import serialization

    cert, key, _ = certificate
    loaded = serialization.load_pem_private_key(key.read_bytes(), password=None)
    locked = tmp_path / "locked.pem"
    locked.write_bytes(loaded.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.BestAvailableEncryption(b"secret")))
    err = refused(capsys, "--certfile", str(cert), "--keyfile", str(locked))
    assert err.strip() == f"{locked}: {constants.WEB_TLS_PASSPHRASE}"


def test_another_computer_s_reach_without_tls_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(capsys, "--host", "0.0.0.0")
    assert err.strip() == "triage serve: " + constants.WEB_NEEDS_TLS.format(host="0.0.0.0")


def test_every_address_without_a_name_to_answer_to_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(capsys, "--host", "0.0.0.0", "--plain-http-notice", "Our own network.")
    assert err.strip() == "triage serve: " + constants.WEB_NO_ALLOWED_HOST.format(host="0.0.0.0")


@pytest.mark.parametrize("name", ["http://kiosk", "kiosk:8000", "a b", "-kiosk", "kiosk..clinic", ""])
def test_an_allowed_host_that_is_no_name_is_refused(capsys: pytest.CaptureFixture[str], name: str) -> None:
    assert constants.WEB_HOST_NAME in refused(capsys, f"--allowed-host={name}")


@pytest.mark.parametrize("notice", ["", "   ", "a" * 301, "bell \x07"])
def test_a_notice_that_cannot_be_shown_is_refused(capsys: pytest.CaptureFixture[str], notice: str) -> None:
    assert constants.WEB_NOTICE_WORDS.format(most=300) in refused(capsys, "--plain-http-notice", notice)


def test_an_address_this_computer_does_not_have_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(capsys, "--host", "192.0.2.1", "--plain-http-notice", "Our own network.")  # TEST-NET-1
    assert err.startswith("triage serve: cannot listen on 192.0.2.1: ")
    assert err.rstrip().endswith("give an address of this computer with --host (default: 127.0.0.1, this "
                                 "computer only)")


def test_a_clinic_s_allowed_hosts_are_checked(cli: Any, tmp_path: Path) -> None:
    settings = tmp_path / "clinic.yaml"
    settings.write_text("allowed_hosts: [kiosk.clinic.example, 'http://kiosk']\n", encoding="utf-8")
    run = cli("--clinic", settings, "serve", "--port", "1")
    assert run.status == 2
    assert "allowed_hosts" in run.err and constants.WEB_HOST_NAME in run.err
    assert "Traceback" not in run.err


# --- the real `triage serve` ----------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_any_free_port_is_said_and_both_ways_of_stopping_stop_calmly(how: signal.Signals) -> None:
    with running() as kiosk:
        assert kiosk.serving_line == constants.WEB_SERVING.format(url=f"http://127.0.0.1:{kiosk.port}/")
        assert kiosk.port != 0
        assert ask(kiosk.port).status_code == 200
        status, out, err = stop(kiosk, how)
    assert status == 0, err
    assert out.splitlines() == [constants.WEB_STOPPED]
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


@pytest.mark.slow
def test_hundreds_of_silent_connections_with_few_files_leave_a_patient_answered() -> None:
    """The report: with 256 files to open, 260 connections that sent nothing made the kiosk unreachable
    and wrote 87,919 tracebacks (35.5 MB) in 11 s. Here 128 files and 600 silent connections."""
    with running(open_files=128) as kiosk, ExitStack() as stack:
        silent = []
        for _ in range(600):
            sock = stack.enter_context(socket.socket())
            sock.setblocking(False)  # connecting goes on in the background: the test never waits on it
            sock.connect_ex((HOST, kiosk.port))
            silent.append(sock)
        time.sleep(1)
        start = time.monotonic()
        with httpx.Client(base_url=kiosk.base, timeout=10) as patient:
            for path in ("/", "/static/kiosk.css", "/"):
                assert patient.get(path).status_code == 200
        took = time.monotonic() - start
        assert kiosk.process.poll() is None, kiosk.err()
        status, _, err = stop(kiosk)
    assert took < 5, f"the patient waited {took:.1f} s"
    assert status == 0
    assert len(err.encode()) < 10_000, err[:2000]
    assert "Traceback" not in err


# --- several workers, sharing their visits through Redis ------------------------------------------------
@pytest.fixture
def redis_socket() -> Iterator[Path]:
    """A Redis of this test's own, in memory only, on a Unix socket (a short path: at most 107 bytes)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed: `apt-get install redis-server` to run this test")
    folder = Path(tempfile.mkdtemp(prefix="kiosk-redis-", dir="/tmp"))
    path = folder / "redis.sock"
    redis = subprocess.Popen([binary, "--port", "0", "--unixsocket", str(path), "--save", "", "--appendonly",
                              "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not path.exists():
            assert redis.poll() is None and time.monotonic() < deadline, "Redis did not start"
            time.sleep(0.05)
        yield path
    finally:
        redis.terminate()
        redis.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def workers_of(pid: int) -> list[int]:
    """The worker processes ``pid`` started (multiprocessing's spawned children, not its helpers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
            cmdline = (entry / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if parent == pid and b"multiprocessing" in cmdline and b"resource_tracker" not in cmdline:
            found.append(int(entry.name))
    return found


@pytest.mark.slow
def test_several_workers_share_a_visit_and_stop_together(redis_socket: Path) -> None:
    with running("--workers", "2", "--store", f"unix://{redis_socket}") as kiosk:
        fresh = httpx.Limits(max_keepalive_connections=0)  # a new connection for every request
        with httpx.Client(base_url=kiosk.base, timeout=15, limits=fresh, follow_redirects=True) as patient:
            welcome = patient.get("/")
            csrf = re.search(r'name="csrf" value="([^"]+)"', welcome.text)
            assert csrf is not None
            first = patient.post("/start", data={"csrf": csrf.group(1)})
            assert first.url.path.startswith("/question"), first.url
            for _ in range(8):  # whichever worker accepts the connection finds the visit
                again = patient.get(first.url.path)
                assert again.status_code == 200 and again.url.path == first.url.path
        workers = workers_of(kiosk.process.pid)
        assert len(workers) == 2, workers
        status, out, err = stop(kiosk)
    assert status == 0, err
    assert out.splitlines() == [constants.WEB_STOPPED]
    assert "Traceback" not in err
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()], "a worker outlived the kiosk"


def test_several_workers_need_a_shared_store(capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(capsys, "--workers", "2")
    assert err.strip() == "triage serve --store: " + constants.STORE_WORKERS.format(workers=2)


@pytest.mark.parametrize("workers", ["0", "65", "two"])
def test_a_number_of_workers_out_of_range_is_refused(
        capsys: pytest.CaptureFixture[str], workers: str) -> None:
    assert constants.WEB_WORKERS_RANGE.format(most=64) in refused(capsys, "--workers", workers)


def test_a_worker_that_cannot_start_says_why_and_stops(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Redis gone between the first process's check and a worker's start: one message, and the status
    that tells uvicorn's supervisor not to start the worker again."""
    network = dataclasses.asdict(Network())
    spec = {"questions": None, "rules": None, "clinic": None, "language": "en", "idle_minutes": 5.0,
            "store": f"unix://{tmp_path}/gone.sock", "workers": 2, "network": network}
    monkeypatch.setenv(server.SETTINGS, json.dumps(spec))
    with pytest.raises(SystemExit) as stopped:
        server.app_factory()
    assert stopped.value.code == server.WORKER_FAILED_TO_START
    err = capsys.readouterr().err
    assert err.startswith("triage serve --store: cannot reach Redis at ")
    assert "Traceback" not in err
