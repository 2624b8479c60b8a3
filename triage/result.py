"""The result of an assessment, as the project's own models and as JSON."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema

from triage import acupuncture, conditions, i18n, words
from triage.acupuncture import Discussed
from triage.flow import FlowResult
from triage.models import (
    LEVELS,
    AnswerValue,
    Finding,
    Firing,
    KnowledgeBase,
    ThenCaution,
    then_level,
)


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Matched(_Out):
    question: str
    answer: AnswerValue


FindingRef = Annotated[
    Finding,
    BeforeValidator(lambda v: Finding.parse(v) if isinstance(v, str) else v),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": "^(cause|red_flag):.+$",
                    "description": "A cause or red flag, as kind:id (cause:kidney_stones)."}),
]
"""A finding in a result: typed in Python, ``kind:id`` in JSON."""


class Reason(_Out):
    """One rule that fired: why, where it comes from, and what matched it."""

    rule: str
    because: str
    source: str
    """The sources, as short citations joined by "; "."""
    sources: tuple[str, ...]
    """The ids of the sources in the knowledge base's catalogue."""
    matched: tuple[Matched, ...]
    via: tuple[FindingRef, ...] = ()
    """The causes and red flags the rule built on."""
    unanswered: tuple[str, ...] = ()
    """Questions left unanswered that the rule tested."""


class RedFlagOut(_Out):
    id: str
    name: str
    level: str
    means: str
    rules: tuple[Reason, ...]


class CauseOut(_Out):
    id: str
    name: str
    about: str
    acupuncture_responsive: bool
    acupuncture_withheld: bool
    rules: tuple[Reason, ...]


class Acupuncture(_Out):
    suggested: bool
    note: str | None
    evidence: str | None
    cautions: tuple[Reason, ...] = ()
    """What to tell an acupuncturist (a blood thinner, say), whether or not it is suggested."""


class Advice(_Out):
    title: str
    points: tuple[str, ...]
    sources: tuple[str, ...]


class Ignored(_Out):
    question: str
    reason: str
    answer: AnswerValue | None = None
    why: str = "not_asked"
    """``not_asked`` (its ask-condition) or ``after_stop`` (the questionnaire stopped first)."""


class KbInfo(_Out):
    version: str
    fingerprint: str
    questions: str
    rules: str


class Result(_Out):
    source: str
    level: str
    suggestion: str
    red_flags: tuple[RedFlagOut, ...]
    causes: tuple[CauseOut, ...]
    level_reasons: tuple[Reason, ...]
    acupuncture: Acupuncture
    safety_net: Advice | None
    """When to get help sooner: every result below emergency."""
    self_care: Advice | None
    """What helps meanwhile: at doctor and acupuncturist."""
    notices: tuple[Advice, ...] = ()
    """Said with the suggestion where the answers call for it (in pregnancy: the maternity unit)."""
    complete: bool
    """False when a question that matters was asked and left unanswered."""
    unanswered: tuple[str, ...]
    """Those questions, in questionnaire order."""
    questions_asked: int
    stopped_early: bool
    ignored_answers: tuple[Ignored, ...]
    answers: dict[str, AnswerValue]
    disclaimer: str
    knowledge_base: KbInfo
    language: str = "en"
    """The language of the result's sentences (its keys and ids are the same in every language)."""

    def to_json(self, include_answers: bool = False) -> str:
        exclude = None if include_answers else {"answers"}
        return self.model_dump_json(exclude=exclude)

    @property
    def red_flag_ids(self) -> list[str]:
        return [r.id for r in self.red_flags]

    @property
    def cause_ids(self) -> list[str]:
        return [c.id for c in self.causes]


def _all_matched(firing: Firing, by_finding: dict[Finding, list[Firing]]) -> list[Matched]:
    """The answers that matched a firing, and those behind the findings it used."""
    seen: dict[str, AnswerValue] = dict(firing.matched)
    stack = list(firing.via)
    done: set[Finding] = set()
    while stack:
        finding = stack.pop()
        if finding in done:
            continue
        done.add(finding)
        for producer in by_finding.get(finding, []):
            for qid, value in producer.matched:
                seen.setdefault(qid, value)
            stack.extend(producer.via)
    return [Matched(question=q, answer=v) for q, v in seen.items()]


