"""The tool agrees with a hand transcription of the clinical contract's policy.

``policy_oracle`` reads ``clinical-spec.md`` (version 2) row by row in plain
Python. On any answer set (hypothesis) the tool must reach the same level and
the same acupuncture suggestion; when nothing stopped the questionnaire, the
same causes, red flags and completeness too. Public vignettes pass through
the oracle as well, so the oracle itself is checked against the stories.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from policy_oracle import FIRST_SECTION, verdict
from strategies import answer_sets, value_for
from vignette_answers import answers_for, read, vignette_files

from triage import conditions, flow, loader, result
from triage.answers import example_answers
from triage.engine import engine_for
from triage.models import Question

KB = loader.load()
ENGINE = engine_for(KB)
EXAMPLES = int(os.environ.get("POLICY_EXAMPLES", examples(400, at_least=100)))
"""Examples of the property near no warning sign; the others try half as many (at least 50)."""


def assess(answers: dict[str, Any]) -> result.Result:
    return result.build(KB, flow.simulate(KB, ENGINE, answers), "policy")


def agree(answers: dict[str, Any]) -> None:
    res = assess(answers)
    expected = verdict(answers)
    assert res.level == expected.level, answers
    assert res.acupuncture.suggested is expected.acupuncture, answers
    if res.level != "emergency":
        assert set(res.cause_ids) == expected.causes, answers
        assert set(res.red_flag_ids) == expected.red_flags, answers
        assert res.complete is expected.complete, answers


def answers_with_signs() -> st.SearchStrategy[dict[str, Any]]:
    """Random answers where the warning signs are mostly answered (else almost all are incomplete)."""
    signs = sorted(conditions.required_questions(KB) - {"age"})
    mostly_no = st.sampled_from([False] * 6 + [True, "not_sure", None])
    return st.tuples(answer_sets(KB), st.fixed_dictionaries(dict.fromkeys(signs, mostly_no))).map(
        lambda pair: {**pair[0], **{k: v for k, v in pair[1].items() if v is not None}})


AGES = (15, 16, 44, 45, 49, 50, 59, 60, 64, 65)
"""Each side of every age threshold in the policy."""


def near_benign() -> st.SearchStrategy[dict[str, Any]]:
    """A person with no warning sign, then up to four answers changed or left out.

    Most of what the policy decides happens a step or two away from "nothing
    wrong": this reaches every rule's edge far more often than random answers.
    """
    base: dict[str, st.SearchStrategy[Any]] = {}
    for q in KB.questions:
        if q.id == "age":
            base[q.id] = st.sampled_from(AGES) | st.integers(16, 100)
        elif q.type == "yes_no":
            base[q.id] = st.just(False)
        else:
            base[q.id] = value_for(q)
    changes = st.lists(st.sampled_from([q.id for q in KB.questions]), max_size=4, unique=True).flatmap(
        lambda ids: st.fixed_dictionaries({i: st.none() | value_for(KB.question(i)) for i in ids}))
    return st.tuples(st.fixed_dictionaries(base), changes).map(
        lambda pair: {k: v for k, v in {**pair[0], **pair[1]}.items() if v is not None})


def one_change_values(question: Question) -> list[Any]:
    """The values worth trying for one question: each answer, and none (left unanswered)."""
    match question.type:
        case "yes_no":
            return [True, "not_sure", None]
        case "choice":
            return [*question.option_ids, None]
        case "multi":
            return [(o,) for o in question.option_ids] + [None]
        case "scale":
            return [6, 7, 8, None]
    return [None]  # age: its values are the ages tried


BASES = {
    "nothing": {},
    "strained-muscles": {"muscle_tension": True, "posture_habits": ("prolonged_sitting",)},
}
"""Starting points: no cause at all, or a cause acupuncture may help (so withholding it shows)."""


@pytest.mark.parametrize("base", [pytest.param(b, id=name) for name, b in BASES.items()])
@pytest.mark.parametrize("age", AGES)
def test_one_change_from_no_warning_sign(age: int, base: dict[str, Any]) -> None:
    """Every answer to every question, one at a time, on each side of every age threshold."""
    start: dict[str, Any] = {q.id: False for q in KB.questions if q.type == "yes_no"}
    start.update(age=age, pain_location=("lower_back",), posture_habits=(), pain_severity=3,
                 pain_duration="under_1_week", pain_onset="gradual", stress_level=2)
    start.update(base)
    for question in KB.questions:
        for value in one_change_values(question):
            answers = {**start, question.id: value}
            agree({k: v for k, v in answers.items() if v is not None})


SIGNS = sorted(conditions.required_questions(KB) - {"age"})
PAIRABLE: list[dict[str, Any]] = [
    *({sign: True} for sign in SIGNS),
    {"pain_location": ("side_flank",), "pain_comes_in_waves": True},  # the kidney-stone pattern
    {"pain_location": ("upper_back", "neck_shoulders")},
    {"pain_radiates_leg": True}, {"morning_stiffness": True},
    {"pain_onset": "sudden_no_cause"}, {"pain_onset": "after_lifting_or_strain"},
    {"fever": "not_sure"}, {"recent_trauma": "not_sure"},
    {"previous_kidney_stones": True}, {"previous_kidney_stones": "not_sure"},
    {"previous_kidney_stones": None},
]
"""Changes whose combinations the policy cares about: warning signs, patterns, doubts."""


@pytest.mark.parametrize("age", [44, 62, 70])
def test_two_changes_from_no_warning_sign(age: int) -> None:
    """Every pair of those changes, starting from a strained back (so acupuncture is in play)."""
    start: dict[str, Any] = {q.id: False for q in KB.questions if q.type == "yes_no"}
    start.update(age=age, pain_location=("lower_back",), posture_habits=(), pain_severity=3,
                 pain_duration="under_1_week", pain_onset="gradual", stress_level=2)
    start.update(BASES["strained-muscles"])
    for i, first in enumerate(PAIRABLE):
        for second in PAIRABLE[i + 1:]:
            answers = {**start, **first, **second}
            if "pain_location" in first and "pain_location" in second:
                answers["pain_location"] = first["pain_location"] + second["pain_location"]
            agree({k: v for k, v in answers.items() if v is not None})


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=near_benign())
def test_tool_follows_the_policy_near_no_warning_sign(answers: dict[str, Any]) -> None:
    agree(answers)


@settings(max_examples=EXAMPLES // 2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=answers_with_signs())
def test_tool_follows_the_policy(answers: dict[str, Any]) -> None:
    agree(answers)


@settings(max_examples=EXAMPLES // 2, deadline=None)
@given(answers=answer_sets(KB))
def test_tool_follows_the_policy_with_any_answers_missing(answers: dict[str, Any]) -> None:
    agree(answers)


@settings(max_examples=EXAMPLES // 2, deadline=None)
@given(answers=answer_sets(KB), age=st.integers(0, 15))
def test_tool_follows_the_policy_for_children(answers: dict[str, Any], age: int) -> None:
    answers = {**answers, "age": age}
    agree(answers)
    res = assess(answers)
    assert res.questions_asked <= 1 + len(FIRST_SECTION)
    assert not res.causes
    assert not res.acupuncture.suggested


@pytest.mark.parametrize("path", [pytest.param(p, id=p.stem.replace("_", "-")) for p in vignette_files()])
def test_the_oracle_passes_the_public_vignettes(path: Path) -> None:
    """The oracle is itself checked against the stories, so it cannot drift from them."""
    story = read(path)
    answers = example_answers(KB, answers_for(KB, story))
    expected = verdict(answers)
    assert expected.level == story["expect"]["level"]
    if "acupuncture" in story["expect"]:
        assert expected.acupuncture is story["expect"]["acupuncture"]
    assert set(story["expect"].get("causes_include", [])) <= expected.causes
