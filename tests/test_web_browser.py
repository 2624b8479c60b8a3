"""The intake kiosk in a real browser: Chromium, driven by Playwright, against the real server.

Each test gets a fresh browser context (its own cookies, so its own visit) in
one Chromium for the module, and the server runs once for the module
(``tests/web_server.py``). Where a test is about a page rather than the way
to it, the answers before it are posted through the context's own requests.

Chromium comes from Debian (``apt-get install chromium``; ``.ci/run`` installs
it). Without it these tests are skipped on a developer's machine, and fail in
CI, where ``CI`` is set.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from playwright.sync_api import Browser, BrowserContext, Page
from vignette_answers import VIGNETTES, answers_for, read
from web_server import (
    FakeClock,
    answer_all,
    answer_one,
    axe_violations,
    current_question,
    form_values,
    give,
    launch,
    post_answers,
    press,
    serve,
    start,
)

from triage import constants
from triage.clinic import Clinic
from triage.engine import Engine, engine_for
from triage.flow import Interview
from triage.models import AnswerValue, KnowledgeBase
from triage.terminal import examples
from triage.web.app import COOKIE, create_app

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent

IDLE_MINUTES = 5
URGENT: dict[str, AnswerValue] = {**examples.BENIGN, "saddle_numbness": "not_sure"}
"""Not sure about saddle numbness: see a doctor today."""
CHILD: dict[str, AnswerValue] = {
    "age": 12, "recent_trauma": False, "saddle_numbness": False, "bladder_bowel_change": False,
    "both_legs_symptoms": False, "tearing_pain": False, "chest_symptoms": False, "leg_weakness": False,
    "walking_difficulty": False, "fever": "not_sure", "pregnant": False, "immune_risk": False,
    "history_of_cancer": False, "unexplained_weight_loss": False, "night_pain": False,
    "pain_duration": "1_to_6_weeks",
}
"""Under 16: the children's warning signs and how long the pain has lasted, then the result."""
FLANK: dict[str, AnswerValue] = {
    **examples.BENIGN, "pain_location": ("lower_back", "side_flank"),
    "previous_kidney_stones": True, "pain_comes_in_waves": True, "blood_in_urine": False,
}
"""Pain in the side as well: the kidney-stone questions follow the pain's location."""
EVERY_HANDOFF = Clinic(handoff=("print", "qr", "download"))


# --- fixtures ------------------------------------------------------------------------------
@pytest.fixture(scope="module")  # closed after this file: its event loop must not outlive it
def browser() -> Iterator[Browser]:
    yield from launch()


@pytest.fixture(scope="module")
def kiosk(kb: KnowledgeBase) -> Iterator[str]:
    """The kiosk's address; its server has an engine of its own, and hands a result over every way
    (print, the QR code, and downloads, which a clinic turns on by listing them)."""
    with serve(create_app(kb, engine_for(kb), idle_minutes=IDLE_MINUTES, clinic=EVERY_HANDOFF)) as url:
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


@pytest.fixture
def idle_kiosk(browser: Browser, kb: KnowledgeBase) -> Iterator[tuple[Page, FakeClock]]:
    """A page on a kiosk of its own, whose clock moves only when the test says."""
    clock = FakeClock()
    with serve(create_app(kb, engine_for(kb), idle_minutes=IDLE_MINUTES, clock=clock)) as url:
        own = browser.new_context(base_url=url)
        own.set_default_timeout(15_000)
        yield own.new_page(), clock
        own.close()


# --- helpers -------------------------------------------------------------------------------
def path_of(kb: KnowledgeBase, engine: Engine, answers: Mapping[str, AnswerValue]) -> list[str]:
    """The questions the terminal's flow asks a person who answers from ``answers``."""
    interview = Interview(kb, engine)
    while interview.current is not None and interview.current.id in answers:
        interview.answer(answers[interview.current.id])
    return list(interview.path)


def heading(page: Page) -> str:
    return page.locator("h1").first.inner_text().strip()


def level_of(kb: KnowledgeBase, engine: Engine, answers: Mapping[str, AnswerValue]) -> str:
    return examples.replay(kb, engine, answers).level


