"""What the questionnaire shows around the prompts: welcome, answers, result.

Styled screens use rich; ``--plain`` prints :func:`triage.render.plain` (no
colour, boxes or symbols). Colour is never the only carrier of meaning: every
level is named in words, and the emergency screen says what to do in words.
Text from the knowledge base is always wrapped in :class:`rich.text.Text`, so
no square bracket in it is read as markup.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Final

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from triage import i18n, overlay, qtypes, words
from triage.clinic import NO_CLINIC, Clinic
from triage.terminal.text import plain_text

if TYPE_CHECKING:
    from triage import report
    from triage.models import AnswerValue, KnowledgeBase, Question
    from triage.result import Result

# The result's report and its plain rendering are imported when a result is shown: the welcome and
# the first question need neither.

LEVEL_STYLE: dict[str, str] = {
    "emergency": "bold red",
    "urgent_doctor": "red",
    "doctor": "yellow",
    "acupuncturist": "green",
}


def make_console(  # noqa: PLR0913  rich Console's own options, by keyword
        plain: bool, *, file: IO[str] | None = None, width: int | None = None, record: bool = False,
        color_system: str | None = "auto", force_terminal: bool | None = None) -> Console:
    """The console for every screen; NO_COLOR in the environment is honoured by rich."""
    return Console(
        file=file,
        width=width,
        record=record,
        color_system=None if plain else color_system,  # type: ignore[arg-type]
        no_color=True if plain else None,
        force_terminal=force_terminal,
        highlight=False,
        emoji=False,
        markup=False,
    )


def header(kb: KnowledgeBase, question: Question, number: int, plain: bool) -> str:
    """"About your pain · question 7"."""
    text = words.QUESTION_HEADER.format(section=kb.section_title(question.section), number=number)
    return text.replace(" · ", ", ") if plain else text


# --- welcome and answers -------------------------------------------------------------
def welcome(plain: bool, *, typed: bool = False) -> RenderableType:
    """What the questionnaire is and is not, who it is for, and its keys (``typed``: answers are typed)."""
    keys = words.KEYS_HELP_TYPED if typed else words.KEYS_HELP
    keys = plain_text(keys) if plain else keys
    notice = overlay.review_notice()
    extra = [notice, ""] if notice else []
    if plain:
        return Text("\n".join([words.APP_NAME, "", words.WELCOME, "", words.WHO_FOR, "", *extra, keys, ""]))
    body = Group(Text(words.WELCOME), Text(""), Text(words.WHO_FOR), Text(""),
                 *(Text(line, style="bold") for line in extra),
                 Text(keys, style="dim"))
    return Panel(body, title=Text(words.APP_NAME, style="bold"), title_align="left",
                 box=box.ROUNDED, padding=(0, 1))


def answered(kb: KnowledgeBase, question: Question, value: AnswerValue, number: int,
             plain: bool) -> RenderableType:
    """One answered question as it stays on screen: number, question, then the answer."""
    answer = words.ANSWER_ECHO.format(answer=qtypes.answer_text(kb, question.id, value))
    grid = Table.grid()
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row(Text(f"{number}. ", style="" if plain else "dim"), Text(question.text))
    grid.add_row(Text(""), Text(answer, style="" if plain else "cyan"))
    return grid


def went_back(number: int, plain: bool) -> RenderableType:
    return Text(words.BACK_TO.format(number=number), style="" if plain else "dim")


# --- result ---------------------------------------------------------------------------
# The result's words come from triage.report; these functions add boxes, colour and bullets.
def _heading(title: str) -> Text:
    return Text(title, style="bold underline")


def _bullet(text: Text) -> Table:
    """A list item whose continuation lines stay under its first word."""
    grid = Table.grid()
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row("• ", text)
    return grid


def _indented(text: str, style: str = "") -> Padding:
    return Padding(Text(text, style=style), (0, 0, 0, 2))


def _reasoning(reasoning: report.Reasoning) -> list[RenderableType]:
    return [*(_indented(line) for line in reasoning.said), _indented(reasoning.because),
            _indented(reasoning.source, "dim")]


def _entry(entry: report.Entry) -> list[RenderableType]:
    if entry.level is not None:
        name = Text.assemble((entry.name, f"bold {LEVEL_STYLE[entry.level]}"),
                             " " + i18n.in_brackets(entry.level_title or ""))
    else:
        name = Text(entry.name, style="bold")
    out: list[RenderableType] = [_bullet(name), _indented(entry.about, "italic")]
    for reasoning in entry.reasons:
        out += _reasoning(reasoning)
    return [*out, Text("")]


def _section(section: report.Section) -> list[RenderableType]:
    out: list[RenderableType] = [_heading(section.title)]
    out += [Text(paragraph) for paragraph in section.paragraphs]
    for entry in section.entries:
        out += _entry(entry)
    for reasoning in section.reasons:  # a list of rules: each starts with its own bullet
        first, *rest = (*reasoning.said, reasoning.because)
        out += [_bullet(Text(first)), *(_indented(line) for line in rest),
                _indented(reasoning.source, "dim")]
    out += [_bullet(Text(point)) for point in section.points]
    for question, answer in section.rows:
        out += [_bullet(Text(question)), _indented(words.ANSWER_ECHO.format(answer=answer), "cyan")]
    out += [Text(paragraph, style="dim") for paragraph in section.fine_print]
    if out[-1] != Text(""):
        out.append(Text(""))
    return out


def _footer(doc: report.Report) -> list[RenderableType]:
    """The small print, then what to do now: the last lines, still on screen when the program ends."""
    style = f"bold {LEVEL_STYLE[doc.level]}"
    closing: list[RenderableType] = [Text(line, style=style) for line in doc.closing]
    return [Text(doc.disclaimer, style="italic"), Text(doc.footer, style="dim"),
            *([Text(""), *closing] if closing else [])]


def result_view(doc: report.Report) -> RenderableType:
    """The suggestion first, in a box of its level's colour and named in words; then every section."""
    style = LEVEL_STYLE[doc.level]
    notes: list[RenderableType] = [part for note in doc.notes for part in (Text(""), Text(note))]
    if doc.level == "emergency":
        top = Panel(
            Group(Text(doc.suggestion, style="bold"), *notes),
            title=Text(doc.level_title, style="bold reverse red"),
            border_style="bold red", box=box.HEAVY, expand=True, padding=(1, 1),
        )
    else:
        top = Panel(
            Group(Text(doc.suggestion, style="bold"), *notes),
            title=Text(doc.level_title, style=f"bold {style}"),
            title_align="left", border_style=style, box=box.ROUNDED, padding=(0, 1),
        )
    body = [part for section in doc.sections for part in _section(section)]
    return Group(top, Text(""), *body, *_footer(doc))


def show_result(console: Console, kb: KnowledgeBase, result: Result, plain: bool,
                clinic: Clinic = NO_CLINIC) -> report.Report:
    from triage import render, report

    console.print()
    doc = report.build(kb, result, clinic=clinic)
    if plain:
        console.print(Text(render.plain_report(doc, console.width)))
    else:
        console.print(result_view(doc))
    console.print()
    return doc


CLEAR_ALL: Final = "\x1b[H\x1b[2J\x1b[3J"
"""Cursor home, clear the screen, then clear the scrollback (as ``clear`` does). The scrollback is
cleared last: some terminals keep a cleared screen's lines in their scrollback."""


def clear_all(console: Console) -> None:
    """Clear the screen and its scrollback, so that nobody can scroll back to what was on it."""
    console.file.flush()
    console.file.write(CLEAR_ALL)
    console.file.flush()


def show_closing(console: Console, doc: report.Report, plain: bool) -> None:
    """What to do now, again, after anything printed below the result (saving it, a message)."""
    console.print()
    for line in doc.closing:
        console.print(Text(line) if plain else Text(line, style=f"bold {LEVEL_STYLE[doc.level]}"))
