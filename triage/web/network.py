"""How the kiosk is reached, as its pages, cookie and headers must say it.

:func:`triage.web.server.run` works this out from ``triage serve``'s options
and hands it to :func:`triage.web.app.create_app`; tests build one directly.
"""

from __future__ import annotations

from dataclasses import dataclass

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
