"""Plain-text rendering of a result: no colour, no boxes, no symbols.

Used by ``triage assess --format text``, the ``--plain`` terminal mode (for
screen readers and copy-paste) and the Markdown summary.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from triage import constants
from triage.conditions import questions_used
from triage.models import AnswerValue, KnowledgeBase
from triage.result import Matched, Reason, Result


def answer_text(kb: KnowledgeBase, qid: str, value: AnswerValue) -> str:
    """An answer in words: "Yes", "Not sure", "45", "Lower back, Upper back"."""
    question = kb.question(qid) if kb.has_question(qid) else None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value == "not_sure":
        return "Not sure"
    if question is not None and isinstance(value, tuple):
        return ", ".join(question.label(v) for v in value) if value else "None of these"
    if question is not None and isinstance(value, str):
        return question.label(value)
    return str(value)


def said(kb: KnowledgeBase, matched: Matched) -> str:
    """'"Yes" to "Do you have a fever…?"': an answer the person gave, in their words."""
    text = kb.question(matched.question).text if kb.has_question(matched.question) else matched.question
    return f'"{answer_text(kb, matched.question, matched.answer)}" to "{text}"'


def because_lines(kb: KnowledgeBase, reason: Reason, template: str = constants.BECAUSE_YOU_SAID) -> list[str]:
    """Why a rule fired, in the person's words.

    A rule that builds on a cause or red flag points to it (it is explained
    above it) instead of repeating the answers behind it.
    """
    if reason.via:
        names = []
        for ref in reason.via:
            kind, fid = ref.split(":", 1)
            names.append(kb.cause(fid).name if kind == "cause" else kb.red_flag(fid).name)
        direct = [m for m in reason.matched if not _behind_findings(kb, reason, m)]
        lines = [constants.BECAUSE_OF_FINDING.format(names=", ".join(names))]
        return lines + [template.format(said=said(kb, m)) for m in direct]
    return [template.format(said=said(kb, m)) for m in reason.matched]


def _behind_findings(kb: KnowledgeBase, reason: Reason, matched: Matched) -> bool:
    """Whether an answer only matched through a finding the reason builds on."""
    return matched.question not in questions_used(kb.rule(reason.rule).when)


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    return textwrap.wrap(text, width=max(width, 20), initial_indent=indent,
                         subsequent_indent=indent) or [indent]


def _reason_lines(kb: KnowledgeBase, reason: Reason, width: int) -> list[str]:
    lines: list[str] = []
    for sentence in because_lines(kb, reason):
        lines += _wrap(sentence, width, "    ")
    lines += _wrap(reason.because, width, "    ")
    lines += _wrap(f"Source: {reason.source} (rule {reason.rule})", width, "    ")
    return lines


@dataclass(frozen=True)
class Notice:
    """A titled section of sentences that every renderer shows the same way."""

    title: str
    intro: str | None
    items: tuple[str, ...]


def incomplete_notice(kb: KnowledgeBase, result: Result) -> Notice | None:
    """Which warning signs were left unanswered, in the questions' own words."""
    if result.complete:
        return None
    items = tuple(kb.question(q).text if kb.has_question(q) else q for q in result.unanswered)
    return Notice(constants.INCOMPLETE_TITLE, constants.INCOMPLETE_INTRO, items)


def ignored_notice(kb: KnowledgeBase, result: Result) -> Notice | None:
    """Answers a file gave to questions that were not asked, and why."""
    if not result.ignored_answers:
        return None
    items = tuple(
        constants.IGNORED_ITEM.format(question=_text(kb, i.question), reason=i.reason,
                                      answer=answer_text(kb, i.question, i.answer)
                                      if i.answer is not None else constants.WHAT_IF_UNANSWERED)
        for i in result.ignored_answers)
    return Notice(constants.IGNORED_TITLE, None, items)


