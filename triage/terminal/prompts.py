"""One prompt per question type, built on questionary, in one registry.

Every prompt shares the same keys, added on top of questionary's own:

* ``b`` goes back to the previous question (the prompt returns :data:`BACK`);
  on the first question it says there is nothing to go back to;
* ``?`` or ``w`` shows (or hides again) why the question is asked;
* Ctrl-C stops (``KeyboardInterrupt``) and Ctrl-D is the end of input
  (``EOFError``), so the caller ends the questionnaire calmly.

In a field being typed in, ``b``, ``?`` and ``w`` act as keys only while it is
empty (``4b`` is a mistyped age to correct, not a step back), so one key
binding serves every type.

What a prompt says besides the question (why it is asked, what is wrong with
what was typed, that there is nothing to go back to) appears directly under
the question, above the hints and the answer: it is read next to the question
it is about, however long the list of answers below it.

Two ways of answering a list (yes/no, one choice, several choices):

* with the arrows (the default): the pointer starts on the first answer or on
  the answer given before. With ``explicit_choice``, on a first visit to a
  yes/no question Enter takes the answer only once an arrow key has moved the
  pointer, so a reflexive Enter never answers "Yes";
* typed (``typed``, for ``--plain`` and screen readers): the answers are
  numbered lines, and the person types a number, a word's first letters or,
  for several choices, numbers separated by commas or spaces
  (:func:`read_typed`). Anything else is refused with one line saying what is
  accepted.

:data:`PROMPTS` holds the prompt for each question type; what a prompt lists,
shows as given before and reads back, and how a typed answer is read, are the
type's own (:mod:`triage.qtypes`, with the rules for typed lines in
:mod:`triage.typed_answers`). The prompts erase themselves when done; the caller
prints the answer.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final

import questionary
from prompt_toolkit.enums import DEFAULT_BUFFER
from prompt_toolkit.filters import Condition, has_validation_error, to_filter
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent, merge_key_bindings
from prompt_toolkit.layout import walk
from prompt_toolkit.layout.containers import ConditionalContainer, Container, HSplit, Window
from prompt_toolkit.layout.controls import BufferControl, FormattedTextControl
from prompt_toolkit.output import ColorDepth
from prompt_toolkit.styles import Style
from questionary import constants as questionary_constants
from questionary.prompts import common as questionary_common
from questionary.prompts.common import InquirerControl

from triage import qtypes, textwidth, typed_answers, words
from triage.models import AnswerValue, Question
from triage.terminal.text import plain_text

BACK_KEYS: Final = typed_answers.BACK_KEYS
WHY_KEYS: Final = typed_answers.WHY_KEYS


class Back:
    """The person asked to go back to the previous question."""

    _instance: Back | None = None

    def __new__(cls) -> Back:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "BACK"


BACK: Final[Back] = Back()
Reply = AnswerValue | Back


@dataclass(frozen=True)
class PromptContext:
    """How to show a prompt: its header, whether back is possible, and where.

    ``input`` and ``output`` are prompt_toolkit objects; tests pass a pipe
    input and a dummy output, the program leaves them to the terminal.
    """

    header: str = ""
    can_go_back: bool = True
    plain: bool = False
    typed: bool = False
    """Lists are numbered lines and the answer is typed (``--plain`` at the questionnaire)."""
    explicit_choice: bool = False
    """On a first visit to a yes/no question, Enter takes an answer only after an arrow key."""
    input: Any = None
    output: Any = None

    def kwargs(self) -> dict[str, Any]:
        extra: dict[str, Any] = {"style": plain_style() if self.plain else STYLE}
        if self.input is not None:
            extra["input"] = self.input
        if self.output is not None:
            extra["output"] = self.output
        if self.plain:
            extra["color_depth"] = ColorDepth.MONOCHROME
        return extra

    @property
    def qmark(self) -> str:
        mark = "" if self.plain else "›"
        return f"{self.wrap(self.header)}\n{mark}" if self.header else mark  # wrapped at word boundaries

    @property
    def pointer(self) -> str:
        return ">" if self.plain else "»"

    @property
    def hint(self) -> str:
        hint = words.HINT_KEYS if self.can_go_back else words.HINT_KEYS_FIRST
        return self.wrap(plain_text(hint) if self.plain else hint)

    @property
    def width(self) -> int:
        if self.output is not None:
            return int(self.output.get_size().columns)
        return shutil.get_terminal_size().columns

    def wrap(self, text: str, indent: int = 0) -> str:
        """Wrap at word boundaries, and between Chinese characters, to the terminal's width in cells
        (the first line starts at ``indent``; :func:`triage.textwidth.wrap`)."""
        return "\n".join(textwidth.wrap(text, max(self.width - indent - 1, 20),
                                        subsequent_indent=" " * indent)) if text else text

    def question(self, question: Question) -> str:
        """The question text, wrapped to follow the question mark with a hanging indent."""
        return self.wrap(question.text, indent=1 if self.plain else 2)

    def label(self, text: str, *, tick_box: bool = False) -> str:
        """A choice, wrapped to fit after the pointer (and tick box) with a hanging indent."""
        box = (4 if self.plain else 2) if tick_box else 0  # "[x] " or "● "
        return self.wrap(text, indent=3 + box)


STYLE = Style(
    [
        ("qmark", "fg:ansicyan"),
        ("question", "bold"),
        ("answer", "fg:ansicyan bold"),
        ("instruction", "fg:ansibrightblack"),
        ("pointer", "fg:ansicyan bold"),
        ("highlighted", "fg:ansicyan bold"),
        ("selected", "fg:ansicyan"),
        ("note", "italic"),
        ("error", "fg:ansired bold"),
        ("validation-toolbar", "fg:ansired bold noreverse"),
    ]
)


def plain_style() -> Style:
    """No colour; the pointer and words carry everything."""
    return Style([("validation-toolbar", "noreverse"), ("bottom-toolbar", "noreverse")])


# --- the lines under the question: a note (why, a message) and the hints ------------------------
def _is_list(window: Window) -> bool:
    return isinstance(window.content, InquirerControl)


def _is_field(window: Window) -> bool:
    content = window.content
    return isinstance(content, BufferControl) and content.buffer.name == DEFAULT_BUFFER


def _row_of(container: Container, wanted: Callable[[Window], bool]) -> tuple[HSplit, int] | None:
    """The innermost column of rows (an HSplit) one of whose rows holds a window ``wanted``, and that row."""
    for child in container.get_children():
        found = _row_of(child, wanted)
        if found is not None:
            return found
    if isinstance(container, HSplit):
        for index, row in enumerate(container.children):
            if any(isinstance(part, Window) and wanted(part) for part in walk(row)):
                return container, index
    return None


def _under_question(root: Container) -> tuple[HSplit, int]:
    """Where the lines under the question go: just above the list of answers, or the field typed in.

    questionary ends the question's own lines there: a list prompt puts its answers below the
    question's prompt session, a text prompt its field below the question's lines.
    """
    found = _row_of(root, _is_list) or _row_of(root, _is_field)
    if found is None:
        raise RuntimeError("a prompt with neither a list of answers nor a field to type in")
    return found


def _under(app: Any, ctx: PromptContext, note: list[str], details: str) -> list[Container]:
    """The rows under the question: the note and any message about what was typed, then ``details``."""
    def error() -> str | None:
        problem = app.current_buffer.validation_error
        return None if problem is None else ctx.wrap(str(problem.message))

    def lines() -> StyleAndTextTuples:
        shown: StyleAndTextTuples = []
        message = error()
        if message is not None:
            shown.append(("class:error", message))
        if note:
            if shown:
                shown.append(("", "\n"))
            shown.append(("class:note", note[0]))
        return shown

    rows: list[Container] = [ConditionalContainer(
        Window(FormattedTextControl(lines), wrap_lines=True, dont_extend_height=True),
        filter=Condition(lambda: bool(note) or error() is not None),
    )]
    if details:
        rows.append(Window(FormattedTextControl([("class:instruction", details)]), wrap_lines=True,
                           dont_extend_height=True))
    return rows


def _lay_out(app: Any, rows: list[Container]) -> None:
    """Put ``rows`` under the question, where messages show instead of prompt_toolkit's toolbar."""
    for window in app.layout.find_all_windows():
        window.wrap_lines = to_filter(True)  # long questions and labels wrap, never cut off
    for container in walk(app.layout.container):
        if isinstance(container, ConditionalContainer) and container.filter is has_validation_error:
            container.filter = to_filter(False)  # the validation toolbar: its message is in ``rows``
    parent, index = _under_question(app.layout.container)
    parent.children[index:index] = rows
    app.erase_when_done = True


