"""Clinic settings: the numbers to call, the clinic's name and the kiosk's idle time.

One YAML file (``--clinic PATH``, for the questionnaire and for ``triage serve``),
read with the line of every item and validated into a frozen model, so a
mistake is one message naming the file, the line and how to fix it. Without a
file, the questionnaire says "the emergency number" as it always has.

```yaml
name: Riverside Acupuncture Clinic
emergency_number: "999"
urgent_number: "111"
phone: "020 7946 0000"
language: en
summary_language: en
idle_minutes: 5
clear_at_end: true
handoff: [print, qr]
allowed_hosts: [kiosk.riverside.example, 192.168.1.20]
```
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from triage import errors, qtypes, yamlsrc
from triage.errors import Problem, TriageError
from triage.models import Frozen
from triage.paths import display

Handoff = Literal["print", "qr", "download"]

_DNS_NAME = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")


def host_name(text: str) -> str:
    """A name or address the kiosk answers to (a request's ``Host`` without its port), in lower case;
    ValueError, in the person's words, when ``text`` is neither."""
    name = text.strip().lower().removesuffix(".")
    try:
        return str(ipaddress.ip_address(name[1:-1] if name.startswith("[") and name.endswith("]") else name))
    except ValueError:
        pass
    if len(name) > 253 or not _DNS_NAME.fullmatch(name):
        from triage import words

        raise ValueError(words.WEB_HOST_NAME)
    return name


HostName = Annotated[str, AfterValidator(host_name)]


def language_tag(text: str) -> str:
    """A language there is a catalogue for (``es``, ``zh-Hans``; ``zh_TW`` is ``zh-Hant``), in the
    form ``--lang`` takes; ValueError, naming the languages there are, for another."""
    from triage import i18n, words

    found = i18n.normalise(text)
    if found is None:
        raise ValueError(words.UNKNOWN_LANGUAGE.format(lang=text, valid=i18n.listing(
            f"{code} ({name})" for code, name in i18n.offered().items())))
    return found


LanguageTag = Annotated[str, AfterValidator(language_tag)]


class Clinic(Frozen):
    """What a clinic sets; every field may be left out."""

    name: str | None = Field(default=None, max_length=80,
                             description="The clinic's name, as patients know it.")
    emergency_number: str | None = Field(
        default=None, pattern=r"^[0-9]{2,6}$",
        description="The emergency number to call, digits only (999, 911, 112, 120 ...).")
    urgent_number: str | None = Field(
        default=None, pattern=r"^[0-9]{2,6}$",
        description="An urgent-care number where there is one (111), digits only.")
    phone: str | None = Field(
        default=None, pattern=r"^\+?[0-9][0-9 ()-]{2,24}$",
        description="The clinic's own phone number, as patients dial it (digits, spaces, + ( ) -).")
    language: LanguageTag | None = Field(
        default=None,
        description="The language a new visit starts in (en, es, zh-Hans, zh-Hant ...); a person may "
                    "still switch.")
    summary_language: LanguageTag | None = Field(
        default=None, description="The language of the clinician's summary (the printout, the QR code, saved "
                                  "and downloaded files), whatever the person answered in; each answer is "
                                  "quoted as the person read it. Without it, the person's language.")
    idle_minutes: float | None = Field(
        default=None, gt=0, le=24 * 60, description="The kiosk wipes a visit after this many idle minutes.")
    clear_at_end: bool = Field(
        default=False,
        description="At the terminal, clear the screen and its scrollback when the person is done "
                    "(a shared clinic computer).")
    handoff: tuple[Handoff, ...] = Field(
        default=("print", "qr"),
        description="How the kiosk hands a result to the practitioner: print (a one-page summary), "
                    "qr (the summary as a QR code for a phone camera), download (files saved on the "
                    "tablet; off unless listed).")
    allowed_hosts: tuple[HostName, ...] = Field(
        default=(), max_length=50,
        description="The names or addresses the tablets use to reach the kiosk (besides this computer's "
                    "own), as with `triage serve --allowed-host`; a request for any other gets 400.")


NO_CLINIC = Clinic()
"""No settings: "the emergency number" in words, nobody to tell."""


def load(path: Path) -> Clinic:
    """Read and validate a clinic settings file, or raise every problem found (exit status 2)."""
    from triage.loader import validate_structure

    source = yamlsrc.load(path, display(path))
    if source.data is None:
        return NO_CLINIC
    if not isinstance(source.data, dict):
        raise TriageError([Problem(source.name, 1, errors.EXPECTED_MAPPING.format(
            what=errors.WHAT_CLINIC_KEYS, found=qtypes.shown(source.data)))])
    clinic, problems = validate_structure(Clinic, source)
    if clinic is None:
        raise TriageError(problems)
    return clinic
