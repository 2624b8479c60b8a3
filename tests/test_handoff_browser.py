"""The hand-off in a real browser: the printout is one A4 page, the QR code on screen reads back.

Chromium (Debian's, driven by Playwright as in ``tests/test_web_browser.py``) prints the
result page to PDF (``page.pdf(format="A4")``, the print layout of ``kiosk.css``) for the
longest path the questionnaire has, a child and an emergency; pypdf counts the pages and
reads the text back. The QR code is read from a screenshot of the page with zxing-cpp.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime

import pytest
import test_handoff as th
from playwright.sync_api import Browser, BrowserContext, Page, Request
from pypdf import PdfReader
from web_server import axe_violations, launch, post_answers, serve

from triage import constants, handoff, i18n, report
from triage.clinic import Clinic
from triage.engine import Engine
from triage.models import AnswerValue, KnowledgeBase
from triage.web.app import create_app

pytestmark = pytest.mark.browser

CLINIC = Clinic(name="Riverside Acupuncture Clinic", emergency_number="999", urgent_number="111")
NAME = "Alexandra Konstantinopoulou-Smith"
"""A long name, typed for the printout."""
A4 = (595, 842)
"""An A4 page in PDF points (210 × 297 mm)."""


@pytest.fixture(scope="module")  # closed after this file: its event loop must not outlive it
def browser() -> Iterator[Browser]:
    yield from launch()


@pytest.fixture(scope="module")
def kiosk(kb: KnowledgeBase, engine: Engine) -> Iterator[str]:
    """A clinic's kiosk with its name and numbers, printing and showing the QR code (the default)."""
    with serve(create_app(kb, engine, clinic=CLINIC)) as url:
        yield url


@pytest.fixture
def context(browser: Browser, kiosk: str) -> Iterator[BrowserContext]:
    fresh = browser.new_context(base_url=kiosk)
    fresh.set_default_timeout(15_000)
    yield fresh
    fresh.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def goto_result(page: Page, kb: KnowledgeBase, answers: Mapping[str, AnswerValue]) -> None:
    post_answers(page.request, kb, answers)
    page.goto("/result")
    assert page.url.endswith("/result")


def squashed(text: str) -> str:
    return " ".join(text.split())


def sheet_facts(page: Page) -> tuple[str, datetime]:
    """The visit code and the time the printout shows."""
    code = page.locator(".sheet-code").text_content() or ""
    when = page.locator(".sheet-facts dd").first.text_content() or ""
    assert re.fullmatch(f"[{handoff.CODE_ALPHABET}]{{{handoff.CODE_LENGTH}}}", code), code
    return code, datetime.strptime(when, handoff.STAMP_FORMAT)


def printed(page: Page) -> tuple[int, str, tuple[float, float]]:
    """The page printed to PDF on A4 paper: its number of pages, its text and its first page's size."""
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    box = pdf.pages[0].mediabox
    return len(pdf.pages), squashed(" ".join(p.extract_text() for p in pdf.pages)), (box.width, box.height)


# --- the printout ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", th.PATHS)
def test_the_printout_is_one_a4_page(page: Page, kb: KnowledgeBase, engine: Engine, name: str) -> None:
    answers = th.answers_for(name, kb, engine)
    goto_result(page, kb, answers)
    page.get_by_label(constants.WEB_PRINT_NAME).fill(NAME)
    pages, text, size = printed(page)
    assert pages == 1, f"{name}: {pages} pages"
    assert size == pytest.approx(A4, abs=1)

    result = th.result_of(kb, engine, answers)
    doc = report.build(kb, result, audience="clinician", clinic=CLINIC)
    code, _ = sheet_facts(page)
    assert code in text and NAME in text and CLINIC.name in text  # type: ignore[operator]
    assert squashed(doc.level_title) in text and squashed(doc.suggestion) in text
    assert squashed(doc.footer) in text, "the knowledge base's version, and the answers all there"
    for flag in result.red_flags:
        assert squashed(flag.name) in text
    for cause in result.causes:
        assert squashed(cause.name) in text
    answers_shown = doc.section("answers")
    assert answers_shown is not None
    last_question, _ = answers_shown.rows[-1]
    assert squashed(last_question) in text, "the answers table is not cut"
    assert "Ctrl+P" not in text  # the old hint to use the browser's Print command is gone
    for on_screen_only in (constants.WEB_FINISH_HINT, constants.WEB_QR_HINT, constants.WEB_PRINT,
                           constants.WEB_FOR_CLINICIAN):
        assert squashed(on_screen_only) not in text