# --- shared keys -----------------------------------------------------------------------------------
def _enter_after_a_move(app: Any, bindings: KeyBindings, note: list[str], ctx: PromptContext) -> None:
    """Enter takes the answer at the pointer only once an arrow key has moved the pointer."""
    control = next(window.content for window in app.layout.find_all_windows() if _is_list(window))
    start = control.pointed_at
    moved: list[bool] = []
    refused = ctx.wrap(words.CHOOSE_WITH_ARROWS)

    def after_key(_: object) -> None:
        if not moved and control.pointed_at != start:
            moved.append(True)
            if note == [refused]:
                note.clear()

    app.key_processor.after_key_press += after_key

    @bindings.add("enter", eager=True, filter=Condition(lambda: not moved))
    def refuse(event: KeyPressEvent) -> None:
        note[:] = [refused]


def _decorate(prompt: questionary.Question, question: Question, ctx: PromptContext, details: str, *,
              must_move: bool = False) -> None:
    app = prompt.application
    note: list[str] = []
    why = ctx.wrap(words.WHY_WE_ASK.format(why=question.why))

    def back(event: KeyPressEvent) -> None:
        if ctx.can_go_back:
            event.app.exit(result=BACK)
        else:
            note[:] = [ctx.wrap(words.FIRST_QUESTION)]

    def toggle_why(event: KeyPressEvent) -> None:
        note[:] = [] if note == [why] else [why]

    def end_of_input(event: KeyPressEvent) -> None:
        event.app.exit(exception=EOFError)

    # In a field being typed in (a number), b, ? and w are letters like any other: they act as keys
    # only while the field is empty, so "4b" is a mistyped age to correct, not a step back.
    empty = Condition(lambda: not app.current_buffer.text)
    bindings = KeyBindings()
    for key in BACK_KEYS:
        bindings.add(key, eager=True, filter=empty)(back)
    for key in WHY_KEYS:
        bindings.add(key, eager=True, filter=empty)(toggle_why)
    bindings.add("c-d", eager=True)(end_of_input)
    if must_move:
        _enter_after_a_move(app, bindings, note, ctx)
    app.key_bindings = merge_key_bindings([app.key_bindings, bindings]) if app.key_bindings else bindings
    _lay_out(app, _under(app, ctx, note, details))


