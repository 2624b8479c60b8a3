"""Hypothesis strategies: random answer sets for a knowledge base."""

from __future__ import annotations

from typing import Any

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
        case _:
            return st.lists(st.sampled_from(question.option_ids), unique=True).map(
                lambda xs: tuple(o for o in question.option_ids if o in xs)
            )


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
