"""No input reaches an internal error: whatever a file holds, the exit status is 0, 1 or 2.

Hypothesis writes arbitrary YAML and JSON structures as answers files, and
arbitrary changes into a copy of the knowledge base; `triage assess` and
`triage check` must answer each with a result or with messages, never with
"something went wrong inside the tool" (exit 70) or a traceback.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage.__main__ import main

ROOT = Path(__file__).resolve().parent.parent
QUESTION_IDS = [q["id"] for q in yaml.safe_load((ROOT / "questions.yaml").read_text())["questions"]]
RULE_FILES = sorted((ROOT / "rules").glob("*.yaml"))

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
SCALARS = (st.none() | st.booleans() | st.integers() | st.integers(-10**40, 10**40)
           | st.floats(allow_nan=True, allow_infinity=True) | TEXT
           | st.sampled_from(["not_sure", "lower_back", "side_flank", "yes", "0x29", "1:01", ""]))
KEYS = TEXT | st.sampled_from(QUESTION_IDS)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(KEYS, inner, max_size=4), max_leaves=20)
ANSWERS = st.dictionaries(st.sampled_from(QUESTION_IDS) | TEXT, VALUES, max_size=8) | VALUES


def run(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(list(argv))
    return status, err.getvalue()


def dump(data: Any, kind: str) -> str:
    if kind == "json":
        return json.dumps(data, allow_nan=True)
    return yaml.safe_dump(data, allow_unicode=True)


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=ANSWERS, kind=st.sampled_from(["yaml", "json"]))
def test_any_answers_file_gets_a_result_or_messages(data: Any, kind: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"answers.{kind}"
        path.write_text(dump(data, kind), encoding="utf-8")
        status, err = run("assess", str(path), "--format", "json")
    assert status in (0, 2), err
    assert "went wrong inside the tool" not in err and "Traceback" not in err


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=200))
def test_any_bytes_get_a_result_or_messages(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "answers.yaml"
        path.write_bytes(data)
        status, err = run("assess", str(path))
    assert status in (0, 2), err
    assert "went wrong inside the tool" not in err


def paths_in(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a structure where a value could be replaced."""
    out = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            out += paths_in(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += paths_in(value, (*prefix, i))
    return out


def replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    out = copy.copy(data)
    out[path[0]] = replaced(data[path[0]], path[1:], value)
    return out


@st.composite
def damaged_knowledge_base(draw: st.DrawFn) -> tuple[str, Any]:
    """One file of the shipped knowledge base, with one value anywhere in it replaced."""
    names = ["questions.yaml", *(f"rules/{p.name}" for p in RULE_FILES)]
    name = draw(st.sampled_from(names))
    original = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))
    where = draw(st.sampled_from(paths_in(original)))
    return name, replaced(original, where, draw(VALUES))


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damage=damaged_knowledge_base())
def test_any_damage_to_the_knowledge_base_gets_messages(damage: tuple[str, Any]) -> None:
    name, data = damage
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copy(ROOT / "questions.yaml", root / "questions.yaml")
        shutil.copytree(ROOT / "rules", root / "rules")
        (root / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        status, err = run("check", "--questions", str(root / "questions.yaml"),
                          "--rules", str(root / "rules"))
    assert status in (0, 1, 2), err
    assert "went wrong inside the tool" not in err and "Traceback" not in err
