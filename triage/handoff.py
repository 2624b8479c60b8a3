"""The hand-off to the practitioner: a one-page summary to print and the same summary as a QR code.

Both are made from the clinician's document (:func:`triage.report.build`, audience
``"clinician"``) when a result page is shown, and are kept nowhere: the visit code
is random for each page and lives only on it, and the QR code is plain text (no
address), read by the practitioner's phone camera with no network.

* :func:`sheet` gathers what the printed page shows (the kiosk's templates lay it
  out on one A4 page);
* :func:`qr_text` writes the summary as compact plain text of at most
  :data:`QR_LIMIT` characters, shortened gracefully (answers first, then possible
  causes, then the wording of the cautions) and never losing a warning sign;
* :func:`qr_svg` and :func:`qr_png` draw it (``segno``).
"""

from __future__ import annotations

import html
import io
import re
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import segno

from triage import i18n, qtypes, report, summaries, textwidth, words
from triage.clinic import Clinic
from triage.models import AnswerValue, KnowledgeBase
from triage.result import Result

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Letters and digits that cannot be taken for one another (no 0/O, 1/I/L)."""
CODE_LENGTH = 6
QR_LIMIT = 1200
"""The most characters a QR code carries here: a code of about version 25 (117 modules a side) at
the lowest error correction, which a phone's camera reads from a screen or from paper."""
STAMP_FORMAT = "%Y-%m-%d %H:%M"
SHEET_SECTIONS: tuple[report.SectionKey, ...] = ("incomplete", "red_flags", "causes", "cautions")
SHEET_LABELS: tuple[str, ...] = ("SUMMARY_TITLE", "HANDOFF_WHEN", "HANDOFF_VISIT_CODE", "HANDOFF_NAME",
                                 "SUMMARY_SUGGESTION", "SUMMARY_QUESTION", "SUMMARY_ANSWER")
"""The printed sheet's own words (besides the document's), in the sheet's language."""
"""The parts of the clinician's document the printed page shows, besides the level and the answers."""
DENSITIES: tuple[tuple[int, str], ...] = ((6500, "normal"), (8000, "compact"))
"""The type size of the printed page by how many cells its text takes (a Chinese character two; more:
``"tight"``), so that the longest path fits one A4 page in every language (``kiosk.css`` sizes each)."""
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def visit_code() -> str:
    """A fresh random code, like ``K7M3QP``: it ties a printout to its QR code, and nothing else."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def stamp(when: datetime) -> str:
    """The date and time, the same in every language: ``2025-03-01 14:05``."""
    return when.strftime(STAMP_FORMAT)


@dataclass(frozen=True)
class Sheet:
    """What the printed page shows: the clinician's document, the visit's code and time."""

    doc: report.Report
    code: str
    when: str
    clinic: str | None
    sections: tuple[report.Section, ...]
    """Unanswered warning signs, warning signs, possible causes and cautions: those present."""
    answers: report.Section | None
    language: str = "en"
    """The language the sheet is written in: the clinician's (the clinic's ``summary_language``)."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """The page's own words, in that language: ``SUMMARY_TITLE``, ``HANDOFF_WHEN`` and the rest."""

    @property
    def density(self) -> str:
        """``normal``, ``compact`` or ``tight``: the type size that keeps it to one page."""
        size = sum(textwidth.cells(text) for text in self._texts())
        return next((name for most, name in DENSITIES if size <= most), "tight")

    def _texts(self) -> Iterator[str]:
        yield from (self.doc.suggestion, *self.doc.notes)
        for section in self.sections:
            yield from (f"{e.name} {e.about if section.key == 'red_flags' else ''}" for e in section.entries)
            yield from section.points
        for question, answer in self.answers.rows if self.answers else ():
            yield from (question, answer)


