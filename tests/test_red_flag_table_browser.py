"""The one-page red-flag table (``/red-flags``) in a real browser: Chromium prints it on ONE A4 page
in every language, and axe finds nothing to fix.

Chromium (Debian's, through Playwright, as in ``tests/test_handoff_browser.py``) prints the page
to PDF on A4 paper (the print layout of ``handout.css``); pypdf counts the pages and reads the
text back.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page
from pypdf import PdfReader
from web_server import axe_violations, launch, serve

from triage.clinic import Clinic
from triage.engine import Engine
from triage.models import KnowledgeBase
from triage.web.app import create_app

pytestmark = pytest.mark.browser

CLINIC = Clinic(name="Riverside Acupuncture Clinic", emergency_number="999")
A4 = (595, 842)
"""An A4 page in PDF points (210 × 297 mm)."""
LANGUAGES = ["en", "es", "zh-Hans", "zh-Hant", "en-XA"]
"""Every language the kiosk offers, and the pseudo-language that makes every sentence longer."""


@pytest.fixture(scope="module")  # closed after this file: its event loop must not outlive it
def browser() -> Iterator[Browser]:
    yield from launch()


@pytest.fixture(scope="module")
def kiosk(kb: KnowledgeBase, engine: Engine) -> Iterator[str]:
    with serve(create_app(kb, engine, clinic=CLINIC)) as url:
        yield url


@pytest.fixture
def page(browser: Browser, kiosk: str) -> Iterator[Page]:
    context = browser.new_context(base_url=kiosk)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_table_prints_on_one_a4_page(page: Page, lang: str) -> None:
    page.goto(f"/red-flags?lang={lang}")
    assert page.locator("table.red-flag-table tbody tr").count() > 20
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    box = pdf.pages[0].mediabox
    assert len(pdf.pages) == 1, f"{lang}: {len(pdf.pages)} pages"
    assert (box.width, box.height) == pytest.approx(A4, abs=1)
    text = " ".join(pdf.pages[0].extract_text().split())
    assert "cauda_equina" in text and "warning_signs_unanswered" in text  # the first and last groups
    assert "999" in text  # the clinic's emergency number


def test_axe_finds_nothing_on_the_table(page: Page) -> None:
    page.goto("/red-flags")
    count, found = axe_violations(page)
    assert count == 0, found
