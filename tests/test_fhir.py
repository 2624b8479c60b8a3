"""FHIR R4: the exported Questionnaire, QuestionnaireResponse answers, and the round trip."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import TypeAdapter
from vignette_answers import answers_for, read, vignette_files

from triage import conditions, constants, fhir, fhir_codes, fhir_read
from triage.models import Condition, KnowledgeBase
from triage.yamlsrc import parse

ROOT = Path(__file__).resolve().parent.parent
CONDITION: TypeAdapter[Any] = TypeAdapter(Condition)
VIGNETTES = [pytest.param(path, id=path.stem.replace("_", "-")) for path in vignette_files()]


def exported(cli: Callable[..., Any], *extra: Any) -> dict[str, Any]:
    run = cli("export", "fhir-questionnaire", *extra)
    assert run.status == 0, run.err
    data: dict[str, Any] = json.loads(run.out)
    return data


def items(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["linkId"]: item for item in resource["item"]}


def test_questionnaire_is_valid_r4(cli: Callable[..., Any], kb: KnowledgeBase) -> None:
    resource = exported(cli)
    Questionnaire.model_validate(resource)
    assert resource["resourceType"] == "Questionnaire"
    assert resource["version"] == kb.traced_version
    assert [i["linkId"] for i in resource["item"]] == [q.id for q in kb.questions]
    assert "not a diagnosis" in resource["description"]


def test_item_types(cli: Callable[..., Any], kb: KnowledgeBase) -> None:
    by_id = items(exported(cli))
    fever = by_id["fever"]
    assert fever["type"] == "choice"
    assert [o["valueCoding"]["code"] for o in fever["answerOption"]] == ["Y", "N", "asked-unknown"]
    # HL7's displays for the codes; the person reads "Not sure" through the rendering extension.
    assert [o["valueCoding"]["display"] for o in fever["answerOption"]] == ["Yes", "No", "Asked But Unknown"]
    rendering = fever["answerOption"][2]["valueCoding"]["_display"]["extension"][0]
    assert rendering == {"url": fhir.EXT_RENDERING_XHTML, "valueString": "Not sure"}
    assert fever["text"] == " ".join(kb.question("fever").text.split())
    assert fever["item"][0]["type"] == "display"
    assert fever["item"][0]["text"] == " ".join(kb.question("fever").why.split())
    age = by_id["age"]
    assert age["type"] == "integer"
    assert [(e["url"].rsplit("/", 1)[-1], e["valueInteger"]) for e in age["extension"]] == [
        ("minValue", 0), ("maxValue", 120)]
    assert by_id["pain_severity"]["type"] == "integer"
    duration = by_id["pain_duration"]
    assert duration["type"] == "choice"
    assert "repeats" not in duration
    assert [o["valueCoding"]["code"] for o in duration["answerOption"]] == [
        "under_1_week", "1_to_6_weeks", "6_to_12_weeks", "over_12_weeks"]
    location = by_id["pain_location"]
    assert location["repeats"] is True
    none = location["answerOption"][-1]
    assert none["valueCoding"]["code"] == fhir_codes.NONE_CODE
    assert none["extension"] == [{"url": fhir.EXT_OPTION_EXCLUSIVE, "valueBoolean": True}]


def test_ask_if_becomes_enable_when(cli: Callable[..., Any]) -> None:
    by_id = items(exported(cli))
    assert by_id["pain_comes_in_waves"]["enableWhen"] == [{
        "question": "pain_location", "operator": "=",
        "answerCoding": {"system": "urn:backpain-triage:option:pain_location", "code": "side_flank",
                         "display": "Side of the back, below the ribs (flank)"},
    }, {"question": "pregnant", "operator": "=", "answerCoding": fhir_codes.YES}]
    assert by_id["pain_comes_in_waves"]["enableBehavior"] == "any"
    assert by_id["pain_worse_with_periods"]["enableWhen"] == [
        {"question": "has_periods", "operator": "exists", "answerBoolean": True},
        {"question": "has_periods", "operator": "!=", "answerCoding": fhir_codes.NO}]
    assert by_id["pain_worse_with_periods"]["enableBehavior"] == "all"
    assert "enableWhen" not in by_id["fever"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param({"question": "age", "operator": ">=", "answer": 50},
                     ([{"question": "age", "operator": ">=", "answerInteger": 50}], "all"), id="number"),
        pytest.param({"question": "fever", "operator": "=", "answer": "not_sure"},
                     ([{"question": "fever", "operator": "=",
                        "answerCoding": fhir_codes.NOT_SURE_CODING}], "all"),
                     id="not-sure"),
        pytest.param({"question": "fever", "operator": "exists", "answer": False},
                     ([{"question": "fever", "operator": "exists", "answerBoolean": False}], "all"),
                     id="exists"),
        pytest.param({"question": "age", "operator": "!=", "answer": 40},
                     ([{"question": "age", "operator": "exists", "answerBoolean": True},
                       {"question": "age", "operator": "!=", "answerInteger": 40}], "all"),
                     id="not-equal-needs-an-answer"),
        pytest.param({"any": [{"question": "age", "operator": "<", "answer": 20},
                              {"question": "fever", "operator": "=", "answer": True}]},
                     ([{"question": "age", "operator": "<", "answerInteger": 20},
                       {"question": "fever", "operator": "=", "answerCoding": fhir_codes.YES}], "any"),
                     id="any"),
        pytest.param({"all": [{"question": "age", "operator": "!=", "answer": 40},
                              {"question": "fever", "operator": "=", "answer": True}]},
                     ([{"question": "age", "operator": "exists", "answerBoolean": True},
                       {"question": "age", "operator": "!=", "answerInteger": 40},
                       {"question": "fever", "operator": "=", "answerCoding": fhir_codes.YES}], "all"),
                     id="all-with-not-equal"),
        pytest.param({"not": {"question": "fever", "operator": "=", "answer": True}}, None, id="not"),
        pytest.param({"any": [{"question": "age", "operator": "!=", "answer": 40},
                              {"question": "fever", "operator": "=", "answer": True}]}, None,
                     id="any-with-not-equal"),
        pytest.param({"all": [{"question": "age", "operator": "<", "answer": 20},
                              {"any": [{"question": "fever", "operator": "=", "answer": True}]}]}, None,
                     id="nested"),
        pytest.param({"question": "posture_habits", "operator": "=", "answer": []}, None,
                     id="whole-list"),
        pytest.param({"any": []}, None, id="empty"),
    ],
)
def test_enable_when(kb: KnowledgeBase, data: dict[str, Any], expected: Any) -> None:
    assert fhir.enable_when(kb, CONDITION.validate_python(data)) == expected


@pytest.fixture
def clinic(tmp_path: Path) -> tuple[Path, Path]:
    """A clinic's copy that asks about period pain only for people under 55 who are not unsure."""
    shutil.copy(ROOT / "questions.yaml", tmp_path / "questions.yaml")
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    questions = tmp_path / "questions.yaml"
    text = questions.read_text(encoding="utf-8")
    old = '    ask_if: {question: has_periods, operator: "!=", answer: false}\n'
    new = ('    ask_if: {all: [{question: age, operator: "<", answer: 55},\n'
           '                   {not: {question: has_periods, operator: "!=", answer: true}}]}\n')
    assert old in text
    questions.write_text(text.replace(old, new), encoding="utf-8")
    return questions, tmp_path / "rules"


