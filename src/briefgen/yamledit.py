"""Small edits to a YAML file's round-trip data that leave everything else as written.

:func:`briefgen.yamlfile.read_yaml` keeps ruamel's round-trip data (comments, quoting,
folding, key order) and :func:`dump_roundtrip` writes it back as the file was written;
this module sets one value in it: a text written like its neighbours (a folded text stays
folded, at its width), a key inserted where the file's order puts it, and the blank lines
and comments that followed the entry before it kept before the next one.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)
from ruamel.yaml.tokens import CommentToken

from briefgen.errors import LocatedError, Location
from briefgen.load import Loaded
from briefgen.yamlfile import Limits, PathKey, WrittenDate, YamlDocument, read_yaml

_MAP_AFTER, _SEQ_AFTER = 2, 0  # where ruamel keeps the comment after an entry


def node_at(root: Any, path: PathKey) -> Any:
    node = root
    for part in path:
        node = node[part]
    return node


def set_text(root: CommentedMap, path: PathKey, lang: str, text: str,
             order: Sequence[str]) -> None:
    """``root[path][lang] = text``, written like the text it replaces or its siblings."""
    mapping = node_at(root, path)
    like = mapping.get(lang)
    if like is None and mapping:
        like = mapping[list(mapping)[-1]]
    value = styled(text, like, flow=_is_flow(mapping))
    if lang in mapping:
        mapping[lang] = value
    else:
        insert(mapping, lang, value, order)


def set_path(root: CommentedMap, path: PathKey, value: Any,
             orders: Sequence[Sequence[str]]) -> None:
    """Set ``root[path] = value``, creating the mappings on the way (block style; the
    innermost one, and any inside a flow mapping, in flow style); ``orders[i]`` places a
    new key at depth ``i`` of ``path``."""
    node: Any = root
    depth = 0
    while depth < len(path) - 1 and (isinstance(node, CommentedSeq) or path[depth] in node):
        node = node[path[depth]]
        depth += 1
    if isinstance(node, CommentedSeq) or path[depth] in node:
        node[path[depth]] = value
        return
    subtree = value
    for inner in range(len(path) - 1, depth, -1):  # build what is missing, innermost first
        mapping = CommentedMap()
        mapping[path[inner]] = subtree
        if inner == len(path) - 1 or _is_flow(node):
            mapping.fa.set_flow_style()
        subtree = mapping
    key = path[depth]
    assert isinstance(key, str)
    insert(node, key, subtree, orders[depth] if depth < len(orders) else ())


def delete_key(mapping: CommentedMap, key: str) -> None:
    """Remove ``key``, keeping the comment that followed it before the next entry."""
    keys = list(mapping)
    index = keys.index(key)
    moved = _detach_trailing(mapping, key)
    del mapping[key]
    if moved is not None and index > 0:
        _attach_trailing(mapping, keys[index - 1], moved)


def append(sequence: CommentedSeq, value: Any) -> None:
    """Append ``value`` to a sequence; the lines that followed its last item (blank lines,
    comments) now follow the new one."""
    moved = None
    if sequence and not _is_flow(sequence):
        moved = _detach_trailing(sequence, len(sequence) - 1)
    sequence.append(value)
    if moved is not None:
        _attach_trailing(sequence, len(sequence) - 1, moved)


def insert(mapping: CommentedMap, key: str, value: Any, order: Sequence[str]) -> None:
    """Insert ``key`` where ``order`` puts it among the keys present (at the end when it is
    not in ``order``); what followed the entry before it now follows the new entry."""
    keys = list(mapping)
    position = _position(keys, key, order)
    mapping.insert(position, key, value)
    if position > 0 and not _is_flow(mapping):
        moved = _detach_trailing(mapping, keys[position - 1])
        if moved is not None:
            _attach_trailing(mapping, key, moved)


def _position(keys: list[Any], key: str, order: Sequence[str]) -> int:
    if key not in order:
        return len(keys)
    rank = order.index(key)
    before = [i for i, k in enumerate(keys) if k in order and order.index(k) < rank]
    if before:
        return before[-1] + 1
    after = [i for i, k in enumerate(keys) if k in order and order.index(k) > rank]
    return after[0] if after else len(keys)


def _is_flow(node: Any) -> bool:
    return isinstance(node, CommentedMap | CommentedSeq) and bool(node.fa.flow_style())


def _last_entry(container: Any, key: Any) -> tuple[Any, Any]:
    """The deepest last entry under ``container[key]``: where ruamel keeps the comment and
    blank lines that follow the entry in the file."""
    value = container[key]
    while isinstance(value, CommentedMap | CommentedSeq) and value and not _is_flow(value):
        container = value
        key = list(value)[-1] if isinstance(value, CommentedMap) else len(value) - 1
        value = container[key]
    return container, key


def _detach_trailing(mapping: CommentedMap | CommentedSeq, key: Any) -> str | None:
    """Take the lines that follow the entry ``key`` (blank lines, comments), leaving its
    end-of-line comment in place; their text, or None."""
    container, last = _last_entry(mapping, key)
    slot = _MAP_AFTER if isinstance(container, CommentedMap) else _SEQ_AFTER
    entry = container.ca.items.get(last)
    token = entry[slot] if entry and len(entry) > slot else None
    if not isinstance(token, CommentToken):
        return None
    if _is_block_scalar(container[last]):  # it ends its own line: all of it follows
        entry[slot] = None
        value = str(token.value)  # its first line is written at the token's column
        return value if value.startswith("\n") else " " * token.column + value
    end_of_line, _, following = token.value.partition("\n")
    if not following:
        return None
    if end_of_line:
        token.value = end_of_line + "\n"
    else:
        entry[slot] = None
    return following


def _attach_trailing(mapping: CommentedMap | CommentedSeq, key: Any, following: str) -> None:
    container, last = _last_entry(mapping, key)
    slot = _MAP_AFTER if isinstance(container, CommentedMap) else _SEQ_AFTER
    entry = container.ca.items.setdefault(last, [None, None, None, None])
    token = entry[slot]
    if isinstance(token, CommentToken):
        token.value = token.value + following
    else:
        line_end = "" if _is_block_scalar(container[last]) else "\n"
        entry[slot] = CommentToken(line_end + following, CommentMark(0), None)


def _is_block_scalar(value: Any) -> bool:
    return isinstance(value, FoldedScalarString | LiteralScalarString)


def styled(text: str, like: Any, *, flow: bool = False) -> str:
    """``text`` in the style of ``like``: folded at the same width, literal, quoted the same
    way, or plain (a short text in a ``>-`` block; a ``>`` block keeps its final line break,
    which ``text`` then ends with)."""
    body = text.removesuffix("\n")
    if isinstance(like, FoldedScalarString) and not flow and "\n" not in body:
        width = _folded_width(like)
        if len(text) <= width and body == text:
            return text
        folded = FoldedScalarString(text)
        folded.fold_pos = fold_positions(body, width)
        result: str = folded
        return result
    for kind in (LiteralScalarString, SingleQuotedScalarString, DoubleQuotedScalarString):
        if isinstance(like, kind) and not (flow and kind is LiteralScalarString):
            return kind(text)  # type: ignore[no-any-return]
    return text


def _folded_width(like: FoldedScalarString) -> int:
    """The longest line of a folded text as the file shows it."""
    starts = [0, *(p + 1 for p in getattr(like, "fold_pos", []))]
    ends = [*(p for p in getattr(like, "fold_pos", [])), len(like.removesuffix("\n"))]
    return int(max(end - start for start, end in zip(starts, ends, strict=True)))


def fold_positions(text: str, width: int) -> list[int]:
    """Where to break ``text`` (the indices of single spaces between words) so that no
    line is longer than ``width`` unless one word is."""
    positions: list[int] = []
    line_start = 0
    candidate = None
    for index, char in enumerate(text):
        if char == " " and 0 < index < len(text) - 1 and text[index - 1] != " " \
                and text[index + 1] != " ":
            if index - line_start > width and candidate is not None:
                positions.append(candidate)
                line_start = candidate + 1
            candidate = index
    if len(text) - line_start > width and candidate is not None and candidate >= line_start:
        positions.append(candidate)
    return positions


# Writing back ----------------------------------------------------------------------------


class _Representer(RoundTripRepresenter):
    """Writes a :class:`WrittenDate` back as the plain date it was."""


_Representer.add_representer(
    WrittenDate,
    lambda self, data: self.represent_scalar("tag:yaml.org,2002:timestamp", str(data)),
)


def dump_roundtrip(data: Any, original: str) -> str:
    """``data`` (:attr:`briefgen.yamlfile.YamlDocument.roundtrip`, edited) as YAML text
    written the way ``original`` is: its indentation, quoting, folding, comments and key
    order; its byte-order mark, and as they were, the lines before its first value
    (directives, comments, blank lines, the ``---`` marker) and from its ``...`` marker on;
    its line endings (CR LF if its first line ends so, for every line); lines never
    re-wrapped."""
    text = original.removeprefix(BOM).replace("\r\n", "\n")
    head, tail, explicit_start = _frame(data, text)
    yaml = YAML(typ="rt", pure=True)
    yaml.Representer = _Representer
    yaml.width = 1_000_000  # long lines stay as they are written
    yaml.explicit_start = explicit_start
    mapping, sequence, offset = guess_indent(text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    buffer = io.StringIO()
    with _comments_from(data, len(head)):  # those before are in the head, as written
        yaml.dump(data, buffer)
    written = "".join([BOM if original.startswith(BOM) else "", *head, buffer.getvalue(), *tail])
    return written.replace("\n", "\r\n") if _crlf(original) else written  # parse_yaml: LF


BOM = "\ufeff"
_START = re.compile(r"---(?=[ \t]|$)")  # the document start marker, at the start of a line
_END = re.compile(r"\.\.\.(?=[ \t]|$)")  # its end marker
_BEFORE = re.compile(r"[ \t]*(#.*)?|%.*|---([ \t]+(#.*)?)?")  # what may come before a value


def _frame(data: Any, text: str) -> tuple[list[str], list[str], bool]:
    """The lines of ``text`` around its document that ruamel does not write back as they
    are: those before its first value (as they are: directives, comments, blank lines, the
    ``---`` marker and its comment), and the ``...`` marker and what follows it; and whether
    ruamel must write a ``---`` itself (the first value is on its line, or the lines before
    it hold what is not listed here)."""
    lines = text.splitlines(keepends=True)
    first = data.lc.line if isinstance(data, CommentedMap | CommentedSeq) else len(lines)
    head = lines[:first]
    end = next((n for n in range(first, len(lines)) if _END.match(lines[n])), len(lines))
    if not all(_BEFORE.fullmatch(line.rstrip("\n")) for line in head):
        return [], lines[end:], any(_START.match(line) for line in head)
    return head, lines[end:], first < len(lines) and bool(_START.match(lines[first]))


@contextmanager
def _comments_from(data: Any, line: int) -> Iterator[None]:
    """``data`` without the comments and blank lines ruamel keeps for the lines before
    ``line`` (0-based), while the block runs."""
    comment = data.ca.comment if isinstance(data, CommentedMap | CommentedSeq) else None
    if not comment or len(comment) < 2 or not comment[1]:
        yield
        return
    before = comment[1]
    comment[1] = [token for token in before if token.start_mark.line >= line] or None
    try:
        yield
    finally:
        comment[1] = before


def _crlf(text: str) -> bool:
    """Whether ``text``'s lines end with CR LF (as its first line does)."""
    return text.partition("\n")[0].endswith("\r")


