"""The hand-off to the practitioner: the QR code's text, read back from its picture, and the kiosk's settings.

The QR code is drawn by segno as a PNG and read back with zxing-cpp (a reader of its own, as a
phone's camera app is), for the longest path the questionnaire has, an emergency and a child: what
is read is exactly :func:`triage.handoff.qr_text`. For any answers, in every language, the text
stays within :data:`triage.handoff.QR_LIMIT` characters and keeps every warning sign.

The longest path is found from the knowledge base, not written down: starting from "No" to every
question, every option of every "choose all that apply" and age 40, each answer is changed in turn
to whichever keeps the most questions coming (then the longest summary), until nothing changes;
:class:`triage.flow.Interview` decides what is asked. A property checks that no answer set asks
more.
"""

from __future__ import annotations

import html
import re
import struct
import warnings
import zlib
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import yaml
import zxingcpp
from conftest import examples as how_many
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import answer_sets

from triage import constants, handoff, i18n, loader, render, report
from triage.clinic import NO_CLINIC, Clinic, Handoff, load
from triage.engine import Engine
from triage.flow import Interview, simulate
from triage.models import NOT_SURE, AnswerValue, KnowledgeBase, Question
from triage.result import Result, build
from triage.terminal import examples
from triage.web.app import create_app

with warnings.catch_warnings():  # Starlette 1.x suggests httpx2 for its test client; httpx still works
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
WHEN = datetime(2025, 3, 1, 14, 5)
CODE = "K7M3QP"
CLINIC = Clinic(name="Riverside Acupuncture Clinic", emergency_number="999", urgent_number="111")
CHILD: dict[str, AnswerValue] = {
    "age": 12, "recent_trauma": False, "saddle_numbness": False, "bladder_bowel_change": False,
    "both_legs_symptoms": False, "tearing_pain": False, "chest_symptoms": False, "leg_weakness": False,
    "walking_difficulty": False, "fever": NOT_SURE, "pregnant": False, "immune_risk": False,
    "history_of_cancer": False, "unexplained_weight_loss": False, "night_pain": False,
    "pain_duration": "1_to_6_weeks",
}
"""Under 16: the children's warning signs and how long the pain has lasted."""
EMERGENCY = examples.EMERGENCY


# --- the longest path ------------------------------------------------------------------------------
def candidates(question: Question) -> list[AnswerValue]:
    """The answers tried for a question, the starting one first."""
    match question.type:
        case "number":
            return [40] if question.id == "age" else [question.bounds[1]]
        case "yes_no":
            return [False, True, NOT_SURE]
        case "multi":
            return [question.option_ids]
        case "choice":
            return list(question.option_ids)
        case "scale":
            return [question.bounds[1], question.bounds[0]]


def interview(kb: KnowledgeBase, engine: Engine, answers: Mapping[str, AnswerValue]) -> Interview:
    """The kiosk's walk: answer what is asked from ``answers`` until the result."""
    walked = Interview(kb, engine)
    while walked.current is not None and walked.current.id in answers:
        walked.answer(answers[walked.current.id])
    return walked


def _size(kb: KnowledgeBase, engine: Engine, answers: Mapping[str, AnswerValue]) -> tuple[int, int]:
    """(questions asked, characters of the clinician's summary): what the longest path maximises."""
    flow = simulate(kb, engine, answers)
    doc = report.build(kb, build(kb, flow, source="questionnaire"), audience="clinician")
    return len(flow.asked), len(render.plain_report(doc, width=10**6))


_LONGEST: dict[str, dict[str, AnswerValue]] = {}


def longest_answers(kb: KnowledgeBase, engine: Engine) -> dict[str, AnswerValue]:
    """The answers that ask the most questions (and then say the most), for the kiosk to walk."""
    if kb.fingerprint not in _LONGEST:
        answers = {q.id: candidates(q)[0] for q in kb.questions}
        best = _size(kb, engine, answers)
        changed = True
        while changed:
            changed = False
            for question in kb.questions:
                for value in candidates(question):
                    trial = {**answers, question.id: value}
                    size = _size(kb, engine, trial)
                    if size > best:
                        best, answers, changed = size, trial, True
        walked = interview(kb, engine, answers)
        assert walked.finished
        _LONGEST[kb.fingerprint] = {qid: answers[qid] for qid in walked.path}
    return _LONGEST[kb.fingerprint]


