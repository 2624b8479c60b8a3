"""`triage demo`: scenarios, their checks, typing into the real prompts, pace, keys, and a real terminal.

In-process runs have no terminal, so they play everything at once; the
pace and the key that skips ahead are tested with a wait that records its
pauses (and says when a key was pressed), the key reader with a pipe for a
keyboard, and everything together in a pseudo-terminal. Pausing and stepping
forward and back: ``tests/test_demo_steps.py``.
"""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pexpect
import pytest
import yaml
from conftest import Wheel
from prompt_toolkit.input import create_pipe_input

from triage import constants, errors, i18n, textwidth
from triage import scenarios as scenario_files
from triage.engine import Engine
from triage.flow import simulate
from triage.models import LEVELS, KnowledgeBase, Question, rank
from triage.terminal import demo, prompts, screens

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted(scenario_files.SCENARIOS.glob("*.yaml"))
SHIPPED_IDS = [yaml.safe_load(path.read_text(encoding="utf-8"))["id"] for path in SHIPPED]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def clean(text: str) -> str:
    return ANSI.sub("", text)


@pytest.fixture(scope="module")
def shipped(kb: KnowledgeBase, engine: Engine) -> list[scenario_files.Scenario]:
    return scenario_files.load(kb, engine)


# --- the shipped scenarios --------------------------------------------------------------
def test_at_least_one_scenario_per_kind_of_suggestion(shipped: list[scenario_files.Scenario]) -> None:
    levels = [s.expect_level for s in shipped]
    assert len(shipped) >= 6
    assert levels.count("emergency") >= 1
    assert levels.count("urgent_doctor") >= 1
    assert levels.count("doctor") >= 2
    assert levels.count("acupuncturist") >= 2


def test_scenarios_are_not_copies_of_the_vignettes(shipped: list[scenario_files.Scenario]) -> None:
    vignettes = [yaml.safe_load(p.read_text(encoding="utf-8"))
                 for p in (ROOT / "tests" / "vignettes").glob("p*.yaml")]
    for scenario in shipped:
        for vignette in vignettes:
            assert scenario.story != vignette.get("story")
            assert scenario.answers != vignette.get("answers")


@pytest.mark.parametrize("sid", [pytest.param(s, id=s) for s in SHIPPED_IDS])
def test_shipped_scenario_plays_to_its_level(cli: Callable[..., Any], kb: KnowledgeBase, engine: Engine,
                                             shipped: list[scenario_files.Scenario], sid: str) -> None:
    scenario = scenario_files.find(shipped, sid)
    run = cli("demo", sid, "--speed", "0")
    assert run.status == 0, run.err
    assert run.err == ""
    flow = simulate(kb, engine, scenario.answers)
    assert flow.evaluation.level == scenario.expect_level
    assert run.out.count("Answer: ") == len(flow.asked)  # every question the flow asks, answered once
    assert scenario.title in run.out
    assert constants.LEVEL_TITLE[scenario.expect_level] in run.out
    assert "Traceback" not in run.out + run.err


def test_emergency_scenario_stops_where_the_questionnaire_stops(cli: Callable[..., Any]) -> None:
    run = cli("demo", "saddle-numbness")
    assert run.status == 0
    assert run.out.count("Answer: ") == 3
    assert constants.STOPPED_EARLY in " ".join(run.out.split())


def test_ask_if_applies_as_for_a_person(cli: Callable[..., Any], kb: KnowledgeBase) -> None:
    with_periods = cli("demo", "period-pain").out
    without = cli("demo", "desk-worker").out
    asked_only_with_periods = kb.question("pain_worse_with_periods").text
    assert asked_only_with_periods in " ".join(with_periods.split())
    assert asked_only_with_periods not in " ".join(without.split())


# --- --list, choosing, unknown ids ----------------------------------------------------------
def test_list(cli: Callable[..., Any], shipped: list[scenario_files.Scenario]) -> None:
    run = cli("demo", "--list")
    assert run.status == 0
    lines = run.out.splitlines()
    assert len(lines) == len(SHIPPED)
    for line, scenario in zip(lines, shipped, strict=True):
        assert line.split()[0] == scenario.id
        assert f"  {constants.LEVEL_TITLE[scenario.expect_level]}  " in line  # the suggestion, in words
        assert scenario.expect_level not in [part.strip() for part in line.split("  ")]  # never its id
        assert line.endswith(f"  {scenario.title}")
    assert [rank(s.expect_level) for s in shipped] == sorted(rank(s.expect_level) for s in shipped)
    assert "saddle-numbness" in run.out


