"""One prompt per question type, built on questionary, in one registry.

Every prompt shares the same keys, added on top of questionary's own:

* ``b`` goes back to the previous question (the prompt returns :data:`BACK`);
  on the first question it says there is nothing to go back to;
* ``?`` or ``w`` shows (or hides again) why the question is asked, below it;
* Ctrl-C stops (``KeyboardInterrupt``) and Ctrl-D is the end of input
  (``EOFError``), so the caller ends the questionnaire calmly.

None of these characters can be part of an answer (numbers are digits,
lists are chosen with the arrows), so one key binding serves every type.
The prompts erase themselves when done; the caller prints the answer.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final, assert_never

import questionary
from prompt_toolkit.filters import Condition, to_filter
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent, merge_key_bindings
from prompt_toolkit.layout.containers import ConditionalContainer, HSplit, Window
from prompt_toolkit.layout.controls import FormattedTextControl
from prompt_toolkit.output import ColorDepth
from prompt_toolkit.styles import Style
from questionary import constants as questionary_constants
from questionary.prompts import common as questionary_common

from triage import qtypes, words
from triage.models import NOT_SURE, AnswerValue, Question, QuestionType
from triage.terminal.text import plain_text

BACK_KEYS: Final = ("b",)
WHY_KEYS: Final = ("?", "w")


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
        return f"{self.header}\n{mark}" if self.header else mark

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
        """Wrap at word boundaries to the terminal's width (the first line starts at ``indent``)."""
        return "\n".join(textwrap.wrap(text, width=max(self.width - indent - 1, 20),
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
        ("validation-toolbar", "fg:ansired bold noreverse"),
    ]
)


def plain_style() -> Style:
    """No colour; the pointer and words carry everything."""
    return Style([("validation-toolbar", "noreverse"), ("bottom-toolbar", "noreverse")])


# --- shared keys and the note below the prompt ------------------------------------
def _decorate(prompt: questionary.Question, question: Question, ctx: PromptContext) -> None:
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
    app.key_bindings = merge_key_bindings([app.key_bindings, bindings]) if app.key_bindings else bindings

    for window in app.layout.find_all_windows():
        window.wrap_lines = to_filter(True)  # long questions and labels wrap, never cut off
    root = app.layout.container
    if isinstance(root, HSplit):
        text = FormattedTextControl(lambda: [("class:note", note[0] if note else "")])
        root.children.append(
            ConditionalContainer(Window(text, wrap_lines=True, dont_extend_height=True),
                                 filter=Condition(lambda: bool(note)))
        )
    app.erase_when_done = True


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


def _run(prompt: questionary.Question, question: Question, ctx: PromptContext) -> Any:
    """Ask; Ctrl-C and end of input propagate (``unsafe_ask``, never ``ask``)."""
    _decorate(prompt, question, ctx)
    with _indicators(ctx.plain):
        return prompt.unsafe_ask()


# --- what every prompt shows: the choices and the lines under the question ----------
YES_NO_VALUES: Final[dict[str, AnswerValue]] = {"yes": True, "no": False, NOT_SURE: NOT_SURE}


def choices(question: Question) -> list[tuple[str, str]]:
    """(label, value) of each choice, in order; empty for a typed number."""
    match question.type:
        case "yes_no":
            return [(words.YES, "yes"), (words.NO, "no"), (words.NOT_SURE_LABEL, NOT_SURE)]
        case "choice" | "multi":
            return [(option.label, option.id) for option in question.options]
        case "number" | "scale":
            return []
        case _:
            assert_never(question.type)


def instruction(question: Question, ctx: PromptContext) -> str:
    """The lines between the question and the answer: the keys (and how to tick a list)."""
    match question.type:
        case "multi":
            multi_hint = ctx.wrap(plain_text(words.HINT_MULTI) if ctx.plain else words.HINT_MULTI)
            return f"\n{multi_hint}\n{ctx.hint}"
        case "number" | "scale":
            return f"\n{ctx.hint}\n"
        case "yes_no" | "choice":
            return f"\n{ctx.hint}"
        case _:
            assert_never(question.type)


def _select(question: Question, options: Sequence[tuple[str, str]], default: str | None,
            ctx: PromptContext) -> Any:
    values = [value for _, value in options]
    prompt = questionary.select(
        ctx.question(question),
        choices=[questionary.Choice(ctx.label(title), value) for title, value in options],
        default=default if default in values else None,
        qmark=ctx.qmark,
        pointer=ctx.pointer,
        instruction=instruction(question, ctx),
        **ctx.kwargs(),
    )
    return _run(prompt, question, ctx)


