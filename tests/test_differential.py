"""The engine derives exactly what a direct evaluation of the same rules does.

Checked on the shipped knowledge base and on a negation-heavy one built here
(``NEGATION``), in process and again in subprocesses under several
PYTHONHASHSEED values, because experta's agenda order depends on hashing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import examples
from hypothesis import given, settings
from strategies import answer_sets, answers_and_unanswered

from triage import conditions, flow, loader, rulegraph
from triage.engine import Engine, engine_for
from triage.models import (
    AllCondition,
    AnyCondition,
    Condition,
    KnowledgeBase,
    NotCondition,
    QuestionCondition,
    Rule,
    UnansweredCondition,
    then_stops,
)
from triage.reference import Reference

KB = loader.load()
ENGINE = engine_for(KB)
REFERENCE = Reference(KB)
ROOT = Path(__file__).resolve().parent.parent

# The shipped knowledge base reads where a walk stops from one evaluation:
# its one stopping rule with a negation (a first kidney stone after 60 unless
# stones are known) only negates a question asked before the rule can hold.
# A stopping rule that negates a later question makes the flow walk answer by
# answer instead: both ways are checked.
NON_MONOTONE = KB.model_copy(update={"rules": (*KB.rules, Rule.model_validate({
    "id": "probe_stop_unless_night_pain", "because": "b", "source": ["clinical_consensus"],
    "then": {"level": "emergency"},
    "when": {"all": [{"question": "fever", "operator": "=", "answer": True},
                     {"not": {"question": "night_pain", "operator": "=", "answer": True}}]}}))})
NON_MONOTONE_ENGINE = Engine(NON_MONOTONE)


# --- a negation-heavy knowledge base ----------------------------------------------
# The shipped rules are nearly all positive, and every answer is declared at
# once, so nothing is ever retracted from their agenda: they cannot show
# experta's agenda bug (a retracted activation left behind among activations
# of equal keys), nor a wrong De Morgan step. These rules can. Most of them
# are negations only, so they match the initial fact alone and their
# activations share one key per stratum (salience); they are retracted when
# answers are declared (stratum 0), or while the engine runs, when a rule of a
# lower stratum declares a finding (strata 1 and 2). ``not(all(...))`` and
# ``not(any(...))`` over answers that are often known separate the right De
# Morgan step from a wrong one.
def _q(qid: str, operator: str, answer: Any) -> dict[str, Any]:
    return {"question": qid, "operator": operator, "answer": answer}


def _yes(qid: str) -> dict[str, Any]:
    return _q(qid, "=", True)


def _not(condition: dict[str, Any]) -> dict[str, Any]:
    return {"not": condition}


def _all(*parts: dict[str, Any]) -> dict[str, Any]:
    return {"all": list(parts)}


def _any(*parts: dict[str, Any]) -> dict[str, Any]:
    return {"any": list(parts)}


def _cause(cid: str) -> dict[str, Any]:
    return {"cause": cid}


def _flag(rid: str) -> dict[str, Any]:
    return {"red_flag": rid}


def _blank(qid: str) -> dict[str, Any]:
    return {"unanswered": qid}


def _rule(rid: str, when: dict[str, Any], then: dict[str, Any]) -> Rule:
    return Rule.model_validate({"id": f"neg_{rid}", "because": "probe", "source": ["clinical_consensus"],
                                "when": when, "then": then})


_URGENT, _DOCTOR, _ACU = {"level": "urgent_doctor"}, {"level": "doctor"}, {"level": "acupuncturist"}

NEGATION_RULES = (
    # Stratum 0: answers (and questions left unanswered) only.
    _rule("no_fever", _not(_yes("fever")), _DOCTOR),
    _rule("no_saddle", _not(_yes("saddle_numbness")), _ACU),
    _rule("weakness_unknown", _q("leg_weakness", "exists", False), _ACU),
    _rule("neither_chest_nor_aorta", _not(_any(_yes("chest_symptoms"), _yes("pulsating_abdomen"))), _DOCTOR),
    _rule("not_old_with_fever", _not(_all(_yes("fever"), _q("age", ">", 60))), _DOCTOR),
    _rule("not_trauma_cancer_night",
          _not(_all(_yes("recent_trauma"), _yes("history_of_cancer"), _q("night_pain", "!=", False))), _ACU),
    _rule("nested_urine", _not(_any(_not(_yes("blood_in_urine")),
                                    _all(_yes("nausea_or_vomiting"), _not(_yes("pain_comes_in_waves"))))),
          _URGENT),
    _rule("core_not_left_blank", _all(_not(_blank("fever")), _not(_blank("age"))), _ACU),
    _rule("sign_left_blank", _any(_blank("saddle_numbness"), _blank("chest_symptoms")), _URGENT),
    _rule("double_not_young", _not(_not(_q("age", "<", 30))), _ACU),
    _rule("height_loss_known", _not(_q("height_loss", "exists", False)), _ACU),
    _rule("not_blank_or_immune", _not(_any(_blank("immune_risk"), _yes("immune_risk"))), _DOCTOR),
    _rule("declare_a", _any(_yes("fever"), _yes("night_pain")), {"cause": "probe_a"}),
    _rule("declare_b", _not(_all(_q("age", "<", 60), _q("recent_trauma", "!=", True))), {"cause": "probe_b"}),
    _rule("declare_c",
          _all(_not(_q("history_of_cancer", "=", False)), _q("unexplained_weight_loss", "exists", True)),
          {"cause": "probe_c"}),
    _rule("declare_flag", _not(_any(_q("leg_weakness", "=", False), _q("saddle_numbness", "=", False))),
          {"red_flag": "probe_flag", "level": "urgent_doctor"}),
    # Stratum 1: findings of stratum 0, mostly under a not.
    _rule("not_a", _not(_cause("probe_a")), _ACU),
    _rule("neither_a_nor_b", _not(_any(_cause("probe_a"), _cause("probe_b"))), _DOCTOR),
    _rule("not_a_and_c", _not(_all(_cause("probe_a"), _cause("probe_c"))), _ACU),
    _rule("no_flag", _not(_flag("probe_flag")), _DOCTOR),
    _rule("not_b_no_fever", _all(_not(_cause("probe_b")), _not(_yes("fever"))), _ACU),
    _rule("double_not_c", _not(_not(_cause("probe_c"))), _DOCTOR),
    _rule("not_c_or_fever_blank", _any(_not(_cause("probe_c")), _blank("fever")), _ACU),
    _rule("not_b_with_age_known", _not(_all(_cause("probe_b"), _not(_blank("age")))), _DOCTOR),
    _rule("declare_d", _all(_cause("probe_a"), _not(_flag("probe_flag"))), {"cause": "probe_d"}),
    _rule("declare_e", _not(_all(_cause("probe_b"), _cause("probe_c"))), {"cause": "probe_e"}),
    # Stratum 2: findings of stratum 1.
    _rule("not_d", _not(_cause("probe_d")), _DOCTOR),
    _rule("neither_d_nor_flag", _not(_any(_cause("probe_d"), _flag("probe_flag"))), _ACU),
    _rule("not_d_not_a", _all(_not(_cause("probe_d")), _not(_cause("probe_a"))), _ACU),
    _rule("not_d_and_e", _not(_all(_cause("probe_d"), _cause("probe_e"))), _DOCTOR),
    _rule("nested_e",
          _not(_any(_not(_cause("probe_e")), _all(_cause("probe_d"), _not(_yes("fever"))))), _URGENT),
)
NEGATION = KB.model_copy(update={"rules": NEGATION_RULES})
NEGATION_ENGINE = Engine(NEGATION)
NEGATION_REFERENCE = Reference(NEGATION)

KNOWLEDGE_BASES = {
    "shipped": (KB, ENGINE, REFERENCE),
    "negation-heavy": (NEGATION, NEGATION_ENGINE, NEGATION_REFERENCE),
}


def test_both_ways_of_walking_are_exercised() -> None:
    assert ENGINE.stops_are_monotone
    assert any(then_stops(r.then) and not conditions.is_positive(r.when) for r in KB.rules)
    assert not NON_MONOTONE_ENGINE.stops_are_monotone


def test_the_negation_heavy_base_has_what_it_is_for() -> None:
    """Runs of negation-only rules of equal salience in every stratum, and every kind of negation."""
    strata, cycles = rulegraph.finding_strata(NEGATION.rules)
    assert not cycles
    negation_only: dict[int, int] = {}
    for rule in NEGATION.rules:
        if all(isinstance(leaf, NotCondition) or (isinstance(leaf, QuestionCondition)
                                                  and leaf.operator == "exists" and leaf.answer is False)
               for leaf in _nnf_leaves(rule)):
            negation_only[strata[rule.id]] = negation_only.get(strata[rule.id], 0) + 1
    assert negation_only.keys() == {0, 1, 2}
    assert min(negation_only.values()) >= 4
    dumped = [str(r.when.model_dump(by_alias=True)) for r in NEGATION.rules]
    for shape in ("{'not': {'all'", "{'not': {'any'", "{'not': {'not'", "{'not': {'cause'",
                  "{'not': {'red_flag'", "{'not': {'unanswered'", "'exists', 'answer': False"):
        assert any(shape in d for d in dumped), shape
    assert any(isinstance(leaf, UnansweredCondition)
               for r in NEGATION.rules for leaf in conditions.leaves(conditions.push_not(r.when)))


def _nnf_leaves(rule: Rule) -> list[Condition]:
    """The leaves of a rule's condition in negation normal form (a ``not`` with its leaf)."""
    out: list[Condition] = []

    def walk(condition: Condition) -> None:
        match condition:
            case AllCondition(all=parts) | AnyCondition(any=parts):
                for part in parts:
                    walk(part)
            case _:
                out.append(condition)

    walk(conditions.push_not(rule.when))
    return out


