"""Bad knowledge bases, one folder each, with the exact message and exit status.

Each folder under tests/fixtures/kb/ holds questions.yaml, rules/ and
expected.txt: the first line is `exit: N`, the rest is what `triage check`
prints, one problem a line as `file:line: message`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from triage import errors

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "kb"
CASES = [pytest.param(d, id=d.name) for d in sorted(FIXTURES.iterdir()) if d.is_dir()]


@pytest.mark.parametrize("folder", CASES)
def test_check_reports_exactly(
    folder: Path, cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(folder)
    first, *expected = (folder / "expected.txt").read_text(encoding="utf-8").splitlines()
    run = cli("check", "--questions", "questions.yaml", "--rules", "rules")
    assert run.status == int(first.removeprefix("exit: "))
    assert run.out.splitlines() == expected
    assert "Traceback" not in run.err


@pytest.mark.parametrize("folder", [c for c in CASES if c.id != "valid"])
def test_every_other_command_refuses_a_broken_knowledge_base(
    folder: Path, cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Loading for any command reports the same way: exit 2, no traceback."""
    answers = tmp_path / "answers.yaml"
    answers.write_text("fever: true\n", encoding="utf-8")
    monkeypatch.chdir(folder)
    run = cli("assess", answers, "--questions", "questions.yaml", "--rules", "rules")
    lint_only = {"unreachable-red-flag", "unused-question", "no-examples", "example-fails",
                 "stop-before-negated", "coverage-below-tier", "rule-unreachable"}
    if folder.name in lint_only:  # the knowledge base still works; only `check` flags it
        assert run.status == 0
    else:
        assert run.status == 2
        assert run.err.splitlines() == (folder / "expected.txt").read_text().splitlines()[1:]


@pytest.mark.parametrize(
    ("template", "fields", "expected"),
    [
        pytest.param(errors.UNKNOWN_QUESTION, {"where": "rule `r`", "id": "fevr",
                     "hint": errors.did_you_mean("fevr", ["fever", "age"])},
                     "rule `r`: unknown question `fevr` (did you mean `fever`?)", id="did-you-mean"),
        pytest.param(errors.UNKNOWN_QUESTION, {"where": "rule `r`", "id": "zzz",
                     "hint": errors.did_you_mean("zzz", ["fever", "age"])},
                     "rule `r`: unknown question `zzz` (valid: `age`, `fever`)", id="valid-list"),
    ],
)
def test_catalogue_templates(template: str, fields: dict[str, str], expected: str) -> None:
    assert template.format(**fields) == expected


def test_missing_folder_and_empty_folder(cli: Callable[..., Any], tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    run = cli("check", "--rules", tmp_path / "rules")
    assert run.status == 1
    assert errors.NO_RULE_FILES in run.out
    run = cli("check", "--rules", tmp_path / "nowhere")
    assert errors.FILE_NOT_FOUND in run.out
