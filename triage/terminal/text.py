"""Small text helpers shared by the screens and the saved summaries."""

from __future__ import annotations


def plain_text(text: str) -> str:
    """The same words without typographic separators (for ``--plain``)."""
    from triage import i18n

    separator = i18n.translated(i18n.CLAUSE_SEPARATOR)
    return text.replace(" · ", separator).replace("·", separator.strip())
