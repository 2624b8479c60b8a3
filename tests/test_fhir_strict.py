"""Reading a FHIR QuestionnaireResponse strictly (issue "Hardening", item 4).

A response that is read wrongly gives a wrong suggestion without any warning
(a misspelt `items` once read as "no answers" and suggested the
acupuncturist), so anything the reader does not understand is refused with
exit status 2 and one message a problem: where, what and how to fix.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import answer_sets

from triage import errors, fhir, fhir_codes, fhir_read, loader

KB = loader.load()
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "answers"
OPTIONS = "urn:backpain-triage:option:{question}"
SNOMED = "http://snomed.info/sct"

BASE: dict[str, Any] = {"age": 40, "fever": True, "pain_location": ("lower_back",), "pain_severity": 5}
"""Answers of the response each case starts from (exported as the tool exports them)."""

Change = Callable[[dict[str, Any]], None]


def base_response() -> dict[str, Any]:
    return copy.deepcopy(fhir.answers_to_response(KB, BASE))


def item(response: dict[str, Any], link: str) -> dict[str, Any]:
    found: dict[str, Any] = next(i for i in response["item"] if i["linkId"] == link)
    return found


def coding(response: dict[str, Any], link: str) -> dict[str, Any]:
    found: dict[str, Any] = item(response, link)["answer"][0]["valueCoding"]
    return found


def line_of(text: str, *needles: str) -> int:
    """1-based line of the last needle, each searched after the line of the one before."""
    lines = text.splitlines()
    at = 0
    for needle in needles:
        at = next(n for n in range(at, len(lines)) if needle in lines[n])
    return at + 1


def write(tmp_path: Path, response: dict[str, Any]) -> tuple[Path, str]:
    path = tmp_path / "response.json"
    text = json.dumps(response, indent=2)
    path.write_text(text, encoding="utf-8")
    return path, text


# --- each change, where it is reported, and what is said --------------------------------
def rename(key: str, new: str, link: str | None = None, part: str = "item") -> Change:
    def change(response: dict[str, Any]) -> None:
        if link is None:
            target = response
        elif part == "item":
            target = item(response, link)
        elif part == "answer":
            target = item(response, link)["answer"][0]
        else:
            target = coding(response, link)
        target[new] = target.pop(key)
    return change


def add(key: str, value: Any, link: str | None = None, part: str = "item") -> Change:
    def change(response: dict[str, Any]) -> None:
        if link is None:
            response[key] = value
        elif part == "item":
            item(response, link)[key] = value
        elif part == "answer":
            item(response, link)["answer"][0][key] = value
        else:
            coding(response, link)[key] = value
    return change


def set_coding(link: str, **fields: Any) -> Change:
    def change(response: dict[str, Any]) -> None:
        target = coding(response, link)
        for key, value in fields.items():
            if value is None:
                target.pop(key, None)
            else:
                target[key] = value
    return change


def set_answers(link: str, answers: list[Any]) -> Change:
    def change(response: dict[str, Any]) -> None:
        item(response, link)["answer"] = answers
    return change


def options(question: str, *codes: str) -> list[dict[str, Any]]:
    return [{"valueCoding": {"system": OPTIONS.format(question=question), "code": c}} for c in codes]


YES_NO_CODINGS = errors.FHIR_YES_NO_SYSTEMS.format(yes_no=fhir_codes.YES_NO_SYSTEM,
                                                   absent=fhir_codes.ABSENT_SYSTEM)
LOCATION_CODINGS = errors.FHIR_OPTION_SYSTEM.format(system=OPTIONS.format(question="pain_location"))

UNKNOWN_KEYS = [
    pytest.param(rename("item", "items"), ('"items"',),
                 errors.FHIR_UNKNOWN_KEY.format(where="the QuestionnaireResponse", key="items",
                                                hint=" (did you mean `item`?)"), id="items-for-item"),
    pytest.param(rename("answer", "answers", "fever"), ('"answers"',),
                 errors.FHIR_UNKNOWN_KEY.format(where="item `fever`", key="answers",
                                                hint=" (did you mean `answer`?)"), id="answers-for-answer"),
    pytest.param(rename("linkId", "linkid", "age"), ('"linkid"',),
                 errors.FHIR_UNKNOWN_KEY.format(where="item 1", key="linkid",
                                                hint=" (did you mean `linkId`?)"), id="link-id-lower-case"),
    pytest.param(rename("valueInteger", "valueInt", "age", "answer"), ('"valueInt"',),
                 errors.FHIR_UNKNOWN_KEY.format(where="an answer to `age`", key="valueInt",
                                                hint=" (did you mean `valueInteger`?)"), id="value-int"),
    pytest.param(rename("system", "sytem", "fever", "coding"), ('"sytem"',),
                 errors.FHIR_UNKNOWN_KEY.format(where="the valueCoding of `fever`", key="sytem",
                                                hint=" (did you mean `system`?)"), id="coding-sytem"),
    pytest.param(add("weight", 3, "fever", "coding"), ('"weight"',),
                 errors.FHIR_UNKNOWN_KEY.format(
                     where="the valueCoding of `fever`", key="weight",
                     hint=" (valid: `code`, `display`, `extension`, `id`, `system`, `userSelected`, "
                          "`version`)"), id="coding-unknown-key"),
    pytest.param(add("resourceType", "Observation", "fever"), ('"resourceType": "Observation"',),
                 errors.FHIR_UNKNOWN_KEY.format(
                     where="item `fever`", key="resourceType",
                     hint=" (valid: `answer`, `definition`, `extension`, `id`, `item`, `linkId`, `text`)"),
                 id="item-unknown-key"),
    pytest.param(add("patient", {"reference": "Patient/1"}), ('"patient"',),
                 errors.FHIR_UNKNOWN_KEY.format(where="the QuestionnaireResponse", key="patient", hint=""),
                 id="top-unknown-key"),
    pytest.param(add("modifierExtension", [{"url": "urn:x", "valueBoolean": True}], "fever"),
                 ('"modifierExtension"',),
                 errors.FHIR_MODIFIER.format(where="item `fever`", key="modifierExtension"),
                 id="modifier-extension"),
    pytest.param(add("modifierExtension", [{"url": "urn:x", "valueBoolean": True}], "fever", "answer"),
                 ('"modifierExtension"',),
                 errors.FHIR_MODIFIER.format(where="an answer to `fever`", key="modifierExtension"),
                 id="answer-modifier-extension"),
    pytest.param(add("implicitRules", "urn:other-rules"), ('"implicitRules"',),
                 errors.FHIR_MODIFIER.format(where="the QuestionnaireResponse", key="implicitRules"),
                 id="implicit-rules"),
]

CODINGS = [
    pytest.param(set_coding("fever", system=SNOMED), ('"fever"', '"system"'),
                 errors.FHIR_WRONG_SYSTEM.format(
                     id="fever", code="Y", found=errors.FHIR_SYSTEM_FOUND.format(system=SNOMED),
                     expected=YES_NO_CODINGS), id="snomed-y-is-not-yes"),
    pytest.param(set_coding("fever", system=None), ('"fever"', '"valueCoding"'),
                 errors.FHIR_WRONG_SYSTEM.format(id="fever", code="Y", found=errors.FHIR_SYSTEM_MISSING,
                                                 expected=YES_NO_CODINGS), id="yes-without-system"),
    pytest.param(set_coding("fever", system=fhir_codes.ABSENT_SYSTEM), ('"fever"', '"code"'),
                 errors.FHIR_UNKNOWN_CODE.format(id="fever", code="Y", system=fhir_codes.ABSENT_SYSTEM,
                                                 hint=" (valid: `asked-unknown`)"),
                 id="y-from-data-absent-reason"),
    pytest.param(set_coding("fever", code="yes"), ('"fever"', '"code"'),
                 errors.FHIR_UNKNOWN_CODE.format(id="fever", code="yes", system=fhir_codes.YES_NO_SYSTEM,
                                                 hint=" (valid: `N`, `Y`)"), id="yes-is-not-a-code"),
    pytest.param(set_coding("fever", system=fhir_codes.ABSENT_SYSTEM, code="unknown"), ('"fever"', '"code"'),
                 errors.FHIR_UNKNOWN_CODE.format(id="fever", code="unknown", system=fhir_codes.ABSENT_SYSTEM,
                                                 hint=" (did you mean `asked-unknown`?)"),
                 id="unknown-is-not-asked-unknown"),
    pytest.param(set_coding("pain_location", system=None), ('"pain_location"', '"valueCoding"'),
                 errors.FHIR_WRONG_SYSTEM.format(id="pain_location", code="lower_back",
                                                 found=errors.FHIR_SYSTEM_MISSING, expected=LOCATION_CODINGS),
                 id="option-without-system"),
    pytest.param(set_coding("pain_location", system=OPTIONS.format(question="posture_habits")),
                 ('"pain_location"', '"system"'),
                 errors.FHIR_WRONG_SYSTEM.format(
                     id="pain_location", code="lower_back",
                     found=errors.FHIR_SYSTEM_FOUND.format(system=OPTIONS.format(question="posture_habits")),
                     expected=LOCATION_CODINGS), id="option-of-another-question"),
    pytest.param(set_answers("fever", [{"valueString": "yes"}]), ('"fever"', '"answer"', "{"),
                 errors.FHIR_BAD_ANSWER.format(id="fever",
                                               expected="valueCoding (Y, N or asked-unknown) or valueBoolean",
                                               found="`valueString`"), id="yes-as-text"),
    pytest.param(set_answers("pain_location", [{"valueString": "lower_back"}]),
                 ('"pain_location"', '"answer"', "{"),
                 errors.FHIR_BAD_ANSWER.format(id="pain_location", expected="valueCoding with an option code",
                                               found="`valueString`"), id="option-as-text"),
    pytest.param(set_answers("pain_location", options("pain_location", "lower_back", fhir_codes.NONE_CODE)),
                 ('"pain_location"', '"answer"'),
                 errors.FHIR_NONE_WITH_OTHERS.format(id="pain_location", none=fhir_codes.NONE_CODE,
                                                     others="`lower_back`"), id="none-with-an-option"),
    pytest.param(set_answers("pain_location",
                             options("pain_location", fhir_codes.NONE_CODE, "lower_back", "side_flank")),
                 ('"pain_location"', '"answer"'),
                 errors.FHIR_NONE_WITH_OTHERS.format(id="pain_location", none=fhir_codes.NONE_CODE,
                                                     others="`lower_back`, `side_flank`"),
                 id="none-first-with-two-options"),
]


def set_status(status: Any) -> Change:
    def change(response: dict[str, Any]) -> None:
        if status is None:
            del response["status"]
        else:
            response["status"] = status
    return change


def set_questionnaire(canonical: Any) -> Change:
    def change(response: dict[str, Any]) -> None:
        response["questionnaire"] = canonical
    return change


def no_items(response: dict[str, Any]) -> None:
    response["item"] = []


def only_unanswered(response: dict[str, Any]) -> None:
    response["item"] = [{"linkId": "fever", "text": "Fever?"}, {"linkId": "age", "answer": []}]


def without_item(response: dict[str, Any]) -> None:
    del response["item"]


RESOURCE = [
    *(pytest.param(set_status(status), ('"status"',),
                   errors.FHIR_STATUS_REFUSED.format(found=status, why=errors.FHIR_STATUS_WHY[status]),
                   id=f"status-{status}")
      for status in ("in-progress", "stopped", "entered-in-error")),
    pytest.param(set_status("complete"), ('"status"',),
                 errors.FHIR_BAD_STATUS.format(found="`complete`", hint=" (did you mean `completed`?)"),
                 id="status-misspelt"),
    pytest.param(set_status(True), ('"status"',), errors.FHIR_BAD_STATUS.format(found="true", hint=""),
                 id="status-not-text"),
    pytest.param(set_status(None), ("{",), errors.FHIR_NO_STATUS, id="no-status"),
    pytest.param(set_questionnaire("http://example.org/Questionnaire/phq-9"), ('"questionnaire"',),
                 errors.FHIR_OTHER_QUESTIONNAIRE.format(found="`http://example.org/Questionnaire/phq-9`",
                                                        expected=fhir_codes.QUESTIONNAIRE_URL),
                 id="other-questionnaire"),
    pytest.param(set_questionnaire(f"{fhir_codes.QUESTIONNAIRE_URL}:v2"), ('"questionnaire"',),
                 errors.FHIR_OTHER_QUESTIONNAIRE.format(found=f"`{fhir_codes.QUESTIONNAIRE_URL}:v2`",
                                                        expected=fhir_codes.QUESTIONNAIRE_URL),
                 id="questionnaire-url-with-suffix"),
    pytest.param(set_questionnaire({"reference": "Questionnaire/1"}), ('"questionnaire"',),
                 errors.FHIR_OTHER_QUESTIONNAIRE.format(found="a mapping",
                                                        expected=fhir_codes.QUESTIONNAIRE_URL),
                 id="questionnaire-not-text"),
    pytest.param(set_questionnaire(f"{fhir_codes.QUESTIONNAIRE_URL}|0.9"), ('"questionnaire"',),
                 errors.FHIR_OTHER_VERSION.format(found="0.9", expected=KB.traced_version,
                                                  url=fhir_codes.QUESTIONNAIRE_URL),
                 id="other-version"),
    pytest.param(set_questionnaire(f"{fhir_codes.QUESTIONNAIRE_URL}|"), ('"questionnaire"',),
                 errors.FHIR_OTHER_VERSION.format(found="", expected=KB.traced_version,
                                                  url=fhir_codes.QUESTIONNAIRE_URL),
                 id="empty-version"),
    pytest.param(no_items, ('"item"',), errors.FHIR_NO_ANSWERS, id="no-items"),
    pytest.param(only_unanswered, ('"item"',), errors.FHIR_NO_ANSWERS, id="no-item-answered"),
    pytest.param(without_item, ("{",), errors.FHIR_NO_ANSWERS, id="without-item"),
]


@pytest.mark.parametrize(("change", "needles", "message"), [*UNKNOWN_KEYS, *CODINGS, *RESOURCE])
def test_refused(cli: Callable[..., Any], tmp_path: Path, change: Change, needles: tuple[str, ...],
                 message: str) -> None:
    response = base_response()
    change(response)
    path, text = write(tmp_path, response)
    run = cli("assess", path, "--format", "json")
    assert run.status == 2
    assert run.out == ""
    assert run.err.splitlines() == [f"{path}:{line_of(text, *needles)}: {message}"]


def test_every_problem_is_reported_in_file_order(cli: Callable[..., Any], tmp_path: Path) -> None:
    response = base_response()
    set_status("in-progress")(response)
    set_coding("fever", system=SNOMED)(response)
    rename("answer", "answers", "pain_severity")(response)
    path, text = write(tmp_path, response)
    run = cli("assess", path, "--format", "json")
    assert run.status == 2
    status, system, answers = (line_of(text, '"status"'), line_of(text, '"fever"', '"system"'),
                               line_of(text, '"answers"'))
    assert status < system < answers
    assert run.err.splitlines() == [
        f"{path}:{status}: " + errors.FHIR_STATUS_REFUSED.format(
            found="in-progress", why=errors.FHIR_STATUS_WHY["in-progress"]),
        f"{path}:{system}: " + errors.FHIR_WRONG_SYSTEM.format(
            id="fever", code="Y", found=errors.FHIR_SYSTEM_FOUND.format(system=SNOMED),
            expected=YES_NO_CODINGS),
        f"{path}:{answers}: " + errors.FHIR_UNKNOWN_KEY.format(
            where="item `pain_severity`", key="answers", hint=" (did you mean `answer`?)"),
    ]


# --- what is still read --------------------------------------------------------------
def harmless(response: dict[str, Any]) -> None:
    """The standard elements the reader leaves unread, at every level it checks."""
    response.update({
        "id": "r1", "meta": {"versionId": "1"}, "language": "en", "text": {"status": "generated", "div": ""},
        "extension": [{"url": "urn:x", "valueString": "x"}], "identifier": {"value": "42"},
        "subject": {"reference": "Patient/1"}, "authored": "2026-01-02T10:00:00Z",
        "author": {"reference": "Patient/1"}, "source": {"reference": "Patient/1"},
        "encounter": {"reference": "Encounter/1"}, "basedOn": [], "partOf": [], "contained": [],
    })
    fever = item(response, "fever")
    fever.update({"id": "i1", "definition": "urn:x", "extension": []})
    fever["answer"][0].update({"id": "a1", "extension": []})
    coding(response, "fever").update({"id": "c1", "version": "2.9", "userSelected": True, "extension": []})


def amended(response: dict[str, Any]) -> None:
    response["status"] = "amended"


def unversioned(response: dict[str, Any]) -> None:
    response["questionnaire"] = fhir_codes.QUESTIONNAIRE_URL


def no_questionnaire(response: dict[str, Any]) -> None:
    del response["questionnaire"]


def not_sure_and_boolean(response: dict[str, Any]) -> None:
    set_coding("fever", system=fhir_codes.ABSENT_SYSTEM, code="asked-unknown")(response)
    response["item"].append({"linkId": "night_pain", "answer": [{"valueBoolean": False}]})


def only_none_of_these(response: dict[str, Any]) -> None:
    set_answers("pain_location", options("pain_location", fhir_codes.NONE_CODE))(response)


@pytest.mark.parametrize(
    ("change", "plain"),
    [
        pytest.param(harmless, BASE, id="harmless-standard-keys"),
        pytest.param(amended, BASE, id="amended"),
        pytest.param(unversioned, BASE, id="questionnaire-without-version"),
        pytest.param(no_questionnaire, BASE, id="no-questionnaire"),
        pytest.param(not_sure_and_boolean, {**BASE, "fever": "not_sure", "night_pain": False},
                     id="not-sure-and-boolean"),
        pytest.param(only_none_of_these, {**BASE, "pain_location": []}, id="none-of-these-alone"),
    ],
)
def test_accepted(assessed: Callable[[Path], dict[str, Any]], tmp_path: Path, change: Change,
                  plain: dict[str, Any]) -> None:
    """Still read, and assessed exactly as the same answers in a plain answers file."""
    response = base_response()
    change(response)
    path, _ = write(tmp_path, response)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({k: list(v) if isinstance(v, tuple) else v for k, v in plain.items()}),
                       encoding="utf-8")


    assert assessed(path) == assessed(answers)


# --- the files of the safety finding --------------------------------------------------
@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param("fhir-items-typo.json", "fhir-items-typo.json:4: " + errors.FHIR_UNKNOWN_KEY.format(
            where="the QuestionnaireResponse", key="items", hint=" (did you mean `item`?)"), id="items"),
        pytest.param("fhir-answers-typo.json", "fhir-answers-typo.json:7: " + errors.FHIR_UNKNOWN_KEY.format(
            where="item `saddle_numbness`", key="answers", hint=" (did you mean `answer`?)"), id="answers"),
        pytest.param("fhir-snomed-yes.json", "fhir-snomed-yes.json:10: " + errors.FHIR_WRONG_SYSTEM.format(
            id="saddle_numbness", code="Y", found=errors.FHIR_SYSTEM_FOUND.format(system=SNOMED),
            expected=YES_NO_CODINGS), id="snomed-yes"),
        pytest.param("fhir-none-with-others.json", "fhir-none-with-others.json:7: "
                     + errors.FHIR_NONE_WITH_OTHERS.format(id="pain_location", none=fhir_codes.NONE_CODE,
                                                           others="`lower_back`"), id="none-with-others"),
    ],
)
def test_finding_files_are_refused(cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, name: str,
                                   message: str) -> None:
    monkeypatch.chdir(FIXTURES)
    for fmt in ("json", "text"):
        run = cli("assess", name, "--format", fmt)
        assert run.status == 2
        assert run.out == ""
        assert run.err.splitlines() == [message]


# --- anything at all: exit 0, 1 or 2, never a traceback --------------------------------
KEYS = sorted(fhir_read.RESPONSE_KEYS | fhir_read.ITEM_KEYS | fhir_read.ANSWER_KEYS | fhir_read.CODING_KEYS
              | fhir_read.MODIFIER_KEYS | {"items", "answers", "valueCode"})
LINK_IDS = [q.id for q in KB.questions[:6]] + ["pain_location", "posture_habits", "nope", ""]
CODES = ["Y", "N", "asked-unknown", fhir_codes.NONE_CODE, "lower_back", "yes"]
SYSTEMS = [fhir_codes.YES_NO_SYSTEM, fhir_codes.ABSENT_SYSTEM, OPTIONS.format(question="pain_location"),
           SNOMED]
STATUSES = [*fhir_read.STATUSES, "complete"]
# Within the Basic Multilingual Plane: json.dumps escapes the rest as surrogate pairs (\ud83d\ude00),
# which the YAML reader (that reads JSON files here) refuses, and raw control characters are no YAML.
TEXT = st.text(alphabet=st.characters(max_codepoint=0xFFFF, exclude_categories=["Cs"]), max_size=12)
SCALARS = (st.none() | st.booleans() | st.integers(-(10**6), 10**6)
           | st.floats(allow_nan=False, allow_infinity=False) | TEXT
           | st.sampled_from([*LINK_IDS, *CODES, *SYSTEMS, *STATUSES]))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.sampled_from(KEYS) | TEXT, inner, max_size=4), max_leaves=20)
CODING = st.fixed_dictionaries({}, optional={"system": st.sampled_from(SYSTEMS) | JSON,
                                             "code": st.sampled_from(CODES) | JSON, "display": JSON})
ANSWER = st.fixed_dictionaries({}, optional={
    "valueCoding": CODING | JSON, "valueBoolean": JSON, "valueInteger": st.integers(-5, 200) | JSON,
    "valueDecimal": JSON, "valueString": JSON, "valueQuantity": JSON,
}) | JSON
ITEMS = st.recursive(
    st.lists(st.fixed_dictionaries({}, optional={"linkId": st.sampled_from(LINK_IDS) | JSON,
                                                 "answer": st.lists(ANSWER, max_size=3) | JSON}), max_size=4),
    lambda inner: st.lists(st.fixed_dictionaries({}, optional={
        "linkId": st.sampled_from(LINK_IDS), "item": inner,
        "answer": st.lists(st.fixed_dictionaries({"item": inner}, optional={"valueBoolean": JSON}),
                           max_size=2)}), max_size=3) | JSON,
    max_leaves=8,
)
STRUCTURED = st.fixed_dictionaries(
    {"resourceType": st.just("QuestionnaireResponse"), "status": st.sampled_from(fhir_read.READ_STATUSES)},
    optional={"item": ITEMS,
              "questionnaire": st.sampled_from([fhir_codes.QUESTIONNAIRE_URL,
                                                f"{fhir_codes.QUESTIONNAIRE_URL}|{KB.traced_version}",
                                                f"{fhir_codes.QUESTIONNAIRE_URL}|x"]) | JSON,
              "subject": JSON},
)
"""Random items under an otherwise readable response."""


def _spots(node: Any) -> list[tuple[Any, Any]]:
    """Every (container, key or index) in a JSON value."""
    found: list[tuple[Any, Any]] = []
    keys = node.keys() if isinstance(node, dict) else range(len(node)) if isinstance(node, list) else ()
    for key in list(keys):
        found.append((node, key))
        found += _spots(node[key])
    return found


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    """A response as the tool exports it, with a few random changes anywhere but resourceType."""
    response = fhir.answers_to_response(KB, draw(answer_sets(KB)))
    for _ in range(draw(st.integers(0, 3))):
        spots = [(c, k) for c, k in _spots(response) if not (c is response and k == "resourceType")]
        if not spots:
            break
        container, key = draw(st.sampled_from(spots))
        action = draw(st.sampled_from(["replace", "delete", "rename", "add"]))
        if action == "replace":
            container[key] = draw(JSON)
        elif action == "delete":
            del container[key]
        elif isinstance(container, dict) and action == "rename":
            container[draw(st.sampled_from(KEYS) | TEXT)] = container.pop(key)
        elif isinstance(container, dict):
            container[draw(st.sampled_from(KEYS) | TEXT)] = draw(JSON)
        else:
            container.insert(key, draw(JSON))
    return response


RESPONSES = mutated() | STRUCTURED | st.fixed_dictionaries(
    {"resourceType": st.just("QuestionnaireResponse")},
    optional={"status": JSON, "item": JSON, "items": ITEMS},
)


@settings(max_examples=examples(150), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(response=RESPONSES)
def test_any_response_is_assessed_or_refused(cli: Callable[..., Any], tmp_path: Path,
                                             response: dict[str, Any]) -> None:
    path = tmp_path / "any.json"
    path.write_text(json.dumps(response), encoding="utf-8")
    run = cli("assess", path, "--format", "json")
    assert run.status in (0, 1, 2), run.err  # 70 would be an internal error
    assert "Traceback" not in run.out + run.err
    if run.status == 2:
        assert run.out == ""
        assert run.err
        assert all(line.startswith(f"{path}:") for line in run.err.splitlines())
    else:
        assert json.loads(run.out)["level"]
