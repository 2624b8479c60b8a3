"""The real program in a pseudo-terminal: `python -m triage`, keys in, screen out.

A local Interview walks beside the program: it says which question comes
next, so each step waits for that question's header ("question 7") before
typing its answer. Every wait has a timeout and the child is killed at the
end of each test, so a failure never hangs the run.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pexpect
import pytest

from triage import constants
from triage.engine import Engine
from triage.flow import Interview
from triage.models import AnswerValue, KnowledgeBase, Question
from triage.terminal import examples

# Each run takes a second or more, so all but the first emergency are also marked slow: the
# quick run keeps one walk through the real terminal, CI runs them all.
pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 10
DOWN, UP, ENTER, SPACE = "j", "k", "\r", " "


class Screen:
    """One run of the program in a 40-row, 100-column pseudo-terminal."""

    def __init__(self, *args: str, cwd: Path = ROOT, no_color: bool = False,
                 profile_imports: bool = False) -> None:
        env = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm",
                   PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
        env.pop("NO_COLOR", None)
        if no_color:
            env["NO_COLOR"] = "1"
        if profile_imports:  # each import is then reported on the screen (stderr), as it happens
            env["PYTHONPROFILEIMPORTTIME"] = "1"
        self.child = pexpect.spawn(sys.executable, ["-m", "triage", *args], cwd=str(cwd), env=env,
                                   dimensions=(40, 100), encoding="utf-8", timeout=TIMEOUT)
        self.seen: list[str] = []

    def expect(self, pattern: str) -> str:
        try:
            self.child.expect(pattern)
        except (pexpect.TIMEOUT, pexpect.EOF) as exc:
            tail = (self.child.before or "")[-2000:]
            raise AssertionError(f"did not see {pattern!r}; last output:\n{tail}") from exc
        text = (self.child.before or "") + str(self.child.after)
        self.seen.append(text)
        return text

    def wait_for_question(self, number: int) -> None:
        self.expect(rf"question {number}(?!\d)")

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def finish(self) -> int:
        """Wait for the program to end; its exit status."""
        self.child.expect(pexpect.EOF, timeout=TIMEOUT)
        self.seen.append(self.child.before or "")
        self.child.close()
        assert self.child.exitstatus is not None
        return int(self.child.exitstatus)

    @property
    def output(self) -> str:
        return "".join(self.seen)

    def close(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)


@pytest.fixture
def screens() -> Iterator[list[Screen]]:
    opened: list[Screen] = []
    yield opened
    for screen in opened:
        screen.close()


@pytest.fixture
def start(screens: list[Screen]) -> Iterator[object]:
    def open_screen(*args: str, cwd: Path = ROOT, no_color: bool = False,
                    profile_imports: bool = False) -> Screen:
        screen = Screen(*args, cwd=cwd, no_color=no_color, profile_imports=profile_imports)
        screens.append(screen)
        return screen

    yield open_screen


def keys_for(question: Question, value: AnswerValue) -> str:
    """The keys that give ``value`` to a fresh (not pre-filled) prompt.

    A first "Yes" needs an arrow key before Enter (down and back up): Enter alone answers nothing.
    """
    if question.type == "yes_no":
        return {True: DOWN + UP, False: DOWN, "not_sure": DOWN * 2}[value] + ENTER
    if question.type in ("number", "scale"):
        return f"{value}{ENTER}"
    ids = question.option_ids
    if question.type == "choice":
        return DOWN * ids.index(str(value)) + ENTER
    keys, at = "", 0
    for index, option in enumerate(ids):
        if isinstance(value, tuple) and option in value:
            keys += DOWN * (index - at) + SPACE
            at = index
    return keys + ENTER


def typed_keys_for(question: Question, value: AnswerValue) -> str:
    """What is typed for ``value`` with ``--plain``: a letter for yes/no, numbers for lists."""
    if question.type == "yes_no":
        return {True: "y", False: "n", "not_sure": "s"}[value] + ENTER
    if question.type in ("number", "scale"):
        return f"{value}{ENTER}"
    ids = question.option_ids
    chosen = value if isinstance(value, tuple) else (value,)
    return ", ".join(str(ids.index(str(option)) + 1) for option in chosen) + ENTER


def value_for(question: Question, answers: Mapping[str, AnswerValue]) -> AnswerValue:
    """The answer to ``question``; a list the answers do not name (a checklist asked last) is none."""
    if question.id not in answers and question.type == "multi":
        return ()
    return answers[question.id]


def answer(screen: Screen, interview: Interview, answers: Mapping[str, AnswerValue],
           until: str | None = None, *, typed: bool = False) -> None:
    """Answer question after question, as the program asks them, stopping before ``until``."""
    while interview.current is not None and interview.current.id != until:
        question = interview.current
        value = value_for(question, answers)
        screen.wait_for_question(interview.number)
        screen.send((typed_keys_for if typed else keys_for)(question, value))
        interview.answer(value)


def finish_after_an_emergency(screen: Screen) -> None:
    """Take the first choice, Finish, when offered to change the last answer."""
    screen.expect(constants.CHANGE_LAST)
    screen.send(ENTER)


def headers(output: str) -> list[int]:
    return [int(n) for n in re.findall(r"question (\d+)", output)]


def clean(output: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", output)


# --- the tests -----------------------------------------------------------------------
@pytest.mark.slow
def test_benign_path_ends_with_the_acupuncturist(start: object, kb: KnowledgeBase, engine: Engine) -> None:
    screen = start()  # type: ignore[operator]
    screen.expect("not for emergencies")
    interview = Interview(kb, engine)
    answer(screen, interview, examples.BENIGN)
    screen.expect("Discuss with your acupuncturist")
    screen.expect("Muscle strain")
    screen.expect("save a summary")
    screen.send(ENTER)  # No, finish here
    assert screen.finish() == 0
    assert "Traceback" not in screen.output


FIRST_WARNING_SIGNS = ("recent_trauma", "saddle_numbness", "bladder_bowel_change", "both_legs_symptoms",
                       "pulsating_abdomen", "tearing_pain", "chest_symptoms")
"""Questions 2 to 8: each is an emergency by itself (the pulsing belly at 50 or over)."""


def yes_to(question_id: str, age: int) -> dict[str, AnswerValue]:
    """No to each warning sign before ``question_id``, and Yes to it."""
    before = FIRST_WARNING_SIGNS[:FIRST_WARNING_SIGNS.index(question_id)]
    return {"age": age, **{q: False for q in before}, question_id: True}


@pytest.mark.parametrize(("answers", "flag", "last"), [
    pytest.param(examples.EMERGENCY, "Possible cauda equina syndrome", 3, id="saddle-numbness"),
    pytest.param(yes_to("recent_trauma", 52), "Possible broken bone in the spine", 2, id="recent-trauma",
                 marks=pytest.mark.slow),
    pytest.param(yes_to("both_legs_symptoms", 52), "Possible cauda equina syndrome", 5, id="both-legs",
                 marks=pytest.mark.slow),
    pytest.param(yes_to("pulsating_abdomen", 70), "Possible problem with the aorta", 6,
                 id="pulsating-abdomen", marks=pytest.mark.slow),
    pytest.param(yes_to("tearing_pain", 30), "Possible problem with the aorta", 7, id="tearing-pain",
                 marks=pytest.mark.slow),
])
def test_emergency_stops_within_8_questions(  # noqa: PLR0913  fixtures and parametrized cases
        start: object, kb: KnowledgeBase, engine: Engine, *, answers: dict[str, AnswerValue], flag: str,
        last: int) -> None:
    screen = start()  # type: ignore[operator]
    interview = Interview(kb, engine)
    answer(screen, interview, answers)
    assert interview.stopped
    screen.expect("EMERGENCY")
    screen.expect("Seek emergency care now")
    screen.expect(flag)
    screen.expect("What to do now: call the emergency number")  # the last thing on screen
    finish_after_an_emergency(screen)
    assert screen.finish() == 0
    assert max(headers(screen.output)) == last <= 8
    assert "save a summary" not in screen.output


@pytest.mark.slow
def test_going_back_to_change_an_answer_changes_the_result(start: object, kb: KnowledgeBase,
                                                           engine: Engine) -> None:
    screen = start()  # type: ignore[operator]
    interview = Interview(kb, engine)
    answer(screen, interview, examples.BENIGN, until="pregnant")
    screen.wait_for_question(13)
    screen.send("?")
    screen.expect("Why we ask")
    screen.send("b")  # back to the fever question, "No" pre-filled
    interview.back()
    assert interview.current is not None and interview.current.id == "fever"
    screen.wait_for_question(12)
    screen.send(UP + ENTER)  # from the pre-filled No up to Yes
    interview.answer(True)
    answer(screen, interview, examples.BENIGN)
    screen.expect("See a doctor today")
    screen.expect("Possible infection in the spine")
    screen.expect("save a summary")
    screen.send(ENTER)
    assert screen.finish() == 0
    assert "Discuss with your acupuncturist" not in screen.output


@pytest.mark.slow
def test_ctrl_c_stops_calmly(start: object, tmp_path: Path, kb: KnowledgeBase, engine: Engine) -> None:
    screen = start(cwd=tmp_path)  # type: ignore[operator]
    interview = Interview(kb, engine)
    answer(screen, interview, examples.BENIGN, until="both_legs_symptoms")
    screen.wait_for_question(5)
    screen.child.sendcontrol("c")
    assert screen.finish() == 130
    text = clean(screen.output)
    assert constants.CANCELLED in text
    assert "Traceback" not in text
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_the_first_question_comes_before_what_only_the_end_needs(start: object) -> None:
    """The result, its report, the summaries and saving are imported once the questions are answered."""
    screen = start(profile_imports=True)  # type: ignore[operator]
    before = screen.expect(r"question 1(?!\d)")
    imported = set(re.findall(r"import time:\s*\d+ \|\s*\d+ \|\s*([\w.]+)", before))
    assert {"triage.loader", "triage.flow", "triage.terminal.prompts"} <= imported
    assert not imported & {"triage.result", "triage.report", "triage.render", "triage.summaries",
                           "triage.fhir", "triage.terminal.save"}
    screen.child.sendcontrol("c")
    assert screen.finish() == 130


@pytest.mark.slow
def test_end_of_input_stops_calmly(start: object, kb: KnowledgeBase, engine: Engine) -> None:
    screen = start()  # type: ignore[operator]
    screen.wait_for_question(1)
    screen.child.sendcontrol("d")
    assert screen.finish() == 130
    assert constants.CANCELLED in clean(screen.output)


@pytest.mark.slow
def test_saving_creates_a_private_markdown_file(start: object, tmp_path: Path, kb: KnowledgeBase,
                                                engine: Engine) -> None:
    screen = start(cwd=tmp_path)  # type: ignore[operator]
    answer(screen, Interview(kb, engine), examples.BENIGN)
    screen.expect("save a summary")
    screen.send(DOWN + ENTER)  # as a document to read (Markdown)
    screen.expect("File name")
    screen.send(ENTER)  # the suggested name
    screen.expect("Saved to")
    assert screen.finish() == 0
    target = tmp_path / "back-pain-summary.md"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    content = target.read_text()
    assert content.startswith(f"# {constants.SUMMARY_TITLE}")
    assert "Discuss with your acupuncturist" in content
    assert "- **Muscle strain**" in content
    assert "| How old are you (in years)? | 38 |" in content


@pytest.mark.slow
def test_answers_out_saves_json_without_asking(start: object, tmp_path: Path, kb: KnowledgeBase,
                                               engine: Engine) -> None:
    import json

    target = tmp_path / "clinic.json"
    screen = start("--answers-out", str(target), cwd=tmp_path)  # type: ignore[operator]
    answer(screen, Interview(kb, engine), examples.EMERGENCY)
    screen.expect("Saved to")
    assert screen.finish() == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    data = json.loads(target.read_text())
    assert data["level"] == "emergency"
    assert data["answers"] == {"age": 52, "recent_trauma": False, "saddle_numbness": True}


@pytest.mark.slow
def test_plain_mode_has_no_colour_or_boxes(start: object, kb: KnowledgeBase, engine: Engine) -> None:
    screen = start("--plain")  # type: ignore[operator]
    answer(screen, Interview(kb, engine), examples.EMERGENCY, typed=True)
    screen.expect("Suggestion: EMERGENCY.")
    assert screen.finish() == 0
    result = screen.output[screen.output.index("Suggestion: EMERGENCY."):]
    assert "\x1b[3" not in result  # no foreground colour
    assert not set(result) & set("│─╭╮╰╯┃━┏┓┗┛•")
    assert constants.CHANGE_LAST not in screen.output  # no list to move through with arrows


@pytest.mark.slow
def test_plain_answers_are_typed_all_the_way(start: object, kb: KnowledgeBase, engine: Engine) -> None:
    screen = start("--plain")  # type: ignore[operator]
    screen.expect(re.escape(constants.KEYS_HELP_TYPED.split(" · ")[0]))
    answer(screen, Interview(kb, engine), examples.BENIGN, typed=True)
    screen.expect("Discuss with your acupuncturist")
    screen.expect("save a summary")
    screen.expect("1. No, finish here")  # the list is numbered lines, typed into as the questions were
    screen.send("1" + ENTER)
    assert screen.finish() == 0
    text = clean(screen.output)
    for line in ("1. Yes", "2. No", "3. Not sure", "1. Lower back", "2. Upper back"):
        assert f"\n{line}" in text.replace("\r", ""), line
    assert "Answer: Lower back" in text and "Answer: Sitting for long periods" in text
    assert "Traceback" not in text


@pytest.mark.slow
def test_plain_refuses_what_it_cannot_read_and_keeps_b_and_why(start: object) -> None:
    screen = start("--plain")  # type: ignore[operator]
    screen.wait_for_question(1)
    screen.send("40" + ENTER)
    screen.wait_for_question(2)
    screen.send("maybe" + ENTER)
    screen.expect(re.escape("Please type 1, 2 or 3, or y, n or s."))
    screen.send("\x7f" * 5 + "?")  # an empty field again: ? is why we ask
    screen.expect("Why we ask:")
    screen.send("n" + ENTER)
    screen.wait_for_question(3)
    screen.send("b")  # back, in an empty field
    screen.expect(re.escape(constants.BACK_TO.format(number=2)))
    screen.wait_for_question(2)
    screen.child.sendcontrol("c")
    assert screen.finish() == 130
    text = clean(screen.output)
    assert constants.CANCELLED in text and "Traceback" not in text


@pytest.mark.slow
def test_no_color_keeps_the_words_and_drops_the_colours(start: object, kb: KnowledgeBase,
                                                        engine: Engine) -> None:
    screen = start(no_color=True)  # type: ignore[operator]
    answer(screen, Interview(kb, engine), examples.EMERGENCY)
    screen.expect("EMERGENCY")
    finish_after_an_emergency(screen)
    assert screen.finish() == 0
    assert not re.search(r"\x1b\[[0-9;]*3[0-7](;[0-9]+)*m", screen.output)  # no foreground colour
    assert "┏" in screen.output  # the box stays: only colour is dropped
