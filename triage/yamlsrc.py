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
from collections.abc import Mapping
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
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, name) from None
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


# --- JSON ----------------------------------------------------------------------------
_DECODER = json.JSONDecoder()
"""The standard library's reader: JSON is read as JSON, ``4.2e1`` a number and ``\\ud83d\\ude00`` an emoji."""

_SPACE = re.compile(r"[ \t\n\r]*")
_EXPECTED_VALUE = "expected a value (text in double quotes, a number, true, false, null, { or [)"
_REASONS = {
    "Expecting value": _EXPECTED_VALUE,
    "Expecting property name enclosed in double quotes": "expected a key in double quotes",
    "Expecting ':' delimiter": "expected `:` after the key",
    "Extra data": "unexpected text after the end",
    # Python 3.13 and later name a trailing comma (at the comma; the message points past it).
    "Illegal trailing comma before end of object": "expected a key in double quotes",
    "Illegal trailing comma before end of array": _EXPECTED_VALUE,
}
"""The decoder's reasons, in this tool's words; the rest (about a text's quotes and escapes) as they are."""

_JSON_TOKEN = re.compile(r"""[ \t\n\r]*(?:
      (?P<text>"[^"\\]*(?:\\.[^"\\]*)*")
    | (?P<number>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)
    | (?P<word>true|false|null)
    | (?P<not_json>NaN|-?Infinity)
    | (?P<mark>[][{}:,])
    | (?P<other>.)
)""", re.VERBOSE | re.DOTALL)
"""One token of JSON, after any white space; ``not_json`` are the constants Python's decoder takes."""


def parse_json(text: str, name: str) -> Source:
    """Parse JSON with the line of every key and item, and the same limits as YAML.

    The standard library's decoder reads the values and finds any syntax
    error; :class:`_JsonLayout` walks the text it accepted, for the line of
    each key and item and for the limits. Of a syntax error and a limit, the
    one earlier in the text is reported.
    """
    if _SPACE.fullmatch(text):
        return Source(name, None, {})
    data, stop, why = _decode(text)
    layout = _JsonLayout(text, name)
    lines = layout.walk(until=stop)
    if why is not None:
        raise layout.fail(stop, errors.BAD_JSON, reason=layout.reason(why))
    return Source(name, data, lines)


def _decode(text: str) -> tuple[Any, int, str | None]:
    """(the value, where the decoder stopped, why: None when it read the whole text)."""
    try:
        return _DECODER.decode(text), len(text), None
    except json.JSONDecodeError as exc:
        if exc.msg.startswith("Illegal trailing comma"):  # Python 3.13 and later point at the comma
            return None, _SPACE.match(text, exc.pos + 1).end(), exc.msg  # type: ignore[union-attr]
        return None, exc.pos, exc.msg
    except (RecursionError, ValueError) as exc:
        # Nested deeper than Python's stack, or an integer of thousands of digits: the layout's
        # limits refuse both before the end.
        return None, len(text), str(exc)


@dataclass
class _Open:
    """A list or mapping the layout is inside."""

    loc: Loc
    is_map: bool
    items: int = 1
    key: str = ""
    """The key whose value comes next (in a mapping)."""


