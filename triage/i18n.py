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
from collections.abc import Mapping
from contextvars import ContextVar
from functools import cache
from typing import Any, Final, NamedTuple, TypeVar

from triage import paths

DOMAIN: Final = "triage"
ENGLISH: Final = "en"
PSEUDO: Final = "en-XA"
LANGUAGES: Final[dict[str, str]] = {"en": "English", "es": "Español", PSEUDO: "Ƥşéûđô"}
"""The languages there are, each by its own name."""

T = TypeVar("T")


def N_(message: str) -> str:  # the conventional gettext marker's name
    """Mark a sentence for the catalogue; it is translated where it is read (:mod:`triage.words`)."""
    return message


class Plural(NamedTuple):
    singular: str
    plural: str


def NP_(singular: str, plural: str) -> Plural:  # the conventional marker's name
    """Mark a sentence with a plural form; :func:`plural` chooses the form for a number."""
    return Plural(singular, plural)


def normalise(tag: str | None) -> str | None:
    """A language tag as ``--lang`` or the environment gives it, as one of :data:`LANGUAGES`.

    ``es_ES.UTF-8`` and ``es-MX`` are ``es``; ``en_XA`` is the pseudo-language;
    ``C``, ``POSIX`` and unknown languages are None.
    """
    if not tag:
        return None
    tag = tag.split(".")[0].split("@")[0].replace("_", "-")
    if tag.lower() == PSEUDO.lower():
        return PSEUDO
    base = tag.split("-")[0].lower()
    return base if base in LANGUAGES else None


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


class _Pseudo(_gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return pseudo(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo(msgid1 if n == 1 else msgid2)


# --- the active language -------------------------------------------------------------------
@cache
def translations(language: str) -> _gettext.NullTranslations:
    if language == PSEUDO:
        return _Pseudo()
    if language == ENGLISH:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, localedir=str(paths.locales()), languages=[language],
                                fallback=True)


_active: ContextVar[str] = ContextVar("language", default=ENGLISH)
"""The language of the moment: a context variable, so that each of the kiosk's requests has its own."""


def activate(language: str) -> None:
    """Make ``language`` the one every sentence is read in from now on (in this context)."""
    if language not in LANGUAGES:
        raise ValueError(language)
    _active.set(language)


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
