"""Take the README's pictures of the intake kiosk: its real pages, served and shown in Chromium.

    uv run python scripts/make_web_screenshots.py            # writes docs/web-*.png, docs/web-screens.json
    uv run python scripts/make_web_screenshots.py --check    # exit 1 if they are out of date

The pages are those of ``triage serve`` for the example answer sets in
``triage/terminal/examples.py``: the welcome, a question (where the pain is,
with "Why we ask" open), the result for a muscle strain (the acupuncturist
level) and the emergency stop for saddle numbness. Chromium is Debian's
(``apt-get install chromium``), launched by Playwright.

A PNG's bytes differ from run to run (fonts, the renderer's version), so
whether the pictures are current is judged by ``docs/web-screens.json``: a
hash of each page's HTML as served (its random CSRF token blanked) and of the
stylesheet. ``--check`` needs no browser: it serves the pages and compares
those hashes. Run this after changing a kiosk template, the stylesheet, or
the words or rules that the example visits use.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from triage.models import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
STYLESHEET = ROOT / "triage" / "web" / "static" / "kiosk.css"
RECORD = "web-screens.json"
VIEWPORT = {"width": 760, "height": 940}
QUESTION = re.compile(r'name="question" value="([^"]+)"')
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
CHANGING = (  # what differs on every load of a result page: its QR picture, visit code and time
    (re.compile(r'<svg [^>]*class="qr-code".*?</svg>', re.S), ""),
    (re.compile(r'(class="sheet-code">)[A-Z0-9]+'), r"\1"),
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d"), ""),
)


def _stable(html: str) -> str:
    for pattern, blank in CHANGING:
        html = pattern.sub(blank, html)
    return html


@dataclass(frozen=True)
class Shot:
    """One picture: the page an example visit reaches, and what a person did there."""

    answers: str | None
    """The name of an answer set in ``triage.terminal.examples``; None for the welcome page."""
    stop_before: str | None = None
    """Stop at this question's screen instead of going on to the result."""
    open_why: bool = False
    scroll_to: str | None = None
    """Start the picture at this element (a CSS selector) rather than at the top of the page."""
    media: str | None = None
    """Show the page as this medium: "print" draws what the printer gets."""


SHOTS: dict[str, Shot] = {
    "web-welcome.png": Shot(None),
    "web-question.png": Shot("BENIGN", stop_before="pain_location", open_why=True),
    "web-result.png": Shot("BENIGN"),
    "web-emergency.png": Shot("EMERGENCY"),
    "web-handoff.png": Shot("BENIGN_CAUTIONED", scroll_to="section.end"),
    "web-printout.png": Shot("BENIGN_CAUTIONED", media="print"),
}


def _tests_on_path() -> None:
    """The kiosk's server and the form helpers are shared with the browser tests."""
    if str(ROOT / "tests") not in sys.path:
        sys.path.insert(0, str(ROOT / "tests"))


def _answers(shot: Shot) -> Mapping[str, Any]:
    from triage.terminal import examples

    if shot.answers == "BENIGN_CAUTIONED":  # the hand-off with something for the acupuncturist
        return {**examples.BENIGN, "before_needling": ("faints_with_needles", "metal_allergy")}
    return getattr(examples, shot.answers) if shot.answers else {}


def _path(shot: Shot) -> str:
    return "/" if shot.answers is None else "/question" if shot.stop_before else "/result"


def served(url: str, kb: KnowledgeBase, shot: Shot) -> str:
    """The HTML of a shot's page, reached with plain requests (no browser), CSRF token blanked."""
    import httpx
    from web_server import form_values, without_csrf

    answers = _answers(shot)
    with httpx.Client(base_url=url, follow_redirects=True, timeout=30) as client:
        html = client.get("/").text
        if shot.answers is None:
            return without_csrf(html)
        client.post("/start", data={"csrf": _token(html)})
        html = client.get("/question").text
        while (match := QUESTION.search(html)) and match.group(1) != shot.stop_before:
            qid = match.group(1)
            html = client.post("/answer", data={"csrf": _token(html), "question": qid,
                                                "answer": form_values(kb, qid, answers[qid])}).text
        return _stable(without_csrf(client.get(_path(shot)).text))