def guess_indent(text: str) -> tuple[int, int, int]:
    """The file's mapping indent, sequence indent and dash offset (ruamel's terms): the
    first nested mapping key and the first block sequence item under a key tell them."""
    mapping, sequence, offset = None, None, None
    parent: int | None = None  # indentation of the last line that ended on a key
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        if parent is not None and indent > parent:
            if stripped.startswith("- ") and sequence is None:
                offset = indent - parent
                sequence = offset + len(stripped) - len(stripped[1:].lstrip(" "))
            elif mapping is None and not stripped.startswith("- "):
                mapping = indent - parent
        parent = indent if line.rstrip().endswith(":") and not stripped.startswith("- ") \
            else None
        if mapping is not None and sequence is not None:
            break
    mapping = mapping or 2
    return mapping, sequence or mapping, offset if offset is not None else 0


def read_unchanged(loaded: Loaded[Any], root: Path, limits: Limits) -> YamlDocument:
    """The file of ``loaded`` again, with its round-trip data, to edit it: it must still be
    what was validated (an editor saved it meanwhile: the user runs the command again)."""
    document = read_yaml(loaded.path, loaded.display, root, limits)
    try:
        same = type(loaded.model).model_validate(document.data) == loaded.model
    except PydanticError:
        same = False
    if not same:
        raise LocatedError("the file changed while briefgen was reading it",
                           Location(loaded.display), "run the command again")
    return document
