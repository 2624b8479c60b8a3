"""Write the red-flag part of the knowledge base as a Mermaid diagram and as an SVG picture.

    uv run python scripts/make_diagram.py            # writes docs/red-flags.mmd, its copy in the docs
                                                     # and docs/red-flags.svg (needs Graphviz's dot)
    uv run python scripts/make_diagram.py --check    # exit 1 if any is out of date

docs/knowledge-base.md embeds the Mermaid diagram (with ids, for authors)
between two marker comments (code hosts render Mermaid) and shows the picture
(in words, with "and"/"or"/"not") as an image; run this after changing a red
flag, or a rule or question that leads to one. The picture's check compares
what it names and how many arrows it has, not Graphviz's exact bytes, so it
needs no Graphviz. The whole knowledge base, or any part of it, is drawn by
``triage diagram [--format mermaid|dot|svg|png] [--focus ID]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from triage.diagram import Graph

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "red-flags.mmd"
PICTURE = ROOT / "docs" / "red-flags.svg"
README = ROOT / "docs" / "knowledge-base.md"  # the page that embeds the diagram
START, END = "<!-- red-flags diagram: start -->", "<!-- red-flags diagram: end -->"


def embedded(readme: str, diagram: str) -> str:
    """The page with the diagram between its markers (unchanged if it has none)."""
    if START not in readme or END not in readme:
        return readme
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n```mermaid\n{diagram}```\n{END}{tail}"


def render(questions: Path | None = None, rules: Path | None = None) -> str:
    from triage import diagram, loader

    return diagram.mermaid(diagram.red_flag_part(loader.load(questions, rules)))


def picture(questions: Path | None = None, rules: Path | None = None) -> Graph:
    """The red flags' picture, in English (the language of the docs)."""
    from triage import diagram, i18n, loader

    i18n.activate(i18n.ENGLISH)
    return diagram.red_flag_picture(loader.load(questions, rules))


def picture_is_current(svg: Path, graph: Graph) -> bool:
    """Whether ``svg`` names what ``graph`` has and has as many arrows (whatever Graphviz's bytes)."""
    from triage import diagram

    return svg.is_file() and diagram.svg_contents(svg.read_bytes()) == diagram.contents(graph)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=TARGET, help="default: docs/red-flags.mmd")
    parser.add_argument("--readme", type=Path, default=README, help="default: docs/knowledge-base.md")
    parser.add_argument("--svg", type=Path, default=PICTURE, help="default: docs/red-flags.svg")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if out of date")
    parser.add_argument("--questions", type=Path, metavar="PATH")
    parser.add_argument("--rules", type=Path, metavar="DIR")
    args = parser.parse_args(argv)
    from triage.errors import TriageError

    try:
        graph = picture(args.questions, args.rules)  # English from here on
        text = render(args.questions, args.rules)
    except TriageError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    readme = args.readme.read_text(encoding="utf-8") if args.readme.is_file() else ""
    wanted = {args.out: text, args.readme: embedded(readme, text)} if readme else {args.out: text}
    if args.check:
        return check(wanted, args.svg, graph)
    return write(wanted, args.svg, graph)


def check(wanted: dict[Path, str], svg: Path, graph: Graph) -> int:
    stale = [path for path, content in wanted.items()
             if (path.read_text(encoding="utf-8") if path.is_file() else None) != content]
    if not picture_is_current(svg, graph):
        stale.append(svg)
    for path in stale:
        print(f"{path}: out of date; run: uv run python scripts/make_diagram.py", file=sys.stderr)
    return 1 if stale else 0


def write(wanted: dict[Path, str], svg: Path, graph: Graph) -> int:
    from triage import diagram
    from triage.errors import TriageError
    from triage.paths import display

    try:  # drawn first: without Graphviz, nothing is written
        drawn = diagram.draw(diagram.picture_source(graph), "svg")
    except TriageError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    for path, content in [*((p, c.encode("utf-8")) for p, c in wanted.items()), (svg, drawn)]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        print(f"wrote {display(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
