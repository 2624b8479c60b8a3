"""``triage diagram``: the knowledge base as a graph, and docs/red-flags.mmd."""

from __future__ import annotations

import importlib.util
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from triage import diagram
from triage.models import LEVELS, KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
MERMAID_NODE = re.compile(r"^    ([a-z]_\w+)[\[\(\{]", re.MULTILINE)
MERMAID_EDGE = re.compile(r"^    (\w+) (?:-->|-\. asked if \.->) (\w+)$", re.MULTILINE)


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_diagram", ROOT / "scripts" / "make_diagram.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def nodes(text: str) -> set[str]:
    return set(MERMAID_NODE.findall(text))


def edges(text: str) -> set[tuple[str, str]]:
    return set(MERMAID_EDGE.findall(text))


def test_mermaid_has_every_item_and_the_main_paths(cli: Callable[..., Any], kb: KnowledgeBase) -> None:
    run = cli("diagram")
    assert run.status == 0
    assert run.out.startswith("flowchart LR\n")
    expected = (
        {f"q_{q.id}" for q in kb.questions} | {f"r_{r.id}" for r in kb.rules}
        | {f"c_{c.id}" for c in kb.causes} | {f"f_{f.id}" for f in kb.red_flags}
        | {f"l_{level}" for level in LEVELS}
    )
    assert nodes(run.out) == expected
    assert {
        ("q_saddle_numbness", "r_cauda_equina_saddle_numbness"),
        ("r_cauda_equina_saddle_numbness", "f_cauda_equina"),
        ("f_cauda_equina", "l_emergency"),
        ("q_pain_radiates_leg", "r_disc_problem_sciatica"),
        ("r_disc_problem_sciatica", "c_disc_problem"),
        ("c_disc_problem", "r_see_doctor_disc_problem"),
        ("r_see_doctor_disc_problem", "l_doctor"),
        ("c_kidney_stones", "r_kidney_infection_fever"),
        ("r_no_warning_signs", "l_acupuncturist"),
        ("q_has_periods", "q_pain_worse_with_periods"),
    } <= edges(run.out)
    assert "    q_has_periods -. asked if .-> q_pain_worse_with_periods\n" in run.out
    assert 'c_disc_problem(["Disc problem (for example a bulging or #quot;slipped#quot; disc)"])' in run.out
    assert "    classDef red_flag " in run.out


def test_every_edge_joins_drawn_nodes(cli: Callable[..., Any]) -> None:
    out = cli("diagram").out
    drawn = nodes(out)
    assert edges(out)
    for source, target in edges(out):
        assert source in drawn and target in drawn


def test_dot(cli: Callable[..., Any]) -> None:
    run = cli("diagram", "--format", "dot")
    assert run.status == 0
    assert run.out.startswith("digraph triage {\n    rankdir=LR;\n")
    assert run.out.endswith("}\n")
    assert '    f_aortic_aneurysm [label="Possible problem with the aorta", shape=hexagon' in run.out
    assert "    f_aortic_aneurysm -> l_emergency;\n" in run.out
    assert '    q_has_periods -> q_pain_worse_with_periods [style=dashed, label="asked if"];\n' in run.out
    assert 'label="Disc problem (for example a bulging or \\"slipped\\" disc)"' in run.out


@pytest.mark.parametrize(
    ("focus", "expected"),
    [
        pytest.param("pain_worse_with_periods", {
            "q_has_periods", "q_pain_worse_with_periods", "r_endometriosis_periods", "c_endometriosis",
            "r_see_doctor_endometriosis", "l_doctor"}, id="question"),
        pytest.param("chest_warning", {
            "q_chest_symptoms", "r_chest_warning_symptoms", "f_chest_warning", "l_emergency"},
            id="red-flag"),
        pytest.param("kidney_infection", {
            "q_pain_location", "q_pain_comes_in_waves", "q_nausea_or_vomiting", "q_blood_in_urine", "q_fever",
            "q_pregnant", "q_age",  # asked when pregnant; pregnant is asked from 12 to 55
            "r_kidney_stones_pattern", "c_kidney_stones", "r_kidney_infection_fever", "f_kidney_infection",
            "l_emergency"}, id="red-flag-through-a-cause"),
        pytest.param("stress_anxiety", {"q_stress_level", "r_stress_anxiety_high", "c_stress_anxiety"},
                     id="cause"),
        pytest.param("severe_pain_with_sickness", {
            "q_nausea_or_vomiting", "q_pain_severity", "r_severe_pain_with_sickness", "l_urgent_doctor"},
            id="rule"),
    ],
)
def test_focus_keeps_only_what_connects(cli: Callable[..., Any], focus: str, expected: set[str]) -> None:
    run = cli("diagram", "--focus", focus)
    assert run.status == 0
    assert nodes(run.out) == expected


