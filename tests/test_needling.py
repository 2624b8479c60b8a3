"""The acupuncturist's checklist before needling: asked exactly when acupuncture may be
discussed, changing no level, and said in every output as a caution."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import Run, examples
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import value_for

from triage import constants, fhir, flow, loader, render, report, result, summaries
from triage.engine import engine_for
from triage.errors import TriageError
from triage.flow import Interview
from triage.models import AnswerValue
from triage.terminal import examples as shipped_examples

ROOT = Path(__file__).resolve().parent.parent
KB = loader.load()
ENGINE = engine_for(KB)
CHECKLIST = KB.question("before_needling")
CAUTION_RULES = {r.id: r for r in KB.rules if "before_needling" in str(r.when)}
OPTION_RULE = {r.when.answer: r for r in CAUTION_RULES.values()}  # type: ignore[union-attr]
BENIGN = dict(shipped_examples.BENIGN)
DOCTOR = dict(shipped_examples.DOCTOR)
OTHERS = [q for q in KB.questions if not KB.is_checklist(q)]


def assessed(answers: dict[str, AnswerValue]) -> result.Result:
    return result.build(KB, flow.simulate(KB, ENGINE, answers), source="test")


def interviewed(answers: dict[str, AnswerValue]) -> Interview:
    """Answer as a person would, until the questionnaire ends or an answer is missing."""
    interview = Interview(KB, ENGINE)
    while interview.current is not None and interview.current.id in answers:
        interview.answer(answers[interview.current.id])
    return interview


@st.composite
def near_benign(draw: st.DrawFn) -> dict[str, AnswerValue]:
    """A benign or doctor-level story with a few answers changed at random: both sides of the gate."""
    answers = dict(draw(st.sampled_from([BENIGN, DOCTOR])))
    for question in draw(st.lists(st.sampled_from(OTHERS), max_size=4, unique_by=lambda q: q.id)):
        answers[question.id] = draw(value_for(question))
    answers["before_needling"] = draw(value_for(CHECKLIST))
    return answers


# --- when it is asked ---------------------------------------------------------------------
def test_it_is_one_multi_question_last_with_a_rule_and_a_source_per_option() -> None:
    assert [q.id for q in KB.checklist] == ["before_needling"] == [KB.questions[-1].id]
    assert CHECKLIST.type == "multi"
    assert set(OPTION_RULE) == set(CHECKLIST.option_ids)
    cited = {s for rule in CAUTION_RULES.values() for s in rule.source}
    assert {"bacc_safe_practice", "aacp_safe_practice"} <= cited
    assert CHECKLIST.why.strip()


@settings(max_examples=examples(200, at_least=60), deadline=None)
@given(near_benign())
def test_asked_exactly_when_acupuncture_may_be_discussed(answers: dict[str, AnswerValue]) -> None:
    walked = flow.simulate(KB, ENGINE, answers)
    outcome = result.build(KB, walked, source="test")
    assert ("before_needling" in walked.asked) is outcome.acupuncture.suggested
    person = interviewed(answers)
    if person.finished or person.current is CHECKLIST:  # a story missing a later answer stops short
        reached = "before_needling" in person.path or person.current is CHECKLIST
        assert reached is outcome.acupuncture.suggested


@settings(max_examples=examples(200, at_least=60), deadline=None)
@given(near_benign(), st.data())
def test_its_answers_change_no_level_and_no_finding(answers: dict[str, AnswerValue],
                                                   data: st.DataObject) -> None:
    other = {**answers, "before_needling": data.draw(value_for(CHECKLIST))}
    first, second = assessed(answers), assessed(other)
    assert first.level == second.level
    assert [f.id for f in first.red_flags] == [f.id for f in second.red_flags]
    assert [c.id for c in first.causes] == [c.id for c in second.causes]
    assert first.acupuncture.suggested == second.acupuncture.suggested
    assert first.complete == second.complete


@pytest.mark.parametrize("story", [
    pytest.param(shipped_examples.EMERGENCY, id="emergency"),
    pytest.param({**BENIGN, "fever": True}, id="urgent"),
    pytest.param({**BENIGN, "age": 12}, id="child"),
    pytest.param({**BENIGN, "history_of_cancer": True}, id="doctor-withheld"),
    pytest.param({**BENIGN, "fever": "not_sure"}, id="warning-sign-not-sure"),
])
def test_nobody_else_answers_it(story: dict[str, AnswerValue]) -> None:
    answers = {**story, "before_needling": ("epilepsy",)}
    walked = flow.simulate(KB, ENGINE, answers)
    assert "before_needling" not in walked.asked
    assert dict(walked.ignored)["before_needling"] in {"not_asked", "after_stop"}
    outcome = result.build(KB, walked, source="test")
    assert not outcome.acupuncture.suggested
    assert "needling_epilepsy" not in {c.rule for c in outcome.acupuncture.cautions}
    assert "before_needling" not in interviewed(answers).path


@pytest.mark.parametrize(("story", "discussed"), [
    pytest.param(BENIGN, "primary", id="acupuncturist"),
    pytest.param(DOCTOR, "complement", id="doctor-complement"),
])
def test_asked_at_both_levels_where_acupuncture_is_suggested(story: dict[str, AnswerValue],
                                                             discussed: str) -> None:
    outcome = assessed({**story, "before_needling": ()})
    assert outcome.acupuncture.suggested
    assert outcome.acupuncture.note == (constants.ACUPUNCTURE_PRIMARY if discussed == "primary"
                                        else constants.ACUPUNCTURE_COMPLEMENT)
    assert "before_needling" in flow.simulate(KB, ENGINE, story).asked


def test_left_unanswered_it_makes_no_result_incomplete() -> None:
    story = {k: v for k, v in BENIGN.items() if k != "before_needling"}
    walked = flow.simulate(KB, ENGINE, story)
    assert walked.asked[-1] == "before_needling"
    outcome = result.build(KB, walked, source="test")
    assert outcome.complete and outcome.level == "acupuncturist"


# --- what it says, in every output ----------------------------------------------------------
def _said(option: str) -> tuple[result.Result, str]:
    outcome = assessed({**BENIGN, "before_needling": (option,)})
    return outcome, " ".join(OPTION_RULE[option].because.split())


def _flat(text: str) -> str:
    return " ".join(text.replace("\\", "").split())


@pytest.mark.parametrize("option", CHECKLIST.option_ids)
def test_each_choice_is_a_caution_under_its_heading_in_every_output(option: str) -> None:
    outcome, because = _said(option)
    assert [c.rule for c in outcome.acupuncture.cautions] == [OPTION_RULE[option].id]
    assert outcome.level == "acupuncturist"
    for audience in ("person", "clinician"):
        doc = report.build(KB, outcome, audience=audience)
        section = doc.section("cautions")
        assert section is not None and section.title == constants.CAUTIONS_TITLE
        assert because in _flat(" ".join(section.points))
    text = _flat(render.plain(KB, outcome, width=100))
    assert constants.CAUTIONS_TITLE in text and because in text
    markdown = _flat(summaries.markdown(KB, outcome))
    assert constants.CAUTIONS_TITLE in markdown and because in markdown
    data = json.loads(summaries.summary(KB, outcome, "json"))
    assert [c["rule"] for c in data["acupuncture"]["cautions"]] == [OPTION_RULE[option].id]
    response = fhir.answers_to_response(KB, outcome.answers)
    item = next(i for i in response["item"] if i["linkId"] == "before_needling")
    assert [a["valueCoding"]["code"] for a in item["answer"]] == [option]


def test_none_chosen_says_no_caution() -> None:
    outcome = assessed({**BENIGN, "before_needling": ()})
    assert outcome.acupuncture.cautions == ()
    assert report.build(KB, outcome).section("cautions") is None


def test_the_assess_json_carries_the_caution_with_its_rule_answer_and_source(cli: Any,
                                                                              tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    story = {k: list(v) if isinstance(v, tuple) else v for k, v in BENIGN.items()}
    answers.write_text(yaml.safe_dump({**story, "before_needling": ["electrical_implant", "lymphoedema"]}))
    run: Run = cli("assess", "--format", "json", answers)
    assert run.status == 0, run.err
    cautions = json.loads(run.out)["acupuncture"]["cautions"]
    assert sorted(c["rule"] for c in cautions) == ["needling_electrical_implant", "needling_lymphoedema"]
    for caution in cautions:
        assert caution["matched"][0]["question"] == "before_needling"
        assert "British Acupuncture Council" in caution["source"]


def test_the_fhir_questionnaire_says_when_it_is_asked() -> None:
    form, notes = fhir.questionnaire(KB)
    item = next(i for i in form["item"] if i["linkId"] == "before_needling")
    said = [e["valueString"] for e in item.get("extension", []) if e["url"] == fhir.ASK_IF_EXTENSION]
    assert said == [constants.CHECKLIST_ASKED_WHEN]
    assert "enableWhen" not in item
    assert any("`before_needling`" in note for note in notes)


# --- the knowledge base keeps it honest -----------------------------------------------------
def _copy_kb(tmp_path: Path) -> tuple[Path, Path]:
    questions = tmp_path / "questions.yaml"
    questions.write_text((ROOT / "questions.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    rules = tmp_path / "rules"
    rules.mkdir()
    for path in (ROOT / "rules").glob("*.yaml"):
        (rules / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return questions, rules


def test_a_rule_that_sets_a_level_from_the_checklist_is_refused(tmp_path: Path) -> None:
    questions, rules = _copy_kb(tmp_path)
    text = (rules / "needling.yaml").read_text(encoding="utf-8")
    (rules / "needling.yaml").write_text(text.replace(
        "    then: {caution: acupuncture}", "    then: {level: doctor}", 1), encoding="utf-8")
    with pytest.raises(TriageError) as raised:
        loader.load(questions, rules)
    messages = [f"{p.file}:{p.line}: {p.message}" for p in raised.value.problems]
    assert any("needling.yaml:" in m and "needling_electrical_implant" in m and "caution" in m
               for m in messages), messages


def test_a_question_after_the_checklist_is_refused(tmp_path: Path) -> None:
    questions, rules = _copy_kb(tmp_path)
    questions.write_text(questions.read_text(encoding="utf-8") + """
  - id: late_question
    section: daily_life
    type: yes_no
    text: Anything else?
    why: To test the order.