def ignored_warnings(kb: KnowledgeBase, result: Result) -> list[str]:
    """A plain sentence for each warning sign answered Yes whose answer was not used."""
    signs = kb.required_questions
    return [constants.IGNORED_WARNINGS[i.why].format(question=_text(kb, i.question))
            for i in result.ignored_answers if i.answer is True and i.question in signs]


def _text(kb: KnowledgeBase, qid: str) -> str:
    return " ".join(kb.question(qid).text.split()) if kb.has_question(qid) else qid


def advice_notices(result: Result) -> list[Notice]:
    """Cautions (a blood thinner), then the safety net and self-care, as the level allows."""
    out = []
    if result.acupuncture.cautions:
        out.append(Notice(constants.CAUTIONS_TITLE, None,
                          tuple(" ".join(c.because.split()) for c in result.acupuncture.cautions)))
    for advice in (result.safety_net, result.self_care):
        if advice is not None:
            out.append(Notice(advice.title, None, tuple(" ".join(p.split()) for p in advice.points)))
    return out


def plain(kb: KnowledgeBase, result: Result, width: int = 78) -> str:
    """The whole result as plain text, most important first."""
    out: list[str] = []
    out += _wrap(f"Suggestion: {constants.LEVEL_TITLE[result.level]}.", width)
    out += _wrap(result.suggestion, width)
    if result.level == "emergency":
        out += _wrap(constants.EMERGENCY_NOW, width)
    if result.stopped_early:
        out += _wrap(constants.STOPPED_EARLY, width)
    for warning in ignored_warnings(kb, result):
        out += _wrap(warning, width)
    out.append("")
    incomplete = incomplete_notice(kb, result)
    if incomplete is not None:
        out += _notice_lines(incomplete, width)
    if result.red_flags:
        out.append(f"{constants.HEADING_RED_FLAGS}:")
        for flag in result.red_flags:
            out += _wrap(f"- {flag.name} ({constants.LEVEL_TITLE[flag.level]})", width)
            out += _wrap(flag.means, width, "    ")
            for reason in flag.rules:
                out += _reason_lines(kb, reason, width)
        out.append("")
    if result.causes:
        out.append(f"{constants.HEADING_CAUSES}:")
        for cause in result.causes:
            out += _wrap(f"- {cause.name}", width)
            for reason in cause.rules:
                out += _reason_lines(kb, reason, width)
        out.append("")
    other = other_reasons(result)
    if other:
        out.append(f"{constants.HEADING_WHY_LEVEL}:")
        for reason in other:
            out += _reason_lines(kb, reason, width)
        out.append("")
    if result.acupuncture.suggested:
        out.append(f"{constants.HEADING_ACUPUNCTURE}:")
        out += _wrap(result.acupuncture.note or "", width)
        out += _wrap(result.acupuncture.evidence or "", width)
        out.append("")
    for notice in advice_notices(result):
        out += _notice_lines(notice, width)
    ignored = ignored_notice(kb, result)
    if ignored is not None:
        out += _notice_lines(ignored, width)
    out += _wrap(result.disclaimer, width)
    out += _wrap(footer(result), width)
    return "\n".join(out)


def _notice_lines(notice: Notice, width: int) -> list[str]:
    lines = [f"{notice.title}:"]
    if notice.intro:
        lines += _wrap(notice.intro, width)
    for item in notice.items:
        lines += textwrap.wrap(item, width=max(width, 20), initial_indent="- ", subsequent_indent="  ")
    return [*lines, ""]


def other_reasons(result: Result) -> tuple[Reason, ...]:
    """The rules behind the level that the red flags have not already explained."""
    shown = {r.rule for flag in result.red_flags for r in flag.rules}
    return tuple(r for r in result.level_reasons if r.rule not in shown)


def footer(result: Result) -> str:
    """"Knowledge base 1a2b; 12 questions asked." (one question: "1 question asked")."""
    template = constants.KB_FOOTER_ONE if result.questions_asked == 1 else constants.KB_FOOTER
    return template.format(version=result.knowledge_base.version, asked=result.questions_asked)
