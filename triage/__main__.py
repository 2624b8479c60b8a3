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
from typing import Any

from triage.exits import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE


def _(message: str) -> str:
    """The active language's words for ``message`` (:func:`triage.i18n.gettext`, imported when first
    needed, so that it comes from the bytecode cache :func:`main` turns on)."""
    from triage.i18n import gettext

    return gettext(message)


def _languages() -> str:
    """The languages there are, as ``--lang`` takes them: "en (English), es (Español), ..."."""
    from triage import i18n

    return i18n.listing(f"{code} ({name})" for code, name in i18n.offered().items())


def _global_options(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """The options every command takes, before or after its name: the knowledge base's files and
    the language. The same definition reads ``--lang`` first (:func:`_language`), so that help and
    errors are in that language. On a command they default to nothing (``SUPPRESS``), so one given
    before the command's name is kept."""
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--questions", type=Path, metavar="PATH", default=default,
                        help=_("questionnaire file (default: the shipped questions.yaml)"))
    parser.add_argument("--rules", type=Path, metavar="DIR", default=default,
                        help=_("folder of rule files (default: the shipped rules/)"))
    parser.add_argument("--lang", metavar="LANG", default=default,
                        help=_("the language to use: {languages}; without it, the environment's "
                               "(LANGUAGE, LC_ALL, LANG), else English").format(languages=_languages()))


def _language_tag(text: str) -> str:
    """``--summary-lang``: a language there is (its tag as ``--lang`` takes it)."""
    from triage.clinic import language_tag

    try:
        return language_tag(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


class _Formatter(argparse.HelpFormatter):
    """argparse's help wrapped by display width (a Chinese character takes two cells), never inside
    a language tag such as ``zh-Hans``."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        from triage import textwidth

        return textwidth.wrap(" ".join(text.split()), width, break_on_hyphens=False)

    def _format_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None) -> str:
        """The usage line, wrapped as if the screen were narrower by what "usage: " takes in more
        cells than characters (a translation in Chinese)."""
        from triage import textwidth

        shown = prefix if prefix is not None else argparse._("usage: ")  # type: ignore[attr-defined]
        extra = textwidth.cells(shown) - len(shown)
        self._width -= extra
        try:
            return str(super()._format_usage(usage, actions, groups, prefix))
        finally:
            self._width += extra

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        from triage import textwidth

        return "\n".join(textwidth.wrap(" ".join(text.split()), width, initial_indent=indent,
                                        subsequent_indent=indent, break_on_hyphens=False))


class _Parser(argparse.ArgumentParser):
    """An argument parser whose help, and its commands' help, is wrapped by :class:`_Formatter`."""

    def __init__(self, *args: Any, **options: Any) -> None:
        options.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **options)


