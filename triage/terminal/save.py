"""Summaries for a clinician, and writing them safely.

A summary is written only when the person asks (or ``--answers-out`` asks
for them): to a new file created with mode 0600, never over an existing
file unless the person said to replace it, and never half-written (a replaced
file is written beside it first, then renamed over it).

Formats are a registry: a writer per format name (Markdown to read, JSON
for a clinic system, a FHIR R4 QuestionnaireResponse), and file name
endings that choose one.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from pathlib import Path

from triage import constants, render
from triage.files import PRIVATE, PUBLIC, write

__all__ = ["PRIVATE", "PUBLIC", "write"]  # the writer lives in triage.files; summaries use it here
from triage.models import KnowledgeBase
from triage.result import Reason, Result

Writer = Callable[[KnowledgeBase, Result], str]

DEFAULT_STEM = "back-pain-summary"


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_reasons(kb: KnowledgeBase, reasons: tuple[Reason, ...]) -> list[str]:
    lines = []
    for reason in reasons:
        lines += [f"  - {line}" for line in render.because_lines(kb, reason, constants.SUMMARY_MATCHED)]
        lines.append(f"  - {reason.because}")
        lines.append(f"  - {constants.RULE_SOURCE.format(source=reason.source, rule=reason.rule)}")
    return lines


def _md_notice(notice: render.Notice) -> list[str]:
    lines = ["", f"## {notice.title}", ""]
    if notice.intro:
        lines += [notice.intro, ""]
    return lines + [f"- {item}" for item in notice.items]


def markdown(kb: KnowledgeBase, result: Result, today: datetime.date | None = None) -> str:
    """A readable summary: suggestion, red flags, causes with reasons, answers."""
    day = (today or datetime.date.today()).isoformat()
    out = [
        f"# {constants.SUMMARY_TITLE}",
        "",
        constants.SUMMARY_INTRO.format(date=day, version=result.knowledge_base.version),
        "",
        f"## {constants.SUMMARY_SUGGESTION}: {constants.LEVEL_TITLE[result.level]}",
        "",
        f"**{result.suggestion}**",
    ]
    if result.level == "emergency":
        out += ["", constants.EMERGENCY_NOW]
    if result.stopped_early:
        out += ["", constants.STOPPED_EARLY]
    out += [line for warning in render.ignored_warnings(kb, result) for line in ("", warning)]
    incomplete = render.incomplete_notice(kb, result)
    if incomplete is not None:
        out += _md_notice(incomplete)
    if result.red_flags:
        out += ["", f"## {constants.HEADING_RED_FLAGS}", ""]
        for flag in result.red_flags:
            out.append(f"- **{flag.name}** ({constants.LEVEL_TITLE[flag.level]}): {flag.means}")
            out += _md_reasons(kb, flag.rules)
    if result.causes:
        out += ["", f"## {constants.HEADING_CAUSES}", ""]
        for cause in result.causes:
            out.append(f"- **{cause.name}**: {cause.about}")
            out += _md_reasons(kb, cause.rules)
    if result.acupuncture.suggested:
        out += ["", f"## {constants.HEADING_ACUPUNCTURE}", "",
                result.acupuncture.note or "", "", result.acupuncture.evidence or ""]
    other = render.other_reasons(result)
    if other:
        out += ["", f"## {constants.HEADING_WHY_LEVEL}", ""]
        out += [line.removeprefix("  ") for line in _md_reasons(kb, other)]
    for notice in render.advice_notices(result):
        out += _md_notice(notice)
    ignored = render.ignored_notice(kb, result)
    if ignored is not None:
        out += _md_notice(ignored)
    out += ["", f"## {constants.HEADING_ANSWERS}", "",
            f"| {constants.SUMMARY_QUESTION} | {constants.SUMMARY_ANSWER} |", "| --- | --- |"]
    for qid, value in result.answers.items():
        text = kb.question(qid).text if kb.has_question(qid) else qid
        out.append(f"| {_md_escape(text)} | {_md_escape(render.answer_text(kb, qid, value))} |")
    out += ["", "---", "", result.disclaimer, ""]
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


def free_name(folder: Path, fmt: str) -> Path:
    """``back-pain-summary.md``, or ``back-pain-summary-2.md`` and so on if taken."""
    suffix = FORMAT_SUFFIX.get(fmt, ".txt")
    candidate = folder / f"{DEFAULT_STEM}{suffix}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{DEFAULT_STEM}-{number}{suffix}"
        number += 1
    return candidate


