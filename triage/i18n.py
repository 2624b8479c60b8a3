"""Languages: which one a person reads, and the catalogue of the program's words.

The program's sentences are written in English in :mod:`triage.constants`
(marked ``N_`` and, with a plural, ``NP_``, for ``pybabel extract``) and
read through :mod:`triage.words`, which gives them in the active language
from ``locales/<lang>/LC_MESSAGES/triage.mo``. The knowledge base's own
words come from overlays (:mod:`triage.overlay`).

The language is ``--lang``, else the environment (``LANGUAGE``, ``LC_ALL``,
``LC_MESSAGES``, ``LANG``), else English. ``en-XA`` is a pseudo-language:
every message accented and lengthened by about a third, so that a test can
see any word that did not pass through the catalogue, and that screens still
fit when a translation runs longer than the English.
"""

from __future__ import annotations

import gettext as _gettext
import re
import struct
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any, Final, NamedTuple, TypeVar

from triage import paths

DOMAIN: Final = "triage"
ENGLISH: Final = "en"
PSEUDO: Final = "en-XA"
WIDE: Final = "en-XW"
"""The wide pseudo-language: every letter full-width (two cells, as a Chinese character) and no
spaces between words, so that a test sees any screen that would not fit Chinese."""
CATALOGUE: Final = f"LC_MESSAGES/{DOMAIN}.mo"

T = TypeVar("T")

_TRADITIONAL: Final = frozenset({"tw", "hk", "mo", "hant"})


def _header(catalogue: Path) -> dict[str, str]:
    """A compiled catalogue's header (its translation of ""), read without the rest of the file:
    every language's is read at start-up, to name it."""
    try:
        data = catalogue.read_bytes()
        order = "<" if data[:4] == b"\xde\x12\x04\x95" else ">"
        count, originals, translations = struct.unpack(f"{order}3I", data[8:20])
        length, _ = struct.unpack(f"{order}2I", data[originals:originals + 8])  # "" sorts first
        size, start = struct.unpack(f"{order}2I", data[translations:translations + 8])
        text = data[start:start + size].decode("utf-8") if count and length == 0 else ""
    except (OSError, struct.error, UnicodeDecodeError):
        return {}
    fields = (line.partition(":") for line in text.splitlines())
    return {key.strip().lower(): value.strip() for key, _, value in fields if key.strip()}


def _own_name(tag: str, catalogue: Path) -> str:
    """A language's name in itself: its catalogue's ``Language-Team`` (a new language's ``.po`` sets it
    to the name, e.g. "简体中文"), else Babel's, else the tag."""
    team = _header(catalogue).get("language-team", "")
    if team and "<" not in team and not team.isupper():  # a name, not "LANGUAGE <LL@li.org>"
        return team
    try:  # Babel is there in a checkout (it compiles the catalogues), not always once installed
        from babel import Locale
    except ImportError:
        return tag
    try:
        locale = Locale.parse(tag, sep="-")
    except (ValueError, TypeError):
        return tag
    return locale.get_display_name(locale) or tag


def languages(root: Path) -> dict[str, str]:
    """The languages there are, each by its own name: English, each folder of ``root`` with a
    compiled catalogue (``<tag>/LC_MESSAGES/triage.mo``), and the pseudo-language."""
    found = {ENGLISH: "English"}
    if root.is_dir():
        for folder in sorted(root.iterdir(), key=lambda item: item.name):
            catalogue = folder / CATALOGUE
            if folder.name not in found and catalogue.is_file():
                found[folder.name] = _own_name(folder.name.replace("_", "-"), catalogue)
    found[PSEUDO] = "Ƥşéûđô"
    found[WIDE] = "Ｗｉｄｅ"
    return found


LANGUAGES: Final[dict[str, str]] = languages(paths.locales())
"""The languages there are (English, ``locales/``'s folders, the pseudo-language), each by its own name."""


def N_(message: str) -> str:  # the conventional gettext marker's name
    """Mark a sentence for the catalogue; it is translated where it is read (:mod:`triage.words`)."""
    return message


class Plural(NamedTuple):
    singular: str
    plural: str


def NP_(singular: str, plural: str) -> Plural:  # the conventional marker's name
    """Mark a sentence with a plural form; :func:`plural` chooses the form for a number."""
    return Plural(singular, plural)