def given(kb: KnowledgeBase, engine: Engine, answers: Mapping[str, AnswerValue]) -> dict[str, Any]:
    """The answers a summary should hold (those to the questions asked), as its JSON writes them."""
    asked: dict[str, Any] = json.loads(json.dumps({q: answers[q] for q in path_of(kb, engine, answers)}))
    return asked


def summary_answers(page: Page) -> dict[str, Any]:
    """The answers in the visit's JSON summary (the result page itself lists none: the person has
    just given them)."""
    response = page.request.get("/download/json")
    assert response.ok
    answers: dict[str, Any] = json.loads(response.text())["answers"]
    return answers


def goto_question(page: Page, kb: KnowledgeBase, qid: str,
                  answers: Mapping[str, AnswerValue] = examples.BENIGN) -> None:
    post_answers(page.request, kb, answers, stop_before=qid)
    page.goto("/question")
    assert current_question(page) == qid


def goto_result(page: Page, kb: KnowledgeBase, answers: Mapping[str, AnswerValue]) -> None:
    post_answers(page.request, kb, answers)
    page.goto("/result")
    assert page.url.endswith("/result")


def words(text: str) -> str:
    return " ".join(text.split())


# --- a visit, screen by screen -------------------------------------------------------------
def test_a_benign_visit_reaches_the_terminals_result(page: Page, kb: KnowledgeBase, engine: Engine) -> None:
    start(page)
    asked = answer_all(page, kb, examples.BENIGN)
    assert asked == path_of(kb, engine, examples.BENIGN), "the kiosk asks what the terminal asks"
    assert page.url.endswith("/result")
    assert heading(page) == constants.LEVEL_TITLE[level_of(kb, engine, examples.BENIGN)]
    assert constants.LEVEL_ADVICE["acupuncturist"] in words(page.locator("main").inner_text())
    assert summary_answers(page) == given(kb, engine, examples.BENIGN)


def _emergencies() -> list[Any]:
    cases = [pytest.param(examples.EMERGENCY, id="example-saddle-numbness")]
    for name in ("p02_both_legs_weak", "p03_pulsating_abdomen"):
        cases.append(pytest.param(read(VIGNETTES / f"{name}.yaml"), id=name))
    return cases


@pytest.mark.parametrize("answers", _emergencies())
def test_an_emergency_stops_the_questions(page: Page, kb: KnowledgeBase, engine: Engine,
                                          answers: dict[str, Any]) -> None:
    if "expect" in answers:  # a vignette: its story's answers, every other warning sign "no"
        answers = answers_for(kb, answers)
    start(page)
    asked = answer_all(page, kb, answers, limit=8)
    assert page.url.endswith("/result"), f"still asking after {asked}"
    assert len(asked) <= 8
    assert asked == path_of(kb, engine, answers)
    assert heading(page) == constants.LEVEL_TITLE["emergency"]
    assert constants.EMERGENCY_NOW in words(page.locator("main").inner_text())
    page.goto("/question")
    assert page.url.endswith("/result"), "no more questions after an emergency"


def test_going_back_across_a_branch_changes_what_follows(page: Page, kb: KnowledgeBase,
                                                        engine: Engine) -> None:
    flank_first = "previous_kidney_stones"
    start(page)
    answer_all(page, kb, FLANK, stop_before="pain_location")
    answer_one(page, kb, FLANK)  # lower back and the side
    assert current_question(page) == flank_first
    answer_one(page, kb, FLANK)  # kidney stones before: yes
    assert current_question(page) == "pain_comes_in_waves"

    press(page, constants.WEB_BACK)
    press(page, constants.WEB_BACK)
    assert current_question(page) == "pain_location"
    side = next(o for o in kb.question("pain_location").options if o.id == "side_flank")
    assert page.get_by_label(side.label, exact=True).is_checked(), "the earlier answer is shown again"

    answer_one(page, kb, examples.BENIGN)  # the lower back only
    assert current_question(page) == "pain_onset", "the flank questions are no longer asked"
    post_answers(page.request, kb, examples.BENIGN, fresh=False)
    page.goto("/result")
    assert heading(page) == constants.LEVEL_TITLE[level_of(kb, engine, examples.BENIGN)]
    kept = summary_answers(page)
    assert kept["pain_location"] == ["lower_back"]
    assert flank_first not in kept, "the dropped branch's answer is not in the result"
    assert kept == given(kb, engine, examples.BENIGN)