def result_of(kb: KnowledgeBase, engine: Engine, answers: Mapping[str, AnswerValue]) -> Result:
    return build(kb, interview(kb, engine, answers).flow_result(), source="questionnaire")


@pytest.fixture(scope="module")
def longest(kb: KnowledgeBase, engine: Engine) -> dict[str, AnswerValue]:
    return longest_answers(kb, engine)


PATHS = ["longest", "emergency", "child"]


def answers_for(name: str, kb: KnowledgeBase, engine: Engine) -> dict[str, AnswerValue]:
    """The answers of one of :data:`PATHS`."""
    if name == "longest":
        return longest_answers(kb, engine)
    return dict(EMERGENCY if name == "emergency" else CHILD)


def test_the_longest_path_goes_through_every_part_and_the_checklist(
        kb: KnowledgeBase, engine: Engine, longest: dict[str, AnswerValue]) -> None:
    walked = interview(kb, engine, longest)
    assert walked.finished and not walked.stopped
    assert len(walked.path) >= len(interview(kb, engine, examples.BENIGN).path) + 5
    for question in kb.checklist:
        assert longest[question.id] == question.option_ids, "every option of the checklist"
    assert {kb.question(q).section for q in walked.path} == {s.id for s in kb.questionnaire.sections}


@settings(max_examples=how_many(200), deadline=None)
@given(data=st.data())
def test_no_answers_ask_more_than_the_longest_path(kb: KnowledgeBase, engine: Engine,
                                                  data: st.DataObject) -> None:
    answers = data.draw(answer_sets(kb))
    walked = interview(kb, engine, {q.id: candidates(q)[0] for q in kb.questions} | answers)
    assert len(walked.path) <= len(longest_answers(kb, engine))


# --- reading a QR code back from its picture ---------------------------------------------------------
def _unfilter(raw: bytes, width: int, height: int, bpp: int, stride: int) -> bytes:
    """A PNG's scanlines without their filters (PNG specification, section 9)."""
    out = bytearray()
    previous = bytearray(stride)
    at = 0
    for _ in range(height):
        kind, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        at += 1 + stride
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            corner = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:  # the filter types are numbered 0 to 4
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - corner
                near = min((abs(guess - left), 0, left), (abs(guess - up), 1, up),
                           (abs(guess - corner), 2, corner))
                line[i] = (line[i] + near[2]) & 0xFF
        out += line
        previous = line
    return bytes(out)


