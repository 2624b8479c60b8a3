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

from triage import constants, qtypes, typed_answers
from triage.models import KnowledgeBase, Question, QuestionType
from triage.terminal import prompts
from triage.terminal.prompts import BACK, PromptContext

DOWN, ENTER, SPACE, BACKSPACE, CTRL_C, CTRL_D = "j", "\r", " ", "\x7f", "\x03", "\x04"


def ask(  # noqa: PLR0913  the prompt's options by keyword, as PromptContext takes them
        question: Question, keys: str, previous: Any = None, *, can_go_back: bool = True, plain: bool = False,
        typed: bool = False, explicit: bool = False) -> Any:
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()
        ctx = PromptContext(header="Header · question 2", can_go_back=can_go_back, plain=plain, typed=typed,
                            explicit_choice=explicit, input=pipe, output=DummyOutput())
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


def screen_after(  # noqa: PLR0913  the prompt's options by keyword, as PromptContext takes them
        question: Question, groups: list[str], previous: Any = None, *, can_go_back: bool = True,
        typed: bool = False, explicit: bool = False, columns: int = 100,
        looks: list[str] | None = None) -> tuple[Any, str]:
    """Type ``groups`` one at a time while the prompt runs; return its answer and output.

    At each :class:`Until`, once its text is drawn, the output so far is added to ``looks``: the
    screen as it was then (a prompt erases itself when done).
    """
    stream = io.StringIO()
    output = Vt100_Output(stream, lambda: Size(rows=40, columns=columns), term="xterm")
    outcome: dict[str, Any] = {}
    with create_pipe_input() as pipe:
        ctx = PromptContext(header="Header", can_go_back=can_go_back, plain=typed, typed=typed,
                            explicit_choice=explicit, input=pipe, output=output)

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
                if looks is not None:
                    seen = _settled(stream, seen - 1)
                    looks.append(stream.getvalue())
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

    def spy(prompt: Any, question: Question, ctx: PromptContext, *args: Any, **kwargs: Any) -> Any:
        with prompts._indicators(ctx.plain):
            seen.append(getattr(questionary_common, SELECTED))
        return original(prompt, question, ctx, *args, **kwargs)

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
    pytest.param("١٢", NOT_WHOLE, id="arabic-indic"),  # refused: the bounds and messages show 0-9
    pytest.param("۷۲", NOT_WHOLE, id="extended-arabic-indic"),
    pytest.param("①", NOT_WHOLE, id="circled-one"),
    pytest.param("½", NOT_WHOLE, id="fraction"),
    pytest.param("１２", True, id="full-width"),  # as a Chinese or Japanese input method types it
    pytest.param("７２ ", True, id="full-width-space-after"),
    pytest.param("\u3000７２\u3000", True, id="ideographic-spaces"),
    pytest.param("𝟕𝟐", True, id="mathematical-digits"),
    pytest.param("７²", NOT_WHOLE, id="full-width-and-superscript"),
    pytest.param("１２１", constants.NUMBER_OUT_OF_RANGE.format(value=121, min=0, max=120),
                 id="full-width-out-of-range"),
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
@pytest.mark.parametrize("typed", ["²", "١٢", "１２１", "-3", "3.5", "9" * 5000, "4 5"])
def test_unusual_numbers_are_refused_at_the_prompt(kb: KnowledgeBase, kind: str, typed: str) -> None:
    """Refused with a message (Enter does nothing), never an exception; then a number is accepted."""
    keys = typed + ENTER + BACKSPACE * len(typed) + "5" + ENTER
    assert ask(kb.question(QUESTION_OF_TYPE[kind]), keys) == 5


@pytest.mark.parametrize(("typed", "expected"),
                         [("７２", 72), ("７２ ", 72), ("72", 72), ("  7", 7), ("０", 0)])
def test_full_width_digits_are_read(typed: str, expected: int) -> None:
    assert qtypes.read_number(typed, 0, 120) == expected


@pytest.mark.parametrize("typed", ["72", " 45 ", "0", "120", "x", "-1", "1,2", "", "Sí", "not sure"])
def test_plain_forms_leave_ordinary_input_as_it_is(typed: str) -> None:
    assert typed_answers.plain(typed) == typed


