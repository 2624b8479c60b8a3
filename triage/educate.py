"""``triage red-flags`` and ``triage explain``: the knowledge base for people.

``red-flags --format tree`` lists every warning sign the questionnaire looks for, most
urgent first: the signs in plain words (from the rules' conditions), what
they may mean, what to do, and where the advice comes from.

``explain ID`` is the expert system's WHY: for a question, why it is asked and
which rules and ask-conditions use its answer; for a cause, a red flag or a
rule, the rules that lead there, in plain words, with their reasons and
sources.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from triage import conditions, errors, i18n
from triage import words as c
from triage.conditions import findings_used, questions_used
from triage.describe import Node, finding_name, named, quoted, sentence, tree
from triage.models import (
    LEVELS,
    CauseDef,
    CoverageItem,
    KnowledgeBase,
    Question,
    RedFlagDef,
    Rule,
    SourceDef,
    ThenCause,
    ThenCaution,
    ThenRedFlag,
    then_level,
    then_stops,
)
from triage.textdoc import Block, Bullets, Heading, Para


# --- shared pieces ----------------------------------------------------------------
def distinct_sources(kb: KnowledgeBase, rules: Iterable[Rule]) -> list[SourceDef]:
    """Each source the rules cite, once, in order."""
    ids: dict[str, None] = {}
    for rule in rules:
        ids.update((sid, None) for sid in rule.source)
    return [kb.source(sid) for sid in ids]


def reference(source: SourceDef) -> str:
    """The full reference, with its web address where one exists."""
    text = " ".join(source.reference.split())
    return f"{text} {source.url}" if source.url else text


def source_json(source: SourceDef) -> dict[str, Any]:
    return {"id": source.id, "short": source.short, "reference": " ".join(source.reference.split()),
            "year": source.year, "url": source.url}


def producing_rules(kb: KnowledgeBase, kind: str, fid: str) -> list[Rule]:
    return [r for r in kb.rules if r.finding == (kind, fid)]


def using_rules(kb: KnowledgeBase, kind: str, fid: str) -> list[Rule]:
    return [r for r in kb.rules if (kind, fid) in findings_used(r.when)]


def advice(level: str) -> str:
    return c.LEVEL_ADVICE[level]


def concludes(kb: KnowledgeBase, rule: Rule) -> str:
    """What a rule concludes, in words."""
    then = rule.then
    if isinstance(then, ThenCause):
        return c.CONCLUDES_CAUSE.format(name=named(finding_name(kb, "cause", then.cause)))
    if isinstance(then, ThenRedFlag):
        return c.CONCLUDES_RED_FLAG.format(
            name=named(finding_name(kb, "red_flag", then.red_flag)),
            title=named(c.LEVEL_TITLE[then.level]), advice=advice(then.level))
    if isinstance(then, ThenCaution):
        return c.CONCLUDES_CAUTION
    return c.CONCLUDES_LEVEL.format(title=named(c.LEVEL_TITLE[then.level]), advice=advice(then.level))


def _then_json(rule: Rule) -> dict[str, Any]:
    return rule.then.model_dump(mode="json")


def _rule_json(kb: KnowledgeBase, rule: Rule, *, expand: bool = False) -> dict[str, Any]:
    return {
        "rule": rule.id,
        "when": sentence(kb, rule.when, expand=expand),
        "then": _then_json(rule),
        "concludes": concludes(kb, rule),
        "because": " ".join(rule.because.split()),
        "source": kb.cite(rule.source),
        "sources": [source_json(kb.source(sid)) for sid in rule.source],
        "condition": rule.model_dump(mode="json", by_alias=True)["when"],
    }


def _rule_blocks(kb: KnowledgeBase, rule: Rule, *, depth: int = 3, conclusion: bool = True) -> list[Block]:
    blocks: list[Block] = [Heading(c.EXPLAIN_RULE_TITLE.format(id=rule.id), depth)]
    if conclusion:
        blocks.append(Para(concludes(kb, rule), c.LABEL_LEADS_TO))
    blocks += [
        Bullets((tree(kb, rule.when),), c.LABEL_WHEN),
        Para(rule.because, c.LABEL_BECAUSE),
        Bullets(tuple(Node(reference(kb.source(sid))) for sid in rule.source),
                c.LABEL_SOURCE if len(rule.source) == 1 else c.LABEL_SOURCES),
    ]
    return blocks


# --- red flags --------------------------------------------------------------------
@dataclass(frozen=True)
class RedFlagEntry:
    flag: RedFlagDef
    level: str | None
    rules: tuple[Rule, ...]
    sources: tuple[SourceDef, ...]


def red_flag_entries(kb: KnowledgeBase) -> list[RedFlagEntry]:
    """Every red flag with the rules that raise it, most urgent first (then file order)."""
    entries = []
    for flag in kb.red_flags:
        rules = producing_rules(kb, "red_flag", flag.id)
        levels = [lv for lv in (then_level(r.then) for r in rules) if lv]
        level = min(levels, key=LEVELS.index) if levels else None
        entries.append(RedFlagEntry(flag, level, tuple(rules), tuple(distinct_sources(kb, rules))))
    def urgency(entry: RedFlagEntry) -> tuple[int, int]:
        """Most urgent first; a flag whose every sign is that urgent before one with milder signs."""
        ranks = [LEVELS.index(lv) for lv in (then_level(r.then) for r in entry.rules) if lv]
        return (min(ranks), max(ranks)) if ranks else (len(LEVELS), len(LEVELS))

    return sorted(entries, key=urgency)


def red_flags_blocks(kb: KnowledgeBase) -> list[Block]:
    blocks: list[Block] = [Heading(c.RED_FLAGS_TITLE, 1), Para(c.RED_FLAGS_INTRO)]
    for entry in red_flag_entries(kb):
        flag = entry.flag
        blocks.append(Heading(f"{flag.name} (`{flag.id}`)", 2))
        levels = sorted({lv for r in entry.rules if (lv := then_level(r.then))}, key=LEVELS.index)
        if len(levels) > 1:  # some signs more urgent than others: what to do, sign by sign
            for level in levels:
                signs = tuple(tree(kb, r.when, expand=True)
                              for r in entry.rules if then_level(r.then) == level)
                blocks.append(Para(advice(level), c.LABEL_WHAT_TO_DO))
                blocks.append(Bullets(signs, c.LABEL_SIGNS if len(signs) > 1 else c.LABEL_SIGN))
        else:
            if entry.level:
                blocks.append(Para(advice(entry.level), c.LABEL_WHAT_TO_DO))
            signs = tuple(tree(kb, r.when, expand=True) for r in entry.rules)
            if signs:
                blocks.append(Bullets(signs, c.LABEL_SIGNS if len(signs) > 1 else c.LABEL_SIGN))
            else:
                blocks.append(Para(c.NO_RULE_YET, c.LABEL_SIGN))
        blocks.append(Para(flag.means, c.LABEL_MEANS))
        if entry.sources:
            blocks.append(Para(i18n.clauses(s.short for s in entry.sources), c.LABEL_SOURCES))
    blocks.append(Heading(c.APP_NAME, 2))
    blocks.append(Para(c.DISCLAIMER))
    return blocks


def red_flags_json(kb: KnowledgeBase) -> dict[str, Any]:
    return {
        "red_flags": [
            {
                "id": e.flag.id,
                "name": e.flag.name,
                "level": e.level,
                "what_to_do": advice(e.level) if e.level else None,
                "means": " ".join(e.flag.means.split()),
                "signs": [_rule_json(kb, r, expand=True) for r in e.rules],
                "sources": [s.short for s in e.sources],
            }
            for e in red_flag_entries(kb)
        ],
        "disclaimer": c.DISCLAIMER,
        "knowledge_base": kb.version,
    }


# --- explain ----------------------------------------------------------------------
def all_ids(kb: KnowledgeBase) -> dict[str, list[str]]:
    return {kind: [item_id for item_id, _ in pairs] for kind, pairs in _labels(kb).items()}


Explained = Question | CauseDef | RedFlagDef | Rule | SourceDef


def _labels(kb: KnowledgeBase) -> dict[str, list[tuple[str, str]]]:
    """Each kind's (id, words a person might search for) in knowledge-base order."""
    return {
        "question": [(q.id, q.text) for q in kb.questions],
        "cause": [(x.id, x.name) for x in kb.causes],
        "red_flag": [(x.id, x.name) for x in kb.red_flags],
        "rule": [(r.id, "") for r in kb.rules],
        "source": [(x.id, x.short) for x in kb.sources],
    }


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^\w]+", text.casefold().replace("_", " ")) if w]


