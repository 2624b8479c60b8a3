"""The questionnaire loop, the result screens and saving, without a terminal.

The prompts are replaced by a script of replies (answers or BACK), so these
tests follow the loop itself: back, pre-filled answers, the emergency stop,
what is printed and what is written.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest

from triage import constants, render, report, summaries
from triage import result as results
from triage.engine import Engine
from triage.flow import Interview
from triage.models import AnswerValue, KnowledgeBase, Question
from triage.result import Matched, Result
from triage.terminal import app, examples, prompts, save, screens
from triage.terminal.prompts import BACK, PromptContext

ROOT = Path(__file__).resolve().parent.parent


class Script:
    """Stands in for the prompts: replies in order, and records what was asked."""

    def __init__(self, replies: list[Any]) -> None:
        self.replies: Iterator[Any] = iter(replies)
        self.asked: list[tuple[str, Any, PromptContext]] = []

    def __call__(self, question: Question, previous: AnswerValue | None, ctx: PromptContext) -> Any:
        self.asked.append((question.id, previous, ctx))
        try:
            reply = next(self.replies)
        except StopIteration:
            raise EOFError from None
        if isinstance(reply, BaseException):
            raise reply
        return reply


def drive(kb: KnowledgeBase, engine: Engine, replies: list[Any],
          monkeypatch: pytest.MonkeyPatch, plain: bool = False) -> tuple[Interview, Script, str]:
    script = Script(replies)
    monkeypatch.setattr(prompts, "ask", script)
    out = io.StringIO()
    console = screens.make_console(plain, file=out, width=80)
    interview = Interview(kb, engine)
    with contextlib.suppress(EOFError):  # the script ran out of replies
        app.questionnaire(interview, console, plain)
    return interview, script, "\n".join(line.rstrip() for line in out.getvalue().splitlines())


def reply_for(question: Question, answers: dict[str, AnswerValue]) -> AnswerValue:
    """The answer given to ``question``; a list the answers do not name (such as a checklist asked
    last) is answered "none of these"."""
    if question.id not in answers and question.type == "multi":
        return ()
    return answers[question.id]


def benign_replies(kb: KnowledgeBase, engine: Engine) -> list[AnswerValue]:
    interview = Interview(kb, engine)
    replies = []
    while interview.current is not None:
        replies.append(reply_for(interview.current, examples.BENIGN))
        interview.answer(replies[-1])
    return replies


# --- the loop ------------------------------------------------------------------------------
def test_benign_walk_asks_in_order_with_headers(kb: KnowledgeBase, engine: Engine,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    interview, script, out = drive(kb, engine, benign_replies(kb, engine), monkeypatch)
    assert interview.finished and not interview.stopped
    asked = [qid for qid, _, _ in script.asked]
    assert asked == interview.path
    assert "pain_worse_with_periods" not in asked  # has_periods is no
    assert script.asked[0][2].header == "About you · question 1"
    assert script.asked[1][2].header == "Warning signs · question 2"
    assert asked[20] == "pain_duration"  # the first question about the pain, after the warning signs
    assert script.asked[20][2].header == "About your pain · question 21"
    assert "1. How old are you (in years)?\n   Answer: 38\n" in out
    assert "2. Did the pain start after a serious accident?" in out
    assert "3. Do you have numbness, tingling or loss of feeling around your genitals" in out


def test_back_reasks_with_the_answer_prefilled(kb: KnowledgeBase, engine: Engine,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    interview, script, _ = drive(kb, engine, [40, False, BACK, BACK, 70, False], monkeypatch)
    asked = [(qid, previous) for qid, previous, _ in script.asked]
    assert asked[:6] == [
        ("age", None), ("recent_trauma", None), ("saddle_numbness", None),
        ("recent_trauma", False), ("age", 40), ("recent_trauma", False),
    ]
    assert interview.answers["age"] == 70


def test_first_question_cannot_go_back(kb: KnowledgeBase, engine: Engine,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _, script, _ = drive(kb, engine, [40, True], monkeypatch)
    contexts = [ctx for _, _, ctx in script.asked]
    assert contexts[0].can_go_back is False
    assert contexts[1].can_go_back is True


@pytest.mark.parametrize(("replies", "flag", "asked"), [
    pytest.param([52, True], "spinal_fracture", 2, id="recent-trauma"),
    pytest.param([52, False, True], "cauda_equina", 3, id="saddle-numbness"),
    pytest.param([52, False, False, True], "cauda_equina", 4, id="bladder-bowel"),
    pytest.param([52, False, False, False, True], "cauda_equina", 5, id="both-legs"),
    pytest.param([70, False, False, False, False, True], "aortic_aneurysm", 6, id="pulsating-abdomen"),
    pytest.param([30, *[False] * 5, True], "aortic_aneurysm", 7, id="tearing-pain-at-any-age"),
    pytest.param([52, *[False] * 6, True], "chest_warning", 8, id="chest-symptoms"),
])
def test_emergency_stops_at_once(  # noqa: PLR0913  fixtures and parametrized cases
        kb: KnowledgeBase, engine: Engine, monkeypatch: pytest.MonkeyPatch, *, replies: list[Any], flag: str,
        asked: int) -> None:
    interview, script, _ = drive(kb, engine, replies, monkeypatch)
    assert interview.stopped
    assert len(script.asked) == asked <= 8
    result = results.build(kb, interview.flow_result(), source="questionnaire")
    assert result.level == "emergency"
    assert flag in result.red_flag_ids


def test_emergency_of_two_answers_stops_at_the_second(kb: KnowledgeBase, engine: Engine,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # leg_weakness alone is urgent and the questionnaire goes on; with walking_difficulty it is an emergency
    replies: list[Any] = [52, *[False] * 8, True, True]
    interview, script, _ = drive(kb, engine, replies, monkeypatch)
    assert interview.stopped
    assert [qid for qid, _, _ in script.asked][-2:] == ["leg_weakness", "walking_difficulty"]
    assert len(script.asked) == len(replies) == 11
    result = results.build(kb, interview.flow_result(), source="questionnaire")
    assert result.level == "emergency"
    assert "cauda_equina" in result.red_flag_ids


def test_changing_an_answer_after_going_back_changes_the_path(kb: KnowledgeBase, engine: Engine,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # age, the 19 warning signs that a 30-year-old is asked (all no), how long, then where
    replies: list[Any] = [30, *[False] * 19, "1_to_6_weeks", ("side_flank",), False, True, BACK, BACK, BACK,
                          ("lower_back",), "after_lifting_or_strain"]
    script = Script(replies)
    monkeypatch.setattr(prompts, "ask", script)
    interview = Interview(kb, engine)
    with pytest.raises(EOFError):
        app.questionnaire(interview, screens.make_console(True, file=io.StringIO()), True)
    asked = [(qid, previous) for qid, previous, _ in script.asked][21:]
    assert asked == [
        ("pain_location", None), ("previous_kidney_stones", None), ("pain_comes_in_waves", None),
        ("pain_onset", None), ("pain_comes_in_waves", True), ("previous_kidney_stones", False),
        ("pain_location", ("side_flank",)), ("pain_onset", None), ("pain_severity", None),
    ]
    assert "pain_comes_in_waves" not in interview.answers  # its ask_if no longer holds
    assert "previous_kidney_stones" not in interview.answers


def test_interrupt_propagates_and_nothing_is_written(kb: KnowledgeBase, engine: Engine, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        drive(kb, engine, [40, False, KeyboardInterrupt()], monkeypatch)
    assert list(tmp_path.iterdir()) == []


# --- the command line --------------------------------------------------------------------
def test_not_a_terminal_points_to_assess(cli: Callable[..., Any]) -> None:
    run = cli()
    assert run.status == 2
    assert "triage assess FILE" in run.err
    assert "Traceback" not in run.err


@pytest.mark.parametrize("argv", [pytest.param(["--help"], id="help"),
                                  pytest.param(["assess", "--help"], id="assess-help")])
def test_help_does_not_import_the_interactive_libraries(argv: list[str]) -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "triage", *argv],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0]
                for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert not imported & {"questionary", "rich", "prompt_toolkit", "experta", "pydantic"}
    assert "triage.terminal" not in done.stderr


def _args(tmp_path: Path, **extra: Any) -> argparse.Namespace:
    return argparse.Namespace(**{"questions": None, "rules": None, "plain": True, "answers_out": None,
                                 **extra})


def test_answers_out_that_exists_is_refused_before_any_question(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    target.write_text("keep me")
    from triage.errors import TriageError

    with pytest.raises(TriageError) as caught:
        app.check_output(target)
    assert "already exists" in str(caught.value)
    assert target.read_text() == "keep me"


def test_answers_out_in_a_missing_folder_is_refused(tmp_path: Path) -> None:
    from triage.errors import TriageError

    with pytest.raises(TriageError, match="no folder"):
        app.check_output(tmp_path / "nowhere" / "summary.md")


@pytest.mark.parametrize(("name", "fmt"), [
    pytest.param("summary.json", "json", id="json"),
    pytest.param("summary.JSON", "json", id="json-upper"),
    pytest.param("summary.md", "markdown", id="md"),
    pytest.param("summary.txt", "markdown", id="other-suffix"),
    pytest.param("summary", "markdown", id="no-suffix"),
    pytest.param("summary.fhir.json", "fhir", id="fhir"),
])
def test_run_with_answers_out_writes_without_asking(  # noqa: PLR0913  fixtures and parametrized cases
        kb: KnowledgeBase, engine: Engine, tmp_path: Path, *, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], name: str, fmt: str) -> None:
    target = tmp_path / name
    monkeypatch.setattr(prompts, "ask", Script(benign_replies(kb, engine)))
    monkeypatch.setattr(prompts, "select", lambda *a, **k: pytest.fail("must not ask to save"))
    assert app.run(_args(tmp_path, answers_out=target)) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    content = target.read_text()
    if fmt == "json":
        data = json.loads(content)
        assert data["level"] == "acupuncturist"
        assert data["answers"]["age"] == 38
    elif fmt == "fhir":
        data = json.loads(content)
        assert data["resourceType"] == "QuestionnaireResponse"
        assert {"linkId": "age", "text": kb.question("age").text, "answer": [{"valueInteger": 38}]} \
            in data["item"]
    else:
        assert content.startswith(f"# {constants.SUMMARY_TITLE}")
    assert "Saved to" in capsys.readouterr().out


def test_run_emergency_does_not_offer_to_save(kb: KnowledgeBase, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(prompts, "ask", Script([52, False, True]))  # saddle numbness
    monkeypatch.setattr(prompts, "select", lambda *a, **k: pytest.fail("must not ask to save"))
    assert app.run(_args(tmp_path)) == 0
    out = capsys.readouterr().out
    assert "EMERGENCY" in out
    assert "Possible cauda equina syndrome" in out
    assert list(tmp_path.iterdir()) == []


def test_the_engine_is_built_once_the_first_question_is_answered(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from triage import engine as engines

    built: list[KnowledgeBase] = []
    build = engines.engine_for

    def engine_for(kb: KnowledgeBase) -> Engine:
        built.append(kb)
        return build(kb)

    asked: list[tuple[str, int]] = []

    def ask(question: Question, previous: AnswerValue | None, ctx: PromptContext) -> AnswerValue:
        asked.append((question.id, len(built)))
        if len(asked) == 2:
            raise EOFError
        return 40

    monkeypatch.setattr(engines, "engine_for", engine_for)
    monkeypatch.setattr(prompts, "ask", ask)
    with pytest.raises(EOFError):
        app.run(_args(tmp_path))
    assert asked == [("age", 0), (asked[1][0], 1)]  # none for the first question, then one


@pytest.mark.parametrize(("lang", "spoken"), [
    pytest.param(None, "es", id="the-clinic-s-language"),
    pytest.param("en", "en", id="lang-wins"),
])
def test_the_clinic_s_language_is_the_questionnaire_s_unless_lang_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *,
    lang: str | None, spoken: str
) -> None:
    from triage import i18n

    settings = tmp_path / "clinic.yaml"
    settings.write_text("language: es\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(prompts, "ask", Script([52, False, True]))  # saddle numbness
    from triage import words

    i18n.activate("en")
    try:
        assert app.run(_args(tmp_path, clinic=settings, lang=lang)) == 0
        assert i18n.active() == spoken
        assert words.LEVEL_TITLE["emergency"] in capsys.readouterr().out  # in the language spoken
    finally:
        i18n.activate("en")


# --- saving, interactively ---------------------------------------------------------------
@pytest.fixture
def benign(kb: KnowledgeBase, engine: Engine) -> Result:
    return examples.replay(kb, engine, examples.BENIGN)


class Dialog:
    """Stands in for the save dialog's select and text prompts."""

    def __init__(self, selects: list[str], texts: list[str]) -> None:
        self.selects, self.texts = iter(selects), iter(texts)
        self.messages: list[str] = []
        self.defaults: list[str] = []

    def select(self, message: str, choices: Any, ctx: PromptContext) -> str:
        self.messages.append(message)
        return next(self.selects)

    def text(self, message: str, default: str, validate: Any, ctx: PromptContext) -> str:
        self.messages.append(message)
        self.defaults.append(default)
        return next(self.texts)


