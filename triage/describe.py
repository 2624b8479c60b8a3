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

from triage import i18n, words
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


@dataclass(frozen=True)
class Node:
    """One sentence, with the parts it is made of below it (for all/any/not)."""

    text: str
    children: tuple[Node, ...] = ()


quoted = i18n.quoted
"""A question's text in the language's quotation marks."""
named = i18n.quoted_inner
"""An option label or a finding's name in the language's inner quotation marks."""


def _yes_no_word(value: object) -> str:
    if value is True:
        return words.YES
    if value is False:
        return words.NO
    if value == NOT_SURE:
        return words.NOT_SURE_LABEL
    return str(value)


def _options(question: Question, ids: Sequence[str]) -> str:
    labels = [named(question.label(i)) for i in ids]
    return i18n.list_and(labels)


def question_leaf(  # noqa: PLR0911  one return for each question type (and `exists`), a closed set
    kb: KnowledgeBase, cond: QuestionCondition
) -> str:
    """One comparison of one answer, in words."""
    if not kb.has_question(cond.question):
        return f"`{cond.question}` {cond.operator} {cond.answer!r}"
    question = kb.question(cond.question)
    q = quoted(question.text)
    op, value = cond.operator, cond.answer
    if op == "exists":
        return (words.DESCRIBE_ANSWERED if value else words.DESCRIBE_LEFT_UNANSWERED).format(question=q)
    match question.type:
        case "yes_no":
            template = words.DESCRIBE_ANSWER if op == "=" else words.DESCRIBE_OTHER_ANSWER
            return template.format(answer=_yes_no_word(value), question=q)
        case "number":
            return words.DESCRIBE_NUMBER[op].format(question=q, n=value)
        case "scale":
            return words.DESCRIBE_SCALE[op].format(question=q, n=value)
        case "choice":
            template = words.DESCRIBE_ANSWER if op == "=" else words.DESCRIBE_OTHER_ANSWER
            return template.format(answer=named(question.label(str(value))), question=q)
        case "multi":
            if op == "contains":
                return words.DESCRIBE_AMONG.format(answer=named(question.label(str(value))), question=q)
            items = tuple(value) if isinstance(value, tuple | list) else (str(value),)
            if not items:
                return (words.DESCRIBE_NONE_CHOSEN if op == "=" else words.DESCRIBE_SOME_CHOSEN).format(
                    question=q)
            template = words.DESCRIBE_EXACTLY if op == "=" else words.DESCRIBE_NOT_EXACTLY
            return template.format(question=q, answers=_options(question, items))
        case _:
            assert_never(question.type)


def finding_name(kb: KnowledgeBase, kind: str, fid: str) -> str:
    pool = kb.causes if kind == "cause" else kb.red_flags
    return next((d.name for d in pool if d.id == fid), fid)


def finding_leaf(kb: KnowledgeBase, kind: str, fid: str) -> str:
    template = words.DESCRIBE_CAUSE_FOUND if kind == "cause" else words.DESCRIBE_RED_FLAG_FOUND
    return template.format(name=named(finding_name(kb, kind, fid)))


def producers(kb: KnowledgeBase, kind: str, fid: str) -> list[Condition]:
    """The conditions of every rule that derives this finding."""
    return [rule.when for rule in kb.rules if rule.finding == (kind, fid)]


MAX_EXPANSION = 8
"""Findings spelt out inside findings at most this deep; deeper ones are only named."""


def tree(  # noqa: PLR0911  one return for each kind of condition, a closed set
    kb: KnowledgeBase, cond: Condition, *, expand: bool | int = False
) -> Node:
    """A condition as a tree of sentences; ``expand`` spells out findings (``MAX_EXPANSION`` deep)."""
    depth = MAX_EXPANSION if expand is True else int(expand)
    match cond:
        case QuestionCondition():
            return Node(question_leaf(kb, cond))
        case AllCondition(all=parts) | AnyCondition(any=parts):
            is_all = isinstance(cond, AllCondition)
            if not parts:
                return Node(words.DESCRIBE_ALWAYS if is_all else words.DESCRIBE_NEVER)
            if len(parts) == 1:
                return tree(kb, parts[0], expand=depth)
            return Node(words.DESCRIBE_ALL_OF if is_all else words.DESCRIBE_ANY_OF,
                        tuple(tree(kb, p, expand=depth) for p in parts))
        case NotCondition(not_=inner):
            return Node(words.DESCRIBE_NOT, (tree(kb, inner, expand=depth),))
        case UnansweredCondition(unanswered=qid):
            text = quoted(kb.question(qid).text) if kb.has_question(qid) else f"`{qid}`"
            return Node(words.DESCRIBE_UNANSWERED.format(question=text))
        case CauseCondition(cause=fid) | RedFlagCondition(red_flag=fid):
            kind = "cause" if isinstance(cond, CauseCondition) else "red_flag"
            text = finding_leaf(kb, kind, fid)
            whens = producers(kb, kind, fid) if depth > 0 else []
            if not whens:
                return Node(text)
            signs = tree(kb, whens[0] if len(whens) == 1 else AnyCondition(any=tuple(whens)),
                         expand=depth - 1)
            return Node(words.DESCRIBE_WHICH_MEANS.format(finding=text), (signs,))
    raise TypeError(f"not a condition: {cond!r}")  # pragma: no cover


def one_line(node: Node) -> str:
    """A tree on one line; parts of a nested all/any/not are in brackets."""
    if not node.children:
        return node.text
    parts = [one_line(c) if not c.children else f"({one_line(c)})" for c in node.children]
    return f"{node.text} " + i18n.clauses(parts)


def sentence(kb: KnowledgeBase, cond: Condition, *, expand: bool = False) -> str:
    """A condition in plain words, on one line."""
    return one_line(tree(kb, cond, expand=expand))


def lines(node: Node, indent: str = "", bullet: str = "- ", step: str = "  ") -> list[str]:
    """A tree as nested bullets: the node, then its parts indented below it."""
    out = [f"{indent}{bullet}{node.text}"]
    for child in node.children:
        out += lines(child, indent + step, bullet, step)
    return out
