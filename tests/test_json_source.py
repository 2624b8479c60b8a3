"""JSON files: the standard library's decoder reads the values, and the layout the lines and limits."""

from __future__ import annotations

import json

import pytest

from triage import errors, yamlsrc
from triage.errors import TriageError


def refused(text: str) -> tuple[int | None, str]:
    with pytest.raises(TriageError) as caught:
        yamlsrc.parse_json(text, "a.json")
    (problem,) = caught.value.problems
    return problem.line, problem.message


def bad_json(reason: str) -> str:
    return errors.BAD_JSON.format(reason=reason)


EXPECTED_VALUE = "expected a value (text in double quotes, a number, true, false, null, { or [)"


def test_every_key_and_item_has_its_line() -> None:
    text = '{\n  "a": [\n    1,\n    {"b": null}\n  ],\n  "c":\n    "x"\n}\n'
    source = yamlsrc.parse_json(text, "a.json")
    assert source.data == {"a": [1, {"b": None}], "c": "x"}
    assert dict(source.lines) == {(): 1, ("a",): 2, ("a", 0): 3, ("a", 1): 4, ("a", 1, "b"): 4, ("c",): 6}


def test_escaped_keys_are_read_as_text() -> None:
    source = yamlsrc.parse_json('{"\\u00e9": 1,\n "\\"q\\"": 2}', "a.json")
    assert source.data == {"é": 1, '"q"': 2}
    assert source.line(('"q"',)) == 2


def test_white_space_only_is_no_value() -> None:
    assert yamlsrc.parse_json(" \n\t", "a.json").data is None


@pytest.mark.parametrize(("text", "line", "message"), [
    pytest.param('{"a": 1,\n "\\u0061": 2}', 2, errors.DUPLICATE_KEY.format(key="a"), id="duplicate-escaped"),
    pytest.param('[1,\n NaN]', 2, bad_json(EXPECTED_VALUE), id="nan"),
    pytest.param('[\n-Infinity]', 2, bad_json(EXPECTED_VALUE), id="infinity"),
    pytest.param('\ufeff{}', 1, bad_json(EXPECTED_VALUE), id="byte-order-mark"),
    pytest.param('[1,\n]', 2, bad_json(EXPECTED_VALUE), id="trailing-comma-list"),
    pytest.param('{"a": 1,\n}', 2, bad_json("expected a key in double quotes"), id="trailing-comma-mapping"),
    pytest.param('{"a": [1\n 2]}', 2, bad_json("expected `,` or `]`"), id="missing-comma-list"),
    pytest.param('{"a": [1]\n "b": 2}', 2, bad_json("expected `,` or `}`"), id="missing-comma-mapping"),
    pytest.param('{"a"\n 1}', 2, bad_json("expected `:` after the key"), id="missing-colon"),
    pytest.param('{}\n{}', 2, bad_json("unexpected text after the end"), id="extra"),
    pytest.param('["a\\x"]', 1, bad_json("Invalid \\escape"), id="bad-escape"),
])
def test_problems_name_their_line(text: str, line: int, message: str) -> None:
    assert refused(text) == (line, message)


@pytest.mark.parametrize(("text", "line", "message"), [
    pytest.param("[" * 5_000, 1, errors.TOO_DEEP.format(limit=yamlsrc.MAX_DEPTH), id="deeper-than-the-stack"),
    pytest.param("[\n" + "9" * 5_000 + "]", 2, errors.NUMBER_TOO_LONG.format(limit=yamlsrc.MAX_DIGITS),
                 id="thousands-of-digits"),
    pytest.param("[" + "1,\n" * 5_000 + "1]", 5_001, errors.TOO_MANY_ITEMS.format(limit="5,000"),
                 id="too-many-items"),
    pytest.param(json.dumps({"a": "x" * 10_001}), 1,
                 errors.TEXT_TOO_LONG.format(length="10,001", limit="10,000"), id="long-text"),
])
def test_limits(text: str, line: int, message: str) -> None:
    assert refused(text) == (line, message)


def test_of_a_limit_and_a_syntax_error_the_first_is_reported() -> None:
    long_text = json.dumps("x" * 10_001)
    assert refused(f"[\n{long_text},\n oops]")[0] == 2
    assert refused(f"[\n oops,\n {long_text}]")[0] == 2
    assert refused(f"[1 {long_text}]")[1] == bad_json("expected `,` or `]`")  # the text is never read