def offer(kb: KnowledgeBase, result: Result, dialog: Dialog, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(prompts, "select", dialog.select)
    monkeypatch.setattr(prompts, "text", dialog.text)
    out = io.StringIO()
    app.offer_save(screens.make_console(True, file=out, width=80), kb, result, PromptContext(plain=True))
    return out.getvalue()


def test_saying_no_writes_nothing(kb: KnowledgeBase, benign: Result, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    offer(kb, benign, Dialog([""], []), monkeypatch)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("fmt", "default"), [
    pytest.param("markdown", "back-pain-summary.md", id="markdown"),
    pytest.param("json", "back-pain-summary.json", id="json"),
    pytest.param("fhir", "back-pain-summary.fhir.json", id="fhir"),
])
def test_saving_suggests_a_name_and_writes_0600(  # noqa: PLR0913  fixtures and parametrized cases
        kb: KnowledgeBase, benign: Result, tmp_path: Path, *, monkeypatch: pytest.MonkeyPatch, fmt: str,
        default: str) -> None:
    monkeypatch.chdir(tmp_path)
    dialog = Dialog([fmt], [default])
    out = offer(kb, benign, dialog, monkeypatch)
    assert dialog.defaults == [default]
    target = tmp_path / default
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text() == summaries.summary(kb, benign, fmt)
    assert constants.SAVED.format(path=default) in out


def test_existing_file_is_kept_unless_replacing_is_chosen(kb: KnowledgeBase, benign: Result,
                                                          tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.md").write_text("keep me")
    dialog = Dialog(["markdown", ""], ["mine.md", "other.md"])
    offer(kb, benign, dialog, monkeypatch)
    assert (tmp_path / "mine.md").read_text() == "keep me"
    assert (tmp_path / "other.md").exists()
    assert constants.SAVE_EXISTS.format(name="mine.md") in dialog.messages


def test_replacing_an_existing_file_when_asked(kb: KnowledgeBase, benign: Result, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.md").write_text("old")
    offer(kb, benign, Dialog(["markdown", "replace"], ["mine.md"]), monkeypatch)
    target = tmp_path / "mine.md"
    assert target.read_text().startswith("# ")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.md"]


def test_default_name_skips_taken_names(tmp_path: Path) -> None:
    (tmp_path / "back-pain-summary.md").write_text("")
    (tmp_path / "back-pain-summary-2.md").write_text("")
    assert save.free_name(tmp_path, "markdown").name == "back-pain-summary-3.md"


@pytest.mark.parametrize(("name", "ok"), [
    pytest.param("", False, id="empty"),
    pytest.param("   ", False, id="blank"),
    pytest.param(".", False, id="a-folder"),
    pytest.param("missing/summary.md", False, id="missing-folder"),
    pytest.param("summary.md", True, id="plain-name"),
])
def test_file_name_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, ok: bool) -> None:
    monkeypatch.chdir(tmp_path)
    verdict = app._file_name_check(name)
    assert (verdict is True) == ok
    if not ok:
        assert isinstance(verdict, str) and verdict.endswith(".")


# --- writing -------------------------------------------------------------------------------
def test_write_never_overwrites_by_default(tmp_path: Path) -> None:
    target = tmp_path / "x.md"
    target.write_text("keep")
    with pytest.raises(FileExistsError):
        save.write(target, "new")
    assert target.read_text() == "keep"


def test_write_creates_0600_even_with_a_lax_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        save.write(tmp_path / "x.md", "text")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "x.md").stat().st_mode) == 0o600


