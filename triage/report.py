"""The result as one document: its sections, their order and their words, written once.

Every output lays out the same :class:`Report`: the terminal's screens (rich),
``--plain`` and ``triage assess`` text (:func:`triage.render.plain`), the
Markdown summary for a clinician (:func:`triage.summaries.markdown`) and
the kiosk's pages. A renderer adds layout (boxes, colour, bullets, HTML
tags), never a result's words: every sentence here comes from
:mod:`triage.constants` or the knowledge base.

The JSON of ``triage assess`` is the result itself (:class:`triage.result.Result`,
the clinical contract); :data:`JSON_FIELDS` says where each section's
content is found in it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from triage import conditions, i18n, overlay, qtypes, words
from triage.clinic import NO_CLINIC, Clinic
from triage.conditions import questions_used
from triage.models import KnowledgeBase
from triage.result import Advice, Matched, Reason, Result

SectionKey = Literal[
    "incomplete", "red_flags", "causes", "why", "acupuncture", "cautions", "safety_net",
    "self_care", "ignored", "answers",
]
Audience = Literal["person", "clinician"]

ORDER: tuple[SectionKey, ...] = (
    "incomplete", "red_flags", "causes", "why", "acupuncture", "cautions", "safety_net",
    "self_care", "ignored", "answers",
)
"""The sections, most important first; a report holds those that apply, in this order."""

JSON_FIELDS: dict[SectionKey, str] = {
    "incomplete": "unanswered",
    "red_flags": "red_flags",
    "causes": "causes",
    "why": "level_reasons",
    "acupuncture": "acupuncture",
    "cautions": "acupuncture.cautions",
    "safety_net": "safety_net",
    "self_care": "self_care",
    "ignored": "ignored_answers",
    "answers": "answers",
}
"""Where the JSON result carries each section (``assess --format json``; answers in summaries)."""


@dataclass(frozen=True)
class Reasoning:
    """One rule that fired, in words: what was said, why it matters, and its source."""

    rule: str
    said: tuple[str, ...]
    because: str
    source: str


@dataclass(frozen=True)
class Entry:
    """A red flag or a cause: its name, what it means, and the rules behind it."""

    name: str
    about: str
    reasons: tuple[Reasoning, ...]
    level: str | None = None
    """A red flag's level (an id, for colour); its words are in :attr:`level_title`."""
    level_title: str | None = None


@dataclass(frozen=True)
class Section:
    """A titled part of the result. Renderers show, in this order: paragraphs,
    entries, reasons, points, then the answers table."""

    key: SectionKey
    title: str
    paragraphs: tuple[str, ...] = ()
    entries: tuple[Entry, ...] = ()
    reasons: tuple[Reasoning, ...] = ()
    points: tuple[str, ...] = ()
    rows: tuple[tuple[str, str], ...] = ()
    """For the answers: (question, answer) in the order they were asked."""
    fine_print: tuple[str, ...] = ()
    """Paragraphs a renderer may show smaller (the acupuncture evidence)."""


@dataclass(frozen=True)
class Report:
    level: str
    level_title: str
    suggestion: str
    notes: tuple[str, ...]
    """Sentences that belong with the suggestion: what to do now, a stop, an unused warning sign."""
    sections: tuple[Section, ...]
    disclaimer: str
    footer: str
    closing: tuple[str, ...] = ()
    """What to do now, in a line or two: the last thing every output shows (the emergency number, a
    member of staff at a clinic), so that it is still on screen when the program ends."""

    @property
    def keys(self) -> tuple[SectionKey, ...]:
        return tuple(s.key for s in self.sections)

    def section(self, key: SectionKey) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


def _squash(text: str) -> str:
    return " ".join(text.split())


def question_text(kb: KnowledgeBase, qid: str) -> str:
    return _squash(kb.question(qid).text) if kb.has_question(qid) else qid


def said(kb: KnowledgeBase, matched: Matched) -> str:
    """'"Yes" to "Do you have a fever…?"': an answer the person gave, in their words."""
    text = kb.question(matched.question).text if kb.has_question(matched.question) else matched.question
    return words.SAID.format(answer=qtypes.answer_text(kb, matched.question, matched.answer), question=text)


def because_lines(kb: KnowledgeBase, reason: Reason, template: str | None = None) -> list[str]:
    """Why a rule fired, in the person's words.

    A rule that builds on a cause or red flag points to it (it is explained
    above it) instead of repeating the answers behind it. ``template`` quotes
    an answer (default: "Because you said …").
    """
    template = template or words.BECAUSE_YOU_SAID
    if reason.via:
        names = [kb.cause(f.id).name if f.kind == "cause" else kb.red_flag(f.id).name for f in reason.via]
        direct = [m for m in reason.matched if not _behind_findings(kb, reason, m)]
        lines = [words.BECAUSE_OF_FINDING.format(names=i18n.listing(names))]
        return lines + [template.format(said=said(kb, m)) for m in direct]
    return [template.format(said=said(kb, m)) for m in reason.matched]


