"""Answers: check one value against its question, and read answers files."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from triage import errors, fhir_read, qtypes, yamlsrc
from triage.errors import Problem, TriageError
from triage.models import AnswerValue, KnowledgeBase, Question


def expected_text(question: Question) -> str:
    """What an answer to ``question`` must be, in words (see :mod:`triage.qtypes`)."""
    return qtypes.of(question).expected_text(question)


def check_value(question: Question, value: Any) -> tuple[AnswerValue | None, str | None]:
    """Normalise ``value`` for ``question``: (value, None) or (None, error message)."""
    return qtypes.of(question).check(question, value)


def validate(
    kb: KnowledgeBase, raw: Mapping[Any, Any], source: yamlsrc.Source, base: yamlsrc.Loc = ()
) -> tuple[dict[str, AnswerValue], list[Problem]]:
    """Check a ``question_id: value`` mapping; null means unanswered."""
    out: dict[str, AnswerValue] = {}
    problems: list[Problem] = []
    ids = [q.id for q in kb.questions]
    for key, value in raw.items():
        line = source.line((*base, key))
        if not isinstance(key, str) or not kb.has_question(key):
            # Past the problems that are shown, a hint would only cost time.
            hint = errors.did_you_mean(str(key), ids) if len(problems) < errors.MAX_PER_FILE else ""
            unknown = errors.ANSWER_UNKNOWN_QUESTION.format(id=key, hint=hint)
            problems.append(Problem(source.name, line, unknown))
            continue
        if value is None:
            continue
        normalised, message = check_value(kb.question(key), value)
        if message is not None:
            problems.append(Problem(source.name, line, message))
        else:
            assert normalised is not None
            out[key] = normalised
    return out, problems


def example_answers(kb: KnowledgeBase, raw: Mapping[Any, Any]) -> dict[str, AnswerValue]:
    """A rule example's answers, normalised as an answers file's would be.

    The loader has already reported any problem in an example.
    """
    answers, _ = validate(kb, raw, yamlsrc.Source("example", raw, {}))
    return answers


def example_facts(kb: KnowledgeBase, raw: Mapping[Any, Any]) -> tuple[dict[str, AnswerValue], set[str]]:
    """A rule example's answers, and the questions it leaves unanswered (written ``null``)."""
    return example_answers(kb, raw), {k for k, v in raw.items() if v is None and isinstance(k, str)}


def load(kb: KnowledgeBase, path: Path, name: str | None = None) -> dict[str, AnswerValue]:
    """Read an answers file (YAML or JSON, or a FHIR QuestionnaireResponse)."""
    source = yamlsrc.load(path, name)
    data: Any = source.data
    if isinstance(data, dict) and data.get("resourceType") == "QuestionnaireResponse":
        data, source = fhir_read.response_to_answers(kb, source)
    if not isinstance(data, dict):
        found = errors.SHOWN_EMPTY_FILE if data is None else qtypes.shown(data)
        raise errors.fail(source.name, source.line(()), errors.ANSWERS_NOT_MAPPING, found=found)
    answers, problems = validate(kb, data, source)
    if problems:
        raise TriageError(problems)
    return answers
