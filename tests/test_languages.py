"""Languages: every word a person reads comes from the catalogue or an overlay, in every output.

The pseudo-language ``en-XA`` accents every message and makes it a third
longer, so any plain-English word left in an output did not pass through the
catalogue. Spanish must be complete, the same answers must give the same
result in every language, and ``triage check`` reports stale translations.
"""

from __future__ import annotations

import contextlib
import gettext
import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from vignette_answers import read, vignette_files, write_answers

from triage import constants, i18n, loader, overlay, report, summaries, textwidth, words
from triage.engine import Engine
from triage.flow import simulate
from triage.models import KnowledgeBase
from triage.result import build
from triage.terminal import examples, screens

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
MISSPELT = "{a questionnaire with a misspelt key}"
PO = LOCALES / "es" / "LC_MESSAGES" / "triage.po"
MO = PO.with_suffix(".mo")

# Words that are the same in every language: product and format names, the program's name,
# metavariables in its help, and source citations' proper names.
SAME_EVERYWHERE = {
    "triage", "FHIR", "JSON", "YAML", "Markdown", "HL7", "NICE", "NHS", "CKS", "JOSPT", "BMJ", "Ann",
    "Intern", "Med", "http", "https", "www", "org", "uk", "com", "doi", "FILE", "PATH", "DIR", "LANG",
    "COMMAND", "WHAT", "SCENARIO", "QUESTION", "VALUE", "ID", "TEXT", "URL", "yaml", "json", "text",
    "markdown", "fhir",
    "mermaid", "dot", "md", "txt", "questions", "rules", "schema", "csrf", "HOST", "PORT",
    # command names (the demonstrations' ids are ids)
    "assess", "check", "red-flags", "explain", "diagram", "export", "demo", "serve",
    "fhir-questionnaire", "fhir-response",
    # each language is offered by its tag and in its own name
    *i18n.LANGUAGES, *(part for tag in i18n.LANGUAGES for part in tag.split("-")),
    *(name for name in i18n.LANGUAGES.values()),
}
PLACEHOLDER = re.compile(r"\{\w*\}|%\(\w+\)\w")
WORD = re.compile(r"[^\W\d][\w\-]*")


PSEUDOS = [pytest.param(i18n.PSEUDO, id="accented"), pytest.param(i18n.WIDE, id="full-width")]


@pytest.fixture(params=PSEUDOS)
def pseudo(request: pytest.FixtureRequest) -> Iterator[str]:
    """Each pseudo-language in turn: accented and longer, then full-width with no spaces."""
    tag: str = request.param
    i18n.activate(tag)
    try:
        yield tag
    finally:
        i18n.activate(i18n.ENGLISH)


@contextlib.contextmanager
def language(tag: str) -> Iterator[None]:
    before = i18n.active()
    i18n.activate(tag)
    try:
        yield
    finally:
        i18n.activate(before)


def ids(kb: KnowledgeBase) -> set[str]:
    from triage.scenarios import SCENARIOS

    found = {path.stem for path in SCENARIOS.glob("*.yaml")} | {q.id for q in kb.questions}
    found |= {c.id for c in kb.causes} | {f.id for f in kb.red_flags}
    found |= {r.id for r in kb.rules} | {s.id for s in kb.sources} | {a.id for a in kb.advice}
    found |= {o.id for q in kb.questions for o in q.options} | {s.id for s in kb.questionnaire.sections}
    return found


def english_words(text: str, known_ids: set[str]) -> list[str]:
    """Plain-ASCII words of three letters or more that are not an id, a name kept as is, or code."""
    text = re.sub(r"`[^`]*`|\{\w*\}", " ", text)  # ids and commands in backticks, placeholders
    text = re.sub(r"https?://\S+|\S+\.(?:yaml|json|md|py)\b|/\S*", " ", text)  # addresses, files, paths
    text = re.sub(r"(?<![\w-])--?[a-z][a-z-]*", " ", text)  # options
    leaks = []
    for found in WORD.findall(text):
        word = found.strip("-")
        if (len(word) < 3 or not word.isascii() or any(ch.isdigit() for ch in word)
                or word in SAME_EVERYWHERE or word in known_ids
                or "_" in word):
            continue
        leaks.append(word)
    return leaks


def assert_all_through_catalogue(text: str, kb: KnowledgeBase) -> None:
    leaks = english_words(text, ids(kb))
    assert not leaks, f"not through the catalogue: {sorted(set(leaks))[:20]}\n{text[:1500]}"


