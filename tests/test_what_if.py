"""``triage assess FILE --what-if QUESTION=VALUE``: what changed first, then after and before; with
several changes, each alone and all together in a table first."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_languages import assert_all_through_catalogue

from triage import answers, conditions, constants, i18n, pipeline, textwidth, whatif
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
    assert set(data) == {"source", "before", "after", "changes", "alone"}
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


def test_text_shows_what_changed_first_then_after_and_before(cli: Callable[..., Any],
                                                             answers_file: Path) -> None:
    run = cli("assess", answers_file, "--what-if", "fever=true")
    assert run.status == 0
    out = run.out
    assert out.startswith(
        "What changes if fever = Yes (was No)\n------------------------------------\n"
        "- Suggestion: Discuss with your acupuncturist -> See a doctor today\n"
        "- New warning sign: Possible infection in the spine\n"
        "- New possible cause: Infection\n\n"
        "After, if fever = Yes (was No)\n------------------------------\n"
        "Suggestion: See a doctor today.\n"
    )
    before = out.index("\nBefore\n------\nSuggestion: Discuss with your acupuncturist.\n")
    assert before > out.index("After, if")
    assert out.endswith("What to do now: Discuss your back pain with your acupuncturist; see a doctor\n"
                        "if it gets worse, lasts, or new symptoms appear.\n")


def test_text_when_nothing_changes(cli: Callable[..., Any], answers_file: Path) -> None:
    out = cli("assess", answers_file, "--what-if", "stress_level=3").out
    assert out.startswith("What changes if stress_level = 3 (was unanswered)\n")
    assert out.splitlines()[2] == "- Nothing changed: the same suggestion, causes and warning signs."
    assert "After, if stress_level = 3 (was unanswered)" in out


def test_text_when_level_stays(cli: Callable[..., Any], answers_file: Path) -> None:
    out = cli("assess", answers_file, "--what-if", "muscle_tension=false").out
    assert out.splitlines()[2:5] == [
        "- Suggestion: unchanged (Discuss with your acupuncturist)",
        "- No longer a possible cause: Muscle strain",
        "",
    ]


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


# --- several changes: each alone, then all together --------------------------------------------
SEVERAL = [
    pytest.param(["fever=true", "age=70", "saddle_numbness=true"], id="three-warning-signs"),
    pytest.param(["pain_location=[side_flank]", "pain_comes_in_waves=true", "fever=true"],
                 id="a-pattern-only-together"),
    pytest.param(["age=70", "pain_severity=9"], id="numbers"),
    pytest.param(["muscle_tension=false", "stress_level=3"], id="level-stays"),
    pytest.param(["recent_infection_or_procedure=true", "pain_location=[side_flank, upper_back, lower_back]",
                  "osteoporosis_or_steroids=not_sure", "fever="], id="long-answers"),
]
LEVEL_OF_TITLE = {title: level for level, title in constants.LEVEL_TITLE.items()}


def what_if_argv(path: Path, specs: list[str]) -> list[Any]:
    return ["assess", path, *(arg for spec in specs for arg in ("--what-if", spec))]


def expected_levels(kb: KnowledgeBase, engine: Engine, path: Path, specs: list[str]) -> list[str]:
    """The level ``triage.pipeline.assess`` gives for each change alone, then for all together."""
    given = answers.load(kb, path, "answers.yaml")
    changes = whatif.parse(kb, specs)

    def level(chosen: list[whatif.Change]) -> str:
        changed = dict(given)
        for change in chosen:
            changed.pop(change.question, None)
            if change.value is not None:
                changed[change.question] = change.value
        return pipeline.assess(kb, changed, source="answers.yaml", engine=engine).level

    return [level([change]) for change in changes] + [level(changes)]


def table_cells(out: str) -> list[list[str]]:
    """The body of the text's table: each row's cells, a wrapped cell's lines joined by spaces."""
    lines = out.splitlines()
    rule = next(n for n, line in enumerate(lines) if line.startswith("---") and "  -" in line)
    starts = [0] + [n + 2 for n in range(len(lines[rule]) - 1) if lines[rule][n:n + 3] == "  -"]
    end = next(n for n in range(rule + 1, len(lines))
               if lines[n].startswith(("- ", "What changes if")))
    body = "\n".join(lines[rule + 1:end]).strip("\n").split("\n")
    spaced = "" in body
    rows: list[list[str]] = [[]]
    for line in body:
        if spaced and not line:
            rows.append([])
        else:
            rows[-1].append(line)
    if not spaced:
        rows = [[line] for line in body]

    def cell(row: list[str], i: int) -> str:
        stop = starts[i + 1] if i + 1 < len(starts) else None
        return " ".join(" ".join(line[starts[i]:stop].split()) for line in row).strip()

    return [[cell(row, i) for i in range(len(starts))] for row in rows]