def test_interrupted_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(fd: int, mode: str) -> Any:
        os.close(fd)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fdopen", boom)
    with pytest.raises(KeyboardInterrupt):
        save.write(tmp_path / "x.md", "text")
    assert list(tmp_path.iterdir()) == []


def test_unknown_format_lists_the_valid_ones(kb: KnowledgeBase, benign: Result) -> None:
    with pytest.raises(ValueError, match="valid formats: fhir, json, markdown"):
        summaries.summary(kb, benign, "pdf")


def test_format_option_overrides_the_file_name(kb: KnowledgeBase, engine: Engine, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "for-the-clinic.txt"
    monkeypatch.setattr(prompts, "ask", Script(benign_replies(kb, engine)))
    args = _args(tmp_path, answers_out=target)
    args.save_format = "fhir"
    assert app.run(args) == 0
    assert json.loads(target.read_text())["resourceType"] == "QuestionnaireResponse"


def test_fhir_summary_is_valid_r4_and_assess_reads_it_back(kb: KnowledgeBase, benign: Result,
                                                          tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

    from triage.__main__ import main

    text = summaries.summary(kb, benign, "fhir")
    QuestionnaireResponse.model_validate_json(text)
    path = tmp_path / "summary.fhir.json"
    path.write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["assess", str(path), "--format", "json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["level"], [c["id"] for c in again["causes"]]) == (benign.level, benign.cause_ids)


# --- summary contents ---------------------------------------------------------------------
def test_markdown_summary_has_suggestion_causes_and_answers(kb: KnowledgeBase, benign: Result) -> None:
    import datetime

    text = summaries.markdown(kb, benign, today=datetime.date(2026, 1, 2))
    assert "2026-01-02" in text
    assert f"## {constants.SUMMARY_SUGGESTION}: {constants.LEVEL_TITLE['acupuncturist']}" in text
    assert "- **Muscle strain**" in text
    assert f"| {kb.question('age').text} | 38 |" in text
    assert "| Where is the pain? Choose all that apply. | Lower back |" in text
    assert benign.disclaimer in text
    assert constants.ACUPUNCTURE_EVIDENCE in text


def test_json_summary_is_the_result_with_answers(kb: KnowledgeBase, benign: Result) -> None:
    data = json.loads(summaries.summary(kb, benign, "json"))
    assert data == json.loads(benign.to_json(include_answers=True))
    assert data["source"] == "questionnaire"
    assert data["answers"]["pain_location"] == ["lower_back"]


# --- screens -------------------------------------------------------------------------------
def _text(renderable: Any, width: int = 40) -> str:
    out = io.StringIO()
    screens.make_console(False, file=out, width=width, color_system=None).print(renderable)
    return out.getvalue()


def _view(kb: KnowledgeBase, result: Result) -> Any:
    return screens.result_view(report.build(kb, result))


def test_result_puts_the_suggestion_first(kb: KnowledgeBase, benign: Result) -> None:
    text = _text(_view(kb, benign))
    first_words = " ".join(text.split()[:12])
    assert "Discuss with your acupuncturist" in first_words
    assert text.index("Discuss your back") < text.index(constants.HEADING_CAUSES.split()[0])


def test_result_says_because_you_said(kb: KnowledgeBase, benign: Result) -> None:
    text = " ".join(_text(_view(kb, benign), 80).split())
    said = report.said(kb, Matched(question="muscle_tension", answer=True))
    assert constants.BECAUSE_YOU_SAID.format(said=said) in text
    assert "Source: A clinic's article for patients" in text
    assert "(rule " not in text  # rule ids are for clinicians: the summary, explain and JSON
    summary = summaries.markdown(kb, benign)
    assert summary.count("(rule muscle_strain_signs)") == 1  # two answers, one explanation


@pytest.mark.parametrize("width", [pytest.param(40, id="40-columns"), pytest.param(80, id="80-columns")])
def test_screens_fit_the_width(kb: KnowledgeBase, engine: Engine, width: int) -> None:
    for answers in (examples.BENIGN, examples.EMERGENCY, examples.DOCTOR):
        result = examples.replay(kb, engine, answers)
        for line in _text(_view(kb, result), width).splitlines():
            assert len(line) <= width


def test_emergency_says_what_to_do_in_words(kb: KnowledgeBase, engine: Engine) -> None:
    result = examples.replay(kb, engine, examples.EMERGENCY)
    text = " ".join(_text(_view(kb, result), 80).replace("┃", " ").split())
    assert "EMERGENCY" in text
    assert constants.EMERGENCY_NOW in text
    assert constants.LEVEL_ADVICE["emergency"] in text
    assert "Possible cauda equina syndrome" in text
    assert "acupunct" not in text.lower()


def test_plain_result_is_render_plain(kb: KnowledgeBase, benign: Result) -> None:
    out = io.StringIO()
    screens.show_result(screens.make_console(True, file=out, width=60), kb, benign, plain=True)
    assert out.getvalue().strip() == render.plain(kb, benign, width=60).strip()


def test_plain_has_no_escape_codes_or_boxes(kb: KnowledgeBase, engine: Engine) -> None:
    out = io.StringIO()
    console = screens.make_console(True, file=out, width=40, force_terminal=True)
    console.print(screens.welcome(True))
    for answers in (examples.BENIGN, examples.EMERGENCY):
        screens.show_result(console, kb, examples.replay(kb, engine, answers), plain=True)
    text = out.getvalue()
    assert "\x1b[" not in text
    assert not set(text) & set("│─╭╮╰╯┃━┏┓┗┛•·›")


def test_no_color_keeps_words_but_drops_colour(kb: KnowledgeBase, engine: Engine,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    out = io.StringIO()
    console = screens.make_console(False, file=out, width=60, force_terminal=True)
    console.print(_view(kb, examples.replay(kb, engine, examples.EMERGENCY)))
    text = out.getvalue()
    assert "EMERGENCY" in text
    assert "\x1b[31m" not in text and "\x1b[1;31m" not in text


# --- --answers-out: checked before question 1, and never lost at the end ---------------------
def _refused(path: Path) -> str:
    from triage.errors import TriageError

    with pytest.raises(TriageError) as caught:
        app.check_output(path)
    assert caught.value.status == 2
    return str(caught.value)


def test_answers_out_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    from triage import errors

    assert _refused(tmp_path) == f"triage: {errors.OUTPUT_IS_FOLDER.format(path=tmp_path)}"


def test_answers_out_in_a_missing_folder_names_the_folder(tmp_path: Path) -> None:
    from triage import errors

    target = tmp_path / "nowhere" / "summary.md"
    assert _refused(target) == \
        f"triage: {errors.OUTPUT_NO_FOLDER.format(folder=tmp_path / 'nowhere', path=target)}"


def test_answers_out_under_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    assert "there is no folder" in _refused(tmp_path / "file" / "summary.md")


def test_answers_out_that_is_a_dangling_link_is_refused(tmp_path: Path) -> None:
    (tmp_path / "summary.md").symlink_to(tmp_path / "elsewhere.md")
    assert "already exists" in _refused(tmp_path / "summary.md")
    assert not (tmp_path / "elsewhere.md").exists()


def test_answers_out_in_a_folder_that_cannot_be_written_is_refused(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from triage import errors

    asked: list[tuple[str, int]] = []

    def access(path: Any, mode: int) -> bool:
        asked.append((str(path), mode))
        return False

    monkeypatch.setattr(os, "access", access)  # as root, os.access says every folder is writable
    target = tmp_path / "summary.md"
    assert _refused(target) == \
        f"triage: {errors.OUTPUT_NOT_WRITABLE.format(folder=tmp_path, path=target)}"
    assert asked == [(str(tmp_path), os.W_OK | os.X_OK)]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write to any folder")
def test_answers_out_in_a_read_only_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir(mode=0o500)
    try:
        assert "cannot be written to" in _refused(folder / "summary.md")
    finally:
        folder.chmod(0o700)


def test_answers_out_is_checked_before_the_first_question(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from triage.errors import TriageError

    monkeypatch.setattr(prompts, "ask", lambda *a: pytest.fail("asked a question"))
    for target in (tmp_path, tmp_path / "nowhere" / "summary.md"):
        with pytest.raises(TriageError):
            app.run(_args(tmp_path, answers_out=target))


def _as_if_in_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)


@pytest.mark.parametrize("where", [pytest.param("folder", id="a-folder"),
                                   pytest.param("nowhere/summary.md", id="missing-folder")])
def test_cli_refuses_answers_out_with_one_message_and_exit_2(cli: Callable[..., Any], tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             where: str) -> None:
    (tmp_path / "folder").mkdir()
    _as_if_in_a_terminal(monkeypatch)
    monkeypatch.setattr(prompts, "ask", lambda *a: pytest.fail("asked a question"))
    run = cli("--answers-out", tmp_path / where)
    assert run.status == 2
    assert run.err.startswith("triage: ") and len(run.err.splitlines()) == 1
    assert "Traceback" not in run.err
    assert run.out == ""  # not even the welcome


def _fail_once(monkeypatch: pytest.MonkeyPatch, error: OSError) -> list[Path]:
    """The first write fails with ``error`` (as the folder or disk would); later ones work."""
    real = save.write
    tried: list[Path] = []

    def write(path: Path, text: str, **kwargs: Any) -> None:
        tried.append(path)
        if len(tried) == 1:
            raise error
        real(path, text, **kwargs)

    monkeypatch.setattr(save, "write", write)
    return tried


class AnswersOutRun(Protocol):
    def __call__(self, dialog: Dialog, *, target: Path | None = None) -> int: ...


@pytest.fixture
def answers_out_run(kb: KnowledgeBase, engine: Engine, tmp_path: Path,
                    monkeypatch: pytest.MonkeyPatch) -> AnswersOutRun:
    """The questionnaire with ``--answers-out`` (``target``, else summary.md), answered as the benign
    example, in ``tmp_path``; ``dialog`` answers the save dialog, if any."""
    def run(dialog: Dialog, *, target: Path | None = None) -> int:
        monkeypatch.chdir(tmp_path)
        monkeypatch.setattr(prompts, "ask", Script(benign_replies(kb, engine)))
        monkeypatch.setattr(prompts, "select", dialog.select)
        monkeypatch.setattr(prompts, "text", dialog.text)
        return app.run(_args(tmp_path, answers_out=target or tmp_path / "summary.md"))

    return run


class GiveUp(Dialog):
    """A save dialog where the person stops (Ctrl-C or end of input) at the file name."""

    def __init__(self, error: type[BaseException]) -> None:
        super().__init__([], [])
        self.error = error

    def text(self, message: str, default: str, validate: Any, ctx: PromptContext) -> str:
        self.messages.append(message)
        raise self.error


def test_failed_save_asks_for_another_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str],
                                           answers_out_run: AnswersOutRun) -> None:
    _fail_once(monkeypatch, PermissionError(13, "Permission denied"))
    dialog = Dialog([], ["other.md"])
    assert answers_out_run(dialog) == 0
    out = capsys.readouterr().out
    assert constants.SAVE_FAILED.format(path="summary.md", reason="Permission denied") in out
    assert dialog.messages == [constants.SAVE_OTHER_NAME]
    assert constants.SAVED.format(path="other.md") in out
    assert not (tmp_path / "summary.md").exists()
    assert stat.S_IMODE((tmp_path / "other.md").stat().st_mode) == 0o600
    assert (tmp_path / "other.md").read_text().startswith(f"# {constants.SUMMARY_TITLE}")


def test_another_name_chooses_its_own_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             answers_out_run: AnswersOutRun) -> None:
    _fail_once(monkeypatch, OSError(28, "No space left on device"))
    dialog = Dialog([], ["other.json"])
    assert answers_out_run(dialog, target=tmp_path / "summary.md") == 0
    assert json.loads((tmp_path / "other.json").read_text())["level"] == "acupuncturist"


def test_empty_name_shows_the_summary_instead(kb: KnowledgeBase, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str],
                                              answers_out_run: AnswersOutRun) -> None:
    _fail_once(monkeypatch, OSError(28, "No space left on device"))
    status = answers_out_run(Dialog([], [""]), target=tmp_path / "x.json")
    assert status == 1
    out = capsys.readouterr().out
    assert constants.SAVE_FAILED.format(path="x.json", reason="No space left on device") in out
    shown = out[out.index(constants.SAVE_SHOWN_INSTEAD):]
    assert f"# {constants.SUMMARY_TITLE}" in shown  # Markdown, whatever the format asked for
    assert f"| {kb.question('age').text} | 38 |" in shown
    assert list(tmp_path.iterdir()) == []


def test_the_other_name_may_be_empty_but_is_still_checked(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert app._name_or_nothing_check("") is True
    assert app._name_or_nothing_check("  ") is True
    assert app._name_or_nothing_check(".") == constants.SAVE_IS_FOLDER.format(name=".")
    assert app._name_or_nothing_check("other.md") is True


@pytest.mark.parametrize("error", [pytest.param(KeyboardInterrupt, id="ctrl-c"),
                                   pytest.param(EOFError, id="end-of-input")])
def test_giving_up_shows_the_summary_and_stops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str],
                                               answers_out_run: AnswersOutRun, *,
                                               error: type[BaseException]) -> None:
    _fail_once(monkeypatch, PermissionError(13, "Permission denied"))
    with pytest.raises(error):
        answers_out_run(GiveUp(error))
    out = capsys.readouterr().out
    assert constants.SAVE_SHOWN_INSTEAD in out
    assert f"# {constants.SUMMARY_TITLE}" in out
    assert list(tmp_path.iterdir()) == []


