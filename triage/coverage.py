"""The guideline coverage catalogue, played item by item.

Each item of a list the contract relies on (the NHS page's 999 and urgent
lists, GIRFT, NICE NG234, NG12 ...) names the answers that show it alone and
the rules that catch it. Playing an item fills in every other answer as the
vignettes do (yes/no questions No, multi questions none), walks the
questionnaire's flow at each of its ages and reads the level: a level less
urgent than the item's tier is a gap in the knowledge base.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from triage import errors, flow, i18n
from triage.answers import example_answers
from triage.engine import Engine, engine_for
from triage.errors import Problem
from triage.models import AnswerValue, CoverageItem, KnowledgeBase, rank

DEFAULT_AGES = (16, 35, 55)
"""Where an item has no age of its own: the youngest adult, the middle, the oldest asked about pregnancy."""


@dataclass(frozen=True)
class Play:
    """One item played at one age."""

    age: int
    level: str
    fired: frozenset[str]


def ages(item: CoverageItem) -> tuple[int, ...]:
    """The ages an item is played at: its own list, else its answers' age, else the defaults."""
    if item.ages:
        return item.ages
    shown = (item.shows or {}).get("age")
    return (shown,) if isinstance(shown, int) else DEFAULT_AGES


def answers_for(kb: KnowledgeBase, item: CoverageItem, age: int) -> dict[str, AnswerValue]:
    """The item's answers alone: every other yes/no question No, every multi none, at ``age``."""
    answers: dict[str, AnswerValue] = {}
    for question in kb.questions:
        if question.type == "yes_no":
            answers[question.id] = False
        elif question.type == "multi":
            answers[question.id] = ()
    answers.update(example_answers(kb, item.shows or {}))
    answers["age"] = age
    return answers


def play(kb: KnowledgeBase, item: CoverageItem, engine: Engine | None = None) -> Iterator[Play]:
    """The item through the questionnaire's flow, at each of its ages."""
    engine = engine or engine_for(kb)
    for age in ages(item):
        walked = flow.simulate(kb, engine, answers_for(kb, item, age))
        yield Play(age, walked.evaluation.level, walked.evaluation.fired)


def caught(kb: KnowledgeBase) -> tuple[CoverageItem, ...]:
    """The items the questionnaire asks about (those with answers and rules)."""
    return tuple(item for item in kb.coverage if item.shows is not None and item.rules)


def problems(kb: KnowledgeBase) -> list[Problem]:
    """Rules named that the knowledge base lacks (a clinic may drop a topic), and items below their tier."""
    return unknown_rules(kb) + below_tier(kb)


def unknown_rules(kb: KnowledgeBase) -> list[Problem]:
    known = {rule.id for rule in kb.rules}
    return [
        Problem(item.file, item.line, errors.UNKNOWN_FINDING.format(
            where=errors.WHERE["coverage"].format(id=item.id), kind="rule", id=rid,
            hint=errors.did_you_mean(rid, known)))
        for item in kb.coverage for rid in item.rules if rid not in known
    ]


def below_tier(kb: KnowledgeBase) -> list[Problem]:
    """Each caught item, at each of its ages, reaches at least its tier."""
    out = []
    for item in caught(kb):
        low = [played for played in play(kb, item) if rank(played.level) > rank(item.tier)]
        if low:
            out.append(Problem(item.file, item.line, errors.COVERAGE_BELOW_TIER.format(
                where=errors.WHERE["coverage"].format(id=item.id), level=low[0].level, tier=item.tier,
                age=i18n.listing(str(played.age) for played in low))))
    return out

