"""The briefing book: the whole pack as one bookmarked PDF, compiled from pages laid out once.

A book is compiled as ministries compile theirs, a part after another, each keeping its own
page numbers: a cover and the contents, the briefing note's own pages (its participants,
biographies and sources with it), the talking points (the Word document's groups and
numbers, in the PDF's typography), and the fact sheet's own page. The note's and the
sheet's pages are the very pages laid out for their own PDFs (taken from the process's
:class:`~briefgen.documents.kinds.Layouts` when the build has just laid them out, else laid
out here, the same either way), put together with WeasyPrint's ``Document.copy``. Only the
cover, the contents and the talking points are laid out for the book (``briefing-book.html``),
once: the contents prints the book page each part starts on, known from the parts' page
counts, and the fact sheet's from the last page of the talking points (a counter style
written for this book). Each part has its bookmark, with its own headings under it; a
right-to-left book tells readers to lay its pages out from the right.
"""

from __future__ import annotations

import copy
import html as markup
import re
from typing import TYPE_CHECKING, Any

from briefgen import i18n
from briefgen.documents import briefing_note, fact_sheet, talking_points
from briefgen.documents.kinds import Engines, Rendered

if TYPE_CHECKING:
    from briefgen.views import PackView

TEMPLATE = "briefing-book.html"
STYLESHEETS = ("css/fonts.css", "css/marking.css", "css/briefing-note.css",
               "css/briefing-book.css")
FRONT = 2  # the pages before the note, if the cover takes one (else laid out again)
WITHIN_NOTE = ("participants", "biographies", "sources")  # the note's parts in the contents
NUMBERS = 40  # pages the book's counter styles are written for (else laid out again)
_ENTRY = re.compile(r'<a href="#([\w-]+)"[^>]*>(.*?)</a>', re.DOTALL)


def render(view: PackView, engines: Engines) -> Rendered:
    name = f"{view.id}/{view.lang}/briefing-book.pdf"
    _, note_html, note = briefing_note.layout(view, engines)
    _, sheet_html, sheet = fact_sheet.layout(view, engines, name)
    html, own, front = _own_pages(view, engines, name, len(note.pages), _within(note))
    labels = {anchor: markup.unescape(re.sub(r"<[^>]+>", "", label)).strip()
              for anchor, label in _ENTRY.findall(html)}
    pages = [*own.pages[:front],
             *_part(note.pages, "note", labels["note"]),
             *own.pages[front:],
             *_part(sheet.pages, "fact-sheet", labels["fact-sheet"])]
    book = own.copy(pages)
    result = engines.pdf.write(book, name, "\0".join((html, note_html, sheet_html)),
                               right_to_left=view.dir == "rtl")
    return Rendered(result.data, result.pages, view.fact_ids, view.source_ids, result.warnings,
                    engines.hints.get(name))


def _within(note: Any) -> dict[str, int]:
    """The page of the note (from 0) on which each of its parts listed in the contents
    starts."""
    found: dict[str, int] = {}
    for number, page in enumerate(note.pages):
        for anchor in WITHIN_NOTE:
            if anchor in page.anchors:
                found.setdefault(anchor, number)
    return found


def _own_pages(view: PackView, engines: Engines, name: str, note_pages: int,
               within: dict[str, int]) -> tuple[str, Any, int]:
    """The book's own pages laid out (cover, contents, talking points), their HTML and how
    many come before the note. Laid out once, unless the cover runs onto a second page or
    the talking points beyond :data:`NUMBERS` pages (then the numbers are written again)."""
    templates = engines.templates
    groups = talking_points.talking_points(
        view, templates.translations(view.labels_lang).gettext,
        i18n.Punctuation.of(templates.translations(view.labels_lang)).comma)
    stylesheets = [templates.find(path) for path in STYLESHEETS]
    front, numbers = FRONT, NUMBERS
    while True:
        def digits(page: int) -> str:
            return i18n.localize_digits(str(page), view.numbering)

        pages = {"note": digits(front + 1),
                 **{anchor: digits(front + 1 + at) for anchor, at in within.items()},
                 "talking-points": digits(front + note_pages + 1)}
        html = templates.render(TEMPLATE, view.lang, view.labels_lang, pack=view,
                                groups=groups, pages=pages)
        extra = (i18n.counter_style_css(view.numbering)
                 + _counting("briefgen-book-part", front + 1, 1, numbers, digits)
                 + _counting("briefgen-book-sheet", 1, front + note_pages + 2, numbers, digits))
        own = engines.pdf.layout(html, templates.roots[0], stylesheets, name, extra)
        laid_front = next(number for number, page in enumerate(own.pages)
                          if "talking-points" in page.anchors)
        if laid_front == front and len(own.pages) - front <= numbers:
            return html, own, front
        front, numbers = laid_front, 2 * len(own.pages)


def _counting(style: str, first: int, value: int, count: int, digits: Any) -> str:
    """A counter style that prints ``value``, ``value + 1``… for the counter's values
    ``first``, ``first + 1``… (CSS has no arithmetic: a ``fixed`` system lists them)."""
    symbols = " ".join(f'"{digits(value + n)}"' for n in range(count))
    return f"@counter-style {style} {{ system: fixed {first}; symbols: {symbols}; }}\n"


def _part(pages: list[Any], anchor: str, label: str) -> list[Any]:
    """A document's pages as a part of the book: its own bookmarks under one named after
    the part (in place of its title's), and ``anchor`` on its first page for the contents'
    link. The pages are copies: the document keeps its own."""
    parted = []
    for number, page in enumerate(pages):
        page = copy.copy(page)
        marks = [mark for mark in page.bookmarks if mark[0] > 1]
        if number == 0:
            marks.insert(0, (1, label, (0, 0), "open"))
            page.anchors = {**page.anchors, anchor: (0, 0, 0, 0)}
        page.bookmarks = marks
        parted.append(page)
    return parted