@pytest.mark.parametrize("width", [40, 80])
@pytest.mark.parametrize("tag", [i18n.WIDE, "zh-Hant"])
def test_the_list_fits_a_terminal_in_any_script(shipped: list[scenario_files.Scenario], tag: str,
                                                width: int) -> None:
    with i18n.override(tag):
        text = scenario_files.listing(shipped, width)
    assert all(textwidth.cells(line) <= width for line in text.splitlines())
    assert text.count("\n") > len(shipped)  # the titles went on under themselves
    ids = [line.split()[0] for line in text.splitlines() if not line.startswith(" ")]
    assert ids == [s.id for s in shipped]


def test_list_columns_line_up(cli: Callable[..., Any], shipped: list[scenario_files.Scenario]) -> None:
    lines = cli("demo", "--list").out.splitlines()
    level_at = {len(re.match(r"\S+\s+", line).group(0)) for line in lines}  # type: ignore[union-attr]
    title_at = {textwidth.cells(line[: line.rindex(s.title)]) for line, s in zip(lines, shipped, strict=True)}
    assert len(level_at) == 1
    assert len(title_at) == 1


def test_without_a_scenario_and_not_in_a_terminal_the_first_one_plays(
        cli: Callable[..., Any], shipped: list[scenario_files.Scenario]) -> None:
    run = cli("demo")
    assert run.status == 0
    assert shipped[0].title in run.out
    assert shipped[0].expect_level == "emergency"


@pytest.mark.parametrize(("wanted", "hint"), [
    pytest.param("desk-workr", " (did you mean `desk-worker`?)", id="typo"),
    pytest.param("stiff_joints", " (did you mean `stiff-joints`?)", id="underscore"),
    pytest.param("zzz", errors.did_you_mean("zzz", SHIPPED_IDS), id="nothing-close"),
])
def test_unknown_scenario(cli: Callable[..., Any], wanted: str, hint: str) -> None:
    run = cli("demo", wanted)
    assert run.status == 2
    assert run.err == "triage demo: " + errors.UNKNOWN_SCENARIO.format(id=wanted, hint=hint) + "\n"
    assert run.out == ""


