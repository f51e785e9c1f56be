"""YAML text -> plain data and the line of every value, on libyaml's C parser.

The loader's fast path (:func:`briefgen.yamlfile.parse_data`): libyaml (through PyYAML)
scans and parses, and this module composes its events into dicts, lists and scalars
itself, without recursion, counting as it goes. It keeps every guarantee of the
round-trip reader in :mod:`briefgen.yamlfile` (ruamel), which stays the reader of files
briefgen edits:

- YAML 1.2 scalars, resolved here as ruamel resolves them for version 1.2 (``NO`` and
  ``yes`` stay text, ``0755`` is 755, dates stay as written), whatever ``%YAML``
  directive the file holds;
- a duplicate key is an error (keys compared as values, ``1`` and ``1.0`` are the same, and
  as the text they become, ``1`` and ``'1'`` are the same);
- no tags at all (``!!python/object``, ``!!str``, ``!``): plain data only;
- caps checked at the event that passes them: values (aliases expanded, so an anchor
  bomb stops at once), nesting, the length of a number;
- the line of every path, as the round-trip reader records it: a mapping key's path
  has the line of its value, a list item's path the line of the item. (One difference:
  an empty value is on its key's line, where ruamel names the next token's.)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from yaml import (
    AliasEvent,
    DocumentEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from briefgen.errors import LocatedError, Location, excerpt

try:
    from yaml._yaml import CParser  # libyaml

    AVAILABLE = True
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    AVAILABLE = False

PathKey = tuple[str | int, ...]

# ruamel.yaml's implicit resolvers for YAML 1.2 (resolver.py), in its order, by first
# character: what a plain scalar is when it matches.
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_FLOAT = re.compile(
    r"""^(?:
     [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_INT = re.compile(
    r"""^(?:[-+]?0b[0-1_]+
    |[-+]?0o?[0-7_]+
    |[-+]?[0-9_]+
    |[-+]?0x[0-9a-fA-F_]+)$""",
    re.X,
)
_MERGE = re.compile(r"^(?:<<)$")
_NULL = re.compile(r"^(?: ~ |null|Null|NULL | )$", re.X)
_TIMESTAMP = re.compile(
    r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
    |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
    (?:[Tt]|[ \t]+)[0-9][0-9]?
    :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
    (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
    re.X,
)
_VALUE = re.compile(r"^(?:=)$")
_YAML = re.compile(r"^(?:!|&|\*)$")

_RESOLVERS: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
for _tag, _pattern, _first in (
    ("bool", _BOOL, "tTfF"),
    ("float", _FLOAT, "-+0123456789."),
    ("int", _INT, "-+0123456789"),
    ("merge", _MERGE, "<"),
    ("null", _NULL, "~nN"),
    ("timestamp", _TIMESTAMP, "0123456789"),
    ("value", _VALUE, "="),
    ("yaml", _YAML, "!&*"),
):
    for _char in _first:
        _RESOLVERS.setdefault(_char, []).append((_tag, _pattern))

TAG_PREFIX = "tag:yaml.org,2002:"
NUMBER_TAGS = ("int", "float")


def resolve(value: str) -> str:
    """The YAML 1.2 type of a plain scalar, as ruamel names it: ``str``, ``int``, ..."""
    if not value:
        return "null"
    for tag, pattern in _RESOLVERS.get(value[0], ()):
        if pattern.match(value):
            return tag
    return "str"


def to_int(text: str) -> int:
    """A plain scalar resolved as ``int``, read as ruamel reads it (``_`` ignored, 0b, 0o,
    0x; a leading zero is decimal in YAML 1.2); ``ValueError`` for ``_`` alone and the like."""
    digits = text.replace("_", "")
    sign = -1 if digits[:1] == "-" else 1
    digits = digits[1:] if digits[:1] in ("-", "+") else digits
    for prefix, base in (("0b", 2), ("0x", 16), ("0o", 8)):
        if digits.startswith(prefix):
            return sign * int(digits[2:], base)
    return sign * int(digits)


def to_float(text: str) -> float:
    """A plain scalar resolved as ``float``, read as ruamel reads it."""
    digits = text.replace("_", "").lower()
    sign = -1.0 if digits[:1] == "-" else 1.0
    digits = digits[1:] if digits[:1] in ("-", "+") else digits
    if digits == ".inf":
        return sign * math.inf
    if digits == ".nan":
        return math.nan
    return sign * float(digits)


@dataclass(frozen=True)
class Caps:
    """The caps composition enforces (see :class:`briefgen.yamlfile.Limits`)."""

    values: int
    depth: int
    number_length: int
    expanded_depth: int = 100  # nesting with aliases expanded


class _Open:
    """A mapping or list being composed."""

    __slots__ = ("anchor", "entries_from", "height", "is_map", "key", "keys", "line", "path",
                 "size", "value")

    def __init__(self, value: Any, path: PathKey, line: int, anchor: str | None,
                 entries_from: int) -> None:
        self.value = value
        self.is_map = isinstance(value, dict)
        self.path = path
        self.line = line
        self.anchor = anchor
        self.entries_from = entries_from
        self.height = 1  # with aliases expanded
        self.size = 1  # values, with aliases expanded
        self.key: Any = _NO_KEY  # a mapping's key waiting for its value
        self.keys: dict[Any, int] = {}  # a mapping's keys, as values, and their lines


@dataclass(frozen=True)
class _Anchored:
    value: Any
    line: int
    size: int
    height: int
    entries: tuple[tuple[PathKey, int], ...]  # the lines of its descendants, relative


_NO_KEY = object()


class Composer:
    """Composes one file's events; :meth:`compose` returns its data and lines."""

    def __init__(self, text: str, display: str, caps: Caps) -> None:
        self.parser: Any = CParser(text)
        self.display = display
        self.caps = caps
        self.entries: list[tuple[PathKey, int]] = []
        self.anchors: dict[str, _Anchored] = {}
        self.stack: list[_Open] = []
        self.values = 0  # nodes composed
        self.aliased = 0  # more nodes, that aliases stand for
        self.result: Any = None

    def compose(self) -> tuple[Any, dict[PathKey, int]]:
        parser = self.parser
        parser.get_event()  # stream start
        if parser.check_event(StreamEndEvent):
            return None, {}
        parser.get_event()  # document start
        self._events()
        parser.get_event()  # document end
        if not parser.check_event(StreamEndEvent):
            event: Any = parser.get_event()
            raise self._error("expected a single document in the stream but found another "
                              "document", event.start_mark.line + 1,
                              "a fact base or pack is one YAML document: remove the '---'")
        return self.result, dict(self.entries)

    def _events(self) -> None:
        """Every event of the document, until its root node is complete.

        The common case, a plain or quoted scalar value under a text key, is composed
        inline: it is most of a file, and a method call per value would double the time.
        """
        get_event = self.parser.get_event
        stack = self.stack
        entries = self.entries
        caps = self.caps
        while True:
            event: Any = get_event()
            kind = type(event)
            if kind is ScalarEvent:
                self.values += 1
                if self.values > caps.values or len(stack) >= caps.depth:
                    self._over(event)
                if event.tag is not None:
                    self._check_tag(event.tag, event.start_mark.line + 1)
                value = event.value
                if event.implicit[0] and (not value or value[0] in _RESOLVERS):
                    value = self._plain(value, event.start_mark.line + 1)
                top = stack[-1] if stack else None
                if top is not None and top.is_map and event.anchor is None:
                    key = top.key
                    if type(key) is str:  # the value of a text key
                        path = (*top.path, key)
                        top.key = _NO_KEY
                        entries.append((path, event.start_mark.line + 1))
                        top.value[key] = value
                        top.size += 1
                        if top.height < 2:
                            top.height = 2
                        continue
                    if key is _NO_KEY and type(value) is str:  # a text key
                        if value in top.keys:
                            self._take_key(top, value, event.start_mark.line + 1)  # raises
                        top.keys[value] = event.start_mark.line + 1
                        top.key = value
                        top.size += 1
                        if top.height < 2:
                            top.height = 2
                        continue
                line = event.start_mark.line + 1
                if event.anchor is not None:
                    self.anchors[event.anchor] = _Anchored(value, line, 1, 1, ())
                self._attach(value, line, 1)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                self.values += 1
                if self.values > caps.values or len(stack) >= caps.depth:
                    self._over(event)
                self._check_tag(event.tag, event.start_mark.line + 1)
                self._open({} if kind is MappingStartEvent else [], event)
            elif kind is AliasEvent:
                self.values += 1
                if self.values > caps.values or len(stack) >= caps.depth:
                    self._over(event)
                self._alias(event)
            elif kind is DocumentEndEvent:  # pragma: no cover - libyaml ends nodes first
                return
            else:  # the end of a mapping or list
                self._close(stack.pop())
            if not stack:
                return

    def _over(self, event: Any) -> None:
        """Raise for the node of ``event``, one too deep or one value too many."""
        line = event.start_mark.line + 1
        if len(self.stack) >= self.caps.depth:
            raise self._error(f"the YAML is nested more than {self.caps.depth} levels deep",
                              line, "facts are flat: a list of mappings of texts, dates and "
                              "lists")
        raise self._error(f"the file holds more than {self.caps.values} values; reading "
                          "stopped here", line, "split it into several fact bases (one "
                          "file each) and list them in the packs")

    def _plain(self, value: str, line: int) -> Any:
        """A plain scalar that may be something else than text, as YAML 1.2 reads it."""
        tag = resolve(value)
        if tag == "str":
            return value
        if tag in NUMBER_TAGS and len(value) > self.caps.number_length:
            raise self._error(f"the number {excerpt(value, 20)} is longer than "
                              f"{self.caps.number_length} characters", line,
                              "write a number of sensible size")
        try:
            return _CONVERT[tag](value)
        except KeyError:
            raise self._error(f"YAML tag '{TAG_PREFIX}{tag}' is not allowed", line,
                              _NO_TAGS) from None
        except (ValueError, IndexError):
            raise self._error(f"'{excerpt(value)}' is not a number", line,
                              "write the number with digits, or quote it to make it text"
                              ) from None

    def _check_tag(self, tag: str | None, line: int) -> None:
        if tag is not None:
            raise self._error(f"YAML tag '{excerpt(tag)}' is not allowed", line, _NO_TAGS)

    def _open(self, value: Any, event: Any) -> None:
        line = event.start_mark.line + 1
        path = self._child_path(line)
        container = _Open(value, path, line, event.anchor, len(self.entries))
        if not self.stack:
            self.entries.append(((), line))
        self.stack.append(container)

    def _close(self, container: _Open) -> None:
        depth = len(self.stack)
        if depth + container.height > self.caps.expanded_depth + 1:
            raise self._error("the YAML is nested too deeply (with its aliases expanded)",
                              container.line, "write the values out instead of repeating "
                              "anchors")
        if container.anchor is not None:
            prefix = len(container.path)
            relative = tuple((path[prefix:], line)
                             for path, line in self.entries[container.entries_from:])
            self.anchors[container.anchor] = _Anchored(container.value, container.line,
                                                       container.size, container.height,
                                                       relative)
        self._attach(container.value, container.line, container.size, container.height,
                     container.path)

    def _alias(self, event: Any) -> None:
        line = event.start_mark.line + 1
        name = event.anchor
        if any(open_.anchor == name for open_ in self.stack):
            raise self._expands(line)
        anchored = self.anchors.get(name)
        if anchored is None:
            raise self._error(f"the alias *{excerpt(name)} names no anchor before it", line,
                              "define the anchor (&name) before using it, or write the value")
        self.aliased += anchored.size - 1
        if self.values + self.aliased > self.caps.values:
            raise self._expands(line)
        path = self._child_path(line) if isinstance(anchored.value, dict | list) else None
        if path is not None:
            self.entries += [((*path, *relative), at) for relative, at in anchored.entries]
        self._attach(anchored.value, anchored.line, anchored.size, anchored.height, path)

    def _child_path(self, line: int) -> PathKey:
        """The path of the node that starts now: under the pending key, or the next item."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if not top.is_map:
            return (*top.path, len(top.value))
        if top.key is _NO_KEY:
            raise self._error("a key must be text, a number or a date, not a list or mapping",
                              line, "write the key as plain text")
        return (*top.path, _key_text(top.key))

    def _attach(self, value: Any, line: int, size: int, height: int = 1,
                path: PathKey | None = None) -> None:
        """Put a complete node into the mapping or list that holds it."""
        stack = self.stack
        if not stack:
            self.result = value
            return
        top = stack[-1]
        top.size += size
        if height >= top.height:
            top.height = height + 1
        if top.is_map:
            key = top.key
            if key is _NO_KEY:
                self._take_key(top, value, line)
                return
            top.key = _NO_KEY
            if path is None:
                path = (*top.path, _key_text(key))
            self.entries.append((path, line))
            top.value[path[-1]] = value
        else:
            if path is None:
                path = (*top.path, len(top.value))
            self.entries.append((path, line))
            top.value.append(value)

    def _take_key(self, mapping: _Open, key: Any, line: int) -> None:
        if isinstance(key, dict | list):
            raise self._error("a key must be text, a number or a date, not a list or mapping",
                              line, "write the key as plain text")
        text = _key_text(key)  # what the key becomes: two keys that become one are duplicates
        first = mapping.keys.get(key) or mapping.keys.get(text)
        if first is not None:
            raise self._error(f'duplicate key "{excerpt(text)}" (first on line '
                              f"{first})", line, _DUPLICATE)
        mapping.keys[key] = mapping.keys[text] = line
        mapping.key = key

    def _expands(self, line: int) -> LocatedError:
        return self._error(f"aliases expand to more than {self.caps.values} values", line,
                           "write the values out instead of repeating anchors")

    def _error(self, message: str, line: int | None, hint: str | None = None) -> LocatedError:
        return LocatedError(message, Location(self.display, line), hint)


_NO_TAGS = "remove the tag: facts are plain text, numbers, dates, lists and mappings"
_DUPLICATE = "each key may appear once in a mapping: remove or rename one of them"
_CONVERT: dict[str, Any] = {
    "null": lambda value: None,
    "bool": lambda value: value[0] in "tT",
    "int": to_int,
    "float": to_float,
    "timestamp": str,  # dates stay as written: the model reads them at their precision
}


def _key_text(key: Any) -> str:
    """A key as the round-trip reader names it (``1_000`` -> ``1000``, ``true`` -> ``True``)."""
    return key if isinstance(key, str) else str(key)
