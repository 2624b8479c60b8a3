"""How the kiosk is reached, as its pages, cookie and headers must say it.

:func:`triage.web.server.run` works this out from ``triage serve``'s options
(:func:`network_for`) and hands it to :func:`triage.web.app.create_app`; tests
build one directly.

Safe by default: the kiosk listens on this computer only (127.0.0.1). On an
address other computers reach, it serves HTTPS (``--certfile``/``--keyfile``),
or plain HTTP only where the clinic says so in its own words
(``--plain-http-notice``), which every page then shows. Whatever the address,
the kiosk answers only to the names it is given: this computer's own, the
address it listens on, and those of ``--allowed-host`` and the clinic
settings' ``allowed_hosts``; any other ``Host`` gets 400 (DNS rebinding).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from triage import errors, words

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
"""The names a browser on the same computer uses for the kiosk."""


@dataclass(frozen=True)
class Network:
    """How the kiosk is reached."""

    tls: bool = False
    """Served over HTTPS: the visit cookie is ``Secure`` and ``__Host-``, and pages send HSTS."""
    allowed_hosts: tuple[str, ...] = LOOPBACK_NAMES
    """The names (``Host`` header, without the port) the kiosk answers to; any other gets 400."""
    remote: bool = False
    """The kiosk listens on an address other computers reach: the tablet is not the server."""
    open_network_note: str | None = None
    """Plain HTTP on such an address, allowed by the clinic in its own words: every page shows them."""


LOCAL = Network()
"""This computer only, plain HTTP on a loopback address (the default of ``triage serve``)."""


def is_loopback(host: str) -> bool:
    """``host`` is an address (or ``localhost``) that only this computer reaches."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_every_address(host: str) -> bool:
    """``host`` is 0.0.0.0 or ``::``: every address of this computer, so no one name of it."""
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def network_for(host: str, *, tls: bool, allowed: Iterable[str] = (), notice: str | None = None) -> Network:
    """How the kiosk listening on ``host`` is reached, or the message that refuses it (exit status 2).

    ``allowed`` are the further names it answers to (already checked, :func:`triage.clinic.host_name`);
    ``notice`` the clinic's words for plain HTTP on an address other computers reach.
    """
    remote = not is_loopback(host)
    if remote and not tls and notice is None:
        raise errors.fail("triage serve", None, words.WEB_NEEDS_TLS, host=host)
    names = [*LOOPBACK_NAMES, *([] if is_every_address(host) else [host.lower()]), *allowed]
    if is_every_address(host) and not set(names) - set(LOOPBACK_NAMES):
        raise errors.fail("triage serve", None, words.WEB_NO_ALLOWED_HOST, host=host)
    return Network(tls=tls, allowed_hosts=tuple(dict.fromkeys(names)), remote=remote,
                   open_network_note=notice if remote and not tls else None)