def _token(html: str) -> str:
    match = CSRF.search(html)
    if match is None:
        raise RuntimeError("a kiosk page has no CSRF token")
    return match.group(1)


def record(url: str, kb: KnowledgeBase) -> dict[str, Any]:
    """What the pictures show, as hashes: docs/web-screens.json."""
    style = STYLESHEET.read_bytes()
    pages = {}
    for name, shot in SHOTS.items():
        digest = hashlib.sha256(served(url, kb, shot).encode("utf-8") + b"\0" + style)
        pages[name] = f"sha256:{digest.hexdigest()}"
    return {
        "about": "Hashes of the served HTML (CSRF token blanked) and the stylesheet behind each "
                 "picture; scripts/make_web_screenshots.py --check compares them.",
        "viewport": VIEWPORT,
        "pages": pages,
    }


def take(url: str, kb: KnowledgeBase, out_dir: Path) -> None:
    """Walk each example visit in Chromium, as a person would, and save its screen."""
    from playwright.sync_api import sync_playwright
    from web_server import answer_all, chromium, start

    executable = chromium()
    if executable is None:
        raise SystemExit("Chromium is not installed: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True)
        try:
            for name, shot in SHOTS.items():
                context = browser.new_context(base_url=url, viewport=VIEWPORT)  # type: ignore[arg-type]
                page = context.new_page()
                if shot.answers is None:
                    page.goto("/")
                else:
                    start(page)
                    answer_all(page, kb, _answers(shot), stop_before=shot.stop_before)
                if shot.open_why:
                    page.locator("details.why summary").click()
                if shot.media is not None:
                    page.emulate_media(media=shot.media)  # type: ignore[arg-type]
                page.locator("body").evaluate("body => document.activeElement.blur()")
                top = 0
                if shot.scroll_to is not None:
                    box = page.locator(shot.scroll_to).first.bounding_box()
                    top = max(0, int(box["y"]) - 16) if box is not None else 0
                # The page's content from ``top``, cut at the window's height (a result goes on below).
                height = min(VIEWPORT["height"], page.evaluate(
                    "() => Math.ceil(document.body.getBoundingClientRect().height) + 24") - top)
                page.screenshot(path=out_dir / name, full_page=True,
                                clip={"x": 0, "y": top, "width": VIEWPORT["width"], "height": height})
                context.close()
                print(f"wrote {_shown(out_dir / name)}")
        finally:
            browser.close()


def _shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=DOCS, help="default: docs/")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if out of date")
    args = parser.parse_args(argv)
    _tests_on_path()
    from web_server import serve

    from triage import loader
    from triage.engine import engine_for
    from triage.web.app import create_app

    kb = loader.load()
    with serve(create_app(kb, engine_for(kb))) as url:
        now = record(url, kb)
        target = args.out_dir / RECORD
        if args.check:
            stale = [name for name in SHOTS if not (args.out_dir / name).exists()]
            kept = json.loads(target.read_text(encoding="utf-8")) if target.exists() else {}
            if kept.get("viewport") != now["viewport"]:
                stale = list(SHOTS)
            stale += [name for name in SHOTS
                      if kept.get("pages", {}).get(name) != now["pages"][name] and name not in stale]
            if stale:
                print(f"out of date: {', '.join(stale)}; run scripts/make_web_screenshots.py",
                      file=sys.stderr)
                return 1
            return 0
        args.out_dir.mkdir(parents=True, exist_ok=True)
        take(url, kb, args.out_dir)
        target.write_text(json.dumps(now, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {_shown(target)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