@pytest.mark.parametrize("qid", [
    pytest.param("age", id="number"),
    pytest.param("saddle_numbness", id="yes_no"),
    pytest.param("pain_location", id="multi"),
    pytest.param("pain_severity", id="scale"),
])
def test_why_we_ask_opens_and_shows_the_reason(page: Page, kb: KnowledgeBase, qid: str) -> None:
    goto_question(page, kb, qid)
    why = page.locator("details.why")
    reason = why.locator("p")
    assert not reason.is_visible()
    why.get_by_text(constants.WEB_WHY, exact=True).click()
    assert reason.is_visible()
    assert words(reason.inner_text()) == words(kb.question(qid).why)


def _markdown(text: str, kb: KnowledgeBase) -> None:
    assert constants.LEVEL_ADVICE["acupuncturist"] in words(text)
    assert constants.HEADING_WHY_LEVEL in text


def _json(text: str, kb: KnowledgeBase) -> None:
    data = json.loads(text)
    assert data["level"] == "acupuncturist"
    assert data["answers"]["age"] == 38


def _fhir(text: str, kb: KnowledgeBase) -> None:
    data = json.loads(text)
    assert data["resourceType"] == "QuestionnaireResponse"
    QuestionnaireResponse.model_validate(data)


@pytest.mark.parametrize(("fmt", "name", "check"), [
    pytest.param("markdown", "back-pain-summary.md", _markdown, id="markdown"),
    pytest.param("json", "back-pain-summary.json", _json, id="json"),
    pytest.param("fhir", "back-pain-summary.fhir.json", _fhir, id="fhir"),
])
def test_the_summary_downloads(page: Page, kb: KnowledgeBase, fmt: str, name: str,
                               check: Callable[[str, KnowledgeBase], None]) -> None:
    goto_result(page, kb, examples.BENIGN)
    link = {"markdown": constants.WEB_DOWNLOAD_MARKDOWN, "json": constants.WEB_DOWNLOAD_JSON,
            "fhir": constants.WEB_DOWNLOAD_FHIR}[fmt]
    with page.expect_download() as info:
        page.get_by_role("link", name=link).click()
    download = info.value
    assert download.suggested_filename == name
    check(download.path().read_text(encoding="utf-8"), kb)


# --- privacy: Finish, the idle wipe, two people ---------------------------------------------
def _shows_nothing_of(page: Page, answers: Mapping[str, AnswerValue], level: str) -> None:
    text = words(page.locator("body").inner_text())
    assert constants.LEVEL_TITLE[level] not in text
    assert constants.LEVEL_ADVICE[level] not in text
    typed = page.locator("input#answer")
    assert not typed.count() or typed.input_value() != str(answers["age"])
    assert page.locator("input[name=answer]:checked").count() == 0


def test_finish_wipes_the_visit(page: Page, context: BrowserContext, browser: Browser, kiosk: str,
                                kb: KnowledgeBase) -> None:
    start(page)
    answer_all(page, kb, examples.EMERGENCY)
    assert heading(page) == constants.LEVEL_TITLE["emergency"]
    old = next(c["value"] for c in context.cookies() if c["name"] == COOKIE)

    press(page, constants.WEB_FINISH)
    assert page.url == kiosk + "/"
    assert heading(page) == constants.WEB_WELCOME_TITLE
    assert old not in [c["value"] for c in context.cookies()]

    went_back = 0
    for _ in range(4):  # the browser's Back button, through the result and the question screens
        if page.go_back() is None:
            break
        went_back += 1
        _shows_nothing_of(page, examples.EMERGENCY, "emergency")
        assert heading(page) == constants.WEB_WELCOME_TITLE
    assert went_back >= 3, "the result and the question screens were in the browser's history"

    # The old visit is gone on the server too, whoever still holds its cookie.
    thief = browser.new_context(base_url=kiosk)
    try:
        thief.add_cookies([{"name": COOKIE, "value": old, "url": kiosk}])
        response = thief.request.get("/result", max_redirects=0)
        assert response.status == 303 and response.headers["location"] == "/"
    finally:
        thief.close()


def _reload(page: Page) -> None:
    page.reload()


