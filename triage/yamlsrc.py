"""Load YAML (and JSON) keeping the line of every mapping key and list item.

``load(path)`` returns a :class:`Source`: the plain data plus a map from a
path of keys/indexes (``("rules", 3, "when")``) to its 1-based line, so that
later stages can say exactly where a problem is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from triage import errors

# libyaml is much faster when present.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

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
    """Read and parse a file; ``name`` is how messages refer to it."""
    label = name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise errors.fail(label, None, errors.FILE_NOT_FOUND) from None
    except IsADirectoryError:
        raise errors.fail(label, None, errors.FILE_UNREADABLE, reason="it is a folder") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise errors.fail(label, None, errors.FILE_UNREADABLE, reason=reason) from None
    return parse(text, label)


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
