"""The question-type registry: every type has a handler, a prompt, a kiosk widget and its words.

A type added to ``QuestionType`` and forgotten anywhere fails here (and mypy
names the ``match`` statements that miss it). Every handler answers for
everything a screen asks of a type (its choices, the keys that show and read
an answer, typed answers, a stand-in answer, its hint), and the terminal and
the kiosk list a question's choices in the one order the handler gives. The
demo's keys are checked on the real prompts: played into one, they give back
the value.
"""

from __future__ import annotations

import html
import re
from typing import Any, assert_never, get_args

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from questionary.prompts.common import InquirerControl

from triage import constants, qtypes
from triage.engine import Engine
from triage.models import AnswerValue, KnowledgeBase, Question, QuestionType
from triage.terminal import prompts
from triage.web import questions as kiosk_questions
from triage.web.app import create_app

TYPES = get_args(QuestionType)
KEYS = {qtypes.DOWN: "\x1b[B", qtypes.SPACE: " "}
"""What a terminal sends for each named key of ``demo_keys``; other keys are characters typed."""


@pytest.mark.parametrize("name", TYPES)
def test_every_type_has_a_handler(name: str) -> None:
    handler = qtypes.get(name)
    assert handler.name == name
    assert "exists" in handler.operators
    assert handler.fhir_values


def test_the_registry_holds_the_types_in_their_order() -> None:
    assert tuple(qtypes.REGISTRY) == TYPES


@pytest.mark.parametrize("name", TYPES)
def test_every_type_has_a_prompt(name: str) -> None:
    assert name in prompts.PROMPTS
    assert callable(prompts.prompt_for(name))


@pytest.mark.parametrize("name", TYPES)
def test_every_type_says_what_its_answers_may_be(name: str) -> None:
    assert name in constants.ANSWER_KINDS


UNKNOWN = "unknown question type 'slider'; valid types: choice, multi, number, scale, yes_no"


def test_unknown_type_lists_the_valid_ones() -> None:
    with pytest.raises(qtypes.UnknownQuestionType) as caught:
        qtypes.get("slider")
    assert str(caught.value) == UNKNOWN


def test_every_screen_names_the_valid_types_for_an_unknown_one(kb: KnowledgeBase) -> None:
    slider = kb.question("fever").model_copy(update={"type": "slider"})
    for look_up in (lambda: prompts.prompt_for("slider"), lambda: kiosk_questions.widget(slider),
                    lambda: qtypes.entry({"slider": 1}, "slider")):
        with pytest.raises(qtypes.UnknownQuestionType) as caught:
            look_up()
        assert str(caught.value) == UNKNOWN


