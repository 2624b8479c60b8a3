"""Safety properties: every red flag reaches its level whatever else is answered.

Answer sets are random (hypothesis); the red flag's warning signs are then
forced. People under 16 are out of scope (the questionnaire stops at age
and sends them to a doctor), so a known age here is 16 or more.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import answer_sets

from triage import flow, loader, result
from triage.answers import example_answers
from triage.conditions import questions_used
from triage.engine import engine_for
from triage.models import LEVELS, ThenRedFlag

KB = loader.load()
ENGINE = engine_for(KB)
RED_FLAG_RULES = [r for r in KB.rules if isinstance(r.then, ThenRedFlag)]
RED_FLAG_QUESTIONS = sorted(
    {q for r in RED_FLAG_RULES for q in questions_used(r.when) if KB.question(q).type == "yes_no"}
)
EMERGENCY_SIGNS = ["saddle_numbness", "bladder_bowel_change", "leg_weakness", "pulsating_abdomen"]


def assess(answers: dict[str, Any]) -> result.Result:
    return result.build(KB, flow.simulate(KB, ENGINE, answers), "property")


def urgency(level: str) -> int:
    return LEVELS.index(level)


@pytest.mark.parametrize(
    ("rule_id", "signs"),
    [pytest.param(r.id, ex, id=f"{r.id}-{i}") for r in RED_FLAG_RULES
     for i, ex in enumerate(r.examples.fires)],
)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_red_flag_reaches_its_level_whatever_else(rule_id: str, signs: dict[str, Any], data: Any) -> None:
    rule = KB.rule(rule_id)
    assert isinstance(rule.then, ThenRedFlag)
    answers = data.draw(answer_sets(KB, min_age=16))
    answers.update(example_answers(KB, signs))
    res = assess(answers)
    assert urgency(res.level) <= urgency(rule.then.level)
    if not res.stopped_early:  # (only an emergency stops an adult early)
        assert rule.then.red_flag in res.red_flag_ids
    assert not res.acupuncture.suggested


@settings(max_examples=300, deadline=None)
@given(answers=answer_sets(KB, min_age=16), question=st.sampled_from(RED_FLAG_QUESTIONS))
def test_yes_to_a_red_flag_question_never_lowers_the_level(answers: dict[str, Any], question: str) -> None:
    without = dict(answers)
    with_yes = {**answers, question: True}
    assert urgency(assess(with_yes).level) <= urgency(assess(without).level)


@settings(max_examples=200, deadline=None)
@given(answers=answer_sets(KB, min_age=16), sign=st.sampled_from(EMERGENCY_SIGNS))
def test_unsure_about_an_emergency_sign_sees_a_doctor_today(answers: dict[str, Any], sign: str) -> None:
    res = assess({**answers, sign: "not_sure"})
    assert urgency(res.level) <= urgency("urgent_doctor")


@settings(max_examples=300, deadline=None)
@given(answers=answer_sets(KB))
def test_acupuncture_only_without_red_flags_and_never_when_urgent(answers: dict[str, Any]) -> None:
    res = assess(answers)
    if res.acupuncture.suggested:
        assert res.level in ("doctor", "acupuncturist")
        assert not res.red_flags
        assert "NICE" in (res.acupuncture.evidence or "")
        assert "American College of Physicians" in (res.acupuncture.evidence or "")
    if res.level == "acupuncturist":
        assert not res.red_flags
        assert res.acupuncture.suggested


@settings(max_examples=200, deadline=None)
@given(answers=answer_sets(KB, min_age=16))
def test_emergency_red_flags_are_known_within_eight_questions(answers: dict[str, Any]) -> None:
    answers.update({"saddle_numbness": True})
    res = assess(answers)
    assert res.level == "emergency"
    assert res.stopped_early
    assert res.questions_asked <= 8


@settings(max_examples=200, deadline=None)
@given(answers=answer_sets(KB, min_age=16))
def test_no_acupuncture_while_a_withholding_cause_is_open(answers: dict[str, Any]) -> None:
    """A possible cancer (or infection): a doctor first, then perhaps acupuncture."""
    res = assess({**answers, "unexplained_weight_loss": True, "muscle_tension": True})
    if "cancer" in res.cause_ids:
        assert not res.acupuncture.suggested
