"""Plain text: a result's document with no colour, boxes or symbols.

:func:`plain` lays out :class:`triage.report.Report` for ``triage assess
--format text`` and the ``--plain`` terminal mode (for screen readers and
copy-paste); it adds layout only, never words.
"""

from __future__ import annotations

from triage import i18n, report, textwidth, words
from triage.models import KnowledgeBase
from triage.result import Result


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    return textwidth.wrap(text, max(width, 20), initial_indent=indent,
                          subsequent_indent=indent) or [indent]


def _bullet(text: str, width: int, indent: str = "") -> list[str]:
    return textwidth.wrap(text, max(width, 20), initial_indent=indent + "- ",
                          subsequent_indent=indent + "  ")


def _reasoning_lines(reasoning: report.Reasoning, width: int, indent: str, bullet: bool = False) -> list[str]:
    """A rule's sentences; in a list of rules each starts with its own bullet."""
    lines: list[str] = []
    for n, sentence in enumerate((*reasoning.said, reasoning.because, reasoning.source)):
        lines += _bullet(sentence, width) if bullet and n == 0 else _wrap(sentence, width, indent)
    return lines


def _section_lines(section: report.Section, width: int) -> list[str]:
    lines = [f"{section.title}:"]
    for paragraph in section.paragraphs:
        lines += _wrap(paragraph, width)
    for entry in section.entries:
        name = f"{entry.name} {i18n.in_brackets(entry.level_title)}" if entry.level_title else entry.name
        lines += _bullet(name, width)
        lines += _wrap(entry.about, width, "    ")
        for reasoning in entry.reasons:
            lines += _reasoning_lines(reasoning, width, "    ")
    for reasoning in section.reasons:
        lines += _reasoning_lines(reasoning, width, "  ", bullet=True)
    for point in section.points:
        lines += _bullet(point, width)
    for question, answer in section.rows:
        lines += _bullet(question, width)
        lines += _wrap(words.ANSWER_ECHO.format(answer=answer), width, "    ")
    for paragraph in section.fine_print:
        lines += _wrap(paragraph, width)
    return [*lines, ""]


def plain_report(doc: report.Report, width: int = 78) -> str:
    out: list[str] = []
    out += _wrap(i18n.labelled(words.SUMMARY_SUGGESTION, i18n.ended(doc.level_title)), width)
    out += _wrap(doc.suggestion, width)
    for note in doc.notes:
        out += _wrap(note, width)
    out.append("")
    for section in doc.sections:
        out += _section_lines(section, width)
    out += _wrap(doc.disclaimer, width)
    out += _wrap(doc.footer, width)
    if doc.closing:  # what to do now: last, so it is what stays on screen
        out.append("")
        for line in doc.closing:
            out += _wrap(line, width)
    return "\n".join(out)


def plain(kb: KnowledgeBase, result: Result, width: int = 78) -> str:
    """The whole result as plain text, most important first."""
    return plain_report(report.build(kb, result), width)
