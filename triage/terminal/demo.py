"""``triage demo``: made-up answers typed into the real questionnaire.

A demonstration (a scenario) is a small YAML file, read and checked by
:mod:`triage.scenarios`. The shipped ones are in ``scenarios/`` beside this
module; ``--scenarios DIR`` reads a clinic's own.

Playing one walks :class:`triage.flow.Interview`, exactly as a person at the
terminal does (``ask_if``, the emergency stop). Each question is put by its
real prompt (:func:`triage.terminal.prompts.ask`), and the keys a person
would press to give the scenario's answer are typed into it, through a pipe
instead of the keyboard, at a readable pace. As with a person, the prompt
then gives way to the answer that stays on screen. The result screen comes
last.

Each step, once answered, stays on screen with why the question is asked
and the rules that have fired on the answers so far (their reasons, and
their ids for the teacher), from the engine's evaluation of those answers
(:func:`triage.scenarios.fired_so_far`).

Pace: ``speed`` 1 is normal, 2 twice as fast; 0 (or :data:`INSTANT_FROM` and
above) shows everything at once. When standard output is not a terminal
(piped, or in tests) everything is shown at once and no key is read.

Keys (:data:`COMMANDS`), for a teacher stepping through: Space or p pauses
and plays on; → (n, l) shows the next step at once, paused or not; ← (b, h)
goes back one step, undoing the answers after it, and shows it again; r goes
straight to the result (the remaining answers are given at once, one line
says so); q stops calmly (exit 0). A key pressed while a step is being typed
finishes that step at once (a pause then holds after it), or, for back,
leaves it unanswered. Other keys do nothing. Ctrl-C stops, and so does the
end of input (Ctrl-D), as in the questionnaire. Keys are read with
prompt_toolkit, the terminal in raw mode (no echo) while the demonstration
plays; it is restored when the demonstration ends, however it ends.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from enum import Enum
from typing import Final, TextIO, cast

from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import Input, create_input, create_pipe_input
from prompt_toolkit.key_binding import KeyPress
from prompt_toolkit.keys import Keys
from prompt_toolkit.output import ColorDepth, Output, create_output
from prompt_toolkit.output.vt100 import Vt100_Output
from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from triage import errors, i18n, loader, pipeline, qtypes, words
from triage.engine import Engine, engine_for
from triage.errors import Problem
from triage.exits import EXIT_OK, EXIT_PROBLEMS
from triage.flow import Interview
from triage.models import AnswerValue, KnowledgeBase, Question, Rule
from triage.result import Result
from triage.scenarios import Scenario, find, fired_so_far, listing, load, rule_words
from triage.terminal import prompts, screens
from triage.terminal.text import plain_text

INSTANT_FROM: Final = 100.0
"""A speed this large, or larger, shows everything at once."""


# --- pace -----------------------------------------------------------------------------
READ, READ_PER_CHAR, READ_MOST = 0.5, 0.025, 2.5
"""Seconds to read a question: a moment, plus a little per character, at most this long."""
MOVE, TICK, TYPE, CONFIRM, AFTER, INTRO = 0.3, 0.4, 0.18, 0.6, 0.25, 3.0
"""Seconds at normal speed: a move of the pointer, a tick, a typed digit, before Enter, after
an answer, and after the introduction."""


class Command(Enum):
    """What a key asks of a demonstration."""

    PAUSE = "pause"
    NEXT = "next"
    BACK = "back"
    RESULT = "result"
    QUIT = "quit"


COMMANDS: Final[dict[str, Command]] = {
    " ": Command.PAUSE, "p": Command.PAUSE,
    Keys.Right: Command.NEXT, "n": Command.NEXT, "l": Command.NEXT,
    Keys.Left: Command.BACK, "b": Command.BACK, "h": Command.BACK,
    "r": Command.RESULT, Keys.End: Command.RESULT,
    "q": Command.QUIT,
}
"""The keys a demonstration obeys (letters in either case); any other key does nothing."""


class Quit(Exception):
    """q: the person watching ended the demonstration."""


class GoBack(Exception):
    """← while a step was being typed: that step stays unanswered, and the one before is shown."""


Wait = Callable[[float], Command | None]
"""Wait up to this many seconds (``math.inf``: until a key); the command of a key pressed
meanwhile, or None. Ctrl-C raises ``KeyboardInterrupt``, the end of input ``EOFError``."""


def sleep(seconds: float) -> Command | None:
    time.sleep(seconds)
    return None


def is_instant(speed: float) -> bool:
    return speed == 0 or speed >= INSTANT_FROM


@dataclass
class Pace:
    """How fast to play, and what the keys pressed so far asked for.

    Within a step (:meth:`pause`, while the keys of an answer are typed) a
    key finishes the step at once; between steps (:meth:`between`) the
    demonstration waits, for good while paused.
    """

    speed: float = 1.0
    wait: Wait = sleep
    skipped: bool = False
    """Straight to the result: every answer left is given at once."""
    paused: bool = False
    hurried: bool = False
    """The rest of this step at once (a key asked for the next step, or a pause)."""
    on_pause: Callable[[], None] | None = None
    """Called when a pause begins, between steps: to say so."""
    told: bool = False
    """Whether ``on_pause`` has been called for this pause."""

    @property
    def instant(self) -> bool:
        return self.skipped or is_instant(self.speed)

    @property
    def at_once(self) -> bool:
        """Whether this step is shown at once, without typing."""
        return self.instant or self.paused or self.hurried

    def pause(self, seconds: float) -> None:
        """A pause within a step; raises :class:`GoBack` or :class:`Quit` when a key asks for it."""
        if self.at_once:
            return
        match self.wait(seconds / self.speed):
            case Command.RESULT:
                self.skipped = True
            case Command.NEXT:
                self.hurried = True
            case Command.PAUSE:
                self.hurried = self.paused = True
            case Command.BACK:
                raise GoBack
            case Command.QUIT:
                raise Quit
            case _:  # no key, or one that asks for nothing
                pass

    def between(self, seconds: float) -> bool:
        """The wait after a step is shown (or after the introduction); True when a key asked to go
        back one step. While paused it waits for a key; raises :class:`Quit` when one asks for it."""
        self.hurried = False
        while not self.instant:
            if self.paused and not self.told and self.on_pause is not None:
                self.on_pause()
            self.told = self.paused
            match self.wait(math.inf if self.paused else seconds / self.speed):
                case Command.PAUSE:
                    self.paused = not self.paused
                    self.told = False
                    if not self.paused:
                        return False
                case Command.BACK:
                    return True
                case Command.RESULT:
                    self.skipped = True
                case Command.QUIT:
                    raise Quit
                case _:  # the next step: asked for, or its time has come
                    return False
        return False


async def _keys_within(keyboard: Input, seconds: float | None) -> list[KeyPress] | None:
    """The keys pressed within ``seconds`` (None: however long it takes), or None when none was."""
    ready = asyncio.Event()
    with keyboard.attach(ready.set):
        try:
            await asyncio.wait_for(ready.wait(), seconds)
        except TimeoutError:
            return None
    return keyboard.read_keys() + keyboard.flush_keys()  # flushed: a lone Escape is a key too


def command(key: str) -> Command | None:
    """What a key asks for (:data:`COMMANDS`), or None."""
    return COMMANDS.get(key.lower() if len(key) == 1 else key)


@contextmanager
def key_reader(keyboard: Input | None = None) -> Iterator[Wait]:
    """A wait that a key of :data:`COMMANDS` cuts short, reading keys from the terminal (or ``keyboard``).

    The terminal is in raw mode while it lasts (prompt_toolkit's, as for a
    prompt): keys are not echoed, and Ctrl-C arrives as a key, which stops as
    it does in a prompt; so does Ctrl-D, or the end of input. The terminal's
    settings come back afterwards, however the demonstration ends, and keys
    pressed meanwhile are read and dropped rather than left for the shell.
    """
    keys = keyboard if keyboard is not None else create_input()

    def wait(seconds: float) -> Command | None:
        until = time.monotonic() + seconds
        while (left := until - time.monotonic()) > 0:
            pressed = asyncio.run(_keys_within(keys, left if math.isfinite(left) else None))
            if pressed is None:
                return None
            names = {press.key for press in pressed}
            if Keys.ControlC in names:
                raise KeyboardInterrupt
            if Keys.ControlD in names or keys.closed:
                raise EOFError
            asked = [c for c in (command(press.key) for press in pressed) if c is not None]
            if asked:
                return asked[0]
        return None

    with keys.raw_mode():
        try:
            yield wait
        finally:
            if not keys.closed:
                keys.read_keys()
                keys.flush_keys()


# --- typing into the real prompt ------------------------------------------------------
ENTER: Final = "\r"
DOWN: Final = "\x1b[B"
SPACE: Final = " "
CTRL_C: Final = "\x03"
CTRL_D: Final = "\x04"


PRESSES: Final[dict[str, tuple[str, float]]] = {qtypes.DOWN: (DOWN, MOVE), qtypes.SPACE: (SPACE, TICK)}
"""A key of :meth:`triage.qtypes.QType.demo_keys` as typed into the prompt, with the pause after it."""


def presses(question: Question, value: AnswerValue) -> list[tuple[str, float]]:
    """The keys that give ``value`` to a fresh prompt for ``question``, each with the pause after it.

    Enter, which confirms, comes after these. Which keys is the question type's
    business (:meth:`triage.qtypes.QType.demo_keys`); any key other than a
    move or a tick is a character typed.
    """
    return [PRESSES.get(key, (key, TYPE)) for key in qtypes.of(question).demo_keys(question, value)]


def read_time(question: Question) -> float:
    return min(READ + READ_PER_CHAR * len(question.text), READ_MOST)


def prompt_output(console: Console) -> Output:
    """Where the prompts draw: the console's terminal (or, in tests, its file, at its size).

    The terminal is never asked where its cursor is: the reply would arrive
    among the keys of the person watching, and count as one.
    """
    if console.file is sys.stdout and sys.stdout.isatty():
        output = create_output()
    else:  # as create_output() would make it for a terminal of the console's size
        output = Vt100_Output(cast("TextIO", console.file),
                              lambda: Size(rows=console.height, columns=console.width), term="xterm",
                              default_color_depth=ColorDepth.from_env())
    if isinstance(output, Vt100_Output):
        output.enable_cpr = False
    return output


def type_answer(question: Question, value: AnswerValue, ctx: prompts.PromptContext, pace: Pace) -> None:
    """Put ``question`` with its real prompt, and type the keys that give ``value``, at the pace.

    The prompt runs here, as in the questionnaire, reading a pipe instead of
    the keyboard; a second thread types into the pipe, pausing between keys
    (where a key from the person watching makes the rest come at once).
    Ctrl-C or the end of input meanwhile is typed into the prompt, which then
    stops as it does in the questionnaire.
    """
    failed: list[BaseException] = []
    with create_pipe_input() as pipe:
        def typist() -> None:
            try:
                pace.pause(read_time(question))
                for key, after in presses(question, value):
                    pipe.send_text(key)
                    pace.pause(after)
                pace.pause(CONFIRM)
                pipe.send_text(ENTER)
            except KeyboardInterrupt:
                pipe.send_text(CTRL_C)
            except EOFError:
                pipe.send_text(CTRL_D)
            except (GoBack, Quit) as asked:  # the prompt stops (and is erased); this is raised instead
                failed.append(asked)
                pipe.send_text(CTRL_C)
            except BaseException as exc:  # noqa: BLE001 - raised again below, by the prompt's thread
                failed.append(exc)
                pipe.close()  # the prompt ends rather than wait for keys that will not come

        thread = threading.Thread(target=typist, name="demo-typist", daemon=True)
        thread.start()
        try:
            reply = prompts.ask(question, None, replace(ctx, input=pipe))
        finally:
            thread.join()
            if failed:  # the typist's own error, rather than the end of input it caused
                raise failed[0]
    if reply != value:
        raise RuntimeError(f"the keys typed for `{question.id}` gave {reply!r}, not {value!r}")


# --- playing --------------------------------------------------------------------------
def intro(scenario: Scenario, plain: bool, reads_keys: bool) -> RenderableType:
    lines = [words.DEMO_NOTE] + ([words.DEMO_STEP_KEYS] if reads_keys else [])
    if plain:
        return Text("\n".join([words.DEMO_TITLE, scenario.title, scenario.story, "",
                               *(plain_text(line) for line in lines), ""]))
    body = Group(Text(scenario.title, style="bold"), Text(scenario.story), Text(""),
                 *(Text(line, style="dim") for line in lines))
    return Panel(body, title=Text(words.DEMO_TITLE, style="bold"), title_align="left",
                 box=box.ROUNDED, padding=(0, 1))


def _rule_line(rule: Rule, plain: bool) -> Text:
    """A rule's reason in plain words, its id after it for the teacher (dim)."""
    before, rule_id, after = rule_words(rule)
    return Text.assemble(before, (rule_id, "" if plain else "dim"), after)