@pytest.mark.parametrize(("table", "message"), [
    pytest.param({name: 1 for name in TYPES if name != "scale"},
                 "widgets: missing question types ['scale'], unknown ones []", id="missing"),
    pytest.param({**{name: 1 for name in TYPES}, "slider": 1, "dial": 1},
                 "widgets: missing question types [], unknown ones ['dial', 'slider']", id="unknown"),
])
def test_a_screens_table_must_have_every_type_and_no_other(table: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as caught:
        qtypes.for_every_type(table, "widgets")
    assert str(caught.value).endswith("valid types: choice, multi, number, scale, yes_no")


def test_a_screens_table_is_in_the_registrys_order() -> None:
    assert tuple(qtypes.for_every_type({name: 1 for name in reversed(TYPES)}, "widgets")) == TYPES


@pytest.mark.parametrize("name", TYPES)
def test_every_type_has_a_kiosk_widget(name: str) -> None:
    assert name in kiosk_questions.WIDGETS
    assert (kiosk_questions.WIDGETS[name].control == "text") == qtypes.get(name).typed
    hint = qtypes.get(name).hint
    assert hint is None or hint in kiosk_questions.HINTS


def test_only_listed_types_take_options_or_bounds() -> None:
    assert qtypes.names("options") == "choice and multi"
    assert qtypes.names("min_max") == "number"


# --- what the demo plays -------------------------------------------------------------
def _values(question: Question) -> list[AnswerValue]:
    """A few answers of each kind: the first and last choice, a typed number, none ticked."""
    match question.type:
        case "yes_no":
            return [True, False, "not_sure"]
        case "number" | "scale":
            low, high = question.bounds
            return [low, high, (low + high) // 2]
        case "choice":
            return [question.option_ids[0], question.option_ids[-1]]
        case "multi":
            ids = question.option_ids
            return [(), ids[:1], ids[-1:], ids[::2], ids]
        case _:
            assert_never(question.type)


def _played(question: Question, value: AnswerValue) -> AnswerValue | prompts.Back:
    keys = qtypes.of(question).demo_keys(question, value)
    with create_pipe_input() as pipe:
        pipe.send_text("".join(KEYS.get(key, key) for key in keys) + "\r")
        pipe.close()
        return prompts.ask(question, None, prompts.PromptContext(input=pipe, output=DummyOutput()))


@pytest.mark.slow  # every value of every question, each through a real prompt
def test_demo_keys_give_the_value_on_the_real_prompt(kb: KnowledgeBase) -> None:
    played = {(q.id, repr(v)): _played(q, v) for q in kb.questions for v in _values(q)}
    assert played == {(q.id, repr(v)): v for q in kb.questions for v in _values(q)}


# --- what a screen asks with: every type answers for every behaviour -----------------------------------
def _every_question(kb: KnowledgeBase) -> list[Question]:
    """Every question of the knowledge base; every type has at least one."""
    assert {q.type for q in kb.questions} == set(TYPES)
    return list(kb.questions)


def _checked(question: Question, value: Any) -> AnswerValue:
    """``value`` as an answers file would give it: :meth:`QType.check` must take it as it is."""
    normalised, problem = qtypes.of(question).check(question, value)
    assert problem is None, problem
    assert normalised is not None and normalised == value
    return normalised


def test_every_type_has_every_behaviour(kb: KnowledgeBase) -> None:
    for question in _every_question(kb):
        qtype = qtypes.of(question)
        listed = qtype.choices(question)
        assert all(isinstance(key, str) and isinstance(label, str) and label for key, label in listed)
        assert len({key for key, _ in listed}) == len(listed), question.id
        assert (listed == ()) == qtype.typed, question.id
        assert qtype.hint in (None, *get_args(qtypes.Hint))
        assert qtype.keys_of(question, None) == ()
        assert qtype.typed_default(question, None) == ""
        assert isinstance(qtype.typed_hint(question), str)
        assert (qtype.typed_hint(question) == "") == isinstance(qtype, qtypes.Number), question.id
        _checked(question, qtype.stand_in(question))
        for key, _ in listed:  # each choice is an answer, and shows as itself
            value = _checked(question, qtype.read_keys(question, [key]))
            assert key in qtype.keys_of(question, value)


def test_the_kiosks_form_reads_back_a_stand_in_answer(kb: KnowledgeBase) -> None:
    for question in _every_question(kb):
        qtype = qtypes.of(question)
        value = qtype.stand_in(question)
        assert qtype.read_keys(question, qtype.keys_of(question, value)) == value, question.id


def test_the_kiosks_form_reads_back_every_answer(kb: KnowledgeBase) -> None:
    for question in _every_question(kb):
        qtype = qtypes.of(question)
        for value in _values(question):
            assert qtype.read_keys(question, qtype.keys_of(question, value)) == value, (question.id, value)


def test_a_typed_answer_reads_back_from_the_field_it_starts_with(kb: KnowledgeBase) -> None:
    for question in _every_question(kb):
        qtype = qtypes.of(question)
        for value in [qtype.stand_in(question), *_values(question)]:
            typed = qtype.typed_default(question, value)
            assert qtype.read_typed(question, typed) == value, (question.id, value, typed)


@pytest.mark.parametrize(("qid", "keys", "expected"), [
    pytest.param("fever", [], constants.WEB_CHOOSE_ONE, id="yes-no-none-chosen"),
    pytest.param("fever", ["maybe"], constants.WEB_CHOOSE_ONE, id="yes-no-unknown"),
    pytest.param("fever", ["True"], constants.WEB_CHOOSE_ONE, id="yes-no-is-a-key-not-a-value"),
    pytest.param("fever", ["yes", "no"], False, id="yes-no-the-last-sent"),
    pytest.param("pain_onset", [], constants.WEB_CHOOSE_ONE, id="choice-none-chosen"),
    pytest.param("pain_onset", ["zzz"], constants.WEB_CHOOSE_ONE, id="choice-unknown"),
    pytest.param("pain_location", [], (), id="multi-nothing-ticked-is-none"),
    pytest.param("pain_location", ["side_flank", "lower_back", "side_flank"], ("lower_back", "side_flank"),
                 id="multi-in-the-questions-order"),
    pytest.param("pain_location", ["lower_back", "zzz"], constants.WEB_CHOOSE_ONE, id="multi-unknown"),
    pytest.param("stress_level", [], constants.WEB_CHOOSE_ONE, id="scale-none-chosen"),
    pytest.param("stress_level", ["11"], constants.NUMBER_OUT_OF_RANGE.format(value=11, min=0, max=10),
                 id="scale-out-of-range"),
    pytest.param("age", [], constants.NUMBER_EMPTY.format(min=0, max=120), id="number-nothing-typed"),
    pytest.param("age", [" 040 "], 40, id="number-typed"),
    pytest.param("age", ["７２"], 72, id="number-full-width"),
    pytest.param("age", ["７２\u3000"], 72, id="number-full-width-ideographic-space"),
    pytest.param("age", ["٧٢"], constants.NUMBER_NOT_WHOLE.format(min=0, max=120), id="number-arabic-indic"),
    pytest.param("stress_level", ["５"], 5, id="scale-full-width"),
])
def test_keys_sent_are_read_or_refused(kb: KnowledgeBase, qid: str, keys: list[str], expected: Any) -> None:
    question = kb.question(qid)
    got = qtypes.of(question).read_keys(question, keys)
    assert got == (qtypes.Refused(expected) if isinstance(expected, str) else expected)


# --- the terminal and the kiosk list the choices in the one order ------------------------------------
CHOICE_FIELD = re.compile(r'<input type="(?:radio|checkbox)" name="answer" value="([^"]*)"[^>]*> '
                          r"<span>(.*?)</span>")
"""A radio button or tick box of the kiosk's question page: its value and its label."""


class _Shown(Exception):
    """The prompt was built: what it lists is read, and it is never run."""


def _terminal_list(question: Question, *, typed: bool, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """What the terminal's prompt lists, in order: (value, label) of each choice of the arrows' list, or
    the label of each numbered line (``typed``)."""
    seen: dict[str, Any] = {}

    def shown(prompt: Any, question: Question, ctx: prompts.PromptContext, details: str, **_: Any) -> Any:
        seen.update(prompt=prompt, details=details)
        raise _Shown

    monkeypatch.setattr(prompts, "_run", shown)
    with create_pipe_input() as pipe, pytest.raises(_Shown):
        prompts.ask(question, None, prompts.PromptContext(input=pipe, output=DummyOutput(), typed=typed))
    monkeypatch.undo()
    if typed:
        rows: list[str] = []
        for line in seen["details"].splitlines():
            if numbered := re.fullmatch(r"(\d+)\. (.*)", line):
                assert int(numbered.group(1)) == len(rows) + 1
                rows.append(numbered.group(2))
            elif rows and line.startswith(" "):  # a long label, wrapped under its first word
                rows[-1] += " " + line.strip()
        return rows
    control = next(window.content for window in seen["prompt"].application.layout.find_all_windows()
                   if isinstance(window.content, InquirerControl))
    return [(choice.value, " ".join(str(choice.title).split())) for choice in control.choices]


def _kiosk_list(question: Question, kb: KnowledgeBase, engine: Engine) -> list[tuple[str, str]]:
    """(value, label) of each radio button or tick box of the kiosk's page for ``question``, in order."""
    kiosk = create_app(kb, engine).state.kiosk
    visit = kiosk.visits.new(kb)
    visit.started = True
    visit.interview.current = question
    page = bytes(kiosk_questions.question_page(kiosk, visit).body).decode()
    found = CHOICE_FIELD.findall(page)
    return [(html.unescape(value), html.unescape(label)) for value, label in found]


def test_the_terminal_and_the_kiosk_list_the_choices_in_one_order(
        kb: KnowledgeBase, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    for question in _every_question(kb):
        listed = [(key, label) for key, label in qtypes.of(question).choices(question)]
        labels = [label for _, label in listed]
        assert _kiosk_list(question, kb, engine) == listed, question.id
        if prompts.PROMPTS[question.type] is prompts.ask_number:  # a field to type in: no list
            continue
        assert _terminal_list(question, typed=False, monkeypatch=monkeypatch) == listed, question.id
        assert _terminal_list(question, typed=True, monkeypatch=monkeypatch) == labels, question.id