def test_focus_on_several_ids(cli: Callable[..., Any]) -> None:
    out = cli("diagram", "--focus", "aortic_aneurysm", "--focus", "stress_anxiety").out
    assert {"f_aortic_aneurysm", "c_stress_anxiety"} <= nodes(out)


def test_focus_on_a_level_shows_everything_that_leads_there(cli: Callable[..., Any]) -> None:
    out = cli("diagram", "--focus", "emergency").out
    assert {"f_cauda_equina", "f_aortic_aneurysm", "f_kidney_infection", "f_pregnancy_warning",
            "l_emergency"} <= nodes(out)
    assert "c_arthritis" not in nodes(out)


def test_unknown_focus(cli: Callable[..., Any]) -> None:
    run = cli("diagram", "--focus", "cauda_equnia")
    assert run.status == 2
    assert run.err == ("triage: `cauda_equnia` is not a question, cause, red flag, rule or source "
                       "(did you mean `cauda_equina`?)\n")


def test_red_flag_part(kb: KnowledgeBase) -> None:
    text = diagram.mermaid(diagram.red_flag_part(kb))
    drawn = nodes(text)
    assert {f"f_{f.id}" for f in kb.red_flags} <= drawn
    assert {n for n in drawn if n.startswith("l_")} == {"l_emergency", "l_urgent_doctor"}
    assert "r_urgent_doctor_kidney_stones" not in drawn
    assert "c_kidney_stones" in drawn


def test_committed_red_flag_diagram_is_current(kb: KnowledgeBase) -> None:
    committed = (ROOT / "docs" / "red-flags.mmd").read_text(encoding="utf-8")
    assert committed == diagram.mermaid(diagram.red_flag_part(kb)), (
        "docs/red-flags.mmd is out of date; run: uv run python scripts/make_diagram.py")


def test_script_writes_and_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = load_script()
    out, readme = tmp_path / "red-flags.mmd", tmp_path / "README.md"
    readme.write_text(f"# Title\n\n{script.START}\nold\n{script.END}\n\nMore.\n", encoding="utf-8")
    argv = ["--out", str(out), "--readme", str(readme)]
    assert script.main(argv) == 0
    diagram_text = (ROOT / "docs" / "red-flags.mmd").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == diagram_text
    assert readme.read_text(encoding="utf-8") == (
        f"# Title\n\n{script.START}\n```mermaid\n{diagram_text}```\n{script.END}\n\nMore.\n")
    assert script.main([*argv, "--check"]) == 0
    out.write_text("flowchart LR\n", encoding="utf-8")
    assert script.main([*argv, "--check"]) == 1
    assert "out of date" in capsys.readouterr().err


def test_readme_embeds_the_current_red_flag_diagram() -> None:
    script = load_script()
    readme = (ROOT / "docs" / "knowledge-base.md").read_text(encoding="utf-8")
    assert script.START in readme, "docs/knowledge-base.md has lost its red-flags diagram markers"
    assert readme == script.embedded(readme, (ROOT / "docs" / "red-flags.mmd").read_text(encoding="utf-8")), (
        "docs/knowledge-base.md: the red-flags diagram is out of date; "
        "run: uv run python scripts/make_diagram.py")


def test_a_clinic_knowledge_base(cli: Callable[..., Any], tmp_path: Path) -> None:
    shutil.copy(ROOT / "questions.yaml", tmp_path / "questions.yaml")
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    (tmp_path / "rules" / "vascular.yaml").unlink()
    questions, rules = tmp_path / "questions.yaml", tmp_path / "rules"
    run = cli("diagram", "--questions", questions, "--rules", rules)
    assert run.status == 0
    assert "f_aortic_aneurysm" not in nodes(run.out)
    assert "q_pulsating_abdomen" in nodes(run.out)
    focused = cli("diagram", "--focus", "aortic_aneurysm", "--questions", questions, "--rules", rules)
    assert focused.status == 2
