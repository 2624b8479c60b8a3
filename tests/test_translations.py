"""Every translation: complete, current, consistent in its key terms, and readable.

Each language in ``locales/`` is checked the same way: its program catalogue
(``LC_MESSAGES/triage.po``), its knowledge-base overlay and the words of the
shipped demonstrations have every entry, with placeholders intact; each
uses its glossary's key terms everywhere the English has them
(``locales/<lang>/glossary.yaml``); and its questions are measured for
readability with a measure made for the language.
"""

from __future__ import annotations

import re
import statistics
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from triage import i18n, loader, overlay, paths, scenarios
from triage.models import KnowledgeBase

LOCALES = paths.locales()
TRANSLATED = [tag for tag in i18n.offered() if tag != i18n.ENGLISH]
CHINESE = [tag for tag in TRANSLATED if tag.startswith("zh-")]
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sdr]|%[sdr]")
TICKED = re.compile(r"`[^`]*`")


def test_the_clinic_languages_are_there() -> None:
    assert {"es", "zh-Hans", "zh-Hant"} <= set(TRANSLATED)
    assert i18n.LANGUAGES["zh-Hans"] == "简体中文"
    assert i18n.LANGUAGES["zh-Hant"] == "繁體中文"


# --- what each language says, by where it comes from -------------------------------------------
@dataclass(frozen=True)
class Said:
    where: str
    english: str
    translated: str


def catalogue(tag: str) -> list[Said]:
    with (LOCALES / tag / i18n.CATALOGUE).with_suffix(".po").open("rb") as handle:
        messages = read_po(handle)
    out = []
    for message in messages:
        if not message.id:
            continue
        english = message.id if isinstance(message.id, str) else message.id[1]
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        out += [Said(f"triage.po: {english!r}", english, str(form or "")) for form in forms]
    return out


def knowledge_base(tag: str, kb: KnowledgeBase) -> list[Said]:
    found, problems = overlay.read(overlay.path(tag), tag)
    assert found is not None and not problems
    english = overlay.english(kb)
    return [Said(f"knowledge-base.yaml: {key}", english[key], entry.text)
            for key, entry in found.entries.items() if key in english]


def demonstrations(tag: str) -> list[Said]:
    found, problems = overlay.read(overlay.demonstrations_path(tag), tag)
    assert found is not None and not problems
    english = scenarios.shipped_words()
    return [Said(f"demonstrations.yaml: {key}", english[key], entry.text)
            for key, entry in found.entries.items() if key in english]


def everything(tag: str, kb: KnowledgeBase) -> list[Said]:
    return catalogue(tag) + knowledge_base(tag, kb) + demonstrations(tag)


@pytest.fixture(scope="module")
def english_kb() -> KnowledgeBase:
    return loader.load(language=i18n.ENGLISH)


# --- complete and current --------------------------------------------------------------------------
@pytest.mark.parametrize("tag", TRANSLATED)
def test_every_message_is_translated_with_its_placeholders(tag: str) -> None:
    said = catalogue(tag)
    assert len(said) > 500
    assert [s.where for s in said if not s.translated.strip()] == []
    def marks(text: str) -> tuple[list[str], list[str]]:
        return sorted(PLACEHOLDER.findall(text)), sorted(TICKED.findall(text))

    wrong = [s.where for s in said if marks(s.english) != marks(s.translated)]
    assert wrong == []


@pytest.mark.parametrize("tag", TRANSLATED)
def test_the_knowledge_base_and_demonstrations_are_translated_and_current(
        tag: str, english_kb: KnowledgeBase) -> None:
    found, _ = overlay.read(overlay.path(tag), tag)
    assert found is not None
    assert overlay.problems(english_kb, found) == []
    shown, _ = overlay.read(overlay.demonstrations_path(tag), tag)
    assert shown is not None
    assert overlay.compare(scenarios.shipped_words(), shown) == []
    assert all(s.translated.strip() for s in knowledge_base(tag, english_kb) + demonstrations(tag))


