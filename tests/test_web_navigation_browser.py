"""Moving about a visit in a real browser: Chromium, driven by Playwright, against the real server.

The browser's Back button, "Start again", the language switch, a form left behind in a second
tab, the start page opened in a second tab, and the staff's own index; axe-core checks each new
page. The set-up is ``tests/test_web_browser.py``'s: Debian's Chromium (skipped without it on a
developer's machine, a failure in CI, where ``CI`` is set), one server for the module
(``tests/web_server.py``), a fresh browser context (its own cookie, so its own visit) per test.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, BrowserContext, Page
from web_server import (
    answer_all,
    answer_one,
    axe_violations,
    current_question,
    give,
    launch,
    post_answers,
    press,
    serve,
    start,
)

from triage import constants, i18n, loader
from triage.engine import engine_for
from triage.models import NOT_SURE, KnowledgeBase
from triage.terminal import examples
from triage.web.app import COOKIE, create_app
from triage.web.sessions import Visit

pytestmark = pytest.mark.browser

WIDTHS = (320, 360, 640)
"""The WCAG reflow width, a small phone, a 1280 px screen at 200 % zoom."""
PROGRESS = re.compile(r"Question (\d+) of about (\d+)")


@dataclass(frozen=True)
class Kiosk:
    url: str
    app: FastAPI


# --- fixtures ------------------------------------------------------------------------------
@pytest.fixture(scope="module")  # closed after this file: its event loop must not outlive it
def browser() -> Iterator[Browser]:
    yield from launch()


@pytest.fixture(scope="module")
def kiosk(kb: KnowledgeBase) -> Iterator[Kiosk]:
    app = create_app(kb, engine_for(kb), idle_minutes=5)
    with serve(app) as url:
        yield Kiosk(url, app)


@pytest.fixture
def context(browser: Browser, kiosk: Kiosk) -> Iterator[BrowserContext]:
    fresh = browser.new_context(base_url=kiosk.url)
    fresh.set_default_timeout(15_000)
    yield fresh
    fresh.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


# --- helpers -------------------------------------------------------------------------------
def heading(page: Page) -> str:
    return " ".join(page.locator("h1").first.inner_text().split())


def ticked(page: Page) -> list[str]:
    values: list[str] = page.locator("input[name=answer]:checked").evaluate_all(
        "boxes => boxes.map(box => box.value)")
    return values


def visit_of(kiosk: Kiosk, context: BrowserContext) -> Visit | None:
    """The visit on the server behind the context's cookie."""
    token = next((c["value"] for c in context.cookies() if c["name"] == COOKIE), None)
    visit: Visit | None = kiosk.app.state.visits.get(token)
    return visit


def shown(page: Page) -> tuple[int, int]:
    found = PROGRESS.search(page.locator("p.progress").inner_text())
    assert found is not None
    return int(found.group(1)), int(found.group(2))


def click(page: Page, role: str, name: str) -> None:
    """Click a link or button that loads a page, and wait for it."""
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role(role, name=name, exact=True).click()  # type: ignore[arg-type]


def go_back(page: Page) -> None:
    page.go_back(wait_until="domcontentloaded")
    page.wait_for_load_state("domcontentloaded")


def accessible(page: Page) -> None:
    """axe-core finds no WCAG 2.1 A or AA violation, and nothing scrolls sideways when narrow."""
    count, found = axe_violations(page)
    assert count == 0, found
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        scroll, client = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll <= client, f"scrolls sideways at {width} px"


# --- the browser's Back button ------------------------------------------------------------------
def test_the_back_button_shows_the_previous_question_with_its_answer(
        page: Page, context: BrowserContext, kiosk: Kiosk, kb: KnowledgeBase) -> None:
    start(page)
    asked = answer_all(page, kb, examples.BENIGN, stop_before="bladder_bowel_change")
    assert asked == ["age", "recent_trauma", "saddle_numbness"]
    assert page.url.endswith("/question/4")

    go_back(page)
    assert page.url.endswith("/question/3")
    assert current_question(page) == "saddle_numbness"
    assert ticked(page) == ["no"], "the answer given is selected"
    visit = visit_of(kiosk, context)
    assert visit is not None and visit.interview.number == 3, "the visit moved back with the page"

    give(page, kb, "saddle_numbness", NOT_SURE)  # answered differently, and on
    press(page, constants.WEB_NEXT)
    assert page.url.endswith("/question/4") and current_question(page) == "bladder_bowel_change"
    assert visit.interview.answers["saddle_numbness"] == NOT_SURE

    go_back(page)
    go_back(page)  # two questions back: the earlier answer shows too
    assert current_question(page) == "recent_trauma" and ticked(page) == ["no"]
    go_back(page)
    assert current_question(page) == "age"
    assert page.locator("#answer").input_value() == "38"
    press(page, constants.WEB_NEXT)  # the same age: on to the second question, nothing lost
    assert current_question(page) == "recent_trauma" and ticked(page) == ["no"]
    assert visit.interview.answers["saddle_numbness"] == NOT_SURE


