"""The real `triage serve` over HTTPS, and on an open network in the clinic's words.

A certificate for 127.0.0.1 is made at test time by a made-up authority (trustme) that only the
test's client trusts; the kiosk runs in a subprocess (``tests/kiosk_process.py``), on 127.0.0.1.
Over HTTPS: the handshake, plain HTTP refused on the same port, the visit's cookie ``Secure`` and
``__Host-``, HSTS, and a request for another name refused (400).
"""

from __future__ import annotations

import html
import re
import signal
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from kiosk_process import Kiosk, running, stop

from triage import constants

pytestmark = pytest.mark.slow

HOST = "127.0.0.1"
NOTICE = "This kiosk is on the clinic's own Wi-Fi, where answers travel unencrypted."


@pytest.fixture(scope="module")
def authority() -> Any:
    trustme = pytest.importorskip("trustme")
    return trustme.CA()


@pytest.fixture(scope="module")
def certificate(authority: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    issued = authority.issue_cert(HOST, "localhost")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    issued.cert_chain_pems[0].write_to_path(str(cert))
    issued.private_key_pem.write_to_path(str(key))
    return cert, key


@pytest.fixture(scope="module")
def kiosk(certificate: tuple[Path, Path]) -> Iterator[Kiosk]:
    cert, key = certificate
    with running("--certfile", str(cert), "--keyfile", str(key)) as served:
        yield served


def client(authority: Any, kiosk: Kiosk) -> httpx.Client:
    context = ssl.create_default_context()
    authority.configure_trust(context)
    return httpx.Client(base_url=kiosk.base, verify=context, timeout=10)


def test_it_says_its_https_address(kiosk: Kiosk) -> None:
    assert kiosk.serving_line == constants.WEB_SERVING.format(url=f"https://{HOST}:{kiosk.port}/")


def test_the_handshake_and_a_page(authority: Any, kiosk: Kiosk) -> None:
    with client(authority, kiosk) as https:
        response = https.get("/")
        stream = response.extensions["network_stream"]
        version = stream.get_extra_info("ssl_object").version()
    assert response.status_code == 200
    assert constants.WEB_WELCOME_TITLE in response.text
    assert version in {"TLSv1.2", "TLSv1.3"}


def test_plain_http_to_the_https_port_gets_no_page(kiosk: Kiosk) -> None:
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://{HOST}:{kiosk.port}/", timeout=10)


def test_a_client_that_does_not_trust_the_certificate_is_refused(kiosk: Kiosk) -> None:
    with pytest.raises(httpx.ConnectError):
        httpx.get(kiosk.base + "/", timeout=10)  # the system's authorities only


def visit_cookie(response: httpx.Response) -> str:
    cookies = [value for name, value in response.headers.multi_items() if name == "set-cookie"]
    assert cookies, "no cookie set"
    return cookies[0]


def test_the_visit_s_cookie_is_secure_and_host_only(authority: Any, kiosk: Kiosk) -> None:
    """The app's part (triage.web.guard.HostCookie): over HTTPS, ``__Host-`` and ``Secure``."""
    with client(authority, kiosk) as https:
        page = https.get("/")
        cookie = page.headers.get("set-cookie")
        if cookie is None:  # no cookie before Start: start a visit
            csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
            assert csrf is not None
            cookie = visit_cookie(https.post("/start", data={"csrf": csrf.group(1)}))
    assert cookie.startswith("__Host-")
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "path"} <= attributes and "domain" not in attributes


def test_every_answer_asks_for_https_from_now_on(authority: Any, kiosk: Kiosk) -> None:
    """The app's part (HSTS on every answer over HTTPS), a page and an error alike."""
    with client(authority, kiosk) as https:
        for path in ("/", "/static/kiosk.css", "/no-such-page"):
            assert https.get(path).headers.get("strict-transport-security", "").startswith("max-age="), path


def test_a_request_for_another_name_is_refused(authority: Any, kiosk: Kiosk) -> None:
    """DNS rebinding: a page of another site whose name now points at the kiosk reads nothing."""
    with client(authority, kiosk) as https:
        assert https.get("/", headers={"Host": "evil.example"}).status_code == 400
        assert https.get("/", headers={"Host": f"localhost:{kiosk.port}"}).status_code == 200


def test_it_stops_calmly(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    with running("--certfile", str(cert), "--keyfile", str(key)) as served:
        status, out, err = stop(served, signal.SIGTERM)
    assert status == 0, err
    assert out.splitlines() == [constants.WEB_STOPPED]
    assert "Traceback" not in err


def test_plain_http_on_the_network_shows_the_clinic_s_words_on_every_page() -> None:
    """Every address of the computer, plain HTTP as the clinic allows: reached here at 127.0.0.1 only."""
    options = ("--host", "0.0.0.0", "--plain-http-notice", NOTICE, "--allowed-host", "kiosk.test")
    with running(*options) as served:
        assert served.serving_line == constants.WEB_SERVING.format(url=f"http://0.0.0.0:{served.port}/")
        port = served.port
        page = httpx.get(f"http://{HOST}:{port}/", timeout=10)
        named = httpx.get(f"http://{HOST}:{port}/", headers={"Host": f"kiosk.test:{port}"}, timeout=10)
        other = httpx.get(f"http://{HOST}:{port}/", headers={"Host": "evil.example"}, timeout=10)
        status, _, err = stop(served)
    assert page.status_code == 200 and NOTICE in html.unescape(page.text)
    assert named.status_code == 200 and other.status_code == 400
    assert status == 0
    assert constants.WEB_NOT_LOOPBACK.format(host="0.0.0.0") in err
