"""YAML text to plain values, keeping the line of every key and list item.

The C loader composes a node tree (fast enough for `steward oncall who`); this module turns it
into dicts, lists and scalars itself so that a bad value becomes a problem on its line instead
of an exception: an impossible date, an alias that contains itself, an alias bomb, a duplicated
key. Aliases share nodes in the tree, so expansion is bounded by a budget of values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Path_ = tuple[str | int, ...]

# The example team is about 300 values; a spec a hundred times larger is still a spec, anything
# beyond is an alias bomb ("billion laughs") and is refused before it fills the memory.
MAX_VALUES = 50_000

_MERGE = "tag:yaml.org,2002:merge"


class TooLarge(Exception):
    """The document expands to more values than MAX_VALUES."""


@dataclass
class Reader:
    """One pass over a node tree; `problems` holds (path, line, message) of what was refused."""

    lines: dict[Path_, int] = field(default_factory=dict)
    problems: list[tuple[Path_, int, str]] = field(default_factory=list)
    budget: int = MAX_VALUES
    _open: set[int] = field(default_factory=set)

    def plain(self, node: Any, path: Path_ = ()) -> Any:
        import yaml

        self.budget -= 1
        if self.budget < 0:
            raise TooLarge
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if id(node) in self._open:
            # `extra: &r [*r]`: the value contains itself; it can never be written out.
            self.problems.append((path, node.start_mark.line + 1,
                                  "a YAML alias refers to the value that contains it; "
                                  "write the value out"))
            return None
        self._open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            items = []
            for i, item in enumerate(node.value):
                self.lines.setdefault(path + (i,), item.start_mark.line + 1)
                items.append(self.plain(item, path + (i,)))
            return items
        finally:
            self._open.discard(id(node))

    def _mapping(self, node: Any, path: Path_) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first: dict[str, int] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == _MERGE:  # `<<: *defaults`: explicit keys win over merged ones
                value = self.plain(value_node, path)
                for m in value if isinstance(value, list) else [value]:
                    if isinstance(m, dict):
                        merged = {**m, **merged}
                continue
            key = str(self._scalar(key_node, path))
            if key in first:
                self.problems.append((path + (key,), line,
                                      f"duplicate key '{key}' (first on line {first[key]}); "
                                      "keep one"))
                continue
            first[key] = line
            self.lines[path + (key,)] = line
            out[key] = self.plain(value_node, path + (key,))
        return {**merged, **out}

    def _scalar(self, node: Any, path: Path_) -> Any:
        import yaml

        if not isinstance(node, yaml.ScalarNode):
            return None  # a mapping or list used as a key: pydantic reports the bad key
        try:
            # The safe constructor resolves the tag: int, bool, null, date, datetime, str.
            return yaml.SafeLoader("").construct_object(node)
        except (ValueError, OverflowError, yaml.YAMLError):
            # `2025-02-30` looks like a date but is none: keep the text, and let the schema say
            # whether the key wanted a date (an impossible one) or a string (then it is fine).
            return node.value
