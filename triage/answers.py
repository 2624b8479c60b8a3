"""Answers: check one value against its question, and read answers files."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from triage import errors, yamlsrc
from triage.errors import Problem, TriageError
from triage.models import NOT_SURE, AnswerValue, KnowledgeBase, Question


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'the text "{value}"'
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return str(value)


def expected_text(question: Question) -> str:
    match question.type:
        case "yes_no":
            return "must be true, false or not_sure"
        case "number" | "scale":
            low, high = question.bounds
            return f"must be a whole number from {low} to {high}"
        case "choice":
            return "must be one option id (" + ", ".join(question.option_ids) + ")"
        case _:
            return "must be a list of option ids (" + ", ".join(question.option_ids) + "), or []"


def check_value(question: Question, value: Any) -> tuple[AnswerValue | None, str | None]:
    """Normalise ``value`` for ``question``: (value, None) or (None, error message)."""
    qid = question.id
    wrong = errors.ANSWER_WRONG_TYPE.format(
        id=qid, expected=expected_text(question), found=_shown(value)
    )
    match question.type:
        case "yes_no":
            if isinstance(value, bool) or value == NOT_SURE:
                return value, None
            return None, wrong
        case "number" | "scale":
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if not isinstance(value, int) or isinstance(value, bool):
                return None, wrong
            low, high = question.bounds
            if not low <= value <= high:
                return None, errors.ANSWER_OUT_OF_RANGE.format(
                    id=qid, min=low, max=high, found=value
                )
            return value, None
        case "choice":
            if not isinstance(value, str):
                return None, wrong
            if value not in question.option_ids:
                return None, errors.ANSWER_UNKNOWN_OPTION.format(
                    id=qid, value=value, hint=errors.did_you_mean(value, question.option_ids)
                )
            return value, None
        case _:  # multi
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
                return None, wrong
            for item in value:
                if item not in question.option_ids:
                    return None, errors.ANSWER_UNKNOWN_OPTION.format(
                        id=qid, value=item, hint=errors.did_you_mean(item, question.option_ids)
                    )
            order = question.option_ids
            return tuple(sorted(set(value), key=order.index)), None


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
        from triage import fhir

        data, source = fhir.response_to_answers(kb, source)
    if not isinstance(data, dict):
        found = "an empty file" if data is None else _shown(data)
        raise errors.fail(source.name, source.line(()), errors.ANSWERS_NOT_MAPPING, found=found)
    answers, problems = validate(kb, data, source)
    if problems:
        raise TriageError(problems)
    return answers
