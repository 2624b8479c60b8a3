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

What each type's item and answers are (item type, repeats, the value[x] an
answer is read from, the codes a coding names) is said in
:mod:`triage.qtypes`; the ``match`` statements here build what differs.
"""

from __future__ import annotations

import copy
import html
from collections.abc import Mapping
from typing import Any, assert_never

from triage import conditions, errors, i18n, qtypes, words
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
NOT_SURE_CODING = {"system": ABSENT_SYSTEM, "code": "asked-unknown", "display": "Asked But Unknown"}
"""HL7's own display for the code; the person reads "Not sure" (see :data:`NOT_SURE_OPTION`)."""
EXT_RENDERING_XHTML = "http://hl7.org/fhir/StructureDefinition/rendering-xhtml"
XHTML = "http://www.w3.org/1999/xhtml"
NONE_CODE = "none_of_these"
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


# --- reading a QuestionnaireResponse strictly ----------------------------------------
# The keys below are the FHIR R4 element names (http://hl7.org/fhir/R4/questionnaireresponse.html,
# datatypes.html#Coding) that this tool either reads or can safely leave unread: identifiers,
# metadata, narrative, plain extensions, who answered and when. Any other key is refused, so a
# misspelt `items` or `answers` cannot make answers silently disappear. ``modifierExtension`` and
# ``implicitRules`` are refused too: by definition they may change what the answers mean.
RESPONSE_KEYS = frozenset({
    "resourceType", "id", "meta", "language", "text", "contained", "extension", "identifier",
    "basedOn", "partOf", "questionnaire", "status", "subject", "encounter", "authored", "author",
    "source", "item",
})
ITEM_KEYS = frozenset({"id", "extension", "linkId", "definition", "text", "answer", "item"})
VALUE_KEYS = frozenset({
    "valueBoolean", "valueDecimal", "valueInteger", "valueDate", "valueDateTime", "valueTime",
    "valueString", "valueUri", "valueAttachment", "valueCoding", "valueQuantity", "valueReference",
})
ANSWER_KEYS = frozenset({"id", "extension", "item"}) | VALUE_KEYS
CODING_KEYS = frozenset({"id", "extension", "system", "version", "code", "display", "userSelected"})
MODIFIER_KEYS = frozenset({"modifierExtension", "implicitRules"})
STATUSES = ("in-progress", "completed", "amended", "entered-in-error", "stopped")
READ_STATUSES = ("completed", "amended")

_UNKNOWN_QUESTION_TYPES = ("valueBoolean", "valueInteger", "valueDecimal", "valueString", "valueCoding")
"""For a linkId that is no question: read it anyway, so that the answers check names it."""

_YES_NO_CODES: dict[str, dict[str, Any]] = {
    YES_NO_SYSTEM: {YES["code"]: True, NO["code"]: False},
    ABSENT_SYSTEM: {NOT_SURE_CODING["code"]: NOT_SURE},
}
"""The yes/no codings the exporter writes: system -> code -> value."""


def _found(answer: Any) -> str:
    if isinstance(answer, dict):
        return ", ".join(f"`{k}`" for k in answer) or "an empty answer"
    return f"`{answer}`"


def _shown(value: Any) -> str:
    """A value from the file, as a message quotes it."""
    if isinstance(value, str):
        return f"`{value}`"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"`{value}`"


def _status_problem(data: Mapping[Any, Any]) -> tuple[str, dict[str, object]] | None:
    """Why the response's ``status`` stops it being read, or None."""
    if "status" not in data:
        return errors.FHIR_NO_STATUS, {}
    status = data["status"]
    if isinstance(status, str) and status in READ_STATUSES:
        return None
    if isinstance(status, str) and status in errors.FHIR_STATUS_WHY:
        return errors.FHIR_STATUS_REFUSED, {"found": status, "why": errors.FHIR_STATUS_WHY[status]}
    hint = errors.did_you_mean(status, STATUSES) if isinstance(status, str) else ""
    return errors.FHIR_BAD_STATUS, {"found": _shown(status), "hint": hint}


