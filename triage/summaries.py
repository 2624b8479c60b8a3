"""Summaries for a clinician: the result written out in a format a person or a clinic system reads.

Formats are a registry: a writer per format name (Markdown to read, JSON
for a clinic system, a FHIR R4 QuestionnaireResponse), and file name
endings that choose one. The terminal saves them to files
(:mod:`triage.terminal.save`); the kiosk offers them as downloads.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from pathlib import Path

from triage import report, words
from triage.mdtext import inline as md
from triage.models import KnowledgeBase
from triage.result import Result

Writer = Callable[[KnowledgeBase, Result], str]


def _md_reasoning(reasoning: report.Reasoning, indent: str) -> list[str]:
    return [f"{indent}- {md(line)}" for line in (*reasoning.said, reasoning.because, reasoning.source)]


def _md_section(section: report.Section) -> list[str]:
    lines = ["", f"## {md(section.title)}", ""]
    for paragraph in section.paragraphs:
        lines += [md(paragraph), ""]
    for entry in section.entries:
        level = f" ({md(entry.level_title)})" if entry.level_title else ""
        lines.append(f"- **{md(entry.name)}**{level}: {md(entry.about)}")
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


def markdown(kb: KnowledgeBase, result: Result, today: datetime.date | None = None) -> str:
    """A readable summary for a clinician: the result's document, then the date and knowledge base."""
    doc = report.build(kb, result, audience="clinician")
    day = (today or datetime.date.today()).isoformat()
    out = [
        f"# {md(words.SUMMARY_TITLE)}",
        "",
        md(words.SUMMARY_INTRO.format(date=day, version=_traced(result))),
        "",
        f"## {md(words.SUMMARY_SUGGESTION)}: {md(doc.level_title)}",
        "",
        f"**{md(doc.suggestion)}**",
    ]
    out += [line for note in doc.notes for line in ("", md(note))]
    for section in doc.sections:
        out += _md_section(section)
    out += ["", "---", "", md(doc.disclaimer), "", md(doc.footer), ""]
    out += [line for text in doc.closing for line in (f"**{md(text)}**", "")]
    return "\n".join(out)


def json_summary(kb: KnowledgeBase, result: Result) -> str:
    """The assessment result, as ``triage assess --format json``, plus the answers."""
    return result.to_json(include_answers=True) + "\n"


def fhir_response(kb: KnowledgeBase, result: Result) -> str:
    """The answers as a FHIR R4 QuestionnaireResponse (``triage assess`` reads it back)."""
    from triage import fhir

    return json.dumps(fhir.answers_to_response(kb, result.answers), indent=2, ensure_ascii=False) + "\n"


WRITERS: dict[str, Writer] = {
    "markdown": markdown,
    "json": json_summary,
    "fhir": fhir_response,
}
"""Format name -> writer."""

SUFFIXES: dict[str, str] = {".fhir.json": "fhir", ".json": "json", ".md": "markdown"}
"""File name ending -> format name (longest first); any other ending is Markdown."""

FORMAT_SUFFIX: dict[str, str] = {name: suffix for suffix, name in SUFFIXES.items()}


def format_for(path: Path) -> str:
    name = path.name.lower()
    return next((fmt for end, fmt in SUFFIXES.items() if name.endswith(end)), "markdown")


def summary(kb: KnowledgeBase, result: Result, fmt: str) -> str:
    try:
        writer = WRITERS[fmt]
    except KeyError:
        valid = ", ".join(sorted(WRITERS))
        raise ValueError(f"no writer for the format {fmt!r}; valid formats: {valid}") from None
    return writer(kb, result)