def build_parser() -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = _Parser(
        prog="triage",
        description=(
            _("A back-pain triage questionnaire. Not a diagnosis and not for emergencies: "
            "if you have an emergency, call the emergency number now. "
            "With no command, the questionnaire starts.")
        ),
    )
    _global_options(parser, top=True)
    parser.add_argument("--plain", action="store_true",
                        help=_("no colour, boxes or symbols (for screen readers and copy-paste)"))
    parser.add_argument("--answers-out", type=Path, metavar="FILE",
                        help=_("save the summary to FILE at the end without asking "
                             "(.fhir.json: FHIR QuestionnaireResponse, .json: JSON, "
                             "otherwise Markdown)"))
    parser.add_argument("--clinic", type=Path, metavar="PATH",
                        help=_("clinic settings (YAML): the emergency and urgent numbers to say, the "
                             "clinic's name, the kiosk's idle time and hand-off"))
    parser.add_argument("--summary-lang", type=_language_tag, metavar="LANG",
                        help=_("the language of the summary for the clinician (saved, or --answers-out), "
                               "if not the person's: each answer is quoted as the person read it (also "
                               "the clinic setting summary_language)"))
    parser.add_argument("--format", dest="save_format", choices=("markdown", "json", "fhir"),
                        help=_("the format of --answers-out, whatever the file name ends with"))
    parser.add_argument("--clear-at-end", action="store_true",
                        help=_("when the person is done, wait for Enter, then clear the screen and its "
                               "scrollback (a shared computer at a clinic; also the clinic setting "
                               "clear_at_end)"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    assess = sub.add_parser("assess",
                            help=_("assess answers files (YAML, JSON or a FHIR QuestionnaireResponse)"),
                            description=_("Assess answers files through the questionnaire's flow."))
    assess.add_argument("files", nargs="+", type=Path, metavar="FILE")
    assess.add_argument("--format", choices=("text", "json"), default="text")
    assess.add_argument("--what-if", action="append", default=[], metavar="QUESTION=VALUE",
                        help=_("also assess with this answer changed, and show what changes "
                             "(repeatable; VALUE as in an answers file: fever=true, age=70, "
                             "pain_location=[side_flank]; empty or null: unanswered)"))
    _global_options(assess)

    check = sub.add_parser("check", help=_("check the knowledge base for problems"),
                           description=_("Validate questions.yaml and rules/; exit 1 on problems."))
    _global_options(check)
    _tool_commands(sub)
    _demo_command(sub)
    _serve_command(sub)
    return parser


def _tool_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The educator and clinic tools: red-flags, explain, diagram, export, schema."""
    red = sub.add_parser("red-flags", help=_("list the warning signs, what they may mean and what to do"),
                         description=_("Every warning sign (red flag) the questionnaire looks for, "
                                     "most urgent first, in plain words."))
    red.add_argument("--format", choices=("text", "markdown", "tree", "tree-markdown", "json"),
                     default="text",
                     help=_("text or markdown: the one-page table; tree or tree-markdown: every rule's "
                          "signs in detail; json: everything"))
    red.add_argument("--clinic", type=Path, metavar="PATH", default=argparse.SUPPRESS,
                     help=_("clinic settings (YAML): the emergency number to say"))
    _global_options(red)

    explain = sub.add_parser("explain", help=_("explain a question, cause, red flag, rule or source"),
                             description=_("Why a question is asked and which rules use it; or which "
                                         "rules lead to a cause, red flag or rule, and why."))
    explain.add_argument("id", metavar="ID", nargs="?",
                         help=_("a question, cause, red flag, rule or source id, or words to find one "
                              "(\"saddle\", \"blood thinner\")"))
    explain.add_argument("--list", action="store_true", help=_("list every id that can be explained"))
    explain.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    _global_options(explain)

    from triage import words

    diagram = sub.add_parser("diagram", help=words.DIAGRAM_HELP,
                             description=_("Questions -> rules -> causes and red flags -> levels, "
                                         "with the ask-conditions between questions."))
    diagram.add_argument("--format", choices=("mermaid", "dot", "svg", "png"), default="mermaid",
                         help=words.DIAGRAM_FORMAT_HELP)
    diagram.add_argument("--focus", action="append", default=[], metavar="ID",
                         help=_("keep only what leads to ID or follows from it (repeatable)"))
    diagram.add_argument("--out", type=Path, metavar="FILE", help=words.DIAGRAM_OUT_HELP)
    _global_options(diagram)

    export = sub.add_parser("export", help=_("export as FHIR R4 (Questionnaire, QuestionnaireResponse)"),
                            description=_("Export the questionnaire, or an answers file, as FHIR R4 JSON."))
    what = export.add_subparsers(dest="export", metavar="WHAT", required=True)
    questionnaire = what.add_parser("fhir-questionnaire", help=_("the questionnaire as a FHIR Questionnaire"))
    questionnaire.add_argument("--out", type=Path, metavar="FILE",
                               help=_("write to FILE instead of printing"))
    _global_options(questionnaire)
    response = what.add_parser("fhir-response",
                               help=_("an answers file as a FHIR QuestionnaireResponse"))
    response.add_argument("file", type=Path, metavar="FILE")
    response.add_argument("--out", type=Path, metavar="FILE", help=_("write to FILE instead of printing"))
    _global_options(response)

    schema = sub.add_parser("schema", help=_("write JSON Schemas for questions.yaml and rules/*.yaml"),
                            description=_("Write questions.schema.json and rules.schema.json, "
                                        "generated from the models, for editors to check the YAML."))
    schema.add_argument("--out", type=Path, metavar="DIR", default=Path("schemas"),
                        help=_("folder to write to (default: schemas)"))
    schema.add_argument("--check", action="store_true",
                        help=_("write nothing; exit 1 if the schemas in DIR are out of date"))
    schema.add_argument("--force", action="store_true",
                        help=_("replace schema files that already exist in DIR (without it, "
                             "existing files are kept and nothing is written)"))


def _serve_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser(
        "serve", help=_("serve the questionnaire as web pages (the intake kiosk)"),
        description=_("Serve the questionnaire in a browser, one question per screen, on this "
                    "computer only unless --host says otherwise. Answers are kept in memory, "
                    "never written, and wiped on Finish or after --idle-minutes."))
    serve.add_argument("--host", default="127.0.0.1",
                       help=_("address to listen on (default: 127.0.0.1, this computer only); any "
                            "other needs --certfile and --keyfile, or --plain-http-notice"))
    serve.add_argument("--port", type=_port, default=8000,
                       help=_("port (default: 8000; 0: any free port, which is then shown)"))
    serve.add_argument("--idle-minutes", type=_minutes, default=None, metavar="M",
                       help=_("wipe a visit after this many minutes without activity (default: the "
                            "clinic's setting, else 5)"))
    serve.add_argument("--clinic", type=Path, metavar="PATH", default=argparse.SUPPRESS,
                       help=_("clinic settings (YAML), as for the questionnaire"))
    serve.add_argument("--certfile", type=Path, metavar="PATH",
                       help=_("serve HTTPS with this certificate (PEM, with its chain); needs --keyfile"))
    serve.add_argument("--keyfile", type=Path, metavar="PATH",
                       help=_("the certificate's private key (PEM, without a passphrase)"))
    serve.add_argument("--allowed-host", type=_host_name, action="append", default=[], metavar="HOST",
                       help=_("a name or address the tablets use to reach the kiosk (repeatable); it "
                            "answers to this computer's own names, the --host address and these only"))
    serve.add_argument("--plain-http-notice", type=_notice, metavar="TEXT",
                       help=_("serve plain HTTP (no certificate) on an address other computers reach, "
                            "on a network the clinic trusts; every page shows TEXT, the clinic's words "
                            "about it"))
    serve.add_argument("--store", default="memory", metavar="URL",
                       help=_("where the visits are kept: memory (default: this process, gone when it "
                            "stops), or Redis (redis://HOST:PORT/DB), which several workers share"))
    serve.add_argument("--workers", type=_workers, default=1, metavar="N",
                       help=_("serve with N processes (default: 1); more than one needs --store redis://..."))
    _global_options(serve)


def _port(text: str) -> int:
    """``--port``: 0 (any free port) to 65535."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        from triage.words import WEB_PORT_RANGE

        raise argparse.ArgumentTypeError(f"{text}: {WEB_PORT_RANGE}")
    return value


WORKERS_MOST = 64
"""The most ``--workers``."""


def _workers(text: str) -> int:
    """``--workers``: 1 to :data:`WORKERS_MOST` processes."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= WORKERS_MOST:
        from triage.words import WEB_WORKERS_RANGE

        raise argparse.ArgumentTypeError(f"{text}: {WEB_WORKERS_RANGE.format(most=WORKERS_MOST)}")
    return value


def _host_name(text: str) -> str:
    """``--allowed-host``: a host name or an IP address, in lower case."""
    from triage.clinic import host_name

    try:
        return host_name(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text}: {exc}") from None


NOTICE_MOST = 300
"""The longest ``--plain-http-notice``, in characters."""


def _notice(text: str) -> str:
    """``--plain-http-notice``: the clinic's words, on one line."""
    words = " ".join(text.split())
    if not 0 < len(words) <= NOTICE_MOST or not words.isprintable():
        from triage.words import WEB_NOTICE_WORDS

        raise argparse.ArgumentTypeError(WEB_NOTICE_WORDS.format(most=NOTICE_MOST))
    return words


def _minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 24 * 60:
        from triage.words import WEB_IDLE_MINUTES

        raise argparse.ArgumentTypeError(f"{text}: {WEB_IDLE_MINUTES}")
    return value


def _speed(text: str) -> float:
    """``--speed``: a number, 0 or more (0, or a very large number: everything at once)."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:  # also refuses nan
        from triage.words import DEMO_SPEED

        raise argparse.ArgumentTypeError(f"{text}: {DEMO_SPEED}")
    return value


def _demo_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = sub.add_parser(
        "demo", help=_("watch made-up answers played through the questionnaire"),
        description=_("Play a demonstration: made-up answers appear on the questionnaire's own "
                    "screens, each with why it is asked and the rules fired so far, then the result. "
                    "In a terminal, Space pauses, the arrow keys step forward and back, r goes straight "
                    "to the result and q quits; Ctrl-C stops."))
    demo.add_argument("scenario", nargs="?", metavar="SCENARIO",
                      help=_("which demonstration (see --list); without it, choose from a list "
                           "(or, when not in a terminal, play the first)"))
    demo.add_argument("--list", action="store_true",
                      help=_("list the demonstrations: id, title and expected suggestion"))
    demo.add_argument("--speed", type=_speed, default=1.0, metavar="S",
                      help=_("1 normal, 2 twice as fast, 0 everything at once (default: 1)"))
    demo.add_argument("--scenarios", type=Path, metavar="DIR",
                      help=_("folder of demonstration files (default: the shipped ones)"))
    demo.add_argument("--plain", action="store_true", default=argparse.SUPPRESS,
                      help=_("no colour, boxes or symbols (for screen readers and copy-paste)"))
    _global_options(demo)


def _kb_paths(args: argparse.Namespace) -> tuple[Path | None, Path | None]:
    return args.questions, args.rules


def cmd_assess(args: argparse.Namespace) -> int:
    from triage import batch, loader
    from triage.engine import engine_for

    kb = loader.load(*_kb_paths(args))
    what_if = getattr(args, "what_if", None)
    if what_if:
        from triage import whatif

        changes = tuple(whatif.parse(kb, what_if))
    job = batch.Job(kb, engine_for(kb), args.format, changes if what_if else (), titled=len(args.files) > 1)
    return EXIT_OK if batch.write(batch.assess_all(job, args.files)) else EXIT_USAGE


def cmd_check(args: argparse.Namespace) -> int:
    from triage import check, loader

    kb, problems = loader.load_with_problems(*_kb_paths(args))
    if kb is not None:
        problems = check.lint(kb)
        if args.questions is None and args.rules is None:  # the shipped knowledge base: its translations too
            problems += check.translation_problems(kb)
    from triage import i18n, words
    from triage.errors import report

    for line in report(problems):
        print(line)
    if problems:
        print(i18n.plural(words.N_PROBLEMS, len(problems)).format(n=len(problems)), file=sys.stderr)
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


def cmd_red_flags(args: argparse.Namespace) -> int:
    from triage import educate, loader, textdoc

    kb = loader.load(*_kb_paths(args))
    if args.format == "json":
        import json

        print(json.dumps(educate.red_flags_json(kb), indent=2, ensure_ascii=False))
    elif args.format.startswith("tree"):
        blocks = educate.red_flags_blocks(kb)
        print(textdoc.markdown(blocks) if args.format == "tree-markdown" else textdoc.text(blocks), end="")
    else:
        from triage import clinic, handout

        settings = clinic.load(args.clinic) if getattr(args, "clinic", None) else None
        doc = handout.table(kb, settings)
        print(handout.markdown(doc) if args.format == "markdown" else handout.text(doc), end="")
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from triage import educate, loader, textdoc

    kb = loader.load(*_kb_paths(args))
    if args.list or args.id is None:
        blocks = educate.list_blocks(kb)
        print(textdoc.markdown(blocks) if args.format == "markdown" else textdoc.text(blocks), end="")
        return EXIT_OK
    item_id = educate.resolve(kb, args.id)
    if args.format == "json":
        import json

        print(json.dumps(educate.explain_json(kb, item_id), indent=2, ensure_ascii=False))
    else:
        blocks = educate.explain_blocks(kb, item_id)
        print(textdoc.markdown(blocks) if args.format == "markdown" else textdoc.text(blocks), end="")
    return EXIT_OK


def cmd_diagram(args: argparse.Namespace) -> int:
    from triage import diagram, errors, files, loader, words
    from triage.paths import display

    kb = loader.load(*_kb_paths(args))  # after --lang is active: its words are in that language
    if args.format not in diagram.PICTURE_FORMATS:
        _emit(diagram.render(kb, args.format, args.focus), args.out, about_a_person=False)
        return EXIT_OK
    if args.out is None and args.format == "png" and sys.stdout.isatty():
        raise errors.fail("triage", None, words.DIAGRAM_PNG_TO_TERMINAL)
    if args.out is not None and (args.out.exists() or args.out.is_symlink()):  # before drawing
        raise errors.fail("triage", None, errors.OUTPUT_EXISTS, path=display(args.out))
    picture = diagram.draw_picture(kb, args.format, args.focus)
    if args.out is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(picture)
        sys.stdout.buffer.flush()
        return EXIT_OK
    try:
        files.write_new(args.out, picture, files.PUBLIC)  # about nobody: 0644
    except FileExistsError:
        raise errors.fail("triage", None, errors.OUTPUT_EXISTS, path=display(args.out)) from None
    except OSError as exc:
        raise errors.fail(display(args.out), None, errors.CANNOT_WRITE,
                          reason=exc.strerror or str(exc)) from None
    return EXIT_OK


def _emit(text: str, out: Path | None, *, about_a_person: bool) -> None:
    """Print ``text``, or write it to a new file ``out`` (never over an existing one).

    A file ``about_a_person`` (their answers) is created with mode 0600; any other
    (the questionnaire itself) with 0644. Either way it is never half-written.
    """
    if out is None:
        print(text, end="")
        return
    from triage import errors, files
    from triage.paths import display

    try:
        files.write(out, text, mode=files.PRIVATE if about_a_person else files.PUBLIC)
    except FileExistsError:
        raise errors.fail("triage", None, errors.OUTPUT_EXISTS, path=display(out)) from None
    except OSError as exc:
        raise errors.fail(display(out), None, errors.CANNOT_WRITE,
                          reason=exc.strerror or str(exc)) from None


def cmd_export(args: argparse.Namespace) -> int:
    import json

    from triage import fhir, loader

    if args.export == "fhir-questionnaire":
        # The questionnaire: about nobody, so a shareable 0644 file. Its text is English, with
        # every translation there is as FHIR translation extensions.
        from triage import i18n, overlay

        i18n.activate(i18n.ENGLISH)
        kb = loader.load(*_kb_paths(args))
        shipped = args.questions is None and args.rules is None  # the translations are of the shipped one
        translations = {language: loader.localised(kb, language) for language in i18n.LANGUAGES
                        if shipped and language != i18n.ENGLISH and not i18n.is_pseudo(language)
                        and overlay.path(language).is_file()}
        resource, notes = fhir.questionnaire(kb, translations)
        for note in notes:
            print(f"{kb.questions_file}: {note}", file=sys.stderr)
        about_a_person = False
    else:
        # A QuestionnaireResponse: a person's answers, so a private 0600 file.
        from triage import answers

        kb = loader.load(*_kb_paths(args))
        from triage.paths import display

        resource = fhir.answers_to_response(kb, answers.load(kb, args.file, display(args.file)))
        about_a_person = True
    _emit(json.dumps(resource, indent=2, ensure_ascii=False) + "\n", args.out,
          about_a_person=about_a_person)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from triage import schema
    from triage.paths import display

    if args.check:
        problems = schema.stale(args.out)
        for problem in problems:
            print(problem)
        return EXIT_PROBLEMS if problems else EXIT_OK
    for path in schema.write(args.out, force=args.force):  # about nobody: 0644
        print(f"wrote {display(path)}")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from triage import loader
    from triage.web import server

    return server.run(args, loader.load(*_kb_paths(args)))


def cmd_demo(args: argparse.Namespace) -> int:
    from triage.terminal import demo

    return demo.run(args)


COMMANDS = {"assess": cmd_assess, "check": cmd_check, None: cmd_questionnaire,
            "red-flags": cmd_red_flags, "explain": cmd_explain, "diagram": cmd_diagram,
            "export": cmd_export, "schema": cmd_schema, "demo": cmd_demo,
            "serve": cmd_serve}


def _print_problems(exc: Exception) -> None:
    from triage.errors import report

    for line in report(getattr(exc, "problems", ())):
        print(line, file=sys.stderr)


def _language(argv: Sequence[str]) -> str | None:
    """``--lang``, wherever it is, read by the same option definitions as the full parser, before it
    (whose help and errors it translates); a malformed command line is left to the full parser."""
    first = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    _global_options(first, top=True)
    try:
        known, _ = first.parse_known_args(list(argv))
    except argparse.ArgumentError:
        return None
    lang: str | None = known.lang
    return lang


def choose_language(argv: Sequence[str]) -> str | None:
    """Make the requested language the active one; its tag when it is not one there is."""
    from triage import i18n

    requested = _language(argv)
    try:
        i18n.activate(i18n.choose(requested, os.environ))
    except ValueError:
        i18n.activate(i18n.ENGLISH)
        return requested
    argparse._ = i18n.gettext  # type: ignore[attr-defined]  # argparse's own words ("usage:")
    argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """The program: ``argv`` is the command line without the program's name (default: ``sys.argv``).

    Started as the program (no ``argv``), it first turns on its bytecode cache
    (:func:`triage.use_bytecode_cache`), before the rest is imported, and pauses the garbage
    collector while the questionnaire starts (:func:`triage.pause_collection`; the questionnaire
    resumes it before the first question). Not when called with a list (as tests do), since both
    hold for the whole process.
    """
    program = argv is None
    if program:
        from triage import use_bytecode_cache

        use_bytecode_cache()
    words = list(argv) if argv is not None else sys.argv[1:]
    unknown = choose_language(words)
    if unknown is not None:
        from triage.words import UNKNOWN_LANGUAGE

        print(f"triage: {UNKNOWN_LANGUAGE.format(lang=unknown, valid=_languages())}",
              file=sys.stderr)
        return EXIT_USAGE
    parser = build_parser()
    args = parser.parse_args(words)
    if program and args.command is None:
        from triage import pause_collection

        pause_collection()
    from triage.errors import TriageError

    try:
        return COMMANDS[args.command](args)
    except TriageError as exc:
        _print_problems(exc)
        return exc.status
    except (KeyboardInterrupt, EOFError):
        from triage.words import CANCELLED

        print(f"\n{CANCELLED}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        sys.stderr.close()  # output was cut short by the reader (e.g. `| head`)
        return EXIT_OK
    except Exception as exc:  # no traceback ever reaches the person
        if os.environ.get("TRIAGE_DEBUG"):
            raise
        from triage.errors import INTERNAL, escape, shorten

        detail = escape(shorten(str(exc), 200))
        print(f"triage: {INTERNAL.format(kind=type(exc).__name__, detail=detail)}", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