""", encoding="utf-8")
    with pytest.raises(TriageError) as raised:
        loader.load(questions, rules)
    messages = [p.message for p in raised.value.problems]
    assert any("before_needling" in m and "late_question" in m and "last" in m for m in messages), messages


def test_cautions_come_in_the_knowledge_base_s_order() -> None:
    outcome = assessed({**BENIGN, "before_needling": CHECKLIST.option_ids})
    order = [r.id for r in KB.rules]
    said = [c.rule for c in outcome.acupuncture.cautions]
    assert said == sorted(said, key=order.index) and len(said) == len(CHECKLIST.option_ids)


@pytest.mark.slow
def test_the_same_answers_give_the_same_json_whatever_the_hash_seed(tmp_path: Path) -> None:
    """The engine's agenda may fire rules in another order under another hash seed; the result may not."""
    import os
    import subprocess
    import sys

    answers = tmp_path / "answers.yaml"
    story = {k: list(v) if isinstance(v, tuple) else v for k, v in DOCTOR.items()}
    answers.write_text(yaml.safe_dump({**story, "blood_thinners": True,
                                       "before_needling": list(CHECKLIST.option_ids)}))
    outputs = set()
    for seed in ("1", "2", "3", "4"):
        run = subprocess.run([sys.executable, "-m", "triage", "assess", "--format", "json", str(answers)],
                             capture_output=True, text=True, check=False, cwd=ROOT,
                             env={**os.environ, "PYTHONHASHSEED": seed})
        assert run.returncode == 0, run.stderr
        outputs.add(run.stdout)
    assert len(outputs) == 1