def test_folder_removed_during_the_questions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str],
                                             answers_out_run: AnswersOutRun) -> None:
    folder = tmp_path / "clinic"
    folder.mkdir()
    check = app.check_output

    def check_then_remove(path: Path) -> None:
        check(path)  # passes: the folder is there when the questions start
        folder.rmdir()  # and is gone by the end

    monkeypatch.setattr(app, "check_output", check_then_remove)
    dialog = Dialog([], ["kept.md"])
    assert answers_out_run(dialog, target=folder / "summary.md") == 0
    out = capsys.readouterr().out
    assert "Could not save to clinic/summary.md: No such file or directory." in out
    assert (tmp_path / "kept.md").exists()


def test_file_created_during_the_questions_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str],
                                                   answers_out_run: AnswersOutRun) -> None:
    target = tmp_path / "summary.md"
    check = app.check_output

    def check_then_create(path: Path) -> None:
        check(path)
        target.write_text("someone else's")

    monkeypatch.setattr(app, "check_output", check_then_create)
    # the same name again is asked about (not replaced); the person keeps it and gives up
    dialog = Dialog([""], ["summary.md", ""])
    assert answers_out_run(dialog, target=target) == 1
    assert target.read_text() == "someone else's"
    assert constants.SAVE_EXISTS.format(name="summary.md") in dialog.messages
    out = capsys.readouterr().out
    assert "Could not save to summary.md: File exists." in out
    assert constants.SAVE_SHOWN_INSTEAD in out


