"""The questionnaire's flow: which questions are asked, and when it stops.

The same walk serves the interactive questionnaire and ``triage assess``:
questions in order, skipping those whose ``ask_if`` does not hold, stopping
as soon as a stopping rule fires (any emergency-level rule, or a rule with
``stop: true``). After the walk the answers that were asked are evaluated
afresh, so the result never rests on rules fired on fewer answers.

The acupuncturist's checklist before needling (``kb.checklist``) comes last
and is asked only when the answers before it let acupuncture be discussed
(:func:`triage.acupuncture.may_be_discussed`); only caution rules read it, so
its answers change no level and no finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from triage import acupuncture, conditions
from triage.engine import Engine
from triage.models import AnswerValue, Condition, Evaluation, KnowledgeBase, Question


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
    ignored_values: Mapping[str, AnswerValue] = field(default_factory=dict)
    """What those ignored answers were."""


def is_asked(kb: KnowledgeBase, question: Question, answers: Mapping[str, AnswerValue]) -> bool:
    """Whether ``question`` is asked, given the answers to earlier questions:
    its section's ``ask_if`` and its own must both hold."""
    condition = conditions.asked_when(kb, question)
    return condition is None or conditions.holds(condition, answers)


def unanswered(asked: Iterable[str], answers: Mapping[str, AnswerValue]) -> frozenset[str]:
    """Questions put to the person that have no answer."""
    return frozenset(q for q in asked if q not in answers)


def simulate(kb: KnowledgeBase, engine: Engine, given: Mapping[str, AnswerValue]) -> FlowResult:
    """Walk the questionnaire as a person would, answering from ``given``."""
    if engine.negations_settled:
        asked, used, stopped, evaluation = _walk_in_order(kb, engine, given)
    elif engine.stops_are_monotone:
        asked, used, stopped, evaluation = _walk_monotone(kb, engine, given)
    else:
        asked, used, stopped, evaluation = _walk_incremental(kb, engine, given)
    order = kb.question_index
    last = order[asked[-1]] if asked else -1
    ignored = tuple(  # in questionnaire order, whatever the file's order
        (qid, "after_stop" if stopped and order[qid] > last else "not_asked")
        for qid in sorted(given, key=order.__getitem__)
        if qid not in used
    )
    values = {qid: given[qid] for qid, _ in ignored}
    return FlowResult(tuple(asked), used, ignored, stopped, evaluation, values)


_Walk = tuple[list[str], dict[str, AnswerValue], bool, Evaluation]


def walk(kb: KnowledgeBase, given: Mapping[str, AnswerValue], *,
         checklist: bool = True) -> tuple[list[str], dict[str, AnswerValue]]:
    """Every question asked when nothing stops the questionnaire, by the answers alone: with
    ``checklist``, the checklist before needling as if acupuncture may be discussed, else without it."""
    used: dict[str, AnswerValue] = {}
    asked: list[str] = []
    for question, condition, last in asking(kb):
        if last and not checklist:
            continue
        if condition is None or conditions.holds(condition, used):
            asked.append(question.id)
            if question.id in given:
                used[question.id] = given[question.id]
    return asked, used


def asking(kb: KnowledgeBase) -> tuple[tuple[Question, Condition | None, bool], ...]:
    """Each question, when it is asked (:func:`triage.conditions.asked_when`), and whether it is the
    checklist asked last: worked out once for the knowledge base."""
    return kb.derived("asking", lambda k: tuple(
        (q, conditions.asked_when(k, q), k.is_checklist(q)) for q in k.questions))


def _walk_incremental(kb: KnowledgeBase, engine: Engine, given: Mapping[str, AnswerValue]) -> _Walk:
    """Declare answers one by one and run the engine after each: stop at the first stop."""
    engine.reset()
    used: dict[str, AnswerValue] = {}
    asked: list[str] = []
    stopped = False
    for question in kb.questions:
        if kb.is_checklist(question) or not is_asked(kb, question, used):
            continue
        asked.append(question.id)
        if question.id in given:
            used[question.id] = given[question.id]
            engine.declare({question.id: given[question.id]})
            if engine.run():
                stopped = True
                break
    evaluation = engine.evaluate(used, unanswered(asked, used))
    if stopped:
        return asked, used, True, evaluation
    return _with_checklist(kb, engine, given, (asked, used, False, evaluation))


def _walk_in_order(kb: KnowledgeBase, engine: Engine, given: Mapping[str, AnswerValue]) -> _Walk:
    """Declare each answer (or that the question was left unanswered) as the questionnaire asks it,
    and run the engine after each: the walk stops at the first stop, having declared nothing past
    it, and the engine then holds what a fresh evaluation of the answers asked gives.

    Valid when no rule can hold before everything it negates has been asked
    (:attr:`Engine.negations_settled`): a rule that fires on fewer answers would fire on all.
    """
    engine.reset()
    used: dict[str, AnswerValue] = {}
    asked: list[str] = []
    for question, condition, last in asking(kb):
        if last or not (condition is None or conditions.holds(condition, used)):
            continue
        asked.append(question.id)
        if question.id in given:
            used[question.id] = given[question.id]
            declared = engine.declare({question.id: given[question.id]})
        else:
            declared = engine.declare({}, (question.id,))
        if declared and engine.run():
            return asked, used, True, engine.snapshot()
    return _with_checklist(kb, engine, given, (asked, used, False, engine.snapshot()))


