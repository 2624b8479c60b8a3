"""What the questionnaire shows around the prompts: welcome, answers, result.

Styled screens use rich; ``--plain`` prints :func:`triage.render.plain` (no
colour, boxes or symbols). Colour is never the only carrier of meaning: every
level is named in words, and the emergency screen says what to do in words.
Text from the knowledge base is always wrapped in :class:`rich.text.Text`, so
no square bracket in it is read as markup.
"""

from __future__ import annotations

from typing import IO

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from triage import constants, render
from triage.models import AnswerValue, KnowledgeBase, Question
from triage.result import Reason, Result
from triage.terminal.text import plain_text

LEVEL_STYLE: dict[str, str] = {
    "emergency": "bold red",
    "urgent_doctor": "red",
    "doctor": "yellow",
    "acupuncturist": "green",
}


def make_console(plain: bool, *, file: IO[str] | None = None, width: int | None = None,
                 record: bool = False, color_system: str | None = "auto",
                 force_terminal: bool | None = None) -> Console:
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
    text = constants.QUESTION_HEADER.format(section=kb.section_title(question.section), number=number)
    return text.replace(" · ", ", ") if plain else text


# --- welcome and answers -------------------------------------------------------------
def welcome(plain: bool) -> RenderableType:
    keys = plain_text(constants.KEYS_HELP) if plain else constants.KEYS_HELP
    if plain:
        return Text("\n".join([constants.APP_NAME, "", constants.WELCOME, "", keys, ""]))
    body = Group(Text(constants.WELCOME), Text(""), Text(keys, style="dim"))
    return Panel(body, title=Text(constants.APP_NAME, style="bold"), title_align="left",
                 box=box.ROUNDED, padding=(0, 1))


def answered(kb: KnowledgeBase, question: Question, value: AnswerValue, number: int,
             plain: bool) -> RenderableType:
    """One answered question as it stays on screen: number, question, then the answer."""
    answer = constants.ANSWER_ECHO.format(answer=render.answer_text(kb, question.id, value))
    grid = Table.grid()
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row(Text(f"{number}. ", style="" if plain else "dim"), Text(question.text))
    grid.add_row(Text(""), Text(answer, style="" if plain else "cyan"))
    return grid


def went_back(number: int, plain: bool) -> RenderableType:
    return Text(constants.BACK_TO.format(number=number), style="" if plain else "dim")


# --- result ---------------------------------------------------------------------------
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


def _reasons(kb: KnowledgeBase, reasons: tuple[Reason, ...]) -> list[RenderableType]:
    out: list[RenderableType] = []
    for reason in reasons:
        out += [_indented(line) for line in render.because_lines(kb, reason)]
        out.append(_indented(reason.because))
        out.append(_indented(constants.RULE_SOURCE.format(source=reason.source, rule=reason.rule),
                             "dim"))
    return out


def _red_flags(kb: KnowledgeBase, result: Result) -> list[RenderableType]:
    if not result.red_flags:
        return []
    out: list[RenderableType] = [_heading(constants.HEADING_RED_FLAGS)]
    for flag in result.red_flags:
        level = constants.LEVEL_TITLE[flag.level]
        out.append(_bullet(Text.assemble((flag.name, f"bold {LEVEL_STYLE[flag.level]}"), f" ({level})")))
        out.append(_indented(flag.means, "italic"))
        out.extend(_reasons(kb, flag.rules))
        out.append(Text(""))
    return out


def _causes(kb: KnowledgeBase, result: Result) -> list[RenderableType]:
    if not result.causes:
        return []
    out: list[RenderableType] = [_heading(constants.HEADING_CAUSES)]
    for cause in result.causes:
        out.append(_bullet(Text(cause.name, style="bold")))
        out.append(_indented(cause.about, "italic"))
        out.extend(_reasons(kb, cause.rules))
        out.append(Text(""))
    return out


def _other_reasons(kb: KnowledgeBase, result: Result) -> list[RenderableType]:
    other = render.other_reasons(result)
    if not other:
        return []
    return [_heading(constants.HEADING_WHY_LEVEL), *_reasons(kb, other), Text("")]


def _acupuncture(result: Result) -> list[RenderableType]:
    if not result.acupuncture.suggested:
        return []
    return [_heading(constants.HEADING_ACUPUNCTURE), Text(result.acupuncture.note or ""),
            Text(result.acupuncture.evidence or "", style="dim"), Text("")]


def _notice(notice: render.Notice) -> list[RenderableType]:
    out: list[RenderableType] = [_heading(notice.title)]
    if notice.intro:
        out.append(Text(notice.intro))
    out += [_bullet(Text(item)) for item in notice.items]
    return [*out, Text("")]


def _incomplete(kb: KnowledgeBase, result: Result) -> list[RenderableType]:
    notice = render.incomplete_notice(kb, result)
    return [] if notice is None else _notice(notice)


def _advice(result: Result) -> list[RenderableType]:
    return [part for notice in render.advice_notices(result) for part in _notice(notice)]


def _footer(result: Result) -> list[RenderableType]:
    return [
        Text(result.disclaimer, style="italic"),
        Text(render.footer(result), style="dim"),
    ]


def _notes(result: Result) -> list[Text]:
    notes = []
    if result.stopped_early:
        notes += [Text(""), Text(constants.STOPPED_EARLY)]
    return notes


def result_view(kb: KnowledgeBase, result: Result) -> RenderableType:
    """The suggestion first, then red flags, causes with reasons, acupuncture, disclaimer."""
    style = LEVEL_STYLE[result.level]
    suggestion = Panel(
        Group(Text(result.suggestion, style="bold"), *_notes(result)),
        title=Text(constants.LEVEL_TITLE[result.level], style=f"bold {style}"),
        title_align="left", border_style=style, box=box.ROUNDED, padding=(0, 1),
    )
    return Group(suggestion, Text(""), *_incomplete(kb, result), *_red_flags(kb, result),
                 *_causes(kb, result), *_other_reasons(kb, result), *_acupuncture(result),
                 *_advice(result), *_footer(result))


def emergency_view(kb: KnowledgeBase, result: Result) -> RenderableType:
    """Full width: what to do now, in words; then the red flags that caused it."""
    now = Panel(
        Group(Text(constants.LEVEL_ADVICE["emergency"], style="bold"), Text(""),
              Text(constants.EMERGENCY_NOW), *_notes(result)),
        title=Text(constants.LEVEL_TITLE["emergency"], style="bold reverse red"),
        border_style="bold red", box=box.HEAVY, expand=True, padding=(1, 1),
    )
    return Group(now, Text(""), *_red_flags(kb, result), *_footer(result))


def result_plain(kb: KnowledgeBase, result: Result, width: int) -> Text:
    return Text(render.plain(kb, result, width=width))


def show_result(console: Console, kb: KnowledgeBase, result: Result, plain: bool) -> None:
    console.print()
    if plain:
        console.print(result_plain(kb, result, console.width))
    elif result.level == "emergency":
        console.print(emergency_view(kb, result))
    else:
        console.print(result_view(kb, result))
    console.print()