def test_a_full_width_number_is_accepted_at_the_prompt(kb: KnowledgeBase) -> None:
    assert ask(kb.question("age"), "７２" + ENTER) == 72


@pytest.mark.parametrize(("typed", "expected"), [("２", 1), ("２．", 1), ("2", 1), ("①", None), ("²", None)])
def test_a_full_width_answer_number_is_read(typed: str, expected: int | None) -> None:
    assert typed_answers.read_one(typed, ["Yes", "No", "Not sure"]) == expected
    both = None if expected is None else sorted({0, expected})
    assert typed_answers.read_numbers(f"１，{typed}", 3) == both


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


# --- what a prompt says appears right under the question -----------------------------------------
def _rows(output: str, columns: int = 100) -> list[str]:
    """The screen the prompt's output leaves, row by row, read back through a screen emulator."""
    import pyte

    screen = pyte.Screen(columns, 40)
    pyte.Stream(screen).feed(output.replace("\n", "\r\n").replace("\r\r\n", "\r\n"))
    return [line.rstrip() for line in screen.display]


def _gap(rows: list[str], question: Question, message: str) -> int:
    """Rows from the question's last line (under the header) down to the first line of ``message``."""
    first = next(n for n, row in enumerate(rows) if row.startswith("Header")) + 1
    wanted = " ".join(question.text.split())
    last = next(n for n in range(first, len(rows))
                if wanted in " ".join(" ".join(rows[first:n + 1]).replace("›", " ").split()))
    first_word = message.split(maxsplit=1)[0]
    return next(n for n in range(last + 1, len(rows)) if rows[n].startswith(first_word)) - last


@pytest.mark.parametrize("kind", TYPES)
def test_why_is_shown_right_under_the_question(kb: KnowledgeBase, kind: str) -> None:
    question = kb.question(QUESTION_OF_TYPE[kind])
    answer = {"number": "40", "scale": "4"}.get(kind, "")
    looks: list[str] = []
    screen_after(question, ["?", Until("Why we ask:"), answer + ENTER], looks=looks)
    rows = _rows(looks[0])
    assert _gap(rows, question, constants.WHY_WE_ASK) == 1, "\n".join(rows)


@pytest.mark.parametrize(("typed", "message"), [
    pytest.param("abc", constants.NUMBER_NOT_WHOLE.format(min=0, max=120), id="letters"),
    pytest.param("150", constants.NUMBER_OUT_OF_RANGE.format(min=0, max=120), id="too-big"),
])
def test_a_number_message_is_shown_right_under_the_question(kb: KnowledgeBase, typed: str,
                                                             message: str) -> None:
    question = kb.question("age")
    looks: list[str] = []
    keys = [typed, ENTER, Until(message), BACKSPACE * len(typed) + "45", ENTER]
    reply, _ = screen_after(question, keys, looks=looks)
    assert reply == 45
    rows = _rows(looks[0])
    assert message in rows
    assert _gap(rows, question, message) == 1, "\n".join(rows)


def test_why_and_a_message_are_both_under_the_question_above_the_hints(kb: KnowledgeBase) -> None:
    question = kb.question("age")
    looks: list[str] = []
    screen_after(question, ["?", Until("Why we ask:"), "x", Until("0 to 120."), BACKSPACE + "7", ENTER],
                 looks=looks)
    rows = _rows(looks[-1])
    message = constants.NUMBER_NOT_WHOLE.format(min=0, max=120)
    at = rows.index(message)
    assert rows[at + 1].startswith("Why we ask:")
    assert rows.index(constants.HINT_KEYS) > at + 1  # the hints come after both


# --- a first "Yes" needs an arrow key (explicit_choice) ------------------------------------------
@pytest.mark.parametrize(("keys", "previous", "expected"), [
    pytest.param(DOWN + "k" + ENTER, None, True, id="down-and-up-is-yes"),
    pytest.param(DOWN + ENTER, None, False, id="down-is-no"),
    pytest.param(DOWN * 2 + ENTER, None, "not_sure", id="not-sure"),
    pytest.param("k" + ENTER, None, "not_sure", id="up-wraps-to-not-sure"),
    pytest.param(ENTER, True, True, id="a-yes-given-before-is-kept"),
    pytest.param(ENTER, False, False, id="a-no-given-before-is-kept"),
    pytest.param(ENTER + DOWN + "k" + ENTER, None, True, id="enter-refused-then-a-move"),
])
def test_explicit_choice(kb: KnowledgeBase, keys: str, previous: Any, expected: Any) -> None:
    assert ask(kb.question("saddle_numbness"), keys, previous, explicit=True) == expected


