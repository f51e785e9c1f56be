"""Document kinds: one module each, registered here by name.

A document kind is a function from a localized :class:`~briefgen.context.PackView` and
the process's :class:`Engines` to :class:`Rendered` bytes. Adding a kind is one module
plus one entry in :data:`REGISTRY`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from briefgen.templating import Templates

if TYPE_CHECKING:
    from briefgen.context import PackView
    from briefgen.docx import DocxEngine
    from briefgen.pdf import PdfEngine


@dataclass
class Rendered:
    """A rendered document and what went into it."""

    data: bytes
    pages: int | None
    facts: tuple[str, ...]
    sources: tuple[str, ...]
    warnings: list[str] = field(default_factory=list)
    hint: int | None = None  # for the next render of the document (the fact sheet's step)


class Engines:
    """The rendering engines of one process, created on first use (imports are heavy)."""

    def __init__(self, templates: Templates) -> None:
        self.templates = templates
        # What the previous render of each document (by its pack/lang/file name) left for
        # this one: the build passes on the manifest's record.
        self.hints: dict[str, int] = {}

    @cached_property
    def pdf(self) -> PdfEngine:
        from briefgen.pdf import PdfEngine

        return PdfEngine(self.templates.roots)

    @cached_property
    def docx(self) -> DocxEngine:
        from briefgen.docx import DocxEngine

        return DocxEngine(self.templates)


Renderer = Callable[["PackView", Engines], Rendered]
# What a document shows of the view, to fingerprint it: a document whose shown part is
# unchanged is not rendered again. Without one, a kind shows the whole view.
Shows = Callable[["PackView", Templates], object]


@dataclass(frozen=True)
class DocumentKind:
    name: str
    filename: str
    render: Renderer
    shows: Shows | None = None


def _briefing_note(view: PackView, engines: Engines) -> Rendered:
    from briefgen.documents import briefing_note

    return briefing_note.render(view, engines)


def _talking_points(view: PackView, engines: Engines) -> Rendered:
    from briefgen.documents import talking_points

    return talking_points.render(view, engines)


def _talking_points_show(view: PackView, templates: Templates) -> object:
    from briefgen.documents import talking_points

    return talking_points.shows(view, templates)


def _fact_sheet(view: PackView, engines: Engines) -> Rendered:
    from briefgen.documents import fact_sheet

    return fact_sheet.render(view, engines)


def _briefing_book(view: PackView, engines: Engines) -> Rendered:
    from briefgen.documents import briefing_book

    return briefing_book.render(view, engines)


def _briefing_html(view: PackView, engines: Engines) -> Rendered:
    from briefgen.documents import briefing_html

    return briefing_html.render(view, engines)


# Every kind briefgen can build; a pack's `documents:` picks among them (by default the
# three of model.DOCUMENT_NAMES: the book is opted in).
REGISTRY: dict[str, DocumentKind] = {
    "briefing-note": DocumentKind("briefing-note", "briefing-note.pdf", _briefing_note),
    "talking-points": DocumentKind("talking-points", "talking-points.docx", _talking_points,
                                   _talking_points_show),
    "fact-sheet": DocumentKind("fact-sheet", "fact-sheet.pdf", _fact_sheet),
    "briefing-book": DocumentKind("briefing-book", "briefing-book.pdf", _briefing_book),
    "briefing-html": DocumentKind("briefing-html", "briefing.html", _briefing_html),
}
