"""Safety properties: every red flag reaches its level whatever else is answered.

Answer sets are random (hypothesis); the red flag's warning signs are then
forced. Under 16 only the children's list is asked, so the properties about
later questions draw a known age of 16 or more (a rule's example gives the
age where its question is asked only at some ages, as pregnancy is); the
signs that are an emergency by themselves are checked at every age they are
asked.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import answer_sets

from triage import conditions, constants, flow, loader, render, result, summaries
from triage.answers import example_answers
from triage.conditions import negated_questions, questions_used
from triage.engine import engine_for
from triage.models import LEVELS, ThenRedFlag

KB = loader.load()
ENGINE = engine_for(KB)
RED_FLAG_RULES = [r for r in KB.rules if isinstance(r.then, ThenRedFlag)]
RED_FLAG_QUESTIONS = sorted(
    {q for r in RED_FLAG_RULES for q in questions_used(r.when) if KB.question(q).type == "yes_no"}
    # A Yes that rules a sign out is no warning sign: "kidney stones before" makes a first
    # kidney-stone-like pain at 60 or over (a possible aorta) not a first one.
    - {q for r in RED_FLAG_RULES for q in negated_questions(r.when)}
)
"""Questions a Yes to which is part of some warning sign."""
EMERGENCY_SIGNS = ["saddle_numbness", "bladder_bowel_change", "leg_weakness", "chest_symptoms",
                   "sexual_function_change", "both_legs_symptoms", "walking_difficulty", "tearing_pain"]
"""The contract's warning signs whose "not sure" needs a doctor today (pulsating_abdomen: at 50 or over)."""
SINGLE_EMERGENCY_SIGNS = ["recent_trauma", "saddle_numbness", "bladder_bowel_change", "both_legs_symptoms",
                          "tearing_pain", "chest_symptoms"]
"""The contract's emergencies that need a single answer, asked at every age."""
OTHER_WARNING_SIGNS = sorted(conditions.required_questions(KB)
                             - {"age", "pulsating_abdomen", *EMERGENCY_SIGNS})


def assess(answers: dict[str, Any]) -> result.Result:
    return result.build(KB, flow.simulate(KB, ENGINE, answers), "property")


def urgency(level: str) -> int:
    return LEVELS.index(level)


@pytest.mark.parametrize(
    ("rule_id", "signs"),
    [pytest.param(r.id, ex, id=f"{r.id}-{i}") for r in RED_FLAG_RULES
     for i, ex in enumerate(r.examples.fires)],
)
@settings(max_examples=examples(60, at_least=20), deadline=None)  # for each red flag's example
@given(data=st.data())
def test_red_flag_reaches_its_level_whatever_else(rule_id: str, signs: dict[str, Any], data: Any) -> None:
    rule = KB.rule(rule_id)
    assert isinstance(rule.then, ThenRedFlag)
    answers = data.draw(answer_sets(KB, min_age=16))
    for qid in negated_questions(rule.when):  # what the rule needs *not* to hold is part of the sign
        answers.pop(qid, None)
    answers.update(example_answers(KB, signs))
    res = assess(answers)
    assert urgency(res.level) <= urgency(rule.then.level)
    if not res.stopped_early:  # (only an emergency stops an adult early)
        assert rule.then.red_flag in res.red_flag_ids
    assert not res.acupuncture.suggested


@settings(max_examples=examples(300, at_least=50), deadline=None)
@given(answers=answer_sets(KB, min_age=16), question=st.sampled_from(RED_FLAG_QUESTIONS))
def test_yes_to_a_red_flag_question_never_lowers_the_level(answers: dict[str, Any], question: str) -> None:
    without = dict(answers)
    with_yes = {**answers, question: True}
    assert urgency(assess(with_yes).level) <= urgency(assess(without).level)


@settings(max_examples=examples(200, at_least=50), deadline=None)
@given(answers=answer_sets(KB, min_age=16), sign=st.sampled_from(EMERGENCY_SIGNS))
def test_unsure_about_an_emergency_sign_sees_a_doctor_today(answers: dict[str, Any], sign: str) -> None:
    res = assess({**answers, sign: "not_sure"})
    assert urgency(res.level) <= urgency("urgent_doctor")


