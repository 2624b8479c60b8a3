"""The clinical contract: what it lists exists, with its type, values and level."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from triage import loader
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
    "pain_onset": ("choice", ("after_lifting_or_strain", "gradual", "sudden_no_cause")),
    "pain_radiates_leg": (YES_NO, ()), "worse_walking_better_sitting": (YES_NO, ()),
    "morning_stiffness": (YES_NO, ()), "joint_pain_elsewhere": (YES_NO, ()), "muscle_tension": (YES_NO, ()),
    "pain_comes_in_waves": (YES_NO, ()), "nausea_or_vomiting": (YES_NO, ()), "blood_in_urine": (YES_NO, ()),
    "widespread_pain_3_months": (YES_NO, ()), "fatigue_poor_sleep": (YES_NO, ()),
    "visible_curve": (YES_NO, ()), "has_periods": (YES_NO, ()), "pain_worse_with_periods": (YES_NO, ()),
    "posture_habits": ("multi", ("prolonged_sitting", "slouching", "heavy_bag", "looking_down_at_phone")),
    "stress_level": ("scale", (0, 10)),
    "chest_symptoms": (YES_NO, ()), "previous_kidney_stones": (YES_NO, ()), "blood_thinners": (YES_NO, ()),
}
CAUSES = {"muscle_strain": True, "arthritis": True, "fibromyalgia": True, "stress_anxiety": True,
          "poor_posture": True, "disc_problem": False, "spinal_stenosis": False, "osteoporosis": False,
          "scoliosis": False, "infection": False, "cancer": False, "kidney_stones": False,
          "endometriosis": False, "polymyalgia_rheumatica": False}
RED_FLAGS = {"cauda_equina": {"emergency"}, "aortic_aneurysm": {"emergency"}, "chest_warning": {"emergency"},
             "kidney_infection": {"emergency"}, "spinal_infection": {"urgent_doctor", "emergency"},
             "spinal_fracture": {"urgent_doctor"}, "cancer_warning": {"urgent_doctor", "emergency"},
             "nerve_compression": {"urgent_doctor"}}
WARNING_SIGNS = ["saddle_numbness", "bladder_bowel_change", "both_legs_symptoms", "leg_weakness",
                 "pulsating_abdomen", "chest_symptoms", "fever", "immune_risk", "recent_trauma",
                 "history_of_cancer", "unexplained_weight_loss", "night_pain", "osteoporosis_or_steroids",
                 "height_loss"]


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


def test_periods_question_is_asked_only_with_periods() -> None:
    ask_if = KB.question("pain_worse_with_periods").ask_if
    assert ask_if is not None
    assert ask_if.model_dump() == {"question": "has_periods", "operator": "=", "answer": True}


@pytest.mark.parametrize(("cid", "responsive"), [pytest.param(k, v, id=k) for k, v in CAUSES.items()])
def test_cause(cid: str, responsive: bool) -> None:
    assert KB.cause(cid).acupuncture_responsive is responsive


@pytest.mark.parametrize(("flag", "levels"), [pytest.param(k, v, id=k) for k, v in RED_FLAGS.items()])
def test_red_flag_levels(flag: str, levels: set[str]) -> None:
    found = {r.then.level for r in KB.rules if isinstance(r.then, ThenRedFlag) and r.then.red_flag == flag}
    assert found == levels


def test_emergency_questions_come_within_the_first_eight() -> None:
    order = [q.id for q in KB.questions]
    for qid in ("saddle_numbness", "bladder_bowel_change", "both_legs_symptoms", "leg_weakness",
                "pulsating_abdomen", "chest_symptoms", "fever"):
        assert order.index(qid) < 8
    assert order[0] == "age"


def test_previous_kidney_stones_is_asked_only_with_flank_pain_and_before_the_stone_signs() -> None:
    ask_if = KB.question("previous_kidney_stones").ask_if
    assert ask_if is not None
    assert ask_if.model_dump() == {"question": "pain_location", "operator": "contains",
                                   "answer": "side_flank"}
    order = KB.question_index
    for later in ("pain_comes_in_waves", "nausea_or_vomiting", "blood_in_urine"):
        assert order["previous_kidney_stones"] < order[later]


def test_unanswered_age_or_warning_sign_makes_a_result_incomplete() -> None:
    assert KB.required_questions == {"age", *WARNING_SIGNS}


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
