"""JSON Schemas for the knowledge base: current with the models, and they check the YAML.

``jsonschema`` is not a dependency; :func:`errors_in` checks the keywords the
generated schemas use (and fails on any other, so a new keyword is noticed).
"""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from triage import schema

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
RULE_FILES = sorted((ROOT / "rules").glob("*.yaml"))

TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
ANNOTATIONS = {"$schema", "title", "description", "default", "$defs"}


def errors_in(value: Any, node: dict[str, Any], root: dict[str, Any], where: str = "$") -> Iterator[str]:
    """Every way ``value`` breaks the schema ``node`` (empty when it fits): each keyword's check in turn."""
    for key, rule in node.items():
        if key in ANNOTATIONS:
            continue
        if key not in KEYWORDS:
            raise AssertionError(f"the schema uses `{key}`; teach errors_in about it")
        yield from KEYWORDS[key](Keyword(value, rule, node, root, where))


@dataclass(frozen=True)
class Keyword:
    """One keyword of a schema node (its ``rule``), applied to ``value`` at ``where``."""

    value: Any
    rule: Any
    node: dict[str, Any]
    root: dict[str, Any]
    where: str

    def inner(self, value: Any, schema_: dict[str, Any], where: str | None = None) -> Iterator[str]:
        return errors_in(value, schema_, self.root, self.where if where is None else where)


def _ref(k: Keyword) -> Iterator[str]:
    assert k.rule.startswith("#/$defs/"), k.rule
    yield from k.inner(k.value, k.root["$defs"][k.rule.removeprefix("#/$defs/")])


def _type(k: Keyword) -> Iterator[str]:
    if not TYPES[k.rule](k.value):
        yield f"{k.where}: not {k.rule}"


def _enum(k: Keyword) -> Iterator[str]:
    if k.value not in k.rule:
        yield f"{k.where}: {k.value!r} not in {k.rule}"


def _fits(k: Keyword) -> int:
    """How many of the choices ``value`` fits."""
    return sum(not list(k.inner(k.value, option)) for option in k.rule)


def _any_of(k: Keyword) -> Iterator[str]:
    fits = _fits(k)
    if fits == 0:
        yield f"{k.where}: fits {fits} of the anyOf choices"


def _one_of(k: Keyword) -> Iterator[str]:
    fits = _fits(k)
    if fits != 1:
        yield f"{k.where}: fits {fits} of the oneOf choices"


def _properties(k: Keyword) -> Iterator[str]:
    if isinstance(k.value, dict):
        for name, sub in k.rule.items():
            if name in k.value:
                yield from k.inner(k.value[name], sub, f"{k.where}.{name}")


def _required(k: Keyword) -> Iterator[str]:
    if isinstance(k.value, dict):
        yield from (f"{k.where}: missing {name}" for name in k.rule if name not in k.value)


def _additional_properties(k: Keyword) -> Iterator[str]:
    if not isinstance(k.value, dict):
        return
    extra = [key for key in k.value if key not in k.node.get("properties", {})]
    if k.rule is False:
        yield from (f"{k.where}: unknown key {key}" for key in extra)
    elif isinstance(k.rule, dict):
        for key in extra:
            yield from k.inner(k.value[key], k.rule, f"{k.where}.{key}")


def _const(k: Keyword) -> Iterator[str]:
    if k.value != k.rule:
        yield f"{k.where}: {k.value!r} is not {k.rule!r}"


def _min_items(k: Keyword) -> Iterator[str]:
    if isinstance(k.value, list) and len(k.value) < k.rule:
        yield f"{k.where}: fewer than {k.rule} items"


def _items(k: Keyword) -> Iterator[str]:
    if isinstance(k.value, list):
        for i, item in enumerate(k.value):
            yield from k.inner(item, k.rule, f"{k.where}[{i}]")


KEYWORDS: dict[str, Callable[[Keyword], Iterator[str]]] = {
    "$ref": _ref, "type": _type, "enum": _enum, "anyOf": _any_of, "oneOf": _one_of,
    "properties": _properties, "required": _required, "additionalProperties": _additional_properties,
    "const": _const, "minItems": _min_items, "items": _items,
}
"""The keywords the generated schemas use, each with its check."""


