"""Read one YAML file safely, keeping the line of every value.

YAML 1.2 semantics (``NO`` stays a string, ``0755`` stays a number as written), an
error on duplicate keys, no tags (nothing is constructed but maps, lists and
scalars), and caps checked while the file is composed, before they cost time or memory:
nesting depth, number of values, length of a number, and how far aliases may expand
(anchor bombs). The file itself is read only if it is a regular file inside the project,
and never more than :attr:`Limits.file_bytes`.

Two readers keep these guarantees: :func:`read_data` (libyaml's C parser and briefgen's
own composer, :mod:`briefgen.yamlcompose`: what loading uses) and :func:`read_yaml`
(ruamel's round-trip reader, which also keeps comments, quoting and key order: what
briefgen uses to edit a file, and :func:`briefgen.yamledit.dump_roundtrip` to write it
back).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from briefgen import yamlcompose
from briefgen.errors import LocatedError, Location, excerpt
from briefgen.fsutil import NotAFile, inside, read_regular

MAX_FILE_BYTES = 32 * 1024 * 1024  # a 10,000-fact base in three languages is about 20 MB
MAX_NODES = 1_000_000  # values in a file, and after alias expansion (~35 a fact)
MAX_DEPTH = 50  # nested lists and mappings; a fact base needs 5
MAX_NUMBER_LENGTH = 40  # characters of a number as written

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Limits:
    """How much one YAML file may hold; a project may raise the first two (``briefgen.yaml``).

    ``values`` counts every key, value and list item, aliases expanded: an anchor bomb
    stops at the alias that passes it.
    """

    file_bytes: int = MAX_FILE_BYTES
    values: int = MAX_NODES
    depth: int = MAX_DEPTH
    number_length: int = MAX_NUMBER_LENGTH


DEFAULT_LIMITS = Limits()


class WrittenDate(str):
    """A date as written in the file (``2022-05-10``): text for the model, which parses it at
    its precision, and written back unquoted by :func:`briefgen.yamledit.dump_roundtrip`."""

    __slots__ = ()


class _Constructor(RoundTripConstructor):
    """Leaves dates as written: the model parses them, at their precision, with its errors."""


_Constructor.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda self, node: WrittenDate(self.construct_scalar(node))
)


class _Composer(Composer):
    """Counts values and nesting as it composes: a file too big or too deep is refused at
    the first value over the limit, before Python's recursion limit or the memory runs out."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader=loader)
        self.display = ""  # the file, as errors name it
        self.limits = DEFAULT_LIMITS
        self.values = 0
        self.nesting = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self.values += 1
        self.nesting += 1
        if self.values > self.limits.values or self.nesting > self.limits.depth:
            raise self._too_much()
        try:
            return super().compose_node(parent, index)
        finally:
            self.nesting -= 1

    def _too_much(self) -> LocatedError:
        mark = self.parser.peek_event().start_mark
        where = Location(self.display, mark.line + 1 if mark else None)
        if self.nesting > self.limits.depth:
            return LocatedError(f"the YAML is nested more than {self.limits.depth} levels deep",
                                where, "facts are flat: a list of mappings of texts, dates and "
                                "lists")
        return LocatedError(
            f"the file holds more than {self.limits.values} values; reading stopped here", where,
            "split it into several fact bases (one file each) and list them in the packs",
        )


@dataclass(frozen=True)
class YamlDocument:
    """Plain data (dicts, lists, scalars) and the 1-based line of every path in it.

    ``roundtrip`` is ruamel's own data (comments, quoting, folding, key order kept) and
    ``text`` the file as read, for :func:`briefgen.yamledit.dump_roundtrip`."""

    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    roundtrip: Any = None
    text: str = ""

    def line_of(self, path: PathKey) -> int | None:
        """The line of the deepest existing part of ``path``."""
        return line_of(self.lines, path)


def line_of(lines: dict[PathKey, int], path: PathKey) -> int | None:
    """The line of the deepest part of ``path`` that ``lines`` knows."""
    line = lines.get(path)
    if line is not None:
        return line
    for end in range(len(path) - 1, -1, -1):
        line = lines.get(path[:end])
        if line is not None:
            return line
    return None


def read_data(path: Path, display: str, root: Path | None = None,
              limits: Limits = DEFAULT_LIMITS) -> YamlDocument:
    """Parse ``path`` into plain data and lines (no round-trip data: see :func:`read_yaml`);
    every problem is a :class:`LocatedError` naming ``display``.

    ``path`` must be a regular file whose real path is inside ``root`` (default: its own
    folder): a link out of the project, a FIFO or a device is refused without being read.
    """
    return parse_data(read_text(path, display, root or path.parent, limits), display, limits)


