"""A direct Python evaluation of the knowledge base, without experta.

Not used to give results: it is the reference the engine is checked against
(tests/test_differential.py) and the baseline of the speed benchmark.
Rules are evaluated stratum by stratum, so a rule that tests a finding sees
every rule that could declare it.
"""

from __future__ import annotations

from collections.abc import Mapping, Set

from triage import conditions, rulegraph
from triage.models import LEVELS, AnswerValue, Finding, KnowledgeBase, Rule, then_level


class Reference:
    def __init__(self, kb: KnowledgeBase, strata: Mapping[str, int] | None = None) -> None:
        """``strata``: each rule's stratum, when already worked out for a larger knowledge base."""
        if strata is None:
            strata, _ = rulegraph.finding_strata(kb.rules)
        by_stratum: dict[int, list[Rule]] = {}
        for rule in kb.rules:
            by_stratum.setdefault(strata[rule.id], []).append(rule)
        self.strata: list[list[Rule]] = [by_stratum[s] for s in sorted(by_stratum)]

    def fired(self, answers: Mapping[str, AnswerValue], unanswered: Set[str] = frozenset()) -> set[str]:
        findings: set[Finding] = set()
        fired: set[str] = set()
        for stratum in self.strata:
            new: set[Finding] = set()
            for rule in stratum:
                if conditions.holds(rule.when, answers, findings, unanswered):
                    fired.add(rule.id)
                    if rule.finding is not None:
                        new.add(rule.finding)
            findings |= new
        return fired

    def level(self, kb: KnowledgeBase, fired: set[str]) -> str:
        levels = [then_level(kb.rule(r).then) for r in fired]
        return min((lv for lv in levels if lv), key=LEVELS.index, default=LEVELS[-1])