@dataclass(frozen=True)
class Handoff:
    """One visit's hand-off to the practitioner: the clinician's document, written once, and what
    the printout (:meth:`sheet`) and the QR code (:meth:`qr_text`) show of it."""

    kb: KnowledgeBase
    result: Result
    clinic: Clinic
    code: str
    when: datetime
    doc: report.Report
    language: str = "en"
    """The clinician's language: the clinic's ``summary_language``, else the person's."""

    @classmethod
    def of(cls, kb: KnowledgeBase, result: Result, clinic: Clinic, code: str, when: datetime) -> Handoff:
        """The hand-off of a result assessed in the active language, written in the clinic's
        ``summary_language`` (each answer then quoted as the person read it)."""
        read = summaries.reading(kb, result, clinic.summary_language)
        with i18n.override(read.language):
            doc = report.build(read.kb, read.result, audience="clinician", clinic=clinic, seen=read.seen())
        return cls(read.kb, read.result, clinic, code, when, doc, read.language)

    def sheet(self) -> Sheet:
        doc = self.doc
        parts = tuple(s for key in SHEET_SECTIONS if (s := doc.section(key)) is not None)
        with i18n.override(self.language):
            labels = {name: getattr(words, name) for name in SHEET_LABELS}
            line = i18n.labelled(words.SUMMARY_SUGGESTION, i18n.ended(doc.level_title))
            labels |= {"SUGGESTION_LINE": line,
                       "IN_BRACKETS": i18n.translated(i18n.IN_BRACKETS),
                       "LABEL_ALONE": i18n.translated(i18n.LABEL_ALONE)}
        return Sheet(doc=doc, code=self.code, when=stamp(self.when), clinic=self.clinic.name, sections=parts,
                     answers=doc.section("answers"), language=self.language, labels=labels)

    def qr_text(self, *, limit: int = QR_LIMIT) -> str:
        with i18n.override(self.language):
            return self._qr_text(limit)

    def _qr_text(self, limit: int) -> str:
        """The clinician's summary as plain text of at most ``limit`` characters.

        Date and time, visit code, the level, unanswered warning signs, warning signs, possible
        causes, cautions before needling, the knowledge base, then the answers as ``id=answer``.
        What does not fit gives way in this order: the last answers, the last causes, the cautions'
        wording (their first sentences, then their rule ids, then none), and it then ends with
        "…(more on the printout)". The warning signs and the unanswered ones are never cut.
        """
        shortest = ""
        for text in _parts(self).candidates():
            if len(text) <= limit:
                return text
            shortest = text
        return shortest  # only a knowledge base with very many long warning signs gets here


def sheet(kb: KnowledgeBase, result: Result, clinic: Clinic, code: str, when: datetime) -> Sheet:
    """The printout (see :class:`Handoff`)."""
    return Handoff.of(kb, result, clinic, code, when).sheet()


# --- the summary as plain text, for a QR code --------------------------------------------------
def compact_answer(kb: KnowledgeBase, qid: str, value: AnswerValue) -> str:
    """``saddle_numbness=No``, ``pain_location=lower_back,side_flank``: options by their ids."""
    if isinstance(value, tuple | list):
        shown = ",".join(str(v) for v in value) if value else words.NONE_OF_THESE
    elif kb.has_question(qid) and kb.question(qid).type == "choice":
        shown = str(value)
    else:
        shown = qtypes.answer_text(kb, qid, value)
    return f"{qid}={shown}"


def _first_sentence(text: str) -> str:
    return _SENTENCE_END.split(text, maxsplit=1)[0]


def _line(title: str, items: list[str] | tuple[str, ...], sep: str | None = None) -> list[str]:
    return [i18n.labelled(title, (i18n.clauses(items) if sep is None else sep.join(items)))] if items else []


def _list(title: str, items: list[str] | tuple[str, ...]) -> list[str]:
    """Sentences, one a line: ``Title:`` then ``- item``."""
    return [f"{title}:", *(f"- {item}" for item in items)] if items else []


