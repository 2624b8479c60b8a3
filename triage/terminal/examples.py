"""Example answer sets, replayed through the questionnaire's own flow.

The pictures in ``docs/`` and the snapshot tests show these, so what they
show is what a person answering the same way would see.
"""

from __future__ import annotations

from collections.abc import Mapping

from triage import pipeline, result
from triage.engine import Engine
from triage.flow import Interview
from triage.models import AnswerValue, KnowledgeBase

BENIGN: dict[str, AnswerValue] = {
    "age": 38,
    "recent_trauma": False,
    "saddle_numbness": False,
    "bladder_bowel_change": False,
    "both_legs_symptoms": False,
    "pulsating_abdomen": False,
    "tearing_pain": False,
    "chest_symptoms": False,
    "sexual_function_change": False,
    "leg_weakness": False,
    "walking_difficulty": False,
    "fever": False,
    "pregnant": False,
    "immune_risk": False,
    "recent_infection_or_procedure": False,
    "history_of_cancer": False,
    "unexplained_weight_loss": False,
    "night_pain": False,
    "osteoporosis_or_steroids": False,
    "height_loss": False,
    "pain_duration": "1_to_6_weeks",
    "pain_location": ("lower_back",),
    "pain_onset": "after_lifting_or_strain",
    "pain_severity": 5,
    "pain_radiates_leg": False,
    "worse_cough_sneeze": False,
    "back_lump_or_shape_change": False,
    "worse_walking_better_sitting": False,
    "morning_stiffness": False,
    "muscle_tension": True,
    "blood_thinners": False,
    "nausea_or_vomiting": False,
    "joint_pain_elsewhere": False,
    "widespread_pain_3_months": False,
    "fatigue_poor_sleep": False,
    "visible_curve": False,
    "has_periods": False,
    "posture_habits": ("prolonged_sitting",),
    "stress_level": 4,
    "before_needling": (),
}
"""A muscle strain from sitting and lifting: discuss with an acupuncturist."""

EMERGENCY: dict[str, AnswerValue] = {
    "age": 52,
    "recent_trauma": False,
    "saddle_numbness": True,
}
"""Saddle numbness: the questionnaire stops at the third question."""

DOCTOR: dict[str, AnswerValue] = {
    **BENIGN,
    "age": 61,
    "pain_radiates_leg": True,
    "worse_walking_better_sitting": True,
    "pain_duration": "over_12_weeks",
}
"""Sciatica and stenosis signs over 12 weeks: see a doctor, acupuncture as a complement."""


def replay(kb: KnowledgeBase, engine: Engine, answers: Mapping[str, AnswerValue]) -> result.Result:
    """Answer as a person would until the questionnaire ends or an answer is missing."""
    interview = Interview(kb, engine)
    while interview.current is not None and interview.current.id in answers:
        interview.answer(answers[interview.current.id])
    return pipeline.assess(kb, interview.path_answers(), source="questionnaire", engine=engine)
