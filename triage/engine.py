"""The experta engine: the only module that imports experta.

The knowledge base's conditions are compiled into experta rules (negations
pushed down to single patterns); each rule's ``then`` is compiled by a
registry from its kind. The level of a result is derived inside the engine
by one outcome rule per level ("this level is reached and no more urgent one
is"), fired after every knowledge-base rule.

Rules fire in strata: a rule that tests a cause or red flag has a lower
salience than every rule that can declare it, so ``not`` over a finding is
only decided once that finding could exist.
"""

from __future__ import annotations

import bisect
import functools
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from triage import conditions, rulegraph
from triage.models import (
    LEVELS,
    AllCondition,
    AnswerValue,
    AnyCondition,
    CauseCondition,
    Condition,
    Evaluation,
    Finding,
    Firing,
    KnowledgeBase,
    NotCondition,
    QuestionCondition,
    RedFlagCondition,
    Rule,
    ThenCause,
    ThenCaution,
    ThenLevel,
    ThenRedFlag,
    UnansweredCondition,
    then_kind,
    then_level,
    then_stops,
)

# ``import experta`` calls logging.basicConfig(); keep the application's
# logging as it was.
_root = logging.getLogger()
_handlers, _level = list(_root.handlers), _root.level
from experta import AND, AS, NOT, OR, Fact, KnowledgeEngine, P, watchers  # noqa: E402
from experta import Rule as XRule  # noqa: E402
from experta.fieldconstraint import L  # noqa: E402
from experta.matchers import ReteMatcher  # noqa: E402
from experta.matchers.rete.abstract import OneInputNode  # noqa: E402
from experta.matchers.rete.check import FeatureCheck, TypeCheck  # noqa: E402
from experta.matchers.rete.mixins import ChildNode, NoMemory  # noqa: E402
from experta.matchers.rete.nodes import FeatureTesterNode  # noqa: E402
from experta.matchers.rete.token import Token  # noqa: E402
from experta.strategies import DepthStrategy  # noqa: E402
from experta.utils import unfreeze  # noqa: E402

_root.handlers[:] = _handlers
_root.setLevel(_level)


def _copy_token(token: Any) -> Any:
    """experta's ``Token.copy`` without checking again what it checked when the token was made (a
    token passes through a copy at every node, a few hundred times an assessment)."""
    return tuple.__new__(Token, (token.tag, token.data.copy(), token.context.copy()))


def _activate_node(node: Any, token: Any) -> None:
    """experta's ``OneInputNode.activate`` without asking, at every node, whether to log it."""
    node._activate(_copy_token(token))


_experta_check = FeatureCheck.__call__


def _check_feature(check: Any, data: Any, is_fact: bool = True) -> Any:
    """experta's test of one field of a fact, reading a plain field directly: experta splits every
    field's name on ``__`` (a path into nested values) and logs every test, at every node."""
    what = check.what
    if is_fact and type(what) is str and "__" not in what and not what.isnumeric():
        try:
            record = data[what]
        except (IndexError, KeyError, TypeError):
            return False
        return check.check(record, check.expected)
    return _experta_check(check, data, is_fact)


Token.copy = _copy_token
OneInputNode.activate = _activate_node
FeatureCheck.__call__ = _check_feature


def quiet_watchers() -> None:
    """Switch experta's watchers (its own loggers) off: at DEBUG they would log every fact it is
    given, every answer included."""
    watchers.unwatch()


class Answer(Fact):  # type: ignore[misc]
    """question, value"""


class FindingFact(Fact):  # type: ignore[misc]
    """A :class:`triage.models.Finding` as experta holds it: kind, id."""


class Unanswered(Fact):  # type: ignore[misc]
    """question: asked, and left without an answer"""


class LevelReached(Fact):  # type: ignore[misc]
    """level"""


class Outcome(Fact):  # type: ignore[misc]
    """level: the most urgent level reached"""


class Never(Fact):  # type: ignore[misc]
    """Never declared: the pattern of a condition that cannot hold (``any: []``)."""