def load_schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return data


def check(data: Any, name: str) -> list[str]:
    root = load_schema(name)
    return list(errors_in(data, root, root))


def read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_committed_schemas_are_current() -> None:
    for name, text in schema.generate().items():
        committed = (SCHEMAS / name).read_text(encoding="utf-8")
        assert committed == text, f"schemas/{name} is out of date; run: uv run triage schema --out schemas"


@pytest.mark.parametrize(
    ("path", "name"),
    [pytest.param(ROOT / "questions.yaml", "questions.schema.json", id="questions")]
    + [pytest.param(p, "rules.schema.json", id=f"rules-{p.stem}") for p in RULE_FILES],
)
def test_shipped_yaml_fits_and_points_at_its_schema(path: Path, name: str) -> None:
    assert check(read_yaml(path), name) == []
    first = path.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix)
    assert (path.parent / first.removeprefix(prefix)).resolve() == (SCHEMAS / name).resolve()


def broken_questions() -> Iterator[Any]:
    def edit(change: Callable[[dict[str, Any]], None], label: str) -> Any:
        data = read_yaml(ROOT / "questions.yaml")
        change(data)
        return pytest.param(data, id=label)

    yield edit(lambda d: d["questions"][0].update(typ="number"), "misspelt-key")
    yield edit(lambda d: d["questions"][1].update(type="yesno"), "unknown-type")
    yield edit(lambda d: d["questions"][2].pop("why"), "missing-why")
    yield edit(lambda d: d["questions"][0].update(min="zero"), "min-not-a-number")
    yield edit(lambda d: d["questions"][8].update(ask_if={"question": "pain_location", "operator": "in",
                                                          "answer": "side_flank"}), "bad-operator")
    yield edit(lambda d: d["questions"][8].update(ask_if={"questions": "pain_location"}), "not-a-condition")
    location = next(i for i, q in enumerate(read_yaml(ROOT / "questions.yaml")["questions"])
                    if q["id"] == "pain_location")
    yield edit(lambda d: d["questions"][location]["options"][0].pop("label"), "option-without-label")
    yield edit(lambda d: d.pop("sections"), "no-sections")


@pytest.mark.parametrize("data", list(broken_questions()))
def test_schema_rejects_broken_questions(data: Any) -> None:
    assert check(data, "questions.schema.json") != []


def broken_rules() -> Iterator[Any]:
    base = read_yaml(ROOT / "rules" / "nerves.yaml")

    def edit(change: Callable[[dict[str, Any]], None], label: str) -> Any:
        data = copy.deepcopy(base)
        change(data)
        return pytest.param(data, id=label)

    yield edit(lambda d: d["rules"][0].pop("because"), "missing-because")
    yield edit(lambda d: d["rules"][0].update(then={"red_flag": "cauda_equina", "level": "hospital"}),
               "unknown-level")
    yield edit(lambda d: d["rules"][0].update(then={"diagnosis": "cauda_equina"}), "unknown-then")
    yield edit(lambda d: d["rules"][0].update(when={"all": [{"cause": "x", "extra": 1}]}),
               "bad-nested-condition")
    yield edit(lambda d: d["rules"][0]["examples"].update(fire=[]), "misspelt-examples-key")
    yield edit(lambda d: d["red_flags"][0].pop("means"), "red-flag-without-means")
    yield edit(lambda d: d["causes"][0].update(acupuncture_responsive="yes"), "flag-not-boolean")
    yield edit(lambda d: d.pop("topic"), "no-topic")


@pytest.mark.parametrize("data", list(broken_rules()))
def test_schema_rejects_broken_rules(data: Any) -> None:
    assert check(data, "rules.schema.json") != []


