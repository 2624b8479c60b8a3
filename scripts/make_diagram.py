"""Write the red-flag part of the knowledge base as a Mermaid diagram.

    uv run python scripts/make_diagram.py            # writes docs/red-flags.mmd
    uv run python scripts/make_diagram.py --check    # exit 1 if it is out of date

The README embeds docs/red-flags.mmd; run this after changing a red flag, or
a rule or question that leads to one. The whole knowledge base, or any part
of it, is drawn by ``triage diagram [--format mermaid|dot] [--focus ID]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "red-flags.mmd"


def render(questions: Path | None = None, rules: Path | None = None) -> str:
    from triage import diagram, loader

    return diagram.mermaid(diagram.red_flag_part(loader.load(questions, rules)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=TARGET, help="default: docs/red-flags.mmd")
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
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else None
        if current != text:
            print(f"{args.out}: out of date; run: uv run python scripts/make_diagram.py", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {display(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
