"""Load YAML (and JSON) keeping the line of every mapping key and list item.

``load(path)`` returns a :class:`Source`: the plain data plus a map from a
path of keys/indexes (``("rules", 3, "when")``) to its 1-based line, so that
later stages can say exactly where a problem is.

Files come from anywhere, so the limits below are enforced before anything
is built: only regular files, at most ``MAX_FILE_BYTES``; then one pass over
the parser's events (which allocates nothing per value) refuses deep
nesting, aliases that would expand without bound or refer to themselves,
numbers with too many digits and overlong texts. Only decimal numbers are
numbers: YAML 1.1's ``0x29``, ``0o51`` and ``1:01`` stay texts.
"""

from __future__ import annotations

import bisect
import json
import os
import re
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import yaml

from triage import errors

MAX_FILE_BYTES = 1024 * 1024
"""The largest file read: an answers file is a few kilobytes, the whole knowledge base under 100 KB."""
MAX_DEPTH = 32
"""Lists and mappings nested deeper than this are refused (a FHIR response nests about 6 deep)."""
MAX_ITEMS = 5_000
"""Items of one list, or keys and values of one mapping (the shipped rules are a list of 60)."""
MAX_ALIASES = 100
MAX_VALUES = 100_000
"""Values (scalars, lists, mappings) that aliases may add when expanded."""
MAX_DIGITS = 30
MAX_TEXT = 10_000
"""Characters in one text value."""

_DECIMAL = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
_NUMBER_LIKE = re.compile(r"^[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?$")

# libyaml is much faster when present.
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    """The safe loader, with YAML 1.1's sexagesimal, octal and hexadecimal integers left as text."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, Any]]]] = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:int"]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }


_Loader.add_implicit_resolver("tag:yaml.org,2002:int", _DECIMAL, list("-+0123456789"))

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Source:
    """Data read from one file, with the line of each item."""

    name: str
    data: Any
    lines: Mapping[Loc, int] = field(default_factory=dict)

    def line(self, loc: Loc) -> int | None:
        """Line of ``loc``, or of its nearest enclosing item."""
        loc = tuple(loc)
        while True:
            if loc in self.lines:
                return self.lines[loc]
            if not loc:
                return None
            loc = loc[:-1]


def parse(text: str, name: str) -> Source:
    """Parse YAML text; errors name the file and line."""
    _check_limits(text, name)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        lines: dict[Loc, int] = {}
        data = _build(loader, node, (), lines, name) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = exc.problem or exc.context or "unreadable"
        raise errors.fail(name, line, errors.BAD_YAML, reason=reason) from None
    except yaml.YAMLError as exc:
        raise errors.fail(name, None, errors.BAD_YAML, reason=str(exc).strip()) from None
    finally:
        loader.dispose()
    return Source(name, data, lines)


def load(path: Path, name: str | None = None) -> Source:
    """Read and parse a file (as JSON when its name ends in ``.json``).

    ``name`` is how messages refer to it.
    """
    label = name or str(path)
    text = read_text(path, label)
    if path.suffix.lower() == ".json":
        return parse_json(text, label)
    return parse(text, label)


_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_SPACE = re.compile(r"[ \t\n\r]*")
_LITERALS = {"true": True, "false": False, "null": None}
_scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
"""The standard library's reader of one JSON string, escapes and all (not in its type stubs)."""