def resolve(kb: KnowledgeBase, text: str) -> str:
    """An id as given, or the one id whose id, name or question text holds every word of ``text``.

    "saddle" finds `saddle_numbness`; "blood thinner" finds `blood_thinners`. Several matches
    (beyond a question or finding with the same id) are listed; none gets "did you mean".
    """
    labels = _labels(kb)
    pool = [i for pairs in labels.values() for i, _ in pairs]
    if text in pool:
        return text
    wanted = _words(text)
    if not wanted:
        raise errors.fail("triage", None, errors.UNKNOWN_ID, id=text, hint="")
    found: dict[str, None] = {}
    for pairs in labels.values():
        for item_id, label in pairs:
            haystack = _words(f"{item_id} {label}")
            if all(any(h.startswith(w) for h in haystack) for w in wanted):
                found[item_id] = None
    primary = [i for kind in ("question", "cause", "red_flag") for i, _ in labels[kind] if i in found]
    starting = [i for i in primary if i.startswith(wanted[0])]
    for candidates in (list(found), starting, primary):
        if len(candidates) == 1:
            return candidates[0]
    named = primary + [i for i in found if i not in primary]
    if found:
        raise errors.fail("triage", None, errors.SEVERAL_MATCH, words=text,
                          ids=i18n.listing(f"`{i}`" for i in named[:12]))
    raise errors.fail("triage", None, errors.UNKNOWN_ID, id=text, hint=errors.did_you_mean(text, pool))


