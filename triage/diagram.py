"""``triage diagram``: the knowledge base as a graph, in Mermaid or Graphviz DOT.

Questions lead to the rules that use their answers; rules lead to the causes
and red flags they find, or straight to a suggestion level; red flags lead
to their level; findings used by other rules lead on to those rules. A dashed
arrow joins a question to one that is asked only depending on its answer.

``focus`` keeps only what connects to the given ids: everything that leads
to them and everything that follows from them.

:func:`picture` draws the same graph for people, in the active language: a
question by its text, a cause or red flag by its name, a level by its title,
and each rule's ``all``/``any``/``not`` as small "and"/"or"/"not" nodes
(a rule of one condition is a plain arrow). :func:`draw` has Graphviz's
``dot`` turn it into SVG or PNG.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from xml.etree import ElementTree

from triage import errors, textwidth, words
from triage.conditions import findings_used, questions_used
from triage.models import (
    LEVELS,
    AllCondition,
    AnyCondition,
    CauseCondition,
    Condition,
    KnowledgeBase,
    NotCondition,
    QuestionCondition,
    RedFlagCondition,
    Rule,
    ThenCause,
    ThenLevel,
    ThenRedFlag,
    UnansweredCondition,
)

NodeKey = tuple[str, str]  # (kind, id); kind: question, rule, cause, red_flag, level, and, or, not

PREFIX = {"question": "q", "rule": "r", "cause": "c", "red_flag": "f", "level": "l",
          "and": "and", "or": "or", "not": "not"}
LOGIC = ("and", "or", "not")
"""The kinds of the small nodes of a picture that join a rule's conditions."""
ASKED_IF = "asked if"


@dataclass(frozen=True)
class Edge:
    source: NodeKey
    target: NodeKey
    asked_if: bool = False


@dataclass
class Graph:
    nodes: dict[NodeKey, str] = field(default_factory=dict)
    """Each node and its label, in drawing order."""
    edges: list[Edge] = field(default_factory=list)

    def add_edge(self, edge: Edge) -> None:
        if edge not in self.edges:
            self.edges.append(edge)

    def keep(self, wanted: set[NodeKey]) -> Graph:
        return Graph({k: v for k, v in self.nodes.items() if k in wanted},
                     [e for e in self.edges if e.source in wanted and e.target in wanted])


def build(kb: KnowledgeBase) -> Graph:
    """The whole knowledge base as a graph."""
    g = Graph()
    _add_nodes(g, kb)
    order = [x.id for x in kb.questions]
    for q in kb.questions:
        if q.ask_if is not None:
            for other in sorted(questions_used(q.ask_if), key=order.index):
                g.add_edge(Edge(("question", other), ("question", q.id), asked_if=True))
    for rule in kb.rules:
        _add_rule(g, kb, rule)
    return _in_order(g)


def _add_nodes(g: Graph, kb: KnowledgeBase) -> None:
    """Questions, rules, causes, red flags and levels, in this order."""
    for q in kb.questions:
        g.nodes[("question", q.id)] = q.id
    for rule in kb.rules:
        g.nodes[("rule", rule.id)] = rule.id
    for cause in kb.causes:
        g.nodes[("cause", cause.id)] = cause.name
    for flag in kb.red_flags:
        g.nodes[("red_flag", flag.id)] = flag.name
    for level in LEVELS:
        g.nodes[("level", level)] = words.LEVEL_TITLE[level]


def _add_rule(g: Graph, kb: KnowledgeBase, rule: Rule) -> None:
    """What a rule looks at (questions in questionnaire order, then findings) and what it concludes."""
    target: NodeKey = ("rule", rule.id)
    for qid in [x.id for x in kb.questions if x.id in questions_used(rule.when)]:
        g.add_edge(Edge(("question", qid), target))
    for finding in sorted(findings_used(rule.when)):
        g.add_edge(Edge(finding, target))
    then = rule.then
    if isinstance(then, ThenCause):
        g.add_edge(Edge(target, ("cause", then.cause)))
    elif isinstance(then, ThenRedFlag):
        g.add_edge(Edge(target, ("red_flag", then.red_flag)))
        g.add_edge(Edge(("red_flag", then.red_flag), ("level", then.level)))
    elif isinstance(then, ThenLevel):
        g.add_edge(Edge(target, ("level", then.level)))


def _in_order(g: Graph) -> Graph:
    """Red flag -> level edges after the rest, so the drawing reads left to right."""
    late = [e for e in g.edges if e.source[0] == "red_flag" and e.target[0] == "level"]
    return Graph(g.nodes, [e for e in g.edges if e not in late] + late)