@settings(max_examples=examples(200, at_least=50), deadline=None)
@given(answers=answer_sets(KB), age=st.integers(50, 120) | st.none())
def test_a_pulse_in_the_belly_at_50_or_over_is_an_emergency_and_unsure_is_urgent(
    answers: dict[str, Any], age: int | None
) -> None:
    answers.pop("age", None)
    if age is not None:
        answers["age"] = age
    assert assess({**answers, "pulsating_abdomen": True}).level == "emergency"
    assert urgency(assess({**answers, "pulsating_abdomen": "not_sure"}).level) <= urgency("urgent_doctor")


@settings(max_examples=examples(200, at_least=50), deadline=None)
@given(answers=answer_sets(KB, min_age=16), age=st.integers(16, 49))
def test_a_pulse_in_the_belly_under_50_sees_a_doctor_without_a_red_flag(
    answers: dict[str, Any], age: int
) -> None:
    res = assess({**answers, "age": age, "pulsating_abdomen": True})
    assert urgency(res.level) <= urgency("doctor")
    assert "aortic_aneurysm" not in res.red_flag_ids or res.level == "emergency"
    assert not res.acupuncture.suggested


@settings(max_examples=examples(300, at_least=50), deadline=None)
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


@settings(max_examples=examples(200, at_least=50), deadline=None)
@given(answers=answer_sets(KB), sign=st.sampled_from(SINGLE_EMERGENCY_SIGNS))
def test_emergency_signs_stop_within_eight_questions_at_any_age(answers: dict[str, Any], sign: str) -> None:
    answers.update({sign: True})
    res = assess(answers)
    assert res.level == "emergency"
    assert res.stopped_early
    assert res.questions_asked <= 8
    assert res.safety_net is None and res.self_care is None  # nothing between the person and the phone


@settings(max_examples=examples(200, at_least=50), deadline=None)
@given(answers=answer_sets(KB, min_age=16), sign=st.sampled_from(OTHER_WARNING_SIGNS))
def test_unsure_about_another_warning_sign_sees_a_doctor_first(answers: dict[str, Any], sign: str) -> None:
    res = assess({**answers, sign: "not_sure"})
    assert urgency(res.level) <= urgency("doctor")
    assert not res.acupuncture.suggested


@settings(max_examples=examples(300, at_least=50), deadline=None)
@given(answers=answer_sets(KB))
def test_an_incomplete_result_never_says_nothing_points_to_a_doctor(answers: dict[str, Any]) -> None:
    res = assess(answers)
    text = render.plain(KB, res)
    if not res.complete:
        assert res.unanswered
        assert res.level != "acupuncturist"
        assert not res.acupuncture.suggested
        assert constants.INCOMPLETE_TITLE in text
        nothing_found = " ".join(KB.rule("no_warning_signs").because.split())
        assert nothing_found not in " ".join(text.split())
    else:
        assert constants.INCOMPLETE_TITLE not in text


@settings(max_examples=examples(300, at_least=50), deadline=None)
@given(answers=answer_sets(KB))
def test_every_result_below_emergency_carries_a_safety_net(answers: dict[str, Any]) -> None:
    res = assess(answers)
    text = render.plain(KB, res)
    if res.level == "emergency":
        return
    assert res.safety_net is not None and res.safety_net.title in text
    has_self_care = res.self_care is not None
    assert has_self_care is (res.level in ("doctor", "acupuncturist"))
    if res.self_care is not None:
        assert res.self_care.title in text


@settings(max_examples=examples(200, at_least=50), deadline=None)
@given(answers=answer_sets(KB, min_age=16))
def test_a_blood_thinner_is_always_mentioned_for_the_acupuncturist(answers: dict[str, Any]) -> None:
    res = assess({**answers, "blood_thinners": True})
    if "blood_thinners" not in res.answers:  # not asked: the questionnaire stopped first
        assert res.stopped_early
        return
    assert "blood_thinners_tell_acupuncturist" in [c.rule for c in res.acupuncture.cautions]
    assert constants.CAUTIONS_TITLE in render.plain(KB, res)
    assert constants.CAUTIONS_TITLE in summaries.markdown(KB, res)


