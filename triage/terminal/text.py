"""Small text helpers shared by the screens and the saved summaries."""

from __future__ import annotations


def plain_text(text: str) -> str:
    """The same words without typographic separators (for ``--plain``)."""
    return text.replace(" · ", "; ").replace("·", ";")
