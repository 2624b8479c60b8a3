"""Knowledge-base text in other languages: overlays that give words by id, never logic.

The English stays in ``questions.yaml`` and ``rules/``. An overlay,
``locales/<lang>/knowledge-base.yaml``, maps the id of each piece of text
(:func:`english`) to its translation and to the fingerprint of the English it
was translated from::

    entries:
      question.age.text:
        from: 3f2a1b9c0d4e
        text: ¿Cuántos años tiene?

:func:`apply` swaps the words into a copy of the knowledge base, whose ids,
conditions and rules are untouched, so every result is reached the same way
in every language. :func:`problems` reports entries that are missing,
unknown or stale (the English changed since), at file and line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from triage import errors, i18n, paths, qtypes, words, yamlsrc
from triage.errors import Problem
from triage.models import KnowledgeBase


def fingerprint(text: str) -> str:
    """The English an entry was translated from, in 12 hex digits (line breaks and spacing ignored)."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:12]


def english(kb: KnowledgeBase) -> dict[str, str]:
    """Every piece of knowledge-base text a person reads, by key, in knowledge-base order."""
    out: dict[str, str] = {}
    qn = kb.questionnaire
    out["questionnaire.title"] = qn.title
    for section in qn.sections:
        out[f"section.{section.id}.title"] = section.title
    for q in qn.questions:
        out[f"question.{q.id}.text"] = q.text
        out[f"question.{q.id}.why"] = q.why
        for option in q.options:
            out[f"question.{q.id}.option.{option.id}"] = option.label
    for cause in kb.causes:
        out[f"cause.{cause.id}.name"] = cause.name
        out[f"cause.{cause.id}.about"] = cause.about
    for flag in kb.red_flags:
        out[f"red_flag.{flag.id}.name"] = flag.name
        out[f"red_flag.{flag.id}.means"] = flag.means
    for rule in kb.rules:
        out[f"rule.{rule.id}.because"] = rule.because
    for advice in kb.advice:
        out[f"advice.{advice.id}.title"] = advice.title
        for n, point in enumerate(advice.points, start=1):
            out[f"advice.{advice.id}.point.{n}"] = point
    for source in kb.sources:  # a publication keeps its own title; a description is translated
        out[f"source.{source.id}.short"] = source.short
        out[f"source.{source.id}.reference"] = source.reference
    return out


@dataclass(frozen=True)
class Entry:
    text: str
    source: str
    """The fingerprint of the English it was translated from."""
    line: int | None


@dataclass(frozen=True)
class Overlay:
    language: str
    name: str
    """The language's own name for itself ("Español")."""
    reviewed_by: str | None
    """Who clinically reviewed the translation; until then every screen says it was not."""
    entries: dict[str, Entry]
    file: str
    line_of_entries: int | None = None


def read(path: Path, language: str) -> tuple[Overlay | None, list[Problem]]:
    """An overlay file, with the line of each entry; the problems of its shape, if any."""
    name = paths.display(path)
    source = yamlsrc.load(path, name)
    data = source.data
    problems: list[Problem] = []

    def add(loc: tuple[str | int, ...], template: str, /, **fields: object) -> None:
        problems.append(Problem(name, source.line(loc), template.format(**fields)))

    if not isinstance(data, dict):
        return None, [Problem(name, 1, errors.EXPECTED_MAPPING.format(what=errors.WHAT_OVERLAY_KEYS,
                                                                       found=qtypes.shown(data)))]
    for key in data:
        if key not in ("language", "name", "reviewed_by", "entries"):
            add((key,), errors.UNKNOWN_KEY, where=errors.WHERE_OVERLAY, key=key,
                hint=errors.did_you_mean(str(key), ["language", "name", "reviewed_by", "entries"]))
    if data.get("language") != language:
        add(("language",), errors.OVERLAY_LANGUAGE, found=data.get("language"), language=language)
    raw = data.get("entries")
    entries: dict[str, Entry] = {}
    if not isinstance(raw, dict):
        add(("entries",), errors.EXPECTED_MAPPING, what=errors.WHAT_OVERLAY_ENTRIES,
            found=qtypes.shown(raw))
        raw = {}
    for key, value in raw.items():
        loc = ("entries", key)
        if not (isinstance(value, dict) and isinstance(value.get("text"), str)
                and isinstance(value.get("from"), str) and set(value) <= {"from", "text"}):
            add(loc, errors.OVERLAY_ENTRY, key=key)
            continue
        entries[str(key)] = Entry(text=value["text"], source=value["from"], line=source.line(loc))
    reviewed = data.get("reviewed_by")
    overlay = Overlay(language=language, name=str(data.get("name") or language),
                      reviewed_by=reviewed if isinstance(reviewed, str) and reviewed.strip() else None,
                      entries=entries, file=name, line_of_entries=source.line(("entries",)))
    return overlay, problems


def problems(kb: KnowledgeBase, overlay: Overlay) -> list[Problem]:
    """Entries missing, unknown, or translated from English that has changed since."""
    return compare(english(kb), overlay)


def compare(english_text: dict[str, str], overlay: Overlay) -> list[Problem]:
    """Entries of ``overlay`` missing from, unknown to, or older than ``english_text`` (key -> English)."""
    out: list[Problem] = []
    for key, entry in overlay.entries.items():
        if key not in english_text:
            out.append(Problem(overlay.file, entry.line, errors.OVERLAY_UNKNOWN.format(
                key=key, hint=errors.did_you_mean(key, english_text))))
        elif entry.source != fingerprint(english_text[key]):
            out.append(Problem(overlay.file, entry.line, errors.OVERLAY_STALE.format(
                key=key, english=" ".join(english_text[key].split()), now=fingerprint(english_text[key]))))
    for key, text in english_text.items():
        if key not in overlay.entries:
            out.append(Problem(overlay.file, overlay.line_of_entries, errors.OVERLAY_MISSING.format(
                key=key, english=" ".join(text.split()), now=fingerprint(text))))
    return out