def _next(page: Page) -> None:
    press(page, constants.WEB_NEXT)


def _back(page: Page) -> None:
    press(page, constants.WEB_BACK)


@pytest.mark.parametrize(("act", "title"), [
    pytest.param(_reload, constants.WEB_WELCOME_TITLE, id="reload-shows-the-welcome"),
    pytest.param(_next, constants.WEB_EXPIRED_TITLE, id="next-shows-expired"),
    pytest.param(_back, constants.WEB_EXPIRED_TITLE, id="back-shows-expired"),
])
def test_an_idle_visit_is_wiped(idle_kiosk: tuple[Page, FakeClock], kb: KnowledgeBase,
                                act: Callable[[Page], None], title: str) -> None:
    page, clock = idle_kiosk
    start(page)
    answer_all(page, kb, examples.BENIGN, stop_before="bladder_bowel_change")

    clock.advance(IDLE_MINUTES * 60 - 1)  # not yet: the visit is kept
    page.reload()
    assert current_question(page) == "bladder_bowel_change"
    press(page, constants.WEB_BACK)
    assert page.locator("fieldset").get_by_label("No", exact=True).is_checked()  # saddle numbness
    give(page, kb, "saddle_numbness", "not_sure")  # a changed answer, about to be sent too late

    clock.advance(IDLE_MINUTES * 60 + 1)
    act(page)
    assert heading(page) == title
    _shows_nothing_of(page, examples.BENIGN, "acupuncturist")
    assert current_question(page) is None


@pytest.mark.parametrize("act", [
    pytest.param(_reload, id="reload"),
    pytest.param(lambda page: page.goto("/"), id="welcome-address"),
    pytest.param(lambda page: page.goto("/question/1"), id="a-question-address"),
])
def test_an_idle_emergency_is_held_for_staff_until_finish(
    idle_kiosk: tuple[Page, FakeClock], kb: KnowledgeBase, act: Callable[[Page], None]
) -> None:
    """Left alone, an emergency does not go back to the welcome screen: it says, large and with no
    answer, that the person at this tablet needs help, whatever is asked for, until staff press Finish."""
    page, clock = idle_kiosk
    start(page)
    answer_all(page, kb, examples.EMERGENCY)
    assert constants.LEVEL_TITLE["emergency"] in words(page.locator("body").inner_text())

    clock.advance(IDLE_MINUTES * 60 + 1)
    act(page)
    assert heading(page) == constants.WEB_HELD_TITLE
    text = words(page.locator("body").inner_text())
    assert words(constants.WEB_HELD) in text
    for qid in examples.EMERGENCY:  # no question and no answer is shown
        assert words(kb.question(qid).text) not in text
    assert page.locator(".held h1").evaluate("h => parseFloat(getComputedStyle(h).fontSize)") >= 28
    count, found = axe_violations(page)
    assert count == 0, found

    clock.advance(3 * 3600)  # hours later, still held
    page.reload()
    assert heading(page) == constants.WEB_HELD_TITLE
    press(page, constants.WEB_FINISH)
    assert heading(page) == constants.WEB_WELCOME_TITLE
    page.goto("/question/1")
    assert heading(page) != constants.WEB_HELD_TITLE


def idle_times(page: Page) -> tuple[int, int]:
    """(seconds until the screen clears, seconds before that the warning shows), as the page says."""
    dialog = page.locator("dialog#idle")
    return int(dialog.get_attribute("data-seconds") or 0), int(dialog.get_attribute("data-warn") or 0)


def _stay_by_button(page: Page) -> None:
    page.locator("dialog#idle").get_by_role("button", name=constants.WEB_IDLE_STAY).click()


def _stay_by_escape(page: Page) -> None:
    page.keyboard.press("Escape")


