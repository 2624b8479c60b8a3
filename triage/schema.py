"""``triage schema``: JSON Schemas for questions.yaml and the rule files.

Generated from the models the loader validates with, so an editor that
reads the ``# yaml-language-server: $schema=...`` line at the top of each
file checks and completes it while a clinician types. The committed copies
live in ``schemas/``; a test fails when they fall behind the models.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from triage import errors
from triage.errors import Problem

DRAFT = "https://json-schema.org/draft/2020-12/schema"

FILES = {
    "questions.schema.json": (
        "Questionnaire",
        "Back-pain triage: the questionnaire (questions.yaml)",
        "The questions, in the order they are asked, grouped into sections.",
    ),
    "rules.schema.json": (
        "RuleFile",
        "Back-pain triage: one topic file of rules (rules/*.yaml)",
        "Causes, red flags and the rules that find them or set a suggestion level; sources; advice.",
    ),
}

# Help shown by an editor when hovering over a key.
DESCRIPTIONS: dict[str, dict[str, str]] = {
    "Question": {
        "id": "Unique id, used by answers files, rules and ask_if (snake_case).",
        "type": "yes_no (Yes / No / Not sure), number (min-max), scale (0-10), "
                "choice (one option) or multi (any options, or none).",
        "section": "Id of a section listed under `sections`.",
        "text": "The question as the person reads it.",
        "why": "Why it is asked, in plain words; shown at the prompt and in explanations.",
        "min": "Smallest allowed answer (number questions only).",
        "max": "Largest allowed answer (number questions only).",
        "options": "The answers to choose from (choice and multi questions only).",
        "ask_if": "Ask this question only when this condition on earlier answers holds.",
    },
    "Rule": {
        "id": "Unique rule id.",
        "when": "The condition: a comparison of one answer, a cause or red_flag found by "
                "another rule, or all/any/not of conditions.",
        "then": "What the rule concludes: a cause, a red_flag with its level, a level, or a caution.",
        "because": "Why, in plain words; shown to the person with the result.",
        "source": "Id (or list of ids) of the sources in a `sources` catalogue that say what the rule "
                  "does; `clinical_consensus` where no published source does.",
        "examples": "Answers that fire the rule and answers that must not; `triage check` runs them.",
    },
    "Section": {
        "ask_if": "Ask this section's questions only when this condition on earlier answers holds.",
    },
    "UnansweredCondition": {
        "unanswered": "Id of a question that holds here when it was asked and left without an answer.",
    },
    "SourceDef": {
        "id": "Unique source id, cited by rules and advice (snake_case).",
        "short": "How explanations name it, for example: NICE NG59 (2016, updated 2020).",
        "reference": "The full reference.",
        "year": "Year of publication, where there is one.",
        "url": "Web address, where there is one.",
    },
    "AdviceDef": {
        "kind": "safety_net (when to get help sooner) or self_care (what helps meanwhile).",
        "levels": "The suggestion levels whose results carry this advice.",
        "title": "The heading the person reads.",
        "points": "The advice, one plain sentence or two each.",
        "source": "Id (or list of ids) of the sources that support the advice.",
    },
    "ThenCaution": {
        "caution": "What the caution is for (acupuncture); the rule's `because` is what is said.",
    },
    "QuestionCondition": {
        "question": "Id of the question whose answer is compared.",
        "operator": "exists, =, !=, >, <, >=, <= (as FHIR enableWhen), or contains (multi).",
        "answer": "The value compared with: true/false/not_sure, a number, an option id, or a list.",
    },
    "CauseDef": {
        "name": "The cause's name as the person reads it.",
        "about": "What it is, in plain words.",
        "acupuncture_responsive": "True for causes that acupuncture may help with.",
        "acupuncture_withheld": (
            "True for causes (such as a possible cancer) during which acupuncture is not suggested "
            "until a doctor has seen the person."
        ),
    },
    "RedFlagDef": {
        "name": "The warning sign's name as the person reads it.",
        "means": "What it may mean, in plain words.",
    },
    "ThenLevel": {
        "stop": "Stop the questionnaire as soon as this rule fires (emergency levels always stop).",
        "acupuncture_withheld": (
            "While this rule holds, acupuncture is not suggested until a doctor has seen the person."
        ),
        "acupuncture_responsive": (
            "What this rule finds (such as long-lasting pain) is something acupuncture may help "
            "with: at the doctor level, acupuncture may be discussed as a complement."
        ),
    },
}


def _describe(schema: dict[str, Any]) -> dict[str, Any]:
    for name, fields in DESCRIPTIONS.items():
        definition = schema.get("$defs", {}).get(name)
        if definition is None:
            continue
        for field, text in fields.items():
            prop = definition.get("properties", {}).get(field)
            if prop is not None:
                prop["description"] = text
    return schema


def generate() -> dict[str, str]:
    """File name -> JSON text of each schema."""
    from triage import models

    out: dict[str, str] = {}
    for filename, (model_name, title, description) in FILES.items():
        model = getattr(models, model_name)
        body = _describe(model.model_json_schema())
        body.pop("title", None)
        body.pop("description", None)
        schema = {"$schema": DRAFT, "title": title, "description": description, **body}
        out[filename] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return out


def write(folder: Path, *, force: bool = False) -> list[Path]:
    """Write each schema into ``folder``; existing files only with ``force``.

    Without ``force`` nothing is written if any schema file exists already (one
    problem names each). Schemas are about nobody, so they are 0644; a file is
    never left half-written (a replaced one is written beside it, then renamed).
    """
    from triage import files
    from triage.paths import display

    texts = {folder / filename: text for filename, text in generate().items()}
    if not force:
        existing = [path for path in texts if path.exists() or path.is_symlink()]
        if existing:
            raise errors.TriageError(
                Problem(display(path), None, errors.SCHEMA_EXISTS.format(folder=display(folder)))
                for path in existing)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise errors.fail(display(folder), None, errors.CANNOT_WRITE,
                          reason=exc.strerror or str(exc)) from None
    written = []
    for path, text in texts.items():
        try:
            files.write(path, text, replace=force, mode=files.PUBLIC)
        except FileExistsError:  # created meanwhile
            raise errors.fail(display(path), None, errors.SCHEMA_EXISTS,
                              folder=display(folder)) from None
        except OSError as exc:
            raise errors.fail(display(path), None, errors.CANNOT_WRITE,
                              reason=exc.strerror or str(exc)) from None
        written.append(path)
    return written


def stale(folder: Path) -> list[Problem]:
    """A problem for each schema in ``folder`` that differs from the models."""
    from triage.paths import display

    problems = []
    for filename, text in generate().items():
        path = folder / filename
        name = display(path)
        try:
            current = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            problems.append(Problem(name, None, errors.SCHEMA_MISSING.format(folder=display(folder))))
            continue
        if current != text:
            problems.append(Problem(name, None, errors.SCHEMA_STALE.format(folder=display(folder))))
    return problems
