"""The condition language shared by ``ask_if`` and rule ``when``.

Leaves compare one answer in the manner of FHIR enableWhen
(``exists``, ``=``, ``!=``, ``>``, ``<``, ``>=``, ``<=``) plus ``contains``
for multi answers, or test a finding another rule derived (``cause``,
``red_flag``), or test that a question was asked and left unanswered
(``unanswered``); ``all`` / ``any`` / ``not`` nest. An unknown answer
satisfies no comparison: only ``exists: false``, ``unanswered`` or a ``not``
matches it.

This module evaluates conditions directly in Python. The engine compiles the
same conditions to experta; the two are checked against each other in tests.
It also answers what a knowledge base's conditions say: when a question is
asked (:func:`asked_when`), which advice applies (:func:`advice_for`) and
which questions a rule needs answered (:func:`required_questions`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Set

from triage.models import (
    AdviceDef,
    AllCondition,
    AnswerValue,
    AnyCondition,
    CauseCondition,
    Condition,
    Finding,
    KnowledgeBase,
    NotCondition,
    Question,
    QuestionCondition,
    RedFlagCondition,
    UnansweredCondition,
)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _ordered(op: Callable[[int, int], bool]) -> Callable[[object, object], bool]:
    def test(value: object, expected: object) -> bool:
        return _is_int(value) and _is_int(expected) and op(value, expected)  # type: ignore[arg-type]

    return test


def _equal(value: object, expected: object) -> bool:
    if isinstance(value, tuple) or isinstance(expected, tuple | list):
        return (
            isinstance(value, tuple)
            and isinstance(expected, tuple | list)
            and set(value) == set(expected)
        )
    # bool is a subclass of int: keep True and 1 apart.
    return type(value) is type(expected) and value == expected


def _contains(value: object, expected: object) -> bool:
    return isinstance(value, tuple) and expected in value


COMPARATORS: dict[str, Callable[[object, object], bool]] = {
    "=": _equal,
    "!=": lambda v, e: not _equal(v, e),
    ">": _ordered(lambda v, e: v > e),
    "<": _ordered(lambda v, e: v < e),
    ">=": _ordered(lambda v, e: v >= e),
    "<=": _ordered(lambda v, e: v <= e),
    "contains": _contains,
}
"""Operator -> test of a *known* answer. Never raises, whatever the value."""


def compare(operator: str, value: object, expected: object) -> bool:
    """Test a known answer; safe for any value of any type."""
    try:
        return bool(COMPARATORS[operator](value, expected))
    except Exception:  # noqa: BLE001 - a comparison must never raise
        return False


def holds(  # noqa: PLR0911  one return for each kind of condition, a closed set
    condition: Condition,
    answers: Mapping[str, AnswerValue],
    findings: Set[Finding] = frozenset(),
    unanswered: Set[str] = frozenset(),
) -> bool:
    """Evaluate ``condition`` against known ``answers``, derived ``findings`` and
    the questions asked but left ``unanswered``."""
    match condition:
        case QuestionCondition(question=qid, operator="exists", answer=expected):
            return (qid in answers) == bool(expected)
        case QuestionCondition(question=qid, operator=op, answer=expected):
            return qid in answers and compare(op, answers[qid], expected)
        case AllCondition(all=parts):
            return all(holds(p, answers, findings, unanswered) for p in parts)
        case AnyCondition(any=parts):
            return any(holds(p, answers, findings, unanswered) for p in parts)
        case NotCondition(not_=inner):
            return not holds(inner, answers, findings, unanswered)
        case CauseCondition(cause=cid):
            return Finding("cause", cid) in findings
        case RedFlagCondition(red_flag=rid):
            return Finding("red_flag", rid) in findings
        case UnansweredCondition(unanswered=qid):
            return qid in unanswered and qid not in answers
    raise TypeError(f"not a condition: {condition!r}")  # pragma: no cover


def leaves(condition: Condition) -> Iterator[Condition]:
    """Every leaf (question comparison or finding test) of a condition."""
    match condition:
        case AllCondition(all=parts) | AnyCondition(any=parts):
            for part in parts:
                yield from leaves(part)
        case NotCondition(not_=inner):
            yield from leaves(inner)
        case _:
            yield condition


def is_positive(condition: Condition) -> bool:
    """No ``not`` and no ``exists: false``: the condition can only start to hold as answers come."""
    match condition:
        case NotCondition() | UnansweredCondition():
            return False
        case QuestionCondition(operator="exists", answer=expected):
            return bool(expected)
        case AllCondition(all=parts) | AnyCondition(any=parts):
            return all(is_positive(p) for p in parts)
    return True


def questions_used(condition: Condition) -> set[str]:
    """Every question a condition looks at, answered or left unanswered."""
    return {c.question for c in leaves(condition) if isinstance(c, QuestionCondition)} | unanswered_used(
        condition)


def unanswered_used(condition: Condition) -> set[str]:
    return {c.unanswered for c in leaves(condition) if isinstance(c, UnansweredCondition)}


def findings_used(condition: Condition) -> set[Finding]:
    out: set[Finding] = set()
    for leaf in leaves(condition):
        if isinstance(leaf, CauseCondition):
            out.add(Finding("cause", leaf.cause))
        elif isinstance(leaf, RedFlagCondition):
            out.add(Finding("red_flag", leaf.red_flag))
    return out



def push_not(cond: Condition, negated: bool = False) -> Condition:
    """Negation normal form: ``not`` only directly above a leaf (De Morgan)."""
    match cond:
        case NotCondition(not_=inner):
            return push_not(inner, not negated)
        case AllCondition(all=parts):
            kids = tuple(push_not(p, negated) for p in parts)
            return AnyCondition(any=kids) if negated else AllCondition(all=kids)
        case AnyCondition(any=parts):
            kids = tuple(push_not(p, negated) for p in parts)
            return AllCondition(all=kids) if negated else AnyCondition(any=kids)
        case QuestionCondition(operator="exists", answer=expected) if negated:
            return cond.model_copy(update={"answer": not bool(expected)})
        case _:
            return NotCondition(not_=cond) if negated else cond


def negated_questions(condition: Condition) -> set[str]:
    """Questions a condition needs *not* to hold, or to be unknown (in negation normal form)."""
    out: set[str] = set()

    def walk(c: Condition) -> None:
        match c:
            case AllCondition(all=parts) | AnyCondition(any=parts):
                for part in parts:
                    walk(part)
            case NotCondition(not_=QuestionCondition(question=qid)):
                out.add(qid)
            case QuestionCondition(question=qid, operator="exists", answer=False):
                out.add(qid)
            case _:
                pass

    walk(push_not(condition))
    return out


def negates_other_than_answers(condition: Condition) -> bool:
    """A ``not`` over a finding, or over a question left unanswered (in negation normal form)."""

    def walk(c: Condition) -> bool:
        match c:
            case AllCondition(all=parts) | AnyCondition(any=parts):
                return any(walk(part) for part in parts)
            case NotCondition(not_=CauseCondition() | RedFlagCondition() | UnansweredCondition()):
                return True
        return False

    return walk(push_not(condition))


def earliest(  # noqa: PLR0911  one return for each kind of condition, a closed set
    condition: Condition, position: Mapping[str, int], finding_at: Callable[[Finding], int]
) -> int:
    """The earliest question position after which ``condition`` can hold.

    Negated leaves hold while their question is unknown, so they need
    nothing; ``all`` needs its latest part, ``any`` its earliest.
    """
    never = 1 << 30
    match push_not(condition):
        case AllCondition(all=parts):
            return max((earliest(p, position, finding_at) for p in parts), default=-1)
        case AnyCondition(any=parts):
            return min((earliest(p, position, finding_at) for p in parts), default=never)
        case NotCondition():
            return -1
        case QuestionCondition(operator="exists", answer=False):
            return -1
        case QuestionCondition(question=qid) | UnansweredCondition(unanswered=qid):
            return position.get(qid, never)
        case CauseCondition(cause=cid):
            return finding_at(Finding("cause", cid))
        case RedFlagCondition(red_flag=rid):
            return finding_at(Finding("red_flag", rid))
    return never  # pragma: no cover


MAX_ALTERNATIVES = 256
"""Ways a rule's condition may hold once multiplied out: the rete network grows with them."""