def grey(png: bytes) -> tuple[int, int, bytes]:
    """A PNG (greyscale at any depth, or 8-bit RGB/RGBA as a browser's screenshot) as 8-bit grey."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    at, data, header = 8, b"", b""
    while at < len(png):
        (length,), kind = struct.unpack(">I", png[at:at + 4]), png[at + 4:at + 8]
        body = png[at + 8:at + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            data += body
        at += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert interlace == 0
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    stride = (width * channels * depth + 7) // 8
    rows = _unfilter(zlib.decompress(data), width, height, max(1, channels * depth // 8), stride)
    pixels = bytearray()
    for y in range(height):
        row = rows[y * stride:(y + 1) * stride]
        if depth < 8:  # greyscale, several pixels a byte
            per, top = 8 // depth, (1 << depth) - 1
            pixels += bytes(((row[x // per] >> (8 - depth * (x % per + 1))) & top) * 255 // top
                            for x in range(width))
        elif channels < 3:  # grey, perhaps with alpha
            pixels += row[::channels]
        else:  # colour, perhaps with alpha: the mean of red, green and blue
            pixels += bytes(sum(row[x * channels:x * channels + 3]) // 3 for x in range(width))
    return width, height, bytes(pixels)


def read_qr(png: bytes) -> str:
    """The text of the one QR code in a PNG picture, as zxing-cpp reads it."""
    width, height, pixels = grey(png)
    found = zxingcpp.read_barcodes(memoryview(pixels).cast("B", (height, width)))
    assert len(found) == 1, f"{len(found)} QR codes found"
    return found[0].text


# --- the QR code's text ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", PATHS)
def test_the_qr_code_reads_back_as_its_text(name: str, kb: KnowledgeBase, engine: Engine) -> None:
    result = result_of(kb, engine, answers_for(name, kb, engine))
    text = handoff.qr_text(kb, result, CLINIC, CODE, WHEN)
    assert len(text) <= handoff.QR_LIMIT
    assert read_qr(handoff.qr_png(text)) == text
    assert CODE in text and "2025-03-01 14:05" in text and CLINIC.name in text  # type: ignore[operator]
    assert f"{constants.SUMMARY_SUGGESTION}: {constants.LEVEL_TITLE[result.level]}" in text
    for flag in result.red_flags:
        assert flag.name in text
    for caution in result.acupuncture.cautions:  # its first sentence at least, or its rule's id
        assert " ".join(caution.because.split()).split(". ")[0] in text or caution.rule in text
    cut = text.endswith(constants.HANDOFF_MORE_ON_PRINTOUT)
    assert cut is (name == "longest"), "only the longest path needs shortening"
    if not cut:
        for qid in result.answers:
            assert f"{qid}=" in text


def test_the_longest_path_gives_way_in_order(kb: KnowledgeBase, engine: Engine,
                                            longest: dict[str, AnswerValue]) -> None:
    """First the last answers, then the last causes, then the cautions' wording; never a warning sign."""
    result = result_of(kb, engine, longest)
    doc = report.build(kb, result, audience="clinician")
    causes = doc.section("causes")
    cautions = doc.section("cautions")
    assert causes is not None and cautions is not None
    full = handoff.qr_text(kb, result, NO_CLINIC, CODE, WHEN, limit=10**6)
    assert not full.endswith(constants.HANDOFF_MORE_ON_PRINTOUT)
    assert all(f"{qid}=" in full for qid in result.answers)
    shortened = handoff.qr_text(kb, result, NO_CLINIC, CODE, WHEN)
    assert len(shortened) <= handoff.QR_LIMIT < len(full)
    assert shortened.endswith(constants.HANDOFF_MORE_ON_PRINTOUT)
    assert all(entry.name in shortened for entry in causes.entries), "causes stay while answers go"
    assert all(" ".join(p.split()).split(". ")[0] in shortened for p in cautions.points), "first sentences"
    for limit in range(400, handoff.QR_LIMIT + 1, 25):
        text = handoff.qr_text(kb, result, NO_CLINIC, CODE, WHEN, limit=limit)
        assert len(text) <= limit
        shown = [qid for qid in result.answers if f"{qid}=" in text]
        assert shown == list(result.answers)[:len(shown)], "the first answers are kept, in order"
        if shown:
            assert all(entry.name in text for entry in causes.entries), "causes go after the answers"
        assert text.endswith(constants.HANDOFF_MORE_ON_PRINTOUT)
    tight = handoff.qr_text(kb, result, NO_CLINIC, CODE, WHEN, limit=600)
    assert all(c.rule in tight for c in result.acupuncture.cautions), "cautions by their rule ids"
    off = handoff.qr_text(kb, result, Clinic(handoff=("qr",)), CODE, WHEN)
    assert off.endswith(constants.HANDOFF_SHORTENED), "no printout to point to"


LANGUAGES = ["en", "es", i18n.PSEUDO]


@pytest.fixture(scope="module")
def local_kbs() -> Iterator[dict[str, KnowledgeBase]]:
    before = i18n.active()
    kbs = {}
    try:
        for tag in LANGUAGES:
            i18n.activate(tag)
            kbs[tag] = loader.load()
    finally:
        i18n.activate(before)
    yield kbs


