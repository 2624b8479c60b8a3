"""Bad answers files: exit 2 and one message naming file, line, question and fix."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from answer_text import NO_WARNING_SIGNS

from triage import answers
from triage.errors import TriageError
from triage.models import KnowledgeBase

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "answers"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param("broken-yaml.yaml", "broken-yaml.yaml:3: this is not valid YAML: did not find "
                     "expected ',' or ']'; fix the syntax here", id="broken-yaml"),
        pytest.param("unknown-question.yaml", "unknown-question.yaml:2: `fevr` is not a question "
                     "(did you mean `fever`?)", id="unknown-question"),
        pytest.param("wrong-type.yaml", 'wrong-type.yaml:2: `fever` must be true, false or not_sure, '
                     'not the text "maybe"', id="wrong-type"),
        pytest.param("out-of-range.yaml", "out-of-range.yaml:1: `age` must be a whole number from 0 "
                     "to 120, not 130", id="out-of-range"),
        pytest.param("not-whole.yaml", "not-whole.yaml:1: `age` must be a whole number from 0 to 120, "
                     "not 45.5", id="not-a-whole-number"),
        pytest.param("unknown-option.yaml", "unknown-option.yaml:1: `pain_duration`: `over_12_week` is "
                     "not an option (did you mean `over_12_weeks`?)", id="unknown-option"),
        pytest.param("unknown-option.json", "unknown-option.json:3: `pain_location`: `flank` is not an "
                     "option (did you mean `side_flank`?)", id="json-with-line"),
        pytest.param("multi-not-list.yaml", "multi-not-list.yaml:1: `pain_location` must be a list of "
                     "option ids (lower_back, upper_back, neck_shoulders, side_flank, widespread), or [], "
                     'not the text "lower_back"', id="multi-not-a-list"),
        pytest.param("not-a-mapping.yaml", "not-a-mapping.yaml:1: expected `question_id: answer` pairs "
                     "(or a FHIR QuestionnaireResponse), "
                     "found a list", id="not-a-mapping"),
        pytest.param("empty.yaml", "empty.yaml: expected `question_id: answer` pairs "
                     "(or a FHIR QuestionnaireResponse), found an empty file",
                     id="empty-file"),
        pytest.param("duplicate.yaml", "duplicate.yaml:3: `fever` is given twice in the same mapping; "
                     "keep one", id="duplicate-answer"),
        pytest.param("missing.yaml", "missing.yaml: cannot read the file: it does not exist; check the path",
                     id="missing-file"),
    ],
)
def test_bad_answers_file(name: str, message: str, cli: Callable[..., Any],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    for fmt in ("json", "text"):
        run = cli("assess", name, "--format", fmt)
        assert run.status == 2
        assert run.err.splitlines() == [message]
        assert run.out == ""


def test_one_bad_file_does_not_hide_the_others(cli: Callable[..., Any], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("age: 30\npain_severity: 2\n", encoding="utf-8")
    monkeypatch.chdir(FIXTURES)
    run = cli("assess", "wrong-type.yaml", good, "--format", "json")
    assert run.status == 2
    assert len(run.out.splitlines()) == 1
    assert run.err.startswith("wrong-type.yaml:2:")


def test_null_is_unanswered(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("age: 30\n" + NO_WARNING_SIGNS.replace("fever: false", "fever: null"), encoding="utf-8")
    run = cli("assess", path, "--format", "json")
    assert run.status == 0
    result = json.loads(run.out)
    assert result["complete"] is False
    assert result["unanswered"] == ["fever"]
    assert result["level"] == "doctor"
    assert [r["rule"] for r in result["level_reasons"]] == ["warning_signs_unanswered"]
    assert result["level_reasons"][0]["unanswered"] == ["fever"]


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param('{"age": 4.2e1}', {"age": 42}, id="exponent"),
    pytest.param('{"age": 40, "pain_location": ["lower_back"]}',
                 {"age": 40, "pain_location": ("lower_back",)}, id="list"),
    pytest.param('{"age": 40, "pain_onset": "gradual", "fever": null}', {"age": 40, "pain_onset": "gradual"},
                 id="null-is-unanswered"),
])
def test_json_is_read_as_json(kb: KnowledgeBase, tmp_path: Path, text: str, expected: dict[str, Any]) -> None:
    path = tmp_path / "a.json"
    path.write_text(text, encoding="utf-8")
    assert answers.load(kb, path) == expected


@pytest.mark.parametrize(("text", "line", "message"), [
    pytest.param('{\n  "age": 40,\n  "fevr": true\n}', 3, "`fevr` is not a question (did you mean `fever`?)",
                 id="unknown-question-line"),
    pytest.param('{\n  "age": 40,\n}', 3, "this is not valid JSON: expected a key in double quotes",
                 id="trailing-comma"),
    pytest.param('{"age": 40,\n "age": 41}', 2, "`age` is given twice in the same mapping", id="duplicate"),
    pytest.param('{"pain_onset": "\\ud83d\\ude00"}', 1, "`pain_onset`: `😀` is not an option",
                 id="emoji-escape"),
])
def test_json_problems_name_their_line(kb: KnowledgeBase, tmp_path: Path, text: str, line: int,
                                       message: str) -> None:
    path = tmp_path / "a.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TriageError) as caught:
        answers.load(kb, path, "a.json")
    assert caught.value.problems[0].line == line
    assert message in caught.value.problems[0].message
