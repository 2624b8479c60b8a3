"""Answers typed as a line of text at a numbered list: how the line is read.

With ``--plain`` (and for screen readers) the terminal lists a question's
answers as numbered lines and the person types one: its number, its words,
the start of its words, a letter (:func:`letters`), or several numbers
(:func:`read_numbers`). These are the rules, in plain text functions; each
question type (:meth:`triage.qtypes.QType.read_typed`) says which it takes,
and the terminal (:mod:`triage.terminal.prompts`) draws the list.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Final

BACK_KEYS: Final = ("b",)
"""Keys that go back to the previous question at every terminal prompt (in a field, while it is empty)."""
WHY_KEYS: Final = ("?", "w")
"""Keys that show why a question is asked at every terminal prompt (in a field, while it is empty)."""


PLAIN_FORMS: Final = ("<wide>", "<narrow>", "<font>")
"""Unicode's compatibility forms that are another width or font of a plain character: full-width
"７２" is 72. Superscripts, fractions and circled digits are not among them ("4²" is no 42)."""


def plain(text: str) -> str:
    """``text`` with each full-width, half-width or mathematical-font character as its NFKC form."""
    if text.isascii():
        return text
    return "".join(unicodedata.normalize("NFKC", char)
                   if unicodedata.decomposition(char).startswith(PLAIN_FORMS) else char for char in text)


def fold(text: str) -> str:
    """Text as typed answers are compared: trimmed, in plain forms (:func:`plain`), without case or
    accents ("Sí" is "si")."""
    decomposed = unicodedata.normalize("NFD", plain(text))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold().strip()


def letters(labels: Sequence[str]) -> list[str]:
    """A letter to type for each answer, or "" for none.

    Each answer takes the first initial of its words that no earlier answer took and that is not a
    key (b, w): "Yes", "No", "Not sure" are y, n and s. An answer left without a letter is typed
    by its number.
    """
    taken = {fold(key) for key in (*BACK_KEYS, *WHY_KEYS)}
    out: list[str] = []
    for label in labels:
        initials = [next((char for char in word if char.isalpha()), "") for word in fold(label).split()]
        letter = next((char for char in initials if char and char not in taken), "")
        if letter:
            taken.add(letter)
        out.append(letter)
    return out




def _number(text: str, count: int) -> int | None:
    """The index of the answer numbered ``text`` (from 1, as the list shows them), else None."""
    digits = plain(text).rstrip(".)")
    if not (digits.isascii() and digits.isdecimal()) or len(digits.lstrip("0")) > 4:
        return None
    number = int(digits)
    return number - 1 if 1 <= number <= count else None


def read_one(text: str, labels: Sequence[str], keys: Sequence[str] = ()) -> int | None:
    """Which answer ``text`` names: its number, its words, its letter (``keys``) or the start of its
    words, if only one answer starts so; None otherwise. A bare number is always an answer's number.
    """
    typed = fold(text)
    if not typed:
        return None
    if typed.rstrip(".)").isdecimal():
        return _number(typed, len(labels))
    folded = [fold(label) for label in labels]
    if typed in folded:
        return folded.index(typed)
    if typed in keys:
        return list(keys).index(typed)
    starting = [index for index, label in enumerate(folded) if label.startswith(typed)]
    return starting[0] if len(starting) == 1 else None


def read_numbers(text: str, count: int) -> list[int] | None:
    """The indexes of the answers numbered in ``text`` (commas or spaces between), in order; None
    when any part is not one of them. Nothing typed is no answer: an empty list."""
    indexes: set[int] = set()
    for part in re.split(r"[\s,;]+", plain(text).strip()):
        if not part:
            continue
        index = _number(part, count)
        if index is None:
            return None
        indexes.add(index)
    return sorted(indexes)
