"""Wrapping text by the cells a terminal gives it, for every script.

A Chinese or Japanese character takes two cells of a terminal, an accent
none; Chinese puts no spaces between words, so a line may break between any
two of its characters. :func:`wrap` is :func:`textwrap.wrap` measured so:
for text whose every character takes one cell (English, Spanish) its lines
are exactly those of :func:`textwrap.wrap`.
"""

from __future__ import annotations

import textwrap
from typing import Any, Final


def cells(text: str) -> int:
    """How many cells of a terminal ``text`` takes (a character it cannot show: none)."""
    if text.isascii() and text.isprintable():  # one cell each; wcwidth's tables load only for others
        return len(text)
    from wcwidth import wcswidth, wcwidth  # here: its tables cost the start-up 15 ms

    found = wcswidth(text)
    if found >= 0:
        return int(found)
    return sum(max(int(wcwidth(char)), 0) for char in text)


NO_LINE_START: Final = frozenset("，。、．？！：；）」』】》〉〕｝’”…・ー")
"""Chinese and Japanese marks that close a sentence or a bracket: no line starts with one."""
NO_LINE_END: Final = frozenset("（「『【《〈〔｛‘“(")
"""Marks that open a bracket or a quotation: no line ends with one."""


def _pieces(chunk: str) -> list[str]:
    """A word cut before and after each character two cells wide (a line may break there), but
    never before a closing mark (:data:`NO_LINE_START`)."""
    if chunk.isascii():
        return [chunk]
    out: list[str] = []
    for char in chunk:
        if out and (char in NO_LINE_START or out[-1][-1] in NO_LINE_END):
            out[-1] += char
        elif cells(char) > 1 or (out and cells(out[-1][-1]) > 1):
            out.append(char)
        elif out:
            out[-1] += char
        else:
            out.append(char)
    return out


class _CellWrapper(textwrap.TextWrapper):
    """:class:`textwrap.TextWrapper` counting cells, not characters (without ``max_lines``)."""

    def _split(self, text: str) -> list[str]:
        return [piece for chunk in super()._split(text) for piece in _pieces(chunk)]

    def _handle_long_word(self, reversed_chunks: list[str], cur_line: list[str], cur_len: int,
                          width: int) -> None:
        space_left = 1 if width < 1 else width - cur_len
        chunk = reversed_chunks[-1]
        end = 0
        while end < len(chunk) and cells(chunk[:end + 1]) <= space_left:
            end += 1
        if end == 0 and not cur_line:  # one cell wider than the line: it goes alone
            end = 1
        if self.break_on_hyphens and cells(chunk) > space_left:
            hyphen = chunk.rfind("-", 0, end)
            if hyphen > 0 and any(char != "-" for char in chunk[:hyphen]):
                end = hyphen + 1
        if end:
            cur_line.append(chunk[:end])
            reversed_chunks[-1] = chunk[end:]

    def _wrap_chunks(self, chunks: list[str]) -> list[str]:
        lines: list[str] = []
        chunks.reverse()
        while chunks:
            cur_line: list[str] = []
            cur_len = 0
            indent = self.subsequent_indent if lines else self.initial_indent
            width = self.width - cells(indent)
            if self.drop_whitespace and chunks[-1].strip() == "" and lines:
                del chunks[-1]
            while chunks and cur_len + cells(chunks[-1]) <= width:
                cur_len += cells(chunks[-1])
                cur_line.append(chunks.pop())
            if chunks and cells(chunks[-1]) > width:
                self._handle_long_word(chunks, cur_line, cur_len, width)
                if not chunks[-1]:
                    chunks.pop()
            if self.drop_whitespace and cur_line and cur_line[-1].strip() == "":
                del cur_line[-1]
            if cur_line:
                lines.append(indent + "".join(cur_line))
        return lines


def wrap(text: str, width: int, **options: Any) -> list[str]:
    """``text`` in lines of at most ``width`` cells, as :func:`textwrap.wrap` takes ``options``
    (``initial_indent``, ``subsequent_indent``, ``break_on_hyphens``); a line breaks at spaces,
    and between characters two cells wide. Only a single character wider than the line is longer.
    """
    if text.isascii() and all(str(value).isascii() for value in options.values()):
        return textwrap.wrap(text, width, **options)
    return _CellWrapper(width, **options).wrap(text)
