"""From answers to a result: the one way every part of the program takes.

The knowledge base is loaded and checked once (:mod:`triage.loader`), and its
rules compiled once into the engine (:func:`triage.engine.engine_for`). Then,
for each set of answers: walk the questionnaire as a person would, with its
ask-conditions and its stops (:func:`triage.flow.simulate`), and explain what
the rules found (:func:`triage.result.build`). The questionnaire at the
terminal, the kiosk, ``triage assess``, what-if and the demonstrations all
call :func:`assess`, so the same answers give the same result wherever they
were given.
"""

from __future__ import annotations

from collections.abc import Mapping

from triage.engine import Engine, engine_for
from triage.flow import simulate
from triage.models import AnswerValue, KnowledgeBase
from triage.result import Result, build


def assess(kb: KnowledgeBase, answers: Mapping[str, AnswerValue], *, source: str,
           engine: Engine | None = None) -> Result:
    """The explained result of these answers: the level, warning signs, possible causes and the
    rules behind each. ``source`` names where the answers came from (a file, ``questionnaire``)."""
    return build(kb, simulate(kb, engine or engine_for(kb), answers), source)
