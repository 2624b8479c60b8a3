"""The interactive questionnaire: welcome, questions, result, and saving.

The walk itself (order, ``ask_if``, back, the emergency stop) is
:class:`triage.flow.Interview`; this module only asks, shows and saves.

After an emergency, a person at the terminal may change their last answer
(an answer chosen by mistake need not end the questionnaire for good): the
questionnaire goes back to that question, with that answer at the pointer,
and goes on from there. Finish, the first choice, leaves what to do now as the
last lines on screen. The offer is made only where someone answers with the
arrows: not with ``--plain`` nor ``--answers-out``.

At a shared computer (``--clear-at-end``, or the clinic's ``clear_at_end``),
the screen and its scrollback are cleared when the person is done, once they
have pressed Enter (see :class:`Ending`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, cast

from triage import clinic, errors, i18n, loader, resume_collection, words
from triage.exits import EXIT_OK, EXIT_PROBLEMS
from triage.flow import Interview
from triage.paths import display
from triage.terminal import prompts, screens

if TYPE_CHECKING:
    from rich.console import Console

    from triage import report
    from triage.engine import Engine
    from triage.models import AnswerValue, Evaluation, KnowledgeBase
    from triage.result import Result

# What is needed only once the questions are answered (the result, its report, the summaries and
# saving them) is imported there: the first question is on screen sooner.


def check_output(path: Path) -> None:
    """Refuse ``--answers-out`` before any question if it could not be written.

    The file must not exist (nor be a folder, nor a link), and its folder must
    exist and be writable. This is checked again by the write itself at the end
    (see :func:`run`), since the folder can change while the questions are answered.
    """
    name = display(path)
    if path.is_dir():
        raise errors.fail("triage", None, errors.OUTPUT_IS_FOLDER, path=name)
    if os.path.lexists(path):
        raise errors.fail("triage", None, errors.OUTPUT_EXISTS, path=name)
    folder = path.parent
    if not folder.is_dir():
        raise errors.fail("triage", None, errors.OUTPUT_NO_FOLDER, folder=display(folder), path=name)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise errors.fail("triage", None, errors.OUTPUT_NOT_WRITABLE, folder=display(folder), path=name)


def questionnaire(interview: Interview, console: Console, plain: bool) -> None:
    """Ask until the interview is finished (all asked, or stopped).

    With ``plain`` the answers are typed (numbered lists); otherwise, on a first visit to a yes/no
    question, Enter takes "Yes" only after an arrow key (see :mod:`triage.terminal.prompts`).
    """
    kb = interview.kb
    while interview.current is not None:
        question = interview.current
        ctx = prompts.PromptContext(header=screens.header(kb, question, interview.number, plain),
                                    can_go_back=bool(interview.path), plain=plain, typed=plain,
                                    explicit_choice=not plain)
        reply = prompts.ask(question, interview.previous_answer(), ctx)
        if isinstance(reply, prompts.Back):
            interview.back()
            console.print(screens.went_back(interview.number, plain))
            continue
        console.print(screens.answered(kb, question, reply, interview.number, plain))
        interview.answer(reply)


def _file_name_check(text: str) -> bool | str:
    name = text.strip()
    if not name:
        return words.SAVE_EMPTY_NAME
    path = Path(name).expanduser()
    if path.is_dir():
        return words.SAVE_IS_FOLDER.format(name=name)
    folder = path.parent
    if str(folder) and not folder.is_dir():
        return words.SAVE_NO_FOLDER.format(folder=display(folder))
    return True


def _name_or_nothing_check(text: str) -> bool | str:
    """As :func:`_file_name_check`, but an empty name is an answer: save nowhere."""
    return True if not text.strip() else _file_name_check(text)


def _suggested_name(folder: Path | None, fmt: str) -> str:
    from triage.terminal import save

    try:
        return display(save.free_name(folder or Path.cwd(), fmt))
    except OSError:  # the current folder was removed meanwhile
        return ""


@dataclass(frozen=True)
class Summary:
    """A result to save as a summary, and where to talk about it: the console and the prompts' context."""

    console: Console
    kb: KnowledgeBase
    result: Result
    ctx: prompts.PromptContext
    language: str | None = None
    """The clinician's language, where the summary is not in the person's (``--summary-lang``)."""

    def text(self, fmt: str) -> str:
        from triage import summaries

        return summaries.summary(self.kb, self.result, fmt, self.language)


