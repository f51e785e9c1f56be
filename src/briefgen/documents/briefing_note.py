"""The PDF briefing note: HTML from ``briefing-note.html`` laid out by WeasyPrint."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from briefgen import i18n
from briefgen.documents.kinds import Engines, Rendered

if TYPE_CHECKING:
    from briefgen.views import PackView

TEMPLATE = "briefing-note.html"
STYLESHEETS = ("css/fonts.css", "css/marking.css", "css/briefing-note.css")


def render(view: PackView, engines: Engines) -> Rendered:
    name, html, document = layout(view, engines)
    result = engines.pdf.write(document, name, html, right_to_left=view.dir == "rtl")
    return Rendered(result.data, result.pages, view.fact_ids, view.source_ids, result.warnings)


def layout(view: PackView, engines: Engines) -> tuple[str, str, Any]:
    """The note laid out, not yet written: its name, its HTML and WeasyPrint's document
    (``check`` measures its pages and parts; the briefing book takes its pages). A note
    laid out in this process from the same HTML is not laid out again."""
    name = f"{view.id}/{view.lang}/briefing-note.pdf"
    templates = engines.templates
    html = templates.render(TEMPLATE, view.lang, view.labels_lang, pack=view)
    extra = i18n.counter_style_css(view.numbering)
    key = engines.layouts.key(html, extra, templates.fingerprint())
    document = engines.layouts.get(name, key)
    if document is None:
        stylesheets = [templates.find(sheet) for sheet in STYLESHEETS]
        document = engines.pdf.layout(html, templates.roots[0], stylesheets, name, extra)
        engines.layouts.put(name, key, document)
    return name, html, document