def list_blocks(kb: KnowledgeBase) -> list[Block]:
    blocks: list[Block] = [Heading(c.EXPLAIN_LIST_TITLE, 1)]
    for kind, pairs in _labels(kb).items():
        blocks.append(Heading(c.EXPLAIN_KINDS[kind], 2))
        blocks.append(Bullets(tuple(Node(f"`{i}`" + (f": {' '.join(label.split())}" if label else ""))
                                    for i, label in pairs)))
    return blocks


def lookup(kb: KnowledgeBase, item_id: str) -> list[tuple[str, Explained]]:
    """Everything called ``item_id``; an unknown id raises with a "did you mean"."""
    found: list[tuple[str, Explained]] = []
    if kb.has_question(item_id):
        found.append(("question", kb.question(item_id)))
    found += [("cause", x) for x in kb.causes if x.id == item_id]
    found += [("red_flag", x) for x in kb.red_flags if x.id == item_id]
    found += [("rule", x) for x in kb.rules if x.id == item_id]
    found += [("source", x) for x in kb.sources if x.id == item_id]
    if not found:
        pool = [i for ids in all_ids(kb).values() for i in ids]
        raise errors.fail("triage", None, errors.UNKNOWN_ID, id=item_id,
                          hint=errors.did_you_mean(item_id, pool))
    return found


def answer_kinds(question: Question) -> str:
    options = i18n.listing(named(o.label) for o in question.options)
    low, high = question.bounds
    return c.ANSWER_KINDS[question.type].format(min=low, max=high, options=options)


def _question_blocks(kb: KnowledgeBase, q: Question) -> list[Block]:
    position = [x.id for x in kb.questions].index(q.id) + 1
    blocks: list[Block] = [
        Heading(c.EXPLAIN_QUESTION_TITLE.format(id=q.id), 1),
        Para(quoted(q.text)),
        Para(f"{kb.section_title(q.section)}, "
             + c.EXPLAIN_POSITION.format(n=position, total=len(kb.questions)), c.LABEL_SECTION),
        Para(answer_kinds(q), c.LABEL_ANSWERS),
        Para(q.why, c.LABEL_WHY_ASKED),
    ]
    asked_when = conditions.asked_when(kb, q)
    if asked_when is None:
        blocks.append(Para(c.ALWAYS_ASKED, c.LABEL_WHEN_ASKED))
    else:
        blocks.append(Bullets((Node(c.ASKED_ONLY_WHEN_COLON, (tree(kb, asked_when),)),), c.LABEL_WHEN_ASKED))
    blocks.append(Heading(c.EXPLAIN_RULES_USING, 2))
    users = [r for r in kb.rules if q.id in questions_used(r.when)]
    if not users:
        blocks.append(Para(c.EXPLAIN_NOT_USED))
    for rule in users:
        blocks += _rule_blocks(kb, rule)
    gated = [(x, cond) for x in kb.questions
             if (cond := conditions.asked_when(kb, x)) is not None and q.id in questions_used(cond)]
    if gated:
        blocks.append(Heading(c.EXPLAIN_QUESTIONS_DEPENDING, 2))
        blocks.append(Bullets(tuple(
            Node(c.EXPLAIN_ASKED_ONLY_WHEN.format(id=x.id, question=quoted(x.text)), (tree(kb, cond),))
            for x, cond in gated
        )))
    return blocks


