"""The triage policy of the clinical contract (version 3), transcribed by hand.

This is an independent reading of ``../shared/clinical-spec.md``: every row of
its level, red-flag and cause tables, its children's paragraph, its incomplete
answers and its acupuncture rule written as plain Python, without the
knowledge base, ``questions.yaml``, the rule compiler or the engine. The tests
compare the tool with it on random answer sets, so a rule missing from the
YAML, a threshold off by one, an ask-condition forgotten or an acupuncture
exception left out shows up as a disagreement.

Answers are a mapping ``question_id -> value``: ``True``, ``False`` or
``"not_sure"`` for yes/no questions, an ``int`` for numbers and scales, an
option id for a choice and a list (or tuple) of option ids for a multi. A
missing key is unanswered. A yes/no question "holds" only when answered
``True``; ``"not_sure"`` counts only where a row names it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

LEVELS = ("emergency", "urgent_doctor", "doctor", "acupuncturist")
"""Most urgent first: the result is the most urgent level any row reaches."""

QUESTION_ORDER = (
    "age",
    # The first eight questions are fixed by the contract ("Order").
    "recent_trauma", "saddle_numbness", "bladder_bowel_change", "both_legs_symptoms",
    "pulsating_abdomen", "tearing_pain", "chest_symptoms",
    # The other warning signs, before the questions about the pain.
    "sexual_function_change", "leg_weakness", "walking_difficulty", "fever", "pregnant", "immune_risk",
    "recent_infection_or_procedure", "history_of_cancer", "unexplained_weight_loss", "night_pain",
    "osteoporosis_or_steroids", "height_loss",
    # The questions about the pain.
    "pain_duration", "pain_location", "previous_kidney_stones", "pain_comes_in_waves",
    "pregnancy_bleeding_or_belly_pain",  # a project addition (see PROJECT ADDITIONS below)
    "pain_onset", "stiff_spine_condition", "pain_severity", "pain_radiates_leg", "worse_cough_sneeze",
    "back_lump_or_shape_change", "blood_thinners", "worse_walking_better_sitting", "morning_stiffness",
    "muscle_tension", "nausea_or_vomiting", "blood_in_urine", "joint_pain_elsewhere",
    "widespread_pain_3_months", "fatigue_poor_sleep", "visible_curve", "has_periods",
    "pain_worse_with_periods", "posture_habits", "stress_level",
)
"""Every question of the contract, in the order the questionnaire asks them."""

FIRST_SECTION = QUESTION_ORDER[1:20]
"""The warning-sign questions (W in the contract), in the order they are asked after ``age``."""

EMERGENCY_SIGNS = ("saddle_numbness", "bladder_bowel_change", "both_legs_symptoms", "pulsating_abdomen",
                   "tearing_pain", "chest_symptoms", "sexual_function_change", "leg_weakness",
                   "walking_difficulty")
"""Warning signs whose ``not_sure`` means a doctor today (``pulsating_abdomen``: at 50+ or age unknown)."""

OTHER_WARNING_SIGNS = tuple(q for q in FIRST_SECTION if q not in EMERGENCY_SIGNS)
"""The other warning signs: ``not_sure`` to one of them means a doctor."""

NOT_SURE_URGENT_OTHERS = ("stiff_spine_condition",)
"""Not a warning sign (W), but ``not_sure`` to it is urgent too (the level table's not-sure row)."""

CHILDREN_QUESTIONS = (
    "age", "recent_trauma", "saddle_numbness", "bladder_bowel_change", "both_legs_symptoms", "tearing_pain",
    "chest_symptoms", "leg_weakness", "walking_difficulty", "fever", "pregnant", "immune_risk",
    "history_of_cancer", "unexplained_weight_loss", "night_pain", "pain_duration", "pain_comes_in_waves",
)
"""Everything a child (age under 16) is asked; ``pregnant`` and ``pain_comes_in_waves`` conditionally."""

RESPONSIVE_CAUSES = ("muscle_strain", "arthritis", "fibromyalgia", "stress_anxiety", "poor_posture")
DOCTOR_CAUSES = ("disc_problem", "spinal_stenosis", "osteoporosis", "scoliosis", "endometriosis", "cancer",
                 "polymyalgia_rheumatica")
NO_ACUPUNCTURE_CAUSES = ("cancer", "infection", "polymyalgia_rheumatica")
FLANK_ONLY = ("previous_kidney_stones", "blood_in_urine")
"""Asked only when the pain is in the flank (``pain_comes_in_waves`` also when ``pregnant`` holds)."""


@dataclass(frozen=True)
class Verdict:
    level: str
    causes: frozenset[str]
    red_flags: frozenset[str]
    acupuncture: bool
    complete: bool


def _age(answers: Mapping[str, Any]) -> int | None:
    age = answers.get("age")
    return age if isinstance(age, int) and not isinstance(age, bool) else None


def _is_child(answers: Mapping[str, Any]) -> bool:
    age = _age(answers)
    return age is not None and age < 16


def _flank(earlier: Mapping[str, Any]) -> bool:
    return "side_flank" in earlier.get("pain_location", ())


def _pregnant(earlier: Mapping[str, Any]) -> bool:
    return earlier.get("pregnant") is True


def _of_pregnancy_age(earlier: Mapping[str, Any]) -> bool:
    """Not known to be under 12 or over 55."""
    age = _age(earlier)
    return age is None or 12 <= age <= 55


ASKED_WHEN: dict[str, Callable[[Mapping[str, Any]], bool]] = {
    "pregnant": _of_pregnancy_age,
    **{qid: _flank for qid in FLANK_ONLY},
    "pain_comes_in_waves": lambda earlier: _flank(earlier) or _pregnant(earlier),
    "pregnancy_bleeding_or_belly_pain": _pregnant,
    "stiff_spine_condition": lambda earlier: (earlier.get("pain_onset") == "after_fall_or_knock"
                                              or earlier.get("recent_trauma") == "not_sure"),
    "pain_worse_with_periods": lambda earlier: (earlier.get("has_periods") is True
                                                or earlier.get("has_periods") == "not_sure"),
}
"""The questions asked only when the answers before them say so (of someone aged 16 or over, or of
unknown age); every other question is asked of everyone."""


def is_asked(qid: str, earlier: Mapping[str, Any]) -> bool:
    """Whether the questionnaire asks ``qid``, given the answers it kept before it."""
    if _is_child(earlier) and qid not in CHILDREN_QUESTIONS:
        return False  # children answer exactly the children's list, then the questionnaire stops
    asked = ASKED_WHEN.get(qid)
    return asked is None or asked(earlier)


def asked_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers the questionnaire would use: ask-conditions and the children's stop.

    Answers to questions that would not be asked (and to questions the contract
    does not name) are dropped. The emergency stop is not applied here.
    """
    used: dict[str, Any] = {}
    for qid in QUESTION_ORDER:
        if qid in answers and is_asked(qid, used):
            used[qid] = answers[qid]
    return used


def unanswered_warning_signs(a: Mapping[str, Any]) -> list[str]:
    """``age`` and the warning signs that were asked but not answered (``a`` already filtered)."""
    return [q for q in ("age", *FIRST_SECTION) if q not in a and is_asked(q, a)]


@dataclass(frozen=True)
class _Findings:
    causes: frozenset[str]
    red_flags: frozenset[str]
    level: str
    incomplete: bool
    unsure_sign: bool


def _most_urgent(levels: list[str]) -> str:
    return min(levels, key=LEVELS.index, default="acupuncturist")


@dataclass(frozen=True)
class _Ask:
    """The tests the contract's rows make of the answers ``a``."""

    a: Mapping[str, Any]

    def yes(self, q: str) -> bool:
        return self.a.get(q) is True

    def unsure(self, q: str) -> bool:
        return self.a.get(q) == "not_sure"

    def at_least(self, q: str, n: int) -> bool:
        value = self.a.get(q)
        return isinstance(value, int) and not isinstance(value, bool) and value >= n

    def is_(self, q: str, value: str) -> bool:
        return self.a.get(q) == value

    def where(self, place: str) -> bool:
        return place in self.a.get("pain_location", ())

    def age_at_least(self, n: int) -> bool:  # an unknown age is neither over nor under a threshold
        age = _age(self.a)
        return age is not None and age >= n

    def age_under(self, n: int) -> bool:
        age = _age(self.a)
        return age is not None and age < n


def _urgent_when_unsure(q: str, age: int | None) -> bool:
    """Whether ``not_sure`` to the warning sign ``q`` means a doctor today."""
    if q == "pulsating_abdomen":  # at 50 or over, or age unknown
        return age is None or age >= 50
    return q in EMERGENCY_SIGNS or q in NOT_SURE_URGENT_OTHERS


def _findings(a: Mapping[str, Any]) -> _Findings:
    """Every row of the contract's tables, on answers already passed through ``asked_answers``."""
    age = _age(a)
    child = _is_child(a)
    ask = _Ask(a)
    yes, unsure, at_least, is_, where = ask.yes, ask.unsure, ask.at_least, ask.is_, ask.where
    age_at_least, age_under = ask.age_at_least, ask.age_under

    # --- Causes ---------------------------------------------------------------------------------
    causes = {
        "muscle_strain": yes("muscle_tension") or is_("pain_onset", "after_lifting_or_strain"),
        "arthritis": yes("morning_stiffness") or yes("joint_pain_elsewhere"),
        "fibromyalgia": yes("widespread_pain_3_months") and yes("fatigue_poor_sleep"),
        "stress_anxiety": at_least("stress_level", 7),
        "poor_posture": bool(a.get("posture_habits")),
        "disc_problem": yes("pain_radiates_leg"),
        "spinal_stenosis": yes("worse_walking_better_sitting") and age_at_least(50),
        "osteoporosis": yes("osteoporosis_or_steroids") or yes("height_loss"),
        "scoliosis": yes("visible_curve"),
        "infection": yes("fever"),
        "cancer": yes("history_of_cancer") or yes("unexplained_weight_loss"),
        "kidney_stones": where("side_flank") and (
            yes("pain_comes_in_waves") or yes("nausea_or_vomiting") or yes("blood_in_urine")),
        "endometriosis": yes("pain_worse_with_periods"),
        "polymyalgia_rheumatica": age_at_least(50) and yes("morning_stiffness") and where("neck_shoulders"),
    }
    found = {c for c, holds in causes.items() if holds}
    stones = "kidney_stones" in found  # "the kidney_stones pattern"
    sudden = is_("pain_onset", "sudden_no_cause")
    fall = is_("pain_onset", "after_fall_or_knock")
    nerve_deficit = yes("leg_weakness") or yes("both_legs_symptoms") or yes("walking_difficulty")

    # --- Red flags: (red flag, the row holds, level) ---------------------------------------------
    flag_rows: list[tuple[str, bool, str]] = [
        # cauda_equina
        ("cauda_equina", yes("saddle_numbness") or yes("bladder_bowel_change") or yes("both_legs_symptoms"),
         "emergency"),
        ("cauda_equina", yes("sexual_function_change") and yes("pain_radiates_leg"), "emergency"),
        ("cauda_equina", yes("sexual_function_change"), "urgent_doctor"),
        ("cauda_equina", yes("walking_difficulty") and yes("leg_weakness"), "emergency"),
        # aortic_aneurysm
        ("aortic_aneurysm", yes("pulsating_abdomen") and (age is None or age >= 50), "emergency"),
        ("aortic_aneurysm", yes("tearing_pain"), "emergency"),  # any age
        ("aortic_aneurysm", sudden and at_least("pain_severity", 8) and age_at_least(60), "emergency"),
        # a first kidney stone at 60+: previous_kidney_stones answered (false or not sure), not true
        ("aortic_aneurysm", stones and age_at_least(60) and "previous_kidney_stones" in a
         and not yes("previous_kidney_stones"), "emergency"),
        # chest_warning
        ("chest_warning", yes("chest_symptoms"), "emergency"),
        # kidney_infection
        ("kidney_infection", stones and yes("fever"), "emergency"),
        # spinal_infection
        ("spinal_infection", yes("fever"), "urgent_doctor"),
        ("spinal_infection", yes("fever") and yes("immune_risk"), "emergency"),
        ("spinal_infection", yes("fever") and nerve_deficit, "emergency"),  # epidural abscess
        ("spinal_infection", unsure("fever") and yes("immune_risk"), "urgent_doctor"),
        ("spinal_infection", yes("recent_infection_or_procedure") and nerve_deficit, "emergency"),
        ("spinal_infection", yes("recent_infection_or_procedure") and (yes("night_pain") or unsure("fever")),
         "urgent_doctor"),
        # spinal_fracture
        ("spinal_fracture", yes("recent_trauma"), "emergency"),  # a serious accident
        ("spinal_fracture", yes("stiff_spine_condition") and (fall or unsure("recent_trauma")), "emergency"),
        ("spinal_fracture", fall and (age_at_least(65) or yes("osteoporosis_or_steroids")), "urgent_doctor"),
        ("spinal_fracture", yes("osteoporosis_or_steroids") and sudden, "urgent_doctor"),
        ("spinal_fracture", yes("osteoporosis_or_steroids") and is_("pain_onset", "after_lifting_or_strain"),
         "urgent_doctor"),
        ("spinal_fracture", yes("height_loss") and sudden, "urgent_doctor"),
        ("spinal_fracture", unsure("recent_trauma") and age_at_least(65), "urgent_doctor"),
        # (v3: osteoporosis_or_steroids and height_loss with a gradual onset is no longer a fracture flag)
        # cancer_warning
        ("cancer_warning", yes("history_of_cancer") or yes("unexplained_weight_loss"), "urgent_doctor"),
        ("cancer_warning", yes("history_of_cancer") and any(
            yes(q) or unsure(q) for q in ("leg_weakness", "both_legs_symptoms", "walking_difficulty")),
         "emergency"),  # possible spinal cord compression
        # nerve_compression
        ("nerve_compression", yes("leg_weakness") or yes("walking_difficulty"), "urgent_doctor"),
        ("nerve_compression", nerve_deficit and fall, "emergency"),
        ("nerve_compression", nerve_deficit and yes("blood_thinners"), "emergency"),  # a bleed
        # pregnancy_warning
        ("pregnancy_warning", yes("pregnant") and (yes("fever") or yes("pain_comes_in_waves")), "emergency"),
        ("pregnancy_warning", yes("pregnant") and sudden and at_least("pain_severity", 7), "emergency"),
        # PROJECT ADDITIONS: signs the contract's sources name and its tables lack, added as the
        # contract's principle asks (and said in the project's notes).
        # NICE NG234: radicular pain in someone with cancer suggests spinal cord compression.
        ("cancer_warning", yes("history_of_cancer") and yes("pain_radiates_leg"), "emergency"),
        # Back pain in pregnancy: bleeding or a constant belly pain needs the maternity unit now.
        ("pregnancy_warning", yes("pregnant") and yes("pregnancy_bleeding_or_belly_pain"), "emergency"),
    ]
    red_flags = {flag for flag, holds, _ in flag_rows if holds}
    levels = [level for _, holds, level in flag_rows if holds]

    # --- Warning signs: not sure, unanswered ---------------------------------------------------
    unsure_urgent = any(unsure(q) for q in (*FIRST_SECTION, *NOT_SURE_URGENT_OTHERS)
                        if _urgent_when_unsure(q, age))
    unsure_other = any(unsure(q) for q in FIRST_SECTION if not _urgent_when_unsure(q, age))
    unsure_sign = any(unsure(q) for q in FIRST_SECTION)
    incomplete = bool(unanswered_warning_signs(a))

    # --- Other rules that set a level (no red flag) ---------------------------------------------
    level_rows: list[tuple[bool, str]] = [
        (stones, "urgent_doctor"),  # cause kidney_stones
        (yes("nausea_or_vomiting") and at_least("pain_severity", 7), "urgent_doctor"),
        (sudden and age_at_least(50), "urgent_doctor"),
        (yes("blood_thinners") and sudden and at_least("pain_severity", 7), "urgent_doctor"),  # a bleed
        (yes("night_pain"), "urgent_doctor"),
        (where("upper_back") and not where("lower_back") and age_at_least(50), "urgent_doctor"),
        (where("upper_back") and age_at_least(50), "doctor"),
        (yes("pulsating_abdomen") and age_under(50), "doctor"),  # often normal in a slim belly
        (yes("worse_cough_sneeze"), "urgent_doctor"),
        (yes("back_lump_or_shape_change"), "urgent_doctor"),
        (unsure_urgent, "urgent_doctor"),  # an emergency sign that cannot be ruled out
        (yes("pregnant"), "doctor"),
        (bool(found & set(DOCTOR_CAUSES)), "doctor"),
        (is_("pain_duration", "over_12_weeks"), "doctor"),
        (at_least("pain_severity", 8), "doctor"),
        (yes("morning_stiffness") and age_under(45), "doctor"),  # possible inflammatory back pain
        (yes("immune_risk"), "doctor"),
        (yes("recent_infection_or_procedure"), "doctor"),
        (unsure_other, "doctor"),  # not sure to any other warning sign
        (incomplete, "doctor"),  # age or an asked warning sign unanswered
        (age_at_least(70), "doctor"),
    ]
    levels += [level for holds, level in level_rows if holds]

    # --- Children ------------------------------------------------------------------------------
    if child:
        levels.append("doctor")
        if is_("pain_duration", "6_to_12_weeks") or is_("pain_duration", "over_12_weeks"):
            levels.append("urgent_doctor")  # persistent bone pain in a child (NICE NG12)
        found = set()  # no causes are named for children

    return _Findings(frozenset(found), frozenset(red_flags), _most_urgent(levels), incomplete, unsure_sign)


def answers_at_emergency_stop(a: Mapping[str, Any]) -> dict[str, Any]:
    """The answers given before the questionnaire stopped on an emergency (all of them if it did not)."""
    so_far: dict[str, Any] = {}
    for qid in QUESTION_ORDER:
        if qid in a:
            so_far[qid] = a[qid]
            if _findings(so_far).level == "emergency":
                break
    return so_far


def verdict(given: Mapping[str, Any]) -> Verdict:
    a = asked_answers(given)
    findings = _findings(a)
    level = findings.level
    if level == "emergency":
        # The questionnaire stops: only what was known by then is named, and what came after is
        # neither a finding nor unanswered (the result is complete).
        stopped = _findings(answers_at_emergency_stop(a))
        return Verdict(level, stopped.causes, stopped.red_flags, False, True)

    acupuncture = not _is_child(a) and (level == "acupuncturist" or (
        level == "doctor"
        and (bool(findings.causes & set(RESPONSIVE_CAUSES)) or a.get("pain_duration") == "over_12_weeks")
        and not (findings.red_flags
                 or findings.causes & set(NO_ACUPUNCTURE_CAUSES)
                 or a.get("immune_risk") is True
                 or a.get("recent_infection_or_procedure") is True
                 or a.get("pulsating_abdomen") is True
                 or findings.unsure_sign
                 or findings.incomplete)))
    return Verdict(level, findings.causes, findings.red_flags, acupuncture, not findings.incomplete)