def _behind_findings(kb: KnowledgeBase, reason: Reason, matched: Matched) -> bool:
    """Whether an answer only matched through a finding the reason builds on."""
    return matched.question not in questions_used(kb.rule(reason.rule).when)


def other_reasons(result: Result) -> tuple[Reason, ...]:
    """The rules behind the level that the red flags have not already explained."""
    shown = {r.rule for flag in result.red_flags for r in flag.rules}
    return tuple(r for r in result.level_reasons if r.rule not in shown)


def ignored_warnings(kb: KnowledgeBase, result: Result) -> list[str]:
    """A plain sentence for each warning sign answered Yes whose answer was not used."""
    signs = conditions.required_questions(kb)
    return [words.IGNORED_WARNINGS[i.why].format(question=question_text(kb, i.question))
            for i in result.ignored_answers if i.answer is True and i.question in signs]


def footer(result: Result) -> str:
    """"Knowledge base 1a2b; 12 questions asked." (one question: "1 question asked")."""
    return i18n.plural(words.KB_FOOTER, result.questions_asked).format(
        version=result.knowledge_base.version, asked=result.questions_asked)


def emergency_closing(clinic: Clinic = NO_CLINIC, *, staffed: bool = False) -> tuple[str, ...]:
    """What to do now in an emergency: the number to call, and to tell the staff where they are at hand."""
    lines = [words.CLOSING_EMERGENCY.format(number=clinic.emergency_number) if clinic.emergency_number
             else words.CLOSING_EMERGENCY_NO_NUMBER]
    if staffed or clinic.name is not None:
        lines.append(words.CLOSING_STAFF)
    return tuple(lines)


def closing(result: Result, clinic: Clinic = NO_CLINIC, *, staffed: bool = False) -> tuple[str, ...]:
    """The last lines: what to do now, with the clinic's numbers where it set them; where staff are
    at hand (a named clinic, the kiosk), an emergency also says to tell them."""
    if result.level == "emergency":
        return emergency_closing(clinic, staffed=staffed)
    lines = [words.CLOSING_LEVEL.format(suggestion=result.suggestion)]
    if result.level == "urgent_doctor" and clinic.urgent_number:
        lines.append(words.CLOSING_URGENT_NUMBER.format(number=clinic.urgent_number))
    return tuple(lines)


@dataclass(frozen=True)
class _Writing:
    """What every section of one document is written from."""

    kb: KnowledgeBase
    result: Result
    audience: Audience
    clinic: Clinic
    seen: Mapping[str, tuple[str, str]] | None = None
    """Each question and answer as the person read them, where the document is in another language."""

    def reasonings(self, reasons: tuple[Reason, ...]) -> tuple[Reasoning, ...]:
        """Each rule in words: to the person "Because you said …" and the source; to a clinician
        "Answered …" and the source with the rule's id."""
        person = self.audience == "person"
        template = words.BECAUSE_YOU_SAID if person else words.SUMMARY_MATCHED
        source_line = words.RULE_SOURCE_PERSON if person else words.RULE_SOURCE
        return tuple(
            Reasoning(rule=r.rule, said=tuple(because_lines(self.kb, r, template)),
                      because=_squash(r.because), source=source_line.format(source=r.source, rule=r.rule))
            for r in reasons)


def _incomplete(w: _Writing) -> Section | None:
    if w.result.complete:
        return None
    return Section("incomplete", words.INCOMPLETE_TITLE, paragraphs=(words.INCOMPLETE_INTRO,),
                   points=tuple(question_text(w.kb, q) for q in w.result.unanswered))


def _red_flags(w: _Writing) -> Section | None:
    if not w.result.red_flags:
        return None
    return Section("red_flags", words.HEADING_RED_FLAGS, entries=tuple(
        Entry(name=f.name, about=_squash(f.means), reasons=w.reasonings(f.rules), level=f.level,
              level_title=words.LEVEL_TITLE[f.level])
        for f in w.result.red_flags))


def _causes(w: _Writing) -> Section | None:
    if not w.result.causes:
        return None
    return Section("causes", words.HEADING_CAUSES, entries=tuple(
        Entry(name=c.name, about=_squash(c.about), reasons=w.reasonings(c.rules)) for c in w.result.causes))


def _why(w: _Writing) -> Section:
    other = other_reasons(w.result)
    return Section("why", words.HEADING_WHY_LEVEL, reasons=w.reasonings(other),
                   paragraphs=() if other else (words.WHY_LEVEL_FROM_FLAGS,))


def _acupuncture(w: _Writing) -> Section | None:
    acupuncture = w.result.acupuncture
    if not acupuncture.suggested:
        return None
    return Section("acupuncture", words.HEADING_ACUPUNCTURE, paragraphs=(_squash(acupuncture.note or ""),),
                   fine_print=(_squash(acupuncture.evidence or ""),))