def parse_json(text: str, name: str) -> Source:
    """Parse JSON with the line of every key and item, and the same limits as YAML.

    JSON is read as JSON, not as YAML: ``4.2e1`` is a number and ``\\ud83d\\ude00``
    an emoji. The parser is a loop with an explicit stack, so no depth can
    exhaust Python's own.
    """
    lines: dict[Loc, int] = {}
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_of(pos: int) -> int:
        return bisect.bisect_right(line_starts, pos)

    def fail(pos: int, template: str, **fields: object) -> errors.TriageError:
        return errors.fail(name, line_of(pos), template, **fields)

    def bad(pos: int, what: str) -> errors.TriageError:
        return fail(pos, errors.BAD_JSON, reason=what)

    def skip(pos: int) -> int:
        return _SPACE.match(text, pos).end()  # type: ignore[union-attr]

    pos = skip(0)
    # Each open container: (its value, its location, whether it is a mapping, its items so far)
    stack: list[tuple[Any, Loc, bool, int]] = []
    key: Any = None

    def value_at(pos: int, loc: Loc) -> tuple[Any, int, bool]:
        """A scalar (or a new container, opened) at ``pos``; (value, end, opened)."""
        lines.setdefault(loc, line_of(pos))
        char = text[pos:pos + 1]
        if char == '"':
            try:
                string, end = _scanstring(text, pos + 1)
            except json.JSONDecodeError as exc:
                raise bad(exc.pos, exc.msg) from None
            if len(string) > MAX_TEXT:
                raise fail(pos, errors.TEXT_TOO_LONG, length=f"{len(string):,}", limit=f"{MAX_TEXT:,}")
            return string, end, False
        if char in ("{", "["):
            if len(stack) >= MAX_DEPTH:
                raise fail(pos, errors.TOO_DEEP, limit=MAX_DEPTH)
            container: Any = {} if char == "{" else []
            stack.append((container, loc, char == "{", 0))
            return container, pos + 1, True
        number = _NUMBER.match(text, pos)
        if number and number.end() > pos:
            digits = number.group()
            if sum(c.isdigit() for c in digits) > MAX_DIGITS:
                raise fail(pos, errors.NUMBER_TOO_LONG, limit=MAX_DIGITS)
            return (float(digits) if number.group(2) or number.group(3) else int(digits)), number.end(), False
        for word, literal in _LITERALS.items():
            if text.startswith(word, pos):
                return literal, pos + len(word), False
        raise bad(pos, "expected a value (text in double quotes, a number, true, false, null, { or [)")

    if pos >= len(text):
        return Source(name, None, {})
    result, pos, opened = value_at(pos, ())
    done = not opened
    first = opened
    while not done:
        container, loc, is_map, count = stack[-1]
        pos = skip(pos)
        closing = "}" if is_map else "]"
        if text[pos:pos + 1] == closing:  # after `[` or an item, never after a `,`
            stack.pop()
            pos += 1
            first = False
            done = not stack
            continue
        if not first:
            if text[pos:pos + 1] != ",":
                raise bad(pos, f"expected `,` or `{closing}`")
            pos = skip(pos + 1)
        first = False
        count += 1
        if count > MAX_ITEMS:
            raise fail(pos, errors.TOO_MANY_ITEMS, limit=f"{MAX_ITEMS:,}")
        stack[-1] = (container, loc, is_map, count)
        if is_map:
            if text[pos:pos + 1] != '"':
                raise bad(pos, "expected a key in double quotes")
            key_pos = pos
            try:
                key, pos = _scanstring(text, pos + 1)
            except json.JSONDecodeError as exc:
                raise bad(exc.pos, exc.msg) from None
            if key in container:
                raise fail(key_pos, errors.DUPLICATE_KEY, key=key)
            pos = skip(pos)
            if text[pos:pos + 1] != ":":
                raise bad(pos, "expected `:` after the key")
            pos = skip(pos + 1)
            sub: Loc = (*loc, key)
            lines[sub] = line_of(key_pos)
        else:
            sub = (*loc, len(container))
        value, pos, opened = value_at(pos, sub)
        if is_map:
            container[key] = value
        else:
            container.append(value)
        first = opened
    pos = skip(pos)
    if pos < len(text):
        raise bad(pos, "unexpected text after the end")
    return Source(name, result, lines)


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a pipe"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def read_text(path: Path, label: str) -> str:
    """A regular file's text, at most ``MAX_FILE_BYTES``; never blocks on a pipe or device."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise errors.fail(label, None, errors.FILE_NOT_FOUND) from None
    except IsADirectoryError:
        raise errors.fail(label, None, errors.NOT_A_REGULAR_FILE, kind="a folder") from None
    except OSError as exc:
        raise errors.fail(label, None, errors.FILE_UNREADABLE, reason=exc.strerror or str(exc)) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = next((k for test, k in _KINDS if test(mode)), "not a file")
            raise errors.fail(label, None, errors.NOT_A_REGULAR_FILE, kind=kind)
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise errors.fail(label, None, errors.FILE_UNREADABLE, reason=exc.strerror or str(exc)) from None
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise errors.fail(label, None, errors.TOO_LARGE, limit=f"{MAX_FILE_BYTES // 1024 // 1024} MB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise errors.fail(label, None, errors.FILE_UNREADABLE,
                          reason="it is not UTF-8 text; save it as UTF-8") from None


def _check_limits(text: str, name: str) -> None:
    """One pass over the parser's events: depth, aliases, expansion, digits and text length."""
    depth = 0
    aliases = 0
    expanded = 0  # values the aliases add
    # For each open list or mapping: its anchor and how many values it holds so far.
    open_: list[tuple[str | None, int]] = []
    items: list[int] = []  # its direct items so far
    sizes: dict[str, int] = {}

    def fail(event: Any, template: str, **fields: object) -> None:
        raise errors.fail(name, event.start_mark.line + 1, template, **fields)

    def count(event: Any, n: int) -> None:
        """One more item (of ``n`` values) in the innermost open list or mapping."""
        if open_:
            anchor, held = open_[-1]
            open_[-1] = (anchor, held + n)
            items[-1] += 1
            if items[-1] > MAX_ITEMS:
                fail(event, errors.TOO_MANY_ITEMS, limit=f"{MAX_ITEMS:,}")

    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    fail(event, errors.TOO_DEEP, limit=MAX_DEPTH)
                count(event, 0)
                open_.append((event.anchor, 1))
                items.append(0)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                anchor, held = open_.pop()
                items.pop()
                if anchor is not None:
                    sizes[anchor] = held
                if open_:  # the parent holds all of it (already counted in the total)
                    parent, inside = open_[-1]
                    open_[-1] = (parent, inside + held)
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    fail(event, errors.TOO_MANY_ALIASES, limit=MAX_ALIASES)
                if event.anchor in {a for a, _ in open_}:
                    fail(event, errors.ALIAS_TO_ITSELF, name=event.anchor)
                size = sizes.get(event.anchor or "", 1)
                expanded += size
                count(event, size)
            elif isinstance(event, yaml.ScalarEvent):
                value = event.value
                if len(value) > MAX_TEXT:
                    fail(event, errors.TEXT_TOO_LONG, length=f"{len(value):,}", limit=f"{MAX_TEXT:,}")
                if event.implicit[0] and _NUMBER_LIKE.match(value) and \
                        sum(c.isdigit() for c in value) > MAX_DIGITS:
                    fail(event, errors.NUMBER_TOO_LONG, limit=MAX_DIGITS)
                if event.anchor is not None:
                    sizes[event.anchor] = 1
                count(event, 1)
            if expanded > MAX_VALUES:
                fail(event, errors.TOO_MANY_NODES, limit=f"{MAX_VALUES:,}")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise errors.fail(name, line, errors.BAD_YAML, reason=exc.problem or exc.context or "unreadable") \
            from None
    except yaml.YAMLError as exc:
        raise errors.fail(name, None, errors.BAD_YAML, reason=str(exc).strip()) from None


def _build(loader: Any, node: yaml.Node, loc: Loc, lines: dict[Loc, int], name: str) -> Any:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | bool) or key is None:
                key = str(key)
            if key in out:
                raise errors.fail(
                    name, key_node.start_mark.line + 1, errors.DUPLICATE_KEY, key=key
                )
            sub = (*loc, key)
            lines[sub] = key_node.start_mark.line + 1
            out[key] = _build(loader, value_node, sub, lines, name)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(loader, item, (*loc, i), lines, name) for i, item in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)
