"""Compiling written PDFs into one: a book's own pages with whole documents put between
them, as qpdf (pikepdf) merges files, not as pages drawn again.

The parts are tagged PDFs as WeasyPrint writes them (``pdf_tags=True``): one structure
tree each under a ``Document`` element, a flat parent tree, named destinations, an outline
of explicit destinations. The book keeps all of it, made one:

- its pages: the base's, with each part's pages inserted where it goes;
- one structure tree: each part's elements under the base's ``Document``, in page order,
  each page's ``/StructParents`` and each annotation's ``/StructParent`` moved on by the
  keys used before it, the parent trees merged;
- its outline: the base's bookmarks, and for each part one bookmark named after it with the
  part's own bookmarks (but its title's) under it;
- its links: every internal link points at its page explicitly, found in its own part; a
  base's link to a ``placeholder`` (a name the base held only so that it could be written)
  finds its part's anchor, or the name in a part; the named destinations stay, for
  ``book.pdf#name`` (the first part to hold a name keeps it);
- the base's catalog and information (title, language, marked, viewer preferences); a
  file identifier derived from the content (the same parts give the same bytes).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Object, OutlineItem


class Part:
    """A written PDF, opened to be compiled."""

    def __init__(self, data: bytes) -> None:
        self.pdf = pikepdf.open(io.BytesIO(data))
        self._pages: dict[Any, int] = {page.objgen: number
                                       for number, page in enumerate(self.pdf.pages)}

    def __len__(self) -> int:
        return len(self.pdf.pages)

    def destinations(self) -> dict[str, Object]:
        """The part's named destinations (each an explicit ``[page /XYZ x y z]``)."""
        return _destinations(self.pdf)

    def page_of(self) -> dict[str, int]:
        """The page (from 0) each named destination is on."""
        return {name: self._pages[destination[0].objgen]
                for name, destination in self.destinations().items()}


@dataclass(frozen=True)
class Insert:
    """A part put in the base before the base's page ``at`` (its page count: at the end),
    bookmarked ``label``, its first page the destination ``anchor``."""

    at: int
    part: Part
    label: str
    anchor: str


@dataclass
class _Placed:
    insert: Insert
    first: int = 0  # the book's page of the part's first page
    names: dict[str, Object] | None = None  # the part's destinations, copied into the book