@settings(max_examples=how_many(300, at_least=30), deadline=None)
@given(data=st.data(), language=st.sampled_from(LANGUAGES), named=st.booleans(),
       code=st.text(alphabet=handoff.CODE_ALPHABET, min_size=6, max_size=6))
def test_any_answers_give_a_short_text_with_every_warning_sign(  # noqa: PLR0913  two fixtures and the four values Hypothesis draws
        local_kbs: dict[str, KnowledgeBase], engine: Engine, *, data: st.DataObject, language: str,
        named: bool, code: str) -> None:
    kb = local_kbs[language]
    before = i18n.active()
    i18n.activate(language)
    try:
        answers = data.draw(answer_sets(kb))
        result = build(kb, simulate(kb, engine, answers), source="questionnaire")
        clinic = Clinic(name="N" * 80) if named else NO_CLINIC  # the longest name a clinic may have
        text = handoff.qr_text(kb, result, clinic, code, WHEN)
    finally:
        i18n.activate(before)
    assert len(text) <= handoff.QR_LIMIT
    assert code in text
    for flag in result.red_flags:
        assert flag.name in text
    for qid in result.unanswered:
        assert qid in text


def test_visit_codes_are_short_random_and_unmistakable() -> None:
    codes = {handoff.visit_code() for _ in range(200)}
    assert len(codes) > 190
    for code in codes:
        assert len(code) == handoff.CODE_LENGTH and set(code) <= set(handoff.CODE_ALPHABET)
    assert not set("01OIL") & set(handoff.CODE_ALPHABET)


# --- the kiosk's settings ----------------------------------------------------------------------------
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
FORM = re.compile(r'<form method="post" action="(/start|/answer)"[^>]*>(.*?)</form>', re.DOTALL)


def play(client: TestClient, kb: KnowledgeBase, answers: Mapping[str, AnswerValue]) -> str:
    """Answer every page as its forms would be sent, until the result; the result page's HTML.
    The checklist before needling, where ``answers`` leaves it out, is answered with nothing ticked."""
    page: httpx.Response = client.get("/")
    for _ in range(len(kb.questions) + 2):
        form = FORM.search(page.text)
        if form is None:
            break
        fields: list[tuple[str, Any]] = HIDDEN.findall(form.group(2))
        qid = dict(fields).get("question")
        if qid is not None:
            question = kb.question(qid)
            value = answers[qid] if qid in answers or not kb.is_checklist(question) else ()
            fields += [("answer", v) for v in (
                value if isinstance(value, tuple)
                else ["yes" if value is True else "no" if value is False else str(value)]
                if question.type == "yes_no" else [str(value)])]
        page = send(client, form.group(1), fields)
    assert page.url.path == "/result", page.url
    return page.text


