"""Each prompt type, driven through prompt_toolkit's pipe input.

Keys are typed into a pipe that is then closed, so a prompt that does not
finish on the keys given ends with EOFError instead of waiting forever.
Prompts whose screen is checked run in a thread while the keys arrive one
group at a time, with a timeout.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable
from typing import Any, get_args

import pytest
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.vt100 import Vt100_Output
from questionary.prompts import common as questionary_common

from triage import constants
from triage.models import KnowledgeBase, Question, QuestionType
from triage.terminal import prompts
from triage.terminal.prompts import BACK, PromptContext

DOWN, ENTER, SPACE, BACKSPACE, CTRL_C, CTRL_D = "j", "\r", " ", "\x7f", "\x03", "\x04"


def ask(question: Question, keys: str, previous: Any = None, *, can_go_back: bool = True,
        plain: bool = False) -> Any:
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()
        ctx = PromptContext(header="Header · question 2", can_go_back=can_go_back, plain=plain,
                            input=pipe, output=DummyOutput())
        return prompts.ask(question, previous, ctx)


def _settled(stream: io.StringIO, seen: int, *, quiet: float = 0.08, limit: float = 5.0) -> int:
    """Wait until the prompt has drawn more than ``seen`` characters and then gone quiet.

    Waiting for the screen rather than for a fixed time keeps keys from
    landing in one redraw on a busy machine (a key's effect would then never
    be drawn).
    """
    deadline = time.monotonic() + limit
    size, since = len(stream.getvalue()), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.01)
        now = len(stream.getvalue())
        if now != size:
            size, since = now, time.monotonic()
        elif size > seen and time.monotonic() - since >= quiet:
            break
    return size


class Until(str):
    """Not keys: in ``screen_after``'s groups, wait (up to 10 s) until this text is on screen.

    On a loaded machine a redraw can take longer than the quiet spell ``_settled`` waits for;
    waiting for the text itself keeps the next keys from landing before it is drawn.
    """


def _drawn(stream: io.StringIO, text: str, limit: float = 10.0) -> None:
    deadline = time.monotonic() + limit
    while text not in stream.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)


def screen_after(question: Question, groups: list[str], previous: Any = None, *,
                 can_go_back: bool = True) -> tuple[Any, str]:
    """Type ``groups`` one at a time while the prompt runs; return its answer and output."""
    stream = io.StringIO()
    output = Vt100_Output(stream, lambda: Size(rows=40, columns=100), term="xterm")
    outcome: dict[str, Any] = {}
    with create_pipe_input() as pipe:
        ctx = PromptContext(header="Header", can_go_back=can_go_back, input=pipe, output=output)

        def run() -> None:
            try:
                outcome["reply"] = prompts.ask(question, previous, ctx)
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                outcome["error"] = exc

        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        seen = _settled(stream, 0)  # the question is on screen
        for group in groups:
            if isinstance(group, Until):
                _drawn(stream, group)
                continue
            pipe.send_text(group)
            seen = _settled(stream, seen)  # and has been drawn again after these keys
        pipe.close()
        worker.join(timeout=5)
        assert not worker.is_alive(), "the prompt did not finish"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["reply"], stream.getvalue()


# --- yes / no / not sure --------------------------------------------------------------
@pytest.mark.parametrize(("keys", "previous", "expected"), [
    pytest.param(ENTER, None, True, id="enter-is-yes-first"),
    pytest.param(DOWN + ENTER, None, False, id="down-is-no"),
    pytest.param(DOWN * 2 + ENTER, None, "not_sure", id="not-sure"),
    pytest.param(ENTER, False, False, id="prefilled-no"),
    pytest.param(ENTER, "not_sure", "not_sure", id="prefilled-not-sure"),
    pytest.param("k" + ENTER, False, True, id="up-from-prefilled-no"),
])
def test_yes_no(kb: KnowledgeBase, keys: str, previous: Any, expected: Any) -> None:
    assert ask(kb.question("saddle_numbness"), keys, previous) == expected


# --- numbers and scales ---------------------------------------------------------------
@pytest.mark.parametrize(("qid", "keys", "previous", "expected"), [
    pytest.param("age", "45" + ENTER, None, 45, id="age"),
    pytest.param("age", ENTER, 52, 52, id="age-prefilled"),
    pytest.param("age", BACKSPACE * 2 + "7" + ENTER, 52, 7, id="age-prefilled-changed"),
    pytest.param("age", "0" + ENTER, None, 0, id="age-lowest"),
    pytest.param("age", "120" + ENTER, None, 120, id="age-highest"),
    pytest.param("age", "150" + ENTER + BACKSPACE * 3 + "50" + ENTER, None, 50,
                 id="age-out-of-range-refused"),
    pytest.param("age", "4.5" + ENTER + BACKSPACE * 2 + ENTER, None, 4, id="age-decimal-refused"),
    pytest.param("age", ENTER + "33" + ENTER, None, 33, id="age-empty-refused"),
    pytest.param("pain_severity", "7" + ENTER, None, 7, id="scale"),
    pytest.param("pain_severity", "11" + ENTER + BACKSPACE + ENTER, None, 1, id="scale-over-10-refused"),
    pytest.param("stress_level", " 3 " + ENTER, None, 3, id="scale-spaces-ignored"),
])
def test_number(kb: KnowledgeBase, qid: str, keys: str, previous: Any, expected: int) -> None:
    assert ask(kb.question(qid), keys, previous) == expected


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("", constants.NUMBER_EMPTY.format(min=0, max=120), id="empty"),
    pytest.param("   ", constants.NUMBER_EMPTY.format(min=0, max=120), id="blank"),
    pytest.param("forty", constants.NUMBER_NOT_WHOLE.format(min=0, max=120), id="words"),
    pytest.param("4.5", constants.NUMBER_NOT_WHOLE.format(min=0, max=120), id="decimal"),
    pytest.param("-3", constants.NUMBER_NOT_WHOLE.format(min=0, max=120), id="negative"),
    pytest.param("121", constants.NUMBER_OUT_OF_RANGE.format(value=121, min=0, max=120), id="too-big"),
    pytest.param("0", True, id="zero"),
    pytest.param("120", True, id="top"),
    pytest.param(" 64 ", True, id="spaces"),
])
def test_number_messages(text: str, expected: bool | str) -> None:
    assert prompts.check_number(text, 0, 120) == expected


@pytest.mark.parametrize("template", [
    pytest.param(constants.NUMBER_EMPTY, id="empty"),
    pytest.param(constants.NUMBER_NOT_WHOLE, id="not-whole"),
    pytest.param(constants.NUMBER_OUT_OF_RANGE, id="out-of-range"),
])
def test_number_messages_fit_40_columns(template: str) -> None:
    assert len(template.format(value=999, min=0, max=120)) <= 40


def test_number_message_shows_while_typing(kb: KnowledgeBase) -> None:
    reply, screen = screen_after(kb.question("age"), ["150", BACKSPACE * 3 + "50", ENTER])
    assert reply == 50
    assert constants.NUMBER_OUT_OF_RANGE.format(value=150, min=0, max=120) in screen


def test_scale_message_names_its_range(kb: KnowledgeBase) -> None:
    _, screen = screen_after(kb.question("pain_severity"), ["12", BACKSPACE * 2 + "5", ENTER])
    assert constants.NUMBER_OUT_OF_RANGE.format(value=12, min=0, max=10) in screen


# --- one choice ------------------------------------------------------------------------
@pytest.mark.parametrize(("keys", "previous", "expected"), [
    pytest.param(ENTER, None, "under_1_week", id="first"),
    pytest.param(DOWN * 3 + ENTER, None, "over_12_weeks", id="last"),
    pytest.param(ENTER, "6_to_12_weeks", "6_to_12_weeks", id="prefilled"),
    pytest.param(DOWN + ENTER, "1_to_6_weeks", "6_to_12_weeks", id="prefilled-then-down"),
])
def test_choice(kb: KnowledgeBase, keys: str, previous: Any, expected: str) -> None:
    assert ask(kb.question("pain_duration"), keys, previous) == expected


def test_choice_shows_labels_not_ids(kb: KnowledgeBase) -> None:
    _, screen = screen_after(kb.question("pain_duration"), [ENTER])
    assert "More than 12 weeks" in screen
    assert "over_12_weeks" not in screen


# --- several choices -------------------------------------------------------------------
@pytest.mark.parametrize(("keys", "previous", "expected"), [
    pytest.param(SPACE + ENTER, None, ("lower_back",), id="one"),
    pytest.param(ENTER, None, (), id="none-of-these"),
    pytest.param(SPACE + DOWN * 2 + SPACE + ENTER, None, ("lower_back", "neck_shoulders"), id="two"),
    pytest.param(DOWN * 3 + SPACE + "k" * 3 + SPACE + ENTER, None, ("lower_back", "side_flank"),
                 id="in-option-order"),
    pytest.param(ENTER, ("upper_back", "side_flank"), ("upper_back", "side_flank"), id="prefilled"),
    pytest.param(DOWN + SPACE + ENTER, ("upper_back",), (), id="prefilled-unticked"),
])
def test_multi(kb: KnowledgeBase, keys: str, previous: Any, expected: tuple[str, ...]) -> None:
    assert ask(kb.question("pain_location"), keys, previous) == expected


# --- back ------------------------------------------------------------------------------
QUESTION_OF_TYPE = {"yes_no": "fever", "number": "age", "scale": "pain_severity",
                    "choice": "pain_onset", "multi": "posture_habits"}
TYPES = [pytest.param(kind, id=kind) for kind in QUESTION_OF_TYPE]


@pytest.mark.parametrize("kind", TYPES)
def test_b_goes_back_from_every_type(kb: KnowledgeBase, kind: str) -> None:
    assert ask(kb.question(QUESTION_OF_TYPE[kind]), "b") is BACK


@pytest.mark.parametrize("kind", TYPES)
def test_b_goes_back_even_with_an_answer_prefilled(kb: KnowledgeBase, kind: str) -> None:
    question = kb.question(QUESTION_OF_TYPE[kind])
    previous = {"yes_no": True, "number": 40, "scale": 4, "choice": "gradual",
                "multi": ("slouching",)}[kind]
    clear = BACKSPACE * 2 if kind in ("number", "scale") else DOWN  # a typed field is cleared first
    assert ask(question, clear + "b", previous) is BACK


@pytest.mark.parametrize("kind", [pytest.param("number", id="number"), pytest.param("scale", id="scale")])
def test_b_and_why_keys_are_letters_once_a_field_has_text(kb: KnowledgeBase, kind: str) -> None:
    question = kb.question(QUESTION_OF_TYPE[kind])
    reply, screen = screen_after(question, ["4", "b", "?", BACKSPACE * 3, "5", ENTER])
    assert reply == 5  # "4b?" stayed in the field as text, and was cleared
    assert "Why we ask:" not in screen


def test_no_back_from_the_first_question(kb: KnowledgeBase) -> None:
    assert ask(kb.question("age"), "b45" + ENTER, can_go_back=False) == 45


def test_first_question_says_there_is_nothing_before_it(kb: KnowledgeBase) -> None:
    reply, screen = screen_after(kb.question("age"), ["b", "30", ENTER], can_go_back=False)
    assert reply == 30
    assert constants.FIRST_QUESTION in screen


def test_back_hint_shown_only_where_back_is_possible(kb: KnowledgeBase) -> None:
    _, first = screen_after(kb.question("age"), ["1", ENTER], can_go_back=False)
    _, later = screen_after(kb.question("fever"), [ENTER])
    assert "b: back" not in first
    assert "b: back" in later


# --- why -------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", TYPES)
@pytest.mark.parametrize("key", [pytest.param("?", id="question-mark"), pytest.param("w", id="w")])
def test_why_is_shown_on_request(kb: KnowledgeBase, kind: str, key: str) -> None:
    question = kb.question(QUESTION_OF_TYPE[kind])
    answer = {"number": "40", "scale": "4"}.get(kind, "")
    reply, screen = screen_after(question, [key, Until("Why we ask:"), answer + ENTER])
    assert reply is not BACK
    assert "Why we ask:" in screen
    assert question.why.split()[0] in screen


def test_why_is_not_shown_unasked(kb: KnowledgeBase) -> None:
    _, screen = screen_after(kb.question("fever"), [ENTER])
    assert "Why we ask:" not in screen


def test_why_before_typing_leaves_the_answer_as_typed(kb: KnowledgeBase) -> None:
    reply, screen = screen_after(kb.question("age"), ["?", Until("Why we ask:"), "45", ENTER])
    assert reply == 45
    assert "Why we ask:" in screen


# --- stopping ----------------------------------------------------------------------------
@pytest.mark.parametrize("kind", TYPES)
@pytest.mark.parametrize(("keys", "error"), [
    pytest.param(CTRL_C, KeyboardInterrupt, id="ctrl-c"),
    pytest.param(CTRL_D, EOFError, id="ctrl-d"),
    pytest.param("", EOFError, id="input-closed"),
])
def test_stopping_raises_instead_of_returning_none(kb: KnowledgeBase, kind: str, keys: str,
                                                  error: type[BaseException]) -> None:
    with pytest.raises(error):
        ask(kb.question(QUESTION_OF_TYPE[kind]), keys)


# --- the registry ------------------------------------------------------------------------
def test_every_question_type_has_a_prompt() -> None:
    assert set(prompts.PROMPTS) == set(get_args(QuestionType))


def test_every_question_in_the_questionnaire_has_a_prompt(kb: KnowledgeBase) -> None:
    for question in kb.questions:
        assert callable(prompts.prompt_for(question.type))


def test_unknown_type_lists_the_valid_ones() -> None:
    with pytest.raises(prompts.UnknownQuestionType) as caught:
        prompts.prompt_for("slider")
    message = str(caught.value)
    assert "'slider'" in message
    assert "choice, multi, number, scale, yes_no" in message


# --- plain --------------------------------------------------------------------------------
SELECTED = "INDICATOR_SELECTED"
"""questionary's tick, which it does not export by name (so read with getattr)."""

