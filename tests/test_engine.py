"""The engine module: compiling conditions, the then registry, facts that match."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triage import conditions, engine, flow, loader
from triage.models import AnswerValue, KnowledgeBase, Rule

KB = loader.load()


def one_rule_kb(when: dict[str, Any], extra_rules: tuple[dict[str, Any], ...] = ()) -> KnowledgeBase:
    rules = tuple(
        Rule.model_validate({"because": "b", "source": "s", **r})
        for r in ({"id": "probe", "when": when, "then": {"level": "doctor"}}, *extra_rules)
    )
    return KB.model_copy(update={"rules": rules})


@pytest.mark.parametrize(
    ("when", "answers", "fires"),
    [
        pytest.param({"question": "fever", "operator": "=", "answer": True}, {"fever": True}, True,
                     id="eq-yes"),
        pytest.param({"question": "fever", "operator": "=", "answer": True}, {"fever": "not_sure"}, False,
                     id="eq-not-sure-is-not-yes"),
        pytest.param({"question": "fever", "operator": "=", "answer": True}, {}, False,
                     id="eq-unknown"),
        pytest.param({"question": "fever", "operator": "=", "answer": "not_sure"}, {"fever": "not_sure"},
                     True, id="eq-not-sure"),
        pytest.param({"question": "fever", "operator": "!=", "answer": True}, {}, False, id="ne-unknown"),
        pytest.param({"question": "fever", "operator": "!=", "answer": True}, {"fever": False}, True,
                     id="ne"),
        pytest.param({"question": "fever", "operator": "exists", "answer": True}, {"fever": False}, True,
                     id="exists"),
        pytest.param({"question": "fever", "operator": "exists", "answer": False}, {}, True, id="not-exists"),
        pytest.param({"question": "age", "operator": ">=", "answer": 50}, {"age": 50}, True, id="ge-edge"),
        pytest.param({"question": "age", "operator": ">", "answer": 50}, {"age": 50}, False, id="gt-edge"),
        pytest.param({"question": "age", "operator": "<", "answer": 16}, {"age": 15}, True, id="lt"),
        pytest.param({"question": "age", "operator": "<=", "answer": 16}, {"age": 17}, False, id="le"),
        pytest.param({"question": "age", "operator": "=", "answer": 1}, {"age": 1}, True, id="eq-number"),
        pytest.param({"question": "pain_location", "operator": "contains", "answer": "side_flank"},
                     {"pain_location": ("lower_back", "side_flank")}, True, id="contains"),
        pytest.param({"question": "pain_location", "operator": "contains", "answer": "side_flank"},
                     {"pain_location": ()}, False, id="contains-empty"),
        pytest.param({"question": "pain_location", "operator": "=", "answer": ["upper_back", "lower_back"]},
                     {"pain_location": ("lower_back", "upper_back")}, True, id="eq-set"),
        pytest.param({"question": "posture_habits", "operator": "!=", "answer": []},
                     {"posture_habits": ()}, False, id="ne-empty-list"),
        pytest.param({"not": {"question": "fever", "operator": "=", "answer": True}}, {}, True,
                     id="not-unknown"),
        pytest.param({"not": {"any": [{"question": "fever", "operator": "=", "answer": True},
                                      {"question": "age", "operator": ">", "answer": 60}]}},
                     {"fever": False, "age": 70}, False, id="not-any"),
        pytest.param({"not": {"all": [{"question": "fever", "operator": "=", "answer": True},
                                      {"question": "age", "operator": ">", "answer": 60}]}},
                     {"fever": True, "age": 70}, False, id="not-all"),
        pytest.param({"not": {"not": {"question": "fever", "operator": "=", "answer": True}}},
                     {"fever": True}, True, id="double-not"),
        pytest.param({"not": {"question": "fever", "operator": "exists", "answer": False}},
                     {"fever": False}, True, id="not-not-exists"),
        pytest.param({"any": []}, {"fever": True}, False, id="any-empty"),
        pytest.param({"all": []}, {}, True, id="all-empty"),
        pytest.param({"any": [{"all": []}, {"question": "fever", "operator": "=", "answer": True}]}, {}, True,
                     id="any-with-always"),
    ],
)
def test_compiled_condition_agrees_with_direct_evaluation(when: dict[str, Any], answers: dict[str, Any],
                                                          fires: bool) -> None:
    kb = one_rule_kb(when)
    rule = kb.rules[0]
    assert conditions.holds(rule.when, answers) is fires
    assert ("probe" in engine.Engine(kb).evaluate(answers).fired) is fires


def test_not_over_a_finding_waits_for_the_rules_that_declare_it() -> None:
    """Strata: a rule testing `not cause` fires only after every rule that could declare it."""
    kb = one_rule_kb(
        {"not": {"cause": "muscle_strain"}},
        ({"id": "strain", "when": {"question": "muscle_tension", "operator": "=", "answer": True},
          "then": {"cause": "muscle_strain"}},),
    )
    eng = engine.Engine(kb)
    assert "probe" not in eng.evaluate({"muscle_tension": True}).fired
    assert "probe" in eng.evaluate({"muscle_tension": False}).fired


def test_matched_answers_come_from_the_facts_that_matched() -> None:
    eng = engine.engine_for(KB)
    answers: dict[str, AnswerValue] = {"fever": True, "pain_location": ("side_flank",),
                                       "pain_comes_in_waves": True, "nausea_or_vomiting": False, "age": 38}
    firings = {f.rule_id: f for f in eng.evaluate(answers).firings}
    infection = firings["kidney_infection_fever"]
    assert infection.matched == (("fever", True),)
    assert infection.via == (("cause", "kidney_stones"),)
    stones = firings["kidney_stones_pattern"]
    assert dict(stones.matched) == {"pain_location": ("side_flank",), "pain_comes_in_waves": True}


def test_engine_is_built_once_per_knowledge_base() -> None:
    assert engine.engine_for(KB) is engine.engine_for(KB)


def test_reset_between_assessments_leaves_nothing_behind() -> None:
    eng = engine.engine_for(KB)
    assert eng.evaluate({"saddle_numbness": True}).level == "emergency"
    assert eng.evaluate({"age": 30}).level == "acupuncturist"


def test_unknown_then_kind_lists_the_valid_ones() -> None:
    with pytest.raises(KeyError, match="valid kinds: cause, caution, level, red_flag"):
        engine.then_compiler("diagnosis")


@given(st.one_of(st.none(), st.booleans(), st.integers(), st.text(), st.floats(),
                 st.lists(st.text()).map(tuple), st.dictionaries(st.text(), st.integers())),
       st.sampled_from(sorted(conditions.COMPARATORS)),
       st.one_of(st.booleans(), st.integers(), st.text(), st.lists(st.text())))
def test_comparisons_never_raise(value: Any, operator: str, expected: Any) -> None:
    """experta calls a field's predicate with values of other questions."""
    assert conditions.compare(operator, value, expected) in (True, False)


def test_importing_the_engine_leaves_logging_alone() -> None:
    code = ("import logging; import triage.engine; import experta; "
            "print(len(logging.getLogger().handlers))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_emergency_stops_the_flow_at_once() -> None:
    res = flow.simulate(KB, engine.engine_for(KB), {"age": 40, "saddle_numbness": True, "fever": True})
    assert res.asked == ("age", "recent_trauma", "saddle_numbness")
    assert res.stopped_early
    assert ("fever", "after_stop") in res.ignored


def test_answers_to_questions_not_asked_are_ignored() -> None:
    res = flow.simulate(KB, engine.engine_for(KB), {"age": 40, "has_periods": False,
                                                    "pain_worse_with_periods": True})
    assert "pain_worse_with_periods" not in res.answers
    assert ("pain_worse_with_periods", "not_asked") in res.ignored
    assert "endometriosis_periods" not in res.evaluation.fired