PLAIN_INDICATORS: Final = ("[x]", "[ ]")


def indicators(plain: bool) -> tuple[str, str]:
    """The tick boxes of a list, (ticked, not ticked): symbols, or ``[x]`` / ``[ ]`` in plain mode."""
    if plain:
        return PLAIN_INDICATORS
    return questionary_constants.INDICATOR_SELECTED, questionary_constants.INDICATOR_UNSELECTED


@contextmanager
def _indicators(plain: bool) -> Iterator[None]:
    """Tick boxes as ``[x]`` / ``[ ]`` in plain mode instead of symbols."""
    if not plain:
        yield
        return
    names = ("INDICATOR_SELECTED", "INDICATOR_UNSELECTED")
    saved = [getattr(questionary_common, name) for name in names]
    for name, value in zip(names, PLAIN_INDICATORS, strict=True):
        setattr(questionary_common, name, value)
    try:
        yield
    finally:
        for name, value in zip(names, saved, strict=True):
            setattr(questionary_common, name, value)


def _run(prompt: questionary.Question, question: Question, ctx: PromptContext, details: str, *,
         must_move: bool = False) -> Any:
    """Ask; Ctrl-C and end of input propagate (``unsafe_ask``, never ``ask``)."""
    _decorate(prompt, question, ctx, details, must_move=must_move)
    with _indicators(ctx.plain):
        return prompt.unsafe_ask()


# --- what every prompt shows: the lines under the question ----------------------------
def instruction(question: Question, ctx: PromptContext) -> str:
    """The hints under the question, above the answer: the keys, after how to tick a list's answers.

    A number's bounds (its type's ``"bounds"`` hint) need no line here: the message for a number
    out of range says them.
    """
    if qtypes.of(question).hint != "several":
        return ctx.hint
    multi_hint = ctx.wrap(plain_text(words.HINT_MULTI) if ctx.plain else words.HINT_MULTI)
    return f"{multi_hint}\n{ctx.hint}"


def _chosen(question: Question, keys: Sequence[str]) -> AnswerValue:
    """The answer the keys a list prompt returned give (they are always its own)."""
    answer = qtypes.of(question).read_keys(question, keys)
    if isinstance(answer, qtypes.Refused):
        raise RuntimeError(f"a list prompt returned {list(keys)!r}, no answer to {question.id}")
    return answer


# --- typed answers ----------------------------------------------------------------------------------
class NotAnAnswer(ValueError):
    """What was typed is no answer to the question; the message says what is accepted."""


letters = typed_answers.letters
"""A letter to type for each answer, or "" for none (see :func:`triage.typed_answers.letters`)."""


def read_typed(question: Question, text: str) -> AnswerValue:
    """The answer typed to a question (:meth:`triage.qtypes.QType.read_typed`); :class:`NotAnAnswer`,
    saying what may be typed, when it is none."""
    answer = qtypes.of(question).read_typed(question, text)
    if isinstance(answer, qtypes.Refused):
        raise NotAnAnswer(answer.message)
    return answer