def test_cli_writes_the_same_schemas(cli: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    run = cli("schema", "--out", out)
    assert run.status == 0
    assert run.out.splitlines() == [f"wrote {out / 'questions.schema.json'}",
                                    f"wrote {out / 'rules.schema.json'}"]
    for name in ("questions.schema.json", "rules.schema.json"):
        assert (out / name).read_text(encoding="utf-8") == (SCHEMAS / name).read_text(encoding="utf-8")


def test_cli_check(cli: Callable[..., Any], tmp_path: Path) -> None:
    assert cli("schema", "--check", "--out", SCHEMAS).status == 0
    out = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, out)
    (out / "rules.schema.json").write_text("{}\n", encoding="utf-8")
    (out / "questions.schema.json").unlink()
    run = cli("schema", "--check", "--out", out)
    assert run.status == 1
    assert run.out.splitlines() == [
        f"{out / 'questions.schema.json'}: this schema does not exist yet; run: triage schema --out {out}",
        f"{out / 'rules.schema.json'}: out of date with the models; run: triage schema --out {out}",
    ]


def test_a_clinic_knowledge_base_is_checked_by_the_same_schemas(tmp_path: Path) -> None:
    shutil.copy(ROOT / "questions.yaml", tmp_path / "questions.yaml")
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    extra = tmp_path / "rules" / "clinic.yaml"
    extra.write_text(
        "# yaml-language-server: $schema=../schemas/rules.schema.json\n"
        "topic: Clinic extras\n"
        "rules:\n"
        "  - id: clinic_long_sitting\n"
        "    when: {question: posture_habits, operator: contains, answer: prolonged_sitting}\n"
        "    then: {level: acupuncturist}\n"
        "    because: Long sitting strains the back.\n"
        "    source: Clinic protocol\n",
        encoding="utf-8",
    )
    assert check(read_yaml(extra), "rules.schema.json") == []
    assert check(read_yaml(tmp_path / "questions.yaml"), "questions.schema.json") == []


def _exists_line(path: Path, folder: Path) -> str:
    return f"{path}: this schema already exists; to replace it, run: triage schema --out {folder} --force"


def test_cli_refuses_to_replace_schemas_without_force(cli: Callable[..., Any], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # short paths in the messages
    out = Path("schemas")
    assert cli("schema", "--out", out).status == 0
    (out / "rules.schema.json").write_text("{}\n", encoding="utf-8")
    run = cli("schema", "--out", out)
    assert run.status == 2
    assert run.out == ""
    assert run.err.splitlines() == [_exists_line(out / "questions.schema.json", out),
                                    _exists_line(out / "rules.schema.json", out)]
    assert (out / "rules.schema.json").read_text(encoding="utf-8") == "{}\n"


def test_one_existing_schema_stops_both(cli: Callable[..., Any], tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = Path("schemas")
    out.mkdir()
    (out / "rules.schema.json").write_text("mine\n", encoding="utf-8")
    run = cli("schema", "--out", out)
    assert run.status == 2
    assert run.err.splitlines() == [_exists_line(out / "rules.schema.json", out)]
    assert sorted(p.name for p in out.iterdir()) == ["rules.schema.json"]  # nothing written


def test_cli_force_replaces_schemas(cli: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    assert cli("schema", "--out", out).status == 0
    (out / "rules.schema.json").write_text("{}\n", encoding="utf-8")
    run = cli("schema", "--out", out, "--force")
    assert run.status == 0
    assert run.out.splitlines() == [f"wrote {out / 'questions.schema.json'}",
                                    f"wrote {out / 'rules.schema.json'}"]
    assert sorted(p.name for p in out.iterdir()) == ["questions.schema.json", "rules.schema.json"]
    assert cli("schema", "--check", "--out", out).status == 0


def test_check_ignores_force(cli: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    shutil.copytree(SCHEMAS, out)
    (out / "rules.schema.json").write_text("{}\n", encoding="utf-8")
    assert cli("schema", "--check", "--force", "--out", out).status == 1
    assert (out / "rules.schema.json").read_text(encoding="utf-8") == "{}\n"  # --check writes nothing


def test_schema_into_a_file_is_a_message_not_a_traceback(cli: Callable[..., Any], tmp_path: Path) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    run = cli("schema", "--out", tmp_path / "file")
    assert run.status == 2
    assert "cannot write the file" in run.err
    assert "Traceback" not in run.err