def _question_json(kb: KnowledgeBase, q: Question) -> dict[str, Any]:
    return {
        "kind": "question",
        "id": q.id,
        "text": " ".join(q.text.split()),
        "type": q.type,
        "section": kb.section_title(q.section),
        "answers": answer_kinds(q),
        "why": " ".join(q.why.split()),
        "asked_when": None if (cond := conditions.asked_when(kb, q)) is None else sentence(kb, cond),
        "rules": [_rule_json(kb, r) for r in kb.rules if q.id in questions_used(r.when)],
        "asked_depending_on_it": [
            x.id for x in kb.questions
            if (gate := conditions.asked_when(kb, x)) is not None and q.id in questions_used(gate)
        ],
    }


def _finding_blocks(kb: KnowledgeBase, kind: str, item: CauseDef | RedFlagDef) -> list[Block]:
    blocks: list[Block]
    if isinstance(item, CauseDef):
        blocks = [Heading(c.EXPLAIN_CAUSE_TITLE.format(name=item.name, id=item.id), 1),
                  Para(item.about, c.LABEL_ABOUT)]
        if item.acupuncture_responsive:
            blocks += [Para(c.ACUPUNCTURE_RESPONSIVE, c.LABEL_ACUPUNCTURE), Para(c.ACUPUNCTURE_EVIDENCE)]
        if item.acupuncture_withheld:
            blocks.append(Para(c.ACUPUNCTURE_WITHHELD, c.LABEL_ACUPUNCTURE))
    else:
        entry = next(e for e in red_flag_entries(kb) if e.flag.id == item.id)
        blocks = [Heading(c.EXPLAIN_RED_FLAG_TITLE.format(name=item.name, id=item.id), 1),
                  Para(item.means, c.LABEL_MEANS)]
        if entry.level:
            blocks.append(Para(advice(entry.level), c.LABEL_WHAT_TO_DO))
    blocks.append(Heading(c.EXPLAIN_LEADS_HERE, 2))
    rules = producing_rules(kb, kind, item.id)
    if not rules:
        blocks.append(Para(c.NO_RULE_YET))
    for rule in rules:
        blocks += _rule_blocks(kb, rule, conclusion=False)
    following = using_rules(kb, kind, item.id)
    if following:
        blocks.append(Heading(c.EXPLAIN_FOLLOWS, 2))
        for rule in following:
            blocks += _rule_blocks(kb, rule)
    return blocks


def _finding_json(kb: KnowledgeBase, kind: str, item: CauseDef | RedFlagDef) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": kind, "id": item.id, "name": item.name}
    if isinstance(item, CauseDef):
        out["about"] = " ".join(item.about.split())
        out["acupuncture_responsive"] = item.acupuncture_responsive
        out["acupuncture_withheld"] = item.acupuncture_withheld
    else:
        entry = next(e for e in red_flag_entries(kb) if e.flag.id == item.id)
        out["means"] = " ".join(item.means.split())
        out["level"] = entry.level
        out["what_to_do"] = advice(entry.level) if entry.level else None
    out["rules"] = [_rule_json(kb, r) for r in producing_rules(kb, kind, item.id)]
    out["leads_to"] = [_rule_json(kb, r) for r in using_rules(kb, kind, item.id)]
    return out


def example_text(kb: KnowledgeBase, raw: dict[str, Any]) -> str:
    from triage.answers import example_answers
    from triage.qtypes import answer_text

    values = example_answers(kb, raw)
    if not values:
        return c.NO_ANSWERS_EXAMPLE
    return "; ".join(f"{qid}: {answer_text(kb, qid, v)}" for qid, v in values.items())