class _JsonLayout:
    """The line of each key and item of a JSON text, and its limits, read from its tokens.

    Only text the decoder accepted is walked, so the walk follows the grammar
    without checking it. It refuses what is over a limit, a key given twice,
    and ``NaN`` and ``Infinity``, which Python's decoder takes but JSON has not.
    """

    def __init__(self, text: str, name: str) -> None:
        self.text = text
        self.name = name
        self.lines: dict[Loc, int] = {}
        self.open: list[_Open] = []
        self.after = ""
        """The mark before the next token (``{``, ``[``, ``,`` or ``:``); empty after a key or a value."""
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def walk(self, until: int) -> dict[Loc, int]:
        """Every token that ends by ``until``; the lines found."""
        for token in _JSON_TOKEN.finditer(self.text):
            kind = token.lastgroup or "other"
            if token.end() > until or kind == "other":
                break
            value, pos = token.group(kind), token.start(kind)
            if kind == "mark" and value in "}],:":
                self._mark(value, token.end())
            elif kind == "text" and self.open and self.open[-1].is_map and self.after in ("{", ","):
                self._key(value, pos)
            else:
                self._value(kind, value, pos)
            self.after = value if kind == "mark" else ""
        return self.lines

    def line(self, pos: int) -> int:
        return bisect.bisect_right(self._line_starts, pos)

    def fail(self, pos: int, template: str, **fields: object) -> errors.TriageError:
        return errors.fail(self.name, self.line(pos), template, **fields)

    def reason(self, msg: str) -> str:
        """Why the decoder stopped, in this tool's words (where the walk stopped)."""
        if msg == "Expecting ',' delimiter":
            return f"expected `,` or `{'}' if self.open and self.open[-1].is_map else ']'}`"
        return _REASONS.get(msg, msg)

    def _mark(self, mark: str, end: int) -> None:
        """The end of a list or mapping, or a comma before one more of its items."""
        if mark in "}]":
            self.open.pop()
        elif mark == ",":
            here = self.open[-1]
            here.items += 1
            if here.items > MAX_ITEMS:
                raise self.fail(_SPACE.match(self.text, end).end(),  # type: ignore[union-attr]
                                errors.TOO_MANY_ITEMS, limit=f"{MAX_ITEMS:,}")

    def _key(self, token: str, pos: int) -> None:
        here = self.open[-1]
        here.key = _text(token)
        loc = (*here.loc, here.key)
        if loc in self.lines:
            raise self.fail(pos, errors.DUPLICATE_KEY, key=here.key)
        self.lines[loc] = self.line(pos)

    def _value(self, kind: str, token: str, pos: int) -> None:
        """A value: a text, number, true, false or null, or the start of a list or mapping."""
        here = self.open[-1] if self.open else None
        loc: Loc = () if here is None else (*here.loc, here.key if here.is_map else here.items - 1)
        self.lines.setdefault(loc, self.line(pos))
        if kind == "mark":
            if len(self.open) >= MAX_DEPTH:
                raise self.fail(pos, errors.TOO_DEEP, limit=MAX_DEPTH)
            self.open.append(_Open(loc, is_map=token == "{"))
        elif kind == "text" and (length := len(_text(token))) > MAX_TEXT:
            raise self.fail(pos, errors.TEXT_TOO_LONG, length=f"{length:,}", limit=f"{MAX_TEXT:,}")
        elif kind == "number" and sum(c.isdigit() for c in token) > MAX_DIGITS:
            raise self.fail(pos, errors.NUMBER_TOO_LONG, limit=MAX_DIGITS)
        elif kind == "not_json":
            raise self.fail(pos, errors.BAD_JSON, reason=_EXPECTED_VALUE)


def _text(token: str) -> str:
    """A JSON text token's value (the decoder has read it already, so it is well formed)."""
    return json.loads(token) if "\\" in token else token[1:-1]


_KINDS = ((stat.S_ISDIR, "KIND_FOLDER"), (stat.S_ISFIFO, "KIND_PIPE"), (stat.S_ISCHR, "KIND_DEVICE"),
          (stat.S_ISBLK, "KIND_DEVICE"), (stat.S_ISSOCK, "KIND_SOCKET"))
"""What a path that is no regular file is, by the name of its message in :mod:`triage.errors`."""


