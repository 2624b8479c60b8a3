"""``triage assess FILE --what-if QUESTION=VALUE``: before, after, and what changed."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from triage import conditions, whatif
from triage.engine import Engine
from triage.models import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent

BASE: dict[str, Any] = {
    "age": 40,
    **dict.fromkeys(["recent_trauma", "saddle_numbness", "bladder_bowel_change", "both_legs_symptoms",
                     "pulsating_abdomen", "tearing_pain", "chest_symptoms", "sexual_function_change",
                     "leg_weakness", "walking_difficulty", "fever", "pregnant", "immune_risk",
                     "recent_infection_or_procedure", "history_of_cancer", "unexplained_weight_loss",
                     "night_pain", "osteoporosis_or_steroids", "height_loss"], False),
    "pain_location": ["lower_back"],
    "muscle_tension": True,
    "has_periods": False,
    "pain_severity": 4,
}


@pytest.fixture
def answers_file(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(BASE), encoding="utf-8")
    return path


def changes_for(cli: Callable[..., Any], path: Path, *specs: str) -> dict[str, Any]:
    argv: list[Any] = ["assess", path, "--format", "json"]
    for spec in specs:
        argv += ["--what-if", spec]
    run = cli(*argv)
    assert run.status == 0, run.err
    data: dict[str, Any] = json.loads(run.out)
    return data


@pytest.mark.parametrize(
    ("specs", "level", "red_flags", "causes"),  # red_flags, causes: added/removed, or None
    [
        pytest.param(["fever=true"], {"before": "acupuncturist", "after": "urgent_doctor"},
                     {"added": ["spinal_infection"], "removed": []}, {"added": ["infection"], "removed": []},
                     id="fever-opens-a-red-flag"),
        pytest.param(["pain_location=[side_flank]", "pain_comes_in_waves=true"],
                     {"before": "acupuncturist", "after": "urgent_doctor"},
                     None, {"added": ["kidney_stones"], "removed": []}, id="kidney-stone-pattern"),
        pytest.param(["pain_location=[side_flank]", "pain_comes_in_waves=yes", "fever=true"],
                     {"before": "acupuncturist", "after": "emergency"},
                     {"added": ["kidney_infection", "spinal_infection"], "removed": []},
                     {"added": ["infection", "kidney_stones"], "removed": ["muscle_strain"]},
                     id="kidney-infection-stops-before-muscles"),
        pytest.param(["muscle_tension=false"], None, None, {"added": [], "removed": ["muscle_strain"]},
                     id="cause-goes-level-stays"),
        pytest.param(["muscle_tension="], None, None, {"added": [], "removed": ["muscle_strain"]},
                     id="empty-value-unanswers"),
        pytest.param(["age=70", "pain_severity=9"], {"before": "acupuncturist", "after": "doctor"},
                     None, None, id="numbers"),
        pytest.param(["stress_level=3"], None, None, None, id="nothing-changes"),
        pytest.param(["saddle_numbness=not_sure"], {"before": "acupuncturist", "after": "urgent_doctor"},
                     None, None, id="not-sure-about-an-emergency-sign"),
    ],
)
def test_changes(  # noqa: PLR0913  two fixtures and the four parameters of each case
    cli: Callable[..., Any], answers_file: Path, specs: list[str], level: dict[str, str] | None,
    *, red_flags: dict[str, list[str]] | None, causes: dict[str, list[str]] | None,
) -> None:
    data = changes_for(cli, answers_file, *specs)
    assert set(data) == {"source", "before", "after", "changes"}
    changes = data["changes"]
    assert changes["level"] == level
    assert changes["red_flags"] == red_flags
    assert changes["causes"] == causes
    assert data["before"]["level"] == "acupuncturist"
    assert data["after"]["level"] == (level or {"after": "acupuncturist"})["after"]
    assert [a["question"] for a in changes["answers"]] == [s.split("=")[0] for s in specs]


def test_answers_before_and_after(cli: Callable[..., Any], answers_file: Path) -> None:
    changes = changes_for(cli, answers_file, "pain_location=[side_flank, lower_back]", "fever=")["changes"]
    assert changes["answers"] == [
        {"question": "pain_location", "before": ["lower_back"], "after": ["lower_back", "side_flank"]},
        {"question": "fever", "before": False, "after": None},
    ]
    # A warning sign left unanswered makes the result incomplete: a doctor first, no needling.
    assert changes["acupuncture"] == {"before": True, "after": False}
    assert changes["level"] == {"before": "acupuncturist", "after": "doctor"}


def test_emergency_stops_and_drops_acupuncture(cli: Callable[..., Any], answers_file: Path) -> None:
    data = changes_for(cli, answers_file, "saddle_numbness=true")
    assert data["after"]["stopped_early"] is True
    assert data["after"]["level"] == "emergency"
    assert data["changes"]["red_flags"] == {"added": ["cauda_equina"], "removed": []}
    assert data["changes"]["causes"] == {"added": [], "removed": ["muscle_strain"]}
    assert data["changes"]["acupuncture"] == {"before": True, "after": False}


def test_a_question_that_is_not_asked_changes_nothing(cli: Callable[..., Any], answers_file: Path) -> None:
    data = changes_for(cli, answers_file, "pain_worse_with_periods=true")
    assert data["changes"]["causes"] is None
    assert data["changes"]["not_asked"] == [{
        "question": "pain_worse_with_periods",
        "reason": "not asked, because the question it depends on was answered otherwise",
    }]


def test_text_shows_before_after_and_what_changed(cli: Callable[..., Any], answers_file: Path) -> None:
    run = cli("assess", answers_file, "--what-if", "fever=true")
    assert run.status == 0
    out = run.out
    assert out.startswith("Before\n------\nSuggestion: Discuss with your acupuncturist.\n")
    assert ("\nAfter, if fever = Yes (was No)\n------------------------------\n"
            "Suggestion: See a doctor today.\n") in out
    assert out.endswith(
        "What changed\n------------\n"
        "- Suggestion: Discuss with your acupuncturist -> See a doctor today\n"
        "- New warning sign: Possible infection in the spine\n"
        "- New possible cause: Infection\n"
    )


def test_text_when_nothing_changes(cli: Callable[..., Any], answers_file: Path) -> None:
    out = cli("assess", answers_file, "--what-if", "stress_level=3").out
    assert "After, if stress_level = 3 (was unanswered)" in out
    assert out.endswith("- Nothing changed: the same suggestion, causes and warning signs.\n")


def test_text_when_level_stays(cli: Callable[..., Any], answers_file: Path) -> None:
    out = cli("assess", answers_file, "--what-if", "muscle_tension=false").out
    assert out.endswith(
        "- Suggestion: unchanged (Discuss with your acupuncturist)\n"
        "- No longer a possible cause: Muscle strain\n"
    )


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        pytest.param("fevr=true", "--what-if fevr=true: `fevr` is not a question (did you mean `fever`?)",
                     id="unknown-question"),
        pytest.param("age=130", "--what-if age=130: `age` must be a whole number from 0 to 120, not 130",
                     id="out-of-range"),
        pytest.param("fever=maybe", "--what-if fever=maybe: `fever` must be true, false or not_sure, "
                     'not the text "maybe"', id="wrong-type"),
        pytest.param("pain_location=[flank]", "--what-if pain_location=[flank]: `pain_location`: `flank` "
                     "is not an option (did you mean `side_flank`?)", id="unknown-option"),
        pytest.param("fever", "--what-if fever: write it as QUESTION=VALUE, for example fever=true or "
                     "age=70", id="no-equals"),
        pytest.param("pain_location=[a", "--what-if pain_location=[a: `[a` cannot be read as a value "
                     "(expected ',' or ']', but got '<stream end>'); for a list write [a, b]",
                     id="not-yaml"),
    ],
)
def test_bad_what_if(cli: Callable[..., Any], answers_file: Path, spec: str, message: str) -> None:
    run = cli("assess", answers_file, "--what-if", spec)
    assert run.status == 2
    assert run.out == ""
    assert run.err == f"triage: {message}\n"


def test_every_bad_what_if_is_reported_at_once(cli: Callable[..., Any], answers_file: Path) -> None:
    run = cli("assess", answers_file, "--what-if", "fever=1", "--what-if", "fever=true",
              "--what-if", "fever=false")
    assert run.status == 2
    assert run.err.splitlines() == [
        "triage: --what-if fever=1: `fever` must be true, false or not_sure, not 1",
        "triage: --what-if fever=false: `fever` is changed twice; keep one --what-if for it",
    ]


def test_several_files(cli: Callable[..., Any], answers_file: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("age: 70\nfever: true\n", encoding="utf-8")
    run = cli("assess", answers_file, other, "--what-if", "fever=false", "--format", "json")
    assert run.status == 0
    first, second = (json.loads(line) for line in run.out.splitlines())
    assert first["changes"]["level"] is None
    # The other warning signs are unanswered in the second file: never "acupuncturist".
    assert second["changes"]["level"] == {"before": "urgent_doctor", "after": "doctor"}
    text = cli("assess", answers_file, other, "--what-if", "fever=false").out
    assert text.count("== ") == 2


def test_run_directly(kb: KnowledgeBase, engine: Engine) -> None:
    changes = whatif.parse(kb, ["age=12"])
    signs = dict.fromkeys(conditions.required_questions(kb) - {"age"}, False)
    what = whatif.run(kb, engine, {"age": 40, **signs}, changes, "memory")
    assert what.before.level == "acupuncturist"
    assert what.after.level == "doctor"
    assert what.after.questions_asked == 16  # under 16: the children's list, then no more
    assert what.difference()["level"] == {"before": "acupuncturist", "after": "doctor"}


def test_a_clinic_knowledge_base(cli: Callable[..., Any], answers_file: Path, tmp_path: Path) -> None:
    shutil.copy(ROOT / "questions.yaml", tmp_path / "questions.yaml")
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    infection = tmp_path / "rules" / "infection.yaml"
    text = infection.read_text(encoding="utf-8")
    infection.write_text(text.replace("level: urgent_doctor", "level: emergency"), encoding="utf-8")
    data = json.loads(cli("assess", answers_file, "--what-if", "fever=true", "--format", "json",
                          "--questions", tmp_path / "questions.yaml", "--rules", tmp_path / "rules").out)
    assert data["changes"]["level"] == {"before": "acupuncturist", "after": "emergency"}
