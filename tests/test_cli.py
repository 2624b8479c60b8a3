"""`triage assess` and `triage check` as a user calls them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from answer_text import NO_WARNING_SIGNS, NO_WARNING_SIGNS_JSON
from conftest import Run

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_check_is_clean(cli: Callable[..., Any]) -> None:
    run = cli("check")
    assert run.status == 0
    assert run.out.startswith("knowledge base ")
    assert "46 questions" in run.out and "9 red flags; no problems" in run.out


def test_assess_reads_json_too(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = write(tmp_path, "a.json",
                 '{"age": 32, "muscle_tension": true, "pain_severity": 4, ' + NO_WARNING_SIGNS_JSON + "}")
    result = json.loads(cli("assess", path, "--format", "json").out)
    assert result["level"] == "acupuncturist"
    assert result["acupuncture"]["suggested"] is True
    assert [c["id"] for c in result["causes"]] == ["muscle_strain"]


def test_ignored_answers_are_reported(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", "age: 40\nsaddle_numbness: true\nhas_periods: false\n"
                                     "pain_worse_with_periods: true\n")
    result = json.loads(cli("assess", path, "--format", "json").out)
    assert result["stopped_early"] is True
    assert result["questions_asked"] == 3
    ignored = {i["question"] for i in result["ignored_answers"]}
    assert ignored == {"has_periods", "pain_worse_with_periods"}


def test_text_format_reads_as_plain_words(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", "age: 40\nsaddle_numbness: true\n")
    run = cli("assess", path)
    assert run.status == 0
    assert run.out.startswith("Suggestion: EMERGENCY.")
    assert "Seek emergency care now" in run.out
    assert "Possible cauda equina syndrome" in run.out
    assert "Because you said" in run.out and "Source:" in run.out
    assert "This is not a diagnosis" in run.out


def test_doctor_with_long_pain_adds_acupuncture_as_a_complement(cli: Callable[..., Any],
                                                                 tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml",
                 "age: 50\npain_duration: over_12_weeks\nmuscle_tension: true\n" + NO_WARNING_SIGNS)
    result = json.loads(cli("assess", path, "--format", "json").out)
    assert result["level"] == "doctor"
    assert result["acupuncture"]["suggested"] is True
    assert "complement" in result["acupuncture"]["note"]


def test_a_child_is_asked_the_childrens_list_then_no_more(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", "age: 12\npain_severity: 3\npain_duration: 1_to_6_weeks\n"
                 + NO_WARNING_SIGNS)
    result = json.loads(cli("assess", path, "--format", "json").out)
    assert (result["level"], result["questions_asked"], result["complete"]) == ("doctor", 16, True)
    assert result["acupuncture"]["suggested"] is False
    assert result["causes"] == []
    ignored = {i["question"] for i in result["ignored_answers"]}
    assert {"pain_severity", "pulsating_abdomen", "osteoporosis_or_steroids"} <= ignored


def test_a_child_with_an_emergency_sign_gets_the_emergency(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", "age: 15\nsaddle_numbness: true\n")
    result = json.loads(cli("assess", path, "--format", "json").out)
    assert (result["level"], result["questions_asked"], result["stopped_early"]) == ("emergency", 3, True)


@pytest.mark.parametrize(
    "argv",
    [pytest.param(["assess"], id="assess-without-file"), pytest.param(["nonsense"], id="unknown-command"),
     pytest.param(["assess", "x", "--format", "xml"], id="bad-format")],
)
def test_usage_errors_exit_2(argv: list[str]) -> None:
    proc = subprocess.run([sys.executable, "-m", "triage", *argv], capture_output=True, text=True,
                          cwd=ROOT, check=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_questionnaire_without_a_terminal_points_to_assess() -> None:
    proc = subprocess.run([sys.executable, "-m", "triage"], input="", capture_output=True, text=True,
                          cwd=ROOT, check=False)
    assert proc.returncode == 2
    assert "triage assess" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_installed_console_script_runs_from_anywhere(tmp_path: Path) -> None:
    """The shipped knowledge base is found whatever the current folder."""
    script = Path(sys.executable).with_name("triage")
    proc = subprocess.run([str(script), "check"], capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ}, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(("name", "level"), [
    pytest.param("kidney-stone.yaml", "urgent_doctor", id="kidney-stone"),
    pytest.param("muscle-strain.yaml", "acupuncturist", id="muscle-strain"),
])
def test_readme_examples_assess_as_documented(name: str, level: str, cli: Callable[..., Any]) -> None:
    run = cli("assess", ROOT / "examples" / name, "--format", "json")
    assert run.status == 0
    assert json.loads(run.out)["level"] == level


def test_schema_help_offers_force(capsys: pytest.CaptureFixture[str]) -> None:
    from triage.__main__ import main

    with pytest.raises(SystemExit) as done:
        main(["schema", "--help"])
    assert done.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--force" in text
    assert "replace schema files that already exist" in text


def test_export_response_refuses_an_existing_file_before_writing(cli: Callable[..., Any],
                                                                 tmp_path: Path) -> None:
    answers = write(tmp_path, "a.yaml", "age: 40\n")
    out = write(tmp_path, "out.json", "keep me")
    run = cli("export", "fhir-response", answers, "--out", out)
    assert run.status == 2
    assert run.err == f"triage: {out} already exists; choose another name or remove it first\n"
    assert out.read_text(encoding="utf-8") == "keep me"


@pytest.mark.slow
def test_the_readme_command_prints_only_the_help() -> None:
    """`uv run triage --help`, as the README says: no line from uv (such as recompiling bytecode)."""
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("the README's command needs uv")
    proc = subprocess.run([uv, "run", "--frozen", "triage", "--help"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0
    assert proc.stdout.startswith("usage: triage")
    assert proc.stderr == ""


# --- global options, before or after the command ---------------------------------------------
@pytest.mark.parametrize("argv", [
    pytest.param(["--lang", "es", "red-flags"], id="before"),
    pytest.param(["red-flags", "--lang", "es"], id="after"),
    pytest.param(["red-flags", "--lang=es"], id="after-with-equals"),
    pytest.param(["red-flags", "--format", "json", "--lang", "es"], id="after-another-option"),
])
def test_lang_works_before_or_after_the_command(cli: Callable[..., Run], argv: list[str]) -> None:
    from triage import i18n

    try:
        run = cli(*argv)
    finally:
        i18n.activate(i18n.ENGLISH)
    assert run.status == 0, run.err
    assert "Señal de alarma en el pecho" in run.out  # text or JSON, in Spanish


def test_lang_on_a_nested_command(cli: Callable[..., Run]) -> None:
    from triage import i18n

    try:
        run = cli("export", "fhir-response", "--lang", "es", str(ROOT / "examples" / "muscle-strain.yaml"))
    finally:
        i18n.activate(i18n.ENGLISH)
    assert run.status == 0, run.err
    assert '"resourceType": "QuestionnaireResponse"' in run.out


@pytest.mark.parametrize("where", ["before", "after"])
def test_the_knowledge_base_s_files_are_kept_before_or_after_the_command(
    cli: Callable[..., Run], tmp_path: Path, where: str
) -> None:
    missing = str(tmp_path / "nowhere.yaml")
    argv = ["--questions", missing, "check"] if where == "before" else ["check", "--questions", missing]
    run = cli(*argv)
    assert run.status == 1  # check reports the knowledge base's problems
    assert run.out.startswith(f"{missing}: ") and "does not exist" in run.out


def test_a_lang_without_a_value_is_one_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    from triage.__main__ import main

    with pytest.raises(SystemExit) as stopped:
        main(["red-flags", "--lang"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "--lang: expected one argument" in err and "Traceback" not in err