class ExactRemovalStrategy(DepthStrategy):  # type: ignore[misc]
    """experta's depth strategy, removing exactly the retracted activation.

    experta 1.9.4 looks for a removed activation only beside its bisect
    position; among several activations with equal keys (common with ``NOT``
    patterns, which match only the initial fact) it can miss it, and the
    activation then fires although its ``NOT`` no longer holds. Which one is
    missed depends on ``PYTHONHASHSEED``. This searches the whole run of
    equal keys.
    """

    def get_key(self, activation: Any) -> Any:
        facts = sorted((f["__factid__"] for f in activation.facts), reverse=True)
        return (activation.rule.salience, facts)

    def _update_agenda(self, agenda: Any, added: Iterable[Any], removed: Iterable[Any]) -> None:
        acts = agenda.activations
        for act in removed:
            act.key = self.get_key(act)
            low = bisect.bisect_left(acts, act)
            high = bisect.bisect_right(acts, act)
            for i in range(low, high):
                if acts[i] == act:
                    del acts[i]
                    break
        for act in added:
            act.key = self.get_key(act)
            bisect.insort(acts, act)


# --- conditions -> patterns --------------------------------------------------------
_TRUE = AllCondition(all=())
_FALSE = AnyCondition(any=())


class _Compiler:
    def __init__(self) -> None:
        self.count = 0

    def bind(self, pattern: Any) -> Any:
        self.count += 1
        return getattr(AS, f"m{self.count}") << pattern

    def leaf(self, cond: Condition | _AnyOf) -> Any:  # noqa: PLR0911  one return per kind of leaf, a closed set
        match cond:
            case _AnyOf(questions=qids, operator=None):
                return Unanswered(question=P(_member(qids)))
            case _AnyOf(questions=qids, operator=str(op), answer=expected):
                return Answer(question=P(_member(qids)), value=P(_predicate(op, expected)))
            case QuestionCondition(question=qid, operator="exists"):
                return Answer(question=qid)
            case QuestionCondition(question=qid, operator=op, answer=expected):
                return Answer(question=qid, value=P(_predicate(op, expected)))
            case CauseCondition(cause=cid):
                return FindingFact(kind="cause", id=cid)
            case RedFlagCondition(red_flag=rid):
                return FindingFact(kind="red_flag", id=rid)
            case UnansweredCondition(unanswered=qid):
                return Unanswered(question=qid)
        raise TypeError(f"not a leaf: {cond!r}")  # pragma: no cover

    def pattern(self, cond: Condition | _AnyOf) -> Any:  # noqa: PLR0911  one return per kind of condition
        """Compile a condition in negation normal form; binds every positive leaf."""
        match cond:
            case AllCondition(all=()):
                return None  # always holds: the rule needs no pattern
            case AnyCondition(any=()):
                return Never()
            case AllCondition(all=parts):
                kids = [k for k in (self.pattern(p) for p in parts) if k is not None]
                return AND(*kids) if kids else None
            case AnyCondition(any=parts):
                kids = [self.pattern(p) for p in _merge_alike(parts)]
                if any(k is None for k in kids):
                    return None
                return kids[0] if len(kids) == 1 else OR(*kids)
            case NotCondition(not_=QuestionCondition(operator="exists", answer=False) as leaf):
                return self.bind(self.leaf(leaf))
            case NotCondition(not_=leaf):
                return NOT(self.leaf(leaf))
            case QuestionCondition(operator="exists", answer=False):
                return NOT(self.leaf(cond))
            case _:
                return self.bind(self.leaf(cond))


@dataclass(frozen=True)
class _AnyOf:
    """Leaves of an ``any`` alike but for their question, as one pattern (question in a set).

    "Not sure" to any of nine warning signs, or any of fifteen left
    unanswered, would otherwise become as many branches of the rete network,
    each with its own join and terminal node, all visited at every change.
    """

    questions: frozenset[str]
    operator: str | None  # None: left unanswered
    answer: Any = None