def parse_data(text: str, display: str, limits: Limits = DEFAULT_LIMITS) -> YamlDocument:
    """Parse YAML ``text`` read from ``display`` into plain data and lines, with libyaml
    (ruamel where PyYAML was built without it)."""
    if not yamlcompose.AVAILABLE:  # pragma: no cover - PyYAML wheels ship libyaml
        document = parse_yaml(text, display, limits)
        return YamlDocument(document.data, document.lines)
    caps = yamlcompose.Caps(limits.values, limits.depth, limits.number_length)
    try:
        data, lines = yamlcompose.Composer(text, display, caps).compose()
    except pyyaml.MarkedYAMLError as error:
        if "maximum nesting depth" in (error.problem or ""):  # libyaml's own cap, at 1000
            raise LocatedError(f"the YAML is nested more than {limits.depth} levels deep",
                               Location(display, _line(error)), _FLAT) from None
        # libyaml reads YAML 1.1's syntax, stricter in places than 1.2's (`[:0]`): the
        # round-trip reader, which reads 1.2's, has the last word on what is an error.
        document = parse_yaml(text, display, limits)
        return YamlDocument(document.data, document.lines)
    except pyyaml.reader.ReaderError as error:
        raise _reader_error(error, text, display) from None
    except pyyaml.YAMLError as error:  # pragma: no cover - every libyaml error is one above
        raise LocatedError(f"YAML error: {excerpt(error, 200)}", Location(display)) from None
    return YamlDocument(data, lines)


def read_yaml(path: Path, display: str, root: Path | None = None,
              limits: Limits = DEFAULT_LIMITS) -> YamlDocument:
    """Parse ``path`` with its round-trip data, to edit it; every problem is a
    :class:`LocatedError` naming ``display``. The file is read as by :func:`read_data`.
    """
    return parse_yaml(read_text(path, display, root or path.parent, limits), display, limits)


def parse_yaml(text: str, display: str, limits: Limits = DEFAULT_LIMITS) -> YamlDocument:
    """Parse YAML ``text`` read from ``display``, with the same checks as :func:`read_yaml`.

    Lines ending in CR LF are read as ending in LF, as YAML reads them: the round-trip data
    (comments, blank lines) then holds LF only, and the writer ends every line as the file
    did."""
    yaml = YAML(typ="rt", pure=True)
    yaml.version = (1, 2)
    yaml.Constructor = _Constructor
    yaml.Composer = _Composer
    yaml.preserve_quotes = True
    source = text.replace("\r\n", "\n")
    try:
        yaml.composer.display = display
        yaml.composer.limits = limits
        node = yaml.compose(source)
        if node is None:
            data = None
        else:
            _check_nodes(node, display, limits)
            data = yaml.constructor.construct_document(node)
    except MarkedYAMLError as error:
        raise _yaml_error(error, display) from None
    except ReaderError as error:
        raise _reader_error(error, source, display) from None
    except YAMLError as error:
        raise LocatedError(f"YAML error: {excerpt(error, 200)}", Location(display)) from None
    except (ValueError, IndexError):  # ruamel reading a number such as `._` or `+_`
        raise LocatedError("a value that looks like a number is not one", Location(display),
                           "write the number with digits, or quote it to make it text"
                           ) from None
    lines: dict[PathKey, int] = {}
    plain = _plain(data, (), lines)
    return YamlDocument(plain, lines, data, text)


