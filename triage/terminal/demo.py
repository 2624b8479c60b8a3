"""``triage demo``: made-up answers played through the real questionnaire screens.

A demonstration (a scenario) is a small YAML file: ``id``, ``title``, a
one-line ``story``, ``answers`` (an answers file, ``question_id: answer``)
and ``expect_level``. The shipped ones are in ``scenarios/`` beside this
module; ``--scenarios DIR`` reads a clinic's own.

Playing one walks :class:`triage.flow.Interview`, exactly as a person at the
terminal does (``ask_if``, the emergency stop). Each question is drawn as its
prompt draws it (header, question, key hints, choices; the same words and
wrapping from :mod:`triage.terminal.prompts`), the answer appears as if
chosen or typed, and, as with the real prompt, the question then gives way
to the answer that stays on screen. The result screen comes last.

Pace: ``speed`` 1 is normal, 2 twice as fast; 0 (or :data:`INSTANT_FROM` and
above) shows everything at once. When standard output is not a terminal
(piped, or in tests) everything is shown at once and no key is read.

Skipping: any key goes straight to the result: the remaining answers are
given at once, one line says so, and the result follows. Keys are read
with the terminal's echo and line buffering off (Ctrl-C still stops); the
terminal is restored when the demonstration ends, however it ends.
"""

from __future__ import annotations

import argparse
import os
import re
import select
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from prompt_toolkit.styles import Attrs, default_ui_style, merge_styles
from questionary.styles import merge_styles_default
from rich import box
from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.panel import Panel
from rich.text import Text

from triage import constants, errors, loader, yamlsrc
from triage import result as results
from triage.answers import validate
from triage.engine import Engine, engine_for
from triage.errors import Problem, TriageError
from triage.exits import EXIT_OK, EXIT_PROBLEMS
from triage.flow import Interview, simulate
from triage.models import LEVELS, AnswerValue, KnowledgeBase, Question, rank
from triage.paths import display
from triage.result import Result
from triage.terminal import prompts, screens
from triage.terminal.text import plain_text

SCENARIOS: Final = Path(__file__).resolve().parent / "scenarios"
KEYS: Final = ("id", "title", "story", "answers", "expect_level")
ID_PATTERN: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
INSTANT_FROM: Final = 100.0
"""A speed this large, or larger, shows everything at once."""



# --- scenarios ------------------------------------------------------------------------
@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    story: str
    answers: dict[str, AnswerValue]
    expect_level: str
    file: str
    """The file, as messages name it."""
    level_line: int | None = None
    """The line of ``expect_level``, for a message when the result differs."""