def _questionnaire_problem(
    kb: KnowledgeBase, data: Mapping[Any, Any]
) -> tuple[str, dict[str, object]] | None:
    """Why the response's ``questionnaire`` is not the exported one, or None (also when absent)."""
    if "questionnaire" not in data:
        return None
    canonical = data["questionnaire"]
    if not isinstance(canonical, str):
        return errors.FHIR_OTHER_QUESTIONNAIRE, {"found": _shown(canonical), "expected": QUESTIONNAIRE_URL}
    url, bar, version = canonical.partition("|")
    if url != QUESTIONNAIRE_URL:
        return errors.FHIR_OTHER_QUESTIONNAIRE, {"found": _shown(canonical), "expected": QUESTIONNAIRE_URL}
    if bar and version != kb.traced_version:
        return errors.FHIR_OTHER_VERSION, {"found": version, "expected": kb.traced_version,
                                           "url": QUESTIONNAIRE_URL}
    return None


def _expected_codings(question: Question) -> str:
    if qtypes.of(question).fhir_coding == "yes_no":
        return errors.FHIR_YES_NO_SYSTEMS.format(yes_no=YES_NO_SYSTEM, absent=ABSENT_SYSTEM)
    return errors.FHIR_OPTION_SYSTEM.format(system=OPTION_SYSTEM.format(question=question.id))