def step_view(  # noqa: PLR0913  one step's parts, by keyword
        kb: KnowledgeBase, engine: Engine, question: Question, value: AnswerValue, *, number: int,
        answers: dict[str, AnswerValue], plain: bool) -> RenderableType:
    """One step as it stays on screen: number, question and answer, why we ask, and the rules fired
    on ``answers`` (those given up to this step)."""
    answer = words.ANSWER_ECHO.format(answer=qtypes.answer_text(kb, question.id, value))
    grid = Table.grid()
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row(Text(f"{number}. ", style="" if plain else "dim"), Text(question.text))
    grid.add_row(Text(""), Text(answer, style="" if plain else "cyan"))
    grid.add_row(Text(""), Text(words.WHY_WE_ASK.format(why=question.why), style="" if plain else "italic"))
    fired = fired_so_far(kb, engine, answers)
    if not fired:
        grid.add_row(Text(""), Text(words.DEMO_NONE_FIRED))
        return grid
    grid.add_row(Text(""), Text(i18n.label_alone(words.DEMO_FIRED), style="" if plain else "bold"))
    bullets = Table.grid()
    bullets.add_column(no_wrap=True)
    bullets.add_column()
    for rule in fired:
        bullets.add_row("- " if plain else "• ", _rule_line(rule, plain))
    grid.add_row(Text(""), bullets)
    return grid