@pytest.mark.parametrize("stay", [
    pytest.param(_stay_by_button, id="button"),
    pytest.param(_stay_by_escape, id="escape"),
])
def test_a_warning_before_the_idle_reset_lets_the_person_stay(
        idle_kiosk: tuple[Page, FakeClock], kb: KnowledgeBase, stay: Callable[[Page], None]) -> None:
    """WCAG 2.2.1: warned at least 20 seconds before, one simple action keeps the visit."""
    page, clock = idle_kiosk
    page.clock.install()
    start(page)
    answer_all(page, kb, examples.BENIGN, stop_before="bladder_bowel_change")
    seconds, warn = idle_times(page)
    assert seconds == IDLE_MINUTES * 60 + 1 and warn >= 20
    dialog = page.locator("dialog#idle")

    page.clock.run_for((seconds - warn - 1) * 1000)
    assert not dialog.is_visible()
    page.clock.run_for(2000)
    assert dialog.is_visible()
    assert dialog.get_by_role("button").evaluate("button => button === document.activeElement")
    count, found = axe_violations(page)
    assert count == 0, found

    clock.advance(seconds - warn + 1)  # the server's time goes on with the page's
    with page.expect_response("**/question"):
        stay(page)
    assert not dialog.is_visible()
    clock.advance(warn + 10)  # past the first idle time: kept, because the person answered
    page.clock.run_for((warn + 10) * 1000)
    assert current_question(page) == "bladder_bowel_change"
    assert answer_one(page, kb, examples.BENIGN) == "bladder_bowel_change"
    assert current_question(page) == "both_legs_symptoms"


def test_a_screen_left_alone_returns_to_the_start(idle_kiosk: tuple[Page, FakeClock],
                                                  kb: KnowledgeBase) -> None:
    page, clock = idle_kiosk
    page.clock.install()
    start(page)
    answer_all(page, kb, examples.BENIGN, stop_before="both_legs_symptoms")
    seconds, _ = idle_times(page)
    clock.advance(seconds)
    page.clock.run_for(seconds * 1000)
    page.wait_for_url(lambda url: url.endswith("/") and "/question" not in url)
    assert heading(page) == constants.WEB_WELCOME_TITLE
    _shows_nothing_of(page, examples.BENIGN, "acupuncturist")


def test_without_javascript_the_screen_still_returns_to_the_start(browser: Browser,
                                                                   kb: KnowledgeBase) -> None:
    """The <noscript> refresh, in real time: a tiny idle time (1.2 s, so a refresh after 2 s), on a
    server whose clock stands still (so a slow machine cannot wipe the visit before the refresh)."""
    app = create_app(kb, engine_for(kb), idle_minutes=0.02, clock=FakeClock())
    with serve(app) as url:
        plain = browser.new_context(base_url=url, java_script_enabled=False)
        try:
            page = plain.new_page()
            start(page)
            answer_all(page, kb, examples.BENIGN, stop_before="saddle_numbness")
            assert page.locator("dialog#idle").is_hidden()
            page.wait_for_url(url + "/", timeout=15_000)
            assert heading(page) == constants.WEB_WELCOME_TITLE
        finally:
            plain.close()


def test_two_people_at_once_never_see_each_others_answers(
        browser: Browser, kiosk: str, kb: KnowledgeBase, engine: Engine) -> None:
    """A child and an adult with pain in the side answer in turn, each in a browser of their own."""
    first, second = (browser.new_context(base_url=kiosk) for _ in range(2))
    try:
        adult = FLANK | {"age": 61}
        people = [(first.new_page(), CHILD), (second.new_page(), adult)]
        paths = [path_of(kb, engine, answers) for _, answers in people]
        for page, _ in people:
            start(page)
        for step in range(len(paths[0])):  # one screen each, in turn, until the child's result
            for (page, answers), path in zip(people, paths, strict=True):
                assert current_question(page) == path[step]
                answer_one(page, kb, answers)
        child, grown = people[0][0], people[1][0]
        assert child.url.endswith("/result")
        assert current_question(grown) == "night_pain", "the child's answers do not end the adult's"

        while current_question(grown) != "fever":  # back to the fever the child was not sure of
            press(grown, constants.WEB_BACK)  # Back shows the adult's own answers, not the child's
            assert ticked(grown) == ["no"], current_question(grown)
        answer_all(grown, kb, adult, stop_before="previous_kidney_stones")
        assert current_question(grown) == "previous_kidney_stones"
        child.reload()
        assert heading(child) == constants.LEVEL_TITLE[level_of(kb, engine, CHILD)]

        post_answers(grown.request, kb, adult, fresh=False)
        grown.goto("/result")
        for page, answers in people:
            assert heading(page) == constants.LEVEL_TITLE[level_of(kb, engine, answers)]
            assert summary_answers(page) == given(kb, engine, answers)
    finally:
        first.close()
        second.close()