# --- the pseudo-language -----------------------------------------------------------------------
@pytest.mark.parametrize("message", [
    pytest.param("Please type a number from {min} to {max}.", id="placeholders"),
    pytest.param("`{id}` is not a question{hint}", id="ids-in-backticks"),
    pytest.param("Knowledge base {version}; {asked} questions asked.", id="sentence"),
])
def test_pseudo_accents_lengthens_and_keeps_placeholders(message: str) -> None:
    out = i18n.pseudo(message)
    assert re.findall(r"\{[^}]*\}", out) == re.findall(r"\{[^}]*\}", message)
    assert len(out) >= len(message) * 4 // 3
    assert not english_words(out, set())


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    from triage.__main__ import main

    with contextlib.suppress(SystemExit):
        main(argv)
    out = capsys.readouterr()
    return out.out + out.err


CLI_OUTPUTS = [
    pytest.param(["red-flags"], id="red-flags"),
    pytest.param(["red-flags", "--format", "markdown"], id="red-flags-markdown"),
    pytest.param(["red-flags", "--format", "tree"], id="red-flags-tree"),
    pytest.param(["red-flags", "--format", "tree-markdown"], id="red-flags-tree-markdown"),
    pytest.param(["explain", "pain_location"], id="explain-question"),
    pytest.param(["explain", "cauda_equina"], id="explain-red-flag"),
    pytest.param(["explain", "muscle_strain"], id="explain-cause"),
    pytest.param(["explain", "cauda_equina_saddle_numbness"], id="explain-rule"),
    pytest.param(["explain", "fevr"], id="error-unknown-id"),
    pytest.param(["check"], id="check"),
    pytest.param(["check", "--questions", MISSPELT], id="check-problems"),
    pytest.param(["--help"], id="help"),
    pytest.param(["assess", "--help"], id="help-assess"),
    pytest.param(["serve", "--help"], id="help-serve"),
    pytest.param(["demo", "--list"], id="demo-list"),
    pytest.param(["assess", "--format", "x1", "x.yaml"], id="error-option"),
    pytest.param(["serve", "--idle-minutes", "0"], id="error-serve-option"),
]


