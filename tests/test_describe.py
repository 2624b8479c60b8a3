"""Conditions in plain words: exact sentences for every kind of condition."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter

from triage import describe
from triage.models import Condition, KnowledgeBase

CONDITION: TypeAdapter[Any] = TypeAdapter(Condition)

SADDLE = ("“Do you have numbness, tingling or loss of feeling around your genitals, your back passage "
          "(anus), your bottom or your inner thighs? This includes numbness during sex.”")
AGE = "the answer to “How old are you (in years)?”"
SEVERITY = ("the answer to “How bad has the pain been at its worst in the last 24 hours, from 0 (no pain) "
            "to 10 (the worst pain you can imagine)?”")
FEVER = "“Do you have a fever or chills, or feel hot and shivery, with the back pain?”"
WHERE = "“Where is the pain? Choose all that apply.”"
HABITS = "“Which of these are part of your day? Choose all that apply, or none.”"
HOW_LONG = "“How long have you had this pain?”"


def cond(data: dict[str, Any]) -> Condition:
    parsed: Condition = CONDITION.validate_python(data)
    return parsed


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param({"question": "saddle_numbness", "operator": "=", "answer": True},
                     f"you answer Yes to {SADDLE}", id="yes-no-yes"),
        pytest.param({"question": "fever", "operator": "=", "answer": False},
                     f"you answer No to {FEVER}", id="yes-no-no"),
        pytest.param({"question": "fever", "operator": "=", "answer": "not_sure"},
                     f"you answer Not sure to {FEVER}", id="yes-no-not-sure"),
        pytest.param({"question": "fever", "operator": "!=", "answer": True},
                     f"you answer something other than Yes to {FEVER}", id="yes-no-not-equal"),
        pytest.param({"question": "fever", "operator": "exists", "answer": True},
                     f"you answer {FEVER}", id="exists"),
        pytest.param({"question": "fever", "operator": "exists", "answer": False},
                     f"you leave {FEVER} unanswered", id="not-exists"),
        pytest.param({"question": "age", "operator": ">=", "answer": 50}, f"{AGE} is 50 or more",
                     id="number-ge"),
        pytest.param({"question": "age", "operator": "<=", "answer": 30}, f"{AGE} is 30 or less",
                     id="number-le"),
        pytest.param({"question": "age", "operator": "<", "answer": 16}, f"{AGE} is less than 16",
                     id="number-lt"),
        pytest.param({"question": "age", "operator": ">", "answer": 65}, f"{AGE} is more than 65",
                     id="number-gt"),
        pytest.param({"question": "age", "operator": "=", "answer": 40}, f"{AGE} is 40", id="number-eq"),
        pytest.param({"question": "age", "operator": "!=", "answer": 40}, f"{AGE} is not 40", id="number-ne"),
        pytest.param({"question": "pain_severity", "operator": ">=", "answer": 7},
                     f"{SEVERITY} is 7 or more out of 10", id="scale"),
        pytest.param({"question": "pain_duration", "operator": "=", "answer": "over_12_weeks"},
                     f"you answer ‘More than 12 weeks’ to {HOW_LONG}", id="choice-eq"),
        pytest.param({"question": "pain_duration", "operator": "!=", "answer": "under_1_week"},
                     f"you answer something other than ‘Less than a week’ to {HOW_LONG}", id="choice-ne"),
        pytest.param({"question": "pain_location", "operator": "contains", "answer": "side_flank"},
                     f"‘Side of the back, below the ribs (flank)’ is among your answers to {WHERE}",
                     id="multi-contains"),
        pytest.param({"question": "posture_habits", "operator": "!=", "answer": []},
                     f"you choose at least one answer to {HABITS}", id="multi-not-empty"),
        pytest.param({"question": "posture_habits", "operator": "=", "answer": []},
                     f"you choose none of the answers to {HABITS}", id="multi-empty"),
        pytest.param({"question": "posture_habits", "operator": "=", "answer": ["slouching", "heavy_bag"]},
                     f"your answers to {HABITS} are exactly ‘Slouching’ and "
                     "‘Carrying a heavy bag on one shoulder’", id="multi-exactly"),
        pytest.param({"question": "posture_habits", "operator": "!=", "answer": ["slouching"]},
                     f"your answers to {HABITS} are not exactly ‘Slouching’", id="multi-not-exactly"),
        pytest.param({"cause": "kidney_stones"}, "the cause ‘Kidney stones’ is found", id="cause"),
        pytest.param({"red_flag": "cauda_equina"}, "the red flag ‘Possible cauda equina syndrome’ is found",
                     id="red-flag"),
        pytest.param({"all": [{"question": "age", "operator": ">=", "answer": 50},
                              {"question": "fever", "operator": "=", "answer": True}]},
                     f"all of: {AGE} is 50 or more; you answer Yes to {FEVER}", id="all"),
        pytest.param({"any": [{"question": "age", "operator": ">=", "answer": 50}, {"cause": "infection"}]},
                     f"any of: {AGE} is 50 or more; the cause ‘Infection’ is found", id="any"),
        pytest.param({"not": {"question": "fever", "operator": "=", "answer": True}},
                     f"not: you answer Yes to {FEVER}", id="not"),
        pytest.param({"all": [{"cause": "infection"},
                              {"any": [{"question": "age", "operator": "<", "answer": 20},
                                       {"question": "age", "operator": ">", "answer": 70}]}]},
                     f"all of: the cause ‘Infection’ is found; (any of: {AGE} is less than 20; "
                     f"{AGE} is more than 70)", id="nested-in-brackets"),
        pytest.param({"all": [{"question": "age", "operator": "<", "answer": 16}]}, f"{AGE} is less than 16",
                     id="all-of-one-is-the-one"),
        pytest.param({"all": []}, "always (no condition)", id="all-of-nothing"),
        pytest.param({"any": []}, "never", id="any-of-nothing"),
    ],
)
def test_sentence(kb: KnowledgeBase, data: dict[str, Any], expected: str) -> None:
    assert describe.sentence(kb, cond(data)) == expected


def test_lines_nest_parts_under_all_any_not(kb: KnowledgeBase) -> None:
    rule = kb.rule("spinal_fracture_thin_bones")
    thin, onset = (" ".join(kb.question(q).text.split()) for q in ("osteoporosis_or_steroids", "pain_onset"))
    assert describe.lines(describe.tree(kb, rule.when)) == [
        "- all of:",
        f"  - you answer Yes to “{thin}”",
        "  - any of:",
        f"    - you answer ‘Suddenly, for no clear reason’ to “{onset}”",
        f"    - you answer ‘After lifting something or a strain’ to “{onset}”",
    ]


def test_an_unanswered_warning_sign_reads_as_words(kb: KnowledgeBase) -> None:
    text = " ".join(kb.question("fever").text.split())
    assert describe.sentence(kb, cond({"unanswered": "fever"})) == f"“{text}” is asked and left unanswered"


def test_expand_spells_out_what_a_finding_means(kb: KnowledgeBase) -> None:
    node = describe.tree(kb, cond({"cause": "disc_problem"}), expand=True)
    assert describe.lines(node) == [
        "- the cause ‘Disc problem (for example a bulging or \"slipped\" disc)’ is found, which means:",
        "  - you answer Yes to “Does pain shoot down one of your legs, below the knee?”",
    ]


def test_expand_joins_several_rules_with_any_of(kb: KnowledgeBase) -> None:
    node = describe.tree(kb, cond({"red_flag": "cauda_equina"}), expand=True)
    assert node.text == "the red flag ‘Possible cauda equina syndrome’ is found, which means:"
    assert node.children[0].text == "any of:"
    assert len(node.children[0].children) == 6


def test_every_shipped_condition_reads_as_words(kb: KnowledgeBase) -> None:
    conditions = [r.when for r in kb.rules] + [q.ask_if for q in kb.questions if q.ask_if is not None]
    for condition in conditions:
        text = describe.sentence(kb, condition, expand=True)
        assert text
        for raw in ("`", "operator", "{", "_"):
            assert raw not in text, (raw, text)