def test_the_progress_never_goes_backwards_and_back_from_the_result(
        page: Page, context: BrowserContext, kiosk: Kiosk, kb: KnowledgeBase) -> None:
    answers = {**examples.BENIGN, "before_needling": ()}
    start(page)
    steps = []
    while current_question(page) is not None:
        steps.append(shown(page))
        assert answer_one(page, kb, answers) is not None
    assert page.url.endswith("/result")
    for (n0, m0), (n1, m1) in pairwise(steps):
        assert n1 == n0 + 1 and Fraction(n1, m1) >= Fraction(n0, m0), steps

    go_back(page)  # from the result, the last question, its answer filled in
    last = current_question(page)
    assert last is not None and page.url.endswith(f"/question/{len(steps)}")
    visit = visit_of(kiosk, context)
    assert visit is not None and not visit.interview.finished


# --- start again -------------------------------------------------------------------------------------
def test_start_again_asks_then_wipes_the_answers(
        page: Page, context: BrowserContext, kiosk: Kiosk, kb: KnowledgeBase) -> None:
    start(page)
    answer_all(page, kb, examples.BENIGN, stop_before="bladder_bowel_change")
    old = visit_of(kiosk, context)
    assert old is not None

    click(page, "link", constants.WEB_START_AGAIN)
    assert heading(page) == constants.WEB_CONFIRM_TITLE
    accessible(page)
    click(page, "link", constants.WEB_CONFIRM_NO)  # not after all: the same question, nothing lost
    assert current_question(page) == "bladder_bowel_change"
    assert old.interview.answers == {q: examples.BENIGN[q] for q in
                                     ("age", "recent_trauma", "saddle_numbness")}

    click(page, "link", constants.WEB_START_AGAIN)
    click(page, "button", constants.WEB_CONFIRM_YES)
    assert heading(page) == constants.WEB_WELCOME_TITLE
    assert kiosk.app.state.visits.get(old.token) is None
    assert visit_of(kiosk, context) is None  # the welcome page begins no visit: Start does
    press(page, constants.WEB_START)
    assert current_question(page) == "age" and page.locator("#answer").input_value() == ""
    fresh = visit_of(kiosk, context)
    assert fresh is not None and fresh is not old and fresh.token != old.token and not fresh.interview.answers


# --- the language ------------------------------------------------------------------------------------
def test_the_language_switch_keeps_the_answers_and_the_question(
        page: Page, context: BrowserContext, kiosk: Kiosk, kb: KnowledgeBase) -> None:
    spanish = loader.localised(kb, "es")
    start(page)
    answer_all(page, kb, examples.BENIGN, stop_before="saddle_numbness")
    click(page, "button", "Español")
    assert page.locator("html").get_attribute("lang") == "es"
    assert current_question(page) == "saddle_numbness"
    assert heading(page) == " ".join(spanish.question("saddle_numbness").text.split())
    accessible(page)

    with page.expect_navigation(wait_until="domcontentloaded"):  # the page's own Back, in Spanish
        page.locator("form[action='/answer'] button[formaction='/back']").click()
    assert current_question(page) == "recent_trauma" and ticked(page) == ["no"]
    click(page, "button", "English")
    assert page.locator("html").get_attribute("lang") == "en"
    assert heading(page) == " ".join(kb.question("recent_trauma").text.split())
    assert ticked(page) == ["no"]
    visit = visit_of(kiosk, context)
    assert visit is not None and visit.interview.answers == {"age": 38, "recent_trauma": False}