def _merge_alike(parts: tuple[Condition, ...]) -> list[Condition | _AnyOf]:
    """The parts of an ``any``, with question leaves that differ only by question merged."""
    groups: dict[tuple[Any, ...], list[Condition]] = {}
    order: list[tuple[Any, ...] | Condition] = []
    for part in parts:
        match part:
            case QuestionCondition(operator=op, answer=expected) if op != "exists":
                key: tuple[Any, ...] = (op, type(expected).__name__, _frozen(expected))
            case UnansweredCondition():
                key = ("unanswered",)
            case _:
                order.append(part)
                continue
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(part)
    merged: list[Condition | _AnyOf] = []
    for item in order:
        if not isinstance(item, tuple):
            merged.append(item)
        elif len(groups[item]) == 1:
            merged.append(groups[item][0])
        else:
            leaves = groups[item]
            first = leaves[0]
            if isinstance(first, QuestionCondition):
                qids = frozenset(p.question for p in leaves if isinstance(p, QuestionCondition))
                merged.append(_AnyOf(qids, first.operator, first.answer))
            else:
                merged.append(_AnyOf(frozenset(p.unanswered for p in leaves
                                               if isinstance(p, UnansweredCondition)), None))
    return merged


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list | tuple) else value


@functools.cache
def _member(qids: frozenset[str]) -> Callable[[Any], bool]:
    def test(value: Any) -> bool:
        return value in qids

    test.questions = qids  # type: ignore[attr-defined]  # read by _question_test
    return test


def _predicate(op: str, expected: Any) -> Callable[[Any], bool]:
    """One function per (operator, value): experta shares alpha nodes by function identity."""
    # The type is part of the key: True == 1, but `= true` and `= 1` differ.
    return _typed_predicate(op, type(expected).__name__, expected)


@functools.cache
def _typed_predicate(op: str, _type: str, expected: Any) -> Callable[[Any], bool]:
    # experta may call a field's predicate with any question's value: never raise.
    def test(value: Any) -> bool:
        return conditions.compare(op, value, expected)

    return test


# --- then -> facts (one compiler per kind) ------------------------------------------
def _then_cause(then: Any) -> list[Fact]:
    assert isinstance(then, ThenCause)
    return [FindingFact(kind="cause", id=then.cause)]


def _then_red_flag(then: Any) -> list[Fact]:
    assert isinstance(then, ThenRedFlag)
    return [FindingFact(kind="red_flag", id=then.red_flag), LevelReached(level=then.level)]


def _then_level(then: Any) -> list[Fact]:
    assert isinstance(then, ThenLevel)
    return [LevelReached(level=then.level)]


def _then_caution(then: Any) -> list[Fact]:
    assert isinstance(then, ThenCaution)
    return []  # a caution is read from the rule's firing; it sets nothing


THEN_COMPILERS: dict[str, Callable[[Any], list[Fact]]] = {
    "cause": _then_cause,
    "red_flag": _then_red_flag,
    "level": _then_level,
    "caution": _then_caution,
}


def then_compiler(kind: str) -> Callable[[Any], list[Fact]]:
    try:
        return THEN_COMPILERS[kind]
    except KeyError:
        valid = ", ".join(sorted(THEN_COMPILERS))
        raise KeyError(f"no compiler for a `then` of kind {kind!r}; valid kinds: {valid}") from None


def _yes_or_no(node: Any) -> bool:
    """Whether a node's test only passes or fails (binds nothing)."""
    check = getattr(node, "matcher", None)
    return type(node) is FeatureTesterNode and (
        isinstance(check, TypeCheck)
        or (isinstance(check, FeatureCheck) and getattr(check.how, "__bind__", True) is None))


def _question_test(node: Any) -> frozenset[str] | None:
    """The questions a node lets through, if its test is on the question: ``question == "fever"``,
    or one of a set (:func:`_member`)."""
    check = getattr(node, "matcher", None)
    if not (_yes_or_no(node) and isinstance(check, FeatureCheck) and check.what == "question"):
        return None
    if isinstance(check.how, L):
        return frozenset((str(check.how.value),))
    return getattr(getattr(check.how, "match", None), "questions", None)


