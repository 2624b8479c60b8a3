"""``triage serve``: run the kiosk with uvicorn, quietly (no access log: nothing about a visit is logged).

Safe by default (:mod:`triage.web.network`): this computer only, unless ``--host`` says otherwise,
and then HTTPS, or plain HTTP where the clinic says so in its own words.

Bounded, whatever the network sends it:

* a connection must send a complete request (head and body) within :data:`REQUEST_SECONDS` of
  opening, or of its previous answer; over HTTPS the TLS handshake counts in that time. One that
  does not is closed (:class:`KioskProtocol`). uvicorn on its own closes only connections idle
  between requests (``timeout_keep_alive``), and holds one that never sends a request forever;
* the kiosk keeps at most :attr:`Limits.connections` connections open, fewer where the process may
  open few files (:func:`limits_for`). A connection beyond them closes the one that has waited
  longest for its request, so a flood of silent connections cannot keep a patient out; a request
  already being answered is never cut;
* the accept queue (``backlog``) is short, so that one round of accepting cannot run the process
  out of files, and an unfinished request head is kept up to :data:`MAX_HEAD_BYTES` (then 400);
* a problem the event loop or uvicorn logs again and again is written once per
  :data:`QUIET_SECONDS`, with a count, never as a traceback a line (:class:`QuietRepeats`).

Ctrl-C and SIGTERM both stop the kiosk gracefully: requests being answered are finished (for at
most :data:`SHUTDOWN_SECONDS`), then "Stopped serving.", exit status 0.

With ``--workers N`` (and a store they share, ``--store redis://...``), this process binds the socket
and says where the kiosk is, and uvicorn's supervisor runs N processes that serve it, each making its
own kiosk (:func:`app_factory`) from the settings left in the environment (:data:`SETTINGS`); the
limits above hold in each.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import logging
import os
import signal
import socket
import ssl
import sys
import threading
import time
import weakref
from collections.abc import Callable, Generator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from triage import errors, words
from triage.engine import engine_for
from triage.exits import EXIT_OK, EXIT_USAGE
from triage.models import KnowledgeBase
from triage.paths import display
from triage.web.network import Network, is_loopback, network_for

__all__ = ["KioskConfig", "KioskProtocol", "KioskServer", "Limits", "is_loopback", "limits_for", "listen",
           "run", "tls_context", "url"]

REQUEST_SECONDS = 10.0
"""The time a connection has to send a complete request, from its opening or its previous answer."""
KEEP_ALIVE_SECONDS = 5
"""A connection idle this long after an answer is closed (uvicorn's ``timeout_keep_alive``)."""
SHUTDOWN_SECONDS = 10
"""On Ctrl-C or SIGTERM, requests being answered have this long to finish."""
MAX_HEAD_BYTES = 16 * 1024
"""The most of an unfinished request head (request line and headers, no blank line yet) that is kept:
past it the request gets 400 (h11's ``max_incomplete_event_size``; a head that comes whole in one
read is not measured against it)."""
MAX_CONNECTIONS = 400
"""The most connections open at once: about 60 browsers' worth (a browser opens up to 6)."""
BACKLOG = 128
"""The most connections waiting to be accepted, and so the most accepted in one round."""
FILES_RESERVED = 32
"""Files the kiosk keeps for itself besides its connections: its listening socket, the event loop's,
the templates and static files it opens while answering."""
FEWEST_FILES = 64
"""The open-file limit below which the kiosk does not start."""
QUIET_SECONDS = 10.0
"""A log message repeated within this time is counted, not written."""


# --- limits ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Limits:
    """What bounds the kiosk's connections (see the module's description)."""

    connections: int = MAX_CONNECTIONS
    backlog: int = BACKLOG
    request_seconds: float = REQUEST_SECONDS


def open_file_limit() -> int:
    """How many files (connections included) this process may have open at once."""
    try:
        import resource
    except ImportError:  # not on Unix: no such limit to read
        return MAX_CONNECTIONS + BACKLOG + FILES_RESERVED
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return sys.maxsize if soft == resource.RLIM_INFINITY else soft


def limits_for(open_files: int) -> Limits:
    """Limits that keep the connections, plus one round of accepting, within ``open_files``:
    the process never runs out of files, so accepting never fails (87,919 tracebacks in 11 s
    when it did)."""
    if open_files < FEWEST_FILES:
        raise errors.fail("triage serve", None, words.WEB_OPEN_FILES, limit=open_files, least=FEWEST_FILES)
    budget = open_files - FILES_RESERVED
    backlog = min(BACKLOG, budget // 4)
    return Limits(connections=min(MAX_CONNECTIONS, budget - backlog), backlog=backlog)


# --- TLS ------------------------------------------------------------------------------------------
class _Passphrase(Exception):
    """The private key asks for a passphrase (which OpenSSL would otherwise ask at the terminal)."""


def _no_passphrase() -> str:
    raise _Passphrase


def tls_context(certfile: Path | None, keyfile: Path | None) -> ssl.SSLContext | None:
    """The TLS settings for ``--certfile`` and ``--keyfile`` (None for neither), checked now: a file
    that cannot be read or used is one message, exit status 2, before the kiosk starts."""
    if certfile is None and keyfile is None:
        return None
    if certfile is None or keyfile is None:
        raise errors.fail("triage serve", None, words.WEB_TLS_HALF)
    from triage import yamlsrc

    for path in (certfile, keyfile):
        yamlsrc.read_text(path, display(path))  # readable, a regular file, not too large
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_alpn_protocols(["http/1.1"])
    try:
        context.load_cert_chain(certfile, keyfile, password=_no_passphrase)
    except _Passphrase:
        raise errors.fail(display(keyfile), None, words.WEB_TLS_PASSPHRASE) from None
    except (ssl.SSLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or getattr(exc, "strerror", None) or str(exc)
        raise errors.fail(display(certfile), None, words.WEB_TLS_UNUSABLE, reason=reason) from None
    return context


# --- each connection ------------------------------------------------------------------------------
class KioskConfig(uvicorn.Config):
    """uvicorn's settings for the kiosk: its limits, its protocol, and TLS (done by the protocol).

    ``certificate`` is the files of ``--certfile`` and ``--keyfile``: each process that serves makes
    its TLS settings from them when it loads (the settings themselves cannot go to another process).
    """

    def __init__(self, app: Any, *, limits: Limits | None = None,
                 certificate: tuple[Path, Path] | None = None, **options: Any) -> None:
        limits = limits or Limits()
        settings: dict[str, Any] = {
            "http": KioskProtocol, "ws": "none", "access_log": False, "log_level": "warning",
            "server_header": False, "date_header": False, "backlog": limits.backlog,
            # A backstop: uvicorn answers 503 once this many connections are open, which the
            # protocol never lets happen (it counts every connection, silent ones too).
            "limit_concurrency": limits.connections + 1,
            "timeout_keep_alive": KEEP_ALIVE_SECONDS, "timeout_graceful_shutdown": SHUTDOWN_SECONDS,
            "h11_max_incomplete_event_size": MAX_HEAD_BYTES,
        }
        super().__init__(app, **(settings | options))
        self.limits = limits
        self.certificate = certificate
        self.tls: ssl.SSLContext | None = None

    def load(self) -> None:
        super().load()
        self.tls = tls_context(*self.certificate) if self.certificate else None


class _Open:
    """The open connections of one server, and those waiting for a request, longest waiting first."""

    def __init__(self, most: int) -> None:
        self.most = most
        self.members: dict[KioskProtocol, None] = {}
        self.waiting: dict[KioskProtocol, None] = {}

    def add(self, connection: KioskProtocol) -> None:
        """Count ``connection`` in; beyond the most, close the one that has waited longest for its
        request (``connection`` itself when every other is being answered)."""
        self.members[connection] = None
        while len(self.members) > self.most:
            oldest = next(iter(self.waiting), connection)
            oldest.drop()

    def forget(self, connection: KioskProtocol) -> None:
        self.members.pop(connection, None)
        self.waiting.pop(connection, None)


_OPEN: weakref.WeakKeyDictionary[ServerState, _Open] = weakref.WeakKeyDictionary()


class KioskProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol (h11), with a deadline for each request and a bound on connections.

    The deadline runs while the connection waits for a request to be complete: from its opening (the
    TLS handshake included) or its previous answer, until the request's head and body have come; it
    is off while the kiosk answers. Over HTTPS the protocol does the handshake itself
    (``loop.start_tls``), so that a connection counts, and has its deadline, from the moment it is
    accepted: uvicorn's TLS (``Config(ssl_certfile=...)``) makes the protocol only after the handshake.
    """

    def __init__(self, config: uvicorn.Config, server_state: ServerState, app_state: dict[str, Any],
                 _loop: asyncio.AbstractEventLoop | None = None) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.limits = config.limits if isinstance(config, KioskConfig) else Limits()
        self.tls = config.tls if isinstance(config, KioskConfig) else None
        self.open = _OPEN.setdefault(server_state, _Open(self.limits.connections))
        self.raw: asyncio.Transport | None = None
        self.handshake: asyncio.Task[None] | None = None
        self.handed_over = False
        self.lost = False
        self.early: list[bytes] = []
        self.deadline: asyncio.TimerHandle | None = None

    # The connection's life: accepted (raw), then, over HTTPS, the handshake, then uvicorn's.
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.raw = transport
        self._watch()
        self.open.add(self)
        if transport.is_closing():  # closed at once: every other connection is being answered
            return
        if self.tls is None:
            self._hand_over(transport)
        else:
            transport.pause_reading()  # until start_tls reads the handshake
            self.handshake = self.loop.create_task(self._start_tls(transport, self.tls))

    async def _start_tls(self, raw: asyncio.Transport, context: ssl.SSLContext) -> None:
        if raw.is_closing():
            return
        try:
            secure = await self.loop.start_tls(raw, self, context, server_side=True,
                                               ssl_handshake_timeout=self.limits.request_seconds)
        except OSError:  # a failed handshake (plain HTTP, say), a timeout, or the connection closed
            self.drop()
            return
        if secure is None or self.lost or secure.is_closing():
            self.drop()
            return
        self._hand_over(secure)

    def _hand_over(self, transport: asyncio.Transport) -> None:
        """Over to uvicorn, with what came with the end of the handshake (TLS passes it on at once,
        before start_tls returns)."""
        self.handed_over = True
        super().connection_made(transport)
        early, self.early = b"".join(self.early), []
        if early:
            self.data_received(early)

    def data_received(self, data: bytes) -> None:
        if not self.handed_over:
            self.early.append(data)
            if sum(map(len, self.early)) > 4 * MAX_HEAD_BYTES:
                self.drop()
            return
        super().data_received(data)
        self._watch()

    def pause_writing(self) -> None:
        if self.handed_over:
            super().pause_writing()

    def resume_writing(self) -> None:
        if self.handed_over:
            super().resume_writing()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        self._disarm()
        self.open.forget(self)
        if self.handed_over:
            super().connection_lost(exc)

    # The deadline.
    def _watch(self) -> None:
        """Arm the deadline while a request is awaited or half received, disarm it once it is complete."""
        closing = self.raw is None or self.raw.is_closing()
        waiting = not closing and self.conn.their_state in (h11.IDLE, h11.SEND_BODY)
        if waiting and self.deadline is None:
            self.deadline = self.loop.call_later(self.limits.request_seconds, self.drop)
            self.open.waiting[self] = None
        elif not waiting:
            self._disarm()

    def _disarm(self) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None
        self.open.waiting.pop(self, None)

    def drop(self) -> None:
        """Close the connection now, with no answer: too slow, or making room for a newer one."""
        self._disarm()
        self.open.forget(self)
        self.connections.discard(self)  # uncounted at once, not when the loop gets to connection_lost
        if self.raw is not None and not self.raw.is_closing():
            self.raw.abort()  # over HTTPS too: no TLS goodbye to wait for from a silent peer


# --- the server -----------------------------------------------------------------------------------
class KioskServer(uvicorn.Server):
    """uvicorn's server, which says where it serves once it does, and stops the same way on Ctrl-C
    and on SIGTERM (uvicorn raises the signal again once stopped: SIGTERM then ended the process
    with status 143, without "Stopped serving.")."""

    def __init__(self, config: uvicorn.Config, announce: Callable[[], None] | None = None) -> None:
        super().__init__(config)
        self.announce = announce

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started and self.announce is not None:
            self.announce()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        still_in_handshake = [c for c in _OPEN.get(self.server_state, _Open(0)).members if not c.handed_over]
        for connection in still_in_handshake:
            connection.drop()
        await super().shutdown(sockets=sockets)

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        stops = (signal.SIGINT, signal.SIGTERM)
        before = {sig: signal.signal(sig, self.handle_exit) for sig in stops}
        try:
            yield
        finally:
            for sig, handler in before.items():
                signal.signal(sig, handler)


# --- quiet logs -----------------------------------------------------------------------------------
_OUT_OF_RESOURCES = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}


class QuietRepeats(logging.Filter):
    """Lets a message through once per ``seconds``, with a count of those held back since, and writes
    a failure to accept a connection as one line in the kiosk's words instead of a traceback."""

    def __init__(self, seconds: float = QUIET_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.seconds = seconds
        self.clock = clock
        self.last: dict[str, float] = {}
        self.held: dict[str, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if (isinstance(exc, OSError) and exc.errno in _OUT_OF_RESOURCES
                and str(record.msg).startswith("socket.accept()")):
            record.msg, record.args = words.WEB_ACCEPT_TROUBLE.format(reason=exc.strerror or exc), None
            record.exc_info = record.exc_text = None
        kind = f"{record.name}:{str(record.msg).partition(chr(10))[0]}"
        now = self.clock()
        if now - self.last.get(kind, -self.seconds) < self.seconds:
            self.held[kind] = self.held.get(kind, 0) + 1
            return False
        self.last[kind] = now
        held = self.held.pop(kind, 0)
        if held:
            record.msg = words.WEB_REPEATED.format(message=record.getMessage(), n=held,
                                                   seconds=f"{self.seconds:g}")
            record.args = None
        return True


def quiet_repeats(loggers: tuple[str, ...] = ("asyncio", "uvicorn.error", "triage.web")) -> QuietRepeats:
    """Put one :class:`QuietRepeats` on the loggers the event loop, uvicorn and the kiosk write
    problems to."""
    quiet = QuietRepeats()
    for name in loggers:
        logger = logging.getLogger(name)
        for old in [f for f in logger.filters if isinstance(f, QuietRepeats)]:
            logger.removeFilter(old)
        logger.addFilter(quiet)
    return quiet


# --- starting -------------------------------------------------------------------------------------
def url(host: str, port: int, *, tls: bool = False) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"{'https' if tls else 'http'}://{shown}:{port}/"


def listen(host: str, port: int, backlog: int = BACKLOG) -> socket.socket:
    """A socket listening on ``host`` and ``port`` (0: any free port; ``getsockname`` tells which),
    before anything says where the kiosk is.

    A port in use, or an address this computer does not have, is one plain message, exit 2.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # The protocol named: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on a socket that says
    # it is TCP; without it each page waited for the browser's delayed acknowledgement (40 ms or more).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(backlog)
    except OSError as exc:
        sock.close()
        reason = exc.strerror or exc
        if exc.errno in (errno.EADDRINUSE, errno.EACCES):
            raise errors.fail("triage serve", None, errors.PORT_IN_USE, host=host, port=port,
                              reason=reason) from None
        raise errors.fail("triage serve", None, words.WEB_CANNOT_LISTEN_HOST, host=host,
                          reason=reason) from None
    return sock


WORKER_FAILED_TO_START = 3
"""A worker's exit status when it could not start (uvicorn's ``STARTUP_FAILURE``): its supervisor
then stops rather than start it again."""
SETTINGS = "TRIAGE_SERVE_SETTINGS"
"""The environment variable that carries ``triage serve``'s settings to its workers (JSON)."""


def run(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    """``triage serve``: everything checked first (each problem one message, exit status 2), then the
    socket bound and its address said, then the kiosk served, in this process or in ``--workers``."""
    from triage import clinic
    from triage.web.sessions import store_from_url

    settings = clinic.load(args.clinic) if getattr(args, "clinic", None) else clinic.NO_CLINIC
    certificate = (args.certfile, args.keyfile) if args.certfile or args.keyfile else None
    tls = tls_context(args.certfile, args.keyfile)
    network = network_for(args.host, tls=tls is not None, notice=args.plain_http_notice,
                          allowed=[*args.allowed_host, *settings.allowed_hosts])
    limits = limits_for(open_file_limit())
    idle = args.idle_minutes or settings.idle_minutes or 5.0
    store = store_from_url(args.store, workers=args.workers)  # Redis: reached, and checked
    if args.workers > 1:
        store.close()  # each worker connects on its own
        return _serve_in_workers(args, network, limits, idle, certificate)
    from triage.web.app import create_app

    app = create_app(kb, engine_for(kb), idle_minutes=idle, clinic=settings, network=network)
    app.state.visits.use(store)
    sock = _listen_and_warn(args.host, args.port, limits, network)
    port = sock.getsockname()[1]

    def announce() -> None:
        print(words.WEB_SERVING.format(url=url(args.host, port, tls=network.tls)), flush=True)

    config = KioskConfig(app, limits=limits, certificate=certificate)
    quiet_repeats()
    with contextlib.suppress(KeyboardInterrupt):  # a Ctrl-C before the server's own handler is set
        KioskServer(config, announce).run(sockets=[sock])
    print(words.WEB_STOPPED)
    return EXIT_OK


def _listen_and_warn(host: str, port: int, limits: Limits, network: Network) -> socket.socket:
    sock = listen(host, port, limits.backlog)
    if network.remote:
        print(words.WEB_NOT_LOOPBACK.format(host=host), file=sys.stderr)
    return sock


# --- several workers ---------------------------------------------------------------------------------
def _serve_in_workers(args: argparse.Namespace, network: Network, limits: Limits, idle: float,
                      certificate: tuple[Path, Path] | None) -> int:
    """``--workers N``: N processes serve the one socket bound here, each with its own kiosk made by
    :func:`app_factory` from the settings this process leaves in :data:`SETTINGS`; their visits are
    shared through the store (Redis). uvicorn's supervisor starts them, starts again one that dies,
    and stops them on Ctrl-C or SIGTERM."""
    import json

    from uvicorn.supervisors import Multiprocess

    from triage import i18n

    os.environ[SETTINGS] = json.dumps({
        "questions": _path(args.questions), "rules": _path(args.rules),
        "clinic": _path(getattr(args, "clinic", None)), "language": i18n.active(), "idle_minutes": idle,
        "store": args.store, "workers": args.workers, "network": asdict(network)})
    sock = _listen_and_warn(args.host, args.port, limits, network)
    sock.set_inheritable(True)
    config = KioskConfig(f"{__name__}:app_factory", factory=True, workers=args.workers, limits=limits,
                         certificate=certificate)
    print(words.WEB_SERVING.format(url=url(args.host, sock.getsockname()[1], tls=network.tls)), flush=True)
    quiet_repeats()
    supervisor = Multiprocess(config, sockets=[sock])
    supervisor.run()
    print(words.WEB_STOPPED)
    failed = any(worker.exitcode == WORKER_FAILED_TO_START for worker in supervisor.processes)
    return EXIT_USAGE if failed else EXIT_OK


def _path(value: Path | None) -> str | None:
    return None if value is None else str(value)


def app_factory() -> Any:
    """The kiosk of one worker of ``triage serve --workers N``, from :data:`SETTINGS`. A problem (Redis
    gone since the first process checked it, say) is one message, and the worker's status tells its
    supervisor not to start it again."""
    import json

    from triage import clinic, i18n, loader
    from triage.web.app import create_app
    from triage.web.sessions import store_from_url

    spec = json.loads(os.environ[SETTINGS])
    i18n.activate(spec["language"])
    try:
        kb = loader.load(*(None if p is None else Path(p) for p in (spec["questions"], spec["rules"])))
        settings = clinic.load(Path(spec["clinic"])) if spec["clinic"] else clinic.NO_CLINIC
        store = store_from_url(spec["store"], workers=spec["workers"])
    except errors.TriageError as exc:
        for line in errors.report(exc.problems):
            print(line, file=sys.stderr)
        sys.exit(WORKER_FAILED_TO_START)
    network = Network(**{**spec["network"], "allowed_hosts": tuple(spec["network"]["allowed_hosts"])})
    app = create_app(kb, engine_for(kb), idle_minutes=spec["idle_minutes"], clinic=settings, network=network)
    app.state.visits.use(store)
    quiet_repeats()
    return app