def test_cli_ctrl_c_after_a_failed_save_shows_the_summary_and_exits_130(
        cli: Callable[..., Any], kb: KnowledgeBase, engine: Engine, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _as_if_in_a_terminal(monkeypatch)
    monkeypatch.setattr(prompts, "ask", Script(benign_replies(kb, engine)))
    monkeypatch.setattr(prompts, "text", GiveUp(KeyboardInterrupt).text)
    _fail_once(monkeypatch, PermissionError(13, "Permission denied"))
    run = cli("--plain", "--answers-out", tmp_path / "summary.md")
    assert run.status == 130
    assert constants.SAVE_SHOWN_INSTEAD in run.out
    assert f"# {constants.SUMMARY_TITLE}" in run.out
    assert constants.CANCELLED in run.err
    assert "Traceback" not in run.err
    assert list(tmp_path.iterdir()) == []


# --- how the prompts are put: typed with --plain, a first "Yes" with an arrow otherwise ------------
@pytest.mark.parametrize("plain", [pytest.param(False, id="arrows"), pytest.param(True, id="plain")])
def test_plain_answers_are_typed_and_arrows_need_a_move_for_a_first_yes(
        kb: KnowledgeBase, engine: Engine, monkeypatch: pytest.MonkeyPatch, plain: bool) -> None:
    _, script, _ = drive(kb, engine, [40, False], monkeypatch, plain=plain)
    for _, _, ctx in script.asked:
        assert (ctx.plain, ctx.typed, ctx.explicit_choice) == (plain, plain, not plain)


def test_the_plain_welcome_says_to_type_the_answers() -> None:
    out = io.StringIO()
    screens.make_console(True, file=out, width=200).print(screens.welcome(True, typed=True))
    assert constants.KEYS_HELP_TYPED.replace(" · ", "; ") in out.getvalue()
    assert "arrows" not in out.getvalue()


# --- after an emergency: change my last answer, or finish --------------------------------------------
class Offers:
    """Stands in for the list prompts after the questions: the change offer, then saving."""

    def __init__(self, change: list[bool]) -> None:
        self.change = iter(change)
        self.messages: list[str] = []

    def select(self, message: str, choices: Any, ctx: PromptContext) -> str:
        self.messages.append(message)
        if message == constants.CHANGE_LAST_OFFER:
            assert [value for _, value in choices] == ["", "change"]  # Finish first: an Enter finishes
            assert [title for title, _ in choices] == [constants.CHANGE_LAST_FINISH, constants.CHANGE_LAST]
            return "change" if next(self.change) else ""
        return ""  # no summary


def test_after_an_emergency_the_last_question_can_be_asked_again(
        kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    script = Script([52, False, True, False])  # yes to saddle numbness, changed to no; then the input ends
    offers = Offers([True])
    monkeypatch.setattr(prompts, "ask", script)
    monkeypatch.setattr(prompts, "select", offers.select)
    with pytest.raises(EOFError):
        app.run(_args(tmp_path, plain=False))
    assert [(qid, previous) for qid, previous, _ in script.asked] == [
        ("age", None), ("recent_trauma", None), ("saddle_numbness", None),
        ("saddle_numbness", True),  # asked again, with the answer given before
        ("bladder_bowel_change", None),  # and the questionnaire goes on
    ]
    assert offers.messages == [constants.CHANGE_LAST_OFFER]
    out = capsys.readouterr().out
    assert out.index(constants.LEVEL_TITLE["emergency"]) < out.index(constants.BACK_TO.format(number=3))


def test_changing_the_last_answer_works_the_result_out_again(
        kb: KnowledgeBase, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    replies = benign_replies(kb, engine)
    assert kb.question("saddle_numbness") == kb.questions[2]
    offers = Offers([True])
    monkeypatch.setattr(prompts, "ask", Script([*replies[:2], True, *replies[2:]]))
    monkeypatch.setattr(prompts, "select", offers.select)
    assert app.run(_args(tmp_path, plain=False)) == 0
    assert offers.messages == [constants.CHANGE_LAST_OFFER, constants.SAVE_QUESTION]
    out = capsys.readouterr().out
    after = out[out.index(constants.BACK_TO.format(number=3)):]
    assert constants.LEVEL_TITLE["emergency"] in out[:len(out) - len(after)]
    assert constants.LEVEL_TITLE["acupuncturist"] in after
    assert constants.LEVEL_TITLE["emergency"] not in after


def test_finish_leaves_what_to_do_now_as_the_last_lines(kb: KnowledgeBase, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    offers = Offers([False])
    monkeypatch.setattr(prompts, "ask", Script([52, False, True]))
    monkeypatch.setattr(prompts, "select", offers.select)
    assert app.run(_args(tmp_path, plain=False)) == 0
    assert offers.messages == [constants.CHANGE_LAST_OFFER]
    assert capsys.readouterr().out.rstrip().splitlines()[-1] == constants.CLOSING_EMERGENCY_NO_NUMBER


@pytest.mark.parametrize("extra", [pytest.param({"plain": True}, id="plain"),
                                   pytest.param({"plain": False, "answers_out": "summary.json"},
                                                id="answers-out")])
def test_no_offer_to_change_with_plain_or_answers_out(kb: KnowledgeBase, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      extra: dict[str, Any]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(prompts, "ask", Script([52, False, True]))
    monkeypatch.setattr(prompts, "select", lambda *a, **k: pytest.fail("offered a change"))
    if "answers_out" in extra:
        extra = {**extra, "answers_out": tmp_path / extra["answers_out"]}
    assert app.run(_args(tmp_path, **extra)) == 0


# --- clear at the end (a shared computer at a clinic) ----------------------------------------------------
class Waits:
    """Stands in for the wait for Enter before the screen is cleared."""

    def __init__(self, error: type[BaseException] | None = None) -> None:
        self.messages: list[str] = []
        self.error = error

    def __call__(self, message: str, ctx: PromptContext) -> None:
        self.messages.append(message)
        if self.error is not None:
            raise self.error


@pytest.fixture
def clear_setting(tmp_path: Path) -> Callable[[str], dict[str, Any]]:
    def setting(how: str) -> dict[str, Any]:
        if how == "flag":
            return {"clear_at_end": True}
        path = tmp_path / "clinic.yaml"
        path.write_text("name: Riverside Clinic\nclear_at_end: true\n", encoding="utf-8")
        return {"clinic": path}

    return setting


CLEAR_SOURCES = [pytest.param("flag", id="flag"), pytest.param("clinic", id="clinic-setting")]


@pytest.mark.parametrize("how", CLEAR_SOURCES)
@pytest.mark.parametrize("plain", [pytest.param(False, id="arrows"), pytest.param(True, id="plain")])
def test_clear_at_end_waits_for_enter_then_clears_screen_and_scrollback(  # noqa: PLR0913  fixtures and parametrized cases
        kb: KnowledgeBase, engine: Engine, tmp_path: Path, *, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], clear_setting: Callable[[str], dict[str, Any]], how: str,
        plain: bool) -> None:
    waits = Waits()
    monkeypatch.setattr(prompts, "ask", Script(benign_replies(kb, engine)))
    monkeypatch.setattr(prompts, "select", Offers([]).select)
    monkeypatch.setattr(prompts, "wait_for_enter", waits)
    assert app.run(_args(tmp_path, plain=plain, **clear_setting(how))) == 0
    out = capsys.readouterr().out
    assert waits.messages == [constants.CLEAR_AT_END_WAIT]
    assert out.endswith(screens.CLEAR_ALL) and out.count(screens.CLEAR_ALL) == 1
    assert constants.LEVEL_TITLE["acupuncturist"] in out  # the result was shown first


def test_clear_at_end_after_an_emergency_finished(kb: KnowledgeBase, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    waits = Waits()
    monkeypatch.setattr(prompts, "ask", Script([52, False, True]))
    monkeypatch.setattr(prompts, "select", Offers([False]).select)
    monkeypatch.setattr(prompts, "wait_for_enter", waits)
    assert app.run(_args(tmp_path, plain=False, clear_at_end=True)) == 0
    out = capsys.readouterr().out
    assert waits.messages == [constants.CLEAR_AT_END_WAIT]
    closing = out.index(constants.CLOSING_EMERGENCY_NO_NUMBER)
    assert out.index(screens.CLEAR_ALL) > closing


def test_without_clear_at_end_nothing_is_cleared(kb: KnowledgeBase, engine: Engine, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(prompts, "ask", Script(benign_replies(kb, engine)))
    monkeypatch.setattr(prompts, "select", Offers([]).select)
    monkeypatch.setattr(prompts, "wait_for_enter", Waits(AssertionError))
    assert app.run(_args(tmp_path)) == 0
    out = capsys.readouterr().out
    assert "\x1b[3J" not in out and "\x1b[2J" not in out


@pytest.mark.parametrize("error", [pytest.param(KeyboardInterrupt, id="ctrl-c"),
                                   pytest.param(EOFError, id="end-of-input")])
def test_ctrl_c_or_end_of_input_at_the_wait_still_clears(  # noqa: PLR0913  fixtures and parametrized cases
        kb: KnowledgeBase, engine: Engine, tmp_path: Path, *, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], error: type[BaseException]) -> None:
    monkeypatch.setattr(prompts, "ask", Script(benign_replies(kb, engine)))
    monkeypatch.setattr(prompts, "select", Offers([]).select)
    monkeypatch.setattr(prompts, "wait_for_enter", Waits(error))
    assert app.run(_args(tmp_path, clear_at_end=True)) == 0  # as the program ends without the wait
    assert capsys.readouterr().out.endswith(screens.CLEAR_ALL)


def test_stopping_before_any_result_clears_at_once(kb: KnowledgeBase, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    waits = Waits()
    monkeypatch.setattr(prompts, "ask", Script([40, False, KeyboardInterrupt()]))
    monkeypatch.setattr(prompts, "wait_for_enter", waits)
    with pytest.raises(KeyboardInterrupt):
        app.run(_args(tmp_path, clear_at_end=True))
    assert waits.messages == []  # nothing to read: the answers go at once
    assert capsys.readouterr().out.endswith(screens.CLEAR_ALL)


def test_stopping_after_the_result_waits_then_clears_and_still_stops(
        kb: KnowledgeBase, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    waits = Waits()

    def stop(*args: Any) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(prompts, "ask", Script(benign_replies(kb, engine)))
    monkeypatch.setattr(prompts, "select", stop)  # Ctrl-C when asked whether to save
    monkeypatch.setattr(prompts, "wait_for_enter", waits)
    with pytest.raises(KeyboardInterrupt):
        app.run(_args(tmp_path, clear_at_end=True))
    assert waits.messages == [constants.CLEAR_AT_END_WAIT]
    assert capsys.readouterr().out.endswith(screens.CLEAR_ALL)


def test_clear_at_end_is_a_flag_of_the_questionnaire() -> None:
    from triage.__main__ import build_parser

    parser = build_parser()
    assert parser.parse_args(["--clear-at-end"]).clear_at_end is True
    assert parser.parse_args([]).clear_at_end is False
    assert "--clear-at-end" in parser.format_help()


def test_clear_all_clears_the_screen_then_the_scrollback() -> None:
    out = io.StringIO()
    screens.clear_all(screens.make_console(True, file=out))
    assert out.getvalue() == "\x1b[H\x1b[2J\x1b[3J"