# --- keyboard only ---------------------------------------------------------------------------
FOCUS = """selector => {
  const el = document.activeElement;
  if (!el || el === document.body) return {matches: false, outline: true, what: "body"};
  const style = getComputedStyle(el);
  return {matches: el.matches(selector),
          outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
          what: el.outerHTML.slice(0, 80)};
}"""


def focused(page: Page, selector: str) -> bool:
    """Whether the focused element matches ``selector``; fails if its focus is not visible."""
    state: dict[str, Any] = page.evaluate(FOCUS, selector)
    assert state["outline"], f"no visible focus on {state['what']}"
    return bool(state["matches"])


def tab_to(page: Page, selector: str, limit: int = 40) -> None:
    """Press Tab until the element ``selector`` has the focus, checking every stop shows it."""
    for _ in range(limit):
        if focused(page, selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reaches {selector}")


def key_answer(page: Page, kb: KnowledgeBase, qid: str, value: AnswerValue) -> None:
    """Answer the screen's question with Tab, the arrow keys, Space and typing; no mouse."""
    question = kb.question(qid)
    wanted = form_values(kb, qid, value)
    if question.type == "number":
        tab_to(page, "#answer")
        page.keyboard.press("Control+A")
        page.keyboard.type(wanted[0])
    elif question.type == "multi":
        for option in question.options:
            tab_to(page, f"input[name=answer][value='{option.id}']")
            if page.evaluate("() => document.activeElement.checked") != (option.id in wanted):
                page.keyboard.press("Space")
    else:  # a radio group: Tab into it, then the arrow keys move and choose
        tab_to(page, "input[name=answer]")
        page.keyboard.press("Space")
        for _ in range(12):
            if focused(page, f"input[name=answer][value='{wanted[0]}']"):
                break
            page.keyboard.press("ArrowDown")
    if question.type != "number":
        assert sorted(ticked(page)) == sorted(wanted)


def ticked(page: Page) -> list[str]:
    """The values of the radio buttons or tick boxes ticked on the screen."""
    values: list[str] = page.locator("input[name=answer]:checked").evaluate_all(
        "boxes => boxes.map(box => box.value)")
    return values


def key_press(page: Page, selector: str) -> None:
    tab_to(page, selector)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.keyboard.press("Enter")


NEXT = "form[action='/answer'] button.primary"
BACK = "form[action='/answer'] button[formaction='/back']"


def test_a_whole_visit_from_the_keyboard(page: Page, kb: KnowledgeBase, engine: Engine) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    assert focused(page, "a.skip") and page.locator("a.skip").is_visible(), "the skip link shows on focus"
    key_press(page, "form[action='/start'] button")
    for qid in path_of(kb, engine, CHILD):
        assert current_question(page) == qid
        key_answer(page, kb, qid, CHILD[qid])
        key_press(page, NEXT)
    assert page.url.endswith("/result")
    assert heading(page) == constants.LEVEL_TITLE[level_of(kb, engine, CHILD)]
    tab_to(page, "a[href='/download/markdown']")
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    assert info.value.suggested_filename.endswith(".md")
    key_press(page, "form[action='/finish'] button")
    assert heading(page) == constants.WEB_WELCOME_TITLE


@pytest.mark.parametrize(("qid", "value"), [
    pytest.param("age", 47, id="number"),
    pytest.param("saddle_numbness", "not_sure", id="yes_no"),
    pytest.param("pain_location", ("upper_back", "neck_shoulders"), id="multi"),
    pytest.param("pain_severity", 7, id="scale"),
    pytest.param("pain_duration", "over_12_weeks", id="choice"),
])
def test_each_kind_of_question_from_the_keyboard(page: Page, kb: KnowledgeBase, qid: str,
                                                 value: AnswerValue) -> None:
    goto_question(page, kb, qid)
    tab_to(page, "details.why summary")
    page.keyboard.press("Enter")
    assert page.locator("details.why").get_attribute("open") is not None
    key_answer(page, kb, qid, value)
    key_press(page, NEXT)
    assert current_question(page) != qid
    key_press(page, BACK)
    assert current_question(page) == qid
    if kb.question(qid).type == "number":
        assert page.locator("#answer").input_value() == str(value)
    else:
        assert sorted(ticked(page)) == sorted(form_values(kb, qid, value))


# --- every kind of page: accessibility and reflow -------------------------------------------
def _welcome(page: Page, kb: KnowledgeBase) -> None:
    page.goto("/")


def _question(qid: str) -> Callable[[Page, KnowledgeBase], None]:
    def go(page: Page, kb: KnowledgeBase) -> None:
        goto_question(page, kb, qid)
    return go


def _refused(qid: str, typed: str | None) -> Callable[[Page, KnowledgeBase], None]:
    def go(page: Page, kb: KnowledgeBase) -> None:
        goto_question(page, kb, qid)
        if typed is not None:
            page.locator("#answer").fill(typed)
        press(page, constants.WEB_NEXT)
        assert page.locator(".error").is_visible()
    return go


def _result(answers: Mapping[str, AnswerValue]) -> Callable[[Page, KnowledgeBase], None]:
    def go(page: Page, kb: KnowledgeBase) -> None:
        goto_result(page, kb, answers)
    return go


def _expired(page: Page, kb: KnowledgeBase) -> None:
    page.goto("/")
    page.context.clear_cookies()
    press(page, constants.WEB_START)
    assert heading(page) == constants.WEB_EXPIRED_TITLE


def _address(path: str, title: str | None = None) -> Callable[[Page, KnowledgeBase], None]:
    def go(page: Page, kb: KnowledgeBase) -> None:
        page.goto(path)
        if title is not None:
            assert heading(page) == title
    return go


def _idle_warning(page: Page, kb: KnowledgeBase) -> None:
    page.clock.install()
    goto_question(page, kb, "pain_location")
    seconds, warn = idle_times(page)
    page.clock.run_for((seconds - warn + 1) * 1000)
    assert page.locator("dialog#idle").is_visible()


def _demo_step(page: Page, kb: KnowledgeBase) -> None:
    page.goto("/demo")
    page.locator("ul.demos a").first.click()
    assert "/demo/" in page.url


def _demo_result(page: Page, kb: KnowledgeBase) -> None:
    _demo_step(page, kb)
    page.goto(page.url.rsplit("/", 1)[0] + "/99")
    assert page.locator("section.suggestion").count() == 1


PAGES: dict[str, Callable[[Page, KnowledgeBase], None]] = {
    "welcome": _welcome,
    "question-number": _question("age"),
    "question-yes_no": _question("saddle_numbness"),
    "question-multi": _question("pain_location"),
    "question-scale": _question("pain_severity"),
    "question-choice": _question("pain_duration"),
    "question-error-number": _refused("age", "abc"),
    "question-error-choice": _refused("pain_duration", None),
    "result-acupuncturist": _result(examples.BENIGN),
    "result-doctor": _result(examples.DOCTOR),
    "result-urgent_doctor": _result(URGENT),
    "result-emergency": _result(examples.EMERGENCY),
    "expired": _expired,
    "not-found": _address("/no-such-page", constants.WEB_NOT_FOUND_TITLE),
    "explain-unknown": _address("/explain/zzz", constants.WEB_NOT_FOUND_TITLE),
    "red-flags": _address("/red-flags"),
    "explain-question": _address("/explain/saddle_numbness"),
    "demos": _address("/demo", constants.WEB_DEMOS_TITLE),
    "demo-step": _demo_step,
    "demo-result": _demo_result,
    "idle-warning": _idle_warning,  # last: it leaves the page's clock a fake one
}


def test_the_result_levels_are_those_named(kb: KnowledgeBase, engine: Engine) -> None:
    for name, answers in [("acupuncturist", examples.BENIGN), ("doctor", examples.DOCTOR),
                          ("urgent_doctor", URGENT), ("emergency", examples.EMERGENCY)]:
        assert level_of(kb, engine, answers) == name


WIDTHS = {
    320: "the WCAG reflow width",
    360: "a small phone",
    640: "a 1280 px screen at 200 % zoom",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_is_accessible(page: Page, kb: KnowledgeBase, name: str) -> None:
    """axe-core finds no WCAG 2.1 A or AA violation, and nothing scrolls sideways at narrow widths."""
    PAGES[name](page, kb)
    count, found = axe_violations(page)
    assert count == 0, found

    page.locator("details.why").evaluate_all("all => all.forEach(d => d.open = true)")
    wide = []
    for width, what in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 800})
        scroll, client = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if scroll > client:
            wide.append(f"{width} px, {what} ({scroll} > {client})")
    assert not wide, f"scrolls sideways at {'; '.join(wide)}"