@pytest.mark.parametrize("tag", CHINESE)
def test_chinese_is_written_in_chinese(tag: str, english_kb: KnowledgeBase) -> None:
    """Every question, option and reason has Chinese characters: nothing was left in English."""
    han = re.compile("[\u4e00-\u9fff]")
    left = [s.where for s in knowledge_base(tag, english_kb) + demonstrations(tag)
            if not s.where.startswith("knowledge-base.yaml: source.") and not han.search(s.translated)]
    assert left == []


SIMPLIFIED_ONLY = set("这说们为时发经过问医应与对无见变东车门观书开关实现动会将还让")
"""Characters written only in Simplified Chinese (Traditional: 這說們為時發經過問醫應與對無見變東車門…)."""


def test_each_chinese_script_keeps_to_its_own_characters(english_kb: KnowledgeBase) -> None:
    traditional = "".join(s.translated for s in everything("zh-Hant", english_kb))
    simplified = "".join(s.translated for s in everything("zh-Hans", english_kb))
    assert sorted(set(traditional) & SIMPLIFIED_ONLY) == []
    assert set(simplified) & SIMPLIFIED_ONLY  # and the Simplified is Simplified
    assert "「" in traditional


# --- a term, once chosen, is used everywhere ----------------------------------------------------------
def glossary(tag: str) -> list[dict[str, object]]:
    data = yaml.safe_load((LOCALES / tag / "glossary.yaml").read_text(encoding="utf-8"))
    assert data["language"] == tag
    terms: list[dict[str, object]] = data["terms"]
    assert len(terms) >= 10
    return terms


@pytest.mark.parametrize("tag", TRANSLATED)
def test_the_glossary_is_kept_everywhere(tag: str, english_kb: KnowledgeBase) -> None:
    said = everything(tag, english_kb)
    missing, avoided = [], []
    for term in glossary(tag):
        english, use = str(term["en"]).lower(), [str(u).lower() for u in term["use"]]  # type: ignore[attr-defined]
        avoid = [str(a).lower() for a in term.get("avoid", [])]  # type: ignore[attr-defined]
        for s in said:
            text = s.translated.lower()
            title = s.where.startswith("knowledge-base.yaml: source.")  # a publication keeps its title
            if (english in PLACEHOLDER.sub(" ", TICKED.sub(" ", s.english)).lower() and not title
                    and not any(u in text for u in use)):
                missing.append(f"{s.where}: {term['en']!r} is not {use}")
            avoided += [f"{s.where}: {word!r} (the glossary says {use})" for word in avoid if word in text]
    assert missing == []
    assert avoided == []


@pytest.mark.parametrize("tag", TRANSLATED)
def test_the_glossary_test_would_see_a_stray_term(tag: str, english_kb: KnowledgeBase) -> None:
    """The check above is not empty: each language's terms are found in many translations."""
    said = everything(tag, english_kb)
    uses = 0
    for term in glossary(tag):
        english = str(term["en"]).lower()
        uses += sum(english in s.english.lower() for s in said)
    assert uses > 100


# --- readable --------------------------------------------------------------------------------------
QUESTION_TEXT = re.compile(r"^question\.[a-z0-9_]+\.text$")


def questions(tag: str, kb: KnowledgeBase) -> dict[str, str]:
    found, _ = overlay.read(overlay.path(tag), tag)
    assert found is not None
    return {key.split(".")[1]: entry.text for key, entry in found.entries.items() if QUESTION_TEXT.match(key)}


MEDICINES = re.compile(r"\b(?:acenocumarol|Sintrom|warfarina|apixabán|rivaroxabán|ibuprofeno|paracetamol)\b")
"""Medicines' names, which a person recognises rather than reads: each is measured as a short word."""