def canonical(tag: str | None) -> str | None:
    """A language tag as ``--lang`` or the environment gives it, in the form :data:`LANGUAGES` uses.

    Chinese keeps its script: ``zh-Hans`` (also ``zh``, ``zh-CN``, ``zh-SG``) or ``zh-Hant``
    (``zh-TW``, ``zh-HK``, ``zh-MO``); ``en-XA`` is the pseudo-language; any other language is
    its base (``es_ES.UTF-8`` and ``es-MX`` are ``es``). ``C`` and ``POSIX`` are None.
    """
    if not tag:
        return None
    parts = tag.split(".")[0].split("@")[0].replace("_", "-").lower().split("-")
    base, rest = parts[0], set(parts[1:])
    if not base.isalpha() or base in ("c", "posix"):
        return None
    if base == "en" and "xa" in rest:
        return PSEUDO
    if base == "en" and "xw" in rest:
        return WIDE
    if base == "zh":
        return "zh-Hant" if rest & _TRADITIONAL and not rest & {"hans"} else "zh-Hans"
    return base


def normalise(tag: str | None) -> str | None:
    """A language tag as ``--lang`` or the environment gives it, as one of :data:`LANGUAGES`.

    ``es_ES.UTF-8`` and ``es-MX`` are ``es``; ``zh_TW.UTF-8`` is ``zh-Hant`` (see :func:`canonical`);
    ``C``, ``POSIX`` and languages there is no catalogue for are None.
    """
    found = canonical(tag)
    if found is None:
        return None
    known = {code.replace("_", "-").lower(): code for code in LANGUAGES}
    return known.get(found.lower())


def choose(requested: str | None, environ: Mapping[str, str]) -> str:
    """``--lang``, else the first language of the environment there is, else English."""
    if requested:
        found = normalise(requested)
        if found is None:
            raise ValueError(requested)
        return found
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if not value:
            continue
        for tag in value.split(":"):  # LANGUAGE may list several, best first
            found = normalise(tag)
            if found is not None:
                return found
        if name != "LANGUAGE":  # LC_ALL, then LC_MESSAGES, then LANG decide, as in C
            return ENGLISH
    return ENGLISH


# --- the pseudo-language ------------------------------------------------------------------
_ACCENTED: Final = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ")
_KEEP: Final = re.compile(r"(\{[^{}]*\}|`[^`]*`|%\([a-z_]+\)[sdr]|%[sdr]|https?://\S+)")