def test_explicit_choice_refuses_enter_alone(kb: KnowledgeBase) -> None:
    with pytest.raises(EOFError):  # Enter did not answer; the input then ended
        ask(kb.question("saddle_numbness"), ENTER, explicit=True)


def test_explicit_choice_says_why_enter_did_nothing(kb: KnowledgeBase) -> None:
    looks: list[str] = []
    reply, _ = screen_after(kb.question("fever"), [ENTER, Until(constants.CHOOSE_WITH_ARROWS), DOWN, ENTER],
                            explicit=True, looks=looks)
    assert reply is False
    rows = _rows(looks[0])
    assert _gap(rows, kb.question("fever"), constants.CHOOSE_WITH_ARROWS) == 1, "\n".join(rows)


def test_without_explicit_choice_enter_takes_the_first_answer(kb: KnowledgeBase) -> None:
    assert ask(kb.question("saddle_numbness"), ENTER) is True  # as the demonstrations play it


# --- typed answers (--plain) -----------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("1", True), ("2", False), ("3", "not_sure"), ("2.", False), (" 1 ", True),
    ("y", True), ("Y", True), ("yes", True), ("YES", True), ("ye", True),
    ("n", False), ("no", False), ("No", False),
    ("s", "not_sure"), ("not", "not_sure"), ("not sure", "not_sure"), ("Not Sure", "not_sure"),
])
def test_typed_yes_no(kb: KnowledgeBase, text: str, expected: Any) -> None:
    assert prompts.read_typed(kb.question("fever"), text) == expected


@pytest.mark.parametrize("text", ["", "   ", "0", "4", "12", "x", "maybe", "yes please", "-1", "1,2", "²"])
def test_typed_yes_no_refused(kb: KnowledgeBase, text: str) -> None:
    with pytest.raises(prompts.NotAnAnswer) as caught:
        prompts.read_typed(kb.question("fever"), text)
    assert str(caught.value) == "Please type 1, 2 or 3, or y, n or s."


@pytest.mark.parametrize(("text", "expected"), [
    ("1", "after_lifting_or_strain"), ("4", "after_fall_or_knock"), ("sl", "gradual"),
    ("su", "sudden_no_cause"), ("slowly over time", "gradual"), ("After L", "after_lifting_or_strain"),
    ("after a", "after_fall_or_knock"),
])
def test_typed_choice(kb: KnowledgeBase, text: str, expected: str) -> None:
    assert prompts.read_typed(kb.question("pain_onset"), text) == expected


@pytest.mark.parametrize("text", ["", "0", "5", "s", "a", "after", "x"])
def test_typed_choice_refused(kb: KnowledgeBase, text: str) -> None:
    with pytest.raises(prompts.NotAnAnswer) as caught:
        prompts.read_typed(kb.question("pain_onset"), text)
    assert str(caught.value) == constants.TYPED_PROBLEM_CHOICE.format(count=4)


def test_a_bare_number_is_always_an_answers_number(kb: KnowledgeBase) -> None:
    question = kb.question("pain_duration")  # "1 to 6 weeks" and "6 to 12 weeks" start with digits
    assert prompts.read_typed(question, "1") == "under_1_week"
    with pytest.raises(prompts.NotAnAnswer):
        prompts.read_typed(question, "6")
    assert prompts.read_typed(question, "6 to") == "6_to_12_weeks"


@pytest.mark.parametrize(("text", "expected"), [
    ("", ()), ("  ", ()), ("1", ("lower_back",)), ("1, 3", ("lower_back", "neck_shoulders")),
    ("3 1", ("lower_back", "neck_shoulders")), ("3,1,3", ("lower_back", "neck_shoulders")),
    ("1;5", ("lower_back", "widespread")), ("2.", ("upper_back",)),
])
def test_typed_multi(kb: KnowledgeBase, text: str, expected: tuple[str, ...]) -> None:
    assert prompts.read_typed(kb.question("pain_location"), text) == expected


