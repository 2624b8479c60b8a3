"""The question-type registry: every type has a handler, a prompt and its words.

A type added to ``QuestionType`` and forgotten anywhere fails here (and mypy
names the ``match`` statements that miss it). The demo's keys are checked on
the real prompts: played into one, they give back the value.
"""

from __future__ import annotations

from typing import assert_never, get_args

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from triage import constants, qtypes
from triage.models import AnswerValue, KnowledgeBase, Question, QuestionType
from triage.terminal import prompts

TYPES = get_args(QuestionType)
KEYS = {qtypes.DOWN: "\x1b[B", qtypes.SPACE: " "}
"""What a terminal sends for each named key of ``demo_keys``; other keys are characters typed."""


@pytest.mark.parametrize("name", TYPES)
def test_every_type_has_a_handler(name: str) -> None:
    handler = qtypes.get(name)
    assert handler.name == name
    assert "exists" in handler.operators
    assert handler.fhir_values


def test_the_registry_holds_the_types_in_their_order() -> None:
    assert tuple(qtypes.REGISTRY) == TYPES


@pytest.mark.parametrize("name", TYPES)
def test_every_type_has_a_prompt(name: str) -> None:
    assert name in prompts.PROMPTS
    assert callable(prompts.prompt_for(name))


@pytest.mark.parametrize("name", TYPES)
def test_every_type_says_what_its_answers_may_be(name: str) -> None:
    assert name in constants.ANSWER_KINDS


def test_unknown_type_lists_the_valid_ones() -> None:
    with pytest.raises(qtypes.UnknownQuestionType) as caught:
        qtypes.get("slider")
    assert str(caught.value) == (
        "unknown question type 'slider'; valid types: choice, multi, number, scale, yes_no")


def test_only_listed_types_take_options_or_bounds() -> None:
    assert qtypes.names("options") == "choice and multi"
    assert qtypes.names("min_max") == "number"


# --- what the demo plays -------------------------------------------------------------
def _values(question: Question) -> list[AnswerValue]:
    """A few answers of each kind: the first and last choice, a typed number, none ticked."""
    match question.type:
        case "yes_no":
            return [True, False, "not_sure"]
        case "number" | "scale":
            low, high = question.bounds
            return [low, high, (low + high) // 2]
        case "choice":
            return [question.option_ids[0], question.option_ids[-1]]
        case "multi":
            ids = question.option_ids
            return [(), ids[:1], ids[-1:], ids[::2], ids]
        case _:
            assert_never(question.type)


def _played(question: Question, value: AnswerValue) -> AnswerValue | prompts.Back:
    keys = qtypes.of(question).demo_keys(question, value)
    with create_pipe_input() as pipe:
        pipe.send_text("".join(KEYS.get(key, key) for key in keys) + "\r")
        pipe.close()
        return prompts.ask(question, None, prompts.PromptContext(input=pipe, output=DummyOutput()))


@pytest.mark.slow  # every value of every question, each through a real prompt
def test_demo_keys_give_the_value_on_the_real_prompt(kb: KnowledgeBase) -> None:
    played = {(q.id, repr(v)): _played(q, v) for q in kb.questions for v in _values(q)}
    assert played == {(q.id, repr(v)): v for q in kb.questions for v in _values(q)}
