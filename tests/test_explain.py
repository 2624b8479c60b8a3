"""``triage explain ID``: why a question is asked; how rules reach a finding."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from triage import constants
from triage.models import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def clinic(tmp_path: Path) -> tuple[Path, Path]:
    """A clinic's own copy of the knowledge base, with one reason reworded."""
    shutil.copy(ROOT / "questions.yaml", tmp_path / "questions.yaml")
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    infection = tmp_path / "rules" / "infection.yaml"
    text = infection.read_text(encoding="utf-8")
    infection.write_text(text.replace("Fever or chills with back pain can come from an infection.",
                                      "Clinic wording, fever points to an infection."), encoding="utf-8")
    return tmp_path / "questions.yaml", tmp_path / "rules"


@pytest.mark.parametrize(
    ("item", "kind", "rules", "leads_to"),
    [
        pytest.param("fever", "question",
                     ["warning_sign_not_ruled_out", "warning_signs_unanswered", "infection_fever",
                      "spinal_infection_fever", "spinal_infection_immune_risk",
                      "spinal_infection_fever_nerve_deficit",
                      "spinal_infection_procedure_night_pain_or_unsure_fever",
                      "spinal_infection_unsure_fever_immune_risk", "kidney_infection_fever",
                      "pregnancy_warning_fever_or_waves"],
                     None, id="question-fever"),
        pytest.param("has_periods", "question", [], None, id="question-only-gates-another"),
        pytest.param("kidney_stones", "cause", ["kidney_stones_pattern"],
                     ["kidney_infection_fever", "urgent_doctor_kidney_stones",
                      "aortic_aneurysm_first_kidney_stone_over_60"], id="cause-kidney-stones"),
        pytest.param("arthritis", "cause", ["arthritis_signs"], [], id="cause-arthritis"),
        pytest.param("cauda_equina", "red_flag",
                     ["cauda_equina_saddle_numbness", "cauda_equina_bladder_bowel",
                      "cauda_equina_both_legs", "cauda_equina_sexual_with_sciatica",
                      "cauda_equina_sexual_change", "cauda_equina_walking_and_weakness"], [],
                     id="red-flag-cauda-equina"),
    ],
)
def test_json_lists_the_rules(
    cli: Callable[..., Any], item: str, kind: str, rules: list[str], leads_to: list[str] | None
) -> None:
    run = cli("explain", item, "--format", "json")
    assert run.status == 0
    data = json.loads(run.out)
    assert data["id"] == item
    [match] = data["matches"]
    assert match["kind"] == kind
    assert [r["rule"] for r in match["rules"]] == rules
    if leads_to is not None:
        assert [r["rule"] for r in match["leads_to"]] == leads_to


def test_question_says_why_and_where_it_is_used(cli: Callable[..., Any]) -> None:
    run = cli("explain", "pain_location")
    assert run.status == 0
    assert run.out.startswith("Question `pain_location`\n========================\n"
                              "“Where is the pain? Choose all that apply.”\n")
    assert "Section: About your pain, question 22 of 46" in run.out
    assert ("Why we ask: Where it hurts helps tell muscle and spine problems apart from\n"
            "kidney problems or pain all over the body.") in run.out
    assert ("When it is asked:\n- only when:\n  - not:\n"
            "    - the answer to “How old are you (in years)?” is less than 16\n") in run.out
    assert "Rule `kidney_stones_pattern`\nLeads to: the possible cause ‘Kidney stones’\n" in run.out
    assert "Questions asked only depending on this answer" in run.out
    assert "- `pain_comes_in_waves`: “Does the pain come and go in strong waves?”, asked" in run.out
    assert "- `blood_in_urine`: " in run.out


def test_question_with_an_ask_if_says_when_it_is_asked(cli: Callable[..., Any]) -> None:
    out = cli("explain", "pain_worse_with_periods").out
    assert ("When it is asked:\n- only when:\n"
            "  - you answer something other than No to “Do you have menstrual periods?”\n") in out


def test_question_used_only_by_an_ask_if(cli: Callable[..., Any]) -> None:
    out = cli("explain", "has_periods").out
    assert constants.EXPLAIN_NOT_USED in out
    assert "- `pain_worse_with_periods`: “Is your back or pelvic pain worse around your" in out


def test_cause_tells_acupuncture_evidence_honestly(cli: Callable[..., Any]) -> None:
    out = cli("explain", "arthritis").out
    assert out.startswith("Possible cause: Arthritis (`arthritis`)\n")
    assert "Acupuncture: this is one of the causes" in out
    assert "NICE guideline NG59 (2016) advises not to offer" in " ".join(out.split())
    infection = " ".join(cli("explain", "infection").out.split())
    assert "Acupuncture: while this cause is possible, acupuncture is not suggested" in infection
    assert "Acupuncture: this is one of the causes" not in infection


