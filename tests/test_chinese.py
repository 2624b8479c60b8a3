"""Chinese, end to end: the real program in a pseudo-terminal, in both scripts and at 80 and 40
columns, to an emergency screen and to a result; and the clinician's summary in another language.

The Chromium walk through the kiosk in both scripts is in ``test_web_browser.py`` and the
same-result-in-every-language check over every vignette in ``test_every_language.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from pty_terminal import Terminal

from triage import i18n, loader, qtypes, summaries, textwidth, words
from triage.engine import Engine
from triage.flow import Interview
from triage.models import AnswerValue, KnowledgeBase, Question
from triage.pipeline import assess
from triage.terminal import examples

SCRIPTS = [pytest.param("zh-Hans", id="simplified"), pytest.param("zh-Hant", id="traditional")]
SIZES = [pytest.param(24, 80, id="80x24"), pytest.param(30, 40, id="40x30")]
DOWN, UP, ENTER = "j", "k", "\r"


def arrow_keys(question: Question, value: AnswerValue) -> str:
    if question.type == "yes_no":  # a first "Yes" needs an arrow key before Enter: down, then up
        return {True: DOWN + UP, False: DOWN, "not_sure": DOWN * 2}[value] + ENTER
    if question.type in ("number", "scale"):
        return f"{value}{ENTER}"
    if question.type == "choice":
        return DOWN * question.option_ids.index(str(value)) + ENTER
    out, at = "", 0
    for index, option in enumerate(question.option_ids):
        if isinstance(value, tuple) and option in value:
            out += DOWN * (index - at) + " "
            at = index
    return out + ENTER


def typed(question: Question, value: AnswerValue) -> str:
    """What a person types with ``--plain``: a yes/no answer by its Chinese word, a list by numbers."""
    if question.type == "yes_no":
        return qtypes.of(question).answer_text(question, value)
    if question.type in ("number", "scale"):
        return str(value)
    chosen = value if isinstance(value, tuple) else (value,)
    return "、".join(str(question.option_ids.index(str(option)) + 1) for option in chosen)


def reply(question: Question, answers: Mapping[str, AnswerValue]) -> AnswerValue:
    if question.id not in answers and question.type == "multi":  # the checklist asked last: none
        return ()
    return answers[question.id]


@pytest.mark.slow
@pytest.mark.parametrize(("rows", "cols"), SIZES)
@pytest.mark.parametrize("tag", SCRIPTS)
def test_a_chinese_emergency_in_a_real_terminal(terminals: list[Terminal], engine: Engine, tag: str,
                                                rows: int, cols: int) -> None:
    """Arrow keys, in Chinese, at 80 and 40 columns: the emergency screen, what to do now last,
    and no line of it wider than the screen (pyte keeps each wide character in two cells)."""
    with i18n.override(tag):
        kb = loader.load()
        emergency, now = words.LEVEL_TITLE["emergency"], words.CLOSING_EMERGENCY_NO_NUMBER
    terminal = Terminal(rows, cols, "--lang", tag)
    terminals.append(terminal)
    interview = Interview(kb, engine)
    while interview.current is not None:
        question = interview.current
        terminal.wait(rf"第{interview.number}[题題]")
        value = reply(question, examples.EMERGENCY)
        terminal.child.send(arrow_keys(question, value))
        interview.answer(value)
    terminal.wait(re.escape(emergency))
    terminal.child.send(ENTER)  # Finish, the first choice after an emergency
    assert terminal.finish() == 0
    seen = "".join(terminal.screen())
    assert emergency in seen
    assert words_of(seen).endswith(words_of(now))  # what to do now, the last thing on screen
    assert all(textwidth.cells(line) <= cols for line in terminal.screen())


def words_of(text: str) -> str:
    return "".join(text.split())


@pytest.mark.slow
@pytest.mark.parametrize("tag", SCRIPTS)
def test_a_chinese_visit_to_a_result_with_the_summary_in_english(
        terminals: list[Terminal], engine: Engine, tmp_path: Path, tag: str) -> None:
    """Typed answers in Chinese (``--plain``) to a result, saved for a clinician who reads English:
    the person sees Chinese, the summary is English and quotes each answer as the person read it."""
    with i18n.override(tag):
        kb = loader.load()
        title, notice = words.LEVEL_TITLE["acupuncturist"], words.NOT_REVIEWED
    out = tmp_path / "summary.md"
    terminal = Terminal(40, 100, "--lang", tag, "--plain", "--answers-out", str(out), "--summary-lang", "en")
    terminals.append(terminal)
    interview = Interview(kb, engine)
    while interview.current is not None:
        question = interview.current
        terminal.wait(rf"第{interview.number}[题題]")
        value = reply(question, examples.BENIGN)
        with i18n.override(tag):
            terminal.child.sendline(typed(question, value))
        interview.answer(value)
    assert terminal.finish() == 0
    shown = words_of(terminal.output)
    assert words_of(title) in shown and words_of(notice)[:10] in shown
    text = out.read_text(encoding="utf-8")
    english = loader.load(language=i18n.ENGLISH)
    assert english.questionnaire.title in text or "Back-pain" in text
    assert "Suggestion: Discuss with your acupuncturist" in text
    age = kb.question("age").text
    assert f"the person read “{' '.join(age.split())}”" in text  # their own words, quoted
    assert oct(out.stat().st_mode & 0o777) == "0o600"


# --- the clinician's language, without a terminal ----------------------------------------------------
@pytest.fixture
def chinese_result(engine: Engine) -> Iterator[tuple[KnowledgeBase, object]]:
    with i18n.override("zh-Hans"):
        kb = loader.load()
        yield kb, assess(kb, examples.DOCTOR, source="questionnaire", engine=engine)


def test_a_markdown_summary_in_the_clinicians_language_quotes_the_persons_words(
        chinese_result: tuple[KnowledgeBase, object]) -> None:
    kb, result = chinese_result
    with i18n.override("zh-Hans"):
        text = summaries.summary(kb, result, "markdown", "es")  # type: ignore[arg-type]
        seen = {qid: (kb.question(qid).text, qtypes.answer_text(kb, qid, value))
                for qid, value in result.answers.items()}  # type: ignore[attr-defined]
        assert i18n.active() == "zh-Hans"  # the person's language is back after the summary
    spanish = loader.load(language="es")
    assert spanish.question("age").text.split("(")[0].strip() in text
    for question, answer in seen.values():
        assert f"«{' '.join(question.split())}» y respondió «{answer}»" in text
    assert "La persona respondió en 简体中文" in text
    with i18n.override("es"):
        assert words.LEVEL_TITLE["doctor"] in text


def test_the_fhir_response_carries_the_persons_language_and_words(
        chinese_result: tuple[KnowledgeBase, object]) -> None:
    kb, result = chinese_result
    with i18n.override("zh-Hans"):
        data = json.loads(summaries.summary(kb, result, "fhir", "en"))  # type: ignore[arg-type]
        same = json.loads(summaries.summary(kb, result, "fhir"))  # type: ignore[arg-type]
    assert data["language"] == same["language"] == "zh-Hans"
    assert data["item"] == same["item"]  # the items as the person read them, whoever reads the rest
    age = next(item for item in data["item"] if item["linkId"] == "age")
    assert age["text"] == " ".join(kb.question("age").text.split())
    english = loader.load(language=i18n.ENGLISH)
    assert english.question("age").text in data["text"]["div"]  # the narrative, for the clinician
    assert kb.question("age").text not in data["text"]["div"]


def test_the_same_result_in_any_summary_language(chinese_result: tuple[KnowledgeBase, object]) -> None:
    kb, result = chinese_result
    with i18n.override("zh-Hans"):
        for tag in ("en", "es", "zh-Hant"):
            read = summaries.reading(kb, result, tag)  # type: ignore[arg-type]
            assert (read.result.level, read.result.cause_ids, read.result.red_flag_ids,
                    read.result.answers) == (result.level, result.cause_ids,  # type: ignore[attr-defined]
                                             result.red_flag_ids, result.answers)  # type: ignore[attr-defined]
            assert read.result.language == tag and read.person_language == "zh-Hans"


def test_an_unknown_summary_language_is_refused_with_the_ones_there_are(
        capsys: pytest.CaptureFixture[str]) -> None:
    from triage.__main__ import main

    with pytest.raises(SystemExit) as stopped:
        main(["--summary-lang", "xx"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "`xx`" in err and "zh-Hant (繁體中文)" in err and "Traceback" not in err


def test_a_chinese_download_keeps_its_name_whole() -> None:
    from triage.web.app import disposition

    header = disposition("背痛摘要.md")
    assert header.startswith('attachment; filename="back-pain-summary.md"; ')
    assert "filename*=UTF-8''%E8%83%8C%E7%97%9B%E6%91%98%E8%A6%81.md" in header
    assert disposition("back-pain-summary.json") == (
        "attachment; filename=\"back-pain-summary.json\"; filename*=UTF-8''back-pain-summary.json")


@pytest.mark.parametrize(("tag", "stem"), [("en", "back-pain-summary"), ("es", "resumen-dolor-de-espalda"),
                                           ("zh-Hans", "背痛摘要"), ("zh-Hant", "背痛摘要")])
def test_a_summary_is_saved_under_a_name_in_the_persons_language(tag: str, stem: str) -> None:
    with i18n.override(tag):
        assert summaries.file_stem() == stem


def test_the_kiosks_printout_and_qr_code_are_in_the_clinics_summary_language(engine: Engine) -> None:
    """A visit in Chinese at a clinic whose practitioner reads English: the page is Chinese, the
    printed sheet and the QR code's text English, with the person's answers in their own words."""
    from fastapi.testclient import TestClient
    from test_web import Kiosk

    from triage.clinic import Clinic
    from triage.web.app import create_app

    english = loader.load(language=i18n.ENGLISH)
    clinic = Clinic(summary_language="en", handoff=("print", "qr"))
    with TestClient(create_app(english, engine, clinic=clinic), raise_server_exceptions=False) as client:
        visit = Kiosk(english, client)
        visit.get("/?lang=zh-Hans")
        visit.post("/start", {"csrf": visit.csrf}, follow_redirects=True)
        visit.send("age", 70, follow_redirects=True)
        page = visit.send("recent_trauma", True, follow_redirects=True)
        assert page.url.path == "/result"
        printed = client.get("/print").text
    assert '<html lang="zh-Hans">' in printed
    sheet = printed[printed.index('<section class="print-sheet'):]
    assert 'lang="en"' in sheet.split(">", 1)[0]
    assert words.SUMMARY_TITLE in sheet and "Suggestion: EMERGENCY." in sheet
    with i18n.override("zh-Hans"):
        chinese = loader.load()
        yes = words.YES
    question = " ".join(chinese.question("recent_trauma").text.split())
    assert f"the person read “{question}” and answered “{yes}”" in sheet
