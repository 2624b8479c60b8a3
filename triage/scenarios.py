"""Demonstration files (scenarios): read and checked as the knowledge base is.

A scenario is a small YAML file: ``id``, ``title``, a one-line ``story``,
``answers`` (an answers file, ``question_id: answer``), ``expect_level`` and,
optionally, ``translations`` of its title and story. The shipped ones are in
``triage/terminal/scenarios/``. A file is read with the line of every item
(:mod:`triage.yamlsrc`), into a frozen model (:class:`ScenarioFile`), its
answers checked as an answers file's are (:func:`triage.answers.validate`),
every problem worded by :mod:`triage.errors`.

This module imports no terminal library: ``triage demo`` plays scenarios at
the terminal (:mod:`triage.terminal.demo`) and the kiosk steps through them
in a browser.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Final

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints, ValidationError
from pydantic_core import ErrorDetails

from triage import errors, i18n, overlay, textwidth, words, yamlsrc
from triage.answers import validate
from triage.engine import Engine
from triage.errors import Problem, TriageError
from triage.flow import simulate
from triage.models import LEVELS, AnswerValue, Frozen, KnowledgeBase, Level, Rule, rank
from triage.paths import display

SCENARIOS: Final = Path(__file__).resolve().parent / "terminal" / "scenarios"
"""The shipped demonstrations."""


# --- scenarios ------------------------------------------------------------------------
def _one_line(text: str) -> str:
    return " ".join(text.split())


OneLine = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_one_line)]
"""Text that is not blank, its spaces and line breaks made single spaces."""


class Words(Frozen):
    """A demonstration's title and story in one other language."""

    model_config = ConfigDict(strict=True)

    title: OneLine
    story: OneLine


def _in_language(written: ScenarioFile) -> tuple[str, str]:
    """The title and story in the active language (English where the file has no translation)."""
    language = i18n.active()
    if i18n.is_pseudo(language):
        make = i18n.PSEUDOS[language]
        return make(written.title), make(written.story)
    catalogue = overlay.demonstrations(language)

    def words_for(part: str, english: str) -> str | None:
        entry = catalogue.get(f"{written.id}.{part}")
        return entry.text if entry is not None and entry.source == overlay.fingerprint(english) else None

    title, story = words_for("title", written.title), words_for("story", written.story)
    if title is not None and story is not None:
        return title, story
    found = written.translations.get(language)  # a demonstration file may carry its own
    return (found.title, found.story) if found is not None else (written.title, written.story)


def shipped_words() -> dict[str, str]:
    """The shipped demonstrations' English titles and stories, by ``<id>.title`` and ``<id>.story``:
    what ``locales/<lang>/demonstrations.yaml`` translates."""
    out: dict[str, str] = {}
    for path in sorted(SCENARIOS.glob("*.yaml")):
        data = yamlsrc.load(path, display(path)).data
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            for part in ("title", "story"):
                if isinstance(data.get(part), str):
                    out[f"{data['id']}.{part}"] = _one_line(data[part])
    return out


class ScenarioFile(Frozen):
    """A demonstration file as written. Its answers are checked against the questions afterwards."""

    model_config = ConfigDict(strict=True)

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    title: OneLine
    story: OneLine
    answers: dict[Any, Any]
    expect_level: Level
    translations: dict[str, Words] = Field(default_factory=dict)
    """The title and story in other languages, by language (``es: {title: ..., story: ...}``)."""


KEYS: Final = tuple(ScenarioFile.model_fields)
REQUIRED: Final = tuple(k for k, f in ScenarioFile.model_fields.items() if f.is_required())


@dataclass(frozen=True)
class Scenario:
    """A demonstration ready to play: the file's, with its answers as the questionnaire takes them."""

    id: str
    title: str
    story: str
    answers: dict[str, AnswerValue]
    expect_level: str
    file: str
    """The file, as messages name it."""
    level_line: int | None = None
    """The line of ``expect_level``, for a message when the result differs."""


