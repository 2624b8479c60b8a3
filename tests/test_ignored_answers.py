"""Answers a file gave but the questionnaire did not use are said in words, not only in the JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from answer_text import NO_WARNING_SIGNS

from triage import constants
from triage.models import KnowledgeBase


def plain(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("answers", "question", "why"), [
    pytest.param("age: 40\nsaddle_numbness: true\nfever: true\n", "fever", "after_stop",
                 id="warning-sign-after-an-emergency-stop"),
    pytest.param("age: 12\nrecent_trauma: false\nsaddle_numbness: false\nbladder_bowel_change: false\n"
                 "both_legs_symptoms: false\ntearing_pain: false\nchest_symptoms: false\n"
                 "leg_weakness: false\nwalking_difficulty: false\nfever: false\npregnant: false\n"
                 "immune_risk: false\nhistory_of_cancer: false\nunexplained_weight_loss: false\n"
                 "night_pain: false\nosteoporosis_or_steroids: true\n", "osteoporosis_or_steroids",
                 "not_asked",
                 id="warning-sign-a-child-is-not-asked"),
])
def test_an_unused_yes_to_a_warning_sign_is_said_plainly(  # noqa: PLR0913  three fixtures and the three parameters of each case
    kb: KnowledgeBase, cli: Callable[..., Any], tmp_path: Path, *, answers: str, question: str, why: str
) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(answers, encoding="utf-8")
    text = plain(cli("assess", path).out)
    asked = plain(kb.question(question).text)
    assert constants.IGNORED_WARNINGS[why].format(question=asked) in text
    assert constants.IGNORED_TITLE + ":" in text
    ignored = json.loads(cli("assess", path, "--format", "json").out)["ignored_answers"]
    expected = {"question": question, "answer": True, "why": why, "reason": constants.IGNORED_REASONS[why]}
    assert expected in ignored


def test_an_unused_answer_that_is_not_a_warning_sign_is_listed_without_alarm(
    kb: KnowledgeBase, cli: Callable[..., Any], tmp_path: Path
) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("age: 40\n" + NO_WARNING_SIGNS + "has_periods: false\npain_worse_with_periods: true\n",
                    encoding="utf-8")
    text = plain(cli("assess", path).out)
    item = constants.IGNORED_ITEM.format(question=plain(kb.question("pain_worse_with_periods").text),
                                         answer="Yes", reason=constants.IGNORED_REASONS["not_asked"])
    assert item in text
    assert "Tell a doctor about it" not in text


def test_nothing_is_listed_when_every_answer_was_used(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("age: 40\n" + NO_WARNING_SIGNS, encoding="utf-8")
    assert constants.IGNORED_TITLE not in cli("assess", path).out
