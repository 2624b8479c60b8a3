"""``triage check``: lint a knowledge base that loads.

Loading already reports structure and reference problems; this adds what
only a whole knowledge base shows: causes and red flags no rule declares,
questions nothing uses, rules without examples, and examples that do not
behave as they say.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from triage import answers as answers_mod
from triage import conditions, coverage, errors, flow, i18n, words
from triage.engine import engine_for
from triage.errors import Problem
from triage.models import AllCondition, Finding, KnowledgeBase, Rule, then_stops
from triage.reference import Reference
from triage.rulegraph import finding_strata, late_negations, producers


def lint(kb: KnowledgeBase) -> list[Problem]:
    """Every check of :data:`CHECKS`, in order."""
    return [problem for check in CHECKS for problem in check(kb)]


def questions_used(kb: KnowledgeBase) -> set[str]:
    """The questions some rule, or some question's or section's ask_if, looks at."""
    looked_at = [rule.when for rule in kb.rules]
    looked_at += [q.ask_if for q in kb.questions if q.ask_if is not None]
    looked_at += [s.ask_if for s in kb.questionnaire.sections if s.ask_if is not None]
    return {qid for condition in looked_at for qid in conditions.questions_used(condition)}


def check_declared(kb: KnowledgeBase) -> list[Problem]:
    """Every cause and red flag is declared by some rule."""
    declared = {rule.finding for rule in kb.rules if rule.finding is not None}
    return [Problem(d.file, d.line, errors.UNREACHABLE.format(where=errors.WHERE[label].format(id=d.id)))
            for kind, label, defs in (("cause", "cause", kb.causes), ("red_flag", "red flag", kb.red_flags))
            for d in defs if (kind, d.id) not in declared]


def check_used(kb: KnowledgeBase) -> list[Problem]:
    """Every question is used by a rule or an ask_if."""
    used = questions_used(kb)
    return [Problem(question.file, question.line, errors.UNUSED_QUESTION.format(
                where=errors.WHERE["question"].format(id=question.id)))
            for question in kb.questions if question.id not in used]


def always_holds(rule_when: object) -> bool:
    """``all: []``: a rule that always fires needs no example that does not."""
    return isinstance(rule_when, AllCondition) and not rule_when.all


def check_examples(kb: KnowledgeBase) -> list[Problem]:
    """Every rule has examples, and each example fires (or not) as it says.

    Each example is evaluated with only the rule and the rules behind the
    findings it tests (the reference evaluation, which the tests hold equal
    to the engine): a knowledge base of thousands of rules is checked in
    seconds, not hours.
    """
    prods = producers(kb.rules)
    strata, _ = finding_strata(kb.rules)
    problems: list[Problem] = []
    for rule in kb.rules:
        where = errors.WHERE["rule"].format(id=rule.id)
        needs_negative = not always_holds(rule.when)
        if not rule.examples.fires or (needs_negative and not rule.examples.does_not_fire):
            problems.append(Problem(rule.file, rule.line, errors.NO_EXAMPLES.format(where=where)))
        examples = [(True, "fires", rule.examples.fires),
                    (False, "does_not_fire", rule.examples.does_not_fire)]
        if not any(group for _, _, group in examples):
            continue
        reference = Reference(kb.model_copy(update={"rules": _behind(rule, prods)}), strata)
        for expected, group, raws in examples:
            for n, raw in enumerate(raws, start=1):
                fired = rule.id in reference.fired(*answers_mod.example_facts(kb, raw))
                if fired != expected:
                    problems.append(Problem(rule.file, rule.line, errors.EXAMPLE_FAILS.format(
                        where=where, n=n, group=group,
                        actual="fires" if fired else "does not fire")))
    return problems


def check_reachable(kb: KnowledgeBase) -> list[Problem]:
    """Every rule fires for some person: at least one of its `fires` examples, answered through the
    questionnaire's own flow (ask-conditions, the children's list, the emergency stop), fires it.

    The walk's ask-conditions and the reference evaluation settle most examples at once; only an
    example where a stopping rule also fires is played through the engine's flow, to see whether
    the stop comes first. Each distinct example is worked out once, whatever the number of rules
    that give it, so a knowledge base of thousands of rules is checked in seconds.
    """
    strata, _ = finding_strata(kb.rules)
    reference = Reference(kb, strata)
    stopping = {rule.id for rule in kb.rules if then_stops(rule.then)}
    seen: dict[str, tuple[frozenset[str], frozenset[str] | None]] = {}

    def fired_by(raw: dict[str, Any]) -> tuple[frozenset[str], frozenset[str] | None]:
        """(what fires on the walked answers, what fires through the flow where a stop may cut it)."""
        key = json.dumps(raw, sort_keys=True, default=str)
        if key not in seen:
            answers, _ = answers_mod.example_facts(kb, raw)
            asked, used = flow.walk(kb, answers)
            fired = frozenset(reference.fired(used, flow.unanswered(asked, used)))
            flowed = (frozenset(flow.simulate(kb, engine_for(kb), answers).evaluation.fired)
                      if fired & stopping else None)
            seen[key] = (fired, flowed)
        return seen[key]

    problems = []
    for rule in kb.rules:
        reached = False
        for raw in rule.examples.fires:
            fired, flowed = fired_by(raw)
            if rule.id in fired and (flowed is None or rule.id in flowed):
                reached = True
                break
        if rule.examples.fires and not reached:
            problems.append(Problem(rule.file, rule.line, errors.RULE_UNREACHABLE.format(
                where=errors.WHERE["rule"].format(id=rule.id))))
    return problems


def _behind(rule: Rule, prods: dict[Finding, list[Rule]]) -> tuple[Rule, ...]:
    """The rule and every rule behind the findings it tests, in knowledge-base order."""
    seen: dict[str, Rule] = {}
    todo = [rule]
    while todo:
        current = todo.pop()
        if current.id not in seen:
            seen[current.id] = current
            for finding in conditions.findings_used(current.when):
                todo.extend(prods.get(finding, []))
    return tuple(seen.values())


def summary(kb: KnowledgeBase) -> str:
    """"knowledge base 1a2b: 36 questions, 56 rules, 14 causes, 8 red flags; no problems"."""
    def n(forms: i18n.Plural, count: int) -> str:
        return i18n.plural(forms, count).format(n=count)

    return words.CHECK_SUMMARY.format(
        version=kb.traced_version, questions=n(words.N_QUESTIONS, len(kb.questions)),
        rules=n(words.N_RULES, len(kb.rules)), causes=n(words.N_CAUSES, len(kb.causes)),
        red_flags=n(words.N_RED_FLAGS, len(kb.red_flags)))


def translation_problems(kb: KnowledgeBase) -> list[Problem]:
    """Each language's overlay: entries missing, unknown, or translated from older English."""
    from triage import overlay, scenarios

    found: list[Problem] = []
    for language in i18n.LANGUAGES:
        path = overlay.path(language)
        if language == i18n.ENGLISH or i18n.is_pseudo(language) or not path.is_file():
            continue
        read, problems = overlay.read(path, language)
        found += problems
        if read is not None:
            found += overlay.problems(kb, read)
        shown = overlay.demonstrations_path(language)
        if shown.is_file():
            read, problems = overlay.read(shown, language)
            found += problems
            if read is not None:
                found += overlay.compare(scenarios.shipped_words(), read)
    return found


def check_stops(kb: KnowledgeBase) -> list[Problem]:
    """A stopping rule that needs a question *not* to hold must not be able to hold
    before that question is asked: else the questionnaire would stop on an answer
    it has not yet heard (a known kidney-stone former sent to the emergency department)."""
    late = late_negations(kb)
    return [
        Problem(rule.file, rule.line, errors.STOP_BEFORE_NEGATED.format(
            where=errors.WHERE["rule"].format(id=rule.id), other=qid))
        for rule in kb.rules if rule.id in late
        for qid in late[rule.id].questions
    ]


CHECKS: tuple[Callable[[KnowledgeBase], list[Problem]], ...] = (
    check_declared, check_used, check_stops, check_examples, check_reachable, coverage.problems,
)
"""What ``triage check`` adds to loading, in the order its problems are listed."""
