"""``triage serve``: run the kiosk with uvicorn, quietly (no access log: nothing about a visit is logged)."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import socket
import sys

from triage import errors, words
from triage.engine import engine_for
from triage.exits import EXIT_OK
from triage.models import KnowledgeBase


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host`` and ``port``, before anything says where the kiosk is.

    A port in use (or an address this computer does not have) is one plain message, exit 2.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # The protocol named: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on a socket that says
    # it is TCP; without it each page waited for the browser's delayed acknowledgement (40 ms or more).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise errors.fail("triage serve", None, errors.PORT_IN_USE, host=host, port=port,
                          reason=exc.strerror or exc) from None
    return sock


def run(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    import uvicorn

    from triage import clinic
    from triage.web.app import create_app

    settings = clinic.load(args.clinic) if getattr(args, "clinic", None) else clinic.NO_CLINIC
    idle = args.idle_minutes or settings.idle_minutes or 5.0
    app = create_app(kb, engine_for(kb), idle_minutes=idle, clinic=settings)
    sock = listen(args.host, args.port)
    if not is_loopback(args.host):
        print(words.WEB_NOT_LOOPBACK.format(host=args.host), file=sys.stderr)
    print(words.WEB_SERVING.format(url=url(args.host, args.port)), flush=True)
    config = uvicorn.Config(app, host=args.host, port=args.port, access_log=False, log_level="warning",
                            server_header=False, date_header=False)
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn stops cleanly on Ctrl-C, then raises it again
        uvicorn.Server(config).run(sockets=[sock])
    print(words.WEB_STOPPED)
    return EXIT_OK