def _found(value: object) -> str:
    """A value as a message quotes it."""
    if value is None:
        return errors.SHOWN_NOTHING
    if isinstance(value, str | bool | int | float):
        return f"`{value}`"
    return errors.SHOWN_LIST if isinstance(value, list) else errors.SHOWN_MAPPING


def _wrong_value(key: str, value: object) -> str:
    """The message for a key whose value the model refused."""
    found = _found(value)
    match key:
        case "id":
            return errors.SCENARIO_BAD_ID.format(found=found)
        case "title" | "story":
            return errors.SCENARIO_NOT_TEXT.format(key=key, found=found)
        case "expect_level":
            hint = errors.did_you_mean(value, LEVELS) if isinstance(value, str) else ""
            return errors.SCENARIO_BAD_LEVEL.format(found=found, hint=hint,
                                                    levels=i18n.listing(f"`{lv}`" for lv in LEVELS))
        case _:  # answers
            return errors.SCENARIO_ANSWERS_NOT_MAPPING.format(found=found)


def _structure_problem(error: ErrorDetails, source: yamlsrc.Source) -> Problem:
    """One of the model's errors, worded by the catalogue, at its line."""
    data = source.data
    if not error["loc"]:  # not a mapping at all
        found = errors.SHOWN_EMPTY_FILE if data is None else _found(data)
        return Problem(source.name, source.line(()), errors.SCENARIO_NOT_MAPPING.format(found=found))
    key = error["loc"][0]
    if key not in KEYS:  # not a field (pydantic: extra_forbidden), or not even text (invalid_key)
        message = errors.SCENARIO_UNKNOWN_KEY.format(key=key, hint=errors.did_you_mean(str(key), KEYS))
    elif error["type"] == "missing":
        return Problem(source.name, source.line(()), errors.SCENARIO_MISSING_KEY.format(
            key=key, keys=i18n.listing(f"`{k}`" for k in REQUIRED)))
    else:
        message = _wrong_value(str(key), data[key])
    return Problem(source.name, source.line((key,)), message)


def _answer_problems(kb: KnowledgeBase, engine: Engine, raw: dict[Any, Any],
                     source: yamlsrc.Source) -> tuple[dict[str, AnswerValue], list[Problem]]:
    """The answers, checked as an answers file's are; then as a demonstration needs them:
    every question the flow asks answered, and nothing it does not ask."""
    answers, problems = validate(kb, raw, source, ("answers",))
    if problems:
        return answers, problems
    flow = simulate(kb, engine, answers)
    problems += [Problem(source.name, source.line(("answers",)), errors.SCENARIO_UNANSWERED.format(id=qid))
                 for qid in flow.asked if qid not in answers]
    problems += [Problem(source.name, source.line(("answers", qid)), errors.SCENARIO_NOT_ASKED.format(
        id=qid, reason=words.IGNORED_REASONS[reason])) for qid, reason in flow.ignored]
    return answers, problems


def read(kb: KnowledgeBase, engine: Engine, path: Path) -> tuple[Scenario | None, list[Problem]]:
    """One scenario file: the scenario, or every problem that keeps it from playing, in file order."""
    name = display(path)
    try:
        source = yamlsrc.load(path, name)
    except TriageError as exc:
        return None, list(exc.problems)
    written: ScenarioFile | None = None
    problems: list[Problem] = []
    try:
        written = ScenarioFile.model_validate(source.data)
    except ValidationError as exc:
        problems += dict.fromkeys(_structure_problem(error, source) for error in exc.errors())
    raw = source.data.get("answers") if isinstance(source.data, dict) else None
    answers: dict[str, AnswerValue] = {}
    if isinstance(raw, dict):  # checked even when other keys are wrong: every problem at once
        answers, wrong = _answer_problems(kb, engine, raw, source)
        problems += wrong
    if written is None or problems:
        return None, sorted(problems, key=lambda p: p.line or 0)
    title, story = _in_language(written)
    return Scenario(id=written.id, title=title, story=story, answers=answers,
                    expect_level=written.expect_level, file=name,
                    level_line=source.line(("expect_level",))), []