def _save_dialog(summary: Summary, *, format_for: Callable[[Path], str], suggestion: str,
                 may_give_up: bool = False) -> Path | None:
    """Ask for a file name until the summary is saved; the path, or None if given up.

    An existing file is replaced only if the person says so. A failed write says
    why and asks again. With ``may_give_up``, an empty name gives up.
    """
    from triage.terminal import save

    message = words.SAVE_OTHER_NAME if may_give_up else words.SAVE_FILE_NAME
    check = _name_or_nothing_check if may_give_up else _file_name_check
    ctx = summary.ctx
    while True:
        name = prompts.text(message, suggestion, check, ctx).strip()
        if not name:
            return None
        path = Path(name).expanduser()
        fmt = format_for(path)
        replace = False
        if os.path.lexists(path):
            answer = prompts.select(words.SAVE_EXISTS.format(name=name), [
                (words.SAVE_REPLACE_NO, ""), (words.SAVE_REPLACE_YES, "replace"),
            ], ctx)
            if not answer:
                suggestion = _suggested_name(path.parent, fmt)
                continue
            replace = True
        try:
            save.write(path, summary.text(fmt), replace=replace)
        except FileExistsError:
            continue  # it appeared meanwhile: ask again (now whether to replace it)
        except OSError as exc:
            summary.console.print(words.SAVE_FAILED.format(path=name, reason=exc.strerror or exc))
            continue
        summary.console.print(words.SAVED.format(path=display(path)))
        return path


def offer_save(console: Console, kb: KnowledgeBase, result: Result, ctx: prompts.PromptContext,
               language: str | None = None) -> None:
    """Ask whether to save a summary, in which format, and where; write nothing otherwise."""
    fmt = prompts.select(words.SAVE_QUESTION, [
        (words.SAVE_NO, ""),
        (words.SAVE_MARKDOWN, "markdown"),
        (words.SAVE_JSON, "json"),
        (words.SAVE_FHIR, "fhir"),
    ], ctx)
    if not fmt:
        return
    _save_dialog(Summary(console, kb, result, ctx, language), format_for=lambda _: fmt,
                 suggestion=_suggested_name(None, fmt))


def _show_instead(summary: Summary) -> None:
    """The summary, in Markdown, on the terminal: the last place it can go."""
    console = summary.console
    console.print()
    console.print(words.SAVE_SHOWN_INSTEAD)
    console.print()
    console.out(summary.text("markdown"), highlight=False)


def save_answers_out(summary: Summary, out: Path, *, save_format: str | None) -> int:
    """Save to ``--answers-out``; if that fails, never lose the summary.

    Says what failed and asks for another name; if the person gives up (an empty
    name, Ctrl-C or the end of input), shows the summary here instead. Ctrl-C and
    the end of input still propagate, so the program ends as it does elsewhere.
    """
    from triage import summaries
    from triage.terminal import save

    def format_for(path: Path) -> str:
        return save_format or summaries.format_for(path)

    try:
        save.write(out, summary.text(format_for(out)))
    except OSError as exc:
        summary.console.print(words.SAVE_FAILED.format(path=display(out), reason=exc.strerror or exc))
    else:
        summary.console.print(words.SAVED.format(path=display(out)))
        return EXIT_OK
    try:
        saved = _save_dialog(summary, format_for=format_for, may_give_up=True,
                             suggestion=_suggested_name(None, format_for(out)))
    except (KeyboardInterrupt, EOFError):
        _show_instead(summary)
        raise
    if saved is not None:
        return EXIT_OK
    _show_instead(summary)
    return EXIT_PROBLEMS


def offer_change(ctx: prompts.PromptContext) -> bool:
    """After an emergency: whether the person wants to change their last answer (Finish comes first)."""
    return prompts.select(words.CHANGE_LAST_OFFER, [
        (words.CHANGE_LAST_FINISH, ""), (words.CHANGE_LAST, "change"),
    ], ctx) == "change"


