"""Small text helpers shared by the screens and the saved summaries."""

from __future__ import annotations

from triage.result import Matched, Reason


def plain_text(text: str) -> str:
    """The same words without typographic separators (for ``--plain``)."""
    return text.replace(" · ", "; ").replace("·", ";")


def grouped(reasons: tuple[Reason, ...]) -> list[tuple[Reason, list[Matched]]]:
    """One entry per rule: a rule that fired twice (on two answers) is explained once."""
    groups: dict[str, tuple[Reason, list[Matched]]] = {}
    for reason in reasons:
        _, matched = groups.setdefault(reason.rule, (reason, []))
        matched.extend(m for m in reason.matched if m not in matched)
    return list(groups.values())