def _reach(g: Graph, start: Iterable[NodeKey], forward: bool) -> set[NodeKey]:
    seen = set(start)
    stack = list(seen)
    while stack:
        node = stack.pop()
        for e in g.edges:
            a, b = (e.source, e.target) if forward else (e.target, e.source)
            if a == node and b not in seen:
                seen.add(b)
                stack.append(b)
    return seen


def focus_keys(kb: KnowledgeBase, g: Graph, ids: Sequence[str]) -> set[NodeKey]:
    """The nodes called by any of ``ids``; an unknown id raises with a "did you mean"."""
    keys: set[NodeKey] = set()
    for item in ids:
        matches = {k for k in g.nodes if k[1] == item}
        if not matches:
            pool = {k[1] for k in g.nodes}
            raise errors.fail("triage", None, errors.UNKNOWN_ID, id=item,
                              hint=errors.did_you_mean(item, pool))
        keys |= matches
    return keys


def focus(g: Graph, keys: set[NodeKey]) -> Graph:
    """Only what leads to ``keys`` and what follows from them."""
    return g.keep(_reach(g, keys, forward=False) | _reach(g, keys, forward=True))


def red_flag_part(kb: KnowledgeBase) -> Graph:
    """Every red flag, what leads to it and its level."""
    g = build(kb)
    return focus(g, {k for k in g.nodes if k[0] == "red_flag"})


# --- the picture: in words, with and/or/not ----------------------------------------------
QUESTION_CELLS = 80
"""A question's text is cut at a word to at most this many cells, with "…"."""
LINE_CELLS = 26
"""The lines of a picture's labels are at most this many cells wide."""


@dataclass(frozen=True)
class _Arrow:
    edge: Edge
    rule: str = ""
    """The rule the arrow belongs to ("" for an ask-condition)."""


@dataclass
class _Picture:
    nodes: dict[NodeKey, str] = field(default_factory=dict)
    arrows: list[_Arrow] = field(default_factory=list)
    rule_of: dict[NodeKey, str] = field(default_factory=dict)
    """Each and/or/not node: the rule it belongs to."""


def label(text: str, limit: int = QUESTION_CELLS) -> str:
    """``text`` on lines of at most ``LINE_CELLS`` cells. Longer than ``limit`` cells, it is cut
    after its last sentence that fits, or else at a word, with "…"."""
    text = " ".join(text.split())
    if textwidth.cells(text) > limit:
        ends = [m.end() for m in _SENTENCE_END.finditer(text) if textwidth.cells(text[:m.end()]) <= limit]
        text = text[:ends[-1]] if ends else textwidth.wrap(text, limit - 1)[0].rstrip(" ,;:") + "…"
    return "\n".join(textwidth.wrap(text, LINE_CELLS)) or text


_SENTENCE_END = re.compile(r"[?.!](?= )|[？。！]")


def _join(p: _Picture, kind: str, rule: Rule, path: str, inputs: list[NodeKey]) -> NodeKey:
    """An and/or/not node of ``rule`` (its top one keyed by the rule's id), fed by ``inputs``."""
    key: NodeKey = (kind, rule.id + path)
    p.nodes[key] = {"and": words.DIAGRAM_AND, "or": words.DIAGRAM_OR, "not": words.DIAGRAM_NOT}[kind]
    p.rule_of[key] = rule.id
    p.arrows.extend(_Arrow(Edge(source, key), rule.id) for source in inputs)
    return key


def _sources(  # noqa: PLR0911  one return for each kind of condition, a closed set
    p: _Picture, rule: Rule, cond: Condition, path: str = ""
) -> list[NodeKey]:
    """The nodes whose arrows carry ``cond`` on: a leaf's question or finding, or the node that
    joins its parts."""
    match cond:
        case QuestionCondition(question=qid) | UnansweredCondition(unanswered=qid):
            return [("question", qid)]
        case CauseCondition(cause=fid):
            return [("cause", fid)]
        case RedFlagCondition(red_flag=fid):
            return [("red_flag", fid)]
        case AllCondition(all=parts) | AnyCondition(any=parts):
            if len(parts) == 1:
                return _sources(p, rule, parts[0], path)
            inputs = [s for i, part in enumerate(parts) for s in _sources(p, rule, part, f"{path}.{i + 1}")]
            kind = "and" if isinstance(cond, AllCondition) else "or"
            return [_join(p, kind, rule, path, inputs)] if inputs else []
        case NotCondition(not_=inner):
            return [_join(p, "not", rule, path, _sources(p, rule, inner, f"{path}.1"))]
    return []  # pragma: no cover


def _target(rule: Rule) -> NodeKey | None:
    then = rule.then
    if isinstance(then, ThenCause):
        return ("cause", then.cause)
    if isinstance(then, ThenRedFlag):
        return ("red_flag", then.red_flag)
    if isinstance(then, ThenLevel):
        return ("level", then.level)
    return None