def compile_pdf(base: bytes, inserts: Sequence[Insert], placeholders: set[str]) -> bytes:
    """``base`` with each of ``inserts`` put in, as one tagged PDF (see the module)."""
    book = pikepdf.open(io.BytesIO(base))
    base_pages = [page.obj for page in book.pages]
    base_names = _destinations(book)
    placed = [_Placed(insert) for insert in sorted(inserts, key=lambda i: i.at)]
    keys = _parent_keys(book)
    for shift, place in enumerate(placed):
        place.first = place.insert.at + sum(len(p.insert.part) for p in placed[:shift])
        for number, page in enumerate(place.insert.part.pdf.pages):
            book.pages.insert(place.first + number, page)
        place.names = {name: _copy(book, value)
                       for name, value in place.insert.part.destinations().items()}
    found = _found(book, placed, base_names, placeholders)
    _link(base_pages, lambda name: found.get(name) if name in placeholders
          else base_names.get(name))
    for place in placed:
        pages = [page.obj for page in book.pages[place.first:place.first + len(place.insert.part)]]
        _link(pages, (place.names or {}).get)
        _retag(pages, place.insert.anchor)
        keys = _tag(book, place, pages, keys, base_pages)
    _outline(book, placed)
    own = {name: value for name, value in base_names.items() if name not in placeholders}
    _name_tree(book, {**_first_wins(placed), **found, **own})
    out = io.BytesIO()
    book.save(out, deterministic_id=True, compress_streams=True,
              object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def _destinations(pdf: pikepdf.Pdf) -> dict[str, Object]:
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return {}
    return {str(name): value for name, value in pikepdf.NameTree(names.Dests).items()}


def _copy(book: pikepdf.Pdf, value: Any) -> Any:
    """A part's object in the book (its pages, copied before, are the book's)."""
    if not isinstance(value, Object):
        return value  # a number, a string: Python's
    if value.is_indirect:
        return book.copy_foreign(value)
    if isinstance(value, Array):
        return Array([_copy(book, item) for item in value])
    if isinstance(value, Dictionary):
        return Dictionary({key: _copy(book, item) for key, item in value.items()})
    return value


def _top_of(page: Object) -> Array:
    return Array([page, Name.XYZ, 0, page.MediaBox[3], 0])


def _found(book: pikepdf.Pdf, placed: list[_Placed], base: dict[str, Object],
           placeholders: set[str]) -> dict[str, Object]:
    """Where each placeholder of the base points in the book: a part's anchor (its first
    page), else the first part holding the name."""
    found: dict[str, Object] = {}
    for place in placed:
        found.setdefault(place.insert.anchor, _top_of(book.pages[place.first].obj))
    for name, destination in _first_wins(placed).items():
        found.setdefault(name, destination)
    return {name: found[name] if name in found else base[name]
            for name in placeholders if name in found or name in base}


def _first_wins(placed: list[_Placed]) -> dict[str, Object]:
    names: dict[str, Object] = {}
    for place in placed:
        for name, destination in (place.names or {}).items():
            names.setdefault(name, destination)
    return names


def _link(pages: Sequence[Any], find: Callable[[str], Object | None]) -> None:
    """Each internal link on ``pages`` to its explicit destination, found by ``find``."""
    for page in pages:
        for annotation in page.get("/Annots", ()):
            name = annotation.get("/Dest")
            if isinstance(name, pikepdf.String):
                destination = find(str(name))
                if destination is not None:
                    annotation.Dest = destination


def _retag(pages: Sequence[Any], part: str) -> None:
    """The part's font subsets renamed: WeasyPrint derives a subset's tag (``ABCDEF+``) from
    the font, not from the glyphs kept, so two parts' subsets of a font would have one name
    (readers may take one for the other). Each tag becomes one of the part's own."""
    seen: set[Any] = set()
    for page in pages:
        for font in _fonts(page.get("/Resources"), seen):
            for holder, key in _font_names(font):
                name = str(holder[key])[1:]
                if len(name) > 7 and name[6] == "+":
                    digest = hashlib.sha256(f"{part}\0{name}".encode()).digest()
                    tag = "".join(chr(ord("A") + byte % 26) for byte in digest[:6])
                    holder[key] = Name("/" + tag + name[6:])


def _fonts(resources: Object | None, seen: set[Any]) -> Iterator[Object]:
    """The fonts of ``resources`` and of their forms, each once."""
    if not isinstance(resources, Dictionary):
        return
    if resources.is_indirect:
        if resources.objgen in seen:
            return
        seen.add(resources.objgen)
    for font in (resources.get("/Font") or Dictionary()).values():
        if font.objgen not in seen:
            seen.add(font.objgen)
            yield font
    for form in (resources.get("/XObject") or Dictionary()).values():
        if form.get("/Subtype") == Name.Form:
            yield from _fonts(form.get("/Resources"), seen)


def _font_names(font: Object) -> Iterator[tuple[Object, str]]:
    """Where a font's subset name is written: its own, its descendant's, their descriptors'."""
    for each in (font, *font.get("/DescendantFonts", ())):
        if "/BaseFont" in each:
            yield each, "/BaseFont"
        descriptor = each.get("/FontDescriptor")
        if descriptor is not None and "/FontName" in descriptor:
            yield descriptor, "/FontName"


# -- the structure tree ----------------------------------------------------------------------

def _parent_keys(book: pikepdf.Pdf) -> int:
    """The first parent-tree key the base leaves free."""
    return max((key + 1 for key, _ in _numbers(book.Root.StructTreeRoot.ParentTree)), default=0)


def _numbers(tree: Object) -> Iterator[tuple[int, Object]]:
    yield from ((int(key), value) for key, value in pikepdf.NumberTree(tree).items())


def _tag(book: pikepdf.Pdf, place: _Placed, pages: Sequence[Any], offset: int,
         base_pages: Sequence[Any]) -> int:
    """The part's structure under the book's ``Document``, before the first element of a
    base page at or after the part, its keys moved on by ``offset``; the next free key."""
    root = book.Root.StructTreeRoot
    tree = _copy(book, place.insert.part.pdf.Root.StructTreeRoot)
    document = root.K[0] if isinstance(root.K, Array) else root.K
    tops = _as_list(tree.K)
    elements = [kid for top in tops
                for kid in (_as_list(top.K) if top.get("/S") == Name.Document else [top])]
    _reparent(elements, tree, {top.objgen for top in tops}, document)
    after = {page.objgen for page in base_pages[place.insert.at:]}
    kids = _as_list(document.K)
    at = next((n for n, kid in enumerate(kids) if _page_of(kid) in after), len(kids))
    document.K = Array([*kids[:at], *elements, *kids[at:]])
    if "/RoleMap" in tree:
        roles = root.get("/RoleMap") or Dictionary()
        for role, standard in tree.RoleMap.items():
            roles[role] = standard
        root.RoleMap = roles
    for page in pages:
        if "/StructParents" in page:
            page.StructParents = int(page.StructParents) + offset
        for annotation in page.get("/Annots", ()):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset
    numbers = dict(_numbers(root.ParentTree))
    last = offset
    for key, value in _numbers(tree.ParentTree):
        numbers[key + offset] = value
        last = max(last, key + offset + 1)
    root.ParentTree = book.make_indirect(Dictionary(
        Nums=Array([item for key in sorted(numbers) for item in (key, numbers[key])])))
    root.ParentTreeNextKey = last
    return last


def _reparent(elements: list[Object], tree: Object, tops: set[Any], document: Object) -> None:
    """The part's elements under the book's ``Document``: its top ones, and those whose
    parent is the part's ``Document`` though it does not list them (WeasyPrint's running
    headers and footers), found from the marked content of each page."""
    for element in elements:
        element.P = document
    seen: set[Any] = set()  # elements whose ancestors were gone through: not again
    for _, entry in _numbers(tree.ParentTree):
        for element in _as_list(entry):
            while isinstance(element, Dictionary) and "/P" in element:
                if (key := element.objgen) != (0, 0):
                    if key in seen:
                        break
                    seen.add(key)
                parent = element.P
                if parent.objgen in tops or parent.objgen == tree.objgen:
                    element.P = document
                    break
                element = parent


def _as_list(kids: Object) -> list[Object]:
    return list(kids) if isinstance(kids, Array) else [kids]


def _page_of(element: Object) -> Any:
    """The page the element (or its first element with one) is on."""
    if not isinstance(element, Dictionary):
        return None
    if "/Pg" in element:
        return element.Pg.objgen
    for kid in _as_list(element.get("/K", Array())):
        if (found := _page_of(kid)) is not None:
            return found
    return None


# -- the outline and the names ---------------------------------------------------------------

def _outline(book: pikepdf.Pdf, placed: list[_Placed]) -> None:
    index: dict[Any, int] = {page.objgen: number for number, page in enumerate(book.pages)}

    def page(item: OutlineItem) -> int:
        destination = item.destination
        if isinstance(destination, Array) and len(destination):
            return index.get(destination[0].objgen, 0)
        return 0

    with book.open_outline() as outline:
        entries = [(page(item), 0, item) for item in outline.root]
        for place in placed:
            label = OutlineItem(place.insert.label,
                                destination=_top_of(book.pages[place.first].obj))
            with place.insert.part.pdf.open_outline() as own:
                label.children.extend(_copied(book, child)
                                      for top in own.root for child in top.children)
            entries.append((place.first, 1, label))
        outline.root[:] = [item for _, _, item in sorted(entries, key=lambda e: e[:2])]


def _copied(book: pikepdf.Pdf, item: OutlineItem) -> OutlineItem:
    destination = item.destination
    copied = OutlineItem(item.title, destination=_copy(book, destination)
                         if isinstance(destination, Object) else destination)
    copied.is_closed = item.is_closed
    copied.children.extend(_copied(book, child) for child in item.children)
    return copied


def _name_tree(book: pikepdf.Pdf, names: dict[str, Object]) -> None:
    """The book's named destinations, sorted (a flat name tree, as WeasyPrint writes)."""
    flat = Array()
    for name in sorted(names):
        flat.append(pikepdf.String(name))
        flat.append(names[name])
    if "/Names" not in book.Root:
        book.Root.Names = Dictionary()
    book.Root.Names.Dests = book.make_indirect(Dictionary(Names=flat))
