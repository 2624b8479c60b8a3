"""The questionnaire at a clinic's terminal, in a real pseudo-terminal of 80x24 read back through pyte.

* What a prompt says (why a question is asked, what is wrong with a typed
  answer) appears right under the question, not below its list of answers.
* A first "Yes" needs an arrow key: one reflexive Enter answers nothing.
* After an emergency, the last answer can be changed (a mis-tap), and the
  questionnaire goes on from that question.
* ``--clear-at-end`` (or the clinic's ``clear_at_end``): once the person has
  read the result and pressed Enter, the screen and its scrollback are
  cleared, so the next patient cannot scroll back to this one's answers.
* ``--plain`` lists the answers as numbered lines and takes typed answers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pexpect
import pyte
import pytest
from pty_terminal import Terminal
from test_e2e_pty import keys_for, typed_keys_for, value_for

from triage import constants
from triage.engine import Engine
from triage.flow import Interview
from triage.models import AnswerValue, KnowledgeBase, Question
from triage.terminal import examples, screens

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DOWN, UP, ENTER, BACKSPACE = "j", "k", "\r", "\x7f"


class Clinic(Terminal):
    """The program at 80x24, with the screen it shows at any moment."""

    def __init__(self, *args: str) -> None:
        super().__init__(24, 80, *args)

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def settle(self) -> None:
        """Take in whatever the program draws until it has been quiet for a moment."""
        while True:  # everything there is, as it comes, until nothing has come for 0.3 s
            if self.child.expect([r"[\s\S]+", pexpect.TIMEOUT, pexpect.EOF], timeout=0.3) != 0:
                return
            self.output += (self.child.before or "") + str(self.child.after)

    def display(self) -> list[str]:
        screen = pyte.Screen(self.cols, self.rows)
        pyte.Stream(screen).feed(self.output.replace("\n", "\r\n").replace("\r\r\n", "\r\n"))
        return [line.rstrip() for line in screen.display]

    def screen_after(self, pattern: str) -> list[str]:
        self.wait(pattern)
        self.settle()
        return self.display()


@pytest.fixture
def clinic() -> Iterator[list[Clinic]]:
    opened: list[Clinic] = []
    yield opened
    for terminal in opened:
        if terminal.child.isalive():
            terminal.child.terminate(force=True)


def start(opened: list[Clinic], *args: str) -> Clinic:
    terminal = Clinic(*args)
    opened.append(terminal)
    return terminal


def walk(terminal: Clinic, interview: Interview, answers: Mapping[str, AnswerValue], until: str | None = None,
         *, typed: bool = False) -> None:
    """Answer as the program asks, stopping before the question ``until``."""
    while interview.current is not None and interview.current.id != until:
        question = interview.current
        value = value_for(question, answers)
        terminal.wait(rf"question {interview.number}(?!\d)")
        terminal.send((typed_keys_for if typed else keys_for)(question, value))
        interview.answer(value)


def flat(text: str) -> str:
    return " ".join(text.replace("›", " ").split())


def question_end(rows: list[str], number: int, question: Question) -> int:
    """The row of the question's last line, under its header ("... question 7")."""
    header = max(n for n, row in enumerate(rows) if row.endswith(f"question {number}"))
    wanted = flat(question.text)
    return next(n for n in range(header + 1, len(rows)) if wanted in flat(" ".join(rows[header + 1:n + 1])))


def gap(rows: list[str], number: int, question: Question, message: str) -> int:
    """Rows from the question's last line down to the first line of ``message``."""
    end = question_end(rows, number, question)
    start_words = " ".join(message.split()[:3])
    return next(n for n in range(end + 1, len(rows)) if rows[n].startswith(start_words)) - end


# --- why and messages, right under the question --------------------------------------------------------
@pytest.mark.parametrize("qid", [pytest.param("age", id="number"), pytest.param("recent_trauma", id="yes-no"),
                                 pytest.param("pain_location", id="several-choices"),
                                 pytest.param("pain_onset", id="one-choice")])