@pytest.mark.parametrize("text", ["0", "6", "1, 6", "lower", "1 x", "9" * 5000])
def test_typed_multi_refused(kb: KnowledgeBase, text: str) -> None:
    with pytest.raises(prompts.NotAnAnswer) as caught:
        prompts.read_typed(kb.question("pain_location"), text)
    assert str(caught.value) == constants.TYPED_PROBLEM_MULTI.format(count=5)


@pytest.mark.parametrize(("labels", "expected"), [
    pytest.param(["Yes", "No", "Not sure"], ["y", "n", "s"], id="english"),
    pytest.param(["Sí", "No", "No lo sé"], ["s", "n", "l"], id="spanish"),
    pytest.param(["Back", "Why", "Both ways"], ["", "", ""], id="b-and-w-are-keys"),
    pytest.param(["Not sure", "No"], ["n", ""], id="a-letter-taken-leaves-the-number"),
    pytest.param(["[Ýéš ·]", "[Ñö ·]", "[Ñöţ šûŕé ··]"], ["y", "n", "s"], id="pseudo-accents"),
])
def test_letters(labels: list[str], expected: list[str]) -> None:
    assert prompts.letters(labels) == expected


def test_typed_yes_no_in_spanish() -> None:
    from triage import i18n, loader

    i18n.activate("es")
    try:
        question = loader.load().question("fever")
        assert prompts.read_typed(question, "s") is True
        assert prompts.read_typed(question, "si") is True  # accents need not be typed
        assert prompts.read_typed(question, "Sí") is True
        assert prompts.read_typed(question, "n") is False
        assert prompts.read_typed(question, "l") == "not_sure"
        assert prompts.read_typed(question, "no lo") == "not_sure"
    finally:
        i18n.activate(i18n.ENGLISH)


@pytest.mark.parametrize(("qid", "previous", "expected"), [
    ("fever", True, "1"), ("fever", False, "2"), ("fever", "not_sure", "3"), ("fever", None, ""),
    ("pain_onset", "gradual", "2"), ("pain_location", ("lower_back", "side_flank"), "1, 4"),
    ("pain_location", (), ""),
])
def test_typed_default_is_the_answer_given_before(kb: KnowledgeBase, qid: str, previous: Any,
                                                 expected: str) -> None:
    question = kb.question(qid)
    assert prompts.typed_default(question, previous) == expected
    if previous is not None:
        assert prompts.read_typed(question, expected) == previous


@pytest.mark.parametrize(("qid", "keys", "previous", "expected"), [
    pytest.param("fever", "n" + ENTER, None, False, id="letter"),
    pytest.param("fever", "1" + ENTER, None, True, id="number"),
    pytest.param("fever", "x" + ENTER + BACKSPACE + "s" + ENTER, None, "not_sure", id="refused-then-fixed"),
    pytest.param("fever", ENTER + "2" + ENTER, None, False, id="empty-refused"),
    pytest.param("fever", ENTER, True, True, id="prefilled"),
    pytest.param("fever", "b", None, BACK, id="back"),
    pytest.param("fever", "?" + "y" + ENTER, None, True, id="why-then-answer"),
    pytest.param("pain_onset", "su" + ENTER, None, "sudden_no_cause", id="choice-by-words"),
    pytest.param("pain_location", "1 4" + ENTER, None, ("lower_back", "side_flank"), id="multi"),
    pytest.param("pain_location", ENTER, None, (), id="multi-none"),
    pytest.param("pain_location", BACKSPACE * 4 + ENTER, ("lower_back", "side_flank"), (), id="multi-untick"),
])
def test_typed_prompt(kb: KnowledgeBase, qid: str, keys: str, previous: Any, expected: Any) -> None:
    assert ask(kb.question(qid), keys, previous, plain=True, typed=True) == expected


