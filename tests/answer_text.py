"""Answers-file text shared by tests: every warning sign answered "No".

Since version 2 of the clinical contract, an answers file that leaves a
warning sign unanswered is incomplete (a doctor first); tests about other
things start from a file that rules them all out.
"""

from __future__ import annotations

WARNING_SIGNS = (
    "recent_trauma", "saddle_numbness", "bladder_bowel_change", "both_legs_symptoms", "pulsating_abdomen",
    "tearing_pain", "chest_symptoms", "sexual_function_change", "leg_weakness", "walking_difficulty",
    "fever", "pregnant", "immune_risk", "recent_infection_or_procedure", "history_of_cancer",
    "unexplained_weight_loss", "night_pain", "osteoporosis_or_steroids", "height_loss",
)
NO_WARNING_SIGNS = "".join(f"{sign}: false\n" for sign in WARNING_SIGNS)
"""YAML lines answering every warning sign with No."""
NO_WARNING_SIGNS_JSON = ", ".join(f'"{sign}": false' for sign in WARNING_SIGNS)