@settings(max_examples=examples(200, at_least=50), deadline=None)
@given(answers=answer_sets(KB, min_age=16))
def test_no_acupuncture_while_a_withholding_cause_is_open(answers: dict[str, Any]) -> None:
    """A possible cancer (or infection): a doctor first, then perhaps acupuncture."""
    res = assess({**answers, "unexplained_weight_loss": True, "muscle_tension": True})
    if "cancer" in res.cause_ids:
        assert not res.acupuncture.suggested


# --- fewer false alarms ----------------------------------------------------------------------
NAMED_URGENT_RULES = {
    # Rows of the contract that reach a doctor today or an emergency without a warning sign (W):
    "urgent_doctor_kidney_stones", "aortic_aneurysm_first_kidney_stone_over_60", "severe_pain_with_sickness",
    "sudden_pain_over_50", "aortic_sudden_severe_over_60", "sudden_severe_pain_blood_thinners",
    "upper_back_only_over_50", "worse_cough_sneeze_urgent", "back_lump_urgent",
    "spinal_fracture_fall_older_or_thin_bones", "spinal_fracture_stiff_spine",
    "emergency_sign_not_ruled_out",  # "not sure" to the stiff-spine question (not a W question)
}
"""Every rule that may lift a person with no warning sign above `doctor`, named one by one."""


def no_warning_sign(age: st.SearchStrategy[int]) -> st.SearchStrategy[dict[str, Any]]:
    """Random answers with every warning sign answered No, but for the v3 false alarms: a pulse felt
    in the belly under 50, and slow stooping with thin bones (each drawn in or out)."""
    signs = sorted(conditions.required_questions(KB) - {"age"})

    def build(parts: tuple[dict[str, Any], int, bool, bool]) -> dict[str, Any]:
        answers, years, pulse, stoop = parts
        answers = {**answers, **dict.fromkeys(signs, False), "age": years}
        if pulse and years < 50:
            answers["pulsating_abdomen"] = True
        if stoop:
            answers.update(height_loss=True, osteoporosis_or_steroids=True, pain_onset="gradual")
        return answers

    return st.tuples(answer_sets(KB), age, st.booleans(), st.booleans()).map(build)


@settings(max_examples=examples(300, at_least=50), deadline=None)
@given(answers=no_warning_sign(st.integers(16, 120)))
def test_no_warning_sign_is_never_above_doctor_except_through_a_named_urgent_rule(
    answers: dict[str, Any]
) -> None:
    res = assess(answers)
    if urgency(res.level) < urgency("doctor"):
        lifting = {r.rule for r in res.level_reasons}  # the rules at the result's level
        assert lifting and lifting <= NAMED_URGENT_RULES, (answers, lifting)
    assert "spinal_fracture" not in res.red_flag_ids or not (
        answers.get("pain_onset") == "gradual" and answers.get("recent_trauma") is False)


@settings(max_examples=examples(200, at_least=50), deadline=None)
@given(answers=answer_sets(KB), age=st.integers(16, 55))
def test_in_pregnancy_the_emergency_and_urgent_texts_name_the_maternity_unit(
    answers: dict[str, Any], age: int
) -> None:
    res = assess({**answers, "age": age, "pregnant": True})
    said = " ".join(render.plain(KB, res).split())
    named = "maternity unit" in said and "midwife" in said
    if res.level in ("emergency", "urgent_doctor") and res.answers.get("pregnant") is True:
        assert named and res.notices
    elif res.level in ("doctor", "acupuncturist"):
        assert not res.notices


@settings(max_examples=examples(200, at_least=50), deadline=None)
@given(answers=answer_sets(KB), age=st.integers(0, 15))
def test_children_are_never_told_about_pharmacy_painkillers_on_their_own(
    answers: dict[str, Any], age: int
) -> None:
    res = assess({**answers, "age": age})
    said = " ".join(render.plain(KB, res).split()).lower()
    assert "pharmacist can help you choose" not in said
    if res.self_care is not None:
        assert any("parent or carer" in point for point in res.self_care.points)