def _questions_through(node: Any, known: dict[int, frozenset[str] | None]) -> frozenset[str] | None:
    """The questions whose answers can get through a node to anything below it; None: any fact."""
    if id(node) not in known:
        tested = _question_test(node)
        if tested is not None:
            known[id(node)] = tested
        elif not _yes_or_no(node):
            known[id(node)] = None  # it binds, joins or ends a rule: every fact may matter to it
        else:
            below = [_questions_through(child.node, known) for child in node.children]
            known[id(node)] = None if any(b is None for b in below) else frozenset(
                q for b in below if b is not None for q in b)
    return known[id(node)]


class _ByQuestion(FeatureTesterNode):  # type: ignore[misc]
    """A node of the network handing each fact that passes its test only to the children that can
    let an answer to the fact's question through.

    experta hands a fact that passed a node's test to every child: an answer goes through every
    test of a value (``= yes``, ``>= 50``) and under each, every question a rule names, one after
    another (some forty tests, nearly all failing). Which questions can get through each child is
    known once the network is built (:func:`_questions_through`); a dictionary from the question to
    those children gives the same children the same token, and the others none. Children that any
    fact may reach still see every fact.
    """

    def __init__(self, original: FeatureTesterNode, known: dict[int, frozenset[str] | None]) -> None:
        super().__init__(original.matcher)
        self.children = list(original.children)  # every child, so that a reset reaches them all
        through = [_questions_through(child.node, known) for child in self.children]
        questions = {q for t in through if t is not None for q in t}
        # For each question, and for a fact of none of them: the children to hand it to, in experta's order.
        self._to: dict[Any, tuple[Any, ...]] = {
            q: tuple(c for c, t in zip(self.children, through, strict=True) if t is None or q in t)
            for q in questions}
        self._to_others = tuple(c for c, t in zip(self.children, through, strict=True) if t is None)

    def _activate(self, token: Any) -> None:
        (fact,) = token.data
        if not self.matcher(fact):
            return
        for child in self._to.get(fact.get("question"), self._to_others):
            child.callback(token)


def _by_question(children: list[Any], known: dict[int, frozenset[str] | None]) -> None:
    """Replace, below these children, every node whose children let different questions through by
    a :class:`_ByQuestion` (deepest first, so each keeps its children's final form)."""
    for i, child in enumerate(children):
        if not _yes_or_no(child.node):
            continue
        _by_question(child.node.children, known)
        if any(_questions_through(c.node, known) is not None for c in child.node.children):
            node = _ByQuestion(child.node, known)
            known[id(node)] = _questions_through(child.node, known)
            children[i] = ChildNode(node, node.activate)


def _noting(activate: Callable[[Any], None], news: set[int], index: int) -> Callable[[Any], None]:
    """A conflict-set node's activation that also notes, in ``news``, that the node has some."""

    def noted(token: Any) -> None:
        news.add(index)
        activate(token)

    return noted


def _nodes_with_memory(root: Any) -> tuple[Any, ...]:
    """Every node of the network below ``root`` that keeps a memory, each once."""
    found: dict[int, Any] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in found:
            continue
        found[id(node)] = node
        stack.extend(child.node for child in node.children)
    return tuple(n for n in found.values() if not isinstance(n, NoMemory))