def test_what_fhir_cannot_say_is_noted(cli: Callable[..., Any], clinic: tuple[Path, Path]) -> None:
    questions, rules = clinic
    run = cli("export", "fhir-questionnaire", "--questions", questions, "--rules", rules)
    assert run.status == 0
    resource = json.loads(run.out)
    Questionnaire.model_validate(resource)
    item = items(resource)["pain_worse_with_periods"]
    assert "enableWhen" not in item
    # The section's own condition (16 or over) comes first: this ask_if has a `not`, so it
    # does not imply that the section is asked.
    age = "the answer to “How old are you (in years)?”"
    condition = (f"all of: (not: {age} is less than 16); (all of: {age} is less than 55; (not: you answer "
                 "something other than Yes to “Do you have menstrual periods?”))")
    assert {"url": fhir.ASK_IF_EXTENSION, "valueString": condition} in item["extension"]
    assert (f": `pain_worse_with_periods` is asked only when {condition}; FHIR enableWhen cannot say "
            "this, so the exported form always shows it (the condition is kept in an extension)\n") in run.err
    # The checklist before needling, asked when the result so far lets acupuncture be discussed, comes last.
    assert run.err.endswith(f": `before_needling` is asked only when {constants.CHECKLIST_ASKED_WHEN}; FHIR "
                            "enableWhen cannot say this, so the exported form always shows it (the condition "
                            "is kept in an extension)\n")