def _note(text: str, plain: bool) -> Text:
    return Text(text, style="" if plain else "dim")


def _shown(console: Console, kb: KnowledgeBase, engine: Engine, interview: Interview, plain: bool) -> None:
    """The last step answered, shown (again)."""
    qid = interview.path[-1]
    console.print(step_view(kb, engine, kb.question(qid), interview.answers[qid], number=len(interview.path),
                            answers=interview.path_answers(), plain=plain))


def _back(console: Console, kb: KnowledgeBase, engine: Engine, interview: Interview, plain: bool) -> None:
    """Back one step: the last step's answer undone, and the step before it shown again."""
    if len(interview.path) < 2:
        console.print(_note(words.DEMO_FIRST_STEP, plain))
        return
    interview.back()
    console.print(_note(words.DEMO_BACK_TO_STEP.format(number=len(interview.path)), plain))
    _shown(console, kb, engine, interview, plain)


def play(  # noqa: PLR0913  what to play, then how, by keyword
        kb: KnowledgeBase, engine: Engine, scenario: Scenario, *, console: Console, plain: bool, pace: Pace,
        reads_keys: bool = False) -> Result:
    """Welcome, every question the flow asks with its answer (and the steps the keys ask for), then
    the result screen."""
    console.print(intro(scenario, plain, reads_keys))
    console.print(screens.welcome(plain))
    pace.on_pause = lambda: console.print(_note(words.DEMO_PAUSED, plain))
    interview = Interview(kb, engine)
    given_at_once = 0
    back = pace.between(INTRO)
    while True:
        while back:
            _back(console, kb, engine, interview, plain)
            back = pace.between(AFTER)
        question = interview.current
        if question is None:
            break
        value = scenario.answers[question.id]
        if pace.skipped:
            given_at_once += 1
            interview.answer(value)
            continue
        if not pace.at_once:
            ctx = prompts.PromptContext(header=screens.header(kb, question, interview.number, plain),
                                        can_go_back=bool(interview.path), plain=plain,
                                        output=prompt_output(console))
            try:
                type_answer(question, value, ctx, pace)
            except GoBack:
                back = True
                continue
        interview.answer(value)
        _shown(console, kb, engine, interview, plain)
        back = pace.between(AFTER)
    if given_at_once:
        note = i18n.plural(words.DEMO_SKIPPED, given_at_once)
        console.print(_note(note.format(n=given_at_once), plain))
    result = pipeline.assess(kb, interview.path_answers(), source=scenario.file)
    screens.show_result(console, kb, result, plain)
    return result


