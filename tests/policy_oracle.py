"""The triage policy of the clinical contract (version 2), transcribed by hand.

This is an independent reading of ``../shared/clinical-spec.md``: every row of
its tables written as plain Python, without the knowledge base, the rule
compiler or the engine. The tests compare the tool with it on random answer
sets, so a rule missing from the YAML, a threshold off by one or an
acupuncture exception forgotten shows up as a disagreement.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LEVELS = ("emergency", "urgent_doctor", "doctor", "acupuncturist")

FIRST_SECTION = ("saddle_numbness", "bladder_bowel_change", "both_legs_symptoms", "leg_weakness",
                 "pulsating_abdomen", "chest_symptoms", "fever")
EMERGENCY_SIGNS = ("saddle_numbness", "bladder_bowel_change", "leg_weakness", "pulsating_abdomen",
                   "chest_symptoms")
OTHER_WARNING_SIGNS = ("both_legs_symptoms", "fever", "immune_risk", "recent_trauma", "history_of_cancer",
                       "unexplained_weight_loss", "night_pain", "osteoporosis_or_steroids", "height_loss")
RESPONSIVE_CAUSES = ("muscle_strain", "arthritis", "fibromyalgia", "stress_anxiety", "poor_posture")
FLANK_ONLY = ("previous_kidney_stones", "pain_comes_in_waves", "blood_in_urine")


@dataclass(frozen=True)
class Verdict:
    level: str
    causes: frozenset[str]
    red_flags: frozenset[str]
    acupuncture: bool
    complete: bool


def asked_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers the questionnaire would use: ask-conditions and the children's stop."""
    age = answers.get("age")
    if isinstance(age, int) and age < 16:
        return {q: v for q, v in answers.items() if q in ("age", *FIRST_SECTION)}
    used = dict(answers)
    if "side_flank" not in used.get("pain_location", ()):
        for qid in FLANK_ONLY:
            used.pop(qid, None)
    if used.get("has_periods") is not True:
        used.pop("pain_worse_with_periods", None)
    return used


def verdict(given: Mapping[str, Any]) -> Verdict:
    a = asked_answers(given)
    age = a.get("age")
    child = isinstance(age, int) and age < 16

    def yes(q: str) -> bool:
        return a.get(q) is True

    def unsure(q: str) -> bool:
        return a.get(q) == "not_sure"

    def at_least(q: str, n: int) -> bool:
        value = a.get(q)
        return isinstance(value, int) and not isinstance(value, bool) and value >= n

    def is_(q: str, value: str) -> bool:
        return a.get(q) == value

    def where(place: str) -> bool:
        return place in a.get("pain_location", ())

    causes = {
        "muscle_strain": yes("muscle_tension") or is_("pain_onset", "after_lifting_or_strain"),
        "arthritis": yes("morning_stiffness") or yes("joint_pain_elsewhere"),
        "fibromyalgia": yes("widespread_pain_3_months") and yes("fatigue_poor_sleep"),
        "stress_anxiety": at_least("stress_level", 7),
        "poor_posture": bool(a.get("posture_habits")),
        "disc_problem": yes("pain_radiates_leg"),
        "spinal_stenosis": yes("worse_walking_better_sitting") and at_least("age", 50),
        "osteoporosis": yes("osteoporosis_or_steroids") or yes("height_loss"),
        "scoliosis": yes("visible_curve"),
        "infection": yes("fever") and not child,  # children: no causes are named
        "cancer": yes("history_of_cancer") or yes("unexplained_weight_loss"),
        "kidney_stones": where("side_flank") and (
            yes("pain_comes_in_waves") or yes("nausea_or_vomiting") or yes("blood_in_urine")),
        "endometriosis": yes("pain_worse_with_periods"),
        "polymyalgia_rheumatica": (
            at_least("age", 50) and yes("morning_stiffness") and where("neck_shoulders")),
    }
    found = {c for c, holds in causes.items() if holds}
    stones = "kidney_stones" in found
    sudden = is_("pain_onset", "sudden_no_cause")

    flags: dict[str, list[tuple[bool, str]]] = {
        "cauda_equina": [
            (yes("saddle_numbness") or yes("bladder_bowel_change")
             or (yes("both_legs_symptoms") and (yes("leg_weakness") or yes("pain_radiates_leg"))),
             "emergency")],
        "aortic_aneurysm": [
            (yes("pulsating_abdomen")
             or (stones and at_least("age", 60) and not yes("previous_kidney_stones")), "emergency")],
        "chest_warning": [(yes("chest_symptoms"), "emergency")],
        "kidney_infection": [(stones and yes("fever"), "emergency")],
        "spinal_infection": [(yes("fever") and yes("immune_risk"), "emergency"),
                             (yes("fever") or (unsure("fever") and yes("immune_risk")), "urgent_doctor")],
        "spinal_fracture": [(
            yes("recent_trauma")
            or (yes("osteoporosis_or_steroids")
                and (yes("height_loss") or sudden or is_("pain_onset", "after_lifting_or_strain")))
            or (yes("height_loss") and sudden)
            or (unsure("recent_trauma") and at_least("age", 65)), "urgent_doctor")],
        "cancer_warning": [
            (yes("history_of_cancer") and (yes("leg_weakness") or yes("both_legs_symptoms")), "emergency"),
            (yes("history_of_cancer") or (yes("unexplained_weight_loss") and yes("night_pain")),
             "urgent_doctor")],
        "nerve_compression": [(yes("leg_weakness") or yes("both_legs_symptoms"), "urgent_doctor")],
    }
    red_flags = {f for f, rows in flags.items() if any(holds for holds, _ in rows)}
    levels = [level for rows in flags.values() for holds, level in rows if holds]

    required = ("age", *FIRST_SECTION) if child else ("age", *EMERGENCY_SIGNS, *OTHER_WARNING_SIGNS)
    incomplete = any(q not in a for q in required)
    unsure_emergency = any(unsure(q) for q in EMERGENCY_SIGNS)
    unsure_other = any(unsure(q) for q in OTHER_WARNING_SIGNS)
    urgent = [
        stones,
        yes("nausea_or_vomiting") and at_least("pain_severity", 7),
        sudden and at_least("age", 50),
        unsure_emergency,
    ]
    doctor = [
        bool(found & {"disc_problem", "spinal_stenosis", "osteoporosis", "scoliosis", "endometriosis",
                      "cancer", "polymyalgia_rheumatica"}),
        yes("night_pain"),
        is_("pain_duration", "over_12_weeks"),
        at_least("pain_severity", 8),
        yes("morning_stiffness") and isinstance(age, int) and age < 45,
        where("upper_back") and at_least("age", 50),
        yes("immune_risk"),
        unsure_other,
        incomplete,
        child,
    ]
    levels += ["urgent_doctor"] * any(urgent) + ["doctor"] * any(doctor)
    level = min(levels, key=LEVELS.index, default="acupuncturist")
    if level == "emergency":  # the questionnaire stops: what comes after is not asked
        incomplete = False

    acupuncture = level == "acupuncturist" or (
        level == "doctor"
        and (bool(found & set(RESPONSIVE_CAUSES)) or is_("pain_duration", "over_12_weeks"))
        and not (red_flags or found & {"cancer", "infection", "polymyalgia_rheumatica"}
                 or yes("immune_risk") or yes("both_legs_symptoms")
                 or unsure_emergency or unsure_other or incomplete)
    )
    return Verdict(level, frozenset(found), frozenset(red_flags), acupuncture, not incomplete)
