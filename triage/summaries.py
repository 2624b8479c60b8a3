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
from triage.models import KnowledgeBase
from triage.result import Result

Writer = Callable[[KnowledgeBase, Result], str]


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_reasoning(reasoning: report.Reasoning, indent: str) -> list[str]:
    return [f"{indent}- {line}" for line in (*reasoning.said, reasoning.because, reasoning.source)]


def _md_section(section: report.Section) -> list[str]:
    lines = ["", f"## {section.title}", ""]
    for paragraph in section.paragraphs:
        lines += [paragraph, ""]
    for entry in section.entries:
        level = f" ({entry.level_title})" if entry.level_title else ""
        lines.append(f"- **{entry.name}**{level}: {entry.about}")
        for reasoning in entry.reasons:
            lines += _md_reasoning(reasoning, "  ")
    for reasoning in section.reasons:
        first, *rest = _md_reasoning(reasoning, "")
        lines += [first, *(f"  {line.removeprefix('- ')}" for line in rest)]
    lines += [f"- {point}" for point in section.points]
    if section.rows:
        lines += [f"| {words.SUMMARY_QUESTION} | {words.SUMMARY_ANSWER} |", "| --- | --- |"]
        lines += [f"| {_md_escape(q)} | {_md_escape(a)} |" for q, a in section.rows]
    for paragraph in section.fine_print:
        lines += ["", paragraph]
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
        f"# {words.SUMMARY_TITLE}",
        "",
        words.SUMMARY_INTRO.format(date=day, version=_traced(result)),
        "",
        f"## {words.SUMMARY_SUGGESTION}: {doc.level_title}",
        "",
        f"**{doc.suggestion}**",
    ]
    out += [line for note in doc.notes for line in ("", note)]
    for section in doc.sections:
        out += _md_section(section)
    out += ["", "---", "", doc.disclaimer, "", doc.footer, ""]
    out += [line for text in doc.closing for line in (f"**{text}**", "")]
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