@pytest.mark.parametrize("speed", ["-1", "fast", "nan"])
def test_bad_speed_is_refused_by_the_command_line(cli: Callable[..., Any], speed: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        cli("demo", "desk-worker", "--speed", speed)
    assert stop.value.code == 2
    assert constants.DEMO_SPEED in capsys.readouterr().err


# --- scenario files with problems ---------------------------------------------------------
GOOD = """\
id: tiny
title: Numb around the bottom
story: A made-up case.
answers:
  age: 40
  recent_trauma: false
  saddle_numbness: true
expect_level: emergency
"""

NO_FLAGS = "\n".join(f"  {q}: false" for q in (
    "saddle_numbness", "bladder_bowel_change", "both_legs_symptoms", "pulsating_abdomen", "tearing_pain",
    "chest_symptoms", "sexual_function_change", "leg_weakness", "walking_difficulty"))

BAD: dict[str, tuple[str, int | None, str]] = {
    "unknown-question": (GOOD.replace("  age: 40", "  agee: 40"), 5,
                         errors.ANSWER_UNKNOWN_QUESTION.format(id="agee", hint=" (did you mean `age`?)")),
    "out-of-range": (GOOD.replace("age: 40", "age: 140"), 5,
                     errors.ANSWER_OUT_OF_RANGE.format(id="age", min=0, max=120, found=140)),
    "bad-level": (GOOD.replace("expect_level: emergency", "expect_level: emergncy"), 8,
                  errors.SCENARIO_BAD_LEVEL.format(
                      levels=", ".join(f"`{lv}`" for lv in LEVELS), found="`emergncy`",
                      hint=" (did you mean `emergency`?)")),
    "missing-title": (GOOD.replace("title: Numb around the bottom\n", ""), 1,
                      errors.SCENARIO_MISSING_KEY.format(
                          key="title", keys="`id`, `title`, `story`, `answers`, `expect_level`")),
    "unknown-key": (GOOD + "expected_level: doctor\n", 9,
                    errors.SCENARIO_UNKNOWN_KEY.format(key="expected_level",
                                                       hint=" (did you mean `expect_level`?)")),
    "number-as-key": (GOOD + "1: doctor\n", 9,
                      errors.SCENARIO_UNKNOWN_KEY.format(
                          key=1, hint=errors.did_you_mean("1", scenario_files.KEYS))),
    "bad-id": (GOOD.replace("id: tiny", "id: Tiny Case"), 1,
               errors.SCENARIO_BAD_ID.format(found="`Tiny Case`")),
    "empty-story": (GOOD.replace("story: A made-up case.", "story: ''"), 3,
                    errors.SCENARIO_NOT_TEXT.format(key="story", found="``")),
    "answers-list": (GOOD.replace("  age: 40\n  recent_trauma: false\n  saddle_numbness: true\n",
                                  "  - age\n"), 4,
                     errors.SCENARIO_ANSWERS_NOT_MAPPING.format(found="a list")),
    "unanswered": (GOOD.replace("  saddle_numbness: true\n", NO_FLAGS + "\n"), 4,
                   errors.SCENARIO_UNANSWERED.format(id="fever")),
    "not-asked": (GOOD.replace("  saddle_numbness: true\n", "  saddle_numbness: true\n  fever: true\n"), 8,
                  errors.SCENARIO_NOT_ASKED.format(
                      id="fever", reason=constants.IGNORED_REASONS["after_stop"])),
    "not-a-mapping": ("- just\n- a list\n", 1, errors.SCENARIO_NOT_MAPPING.format(found="a list")),
    "empty-file": ("", None, errors.SCENARIO_NOT_MAPPING.format(found="an empty file")),
    "broken-yaml": ("id: [tiny\n", 2, ""),
}


@pytest.mark.parametrize("case", [pytest.param(c, id=c) for c in BAD])
def test_bad_scenario_file_is_named_with_its_line(cli: Callable[..., Any], tmp_path: Path, case: str) -> None:
    text, line, message = BAD[case]
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    where = f"{path}:{line}" if line is not None else str(path)
    for argv in (("--list",), ("tiny",)):
        run = cli("demo", *argv, "--scenarios", tmp_path)
        assert run.status == 2
        assert run.out == ""
        expected = f"{where}: {message}" if message else f"{where}: this is not valid YAML"
        assert run.err.startswith(expected), run.err
        assert "Traceback" not in run.err


def test_every_problem_in_every_file_is_reported(tmp_path: Path, kb: KnowledgeBase, engine: Engine) -> None:
    (tmp_path / "a.yaml").write_text(GOOD.replace("age: 40", "age: 140"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD.replace("expect_level: emergency", "expect_level: soon")
                                     .replace("title: Numb around the bottom\n", ""), encoding="utf-8")
    with pytest.raises(errors.TriageError) as caught:
        scenario_files.load(kb, engine, tmp_path)
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 3
    assert [p.split(":")[0] for p in problems] == [str(tmp_path / "a.yaml")] + [str(tmp_path / "b.yaml")] * 2


def test_duplicate_ids(tmp_path: Path, kb: KnowledgeBase, engine: Engine) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(GOOD, encoding="utf-8")
    with pytest.raises(errors.TriageError) as caught:
        scenario_files.load(kb, engine, tmp_path)
    message = errors.SCENARIO_DUPLICATE_ID.format(id="tiny", other=tmp_path / "a.yaml")
    assert [str(p) for p in caught.value.problems] == [f"{tmp_path / 'b.yaml'}: {message}"]


@pytest.mark.parametrize(("make", "template"), [
    pytest.param(lambda p: p, errors.NO_SCENARIOS, id="empty-folder"),
    pytest.param(lambda p: p / "nowhere", errors.SCENARIOS_NOT_A_FOLDER, id="no-folder"),
])
def test_scenario_folder_problems(cli: Callable[..., Any], tmp_path: Path,
                                  make: Callable[[Path], Path], template: str) -> None:
    folder = make(tmp_path)
    run = cli("demo", "--list", "--scenarios", folder)
    assert run.status == 2
    assert run.err == f"{folder}: {template}\n"


def test_a_clinics_own_scenario_plays(cli: Callable[..., Any], tmp_path: Path) -> None:
    (tmp_path / "tiny.yaml").write_text(GOOD, encoding="utf-8")
    assert cli("demo", "--list", "--scenarios", tmp_path).out == "tiny  EMERGENCY  Numb around the bottom\n"
    run = cli("demo", "tiny", "--scenarios", tmp_path)
    assert run.status == 0
    assert constants.LEVEL_TITLE["emergency"] in run.out


def test_a_result_other_than_the_expected_one_is_reported(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(GOOD.replace("expect_level: emergency", "expect_level: doctor"), encoding="utf-8")
    run = cli("demo", "tiny", "--scenarios", tmp_path)
    assert run.status == 1
    assert constants.LEVEL_TITLE["emergency"] in run.out  # the result is still shown
    assert run.err == f"{path}:8: " + errors.SCENARIO_LEVEL_MISSED.format(
        expected="doctor", level="emergency") + "\n"


# --- each question is put by its real prompt ----------------------------------------------
@pytest.mark.parametrize(("qid", "value", "expected"), [
    pytest.param("saddle_numbness", True, [], id="yes-is-first"),
    pytest.param("saddle_numbness", "not_sure", [(demo.DOWN, demo.MOVE)] * 2, id="not-sure"),
    pytest.param("pain_duration", "6_to_12_weeks", [(demo.DOWN, demo.MOVE)] * 2, id="choice"),
    pytest.param("age", 63, [("6", demo.TYPE), ("3", demo.TYPE)], id="typed"),
    pytest.param("pain_location", ("upper_back", "side_flank"), [
        (demo.DOWN, demo.MOVE), (demo.SPACE, demo.TICK),
        (demo.DOWN, demo.MOVE), (demo.DOWN, demo.MOVE), (demo.SPACE, demo.TICK)], id="ticks"),
    pytest.param("pain_location", (), [], id="none-ticked"),
])
def test_presses_are_the_keys_a_person_would_press(kb: KnowledgeBase, qid: str, value: Any,
                                                    expected: list[tuple[str, float]]) -> None:
    assert demo.presses(kb.question(qid), value) == expected


@dataclass
class Played:
    """desk-worker played at normal speed: its pauses, what was shown, and what each prompt returned."""

    pauses: list[float]
    shown: str
    replies: list[tuple[str, Any]]
    result: Any


@pytest.fixture(scope="module")
def played(kb: KnowledgeBase, engine: Engine, shipped: list[scenario_files.Scenario]) -> Played:
    replies: list[tuple[str, Any]] = []
    real_ask = prompts.ask

    def ask(question: Question, previous: Any, ctx: prompts.PromptContext) -> prompts.Reply:
        assert ctx.input is not None  # the pipe the keys are typed into
        reply = real_ask(question, previous, ctx)
        replies.append((question.id, reply))
        return reply

    clock = Clock()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(prompts, "ask", ask)
        result, shown = _play(kb, engine, scenario_files.find(shipped, "desk-worker"), demo.Pace(1, clock))
    return Played(clock.pauses, shown, replies, result)


def test_every_answer_is_typed_into_the_questions_own_prompt(
        kb: KnowledgeBase, engine: Engine, shipped: list[scenario_files.Scenario], played: Played) -> None:
    scenario = scenario_files.find(shipped, "desk-worker")
    asked = simulate(kb, engine, scenario.answers).asked
    assert played.replies == [(qid, scenario.answers[qid]) for qid in asked]
    assert {kb.question(qid).type for qid in asked} == {"yes_no", "number", "scale", "choice", "multi"}
    assert "not_sure" in scenario.answers.values()
    assert played.result.level == scenario.expect_level
    assert clean(played.shown).count("Answer: ") == len(asked)


def test_the_prompt_draws_each_question(kb: KnowledgeBase, played: Played) -> None:
    text = clean(played.shown)
    for number, question in enumerate(kb.questions[:3], start=1):
        assert screens.header(kb, question, number, plain=False) in text
    assert constants.HINT_KEYS_FIRST[:30] in text  # the first question's key hints
    assert constants.HINT_KEYS[:30] in text
    assert "Daily life · question 38" in text
    assert " » ○ Sitting for long periods" in text  # the list as its prompt first draws it
    assert "\x1b[0;36m›" in played.shown  # in the prompt's own colours: a cyan question mark


def test_plain_prompts_have_no_symbols(kb: KnowledgeBase, engine: Engine,
                                       shipped: list[scenario_files.Scenario]) -> None:
    _, shown = _play(kb, engine, scenario_files.find(shipped, "desk-worker"), demo.Pace(1, Clock()),
                     plain=True)
    text = clean(shown)
    assert "Daily life, question 38" in text
    assert " > [ ] Sitting for long periods" in text
    assert "   [ ] Slouching" in text
    assert not set(text) & set("›»●○·╭│╰")
    assert not re.search(r"\x1b\[[0-9;]*3[0-7]m", shown)  # no colour


@pytest.mark.parametrize("stop", [KeyboardInterrupt, EOFError])
@pytest.mark.parametrize("at", [pytest.param(2, id="reading"), pytest.param(4, id="typing")])
def test_ctrl_c_or_end_of_input_during_a_question_stops_its_prompt(
        kb: KnowledgeBase, engine: Engine, shipped: list[scenario_files.Scenario], stop: type[BaseException],
        at: int) -> None:
    pauses: list[float] = []

    def wait(seconds: float) -> demo.Command | None:
        pauses.append(seconds)
        if len(pauses) == at:  # 1: the introduction, 2: reading the first question, 3-: typing
            raise stop
        return None

    with pytest.raises(stop):
        _play(kb, engine, scenario_files.find(shipped, "desk-worker"), demo.Pace(1, wait))
    assert len(pauses) == at
    assert not [t for t in threading.enumerate() if t.name == "demo-typist"]


def test_a_fault_while_typing_is_raised_rather_than_taken_for_the_end_of_input(
        kb: KnowledgeBase, engine: Engine, shipped: list[scenario_files.Scenario],
        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(question: Question, value: Any) -> list[tuple[str, float]]:
        raise ValueError("broken")

    monkeypatch.setattr(demo, "presses", broken)
    with pytest.raises(ValueError, match="broken"):
        _play(kb, engine, scenario_files.find(shipped, "desk-worker"), demo.Pace(1, Clock()))
    assert not [t for t in threading.enumerate() if t.name == "demo-typist"]


# --- reading keys ---------------------------------------------------------------------------
@pytest.mark.parametrize(("key", "expected"), [
    pytest.param(" ", demo.Command.PAUSE, id="space"),
    pytest.param("p", demo.Command.PAUSE, id="p"),
    pytest.param("P", demo.Command.PAUSE, id="P"),
    pytest.param("\x1b[C", demo.Command.NEXT, id="right"),
    pytest.param("n", demo.Command.NEXT, id="n"),
    pytest.param("l", demo.Command.NEXT, id="l"),
    pytest.param("\x1b[D", demo.Command.BACK, id="left"),
    pytest.param("b", demo.Command.BACK, id="b"),
    pytest.param("h", demo.Command.BACK, id="h"),
    pytest.param("r", demo.Command.RESULT, id="r"),
    pytest.param("q", demo.Command.QUIT, id="q"),
    pytest.param("x\x1b[Bq", demo.Command.QUIT, id="others-then-q"),  # an arrow is one key
])
def test_the_key_reader_says_what_a_key_asks_for(key: str, expected: demo.Command) -> None:
    with create_pipe_input() as keyboard, demo.key_reader(keyboard) as wait:
        started = time.monotonic()
        assert wait(0.05) is None
        assert time.monotonic() - started >= 0.04
        keyboard.send_text(key)
        assert wait(5) is expected
        assert wait(0.01) is None  # nothing left over


@pytest.mark.parametrize("key", [pytest.param(k, id=repr(k)) for k in ("x", "\r", "\x1b[B", "\x1b")])
def test_other_keys_do_nothing(key: str) -> None:
    with create_pipe_input() as keyboard, demo.key_reader(keyboard) as wait:
        keyboard.send_text(key)  # a lone Escape is a key too, and does nothing either
        started = time.monotonic()
        assert wait(0.3) is None
        assert time.monotonic() - started >= 0.25  # the wait went on after it


@pytest.mark.parametrize(("key", "stop"), [
    pytest.param("\x03", KeyboardInterrupt, id="ctrl-c"),
    pytest.param("\x04", EOFError, id="ctrl-d"),
    pytest.param(None, EOFError, id="end-of-input"),
])
def test_the_key_reader_stops_as_a_prompt_does(key: str | None, stop: type[BaseException]) -> None:
    with create_pipe_input() as keyboard, demo.key_reader(keyboard) as wait:
        if key is None:
            keyboard.close()
        else:
            keyboard.send_text(key)
        with pytest.raises(stop):
            wait(5)


# --- pace, skipping, plain and NO_COLOR ------------------------------------------------------
class Clock:
    """A wait that records each pause; the key for the result 'arrives' at pause number ``key_at``."""

    def __init__(self, key_at: int | None = None) -> None:
        self.pauses: list[float] = []
        self.key_at = key_at

    def __call__(self, seconds: float) -> demo.Command | None:
        self.pauses.append(seconds)
        return demo.Command.RESULT if self.key_at is not None and len(self.pauses) >= self.key_at else None


def _play(kb: KnowledgeBase, engine: Engine, scenario: scenario_files.Scenario, pace: demo.Pace,
          plain: bool = False) -> tuple[Any, str]:
    out = io.StringIO()
    console = screens.make_console(plain, file=out, width=80, color_system="standard", force_terminal=True)
    result = demo.play(kb, engine, scenario, console=console, plain=plain, pace=pace, reads_keys=True)
    return result, out.getvalue()


@pytest.fixture
def no_sleeping(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: Any) -> None:
        raise AssertionError("slept")

    monkeypatch.setattr(time, "sleep", refuse)


@pytest.mark.usefixtures("no_sleeping")
def test_speed_0_shows_everything_without_waiting(kb: KnowledgeBase, engine: Engine,
                                                  shipped: list[scenario_files.Scenario]) -> None:
    scenario = scenario_files.find(shipped, "leg-pain-gardening")
    clock = Clock()
    result, shown = _play(kb, engine, scenario, demo.Pace(0, clock))
    assert clock.pauses == []
    assert result.level == scenario.expect_level
    text = clean(shown)
    assert scenario.story[:40] in " ".join(text.split())
    assert constants.WELCOME[:40] in " ".join(text.split())
    assert text.count("Answer: ") == result.questions_asked == len(scenario.answers)
    assert constants.LEVEL_TITLE["doctor"] in text
    assert "question 1" not in text  # nothing drawn only to be erased at once


@pytest.mark.usefixtures("no_sleeping")
@pytest.mark.parametrize("speed", ["0", "1e9", "inf"])
def test_instant_speeds_on_the_command_line(cli: Callable[..., Any], speed: str) -> None:
    run = cli("demo", "stiff-joints", "--speed", speed)
    assert run.status == 0
    assert run.out.count("Answer: ") == 39  # 38 and the checklist before needling


def test_speed_scales_every_pause(kb: KnowledgeBase, engine: Engine, shipped: list[scenario_files.Scenario],
                                  played: Played) -> None:
    twice = Clock()
    _, shown = _play(kb, engine, scenario_files.find(shipped, "desk-worker"), demo.Pace(2, twice))
    assert len(played.pauses) == len(twice.pauses) > 60
    assert twice.pauses == pytest.approx([p / 2 for p in played.pauses])
    assert 30 < sum(played.pauses) < 180  # readable: a few seconds a question
    text = clean(shown)
    assert "Daily life · question 38" in text  # each question drawn by its prompt, with its header
    assert text.count("Answer: ") == 40  # 39 and the checklist before needling


@pytest.mark.parametrize("key_at", [1, 5, 40])
def test_a_key_goes_straight_to_the_result(kb: KnowledgeBase, engine: Engine,
                                           shipped: list[scenario_files.Scenario], key_at: int) -> None:
    scenario = scenario_files.find(shipped, "fever-chemotherapy")
    clock = Clock(key_at=key_at)
    result, shown = _play(kb, engine, scenario, demo.Pace(1, clock))
    assert len(clock.pauses) == key_at  # not one pause after the key
    assert result.level == "urgent_doctor"
    assert result.questions_asked == 38
    text = " ".join(clean(shown).split())
    shown_answers = text.count("Answer: ")
    assert constants.DEMO_SKIPPED.plural.format(n=38 - shown_answers) in text
    assert constants.LEVEL_TITLE["urgent_doctor"] in text


def test_plain_demo_has_no_colour_or_boxes(cli: Callable[..., Any]) -> None:
    run = cli("--plain", "demo", "desk-worker")
    assert run.status == 0
    assert "\x1b[" not in run.out
    assert not set(run.out) & set("╭│╰»›●○·")
    assert constants.DEMO_TITLE in run.out
    assert cli("demo", "--plain", "desk-worker").out == run.out


def test_no_color_keeps_words_without_colour(kb: KnowledgeBase, engine: Engine,
                                             shipped: list[scenario_files.Scenario],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    _, shown = _play(kb, engine, scenario_files.find(shipped, "period-pain"), demo.Pace(1, Clock()))
    assert not re.search(r"\x1b\[[0-9;]*3[0-7]m", shown)  # no foreground colour
    text = clean(shown)
    assert "About you · question 1" in text
    assert "» Yes" in text
    assert constants.LEVEL_TITLE["doctor"] in text


def test_demo_help_stays_light() -> None:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "triage", "demo", "--help"],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0]
                for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert not imported & {"questionary", "rich", "prompt_toolkit", "experta", "pydantic"}
    assert "--speed S" in done.stdout


# --- the wheel ------------------------------------------------------------------------------
@pytest.mark.slow
def test_the_wheel_carries_the_scenarios(wheel: Wheel, tmp_path: Path) -> None:
    names = zipfile.ZipFile(wheel.path).namelist()
    for path in SHIPPED:
        assert f"triage/terminal/scenarios/{path.name}" in names
    env = {**os.environ, "PYTHONPATH": str(wheel.site)}
    proc = subprocess.run([sys.executable, "-m", "triage", "demo", "--list"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert sorted(line.split()[0] for line in proc.stdout.splitlines()) == sorted(SHIPPED_IDS)


# --- in a real terminal -------------------------------------------------------------------------
STTY_ON = (re.compile(r"(?<![-\w])echo(?!\w)"), re.compile(r"(?<![-\w])icanon(?!\w)"))


def _ctrl_c_as_at_a_terminal() -> None:
    """Ctrl-C at its default, as a shell at a terminal starts a program, whatever the tests inherited.

    Tests started with SIGINT ignored (as a shell starts a background job) would pass that on: bash
    may not ``trap`` a signal ignored at its start, and Python then leaves it ignored (no
    ``KeyboardInterrupt``), so Ctrl-C would not stop the demonstration.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def spawn() -> Iterator[Callable[[str], pexpect.spawn]]:
    children: list[pexpect.spawn] = []

    def start(command: str) -> pexpect.spawn:
        env = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm",
                   PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
        env.pop("NO_COLOR", None)
        script = f"trap : INT; {sys.executable} -m triage {command}; echo \"status=$?\"; stty -a"
        child = pexpect.spawn("bash", ["-c", script], cwd=str(ROOT), env=env, dimensions=(40, 100),
                              encoding="utf-8", timeout=10, preexec_fn=_ctrl_c_as_at_a_terminal)
        children.append(child)
        return child

    yield start
    for child in children:
        if child.isalive():
            child.terminate(force=True)


def _finish(child: pexpect.spawn) -> str:
    child.expect(r"status=(\d+)")
    status = child.match.group(1)
    child.expect(pexpect.EOF)
    settings = child.before or ""
    for setting in STTY_ON:
        assert setting.search(settings), f"the terminal was not restored: {settings}"
    return str(status)


@pytest.mark.e2e
@pytest.mark.slow
def test_a_key_skips_to_the_result_in_a_terminal(spawn: Callable[[str], pexpect.spawn]) -> None:
    child = spawn("demo leg-pain-gardening")
    child.expect(re.escape(constants.DEMO_STEP_KEYS[:20]))
    child.expect(r"question 2(?!\d)")  # playing at normal speed
    started = time.monotonic()
    child.send("r")
    child.expect(re.escape(constants.LEVEL_TITLE["doctor"]), timeout=10)
    assert time.monotonic() - started < 10
    child.expect("40 questions asked")  # 39 and the checklist before needling
    assert _finish(child) == "0"


@pytest.mark.e2e
@pytest.mark.slow
def test_ctrl_c_stops_calmly_and_restores_the_terminal(spawn: Callable[[str], pexpect.spawn]) -> None:
    child = spawn("demo desk-worker --speed 5")
    child.expect(r"question 3(?!\d)")
    child.sendintr()
    child.expect(re.escape(constants.CANCELLED))
    assert _finish(child) == "130"
    assert "Traceback" not in (child.before or "")


@pytest.mark.e2e
@pytest.mark.slow
def test_without_a_scenario_the_terminal_asks_which(spawn: Callable[[str], pexpect.spawn],
                                                    shipped: list[scenario_files.Scenario]) -> None:
    child = spawn("demo --speed 0")
    child.expect(re.escape(constants.DEMO_CHOOSE))
    child.send("j\r")  # the second in the list
    child.expect(re.escape(shipped[1].title))
    child.expect(re.escape(constants.LEVEL_TITLE[shipped[1].expect_level]))
    assert _finish(child) == "0"