def test_red_flag_gives_what_to_do_and_each_rule(cli: Callable[..., Any]) -> None:
    out = cli("explain", "spinal_fracture").out
    assert out.startswith("Warning sign (red flag): Possible broken bone in the spine (`spinal_fracture`)\n")
    assert "What to do: Seek emergency care now" in out
    assert "Rule `spinal_fracture_trauma`" in out
    assert "Rule `spinal_fracture_thin_bones`" in out
    assert "Because: Back pain that started after a serious accident, such as a road" in out
    assert "Sources:\n- Finucane LM, Downie A, Mercer C, et al. International framework for red\n" in out
    assert "https://doi.org/10.2519/jospt.2020.9971" in out


def test_rule_gives_conclusion_examples_and_what_it_relies_on(cli: Callable[..., Any]) -> None:
    out = cli("explain", "kidney_infection_fever").out
    assert out.startswith("Rule `kidney_infection_fever`\n=============================\n"
                          "Defined in: rules/kidney.yaml:")
    assert ("Leads to: the warning sign ‘Possible kidney infection’ and the suggestion\n"
            "‘EMERGENCY’. Seek emergency care now:") in out
    assert "  - the cause ‘Kidney stones’ is found\n" in out
    assert "Stops the questionnaire: yes" in out
    assert ("Fires, for example, with:\n- pain_location: Side of the back, below the ribs (flank);\n"
            "  pain_comes_in_waves: Yes; fever: Yes\n") in out
    assert "Findings this rule relies on" in out
    assert "Rule `kidney_stones_pattern`" in out


def test_level_rule_with_no_condition(cli: Callable[..., Any]) -> None:
    out = cli("explain", "no_warning_signs").out
    assert "When:\n- always (no condition)\n" in out
    assert "Leads to: the suggestion ‘Discuss with your acupuncturist’." in out
    assert "Fires, for example, with:\n- no answers at all\n" in out


def test_markdown(cli: Callable[..., Any]) -> None:
    run = cli("explain", "cauda_equina", "--format", "markdown")
    assert run.status == 0
    assert run.out.startswith(
        "# Warning sign (red flag): Possible cauda equina syndrome (`cauda_equina`)\n")
    assert "### Rule `cauda_equina_both_legs`" in run.out
    assert "\n\n\n" not in run.out


@pytest.mark.parametrize(
    ("item", "hint"),
    [
        pytest.param("fevr", " (did you mean `fever`?)", id="typo"),
        pytest.param("cauda_equina_sadle_numbness", " (did you mean `cauda_equina_saddle_numbness`?)",
                     id="partial"),
        pytest.param("zzz", "", id="nothing-close"),
    ],
)
def test_unknown_id(cli: Callable[..., Any], item: str, hint: str) -> None:
    run = cli("explain", item)
    assert run.status == 2
    assert run.out == ""
    assert run.err == f"triage: `{item}` is not a question, cause, red flag, rule or source{hint}\n"


def test_a_clinic_knowledge_base(cli: Callable[..., Any], clinic: tuple[Path, Path]) -> None:
    questions, rules = clinic
    run = cli("explain", "infection", "--questions", questions, "--rules", rules)
    assert run.status == 0
    assert "Because: Clinic wording, fever points to an infection." in run.out
    shipped = cli("explain", "infection").out
    assert "Clinic wording" not in shipped


@pytest.mark.parametrize(("words", "found"), [
    pytest.param("saddle", "Question `saddle_numbness`", id="saddle"),
    pytest.param("blood thinner", "Question `blood_thinners`", id="blood-thinner"),
    pytest.param("kidney stones", "Possible cause: Kidney stones (`kidney_stones`)", id="kidney-stones"),
    pytest.param("aorta", "(`aortic_aneurysm`)", id="aorta"),
    pytest.param("NHS aortic dissection", "Source: NHS website, Aortic dissection", id="a-source"),
])
def test_words_find_the_id(cli: Callable[..., Any], words: str, found: str) -> None:
    run = cli("explain", words)
    assert run.status == 0, run.err
    assert found in run.out.splitlines()[0]


def test_words_that_match_several_ids_list_them(cli: Callable[..., Any]) -> None:
    run = cli("explain", "pregnancy")
    assert run.status == 2
    assert run.err.startswith("triage: `pregnancy` matches several ids: `pregnancy_bleeding_or_belly_pain`, "
                              "`pregnancy_warning`")
    assert "triage explain --list" in run.err


def test_list_names_every_id(cli: Callable[..., Any], kb: KnowledgeBase) -> None:
    run = cli("explain", "--list")
    assert run.status == 0
    for ids in ([q.id for q in kb.questions], [c.id for c in kb.causes], [r.id for r in kb.red_flags],
                [r.id for r in kb.rules], [s.id for s in kb.sources]):
        for item_id in ids:
            assert f"`{item_id}`" in run.out
    assert cli("explain").out == run.out
