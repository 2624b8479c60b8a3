"""Snapshots of the result and emergency screens, plain and styled, at 40 and 80 columns.

The snapshots live in tests/snapshots/. After an intended change to a
screen (or to the words in the knowledge base), regenerate them with

    UPDATE_SNAPSHOTS=1 uv run pytest tests/test_terminal_snapshots.py

and review the difference before committing it. The knowledge base version
is replaced by a fixed word, so only visible changes alter a snapshot.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from triage.engine import Engine
from triage.models import AnswerValue, KnowledgeBase
from triage.result import KbInfo, Result
from triage.terminal import examples, screens

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"

SCENARIOS: dict[str, dict[str, AnswerValue]] = {
    "result-acupuncturist": examples.BENIGN,
    "result-doctor": examples.DOCTOR,
    "emergency": examples.EMERGENCY,
}


def fixed(result: Result) -> Result:
    info = KbInfo(version="snapshot", fingerprint="snapshot", questions=result.knowledge_base.questions,
                  rules=result.knowledge_base.rules)
    return result.model_copy(update={"knowledge_base": info})


def render(kb: KnowledgeBase, result: Result, width: int, style: str) -> str:
    out = io.StringIO()
    if style == "plain":
        console = screens.make_console(True, file=out, width=width)
    else:
        console = screens.make_console(False, file=out, width=width, color_system="standard",
                                       force_terminal=True)
    screens.show_result(console, kb, result, plain=style == "plain")
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines()) + "\n"


def check(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"no snapshot {path.name}; create it with UPDATE_SNAPSHOTS=1")
    assert text == path.read_text(encoding="utf-8"), (
        f"{path.name} changed; if intended, regenerate with UPDATE_SNAPSHOTS=1 and review the diff"
    )


@pytest.mark.parametrize("scenario", [pytest.param(s, id=s) for s in SCENARIOS])
@pytest.mark.parametrize("width", [pytest.param(40, id="40"), pytest.param(80, id="80")])
@pytest.mark.parametrize("style", [pytest.param("plain", id="plain"), pytest.param("styled", id="styled")])
def test_screen_snapshot(kb: KnowledgeBase, engine: Engine, scenario: str, width: int, style: str) -> None:
    result = fixed(examples.replay(kb, engine, SCENARIOS[scenario]))
    suffix = "txt" if style == "plain" else "ansi"
    check(f"{scenario}-{width}-{style}.{suffix}", render(kb, result, width, style))


@pytest.mark.parametrize("style", [pytest.param("plain", id="plain"), pytest.param("styled", id="styled"),
                                   pytest.param("typed", id="typed")])
def test_welcome_snapshot(style: str) -> None:
    """The welcome; ``typed`` is the questionnaire's with --plain, where answers are typed."""
    out = io.StringIO()
    plain = style != "styled"
    console = screens.make_console(plain, file=out, width=40, color_system="standard",
                                   force_terminal=not plain)
    console.print(screens.welcome(plain, typed=style == "typed"))
    text = "\n".join(line.rstrip() for line in out.getvalue().splitlines()) + "\n"
    check(f"welcome-40-{style}.{'txt' if plain else 'ansi'}", text)


def test_snapshots_have_no_stray_files() -> None:
    expected = {f"{s}-{w}-{m}.{'txt' if m == 'plain' else 'ansi'}"
                for s in SCENARIOS for w in (40, 80) for m in ("plain", "styled")}
    expected |= {"welcome-40-plain.txt", "welcome-40-styled.ansi", "welcome-40-typed.txt"}
    assert {p.name for p in SNAPSHOTS.iterdir()} == expected
