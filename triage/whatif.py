"""What-if: ``triage assess FILE --what-if QUESTION=VALUE``.

The answers file is assessed as given ("before") and with some answers
changed ("after"), both through the questionnaire's flow; the difference
says exactly which suggestion level, red flags and causes changed. A value is
read as YAML, so ``fever=true``, ``age=70`` and ``pain_location=[side_flank]``
work as they would in an answers file; an empty value or ``null`` makes the
question unanswered.
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
    source: str
    given: dict[str, AnswerValue]
    changes: tuple[Change, ...]
    before: Result
    after: Result

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
        }, ensure_ascii=False)


def _json_value(value: AnswerValue | None) -> Any:
    return list(value) if isinstance(value, tuple) else value


def run(kb: KnowledgeBase, engine: Engine, given: Mapping[str, AnswerValue],
        changes: Sequence[Change], source: str) -> WhatIf:
    before = assess(kb, given, source=source, engine=engine)
    after = assess(kb, apply(given, changes), source=source, engine=engine)
    return WhatIf(source, dict(given), tuple(changes), before, after)


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


def _titled(title: str, body: str) -> list[str]:
    return [title, "-" * len(title), body, ""]


def text(kb: KnowledgeBase, what: WhatIf, width: int = 78) -> str:
    from triage.render import plain
    from triage.textwidth import wrap

    out = _titled(c.WHAT_IF_BEFORE, plain(kb, what.before, width))
    out += _titled(c.WHAT_IF_AFTER.format(changes=change_text(kb, what)), plain(kb, what.after, width))
    changed = [
        line for item in changed_lines(kb, what)
        for line in wrap(item, width, initial_indent="- ", subsequent_indent="  ")
    ]
    out += _titled(c.WHAT_IF_CHANGED, "\n".join(changed))
    return "\n".join(out).rstrip() + "\n"
