"""The briefing book: the whole pack as one bookmarked PDF, compiled from PDFs written once.

A book is compiled as ministries compile theirs, a part after another, each keeping its own
page numbers: a cover and the contents, the briefing note's own pages (its participants,
biographies and sources with it), the talking points (the Word document's groups and
numbers, in the PDF's typography), and the fact sheet's own page. The note and the sheet
are the very PDFs written for themselves (taken from the process's ``Engines.written``
when the build has just written them, else written here, the same either way), merged with
the book's own pages by :mod:`~briefgen.documents.compile`. Only the cover, the contents
and the talking points are laid out and written for the book (``briefing-book.html``),
once: the contents prints the book page each part starts on, known from the parts' page
counts; the fact sheet's from the talking points' page count at the book's last render
(its hint), checked by the layout, else from the last page of the talking points (a
counter style written for this book, the contents laid out again). Each part has its
bookmark, with its own headings under it; a right-to-left book tells readers to lay its
pages out from the right.
"""

from __future__ import annotations

import copy
import html as markup
import re
from typing import TYPE_CHECKING, Any

from briefgen import i18n
from briefgen.documents import briefing_note, compile, fact_sheet, talking_points
from briefgen.documents.kinds import Engines, Rendered

if TYPE_CHECKING:
    from briefgen.views import PackView

TEMPLATE = "briefing-book.html"
STYLESHEETS = ("css/fonts.css", "css/marking.css", "css/briefing-note.css",
               "css/briefing-book.css")
FRONT = 2  # the pages before the note, if the cover takes one (else laid out again)
WITHIN_NOTE = ("participants", "biographies", "sources")  # the note's parts in the contents
NUMBERS = 40  # pages the book's counter styles are written for (else laid out again)
HINT = "|points="  # in the book's hint: the fit's, then the talking points' pages
_ENTRY = re.compile(r'<a href="#([\w-]+)"[^>]*>(.*?)</a>', re.DOTALL)


def render(view: PackView, engines: Engines) -> Rendered:
    name = f"{view.id}/{view.lang}/briefing-book.pdf"
    fit, points = _read_hint(engines.hints.pop(name, None))
    if fit is not None:
        engines.hints[name] = fit  # the sheet's fit, for fact_sheet.written
    note = briefing_note.written(view, engines)
    _, sheet = fact_sheet.written(view, engines, name)
    note_part, sheet_part = compile.Part(note.data), compile.Part(sheet.data)
    within = {anchor: page for anchor, page in note_part.page_of().items()
              if anchor in WITHIN_NOTE}
    html, own, front = _own_pages(view, engines, name, len(note_part), within, points)
    hint = f"{engines.hints.get(name) or ''}{HINT}{len(own.pages) - front}"
    labels = {anchor: markup.unescape(re.sub(r"<[^>]+>", "", label)).strip()
              for anchor, label in _ENTRY.findall(html)}
    own, placeholders = _with_placeholders(own, html)
    result = engines.pdf.write(own, name, html, right_to_left=view.dir == "rtl")
    data = compile.compile_pdf(result.data, [
        compile.Insert(front, note_part, labels["note"], "note"),
        compile.Insert(len(own.pages), sheet_part, labels["fact-sheet"], "fact-sheet"),
    ], placeholders)
    engines.hints[name] = hint
    return Rendered(data, result.pages + len(note_part) + len(sheet_part), view.fact_ids,
                    view.source_ids, [*result.warnings, *note.warnings, *sheet.warnings], hint)


def _read_hint(value: object) -> tuple[int | str | None, int | None]:
    """The book's hint from its last render (kept in the manifest): the fact sheet's fit,
    and how many pages the talking points took then (an older manifest's: the fit only)."""
    if not isinstance(value, str):
        return (value if isinstance(value, int) else None), None
    fit, _, points = value.rpartition(HINT) if HINT in value else (value, "", "")
    return fit or None, int(points) if points.isdigit() and 0 < int(points) < 1000 else None


def _with_placeholders(own: Any, html: str) -> tuple[Any, set[str]]:
    """The book's own pages with, on the first, the anchors its links go to that its parts
    hold (WeasyPrint writes no link to a missing anchor): the compiled book points them at
    the parts."""
    held = {anchor for page in own.pages for anchor in page.anchors}
    placeholders = set(re.findall(r'href="#([\w-]+)"', html)) - held
    first = copy.copy(own.pages[0])
    first.anchors = {**first.anchors, **dict.fromkeys(sorted(placeholders), (0, 0, 0, 0))}
    return own.copy([first, *own.pages[1:]]), placeholders


def _own_pages(view: PackView, engines: Engines, name: str, note_pages: int,
               within: dict[str, int], points: int | None) -> tuple[str, Any, int]:
    """The book's own pages laid out (cover, contents, talking points), their HTML and how
    many come before the note. Laid out once, unless the cover runs onto a second page,
    the talking points beyond :data:`NUMBERS` pages, or other than the ``points`` pages
    they took last time (then the numbers are written again). The contents gives the
    fact sheet's page from ``points`` when known (what a layout finds is what it prints);
    else WeasyPrint works it out from the talking points' last page, laying the contents
    out again."""
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
        if points is not None:
            pages["fact-sheet"] = digits(front + note_pages + points + 1)
        html = templates.render(TEMPLATE, view.lang, view.labels_lang, pack=view,
                                groups=groups, pages=pages)
        extra = (i18n.counter_style_css(view.numbering)
                 + _counting("briefgen-book-part", front + 1, 1, numbers, digits)
                 + _counting("briefgen-book-sheet", 1, front + note_pages + 2, numbers, digits))
        own = engines.pdf.layout(html, templates.roots[0], stylesheets, name, extra)
        laid_front = next(number for number, page in enumerate(own.pages)
                          if "talking-points" in page.anchors)
        laid_points = len(own.pages) - laid_front
        if (laid_front == front and laid_points <= numbers
                and points in (None, laid_points)):
            if points is None:  # the HTML as if the number were known: the same PDF /ID
                pages["fact-sheet"] = digits(front + note_pages + laid_points + 1)
                html = templates.render(TEMPLATE, view.lang, view.labels_lang, pack=view,
                                        groups=groups, pages=pages)
            return html, own, front
        front, numbers = laid_front, 2 * len(own.pages)
        points = None if points is None else laid_points


def _counting(style: str, first: int, value: int, count: int, digits: Any) -> str:
    """A counter style that prints ``value``, ``value + 1``… for the counter's values
    ``first``, ``first + 1``… (CSS has no arithmetic: a ``fixed`` system lists them)."""
    symbols = " ".join(f'"{digits(value + n)}"' for n in range(count))
    return f"@counter-style {style} {{ system: fixed {first}; symbols: {symbols}; }}\n"