def send(client: TestClient, url: str, fields: list[tuple[str, Any]]) -> httpx.Response:
    """Post a form's fields as a browser does (a field may repeat: ticked boxes)."""
    response: httpx.Response = client.post(url, content=urlencode(fields),
                                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    return response


def kiosk_with(kb: KnowledgeBase, engine: Engine, *ways: Handoff) -> TestClient:
    return TestClient(create_app(kb, engine, clinic=Clinic(handoff=ways)), raise_server_exceptions=False)


SETTINGS = [
    pytest.param(("print", "qr"), id="default-print-and-qr"),
    pytest.param(("print",), id="print-only"),
    pytest.param(("qr",), id="qr-only"),
    pytest.param(("download",), id="download-only"),
    pytest.param(("print", "qr", "download"), id="all"),
    pytest.param((), id="none"),
]


@pytest.mark.parametrize("ways", SETTINGS)
def test_each_way_shows_only_where_the_clinic_lists_it(kb: KnowledgeBase, engine: Engine,
                                                      ways: tuple[Handoff, ...]) -> None:
    with kiosk_with(kb, engine, *ways) as client:
        page = play(client, kb, examples.DOCTOR)
        assert "Ctrl+P" not in page
        assert ('<svg role="img"' in page) is ("qr" in ways)
        assert (constants.WEB_PRINT in page) is ("print" in ways)
        assert ('class="handoff-print"' in page) is ("print" in ways)
        assert ('class="print-sheet' in page) is ("print" in ways)
        assert ('href="/print"' in page) is ("print" in ways)
        assert ('href="/download/' in page) is ("download" in ways)
        assert constants.WEB_FINISH in page
        printed = client.get("/print")
        assert printed.status_code == (200 if "print" in ways else 404)
        for fmt in ("markdown", "json", "fhir"):
            download = client.get(f"/download/{fmt}")
            if "download" in ways:
                assert download.status_code == 200
                assert "attachment" in download.headers["content-disposition"]
            else:
                assert download.status_code == 404
                assert constants.WEB_DOWNLOADS_OFF_TITLE in download.text
                assert constants.WEB_DOWNLOADS_OFF in download.text
                assert "Traceback" not in download.text


def test_the_result_page_holds_the_printout_and_a_fresh_code_each_time(kb: KnowledgeBase,
                                                                       engine: Engine) -> None:
    with kiosk_with(kb, engine, "print", "qr") as client:
        page = play(client, kb, examples.DOCTOR)
        again = client.get("/result").text
        printed = client.get("/print").text
    code = re.compile(r'<dd class="sheet-code">([A-Z0-9]+)</dd>')
    codes = [found.group(1) for found in map(code.search, (page, again, printed)) if found]
    assert len(codes) == 3 and len(set(codes)) == 3, "random for each page, kept nowhere"
    for text in (constants.HANDOFF_VISIT_CODE, constants.HANDOFF_NAME, constants.HANDOFF_WHEN,
                 constants.LEVEL_TITLE["doctor"], constants.HEADING_CAUSES):
        assert text in page and text in printed
    name_field = re.search(r'<input type="text" id="print-name"[^>]*>', page)
    assert name_field is not None and " name=" not in name_field.group(0), "never sent with a form"
    assert "<img" not in page, "the QR code is drawn in the page: no address, no data: picture"


@pytest.mark.parametrize(("started", "where"), [
    pytest.param(False, "/", id="no-visit"),
    pytest.param(True, "/question", id="unfinished"),
])
def test_the_print_page_needs_a_finished_visit(kb: KnowledgeBase, engine: Engine, started: bool,
                                              where: str) -> None:
    with kiosk_with(kb, engine, "print") as client:
        if started:
            form = FORM.search(client.get("/").text)
            assert form is not None
            send(client, "/start", HIDDEN.findall(form.group(2)))
        response = client.get("/print", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith(where)


# --- the tablet's set-up guide --------------------------------------------------------------------
def test_the_tablet_guides_settings_file_is_valid_and_shows_every_field(tmp_path: Path) -> None:
    guide = (ROOT / "docs" / "tablet-setup.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", guide, re.DOTALL)
    assert block is not None
    settings_file = tmp_path / "clinic.yaml"
    settings_file.write_text(block.group(1), encoding="utf-8")
    loaded = load(settings_file)
    assert set(yaml.safe_load(block.group(1))) == set(Clinic.model_fields), "every field, and only those"
    assert loaded.handoff == NO_CLINIC.handoff


@pytest.mark.parametrize(("story", "said"), [
    pytest.param({"age": 52, "recent_trauma": False, "saddle_numbness": True},
                 constants.CLOSING_EMERGENCY.format(number="999"), id="emergency"),
    pytest.param({**examples.BENIGN, "fever": True}, constants.CLOSING_URGENT_NUMBER.format(number="111"),
                 id="urgent"),
])
def test_the_printout_says_the_clinic_s_number_as_a_number(kb: KnowledgeBase, engine: Engine,
                                                          story: dict[str, AnswerValue], said: str) -> None:
    clinic = Clinic(emergency_number="999", urgent_number="111", handoff=("print",))
    with TestClient(create_app(kb, engine, clinic=clinic), raise_server_exceptions=False) as client:
        play(client, kb, story)
        printed = " ".join(html.unescape(client.get("/print").text).split())
    assert " ".join(said.split()) in printed