def response_to_answers(kb: KnowledgeBase, source: Source) -> tuple[dict[str, Any], Source]:
    """A QuestionnaireResponse as ``question_id: value`` pairs, with their lines.

    Read strictly, because a response that is read wrongly gives a wrong
    suggestion with no warning:

    * keys: only the R4 element names in ``RESPONSE_KEYS`` (the resource),
      ``ITEM_KEYS`` (an item), ``ANSWER_KEYS`` (an answer: ``id``,
      ``extension``, ``item`` and the R4 value[x] names) and ``CODING_KEYS``
      (a coding); any other key, and ``modifierExtension``/``implicitRules``,
      is an error with a did-you-mean hint;
    * ``status`` must be ``completed`` or ``amended``; ``questionnaire``, if
      given, must be ``QUESTIONNAIRE_URL``, and its ``|version`` (if any) the
      knowledge base's version;
    * each answer has a value[x] of its question's type (``fhir_values`` in
      :mod:`triage.qtypes`);
      a coding must carry the system the exporter writes for that question,
      and a yes/no coding one of the exported codes (``Y``/``N`` from
      v2-0136, ``asked-unknown`` from data-absent-reason);
    * "None of these" cannot come with another option;
    * a response that answers no question is an error, not an empty
      assessment.

    Numbers and option codes are left as found, so that the usual checks of
    an answers file (range, known option) apply; every problem is raised
    with its line.
    """
    data = source.data if isinstance(source.data, dict) else {}
    out: dict[str, Any] = {}
    lines: dict[Loc, int] = {}
    problems: list[Problem] = []

    def problem(loc: Loc, template: str, **fields: object) -> None:
        problems.append(Problem(source.name, source.line(loc), template.format(**fields)))

    def keys_ok(mapping: Mapping[Any, Any], loc: Loc, allowed: frozenset[str], where: str) -> bool:
        ok = True
        for key in mapping:
            if isinstance(key, str) and key in allowed:
                continue
            ok = False
            if key in MODIFIER_KEYS:
                problem((*loc, key), errors.FHIR_MODIFIER, where=where, key=key)
            else:
                problem((*loc, key), errors.FHIR_UNKNOWN_KEY, where=where, key=key,
                        hint=errors.did_you_mean(str(key), allowed))
        return ok

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
            link = item.get("linkId")
            name = (errors.FHIR_ITEM.format(id=link) if isinstance(link, str) and link
                    else errors.FHIR_ITEM_NTH.format(n=i + 1))
            # An unknown key is reported alone: a misspelt `linkId` is not also "no linkId".
            known = keys_ok(item, here, ITEM_KEYS, name)
            answers = item.get("answer")
            if answers is not None and not isinstance(answers, list):
                problem((*here, "answer"), errors.FHIR_NOT_A_LIST, key="answer", found=_found(answers))
            elif answers:
                if known:
                    read_item(item, here, answers)
                for j, answer in enumerate(answers):
                    if isinstance(answer, dict) and "item" in answer:
                        walk(answer["item"], (*here, "answer", j, "item"))
            walk(item.get("item"), (*here, "item"))

    def read_answer(question: Question | None, link: str, answer: Any, at: Loc) -> tuple[bool, Any]:
        """(read, value) of one answer; problems are reported here."""
        expected = qtypes.of(question).fhir_expected if question else "valueCoding or valueInteger"
        if not isinstance(answer, dict):
            problem(at, errors.FHIR_BAD_ANSWER, id=link, expected=expected, found=_found(answer))
            return False, None
        if not keys_ok(answer, at, ANSWER_KEYS, errors.FHIR_AN_ANSWER.format(id=link)):
            return False, None
        keys = [k for k in answer if k in VALUE_KEYS]
        accepted = qtypes.of(question).fhir_values if question else _UNKNOWN_QUESTION_TYPES
        if len(keys) != 1 or keys[0] not in accepted:
            problem(at, errors.FHIR_BAD_ANSWER, id=link, expected=expected, found=_found(answer))
            return False, None
        value = answer[keys[0]]
        if keys[0] != "valueCoding":
            return True, value
        where = (*at, "valueCoding")
        if not isinstance(value, dict) or "code" not in value:
            problem(at, errors.FHIR_BAD_ANSWER, id=link, expected=expected, found=_found(answer))
            return False, None
        if not keys_ok(value, where, CODING_KEYS, errors.FHIR_VALUE_CODING.format(id=link)):
            return False, None
        code = value["code"]
        if question is None:
            return True, code
        system = value.get("system")
        yes_no = qtypes.of(question).fhir_coding == "yes_no"
        if yes_no:
            codes = _YES_NO_CODES.get(system) if isinstance(system, str) else None
        else:
            own = OPTION_SYSTEM.format(question=question.id)
            codes = {} if system == own else None
        if codes is None:
            found = (errors.FHIR_SYSTEM_FOUND.format(system=system) if isinstance(system, str)
                     else errors.FHIR_SYSTEM_MISSING)
            problem((*where, "system"), errors.FHIR_WRONG_SYSTEM, id=link, code=code, found=found,
                    expected=_expected_codings(question))
            return False, None
        if not yes_no:
            return True, code  # the answers check says if it is no option of the question
        if not isinstance(code, str) or code not in codes:
            problem((*where, "code"), errors.FHIR_UNKNOWN_CODE, id=link, code=code, system=system,
                    hint=errors.did_you_mean(str(code), codes))
            return False, None
        return True, codes[code]

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
        all_read = True
        for j, answer in enumerate(answers):
            read, found = read_answer(question, link, answer, (*here, "answer", j))
            all_read = all_read and read
            values.append(found)
        if not all_read:
            return
        if question is not None and qtypes.of(question).fhir_repeats:
            chosen = [v for v in values if v != NONE_CODE]
            if chosen and len(chosen) < len(values):
                problem((*here, "answer"), errors.FHIR_NONE_WITH_OTHERS, id=link, none=NONE_CODE,
                        others=", ".join(_shown(v) for v in chosen))
                return
            value: Any = chosen
        elif len(values) > 1:
            problem((*here, "answer"), errors.FHIR_ONE_ANSWER, id=link, n=len(values))
            return
        else:
            value = values[0]
        out[link] = value
        if line is not None:
            lines[(link,)] = line

    keys_ok(data, (), RESPONSE_KEYS, "the QuestionnaireResponse")
    checks = (("status", _status_problem(data)), ("questionnaire", _questionnaire_problem(kb, data)))
    for key, check in checks:
        if check is not None:
            template, fields = check
            problem((key,), template, **fields)
    walk(data.get("item"), ("item",))
    if not problems and not out:
        problem(("item",), errors.FHIR_NO_ANSWERS)
    if problems:
        raise TriageError(sorted(problems, key=lambda p: (p.line or 0)))
    top = source.line(())
    if top is not None:
        lines[()] = top
    return out, Source(source.name, out, lines)