def test_plain_ticks_are_words_and_restored_after(kb: KnowledgeBase) -> None:
    before = getattr(questionary_common, SELECTED)
    seen: list[str] = []
    original: Callable[..., Any] = prompts._run

    def spy(prompt: Any, question: Question, ctx: PromptContext) -> Any:
        with prompts._indicators(ctx.plain):
            seen.append(getattr(questionary_common, SELECTED))
        return original(prompt, question, ctx)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(prompts, "_run", spy)
        assert ask(kb.question("pain_location"), SPACE + ENTER, plain=True) == ("lower_back",)
    assert seen == ["[x]"]
    assert before == getattr(questionary_common, SELECTED)


def test_plain_header_has_no_symbols() -> None:
    ctx = PromptContext(header="About you; question 1", plain=True)
    assert "›" not in ctx.qmark
    assert "·" not in ctx.hint


# --- only the digits 0-9 are a number ----------------------------------------------------
NOT_WHOLE = constants.NUMBER_NOT_WHOLE.format(min=0, max=120)
OUT_OF_RANGE = constants.NUMBER_OUT_OF_RANGE.format(value=0, min=0, max=120)
UNUSUAL_NUMBERS = [
    pytest.param("²", NOT_WHOLE, id="superscript-two"),
    pytest.param("4²", NOT_WHOLE, id="digit-and-superscript"),
    pytest.param("١٢", NOT_WHOLE, id="arabic-indic"),
    pytest.param("１２", NOT_WHOLE, id="full-width"),
    pytest.param("-3", NOT_WHOLE, id="negative"),
    pytest.param("+3", NOT_WHOLE, id="plus-sign"),
    pytest.param("3.5", NOT_WHOLE, id="decimal"),
    pytest.param("3,5", NOT_WHOLE, id="decimal-comma"),
    pytest.param("1_000", NOT_WHOLE, id="underscore"),
    pytest.param("4 5", NOT_WHOLE, id="space-inside"),
    pytest.param("9" * 5000, OUT_OF_RANGE, id="5000-digits"),
    pytest.param("   ", constants.NUMBER_EMPTY.format(min=0, max=120), id="spaces-only"),
    pytest.param("  45\t", True, id="spaces-around"),
    pytest.param("0" * 5000 + "45", True, id="leading-zeros"),
]


