"""Files about a person are private (0600), never replaced unasked and never half-written.

What is about a person: the interactive summaries and ``--answers-out`` (see
tests/test_terminal_app.py) and ``triage export fhir-response --out``. What is
about nobody, and may be shared (0644): ``triage export fhir-questionnaire
--out`` and ``triage schema``.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from triage import errors
from triage.terminal import save

ANSWERS = "age: 40\nsaddle_numbness: false\n"


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(ANSWERS, encoding="utf-8")
    return path


@pytest.fixture(params=[0o000, 0o022], ids=["umask-000", "umask-022"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- export fhir-response: a person's answers ------------------------------------------------
def test_exported_response_is_private(cli: Callable[..., Any], answers: Path, tmp_path: Path,
                                      umask: int) -> None:
    out = tmp_path / "response.fhir.json"
    run = cli("export", "fhir-response", answers, "--out", out)
    assert (run.status, run.out, run.err) == (0, "", "")
    assert mode(out) == 0o600
    printed = cli("export", "fhir-response", answers).out
    assert out.read_text(encoding="utf-8") == printed
    assert json.loads(printed)["resourceType"] == "QuestionnaireResponse"


def test_exported_response_never_replaces_a_file(cli: Callable[..., Any], answers: Path,
                                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = Path("response.json")
    out.write_text("keep me", encoding="utf-8")
    run = cli("export", "fhir-response", answers, "--out", out)
    assert run.status == 2
    assert run.err == f"triage: {errors.OUTPUT_EXISTS.format(path=out)}\n"
    assert out.read_text(encoding="utf-8") == "keep me"


def test_exported_response_does_not_follow_a_link(cli: Callable[..., Any], answers: Path,
                                                  tmp_path: Path) -> None:
    (tmp_path / "response.json").symlink_to(tmp_path / "elsewhere.json")
    assert cli("export", "fhir-response", answers, "--out", tmp_path / "response.json").status == 2
    assert not (tmp_path / "elsewhere.json").exists()


def test_a_full_disk_leaves_no_half_written_response(cli: Callable[..., Any], answers: Path,
                                                     tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    out = tmp_path / "response.json"
    run = cli("export", "fhir-response", answers, "--out", out)
    assert run.status == 2
    assert run.err.endswith(f": {errors.CANNOT_WRITE.format(reason='No space left on device')}\n")
    assert not out.exists()


def test_export_into_a_missing_folder_is_a_message(cli: Callable[..., Any], answers: Path,
                                                  tmp_path: Path) -> None:
    run = cli("export", "fhir-response", answers, "--out", tmp_path / "nowhere" / "r.json")
    assert run.status == 2
    assert "cannot write the file: No such file or directory" in run.err
    assert "Traceback" not in run.err


# --- about nobody: the questionnaire and the schemas -------------------------------------------
def test_exported_questionnaire_may_be_shared(cli: Callable[..., Any], tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        assert cli("export", "fhir-questionnaire", "--out", tmp_path / "q.json").status == 0
        assert cli("schema", "--out", tmp_path / "schemas").status == 0
        assert cli("schema", "--out", tmp_path / "schemas", "--force").status == 0
    finally:
        os.umask(old)
    assert mode(tmp_path / "q.json") == 0o644
    for name in ("questions.schema.json", "rules.schema.json"):
        assert mode(tmp_path / "schemas" / name) == 0o644


# --- the writer ------------------------------------------------------------------------------
def test_writer_is_private_by_default(tmp_path: Path, umask: int) -> None:
    save.write(tmp_path / "new.md", "text")
    save.write(tmp_path / "new.md", "again", replace=True)
    assert mode(tmp_path / "new.md") == 0o600
    assert (tmp_path / "new.md").read_text() == "again"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.md"]


def test_a_failed_replacement_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "mine.md"
    target.write_text("old")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space"):
        save.write(target, "new", replace=True)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.md"]