def _walk_monotone(kb: KnowledgeBase, engine: Engine, given: Mapping[str, AnswerValue]) -> _Walk:
    """One fresh evaluation of the whole walk shows where it would have stopped.

    Valid when every stopping rule (and every rule behind a finding it uses)
    only grows with more answers: a stopping rule then holds after question
    k exactly when one of its firings matched answers up to k. The walk is
    cut there; what the answers up to it give is read from the same evaluation where the rules
    allow (:meth:`Engine.restrict`), else they are evaluated afresh.
    """
    asked, used = walk(kb, given, checklist=False)
    evaluation = engine.evaluate(used, unanswered(asked, used))
    stop_at = engine.earliest_stop(evaluation, kb.question_index)
    if stop_at is None:
        return _with_checklist(kb, engine, given, (asked, used, False, evaluation))
    asked = [qid for qid in asked if kb.question_index[qid] <= stop_at]
    used = {qid: used[qid] for qid in asked if qid in used}
    cut = engine.restrict(evaluation, kb.question_index, stop_at)
    return asked, used, True, cut if cut is not None else engine.evaluate(used, unanswered(asked, used))


def _with_checklist(kb: KnowledgeBase, engine: Engine, given: Mapping[str, AnswerValue],
                    walked: _Walk) -> _Walk:
    """Ask the checklist before needling after the rest of a walk that did not stop, when
    acupuncture may be discussed. ``walked`` must be the engine's last evaluation."""
    asked, used, _, evaluation = walked
    if not kb.checklist or acupuncture.may_be_discussed(kb, evaluation) is None:
        return asked, used, False, evaluation
    added: dict[str, AnswerValue] = {}
    before = len(asked)
    for question in kb.checklist:
        if is_asked(kb, question, used):
            asked.append(question.id)
            if question.id in given:
                used[question.id] = added[question.id] = given[question.id]
    if engine.checklist_adds_only:  # the engine still holds the evaluation of the rest
        return asked, used, False, engine.extend(added, unanswered(asked[before:], used))
    return asked, used, False, engine.evaluate(used, unanswered(asked, used))

class Interview:
    """One person answering at the terminal: forward, back, and stop.

    ``answers`` keeps every answer given, so going back pre-fills earlier
    choices; ``path`` is the questions asked so far, in order. After each
    answer, answers to later questions whose ``ask_if`` no longer holds are
    dropped, and the answers on the path are evaluated afresh: a stopping
    rule ends the questionnaire at once.
    """

    def __init__(self, kb: KnowledgeBase, engine: Engine) -> None:
        self.kb = kb
        self.engine = engine
        self.answers: dict[str, AnswerValue] = {}
        self.path: list[str] = []
        self.stopped = False
        self.current: Question | None = self._next_after(-1)

    @property
    def finished(self) -> bool:
        return self.current is None

    @property
    def number(self) -> int:
        """1-based number of the current question along the path."""
        return len(self.path) + 1

    def previous_answer(self) -> AnswerValue | None:
        return None if self.current is None else self.answers.get(self.current.id)

    def path_answers(self) -> dict[str, AnswerValue]:
        return {qid: self.answers[qid] for qid in self.path if qid in self.answers}

    def answer(self, value: AnswerValue) -> None:
        question = self.current
        if question is None:
            raise RuntimeError("the questionnaire is finished")
        self.answers[question.id] = value
        self.path.append(question.id)
        self._drop_unasked()
        if self.engine.evaluate(self.path_answers(), unanswered(self.path, self.answers)).stop:
            self.stopped = True
            self.current = None
            return
        self.current = self._next_after(self.kb.question_index[question.id])

    def skip(self) -> None:
        """Move on leaving the current question unknown (as an answers file may)."""
        question = self.current
        if question is None:
            raise RuntimeError("the questionnaire is finished")
        self.answers.pop(question.id, None)
        self.path.append(question.id)
        self.current = self._next_after(self.kb.question_index[question.id])

    def back(self) -> bool:
        """Return to the previous question; False when already at the first."""
        if not self.path:
            return False
        self.current = self.kb.question(self.path.pop())
        self.stopped = False
        return True

    def flow_result(self) -> FlowResult:
        used = self.path_answers()
        evaluation = self.engine.evaluate(used, unanswered(self.path, used))
        return FlowResult(tuple(self.path), used, (), self.stopped, evaluation)

    def _next_after(self, index: int) -> Question | None:
        known = self.path_answers()
        discussed: bool | None = None  # worked out once, when the checklist is reached
        for question in self.kb.questions[index + 1:]:
            if self.kb.is_checklist(question) and discussed is None:
                evaluation = self.engine.evaluate(known, unanswered(self.path, self.answers))
                discussed = acupuncture.may_be_discussed(self.kb, evaluation) is not None
            if discussed is False:
                return None
            if is_asked(self.kb, question, known):
                return question
        return None

    def _drop_unasked(self) -> None:
        kept: dict[str, AnswerValue] = {}
        for question in self.kb.questions:
            if question.id in self.answers and is_asked(self.kb, question, kept):
                kept[question.id] = self.answers[question.id]
        self.answers = kept