def read_text(path: Path, display: str, root: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    """The text of ``path``: a regular file inside ``root``, within the size limit, UTF-8."""
    return decode(read_bytes(path, display, root, limits), display)


def read_bytes(path: Path, display: str, root: Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The bytes of ``path``: a regular file inside ``root``, within the size limit."""
    real = inside(path, root)
    if real is None:
        raise LocatedError("the file is a symbolic link to a file outside the project",
                           Location(display), "put the file itself here, not a link")
    try:
        raw = read_regular(real, limits.file_bytes)
    except NotAFile:
        raise LocatedError("not a regular file (a folder, FIFO, device or socket)",
                           Location(display), "remove it, or make it a YAML file") from None
    except OSError as error:
        raise LocatedError(f"cannot read the file: {error.strerror}", Location(display)) from None
    if len(raw) > limits.file_bytes:
        raise LocatedError(
            f"the file is larger than {_megabytes(limits.file_bytes)} MB", Location(display),
            "split it into several fact bases (one file each)",
        )
    return raw


def _megabytes(size: int) -> str:
    return f"{size / 1024**2:.3g}"


def decode(raw: bytes, display: str) -> str:
    """``raw`` as UTF-8 text; an error names the line of the first byte that is not."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise LocatedError(
            "the file is not UTF-8 text", Location(display, line), "save it as UTF-8"
        ) from None


def _reader_error(error: ReaderError | pyyaml.reader.ReaderError, text: str,
                  display: str) -> LocatedError:
    """ruamel's reader refuses control characters (ESC, DEL, C1, U+FFFF...): say which, where."""
    position = error.position if isinstance(error.position, int) else 0
    line = text[:position].count("\n") + 1
    character = error.character
    if isinstance(character, int):
        what = f"character U+{character:04X}"
    else:
        what = f"character {excerpt(character)}"
    return LocatedError(f"the {what} is not allowed in the file", Location(display, line),
                        "remove it (it was probably pasted)")


_FLAT = "facts are flat: a list of mappings of texts, dates and lists"


def _line(error: MarkedYAMLError | pyyaml.MarkedYAMLError) -> int | None:
    mark = error.problem_mark or error.context_mark
    return mark.line + 1 if mark is not None else None


def _yaml_error(error: MarkedYAMLError | pyyaml.MarkedYAMLError, display: str) -> LocatedError:
    line = _line(error)
    problem = " ".join(p for p in (error.context, error.problem) if p) or "invalid YAML"
    problem = problem.replace("\n", " ")
    hint = "check the indentation and quoting around this line"
    if "duplicate key" in problem:
        problem = problem.replace("found duplicate key", "duplicate key")
        hint = "each key may appear once in a mapping: remove or rename one of them"
    return LocatedError(excerpt(problem, 200), Location(display, line), hint)


_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}


def _check_nodes(root: Node, display: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse explicit tags, and aliases that expand beyond :data:`MAX_NODES` values.

    Aliases are shared nodes in the composed graph: sizes are counted once per node.
    """
    sizes: dict[int, int] = {}

    def size(node: Node, depth: int = 0) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        line = node.start_mark.line + 1 if node.start_mark else None
        tag = str(getattr(node.tag, "value", node.tag) or "")
        written = getattr(node.ctag, "handles", None) is not None  # in the file: !!str x
        if written or tag not in _PLAIN_TAGS or depth > 100:
            raise LocatedError(
                f"YAML tag '{excerpt(tag)}' is not allowed" if written or tag not in _PLAIN_TAGS
                else "the YAML is nested too deeply",
                Location(display, line),
                "remove the tag: facts are plain text, numbers, dates, lists and mappings",
            )
        sizes[key] = limits.values + 1  # a node that contains itself expands without end
        if isinstance(node, ScalarNode) and tag.endswith((":int", ":float")) and len(
                str(node.value)) > limits.number_length:
            raise LocatedError(
                f"the number {excerpt(node.value, 20)} is longer than {limits.number_length} "
                "characters", Location(display, line), "write a number of sensible size",
            )
        total = 1
        if isinstance(node, MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        elif isinstance(node, SequenceNode):
            total += sum(size(item, depth + 1) for item in node.value)
        if total > limits.values:
            raise LocatedError(
                f"aliases expand to more than {limits.values} values",
                Location(display, line),
                "write the values out instead of repeating anchors",
            )
        sizes[key] = total
        return total

    size(root)


def _plain(node: Any, path: PathKey, lines: dict[PathKey, int]) -> Any:
    """Turn ruamel's round-trip objects into dicts and lists, recording lines."""
    if isinstance(node, CommentedMap):
        lines.setdefault(path, node.lc.line + 1)
        result = {}
        for key, value in node.items():
            key_text = str(key) if not isinstance(key, str) else key
            line = node.lc.value(key)[0] if key in node.lc.data else node.lc.line
            lines[(*path, key_text)] = line + 1
            result[key_text] = _plain(value, (*path, key_text), lines)
        return result
    if isinstance(node, CommentedSeq):
        lines.setdefault(path, node.lc.line + 1)
        items = []
        for index, value in enumerate(node):
            if index in node.lc.data:
                lines[(*path, index)] = node.lc.item(index)[0] + 1
            items.append(_plain(value, (*path, index), lines))
        return items
    if isinstance(node, dt.datetime | dt.date):
        return node if isinstance(node, dt.datetime) else dt.date(node.year, node.month, node.day)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


def walk_strings(data: Any, path: PathKey = (), *,
                 keys: bool = False) -> Iterator[tuple[PathKey, str]]:
    """Every string in plain data (and every mapping key, with ``keys``), with its path."""
    if isinstance(data, dict):
        for key, value in data.items():
            if keys:
                yield (*path, key), str(key)
            yield from walk_strings(value, (*path, key), keys=keys)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from walk_strings(value, (*path, index), keys=keys)
    elif isinstance(data, str):
        yield path, data
