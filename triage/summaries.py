"""Summaries for a clinician: the result written out in a format a person or a clinic system reads.

Formats are a registry: a writer per format name (Markdown to read, JSON
for a clinic system, a FHIR R4 QuestionnaireResponse), and file name
endings that choose one. The terminal saves them to files
(:mod:`triage.terminal.save`); the kiosk offers them as downloads.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from triage import i18n, qtypes, report, words
from triage.mdtext import inline as md
from triage.models import KnowledgeBase
from triage.result import Result


@dataclass(frozen=True)
class Reading:
    """A result as its reader reads it: in the clinician's language, which may not be the person's.

    ``kb`` and ``result`` are in ``language``; ``person_kb`` is the knowledge base in the words the
    person read (the same ids and logic), so a summary can quote each answer as they saw it.
    """

    kb: KnowledgeBase
    result: Result
    language: str
    person_kb: KnowledgeBase
    person_language: str

    @property
    def translated(self) -> bool:
        return self.language != self.person_language

    def seen(self) -> dict[str, tuple[str, str]] | None:
        """Each question and answer in the person's own words, where the reader reads another language."""
        if not self.translated:
            return None
        with i18n.override(self.person_language):
            kb = self.person_kb
            return {qid: (report.question_text(kb, qid), qtypes.answer_text(kb, qid, value))
                    for qid, value in self.result.answers.items()}


def reading(kb: KnowledgeBase, result: Result, language: str | None = None) -> Reading:
    """``result`` (assessed in the active language from ``kb``) for a reader of ``language``
    (default: the same). In another language the same answers are assessed again from the
    knowledge base in that language: one pipeline, so the same level, causes and reasons."""
    here = i18n.active()
    if language is None or language == here:
        return Reading(kb, result, here, kb, here)
    from triage import loader, pipeline
    from triage.engine import engine_for

    with i18n.override(language):
        theirs = loader.localised(kb, language)  # the same ids and rules: the written one's engine
        again = pipeline.assess(theirs, result.answers, source=result.source,
                                engine=engine_for(kb.as_written))
    return Reading(theirs, again, language, kb, here)


Writer = Callable[[Reading], str]


def _md_reasoning(reasoning: report.Reasoning, indent: str) -> list[str]:
    return [f"{indent}- {md(line)}" for line in (*reasoning.said, reasoning.because, reasoning.source)]


def _md_section(section: report.Section) -> list[str]:
    lines = ["", f"## {md(section.title)}", ""]
    for paragraph in section.paragraphs:
        lines += [md(paragraph), ""]
    for entry in section.entries:
        level = f" {md(i18n.in_brackets(entry.level_title))}" if entry.level_title else ""
        lines.append("- " + i18n.labelled(f"**{md(entry.name)}**{level}", md(entry.about)))
        for reasoning in entry.reasons:
            lines += _md_reasoning(reasoning, "  ")
    for reasoning in section.reasons:
        first, *rest = _md_reasoning(reasoning, "")
        lines += [first, *(f"  {line.removeprefix('- ')}" for line in rest)]
    lines += [f"- {md(point)}" for point in section.points]
    if section.rows:
        lines += [f"| {md(words.SUMMARY_QUESTION)} | {md(words.SUMMARY_ANSWER)} |", "| --- | --- |"]
        lines += [f"| {md(q)} | {md(a)} |" for q, a in section.rows]
    for paragraph in section.fine_print:
        lines += ["", md(paragraph)]
    while lines[-1] == "":
        lines.pop()
    return lines


def _traced(result: Result) -> str:
    """The knowledge base's version and fingerprint, for a clinician to trace the result."""
    info = result.knowledge_base
    return info.version if info.version == info.fingerprint else f"{info.version}+{info.fingerprint}"


def markdown(kb: KnowledgeBase, result: Result, today: datetime.date | None = None,
             *, seen: dict[str, tuple[str, str]] | None = None, person_language: str | None = None) -> str:
    """A readable summary for a clinician: the result's document, then the date and knowledge base;
    ``seen`` quotes each answer as the person read it, when the summary is in another language."""
    doc = report.build(kb, result, audience="clinician", seen=seen)
    day = (today or datetime.date.today()).isoformat()
    out = [
        f"# {md(words.SUMMARY_TITLE)}",
        "",
        md(words.SUMMARY_INTRO.format(date=day, version=_traced(result))),
        "",
        *([md(words.SUMMARY_IN_OTHER_LANGUAGE.format(language=i18n.LANGUAGES[person_language])), ""]
          if seen is not None and person_language else []),
        f"## {md(i18n.labelled(words.SUMMARY_SUGGESTION, doc.level_title))}",
        "",
        f"**{md(doc.suggestion)}**",
    ]
    out += [line for note in doc.notes for line in ("", md(note))]
    for section in doc.sections:
        out += _md_section(section)
    out += ["", "---", "", md(doc.disclaimer), "", md(doc.footer), ""]
    out += [line for text in doc.closing for line in (f"**{md(text)}**", "")]
    return "\n".join(out)


def _markdown(read: Reading) -> str:
    return markdown(read.kb, read.result, seen=read.seen(), person_language=read.person_language)


def json_summary(read: Reading) -> str:
    """The assessment result, as ``triage assess --format json``, plus the answers."""
    return read.result.to_json(include_answers=True) + "\n"


def fhir_response(read: Reading) -> str:
    """The answers as a FHIR R4 QuestionnaireResponse (``triage assess`` reads it back): the items as
    the person read them, in their language, and the narrative in the reader's."""
    from triage import fhir

    response = fhir.answers_to_response(read.person_kb, read.result.answers, language=read.person_language,
                                        narrative_kb=read.kb)
    return json.dumps(response, indent=2, ensure_ascii=False) + "\n"


WRITERS: dict[str, Writer] = {
    "markdown": _markdown,
    "json": json_summary,
    "fhir": fhir_response,
}
"""Format name -> writer."""

SUFFIXES: dict[str, str] = {".fhir.json": "fhir", ".json": "json", ".md": "markdown"}
"""File name ending -> format name (longest first); any other ending is Markdown."""

FORMAT_SUFFIX: dict[str, str] = {name: suffix for suffix, name in SUFFIXES.items()}


_NOT_IN_A_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|.\s]+")


def file_stem() -> str:
    """What a summary's file name starts with, in the active language: ``back-pain-summary``
    (a translation is kept to what every file system takes: no slash, dot, colon or space)."""
    stem = _NOT_IN_A_NAME.sub("-", words.SUMMARY_FILE_STEM).strip("-")
    return stem or "back-pain-summary"


def format_for(path: Path) -> str:
    name = path.name.lower()
    return next((fmt for end, fmt in SUFFIXES.items() if name.endswith(end)), "markdown")


def summary(kb: KnowledgeBase, result: Result, fmt: str, language: str | None = None) -> str:
    """``result`` as a summary in ``fmt``, for a clinician who reads ``language`` (default: the
    person's); the person's answers are quoted as they read them."""
    try:
        writer = WRITERS[fmt]
    except KeyError:
        valid = ", ".join(sorted(WRITERS))
        raise ValueError(f"no writer for the format {fmt!r}; valid formats: {valid}") from None
    read = reading(kb, result, language)
    with i18n.override(read.language):
        return writer(read)
