"""Draw the questionnaire's result and emergency screens as SVG pictures.

    uv run python scripts/make_screenshots.py            # writes docs/result.svg, docs/emergency.svg
    uv run python scripts/make_screenshots.py --check    # exit 1 if they are out of date

The pictures come from the program's own rendering code (rich's
``Console(record=True).export_svg``) for two example answer sets in
``triage/terminal/examples.py``: a muscle strain with poor posture (the
acupuncturist level) and saddle numbness (the emergency stop). Run this
after changing a result screen or the words of the rules these examples use.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
WIDTH = 72

PICTURES = {
    "result.svg": ("BENIGN", "triage: the result"),
    "emergency.svg": ("EMERGENCY", "triage: the emergency stop"),
}


def render(name: str, width: int = WIDTH) -> str:
    from triage import loader
    from triage.engine import engine_for
    from triage.terminal import examples, screens

    kb = loader.load()
    answers, title = PICTURES[name]
    result = examples.replay(kb, engine_for(kb), getattr(examples, answers))
    console = screens.make_console(False, width=width, record=True, color_system="truecolor",
                                   force_terminal=True, file=io.StringIO())
    screens.show_result(console, kb, result, plain=False)
    return _local_fonts_only(console.export_svg(title=title))


def _local_fonts_only(svg: str) -> str:
    """Drop the web-font addresses rich adds, so opening a picture fetches nothing."""
    return re.sub(r',\s*url\("https?://[^"]*"\)\s*format\("[^"]*"\)', "", svg)




def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=DOCS, help="default: docs/")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if out of date")
    parser.add_argument("--width", type=int, default=WIDTH, help=f"columns (default {WIDTH})")
    args = parser.parse_args(argv)
    stale = []
    for name in PICTURES:
        svg = render(name, args.width)
        target = args.out_dir / name
        if args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != svg:
                stale.append(name)
            continue
        args.out_dir.mkdir(parents=True, exist_ok=True)
        target.write_text(svg, encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
    if stale:
        print(f"out of date: {', '.join(stale)}; run scripts/make_screenshots.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