def test_why_appears_right_under_the_question(clinic: list[Clinic], kb: KnowledgeBase, engine: Engine,
                                              qid: str) -> None:
    terminal = start(clinic)
    interview = Interview(kb, engine)
    walk(terminal, interview, examples.BENIGN, until=qid)
    number, question = interview.number, kb.question(qid)
    terminal.screen_after(rf"question {number}(?!\d)")
    terminal.send("?")
    rows = terminal.screen_after("Why we ask:")
    assert gap(rows, number, question, "Why we ask:") == 1, "\n".join(rows)  # the very next row
    why = flat(constants.WHY_WE_ASK.format(why=question.why))
    assert why in flat(" ".join(rows))


@pytest.mark.parametrize(("typed", "message"), [
    pytest.param("abc", constants.NUMBER_NOT_WHOLE.format(min=0, max=120), id="letters"),
    pytest.param("150", constants.NUMBER_OUT_OF_RANGE.format(min=0, max=120), id="out-of-range"),
])
def test_a_bad_age_is_refused_right_under_the_question(clinic: list[Clinic], kb: KnowledgeBase,
                                                       typed: str, message: str) -> None:
    terminal = start(clinic)
    terminal.screen_after(r"question 1(?!\d)")
    terminal.send(typed + ENTER)
    rows = terminal.screen_after(message.split(" from", maxsplit=1)[0].split(",", maxsplit=1)[0])
    assert message in rows, "\n".join(rows)
    assert gap(rows, 1, kb.question("age"), message) == 1, "\n".join(rows)
    terminal.send(BACKSPACE * len(typed) + "45" + ENTER)
    rows = terminal.screen_after(r"question 2(?!\d)")
    assert message not in rows  # gone with the prompt; the answer stays
    assert "   Answer: 45" in rows


# --- a first "Yes" needs an arrow key ------------------------------------------------------------------
def test_enter_alone_does_not_answer_yes(clinic: list[Clinic], kb: KnowledgeBase) -> None:
    terminal = start(clinic)
    terminal.wait(r"question 1(?!\d)")
    terminal.send("52" + ENTER)
    terminal.screen_after(r"question 2(?!\d)")
    terminal.send(ENTER)
    rows = terminal.screen_after(constants.CHOOSE_WITH_ARROWS.split(",")[0])
    assert gap(rows, 2, kb.question("recent_trauma"), constants.CHOOSE_WITH_ARROWS) == 1, "\n".join(rows)
    assert not any("question 3" in row for row in rows)  # nothing was answered
    assert "EMERGENCY" not in terminal.output
    terminal.send(DOWN + ENTER)  # No
    terminal.wait(r"question 3(?!\d)")
    terminal.child.sendcontrol("c")
    assert terminal.finish() == 130


# --- after an emergency: change my last answer -----------------------------------------------------------
def test_the_last_answer_can_be_changed_after_an_emergency(clinic: list[Clinic], kb: KnowledgeBase,
                                                           engine: Engine) -> None:
    terminal = start(clinic)
    walk(terminal, Interview(kb, engine), examples.EMERGENCY)  # yes to saddle numbness, the third question
    terminal.wait("EMERGENCY")
    rows = terminal.screen_after(constants.CHANGE_LAST)
    at = {text: max(n for n, row in enumerate(rows) if text in row)
          for text in ("What to do now", constants.CHANGE_LAST_FINISH, constants.CHANGE_LAST)}
    order = [at["What to do now"], at[constants.CHANGE_LAST_FINISH], at[constants.CHANGE_LAST]]
    assert order == sorted(set(order)), "\n".join(rows)  # the offer below what to do now, Finish first
    terminal.send(DOWN + ENTER)  # Change my last answer
    terminal.wait(constants.BACK_TO.format(number=3).replace(".", r"\."))
    terminal.wait(r"question 3(?!\d)")
    terminal.send(DOWN + ENTER)  # from the Yes given before, down to No
    rows = terminal.screen_after(r"question 4(?!\d)")  # and the questionnaire goes on
    assert "   Answer: No" in rows
    terminal.child.sendcontrol("c")
    assert terminal.finish() == 130


def test_finish_is_the_first_choice_and_leaves_what_to_do_now_last(clinic: list[Clinic], kb: KnowledgeBase,
                                                                   engine: Engine) -> None:
    terminal = start(clinic)
    walk(terminal, Interview(kb, engine), examples.EMERGENCY)
    terminal.wait(constants.CHANGE_LAST)
    terminal.send(ENTER)
    assert terminal.finish() == 0
    assert flat(" ".join(terminal.last_lines(2))).endswith(flat(constants.CLOSING_EMERGENCY_NO_NUMBER))
    assert "\x1b[3J" not in terminal.output  # without the setting, nothing is cleared


