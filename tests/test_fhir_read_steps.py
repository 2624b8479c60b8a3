"""The steps that read a QuestionnaireResponse, each on its own (:data:`triage.fhir_read.STEPS`)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from triage import errors, fhir_codes, fhir_read
from triage.fhir_read import Reading
from triage.models import KnowledgeBase
from triage.yamlsrc import parse_json


def reading(kb: KnowledgeBase, response: dict[str, Any]) -> Reading:
    return Reading(kb, parse_json(json.dumps(response, indent=2), "r.json"))


def response(**fields: Any) -> dict[str, Any]:
    return {"resourceType": "QuestionnaireResponse", "status": "completed", **fields}


def messages(read: Reading) -> list[str]:
    return [str(p) for p in read.problems]


def test_the_steps_run_in_order() -> None:
    steps = (fhir_read.check_resource_keys, fhir_read.check_status, fhir_read.check_questionnaire,
             fhir_read.read_items, fhir_read.require_an_answer)
    assert steps == fhir_read.STEPS


def test_resource_keys(kb: KnowledgeBase) -> None:
    read = reading(kb, response(items=[]))
    fhir_read.check_resource_keys(read)
    hint = errors.did_you_mean("items", fhir_read.RESPONSE_KEYS)
    assert messages(read) == ["r.json:4: " + errors.FHIR_UNKNOWN_KEY.format(
        where="the QuestionnaireResponse", key="items", hint=hint)]


@pytest.mark.parametrize(("status", "refused"), [
    ("completed", False), ("amended", False), ("in-progress", True), ("complete", True), (None, True),
])
def test_status(kb: KnowledgeBase, status: str | None, refused: bool) -> None:
    read = reading(kb, response(status=status))
    fhir_read.check_status(read)
    assert bool(read.problems) is refused
    assert all(p.line == 3 for p in read.problems)


def test_questionnaire(kb: KnowledgeBase) -> None:
    fine = reading(kb, response(questionnaire=f"{fhir_codes.QUESTIONNAIRE_URL}|{kb.traced_version}"))
    fhir_read.check_questionnaire(fine)
    assert fine.problems == []
    other = reading(kb, response(questionnaire=f"{fhir_codes.QUESTIONNAIRE_URL}|0"))
    fhir_read.check_questionnaire(other)
    assert [p.line for p in other.problems] == [4]


def test_items_are_read_with_their_lines(kb: KnowledgeBase) -> None:
    read = reading(kb, response(item=[
        {"linkId": "fever", "answer": [{"valueBoolean": True}]},
        {"linkId": "group", "item": [{"linkId": "age", "answer": [{"valueInteger": 40}]}]},
    ]))
    fhir_read.read_items(read)
    assert read.problems == []
    assert read.answers == {"fever": True, "age": 40}
    assert read.lines == {("fever",): 6, ("age",): 17}
    assert read.located().line(()) == 1


def test_an_answer_is_required_only_of_a_response_without_problems(kb: KnowledgeBase) -> None:
    empty = reading(kb, response(item=[]))
    fhir_read.require_an_answer(empty)
    assert [p.message for p in empty.problems] == [errors.FHIR_NO_ANSWERS]
    refused = reading(kb, response(status="stopped", item=[]))
    fhir_read.check_status(refused)
    fhir_read.require_an_answer(refused)
    assert len(refused.problems) == 1


def test_a_wrong_system_is_reported_at_the_system(kb: KnowledgeBase) -> None:
    read = reading(kb, response(item=[{"linkId": "fever", "answer": [
        {"valueCoding": {"system": "http://snomed.info/sct", "code": "Y"}}]}]))
    fhir_read.read_items(read)
    assert read.answers == {}
    assert [p.line for p in read.problems] == [10]