# --- two tabs -----------------------------------------------------------------------------------------
def test_a_stale_tabs_answer_is_refused_with_the_way_to_the_current_question(
        context: BrowserContext, kiosk: Kiosk, kb: KnowledgeBase) -> None:
    first, second = context.new_page(), context.new_page()
    start(first)
    answer_all(first, kb, examples.BENIGN, stop_before="saddle_numbness")
    second.goto("/question")
    assert current_question(second) == "saddle_numbness"
    assert answer_one(second, kb, examples.BENIGN) == "saddle_numbness"  # "no", in the second tab
    assert current_question(second) == "bladder_bowel_change"

    give(first, kb, "saddle_numbness", True)  # "yes", in the tab left behind
    press(first, constants.WEB_NEXT)
    assert heading(first) == constants.WEB_STALE_TITLE
    assert constants.WEB_STALE in " ".join(first.locator("main").inner_text().split())
    visit = visit_of(kiosk, context)
    assert visit is not None
    assert visit.interview.answers["saddle_numbness"] is False, "the old tab's answer was not taken"
    assert visit.interview.current is not None and visit.interview.current.id == "bladder_bowel_change"
    accessible(first)

    first.set_viewport_size({"width": 1000, "height": 800})
    click(first, "link", constants.WEB_GO_TO_QUESTION.format(number=4))
    assert current_question(first) == "bladder_bowel_change"
    assert answer_one(first, kb, examples.BENIGN) == "bladder_bowel_change"
    assert current_question(first) == "both_legs_symptoms"


def test_a_second_start_page_asks_before_wiping(context: BrowserContext, kiosk: Kiosk,
                                                kb: KnowledgeBase) -> None:
    first, second = context.new_page(), context.new_page()
    start(first)
    answer_all(first, kb, examples.BENIGN, stop_before="saddle_numbness")
    visit = visit_of(kiosk, context)

    second.goto("/")
    assert heading(second) == constants.WEB_WELCOME_TITLE
    press(second, constants.WEB_START)
    assert heading(second) == constants.WEB_IN_PROGRESS_TITLE
    assert constants.WEB_IN_PROGRESS in " ".join(second.locator("main").inner_text().split())
    assert visit_of(kiosk, context) is visit and visit is not None and len(visit.interview.path) == 2
    accessible(second)

    second.set_viewport_size({"width": 1000, "height": 800})
    click(second, "link", constants.WEB_CONTINUE)
    assert current_question(second) == "saddle_numbness"
    assert answer_one(first, kb, examples.BENIGN) == "saddle_numbness"  # the first tab goes on too

    second.goto("/")
    press(second, constants.WEB_START)
    click(second, "button", constants.WEB_START_AGAIN)
    assert heading(second) == constants.WEB_WELCOME_TITLE
    assert visit is not None and kiosk.app.state.visits.get(visit.token) is None


# --- staff and educators --------------------------------------------------------------------------
def test_the_staff_index_lists_the_staff_pages_and_the_welcome_does_not(page: Page) -> None:
    page.goto("/")
    hrefs = page.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if h.startswith(("/staff", "/red-flags", "/demo", "/explain"))]

    page.goto("/staff")
    assert heading(page) == constants.WEB_STAFF_PAGES
    click(page, "link", constants.WEB_RED_FLAGS_LINK)
    assert page.url.endswith("/red-flags")
    page.goto("/staff")
    accessible(page)


# --- the new page states, with axe-core -----------------------------------------------------------
def _question_with_tools(qid: str) -> Callable[[Page, KnowledgeBase], None]:
    def go(page: Page, kb: KnowledgeBase) -> None:
        post_answers(page.request, kb, examples.BENIGN, stop_before=qid)
        page.goto("/question")
        assert current_question(page) == qid
        assert page.get_by_role("link", name=constants.WEB_START_AGAIN).is_visible()
        assert page.get_by_role("button", name="Español").is_visible()
    return go


def _spanish_question(page: Page, kb: KnowledgeBase) -> None:
    _question_with_tools("pain_location")(page, kb)
    click(page, "button", "Español")


PAGES: dict[str, Callable[[Page, KnowledgeBase], None]] = {
    "question-number": _question_with_tools("age"),
    "question-multi": _question_with_tools("pain_location"),
    "question-in-spanish": _spanish_question,
}


@pytest.mark.parametrize("name", list(PAGES))
def test_the_question_pages_tools_are_accessible(page: Page, kb: KnowledgeBase, name: str) -> None:
    PAGES[name](page, kb)
    accessible(page)


def test_the_tools_are_reached_by_keyboard_after_the_skip_link(page: Page, kb: KnowledgeBase) -> None:
    _question_with_tools("saddle_numbness")(page, kb)
    page.locator("body").focus()
    others = [name for code, name in i18n.offered().items() if code != i18n.ENGLISH]  # each in its own name
    order = []
    for _ in range(len(others) + 3):
        page.keyboard.press("Tab")
        order.append(page.evaluate("() => document.activeElement.textContent.trim() || "
                                   "document.activeElement.name"))
    assert order[:-1] == [constants.WEB_SKIP_LINK, *others, constants.WEB_START_AGAIN]
    assert order[-1] == "answer", "then the question"
