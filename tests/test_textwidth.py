"""Wrapping by the cells a terminal gives text: Chinese takes two cells a character and breaks anywhere.

For any mix of ASCII and full-width characters, no line is wider than asked (but for a single
character wider than the line), no character is lost, and text of one-cell characters wraps
exactly as :func:`textwrap.wrap` does, so English and Spanish screens stay as they were.
"""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from triage.textwidth import NO_LINE_END, NO_LINE_START, cells, wrap

FULL_WIDTH = "背部疼痛是从什么时候开始的您好请选择一个答案" + "，。？！（）ＡＢ１２"
PIECES = [*"abcdefghij-. ", *FULL_WIDTH, "  ", "pain", "ñ", "é"]
MIXED = st.lists(st.sampled_from(PIECES), max_size=150).map("".join)
WIDTHS = st.integers(min_value=10, max_value=100)


def _without_spaces(text: str) -> str:
    return text.replace(" ", "")


@settings(max_examples=300)
@given(text=MIXED, width=WIDTHS)
@example(text="背" * 60, width=11)
@example(text="a" * 30 + "背部" * 10, width=10)
def test_no_line_is_wider_and_no_character_is_lost(text: str, width: int) -> None:
    lines = wrap(text, width)
    for line in lines:
        assert cells(line) <= width or len(line) == 1, (line, width)
    assert _without_spaces("".join(lines)) == _without_spaces(text)  # only the breaks' spaces go


@settings(max_examples=300)
@given(text=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=300)
       | st.lists(st.sampled_from([*"abc def-ghi. ñéü¿¡", "  ", "spine"]), max_size=150).map("".join),
       width=WIDTHS, hyphens=st.booleans(), indent=st.sampled_from(["", "  ", "- "]))
def test_one_cell_text_wraps_as_textwrap_does(text: str, width: int, hyphens: bool, indent: str) -> None:
    rest = " " * len(indent)
    ours = wrap(text, width, initial_indent=indent, subsequent_indent=rest, break_on_hyphens=hyphens)
    assert ours == textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=rest,
                                 break_on_hyphens=hyphens)


@pytest.mark.parametrize(("text", "width", "expected"), [
    pytest.param("您好，请问您的背部疼痛是从什么时候开始的？请选择一个答案。", 20,
                 ["您好，请问您的背部疼", "痛是从什么时候开始", "的？请选择一个答案。"], id="chinese"),
    pytest.param("Pain 背部疼痛 since 昨天", 10, ["Pain 背部", "疼痛 since", "昨天"], id="mixed"),
    pytest.param("７２ years", 10, ["７２ years"], id="full-width-digits"),
    pytest.param("", 10, [], id="empty"),
])
def test_chinese_breaks_between_characters(text: str, width: int, expected: list[str]) -> None:
    assert wrap(text, width) == expected


def test_no_line_starts_with_a_closing_mark() -> None:
    text = "请问您的背部疼痛是从什么时候开始的？" * 8
    for width in range(10, 40):
        assert not any(line[0] in NO_LINE_START for line in wrap(text, width)[1:])


def test_a_character_wider_than_the_line_goes_alone() -> None:
    assert wrap("背部", 1) == ["背", "部"]


def test_indents_count_their_cells() -> None:
    lines = wrap("背部疼痛是从什么时候开始的" * 3, 20, initial_indent="- ", subsequent_indent="  ")
    assert lines[0].startswith("- 背") and all(line.startswith("  ") for line in lines[1:])
    assert all(cells(line) <= 20 for line in lines)


def test_no_line_ends_with_an_opening_bracket() -> None:
    text = "the language to use: en (English), zh-Hans (简体中文), zh-Hant (繁體中文)、「警示症状」"
    for width in range(6, 30):
        for line in wrap(text, width):
            assert line[-1] not in NO_LINE_END, (width, line)
