"""``triage check``: lint a knowledge base that loads.

Loading already reports structure and reference problems; this adds what
only a whole knowledge base shows: causes and red flags no rule declares,
questions nothing uses, rules without examples, and examples that do not
behave as they say.
"""

from __future__ import annotations

from triage import answers as answers_mod
from triage import conditions, errors
from triage.engine import engine_for
from triage.errors import Problem
from triage.loader import late_negations
from triage.models import AllCondition, KnowledgeBase, then_stops


def lint(kb: KnowledgeBase) -> list[Problem]:
    problems: list[Problem] = []
    declared: set[tuple[str, str]] = set()
    used_questions: set[str] = set()
    for rule in kb.rules:
        if rule.finding is not None:
            declared.add(rule.finding)
        used_questions |= conditions.questions_used(rule.when)
    for question in kb.questions:
        if question.ask_if is not None:
            used_questions |= conditions.questions_used(question.ask_if)
    for section in kb.questionnaire.sections:
        if section.ask_if is not None:
            used_questions |= conditions.questions_used(section.ask_if)
    for kind, label, defs in (
        ("cause", "cause", kb.causes),
        ("red_flag", "red flag", kb.red_flags),
    ):
        for d in defs:
            if (kind, d.id) not in declared:
                problems.append(Problem(d.file, d.line, errors.UNREACHABLE.format(
                    where=f"{label} `{d.id}`")))
    for question in kb.questions:
        if question.id not in used_questions:
            problems.append(Problem(question.file, question.line, errors.UNUSED_QUESTION.format(
                where=f"question `{question.id}`")))
    problems += check_stops(kb)
    problems += check_examples(kb)
    return problems


def always_holds(rule_when: object) -> bool:
    """``all: []``: a rule that always fires needs no example that does not."""
    return isinstance(rule_when, AllCondition) and not rule_when.all


def check_examples(kb: KnowledgeBase) -> list[Problem]:
    """Every rule has examples, and each example fires (or not) as it says."""
    engine = engine_for(kb)
    problems: list[Problem] = []
    for rule in kb.rules:
        where = f"rule `{rule.id}`"
        needs_negative = not always_holds(rule.when)
        if not rule.examples.fires or (needs_negative and not rule.examples.does_not_fire):
            problems.append(Problem(rule.file, rule.line, errors.NO_EXAMPLES.format(where=where)))
        for expected, group in ((True, "fires"), (False, "does_not_fire")):
            for n, raw in enumerate(getattr(rule.examples, group), start=1):
                fired = rule.id in engine.evaluate(*answers_mod.example_facts(kb, raw)).fired
                if fired != expected:
                    problems.append(Problem(rule.file, rule.line, errors.EXAMPLE_FAILS.format(
                        where=where, n=n, group=group,
                        actual="fires" if fired else "does not fire")))
    return problems


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def summary(kb: KnowledgeBase) -> str:
    parts = [count(len(kb.questions), "question"), count(len(kb.rules), "rule"),
             count(len(kb.causes), "cause"), count(len(kb.red_flags), "red flag")]
    return f"knowledge base {kb.version}: {', '.join(parts)}; no problems"


def check_stops(kb: KnowledgeBase) -> list[Problem]:
    """A stopping rule that needs a question *not* to hold must not be able to hold
    before that question is asked: else the questionnaire would stop on an answer
    it has not yet heard (a known kidney-stone former sent to the emergency department)."""
    return [
        Problem(rule.file, rule.line, errors.STOP_BEFORE_NEGATED.format(where=f"rule `{rule.id}`", other=qid))
        for rule in kb.rules if then_stops(rule.then)
        for qid in late_negations(kb, rule).questions
    ]