def _whole_picture(kb: KnowledgeBase) -> _Picture:
    p = _Picture()
    for q in kb.questions:
        p.nodes[("question", q.id)] = label(q.text)
    for cause in kb.causes:
        p.nodes[("cause", cause.id)] = label(cause.name)
    for flag in kb.red_flags:
        p.nodes[("red_flag", flag.id)] = label(flag.name)
    for level in LEVELS:
        p.nodes[("level", level)] = label(words.LEVEL_TITLE[level])
    base = build(kb)
    p.arrows.extend(_Arrow(e) for e in base.edges if e.asked_if)
    for rule in kb.rules:
        target = _target(rule)
        if target is None:
            continue
        p.arrows.extend(_Arrow(Edge(source, target), rule.id) for source in _sources(p, rule, rule.when))
        if isinstance(rule.then, ThenRedFlag):
            p.arrows.append(_Arrow(Edge(target, ("level", rule.then.level)), rule.id))
    return p


def _keep(p: _Picture, wanted: set[NodeKey]) -> Graph:
    """The picture of the items and rules in ``wanted`` (keys of :func:`build`'s graph)."""
    def kept(key: NodeKey) -> bool:
        return ("rule", p.rule_of[key]) in wanted if key[0] in LOGIC else key in wanted

    nodes = {k: v for k, v in p.nodes.items() if kept(k)}
    edges = [a.edge for a in p.arrows if a.edge.source in nodes and a.edge.target in nodes
             and (not a.rule or ("rule", a.rule) in wanted)]
    while True:  # an and/or/not node left without what it joins, or without where it leads
        loose = {k for k in nodes if k[0] in LOGIC
                 and not (any(e.target == k for e in edges) and any(e.source == k for e in edges))}
        if not loose:
            break
        nodes = {k: v for k, v in nodes.items() if k not in loose}
        edges = [e for e in edges if e.source not in loose and e.target not in loose]
    g = Graph(nodes)
    for e in edges:
        g.add_edge(e)
    return _in_order(g)


def picture(kb: KnowledgeBase, focus_ids: Sequence[str] = ()) -> Graph:
    """The knowledge base (or what connects to ``focus_ids``) in words, with and/or/not nodes."""
    g = build(kb)
    if focus_ids:
        g = focus(g, focus_keys(kb, g, focus_ids))
    return _keep(_whole_picture(kb), set(g.nodes))


def red_flag_picture(kb: KnowledgeBase) -> Graph:
    """:func:`red_flag_part` in words: every red flag, what leads to it and its level."""
    return _keep(_whole_picture(kb), set(red_flag_part(kb).nodes))


# --- output -----------------------------------------------------------------------
def _ids(g: Graph) -> dict[NodeKey, str]:
    out: dict[NodeKey, str] = {}
    used: set[str] = set()
    for key in g.nodes:
        base = f"{PREFIX[key[0]]}_{re.sub(r'[^A-Za-z0-9_]', '_', key[1])}"
        name, n = base, 2
        while name in used:
            name, n = f"{base}_{n}", n + 1
        used.add(name)
        out[key] = name
    return out


_MERMAID_SHAPES = {
    "question": ('["', '"]'),
    "rule": ('("', '")'),
    "cause": ('(["', '"])'),
    "red_flag": ('{{"', '"}}'),
    "level": ('[["', '"]]'),
}

_MERMAID_STYLES = {
    "question": "fill:#eef3ff,stroke:#4a6fa5",
    "rule": "fill:#ffffff,stroke:#888888",
    "cause": "fill:#eefaee,stroke:#4a8a4a",
    "red_flag": "fill:#ffe5e5,stroke:#c00000,stroke-width:2px",
    "level": "fill:#fff6d5,stroke:#a08000",
}


def _mermaid_label(text: str) -> str:
    return " ".join(text.split()).replace('"', "#quot;")


def mermaid(g: Graph) -> str:
    ids = _ids(g)
    out = ["flowchart LR"]
    for key, label in g.nodes.items():
        left, right = _MERMAID_SHAPES[key[0]]
        out.append(f"    {ids[key]}{left}{_mermaid_label(label)}{right}")
    for e in g.edges:
        arrow = f"-. {ASKED_IF} .->" if e.asked_if else "-->"
        out.append(f"    {ids[e.source]} {arrow} {ids[e.target]}")
    for kind, style in _MERMAID_STYLES.items():
        members = [ids[k] for k in g.nodes if k[0] == kind]
        if members:
            out.append(f"    classDef {kind} {style}")
            out.append(f"    class {','.join(members)} {kind}")
    return "\n".join(out) + "\n"


