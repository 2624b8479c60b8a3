"""``triage diagram``: the knowledge base as a graph, in Mermaid or Graphviz DOT.

Questions lead to the rules that use their answers; rules lead to the causes
and red flags they find, or straight to a suggestion level; red flags lead
to their level; findings used by other rules lead on to those rules. A dashed
arrow joins a question to one that is asked only depending on its answer.

``focus`` keeps only what connects to the given ids: everything that leads
to them and everything that follows from them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from triage import errors, words
from triage.conditions import findings_used, questions_used
from triage.models import LEVELS, KnowledgeBase, Rule, ThenCause, ThenLevel, ThenRedFlag

NodeKey = tuple[str, str]  # (kind, id); kind: question, rule, cause, red_flag, level

PREFIX = {"question": "q", "rule": "r", "cause": "c", "red_flag": "f", "level": "l"}
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


_DOT_SHAPES = {
    "question": 'shape=box, style=filled, fillcolor="#eef3ff"',
    "rule": 'shape=box, style="rounded"',
    "cause": 'shape=ellipse, style=filled, fillcolor="#eefaee"',
    "red_flag": 'shape=hexagon, style=filled, fillcolor="#ffe5e5", color="#c00000", penwidth=2',
    "level": 'shape=box, style="filled,bold", fillcolor="#fff6d5"',
}


def _dot_text(text: str) -> str:
    return '"' + " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot(g: Graph) -> str:
    ids = _ids(g)
    out = ["digraph triage {", "    rankdir=LR;", '    node [fontname="Helvetica"];']
    for key, label in g.nodes.items():
        out.append(f"    {ids[key]} [label={_dot_text(label)}, {_DOT_SHAPES[key[0]]}];")
    for e in g.edges:
        extra = f" [style=dashed, label={_dot_text(ASKED_IF)}]" if e.asked_if else ""
        out.append(f"    {ids[e.source]} -> {ids[e.target]}{extra};")
    out.append("}")
    return "\n".join(out) + "\n"


def render(kb: KnowledgeBase, fmt: str = "mermaid", focus_ids: Sequence[str] = ()) -> str:
    g = build(kb)
    if focus_ids:
        g = focus(g, focus_keys(kb, g, focus_ids))
    return dot(g) if fmt == "dot" else mermaid(g)
