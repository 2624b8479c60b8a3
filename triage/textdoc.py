"""A small document model for the educator tools, rendered as text or Markdown.

``red-flags`` and ``explain`` build a list of blocks (headings, labelled
paragraphs, bullet trees) once; :func:`text` and :func:`markdown` lay them out.
Plain text uses no colour and no symbols beyond "-" bullets, so it reads well
with a screen reader and pastes cleanly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from triage import i18n, mdtext, textwidth
from triage.describe import Node


@dataclass(frozen=True)
class Heading:
    text: str
    depth: int = 1


@dataclass(frozen=True)
class Para:
    text: str
    label: str = ""


@dataclass(frozen=True)
class Bullets:
    nodes: tuple[Node, ...]
    label: str = ""


Block = Heading | Para | Bullets


def _wrap(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    return textwidth.wrap(" ".join(text.split()), max(width, 30), initial_indent=first,
                          subsequent_indent=rest, break_on_hyphens=False) or [first.rstrip()]


def _tree_text(node: Node, depth: int, width: int) -> list[str]:
    pad = "  " * depth
    out = _wrap(node.text, width, pad + "- ", pad + "  ")
    for child in node.children:
        out += _tree_text(child, depth + 1, width)
    return out


def text(blocks: Iterable[Block], width: int = 78) -> str:
    out: list[str] = []
    for block in blocks:
        match block:
            case Heading(text=title, depth=depth):
                if out:
                    out.append("")
                lines = _wrap(title, width)
                out += lines
                if depth <= 2:
                    out.append(("=" if depth == 1 else "-") * min(max(map(textwidth.cells, lines)), width))
            case Para(text=body, label=label):
                out += _wrap(i18n.labelled(label, body) if label else body, width)
            case Bullets(nodes=nodes, label=label):
                if label:
                    out += _wrap(i18n.label_alone(label), width)
                for node in nodes:
                    out += _tree_text(node, 0, width)
    return "\n".join(out) + "\n"


def _tree_md(node: Node, depth: int) -> list[str]:
    out = ["  " * depth + "- " + mdtext.inline(node.text)]
    for child in node.children:
        out += _tree_md(child, depth + 1)
    return out


def markdown(blocks: Iterable[Block]) -> str:
    out: list[str] = []
    for block in blocks:
        match block:
            case Heading(text=title, depth=depth):
                if out and out[-1]:
                    out.append("")
                out += ["#" * depth + " " + mdtext.inline(title), ""]
            case Para(text=body, label=label):
                body = " ".join(body.split())
                shown = mdtext.inline(body)
                out += [f"**{mdtext.inline(i18n.label_alone(label))}** {shown}" if label else shown, ""]
            case Bullets(nodes=nodes, label=label):
                if label:
                    out += [f"**{mdtext.inline(i18n.label_alone(label))}**", ""]
                for node in nodes:
                    out += _tree_md(node, 0)
                out.append("")
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"