def choose(scenarios: list[Scenario], plain: bool) -> Scenario:
    """Ask which demonstration to play, with the questionnaire's own list prompt."""
    wanted = prompts.select(words.DEMO_CHOOSE, [(s.title, s.id) for s in scenarios],
                            prompts.PromptContext(plain=plain))
    return find(scenarios, wanted)


def run(args: argparse.Namespace) -> int:
    """``triage demo``: list, or choose and play; 1 when the result is not the one expected."""
    plain = bool(getattr(args, "plain", False))
    kb = loader.load(args.questions, args.rules)
    engine = engine_for(kb)
    scenarios = load(kb, engine, args.scenarios)
    if args.list:
        # wrapped to a terminal's width; one line a demonstration into a pipe
        print(listing(scenarios, shutil.get_terminal_size().columns if sys.stdout.isatty() else 0), end="")
        return EXIT_OK
    on_terminal = sys.stdout.isatty()
    keys = on_terminal and sys.stdin.isatty()
    if args.scenario is not None:
        scenario = find(scenarios, args.scenario)
    else:
        scenario = choose(scenarios, plain) if keys else scenarios[0]
    speed = float(args.speed) if on_terminal else 0.0
    keys = keys and not is_instant(speed)
    console = screens.make_console(plain)
    try:
        with key_reader() if keys else nullcontext(sleep) as wait:
            result = play(kb, engine, scenario, console=console, plain=plain, pace=Pace(speed, wait),
                          reads_keys=keys)
    except Quit:
        console.print(_note(words.DEMO_QUIT, plain))
        return EXIT_OK
    if result.level != scenario.expect_level:
        print(Problem(scenario.file, scenario.level_line, errors.SCENARIO_LEVEL_MISSED.format(
            expected=scenario.expect_level, level=result.level)), file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK
