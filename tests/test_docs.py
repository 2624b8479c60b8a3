"""The README and docs/: pictures drawn from the current screens and knowledge base, links that
lead somewhere, and commands the program accepts.

The commands checked are those shown in shell code blocks: in a ```sh, ```bash or ```shell
block every line that is not a comment, in a ```console block every line after a ``$ `` prompt
(output lines are not commands). A line is a command of this program when it starts with
``triage`` or ``uv run triage``, after any ``NAME=value`` settings. A comment saying
``exit N`` (or ``exit status N``) gives the exit status it should have; otherwise 0.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from urllib.parse import unquote, urlsplit

import pytest

from triage import i18n
from triage.__main__ import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pictures_are_current() -> None:
    assert load("make_screenshots").main(["--check"]) == 0, (
        "docs/*.svg are out of date; run: uv run python scripts/make_screenshots.py")


def test_pictures_fetch_nothing() -> None:
    for picture in (ROOT / "docs").glob("*.svg"):
        text = picture.read_text(encoding="utf-8")
        assert 'url("http' not in text and "url(http" not in text, picture.name


# --- reading a page --------------------------------------------------------------------------
@dataclass(frozen=True)
class Block:
    """A fenced code block: its language and its lines, with their line numbers."""

    language: str
    lines: list[tuple[int, str]] = field(default_factory=list)


FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*([^\s`]*)")


@cache
def parts(page: Path) -> tuple[str, tuple[Block, ...]]:
    """The page's text outside code blocks (blocks and HTML comments blanked, lines kept in place),
    and its code blocks."""
    outside: list[str] = []
    blocks: list[Block] = []
    fence: str | None = None
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1):
        opening = FENCE.match(line)
        if fence is None and opening:
            fence = opening.group(1)
            blocks.append(Block(opening.group(2).lower()))
            outside.append("")
        elif fence is not None:
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
            else:
                blocks[-1].lines.append((number, line))
            outside.append("")
        else:
            outside.append(line)
    text = "\n".join(outside)
    text = re.sub(r"<!--.*?-->", lambda m: re.sub(r"[^\n]", " ", m.group()), text, flags=re.DOTALL)
    return text, tuple(blocks)


def prose(page: Path) -> str:
    """The page's text outside code blocks and code spans: what is read as links."""
    text, _ = parts(page)
    return re.sub(r"(`+)(?!`).+?(?<!`)\1(?!`)", lambda m: re.sub(r"[^\n]", " ", m.group()), text,
                  flags=re.DOTALL)


# --- links -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Link:
    page: Path
    line: int
    target: str

    def __str__(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}: ({self.target})"


# [text](target) and ![alt](target); [name]: target; HTML's href and src; bare web addresses
INLINE = re.compile(r"\]\(\s*<?([^()\s<>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?", re.MULTILINE)
HTML = re.compile(r"<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*[\"']([^\"']*)[\"']", re.IGNORECASE)
BARE = re.compile(r"(https?://[^\s<>()\[\]\"'`]+)", re.IGNORECASE)  # GitHub links these too
LOCAL = {"localhost", "127.0.0.1", "0.0.0.0", "::1"}


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


@cache
def links(page: Path) -> tuple[Link, ...]:
    """Every link and picture on the page, and every bare web address (GitHub links those too)."""
    text = prose(page)
    found = {(match.start(1), match.group(1))
             for pattern in (INLINE, DEFINITION, HTML, BARE) for match in pattern.finditer(text)}
    return tuple(Link(page, line_of(text, start), target) for start, target in sorted(found))


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link or picture: its text
    text = re.sub(r"<[^>]+>", "", text).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


@cache
def anchors(page: Path) -> frozenset[str]:
    """The anchors a link may name on the page: its headings' (a repeated one gets -1, -2 ...)
    and any HTML ``id``."""
    text, _ = parts(page)
    found: set[str] = set(re.findall(r"\b(?:id|name)=[\"']([^\"']+)[\"']", text))
    seen: dict[str, int] = {}
    for heading in re.findall(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", text, re.MULTILINE):
        base = slug(heading)
        found.add(f"{base}-{seen[base]}" if base in seen else base)
        seen[base] = seen.get(base, 0) + 1
    return frozenset(found)


def problem(link: Link) -> str | None:  # noqa: PLR0911  one return per thing a link can get wrong
    """What is wrong with a link, if anything."""
    parts_ = urlsplit(link.target)
    if parts_.scheme or link.target.startswith("//"):
        host = (parts_.hostname or "").lower()
        if host in LOCAL or host.endswith(".localhost"):
            return "a link to this computer, which works for nobody else"
        return None
    if not link.target:
        return "an empty link"
    path = unquote(parts_.path)
    target = (link.page.parent / path).resolve() if path else link.page
    if not target.exists():
        return "no such file"
    if target != ROOT and ROOT not in target.parents:
        return "outside the repository"
    if parts_.fragment:
        if target.suffix != ".md":
            return None if re.fullmatch(r"L\d+(-L\d+)?", parts_.fragment) else "an anchor in a file with none"
        if unquote(parts_.fragment) not in anchors(target):
            return f"no heading #{parts_.fragment} in {target.relative_to(ROOT)}"
    return None


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.relative_to(ROOT).as_posix())
def test_links_and_pictures_lead_somewhere(page: Path) -> None:
    problems = [f"{link}: {reason}" for link in links(page) if (reason := problem(link))]
    assert not problems, "\n".join(problems)


def test_the_slugs_are_github_s() -> None:
    assert slug("`triage serve`: the intake kiosk") == "triage-serve-the-intake-kiosk"
    assert slug("Clinic settings: `--clinic PATH`") == "clinic-settings---clinic-path"
    assert slug("`rules/*.yaml`") == "rulesyaml"
    assert slug("4. Printing") == "4-printing"
    assert slug("What-if: `triage assess FILE --what-if QUESTION=VALUE`") == (
        "what-if-triage-assess-file---what-if-questionvalue")


def test_every_page_in_docs_is_reached_from_the_readme() -> None:
    reached, todo = {README}, [README]
    while todo:
        page = todo.pop()
        for link in links(page):
            path = unquote(urlsplit(link.target).path)
            if urlsplit(link.target).scheme or not path.endswith(".md"):
                continue
            target = (page.parent / path).resolve()
            if target.is_file() and target not in reached:
                reached.add(target)
                todo.append(target)
    assert [page.name for page in PAGES if page not in reached] == []


# --- commands --------------------------------------------------------------------------------
SHELL = {"sh", "bash", "shell", "zsh"}
CONSOLE = {"console", "shell-session"}
SETTING = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=.*")
LANGUAGE_SETTINGS = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"}

PLACEHOLDERS = {"FILE", "PATH", "DIR", "ID", "OUT", "SCENARIO", "QUESTION=VALUE",
                "clinic.yaml", "clinic/questions.yaml", "clinic/rules"}
"""Words that stand for the reader's own files or choices: a command with one is parsed, not run."""

RUN = {"check", "red-flags", "explain", "diagram", "assess"}
"""Commands that only read and print, quickly: the docs' examples of them are run. The
questionnaire, the kiosk and the demonstrations wait for a person; export and schema write files."""


@dataclass(frozen=True)
class Command:
    page: Path
    line: int
    text: str
    argv: tuple[str, ...]
    settings: tuple[tuple[str, str], ...] = ()
    status: int = 0

    def __str__(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}: {self.text}"


def command(page: Path, line: int, text: str) -> Command | None:
    """The line as a command of this program, or None for any other program's."""
    words = shlex.split(text, comments=True)
    settings = []
    while words and SETTING.fullmatch(words[0]):
        name, value = words.pop(0).split("=", 1)
        settings.append((name, value))
    if words[:2] == ["uv", "run"]:
        words = words[2:]
    if not words or words[0] != "triage":
        return None
    status = re.search(r"#.*\bexit(?: status)? (\d+)\b", text)
    return Command(page, line, text.partition(" #")[0].strip(), tuple(words[1:]), tuple(settings),
                   int(status.group(1)) if status else 0)


def commands(page: Path) -> Iterator[Command]:
    _, blocks = parts(page)
    for block in blocks:
        if block.language not in SHELL | CONSOLE:
            continue
        pending: list[str] = []
        start = 0
        for number, raw in block.lines:
            line = raw.strip()
            if not pending:
                if block.language in CONSOLE:
                    if not line.startswith("$ "):
                        continue  # what the command printed
                    line = line[2:].strip()
                if not line or line.startswith("#"):
                    continue
                start = number
            if line.endswith("\\"):
                pending.append(line[:-1])
                continue
            found = command(page, start, " ".join([*pending, line]))
            pending = []
            if found is not None:
                yield found


COMMANDS = [found for page in PAGES for found in commands(page)]


def parsed(argv: tuple[str, ...]) -> argparse.Namespace | int:
    """The program's own parser's reading of ``argv``, or the status it exits with."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            return build_parser().parse_args(list(argv))
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else 2


def asks_for_help(argv: tuple[str, ...]) -> bool:
    return "--help" in argv or "-h" in argv


def runs(shown: Command) -> bool:
    """A command safe and quick to run: it only reads and prints, and names no file of the reader's."""
    if PLACEHOLDERS & set(shown.argv) or "--out" in shown.argv:
        return False
    args = parsed(shown.argv)
    if isinstance(args, int):
        return asks_for_help(shown.argv) and args == 0
    return args.command in RUN or (args.command == "demo" and args.list)


RUNS = [shown for shown in COMMANDS if runs(shown)]


@pytest.mark.parametrize("shown", COMMANDS, ids=str)
def test_every_command_shown_is_one_the_program_accepts(shown: Command,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    try:
        args = build_parser().parse_args(list(shown.argv))
    except SystemExit as exc:
        assert exc.code == 0 and asks_for_help(shown.argv), f"{shown}\n{capsys.readouterr().err}"
        return
    if args.lang is not None:
        assert i18n.normalise(args.lang) is not None, f"{shown}: no language {args.lang}"
    for name, value in shown.settings:
        if name in LANGUAGE_SETTINGS:
            assert i18n.normalise(value) is not None, f"{shown}: no language {value}"


def expanded(argv: tuple[str, ...]) -> list[str]:
    """``argv`` with its wildcards expanded in the repository, as a shell there would."""
    words: list[str] = []
    for word in argv:
        if any(character in word for character in "*?["):
            matches = sorted(path.relative_to(ROOT).as_posix() for path in ROOT.glob(word))
            assert matches, f"{word} matches no file in the repository"
            words.extend(matches)
        else:
            words.append(word)
    return words


@pytest.mark.parametrize("shown", RUNS, ids=str)
def test_the_safe_commands_run_as_shown(shown: Command, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    for name, value in shown.settings:
        monkeypatch.setenv(name, value)
    language = i18n.active()
    try:
        status = main(expanded(shown.argv))
    except SystemExit as exc:  # --help
        status = exc.code if isinstance(exc.code, int) else 2
    finally:
        i18n.activate(language)
    out, err = capsys.readouterr()
    assert status == shown.status, f"{shown}: exit status {status}, not {shown.status}\n{err}"
    assert out.strip(), f"{shown}: printed nothing"
    assert "Traceback" not in err


def test_commands_shown_with_a_prompt_are_in_shell_blocks() -> None:
    """So that none escapes the checks above: a command in a ```text block is not read."""
    stray = [f"{page.relative_to(ROOT)}:{number}: {line.strip()}"
             for page in PAGES for block in parts(page)[1] if block.language not in SHELL | CONSOLE
             for number, line in block.lines if re.match(r"\s*(\$\s+)?(uv run )?triage\b", line)]
    assert stray == []


def test_the_checks_see_the_pages() -> None:
    """The readers above find what the pages hold (a change in their syntax could hide it)."""
    assert all(links(page) for page in PAGES)
    assert {("--help",), ("check",), ("red-flags",)} <= {shown.argv for shown in COMMANDS
                                                         if shown.page == README}
    assert {shown.argv[0] for shown in RUNS} >= {"--help", "check", "red-flags", "assess"}
    assert any(shown.argv == () for shown in COMMANDS)  # the questionnaire itself: parsed, not run
    assert any(shown.argv[0] == "serve" for shown in COMMANDS if shown.argv)