class _QuickMatcher(ReteMatcher):  # type: ignore[misc]
    """experta's rete matcher, with answers sent only to their own question's tests
    (:class:`_ByQuestion`), and asking only the rules that have news for their activations.

    experta asks every rule's conflict-set node after each change (about a hundred nodes, a dozen
    times per assessment); each node now notes when it gets an activation, and only those are
    asked, in the same order.
    """

    def __init__(self, engine: Any) -> None:
        super().__init__(engine)
        _by_question(self.root_node.children, {})
        self._memories = _nodes_with_memory(self.root_node)
        # The root hands each fact to one child per fact type, which tests the fact's type: hand it
        # to those of its own type only.
        self._by_type: dict[type, list[Any]] = {}
        self._any_type: list[Any] = []
        for child in self.root_node.children:
            check = getattr(child.node, "matcher", None)
            if isinstance(check, TypeCheck):
                self._by_type.setdefault(check.fact_type, []).append(child)
            else:
                self._any_type.append(child)
        # Which rules' conflict-set nodes have activations to give, noted as they get them.
        self._news: set[int] = set()
        for index, node in enumerate(self._get_conflict_set_nodes()):
            node._activate = _noting(node._activate, self._news, index)

    def _send(self, token: Any) -> None:
        (fact,) = token.data
        for child in self._by_type.get(type(fact), ()):
            child.callback(token)
        for child in self._any_type:
            child.callback(token)

    def reset(self) -> None:
        """Empty every node's memory: the same nodes experta's reset reaches, walked once."""
        for node in self._memories:
            node._reset()

    def changes(self, adding: Any = None, deleting: Any = None) -> tuple[list[Any], list[Any]]:
        if deleting is not None:
            for fact in deleting:
                self._send(Token.invalid(fact))
        if adding is not None:
            for fact in adding:
                self._send(Token.valid(fact))
        added: list[Any] = []
        removed: list[Any] = []
        nodes = self._get_conflict_set_nodes()
        for index in sorted(self._news):  # in experta's order
            news, gone = nodes[index].get_activations()
            added.extend(news)
            removed.extend(gone)
        self._news.clear()
        return added, removed


class _Base(KnowledgeEngine):  # type: ignore[misc]
    __strategy__ = ExactRemovalStrategy
    __matcher__ = _QuickMatcher

    def __init__(self) -> None:
        super().__init__()
        self.firings: list[Firing] = []
        self.stopped = False
        self._deffacts = super().get_deffacts()

    def get_deffacts(self) -> Any:
        """The engine's initial facts, found once: experta looks for them among every attribute of
        the engine (``inspect.getmembers``) at each reset."""
        return self._deffacts


_TOP = 10_000


def _kb_rule(rule: Rule, salience: int, name: str) -> Any:
    compiler = _Compiler()
    pattern = compiler.pattern(conditions.push_not(rule.when))
    make_facts = then_compiler(then_kind(rule.then))
    facts = make_facts(rule.then)
    stops = then_stops(rule.then)
    rule_id = rule.id

    def fire(engine: _Base, **context: Any) -> None:
        matched = []
        via = []
        missing = []
        for fact in context.values():
            if isinstance(fact, Answer):
                matched.append((fact["question"], _from_fact(fact["value"])))
            elif isinstance(fact, FindingFact):
                via.append(Finding(fact["kind"], fact["id"]))
            elif isinstance(fact, Unanswered):
                missing.append(fact["question"])
        engine.firings.append(Firing(rule_id, tuple(sorted(matched)), tuple(sorted(via)),
                                     tuple(sorted(missing))))
        if stops:
            engine.stopped = True
        if facts:  # one call: experta updates its agenda once per declare()
            engine.declare(*facts)

    fire.__name__ = name
    patterns = () if pattern is None else (pattern,)
    return XRule(*patterns, salience=salience)(fire)


def _outcome_rule(index: int) -> Any:
    level = LEVELS[index]
    more_urgent = [NOT(LevelReached(level=m)) for m in LEVELS[:index]]

    def fire(engine: _Base) -> None:
        engine.declare(Outcome(level=level))

    fire.__name__ = f"outcome_{level}"
    return XRule(LevelReached(level=level), *more_urgent, salience=-_TOP)(fire)


def _to_value(value: AnswerValue) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _from_fact(value: Any) -> AnswerValue:
    """A fact's value back in the project's terms (multi answers as tuples)."""
    value = unfreeze(value)
    return tuple(value) if isinstance(value, list) else value


