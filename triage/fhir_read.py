"""FHIR R4: a QuestionnaireResponse read back as answers, strictly.

The response is one :mod:`triage.fhir` writes, or another system's answers
to the Questionnaire it exports; what each question type's answers may be is
said in :mod:`triage.qtypes`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from triage import errors, i18n, qtypes
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
        return i18n.listing(f"`{k}`" for k in answer) or errors.SHOWN_EMPTY_ANSWER
    return f"`{answer}`"


def _shown(value: Any) -> str:
    """A value from the file, as a message quotes it."""
    if isinstance(value, str):
        return f"`{value}`"
    if isinstance(value, dict):
        return errors.SHOWN_MAPPING
    if isinstance(value, list):
        return errors.SHOWN_LIST
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
    with its line. The reading is the steps of :data:`STEPS`, in order.
    """
    reading = Reading(kb, source)
    for step in STEPS:
        step(reading)
    if reading.problems:
        raise TriageError(sorted(reading.problems, key=lambda p: (p.line or 0)))
    return reading.answers, reading.located()


@dataclass
class Reading:
    """A response being read: its file, the answers read so far with their lines, the problems found."""

    kb: KnowledgeBase
    source: Source
    answers: dict[str, Any] = field(default_factory=dict)
    lines: dict[Loc, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def data(self) -> Mapping[Any, Any]:
        """The resource (nothing, when the file holds no mapping)."""
        return self.source.data if isinstance(self.source.data, dict) else {}

    def problem(self, loc: Loc, template: str, **fields: object) -> None:
        self.problems.append(Problem(self.source.name, self.source.line(loc), template.format(**fields)))

    def keys_ok(self, mapping: Mapping[Any, Any], loc: Loc, allowed: frozenset[str], where: str) -> bool:
        """Whether every key of ``mapping`` is ``allowed``; each other one is a problem."""
        ok = True
        for key in mapping:
            if isinstance(key, str) and key in allowed:
                continue
            ok = False
            if key in MODIFIER_KEYS:
                self.problem((*loc, key), errors.FHIR_MODIFIER, where=where, key=key)
            else:
                self.problem((*loc, key), errors.FHIR_UNKNOWN_KEY, where=where, key=key,
                             hint=errors.did_you_mean(str(key), allowed))
        return ok

    def located(self) -> Source:
        """The answers read, with the line of each (and of the resource)."""
        top = self.source.line(())
        lines = self.lines if top is None else {**self.lines, (): top}
        return Source(self.source.name, self.answers, lines)


# --- the steps ----------------------------------------------------------------------
def check_resource_keys(reading: Reading) -> None:
    """The resource's keys are R4 element names this tool reads or may leave unread."""
    reading.keys_ok(reading.data, (), RESPONSE_KEYS, errors.WHERE_RESPONSE)


def check_status(reading: Reading) -> None:
    """``status`` says the form is finished."""
    found = _status_problem(reading.data)
    if found is not None:
        template, fields = found
        reading.problem(("status",), template, **fields)


def check_questionnaire(reading: Reading) -> None:
    """``questionnaire``, if given, is the exported one in this version."""
    found = _questionnaire_problem(reading.kb, reading.data)
    if found is not None:
        template, fields = found
        reading.problem(("questionnaire",), template, **fields)


def read_items(reading: Reading) -> None:
    """Every item, at any depth (under items and under answers), read into answers."""
    _read_item_list(reading, reading.data.get("item"), ("item",))


def require_an_answer(reading: Reading) -> None:
    """A response without problems answers at least one question."""
    if not reading.problems and not reading.answers:
        reading.problem(("item",), errors.FHIR_NO_ANSWERS)


Step = Callable[[Reading], None]
STEPS: tuple[Step, ...] = (check_resource_keys, check_status, check_questionnaire, read_items,
                           require_an_answer)
"""The reading of a response, in order; problems are sorted by line at the end."""


# --- items and answers --------------------------------------------------------------
def _read_item_list(reading: Reading, items: Any, loc: Loc) -> None:
    if items is None:
        return
    if not isinstance(items, list):
        reading.problem(loc, errors.FHIR_NOT_A_LIST, key=loc[-1], found=_found(items))
        return
    for i, item in enumerate(items):
        _read_item(reading, item, loc, i)


def _read_item(reading: Reading, item: Any, loc: Loc, i: int) -> None:
    """One item: its answers, then the items under them and under it."""
    here = (*loc, i)
    if not isinstance(item, dict):
        reading.problem(here, errors.FHIR_NO_LINK_ID, n=i + 1)
        return
    link = item.get("linkId")
    name = (errors.FHIR_ITEM.format(id=link) if isinstance(link, str) and link
            else errors.FHIR_ITEM_NTH.format(n=i + 1))
    # An unknown key is reported alone: a misspelt `linkId` is not also "no linkId".
    known = reading.keys_ok(item, here, ITEM_KEYS, name)
    answers = item.get("answer")
    if answers is not None and not isinstance(answers, list):
        reading.problem((*here, "answer"), errors.FHIR_NOT_A_LIST, key="answer", found=_found(answers))
    elif answers:
        if known:
            _read_answers(reading, item, here, answers)
        for j, answer in enumerate(answers):
            if isinstance(answer, dict) and "item" in answer:
                _read_item_list(reading, answer["item"], (*here, "answer", j, "item"))
    _read_item_list(reading, item.get("item"), (*here, "item"))


def _read_answers(reading: Reading, item: dict[str, Any], here: Loc, answers: list[Any]) -> None:
    """The answers of one item, as the value of its question."""
    link = item.get("linkId")
    if not isinstance(link, str) or not link:
        reading.problem(here, errors.FHIR_NO_LINK_ID, n=here[-1] + 1 if isinstance(here[-1], int) else 1)
        return
    line = reading.source.line((*here, "linkId"))
    if link in reading.answers:
        reading.problem((*here, "linkId"), errors.FHIR_ANSWERED_TWICE, id=link,
                        other=reading.lines.get((link,)))
        return
    question = reading.kb.question(link) if reading.kb.has_question(link) else None
    read = [_read_answer(reading, question, link, answer, (*here, "answer", j))
            for j, answer in enumerate(answers)]
    if not all(ok for ok, _ in read):
        return
    ok, value = _one_value(reading, question, link, [found for _, found in read], here)
    if ok:
        reading.answers[link] = value
        if line is not None:
            reading.lines[(link,)] = line


def _one_value(reading: Reading, question: Question | None, link: str, values: list[Any],
               here: Loc) -> tuple[bool, Any]:
    """(read, value) of an item's answers: a list for a question of several options, else the one."""
    if question is not None and qtypes.of(question).fhir_repeats:
        chosen = [v for v in values if v != NONE_CODE]
        if chosen and len(chosen) < len(values):
            reading.problem((*here, "answer"), errors.FHIR_NONE_WITH_OTHERS, id=link, none=NONE_CODE,
                            others=i18n.listing(_shown(v) for v in chosen))
            return False, None
        return True, chosen
    if len(values) > 1:
        reading.problem((*here, "answer"), errors.FHIR_ONE_ANSWER, id=link, n=len(values))
        return False, None
    return True, values[0]


def _expected(question: Question | None) -> str:
    return qtypes.of(question).fhir_expected if question else "valueCoding or valueInteger"


def _read_answer(reading: Reading, question: Question | None, link: str, answer: Any,
                 at: Loc) -> tuple[bool, Any]:
    """(read, value) of one answer; problems are reported here."""
    key = _value_key(reading, question, link, answer, at)
    if key is None:
        return False, None
    if key != "valueCoding":
        return True, answer[key]
    coding = answer[key]
    where = (*at, "valueCoding")
    if not isinstance(coding, dict) or "code" not in coding:
        reading.problem(at, errors.FHIR_BAD_ANSWER, id=link, expected=_expected(question),
                        found=_found(answer))
        return False, None
    if not reading.keys_ok(coding, where, CODING_KEYS, errors.FHIR_VALUE_CODING.format(id=link)):
        return False, None
    if question is None:
        return True, coding["code"]
    return _read_code(reading, question, link, coding, where)


def _value_key(reading: Reading, question: Question | None, link: str, answer: Any, at: Loc) -> str | None:
    """The answer's one value[x] key, of a type its question takes; None (a problem reported) if not."""
    if not isinstance(answer, dict):
        reading.problem(at, errors.FHIR_BAD_ANSWER, id=link, expected=_expected(question),
                        found=_found(answer))
        return None
    if not reading.keys_ok(answer, at, ANSWER_KEYS, errors.FHIR_AN_ANSWER.format(id=link)):
        return None
    keys = [k for k in answer if k in VALUE_KEYS]
    accepted = qtypes.of(question).fhir_values if question else _UNKNOWN_QUESTION_TYPES
    if len(keys) != 1 or keys[0] not in accepted:
        reading.problem(at, errors.FHIR_BAD_ANSWER, id=link, expected=_expected(question),
                        found=_found(answer))
        return None
    return str(keys[0])


def _read_code(reading: Reading, question: Question, link: str, coding: dict[Any, Any],
               where: Loc) -> tuple[bool, Any]:
    """(read, value) of a coding: its system the exporter's for the question, a yes/no code known."""
    code = coding["code"]
    system = coding.get("system")
    codes = _codes(question, system)
    if codes is None:
        found = (errors.FHIR_SYSTEM_FOUND.format(system=system) if isinstance(system, str)
                 else errors.FHIR_SYSTEM_MISSING)
        reading.problem((*where, "system"), errors.FHIR_WRONG_SYSTEM, id=link, code=code, found=found,
                        expected=_expected_codings(question))
        return False, None
    if qtypes.of(question).fhir_coding != "yes_no":
        return True, code  # the answers check says if it is no option of the question
    if not isinstance(code, str) or code not in codes:
        reading.problem((*where, "code"), errors.FHIR_UNKNOWN_CODE, id=link, code=code, system=system,
                        hint=errors.did_you_mean(str(code), codes))
        return False, None
    return True, codes[code]


def _codes(question: Question, system: Any) -> Mapping[str, Any] | None:
    """The codes ``system`` has for ``question`` (none for an option question), or None: not its system."""
    if qtypes.of(question).fhir_coding == "yes_no":
        return _YES_NO_CODES.get(system) if isinstance(system, str) else None
    return {} if system == OPTION_SYSTEM.format(question=question.id) else None