def alternatives(condition: Condition, cap: int = MAX_ALTERNATIVES + 1) -> int:
    """How many conjunctions the condition's negation normal form multiplies out to (at most ``cap``)."""

    def count(c: Condition) -> int:
        match c:
            case AnyCondition(any=parts):
                return min(cap, sum(count(p) for p in parts))
            case AllCondition(all=parts):
                total = 1
                for part in parts:
                    total = min(cap, total * count(part))
                return total
        return 1

    return count(push_not(condition))


# --- the knowledge base's conditions ---------------------------------------------
def asked_when(kb: KnowledgeBase, question: Question) -> Condition | None:
    """When a question is asked: its section's ``ask_if`` and its own together (None: always)."""
    memo = kb.asked_when_memo
    if question.id not in memo:
        memo[question.id] = _combined_ask_if(kb, question)
    return memo[question.id]


def _combined_ask_if(kb: KnowledgeBase, question: Question) -> Condition | None:
    """The section's ``ask_if`` and the question's own, as one condition.

    The section's condition is left out where the question's own implies it:
    an ``ask_if`` that needs answers (no ``not``) to questions that are
    asked only under the same condition can only hold once that condition did.
    """
    gate, own = kb.section(question.section).ask_if, question.ask_if
    if gate is None or own is None:
        return own if gate is None else gate
    if is_positive(own) and all(_asked_only_under(kb, kb.question(q), gate)
                                for q in questions_used(own)):
        return own
    return AllCondition(all=(gate, own))


def _asked_only_under(kb: KnowledgeBase, question: Question, gate: Condition) -> bool:
    """Whether ``question`` is asked only when ``gate`` holds (its section's or its own condition)."""
    asked = asked_when(kb, question)
    return asked == gate or (isinstance(asked, AllCondition) and gate in asked.all)


def advice_for(kb: KnowledgeBase, kind: str, level: str,
               answers: Mapping[str, AnswerValue] | None = None) -> AdviceDef | None:
    """The advice of ``kind`` for ``level`` whose ``when`` holds for ``answers`` (or has none)."""
    return next((a for a in kb.advice if a.kind == kind and level in a.levels
                 and (a.when is None or holds(a.when, answers or {}))), None)


def required_questions(kb: KnowledgeBase) -> frozenset[str]:
    """Questions whose lack of an answer some rule tests: left blank, the result is incomplete."""
    return kb.derived("required_questions",
                      lambda k: frozenset(q for r in k.rules for q in unanswered_used(r.when)))
