"""FHIR R4: the questionnaire as a Questionnaire, answers as a QuestionnaireResponse.

Plain JSON-ready dicts; the tool itself needs no FHIR library (the tests
check the resources against the ``fhir.resources`` R4B models).

How the question types map:

* ``yes_no`` is a ``choice`` item with three answer options from FHIR's own
  "yes / no / don't know" value set (``yesnodontknow``): ``Y`` and ``N`` from
  HL7 v2 table 0136 and ``asked-unknown`` from data-absent-reason, shown as
  "Not sure". A ``boolean`` item cannot say "not sure", and here "not sure"
  is an answer in its own right (a rule reacts to it), unlike no answer.
* ``number`` and ``scale`` are ``integer`` items with the minValue and
  maxValue extensions (a scale is also marked as a slider).
* ``choice`` is a ``choice`` item; ``multi`` a repeating one with one more
  option, "None of these", marked optionExclusive, because an empty list
  ("none of them") is an answer, while no answer means unknown.
* ``why`` is a help text (a display item with itemControl ``help``).
* ``ask_if`` becomes enableWhen/enableBehavior where FHIR can say the same:
  one comparison, or an ``all``/``any`` of comparisons. ``not``, nested
  groups and whole-list comparisons of a multi cannot be said; such an item
  stays always enabled, carries the condition in words in an extension, and
  the export reports it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triage import constants, errors
from triage.describe import sentence
from triage.errors import Problem, TriageError
from triage.models import (
    NOT_SURE,
    AllCondition,
    AnswerValue,
    AnyCondition,
    Condition,
    KnowledgeBase,
    NotCondition,
    Question,
    QuestionCondition,
)
from triage.yamlsrc import Loc, Source

QUESTIONNAIRE_ID = "backpain-triage"
QUESTIONNAIRE_URL = "urn:backpain-triage:questionnaire"
OPTION_SYSTEM = "urn:backpain-triage:option:{question}"
ASK_IF_EXTENSION = "urn:backpain-triage:ask-if"

YES_NO_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0136"
ABSENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
YES = {"system": YES_NO_SYSTEM, "code": "Y", "display": "Yes"}
NO = {"system": YES_NO_SYSTEM, "code": "N", "display": "No"}
NOT_SURE_CODING = {"system": ABSENT_SYSTEM, "code": "asked-unknown", "display": "Not sure"}
NONE_CODE = "none_of_these"
NONE_DISPLAY = "None of these"

EXT_MIN = "http://hl7.org/fhir/StructureDefinition/minValue"
EXT_MAX = "http://hl7.org/fhir/StructureDefinition/maxValue"
EXT_ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
EXT_SLIDER_STEP = "http://hl7.org/fhir/StructureDefinition/questionnaire-sliderStepValue"
EXT_OPTION_EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"

YES_CODES = {"Y", "y", "yes", "true"}
NO_CODES = {"N", "n", "no", "false"}
NOT_SURE_CODES = {"asked-unknown", "UNK", "unknown", NOT_SURE}


# --- values <-> FHIR answers --------------------------------------------------------
def _option(question: Question, option_id: str) -> dict[str, Any]:
    return {"system": OPTION_SYSTEM.format(question=question.id), "code": option_id,
            "display": question.label(option_id)}


def _none_option(question: Question) -> dict[str, Any]:
    return {"system": OPTION_SYSTEM.format(question=question.id), "code": NONE_CODE,
            "display": NONE_DISPLAY}


def _yes_no_coding(value: object) -> dict[str, Any]:
    if value is True:
        return dict(YES)
    if value is False:
        return dict(NO)
    return dict(NOT_SURE_CODING)


def answer_values(question: Question, value: AnswerValue) -> list[dict[str, Any]]:
    """One answer as the ``answer`` list of a QuestionnaireResponse item."""
    match question.type:
        case "yes_no":
            return [{"valueCoding": _yes_no_coding(value)}]
        case "number" | "scale":
            return [{"valueInteger": value}]
        case "choice":
            return [{"valueCoding": _option(question, str(value))}]
        case _:
            items = value if isinstance(value, tuple | list) else (value,)
            if not items:
                return [{"valueCoding": _none_option(question)}]
            return [{"valueCoding": _option(question, str(v))} for v in items]


def _plain(answer: Mapping[str, Any]) -> tuple[bool, Any]:
    """(found, value) of one FHIR answer: a coding becomes its code."""
    keys = [k for k in answer if k.startswith("value")]
    if len(keys) != 1:
        return False, None
    value = answer[keys[0]]
    if keys[0] == "valueCoding":
        if isinstance(value, dict) and "code" in value:
            return True, value["code"]
        return False, None
    if keys[0] in ("valueBoolean", "valueInteger", "valueDecimal", "valueString"):
        return True, value
    return False, None


def _yes_no_value(value: Any) -> Any:
    if isinstance(value, str):
        if value in YES_CODES:
            return True
        if value in NO_CODES:
            return False
        if value in NOT_SURE_CODES:
            return NOT_SURE
    return value


_EXPECTED = {
    "yes_no": "valueCoding (Y, N or asked-unknown) or valueBoolean",
    "number": "valueInteger",
    "scale": "valueInteger",
    "choice": "valueCoding with an option code",
    "multi": "valueCoding with an option code",
}


def _found(answer: Any) -> str:
    if isinstance(answer, dict):
        return ", ".join(f"`{k}`" for k in answer) or "an empty answer"
    return f"`{answer}`"


def response_to_answers(kb: KnowledgeBase, source: Source) -> tuple[dict[str, Any], Source]:
    """A QuestionnaireResponse as ``question_id: value`` pairs, with their lines.

    Values are left as found (codes, numbers) so that the usual validation of
    an answers file applies; problems with the response's shape are raised
    here, each with its line.
    """
    data = source.data if isinstance(source.data, dict) else {}
    out: dict[str, Any] = {}
    lines: dict[Loc, int] = {}
    problems: list[Problem] = []

    def problem(loc: Loc, template: str, **fields: object) -> None:
        problems.append(Problem(source.name, source.line(loc), template.format(**fields)))

    def walk(items: Any, loc: Loc) -> None:
        if items is None:
            return
        if not isinstance(items, list):
            problem(loc, errors.FHIR_NOT_A_LIST, key=loc[-1], found=_found(items))
            return
        for i, item in enumerate(items):
            here = (*loc, i)
            if not isinstance(item, dict):
                problem(here, errors.FHIR_NO_LINK_ID, n=i + 1)
                continue
            answers = item.get("answer")
            if answers is not None and not isinstance(answers, list):
                problem((*here, "answer"), errors.FHIR_NOT_A_LIST, key="answer", found=_found(answers))
            elif answers:
                read_item(item, here, answers)
                for j, answer in enumerate(answers):
                    if isinstance(answer, dict) and "item" in answer:
                        walk(answer["item"], (*here, "answer", j, "item"))
            walk(item.get("item"), (*here, "item"))

    def read_item(item: dict[str, Any], here: Loc, answers: list[Any]) -> None:
        link = item.get("linkId")
        if not isinstance(link, str) or not link:
            problem(here, errors.FHIR_NO_LINK_ID, n=here[-1] + 1 if isinstance(here[-1], int) else 1)
            return
        line = source.line((*here, "linkId"))
        if link in out:
            problem((*here, "linkId"), errors.FHIR_ANSWERED_TWICE, id=link, other=lines.get((link,)))
            return
        question = kb.question(link) if kb.has_question(link) else None
        values = []
        for j, answer in enumerate(answers):
            found, plain = _plain(answer) if isinstance(answer, dict) else (False, None)
            if not found:
                expected = _EXPECTED[question.type] if question else "valueCoding or valueInteger"
                problem((*here, "answer", j), errors.FHIR_BAD_ANSWER, id=link, expected=expected,
                        found=_found(answer))
                return
            values.append(plain)
        if question is not None and question.type == "multi":
            codes = [v for v in values if v != NONE_CODE]
            value: Any = codes
        elif len(values) > 1:
            problem((*here, "answer"), errors.FHIR_ONE_ANSWER, id=link, n=len(values))
            return
        else:
            value = values[0]
            if question is not None and question.type == "yes_no":
                value = _yes_no_value(value)
        out[link] = value
        if line is not None:
            lines[(link,)] = line

    walk(data.get("item"), ("item",))
    if problems:
        raise TriageError(problems)
    top = source.line(())
    if top is not None:
        lines[()] = top
    return out, Source(source.name, out, lines)


def answers_to_response(kb: KnowledgeBase, answers: Mapping[str, AnswerValue]) -> dict[str, Any]:
    """Answers as a QuestionnaireResponse of the exported Questionnaire."""
    items = [
        {"linkId": q.id, "text": " ".join(q.text.split()), "answer": answer_values(q, answers[q.id])}
        for q in kb.questions
        if q.id in answers
    ]
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{QUESTIONNAIRE_URL}|{kb.version}",
        "status": "completed",
        "item": items,
    }


# --- the Questionnaire ------------------------------------------------------------
def _enable_when_leaf(kb: KnowledgeBase, cond: QuestionCondition) -> list[dict[str, Any]] | None:
    """enableWhen entries that say exactly what ``cond`` says, or None."""
    if not kb.has_question(cond.question):
        return None
    question = kb.question(cond.question)
    op, value = cond.operator, cond.answer
    if op == "exists":
        return [{"question": question.id, "operator": "exists", "answerBoolean": bool(value)}]
    answer: dict[str, Any]
    match question.type:
        case "yes_no":
            answer = {"answerCoding": _yes_no_coding(value)}
        case "number" | "scale":
            answer = {"answerInteger": value}
        case "choice":
            answer = {"answerCoding": _option(question, str(value))}
        case _:
            if op != "contains":
                return None  # FHIR compares one answer at a time, not the whole list
            answer = {"answerCoding": _option(question, str(value))}
            op = "="
    entry = {"question": question.id, "operator": op, **answer}
    if op == "!=":
        # In FHIR "!=" also holds when there is no answer; here it needs one.
        return [{"question": question.id, "operator": "exists", "answerBoolean": True}, entry]
    return [entry]


_FLIPPED = {"<": ">=", ">=": "<", ">": "<=", "<=": ">"}


def enable_when(kb: KnowledgeBase, cond: Condition) -> tuple[list[dict[str, Any]], str] | None:
    """(enableWhen, enableBehavior) for an ask_if, or None where FHIR cannot say it."""
    if isinstance(cond, NotCondition) and isinstance(cond.not_, QuestionCondition) \
            and cond.not_.operator in _FLIPPED:
        # not (age < 16): age is 16 or more, or not answered.
        inner = cond.not_
        flipped = _enable_when_leaf(kb, inner.model_copy(update={"operator": _FLIPPED[inner.operator]}))
        if flipped is None:
            return None
        return [*flipped, {"question": inner.question, "operator": "exists", "answerBoolean": False}], "any"
    if isinstance(cond, QuestionCondition):
        leaf = _enable_when_leaf(kb, cond)
        return None if leaf is None else (leaf, "all")
    if isinstance(cond, AllCondition | AnyCondition):
        parts = cond.all if isinstance(cond, AllCondition) else cond.any
        behavior = "all" if isinstance(cond, AllCondition) else "any"
        if not parts or not all(isinstance(p, QuestionCondition) for p in parts):
            return None
        entries: list[dict[str, Any]] = []
        for part in parts:
            assert isinstance(part, QuestionCondition)
            leaf = _enable_when_leaf(kb, part)
            if leaf is None or (behavior == "any" and len(leaf) > 1):
                return None
            entries += leaf
        return entries, behavior
    return None


def _question_item(kb: KnowledgeBase, q: Question, notes: list[str]) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": q.id, "text": " ".join(q.text.split())}
    extensions: list[dict[str, Any]] = []
    match q.type:
        case "yes_no":
            item["type"] = "choice"
            item["answerOption"] = [{"valueCoding": c} for c in (YES, NO, NOT_SURE_CODING)]
        case "number" | "scale":
            low, high = q.bounds
            item["type"] = "integer"
            extensions += [{"url": EXT_MIN, "valueInteger": low}, {"url": EXT_MAX, "valueInteger": high}]
            if q.type == "scale":
                extensions += [_item_control("slider", "Slider"), {"url": EXT_SLIDER_STEP, "valueInteger": 1}]
        case "choice":
            item["type"] = "choice"
            item["answerOption"] = [{"valueCoding": _option(q, o)} for o in q.option_ids]
        case _:
            item["type"] = "choice"
            item["repeats"] = True
            item["answerOption"] = [{"valueCoding": _option(q, o)} for o in q.option_ids] + [{
                "valueCoding": _none_option(q),
                "extension": [{"url": EXT_OPTION_EXCLUSIVE, "valueBoolean": True}],
            }]
    asked_when = kb.asked_when(q)
    if asked_when is not None:
        said = enable_when(kb, asked_when)
        if said is None:
            condition = sentence(kb, asked_when)
            extensions.append({"url": ASK_IF_EXTENSION, "valueString": condition})
            notes.append(errors.FHIR_NOT_EXPRESSIBLE.format(id=q.id, condition=condition))
        else:
            item["enableWhen"], behavior = said
            if len(item["enableWhen"]) > 1:
                item["enableBehavior"] = behavior
    if extensions:
        item = {"extension": extensions, **item}
    item["item"] = [{
        "extension": [_item_control("help", "Help-Button")],
        "linkId": f"{q.id}.why",
        "type": "display",
        "text": " ".join(q.why.split()),
    }]
    return item


def _item_control(code: str, display: str) -> dict[str, Any]:
    return {"url": EXT_ITEM_CONTROL, "valueCodeableConcept": {
        "coding": [{"system": ITEM_CONTROL_SYSTEM, "code": code, "display": display}]}}


def questionnaire(kb: KnowledgeBase) -> tuple[dict[str, Any], list[str]]:
    """The Questionnaire, and a note for each ask_if that FHIR cannot express."""
    notes: list[str] = []
    items = [_question_item(kb, q, notes) for q in kb.questions]
    resource = {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "url": QUESTIONNAIRE_URL,
        "version": kb.version,
        "name": "BackPainTriage",
        "title": kb.questionnaire.title,
        "status": "active",
        "subjectType": ["Patient"],
        "description": f"{constants.DISCLAIMER} {constants.FHIR_DESCRIPTION}",
        "item": items,
    }
    return resource, notes


def is_response(data: object) -> bool:
    return isinstance(data, dict) and data.get("resourceType") == "QuestionnaireResponse"