@pytest.mark.parametrize("language", ["es", "zh-Hans", "zh-Hant", i18n.PSEUDO, i18n.WIDE])
def test_the_longest_printout_is_one_page_in_every_language(page: Page, kb: KnowledgeBase, engine: Engine,
                                                            language: str) -> None:
    """Other languages say more: the printout's type gets smaller with what it holds. Chinese is
    measured with a font that has its characters (``.ci/run`` installs one), not with empty boxes."""
    if language.startswith("zh-"):
        fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False).stdout
        if not fonts.strip():
            if os.environ.get("CI"):
                pytest.fail("no font with Chinese characters (fc-list :lang=zh); .ci/run installs one")
            pytest.skip("no font with Chinese characters here (Debian: fonts-wqy-microhei)")
    welcome = page.request.get(f"/?lang={language}").text()
    csrf = re.search(r'name="csrf" value="([^"]+)"', welcome)
    assert csrf is not None
    page.request.post("/start", form={"csrf": csrf.group(1)})
    post_answers(page.request, kb, th.longest_answers(kb, engine), fresh=False)
    page.goto("/result")
    assert page.locator("html").get_attribute("lang") == language
    page.get_by_label(i18n.translations(language).gettext(constants.WEB_PRINT_NAME)).fill(NAME)
    pages, text, _ = printed(page)
    code, _ = sheet_facts(page)
    assert pages == 1 and code in text and NAME in text


def test_the_print_button_prints_with_the_name_typed(page: Page, kb: KnowledgeBase) -> None:
    page.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; };")
    goto_result(page, kb, th.EMERGENCY)
    button = page.get_by_role("button", name=constants.WEB_PRINT, exact=True)
    assert button.is_visible()
    assert not page.locator("noscript a[href='/print']").is_visible()
    page.get_by_label(constants.WEB_PRINT_NAME).fill(f"  {NAME} ")
    button.click()
    assert page.evaluate("() => window.printed") == 1
    assert page.locator("#sheet-name").text_content() == NAME


def test_the_typed_name_is_never_sent(page: Page, kb: KnowledgeBase, engine: Engine) -> None:
    sent: list[Request] = []

    def record(request: Request) -> None:  # Playwright wants a function of its own here
        sent.append(request)

    goto_result(page, kb, th.CHILD)
    page.on("request", record)
    page.get_by_label(constants.WEB_PRINT_NAME).fill(NAME)
    page.pdf(format="A4")
    with page.expect_navigation():
        page.get_by_role("button", name=constants.WEB_FINISH, exact=True).click()
    assert sent, "Finish was sent"
    for request in sent:
        assert NAME not in request.url and "Konstantinopoulou" not in (request.post_data or "")
    assert NAME not in page.content()


def test_without_javascript_the_print_page_is_linked_and_prints_on_one_page(
        browser: Browser, kiosk: str, kb: KnowledgeBase, engine: Engine) -> None:
    plain = browser.new_context(base_url=kiosk, java_script_enabled=False)
    try:
        page = plain.new_page()
        goto_result(page, kb, th.longest_answers(kb, engine))
        assert page.locator("#print-button").is_hidden()
        link = page.get_by_role("link", name=constants.WEB_PRINT_PAGE_LINK)
        with page.expect_navigation():
            link.click()
        assert page.url.endswith("/print")
        assert page.locator(".print-sheet").is_visible()
        code, _ = sheet_facts(page)
        pages, text, _ = printed(page)
        assert pages == 1 and code in text
        assert squashed(constants.WEB_BACK_TO_RESULT) not in text
    finally:
        plain.close()


# --- the QR code on screen ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", th.PATHS)
def test_the_qr_code_on_the_page_reads_as_the_summary(page: Page, kb: KnowledgeBase, engine: Engine,
                                                     name: str) -> None:
    answers = th.answers_for(name, kb, engine)
    goto_result(page, kb, answers)
    code, when = sheet_facts(page)
    picture = page.locator("figure.qr svg").screenshot()
    expected = handoff.qr_text(kb, th.result_of(kb, engine, answers), CLINIC, code, when)
    assert th.read_qr(picture) == expected


# --- accessibility ---------------------------------------------------------------------------------
def _print_page(page: Page, kb: KnowledgeBase) -> None:
    goto_result(page, kb, th.CHILD)
    page.goto("/print")


def _result_page(page: Page, kb: KnowledgeBase) -> None:
    goto_result(page, kb, th.EMERGENCY)
    page.get_by_label(constants.WEB_PRINT_NAME).fill(NAME)


@pytest.mark.parametrize("go", [pytest.param(_result_page, id="result"),
                                pytest.param(_print_page, id="print")])
def test_the_handoff_pages_are_accessible(page: Page, kb: KnowledgeBase,
                                          go: Callable[[Page, KnowledgeBase], None]) -> None:
    go(page, kb)
    count, found = axe_violations(page)
    assert count == 0, found
    for width in (320, 360, 640):
        page.set_viewport_size({"width": width, "height": 800})
        scroll, client = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll <= client, f"scrolls sideways at {width} px"
