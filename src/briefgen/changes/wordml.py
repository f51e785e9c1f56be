"""The redline of the talking points: the marks of a rendered DOCX made Word's own tracked
changes, ``w:ins`` and ``w:del`` with an author and a date (ECMA-376 Part 1, 17.13.5), so
that Word's and LibreOffice's Review pane list them and each can be accepted or rejected.

A run holding marks is split into runs of the same properties, those between marks
wrapped in a ``w:ins`` (or a ``w:del``, their text in ``w:delText``); a paragraph whose
whole text is inserted or deleted gets its paragraph mark inserted or deleted with it, so
that accepting a deleted point leaves no empty paragraph. A point that moved is Word's own
move: ``w:moveFrom`` where it stood and ``w:moveTo`` where it stands, each end in a named
range (``w:moveFromRangeStart`` ... ``End``) that pairs them.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import zipfile
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from briefgen.changes.diff import (
    DEL,
    FIRST_MOVE,
    INS,
    MARKS,
    MOVE_FROM,
    MOVE_TO,
    MOVED,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
DOCUMENT = "word/document.xml"
_KIND = {INS: "ins", DEL: "del", MOVE_FROM: "moveFrom", MOVE_TO: "moveTo"}
TRACKED = ("ins", "del", "moveFrom", "moveTo")  # what a wrapper may be
MARK_CHARS = frozenset(MARKS)


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


class _Marker:
    """What the marks of one document become: ids, author, date; how many of each."""

    def __init__(self, root: Any, author: str, date: dt.datetime) -> None:
        ids = [int(v) for v in root.xpath("//@w:id", namespaces={"w": W})
               if str(v).lstrip("-").isdigit()]
        self.next_id = max(ids, default=0) + 1
        self.author = author
        self.date = date.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.counts = dict.fromkeys(TRACKED, 0)
        self.moves: dict[tuple[str, int], list[Any]] = {}  # (kind, number) -> its wrappers

    def wrapper(self, kind: str) -> Any:
        element = etree.Element(_w(kind))
        element.set(_w("id"), str(self.next_id))
        element.set(_w("author"), self.author)
        element.set(_w("date"), self.date)
        self.next_id += 1
        self.counts[kind] += 1
        return element


def track(data: bytes, author: str, date: dt.datetime) -> tuple[bytes, dict[str, int]]:
    """The DOCX ``data`` with its marks made tracked changes, and how many insertions and
    deletions it holds."""
    source = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(source.read(DOCUMENT))
    marker = _Marker(root, author, date)
    for paragraph in list(root.iter(_w("p"))):
        _paragraph(paragraph, marker)
    for (kind, number), wrappers in marker.moves.items():  # one range a move, each end
        _range(kind, number, wrappers[0], wrappers[-1], marker)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == DOCUMENT:
                body = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                      standalone=True)
            target.writestr(info, body)
    return out.getvalue(), {**marker.counts, "changes": changes(root)}


def changes(root: Any) -> int:
    """How many changes a reviewer sees: each stretch of tracked insertion or deletion,
    a paragraph mark inserted or deleted with the text around it joining it into one
    (as Word's and LibreOffice's Review panes list them)."""
    count, state = 0, None
    for paragraph in root.iter(_w("p")):
        for child in paragraph:
            kind = _kind_of(child)
            if kind == "":
                continue
            if kind is not None and kind != state:
                count += 1
            state = kind
        mark = paragraph.find(f"{_w('pPr')}/{_w('rPr')}")
        tracked = [c for c in mark if c.tag in {_w(kind) for kind in TRACKED}] \
            if mark is not None else []
        kind = tracked[0].tag.rpartition("}")[2] if tracked else None
        if kind is not None and kind != state:
            count += 1
        state = kind
    return count


def _kind_of(element: Any) -> str | None:
    """``ins``/``del`` for a tracked change, None for text that is not one, "" for what
    shows nothing (bookmarks, properties, empty runs)."""
    tag = str(element.tag).rpartition("}")[2]
    if tag in TRACKED:
        return tag
    if tag == "r":
        shown = any((c.tag == _w("t") and c.text) or c.tag in (_w("tab"), _w("br"))
                    for c in element)
        return None if shown else ""
    if tag == "hyperlink" or tag == "smartTag":
        kinds = {_kind_of(child) for child in element} - {""}
        return str(kinds.pop()) if len(kinds) == 1 else None if kinds else ""
    return ""


def _paragraph(paragraph: Any, marker: _Marker) -> None:
    """Split the paragraph's runs at the marks; wrap what is between them (a span cut
    across runs in one wrapper); a move's wrappers in its range."""
    runs = list(paragraph.iter(_w("r")))
    if not any(MARK_CHARS.intersection(_text_of(run)) for run in runs):
        return
    # the kind ("ins"/"del"/"moveFrom"/"moveTo"/"moved"/None), the span's number, the
    # moves' numbers by span, whether a move's number comes next
    state: list[Any] = [None, 0, {}, False]
    wrapper: Any = None
    span: tuple[str, int] | None = None
    kinds: set[str | None] = set()
    for run in runs:
        parent = run.getparent()
        new: list[Any] = []
        for (kind, number), children in _pieces(run, state):
            if any(_visible(child) for child in children):
                kinds.add(kind)
            piece = _run_like(run, children, deleted=kind == "del")
            if kind not in TRACKED:
                wrapper, span = None, None
                new.append(piece)
                continue
            continues = wrapper is not None and span == (kind, number) and (
                any(wrapper is element for element in new)
                or (wrapper.getparent() is parent and wrapper.getnext() is run))
            if not continues:
                wrapper, span = marker.wrapper(kind), (kind, number)
                new.append(wrapper)
                if kind in ("moveFrom", "moveTo"):
                    marker.moves.setdefault((kind, state[2].get(number, 0)), []).append(wrapper)
            wrapper.append(piece)
        index = parent.index(run)
        parent.remove(run)
        for offset, element in enumerate(new):
            parent.insert(index + offset, element)
    if len(kinds) == 1 and (only := next(iter(kinds))) in TRACKED:
        _mark_paragraph(paragraph, marker, str(only))


