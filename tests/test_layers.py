"""The package's layers, read from the source: every import arrow points down.

The import graph of :mod:`triage` is built with :mod:`ast` from every
``import`` and ``from ... import`` of a triage module, at any depth (an
import inside a function is still an arrow; ``from triage import x`` is an
arrow to the module ``triage.x`` when there is one). On it:

* no two modules import each other, directly or round a longer loop;
* experta is imported only by the engine, the terminal libraries only under
  ``triage/terminal/``, the web libraries only under ``triage/web/``;
* only ``triage/terminal/`` imports ``triage.terminal`` and only
  ``triage/web/`` imports ``triage.web``, but for the command line
  (``triage/__main__.py``), the top floor, which starts either.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

import triage

PACKAGE = Path(triage.__file__).resolve().parent
ROOT = PACKAGE.parent

ENTRY_POINT = "triage.__main__"
"""The command line: it starts the terminal questionnaire and the kiosk, so it may import both."""

LIBRARY_HOMES: dict[str, tuple[str, ...]] = {
    "experta": ("triage/engine.py",),
    "questionary": ("triage/terminal/",),
    "rich": ("triage/terminal/",),
    "prompt_toolkit": ("triage/terminal/",),
    "fastapi": ("triage/web/",),
    "starlette": ("triage/web/",),
    "jinja2": ("triage/web/",),
    "markupsafe": ("triage/web/",),
    "uvicorn": ("triage/web/server.py",),
    "redis": ("triage/web/store_redis.py",),
}
"""A third-party library -> the only files (or folders, ending in ``/``) that may import it."""

FLOORS = ("triage.terminal", "triage.web")
"""Packages that only their own modules (and :data:`ENTRY_POINT`) may import."""


@dataclass(frozen=True)
class Import:
    """One import statement's target: a triage module, or a third-party library's top-level name."""

    source: str
    line: int
    target: str
    internal: bool


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(path): path for path in sorted(package.rglob("*.py"))}


def _owner(name: str, known: Mapping[str, Path]) -> str:
    """The module that ``name`` (a module, or a name defined in one) lives in."""
    while name not in known and "." in name:
        name = name.rpartition(".")[0]
    return name


def imports_of(name: str, path: Path, known: Mapping[str, Path]) -> list[Import]:
    """Every import in one file, at any depth, with what it points at."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: list[Import] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.partition(".")[0]
                internal = top == "triage"
                target = _owner(alias.name, known) if internal else top
                out.append(Import(name, node.lineno, target, internal))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                origin = ".".join([*base, *([node.module] if node.module else [])])
            else:
                origin = node.module or ""
            top = origin.partition(".")[0]
            if top != "triage":
                out.append(Import(name, node.lineno, top, internal=False))
                continue
            for alias in node.names:
                full = f"{origin}.{alias.name}"
                target = full if full in known else _owner(origin, known)
                out.append(Import(name, node.lineno, target, internal=True))
    return out


def all_imports() -> list[Import]:
    known = modules()
    return [found for name, path in known.items() for found in imports_of(name, path, known)]


def graph(found: Iterable[Import]) -> dict[str, dict[str, int]]:
    """module -> {module it imports: the line of the first such import}."""
    arrows: dict[str, dict[str, int]] = {name: {} for name in modules()}
    for item in found:
        if item.internal:
            arrows.setdefault(item.source, {}).setdefault(item.target, item.line)
    return arrows


def cycles(arrows: Mapping[str, Mapping[str, int]]) -> list[list[str]]:
    """One loop (as a chain that ends where it starts) for each knot of modules that import each other."""
    return [_loop_through(knot, arrows) for knot in _Knots(arrows).found()]


class _Knots:
    """Tarjan's strongly connected components: the knots of modules that import each other
    (more than one module, or one that imports itself)."""

    def __init__(self, arrows: Mapping[str, Mapping[str, int]]) -> None:
        self.arrows = arrows
        self.index: dict[str, int] = {}
        self.low: dict[str, int] = {}
        self.stack: list[str] = []
        self.on_stack: set[str] = set()
        self.knots: list[set[str]] = []

    def found(self) -> list[set[str]]:
        for node in sorted(self.arrows):
            if node not in self.index:
                self._visit(node)
        return self.knots

    def _visit(self, node: str) -> None:
        self.index[node] = self.low[node] = len(self.index)
        self.stack.append(node)
        self.on_stack.add(node)
        for nxt in sorted(self.arrows.get(node, {})):
            if nxt not in self.index:
                self._visit(nxt)
                self.low[node] = min(self.low[node], self.low[nxt])
            elif nxt in self.on_stack:
                self.low[node] = min(self.low[node], self.index[nxt])
        if self.low[node] == self.index[node]:
            knot = self._pop_to(node)
            if len(knot) > 1 or node in self.arrows.get(node, {}):
                self.knots.append(knot)

    def _pop_to(self, node: str) -> set[str]:
        """The stack's modules down to ``node``: one knot."""
        knot: set[str] = set()
        while True:
            member = self.stack.pop()
            self.on_stack.discard(member)
            knot.add(member)
            if member == node:
                return knot


