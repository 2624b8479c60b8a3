"""The questionnaire's flow: which questions are asked, and when it stops.

The same walk serves the interactive questionnaire and ``triage assess``:
questions in order, skipping those whose ``ask_if`` does not hold, stopping
as soon as a stopping rule fires (any emergency-level rule, or a rule with
``stop: true``). After the walk the answers that were asked are evaluated
afresh, so the result never rests on rules fired on fewer answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from triage import conditions
from triage.engine import Engine
from triage.models import AnswerValue, Evaluation, KnowledgeBase, Question


@dataclass(frozen=True)
class FlowResult:
    asked: tuple[str, ...]
    """Questions put to the person, in order (answered or not)."""
    answers: dict[str, AnswerValue]
    """The answers the flow used: those to questions that were asked."""
    ignored: tuple[tuple[str, str], ...]
    """(question id, reason) for answers given to questions not asked."""
    stopped_early: bool
    evaluation: Evaluation


def is_asked(question: Question, answers: Mapping[str, AnswerValue]) -> bool:
    """Whether ``question`` is asked, given the answers to earlier questions."""
    return question.ask_if is None or conditions.holds(question.ask_if, answers)


def simulate(kb: KnowledgeBase, engine: Engine, given: Mapping[str, AnswerValue]) -> FlowResult:
    """Walk the questionnaire as a person would, answering from ``given``."""
    engine.reset()
    used: dict[str, AnswerValue] = {}
    asked: list[str] = []
    stopped = False
    for question in kb.questions:
        if not is_asked(question, used):
            continue
        asked.append(question.id)
        if question.id in given:
            used[question.id] = given[question.id]
            engine.declare({question.id: given[question.id]})
            if engine.run():
                stopped = True
                break
    order = [q.id for q in kb.questions]
    last = order.index(asked[-1]) if asked else -1
    ignored = tuple(
        (qid, "after_stop" if stopped and order.index(qid) > last else "not_asked")
        for qid in given
        if qid not in used
    )
    evaluation = engine.evaluate(used)
    return FlowResult(tuple(asked), used, ignored, stopped, evaluation)