@pytest.mark.parametrize("name", list(KNOWLEDGE_BASES))
@settings(max_examples=int(os.environ.get("DIFFERENTIAL_EXAMPLES", examples(300, at_least=50))),
          deadline=None)
@given(drawn=answers_and_unanswered(KB))
def test_engine_equals_direct_evaluation(name: str, drawn: tuple[dict[str, Any], frozenset[str]]) -> None:
    kb, engine, reference = KNOWLEDGE_BASES[name]
    answers, unanswered = drawn
    evaluation = engine.evaluate(answers, unanswered)
    fired = reference.fired(answers, unanswered)
    assert evaluation.fired == fired
    assert evaluation.level == reference.level(kb, fired)


@pytest.mark.parametrize(("kb", "engine"), [
    pytest.param(KB, ENGINE, id="one-evaluation"),
    pytest.param(NON_MONOTONE, NON_MONOTONE_ENGINE, id="answer-by-answer"),
])
@settings(max_examples=examples(150, at_least=50), deadline=None)
@given(answers=answer_sets(KB))
def test_batch_flow_equals_interactive_flow(
    kb: KnowledgeBase, engine: Engine, answers: dict[str, Any]
) -> None:
    """`triage assess` stops where a person at the terminal would, whichever way it walks."""
    batch = flow.simulate(kb, engine, answers)
    interview = flow.Interview(kb, engine)
    while interview.current is not None:
        qid = interview.current.id
        if qid in answers:
            interview.answer(answers[qid])
        else:
            interview.skip()
    interactive = interview.flow_result()
    assert batch.asked == interactive.asked
    assert batch.stopped_early == interactive.stopped_early
    assert batch.evaluation.level == interactive.evaluation.level
    assert batch.evaluation.fired == interactive.evaluation.fired


# Only the negation-heavy base is run under other hash seeds: with every answer
# declared at once, the shipped rules never retract an activation, so no seed
# can make them differ (checked with experta's stock DepthStrategy, which fails
# the negation-heavy base under every seed tried, on nearly every example).
@pytest.mark.slow
@pytest.mark.parametrize("seed", ["0", "1", "2", "3"])
def test_under_hash_seed(seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed, "DIFFERENTIAL_EXAMPLES": "100"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x",
         f"{Path(__file__).name}::test_engine_equals_direct_evaluation[negation-heavy]"],
        cwd=Path(__file__).parent, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "1 passed" in proc.stdout
