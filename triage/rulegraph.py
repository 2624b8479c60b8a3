"""The rules as a graph: which rules declare each finding, in which order they can fire, and
what a stopping rule negates that the questionnaire may not know yet.

The loader reports finding cycles from :func:`finding_strata`, the engine fires
rules stratum by stratum, and ``triage check`` explains what these find.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from triage import conditions
from triage.models import (
    AllCondition,
    AnyCondition,
    CauseCondition,
    Condition,
    Finding,
    KnowledgeBase,
    NotCondition,
    QuestionCondition,
    RedFlagCondition,
    Rule,
    UnansweredCondition,
    then_stops,
)


def producers(rules: Iterable[Rule]) -> dict[Finding, list[Rule]]:
    """The one index of which rules declare each finding (cause or red flag)."""
    out: dict[Finding, list[Rule]] = {}
    for rule in rules:
        if rule.finding is not None:
            out.setdefault(rule.finding, []).append(rule)
    return out


@dataclass(frozen=True)
class LateNegations:
    """What a rule (with the rules behind the findings it uses) needs *not* to hold, that
    the questionnaire may not know yet when the rule first can hold."""

    questions: tuple[str, ...]
    """Negated questions not asked before the rule can first hold."""
    other: bool
    """It negates a finding or a question left unanswered (decided only later)."""

    @property
    def none(self) -> bool:
        return not self.questions and not self.other


def late_negations(kb: KnowledgeBase) -> dict[str, LateNegations]:
    """For each stopping rule, the negations not settled by the time it can first hold.

    With none, whether the rule holds after question k of the walk is what a
    single evaluation of the whole walk says: every answer it negates comes
    before k. This is what lets a stopping rule with a negation be safe.
    """
    position = kb.question_index
    prods = producers(kb.rules)
    strata, _ = finding_strata(kb.rules)
    never = 1 << 30
    # When each finding can first be known: lower strata first, no recursion.
    found_at: dict[Finding, int] = {}
    for rule in sorted(kb.rules, key=lambda r: strata[r.id]):
        if rule.finding is not None:
            at = conditions.earliest(rule.when, position, lambda f: found_at.get(f, never))
            found_at[rule.finding] = min(found_at.get(rule.finding, never), at)
    out: dict[str, LateNegations] = {}
    for rule in kb.rules:
        if not then_stops(rule.then):
            continue
        behind, seen = [rule], set()
        negated: set[str] = set()
        other = False
        while behind:
            current = behind.pop()
            if current.id in seen:
                continue
            seen.add(current.id)
            negated |= conditions.negated_questions(current.when)
            other = other or conditions.negates_other_than_answers(current.when)
            for finding in conditions.findings_used(current.when):
                behind.extend(prods.get(finding, []))
        first = conditions.earliest(rule.when, position, lambda f: found_at.get(f, never))
        late = tuple(q for q in sorted(negated, key=lambda q: position.get(q, never))
                     if position.get(q, never) >= first)
        out[rule.id] = LateNegations(late, other)
    return out


def finding_strata(rules: Iterable[Rule]) -> tuple[dict[str, int], list[tuple[Rule, str]]]:
    """Stratum of each rule (0 = uses answers only); and rules caught in a cycle.

    A rule that tests a finding sits above every rule that declares it, so the
    engine can fire strata in order and ``not`` over a finding is reliable.
    """
    rules = list(rules)
    prods = producers(rules)
    stratum: dict[str, int] = {}
    cycles: list[tuple[Rule, str]] = []
    # Depth-first without recursion, so a chain of thousands of rules is fine.
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[Rule] = []
    stack: list[tuple[Rule, Iterator[Rule]]] = []

    def enter(rule: Rule) -> None:
        state[rule.id] = 1
        path.append(rule)
        deps = (p for f in sorted(conditions.findings_used(rule.when)) for p in prods.get(f, []))
        stack.append((rule, deps))

    for start in rules:
        if start.id in state:
            continue
        enter(start)
        while stack:
            rule, deps = stack[-1]
            step = next(deps, None)
            if step is None:
                stack.pop()
                path.pop()
                state[rule.id] = 2
                used = [stratum.get(p.id, 0) + 1 for f in conditions.findings_used(rule.when)
                        for p in prods.get(f, [])]
                stratum[rule.id] = max(used, default=0)
            elif state.get(step.id) == 1:
                ids = [r.id for r in path]
                cycles.append((step, " -> ".join([*ids[ids.index(step.id):], step.id])))
            elif step.id not in state:
                enter(step)
    return stratum, cycles


@dataclass(frozen=True)
class NegationWindow:
    """A rule with a negation: from which question it can hold, and up to which question what it
    negates may still change."""

    rule: str
    earliest: int
    """The position of the question after which the rule can first hold (its positive parts)."""
    horizon: int
    """The position of the last question its negations look at, directly or through the rules
    behind a finding it negates."""


def negation_windows(kb: KnowledgeBase) -> tuple[NegationWindow, ...]:
    """Every rule that needs something *not* to hold, with its window.

    A walk cut after question k keeps, of an evaluation of the whole walk, exactly the firings that
    matched answers up to k, unless some rule can hold by k (``earliest <= k``) while something it
    negates is decided after k (``horizon > k``): without the later answers it might fire.
    """
    position = kb.question_index
    never = 1 << 30
    prods = producers(kb.rules)
    strata, _ = finding_strata(kb.rules)
    found_at: dict[Finding, int] = {}
    for rule in sorted(kb.rules, key=lambda r: strata[r.id]):
        if rule.finding is not None:
            at = conditions.earliest(rule.when, position, lambda f: found_at.get(f, never))
            found_at[rule.finding] = min(found_at.get(rule.finding, never), at)

    def latest_behind(finding: Finding) -> int:
        """The last question any rule behind a finding looks at, however deep."""
        seen: set[str] = set()
        stack = list(prods.get(finding, []))
        latest = -1
        while stack:
            rule = stack.pop()
            if rule.id in seen:
                continue
            seen.add(rule.id)
            latest = max([latest, *(position.get(q, never) for q in conditions.questions_used(rule.when))])
            for used in conditions.findings_used(rule.when):
                stack.extend(prods.get(used, []))
        return latest

    windows = []
    for rule in kb.rules:
        horizons = [latest_behind(leaf) if isinstance(leaf, Finding) else position.get(leaf, never)
                    for leaf in _negated(rule.when)]
        if horizons:
            earliest = conditions.earliest(rule.when, position, lambda f: found_at.get(f, never))
            windows.append(NegationWindow(rule.id, earliest, max(horizons)))
    return tuple(windows)


def negated_anywhere(kb: KnowledgeBase) -> frozenset[str]:
    """Every question some rule needs *not* to hold (or to be unknown, or left unanswered)."""
    return frozenset(q for rule in kb.rules for q in _negated(rule.when) if isinstance(q, str))


def _negated(condition: Condition) -> Iterator[str | Finding]:
    """What a condition needs not to hold, in negation normal form: questions (answered a way,
    or at all, or left unanswered) by id, findings as such."""
    stack = [conditions.push_not(condition)]
    while stack:
        match stack.pop():
            case AllCondition(all=parts) | AnyCondition(any=parts):
                stack.extend(parts)
            case NotCondition(not_=QuestionCondition(question=qid) | UnansweredCondition(unanswered=qid)):
                yield qid
            case NotCondition(not_=CauseCondition(cause=cid)):
                yield Finding("cause", cid)
            case NotCondition(not_=RedFlagCondition(red_flag=rid)):
                yield Finding("red_flag", rid)
            case QuestionCondition(question=qid, operator="exists", answer=False):
                yield qid
            case _:
                pass
