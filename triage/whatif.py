"""What-if: ``triage assess FILE --what-if QUESTION=VALUE``.

The answers file is assessed as given ("before") and with some answers
changed ("after"), both through the questionnaire's flow; the difference
says exactly which suggestion level, red flags and causes changed. A value is
read as YAML, so ``fever=true``, ``age=70`` and ``pain_location=[side_flank]``
work as they would in an answers file; an empty value or ``null`` makes the
question unanswered.

Several changes are one scenario: "after" has them all together. Each is
also assessed alone, so that the text starts with a table (one row for each
change alone, one for all together) and the JSON has them under ``alone``.
The text says what changed first, then the whole result after the change,
then the whole result before it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from triage import errors, i18n
from triage import words as c
from triage.answers import check_value
from triage.engine import Engine
from triage.errors import Problem, TriageError
from triage.models import AnswerValue, KnowledgeBase
from triage.pipeline import assess
from triage.result import Result


@dataclass(frozen=True)
class Change:
    """One changed answer; ``value`` None makes the question unanswered."""

    question: str
    value: AnswerValue | None


def parse(kb: KnowledgeBase, specs: Sequence[str]) -> list[Change]:
    """Read ``QUESTION=VALUE`` texts; every bad one is reported (exit status 2)."""
    import yaml

    changes: list[Change] = []
    problems: list[Problem] = []

    def bad(spec: str, reason: str) -> None:
        problems.append(Problem("triage", None, errors.BAD_WHAT_IF.format(text=spec, reason=reason)))

    for spec in specs:
        qid, equals, raw = spec.partition("=")
        qid = qid.strip()
        if not equals or not qid:
            bad(spec, errors.WHAT_IF_NO_EQUALS)
            continue
        if not kb.has_question(qid):
            bad(spec, errors.ANSWER_UNKNOWN_QUESTION.format(
                id=qid, hint=errors.did_you_mean(qid, [q.id for q in kb.questions])))
            continue
        if any(ch.question == qid for ch in changes):
            bad(spec, errors.WHAT_IF_TWICE.format(id=qid))
            continue
        try:
            value = yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            reason = getattr(exc, "problem", None) or errors.NOT_VALID_YAML
            bad(spec, errors.WHAT_IF_NOT_YAML.format(value=raw, reason=reason))
            continue
        if value is None:
            changes.append(Change(qid, None))
            continue
        normalised, message = check_value(kb.question(qid), value)
        if message is not None:
            bad(spec, message)
            continue
        changes.append(Change(qid, normalised))
    if problems:
        raise TriageError(problems)
    return changes


def apply(given: Mapping[str, AnswerValue], changes: Sequence[Change]) -> dict[str, AnswerValue]:
    out = dict(given)
    for change in changes:
        if change.value is None:
            out.pop(change.question, None)
        else:
            out[change.question] = change.value
    return out


@dataclass(frozen=True)
class WhatIf:
    """The answers as given (``before``) and with every change together (``after``); ``alone`` has
    the result of each change applied alone, in the order given (with one change, ``after``)."""

    source: str
    given: dict[str, AnswerValue]
    changes: tuple[Change, ...]
    before: Result
    after: Result
    alone: tuple[Result, ...] = ()

    def each(self) -> list[WhatIf]:
        """Each change alone, as a what-if of its own."""
        results = self.alone or ((self.after,) if len(self.changes) == 1 else ())
        return [WhatIf(self.source, self.given, (change,), self.before, result)
                for change, result in zip(self.changes, results, strict=False)]

    def difference(self) -> dict[str, Any]:
        """What changed between before and after; None where nothing did."""
        b, a = self.before, self.after

        def moved(old: list[str], new: list[str]) -> dict[str, list[str]] | None:
            added = [x for x in new if x not in old]
            removed = [x for x in old if x not in new]
            return {"added": added, "removed": removed} if added or removed else None

        ignored = {i.question: i.reason for i in a.ignored_answers}
        return {
            "answers": [
                {"question": ch.question, "before": _json_value(self.given.get(ch.question)),
                 "after": _json_value(ch.value)}
                for ch in self.changes
            ],
            "level": None if a.level == b.level else {"before": b.level, "after": a.level},
            "red_flags": moved(b.red_flag_ids, a.red_flag_ids),
            "causes": moved(b.cause_ids, a.cause_ids),
            "acupuncture": None if a.acupuncture.suggested == b.acupuncture.suggested else {
                "before": b.acupuncture.suggested, "after": a.acupuncture.suggested},
            "not_asked": [
                {"question": ch.question, "reason": ignored[ch.question]}
                for ch in self.changes if ch.question in ignored
            ],
        }

    def to_json(self) -> str:
        return json.dumps({
            "source": self.source,
            "before": self.before.model_dump(mode="json", exclude={"answers"}),
            "after": self.after.model_dump(mode="json", exclude={"answers"}),
            "changes": self.difference(),
            "alone": [
                {"question": one.changes[0].question, "level": one.after.level, "changes": one.difference()}
                for one in self.each()
            ],
        }, ensure_ascii=False)


def _json_value(value: AnswerValue | None) -> Any:
    return list(value) if isinstance(value, tuple) else value


def run(kb: KnowledgeBase, engine: Engine, given: Mapping[str, AnswerValue],
        changes: Sequence[Change], source: str) -> WhatIf:
    before = assess(kb, given, source=source, engine=engine)
    after = assess(kb, apply(given, changes), source=source, engine=engine)
    alone = (after,) if len(changes) == 1 else tuple(
        assess(kb, apply(given, [change]), source=source, engine=engine) for change in changes)
    return WhatIf(source, dict(given), tuple(changes), before, after, alone)


def _value_text(kb: KnowledgeBase, qid: str, value: AnswerValue | None) -> str:
    from triage.qtypes import answer_text

    return c.WHAT_IF_UNANSWERED if value is None else answer_text(kb, qid, value)


def change_text(kb: KnowledgeBase, what: WhatIf) -> str:
    return i18n.clauses(
        c.WHAT_IF_CHANGE.format(id=ch.question, value=_value_text(kb, ch.question, ch.value),
                                was=_value_text(kb, ch.question, what.given.get(ch.question)))
        for ch in what.changes
    )


def changed_lines(kb: KnowledgeBase, what: WhatIf) -> list[str]:
    diff = what.difference()
    lines: list[str] = []
    names = {d.id: d.name for d in kb.causes} | {d.id: d.name for d in kb.red_flags}
    if diff["level"]:
        lines.append(c.WHAT_IF_LEVEL.format(before=c.LEVEL_TITLE[diff["level"]["before"]],
                                            after=c.LEVEL_TITLE[diff["level"]["after"]]))
    for key, new, gone in (("red_flags", c.WHAT_IF_NEW_RED_FLAG, c.WHAT_IF_GONE_RED_FLAG),
                           ("causes", c.WHAT_IF_NEW_CAUSE, c.WHAT_IF_GONE_CAUSE)):
        moved = diff[key] or {"added": [], "removed": []}
        lines += [new.format(name=names.get(i, i)) for i in moved["added"]]
        lines += [gone.format(name=names.get(i, i)) for i in moved["removed"]]
    if not lines:
        lines.append(c.WHAT_IF_NOTHING)
    elif not diff["level"]:
        lines.insert(0, c.WHAT_IF_SAME_LEVEL.format(title=c.LEVEL_TITLE[what.after.level]))
    lines += [c.WHAT_IF_NOT_ASKED.format(id=n["question"], reason=n["reason"]) for n in diff["not_asked"]]
    return lines


def _titled(title: str, body: str, width: int) -> list[str]:
    from triage.textwidth import cells, wrap

    lines = wrap(title, width)
    return [*lines, "-" * max(cells(line) for line in lines), body, ""]


def _bulleted(items: Sequence[str], width: int) -> str:
    from triage.textwidth import wrap

    return "\n".join(line for item in items
                     for line in wrap(item, width, initial_indent="- ", subsequent_indent="  "))


def text(kb: KnowledgeBase, what: WhatIf, width: int = 78) -> str:
    """What changed first (with several changes, each alone in a table, then all together), then
    the whole result after the change, then the whole result before it."""
    from triage.render import plain

    changes = change_text(kb, what)
    out = table_section(kb, what, width) if len(what.changes) > 1 else []
    out += _titled(c.WHAT_IF_CHANGES_IF.format(changes=changes), _bulleted(changed_lines(kb, what), width),
                   width)
    out += _titled(c.WHAT_IF_AFTER.format(changes=changes), plain(kb, what.after, width), width)
    out += _titled(c.WHAT_IF_BEFORE, plain(kb, what.before, width), width)
    return "\n".join(out).rstrip() + "\n"


# --- several changes: each alone, then all together ---------------------------------------------
COLUMN_GAP = 2
"""Cells between two columns of the table."""


def table_rows(kb: KnowledgeBase, what: WhatIf) -> list[list[list[str]]]:
    """The table's rows, header first: each cell a list of items (one a line, or more when wrapped).

    One row for each change alone, then one for all of them together: the answer, the suggestion it
    gives, and the warning signs and causes it adds."""
    names = {d.id: d.name for d in kb.causes} | {d.id: d.name for d in kb.red_flags}

    def row(answer: str, one: WhatIf) -> list[list[str]]:
        level = [c.LEVEL_TITLE[one.after.level]]
        if one.after.level == what.before.level:
            level.append(i18n.in_brackets(c.WHAT_IF_UNCHANGED))
        diff = one.difference()
        added = [[names.get(i, i) for i in (diff[key] or {"added": []})["added"]] or [c.WHAT_IF_NONE]
                 for key in ("red_flags", "causes")]
        return [[answer], level, *added]

    header = [[c.WHAT_IF_COLUMN_ANSWER], [c.WHAT_IF_COLUMN_LEVEL], [c.WHAT_IF_COLUMN_RED_FLAGS],
              [c.WHAT_IF_COLUMN_CAUSES]]
    rows = [row(c.WHAT_IF_ROW_ANSWER.format(id=one.changes[0].question,
                                           value=_value_text(kb, one.changes[0].question,
                                                             one.changes[0].value)), one)
            for one in what.each()]
    return [header, *rows, row(c.WHAT_IF_ALL_TOGETHER, what)]


def column_widths(natural: Sequence[int], room: int, least: Sequence[int] = ()) -> list[int]:
    """Each column its natural width if they all fit in ``room`` cells; otherwise the widest column
    that may still narrow gives up a cell, again and again, until they fit (so narrow columns stay
    whole). No column narrows below its ``least`` (1 when not given)."""
    widths = list(natural)
    least = [min(w, max(1, n)) for w, n in zip(natural, [*least, *[1] * len(natural)], strict=False)]
    while sum(widths) > room:
        narrowing = [i for i, w in enumerate(widths) if w > least[i]]
        if not narrowing:
            break
        widest = max(narrowing, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


def _cell_lines(items: Sequence[str], width: int) -> list[str]:
    """A cell's items, one a line, wrapped to ``width``; with several items, an item's next lines
    are indented, so that each item shows where it begins."""
    from triage.textwidth import wrap

    indent = "  " if len(items) > 1 else ""
    return [line for item in items for line in wrap(item, width, subsequent_indent=indent) or [""]]


def _wrapped(rows: Sequence[Sequence[Sequence[str]]], widths: Sequence[int]) -> list[list[list[str]]]:
    return [[_cell_lines(cell, widths[i]) for i, cell in enumerate(row)] for row in rows]


def _fitted(rows: Sequence[Sequence[Sequence[str]]], room: int,
            least: Sequence[int]) -> list[list[list[str]]]:
    """The cells wrapped into columns of at most ``room`` cells in all: the widest column is narrowed
    first; then the cells a narrowed column leaves unused go to the column they save most lines in."""
    from triage.textwidth import cells

    count = len(rows[0])
    natural = [max(cells(item) for row in rows for item in row[i]) for i in range(count)]

    def measured(wrapped: list[list[list[str]]]) -> list[int]:
        return [max(cells(line) for row in wrapped for line in row[i]) for i in range(count)]

    def height(wrapped: list[list[list[str]]], column: int) -> int:
        return sum(len(row[column]) for row in wrapped)

    wrapped = _wrapped(rows, column_widths(natural, room, least))
    for _ in range(count):  # each round gives the unused cells to one column
        widths = measured(wrapped)
        slack = room - sum(widths)
        trials = {i: _wrapped(rows, [*widths[:i], widths[i] + slack, *widths[i + 1:]])
                  for i in range(count) if slack > 0 and natural[i] > widths[i]}
        gains = {i: height(wrapped, i) - height(trial, i) for i, trial in trials.items()}
        best = max(gains, key=lambda i: gains[i], default=None)
        if best is None or gains[best] <= 0:
            break
        wrapped = trials[best]
    return wrapped


def table(rows: Sequence[Sequence[Sequence[str]]], width: int, least: Sequence[int] = ()) -> list[str]:
    """``rows`` (the header first) as lines of at most ``width`` cells: columns measured in cells,
    cells wrapped to fit, none narrower than its ``least``; rows are apart when one takes more than
    a line."""
    from triage.textwidth import cells

    count = len(rows[0])
    wrapped = _fitted(rows, width - COLUMN_GAP * (count - 1), least)
    widths = [max(cells(line) for row in wrapped for line in row[i]) for i in range(count)]
    gap = " " * COLUMN_GAP

    def lines_of(row: list[list[str]]) -> list[str]:
        height = max(len(cell) for cell in row)
        return [gap.join(_padded(cell[n] if n < len(cell) else "", widths[i]) for i, cell in enumerate(row))
                .rstrip() for n in range(height)]

    header, *body = [lines_of(row) for row in wrapped]
    spaced = any(len(row) > 1 for row in body)
    out = [*header, gap.join("-" * w for w in widths)]
    for number, row in enumerate(body):
        out += ([""] if spaced and number else []) + row
    return out


def _padded(text: str, width: int) -> str:
    from triage.textwidth import cells

    return text + " " * (width - cells(text))


def table_section(kb: KnowledgeBase, what: WhatIf, width: int) -> list[str]:
    """The table of each change alone and all together, under the suggestion as answered."""
    from triage.textwidth import cells, wrap

    body = wrap(i18n.labelled(c.WHAT_IF_AS_ANSWERED, c.LEVEL_TITLE[what.before.level]), width)
    # A question's id is never cut: with the brackets or sign around it, it stays on one line.
    longest_id = max(cells(change.question) for change in what.changes) + 2
    body += ["", *table(table_rows(kb, what), width, [longest_id])]
    notes = [c.WHAT_IF_NOT_ASKED_ALONE.format(id=n["question"], reason=n["reason"])
             for one in what.each() for n in one.difference()["not_asked"]]
    if notes:
        body += ["", _bulleted(notes, width)]
    return _titled(c.WHAT_IF_EACH_ALONE, "\n".join(body), width)
