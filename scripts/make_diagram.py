"""Write the red-flag part of the knowledge base as a Mermaid diagram.

    uv run python scripts/make_diagram.py            # writes docs/red-flags.mmd and its copy in the docs
    uv run python scripts/make_diagram.py --check    # exit 1 if either is out of date

docs/knowledge-base.md embeds the same diagram between two marker comments
(code hosts render Mermaid); run this after changing a red flag, or a rule or
question that leads to one. The whole knowledge base, or any part
of it, is drawn by ``triage diagram [--format mermaid|dot] [--focus ID]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "red-flags.mmd"
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=TARGET, help="default: docs/red-flags.mmd")
    parser.add_argument("--readme", type=Path, default=README, help="default: docs/knowledge-base.md")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if out of date")
    parser.add_argument("--questions", type=Path, metavar="PATH")
    parser.add_argument("--rules", type=Path, metavar="DIR")
    args = parser.parse_args(argv)
    from triage.errors import TriageError
    from triage.paths import display

    try:
        text = render(args.questions, args.rules)
    except TriageError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    readme = args.readme.read_text(encoding="utf-8") if args.readme.is_file() else ""
    wanted = {args.out: text, args.readme: embedded(readme, text)} if readme else {args.out: text}
    if args.check:
        stale = [path for path, content in wanted.items()
                 if (path.read_text(encoding="utf-8") if path.is_file() else None) != content]
        for path in stale:
            print(f"{path}: out of date; run: uv run python scripts/make_diagram.py", file=sys.stderr)
        return 1 if stale else 0
    for path, content in wanted.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        print(f"wrote {display(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