def read_text(path: Path, label: str) -> str:
    """A regular file's text, at most ``MAX_FILE_BYTES``; never blocks on a pipe or device."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise errors.fail(label, None, errors.FILE_NOT_FOUND) from None
    except IsADirectoryError:
        raise errors.fail(label, None, errors.NOT_A_REGULAR_FILE, kind=errors.KIND_FOLDER) from None
    except OSError as exc:
        raise errors.fail(label, None, errors.FILE_UNREADABLE, reason=exc.strerror or str(exc)) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = getattr(errors, next((k for test, k in _KINDS if test(mode)), "KIND_OTHER"))
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
    limits = _EventLimits(name)
    try:
        for event in yaml.parse(text, Loader=_Loader):
            limits.see(event)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, name) from None


def _yaml_error(exc: yaml.YAMLError, name: str) -> errors.TriageError:
    """The parser's error, at its line when it has one."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        return errors.fail(name, line, errors.BAD_YAML, reason=exc.problem or exc.context or "unreadable")
    return errors.fail(name, None, errors.BAD_YAML, reason=str(exc).strip())


class _EventLimits:
    """The limits, counted one parser event at a time."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.aliases = 0
        self.expanded = 0
        """Values the aliases add."""
        self.open: list[tuple[str | None, int]] = []
        """For each open list or mapping: its anchor and how many values it holds so far."""
        self.items: list[int] = []
        """For each open list or mapping: its direct items so far."""
        self.sizes: dict[str, int] = {}
        """Anchor -> how many values it stands for."""

    def see(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.CollectionStartEvent):
            self._start(event)
        elif isinstance(event, yaml.CollectionEndEvent):
            self._end()
        elif isinstance(event, yaml.AliasEvent):
            self._alias(event)
        elif isinstance(event, yaml.ScalarEvent):
            self._scalar(event)
        if self.expanded > MAX_VALUES:
            raise self._fail(event, errors.TOO_MANY_NODES, limit=f"{MAX_VALUES:,}")

    def _fail(self, event: yaml.Event, template: str, **fields: object) -> errors.TriageError:
        mark = event.start_mark
        return errors.fail(self.name, mark.line + 1 if mark is not None else None, template, **fields)

    def _count(self, event: yaml.Event, n: int) -> None:
        """One more item (of ``n`` values) in the innermost open list or mapping."""
        if self.open:
            anchor, held = self.open[-1]
            self.open[-1] = (anchor, held + n)
            self.items[-1] += 1
            if self.items[-1] > MAX_ITEMS:
                raise self._fail(event, errors.TOO_MANY_ITEMS, limit=f"{MAX_ITEMS:,}")

    def _start(self, event: yaml.CollectionStartEvent) -> None:
        if len(self.open) + 1 > MAX_DEPTH:
            raise self._fail(event, errors.TOO_DEEP, limit=MAX_DEPTH)
        self._count(event, 0)
        self.open.append((event.anchor, 1))
        self.items.append(0)

    def _end(self) -> None:
        anchor, held = self.open.pop()
        self.items.pop()
        if anchor is not None:
            self.sizes[anchor] = held
        if self.open:  # the parent holds all of it (already counted in the total)
            parent, inside = self.open[-1]
            self.open[-1] = (parent, inside + held)

    def _alias(self, event: yaml.AliasEvent) -> None:
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            raise self._fail(event, errors.TOO_MANY_ALIASES, limit=MAX_ALIASES)
        if event.anchor in {a for a, _ in self.open}:
            raise self._fail(event, errors.ALIAS_TO_ITSELF, name=event.anchor)
        size = self.sizes.get(event.anchor or "", 1)
        self.expanded += size
        self._count(event, size)

    def _scalar(self, event: yaml.ScalarEvent) -> None:
        value = event.value
        if len(value) > MAX_TEXT:
            raise self._fail(event, errors.TEXT_TOO_LONG, length=f"{len(value):,}", limit=f"{MAX_TEXT:,}")
        if event.implicit[0] and _NUMBER_LIKE.match(value) and sum(c.isdigit() for c in value) > MAX_DIGITS:
            raise self._fail(event, errors.NUMBER_TOO_LONG, limit=MAX_DIGITS)
        if event.anchor is not None:
            self.sizes[event.anchor] = 1
        self._count(event, 1)


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
