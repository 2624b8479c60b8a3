"""Text in Markdown: the one escaper every Markdown writer uses (the clinician's summary,
``explain`` and ``red-flags --format markdown``).

:func:`inline` makes any sentence safe on one line of Markdown, in a paragraph,
a list item, a heading or a table cell: it reads as it was written, whatever
it holds. Ids written in backticks stay as they are (a code span shows its
text literally), and an underscore inside a word is left alone
(``cauda_equina`` is never emphasis in CommonMark).
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"[\\*\[\]<>#|!]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def inline(text: str) -> str:
    """``text`` on one line, with every character that Markdown would read as markup escaped, and
    `code` spans kept as written."""
    parts = " ".join(text.split()).split("`")
    if len(parts) % 2 == 0:  # an unmatched backtick: no code span, escape it too
        return _escape("\\`".join(parts))
    return "`".join(part if i % 2 else _escape(part) for i, part in enumerate(parts))


def _escape(text: str) -> str:
    return _SPECIAL.sub(lambda m: "\\" + m.group(0), text)
