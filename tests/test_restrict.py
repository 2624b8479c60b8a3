"""A walk cut at a stop reads its result from the evaluation of the whole walk
(:meth:`triage.engine.Engine.restrict`): it must be what a fresh evaluation of the answers up to
the cut gives, and it must refuse where a rule's negation could make the two differ."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import answer_sets

from triage import flow, loader, rulegraph
from triage.engine import Engine, engine_for
from triage.models import Evaluation, KnowledgeBase, Rule
from triage.terminal import examples

KB = loader.load()


def same(restricted: Evaluation, fresh: Evaluation) -> None:
    assert Counter(restricted.firings) == Counter(fresh.firings)
    assert (restricted.level, restricted.stop) == (fresh.level, fresh.stop)


def check_every_cut(kb: KnowledgeBase, engine: Engine, answers: dict[str, Any]) -> int:
    """For every question of the walk: the restriction, where given, equals a fresh evaluation.
    Returns how many cuts were read from the whole evaluation."""
    asked, used = flow.walk(kb, answers, checklist=False)
    missing = flow.unanswered(asked, used)
    whole = engine.evaluate(used, missing)
    position = kb.question_index
    read = 0
    for qid in asked:
        last = position[qid]
        restricted = engine.restrict(whole, position, last)
        if restricted is None:
            continue
        read += 1
        cut = {q: v for q, v in used.items() if position[q] <= last}
        same(restricted, engine.evaluate(cut, frozenset(q for q in missing if position[q] <= last)))
    return read


@given(answer_sets(KB))
def test_a_cut_walk_reads_what_a_fresh_evaluation_gives(answers: dict[str, Any]) -> None:
    """Answers left out of the set are questions asked and left unanswered, where the walk asks them."""
    assert check_every_cut(KB, engine_for(KB), answers) == len(flow.walk(KB, answers, checklist=False)[0])


def test_every_cut_of_the_shipped_rules_can_be_read() -> None:
    """The shipped rules negate only answers asked before they can hold: no cut needs a second
    evaluation (this is what makes an assessment that stops cost one evaluation)."""
    assert all(w.horizon <= w.earliest for w in rulegraph.negation_windows(KB))


def late_negation_kb() -> KnowledgeBase:
    """A rule that holds on fever unless the person has lost weight, asked three questions later;
    and a stop between the two."""
    rules = tuple(Rule.model_validate({"because": "b", "source": "s", **r}) for r in (
        {"id": "stop_on_immune_risk", "when": {"question": "immune_risk", "operator": "=", "answer": True},
         "then": {"level": "emergency"}},
        {"id": "fever_without_weight_loss",
         "when": {"all": [{"question": "fever", "operator": "=", "answer": True},
                          {"not": {"question": "unexplained_weight_loss", "operator": "=", "answer": True}}]},
         "then": {"level": "doctor"}},
    ))
    return KB.model_copy(update={"rules": rules})


def test_a_negation_decided_after_the_cut_is_evaluated_afresh() -> None:
    kb = late_negation_kb()
    engine = Engine(kb)
    position = kb.question_index
    assert position["fever"] < position["unexplained_weight_loss"]
    window = next(w for w in rulegraph.negation_windows(kb) if w.rule == "fever_without_weight_loss")
    assert (window.earliest, window.horizon) == (position["fever"], position["unexplained_weight_loss"])
    whole = engine.evaluate({"fever": True, "unexplained_weight_loss": True})
    assert "fever_without_weight_loss" not in whole.fired
    # Cut between the two questions: without the later answer the rule would fire, so the
    # whole evaluation cannot say; after both, it can.
    assert engine.restrict(whole, position, position["fever"]) is None
    after = engine.restrict(whole, position, position["unexplained_weight_loss"])
    assert after is not None
    same(after, engine.evaluate({"fever": True, "unexplained_weight_loss": True}))


@pytest.mark.parametrize("answers", [
    pytest.param({"fever": True, "unexplained_weight_loss": True, "immune_risk": True},
                 id="weight-loss-after-stop"),
    pytest.param({"fever": True, "immune_risk": True}, id="no-weight-loss"),
])
def test_the_flow_gives_a_fresh_evaluation_whatever_the_rules(answers: dict[str, Any]) -> None:
    """The stop cuts the walk before the weight-loss question: the fever rule then holds."""
    kb = late_negation_kb()
    engine = Engine(kb)
    walked = flow.simulate(kb, engine, answers)
    assert walked.stopped_early
    assert "fever_without_weight_loss" in walked.evaluation.fired
    same(walked.evaluation, engine.evaluate(walked.answers, flow.unanswered(walked.asked, walked.answers)))


@given(st.data())
def test_cuts_under_a_late_negation_agree_with_fresh_evaluations(data: st.DataObject) -> None:
    kb = late_negation_kb()
    check_every_cut(kb, Engine(kb), data.draw(answer_sets(kb)))


@given(answer_sets(KB))
def test_a_walk_gives_what_a_fresh_evaluation_of_its_answers_gives(answers: dict[str, Any]) -> None:
    """Whatever the walk read from earlier evaluations (a cut, the checklist added to the rest)."""
    engine = engine_for(KB)
    walked = flow.simulate(KB, engine, answers)
    same(walked.evaluation, engine.evaluate(walked.answers, flow.unanswered(walked.asked, walked.answers)))


def checklist_negated_kb() -> KnowledgeBase:
    """A caution that holds unless the checklist says the person has no bleeding disorder."""
    rule = Rule.model_validate({
        "id": "caution_unless_bleeding", "because": "b", "source": "s", "then": {"caution": "acupuncture"},
        "when": {"not": {"question": "before_needling", "operator": "contains",
                         "answer": "bleeding_disorder"}}})
    return KB.model_copy(update={"rules": (*KB.rules, rule)})


def test_a_checklist_answer_that_a_rule_negates_is_evaluated_afresh() -> None:
    kb = checklist_negated_kb()
    engine = Engine(kb)
    answers: dict[str, Any] = {**examples.BENIGN, "before_needling": ("bleeding_disorder",)}
    walked = flow.simulate(kb, engine, answers)
    assert "before_needling" in walked.asked, "acupuncture may be discussed: the checklist is asked"
    assert "caution_unless_bleeding" not in walked.evaluation.fired
    same(walked.evaluation, engine.evaluate(walked.answers, flow.unanswered(walked.asked, walked.answers)))
    assert engine_for(KB).checklist_adds_only and not engine.checklist_adds_only


@pytest.mark.parametrize("answers", [
    pytest.param({"fever": True, "unexplained_weight_loss": True, "immune_risk": False}, id="negated-later"),
    pytest.param({"fever": True, "unexplained_weight_loss": False}, id="not-negated"),
])
def test_a_rule_negating_a_later_answer_is_judged_on_every_answer(answers: dict[str, Any]) -> None:
    """In the questionnaire's order the fever rule could fire before the weight-loss answer that
    rules it out: the walk must not keep such a firing."""
    kb = late_negation_kb()
    engine = Engine(kb)
    walked = flow.simulate(kb, engine, answers)
    fired = "fever_without_weight_loss" in walked.evaluation.fired
    assert fired == (not answers["unexplained_weight_loss"])
    same(walked.evaluation, engine.evaluate(walked.answers, flow.unanswered(walked.asked, walked.answers)))
    assert not engine.negations_settled


@given(st.data())
def test_a_walk_under_a_late_negation_gives_a_fresh_evaluation(data: st.DataObject) -> None:
    kb = late_negation_kb()
    engine = Engine(kb)
    walked = flow.simulate(kb, engine, data.draw(answer_sets(kb)))
    same(walked.evaluation, engine.evaluate(walked.answers, flow.unanswered(walked.asked, walked.answers)))
