"""A demonstration's steps on the kiosk's staff pages, in Chromium: Previous and Next, why the question is
asked, the rules fired so far, and no accessibility violation (axe-core)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page
from web_server import axe_violations, launch, serve

from triage import constants
from triage import scenarios as scenario_files
from triage.engine import Engine
from triage.flow import simulate
from triage.models import KnowledgeBase
from triage.web.app import create_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")  # closed after this file: its event loop must not outlive it
def browser() -> Iterator[Browser]:
    yield from launch()


@pytest.fixture(scope="module")
def kiosk(kb: KnowledgeBase, engine: Engine) -> Iterator[str]:
    with serve(create_app(kb, engine)) as url:
        yield url


@pytest.fixture
def page(browser: Browser, kiosk: str) -> Iterator[Page]:
    context = browser.new_context(base_url=kiosk)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _shows_step(page: Page, kb: KnowledgeBase, asked: tuple[str, ...], number: int) -> None:
    question = kb.question(asked[number - 1])
    assert page.url.endswith(f"/demo/desk-worker/{number}")
    assert page.locator("h1").inner_text() == question.text
    progress = page.locator(".progress").inner_text()
    assert constants.WEB_DEMO_STEP.format(number=number, total=len(asked)) in progress
    why = page.locator(".demo-why p")
    assert why.is_visible()  # shown, not folded away
    assert why.inner_text() == question.why


def test_previous_and_next_step_through_a_demonstration(page: Page, kb: KnowledgeBase,
                                                        engine: Engine) -> None:
    scenario = scenario_files.find(scenario_files.load(kb, engine), "desk-worker")
    asked = simulate(kb, engine, scenario.answers).asked
    page.goto("/demo/desk-worker/3")
    _shows_step(page, kb, asked, 3)
    steps = page.get_by_role("navigation", name=constants.WEB_DEMO_STEPS)
    steps.get_by_role("link", name=constants.WEB_DEMO_PREVIOUS).click()
    _shows_step(page, kb, asked, 2)
    steps.get_by_role("link", name=constants.WEB_DEMO_NEXT).click()
    _shows_step(page, kb, asked, 3)
    count, found = axe_violations(page)
    assert count == 0, found


def test_the_links_are_reached_with_the_keyboard(page: Page, kb: KnowledgeBase) -> None:
    page.goto("/demo/desk-worker/3")
    reached = []
    for _ in range(30):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim()"))
        if constants.WEB_DEMO_NEXT in reached:
            break
    assert constants.WEB_DEMO_PREVIOUS in reached
    assert reached.index(constants.WEB_DEMO_PREVIOUS) < reached.index(constants.WEB_DEMO_NEXT)
    page.keyboard.press("Enter")  # on Next
    page.wait_for_url("**/demo/desk-worker/4")


def test_the_rules_fired_so_far_are_in_words_with_their_ids_small(page: Page, kb: KnowledgeBase) -> None:
    page.goto("/demo/saddle-numbness/3")
    items = page.locator(".demo-fired li")
    texts = items.all_inner_texts()
    rule = kb.rule("cauda_equina_saddle_numbness")
    assert any(text.startswith(rule.because) for text in texts)
    ids = page.locator(".demo-fired li .rule-id").all_inner_texts()
    assert "cauda_equina_saddle_numbness" in ids
    sizes = page.locator(".demo-fired li").first.evaluate(
        "li => [parseFloat(getComputedStyle(li).fontSize),"
        " parseFloat(getComputedStyle(li.querySelector('.rule-id')).fontSize)]")
    assert sizes[1] < sizes[0]
    count, found = axe_violations(page)
    assert count == 0, found