def build(kb: KnowledgeBase, flow: FlowResult, source: str) -> Result:
    """Turn a flow's evaluation into the explained result."""
    evaluation = flow.evaluation
    rules = {r.id: r for r in kb.rules}
    order = {r.id: i for i, r in enumerate(kb.rules)}
    by_finding: dict[Finding, list[Firing]] = {}
    # The engine's agenda may fire rules in any order: explain them in the knowledge base's order.
    firings_in_order = sorted(evaluation.firings, key=lambda f: (order[f.rule_id], repr(f.matched)))
    for firing in firings_in_order:
        finding = rules[firing.rule_id].finding
        if finding is not None:
            by_finding.setdefault(finding, []).append(firing)

    def reasons(firings: list[Firing]) -> tuple[Reason, ...]:
        """One reason per rule: a rule that fired on two answers is explained once."""
        merged: dict[str, tuple[dict[str, Matched], dict[Finding, None], dict[str, None]]] = {}
        for firing in firings:
            matched, via, missing = merged.setdefault(firing.rule_id, ({}, {}, {}))
            for m in _all_matched(firing, by_finding):
                matched.setdefault(m.question, m)
            via.update(dict.fromkeys(firing.via))
            missing.update((q, None) for q in firing.missing)
        return tuple(
            Reason(rule=rule_id, because=rules[rule_id].because,
                   source=kb.cite(rules[rule_id].source), sources=rules[rule_id].source,
                   matched=tuple(matched.values()), via=tuple(via),
                   unanswered=tuple(sorted(missing, key=kb.question_index.__getitem__)))
            for rule_id, (matched, via, missing) in merged.items()
        )

    red_flags = []
    for flag in kb.red_flags:
        firings = by_finding.get(Finding("red_flag", flag.id), [])
        if firings:
            level = min((then_level(rules[f.rule_id].then) or LEVELS[-1] for f in firings),
                        key=LEVELS.index)
            red_flags.append(RedFlagOut(id=flag.id, name=flag.name, level=level, means=flag.means,
                                        rules=reasons(firings)))
    red_flags.sort(key=lambda r: LEVELS.index(r.level))
    causes = [
        CauseOut(id=c.id, name=c.name, about=c.about, acupuncture_responsive=c.acupuncture_responsive,
                 acupuncture_withheld=c.acupuncture_withheld, rules=reasons(by_finding[found]))
        for c in kb.causes
        if (found := Finding("cause", c.id)) in by_finding
    ]
    level = evaluation.level
    level_reasons = reasons([f for f in firings_in_order if then_level(rules[f.rule_id].then) == level])
    cautions = reasons([f for f in firings_in_order if isinstance(rules[f.rule_id].then, ThenCaution)])
    required = conditions.required_questions(kb)
    unanswered = tuple(q for q in flow.asked if q in required and q not in flow.answers)
    return Result(
        source=source,
        level=level,
        suggestion=words.LEVEL_ADVICE[level],
        red_flags=tuple(red_flags),
        causes=tuple(causes),
        level_reasons=level_reasons,
        acupuncture=acupuncture_note(acupuncture.may_be_discussed(kb, evaluation), cautions),
        safety_net=advice(kb, "safety_net", level, flow.answers),
        self_care=advice(kb, "self_care", level, flow.answers),
        notices=tuple(Advice(title=a.title, points=a.points, sources=a.source) for a in kb.advice
                      if a.kind == "notice" and level in a.levels
                      and a.when is not None and conditions.holds(a.when, flow.answers)),
        complete=not unanswered,
        unanswered=unanswered,
        questions_asked=len(flow.asked),
        stopped_early=flow.stopped_early,
        ignored_answers=tuple(Ignored(question=q, reason=words.IGNORED_REASONS[r],
                                      answer=flow.ignored_values.get(q), why=r)
                              for q, r in flow.ignored),
        answers=dict(flow.answers),
        disclaimer=words.DISCLAIMER,
        knowledge_base=KbInfo(version=kb.version, fingerprint=kb.fingerprint,
                              questions=kb.questions_file, rules=kb.rules_dir),
        language=i18n.active(),
    )


def advice(kb: KnowledgeBase, kind: str, level: str,
           answers: Mapping[str, AnswerValue] | None = None) -> Advice | None:
    found = conditions.advice_for(kb, kind, level, answers)
    if found is None:
        return None
    return Advice(title=found.title, points=found.points, sources=found.source)


def acupuncture_note(discussed: Discussed | None, cautions: tuple[Reason, ...] = ()) -> Acupuncture:
    """Acupuncture only as a complement, as the clinical contract says (see :mod:`triage.acupuncture`)."""
    if discussed is None:
        return Acupuncture(suggested=False, note=None, evidence=None, cautions=cautions)
    note = words.ACUPUNCTURE_PRIMARY if discussed == "primary" else words.ACUPUNCTURE_COMPLEMENT
    return Acupuncture(suggested=True, note=note, evidence=words.ACUPUNCTURE_EVIDENCE, cautions=cautions)
