"""Hypothesis strategies: random answer sets for a knowledge base."""

from __future__ import annotations

from typing import Any, assert_never

from hypothesis import strategies as st

from triage.models import AnswerValue, KnowledgeBase, Question


def value_for(question: Question) -> st.SearchStrategy[AnswerValue]:
    match question.type:
        case "yes_no":
            return st.sampled_from([True, False, "not_sure"])
        case "number" | "scale":
            low, high = question.bounds
            return st.integers(low, high)
        case "choice":
            return st.sampled_from(question.option_ids)
        case "multi":
            return st.lists(st.sampled_from(question.option_ids), unique=True).map(
                lambda xs: tuple(o for o in question.option_ids if o in xs)
            )
        case _:
            assert_never(question.type)


def answer_sets(kb: KnowledgeBase, *, min_age: int | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Any subset of questions answered with any valid value.

    ``min_age`` keeps a known age at or above it (unknown age stays possible).
    """
    parts = {}
    for q in kb.questions:
        strategy = value_for(q)
        if q.id == "age" and min_age is not None:
            strategy = st.integers(min_age, q.bounds[1])
        parts[q.id] = st.none() | strategy
    return st.fixed_dictionaries(parts).map(lambda d: {k: v for k, v in d.items() if v is not None})


def answers_and_unanswered(kb: KnowledgeBase) -> st.SearchStrategy[tuple[dict[str, Any], frozenset[str]]]:
    """An answer set, and the questions that were asked but left without an answer.

    Each question is either not asked, answered with any valid value, or left
    unanswered (as an answers file or a FHIR form can leave it); a question is
    never both answered and unanswered.
    """
    parts: dict[str, st.SearchStrategy[tuple[str, AnswerValue | None]]] = {}
    for q in kb.questions:
        parts[q.id] = (st.just(("not_asked", None)) | st.just(("unanswered", None))
                       | value_for(q).map(lambda v: ("answered", v)))

    def split(drawn: dict[str, tuple[str, AnswerValue | None]]) -> tuple[dict[str, Any], frozenset[str]]:
        answers = {qid: value for qid, (state, value) in drawn.items() if state == "answered"}
        unanswered = frozenset(qid for qid, (state, _) in drawn.items() if state == "unanswered")
        return answers, unanswered

    return st.fixed_dictionaries(parts).map(split)
