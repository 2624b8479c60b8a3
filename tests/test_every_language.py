"""Every public vignette reaches the same outcome in every language, by every way in.

The level, possible causes, warning signs, the number of questions asked and whether
acupuncture may be discussed are compared with English's for each vignette: in ``triage
assess`` (the command, JSON), at the terminal (the program, its prompts answered) and at the
kiosk (its pages, in the language chosen on the welcome page). A question a vignette leaves
blank is answered with a stand-in, the same in every language, where a screen cannot leave it
blank.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_web import DOWNLOADS_ON, Kiosk, stand_in
from vignette_answers import answers_for, read, vignette_files, write_answers

from triage import i18n, loader
from triage.engine import Engine
from triage.models import AnswerValue, KnowledgeBase, Question
from triage.terminal import prompts
from triage.web.app import create_app

LANGUAGES = [tag for tag in i18n.offered() if tag != i18n.ENGLISH]
VIGNETTES = vignette_files()

pytestmark = pytest.mark.slow  # every vignette, in every language, three ways


ENGLISH: dict[tuple[str, str], tuple[Any, ...]] = {}
"""English's outcomes, by way in and vignette: worked out once for all the languages compared."""


def outcome(result: Mapping[str, Any]) -> tuple[Any, ...]:
    """What must not depend on the language: level, causes, warning signs, questions, acupuncture."""
    return (result["level"], [c["id"] for c in result["causes"]], [f["id"] for f in result["red_flags"]],
            result["questions_asked"], result["complete"], result["unanswered"],
            result["acupuncture"]["suggested"])


def test_the_languages_compared_are_the_clinics() -> None:
    assert {"es", "zh-Hans", "zh-Hant"} <= set(LANGUAGES)
    assert len(VIGNETTES) >= 80


# --- triage assess ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def english_kb() -> KnowledgeBase:
    return loader.load(language=i18n.ENGLISH)


def assessed(cli: Callable[..., Any], tag: str, files: list[Path]) -> list[tuple[Any, ...]]:
    run = cli("--lang", tag, "assess", *files, "--format", "json")
    assert run.status == 0, run.err
    results = [json.loads(line) for line in run.out.splitlines()]
    assert all(r["language"] == tag for r in results)
    return [outcome(r) for r in results]


@pytest.mark.parametrize("tag", LANGUAGES)
def test_assess_gives_every_vignette_the_english_outcome(
        tag: str, english_kb: KnowledgeBase, cli: Callable[..., Any], tmp_path: Path) -> None:
    files = [write_answers(english_kb, v, tmp_path) for v in VIGNETTES]
    try:
        assert assessed(cli, tag, files) == assessed(cli, i18n.ENGLISH, files)
    finally:
        i18n.activate(i18n.ENGLISH)


# --- at the terminal ------------------------------------------------------------------------------
def terminal_outcome(cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, tag: str,
                     given: Mapping[str, AnswerValue], out: Path) -> tuple[Any, ...]:
    """The questionnaire at the terminal in ``tag``, each prompt answered from ``given`` (a stand-in
    where it has none), its summary saved as JSON."""
    def ask(question: Question, previous: AnswerValue | None, ctx: prompts.PromptContext) -> AnswerValue:
        value = given.get(question.id)
        if value is None:
            return () if question.type == "multi" and question.id not in given else stand_in(question)
        if isinstance(value, tuple | list):  # ticked options, in the question's order
            return tuple(o for o in question.option_ids if o in value)
        return value

    monkeypatch.setattr(prompts, "ask", ask)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)  # as at a terminal
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    try:
        run = cli("--lang", tag, "--plain", "--answers-out", out)
    finally:
        i18n.activate(i18n.ENGLISH)
    assert run.status == 0, run.err
    return outcome(json.loads(out.read_text(encoding="utf-8")))


@pytest.mark.parametrize("tag", LANGUAGES)
def test_the_terminal_gives_every_vignette_the_english_outcome(
        tag: str, english_kb: KnowledgeBase, cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    for n, path in enumerate(VIGNETTES):
        given = answers_for(english_kb, read(path))
        theirs = terminal_outcome(cli, monkeypatch, tag, given, tmp_path / f"{n}-{tag}.json")
        if ("terminal", path.stem) not in ENGLISH:
            ENGLISH["terminal", path.stem] = terminal_outcome(cli, monkeypatch, i18n.ENGLISH, given,
                                                              tmp_path / f"{n}-en.json")
        assert theirs == ENGLISH["terminal", path.stem], path.stem


# --- at the kiosk ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def kiosk_app(engine: Engine) -> Any:
    return create_app(loader.load(language=i18n.ENGLISH), engine, clinic=DOWNLOADS_ON)


@pytest.fixture
def client(kiosk_app: Any) -> Iterator[TestClient]:
    with TestClient(kiosk_app, raise_server_exceptions=False) as found:
        yield found


class VisitIn(Kiosk):
    """A visit that chooses its language on the welcome page, then presses Start."""

    tag: str = i18n.ENGLISH

    def start(self) -> Any:
        welcome = self.get(f"/?lang={self.tag}")
        assert f'<html lang="{self.tag}">' in welcome.text
        page = self.post("/start", {"csrf": self.csrf}, follow_redirects=True)
        assert page.url.path == "/question/1"
        assert f'<html lang="{self.tag}">' in page.text
        return page


def kiosk_outcome(client: TestClient, kb: KnowledgeBase, tag: str,
                  given: Mapping[str, AnswerValue]) -> tuple[Any, ...]:
    client.cookies.clear()
    visit = VisitIn(kb, client)
    visit.tag = tag
    visit.play(given, blank=stand_in)
    result = visit.summary()
    assert result["language"] == tag
    return outcome(result)


@pytest.mark.parametrize("tag", LANGUAGES)
def test_the_kiosk_gives_every_vignette_the_english_outcome(
        tag: str, english_kb: KnowledgeBase, client: TestClient) -> None:
    for path in VIGNETTES:
        given = answers_for(english_kb, read(path))
        if ("kiosk", path.stem) not in ENGLISH:
            ENGLISH["kiosk", path.stem] = kiosk_outcome(client, english_kb, i18n.ENGLISH, given)
        assert kiosk_outcome(client, english_kb, tag, given) == ENGLISH["kiosk", path.stem], path.stem