def _check_typed(question: Question, text: str) -> bool | str:
    """True for text that answers ``question``, else a plain message saying what to type."""
    answer = qtypes.of(question).read_typed(question, text)
    return answer.message if isinstance(answer, qtypes.Refused) else True


def typed_default(question: Question, previous: AnswerValue | None) -> str:
    """What a typed answer's field starts with: the answer given before, if any (a list's numbers)."""
    return qtypes.of(question).typed_default(question, previous)


def numbered(labels: Sequence[str], ctx: PromptContext) -> str:
    """The answers as numbered lines, one per line, each wrapped under its first word."""
    return "\n".join(ctx.wrap(f"{number}. {label}", indent=len(f"{number}. "))
                     for number, label in enumerate(labels, start=1))


def ask_typed(question: Question, previous: AnswerValue | None, ctx: PromptContext) -> Reply:
    """A yes/no or list question answered by typing: the answers as numbered lines, then a field."""
    qtype = qtypes.of(question)
    labels = [label for _, label in qtype.choices(question)]
    prompt = questionary.text(
        ctx.question(question),
        default=qtype.typed_default(question, previous),
        validate=lambda text: _check_typed(question, text),
        validate_while_typing=False,  # checked on Enter: no message while the answer is being typed
        qmark=ctx.qmark,
        instruction="\n",
        **ctx.kwargs(),
    )
    details = "\n".join([numbered(labels, ctx), ctx.wrap(qtype.typed_hint(question)), ctx.hint])
    reply = _run(prompt, question, ctx, details)
    return BACK if reply is BACK else read_typed(question, str(reply))


def _select(question: Question, default: str | None, ctx: PromptContext, *, must_move: bool = False) -> Any:
    """One of the question's choices, with the arrows; the reply is its key (or :data:`BACK`)."""
    options = qtypes.of(question).choices(question)
    prompt = questionary.select(
        ctx.question(question),
        choices=[questionary.Choice(ctx.label(label), key) for key, label in options],
        default=default if default in [key for key, _ in options] else None,
        qmark=ctx.qmark,
        pointer=ctx.pointer,
        instruction=" ",
        **ctx.kwargs(),
    )
    return _run(prompt, question, ctx, instruction(question, ctx), must_move=must_move)


# --- one prompt per type -------------------------------------------------------------
def _ask_one(question: Question, previous: AnswerValue | None, ctx: PromptContext, *,
             must_move: bool = False) -> Reply:
    """One of the question's choices: with the arrows, the pointer on the answer given before."""
    if ctx.typed:
        return ask_typed(question, previous, ctx)
    given = qtypes.of(question).keys_of(question, previous)
    reply = _select(question, given[0] if given else None, ctx, must_move=must_move)
    return BACK if reply is BACK else _chosen(question, [str(reply)])


def ask_yes_no(question: Question, previous: AnswerValue | None, ctx: PromptContext) -> Reply:
    """Yes / No / Not sure, as ``True`` / ``False`` / ``"not_sure"``; with ``explicit_choice``, on a
    first visit Enter takes an answer only once an arrow key has moved the pointer."""
    return _ask_one(question, previous, ctx, must_move=ctx.explicit_choice and previous is None)


def ask_choice(question: Question, previous: AnswerValue | None, ctx: PromptContext) -> Reply:
    """One option, by its label; the answer is the option's id."""
    return _ask_one(question, previous, ctx)


def ask_multi(question: Question, previous: AnswerValue | None, ctx: PromptContext) -> Reply:
    """Any options, or none (an empty tuple means none of these)."""
    if ctx.typed:
        return ask_typed(question, previous, ctx)
    qtype = qtypes.of(question)
    ticked = set(qtype.keys_of(question, previous))
    prompt = questionary.checkbox(
        ctx.question(question),
        choices=[questionary.Choice(ctx.label(label, tick_box=True), key, checked=key in ticked)
                 for key, label in qtype.choices(question)],
        qmark=ctx.qmark,
        pointer=ctx.pointer,
        instruction=" ",
        **ctx.kwargs(),
    )
    reply = _run(prompt, question, ctx, instruction(question, ctx))
    return reply if isinstance(reply, Back) else _chosen(question, [str(key) for key in reply])


def check_number(text: str, low: int, high: int) -> bool | str:
    """True for a whole number in range, else a plain message saying what to type.

    The terminal and the kiosk read numbers alike: see :func:`triage.qtypes.read_number`.
    """
    verdict = qtypes.read_number(text, low, high)
    return verdict if isinstance(verdict, str) else True


