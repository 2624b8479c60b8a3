"""Load ``questions.yaml`` and ``rules/*.yaml`` into a validated knowledge base.

Stages, each a pure function: read YAML with lines (:mod:`triage.yamlsrc`) ->
validate the structure into frozen models -> check every reference (question
and option ids, operators against question types, ask_if order, finding
cycles). Every problem is a :class:`~triage.errors.Problem` with file and
line; :func:`load` raises them together as one :class:`TriageError`.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from triage import answers as answers_mod
from triage import conditions, errors, i18n, qtypes, rulegraph, yamlsrc
from triage.errors import Problem, TriageError
from triage.models import (
    THEN_KINDS,
    AllCondition,
    AnyCondition,
    CauseCondition,
    Condition,
    KnowledgeBase,
    Located,
    NotCondition,
    Question,
    QuestionCondition,
    Questionnaire,
    RedFlagCondition,
    Rule,
    RuleFile,
    ThenCause,
    ThenCaution,
    ThenRedFlag,
    UnansweredCondition,
)
from triage.paths import default_questions, default_rules, display

M = TypeVar("M", bound=BaseModel)
L = TypeVar("L", bound=Located)


def _all_field_names() -> set[str]:
    from triage import models

    names: set[str] = set()
    for obj in vars(models).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel) and obj is not BaseModel:
            for name, info in obj.model_fields.items():
                names.add(info.alias or name)
    return names


# --- structure ---------------------------------------------------------------
def _data_path(data: Any, loc: Sequence[str | int]) -> tuple[str | int, ...]:
    """Map a pydantic error location to a path in the data (dropping union tags)."""
    path: list[str | int] = []
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            node = node[part]
            path.append(part)
        elif part == "not_" and isinstance(node, dict) and "not" in node:
            node = node["not"]
            path.append("not")
    return tuple(path)


def _where(data: Any, path: tuple[str | int, ...]) -> str:
    """Plain name of the item a path is in: ``rule `cauda_equina```."""
    kinds = {"rules": "rule", "questions": "question", "causes": "cause", "red_flags": "red flag",
             "sources": "source", "advice": "advice", "sections": "section"}
    if len(path) >= 2 and path[0] in kinds and isinstance(path[1], int):
        item = data[path[0]][path[1]]
        name = item.get("id") if isinstance(item, dict) else None
        label = kinds[str(path[0])]
        return errors.WHERE[label].format(id=name) if name else errors.WHERE_NTH[label].format(n=path[1] + 1)
    return errors.WHERE_TOP


def _keys(value: Any) -> str:
    if isinstance(value, dict):
        return i18n.listing(f"`{k}`" for k in value) or errors.SHOWN_EMPTY_MAPPING
    return f"`{value}`"


def validate_structure(model: type[M], source: yamlsrc.Source) -> tuple[M | None, list[Problem]]:
    """Validate ``source.data`` into ``model``; structural problems with lines."""
    try:
        return model.model_validate(source.data), []
    except ValidationError as exc:
        problems = []
        names = _all_field_names()
        errs = exc.errors()
        # A misspelt key ("wen") also makes the real one ("when") missing: say it once.
        hinted = errs[: errors.MAX_PER_FILE * 2]  # past what is shown, a hint would only cost time
        misspelt = {
            (_data_path(source.data, e["loc"][:-1]), hint)
            for e in hinted if e["type"] == "extra_forbidden"
            for hint in difflib.get_close_matches(str(e["loc"][-1]), names, n=1, cutoff=0.6)
        }
        for n, err in enumerate(errs):
            path = _data_path(source.data, err["loc"])
            if err["type"] == "missing" and (path, err["loc"][-1]) in misspelt:
                continue
            line = source.line(path)
            where = _where(source.data, path)
            kind = err["type"]
            if kind == "extra_forbidden":
                key = str(err["loc"][-1])
                hint = errors.did_you_mean(key, names - {key}) if n < len(hinted) else ""
                message = errors.UNKNOWN_KEY.format(where=where, key=key, hint=hint)
            elif kind == "missing" and err["loc"][-1] == "source":
                message = errors.NO_SOURCE.format(where=where)
            elif kind == "missing":
                message = errors.MISSING_KEY.format(where=where, key=err["loc"][-1])
            elif kind == "bad_condition":
                message = errors.BAD_CONDITION.format(where=where, found=_keys(err["input"]))
            elif kind == "bad_then":
                kinds = i18n.listing(f"`{k}`" for k in THEN_KINDS)
                message = errors.BAD_THEN.format(where=where, kinds=kinds, found=_keys(err["input"]))
            else:
                field = next((p for p in reversed(path) if isinstance(p, str)), "")
                reason = f"`{field}`: {err['msg']}" if field else err["msg"]
                message = errors.WRONG_VALUE.format(where=where, reason=reason)
            problems.append(Problem(source.name, line, message))
        return None, sorted(set(problems), key=lambda p: (p.line or 0, p.message))


# --- references --------------------------------------------------------------
@dataclass
class _Ctx:
    questions: dict[str, Question]
    order: list[str]
    causes: set[str]
    red_flags: set[str]


@dataclass(frozen=True)
class _Spot:
    """Where something is checked: its file, its path there, the item it belongs to (``where``),
    and whether its conditions may test findings (a rule's may, an ask_if's may not)."""

    source: yamlsrc.Source
    path: yamlsrc.Loc
    where: str
    allow_findings: bool = False

    def inside(self, *steps: str | int) -> _Spot:
        return replace(self, path=(*self.path, *steps))

    def problem(self, sub: yamlsrc.Loc, template: str, **fields: object) -> Problem:
        """A problem at ``sub`` (under this path), its message naming the item."""
        return Problem(self.source.name, self.source.line(self.path + sub),
                       template.format(where=self.where, **fields))


def check_condition(cond: Condition, ctx: _Ctx, spot: _Spot) -> list[Problem]:
    """Every reference in a condition: question ids, operators, values, findings."""
    match cond:
        case AllCondition(all=parts) | AnyCondition(any=parts):
            key = "all" if isinstance(cond, AllCondition) else "any"
            return [problem for i, part in enumerate(parts)
                    for problem in check_condition(part, ctx, spot.inside(key, i))]
        case NotCondition(not_=inner):
            return check_condition(inner, ctx, spot.inside("not"))
        case UnansweredCondition(unanswered=qid):
            return _check_unanswered(qid, ctx, spot)
        case CauseCondition(cause=cid) | RedFlagCondition(red_flag=cid):
            is_cause = isinstance(cond, CauseCondition)
            return _check_finding("cause" if is_cause else "red flag", cid,
                                  ctx.causes if is_cause else ctx.red_flags, spot)
        case QuestionCondition():
            return _check_comparison(cond, ctx, spot)
    return []


def _check_unanswered(qid: str, ctx: _Ctx, spot: _Spot) -> list[Problem]:
    """A test of a question left unanswered: only in a rule, of a known question."""
    if not spot.allow_findings:
        return [spot.problem((), errors.ASK_IF_FINDING, kind="question left unanswered")]
    if qid in ctx.questions:
        return []
    return [spot.problem(("unanswered",), errors.UNKNOWN_QUESTION, id=qid,
                         hint=errors.did_you_mean(qid, ctx.order))]


def _check_finding(kind: str, fid: str, pool: set[str], spot: _Spot) -> list[Problem]:
    """A test of a cause or red flag: only in a rule, of a known one."""
    if not spot.allow_findings:
        return [spot.problem((), errors.ASK_IF_FINDING, kind=kind)]
    if fid in pool:
        return []
    return [spot.problem((), errors.UNKNOWN_FINDING, kind=kind, id=fid, hint=errors.did_you_mean(fid, pool))]


def _check_comparison(cond: QuestionCondition, ctx: _Ctx, spot: _Spot) -> list[Problem]:
    """A known question, an operator of its type, and a value it can be compared with."""
    qid, op, value = cond.question, cond.operator, cond.answer
    question = ctx.questions.get(qid)
    if question is None:
        return [spot.problem(("question",), errors.UNKNOWN_QUESTION, id=qid,
                             hint=errors.did_you_mean(qid, ctx.order))]
    qtype = qtypes.of(question)
    if op not in qtype.operators:
        return [spot.problem(("operator",), errors.BAD_OPERATOR, operator=op, question=qid,
                             type=question.type, valid=i18n.listing(f"`{v}`" for v in qtype.operators))]
    if op == "exists":
        if isinstance(value, bool):
            return []
        return [spot.problem(("answer",), errors.BAD_COMPARED_VALUE, question=qid, type=question.type,
                             expected="`exists` takes true or false", found=qtypes.shown(value))]
    return [spot.problem(("answer",), template, **fields)
            for template, fields in qtype.compared_problems(question, op, value)]


# --- the questionnaire's checks ---------------------------------------------------
@dataclass(frozen=True)
class _QuestionAt:
    """One question of the questionnaire, for the checks of a single question."""

    qn: Questionnaire
    source: yamlsrc.Source
    index: int
    earlier_with_id: int | None
    """The index of the last earlier question with the same id, if any."""

    @property
    def question(self) -> Question:
        return self.qn.questions[self.index]

    def line(self, *sub: str | int) -> int | None:
        return self.source.line(("questions", self.index, *sub))

    def problem(self, template: str, *sub: str | int, **fields: object) -> Problem:
        """A problem at the question (or ``sub`` in it), its message naming the question as ``where``."""
        where = errors.WHERE["question"].format(id=self.question.id)
        return Problem(self.source.name, self.line(*sub), template.format(where=where, **fields))


def _unique_question_id(at: _QuestionAt) -> list[Problem]:
    if at.earlier_with_id is None:
        return []
    other = f"line {at.source.line(('questions', at.earlier_with_id))}"
    return [Problem(at.source.name, at.line(), errors.DUPLICATE_ID.format(
        kind="question", id=at.question.id, other=other))]


def _known_section(at: _QuestionAt) -> list[Problem]:
    section_ids = [s.id for s in at.qn.sections]
    q = at.question
    if q.section in section_ids:
        return []
    return [at.problem(errors.UNKNOWN_SECTION, "section", id=q.section,
                       hint=errors.did_you_mean(q.section, section_ids))]


def _options_given(at: _QuestionAt) -> list[Problem]:
    """A question of options has them."""
    q = at.question
    if qtypes.of(q).options and not q.options:
        return [at.problem(errors.MISSING_KEY, key="options")]
    return []


def _options_apply(at: _QuestionAt) -> list[Problem]:
    """Only a question of options has them."""
    q = at.question
    if not qtypes.of(q).options and q.options:
        reason = f"`options` apply only to {qtypes.names('options')} questions, not {q.type}"
        return [at.problem(errors.WRONG_VALUE, "options", reason=reason)]
    return []


def _unique_option_ids(at: _QuestionAt) -> list[Problem]:
    q = at.question
    option_ids = [o.id for o in q.options]
    return [Problem(at.source.name, at.line("options"), errors.DUPLICATE_ID.format(
                kind="option", id=dup, other=errors.WHERE["question"].format(id=q.id)))
            for dup in sorted({o for o in option_ids if option_ids.count(o) > 1})]


def _number_bounds(at: _QuestionAt) -> list[Problem]:
    """A number question has whole-number ``min`` and ``max``, in order."""
    q = at.question
    if qtypes.of(q).min_max and (q.min is None or q.max is None or q.min > q.max):
        return [at.problem(errors.WRONG_VALUE,
                           reason="a number question needs whole-number `min` and `max`, min <= max")]
    return []


def _bounds_apply(at: _QuestionAt) -> list[Problem]:
    """Only a number question has ``min`` and ``max``."""
    q = at.question
    if not qtypes.of(q).min_max and (q.min is not None or q.max is not None):
        return [at.problem(errors.WRONG_VALUE,
                           reason="`min` and `max` apply only to number questions (scale is 0-10)")]
    return []


QUESTION_CHECKS: tuple[tuple[str, Callable[[_QuestionAt], list[Problem]]], ...] = (
    ("unique-question-id", _unique_question_id),
    ("known-section", _known_section),
    ("options-given", _options_given),
    ("options-apply", _options_apply),
    ("unique-option-ids", _unique_option_ids),
    ("number-bounds", _number_bounds),
    ("bounds-apply", _bounds_apply),
)
"""The checks of each question, by id, run in this order for one question after another."""


def _questions_at(qn: Questionnaire, source: yamlsrc.Source) -> Iterator[_QuestionAt]:
    last: dict[str, int] = {}
    for i, q in enumerate(qn.questions):
        yield _QuestionAt(qn, source, i, last.get(q.id))
        last[q.id] = i


def _check_ask_ifs(qn: Questionnaire, source: yamlsrc.Source) -> list[Problem]:
    """Each ask_if (of a section or a question) tests only answers to questions asked before it."""
    order = [q.id for q in qn.questions]
    ctx = _Ctx({q.id: q for q in qn.questions}, order, set(), set())
    # (condition, where it is, its item, the position of the first question it gates)
    gates: list[tuple[Condition, _Spot, str, int]] = [
        (section.ask_if,
         _Spot(source, ("sections", i, "ask_if"), errors.WHERE["section"].format(id=section.id)), section.id,
         next((n for n, q in enumerate(qn.questions) if q.section == section.id), len(order)))
        for i, section in enumerate(qn.sections) if section.ask_if is not None
    ]
    gates += [(q.ask_if, _Spot(source, ("questions", i, "ask_if"), errors.WHERE["question"].format(id=q.id)),
               q.id, i)
              for i, q in enumerate(qn.questions) if q.ask_if is not None]
    out: list[Problem] = []
    for condition, spot, item, first in gates:
        problems = check_condition(condition, ctx, spot)
        out += problems
        if not problems:
            out += [spot.problem((), errors.ASK_IF_LATER, id=item, other=other)
                    for other in sorted(conditions.questions_used(condition) - set(order[:first]))]
    return out


def _check_checklist_order(qn: Questionnaire, source: yamlsrc.Source) -> list[Problem]:
    """The checklist before needling is asked after everything else, so it comes last."""
    marked = {s.id for s in qn.sections if s.before_needling}
    first = next((i for i, q in enumerate(qn.questions) if q.section in marked), None)
    if first is None:
        return []
    later = [q for i, q in enumerate(qn.questions) if i > first and q.section not in marked]
    if not later:
        return []
    other = later[0]
    checklist = qn.questions[first]
    return [Problem(source.name, source.line(("questions", first)), errors.CHECKLIST_NOT_LAST.format(
        where=errors.WHERE["question"].format(id=checklist.id), section=checklist.section, other=other.id))]


QUESTIONNAIRE_CHECKS: tuple[tuple[str, Callable[[Questionnaire, yamlsrc.Source], list[Problem]]], ...] = (
    ("checklist-last", _check_checklist_order),
    ("ask-if-earlier", _check_ask_ifs),
)
"""The checks of the questionnaire as a whole, by id, run in this order after those of each question."""


def check_questionnaire(qn: Questionnaire, source: yamlsrc.Source) -> list[Problem]:
    """Every question's checks (:data:`QUESTION_CHECKS`), then the whole's (:data:`QUESTIONNAIRE_CHECKS`)."""
    out = [problem for at in _questions_at(qn, source)
           for _, check in QUESTION_CHECKS for problem in check(at)]
    for _, whole in QUESTIONNAIRE_CHECKS:
        out += whole(qn, source)
    return out


# --- the rules' checks ---------------------------------------------------------------
def _check_checklist_use(rule: Rule, checklist: set[str], source: yamlsrc.Source,
                         path: tuple[str | int, ...]) -> list[Problem]:
    """Only caution rules may read the checklist before needling: it changes no level."""
    used = sorted(conditions.questions_used(rule.when) & checklist)
    if not used or isinstance(rule.then, ThenCaution):
        return []
    return [Problem(source.name, source.line((*path, "when")), errors.CHECKLIST_SETS_LEVEL.format(
        where=errors.WHERE["rule"].format(id=rule.id), other=used[0]))]


@dataclass
class _Known:
    """What rules refer to: the questions and findings (``ctx``), where each cause, red flag and
    source is defined (``file:line``), and the rule ids seen so far."""

    ctx: _Ctx
    causes: dict[str, str]
    red_flags: dict[str, str]
    sources: dict[str, str]
    stub: KnowledgeBase
    checklist: set[str]
    """The questions of the checklist before needling."""
    rule_ids: dict[str, str] = field(default_factory=dict)


def _definitions(files: list[tuple[yamlsrc.Source, RuleFile]],
                 qn: Questionnaire) -> tuple[_Known, list[Problem]]:
    """Every cause, red flag and source, each defined once."""
    causes: dict[str, str] = {}
    red_flags: dict[str, str] = {}
    sources: dict[str, str] = {}
    out: list[Problem] = []
    for source, rf in files:
        for kind, defs, table, key in (
            ("cause", rf.causes, causes, "causes"),
            ("red flag", rf.red_flags, red_flags, "red_flags"),
            ("source", rf.sources, sources, "sources"),
        ):
            for i, d in enumerate(defs):
                out += _first_definition(table, kind, d.id, source, source.line((key, i)))
    ctx = _Ctx({q.id: q for q in qn.questions}, [q.id for q in qn.questions], set(causes), set(red_flags))
    stub = _kb_stub(qn)
    return _Known(ctx, causes, red_flags, sources, stub, {q.id for q in stub.checklist}), out


def _check_rule(rule: Rule, spot: _Spot, known: _Known) -> list[Problem]:
    """One rule: its id, its condition, what it concludes, its sources and its examples."""
    source = spot.source
    out = _first_definition(known.rule_ids, "rule", rule.id, source, source.line(spot.path))
    out += check_condition(rule.when, known.ctx, spot.inside("when"))
    out += _check_checklist_use(rule, known.checklist, source, spot.path)
    if conditions.alternatives(rule.when) > conditions.MAX_ALTERNATIVES:
        out.append(spot.problem(("when",), errors.TOO_COMPLEX, limit=conditions.MAX_ALTERNATIVES))
    out += _check_cited(rule.source, known.sources, source, (*spot.path, "source"), spot.where)
    then = rule.then
    if isinstance(then, ThenCause) and then.cause not in known.causes:
        out.append(spot.problem(("then",), errors.UNKNOWN_FINDING, kind="cause", id=then.cause,
                                hint=errors.did_you_mean(then.cause, known.causes)))
    if isinstance(then, ThenRedFlag) and then.red_flag not in known.red_flags:
        out.append(spot.problem(("then",), errors.UNKNOWN_FINDING, kind="red flag", id=then.red_flag,
                                hint=errors.did_you_mean(then.red_flag, known.red_flags)))
    for group in ("fires", "does_not_fire"):
        for n, example in enumerate(getattr(rule.examples, group)):
            path = (*spot.path, "examples", group, n)
            _, problems = answers_mod.validate(known.stub, example, source, path)
            out += [Problem(p.file, p.line, errors.IN_EXAMPLE.format(where=spot.where, message=p.message))
                    for p in problems]
    return out


def _check_history(files: list[tuple[yamlsrc.Source, RuleFile]]) -> list[Problem]:
    """Each version is in the change log once."""
    out: list[Problem] = []
    releases: dict[str, str] = {}
    for source, rf in files:
        for i, release in enumerate(rf.history):
            line = source.line(("history", i))
            if release.version in releases:
                out.append(Problem(source.name, line, errors.HISTORY_TWICE.format(
                    version=release.version, other=releases[release.version])))
            releases[release.version] = f"{source.name}:{line}"
    return out


def _check_advice(files: list[tuple[yamlsrc.Source, RuleFile]], known: _Known) -> list[Problem]:
    """Advice cites known sources, tests answers only, and a kind of advice is given once a level
    (conditional advice may share a level)."""
    out: list[Problem] = []
    seen: dict[tuple[str, str], str] = {}
    for source, rf in files:
        for i, advice in enumerate(rf.advice):
            spot = _Spot(source, ("advice", i), errors.WHERE["advice"].format(id=advice.id))
            out += _check_cited(advice.source, known.sources, source, (*spot.path, "source"), spot.where)
            if advice.when is not None:
                out += check_condition(advice.when, known.ctx, spot.inside("when"))
            for level in advice.levels if advice.when is None else ():
                other = seen.get((advice.kind, level))
                if other is not None:
                    out.append(spot.problem(("levels",), errors.ADVICE_TWICE, kind=advice.kind, level=level,
                                            other=other))
                seen[(advice.kind, level)] = f"{source.name}:{source.line(spot.path)}"
    return out


def check_rules(
    files: list[tuple[yamlsrc.Source, RuleFile]], qn: Questionnaire
) -> list[Problem]:
    """Definitions once each, then every rule, the coverage, the change log and the advice."""
    known, out = _definitions(files, qn)
    for source, rf in files:
        for i, rule in enumerate(rf.rules):
            spot = _Spot(source, ("rules", i), errors.WHERE["rule"].format(id=rule.id), allow_findings=True)
            out += _check_rule(rule, spot, known)
    out += _check_coverage(files, known.stub, known.sources)
    out += _check_history(files)
    out += _check_advice(files, known)
    return out


def _first_definition(table: dict[str, str], kind: str, item_id: str, source: yamlsrc.Source,
                      line: int | None) -> list[Problem]:
    """Remember where ``item_id`` is first defined; a second definition is a problem."""
    if item_id in table:
        return [Problem(source.name, line, errors.DUPLICATE_ID.format(kind=kind, id=item_id,
                                                                      other=table[item_id]))]
    table[item_id] = f"{source.name}:{line}"
    return []


def _check_coverage(files: list[tuple[yamlsrc.Source, RuleFile]], stub: KnowledgeBase,
                    sources: dict[str, str]) -> list[Problem]:
    """Each coverage item cites a known source and says what catches it, or why it is not asked."""
    out: list[Problem] = []
    seen: dict[str, str] = {}
    for source, rf in files:
        for i, item in enumerate(rf.coverage):
            base: tuple[str | int, ...] = ("coverage", i)
            line = source.line(base)
            where = errors.WHERE["coverage"].format(id=item.id)
            out += _first_definition(seen, "coverage item", item.id, source, line)
            out += _check_cited((item.source,), sources, source, (*base, "source"), where)
            caught = item.shows is not None or bool(item.rules)
            if item.not_asked is not None and caught:
                out.append(Problem(source.name, line, errors.COVERAGE_BOTH.format(where=where)))
            elif item.not_asked is None and not caught:
                out.append(Problem(source.name, line, errors.COVERAGE_NEITHER.format(where=where)))
            elif caught and (item.shows is None or not item.rules):
                out.append(Problem(source.name, line, errors.COVERAGE_HALF.format(where=where)))
            if item.shows is not None:
                _, problems = answers_mod.validate(stub, item.shows, source, (*base, "shows"))
                out += [Problem(p.file, p.line, f"{where}: {p.message}") for p in problems]
    return out


def _check_cited(cited: tuple[str, ...], sources: dict[str, str], source: yamlsrc.Source,
                 path: tuple[str | int, ...], where: str) -> list[Problem]:
    """A rule or advice cites at least one source, each in the sources catalogue."""
    if not cited:
        return [Problem(source.name, source.line(path), errors.NO_SOURCE.format(where=where))]
    out = []
    for n, sid in enumerate(cited):
        if sid not in sources:
            out.append(Problem(source.name, source.line((*path, n)) or source.line(path),
                               errors.UNKNOWN_SOURCE.format(where=where, id=sid,
                                                            hint=errors.did_you_mean(sid, sources))))
    return out


def _kb_stub(qn: Questionnaire) -> KnowledgeBase:
    return KnowledgeBase(questionnaire=qn, rules=(), causes=(), red_flags=(), fingerprint="",
                         questions_file="", rules_dir="")


# --- putting it together ----------------------------------------------------------
def read_questionnaire(path: Path) -> tuple[Questionnaire | None, yamlsrc.Source | None, list[Problem]]:
    name = display(path)
    try:
        source = yamlsrc.load(path, name)
    except TriageError as exc:
        return None, None, list(exc.problems)
    if not isinstance(source.data, dict):
        return None, source, [Problem(name, 1, errors.EXPECTED_MAPPING.format(
            what=errors.WHAT_QUESTIONNAIRE_KEYS, found=qtypes.shown(source.data)))]
    qn, problems = validate_structure(Questionnaire, source)
    if qn is None:
        return None, source, problems
    qn = qn.model_copy(update={"questions": _locate(source, "questions", qn.questions)})
    return qn, source, check_questionnaire(qn, source)


def read_rule_files(directory: Path) -> tuple[list[tuple[yamlsrc.Source, RuleFile]], list[Problem]]:
    name = display(directory)
    if not directory.is_dir():
        return [], [Problem(name, None, errors.FILE_NOT_FOUND if not directory.exists()
                            else errors.NOT_A_DIRECTORY)]
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        return [], [Problem(name, None, errors.NO_RULE_FILES)]
    files: list[tuple[yamlsrc.Source, RuleFile]] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            source = yamlsrc.load(path, display(path))
        except TriageError as exc:
            problems += exc.problems
            continue
        if not isinstance(source.data, dict):
            problems.append(Problem(source.name, 1, errors.EXPECTED_MAPPING.format(
                what=errors.WHAT_RULE_FILE_KEYS, found=qtypes.shown(source.data))))
            continue
        rf, structural = validate_structure(RuleFile, source)
        problems += structural
        if rf is not None:
            files.append((source, rf.model_copy(update={
                key: _locate(source, key, getattr(rf, key))
                for key in ("rules", "causes", "red_flags", "sources", "advice", "coverage")
            })))
    return files, problems


def _locate(source: yamlsrc.Source, key: str, items: tuple[L, ...]) -> tuple[L, ...]:
    return tuple(
        item.model_copy(update={"file": source.name, "line": source.line((key, i)) or 0})
        for i, item in enumerate(items)
    )


def version_of(questions: Path, rule_paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in [questions, *sorted(rule_paths)]:  # names and bytes, in a fixed order
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def load_with_problems(
    questions: Path | None = None, rules: Path | None = None
) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Load and check the knowledge base; (kb or None, every problem found)."""
    questions = questions or default_questions()
    rules = rules or default_rules()
    qn, _, problems = read_questionnaire(questions)
    files, rule_problems = read_rule_files(rules)
    problems += rule_problems
    if qn is None or rule_problems:
        return None, problems
    problems += check_rules(files, qn)
    all_rules = tuple(r for _, rf in files for r in rf.rules)
    _, cycles = rulegraph.finding_strata(all_rules)
    for rule, path in cycles:
        kind, fid = (rule.finding.kind, rule.finding.id) if rule.finding else ("rule", rule.id)
        problems.append(Problem(rule.file, rule.line, errors.FINDING_CYCLE.format(
            where=errors.WHERE["rule"].format(id=rule.id), kind=kind.replace("_", " "), id=fid, path=path)))
    if problems:
        return None, problems
    kb = KnowledgeBase(
        questionnaire=qn,
        rules=all_rules,
        causes=tuple(c for _, rf in files for c in rf.causes),
        red_flags=tuple(r for _, rf in files for r in rf.red_flags),
        sources=tuple(x for _, rf in files for x in rf.sources),
        advice=tuple(x for _, rf in files for x in rf.advice),
        coverage=tuple(x for _, rf in files for x in rf.coverage),
        history=tuple(x for _, rf in files for x in rf.history),
        fingerprint=version_of(questions, rules.glob("*.yaml")),
        questions_file=display(questions),
        rules_dir=display(rules),
    )
    return kb, []


def load(questions: Path | None = None, rules: Path | None = None, *,
         language: str | None = None) -> KnowledgeBase:
    """Load the knowledge base, its words in ``language`` (default: the active one), or raise
    every problem found (exit status 2)."""
    kb, problems = load_with_problems(questions, rules)
    if kb is None:
        raise TriageError(problems)
    return localised(kb, language)


def localised(kb: KnowledgeBase, language: str | None = None) -> KnowledgeBase:
    """The knowledge base with its words in ``language`` (default: the active one).

    English is the knowledge base as written. The pseudo-language accents every
    word; another language takes its overlay, ``locales/<lang>/knowledge-base.yaml``
    (English where an entry is missing). Ids and logic never change. Each language's
    copy is made once for the knowledge base as written (its overlay read once).
    """
    from triage import i18n, overlay

    language = language or i18n.active()
    written = kb.as_written
    if language == i18n.ENGLISH:
        return written

    def translate(base: KnowledgeBase) -> KnowledgeBase:
        found = overlay.for_language(base, language)
        return base if found is None else overlay.apply(base, found)

    return written.derived(f"localised:{language}", translate)