def test_export_to_a_file(cli: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "questionnaire.json"
    run = cli("export", "fhir-questionnaire", "--out", out)
    assert run.status == 0
    assert run.out == ""
    Questionnaire.model_validate(json.loads(out.read_text(encoding="utf-8")))
    again = cli("export", "fhir-questionnaire", "--out", out)
    assert again.status == 2
    refused = f"triage: {out} already exists; choose another name or remove it first"
    assert again.err.splitlines()[-1] == refused


@pytest.mark.slow  # every vignette, four commands each
@pytest.mark.parametrize("path", VIGNETTES)
def test_round_trip(cli: Callable[..., Any], assessed: Callable[[Path], dict[str, Any]], kb: KnowledgeBase,
                    tmp_path: Path, path: Path) -> None:
    """Answer a vignette in FHIR; assessing it gives the same result as the YAML answers."""
    questionnaire = exported(cli)
    plain = answers_for(kb, read(path))
    yaml_file = tmp_path / "answers.json"
    yaml_file.write_text(json.dumps(plain), encoding="utf-8")
    exported_response = cli("export", "fhir-response", yaml_file)
    assert exported_response.status == 0, exported_response.err
    response = json.loads(exported_response.out)
    QuestionnaireResponse.model_validate(response)
    assert response["questionnaire"] == f"{questionnaire['url']}|{questionnaire['version']}"
    link_ids = {i["linkId"] for i in questionnaire["item"]}
    assert {i["linkId"] for i in response["item"]} <= link_ids
    fhir_file = tmp_path / "response.json"
    fhir_file.write_text(exported_response.out, encoding="utf-8")


    from_fhir, from_yaml = assessed(fhir_file), assessed(yaml_file)
    # The response carries only the answers its questions' enableWhen allow (a strict reader
    # wants no others), so the YAML may have more ignored answers: only to questions not in it.
    ignored_fhir, ignored_yaml = from_fhir.pop("ignored_answers"), from_yaml.pop("ignored_answers")
    assert all(i in ignored_yaml for i in ignored_fhir)
    in_response = {i["linkId"] for i in response["item"]}
    assert all(i["question"] not in in_response for i in ignored_yaml if i not in ignored_fhir)
    assert from_fhir == from_yaml


def test_answers_to_response_values(kb: KnowledgeBase) -> None:
    response = fhir.answers_to_response(kb, {
        "age": 40, "fever": "not_sure", "pain_location": ("lower_back", "side_flank"), "posture_habits": (),
        "pain_duration": "over_12_weeks",
    })
    QuestionnaireResponse.model_validate(response)
    answers = {i["linkId"]: i["answer"] for i in response["item"]}
    assert list(answers) == ["age", "fever", "pain_duration", "pain_location", "posture_habits"]
    assert answers["age"] == [{"valueInteger": 40}]
    assert answers["fever"] == [{"valueCoding": fhir_codes.NOT_SURE_CODING}]
    assert [a["valueCoding"]["code"] for a in answers["pain_location"]] == ["lower_back", "side_flank"]
    assert [a["valueCoding"]["code"] for a in answers["posture_habits"]] == [fhir_codes.NONE_CODE]
    assert answers["pain_duration"][0]["valueCoding"]["display"] == "More than 12 weeks"


def response_source(items_: list[Any], name: str = "response.json") -> Any:
    text = json.dumps({"resourceType": "QuestionnaireResponse", "status": "completed", "item": items_},
                      indent=2)
    return parse(text, name)


def test_response_from_other_tools(kb: KnowledgeBase) -> None:
    """Groups, booleans, decimals and unanswered items, as other form tools write them.

    Codings must carry the exporter's systems (see test_fhir_strict.py for what is refused).
    """
    source = response_source([
        {"linkId": "group-1", "item": [
            {"linkId": "fever", "answer": [{"valueBoolean": True}]},
            {"linkId": "age", "answer": [{"valueDecimal": 52.0}]},
        ]},
        {"linkId": "leg_weakness", "answer": [{"valueCoding": {"system": fhir_codes.ABSENT_SYSTEM,
                                                                "code": "asked-unknown"}}]},
        {"linkId": "has_periods",
         "answer": [{"valueCoding": {"system": fhir_codes.YES_NO_SYSTEM, "code": "Y"}}],
         "item": [{"linkId": "pain_worse_with_periods", "answer": [{"valueBoolean": False}]}]},
        {"linkId": "night_pain"},
        {"linkId": "posture_habits", "answer": [
            {"valueCoding": {"system": "urn:backpain-triage:option:posture_habits", "code": "slouching"}},
            {"valueCoding": {"system": "urn:backpain-triage:option:posture_habits", "code": "heavy_bag"}}]},
    ])
    values, located = fhir_read.response_to_answers(kb, source)
    assert values == {"fever": True, "age": 52.0, "leg_weakness": "not_sure", "has_periods": True,
                      "pain_worse_with_periods": False, "posture_habits": ["slouching", "heavy_bag"]}
    assert located.line(("fever",)) == 9


@pytest.mark.parametrize(
    ("items_", "message"),
    [
        pytest.param([{"answer": [{"valueBoolean": True}]}],
                     "response.json:5: item 1 has no `linkId`; each answered item needs the question id "
                     "as linkId", id="no-link-id"),
        pytest.param([{"linkId": "fever", "answer": [{"valueBoolean": True}]},
                      {"linkId": "fever", "answer": [{"valueBoolean": False}]}],
                     "response.json:14: `fever` is answered twice (also at line 6); keep one",
                     id="answered-twice"),
        pytest.param([{"linkId": "age", "answer": [{"valueInteger": 40}, {"valueInteger": 41}]}],
                     "response.json:7: `age` takes one answer, but the response gives 2; keep one",
                     id="two-answers"),
        pytest.param([{"linkId": "age", "answer": [{"valueQuantity": {"value": 40}}]}],
                     "response.json:8: `age`: a FHIR answer needs one value[x] such as valueInteger, "
                     "found `valueQuantity`", id="unsupported-value"),
        pytest.param([{"linkId": "fever", "answer": {"valueBoolean": True}}],
                     "response.json:7: `answer` of a FHIR QuestionnaireResponse must be a list, found "
                     "`valueBoolean`", id="answer-not-a-list"),
    ],
)
def test_bad_response_structure(kb: KnowledgeBase, items_: list[Any], message: str) -> None:
    from triage.errors import TriageError

    with pytest.raises(TriageError) as caught:
        fhir_read.response_to_answers(kb, response_source(items_))
    assert [str(p) for p in caught.value.problems] == [message]


@pytest.mark.parametrize(
    ("items_", "message"),
    [
        pytest.param([{"linkId": "fevr", "answer": [{"valueBoolean": True}]}],
                     "response.json:6: `fevr` is not a question (did you mean `fever`?)",
                     id="unknown-question"),
        pytest.param([{"linkId": "fever", "answer": [{"valueBoolean": "maybe"}]}],
                     'response.json:6: `fever` must be true, false or not_sure, not the text "maybe"',
                     id="not-a-boolean"),
        pytest.param([{"linkId": "age", "answer": [{"valueInteger": 140}]}],
                     "response.json:6: `age` must be a whole number from 0 to 120, not 140",
                     id="out-of-range"),
        pytest.param([{"linkId": "pain_location", "answer": [{"valueCoding": {
                         "system": "urn:backpain-triage:option:pain_location", "code": "flank"}}]}],
                     "response.json:6: `pain_location`: `flank` is not an option (did you mean "
                     "`side_flank`?)", id="unknown-option"),
    ],
)
def test_bad_response_values_use_the_answers_checks(
    cli: Callable[..., Any], tmp_path: Path, items_: list[Any], message: str
) -> None:
    path = tmp_path / "response.json"
    path.write_text(json.dumps(
        {"resourceType": "QuestionnaireResponse", "status": "completed", "item": items_}, indent=2),
        encoding="utf-8")
    run = cli("assess", path)
    assert run.status == 2
    assert run.err.splitlines() == [message.replace("response.json", str(path))]


def test_runtime_does_not_import_fhir_resources(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("age: 40\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from triage.__main__ import main\n"
        f"main(['export', 'fhir-questionnaire', '--out', {str(tmp_path / 'q.json')!r}])\n"
        f"main(['export', 'fhir-response', {str(answers)!r}, '--out', {str(tmp_path / 'r.json')!r}])\n"
        "assert not [m for m in sys.modules if m.startswith('fhir')], 'fhir.resources imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_warning_signs_are_required(cli: Callable[..., Any], kb: KnowledgeBase) -> None:
    required = {link for link, item in items(exported(cli)).items() if item.get("required")}
    assert required == conditions.required_questions(kb)
    assert "fever" in required and "pain_severity" not in required


def test_every_resource_has_a_generated_narrative(cli: Callable[..., Any], kb: KnowledgeBase,
                                                   tmp_path: Path) -> None:
    questionnaire = exported(cli)
    answers = tmp_path / "a.yaml"
    answers.write_text("age: 40\nfever: false\npain_location: [lower_back]\n", encoding="utf-8")
    response = json.loads(cli("export", "fhir-response", answers).out)
    for resource in (questionnaire, response):
        text = resource["text"]
        assert text["status"] == "generated"
        assert text["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml">')
        assert "<li>" in text["div"]
    assert "Lower back" in response["text"]["div"]


def test_only_enabled_answers_are_exported(cli: Callable[..., Any], tmp_path: Path) -> None:
    """A strict reader refuses answers to questions whose enableWhen is false."""
    answers = tmp_path / "a.yaml"
    answers.write_text("age: 40\npain_location: [lower_back]\npain_comes_in_waves: true\n"
                       "has_periods: false\npain_worse_with_periods: true\n", encoding="utf-8")
    response = json.loads(cli("export", "fhir-response", answers).out)
    assert [i["linkId"] for i in response["item"]] == ["age", "pain_location", "has_periods"]
