"""``triage schema``: JSON Schemas for questions.yaml and the rule files.

Generated from the models the loader validates with, so an editor that
reads the ``# yaml-language-server: $schema=...`` line at the top of each
file checks and completes it while a clinician types; the help an editor
shows for a key is the field's ``description`` in :mod:`triage.models`. The
committed copies live in ``schemas/``; a test fails when they fall behind the
models.
"""

from __future__ import annotations

import json
from pathlib import Path

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


def generate() -> dict[str, str]:
    """File name -> JSON text of each schema."""
    from triage import models

    out: dict[str, str] = {}
    for filename, (model_name, title, description) in FILES.items():
        model = getattr(models, model_name)
        body = model.model_json_schema()
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