@dataclass
class Ending:
    """How the questionnaire leaves the screen: as it is, or with ``clear`` cleared with its scrollback.

    With ``clear`` (a shared computer at a clinic), once a result has been shown the program waits
    for Enter, then clears the screen and its scrollback, so the next person cannot scroll back to
    this one's answers. Ctrl-C or the end of input at that wait clears the screen too, and the
    program ends as it would have without the wait. Stopped before any result, it clears at once.
    """

    console: Console
    ctx: prompts.PromptContext
    clear: bool = False
    result_shown: bool = False

    def __enter__(self) -> Ending:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if not self.clear:
            return
        if self.result_shown:
            with contextlib.suppress(KeyboardInterrupt, EOFError):
                prompts.wait_for_enter(words.CLEAR_AT_END_WAIT, self.ctx)
        screens.clear_all(self.console)


class EngineWhenNeeded:
    """The knowledge base's engine, built when an answer is first evaluated.

    Building the engine (its network of rules) is not needed to ask the first question, which
    therefore comes on screen sooner; the engine is built after the first answer (in a few
    hundredths of a second), once for the process (:func:`triage.engine.engine_for`). The
    :class:`~triage.flow.Interview` only evaluates answers; anything else is the engine's.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def built(self) -> Engine:
        from triage.engine import engine_for

        return engine_for(self.kb)

    def evaluate(self, answers: Mapping[str, AnswerValue], unanswered: Iterable[str] = ()) -> Evaluation:
        return self.built().evaluate(answers, unanswered)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.built(), name)


def answer_and_show(interview: Interview, settings: clinic.Clinic, ending: Ending, *,
                    may_change: bool) -> tuple[Result, report.Report]:
    """Ask, then show the result; after an emergency, offer to change the last answer (``may_change``).

    The screen and the prompts are the ``ending``'s.
    """
    kb, console, ctx = interview.kb, ending.console, ending.ctx
    while True:
        questionnaire(interview, console, ctx.plain)
        from triage import pipeline  # once the questions are answered

        result = pipeline.assess(kb, interview.path_answers(), source="questionnaire")
        doc = screens.show_result(console, kb, result, ctx.plain, settings)
        ending.result_shown = True
        emergency = interview.stopped and result.level == "emergency"
        if not (may_change and emergency and offer_change(ctx)):
            return result, doc
        interview.back()
        console.print(screens.went_back(interview.number, ctx.plain))


def run(args: argparse.Namespace) -> int:
    plain = bool(getattr(args, "plain", False))
    out: Path | None = getattr(args, "answers_out", None)
    if out is not None:
        check_output(out)
    settings = clinic.load(args.clinic) if getattr(args, "clinic", None) else clinic.NO_CLINIC
    spoken = i18n.normalise(settings.language)
    if spoken is not None and getattr(args, "lang", None) is None:  # --lang still wins over the clinic's
        i18n.activate(spoken)
    summary_language = getattr(args, "summary_lang", None) or settings.summary_language
    kb = loader.load(args.questions, args.rules)
    console = screens.make_console(plain)
    ctx = prompts.PromptContext(plain=plain, typed=plain)
    clear = settings.clear_at_end or bool(getattr(args, "clear_at_end", False))
    resume_collection()  # the start-up is over (see triage.pause_collection)
    console.print(screens.welcome(plain, typed=plain))
    with Ending(console, ctx, clear=clear) as ending:
        interview = Interview(kb, cast("Engine", EngineWhenNeeded(kb)))
        result, doc = answer_and_show(interview, settings, ending, may_change=out is None and not plain)
        if out is not None:
            status = save_answers_out(Summary(console, kb, result, ctx, summary_language), out,
                                      save_format=getattr(args, "save_format", None))
            screens.show_closing(console, doc, plain)  # what to do now stays the last thing on screen
            return status
        if result.level != "emergency":
            # its prompt goes once answered: what to do now stays last
            offer_save(console, kb, result, ctx, summary_language)
    return EXIT_OK
