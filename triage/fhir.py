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

Reading a QuestionnaireResponse back is :mod:`triage.fhir_read`; the codes
and addresses both use are in :mod:`triage.fhir_codes`.

What each type's item and answers are (item type, repeats, the value[x] an
answer is read from, the codes a coding names) is said in
:mod:`triage.qtypes`; the ``match`` statements here build what differs.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any, assert_never

from triage import conditions, errors, i18n, qtypes, words
from triage.describe import sentence
from triage.fhir_codes import (
    NO,
    NONE_CODE,
    NOT_SURE_CODING,
    OPTION_SYSTEM,
    QUESTIONNAIRE_URL,
    YES,
)
from triage.models import (
    AllCondition,
    AnswerValue,
    AnyCondition,
    Condition,
    KnowledgeBase,
    NotCondition,
    Question,
    QuestionCondition,
)

QUESTIONNAIRE_ID = "backpain-triage"
ASK_IF_EXTENSION = "urn:backpain-triage:ask-if"

EXT_RENDERING_XHTML = "http://hl7.org/fhir/StructureDefinition/rendering-xhtml"
XHTML = "http://www.w3.org/1999/xhtml"
NONE_DISPLAY = "None of these"

EXT_MIN = "http://hl7.org/fhir/StructureDefinition/minValue"
EXT_MAX = "http://hl7.org/fhir/StructureDefinition/maxValue"
EXT_ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
EXT_SLIDER_STEP = "http://hl7.org/fhir/StructureDefinition/questionnaire-sliderStepValue"
EXT_OPTION_EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"



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


def _value(question: Question, value: AnswerValue) -> tuple[str, Any]:
    """One value as the suffix of FHIR's value[x] (answer[x]) and its content: ("Integer", 45)."""
    match question.type:
        case "yes_no":
            return "Coding", _yes_no_coding(value)
        case "number" | "scale":
            return "Integer", value
        case "choice" | "multi":
            return "Coding", _option(question, str(value))
        case _:
            assert_never(question.type)


def answer_values(question: Question, value: AnswerValue) -> list[dict[str, Any]]:
    """One answer as the ``answer`` list of a QuestionnaireResponse item (one entry per option ticked)."""
    if not qtypes.of(question).fhir_repeats:
        suffix, content = _value(question, value)
        return [{f"value{suffix}": content}]
    items = value if isinstance(value, tuple | list) else (value,)
    if not items:
        return [{"valueCoding": _none_option(question)}]
    return [{f"value{suffix}": content} for suffix, content in (_value(question, v) for v in items)]


NOT_SURE_OPTION: dict[str, Any] = {"valueCoding": {
    **NOT_SURE_CODING, "_display": {"extension": [{"url": EXT_RENDERING_XHTML, "valueString": "Not sure"}]}}}
"""The "Not sure" answer option: HL7's code and display, rendered for the person as "Not sure"."""


def enabled_answers(kb: KnowledgeBase, answers: Mapping[str, AnswerValue]) -> dict[str, AnswerValue]:
    """The answers to questions enabled by the answers before them (a strict reader wants no others)."""
    kept: dict[str, AnswerValue] = {}
    for question in kb.questions:
        condition = conditions.asked_when(kb, question)
        if question.id in answers and (condition is None or conditions.holds(condition, kept)):
            kept[question.id] = answers[question.id]
    return kept


def narrative(title: str, rows: list[str]) -> dict[str, str]:
    """A generated narrative (dom-6): the title and one line a row, escaped."""
    items = "".join(f"<li>{html.escape(row)}</li>" for row in rows)
    return {"status": "generated",
            "div": f'<div xmlns="{XHTML}"><p>{html.escape(title)}</p><ul>{items}</ul></div>'}


