"""Command line: ``triage`` (the questionnaire), ``assess``, ``check``.

``main(argv)`` takes a list so tests call it directly. Every error becomes a
message here, in one place: no traceback reaches the person. Heavy imports
happen inside the commands, so ``triage --help`` stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_INTERNAL = 0, 1, 2, 130, 70


def _kb_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--questions", type=Path, metavar="PATH",
                        help="questionnaire file (default: the shipped questions.yaml)")
    parser.add_argument("--rules", type=Path, metavar="DIR",
                        help="folder of rule files (default: the shipped rules/)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="triage",
        description=(
            "A back-pain triage questionnaire. Not a diagnosis and not for emergencies: "
            "if you have an emergency, call the emergency number now. "
            "With no command, the questionnaire starts."
        ),
    )
    _kb_options(parser)
    parser.add_argument("--plain", action="store_true",
                        help="no colour, boxes or symbols (for screen readers and copy-paste)")
    parser.add_argument("--answers-out", type=Path, metavar="FILE",
                        help="save the summary to FILE at the end without asking "
                             "(.json for JSON, otherwise Markdown)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    assess = sub.add_parser("assess", help="assess answers files (YAML or JSON)",
                            description="Assess answers files through the questionnaire's flow.")
    assess.add_argument("files", nargs="+", type=Path, metavar="FILE")
    assess.add_argument("--format", choices=("text", "json"), default="text")
    _kb_options(assess)

    check = sub.add_parser("check", help="check the knowledge base for problems",
                           description="Validate questions.yaml and rules/; exit 1 on problems.")
    _kb_options(check)
    return parser


def _kb_paths(args: argparse.Namespace) -> tuple[Path | None, Path | None]:
    return args.questions, args.rules


def cmd_assess(args: argparse.Namespace) -> int:
    from triage import answers, loader, render, result
    from triage.engine import engine_for
    from triage.errors import TriageError
    from triage.flow import simulate
    from triage.paths import display

    kb = loader.load(*_kb_paths(args))
    engine = engine_for(kb)
    status = EXIT_OK
    for path in args.files:
        name = display(path)
        try:
            given = answers.load(kb, path, name)
        except TriageError as exc:
            _print_problems(exc)
            status = EXIT_USAGE
            continue
        res = result.build(kb, simulate(kb, engine, given), name)
        if args.format == "json":
            print(res.to_json())
        else:
            if len(args.files) > 1:
                print(f"== {name}")
            print(render.plain(kb, res))
    return status


def cmd_check(args: argparse.Namespace) -> int:
    from triage import check, loader

    kb, problems = loader.load_with_problems(*_kb_paths(args))
    if kb is not None:
        problems = check.lint(kb)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found", file=sys.stderr)
        return EXIT_PROBLEMS
    assert kb is not None
    print(check.summary(kb))
    return EXIT_OK


def cmd_questionnaire(args: argparse.Namespace) -> int:
    from triage import errors

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise errors.fail("triage", None, errors.NOT_A_TERMINAL)
    from triage import terminal

    return terminal.run(args)


COMMANDS = {"assess": cmd_assess, "check": cmd_check, None: cmd_questionnaire}


def _print_problems(exc: Exception) -> None:
    for problem in getattr(exc, "problems", ()):
        print(problem, file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv) if argv is not None else None)
    from triage.errors import TriageError

    try:
        return COMMANDS[args.command](args)
    except TriageError as exc:
        _print_problems(exc)
        return exc.status
    except (KeyboardInterrupt, EOFError):
        from triage.constants import CANCELLED

        print(f"\n{CANCELLED}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        sys.stderr.close()  # output was cut short by the reader (e.g. `| head`)
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - no traceback ever reaches the person
        if os.environ.get("TRIAGE_DEBUG"):
            raise
        from triage.errors import INTERNAL

        print(f"triage: {INTERNAL.format(kind=type(exc).__name__, detail=exc)}", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