_SMALL = "shape=ellipse, style=filled, fontsize=10, width=0.3, height=0.25, margin=0.03"
_DOT_SHAPES = {
    "question": 'shape=box, style=filled, fillcolor="#eef3ff"',
    "rule": 'shape=box, style="rounded"',
    "cause": 'shape=ellipse, style=filled, fillcolor="#eefaee"',
    "red_flag": 'shape=hexagon, style=filled, fillcolor="#ffe5e5", color="#c00000", penwidth=2',
    "level": 'shape=box, style="filled,bold", fillcolor="#fff6d5"',
    "and": f'fillcolor="#eeeeee", {_SMALL}',
    "or": f'fillcolor="#eeeeee", {_SMALL}',
    "not": f'fillcolor="#ffe9cc", {_SMALL}',
}


def _dot_text(text: str) -> str:
    """A DOT string; a label's lines stay lines (``\\n``), other runs of spaces become one."""
    lines = (" ".join(line.split()).replace("\\", "\\\\").replace('"', '\\"') for line in text.split("\n"))
    return '"' + "\\n".join(lines) + '"'


def dot(g: Graph, *, asked_if: str = ASKED_IF, font: str = "Helvetica") -> str:
    """DOT source; :func:`draw_picture` passes the words for "asked if" and a font for every script."""
    ids = _ids(g)
    out = ["digraph triage {", "    rankdir=LR;", f"    node [fontname={_dot_text(font)}];"]
    if font != "Helvetica":
        out.append(f"    edge [fontname={_dot_text(font)}, fontsize=10];")
    for key, label in g.nodes.items():
        out.append(f"    {ids[key]} [label={_dot_text(label)}, {_DOT_SHAPES[key[0]]}];")
    for e in g.edges:
        extra = f" [style=dashed, label={_dot_text(asked_if)}]" if e.asked_if else ""
        out.append(f"    {ids[e.source]} -> {ids[e.target]}{extra};")
    out.append("}")
    return "\n".join(out) + "\n"


# --- drawing with Graphviz ---------------------------------------------------------------
PICTURE_FORMATS = ("svg", "png")
DOT_SECONDS = 60
"""How long ``dot`` may take to draw; the whole knowledge base takes about a second."""
PICTURE_FONT = "sans-serif"
"""fontconfig's sans-serif: a font with the script of the language (Chinese too) where one is installed."""


def picture_source(g: Graph) -> str:
    """A picture's DOT source, with "asked if" in the active language."""
    return dot(g, asked_if=words.DIAGRAM_ASKED_IF, font=PICTURE_FONT)


def draw(source: str, fmt: str) -> bytes:
    """``source`` drawn by Graphviz's ``dot`` as ``fmt`` (svg or png); a missing or failing ``dot``
    raises a :class:`errors.TriageError` that says what to do."""
    program = shutil.which("dot")
    if program is None:
        raise errors.fail("triage", None, words.DIAGRAM_NO_DOT, format=fmt)
    try:
        done = subprocess.run([program, f"-T{fmt}"], input=source.encode("utf-8"), capture_output=True,
                              timeout=DOT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise errors.fail("triage", None, words.DIAGRAM_DOT_TIMEOUT, seconds=DOT_SECONDS) from None
    except OSError as exc:
        raise errors.fail("triage", None, words.DIAGRAM_DOT_FAILED, reason=exc.strerror or str(exc)) from None
    if done.returncode != 0 or not done.stdout:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise errors.fail("triage", None, words.DIAGRAM_DOT_FAILED,
                          reason=said[-1] if said else str(done.returncode))
    return done.stdout


SVG = "{http://www.w3.org/2000/svg}"


def contents(g: Graph) -> tuple[tuple[str, ...], int]:
    """What a picture shows, whatever Graphviz's exact drawing: its labels (sorted) and how many
    arrows it has."""
    return tuple(sorted(g.nodes.values())), len(g.edges)


def svg_contents(svg: bytes) -> tuple[tuple[str, ...], int]:
    """:func:`contents` read back from an SVG that ``dot`` drew: each node's lines of text, and its
    edges."""
    root = ElementTree.fromstring(svg)
    groups = list(root.iter(f"{SVG}g"))
    labels = ["\n".join(t.text or "" for t in g.iter(f"{SVG}text"))
              for g in groups if g.get("class") == "node"]
    return tuple(sorted(labels)), sum(g.get("class") == "edge" for g in groups)


def draw_picture(kb: KnowledgeBase, fmt: str, focus_ids: Sequence[str] = ()) -> bytes:
    """``triage diagram --format svg|png``: the picture in words, drawn."""
    return draw(picture_source(picture(kb, focus_ids)), fmt)


def render(kb: KnowledgeBase, fmt: str = "mermaid", focus_ids: Sequence[str] = ()) -> str:
    g = build(kb)
    if focus_ids:
        g = focus(g, focus_keys(kb, g, focus_ids))
    return dot(g) if fmt == "dot" else mermaid(g)