@dataclass(frozen=True)
class _Parts:
    """The summary's lines, each part in the forms it may take, most detailed first."""

    head: list[str]
    brief_head: list[str]
    kept: list[str]
    """Never shortened: the unanswered warning signs and the warning signs."""
    cautions: list[list[str]]
    causes_title: str
    causes: list[str]
    footer: str
    answers_title: str
    answers: list[str]
    more: str

    def text(self, head: list[str], cautions: list[str], causes: int, answers: int) -> str:
        cut = (cautions is not self.cautions[0] or causes < len(self.causes)
               or answers < len(self.answers))
        lines = [*head, *self.kept]
        lines += _line(self.causes_title, self.causes[:causes])
        lines += cautions
        lines.append(self.footer)
        lines += _line(self.answers_title, self.answers[:answers])
        if cut:
            lines.append(self.more)
        return "\n".join(lines)

    def candidates(self) -> Iterator[str]:
        """Every text, from the fullest to the shortest, in the order its parts give way."""
        for cautions in self.cautions:
            for answers in range(len(self.answers), -1, -1):
                yield self.text(self.head, cautions, len(self.causes), answers)
            for causes in range(len(self.causes) - 1, -1, -1):
                yield self.text(self.head, cautions, causes, 0)
        yield self.text(self.brief_head, self.cautions[-1], 0, 0)


def _parts(handoff: Handoff) -> _Parts:
    kb, result, clinic, code, when, doc = (handoff.kb, handoff.result, handoff.clinic, handoff.code,
                                           handoff.when, handoff.doc)
    stamp_line = (f"{i18n.labelled(words.HANDOFF_WHEN, stamp(when))} · "
                  f"{i18n.labelled(words.HANDOFF_VISIT_CODE, code)}")
    head = [words.SUMMARY_TITLE, *([clinic.name] if clinic.name else []), stamp_line,
            i18n.labelled(words.SUMMARY_SUGGESTION, f"{i18n.ended(doc.level_title)} {doc.suggestion}")]
    brief_head = [stamp_line, i18n.labelled(words.SUMMARY_SUGGESTION, doc.level_title)]
    kept: list[str] = []
    incomplete = doc.section("incomplete")
    if incomplete is not None:
        kept += _line(incomplete.title, result.unanswered, ", ")
    flags = doc.section("red_flags")
    if flags is not None:
        kept += _list(flags.title, [f"{e.name} ({e.level_title})" for e in flags.entries])
    cautions = doc.section("cautions")
    forms: list[list[str]] = [[]]
    if cautions is not None:
        forms = [_list(cautions.title, cautions.points),
                 _list(cautions.title, [_first_sentence(p) for p in cautions.points]),
                 _line(cautions.title, [c.rule for c in result.acupuncture.cautions], ", "), []]
    causes = doc.section("causes") or report.Section("causes", "")
    answers = doc.section("answers") or report.Section("answers", "")
    return _Parts(
        head=head, brief_head=brief_head, kept=kept, cautions=forms,
        causes_title=causes.title, causes=[e.name for e in causes.entries],
        footer=doc.footer, answers_title=answers.title,
        answers=[compact_answer(kb, q, v) for q, v in result.answers.items()],
        more=words.HANDOFF_MORE_ON_PRINTOUT if "print" in clinic.handoff else words.HANDOFF_SHORTENED)


def qr_text(  # noqa: PLR0913  the five inputs `sheet` takes too, and the size limit by keyword
    kb: KnowledgeBase, result: Result, clinic: Clinic, code: str, when: datetime, *, limit: int = QR_LIMIT
) -> str:
    """The QR code's text (see :meth:`Handoff.qr_text`)."""
    return Handoff.of(kb, result, clinic, code, when).qr_text(limit=limit)


# --- the QR code ------------------------------------------------------------------------------
def qr_code(text: str) -> segno.QRCode:
    """The lowest error correction (raised where the same size allows): the smallest code. One fixed
    mask pattern: choosing the best of eight costs three times as long, and any mask reads."""
    return segno.make_qr(text, error="l", boost_error=True, encoding="utf-8", mask=0)


def qr_svg(text: str, label: str) -> str:
    """The QR code as an inline SVG picture named ``label``, sized by its container."""
    svg = qr_code(text).svg_inline(scale=1, border=4, omitsize=True, svgclass="qr-code",
                                   lineclass=None, dark="#000", light="#fff")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(label)}" ', 1)


def qr_png(text: str, scale: int = 4) -> bytes:
    """The QR code as a PNG picture, ``scale`` pixels a module."""
    out = io.BytesIO()
    qr_code(text).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