def _cautions(w: _Writing) -> Section | None:
    cautions = w.result.acupuncture.cautions
    if not cautions:
        return None
    return Section("cautions", words.CAUTIONS_TITLE, points=tuple(_squash(c.because) for c in cautions))


def _advice(key: SectionKey, advice: Advice | None, extra: tuple[str, ...] = ()) -> Section | None:
    if advice is None:
        return None
    return Section(key, advice.title, points=tuple(_squash(p) for p in advice.points) + extra)


def _safety_net(w: _Writing) -> Section | None:
    """When to get help sooner, ending with the clinic's emergency number and its own line (for
    questions about this result, never for an emergency) where it set them."""
    numbers: tuple[str, ...] = ()
    if w.clinic.emergency_number:
        numbers += (words.CLINIC_EMERGENCY_NUMBER.format(number=w.clinic.emergency_number),)
    if w.clinic.phone:
        numbers += (words.CLINIC_PHONE.format(phone=w.clinic.phone),)
    return _advice("safety_net", w.result.safety_net, numbers)


def _self_care(w: _Writing) -> Section | None:
    return _advice("self_care", w.result.self_care)


def _ignored(w: _Writing) -> Section | None:
    if not w.result.ignored_answers:
        return None
    return Section("ignored", words.IGNORED_TITLE, points=tuple(
        words.IGNORED_ITEM.format(
            question=question_text(w.kb, i.question), reason=i.reason,
            answer=qtypes.answer_text(w.kb, i.question, i.answer) if i.answer is not None
            else words.WHAT_IF_UNANSWERED)
        for i in w.result.ignored_answers))


def _answers(w: _Writing) -> Section | None:
    """The answers, for a clinician only: the person has just seen each on screen."""
    if not w.result.answers or w.audience != "clinician":
        return None
    rows = [(question_text(w.kb, qid), qtypes.answer_text(w.kb, qid, value))
            for qid, value in w.result.answers.items()]
    if w.seen is not None:  # the summary is in another language than the person read: quote theirs
        rows = [(question, words.ANSWER_AS_SEEN.format(answer=answer, question=i18n.quoted(w.seen[qid][0]),
                                                        seen=i18n.quoted(w.seen[qid][1])))
                if qid in w.seen else (question, answer)
                for (question, answer), qid in zip(rows, w.result.answers, strict=True)]
    return Section("answers", words.HEADING_ANSWERS, rows=tuple(rows))


SECTIONS: dict[SectionKey, Callable[[_Writing], Section | None]] = {
    "incomplete": _incomplete, "red_flags": _red_flags, "causes": _causes, "why": _why,
    "acupuncture": _acupuncture, "cautions": _cautions, "safety_net": _safety_net,
    "self_care": _self_care, "ignored": _ignored, "answers": _answers,
}
"""How each section is written; a section that does not apply is None."""


def notes(kb: KnowledgeBase, result: Result, clinic: Clinic = NO_CLINIC) -> tuple[str, ...]:
    """What belongs with the suggestion, most urgent first: what to do now, the clinic's emergency
    number, the notices the answers call for, a stop, unused warning signs; the review notice last,
    so that it never pushes what to do now down."""
    out: list[str] = []
    if result.level == "emergency":
        out.append(words.EMERGENCY_NOW)
        if clinic.emergency_number:
            out.append(words.CLINIC_EMERGENCY_NUMBER.format(number=clinic.emergency_number))
    out += [_squash(point) for notice in result.notices for point in notice.points]
    if result.stopped_early:
        out.append(words.STOPPED_EARLY)
    out += ignored_warnings(kb, result)
    notice = overlay.review_notice()
    if notice is not None:
        out.append(notice)
    return tuple(out)


def build(kb: KnowledgeBase, result: Result, audience: Audience = "person",  # noqa: PLR0913  the result, its reader, the clinic; by keyword: staff, the words the person read
          clinic: Clinic = NO_CLINIC, *, staffed: bool = False,
          seen: Mapping[str, tuple[str, str]] | None = None) -> Report:
    """The document for a result: the sections that apply, in :data:`ORDER`.

    ``audience`` chooses how an answer is quoted ("Because you said …" to the
    person, "Answered …" in a clinician's summary) and whether the answers
    are listed: a person has just seen each answer on screen, a clinician
    reading a summary has not.
    """
    writing = _Writing(kb, result, audience, clinic, seen)
    sections = tuple(section for key in ORDER if (section := SECTIONS[key](writing)) is not None)
    return Report(level=result.level, level_title=words.LEVEL_TITLE[result.level],
                  suggestion=result.suggestion, notes=notes(kb, result, clinic), sections=sections,
                  disclaimer=result.disclaimer, footer=footer(result),
                  closing=closing(result, clinic, staffed=staffed))