# --- one prompt per type -------------------------------------------------------------
def ask_yes_no(question: Question, previous: AnswerValue | None, ctx: PromptContext) -> Reply:
    """Yes / No / Not sure, as ``True`` / ``False`` / ``"not_sure"``."""
    default = next((key for key, value in YES_NO_VALUES.items() if value is previous), None)
    if previous == NOT_SURE:
        default = NOT_SURE
    reply = _select(question, choices(question), default, ctx)
    return BACK if reply is BACK else YES_NO_VALUES[reply]


def ask_choice(question: Question, previous: AnswerValue | None, ctx: PromptContext) -> Reply:
    """One option, by its label; the answer is the option's id."""
    reply = _select(question, choices(question), previous if isinstance(previous, str) else None, ctx)
    return BACK if reply is BACK else str(reply)


def ask_multi(question: Question, previous: AnswerValue | None, ctx: PromptContext) -> Reply:
    """Any options, or none (an empty tuple means none of these)."""
    ticked = set(previous) if isinstance(previous, tuple) else set()
    prompt = questionary.checkbox(
        ctx.question(question),
        choices=[questionary.Choice(ctx.label(title, tick_box=True), value, checked=value in ticked)
                 for title, value in choices(question)],
        qmark=ctx.qmark,
        pointer=ctx.pointer,
        instruction=instruction(question, ctx),
        **ctx.kwargs(),
    )
    reply = _run(prompt, question, ctx)
    if isinstance(reply, Back):
        return reply
    chosen = set(reply)
    return tuple(o.id for o in question.options if o.id in chosen)


def check_number(text: str, low: int, high: int) -> bool | str:
    """True for a whole number in range, else a plain message saying what to type.

    The terminal and the kiosk read numbers alike: see :func:`triage.qtypes.read_number`.
    """
    verdict = qtypes.read_number(text, low, high)
    return verdict if isinstance(verdict, str) else True


def _wrapped(verdict: bool | str, ctx: PromptContext) -> bool | str:
    return ctx.wrap(verdict) if isinstance(verdict, str) else verdict


def ask_number(question: Question, previous: AnswerValue | None, ctx: PromptContext) -> Reply:
    """A whole number within the question's bounds (0-10 for a scale), checked as typed."""
    low, high = question.bounds
    is_number = isinstance(previous, int) and not isinstance(previous, bool)
    prompt = questionary.text(
        ctx.question(question),
        default=str(previous) if is_number else "",
        validate=lambda text: _wrapped(check_number(text, low, high), ctx),
        qmark=ctx.qmark,
        instruction=instruction(question, ctx),
        **ctx.kwargs(),
    )
    reply = _run(prompt, question, ctx)
    return BACK if reply is BACK else int(str(reply).strip())


PromptFunction = Callable[[Question, AnswerValue | None, PromptContext], Reply]

def _prompt(kind: QuestionType) -> PromptFunction:
    match kind:
        case "yes_no":
            return ask_yes_no
        case "number" | "scale":
            return ask_number
        case "choice":
            return ask_choice
        case "multi":
            return ask_multi
        case _:
            assert_never(kind)


PROMPTS: dict[str, PromptFunction] = {name: _prompt(qtype.name) for name, qtype in qtypes.REGISTRY.items()}
"""Question type -> its prompt, for every type in :data:`triage.qtypes.REGISTRY` (see there)."""

UnknownQuestionType = qtypes.UnknownQuestionType
"""A question type with no handler, and so no prompt."""


def prompt_for(kind: str) -> PromptFunction:
    """The prompt for the type ``kind``; :class:`UnknownQuestionType`, naming the valid ones, for another."""
    qtypes.get(kind)
    return PROMPTS[kind]


def ask(question: Question, previous: AnswerValue | None, ctx: PromptContext) -> Reply:
    """Put one question; returns the answer, or :data:`BACK`."""
    reply: Reply = prompt_for(question.type)(question, previous, ctx)
    return reply


def select(message: str, choices: Sequence[tuple[str, str]], ctx: PromptContext) -> str:
    """A plain list for the questions after the questionnaire (saving)."""
    prompt = questionary.select(
        ctx.wrap(message, indent=2),
        choices=[questionary.Choice(ctx.label(title), value) for title, value in choices],
        qmark="" if ctx.plain else "›",
        pointer=ctx.pointer,
        instruction=" ",
        **ctx.kwargs(),
    )
    prompt.application.erase_when_done = True
    return str(prompt.unsafe_ask())


def text(message: str, default: str, validate: Callable[[str], bool | str], ctx: PromptContext) -> str:
    """A line of text for the questions after the questionnaire (a file name)."""
    prompt = questionary.text(message, default=default, validate=validate,
                              qmark="" if ctx.plain else "›", **ctx.kwargs())
    prompt.application.erase_when_done = True
    return str(prompt.unsafe_ask())
