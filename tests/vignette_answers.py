"""Vignettes -> answers files, as tests/vignettes/README.md says.

Every yes_no question the story does not mention is answered false, every
multi question it does not mention is answered [], anything else is left
unknown; an answer written null stays unanswered.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from triage.models import KnowledgeBase

VIGNETTES = Path(__file__).resolve().parent / "vignettes"


def vignette_files() -> list[Path]:
    return sorted(VIGNETTES.glob("p*.yaml"))


def read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def answers_for(kb: KnowledgeBase, vignette: dict[str, Any]) -> dict[str, Any]:
    answers = dict(vignette["answers"])
    for question in kb.questions:
        if question.id not in answers:
            if question.type == "yes_no":
                answers[question.id] = False
            elif question.type == "multi":
                answers[question.id] = []
    return answers


def write_answers(kb: KnowledgeBase, vignette_path: Path, folder: Path) -> Path:
    out = folder / vignette_path.name
    out.write_text(yaml.safe_dump(answers_for(kb, read(vignette_path))), encoding="utf-8")
    return out


def unmet(result: dict[str, Any], expect: dict[str, Any]) -> list[str]:
    """Every expectation of a vignette that a result misses (empty when all hold)."""
    causes = {c["id"] for c in result["causes"]}
    flags = {r["id"] for r in result["red_flags"]}
    misses = []
    if result["level"] != expect["level"]:
        misses.append(f"level {result['level']} != {expect['level']}")
    misses += [f"cause {c} missing" for c in expect.get("causes_include", []) if c not in causes]
    misses += [f"cause {c} present" for c in expect.get("causes_exclude", []) if c in causes]
    misses += [f"red flag {r} missing" for r in expect.get("red_flags_include", []) if r not in flags]
    misses += [f"red flag {r} present" for r in expect.get("red_flags_exclude", []) if r in flags]
    if "max_questions" in expect and result["questions_asked"] > expect["max_questions"]:
        misses.append(f"{result['questions_asked']} questions > {expect['max_questions']}")
    if "acupuncture" in expect and result["acupuncture"]["suggested"] != expect["acupuncture"]:
        suggested = result["acupuncture"]["suggested"]
        misses.append(f"acupuncture suggested {suggested} != {expect['acupuncture']}")
    return misses