def _loop_through(knot: set[str], arrows: Mapping[str, Mapping[str, int]]) -> list[str]:
    """The shortest way from the knot's first module back to it, inside the knot, breadth first."""
    start = min(knot)
    came_from: dict[str, str] = {}
    frontier = [start]
    while start not in came_from:
        reached = []
        for node in frontier:
            for nxt in sorted(arrows.get(node, {})):
                if nxt in knot and nxt not in came_from:
                    came_from[nxt] = node
                    reached.append(nxt)
        frontier = reached
    chain = [start]
    while len(chain) == 1 or chain[-1] != start:
        chain.append(came_from[chain[-1]])
    return chain[::-1]


def chain_text(chain: list[str], arrows: Mapping[str, Mapping[str, int]]) -> str:
    steps = [f"{a} (line {arrows[a][b]}) -> {b}" if i == 0 else f"(line {arrows[a][b]}) -> {b}"
             for i, (a, b) in enumerate(itertools.pairwise(chain))]
    return " ".join(steps)


def _path_of(name: str) -> str:
    return modules()[name].relative_to(ROOT).as_posix()


def _inside(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


# --- the checks ---------------------------------------------------------------------
def test_the_graph_is_read() -> None:
    """The reader sees the package: a broken reader would pass every check below."""
    arrows = graph(all_imports())
    assert len(arrows) > 40
    assert "triage.models" in arrows["triage.engine"]
    assert "triage.terminal.save" in arrows["triage.terminal.app"]  # from triage.terminal import save
    assert "triage.fhir_read" in arrows["triage.answers"]
    assert "triage.summaries" in arrows["triage.web.app"]  # a name imported from a module points at it


def test_no_import_cycles() -> None:
    arrows = graph(all_imports())
    loops = [chain_text(chain, arrows) for chain in cycles(arrows)]
    assert not loops, "modules that import each other (import lines shown):\n" + "\n".join(loops)


@pytest.mark.parametrize("library", sorted(LIBRARY_HOMES))
def test_a_library_is_imported_only_in_its_home(library: str) -> None:
    homes = LIBRARY_HOMES[library]
    wrong = sorted(f"{_path_of(i.source)}:{i.line}" for i in all_imports()
                   if not i.internal and i.target == library
                   and not any(_path_of(i.source) == home or (home.endswith("/")
                                                              and _path_of(i.source).startswith(home))
                               for home in homes))
    assert not wrong, f"{library} is imported outside {', '.join(homes)}: {', '.join(wrong)}"


@pytest.mark.parametrize("floor", FLOORS)
def test_only_a_floor_and_the_command_line_import_it(floor: str) -> None:
    wrong = sorted(f"{_path_of(i.source)}:{i.line} imports {i.target}" for i in all_imports()
                   if i.internal and _inside(i.target, floor) and not _inside(i.source, floor)
                   and i.source != ENTRY_POINT)
    assert not wrong, f"only {floor} and {ENTRY_POINT} may import {floor}:\n" + "\n".join(wrong)


# --- the checker itself -------------------------------------------------------------
def test_a_loop_is_reported_as_a_chain() -> None:
    arrows = {"a": {"b": 1}, "b": {"c": 2}, "c": {"a": 3, "d": 4}, "d": {}, "e": {"e": 5}}
    found = cycles(arrows)
    assert found == [["a", "b", "c", "a"], ["e", "e"]]
    assert chain_text(found[0], arrows) == "a (line 1) -> b (line 2) -> c (line 3) -> a"


def test_every_kind_of_import_is_an_arrow(tmp_path: Path) -> None:
    """Relative, lazy, aliased and ``from package import module`` imports all count."""
    package = tmp_path / "triage"
    (package / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "low.py": "X = 1\n",
        "mid.py": "def f():\n    from triage import low\n    return low\n",
        "top.py": "from . import mid as m\nimport triage.sub.leaf\nfrom triage.low import X\n",
        "sub/__init__.py": "from .leaf import Y\n",
        "sub/leaf.py": "from ..top import m\nY = 2\n",
    }
    for name, text in files.items():
        (package / name).write_text(text)
    known = {
        ".".join(["triage", *path.relative_to(package).with_suffix("").parts]).removesuffix(".__init__"): path
        for path in package.rglob("*.py")
    }
    found = {(i.source, i.target) for name, path in known.items() for i in imports_of(name, path, known)}
    assert found == {
        ("triage.mid", "triage.low"),
        ("triage.top", "triage.mid"),
        ("triage.top", "triage.sub.leaf"),
        ("triage.top", "triage.low"),
        ("triage.sub", "triage.sub.leaf"),
        ("triage.sub.leaf", "triage.top"),
    }
