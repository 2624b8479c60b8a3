"""The questionnaire's checks, by id, each on its own and in the order their problems are listed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from triage import loader

QUESTIONS = """\
title: Small
sections:
  - {id: signs, title: Signs}
questions:
  - {id: age, section: signs, type: number, text: Age?, why: Age matters.}
  - {id: fever, section: sign, type: yes_no, text: Fever?, why: Fever matters., min: 1}
  - id: place
    section: signs
    type: choice
    text: Where?
    why: It matters.
    options: [{id: low, label: Low}, {id: low, label: Low again}]
  - {id: fever, section: signs, type: yes_no, text: Fever again?, why: Twice.,
     ask_if: {question: later, operator: "=", answer: true}}
  - {id: later, section: signs, type: yes_no, text: Later?, why: Asked last.}
"""


def read(tmp_path: Path) -> list[str]:
    path = tmp_path / "questions.yaml"
    path.write_text(QUESTIONS, encoding="utf-8")
    _, _, problems = loader.read_questionnaire(path)
    return [f"{p.line}: {p.message}" for p in problems]


def test_check_ids_are_unique_and_plain() -> None:
    ids = [name for name, _ in (*loader.QUESTION_CHECKS, *loader.QUESTIONNAIRE_CHECKS)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", name) for name in ids)


def test_problems_come_question_by_question_then_the_whole(tmp_path: Path) -> None:
    assert read(tmp_path) == [
        "5: question `age`: a number question needs whole-number `min` and `max`, min <= max",
        "6: question `fever`: unknown section `sign` (did you mean `signs`?)",
        "6: question `fever`: `min` and `max` apply only to number questions (scale is 0-10)",
        "12: duplicate option id `low` (also at question `place`); ids must be unique",
        "13: duplicate question id `fever` (also at line 6); ids must be unique",
        "14: question `fever`: its ask_if refers to `later`, which is not asked before it; "
        "ask_if may only use earlier questions",
    ]


@pytest.mark.parametrize(("check", "lines"), [
    ("unique-question-id", [13]),
    ("known-section", [6]),
    ("unique-option-ids", [12]),
    ("number-bounds", [5]),
    ("bounds-apply", [6]),
    ("options-given", []),
    ("options-apply", []),
])
def test_each_check_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, check: str,
                          lines: list[int]) -> None:
    monkeypatch.setattr(loader, "QUESTION_CHECKS", tuple(c for c in loader.QUESTION_CHECKS if c[0] == check))
    monkeypatch.setattr(loader, "QUESTIONNAIRE_CHECKS", ())
    assert [int(p.split(":")[0]) for p in read(tmp_path)] == lines