# --- clear at the end ------------------------------------------------------------------------------------
@pytest.fixture
def clinic_file(tmp_path: Path) -> Path:
    path = tmp_path / "clinic.yaml"
    path.write_text("name: Riverside Clinic\nemergency_number: '999'\nclear_at_end: true\n", encoding="utf-8")
    return path


def _emergency_then_wait(terminal: Clinic, kb: KnowledgeBase, engine: Engine, *, typed: bool) -> list[str]:
    """Answer to an emergency, finish, and return the screen as the wait for Enter shows it."""
    walk(terminal, Interview(kb, engine), examples.EMERGENCY, typed=typed)
    if not typed:
        terminal.wait(constants.CHANGE_LAST)
        terminal.send(ENTER)  # Finish
    return terminal.screen_after(constants.CLEAR_AT_END_WAIT.split(";")[0])


def _cleared(terminal: Clinic) -> None:
    rows = terminal.display()
    assert not any(rows), "\n".join(rows)
    assert terminal.output.endswith(screens.CLEAR_ALL)


@pytest.mark.parametrize("how", [pytest.param("flag", id="flag"), pytest.param("clinic", id="clinic-setting"),
                                 pytest.param("plain", id="plain-flag")])
def test_clear_at_end_leaves_nothing_to_scroll_back_to(clinic: list[Clinic], kb: KnowledgeBase,
                                                        engine: Engine, clinic_file: Path, how: str) -> None:
    args = {"flag": ("--clear-at-end",), "clinic": ("--clinic", str(clinic_file)),
            "plain": ("--plain", "--clear-at-end")}[how]
    terminal = start(clinic, *args)
    rows = _emergency_then_wait(terminal, kb, engine, typed=how == "plain")
    assert "Answer: Yes" in terminal.output  # on screen or in its scrollback, until the end
    assert "What to do now" in flat(" ".join(rows))  # read first, with the wait below it
    assert flat(constants.CLEAR_AT_END_WAIT) in flat(" ".join(rows[-4:]))
    terminal.send(ENTER)
    assert terminal.finish() == 0
    _cleared(terminal)


@pytest.mark.parametrize("key", [pytest.param("c", id="ctrl-c"), pytest.param("d", id="ctrl-d")])
def test_ctrl_c_or_end_of_input_at_the_wait_still_clears(clinic: list[Clinic], kb: KnowledgeBase,
                                                          engine: Engine, key: str) -> None:
    terminal = start(clinic, "--clear-at-end")
    _emergency_then_wait(terminal, kb, engine, typed=False)
    terminal.child.sendcontrol(key)
    assert terminal.finish() == 0
    _cleared(terminal)
    assert "Traceback" not in terminal.output


# --- --plain: numbered lines, typed answers ---------------------------------------------------------------
def test_plain_lists_the_answers_as_lines_and_refuses_under_the_question(clinic: list[Clinic],
                                                                        kb: KnowledgeBase) -> None:
    terminal = start(clinic, "--plain")
    terminal.wait(r"question 1(?!\d)")
    terminal.send("52" + ENTER)
    rows = terminal.screen_after(r"question 2(?!\d)")
    assert {"1. Yes", "2. No", "3. Not sure"} <= set(rows), "\n".join(rows)
    terminal.send("maybe" + ENTER)
    message = "Please type 1, 2 or 3, or y, n or s."
    rows = terminal.screen_after(message.replace(".", r"\.").replace("?", r"\?"))
    assert gap(rows, 2, kb.question("recent_trauma"), message) == 1, "\n".join(rows)
    terminal.send(BACKSPACE * 5 + "no" + ENTER)
    rows = terminal.screen_after(r"question 3(?!\d)")
    assert "   Answer: No" in rows
    terminal.send("y" + ENTER)  # saddle numbness: an emergency; no list to change it with in plain mode
    assert terminal.finish() == 0
    assert constants.CHANGE_LAST not in terminal.output
    assert flat(" ".join(terminal.last_lines(2))).endswith(flat(constants.CLOSING_EMERGENCY_NO_NUMBER))