def ask_number(question: Question, previous: AnswerValue | None, ctx: PromptContext) -> Reply:
    """A whole number within the question's bounds (0-10 for a scale), checked as typed."""
    prompt = questionary.text(
        ctx.question(question),
        default=typed_default(question, previous),
        validate=lambda text: _check_typed(question, text),
        qmark=ctx.qmark,
        instruction="\n",
        **ctx.kwargs(),
    )
    reply = _run(prompt, question, ctx, ctx.hint)
    return BACK if reply is BACK else read_typed(question, str(reply))


PromptFunction = Callable[[Question, AnswerValue | None, PromptContext], Reply]

PROMPTS: Final[dict[str, PromptFunction]] = qtypes.for_every_type({
    "yes_no": ask_yes_no,
    "number": ask_number,
    "scale": ask_number,  # typed: eleven lines to choose from would push the question off a small screen
    "choice": ask_choice,
    "multi": ask_multi,
}, "terminal prompts")
"""Question type -> its prompt: the terminal's widget for each type in :data:`triage.qtypes.REGISTRY`.

What the prompt lists, shows as given and reads back is the type's own (:mod:`triage.qtypes`).
"""

UnknownQuestionType = qtypes.UnknownQuestionType
"""A question type with no handler, and so no prompt."""


def prompt_for(kind: str) -> PromptFunction:
    """The prompt for the type ``kind``; :class:`UnknownQuestionType`, naming the valid ones, for another."""
    return qtypes.entry(PROMPTS, kind)


def ask(question: Question, previous: AnswerValue | None, ctx: PromptContext) -> Reply:
    """Put one question; returns the answer, or :data:`BACK`."""
    reply: Reply = prompt_for(question.type)(question, previous, ctx)
    return reply


# --- the prompts after the questionnaire ----------------------------------------------
def _end_of_input_key(app: Any) -> None:
    bindings = KeyBindings()

    @bindings.add("c-d", eager=True)
    def end_of_input(event: KeyPressEvent) -> None:
        event.app.exit(exception=EOFError)

    app.key_bindings = merge_key_bindings([app.key_bindings, bindings]) if app.key_bindings else bindings


def _typed_select(message: str, options: Sequence[tuple[str, str]], ctx: PromptContext) -> str:
    labels = [label for label, _ in options]
    problem = words.TYPED_PROBLEM_CHOICE.format(count=len(labels))
    prompt = questionary.text(
        ctx.wrap(message, indent=1),
        validate=lambda text: True if typed_answers.read_one(text, labels) is not None else problem,
        validate_while_typing=False,
        qmark="",
        instruction="\n",
        **ctx.kwargs(),
    )
    app = prompt.application
    _end_of_input_key(app)
    _lay_out(app, _under(app, ctx, [], f"{numbered(labels, ctx)}\n{ctx.wrap(words.TYPED_HINT_CHOICE)}"))
    index = typed_answers.read_one(str(prompt.unsafe_ask()), labels)
    if index is None:  # the check above lets only an answer through
        raise RuntimeError("a typed choice that is none of the answers")
    return options[index][1]


def select(message: str, choices: Sequence[tuple[str, str]], ctx: PromptContext) -> str:
    """A plain list for the questions after the questionnaire (saving, changing the last answer)."""
    if ctx.typed:
        return _typed_select(message, choices, ctx)
    prompt = questionary.select(
        ctx.wrap(message, indent=2),
        choices=[questionary.Choice(ctx.label(title), value) for title, value in choices],
        qmark="" if ctx.plain else "›",
        pointer=ctx.pointer,
        instruction=" ",
        **ctx.kwargs(),
    )
    _end_of_input_key(prompt.application)
    prompt.application.erase_when_done = True
    return str(prompt.unsafe_ask())


def text(message: str, default: str, validate: Callable[[str], bool | str], ctx: PromptContext) -> str:
    """A line of text for the questions after the questionnaire (a file name)."""
    prompt = questionary.text(message, default=default, validate=validate,
                              qmark="" if ctx.plain else "›", **ctx.kwargs())
    prompt.application.erase_when_done = True
    return str(prompt.unsafe_ask())


def wait_for_enter(message: str, ctx: PromptContext) -> None:
    """Show ``message`` and wait for Enter; anything typed meanwhile is ignored.

    Ctrl-C and the end of input propagate, as at every prompt.
    """
    prompt = questionary.text(ctx.wrap(message, indent=1), qmark="", **ctx.kwargs())
    _end_of_input_key(prompt.application)
    prompt.unsafe_ask()
