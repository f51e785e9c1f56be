"""The briefing book: the whole pack as one bookmarked PDF, in one WeasyPrint render.

``briefing-book.html`` prints a cover, the contents (page numbers by ``target-counter``),
then the same template blocks the single documents print: the briefing note, the talking
points (the Word document's groups and numbers, in the PDF's typography), the fact sheet on
a page of its own (fitted as the single fact sheet is, then checked to be one page in the
book), participants, biographies and the sources. Headings make the PDF outline; a
right-to-left book tells readers to lay its pages out from the right.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from briefgen import i18n
from briefgen.documents import fact_sheet, talking_points
from briefgen.documents.kinds import Engines, Rendered
from briefgen.errors import RenderError

if TYPE_CHECKING:
    from briefgen.views import PackView

TEMPLATE = "briefing-book.html"
STYLESHEETS = ("css/fonts.css", "css/marking.css", "css/briefing-note.css",
               "css/fact-sheet.css", "css/briefing-book.css")
SHEET_PAGES = ("sheet", "sheet-rtl")  # the named pages of the fact sheet (fact-sheet.css)


def render(view: PackView, engines: Engines) -> Rendered:
    name = f"{view.id}/{view.lang}/briefing-book.pdf"
    templates = engines.templates
    sheet, fit, _ = fact_sheet.fitted(view, engines, name, layout=False)
    assert fit.step is not None
    groups = talking_points.talking_points(
        view, templates.translations(view.labels_lang).gettext,
        i18n.Punctuation.of(templates.translations(view.labels_lang)).comma)
    html = templates.render(TEMPLATE, view.lang, view.labels_lang, pack=view, groups=groups,
                            sheet=sheet)
    stylesheets = [templates.find(path) for path in STYLESHEETS]
    extra = fact_sheet.STEPS[fit.step].css() + i18n.counter_style_css(view.numbering)
    document = engines.pdf.layout(html, templates.roots[0], stylesheets, name, extra)
    _check_sheet_page(document, name)
    result = engines.pdf.write(document, name, html, right_to_left=view.dir == "rtl")
    return Rendered(result.data, result.pages, view.fact_ids, view.source_ids, result.warnings,
                    engines.hints.get(name))


def _check_sheet_page(document: Any, name: str) -> None:
    """The fact sheet's part is exactly one page of the book."""
    pages = [page for page in document.pages
             if page._page_box.page_type.name in SHEET_PAGES]
    if len(pages) != 1:
        raise RenderError(
            f"the fact sheet takes {len(pages)} pages of the briefing book instead of one",
            name, "a project stylesheet may give the book's fact sheet page other margins "
            "than the fact sheet's: keep css/fact-sheet.css's @page sheet for both")