def answers_to_response(kb: KnowledgeBase, answers: Mapping[str, AnswerValue], *,
                        language: str | None = None,
                        narrative_kb: KnowledgeBase | None = None) -> dict[str, Any]:
    """Answers as a QuestionnaireResponse of the exported Questionnaire (enabled answers only).

    ``kb`` holds the words the person read (``language``, default the active one): each item's text
    and each answer's display are theirs. The narrative is in ``narrative_kb``'s words, and the
    active language's, where a clinician reads another language (default: the person's)."""
    enabled = enabled_answers(kb, answers)
    asked = [q for q in kb.questions if q.id in enabled]
    with i18n.override(language or i18n.active()):
        items = [{"linkId": q.id, "text": " ".join(q.text.split()), "answer": answer_values(q, enabled[q.id])}
                 for q in asked]
    told = narrative_kb or kb
    rows = [f"{' '.join(told.question(q.id).text.split())} {qtypes.answer_text(told, q.id, enabled[q.id])}"
            for q in asked]
    return {
        "resourceType": "QuestionnaireResponse",
        "language": language or i18n.active(),
        "questionnaire": f"{QUESTIONNAIRE_URL}|{kb.traced_version}",
        "status": "completed",
        "item": items,
        "text": narrative(told.questionnaire.title, rows),  # last, after the answers it sums up
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
    if qtypes.of(question).fhir_repeats:
        if op != "contains":
            return None  # FHIR compares one answer at a time, not the whole list
        op = "="
    suffix, content = _value(question, value)
    entry = {"question": question.id, "operator": op, f"answer{suffix}": content}
    if op == "!=":
        # In FHIR "!=" also holds when there is no answer; here it needs one.
        return [{"question": question.id, "operator": "exists", "answerBoolean": True}, entry]
    return [entry]


_FLIPPED = {"<": ">=", ">=": "<", ">": "<=", "<=": ">"}


_EnableWhen = tuple[list[dict[str, Any]], str]
"""(enableWhen, enableBehavior)."""


def enable_when(kb: KnowledgeBase, cond: Condition) -> _EnableWhen | None:
    """(enableWhen, enableBehavior) for an ask_if, or None where FHIR cannot say it."""
    if isinstance(cond, NotCondition) and isinstance(cond.not_, QuestionCondition) \
            and cond.not_.operator in _FLIPPED:
        return _enable_when_flipped(kb, cond.not_)
    if isinstance(cond, QuestionCondition):
        leaf = _enable_when_leaf(kb, cond)
        return None if leaf is None else (leaf, "all")
    if isinstance(cond, AllCondition | AnyCondition):
        return _enable_when_parts(kb, cond)
    return None


def _enable_when_flipped(kb: KnowledgeBase, inner: QuestionCondition) -> _EnableWhen | None:
    """not (age < 16): age is 16 or more, or not answered."""
    flipped = _enable_when_leaf(kb, inner.model_copy(update={"operator": _FLIPPED[inner.operator]}))
    if flipped is None:
        return None
    return [*flipped, {"question": inner.question, "operator": "exists", "answerBoolean": False}], "any"


def _enable_when_parts(kb: KnowledgeBase, cond: AllCondition | AnyCondition) -> _EnableWhen | None:
    """An ``all`` or ``any`` of comparisons (an ``any`` of comparisons each one entry long)."""
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


def _question_item(kb: KnowledgeBase, q: Question, notes: list[str]) -> dict[str, Any]:
    qtype = qtypes.of(q)
    item: dict[str, Any] = {"linkId": q.id, "text": " ".join(q.text.split()), "type": qtype.fhir_type}
    if qtype.fhir_repeats:
        item["repeats"] = True
    options, extensions = _typed_parts(q)
    item.update(options)
    enabled, conditions_said = _when_asked(kb, q, notes)
    item.update(enabled)
    extensions += conditions_said
    if q.id in conditions.required_questions(kb):  # a warning sign: left blank, the result is incomplete
        item["required"] = True
    if extensions:
        item = {"extension": extensions, **item}
    item["item"] = [{
        "extension": [_item_control("help", "Help-Button")],
        "linkId": f"{q.id}.why",
        "type": "display",
        "text": " ".join(q.why.split()),
    }]
    return item


def _typed_parts(q: Question) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """What differs with the question's type: (its answerOption, if any; its extensions)."""
    match q.type:
        case "yes_no":
            return {"answerOption": [{"valueCoding": c} for c in (YES, NO)] + [NOT_SURE_OPTION]}, []
        case "number":
            return {}, _bounds(q)
        case "scale":
            return {}, [*_bounds(q), _item_control("slider", "Slider"),
                        {"url": EXT_SLIDER_STEP, "valueInteger": 1}]
        case "choice":
            return {"answerOption": [{"valueCoding": _option(q, o)} for o in q.option_ids]}, []
        case "multi":
            return {"answerOption": [{"valueCoding": _option(q, o)} for o in q.option_ids] + [{
                "valueCoding": _none_option(q),
                "extension": [{"url": EXT_OPTION_EXCLUSIVE, "valueBoolean": True}],
            }]}, []
        case _:
            assert_never(q.type)


def _when_asked(kb: KnowledgeBase, q: Question,
                notes: list[str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """When the item is enabled: (enableWhen and enableBehavior, where FHIR can say it; the
    extensions that say it in words where it cannot, each also a note)."""
    item: dict[str, Any] = {}
    extensions: list[dict[str, Any]] = []
    asked_when = conditions.asked_when(kb, q)
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
    if kb.is_checklist(q):  # asked after the rest, when the result so far lets acupuncture be discussed
        condition = words.CHECKLIST_ASKED_WHEN
        extensions.append({"url": ASK_IF_EXTENSION, "valueString": condition})
        notes.append(errors.FHIR_NOT_EXPRESSIBLE.format(id=q.id, condition=condition))
    return item, extensions


def _bounds(q: Question) -> list[dict[str, Any]]:
    """The minValue and maxValue extensions of a number's (or a scale's) item."""
    low, high = q.bounds
    return [{"url": EXT_MIN, "valueInteger": low}, {"url": EXT_MAX, "valueInteger": high}]


def _item_control(code: str, display: str) -> dict[str, Any]:
    return {"url": EXT_ITEM_CONTROL, "valueCodeableConcept": {
        "coding": [{"system": ITEM_CONTROL_SYSTEM, "code": code, "display": display}]}}


EXT_TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"


def _translation(language: str, text: str) -> dict[str, Any]:
    return {"url": EXT_TRANSLATION, "extension": [{"url": "lang", "valueCode": language},
                                                  {"url": "content", "valueString": " ".join(text.split())}]}


def _add_translation(element: dict[str, Any], key: str, language: str, text: str) -> None:
    """``_text`` (or ``_display``) of an element gains the text in ``language``."""
    extensions = element.setdefault(f"_{key}", {}).setdefault("extension", [])
    extensions.append(_translation(language, text))


def _yes_no_words(language: str) -> dict[str, str]:
    """The words of the yes/no answers and of "None of these" in ``language``."""
    from triage import qtypes

    previous = i18n.active()
    i18n.activate(language)
    try:
        codes = [coding["code"] for coding in (YES, NO, NOT_SURE_CODING)]
        labels = dict(zip(codes, (text for _, text in qtypes.yes_no_answers()), strict=True))
        return {**labels, NONE_CODE: words.NONE_OF_THESE}
    finally:
        i18n.activate(previous)


def translate(resource: dict[str, Any], translations: Mapping[str, KnowledgeBase]) -> None:
    """Carry each language's words as FHIR translation extensions, on the texts and option displays."""
    # its codings share the module's constants, and deepcopy would keep them shared between items
    resource["item"] = json.loads(json.dumps(resource["item"]))
    for language, local in translations.items():
        _add_translation(resource, "title", language, local.questionnaire.title)
        yes_no = _yes_no_words(language)
        for item in resource["item"]:
            q = local.question(item["linkId"])
            _add_translation(item, "text", language, q.text)
            for option in item.get("answerOption", []):
                coding = option["valueCoding"]
                code = coding["code"]
                text = q.label(code) if code in q.option_ids else yes_no[code]
                _add_translation(coding, "display", language, text)
            for help_item in item.get("item", []):
                _add_translation(help_item, "text", language, q.why)


def questionnaire(kb: KnowledgeBase, translations: Mapping[str, KnowledgeBase] | None = None,
                  ) -> tuple[dict[str, Any], list[str]]:
    """The Questionnaire, and a note for each ask_if that FHIR cannot express.

    ``translations`` (language -> the knowledge base in it) add each language's
    words as translation extensions.
    """
    notes: list[str] = []
    items = [_question_item(kb, q, notes) for q in kb.questions]
    resource = {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "language": i18n.ENGLISH,
        "text": narrative(kb.questionnaire.title, [" ".join(q.text.split()) for q in kb.questions]),
        "url": QUESTIONNAIRE_URL,
        "version": kb.traced_version,
        "name": "BackPainTriage",
        "title": kb.questionnaire.title,
        "status": "active",
        "subjectType": ["Patient"],
        "description": f"{words.DISCLAIMER} {words.FHIR_DESCRIPTION}",
        "item": items,
    }
    if translations:
        translate(resource, translations)
    return resource, notes