def path(language: str) -> Path:
    return paths.locales() / language / "knowledge-base.yaml"


def demonstrations_path(language: str) -> Path:
    """The words of the shipped demonstrations in ``language``, beside its other catalogues."""
    return paths.locales() / language / "demonstrations.yaml"


@cache
def demonstrations(language: str) -> dict[str, Entry]:
    """The shipped demonstrations' titles and stories in ``language``, by ``<id>.title`` and
    ``<id>.story``; none for English, the pseudo-language or a language without the file."""
    file = demonstrations_path(language)
    if language == i18n.ENGLISH or i18n.is_pseudo(language) or not file.is_file():
        return {}
    found, _ = read(file, language)  # its problems are for `triage check` to report
    return found.entries if found is not None else {}


def for_language(kb: KnowledgeBase, language: str) -> Overlay | None:
    """The overlay for ``language``: its file's, or made up for the pseudo-language; None if none."""
    if i18n.is_pseudo(language):
        make = i18n.PSEUDOS[language]
        entries = {key: Entry(text=make(text), source=fingerprint(text), line=None)
                   for key, text in english(kb).items()}
        return Overlay(language=language, name=i18n.LANGUAGES[language], reviewed_by=None,
                       entries=entries, file="(pseudo-language)")
    file = path(language)
    if not file.is_file():
        return None
    found, _ = read(file, language)  # its problems are for `triage check` to report
    return found


@cache
def _reviewed(language: str) -> bool:
    file = path(language)
    if i18n.is_pseudo(language) or not file.is_file():
        return False
    found, _ = read(file, language)
    return found is not None and found.reviewed_by is not None


def review_notice() -> str | None:
    """In a language whose translation no clinician has signed off yet, a sentence that says so."""
    language = i18n.active()
    if language == i18n.ENGLISH or _reviewed(language):
        return None
    return words.NOT_REVIEWED


def _words(overlay: Overlay, key: str, english_text: str) -> str:
    entry = overlay.entries.get(key)
    return entry.text if entry is not None else english_text


def apply(kb: KnowledgeBase, overlay: Overlay) -> KnowledgeBase:
    """A copy of the knowledge base with the overlay's words (English where an entry is missing)."""
    def w(key: str, text: str) -> str:
        return _words(overlay, key, text)

    qn = kb.questionnaire
    questions = tuple(
        q.model_copy(update={
            "text": w(f"question.{q.id}.text", q.text),
            "why": w(f"question.{q.id}.why", q.why),
            "options": tuple(o.model_copy(update={"label": w(f"question.{q.id}.option.{o.id}", o.label)})
                             for o in q.options),
        })
        for q in qn.questions)
    sections = tuple(s.model_copy(update={"title": w(f"section.{s.id}.title", s.title)})
                     for s in qn.sections)
    questionnaire = qn.model_copy(update={"title": w("questionnaire.title", qn.title),
                                          "sections": sections, "questions": questions})
    causes = tuple(c.model_copy(update={"name": w(f"cause.{c.id}.name", c.name),
                                        "about": w(f"cause.{c.id}.about", c.about)}) for c in kb.causes)
    flags = tuple(f.model_copy(update={"name": w(f"red_flag.{f.id}.name", f.name),
                                       "means": w(f"red_flag.{f.id}.means", f.means)}) for f in kb.red_flags)
    rules = tuple(r.model_copy(update={"because": w(f"rule.{r.id}.because", r.because)}) for r in kb.rules)
    advice = tuple(a.model_copy(update={
        "title": w(f"advice.{a.id}.title", a.title),
        "points": tuple(w(f"advice.{a.id}.point.{n}", p) for n, p in enumerate(a.points, start=1))})
        for a in kb.advice)
    sources = tuple(s.model_copy(update={"short": w(f"source.{s.id}.short", s.short),
                                         "reference": w(f"source.{s.id}.reference", s.reference)})
                    for s in kb.sources)
    translated = kb.model_copy(update={"questionnaire": questionnaire, "causes": causes,
                                       "red_flags": flags, "rules": rules, "advice": advice,
                                       "sources": sources})
    rebuilt = _reindexed(translated)
    rebuilt.written_in_english_as(kb)
    return rebuilt


def _reindexed(kb: KnowledgeBase) -> KnowledgeBase:
    """Rebuild the private lookups (by id) that a copy shares with its original."""
    rebuilt = KnowledgeBase.model_validate(
        {name: getattr(kb, name) for name in KnowledgeBase.model_fields})
    return rebuilt


def skeleton(kb: KnowledgeBase, language: str, name: str,
             existing: Overlay | None = None) -> Iterator[str]:
    """The lines of an overlay file: every key, its English as a comment, and any translation kept."""
    yield f"language: {language}"
    yield f"name: {name}"
    reviewed = existing.reviewed_by if existing else None
    yield f"reviewed_by: {reviewed or 'null'}"
    yield "entries:"
    for key, text in english(kb).items():
        entry = existing.entries.get(key) if existing else None
        yield f"  # {' '.join(text.split())}"
        yield f"  {key}:"
        yield f"    from: {entry.source if entry else fingerprint(text)}"
        yield f"    text: {_yaml_text(entry.text if entry else '')}"


def _yaml_text(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)
