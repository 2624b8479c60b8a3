"""The kiosk served for real on 127.0.0.1, and a person answering it in Chromium.

Shared by ``tests/test_web_browser.py`` and ``scripts/make_web_screenshots.py``:

* :func:`serve` runs ``create_app`` under uvicorn in a background thread, on a
  free port of 127.0.0.1, for as long as a ``with`` block lasts;
* :func:`chromium` finds Debian's Chromium, which :func:`launch` starts through
  Playwright (its own browser download cannot work where only the package
  registries are reached), and :func:`axe_violations` runs axe-core on a page;
* :func:`give` and :func:`answer_all` answer as a person would: clicking the
  labels of radio buttons and tick boxes, typing numbers, pressing Next;
* :func:`post_answers` reaches a page quickly through the browser context's own
  requests (same cookie), for tests whose subject is the page, not the way there.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

import uvicorn
from fastapi import FastAPI
from playwright.sync_api import APIRequestContext, Browser, Page, sync_playwright

from triage import constants, qtypes
from triage.models import AnswerValue, KnowledgeBase

HOST = "127.0.0.1"
CHROMIUM = "chromium"
CSRF = re.compile(r'(name="csrf" value=")[^"]*(")')
QUESTION = re.compile(r'name="question" value="([^"]+)"')


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
"""What the accessibility checks hold every page to: WCAG 2.1, levels A and AA."""


def chromium() -> str | None:
    """Debian's Chromium, or None when it is not installed."""
    return shutil.which(CHROMIUM)


def launch() -> Iterator[Browser]:
    """Headless Chromium for a test module's ``browser`` fixture (``yield from launch()``).

    Without Chromium the tests are skipped, except in CI, where ``.ci/run`` installs it and its
    absence fails them: CI never skips the browser tests.
    """
    import pytest

    path = chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed, so the browser tests cannot run in CI; "
                        ".ci/run installs it with apt-get", pytrace=False)
        pytest.skip("Chromium is not installed: `apt-get install chromium` to run the browser tests")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, headless=True)
        yield launched
        launched.close()


def axe_violations(page: Page) -> tuple[int, str]:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is: (how many, its report)."""
    from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                       "resultTypes": ["violations"]})
    return results.violations_count, results.generate_report()


@dataclass
class FakeClock:
    """A clock (seconds) that moves only when told: for the idle wipe."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` on a free port of 127.0.0.1; yields its address, like ``http://127.0.0.1:PORT``."""
    config = uvicorn.Config(app, host=HOST, port=0, access_log=False, log_level="warning",
                            lifespan="off", server_header=False, date_header=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="kiosk-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the kiosk's server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{HOST}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def without_csrf(html: str) -> str:
    """A page's HTML with its random CSRF token blanked: the same page gives the same text."""
    return CSRF.sub(r"\1\2", html)


# --- a person at the screen --------------------------------------------------------------
def current_question(page: Page) -> str | None:
    """The id of the question on the screen, or None when the screen shows none."""
    qid: str | None = page.eval_on_selector_all(
        'form input[name="question"]', "fields => fields.length ? fields[0].value : null")
    return qid


def labels(kb: KnowledgeBase, qid: str, value: AnswerValue) -> list[str]:
    """The words of the radio buttons or tick boxes that give ``value``, as the screen shows them."""
    question = kb.question(qid)
    match question.type:
        case "yes_no" | "scale":
            return [qtypes.answer_text(kb, qid, value)]
        case "choice":
            return [o.label for o in question.options if o.id == value]
        case "multi":
            given = value if isinstance(value, tuple | list) else ()
            return [o.label for o in question.options if o.id in given]
        case "number":
            return []


def give(page: Page, kb: KnowledgeBase, qid: str, value: AnswerValue) -> None:
    """Fill in the screen's question as a person would (click labels, type a number); no Next yet."""
    question = kb.question(qid)
    if question.type == "number":
        page.locator("#answer").fill(str(value))
    elif question.type == "multi":  # tick what applies, untick what an earlier visit ticked
        wanted = labels(kb, qid, value)
        for option in question.options:
            page.get_by_label(option.label, exact=True).set_checked(option.label in wanted)
    else:
        for label in labels(kb, qid, value):
            page.locator("fieldset").get_by_text(label, exact=True).click()


def press(page: Page, name: str) -> None:
    """Press a button that submits the screen's form, and wait for the next screen."""
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("button", name=name, exact=True).click()


def start(page: Page) -> None:
    """Open the welcome screen and press Start."""
    page.goto("/")
    press(page, constants.WEB_START)


def answer_one(page: Page, kb: KnowledgeBase, answers: Mapping[str, AnswerValue]) -> str | None:
    """Answer the screen's question from ``answers`` and press Next; the question's id, or None
    (nothing done) when the screen shows no question or ``answers`` does not answer it."""
    qid = current_question(page)
    if qid is None or qid not in answers:
        return None
    give(page, kb, qid, answers[qid])
    press(page, constants.WEB_NEXT)
    return qid


def answer_all(page: Page, kb: KnowledgeBase, answers: Mapping[str, AnswerValue], *,
               stop_before: str | None = None, limit: int = 80) -> list[str]:
    """Answer screen after screen from ``answers`` until the result, ``stop_before``'s screen,
    or a question ``answers`` does not answer; returns the questions answered, in order."""
    asked: list[str] = []
    for _ in range(limit):
        if current_question(page) == stop_before:
            return asked
        qid = answer_one(page, kb, answers)
        if qid is None:
            return asked
        asked.append(qid)
    raise AssertionError(f"still asking after {limit} screens: {asked}")


# --- quickly, through the browser context's own requests ----------------------------------
def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match is not None, "no CSRF token on the page"
    return match.group(1)


def form_values(kb: KnowledgeBase, qid: str, value: AnswerValue) -> list[str]:
    """What the form posts in its ``answer`` field for ``value``."""
    question = kb.question(qid)
    if question.type == "yes_no":
        return ["yes" if value is True else "no" if value is False else str(value)]
    if question.type == "multi":
        return [str(v) for v in value] if isinstance(value, tuple | list) else []
    return [str(value)]


def post_answers(request: APIRequestContext, kb: KnowledgeBase, answers: Mapping[str, AnswerValue], *,
                 stop_before: str | None = None, fresh: bool = True) -> str:
    """Post ``answers`` as the forms would, in a fresh visit (or, ``fresh=False``, going on
    with the current one); returns the HTML of the page reached (a question, or the result).
    The browser context shares the visit's cookie."""
    if fresh:
        html = request.get("/").text()
        request.post("/start", form={"csrf": _csrf(html)})
    html = request.get("/question").text()
    for _ in range(len(kb.questions) + 1):
        match = QUESTION.search(html)
        if match is None or match.group(1) == stop_before or match.group(1) not in answers:
            return html
        qid = match.group(1)
        fields = [("csrf", _csrf(html)), ("question", qid)]
        fields += [("answer", v) for v in form_values(kb, qid, answers[qid])]
        html = request.post("/answer", data=urlencode(fields),  # redirected to the next screen
                            headers={"Content-Type": "application/x-www-form-urlencoded"}).text()
    raise AssertionError("the questionnaire did not end")
