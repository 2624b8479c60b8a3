"""The one-page red-flag table: every warning sign, what it may mean, what to do, and its source.

Built once from the knowledge base as data (:func:`table`), then laid out as terminal text
(:func:`text`), Markdown (:func:`markdown`) or HTML (the kiosk's ``/red-flags`` template).

A row is a red flag at one level (a red flag whose rules raise it at two levels has a row in
each group, with the sources of those rules), or a *level rule*: a rule that sets a level
straight from the answers to warning-sign questions, with no cause or red flag between. The
warning-sign questions are those of the section red-flag rules read most (``warning_signs``).
(A red flag no rule raises has no level and no row; ``triage check`` refuses such a knowledge
base.) Rows are grouped by level, most urgent first; a group says what to do, with the clinic's
emergency number when its settings give one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from triage import i18n, mdtext, textwidth
from triage import words as c
from triage.clinic import Clinic
from triage.conditions import findings_used, questions_used
from triage.describe import quoted
from triage.models import LEVELS, KnowledgeBase, Rule, ThenLevel, ThenRedFlag, then_level


@dataclass(frozen=True)
class Row:
    sign: str  # the warning sign in plain words
    means: str  # what it may mean
    sources: tuple[str, ...]  # short citations
    code: str  # the red flag's or the rule's id, for clinicians
    red_flag: str | None  # the red flag's id; None for a level rule
    rules: tuple[str, ...]  # the rules the row stands for


@dataclass(frozen=True)
class Group:
    level: str
    title: str
    todo: str  # what to do: the level's advice
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Table:
    title: str
    intro: str
    groups: tuple[Group, ...]
    footer: str


def warning_section(kb: KnowledgeBase) -> str | None:
    """The section whose questions red-flag rules read most (the first such, in file order)."""
    read = {q for r in kb.rules if isinstance(r.then, ThenRedFlag) for q in questions_used(r.when)}
    counts = Counter(kb.question(q).section for q in read if kb.has_question(q))
    order = [s.id for s in kb.questionnaire.sections]
    return max(order, key=lambda s: counts[s]) if counts else None


def level_rules(kb: KnowledgeBase) -> list[Rule]:
    """Rules that set a level straight from warning-sign answers: no cause or red flag between."""
    section = warning_section(kb)
    return [r for r in kb.rules
            if isinstance(r.then, ThenLevel) and not findings_used(r.when)
            and any(kb.question(q).section == section for q in questions_used(r.when)
                    if kb.has_question(q))]


def _shorts(kb: KnowledgeBase, rules: list[Rule]) -> tuple[str, ...]:
    ids = dict.fromkeys(sid for r in rules for sid in r.source)
    return tuple(kb.source(sid).short for sid in ids)


def _level_rule_row(kb: KnowledgeBase, rule: Rule, section: str | None) -> Row:
    signs = [q for q in sorted(questions_used(rule.when), key=kb.question_index.__getitem__)
             if kb.question(q).section == section]
    sign = (quoted(kb.question(signs[0]).text) if len(signs) == 1
            else i18n.plural(c.RED_FLAG_TABLE_SEVERAL, len(signs)).format(n=len(signs)))
    return Row(" ".join(sign.split()), " ".join(rule.because.split()), _shorts(kb, [rule]), rule.id,
               None, (rule.id,))


def _todo(level: str, clinic: Clinic | None) -> str:
    if level == "emergency" and clinic is not None and clinic.emergency_number:
        return c.RED_FLAG_TABLE_EMERGENCY_NUMBER.format(number=clinic.emergency_number)
    return c.LEVEL_ADVICE[level]


def table(kb: KnowledgeBase, clinic: Clinic | None = None) -> Table:
    """The rows, grouped by level, most urgent first: red flags in file order, then level rules."""
    rows: dict[str, list[Row]] = {level: [] for level in LEVELS}
    for flag in kb.red_flags:
        means = " ".join(flag.means.split())
        raising = [r for r in kb.rules if isinstance(r.then, ThenRedFlag) and r.then.red_flag == flag.id]
        for level in LEVELS:
            rules = [r for r in raising if isinstance(r.then, ThenRedFlag) and r.then.level == level]
            if rules:  # said in full at its most urgent level; below, "as above"
                rows[level].append(Row(flag.name, means, _shorts(kb, rules), flag.id, flag.id,
                                       tuple(r.id for r in rules)))
                means = c.RED_FLAG_TABLE_AS_ABOVE
    section = warning_section(kb)
    for rule in level_rules(kb):
        if (set_level := then_level(rule.then)) is not None:
            rows[set_level].append(_level_rule_row(kb, rule, section))
    groups = tuple(Group(level, c.LEVEL_TITLE[level], _todo(level, clinic), tuple(rows[level]))
                   for level in LEVELS if rows[level])
    return Table(c.RED_FLAG_TABLE_TITLE, c.RED_FLAG_TABLE_INTRO, groups, c.DISCLAIMER)


def sources_text(row: Row) -> str:
    return i18n.clauses(row.sources)


# --- terminal text and Markdown ------------------------------------------------------------------
def _wrap(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    return textwidth.wrap(" ".join(text.split()), width, initial_indent=first, subsequent_indent=rest,
                          break_on_hyphens=False) or [first.rstrip()]


def text(doc: Table, width: int = 78) -> str:
    """The table for a terminal: a block per group, a bullet per row, each line at most ``width``."""
    out = _wrap(doc.title, width)
    out += ["=" * min(max(map(textwidth.cells, out)), width), *_wrap(doc.intro, width)]
    for group in doc.groups:
        out += ["", *_wrap(group.title, width)]
        out.append("-" * min(max(map(textwidth.cells, _wrap(group.title, width))), width))
        out += _wrap(i18n.labelled(c.LABEL_WHAT_TO_DO, group.todo), width)
        for row in group.rows:
            out += _wrap(f"{row.sign} {i18n.in_brackets(row.code)}", width, "- ", "  ")
            out += _wrap(i18n.labelled(c.LABEL_MEANS, row.means), width, "  ", "    ")
            out += _wrap(i18n.labelled(c.LABEL_SOURCE if len(row.sources) == 1 else c.LABEL_SOURCES,
                                       sources_text(row)), width, "  ", "    ")
    out += ["", *_wrap(doc.footer, width)]
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return mdtext.inline(text).replace("|", "\\|")


def markdown(doc: Table) -> str:
    """The table in Markdown: a heading and a pipe table per group."""
    out = [f"# {_cell(doc.title)}", "", _cell(doc.intro)]
    for group in doc.groups:
        out += ["", f"## {_cell(group.title)}", "",
                f"**{_cell(i18n.label_alone(c.LABEL_WHAT_TO_DO))}** {_cell(group.todo)}", "",
                f"| {_cell(c.LABEL_SIGN)} | {_cell(c.LABEL_MEANS)} | {_cell(c.LABEL_SOURCE)} |",
                "| --- | --- | --- |"]
        out += [f"| {_cell(row.sign)} {i18n.in_brackets(f'`{row.code}`')} | {_cell(row.means)} "
                f"| {_cell(sources_text(row))} |" for row in group.rows]
    out += ["", _cell(doc.footer)]
    return "\n".join(out) + "\n"