def _range(kind: str, number: int, first: Any, last: Any, marker: _Marker) -> None:
    """A move's wrappers between ``w:moveFromRangeStart``/``End`` (or ``moveTo``), named
    so that Word pairs the two ends of the move."""
    start = etree.Element(_w(f"{kind}RangeStart"))
    start.set(_w("id"), str(marker.next_id))
    start.set(_w("author"), marker.author)
    start.set(_w("date"), marker.date)
    start.set(_w("name"), f"move{number + 1}")
    end = etree.Element(_w(f"{kind}RangeEnd"))
    end.set(_w("id"), str(marker.next_id))
    marker.next_id += 1
    first.addprevious(start)
    last.addnext(end)


def _text_of(run: Any) -> str:
    return "".join(t.text or "" for t in run.findall(_w("t")))


def _visible(child: Any) -> bool:
    return child.tag != _w("t") or bool((child.text or "").strip())


def _pieces(run: Any, state: list[Any]) -> list[tuple[tuple[str | None, int], list[Any]]]:
    """The run's content cut at the marks: ((kind, span), children) in order. ``state``
    carries the kind, the span's number and the moves' numbers by span across runs."""
    pieces: list[tuple[tuple[str | None, int], list[Any]]] = []

    def add(child: Any) -> None:
        key = (state[0], state[1])
        if pieces and pieces[-1][0] == key:
            pieces[-1][1].append(child)
        else:
            pieces.append((key, [child]))

    for child in run:
        if child.tag == _w("rPr"):
            continue
        if child.tag != _w("t"):
            add(copy.deepcopy(child))
            continue
        text = ""
        for char in child.text or "":
            if state[3]:  # the number of the move just opened
                state[2][state[1]] = ord(char) - FIRST_MOVE
                state[3] = False
                continue
            if char not in MARK_CHARS:
                text += char
                continue
            if text:
                add(_t(text))
                text = ""
            if char in _KIND:
                state[0], state[1] = _KIND[char], state[1] + 1
                state[3] = char in (MOVE_FROM, MOVE_TO)
            elif char == MOVED:
                state[0] = "moved"
            else:
                state[0] = None
        if text:
            add(_t(text))
    return [piece for piece in pieces if piece[0][0] != "moved"]


def _t(text: str) -> Any:
    element = etree.Element(_w("t"))
    element.text = text
    element.set(XML_SPACE, "preserve")
    return element


def _run_like(run: Any, children: list[Any], *, deleted: bool) -> Any:
    """A run with ``run``'s properties holding ``children`` (text as ``w:delText`` when
    ``deleted``)."""
    new = etree.Element(run.tag, attrib=dict(run.attrib))
    properties = run.find(_w("rPr"))
    if properties is not None:
        new.append(copy.deepcopy(properties))
    for child in children:
        if deleted and child.tag == _w("t"):
            child.tag = _w("delText")
        new.append(child)
    return new


def _mark_paragraph(paragraph: Any, marker: _Marker, kind: str) -> None:
    """The paragraph mark inserted or deleted with the paragraph's text (w:pPr/w:rPr)."""
    properties = paragraph.find(_w("pPr"))
    if properties is None:
        properties = etree.Element(_w("pPr"))
        paragraph.insert(0, properties)
    run_properties = properties.find(_w("rPr"))
    if run_properties is None:
        run_properties = etree.SubElement(properties, _w("rPr"))
        for name in ("sectPr", "pPrChange"):  # rPr comes before these (17.3.1.26)
            later = properties.find(_w(name))
            if later is not None:
                later.addprevious(run_properties)
    element = marker.wrapper(kind)
    marker.counts[kind] -= 1  # a paragraph mark goes with its text: not a change of its own
    run_properties.insert(0, element)