@pytest.mark.parametrize("kind", [pytest.param(kind, id=kind) for kind in ("yes_no", "choice", "multi")])
@pytest.mark.parametrize(("keys", "error"), [
    pytest.param(CTRL_C, KeyboardInterrupt, id="ctrl-c"),
    pytest.param("1" + CTRL_D, EOFError, id="ctrl-d-after-typing"),
    pytest.param("", EOFError, id="input-closed"),
])
def test_typed_prompt_stops_as_every_prompt_does(kb: KnowledgeBase, kind: str, keys: str,
                                                 error: type[BaseException]) -> None:
    with pytest.raises(error):
        ask(kb.question(QUESTION_OF_TYPE[kind]), keys, plain=True, typed=True)


@pytest.mark.parametrize("typed", [pytest.param(False, id="list"), pytest.param(True, id="typed")])
@pytest.mark.parametrize(("keys", "error"), [pytest.param(CTRL_C, KeyboardInterrupt, id="ctrl-c"),
                                             pytest.param(CTRL_D, EOFError, id="ctrl-d")])
def test_the_lists_after_the_questionnaire_stop_as_every_prompt_does(typed: bool, keys: str,
                                                                      error: type[BaseException]) -> None:
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        ctx = PromptContext(plain=typed, typed=typed, input=pipe, output=DummyOutput())
        with pytest.raises(error):
            prompts.select(constants.CHANGE_LAST_OFFER, [(constants.CHANGE_LAST_FINISH, ""),
                                                         (constants.CHANGE_LAST, "change")], ctx)


def test_typed_prompt_lists_the_answers_one_per_line(kb: KnowledgeBase) -> None:
    question = kb.question("pain_location")
    looks: list[str] = []
    reply, screen = screen_after(question, ["9", ENTER, Until("Please type"), BACKSPACE + "2", ENTER],
                                 typed=True, columns=60, looks=looks)
    assert reply == ("upper_back",)
    rows = _rows(looks[0], 60)
    numbered = [row for row in rows if row[:2] in {f"{n}." for n in range(1, 6)}]
    assert numbered == ["1. Lower back", "2. Upper back (between the shoulder blades)",
                        "3. Neck and shoulders", "4. Side of the back, below the ribs (flank)",
                        "5. In many places all over the body"]
    message = constants.TYPED_PROBLEM_MULTI.format(count=5)
    assert " ".join(message.split()) in " ".join(" ".join(rows).split())
    assert _gap(rows, question, message) == 1, "\n".join(rows)
    assert "\x1b[3" not in screen  # no colour
    assert not set("".join(rows)) & set("›»●○·")


def test_typed_prompt_says_which_letters_mean_what(kb: KnowledgeBase) -> None:
    looks: list[str] = []
    screen_after(kb.question("fever"), [Until("Not sure"), "y", ENTER], typed=True, looks=looks)
    text = " ".join(" ".join(_rows(looks[0])).split())
    assert "1. Yes 2. No 3. Not sure" in text
    assert "y for Yes, n for No or s for Not sure" in text


def test_typed_select_after_the_questionnaire() -> None:
    options = [(constants.SAVE_NO, ""), (constants.SAVE_MARKDOWN, "markdown"), (constants.SAVE_JSON, "json")]
    typed = (("2" + ENTER, "markdown"), ("n" + ENTER, ""), ("x" + ENTER + BACKSPACE + "3" + ENTER, "json"))
    for keys, expected in typed:
        with create_pipe_input() as pipe:
            pipe.send_text(keys)
            pipe.close()
            ctx = PromptContext(plain=True, typed=True, input=pipe, output=DummyOutput())
            assert prompts.select(constants.SAVE_QUESTION, options, ctx) == expected


@pytest.mark.parametrize(("keys", "error"), [
    pytest.param("typed anyway" + ENTER, None, id="enter"),
    pytest.param(ENTER, None, id="enter-alone"),
    pytest.param(CTRL_C, KeyboardInterrupt, id="ctrl-c"),
    pytest.param(CTRL_D, EOFError, id="ctrl-d"),
    pytest.param("", EOFError, id="input-closed"),
])
def test_wait_for_enter(keys: str, error: type[BaseException] | None) -> None:
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()
        ctx = PromptContext(input=pipe, output=DummyOutput())
        if error is None:
            prompts.wait_for_enter(constants.CLEAR_AT_END_WAIT, ctx)
        else:
            with pytest.raises(error):
                prompts.wait_for_enter(constants.CLEAR_AT_END_WAIT, ctx)