def _found(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"`{value}`"
    if isinstance(value, bool | int | float):
        return f"`{value}`"
    return "a list" if isinstance(value, list) else "a mapping"


def _read(kb: KnowledgeBase, engine: Engine, path: Path) -> tuple[Scenario | None, list[Problem]]:
    """One scenario file: the scenario, or the problems that keep it from playing."""
    name = display(path)
    try:
        source = yamlsrc.load(path, name)
    except TriageError as exc:
        return None, list(exc.problems)
    data: Any = source.data
    top = source.line(())
    if not isinstance(data, dict):
        found = "an empty file" if data is None else _found(data)
        return None, [Problem(name, top, errors.SCENARIO_NOT_MAPPING.format(found=found))]
    problems: list[Problem] = []

    def problem(at: str | None, template: str, /, **fields: object) -> None:
        line = source.line((at,)) if at is not None else top
        problems.append(Problem(name, line, template.format(**fields)))

    for key in data:
        if key not in KEYS:
            problem(str(key), errors.SCENARIO_UNKNOWN_KEY, key=key, hint=errors.did_you_mean(str(key), KEYS))
    for key in KEYS:
        if key not in data:
            problem(None, errors.SCENARIO_MISSING_KEY, key=key,
                    keys=", ".join(f"`{k}`" for k in KEYS))
    sid, level = data.get("id"), data.get("expect_level")
    if "id" in data and not (isinstance(sid, str) and ID_PATTERN.match(sid)):
        problem("id", errors.SCENARIO_BAD_ID, found=_found(sid))
    for key in ("title", "story"):
        if key in data and not (isinstance(data[key], str) and data[key].strip()):
            problem(key, errors.SCENARIO_NOT_TEXT, key=key, found=_found(data[key]))
    if "expect_level" in data and level not in LEVELS:
        hint = errors.did_you_mean(str(level), LEVELS) if isinstance(level, str) else ""
        problem("expect_level", errors.SCENARIO_BAD_LEVEL, found=_found(level), hint=hint,
                levels=", ".join(f"`{lv}`" for lv in LEVELS))
    raw = data.get("answers")
    answers: dict[str, AnswerValue] = {}
    if "answers" in data:
        if isinstance(raw, dict):
            answers, wrong = validate(kb, raw, source, ("answers",))
            problems += wrong
            if not wrong:
                problems += _flow_problems(kb, engine, answers, source)
        else:
            problem("answers", errors.SCENARIO_ANSWERS_NOT_MAPPING, found=_found(raw))
    if problems:
        return None, problems
    scenario = Scenario(id=data["id"], title=" ".join(data["title"].split()),
                        story=" ".join(data["story"].split()), answers=answers,
                        expect_level=data["expect_level"], file=name,
                        level_line=source.line(("expect_level",)))
    return scenario, []


def _flow_problems(kb: KnowledgeBase, engine: Engine, answers: dict[str, AnswerValue],
                   source: yamlsrc.Source) -> list[Problem]:
    """A demonstration answers every question the flow asks, and nothing it does not."""
    flow = simulate(kb, engine, answers)
    out = [Problem(source.name, source.line(("answers",)), errors.SCENARIO_UNANSWERED.format(id=qid))
           for qid in flow.asked if qid not in answers]
    out += [Problem(source.name, source.line(("answers", qid)),
                    errors.SCENARIO_NOT_ASKED.format(id=qid, reason=constants.IGNORED_REASONS[reason]))
            for qid, reason in flow.ignored]
    return out


def load(kb: KnowledgeBase, engine: Engine, folder: Path | None = None) -> list[Scenario]:
    """Every scenario in ``folder`` (default: the shipped ones), most urgent first.

    Raises :class:`TriageError` with every problem in every file, each
    ``file:line: message``.
    """
    folder = SCENARIOS if folder is None else folder
    name = display(folder)
    if not folder.is_dir():
        raise errors.fail(name, None, errors.SCENARIOS_NOT_A_FOLDER)
    paths = sorted(folder.glob("*.yaml"))
    if not paths:
        raise errors.fail(name, None, errors.NO_SCENARIOS)
    scenarios: list[Scenario] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in paths:
        scenario, wrong = _read(kb, engine, path)
        problems += wrong
        if scenario is None:
            continue
        if scenario.id in seen:
            problems.append(Problem(scenario.file, None, errors.SCENARIO_DUPLICATE_ID.format(
                id=scenario.id, other=seen[scenario.id])))
            continue
        seen[scenario.id] = scenario.file
        scenarios.append(scenario)
    if problems:
        raise TriageError(problems)
    return sorted(scenarios, key=lambda s: rank(s.expect_level))


def find(scenarios: list[Scenario], wanted: str) -> Scenario:
    for scenario in scenarios:
        if scenario.id == wanted:
            return scenario
    hint = errors.did_you_mean(wanted, [s.id for s in scenarios])
    raise errors.fail("triage demo", None, errors.UNKNOWN_SCENARIO, id=wanted, hint=hint)


def listing(scenarios: list[Scenario]) -> str:
    """One line per scenario: id, title, expected level, in columns."""
    id_width = max(len(s.id) for s in scenarios)
    title_width = max(len(s.title) for s in scenarios)
    return "".join(f"{s.id:<{id_width}}  {s.title:<{title_width}}  {s.expect_level}\n"
                   for s in scenarios)


# --- pace -----------------------------------------------------------------------------
READ, READ_PER_CHAR, READ_MOST = 0.5, 0.025, 2.5
"""Seconds to read a question: a moment, plus a little per character, at most this long."""
MOVE, TICK, TYPE, CONFIRM, AFTER, INTRO = 0.3, 0.4, 0.18, 0.6, 0.25, 3.0
"""Seconds at normal speed: a move of the pointer, a tick, a typed digit, before Enter, after
an answer, and after the introduction."""

Wait = Callable[[float], bool]
"""Wait up to this many seconds; True when a key was pressed meanwhile."""


def sleep(seconds: float) -> bool:
    time.sleep(seconds)
    return False


def is_instant(speed: float) -> bool:
    return speed == 0 or speed >= INSTANT_FROM


@dataclass
class Pace:
    """How fast to play, and whether a key has asked to skip ahead."""

    speed: float = 1.0
    wait: Wait = sleep
    skipped: bool = False

    @property
    def instant(self) -> bool:
        return self.skipped or is_instant(self.speed)

    def pause(self, seconds: float) -> None:
        if self.instant:
            return
        if self.wait(seconds / self.speed):
            self.skipped = True


@contextmanager
def key_reader() -> Iterator[Wait]:
    """A wait that a key press cuts short, reading keys from the terminal without echo.

    Echo and line buffering are off while it lasts; Ctrl-C still stops. The
    terminal's settings come back afterwards, however the demonstration ends,
    and keys pressed meanwhile are discarded rather than left for the shell.
    """
    import termios

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    mode = termios.tcgetattr(fd)
    mode[3] &= ~(termios.ECHO | termios.ICANON)
    mode[6][termios.VMIN], mode[6][termios.VTIME] = 1, 0

    def wait(seconds: float) -> bool:
        ready, _, _ = select.select([fd], [], [], seconds)
        if not ready:
            return False
        os.read(fd, 1024)  # the whole key, even one sent as several bytes (arrows)
        return True

    termios.tcsetattr(fd, termios.TCSANOW, mode)
    try:
        yield wait
    finally:
        termios.tcflush(fd, termios.TCIFLUSH)
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


# --- the question screen --------------------------------------------------------------
CLASSES: Final = ("qmark", "question", "instruction", "pointer", "highlighted", "selected")


def _rich_style(attrs: Attrs) -> str:
    """prompt_toolkit's attributes in rich's words: Attrs(color="ansicyan", bold=True) -> "bold cyan"."""
    words = [name for name in ("bold", "dim", "italic", "underline", "strike", "blink", "reverse")
             if getattr(attrs, name)]
    for colour, prefix in ((attrs.color, ""), (attrs.bgcolor, "on ")):
        if colour and colour.startswith("ansi"):
            words.append(prefix + colour.removeprefix("ansi").replace("bright", "bright_"))
        elif colour:
            words.append(f"{prefix}#{colour}")
    return " ".join(words)


def styles(plain: bool) -> dict[str, str]:
    """Each part of a prompt in the colours the prompt shows it in; none in plain mode.

    Worked out as the prompt works them out: prompt_toolkit's defaults, then
    questionary's, then :data:`prompts.STYLE`.
    """
    if plain:
        return {}
    merged = merge_styles([default_ui_style(), merge_styles_default([prompts.STYLE])])
    return {name: _rich_style(merged.get_attrs_for_style_str(f"class:{name}")) for name in CLASSES}


@dataclass(frozen=True)
class State:
    """Where an answer has got to: the pointer, the ticked options, the digits typed."""

    pointer: int = 0
    ticked: frozenset[str] = frozenset()
    typed: str = ""


def question_screen(question: Question, ctx: prompts.PromptContext, state: State = State()) -> Text:
    """The question as its prompt shows it: header, question, key hints, then the choices or the typing."""
    style = styles(ctx.plain)
    text = Text()
    text.append(ctx.qmark, style.get("qmark", ""))
    text.append(f" {ctx.question(question)} ", style.get("question", ""))
    if question.type in ("number", "scale"):
        text.append(f" {prompts.instruction(question, ctx)} ", style.get("instruction", ""))
        text.append(state.typed)
        if not ctx.plain:
            text.append(" ", "reverse")  # the cursor
        return text
    text.append(prompts.instruction(question, ctx), style.get("instruction", ""))
    multi = question.type == "multi"
    ticked_box, empty_box = prompts.indicators(ctx.plain)
    for index, (title, value) in enumerate(prompts.choices(question)):
        text.append("\n")
        if index == state.pointer:
            text.append(f" {ctx.pointer} ", style.get("pointer", ""))
        else:
            text.append(" " * (2 + len(ctx.pointer)))
        ticked = value in state.ticked
        if multi and ticked:
            text.append(f"{ticked_box} ", style.get("selected", ""))
        elif multi:
            text.append(f"{empty_box} ")
        label_style = "selected" if ticked else "highlighted" if index == state.pointer else ""
        text.append(ctx.label(title, tick_box=multi), style.get(label_style, ""))
    return text


def steps(question: Question, value: AnswerValue) -> Iterator[tuple[State, float]]:
    """The answer as keys would give it to a fresh prompt: each state, and the pause after it."""
    if question.type in ("number", "scale"):
        typed = str(value)
        for end in range(1, len(typed) + 1):
            yield State(typed=typed[:end]), TYPE
        return
    values = [v for _, v in prompts.choices(question)]
    if question.type == "multi":
        chosen = value if isinstance(value, tuple) else ()
        at, ticked = 0, frozenset[str]()
        for index, option in enumerate(values):
            if option not in chosen:
                continue
            for step in range(at + 1, index + 1):
                yield State(pointer=step, ticked=ticked), MOVE
            at, ticked = index, ticked | {option}
            yield State(pointer=at, ticked=ticked), TICK
        return
    if question.type == "yes_no":
        wanted = next(key for key, v in prompts.YES_NO_VALUES.items() if v == value)
    else:
        wanted = str(value)
    for step in range(1, values.index(wanted) + 1):
        yield State(pointer=step), MOVE


def read_time(question: Question) -> float:
    return min(READ + READ_PER_CHAR * len(question.text), READ_MOST)


# --- playing --------------------------------------------------------------------------
def intro(scenario: Scenario, plain: bool, reads_keys: bool) -> RenderableType:
    lines = [constants.DEMO_NOTE] + ([constants.DEMO_KEYS] if reads_keys else [])
    if plain:
        return Text("\n".join([constants.DEMO_TITLE, scenario.title, scenario.story, "",
                               *(plain_text(line) for line in lines), ""]))
    body = Group(Text(scenario.title, style="bold"), Text(scenario.story), Text(""),
                 *(Text(line, style="dim") for line in lines))
    return Panel(body, title=Text(constants.DEMO_TITLE, style="bold"), title_align="left",
                 box=box.ROUNDED, padding=(0, 1))


def _show(console: Console, question: Question, value: AnswerValue, ctx: prompts.PromptContext,
          pace: Pace) -> None:
    """Draw the question and the answer arriving; the drawing is erased when done."""
    with Live(question_screen(question, ctx), console=console, transient=True, auto_refresh=False,
              redirect_stdout=False, redirect_stderr=False) as live:
        pace.pause(read_time(question))
        for state, after in steps(question, value):
            if pace.instant:
                return
            live.update(question_screen(question, ctx, state), refresh=True)
            pace.pause(after)
        pace.pause(CONFIRM)


def play(kb: KnowledgeBase, engine: Engine, scenario: Scenario, *, console: Console, plain: bool,
         pace: Pace, reads_keys: bool = False) -> Result:
    """Welcome, every question the flow asks with its answer, then the result screen."""
    console.print(intro(scenario, plain, reads_keys))
    console.print(screens.welcome(plain))
    pace.pause(INTRO)
    interview = Interview(kb, engine)
    given_at_once = 0
    while interview.current is not None:
        question = interview.current
        value = scenario.answers[question.id]
        if pace.skipped:
            given_at_once += 1
        else:
            if not pace.instant:
                ctx = prompts.PromptContext(header=screens.header(kb, question, interview.number, plain),
                                            can_go_back=bool(interview.path), plain=plain)
                _show(console, question, value, ctx, pace)
            console.print(screens.answered(kb, question, value, interview.number, plain))
            pace.pause(AFTER)
        interview.answer(value)
    if given_at_once:
        note = constants.DEMO_SKIPPED_ONE if given_at_once == 1 else constants.DEMO_SKIPPED
        console.print(Text(note.format(n=given_at_once), style="" if plain else "dim"))
    result = results.build(kb, interview.flow_result(), source=scenario.file)
    screens.show_result(console, kb, result, plain)
    return result


def choose(scenarios: list[Scenario], plain: bool) -> Scenario:
    """Ask which demonstration to play, with the questionnaire's own list prompt."""
    wanted = prompts.select(constants.DEMO_CHOOSE, [(s.title, s.id) for s in scenarios],
                            prompts.PromptContext(plain=plain))
    return find(scenarios, wanted)


def run(args: argparse.Namespace) -> int:
    """``triage demo``: list, or choose and play; 1 when the result is not the one expected."""
    plain = bool(getattr(args, "plain", False))
    kb = loader.load(args.questions, args.rules)
    engine = engine_for(kb)
    scenarios = load(kb, engine, args.scenarios)
    if args.list:
        print(listing(scenarios), end="")
        return EXIT_OK
    on_terminal = sys.stdout.isatty()
    keys = on_terminal and sys.stdin.isatty()
    if args.scenario is not None:
        scenario = find(scenarios, args.scenario)
    else:
        scenario = choose(scenarios, plain) if keys else scenarios[0]
    speed = float(args.speed) if on_terminal else 0.0
    keys = keys and not is_instant(speed) and sys.platform != "win32"  # keys are read with termios
    console = screens.make_console(plain)
    with key_reader() if keys else nullcontext(sleep) as wait:
        result = play(kb, engine, scenario, console=console, plain=plain, pace=Pace(speed, wait),
                      reads_keys=keys)
    if result.level != scenario.expect_level:
        print(Problem(scenario.file, scenario.level_line, errors.SCENARIO_LEVEL_MISSED.format(
            expected=scenario.expect_level, level=result.level)), file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK
