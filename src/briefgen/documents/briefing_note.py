"""The PDF briefing note: HTML from ``briefing-note.html`` laid out by WeasyPrint."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from briefgen import i18n
from briefgen.documents.kinds import Engines, Rendered

if TYPE_CHECKING:
    from briefgen.pdf import PdfResult
    from briefgen.views import PackView

TEMPLATE = "briefing-note.html"
STYLESHEETS = ("css/fonts.css", "css/marking.css", "css/briefing-note.css")


def render(view: PackView, engines: Engines) -> Rendered:
    result = written(view, engines)
    return Rendered(result.data, result.pages, view.fact_ids, view.source_ids, result.warnings)


def written(view: PackView, engines: Engines) -> PdfResult:
    """The note's PDF; one written in this process from the same HTML is not written again
    (the briefing book compiles the note's own PDF: ``Engines.written``)."""
    name, html, key = _source(view, engines)
    return engines.written.made(name, key, lambda: engines.pdf.write(
        _laid_out(view, engines, name, html, key), name, html,
        right_to_left=view.dir == "rtl"))


def layout(view: PackView, engines: Engines) -> tuple[str, str, Any]:
    """The note laid out, not yet written: its name, its HTML and WeasyPrint's document
    (``check`` measures its pages and parts). A note laid out in this process from the
    same HTML is not laid out again."""
    name, html, key = _source(view, engines)
    return name, html, _laid_out(view, engines, name, html, key)


def _source(view: PackView, engines: Engines) -> tuple[str, str, str]:
    """The note's name, its HTML and the digest of what it is made from."""
    name = f"{view.id}/{view.lang}/briefing-note.pdf"
    templates = engines.templates
    html = templates.render(TEMPLATE, view.lang, view.labels_lang, pack=view)
    return name, html, engines.layouts.key(html, i18n.counter_style_css(view.numbering),
                                           templates.fingerprint())


def _laid_out(view: PackView, engines: Engines, name: str, html: str, key: str) -> Any:
    templates = engines.templates
    return engines.layouts.made(name, key, lambda: engines.pdf.layout(
        html, templates.roots[0], [templates.find(sheet) for sheet in STYLESHEETS], name,
        i18n.counter_style_css(view.numbering)))
