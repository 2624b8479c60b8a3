"""The program's sentences in the active language: :mod:`triage.constants`, read through the catalogue.

``words.WELCOME`` is ``constants.WELCOME`` as the person reads it
(:func:`triage.i18n.translated`); tables of sentences (``words.LEVEL_TITLE``)
come translated whole. For type checking this module is the constants
module itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from triage import constants, i18n

if TYPE_CHECKING:
    from triage.constants import *  # noqa: F403  # the same names, with their types
else:

    def __getattr__(name: str) -> Any:
        return i18n.translated(getattr(constants, name))