NOT_SURE_OPTION: dict[str, Any] = {"valueCoding": {
    **NOT_SURE_CODING, "_display": {"extension": [{"url": EXT_RENDERING_XHTML, "valueString": "Not sure"}]}}}
"""The "Not sure" answer option: HL7's code and display, rendered for the person as "Not sure"."""


def enabled_answers(kb: KnowledgeBase, answers: Mapping[str, AnswerValue]) -> dict[str, AnswerValue]:
    """The answers to questions enabled by the answers before them (a strict reader wants no others)."""
    kept: dict[str, AnswerValue] = {}
    for question in kb.questions:
        condition = kb.asked_when(question)
        if question.id in answers and (condition is None or conditions.holds(condition, kept)):
            kept[question.id] = answers[question.id]
    return kept


def narrative(title: str, rows: list[str]) -> dict[str, str]:
    """A generated narrative (dom-6): the title and one line a row, escaped."""
    items = "".join(f"<li>{html.escape(row)}</li>" for row in rows)
    return {"status": "generated",
            "div": f'<div xmlns="{XHTML}"><p>{html.escape(title)}</p><ul>{items}</ul></div>'}


def answers_to_response(kb: KnowledgeBase, answers: Mapping[str, AnswerValue]) -> dict[str, Any]:
    """Answers as a QuestionnaireResponse of the exported Questionnaire (enabled answers only)."""
    from triage.render import answer_text

    enabled = enabled_answers(kb, answers)
    asked = [q for q in kb.questions if q.id in enabled]
    items = [{"linkId": q.id, "text": " ".join(q.text.split()), "answer": answer_values(q, enabled[q.id])}
             for q in asked]
    rows = [f"{' '.join(q.text.split())} {answer_text(kb, q.id, enabled[q.id])}" for q in asked]
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{QUESTIONNAIRE_URL}|{kb.traced_version}",
        "status": "completed",
        "item": items,
        "text": narrative(kb.questionnaire.title, rows),  # last, after the answers it sums up
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
    qtype = qtypes.of(q)
    item["type"] = qtype.fhir_type
    if qtype.fhir_repeats:
        item["repeats"] = True
    match q.type:
        case "yes_no":
            item["answerOption"] = [{"valueCoding": c} for c in (YES, NO)] + [NOT_SURE_OPTION]
        case "number":
            extensions += _bounds(q)
        case "scale":
            extensions += [*_bounds(q), _item_control("slider", "Slider"),
                           {"url": EXT_SLIDER_STEP, "valueInteger": 1}]
        case "choice":
            item["answerOption"] = [{"valueCoding": _option(q, o)} for o in q.option_ids]
        case "multi":
            item["answerOption"] = [{"valueCoding": _option(q, o)} for o in q.option_ids] + [{
                "valueCoding": _none_option(q),
                "extension": [{"url": EXT_OPTION_EXCLUSIVE, "valueBoolean": True}],
            }]
        case _:
            assert_never(q.type)
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
    if kb.is_checklist(q):  # asked after the rest, when the result so far lets acupuncture be discussed
        condition = words.CHECKLIST_ASKED_WHEN
        extensions.append({"url": ASK_IF_EXTENSION, "valueString": condition})
        notes.append(errors.FHIR_NOT_EXPRESSIBLE.format(id=q.id, condition=condition))
    if q.id in kb.required_questions:  # a warning sign: left blank, the result is incomplete
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
    resource["item"] = copy.deepcopy(resource["item"])  # its codings share the module's constants
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