@pytest.mark.parametrize("tag", PSEUDOS)
@pytest.mark.parametrize("argv", CLI_OUTPUTS)
def test_every_command_speaks_through_the_catalogue(  # noqa: PLR0913, PLR0917  four fixtures, two tables
        argv: list[str], tag: str, kb: KnowledgeBase, capsys: pytest.CaptureFixture[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    if MISSPELT in argv:  # a knowledge-base author's mistake: `whyy` for `why`
        misspelt = tmp_path / "questions.yaml"
        misspelt.write_text((ROOT / "questions.yaml").read_text(encoding="utf-8").replace(
            "    why:", "    whyy:", 1), encoding="utf-8")
        argv = [str(misspelt) if arg == MISSPELT else arg for arg in argv]
    monkeypatch.setenv("COLUMNS", "80")
    try:
        text = _cli(["--lang", tag, *argv], capsys)
    finally:
        i18n.activate(i18n.ENGLISH)
    assert text.strip()
    assert_all_through_catalogue(text.replace(str(tmp_path), " "), kb)
    if "--help" in argv or (argv[0] in ("red-flags", "explain") and not any("markdown" in a for a in argv)):
        wide = [line for line in text.splitlines()  # but an error, one line: "triage: message"
                if textwidth.cells(line) > 80 and not line.startswith("triage:")]
        assert wide == [], "wider than 80 columns"


def _answers_file(kb: KnowledgeBase, tmp_path: Path, name: str) -> Path:
    return write_answers(kb, next(p for p in vignette_files() if p.stem.startswith(name)), tmp_path)


@pytest.mark.parametrize("tag", PSEUDOS)
@pytest.mark.parametrize("vignette", ["p01", "p12", "p20", "p42"])
@pytest.mark.parametrize("fmt", ["text", "what-if"])
def test_assessments_speak_through_the_catalogue(  # noqa: PLR0913, PLR0917  three tables, three fixtures
        vignette: str, fmt: str, tag: str, kb: KnowledgeBase, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = _answers_file(kb, tmp_path, vignette)
    extra = ["--what-if", "fever=true"] if fmt == "what-if" else []
    try:
        text = _cli(["--lang", tag, "assess", *extra, str(path)], capsys)
    finally:
        i18n.activate(i18n.ENGLISH)
    assert_all_through_catalogue(text.replace(str(path), " "), kb)


@pytest.mark.parametrize("tag", PSEUDOS)
def test_errors_in_files_speak_through_the_catalogue(
        tag: str, kb: KnowledgeBase, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("age: 4x\nfevr: true\npain_location: [nowhere]\n", encoding="utf-8")
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    try:
        text = _cli(["--lang", tag, "assess", str(bad)], capsys)
        text += _cli(["--lang", tag, "assess", str(folder)], capsys)  # "a folder", in the language
        text += _cli(["--lang", tag, "assess", str(empty)], capsys)  # "an empty file"
        text += _cli(["--lang", tag, "assess"], capsys)  # argparse: "the following arguments are required"
        text += _cli(["--lang", tag, "assess", str(bad), "--bogus"], capsys)  # "unrecognized arguments"
    finally:
        i18n.activate(i18n.ENGLISH)
    assert text.count("\n") >= 3
    assert_all_through_catalogue(text, kb)


def _results(kb: KnowledgeBase, engine: Engine) -> list[Any]:
    return [examples.replay(kb, engine, getattr(examples, n)) for n in ("BENIGN", "DOCTOR", "EMERGENCY")]


@pytest.mark.parametrize("width", [40, 80])
def test_screens_speak_through_the_catalogue_and_fit(width: int, engine: Engine, pseudo: str) -> None:
    local = loader.load()
    for result in _results(local, engine):
        for plain in (False, True):
            out = io.StringIO()
            console = screens.make_console(plain, file=out, width=width, color_system=None)
            console.print(screens.welcome(plain))
            screens.show_result(console, local, result, plain=plain)
            text = out.getvalue()
            assert_all_through_catalogue(text, local)
            wide = [line for line in text.splitlines() if textwidth.cells(line) > width]
            assert wide == [], "a line is wider than the screen"
        assert_all_through_catalogue(summaries.markdown(local, result), local)


@pytest.mark.parametrize("tag", PSEUDOS)
def test_kiosk_pages_speak_through_the_catalogue(engine: Engine, tag: str) -> None:
    from fastapi.testclient import TestClient

    from triage.web.app import create_app

    english = loader.load(language=i18n.ENGLISH)
    client = TestClient(create_app(english, engine), raise_server_exceptions=False)
    pages = [client.get(f"/?lang={tag}")]
    csrf = re.search(r'name="csrf" value="([^"]+)"', pages[0].text)
    assert csrf is not None
    pages.append(client.post("/start", data={"csrf": csrf.group(1)}))
    pages.append(client.post("/answer", data={"csrf": csrf.group(1), "question": "age", "answer": "x"}))
    for url in ("/red-flags", "/explain/fever", "/demo", "/demo/desk-worker/1", "/demo/desk-worker/99",
                "/nowhere"):
        pages.append(client.get(f"{url}?lang={tag}"))
    for page in pages:
        assert f'lang="{tag}"' in page.text
        visible = re.sub(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", " ", page.text, flags=re.S)
        visible = visible.replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&")
        with language(tag):
            assert_all_through_catalogue(visible.replace(words.APP_NAME, " "), english)


# --- the same result in every language ----------------------------------------------------------
@pytest.mark.slow  # every vignette, in three languages
@pytest.mark.parametrize("vignette", [pytest.param(p, id=p.stem) for p in vignette_files()])
def test_every_language_reaches_the_same_result(vignette: Path, engine: Engine) -> None:
    given = {q: v for q, v in read(vignette)["answers"].items() if v is not None}
    outcomes = {}
    for tag in ("en", "es", i18n.PSEUDO):
        with language(tag):
            local = loader.load()
            result = build(local, simulate(local, engine, given), vignette.stem)
            assert result.language == tag
            outcomes[tag] = (result.level, result.cause_ids, result.red_flag_ids, result.questions_asked,
                             result.complete, result.unanswered, result.acupuncture.suggested)
    assert outcomes["es"] == outcomes["en"] == outcomes[i18n.PSEUDO]


# --- Spanish --------------------------------------------------------------------------------------
def test_spanish_catalogue_is_complete() -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    empty = [m.id for m in catalog if m.id and (not m.string or (isinstance(m.string, tuple)
                                                                   and not all(m.string)))]
    assert not empty
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy
    for message in catalog:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[1]
        target = message.string if isinstance(message.string, str) else (message.string or ("", ""))[1]
        assert set(PLACEHOLDER.findall(source)) == set(PLACEHOLDER.findall(target)), message.id


def test_compiled_catalogue_matches_the_po_file() -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in catalog:
        if message.id and isinstance(message.id, str):
            assert compiled.gettext(message.id) == message.string, "run: pybabel compile -D triage -d locales"


def test_extraction_finds_nothing_outside_the_catalogue(tmp_path: Path) -> None:
    pybabel = shutil.which("pybabel")
    assert pybabel is not None
    pot = tmp_path / "triage.pot"
    subprocess.run([pybabel, "extract", "--no-default-keywords", "-k", "_", "-k", "N_", "-k", "NP_:1,2",
                    "-o", str(pot), str(ROOT / "triage")], check=True, capture_output=True)
    with pot.open("rb") as handle:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    with PO.open("rb") as handle:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert extracted - known == set(), "run pybabel update (see the README) and translate the new messages"
    assert len(extracted) > 300


def test_spanish_overlay_is_complete_and_current(kb: KnowledgeBase) -> None:
    found, problems = overlay.read(overlay.path("es"), "es")
    assert found is not None and not problems
    assert overlay.problems(kb, found) == []


def test_spanish_screens_say_the_translation_is_not_yet_reviewed(engine: Engine) -> None:
    with language("es"):
        local = loader.load()
        result = examples.replay(local, engine, examples.BENIGN)
        assert result.level == "acupuncturist"
        spanish = words.NOT_REVIEWED
        assert spanish != constants.NOT_REVIEWED  # the sentence itself is in Spanish
        assert spanish in report.build(local, result).notes
        out = io.StringIO()
        screens.make_console(True, file=out, width=80).print(screens.welcome(True))
        assert spanish in " ".join(out.getvalue().split())
        assert spanish in " ".join(summaries.markdown(local, result).split())
        assert local.question("fever").text.startswith("¿")
    english = report.build(kb := loader.load(), examples.replay(kb, engine, examples.BENIGN))
    assert not any("review" in note for note in english.notes)


# --- triage check reports translations ------------------------------------------------------------
def test_check_reports_stale_unknown_and_missing_entries(kb: KnowledgeBase, tmp_path: Path) -> None:
    text = overlay.path("es").read_text(encoding="utf-8")
    text = text.replace("  question.age.text:\n    from: ", "  question.age.text:\n    from: 000000")
    text = text.replace("  question.fever.why:", "  question.fevr.why:")
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("  cause.arthritis.name:"))
    del lines[start:start + 3]
    changed = tmp_path / "knowledge-base.yaml"
    changed.write_text("".join(lines), encoding="utf-8")
    found, shape = overlay.read(changed, "es")
    assert found is not None and not shape
    messages = [(p.line, p.message) for p in overlay.problems(kb, found)]
    stale = next(m for m in messages if "`question.age.text`" in m[1])
    assert stale[0] == 1 + next(i for i, line in enumerate(lines) if line.startswith("  question.age.text:"))
    assert "older English" in stale[1]
    assert any("`question.fevr.why`" in m and "did you mean `question.fever.why`" in m for _, m in messages)
    assert any("`question.fever.why` has no translation" in m for _, m in messages)
    assert any("`cause.arthritis.name` has no translation" in m for _, m in messages)


def test_the_fhir_questionnaire_carries_every_translation(
        capsys: pytest.CaptureFixture[str], kb: KnowledgeBase) -> None:
    resource = json.loads(_cli(["export", "fhir-questionnaire"], capsys).split("\n}\n")[0] + "\n}")
    others = [tag for tag in i18n.offered() if tag != i18n.ENGLISH]
    assert {"es", "zh-Hans", "zh-Hant"} <= set(others)
    localised = {tag: loader.localised(kb, tag) for tag in others}
    assert resource["language"] == "en"
    for item in resource["item"]:
        found = {}
        for translation in item["_text"]["extension"]:
            assert translation["url"] == "http://hl7.org/fhir/StructureDefinition/translation"
            parts = {e["url"]: next(v for k, v in e.items() if k.startswith("value"))
                     for e in translation["extension"]}
            found[parts["lang"]] = parts["content"]
        assert found == {tag: " ".join(theirs.question(item["linkId"]).text.split())
                         for tag, theirs in localised.items()}
        for option in item.get("answerOption", []):
            extensions = option["valueCoding"]["_display"]["extension"]
            assert sum(e["url"].endswith("/translation") for e in extensions) == len(others)


# --- the whole questionnaire in Spanish, in a real terminal ----------------------------------------
@pytest.mark.slow
def test_the_questionnaire_runs_in_spanish_in_a_terminal(tmp_path: Path) -> None:
    """`triage --lang es`: Spanish questions and keys, a Spanish result, and a Spanish summary saved."""
    import os
    import sys

    import pexpect

    env = dict(os.environ, PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm", NO_COLOR="1")
    summary = tmp_path / "resumen.md"
    child = pexpect.spawn(sys.executable, ["-m", "triage", "--lang", "es", "--plain", "--answers-out",
                                           str(summary)], cwd=str(ROOT), env=env, encoding="utf-8",
                          timeout=30, dimensions=(50, 100))
    with language("es"):
        kb = loader.load()
        age, accident = kb.question("age").text, kb.question("recent_trauma").text
        keys, emergency, notice = words.HINT_KEYS_FIRST, words.LEVEL_TITLE["emergency"], words.NOT_REVIEWED
    child.expect_exact(age.split("(")[0].strip())
    child.expect_exact(keys)
    child.sendline("45")
    child.expect_exact(accident.split("?")[0])
    child.sendline("s")  # Sí, typed (--plain reads typed answers): a serious accident is an emergency
    child.expect(pexpect.EOF)
    out = " ".join(child.before.split())
    child.close()
    assert child.exitstatus == 0
    assert emergency in out and " ".join(notice.split()) in out
    text = summary.read_text(encoding="utf-8")
    assert emergency in text and "Base de conocimiento" in text


# --- language tags, and the languages there are -------------------------------------------
@pytest.mark.parametrize(("tag", "expected"), [
    ("zh-Hans", "zh-Hans"), ("zh-Hant", "zh-Hant"), ("zh", "zh-Hans"), ("zh-CN", "zh-Hans"),
    ("zh-SG", "zh-Hans"), ("zh-TW", "zh-Hant"), ("zh-HK", "zh-Hant"), ("zh-MO", "zh-Hant"),
    ("ZH-hant", "zh-Hant"), ("zh_cn", "zh-Hans"), ("zh_TW.UTF-8", "zh-Hant"), ("zh_HK.Big5@x", "zh-Hant"),
    ("zh-Hant-HK", "zh-Hant"), ("zh-Hans-HK", "zh-Hans"), ("es-MX", "es"), ("es_ES.UTF-8", "es"),
    ("ES", "es"), ("en_GB", "en"), ("en_XA", i18n.PSEUDO), ("fr_FR", "fr"), ("C", None), ("POSIX", None),
    ("C.UTF-8", None), ("", None), (None, None),
])
def test_a_tag_keeps_its_script(tag: str | None, expected: str | None) -> None:
    assert i18n.canonical(tag) == expected


@pytest.mark.parametrize(("tag", "expected"), [
    ("zh-TW", "zh-Hant"), ("zh_CN.UTF-8", "zh-Hans"), ("zh", "zh-Hans"), ("es-MX", "es"), ("fr", None),
])
def test_a_tag_is_offered_only_when_its_catalogue_is_there(monkeypatch: pytest.MonkeyPatch, tag: str,
                                                           expected: str | None) -> None:
    monkeypatch.setattr(i18n, "LANGUAGES", {**i18n.LANGUAGES, "zh-Hans": "简体中文", "zh-Hant": "繁體中文"})
    assert i18n.normalise(tag) == expected
    monkeypatch.setattr(i18n, "LANGUAGES", {"en": "English", "es": "Español"})
    assert i18n.normalise("zh-TW") is None


def test_the_languages_are_the_folders_of_locales() -> None:
    folders = {folder.name for folder in LOCALES.iterdir() if (folder / i18n.CATALOGUE).is_file()}
    assert set(i18n.LANGUAGES) == folders | {i18n.ENGLISH, *i18n.PSEUDOS}
    assert i18n.LANGUAGES["es"] == "Español"  # from the catalogue's Language-Team
    assert set(i18n.offered()) == folders | {i18n.ENGLISH}  # a person is never offered a test language


def test_a_language_is_named_in_itself(tmp_path: Path) -> None:
    for tag, team in (("zh-Hant", "LANGUAGE <LL@li.org>"), ("zh-Hans", ""), ("de", "Deutsch")):
        folder = tmp_path / tag / "LC_MESSAGES"
        folder.mkdir(parents=True)
        catalogue = Catalog(locale=tag.replace("-", "_"), language_team=team)
        with (folder / "triage.mo").open("wb") as file:
            write_mo(file, catalogue)
    (tmp_path / "fr").mkdir()  # no catalogue: not offered
    assert i18n.languages(tmp_path) == {"en": "English", "de": "Deutsch", "zh-Hans": "中文 (简体)",
                                        "zh-Hant": "中文 (繁體)", i18n.PSEUDO: "Ƥşéûđô",
                                        i18n.WIDE: "Ｗｉｄｅ"}