# --- the README's pictures --------------------------------------------------------------------
def test_the_readme_pictures_of_the_kiosk_are_current() -> None:
    """docs/web-*.png show the pages as served now (judged by docs/web-screens.json; no browser)."""
    spec = importlib.util.spec_from_file_location("make_web_screenshots",
                                                  ROOT / "scripts" / "make_web_screenshots.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = script  # its dataclasses look their module up there
    try:
        spec.loader.exec_module(script)
    finally:
        del sys.modules[spec.name]
    assert script.main(["--check"]) == 0, (
        "docs/web-*.png are out of date; run: uv run python scripts/make_web_screenshots.py")


# --- Chinese, in both scripts ----------------------------------------------------------------------
CHINESE = [pytest.param("zh-Hans", id="simplified"), pytest.param("zh-Hant", id="traditional")]


def visit_in(page: Page, tag: str, kb: KnowledgeBase, answers: Mapping[str, AnswerValue]) -> list[str]:
    """Choose ``tag`` on the welcome page by its own name, press Start, and answer every screen
    by clicking the words a person reads in it; the questions asked."""
    from triage import i18n, words

    page.goto("/")
    with i18n.override(tag):
        start_label, next_label = words.WEB_START, words.WEB_NEXT
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("link", name=i18n.LANGUAGES[tag], exact=True).click()
    assert page.locator("html").get_attribute("lang") == tag
    press(page, start_label)
    asked: list[str] = []
    while (qid := current_question(page)) is not None:
        value = answers.get(qid, ())
        with i18n.override(tag):
            give(page, kb, qid, value)
        press(page, next_label)
        asked.append(qid)
        assert len(asked) <= len(kb.questions)
    return asked


@pytest.mark.parametrize("tag", CHINESE)
def test_a_chinese_visit_in_chromium_is_accessible_and_reaches_the_terminals_result(
        page: Page, engine: Engine, tag: str) -> None:
    """The welcome page offers each language in its own name; a visit in Chinese asks what the
    terminal asks and reaches its result, every page with no axe violation and no sideways scroll."""
    from triage import i18n, loader, words

    with i18n.override(tag):
        kb = loader.load()
        title = words.LEVEL_TITLE[level_of(kb, engine, examples.BENIGN)]
    page.goto("/")
    for code, name in i18n.offered().items():
        link = page.locator(f'nav.languages [lang="{code}"]')
        assert link.inner_text().strip() == name
    asked = visit_in(page, tag, kb, examples.BENIGN)
    assert asked == path_of(kb, engine, examples.BENIGN)
    assert heading(page) == title
    for where in ("/result", "/print", "/question/1", f"/red-flags?lang={tag}"):
        page.goto(where)
        assert page.locator("html").get_attribute("lang") == tag
        count, found = axe_violations(page)
        assert count == 0, f"{where}: {found}"
        page.set_viewport_size({"width": 320, "height": 800})
        scroll, client = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll <= client, f"{where} scrolls sideways at 320 px"
        page.set_viewport_size({"width": 1280, "height": 800})


@pytest.mark.parametrize("tag", CHINESE)
def test_a_chinese_emergency_in_chromium_stops_and_says_what_to_do(page: Page, engine: Engine,
                                                                  tag: str) -> None:
    from triage import i18n, loader, words

    with i18n.override(tag):
        kb = loader.load()
        emergency, now = words.LEVEL_TITLE["emergency"], words.EMERGENCY_NOW
    asked = visit_in(page, tag, kb, examples.EMERGENCY)
    assert asked == path_of(kb, engine, examples.EMERGENCY)
    assert heading(page) == emergency
    assert words_of(now) in words_of(page.locator("main").inner_text())
    count, found = axe_violations(page)
    assert count == 0, found


def words_of(text: str) -> str:
    return "".join(text.split())