@pytest.mark.parametrize(("text", "expected"), UNUSUAL_NUMBERS)
def test_only_ascii_digits_are_a_number(text: str, expected: bool | str) -> None:
    assert prompts.check_number(text, 0, 120) == expected


@pytest.mark.parametrize("kind", [pytest.param("number", id="number"), pytest.param("scale", id="scale")])
@pytest.mark.parametrize("typed", ["²", "١٢", "１２", "-3", "3.5", "9" * 5000, "4 5"])
def test_unusual_numbers_are_refused_at_the_prompt(kb: KnowledgeBase, kind: str, typed: str) -> None:
    """Refused with a message (Enter does nothing), never an exception; then a number is accepted."""
    keys = typed + ENTER + BACKSPACE * len(typed) + "5" + ENTER
    assert ask(kb.question(QUESTION_OF_TYPE[kind]), keys) == 5


def test_superscript_shows_the_whole_number_message(kb: KnowledgeBase) -> None:
    reply, screen = screen_after(kb.question("age"), ["²", ENTER, BACKSPACE + "45", ENTER])
    assert reply == 45
    assert NOT_WHOLE in screen
    assert "Traceback" not in screen


def test_a_long_number_shows_the_range_message(kb: KnowledgeBase) -> None:
    long = "9" * 150  # fits on the screen with its message; 5,000 digits are tested above
    reply, screen = screen_after(kb.question("pain_severity"), [long, ENTER, BACKSPACE * 150 + "3", ENTER])
    assert reply == 3
    assert constants.NUMBER_OUT_OF_RANGE.format(value=0, min=0, max=10) in screen