def pseudo(text: str) -> str:
    """"Please type a number." -> "[Ƥļéàšé ţýþé à ñûɱƀéŕ. ·· ··]": accented, a third longer.

    Placeholders (``{name}``), ids in backticks and addresses stay as they are.
    """
    if not text.strip():
        return text
    parts = _KEEP.split(text)
    out = "".join(part if i % 2 else part.translate(_ACCENTED) for i, part in enumerate(parts))
    padding = "·" * max(1, -(-len(text) // 3) - 3)  # with "[", " " and "]": a third longer
    return f"[{out} {padding}]"


_WIDENED: Final = str.maketrans({**{chr(c): chr(c + 0xFEE0) for c in range(ord("A"), ord("Z") + 1)},
                                  **{chr(c): chr(c + 0xFEE0) for c in range(ord("a"), ord("z") + 1)},
                                  " ": ""})


def wide(text: str) -> str:
    """"Please type a number." -> "【Ｐｌｅａｓｅｔｙｐｅａｎｕｍｂｅｒ.】": every letter two cells wide
    and no spaces, as Chinese is written; placeholders, ids in backticks and addresses as they are."""
    if not text.strip():
        return text
    parts = _KEEP.split(text)
    lead = text[: len(text) - len(text.lstrip(" "))]
    trail = text[len(text.rstrip(" ")):]
    out = "".join(part if i % 2 else part.translate(_WIDENED) for i, part in enumerate(parts))
    return f"{lead}【{out}】{trail}"


PSEUDOS: Final = {PSEUDO: pseudo, WIDE: wide}
"""The pseudo-languages, each with what it makes of an English sentence."""


def is_pseudo(language: str) -> bool:
    """Whether ``language`` is one of the test languages (:data:`PSEUDOS`), not one a person reads."""
    return language in PSEUDOS


def offered() -> dict[str, str]:
    """The languages a person may choose (English and ``locales/``'s), each by its own name."""
    return {code: name for code, name in LANGUAGES.items() if not is_pseudo(code)}


class _Pseudo(_gettext.NullTranslations):
    def __init__(self, make: Callable[[str], str]) -> None:
        super().__init__()
        self.make = make

    def gettext(self, message: str) -> str:
        return self.make(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.make(msgid1 if n == 1 else msgid2)


# --- the active language -------------------------------------------------------------------
@cache
def translations(language: str) -> _gettext.NullTranslations:
    if language in PSEUDOS:
        return _Pseudo(PSEUDOS[language])
    if language == ENGLISH:
        return _gettext.NullTranslations()
    try:  # the folder by its own name: gettext's own search would rewrite a tag such as zh-Hant
        with (paths.locales() / language / CATALOGUE).open("rb") as file:
            return _gettext.GNUTranslations(file)
    except OSError:
        return _gettext.NullTranslations()


_active: ContextVar[str] = ContextVar("language", default=ENGLISH)
"""The language of the moment: a context variable, so that each of the kiosk's requests has its own."""


def activate(language: str) -> None:
    """Make ``language`` the one every sentence is read in from now on (in this context)."""
    if language not in LANGUAGES:
        raise ValueError(language)
    _active.set(language)


@contextmanager
def override(language: str) -> Iterator[None]:
    """Every sentence in ``language`` inside the block, the language before it after (in this context)."""
    if language not in LANGUAGES:
        raise ValueError(language)
    token = _active.set(language)
    try:
        yield
    finally:
        _active.reset(token)


def active() -> str:
    return _active.get()


def gettext(message: str) -> str:
    return translations(_active.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_active.get()).ngettext(singular, plural, n)


def plural(forms: Plural, n: int) -> str:
    """The form of a ``NP_`` sentence for ``n`` (as the language counts)."""
    return translations(_active.get()).ngettext(forms[0], forms[1], n)


def translated(value: T) -> T:
    """A sentence, or a table or list of them, in the active language; anything else as it is."""
    if _active.get() == ENGLISH:
        return value
    return _translate(value)  # type: ignore[no-any-return]


# --- how a language joins a list and quotes -------------------------------------------------
LIST_SEPARATOR: Final = N_(", ")
"""Between the items of a list ("a, b"); Chinese uses "、". A message, so each catalogue says."""
CLAUSE_SEPARATOR: Final = N_("; ")
"""Between clauses or citations ("a; b"); Chinese uses "；"."""
LIST_AND: Final = N_("{items} and {last}")
LIST_OR: Final = N_("{items} or {last}")
LABELLED: Final = N_("{label}: {text}")
"""A label and what it labels ("Suggestion: See a doctor today"); Chinese writes "：" without a space."""
LABEL_ALONE: Final = N_("{label}:")
IN_BRACKETS: Final = N_("({text})")
"""An aside in brackets; Chinese writes "（…）"."""
ENDED: Final = N_("{text}.")
"""A title made a sentence ("See a doctor today."); Chinese ends it with "。"."""
QUOTED: Final = N_("“{text}”")
"""A question's text quoted: “…” in English, «…» in Spanish, 「…」 in Traditional Chinese."""
QUOTED_INNER: Final = N_("‘{text}’")
"""An option's label or a finding's name quoted inside a sentence."""


def listing(items: Iterable[str]) -> str:
    """``a, b, c`` as the active language separates a list."""
    return translated(LIST_SEPARATOR).join(items)


def clauses(items: Iterable[str]) -> str:
    """``a; b; c`` as the active language separates clauses or citations."""
    return translated(CLAUSE_SEPARATOR).join(items)


def list_and(items: Sequence[str]) -> str:
    """``a, b and c`` in the active language."""
    if len(items) < 2:
        return "".join(items)
    return translated(LIST_AND).format(items=listing(items[:-1]), last=items[-1])


def list_or(items: Sequence[str]) -> str:
    """``a, b or c`` in the active language."""
    if len(items) < 2:
        return "".join(items)
    return translated(LIST_OR).format(items=listing(items[:-1]), last=items[-1])


def labelled(label: str, text: str) -> str:
    """``label: text`` as the active language writes it."""
    return translated(LABELLED).format(label=label, text=text)


def label_alone(label: str) -> str:
    """``label:`` before a list, as the active language writes it."""
    return translated(LABEL_ALONE).format(label=label)


def in_brackets(text: str) -> str:
    """``(text)`` as the active language writes it."""
    return translated(IN_BRACKETS).format(text=text)


def ended(text: str) -> str:
    """``text.``: a title made a sentence, as the active language ends one."""
    return translated(ENDED).format(text=text)


def quoted(text: str) -> str:
    """A question's text between the active language's quotation marks, on one line."""
    return translated(QUOTED).format(text=" ".join(text.split()))


def quoted_inner(text: str) -> str:
    """A label or name between the active language's inner quotation marks, on one line."""
    return translated(QUOTED_INNER).format(text=" ".join(text.split()))


def _translate(value: Any) -> Any:
    if isinstance(value, str):
        return gettext(value) if value else value
    if isinstance(value, dict):
        return {key: _translate(item) for key, item in value.items()}
    if isinstance(value, Plural):
        return value  # read with plural(), which chooses the form for a number
    if isinstance(value, tuple):
        return tuple(_translate(item) for item in value)
    return value
