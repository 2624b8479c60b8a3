"""Conditions in plain words, for patients, educators and clinicians.

A condition of the knowledge base (a rule's ``when`` or a question's
``ask_if``) becomes a small tree of sentences: a leaf compares one answer
("you answer Yes to <the question's text>", "age is 50 or more") or tests a
finding ("the cause <its name> is found"); ``all``/``any``/``not`` become
"all of:", "any of:" and "not:" with their parts below them. Question texts
are shown in double typographic quotes, option labels and names in single
ones, as a person would read them.

:func:`sentence` gives the whole condition on one line; :func:`tree` and
:func:`lines` give it as nested bullets. With ``expand=True`` a finding is
followed by the signs that lead to it, so a reader sees answers, not ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import assert_never

from triage.models import (
    NOT_SURE,
    AllCondition,
    AnyCondition,
    CauseCondition,
    Condition,
    KnowledgeBase,
    NotCondition,
    Question,
    QuestionCondition,
    RedFlagCondition,
    UnansweredCondition,
)

ALL_OF = "all of:"
ANY_OF = "any of:"
NOT = "not:"
ALWAYS = "always (no condition)"
NEVER = "never"
UNANSWERED = "{question} is asked and left unanswered"


@dataclass(frozen=True)
class Node:
    """One sentence, with the parts it is made of below it (for all/any/not)."""

    text: str
    children: tuple[Node, ...] = ()


def quoted(text: str) -> str:
    """A question's text in double typographic quotes."""
    return f"“{' '.join(text.split())}”"


def named(text: str) -> str:
    """An option label or a finding's name in single typographic quotes."""
    return f"‘{' '.join(text.split())}’"


def subject(question: Question) -> str:
    """What a number is about, from the question id: ``pain_severity`` -> "pain severity"."""
    return question.id.replace("_", " ")


def _yes_no_word(value: object) -> str:
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if value == NOT_SURE:
        return "Not sure"
    return str(value)


def _options(question: Question, ids: Sequence[str]) -> str:
    labels = [named(question.label(i)) for i in ids]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


_NUMBER_OPS = {
    "=": "is {n}",
    "!=": "is not {n}",
    ">": "is more than {n}",
    "<": "is less than {n}",
    ">=": "is {n} or more",
    "<=": "is {n} or less",
}


def question_leaf(kb: KnowledgeBase, cond: QuestionCondition) -> str:
    """One comparison of one answer, in words."""
    if not kb.has_question(cond.question):
        return f"`{cond.question}` {cond.operator} {cond.answer!r}"
    question = kb.question(cond.question)
    q = quoted(question.text)
    op, value = cond.operator, cond.answer
    if op == "exists":
        return f"you answer {q}" if value else f"you leave {q} unanswered"
    match question.type:
        case "yes_no":
            word = _yes_no_word(value)
            if op == "=":
                return f"you answer {word} to {q}"
            return f"you answer something other than {word} to {q}"
        case "number":
            return f"{subject(question)} {_NUMBER_OPS[op].format(n=value)}"
        case "scale":
            return f"{subject(question)} {_NUMBER_OPS[op].format(n=value)} out of 10"
        case "choice":
            label = named(question.label(str(value)))
            if op == "=":
                return f"you answer {label} to {q}"
            return f"you answer something other than {label} to {q}"
        case "multi":
            if op == "contains":
                return f"{named(question.label(str(value)))} is among your answers to {q}"
            items = tuple(value) if isinstance(value, tuple | list) else (str(value),)
            if not items:
                if op == "=":
                    return f"you choose none of the answers to {q}"
                return f"you choose at least one answer to {q}"
            if op == "=":
                return f"your answers to {q} are exactly {_options(question, items)}"
            return f"your answers to {q} are not exactly {_options(question, items)}"
        case _:
            assert_never(question.type)


def finding_name(kb: KnowledgeBase, kind: str, fid: str) -> str:
    pool = kb.causes if kind == "cause" else kb.red_flags
    return next((d.name for d in pool if d.id == fid), fid)


def finding_leaf(kb: KnowledgeBase, kind: str, fid: str) -> str:
    label = "the cause" if kind == "cause" else "the red flag"
    return f"{label} {named(finding_name(kb, kind, fid))} is found"


def producers(kb: KnowledgeBase, kind: str, fid: str) -> list[Condition]:
    """The conditions of every rule that derives this finding."""
    return [rule.when for rule in kb.rules if rule.finding == (kind, fid)]


MAX_EXPANSION = 8
"""Findings spelt out inside findings at most this deep; deeper ones are only named."""


def tree(kb: KnowledgeBase, cond: Condition, *, expand: bool | int = False) -> Node:
    """A condition as a tree of sentences; ``expand`` spells out findings (``MAX_EXPANSION`` deep)."""
    depth = MAX_EXPANSION if expand is True else int(expand)
    match cond:
        case QuestionCondition():
            return Node(question_leaf(kb, cond))
        case AllCondition(all=parts) | AnyCondition(any=parts):
            is_all = isinstance(cond, AllCondition)
            if not parts:
                return Node(ALWAYS if is_all else NEVER)
            if len(parts) == 1:
                return tree(kb, parts[0], expand=depth)
            return Node(ALL_OF if is_all else ANY_OF, tuple(tree(kb, p, expand=depth) for p in parts))
        case NotCondition(not_=inner):
            return Node(NOT, (tree(kb, inner, expand=depth),))
        case UnansweredCondition(unanswered=qid):
            text = quoted(kb.question(qid).text) if kb.has_question(qid) else f"`{qid}`"
            return Node(UNANSWERED.format(question=text))
        case CauseCondition(cause=fid) | RedFlagCondition(red_flag=fid):
            kind = "cause" if isinstance(cond, CauseCondition) else "red_flag"
            text = finding_leaf(kb, kind, fid)
            whens = producers(kb, kind, fid) if depth > 0 else []
            if not whens:
                return Node(text)
            signs = tree(kb, whens[0] if len(whens) == 1 else AnyCondition(any=tuple(whens)),
                         expand=depth - 1)
            return Node(f"{text}, which means:", (signs,))
    raise TypeError(f"not a condition: {cond!r}")  # pragma: no cover


def one_line(node: Node) -> str:
    """A tree on one line; parts of a nested all/any/not are in brackets."""
    if not node.children:
        return node.text
    parts = [one_line(c) if not c.children else f"({one_line(c)})" for c in node.children]
    return f"{node.text} " + "; ".join(parts)


def sentence(kb: KnowledgeBase, cond: Condition, *, expand: bool = False) -> str:
    """A condition in plain words, on one line."""
    return one_line(tree(kb, cond, expand=expand))


describe = sentence


def lines(node: Node, indent: str = "", bullet: str = "- ", step: str = "  ") -> list[str]:
    """A tree as nested bullets: the node, then its parts indented below it."""
    out = [f"{indent}{bullet}{node.text}"]
    for child in node.children:
        out += lines(child, indent + step, bullet, step)
    return out