def fernandez_huerta(text: str) -> float:
    """Fernández-Huerta's reading ease for Spanish (textstat 0.7, offline): 206.84 − 0.60 × syllables
    per 100 words − 1.02 × words per sentence; 60–70 is plain, 70–80 fairly easy. A medicine's name
    counts as one short word."""
    text = MEDICINES.sub("X", text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # textstat 0.7 imports pkg_resources, which warns
        import textstat  # type: ignore[import-untyped]
    textstat.set_lang("es")
    try:
        return float(textstat.fernandez_huerta(text))
    finally:
        textstat.set_lang("en_US")


SPANISH_EACH_AT_LEAST: float = 55
SPANISH_MEAN_AT_LEAST: float = 65


def test_spanish_questions_read_easily(english_kb: KnowledgeBase) -> None:
    """Every question at least 55 (between "fairly difficult" and "plain"), and the mean at least 65
    ("plain", for a general reader), on Fernández-Huerta's scale."""
    scores = {qid: fernandez_huerta(text) for qid, text in questions("es", english_kb).items()}
    assert len(scores) == len(english_kb.questions)
    hard = {qid: round(score) for qid, score in scores.items() if score < SPANISH_EACH_AT_LEAST}
    assert hard == {}
    assert statistics.mean(scores.values()) >= SPANISH_MEAN_AT_LEAST


SENTENCE_END = re.compile(r"(?<=[。？！；])")
COUNTED = re.compile(r"[\u4e00-\u9fff]|[0-9A-Za-z]+")


def sentence_lengths(text: str) -> list[int]:
    """How many characters each sentence of a Chinese text has: Han characters, and a number or a
    Latin word (a medicine's name) as one; punctuation not counted. A sentence ends at 。？！ or ；."""
    return [n for part in SENTENCE_END.split(text) if (n := len(COUNTED.findall(part)))]


CHINESE_SENTENCE_AT_MOST = 60
CHINESE_QUESTION_MEAN_AT_MOST = 32
CHINESE_OVERALL_MEAN_AT_MOST = 22


@pytest.mark.parametrize("tag", CHINESE)
def test_chinese_questions_are_in_short_sentences(tag: str, english_kb: KnowledgeBase) -> None:
    """Sentence length in characters, the main measure of Chinese readability (Yang 1971; Sung et
    al. 2015): no sentence of a question over 60 characters, no question over 32 on average (a
    yes/no question keeps its body part and time frame in one sentence: about 16 to 20 English
    words), and the questions together at most 22, about what Chinese patient leaflets use for a
    general reader. A question's examples stay whole, so a few sentences run longer than the mean."""
    lengths = {qid: sentence_lengths(text) for qid, text in questions(tag, english_kb).items()}
    assert len(lengths) == len(english_kb.questions)
    assert all(lengths.values())
    too_long = {qid: max(n) for qid, n in lengths.items() if max(n) > CHINESE_SENTENCE_AT_MOST}
    assert too_long == {}
    dense = {qid: round(statistics.mean(n)) for qid, n in lengths.items()
             if statistics.mean(n) > CHINESE_QUESTION_MEAN_AT_MOST}
    assert dense == {}
    every = [n for found in lengths.values() for n in found]
    assert statistics.mean(every) <= CHINESE_OVERALL_MEAN_AT_MOST


def test_the_chinese_measure_counts_characters_by_sentence() -> None:
    assert sentence_lengths("您发烧吗？请回答“是”或“否”。") == [4, 6]
    assert sentence_lengths("您今年65岁；") == [5]
    assert sentence_lengths("例如 warfarin。") == [3]
    assert sentence_lengths("") == []


def test_the_spanish_measure_tells_plain_from_dense() -> None:
    plain = "¿Tiene fiebre? Responda sí o no."
    dense = ("¿Ha experimentado recientemente alguna alteración neurológica progresiva caracterizada por "
             "debilidad muscular bilateral considerablemente incapacitante en extremidades inferiores?")
    assert fernandez_huerta(plain) > SPANISH_MEAN_AT_LEAST > SPANISH_EACH_AT_LEAST > fernandez_huerta(dense)


def test_every_translation_folder_has_what_a_language_needs() -> None:
    for tag in TRANSLATED:
        folder = LOCALES / tag
        for name in ("LC_MESSAGES/triage.po", "LC_MESSAGES/triage.mo", "knowledge-base.yaml",
                     "demonstrations.yaml", "glossary.yaml"):
            assert (folder / name).is_file(), f"{folder / name}"
    assert Path(LOCALES / "triage.pot").is_file()
