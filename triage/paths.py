"""Where the shipped knowledge base is, from a checkout or an installed wheel."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_root() -> Path:
    packaged = _PACKAGE / "_data"
    if (packaged / "questions.yaml").is_file():
        return packaged  # installed from a wheel
    return _PACKAGE.parent  # a checkout: the top of the repository


def default_questions() -> Path:
    return _data_root() / "questions.yaml"


def default_rules() -> Path:
    return _data_root() / "rules"


def locales() -> Path:
    """``locales/<lang>/``: the program's catalogue (LC_MESSAGES) and the knowledge base's overlay."""
    return _data_root() / "locales"


def display(path: Path) -> str:
    """A path as messages show it: relative to the current folder when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)
    return rel if not rel.startswith("..") else str(path)
