"""The interactive questionnaire: welcome, questions, result, and saving.

The walk itself (order, ``ask_if``, back, the emergency stop) is
:class:`triage.flow.Interview`; this module only asks, shows and saves.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from triage import constants, errors, loader
from triage import result as results
from triage.engine import engine_for
from triage.flow import Interview
from triage.models import KnowledgeBase
from triage.paths import display
from triage.result import Result
from triage.terminal import prompts, save, screens

EXIT_OK, EXIT_PROBLEMS = 0, 1


def check_output(path: Path) -> None:
    """Refuse ``--answers-out`` before any question if it could not be written."""
    if path.exists():
        raise errors.fail("triage", None, errors.OUTPUT_EXISTS, path=display(path))
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        raise errors.fail("triage", None, errors.FILE_UNREADABLE,
                          reason=f"there is no folder {display(folder)} for {display(path)}")


def questionnaire(interview: Interview, console: Console, plain: bool) -> None:
    """Ask until the interview is finished (all asked, or stopped)."""
    kb = interview.kb
    while interview.current is not None:
        question = interview.current
        ctx = prompts.PromptContext(header=screens.header(kb, question, interview.number, plain),
                                    can_go_back=bool(interview.path), plain=plain)
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
        return constants.SAVE_EMPTY_NAME
    path = Path(name).expanduser()
    if path.is_dir():
        return constants.SAVE_IS_FOLDER.format(name=name)
    folder = path.parent
    if str(folder) and not folder.is_dir():
        return constants.SAVE_NO_FOLDER.format(folder=display(folder))
    return True


def offer_save(console: Console, kb: KnowledgeBase, result: Result, ctx: prompts.PromptContext) -> None:
    """Ask whether to save a summary, in which format, and where; write nothing otherwise."""
    fmt = prompts.select(constants.SAVE_QUESTION, [
        (constants.SAVE_NO, ""),
        (constants.SAVE_MARKDOWN, "markdown"),
        (constants.SAVE_JSON, "json"),
        (constants.SAVE_FHIR, "fhir"),
    ], ctx)
    if not fmt:
        return
    text = save.summary(kb, result, fmt)
    suggestion = display(save.free_name(Path.cwd(), fmt))
    while True:
        name = prompts.text(constants.SAVE_FILE_NAME, suggestion, _file_name_check, ctx).strip()
        path = Path(name).expanduser()
        replace = False
        if path.exists():
            answer = prompts.select(constants.SAVE_EXISTS.format(name=name), [
                (constants.SAVE_REPLACE_NO, ""), (constants.SAVE_REPLACE_YES, "replace"),
            ], ctx)
            if not answer:
                suggestion = display(save.free_name(path.parent, fmt))
                continue
            replace = True
        try:
            save.write(path, text, replace=replace)
        except FileExistsError:
            continue  # it appeared meanwhile: ask again
        except OSError as exc:
            console.print(constants.SAVE_FAILED.format(path=name, reason=exc.strerror or exc))
            continue
        console.print(constants.SAVED.format(path=display(path)))
        return


def run(args: argparse.Namespace) -> int:
    plain = bool(getattr(args, "plain", False))
    out: Path | None = getattr(args, "answers_out", None)
    if out is not None:
        check_output(out)
    kb = loader.load(args.questions, args.rules)
    console = screens.make_console(plain)
    console.print(screens.welcome(plain))
    interview = Interview(kb, engine_for(kb))
    questionnaire(interview, console, plain)
    result = results.build(kb, interview.flow_result(), source="questionnaire")
    screens.show_result(console, kb, result, plain)
    if out is not None:
        try:
            fmt = getattr(args, "save_format", None) or save.format_for(out)
            save.write(out, save.summary(kb, result, fmt))
        except OSError as exc:
            print(f"triage: {constants.SAVE_FAILED.format(path=display(out), reason=exc.strerror or exc)}",
                  file=sys.stderr)
            return EXIT_PROBLEMS
        console.print(constants.SAVED.format(path=display(out)))
    elif result.level != "emergency":
        offer_save(console, kb, result, prompts.PromptContext(plain=plain))
    return EXIT_OK
