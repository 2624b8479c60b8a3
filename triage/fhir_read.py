"""FHIR R4: a QuestionnaireResponse read back as answers, strictly.

The response is one :mod:`triage.fhir` writes, or another system's answers
to the Questionnaire it exports; what each question type's answers may be is
said in :mod:`triage.qtypes`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triage import errors, qtypes
from triage.errors import Problem, TriageError
from triage.fhir_codes import (
    ABSENT_SYSTEM,
    NO,
    NONE_CODE,
    NOT_SURE_CODING,
    OPTION_SYSTEM,
    QUESTIONNAIRE_URL,
    YES,
    YES_NO_SYSTEM,
)
from triage.models import NOT_SURE, KnowledgeBase, Question
from triage.yamlsrc import Loc, Source

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
