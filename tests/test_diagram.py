"""``triage diagram``: the knowledge base as a graph, and docs/red-flags.mmd."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from xml.etree import ElementTree

import pytest

from triage import diagram, i18n, loader, textwidth, words
from triage.models import LEVELS, KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
MERMAID_NODE = re.compile(r"^    ([a-z]_\w+)[\[\(\{]", re.MULTILINE)
MERMAID_EDGE = re.compile(r"^    (\w+) (?:-->|-\. asked if \.->) (\w+)$", re.MULTILINE)
SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    """`--lang` leaves its language active in this process: English again for the next test."""
    yield
    i18n.activate(i18n.ENGLISH)


@pytest.fixture
def dot_program() -> str:
    """Graphviz's dot: skipped without it on a developer's machine, failed in CI (.ci/run installs it)."""
    found = shutil.which("dot")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("Graphviz's dot is not installed, so the diagram tests cannot run in CI; "
                        ".ci/run installs it (apt-get install graphviz)")
        pytest.skip("Graphviz's dot is not installed: `apt-get install graphviz` to run the picture tests")
    return found


def svg_root(data: bytes | str) -> ElementTree.Element:
    root = ElementTree.fromstring(data.encode("utf-8") if isinstance(data, str) else data)
    assert root.tag == f"{SVG}svg"
    return root


def svg_texts(data: bytes | str) -> list[str]:
    """Every line of text the picture shows, nodes and arrows alike."""
    return [t.text or "" for t in svg_root(data).iter(f"{SVG}text")]


@contextlib.contextmanager
def language(tag: str) -> Iterator[None]:
    i18n.activate(tag)
    try:
        yield
    finally:
        i18n.activate(i18n.ENGLISH)


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_diagram", ROOT / "scripts" / "make_diagram.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def nodes(text: str) -> set[str]:
    return set(MERMAID_NODE.findall(text))


def edges(text: str) -> set[tuple[str, str]]:
    return set(MERMAID_EDGE.findall(text))


def test_mermaid_has_every_item_and_the_main_paths(cli: Callable[..., Any], kb: KnowledgeBase) -> None:
    run = cli("diagram")
    assert run.status == 0
    assert run.out.startswith("flowchart LR\n")
    expected = (
        {f"q_{q.id}" for q in kb.questions} | {f"r_{r.id}" for r in kb.rules}
        | {f"c_{c.id}" for c in kb.causes} | {f"f_{f.id}" for f in kb.red_flags}
        | {f"l_{level}" for level in LEVELS}
    )
    assert nodes(run.out) == expected
    assert {
        ("q_saddle_numbness", "r_cauda_equina_saddle_numbness"),
        ("r_cauda_equina_saddle_numbness", "f_cauda_equina"),
        ("f_cauda_equina", "l_emergency"),
        ("q_pain_radiates_leg", "r_disc_problem_sciatica"),
        ("r_disc_problem_sciatica", "c_disc_problem"),
        ("c_disc_problem", "r_see_doctor_disc_problem"),
        ("r_see_doctor_disc_problem", "l_doctor"),
        ("c_kidney_stones", "r_kidney_infection_fever"),
        ("r_no_warning_signs", "l_acupuncturist"),
        ("q_has_periods", "q_pain_worse_with_periods"),
    } <= edges(run.out)
    assert "    q_has_periods -. asked if .-> q_pain_worse_with_periods\n" in run.out
    assert 'c_disc_problem(["Disc problem (for example a bulging or #quot;slipped#quot; disc)"])' in run.out
    assert "    classDef red_flag " in run.out


def test_every_edge_joins_drawn_nodes(cli: Callable[..., Any]) -> None:
    out = cli("diagram").out
    drawn = nodes(out)
    assert edges(out)
    for source, target in edges(out):
        assert source in drawn and target in drawn


def test_dot(cli: Callable[..., Any]) -> None:
    run = cli("diagram", "--format", "dot")
    assert run.status == 0
    assert run.out.startswith("digraph triage {\n    rankdir=LR;\n")
    assert run.out.endswith("}\n")
    assert '    f_aortic_aneurysm [label="Possible problem with the aorta", shape=hexagon' in run.out
    assert "    f_aortic_aneurysm -> l_emergency;\n" in run.out
    assert '    q_has_periods -> q_pain_worse_with_periods [style=dashed, label="asked if"];\n' in run.out
    assert 'label="Disc problem (for example a bulging or \\"slipped\\" disc)"' in run.out


@pytest.mark.parametrize(
    ("focus", "expected"),
    [
        pytest.param("pain_worse_with_periods", {
            "q_has_periods", "q_pain_worse_with_periods", "r_endometriosis_periods", "c_endometriosis",
            "r_see_doctor_endometriosis", "l_doctor"}, id="question"),
        pytest.param("chest_warning", {
            "q_chest_symptoms", "r_chest_warning_symptoms", "f_chest_warning", "l_emergency"},
            id="red-flag"),
        pytest.param("kidney_infection", {
            "q_pain_location", "q_pain_comes_in_waves", "q_nausea_or_vomiting", "q_blood_in_urine", "q_fever",
            "q_pregnant", "q_age",  # asked when pregnant; pregnant is asked from 12 to 55
            "r_kidney_stones_pattern", "c_kidney_stones", "r_kidney_infection_fever", "f_kidney_infection",
            "l_emergency"}, id="red-flag-through-a-cause"),
        pytest.param("stress_anxiety", {"q_stress_level", "r_stress_anxiety_high", "c_stress_anxiety"},
                     id="cause"),
        pytest.param("severe_pain_with_sickness", {
            "q_nausea_or_vomiting", "q_pain_severity", "r_severe_pain_with_sickness", "l_urgent_doctor"},
            id="rule"),
    ],
)
def test_focus_keeps_only_what_connects(cli: Callable[..., Any], focus: str, expected: set[str]) -> None:
    run = cli("diagram", "--focus", focus)
    assert run.status == 0
    assert nodes(run.out) == expected


def test_focus_on_several_ids(cli: Callable[..., Any]) -> None:
    out = cli("diagram", "--focus", "aortic_aneurysm", "--focus", "stress_anxiety").out
    assert {"f_aortic_aneurysm", "c_stress_anxiety"} <= nodes(out)


def test_focus_on_a_level_shows_everything_that_leads_there(cli: Callable[..., Any]) -> None:
    out = cli("diagram", "--focus", "emergency").out
    assert {"f_cauda_equina", "f_aortic_aneurysm", "f_kidney_infection", "f_pregnancy_warning",
            "l_emergency"} <= nodes(out)
    assert "c_arthritis" not in nodes(out)


def test_unknown_focus(cli: Callable[..., Any]) -> None:
    run = cli("diagram", "--focus", "cauda_equnia")
    assert run.status == 2
    assert run.err == ("triage: `cauda_equnia` is not a question, cause, red flag, rule or source "
                       "(did you mean `cauda_equina`?)\n")


def test_red_flag_part(kb: KnowledgeBase) -> None:
    text = diagram.mermaid(diagram.red_flag_part(kb))
    drawn = nodes(text)
    assert {f"f_{f.id}" for f in kb.red_flags} <= drawn
    assert {n for n in drawn if n.startswith("l_")} == {"l_emergency", "l_urgent_doctor"}
    assert "r_urgent_doctor_kidney_stones" not in drawn
    assert "c_kidney_stones" in drawn


def test_committed_red_flag_diagram_is_current(kb: KnowledgeBase) -> None:
    committed = (ROOT / "docs" / "red-flags.mmd").read_text(encoding="utf-8")
    assert committed == diagram.mermaid(diagram.red_flag_part(kb)), (
        "docs/red-flags.mmd is out of date; run: uv run python scripts/make_diagram.py")


def test_script_writes_and_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  dot_program: str) -> None:
    script = load_script()
    out, readme, svg = tmp_path / "red-flags.mmd", tmp_path / "README.md", tmp_path / "red-flags.svg"
    readme.write_text(f"# Title\n\n{script.START}\nold\n{script.END}\n\nMore.\n", encoding="utf-8")
    argv = ["--out", str(out), "--readme", str(readme), "--svg", str(svg)]
    assert script.main(argv) == 0
    assert svg_texts(svg.read_bytes()) == svg_texts((ROOT / "docs" / "red-flags.svg").read_bytes())
    diagram_text = (ROOT / "docs" / "red-flags.mmd").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == diagram_text
    assert readme.read_text(encoding="utf-8") == (
        f"# Title\n\n{script.START}\n```mermaid\n{diagram_text}```\n{script.END}\n\nMore.\n")
    assert script.main([*argv, "--check"]) == 0
    out.write_text("flowchart LR\n", encoding="utf-8")
    assert script.main([*argv, "--check"]) == 1
    assert "red-flags.mmd: out of date" in capsys.readouterr().err
    out.write_text(diagram_text, encoding="utf-8")
    svg.write_bytes(svg.read_bytes().replace(b">EMERGENCY<", b">EMERGENCY!<"))
    assert script.main([*argv, "--check"]) == 1
    assert capsys.readouterr().err == f"{svg}: out of date; run: uv run python scripts/make_diagram.py\n"


def test_readme_embeds_the_current_red_flag_diagram() -> None:
    script = load_script()
    readme = (ROOT / "docs" / "knowledge-base.md").read_text(encoding="utf-8")
    assert script.START in readme, "docs/knowledge-base.md has lost its red-flags diagram markers"
    assert readme == script.embedded(readme, (ROOT / "docs" / "red-flags.mmd").read_text(encoding="utf-8")), (
        "docs/knowledge-base.md: the red-flags diagram is out of date; "
        "run: uv run python scripts/make_diagram.py")


def test_a_clinic_knowledge_base(cli: Callable[..., Any], tmp_path: Path) -> None:
    shutil.copy(ROOT / "questions.yaml", tmp_path / "questions.yaml")
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    (tmp_path / "rules" / "vascular.yaml").unlink()
    questions, rules = tmp_path / "questions.yaml", tmp_path / "rules"
    run = cli("diagram", "--questions", questions, "--rules", rules)
    assert run.status == 0
    assert "f_aortic_aneurysm" not in nodes(run.out)
    assert "q_pulsating_abdomen" in nodes(run.out)
    focused = cli("diagram", "--focus", "aortic_aneurysm", "--questions", questions, "--rules", rules)
    assert focused.status == 2


# --- pictures in words: --format svg and png (Graphviz's dot) ---------------------------------
def test_a_red_flag_alone_is_a_small_picture_in_words(cli: Callable[..., Any], kb: KnowledgeBase,
                                                      dot_program: str) -> None:
    run = cli("diagram", "--focus", "cauda_equina", "--format", "svg")
    assert run.status == 0, run.err
    texts = svg_texts(run.out)
    graph = diagram.picture(kb, ["cauda_equina"])
    questions = [k[1] for k in graph.nodes if k[0] == "question"]
    assert len(questions) >= 5 and len(graph.nodes) <= 15
    for qid in questions:
        lines = graph.nodes[("question", qid)].split("\n")
        shown = " ".join(lines)
        assert kb.question(qid).text.startswith(shown.removesuffix("…")), qid
        assert all(line in texts for line in lines), f"{qid}: {lines} not in the picture"
        assert not any(qid in text for text in texts), f"{qid} is named by its id"
    assert "Possible cauda equina" in texts and "EMERGENCY" in texts and "See a doctor today" in texts


@pytest.mark.parametrize(
    ("focus", "joined_by"),
    [
        pytest.param("cauda_equina", {"and"}, id="all-only"),
        pytest.param("kidney_infection", {"and", "or"}, id="all-and-any"),
        pytest.param("aortic_aneurysm", {"and", "or", "not"}, id="all-any-and-not"),
        pytest.param("chest_warning", set(), id="one-condition"),
    ],
)
def test_and_or_not_appear_where_the_rules_have_them(cli: Callable[..., Any], focus: str,
                                                      joined_by: set[str], dot_program: str) -> None:
    run = cli("diagram", "--focus", focus, "--format", "svg")
    assert run.status == 0, run.err
    assert {"and", "or", "not"} & set(svg_texts(run.out)) == joined_by


def test_a_condition_of_the_rules_becomes_its_nodes(kb: KnowledgeBase) -> None:
    """cauda_equina_sexual_with_sciatica: all of two answers, one "and" node between them and the red flag."""
    graph = diagram.picture(kb, ["cauda_equina_sexual_with_sciatica"])
    joined = ("and", "cauda_equina_sexual_with_sciatica")
    assert graph.nodes[joined] == "and"
    assert {(e.source, e.target) for e in graph.edges if joined in (e.source, e.target)} == {
        (("question", "sexual_function_change"), joined), (("question", "pain_radiates_leg"), joined),
        (joined, ("red_flag", "cauda_equina"))}


def test_png(cli: Callable[..., Any], tmp_path: Path, dot_program: str) -> None:
    out = tmp_path / "cauda.png"
    run = cli("diagram", "--focus", "cauda_equina", "--format", "png", "--out", out)
    assert (run.status, run.out, run.err) == (0, "", "")
    assert out.read_bytes().startswith(PNG_SIGNATURE)
    assert out.stat().st_mode & 0o777 == 0o644 & ~current_umask()


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.mark.parametrize("fmt", ["svg", "png", "mermaid"])
def test_out_refuses_to_overwrite(cli: Callable[..., Any], tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"picture.{fmt}"
    out.write_text("keep me", encoding="utf-8")
    run = cli("diagram", "--format", fmt, "--out", out)
    assert run.status == 2
    assert run.err == f"triage: {out} already exists; choose another name or remove it first\n"
    assert out.read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_without_dot_one_message(cli: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 fmt: str) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a folder without dot
    out = tmp_path / "picture"
    run = cli("diagram", "--format", fmt, "--out", out)
    assert run.status == 2
    assert run.err == (f"triage: drawing --format {fmt} needs the `dot` program of Graphviz, which is not "
                       "installed; install it (on Debian or Ubuntu: sudo apt-get install graphviz), "
                       "or use --format mermaid or --format dot\n")
    assert not out.exists()
    assert cli("diagram", "--format", "dot").status == 0  # the text formats need no Graphviz


def test_chinese_labels(cli: Callable[..., Any], dot_program: str) -> None:
    run = cli("--lang", "zh-Hans", "diagram", "--focus", "cauda_equina", "--format", "svg")
    assert run.status == 0, run.err
    with language("zh-Hans"):
        kb = loader.load()
        flag = diagram.label(next(f.name for f in kb.red_flags if f.id == "cauda_equina"))
        question = diagram.label(kb.question("saddle_numbness").text)
        level = diagram.label(words.LEVEL_TITLE["emergency"])
    texts = svg_texts(run.out)
    for name in (flag, question, level):
        assert re.search(r"[\u4e00-\u9fff]", name)
        assert all(line in texts for line in name.split("\n")), name


@pytest.mark.parametrize("tag", [i18n.PSEUDO, i18n.WIDE])
def test_pseudo_languages_reach_every_word_of_the_picture(cli: Callable[..., Any], tag: str,
                                                          dot_program: str) -> None:
    run = cli("--lang", tag, "diagram", "--focus", "aortic_aneurysm", "--format", "svg")
    assert run.status == 0, run.err
    texts = svg_texts(run.out)
    assert len(texts) > 20
    english = [t for t in texts if re.search(r"(?<![^\W\d_])[A-Za-z]{3,}(?![^\W\d_])", t)]
    assert english == [], "not through the catalogue"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("How old are you (in years)?", "How old are you (in\nyears)?", id="short"),
        pytest.param("Is there a new problem with your bladder or bowels? For example: you cannot pass "
                     "urine, or you leak it.", "Is there a new problem\nwith your bladder or\nbowels?",
                     id="first-sentence"),
        pytest.param("word " * 30, "word word word word word\nword word word word word\n"
                     "word word word word word\nword…", id="cut-at-a-word"),
    ],
)
def test_label(text: str, expected: str) -> None:
    assert diagram.label(text) == expected


def test_a_chinese_label_fits_its_cells() -> None:
    text = "您是否有新出现的或加重的双腿疼痛、刺痛、麻木或无力？比如走路时双腿发沉。" * 3
    lines = diagram.label(text).split("\n")
    assert lines[-1].endswith("双腿发沉。")  # cut after its last sentence that fits
    assert all(textwidth.cells(line) <= diagram.LINE_CELLS for line in lines)
    assert sum(textwidth.cells(line) for line in lines) <= diagram.QUESTION_CELLS


def test_committed_red_flag_picture_is_current(kb: KnowledgeBase) -> None:
    """docs/red-flags.svg names what the diagram code draws now, with as many arrows (not Graphviz's
    exact bytes)."""
    committed = (ROOT / "docs" / "red-flags.svg").read_bytes()
    svg_root(committed)
    wanted = diagram.contents(diagram.red_flag_picture(kb))
    assert diagram.svg_contents(committed) == wanted, (
        "docs/red-flags.svg is out of date; run: uv run python scripts/make_diagram.py")
    assert {f.name for f in kb.red_flags} <= {label.replace("\n", " ") for label in wanted[0]}


def test_knowledge_base_page_shows_the_picture() -> None:
    page = (ROOT / "docs" / "knowledge-base.md").read_text(encoding="utf-8")
    assert re.search(r"!\[[^\]]+\]\(red-flags\.svg\)", page)


def test_svg_to_standard_output_and_mermaid_to_a_file(cli: Callable[..., Any], tmp_path: Path,
                                                      dot_program: str) -> None:
    run = cli("diagram", "--focus", "chest_warning", "--format", "svg")
    assert run.status == 0 and run.out.lstrip().startswith("<?xml")
    out = tmp_path / "chest.mmd"
    assert cli("diagram", "--focus", "chest_warning", "--out", out).status == 0
    assert out.read_text(encoding="utf-8") == cli("diagram", "--focus", "chest_warning").out
