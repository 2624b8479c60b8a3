"""``triage red-flags --format tree``: every warning sign, most urgent first, its rules' signs in plain words.

The default, the one-page table, is tested in ``tests/test_red_flag_table.py``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from triage import constants, educate
from triage.models import LEVELS, KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
CLINIC_NAME = "Possible aortic aneurysm (clinic wording)"


@pytest.fixture
def clinic(tmp_path: Path) -> tuple[Path, Path]:
    """A clinic's own copy of the knowledge base, with one red flag renamed."""
    shutil.copy(ROOT / "questions.yaml", tmp_path / "questions.yaml")
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    vascular = tmp_path / "rules" / "vascular.yaml"
    text = vascular.read_text(encoding="utf-8")
    vascular.write_text(text.replace("Possible problem with the aorta", CLINIC_NAME), encoding="utf-8")
    return tmp_path / "questions.yaml", tmp_path / "rules"


def test_entries_are_ordered_from_most_urgent(kb: KnowledgeBase) -> None:
    entries = educate.red_flag_entries(kb)
    assert [e.flag.id for e in entries] == [
        # every sign an emergency:
        "chest_warning", "kidney_infection", "aortic_aneurysm", "pregnancy_warning",
        # some signs an emergency, others a doctor today:
        "spinal_fracture", "cancer_warning", "spinal_infection", "cauda_equina",
        "nerve_compression",
    ]
    ranks = [LEVELS.index(e.level) for e in entries if e.level]
    assert ranks == sorted(ranks)
    assert {e.flag.id for e in entries} == {f.id for f in kb.red_flags}


def test_text_gives_signs_meaning_advice_and_sources(cli: Callable[..., Any]) -> None:
    run = cli("red-flags", "--format", "tree")
    assert run.status == 0
    assert run.err == ""
    expected_section = "\n".join([
        "Possible problem with the aorta (`aortic_aneurysm`)",
        "---------------------------------------------------",
        "What to do: Seek emergency care now: call the emergency number or go to the",
        "emergency department.",
        "Warning signs (any one is enough):",
        "- all of:",
        "  - you answer Yes to “Can you feel a pulsing or throbbing in your belly?”",
    ])
    assert expected_section in run.out
    assert ("What it may mean: The main blood vessel in the body (the aorta) may be\n"
            "swollen, leaking or tearing. This is life-threatening and needs emergency\n"
            "care.\n"
            "Sources: NHS website, Abdominal aortic aneurysm; NICE NG156 (2020); NHS\n"
            "website, Aortic dissection; NICE CKS, Renal or ureteric colic - acute;\n"
            "Clinical consensus\n") in run.out
    assert run.out.startswith(constants.RED_FLAGS_TITLE + "\n")
    two_levels = {"spinal_fracture", "cancer_warning", "spinal_infection", "cauda_equina",
                  "nerve_compression"}
    assert run.out.count("What to do: ") == 9 + len(two_levels)  # said for each level of these
    assert run.out.count("What it may mean: ") == 9
    assert run.out.count("Sources: ") == 9
    assert "This is not a diagnosis" in run.out


def test_text_lists_every_alternative_and_expands_findings(cli: Callable[..., Any]) -> None:
    out = cli("red-flags", "--format", "tree").out
    cauda = out[out.index("(`cauda_equina`)"):out.index("(`nerve_compression`)")]
    assert "Warning signs (any one is enough):" in cauda
    assert cauda.count("\n- ") == 6
    kidney = out[out.index("(`kidney_infection`)"):out.index("(`aortic_aneurysm`)")]
    assert "the cause ‘Kidney stones’ is found, which means:" in kidney
    assert "strong waves" in kidney


def test_json_structure(cli: Callable[..., Any], kb: KnowledgeBase) -> None:
    run = cli("red-flags", "--format", "json")
    assert run.status == 0
    data = json.loads(run.out)
    flags = {f["id"]: f for f in data["red_flags"]}
    assert list(flags) == [e.flag.id for e in educate.red_flag_entries(kb)]
    cauda = flags["cauda_equina"]
    assert cauda["level"] == "emergency"
    assert cauda["what_to_do"] == constants.LEVEL_ADVICE["emergency"]
    assert [s["rule"] for s in cauda["signs"]] == [
        "cauda_equina_saddle_numbness", "cauda_equina_bladder_bowel", "cauda_equina_both_legs",
        "cauda_equina_sexual_with_sciatica", "cauda_equina_sexual_change",
        "cauda_equina_walking_and_weakness"]
    assert cauda["sources"] == ["NHS website, Back pain", "NHS website, Cauda equina syndrome",
                                "GIRFT, National suspected cauda equina syndrome pathway (2023)",
                                "Finucane et al., JOSPT 2020", "NICE NG234 (2023)"]
    assert cauda["signs"][0]["when"].startswith("you answer Yes to “Do you have numbness")
    assert cauda["signs"][0]["condition"] == {"question": "saddle_numbness", "operator": "=", "answer": True}
    assert flags["spinal_infection"]["level"] == "emergency"  # its most urgent sign
    assert {s["then"]["level"] for s in flags["spinal_infection"]["signs"]} == {"emergency", "urgent_doctor"}
    assert data["disclaimer"] == constants.DISCLAIMER


def test_markdown_has_one_heading_per_red_flag(cli: Callable[..., Any]) -> None:
    run = cli("red-flags", "--format", "tree-markdown")
    assert run.status == 0
    assert run.out.startswith(f"# {constants.RED_FLAGS_TITLE}\n")
    assert run.out.count("\n## ") == 9 + 1  # the red flags, then the disclaimer
    assert "## Possible cauda equina syndrome (`cauda_equina`)" in run.out
    assert "**What to do:** Seek emergency care now" in run.out
    assert "  - you answer Yes to “Is there new or worsening weakness in one or both legs or feet?" in run.out


@pytest.mark.parametrize(("fmt", "shown"), [
    pytest.param("text", f"{CLINIC_NAME} (aortic_aneurysm)", id="table"),
    pytest.param("tree", f"{CLINIC_NAME} (`aortic_aneurysm`)", id="tree"),
])
def test_a_clinic_knowledge_base(cli: Callable[..., Any], clinic: tuple[Path, Path], fmt: str,
                                 shown: str) -> None:
    questions, rules = clinic
    run = cli("red-flags", "--format", fmt, "--questions", questions, "--rules", rules)
    assert run.status == 0
    assert shown in run.out
    assert "Possible problem with the aorta" not in run.out


def test_a_broken_knowledge_base_is_reported_without_traceback(
    cli: Callable[..., Any], clinic: tuple[Path, Path]
) -> None:
    questions, rules = clinic
    (rules / "vascular.yaml").write_text("topic: [unclosed\n", encoding="utf-8")
    run = cli("red-flags", "--questions", questions, "--rules", rules)
    assert run.status == 2
    assert "vascular.yaml" in run.err
    assert "Traceback" not in run.err