def load(kb: KnowledgeBase, engine: Engine, folder: Path | None = None) -> list[Scenario]:
    """Every scenario in ``folder`` (default: the shipped ones), most urgent first.

    Raises :class:`TriageError` with every problem in every file, each
    ``file:line: message``.
    """
    folder = SCENARIOS if folder is None else folder
    name = display(folder)
    if not folder.is_dir():
        raise errors.fail(name, None, errors.SCENARIOS_NOT_A_FOLDER)
    paths = sorted(folder.glob("*.yaml"))
    if not paths:
        raise errors.fail(name, None, errors.NO_SCENARIOS)
    scenarios: list[Scenario] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in paths:
        scenario, wrong = read(kb, engine, path)
        problems += wrong
        if scenario is None:
            continue
        if scenario.id in seen:
            problems.append(Problem(scenario.file, None, errors.SCENARIO_DUPLICATE_ID.format(
                id=scenario.id, other=seen[scenario.id])))
            continue
        seen[scenario.id] = scenario.file
        scenarios.append(scenario)
    if problems:
        raise TriageError(problems)
    return sorted(scenarios, key=lambda s: rank(s.expect_level))


def find(scenarios: list[Scenario], wanted: str) -> Scenario:
    for scenario in scenarios:
        if scenario.id == wanted:
            return scenario
    hint = errors.did_you_mean(wanted, [s.id for s in scenarios])
    raise errors.fail("triage demo", None, errors.UNKNOWN_SCENARIO, id=wanted, hint=hint)


def fired_so_far(kb: KnowledgeBase, engine: Engine, answers: Mapping[str, AnswerValue]) -> list[Rule]:
    """The rules that have fired on the answers given up to a step, in the knowledge base's order.

    The engine's own evaluation of those answers, as the questionnaire makes
    after each one (:meth:`triage.flow.Interview.answer`): a demonstration
    answers every question it is asked, so none is left unanswered. ``kb``
    words the rules (its language); the engine may be another language's.
    """
    fired = engine.evaluate(answers).fired
    return [rule for rule in kb.rules if rule.id in fired]


def rule_words(rule: Rule) -> tuple[str, str, str]:
    """A fired rule as a demonstration shows it: its reason in plain words, with its id for the
    teacher, as (before the id, the id, after it), so that the id can be shown smaller."""
    before, _, after = words.DEMO_FIRED_RULE.format(because=rule.because, rule="\0").partition("\0")
    return before, rule.id, after


def listing(scenarios: list[Scenario], width: int = 0) -> str:
    """One line per scenario: id, the suggestion it should reach, title, in columns (by display width).

    With a ``width``, a title too long for it goes on under itself; where the columns leave it too
    little room, the suggestion and the title go under the id, indented.
    """
    id_width = max(len(s.id) for s in scenarios)
    titles = [words.LEVEL_TITLE[s.expect_level] for s in scenarios]
    level_width = max(textwidth.cells(t) for t in titles)
    indent = " " * (id_width + level_width + 4)
    room = width - len(indent)
    out = []
    for s, level in zip(scenarios, titles, strict=True):
        if width and room < 20:  # a narrow screen: one column
            under = textwidth.wrap(level, width - 2) + textwidth.wrap(s.title, width - 2)
            out += [s.id, *("  " + line for line in under)]
            continue
        start = f"{s.id:<{id_width}}  {level}{' ' * (level_width - textwidth.cells(level))}  "
        lines = textwidth.wrap(s.title, room) if width else [s.title]
        out += [start + lines[0], *(indent + line for line in lines[1:])]
    return "".join(f"{line}\n" for line in out)