@pytest.mark.parametrize("specs", SEVERAL)
def test_several_changes_show_each_alone_then_all_together(
        cli: Callable[..., Any], answers_file: Path, kb: KnowledgeBase, engine: Engine,
        specs: list[str]) -> None:
    run = cli(*what_if_argv(answers_file, specs))
    assert run.status == 0, run.err
    assert run.out.startswith("Each change alone, then all together\n")
    assert run.out.splitlines()[2] == "As answered: Discuss with your acupuncturist"
    rows = table_cells(run.out)
    assert len(rows) == len(specs) + 1
    assert [row[0].split(" = ")[0] for row in rows[:-1]] == [spec.split("=")[0] for spec in specs]
    assert rows[-1][0] == "All together"
    levels = [LEVEL_OF_TITLE[next(t for t in LEVEL_OF_TITLE if row[1].startswith(t))] for row in rows]
    assert levels == expected_levels(kb, engine, answers_file, specs)
    # Then the detail of all together, as with one change: what changed, after, before.
    detail = run.out.index("\nWhat changes if " + specs[0].split("=")[0])
    assert detail < run.out.index("\nAfter, if ") < run.out.index("\nBefore\n")


def test_each_row_names_what_it_adds(cli: Callable[..., Any], answers_file: Path) -> None:
    rows = table_cells(cli(*what_if_argv(answers_file, ["fever=true", "age=70", "saddle_numbness=true"])).out)
    assert rows == [
        ["fever = Yes", "See a doctor today", "Possible infection in the spine", "Infection"],
        ["age = 70", "See a doctor soon", "none", "none"],
        ["saddle_numbness = Yes", "EMERGENCY", "Possible cauda equina syndrome", "none"],
        ["All together", "EMERGENCY", "Possible cauda equina syndrome", "none"],
    ]


def test_a_change_not_asked_alone_is_said(cli: Callable[..., Any], answers_file: Path) -> None:
    out = cli(*what_if_argv(answers_file, ["pain_location=[side_flank]", "pain_comes_in_waves=true"])).out
    rows = table_cells(out)
    assert rows[1][1] == "Discuss with your acupuncturist (unchanged)"
    assert rows[2][1] == "See a doctor today"
    assert "- Alone, `pain_comes_in_waves` is not asked with these answers" in out


@pytest.mark.parametrize("specs", SEVERAL)
def test_json_has_each_alone(cli: Callable[..., Any], answers_file: Path, kb: KnowledgeBase,
                             engine: Engine, specs: list[str]) -> None:
    data = changes_for(cli, answers_file, *specs)
    assert list(data) == ["source", "before", "after", "changes", "alone"]
    assert [one["question"] for one in data["alone"]] == [spec.split("=")[0] for spec in specs]
    levels = [one["level"] for one in data["alone"]] + [data["after"]["level"]]
    assert levels == expected_levels(kb, engine, answers_file, specs)
    assert [one["changes"]["answers"] for one in data["alone"]] == [[a] for a in data["changes"]["answers"]]


def test_json_with_one_change_has_it_alone(cli: Callable[..., Any], answers_file: Path) -> None:
    data = changes_for(cli, answers_file, "fever=true")
    assert data["alone"] == [{"question": "fever", "level": "urgent_doctor", "changes": data["changes"]}]


@pytest.mark.parametrize("tag", [pytest.param(i18n.ENGLISH, id="en"), pytest.param(i18n.PSEUDO, id="en-XA"),
                                 pytest.param(i18n.WIDE, id="en-XW")])
@pytest.mark.parametrize("specs", [*SEVERAL, pytest.param(["fever=true"], id="one")])
def test_fits_80_columns_in_every_language(cli: Callable[..., Any], answers_file: Path, kb: KnowledgeBase,
                                           specs: list[str], tag: str) -> None:
    try:
        run = cli("--lang", tag, *what_if_argv(answers_file, specs))
    finally:
        i18n.activate(i18n.ENGLISH)
    assert run.status == 0, run.err
    wide = [line for line in run.out.splitlines() if textwidth.cells(line) > 80]
    assert wide == []
    if tag != i18n.ENGLISH:
        assert_all_through_catalogue(run.out.replace(str(answers_file), " "), kb)


def test_column_widths_narrow_the_widest_first() -> None:
    assert whatif.column_widths([10, 20, 30], 60) == [10, 20, 30]
    assert whatif.column_widths([10, 20, 30], 50) == [10, 20, 20]
    assert whatif.column_widths([10, 20, 30], 40) == [10, 15, 15]
