"""Stepping through a demonstration: pause, next, back and quit, at the terminal and on the kiosk's pages.

At the terminal each step shows its question, the answer, why we ask, and the rules fired on the answers
so far (their reasons, with their ids). In process, a scripted wait plays the keys a teacher presses; in
a real pseudo-terminal (pexpect, read back through pyte) the keys are pressed for real. The kiosk's
step pages are read through the test client (Chromium: ``tests/test_demo_browser.py``).
"""

from __future__ import annotations

import io
import math
import re
import threading
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from pty_terminal import Terminal

from triage import constants, i18n, loader, words
from triage import scenarios as scenario_files
from triage.engine import Engine
from triage.flow import simulate
from triage.models import AnswerValue, KnowledgeBase
from triage.terminal import demo, screens
from triage.web.app import create_app

with warnings.catch_warnings():  # Starlette 1.x suggests httpx2 for its test client; httpx still works
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
C = demo.Command


def flat(text: str) -> str:
    """Text without colour, its lines and indents made single spaces."""
    return " ".join(ANSI.sub("", text).replace("•", " ").split())


@pytest.fixture(scope="module")
def shipped(kb: KnowledgeBase, engine: Engine) -> list[scenario_files.Scenario]:
    return scenario_files.load(kb, engine)


class Keys:
    """A wait that plays a teacher's keys: the next command of ``script`` at each wait (None after)."""

    def __init__(self, *script: demo.Command | None) -> None:
        self.script = list(script)
        self.pauses: list[float] = []

    def __call__(self, seconds: float) -> demo.Command | None:
        self.pauses.append(seconds)
        return self.script.pop(0) if self.script else None


def _play(kb: KnowledgeBase, engine: Engine, scenario: scenario_files.Scenario,
          keys: Keys) -> tuple[Any, str]:
    out = io.StringIO()
    console = screens.make_console(False, file=out, width=100, color_system="standard", force_terminal=True)
    result = None
    try:
        result = demo.play(kb, engine, scenario, console=console, plain=False, pace=demo.Pace(1, keys),
                           reads_keys=True)
    finally:
        shown = out.getvalue()
    return result, shown


def _step(kb: KnowledgeBase, engine: Engine, scenario: scenario_files.Scenario, number: int) -> str:
    """Step ``number`` of a scenario as the demonstration shows it, flattened."""
    asked = simulate(kb, engine, scenario.answers).asked
    answers = {qid: scenario.answers[qid] for qid in asked[:number]}
    out = io.StringIO()
    console = screens.make_console(False, file=out, width=100, color_system="standard", force_terminal=True)
    question = kb.question(asked[number - 1])
    console.print(demo.step_view(kb, engine, question, answers[question.id], number=number, answers=answers,
                                 plain=False))
    return flat(out.getvalue())


# --- what a step shows -------------------------------------------------------------------------
def test_a_step_shows_the_question_its_answer_why_and_the_rules_fired_so_far(
        kb: KnowledgeBase, engine: Engine, shipped: list[scenario_files.Scenario]) -> None:
    scenario = scenario_files.find(shipped, "saddle-numbness")
    third = _step(kb, engine, scenario, 3)
    question = kb.question("saddle_numbness")
    assert third.startswith(f"3. {flat(question.text)} {constants.ANSWER_ECHO.format(answer='Yes')}")
    assert flat(constants.WHY_WE_ASK.format(why=question.why)) in third
    rule = kb.rule("cauda_equina_saddle_numbness")
    assert flat(constants.DEMO_FIRED_RULE.format(because=rule.because, rule=rule.id)) in third
    assert rule.id not in _step(kb, engine, scenario, 2)  # not fired before its answer


@pytest.mark.parametrize("sid", ["saddle-numbness", "desk-worker", "fever-chemotherapy"])
def test_the_rules_fired_so_far_are_the_engines_on_the_answers_so_far(
        kb: KnowledgeBase, engine: Engine, shipped: list[scenario_files.Scenario], sid: str) -> None:
    scenario = scenario_files.find(shipped, sid)
    flow = simulate(kb, engine, scenario.answers)
    order = [r.id for r in kb.rules]
    before: set[str] = set()
    for number in range(1, len(flow.asked) + 1):
        answers = {qid: scenario.answers[qid] for qid in flow.asked[:number]}
        fired = [r.id for r in scenario_files.fired_so_far(kb, engine, answers)]
        assert fired == sorted(set(fired), key=order.index)  # each once, in the knowledge base's order
        assert set(fired) == engine.evaluate(answers).fired
        before = set(fired)
    assert before == flow.evaluation.fired  # the last step: what the result rests on


