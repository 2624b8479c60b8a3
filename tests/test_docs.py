"""The README's pictures are drawn from the current screens and knowledge base."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


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