class Engine:
    """A knowledge base compiled once into an experta engine; reset per use."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        strata, _ = rulegraph.finding_strata(kb.rules)
        self._strata = strata
        namespace: dict[str, Any] = {}
        for i, rule in enumerate(kb.rules):
            name = f"rule_{i}_{rule.id}"
            namespace[name] = _kb_rule(rule, _TOP - strata[rule.id], name)
        for i in range(len(LEVELS)):
            namespace[f"outcome_{LEVELS[i]}"] = _outcome_rule(i)
        self._engine: _Base = type("TriageEngine", (_Base,), namespace)()
        self._produces = {r.id: r.finding for r in kb.rules if r.finding is not None}
        self._stopping = frozenset(r.id for r in kb.rules if then_stops(r.then))
        # The comparisons any pattern makes on each question: an answer none of
        # them matches cannot change the network (not even under a NOT), so it
        # is not declared at all. Most "No" answers are such answers.
        self._tests: dict[str, set[tuple[str, Any]]] = {}
        for rule in kb.rules:
            for leaf in conditions.leaves(rule.when):
                if isinstance(leaf, QuestionCondition):
                    expected = leaf.answer if leaf.operator != "exists" else None
                    self._tests.setdefault(leaf.question, set()).add((leaf.operator, expected))
        self._tested_unanswered = conditions.required_questions(kb)
        self.stops_are_monotone = _monotone_stops(kb)
        self._windows = rulegraph.negation_windows(kb)
        self.negations_settled = all(w.horizon <= w.earliest for w in self._windows)
        """No rule can hold before everything it negates has been asked: answers declared in the
        questionnaire's order, each followed by a run, fire what a fresh evaluation fires."""
        self._matters: dict[tuple[str, type, Any], bool] = {}
        # The checklist before needling is read by caution rules only, which declare nothing: where
        # no rule negates its answers, they only add firings to an evaluation of the rest.
        checklist = {q.id for q in kb.checklist}
        self.checklist_adds_only = not (checklist & rulegraph.negated_anywhere(kb))
        self._levels = {r.id: then_level(r.then) for r in kb.rules}

    # Incremental use (the questionnaire flow): reset, then declare and run.
    def reset(self) -> None:
        self._engine.reset()
        self._engine.firings = []
        self._engine.stopped = False

    def matters(self, qid: str, value: AnswerValue) -> bool:
        """Whether any pattern of any rule can match this answer (kept for each answer once seen:
        a question's answers are few)."""
        kept = tuple(value) if isinstance(value, list) else value  # a list from a caller: as a tuple
        # The type is part of the key: True == 1, but `= true` and `= 1` differ.
        key = (qid, type(value), kept)
        try:
            known = self._matters.get(key)
            hashable = True
        except TypeError:  # not an answer the questionnaire gives, but asked all the same
            known, hashable = None, False
        if known is None:
            known = any(op == "exists" or conditions.compare(op, value, expected)
                        for op, expected in self._tests.get(qid, ()))
            if hashable and len(self._matters) < _MATTERS_KEPT:
                self._matters[key] = known
        return known

    def declare(self, answers: Mapping[str, AnswerValue], unanswered: Iterable[str] = ()) -> bool:
        """Declare known answers, and the questions asked but left unanswered; False when none of
        them can match any pattern (nothing was declared)."""
        facts = [Answer(question=qid, value=_to_value(value))
                 for qid, value in answers.items() if self.matters(qid, value)]
        facts += [Unanswered(question=qid) for qid in sorted(set(unanswered))
                  if qid in self._tested_unanswered and qid not in answers]
        if facts:  # one call: experta updates its agenda once per declare() call
            self._engine.declare(*facts)
        return bool(facts)

    def extend(self, answers: Mapping[str, AnswerValue], unanswered: Iterable[str] = ()) -> Evaluation:
        """The evaluation just made, with more answers (and questions left unanswered) added: what a
        fresh evaluation of them all gives where no rule negates the ones added (the checklist
        before needling, when :attr:`checklist_adds_only`)."""
        self.declare(answers, unanswered)
        self.run()
        return self.snapshot()

    def run(self) -> bool:
        """Fire everything the facts allow; True once a stopping rule has fired."""
        self._engine.run()
        return self._engine.stopped

    def snapshot(self) -> Evaluation:
        levels = [f["level"] for f in self._engine.facts.values() if isinstance(f, Outcome)]
        level = min(levels, key=LEVELS.index) if levels else LEVELS[-1]
        return Evaluation(tuple(self._engine.firings), level, self._engine.stopped)

    def evaluate(self, answers: Mapping[str, AnswerValue], unanswered: Iterable[str] = ()) -> Evaluation:
        """A fresh evaluation of every known answer (and of those asked but left unanswered)."""
        self.reset()
        self.declare(answers, unanswered)
        self.run()
        return self.snapshot()


    def earliest_stop(self, evaluation: Evaluation, position: Mapping[str, int]) -> int | None:
        """Position of the question after which a stopping rule first held, if any.

        Only meaningful when ``stops_are_monotone``: each firing's answers
        (and those behind the findings it used) say when it could first fire.
        """
        # Lower strata first, so a finding's time is known before any firing that uses it:
        # no recursion, however long a chain of findings.
        found_at: dict[Finding, int] = {}
        stops: list[int] = []
        for firing in sorted(evaluation.firings, key=lambda f: self._strata[f.rule_id]):
            at = self._first_held(firing, position, found_at)
            finding = self._produces.get(firing.rule_id)
            if finding is not None:
                found_at[finding] = min(found_at.get(finding, _NEVER), at)
            if firing.rule_id in self._stopping:
                stops.append(at)
        return min(stops) if stops else None


    @staticmethod
    def _first_held(firing: Firing, position: Mapping[str, int], found_at: Mapping[Finding, int]) -> int:
        """The position of the question after which a firing's facts were all there: its answers,
        the questions it found unanswered, and the findings it used (when each was first found)."""
        return max([*(position[q] for q, _ in firing.matched), *(position[q] for q in firing.missing),
                    *(found_at.get(f, _NEVER) for f in firing.via)], default=-1)

    def restrict(self, evaluation: Evaluation, position: Mapping[str, int], last: int) -> Evaluation | None:
        """What a fresh evaluation of the answers up to position ``last`` would give, read from an
        evaluation of more answers; None where that cannot be known without evaluating.

        Every firing that matched only answers (and findings) up to ``last`` happens with those
        answers alone, and no other does, unless a rule that can hold by then negates something
        decided later (see :func:`triage.rulegraph.negation_windows`).
        """
        if any(w.earliest <= last < w.horizon for w in self._windows):
            return None
        found_at: dict[Finding, int] = {}
        kept: set[int] = set()
        for index, firing in sorted(enumerate(evaluation.firings), key=lambda f: self._strata[f[1].rule_id]):
            at = self._first_held(firing, position, found_at)
            if at > last:
                continue
            kept.add(index)
            finding = self._produces.get(firing.rule_id)
            if finding is not None:
                found_at[finding] = min(found_at.get(finding, _NEVER), at)
        firings = tuple(f for i, f in enumerate(evaluation.firings) if i in kept)
        levels = [lv for lv in (self._levels[f.rule_id] for f in firings) if lv is not None]
        return Evaluation(firings, min(levels, key=LEVELS.index, default=LEVELS[-1]),
                          any(f.rule_id in self._stopping for f in firings))


_NEVER = 1 << 30
_MATTERS_KEPT = 100_000
"""At most this many answers' :meth:`Engine.matters` are kept (a bound whatever the answers)."""


def _monotone_stops(kb: KnowledgeBase) -> bool:
    """Whether one evaluation of a whole walk shows where it would have stopped.

    True when every stopping rule (and every rule behind its findings) has no
    negation, or negates only answers to questions asked before it can first
    hold (``triage check`` asks for that): then it holds after question k
    exactly when one of its firings matched answers up to k.
    """
    return all(late.none for late in rulegraph.late_negations(kb).values())


_ENGINES: dict[int, tuple[KnowledgeBase, Engine]] = {}


def engine_for(kb: KnowledgeBase) -> Engine:
    """The process's engine for this knowledge base (its network is built once).

    The entry keeps the knowledge base alive, so its id cannot be reused by
    another one while the entry exists.
    """
    entry = _ENGINES.get(id(kb))
    if entry is None or entry[0] is not kb:
        entry = _ENGINES[id(kb)] = (kb, Engine(kb))
    return entry[1]
