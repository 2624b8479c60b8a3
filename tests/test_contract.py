"""The clinical contract: what it lists exists, with its type, values and level."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from triage import conditions, flow, loader
from triage.engine import engine_for
from triage.models import ThenRedFlag

KB = loader.load()
YES_NO = "yes_no"
CORE_QUESTIONS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "age": ("number", (0, 120)),
    "saddle_numbness": (YES_NO, ()), "bladder_bowel_change": (YES_NO, ()),
    "both_legs_symptoms": (YES_NO, ()), "leg_weakness": (YES_NO, ()), "pulsating_abdomen": (YES_NO, ()),
    "fever": (YES_NO, ()), "immune_risk": (YES_NO, ()), "recent_trauma": (YES_NO, ()),
    "history_of_cancer": (YES_NO, ()), "unexplained_weight_loss": (YES_NO, ()), "night_pain": (YES_NO, ()),
    "osteoporosis_or_steroids": (YES_NO, ()), "height_loss": (YES_NO, ()),
    "pain_severity": ("scale", (0, 10)),
    "pain_duration": ("choice", ("under_1_week", "1_to_6_weeks", "6_to_12_weeks", "over_12_weeks")),
    "pain_location": ("multi", ("lower_back", "upper_back", "neck_shoulders", "side_flank", "widespread")),
    "pain_onset": ("choice", ("after_lifting_or_strain", "gradual", "sudden_no_cause",
                              "after_fall_or_knock")),
    "pain_radiates_leg": (YES_NO, ()), "worse_walking_better_sitting": (YES_NO, ()),
    "morning_stiffness": (YES_NO, ()), "joint_pain_elsewhere": (YES_NO, ()), "muscle_tension": (YES_NO, ()),
    "pain_comes_in_waves": (YES_NO, ()), "nausea_or_vomiting": (YES_NO, ()), "blood_in_urine": (YES_NO, ()),
    "widespread_pain_3_months": (YES_NO, ()), "fatigue_poor_sleep": (YES_NO, ()),
    "visible_curve": (YES_NO, ()), "has_periods": (YES_NO, ()), "pain_worse_with_periods": (YES_NO, ()),
    "posture_habits": ("multi", ("prolonged_sitting", "slouching", "heavy_bag", "looking_down_at_phone")),
    "stress_level": ("scale", (0, 10)),
    "chest_symptoms": (YES_NO, ()), "previous_kidney_stones": (YES_NO, ()), "blood_thinners": (YES_NO, ()),
    "sexual_function_change": (YES_NO, ()), "walking_difficulty": (YES_NO, ()), "tearing_pain": (YES_NO, ()),
    "pregnant": (YES_NO, ()), "recent_infection_or_procedure": (YES_NO, ()),
    "stiff_spine_condition": (YES_NO, ()), "back_lump_or_shape_change": (YES_NO, ()),
    "worse_cough_sneeze": (YES_NO, ()),
}
CAUSES = {"muscle_strain": True, "arthritis": True, "fibromyalgia": True, "stress_anxiety": True,
          "poor_posture": True, "disc_problem": False, "spinal_stenosis": False, "osteoporosis": False,
          "scoliosis": False, "infection": False, "cancer": False, "kidney_stones": False,
          "endometriosis": False, "polymyalgia_rheumatica": False}
BOTH = {"urgent_doctor", "emergency"}
RED_FLAGS = {"cauda_equina": BOTH, "aortic_aneurysm": {"emergency"}, "chest_warning": {"emergency"},
             "kidney_infection": {"emergency"}, "spinal_infection": BOTH, "spinal_fracture": BOTH,
             "cancer_warning": BOTH, "nerve_compression": BOTH, "pregnancy_warning": {"emergency"}}
FIRST_EIGHT = ["age", "recent_trauma", "saddle_numbness", "bladder_bowel_change", "both_legs_symptoms",
               "pulsating_abdomen", "tearing_pain", "chest_symptoms"]
WARNING_SIGNS = ["recent_trauma", "saddle_numbness", "bladder_bowel_change", "both_legs_symptoms",
                 "pulsating_abdomen", "tearing_pain", "chest_symptoms", "sexual_function_change",
                 "leg_weakness", "walking_difficulty", "fever", "pregnant", "immune_risk",
                 "recent_infection_or_procedure", "history_of_cancer", "unexplained_weight_loss",
                 "night_pain", "osteoporosis_or_steroids", "height_loss"]
CHILD_QUESTIONS = ["age", "recent_trauma", "saddle_numbness", "bladder_bowel_change", "both_legs_symptoms",
                   "tearing_pain", "chest_symptoms", "leg_weakness", "walking_difficulty", "fever",
                   "pregnant", "immune_risk", "history_of_cancer", "unexplained_weight_loss", "night_pain",
                   "pain_duration", "pain_comes_in_waves"]


@pytest.mark.parametrize(("qid", "spec"), [pytest.param(k, v, id=k) for k, v in CORE_QUESTIONS.items()])
def test_core_question(qid: str, spec: tuple[str, tuple[Any, ...]]) -> None:
    qtype, values = spec
    question = KB.question(qid)
    assert question.type == qtype
    if qtype in ("choice", "multi"):
        assert question.option_ids == values
    elif qtype in ("number", "scale"):
        assert question.bounds == values
    assert question.text and question.why and question.section


@pytest.mark.parametrize(("has_periods", "asked"), [(True, True), ("not_sure", True), (False, False)])
def test_periods_question_is_asked_with_periods_or_unsure(has_periods: Any, asked: bool) -> None:
    question = KB.question("pain_worse_with_periods")
    assert flow.is_asked(KB, question, {"age": 30, "has_periods": has_periods}) is asked


@pytest.mark.parametrize(("cid", "responsive"), [pytest.param(k, v, id=k) for k, v in CAUSES.items()])
def test_cause(cid: str, responsive: bool) -> None:
    assert KB.cause(cid).acupuncture_responsive is responsive


@pytest.mark.parametrize(("flag", "levels"), [pytest.param(k, v, id=k) for k, v in RED_FLAGS.items()])
def test_red_flag_levels(flag: str, levels: set[str]) -> None:
    found = {r.then.level for r in KB.rules if isinstance(r.then, ThenRedFlag) and r.then.red_flag == flag}
    assert found == levels


def test_the_first_eight_questions_are_the_contracts_and_the_warning_signs_follow() -> None:
    order = [q.id for q in KB.questions]
    assert order[:8] == FIRST_EIGHT
    assert order[:len(WARNING_SIGNS) + 1] == ["age", *WARNING_SIGNS]
    assert order.index("previous_kidney_stones") == order.index("pain_location") + 1
    assert order.index("stiff_spine_condition") == order.index("pain_onset") + 1


@pytest.mark.parametrize(("age", "pregnant", "expected"), [
    pytest.param(11, False, [q for q in CHILD_QUESTIONS if q not in ("pregnant", "pain_comes_in_waves")],
                 id="under-12"),
    pytest.param(14, False, [q for q in CHILD_QUESTIONS if q != "pain_comes_in_waves"], id="14-not-pregnant"),
    pytest.param(15, True, CHILD_QUESTIONS, id="15-pregnant"),
])
def test_children_answer_exactly_the_contracts_list(age: int, pregnant: bool, expected: list[str]) -> None:
    given: dict[str, Any] = {q.id: False for q in KB.questions if q.type == "yes_no"}
    given.update({"age": age, "pregnant": pregnant, "pain_duration": "under_1_week"})
    walked = flow.simulate(KB, engine_for(KB), given)
    assert list(walked.asked) == expected


@pytest.mark.parametrize(("age", "asked"), [(11, False), (12, True), (55, True), (56, False), (None, True)])
def test_pregnancy_is_asked_from_12_to_55_and_when_age_is_unknown(age: int | None, asked: bool) -> None:
    known = {} if age is None else {"age": age}
    assert flow.is_asked(KB, KB.question("pregnant"), known) is asked


def test_stiff_spine_is_asked_after_a_fall_or_knock_or_an_unsure_accident() -> None:
    question = KB.question("stiff_spine_condition")
    assert flow.is_asked(KB, question, {"age": 40, "pain_onset": "after_fall_or_knock"})
    assert flow.is_asked(KB, question, {"age": 40, "recent_trauma": "not_sure", "pain_onset": "gradual"})
    assert not flow.is_asked(KB, question, {"age": 40, "recent_trauma": False, "pain_onset": "gradual"})


def test_previous_kidney_stones_is_asked_only_with_flank_pain_and_before_the_stone_signs() -> None:
    ask_if = KB.question("previous_kidney_stones").ask_if
    assert ask_if is not None
    assert ask_if.model_dump() == {"question": "pain_location", "operator": "contains",
                                   "answer": "side_flank"}
    order = KB.question_index
    for later in ("pain_comes_in_waves", "nausea_or_vomiting", "blood_in_urine"):
        assert order["previous_kidney_stones"] < order[later]


def test_unanswered_age_or_warning_sign_makes_a_result_incomplete() -> None:
    assert conditions.required_questions(KB) == {"age", *WARNING_SIGNS}


def test_every_result_carries_the_knowledge_bases_version(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("age: 30\n", encoding="utf-8")
    result = json.loads(cli("assess", path, "--format", "json").out)
    assert result["knowledge_base"]["version"] == KB.history[0].version == KB.version
    assert result["knowledge_base"]["fingerprint"] == KB.fingerprint


def test_the_bladder_question_says_burning_is_not_meant() -> None:
    text = KB.question("bladder_bowel_change").text.lower()
    assert "burning" in text and "not what we mean" in text


def test_json_result_has_the_contract_fields(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("age: 60\nfever: true\nimmune_risk: true\npain_severity: 7\n", encoding="utf-8")
    run = cli("assess", path, "--format", "json")
    result = json.loads(run.out)
    assert {"source", "level", "red_flags", "causes", "questions_asked", "stopped_early", "complete",
            "unanswered", "acupuncture", "safety_net", "self_care"} <= set(result)
    assert result["level"] == "emergency"
    assert result["stopped_early"] is True
    assert result["complete"] is False
    assert "saddle_numbness" in result["unanswered"]
    assert result["safety_net"] is None and result["self_care"] is None
    flag = result["red_flags"][0]
    assert flag["id"] == "spinal_infection"
    assert flag["level"] == "emergency"
    rule_ids = {r["rule"] for r in flag["rules"]}
    assert rule_ids == {"spinal_infection_fever", "spinal_infection_immune_risk"}
    for reason in flag["rules"]:
        assert reason["source"] and reason["because"] and reason["matched"]
    assert result["causes"][0]["id"] == "infection"
    assert result["knowledge_base"]["version"] == KB.version
    assert result["disclaimer"].startswith("This is not a diagnosis")
    assert result["acupuncture"]["suggested"] is False
    assert "answers" not in result


@pytest.mark.parametrize("age", [16, 35, 55])
@pytest.mark.parametrize("onset", ["after_lifting_or_strain", "gradual", "sudden_no_cause",
                                   "after_fall_or_knock"])
def test_an_adult_with_no_warning_sign_answers_at_most_42_questions(age: int, onset: str) -> None:
    """The contract's length: 16-55, no warning sign, no flank pain, no periods."""
    given: dict[str, Any] = {q.id: False for q in KB.questions if q.type == "yes_no"}
    given.update({"age": age, "pain_location": ("lower_back",), "pain_onset": onset, "pain_severity": 3,
                  "pain_duration": "1_to_6_weeks", "posture_habits": (), "stress_level": 2})
    walked = flow.simulate(KB, engine_for(KB), given)
    assert not walked.stopped_early
    checklist = {q.id for q in KB.checklist}  # the acupuncturist's checklist: one question, not counted
    assert len(checklist) == 1
    assert len([q for q in walked.asked if q not in checklist]) <= 42
