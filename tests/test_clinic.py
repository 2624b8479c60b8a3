"""Clinic settings, and what to do now as the last thing on screen.

A clinic's file gives the numbers every emergency screen, safety net and
printout says; bad files are one message with file and line. In a real
pseudo-terminal of 80x24 and 40x30, read back through a screen emulator
(pyte), the last lines left on screen when the program ends are what to do
now: the number to call and, at a clinic, to tell a member of staff; after a
benign result, its one-line suggestion.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from pty_terminal import Terminal

from triage import clinic, constants, render, report
from triage.engine import Engine
from triage.flow import Interview, simulate
from triage.models import AnswerValue, KnowledgeBase
from triage.result import build
from triage.terminal import examples

CLINIC = "name: Riverside Clinic\nemergency_number: '999'\nurgent_number: '111'\nidle_minutes: 3\n"
DOWN, ENTER = "j", "\r"


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    path = tmp_path / "clinic.yaml"
    path.write_text(CLINIC, encoding="utf-8")
    return path


# --- the settings file ---------------------------------------------------------------------------
def test_a_clinic_file_reads_into_settings(settings_file: Path) -> None:
    settings = clinic.load(settings_file)
    assert (settings.name, settings.emergency_number, settings.urgent_number) == ("Riverside Clinic", "999",
                                                                                  "111")
    assert settings.idle_minutes == 3


@pytest.mark.parametrize(("text", "line", "words"), [
    pytest.param("name: A\nemergency_numbr: '999'\n", 2, "unknown key `emergency_numbr`", id="misspelt-key"),
    pytest.param("name: A\nemergency_number: 9-9-9\n", 2, "emergency_number", id="not-digits"),
    pytest.param("idle_minutes: 0\n", 1, "idle_minutes", id="no-idle-time"),
    pytest.param("emergency_number: '99999999'\n", 1, "emergency_number", id="too-long"),
    pytest.param("name: A\nhandoff: [print, fax]\n", 2, "handoff", id="unknown-handoff"),
    pytest.param("phone: call us\n", 1, "phone", id="phone-not-a-number"),
])
def test_a_bad_clinic_file_is_one_message_with_its_line(
    cli: Callable[..., Any], tmp_path: Path, text: str, line: int, words: str
) -> None:
    path = tmp_path / "clinic.yaml"
    path.write_text(text, encoding="utf-8")
    run = cli("--clinic", path, "serve", "--port", "1")
    assert run.status == 2
    first = run.err.splitlines()[0]
    assert first.startswith(f"{path}:{line}: ") or first.startswith(f"{path.name}:{line}: "), run.err
    assert words in first
    assert "Traceback" not in run.err


# --- the document --------------------------------------------------------------------------------
def result_for(kb: KnowledgeBase, engine: Engine, answers: Mapping[str, AnswerValue]) -> Any:
    return build(kb, simulate(kb, engine, dict(answers)), "test")


def test_an_emergency_ends_with_the_number_and_a_member_of_staff(
    kb: KnowledgeBase, engine: Engine, settings_file: Path
) -> None:
    res = result_for(kb, engine, examples.EMERGENCY)
    doc = report.build(kb, res, clinic=clinic.load(settings_file))
    assert doc.closing == (constants.CLOSING_EMERGENCY.format(number="999"), constants.CLOSING_STAFF)
    assert constants.CLINIC_EMERGENCY_NUMBER.format(number="999") in doc.notes
    text = render.plain_report(doc)
    assert text.rstrip().endswith(constants.CLOSING_STAFF)
    without = report.build(kb, res)
    assert without.closing == (constants.CLOSING_EMERGENCY_NO_NUMBER,)


def test_below_an_emergency_the_safety_net_says_the_number(
    kb: KnowledgeBase, engine: Engine, settings_file: Path
) -> None:
    settings = clinic.load(settings_file)
    for answers, level in ((examples.BENIGN, "acupuncturist"), ({**examples.BENIGN, "fever": True},
                                                                 "urgent_doctor")):
        res = result_for(kb, engine, answers)
        assert res.level == level
        doc = report.build(kb, res, clinic=settings)
        net = doc.section("safety_net")
        assert net is not None and constants.CLINIC_EMERGENCY_NUMBER.format(number="999") in net.points
        assert doc.closing[0] == constants.CLOSING_LEVEL.format(suggestion=res.suggestion)
    assert doc.closing[1] == constants.CLOSING_URGENT_NUMBER.format(number="111")


def test_every_setting_reads_and_the_phone_joins_the_safety_net(
    kb: KnowledgeBase, engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "clinic.yaml"
    path.write_text(CLINIC + "phone: '+44 20 7946 0000'\nlanguage: es\nclear_at_end: true\n"
                    "handoff: [print, download]\n", encoding="utf-8")
    settings = clinic.load(path)
    assert (settings.phone, settings.language, settings.clear_at_end, settings.handoff) == (
        "+44 20 7946 0000", "es", True, ("print", "download"))
    assert clinic.Clinic().handoff == ("print", "qr")  # downloads are off unless a clinic lists them
    said = constants.CLINIC_PHONE.format(phone="+44 20 7946 0000")
    doc = report.build(kb, result_for(kb, engine, examples.BENIGN), clinic=settings)
    net = doc.section("safety_net")
    assert net is not None and net.points[-1] == said
    emergency = report.build(kb, result_for(kb, engine, examples.EMERGENCY), clinic=settings)
    assert said not in render.plain_report(emergency)  # an emergency names the emergency number only


# --- the last lines on a real screen ---------------------------------------------------------------
def keys(question_type: str, value: AnswerValue, option_ids: tuple[str, ...]) -> str:
    if question_type == "yes_no":  # a first "Yes" needs an arrow key before Enter: down, then up
        return {True: DOWN + "k", False: DOWN, "not_sure": DOWN * 2}[value] + ENTER
    if question_type in ("number", "scale"):
        return f"{value}{ENTER}"
    if question_type == "choice":
        return DOWN * option_ids.index(str(value)) + ENTER
    out, at = "", 0
    for index, option in enumerate(option_ids):
        if isinstance(value, tuple) and option in value:
            out += DOWN * (index - at) + " "
            at = index
    return out + ENTER


def play(terminal: Terminal, kb: KnowledgeBase, engine: Engine, answers: Mapping[str, AnswerValue]) -> None:
    interview = Interview(kb, engine)
    while interview.current is not None:
        question = interview.current
        terminal.wait(rf"question {interview.number}(?!\d)")
        terminal.child.send(keys(question.type, answers[question.id], question.option_ids))
        interview.answer(answers[question.id])


SIZES = [pytest.param(24, 80, id="80x24"), pytest.param(30, 40, id="40x30")]


def flat(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split())


@pytest.mark.slow
@pytest.mark.parametrize(("rows", "cols"), SIZES)
def test_the_emergency_action_is_the_last_thing_on_screen(  # noqa: PLR0913  four fixtures and the terminal size, as pytest passes them
    terminals: list[Terminal], kb: KnowledgeBase, engine: Engine, settings_file: Path, *, rows: int, cols: int
) -> None:
    terminal = Terminal(rows, cols, "--clinic", str(settings_file))
    terminals.append(terminal)
    play(terminal, kb, engine, examples.EMERGENCY)
    terminal.wait(constants.CHANGE_LAST)  # offered after the result: Finish, the first choice
    terminal.child.send(ENTER)
    assert terminal.finish() == 0
    last = flat(terminal.last_lines(4))
    assert last.endswith(constants.CLOSING_STAFF), last
    assert " ".join(constants.CLOSING_EMERGENCY.format(number="999").split()) in last


@pytest.mark.slow
@pytest.mark.parametrize(("rows", "cols"), SIZES)
def test_a_benign_result_ends_with_its_suggestion_on_screen(
    terminals: list[Terminal], kb: KnowledgeBase, engine: Engine, *, rows: int, cols: int
) -> None:
    terminal = Terminal(rows, cols)
    terminals.append(terminal)
    play(terminal, kb, engine, examples.BENIGN)
    terminal.wait("save a summary")
    terminal.child.send(ENTER)  # No, finish here
    assert terminal.finish() == 0
    last = flat(terminal.last_lines(4))
    expected = constants.CLOSING_LEVEL.format(suggestion=constants.LEVEL_ADVICE["acupuncturist"])
    assert last.endswith(" ".join(expected.split())), last


def test_the_first_screen_says_who_the_questionnaire_is_for() -> None:
    from rich.console import Console

    from triage.terminal import screens

    who = " ".join(constants.WHO_FOR.split())
    for plain in (False, True):
        console = Console(width=80, record=True)
        console.print(screens.welcome(plain))
        assert who in " ".join(console.export_text().replace("│", " ").split())
    from fastapi.testclient import TestClient

    from triage import loader
    from triage.engine import engine_for
    from triage.web.app import create_app

    kb = loader.load()
    with TestClient(create_app(kb, engine_for(kb))) as client:
        assert who in " ".join(client.get("/").text.split())