def _rule_explain_blocks(kb: KnowledgeBase, rule: Rule) -> list[Block]:
    blocks: list[Block] = [Heading(c.EXPLAIN_RULE_TITLE.format(id=rule.id), 1)]
    if rule.file:
        blocks.append(Para(f"{rule.file}:{rule.line}" if rule.line else rule.file, c.LABEL_DEFINED_IN))
    blocks += _rule_blocks(kb, rule)[1:]
    if then_stops(rule.then):
        blocks.append(Para(c.STOPS_YES, c.LABEL_STOPS))
    examples = [(c.LABEL_FIRES_FOR, rule.examples.fires), (c.LABEL_NOT_FOR, rule.examples.does_not_fire)]
    for label, group in examples:
        if group:
            blocks.append(Bullets(tuple(Node(example_text(kb, ex)) for ex in group), label))
    relied = sorted(findings_used(rule.when))
    if relied:
        blocks.append(Heading(c.EXPLAIN_RELIES_ON, 2))
        for kind, fid in relied:
            for producer in producing_rules(kb, kind, fid):
                blocks += _rule_blocks(kb, producer)
    return blocks


def _rule_explain_json(kb: KnowledgeBase, rule: Rule) -> dict[str, Any]:
    out = {"kind": "rule", "id": rule.id, **_rule_json(kb, rule)}
    del out["rule"]
    out["defined_in"] = f"{rule.file}:{rule.line}" if rule.file else None
    out["stops"] = then_stops(rule.then)
    out["relies_on"] = [
        _rule_json(kb, p) for kind, fid in sorted(findings_used(rule.when))
        for p in producing_rules(kb, kind, fid)
    ]
    return out


def _coverage_line(kb: KnowledgeBase, item: CoverageItem) -> str:
    tier = c.LEVEL_TITLE[item.tier]
    if item.not_asked is not None:
        return c.COVERAGE_NOT_ASKED.format(sign=item.sign, heading=item.heading, tier=tier,
                                           why=" ".join(item.not_asked.split()))
    return c.COVERAGE_CAUGHT.format(sign=item.sign, heading=item.heading, tier=tier,
                                    rules=i18n.listing(f"`{rid}`" for rid in item.rules),
                                    answers=example_text(kb, item.shows or {}))


def _source_blocks(kb: KnowledgeBase, source: SourceDef) -> list[Block]:
    blocks: list[Block] = [Heading(c.EXPLAIN_SOURCE_TITLE.format(short=source.short, id=source.id), 1),
                           Para(reference(source))]
    items = kb.coverage_of(source.id)
    blocks.append(Heading(c.EXPLAIN_SOURCE_ITEMS, 2))
    blocks.append(Bullets(tuple(Node(_coverage_line(kb, i)) for i in items)) if items
                  else Para(c.EXPLAIN_NO_ITEMS))
    citing = [r for r in kb.rules if source.id in r.source]
    if citing:
        blocks.append(Heading(c.EXPLAIN_SOURCE_RULES, 2))
        blocks.append(Bullets(tuple(Node(f"`{r.id}`: {concludes(kb, r)}") for r in citing)))
    return blocks


def _source_json(kb: KnowledgeBase, source: SourceDef) -> dict[str, Any]:
    return {
        "kind": "source", **source_json(source),
        "coverage": [
            {"id": i.id, "heading": i.heading, "sign": i.sign, "tier": i.tier,
             "shows": i.shows, "rules": list(i.rules), "not_asked": i.not_asked}
            for i in kb.coverage_of(source.id)
        ],
        "rules": [r.id for r in kb.rules if source.id in r.source],
    }


def explain_blocks(kb: KnowledgeBase, item_id: str) -> list[Block]:
    blocks: list[Block] = []
    for kind, item in lookup(kb, item_id):
        if isinstance(item, Question):
            blocks += _question_blocks(kb, item)
        elif isinstance(item, Rule):
            blocks += _rule_explain_blocks(kb, item)
        elif isinstance(item, SourceDef):
            blocks += _source_blocks(kb, item)
        else:
            blocks += _finding_blocks(kb, kind, item)
    return blocks


def explain_json(kb: KnowledgeBase, item_id: str) -> dict[str, Any]:
    matches: list[dict[str, Any]] = []
    for kind, item in lookup(kb, item_id):
        if isinstance(item, Question):
            matches.append(_question_json(kb, item))
        elif isinstance(item, Rule):
            matches.append(_rule_explain_json(kb, item))
        elif isinstance(item, SourceDef):
            matches.append(_source_json(kb, item))
        else:
            matches.append(_finding_json(kb, kind, item))
    return {"id": item_id, "matches": matches, "knowledge_base": kb.version}