def test_no_rule_fired_yet_is_said(kb: KnowledgeBase, engine: Engine) -> None:
    out = io.StringIO()
    console = screens.make_console(True, file=out, width=100)
    question = kb.question("age")
    answers: dict[str, AnswerValue] = {"age": 34}
    empty = kb.model_copy(update={"rules": ()})  # words the rules: none of them
    console.print(demo.step_view(empty, engine, question, 34, number=1, answers=answers, plain=True))
    assert constants.DEMO_NONE_FIRED in out.getvalue()


# --- the keys, in process ---------------------------------------------------------------------
def test_pause_then_next_next_back_then_quit(kb: KnowledgeBase, engine: Engine,
                                              shipped: list[scenario_files.Scenario]) -> None:
    scenario = scenario_files.find(shipped, "desk-worker")
    keys = Keys(C.PAUSE, C.NEXT, C.NEXT, C.BACK, C.QUIT)
    with pytest.raises(demo.Quit):
        _play(kb, engine, scenario, keys)
    assert keys.pauses == [demo.INTRO, math.inf, math.inf, math.inf, math.inf]  # paused: nothing typed


def test_what_the_steps_show(kb: KnowledgeBase, engine: Engine, shipped: list[scenario_files.Scenario],
                             monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = scenario_files.find(shipped, "desk-worker")
    shown: list[str] = []
    real = demo.play

    def keep(*args: Any, **kw: Any) -> Any:
        try:
            return real(*args, **kw)
        finally:
            shown.append(kw["console"].file.getvalue())

    monkeypatch.setattr(demo, "play", keep)
    with pytest.raises(demo.Quit):
        _play(kb, engine, scenario, Keys(C.PAUSE, C.NEXT, C.NEXT, C.BACK, C.QUIT))
    text = flat(shown[0])
    assert text.count(flat(constants.DEMO_PAUSED)) == 1  # said once, when the pause began
    assert flat(constants.DEMO_STEP_KEYS[:30]) in text  # (in the introduction's box)
    assert text.count(constants.ANSWER_ECHO.format(answer="")) == 3  # 1, 2, then 1 again
    back = flat(constants.DEMO_BACK_TO_STEP.format(number=1))
    assert text.endswith(f"{back} {_step(kb, engine, scenario, 1)}")


def test_back_undoes_the_answers_after_the_step(kb: KnowledgeBase, engine: Engine,
                                                shipped: list[scenario_files.Scenario]) -> None:
    scenario = scenario_files.find(shipped, "saddle-numbness")
    keys = Keys(C.PAUSE, C.NEXT, C.NEXT, C.NEXT, C.BACK, C.NEXT, C.NEXT)
    result, shown = _play(kb, engine, scenario, keys)
    text = flat(shown)
    after_back = text[text.index(flat(constants.DEMO_BACK_TO_STEP.format(number=2))):]
    second = _step(kb, engine, scenario, 2)
    assert after_back.startswith(flat(constants.DEMO_BACK_TO_STEP.format(number=2)) + " " + second)
    assert "cauda_equina_saddle_numbness" not in second  # the third answer undone: its rule unfired
    assert after_back.count(_step(kb, engine, scenario, 3)) == 1  # the third step played again
    assert result.level == "emergency"
    assert result.questions_asked == 3


def test_back_at_the_first_step_says_there_is_nothing_before(
        kb: KnowledgeBase, engine: Engine, shipped: list[scenario_files.Scenario]) -> None:
    scenario = scenario_files.find(shipped, "saddle-numbness")
    result, shown = _play(kb, engine, scenario, Keys(C.PAUSE, C.NEXT, C.BACK, C.NEXT, C.NEXT, C.NEXT))
    assert flat(constants.DEMO_FIRST_STEP) in flat(shown)
    assert result.level == "emergency"


class BackWhileReading(Keys):
    """← while the third question is being read (after two steps were shown), then a pause, then q."""

    def __call__(self, seconds: float) -> demo.Command | None:
        self.pauses.append(seconds)
        if self.pauses.count(demo.AFTER) == 2 and self.pauses[-1] != demo.AFTER and not self.script:
            self.script = [C.PAUSE, C.QUIT]
            return C.BACK
        return self.script.pop(0) if self.script else None


def test_back_while_a_step_is_typed_leaves_it_unanswered(
        kb: KnowledgeBase, engine: Engine, shipped: list[scenario_files.Scenario]) -> None:
    scenario = scenario_files.find(shipped, "saddle-numbness")
    keys = BackWhileReading()
    with pytest.raises(demo.Quit):
        _play(kb, engine, scenario, keys)
    assert not [t for t in threading.enumerate() if t.name == "demo-typist"]
    # read, back (nothing typed); after the step shown again, the pause; held until q
    assert keys.pauses[-3:] == [demo.read_time(kb.question("saddle_numbness")), demo.AFTER, math.inf]


def test_back_while_typing_shows_the_step_before_the_last_one_shown(
        kb: KnowledgeBase, engine: Engine, shipped: list[scenario_files.Scenario]) -> None:
    scenario = scenario_files.find(shipped, "saddle-numbness")
    out = io.StringIO()
    console = screens.make_console(False, file=out, width=100, color_system="standard", force_terminal=True)
    with pytest.raises(demo.Quit):
        demo.play(kb, engine, scenario, console=console, plain=False, pace=demo.Pace(1, BackWhileReading()),
                  reads_keys=True)
    text = flat(out.getvalue())
    back = flat(constants.DEMO_BACK_TO_STEP.format(number=1))
    assert text.endswith(f"{back} {_step(kb, engine, scenario, 1)} {flat(constants.DEMO_PAUSED)}")
    assert text.count(_step(kb, engine, scenario, 2)) == 1  # the second step: shown once, then undone
    assert constants.ANSWER_ECHO.format(answer="Yes") not in text  # the third: never answered


def test_a_pause_while_typing_finishes_the_step_then_holds(
        kb: KnowledgeBase, engine: Engine, shipped: list[scenario_files.Scenario]) -> None:
    scenario = scenario_files.find(shipped, "saddle-numbness")
    keys = Keys(None, C.PAUSE, C.NEXT, C.NEXT)  # the introduction; pause while the first question is read
    result, shown = _play(kb, engine, scenario, keys)
    assert keys.pauses[2:] == [math.inf] * 3  # not one more pause within the step; then held after each
    assert flat(constants.DEMO_PAUSED) in flat(shown)
    assert result.level == "emergency"


def test_resume_plays_on_at_the_pace(kb: KnowledgeBase, engine: Engine,
                                     shipped: list[scenario_files.Scenario]) -> None:
    scenario = scenario_files.find(shipped, "saddle-numbness")
    keys = Keys(C.PAUSE, C.PAUSE)  # pause at the introduction, play on
    result, _ = _play(kb, engine, scenario, keys)
    assert keys.pauses[:2] == [demo.INTRO, math.inf]
    assert all(math.isfinite(p) for p in keys.pauses[2:])
    assert len(keys.pauses) > 6  # the questions were typed at the pace
    assert result.level == "emergency"


# --- on the kiosk's pages ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client(kb: KnowledgeBase, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(kb, engine)) as test_client:
        yield test_client


@pytest.mark.parametrize(("url", "previous", "label"), [
    pytest.param("/demo/desk-worker/1", "/demo", constants.WEB_DEMO_ALL, id="first-step"),
    pytest.param("/demo/desk-worker/3", "/demo/desk-worker/2", constants.WEB_DEMO_PREVIOUS, id="third-step"),
    pytest.param("/demo/desk-worker/3?lang=es", "/demo/desk-worker/2?lang=es", None, id="spanish"),
])
def test_a_step_page_links_to_the_step_before(client: TestClient, url: str, previous: str,
                                              label: str | None) -> None:
    page = client.get(url)
    assert page.status_code == 200
    link = re.search(r'<a class="button secondary" href="([^"]+)"[^>]*>([^<]+)</a>', page.text)
    assert link is not None
    assert link.group(1).replace("&amp;", "&") == previous
    if label is not None:
        assert link.group(2) == label
    assert "pause" not in page.text.lower()


def test_the_demonstrations_result_links_back_to_its_last_step(client: TestClient) -> None:
    result = client.get("/demo/desk-worker/99")
    assert result.status_code == 200
    link = re.search(r'<a class="button secondary" href="(/demo/desk-worker/(\d+))" rel="prev">([^<]+)</a>',
                     result.text)
    assert link is not None and link.group(3) == constants.WEB_DEMO_PREVIOUS
    last = client.get(link.group(1)).text
    number = int(link.group(2))
    assert constants.WEB_DEMO_STEP.format(number=number, total=number) in last  # the last step


def test_a_step_page_shows_why_and_the_rules_fired_so_far(client: TestClient, kb: KnowledgeBase) -> None:
    page = client.get("/demo/saddle-numbness/3").text
    question, rule = kb.question("saddle_numbness"), kb.rule("cauda_equina_saddle_numbness")
    assert f"<p>{question.why}</p>".replace('"', "&#34;") in page
    assert f'<small class="rule-id"><code>{rule.id}</code></small>' in page
    assert rule.id not in client.get("/demo/saddle-numbness/2").text


# --- in a real terminal ---------------------------------------------------------------------------
ROWS, COLS = 40, 100


@pytest.mark.e2e
@pytest.mark.slow
def test_a_teacher_pauses_steps_and_goes_back_in_a_terminal(
        terminals: list[Terminal], kb: KnowledgeBase, engine: Engine,
        shipped: list[scenario_files.Scenario]) -> None:
    scenario = scenario_files.find(shipped, "desk-worker")
    asked = simulate(kb, engine, scenario.answers).asked
    terminal = Terminal(ROWS, COLS, "demo", "desk-worker", "--speed", "5")
    terminals.append(terminal)
    terminal.wait(re.escape(constants.DEMO_STEP_KEYS[:20]))  # the keys, said once at the start
    terminal.wait(r"question 2(?!\d)")  # playing
    terminal.child.send(" ")
    terminal.wait(re.escape(constants.DEMO_PAUSED[:20]))
    numbers = [re.match(r"(\d+)\. ", line) for line in terminal.screen()]
    paused_at = max(int(m.group(1)) for m in numbers if m is not None)  # the last step shown
    for number in (paused_at + 1, paused_at + 2):
        terminal.child.send("n")
        terminal.wait(rf"(?<!\d){number}\. ")
        terminal.wait(re.escape(constants.ANSWER_ECHO.format(answer="")))
    terminal.child.send("b")
    back = paused_at + 1
    terminal.wait(re.escape(constants.DEMO_BACK_TO_STEP.format(number=back)))
    answers = {qid: scenario.answers[qid] for qid in asked[:back]}
    fired = scenario_files.fired_so_far(kb, engine, answers)
    last_rule = fired[-1]
    terminal.wait(re.escape(last_rule.id) + r"(?:\x1b\[[0-9;]*m)*\)")  # the step shown again, to its end
    lines = terminal.screen()
    at = max(i for i, line in enumerate(lines) if line.startswith(constants.DEMO_BACK_TO_STEP[:12]))
    shown = flat("\n".join(lines[at + 1:]))
    question = kb.question(asked[back - 1])
    assert shown.startswith(f"{back}. {flat(question.text)}")
    assert flat(constants.WHY_WE_ASK.format(why=question.why)) in shown
    for rule in fired:
        assert flat(constants.DEMO_FIRED_RULE.format(because=rule.because, rule=rule.id)) in shown
    assert f"{back + 1}. " not in shown  # the step after it is not shown again
    terminal.child.send("q")
    terminal.wait(re.escape(constants.DEMO_QUIT))
    assert terminal.finish() == 0
    assert "Traceback" not in terminal.output


# --- every word through the catalogue ---------------------------------------------------------------
@pytest.mark.parametrize("tag", [pytest.param(i18n.PSEUDO, id="accented"),
                                 pytest.param(i18n.WIDE, id="full-width")])
def test_the_steps_speak_through_the_catalogue(tag: str, kb: KnowledgeBase, engine: Engine,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from test_languages import assert_all_through_catalogue

    monkeypatch.setenv("COLUMNS", "80")
    try:
        with i18n.override(tag):
            local = loader.load(language=tag)
            scenario = scenario_files.find(scenario_files.load(local, engine), "saddle-numbness")
            keys = Keys(C.PAUSE, C.NEXT, C.NEXT, C.BACK, C.BACK, C.QUIT)
            out = io.StringIO()
            console = screens.make_console(False, file=out, width=80, color_system="standard",
                                           force_terminal=True)
            with pytest.raises(demo.Quit):
                demo.play(local, engine, scenario, console=console, plain=False, pace=demo.Pace(1, keys),
                          reads_keys=True)
            console.print(words.DEMO_QUIT)
            kiosk = TestClient(create_app(kb, engine))
            page = kiosk.get("/demo/saddle-numbness/1", params={"lang": tag}).text
    finally:
        i18n.activate(i18n.ENGLISH)
    text = ANSI.sub("", out.getvalue())
    for sentence in (constants.DEMO_PAUSED, constants.DEMO_FIRST_STEP, constants.DEMO_QUIT):
        assert i18n.PSEUDOS[tag](sentence)[:6] in text
    assert_all_through_catalogue(text, kb)
    main = re.sub(r"<[^>]+>", " ", page[page.index("<main"):page.index("</main>")])
    assert i18n.PSEUDOS[tag](constants.WEB_DEMO_ALL)[:6] in main
    assert_all_through_catalogue(main, kb)
