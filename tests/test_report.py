"""One result document, many renderers: every renderer shows every section, in order, in the same words.

The document (:mod:`triage.report`) holds each sentence once; the terminal's
rich screens, plain text (``--plain`` and ``assess``), the Markdown summary,
the kiosk's result page and the JSON must each carry all of it. The check walks every string of the
document, in order, through each output, so a dropped section, a dropped
sentence or a reordering fails.
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from vignette_answers import answers_for, read, vignette_files

from triage import constants, render, report, summaries
from triage.engine import Engine
from triage.flow import simulate
from triage.models import KnowledgeBase
from triage.result import Result, build
from triage.terminal import examples, screens

WIDE = 2000  # no wrapping, so sentences can be found whole


def _flat(text: str) -> str:
    for mark in "│┃╭╮╰╯┏┓┗┛•*":
        text = text.replace(mark, " ")
    return " ".join(text.split())


def _rich(doc: report.Report) -> str:
    out = io.StringIO()
    screens.make_console(False, file=out, width=WIDE, color_system=None).print(screens.result_view(doc))
    return out.getvalue()


def _html(doc: report.Report) -> str:
    """The kiosk's result page for a document, as text a person reads (tags dropped, entities read)."""
    from triage.web.app import templates

    page = templates().get_template("result.html").render(doc=doc, lang="en", title="", kiosk=False)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _markdown(kb: KnowledgeBase, result: Result) -> str:
    return summaries.markdown(kb, result).replace("\\|", "|")


def strings(doc: report.Report) -> Iterator[str]:
    """Every sentence of the document, in reading order."""
    yield doc.level_title
    yield doc.suggestion
    yield from doc.notes
    for section in doc.sections:
        yield section.title
        yield from section.paragraphs
        for entry in section.entries:
            yield entry.name
            if entry.level_title:
                yield entry.level_title
            yield entry.about
            for reasoning in entry.reasons:
                yield from (*reasoning.said, reasoning.because, reasoning.source)
        for reasoning in section.reasons:
            yield from (*reasoning.said, reasoning.because, reasoning.source)
        yield from section.points
        for question, answer in section.rows:
            yield question
            yield answer
        yield from section.fine_print
    yield doc.disclaimer
    yield doc.footer
    yield from doc.closing


def assert_in_order(doc: report.Report, output: str) -> None:
    flat = _flat(output)
    at = 0
    for text in strings(doc):
        found = flat.find(_flat(text), at)
        assert found >= 0, f"missing or out of order: {text!r}"
        at = found


def _vignette_result(path: Path) -> Callable[[KnowledgeBase, Engine], Result]:
    def make(kb: KnowledgeBase, engine: Engine) -> Result:
        given = {q: v for q, v in answers_for(kb, read(path)).items() if v is not None}  # null: unanswered
        return build(kb, simulate(kb, engine, given), path.stem)
    return make


def _example(name: str) -> Callable[[KnowledgeBase, Engine], Result]:
    def make(kb: KnowledgeBase, engine: Engine) -> Result:
        return examples.replay(kb, engine, getattr(examples, name))
    return make


def _partial(path: Path) -> Callable[[KnowledgeBase, Engine], Result]:
    """A vignette's answers alone: warning signs left unanswered, answers the flow does not use."""
    def make(kb: KnowledgeBase, engine: Engine) -> Result:
        given = {q: v for q, v in read(path)["answers"].items() if v is not None}
        return build(kb, simulate(kb, engine, given), path.stem)
    return make


CASES = [
    *(pytest.param(_example(n), id=f"example-{n.lower()}") for n in ("BENIGN", "EMERGENCY", "DOCTOR")),
    *(pytest.param(_vignette_result(p), id=p.stem) for p in vignette_files()),
    *(pytest.param(_partial(p), id=f"{p.stem}-partial") for p in vignette_files()[:12]),
]


@pytest.mark.parametrize("make", CASES)
def test_every_renderer_has_every_section_in_order(
        make: Callable[[KnowledgeBase, Engine], Result], kb: KnowledgeBase, engine: Engine) -> None:
    result = make(kb, engine)
    person = report.build(kb, result)
    clinician = report.build(kb, result, audience="clinician")
    assert person.keys == tuple(k for k in report.ORDER if k in person.keys)
    assert "why" in person.keys  # "why this suggestion" is never left out
    assert clinician.keys == (*person.keys, "answers")  # a clinician also gets the answers

    assert_in_order(person, _rich(person))
    assert_in_order(person, render.plain(kb, result, width=WIDE))
    out = io.StringIO()
    screens.show_result(screens.make_console(True, file=out, width=WIDE), kb, result, plain=True)
    assert_in_order(person, out.getvalue())
    assert_in_order(clinician, _markdown(kb, result))
    assert_in_order(person, _html(person))
    assert_in_order(clinician, _html(clinician))

    data = json.loads(result.to_json(include_answers=True))
    for key in clinician.keys:
        value: Any = data
        for part in report.JSON_FIELDS[key].split("."):
            value = value[part]
        assert value, f"the JSON has nothing at {report.JSON_FIELDS[key]} for the section {key}"


def test_the_cases_cover_every_section(kb: KnowledgeBase, engine: Engine) -> None:
    seen: set[str] = set()
    for case in CASES:
        make = case.values[0]
        assert callable(make)
        seen.update(report.build(kb, make(kb, engine), audience="clinician").keys)
    assert seen == set(report.ORDER)


def test_the_why_section_points_to_the_red_flags_when_they_explain_the_level(
        kb: KnowledgeBase, engine: Engine) -> None:
    doc = report.build(kb, examples.replay(kb, engine, examples.EMERGENCY))
    why = doc.section("why")
    assert why is not None
    assert why.paragraphs == (constants.WHY_LEVEL_FROM_FLAGS,) and not why.reasons


def test_a_person_is_quoted_and_a_clinician_is_told(kb: KnowledgeBase, engine: Engine) -> None:
    result = examples.replay(kb, engine, examples.BENIGN)
    person = " ".join(report.build(kb, result).sections[0].entries[0].reasons[0].said)
    clinician = " ".join(report.build(kb, result, "clinician").sections[0].entries[0].reasons[0].said)
    assert person.startswith("Because you said ") and clinician.startswith("Answered ")
