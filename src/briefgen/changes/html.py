"""The redline of the briefing note: the note's own template filled with the redline view,
its marks made HTML (``<ins>`` underlined in colour, ``<del>`` struck through, each with a
change bar in the margin on the side the text starts from), a legend and the number of
changes under the title, laid out by WeasyPrint like the note."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from briefgen import i18n
from briefgen.changes.diff import DEL, DEL_END, INS, INS_END, MARKS, MOVED, MOVED_END
from briefgen.documents import briefing_note
from briefgen.documents.kinds import Engines, Rendered

if TYPE_CHECKING:
    from briefgen.views import PackView

LEGEND = "_changes.html"  # the legend's template (labels through the catalogs)
STYLESHEET = "css/changes.css"
_BAR = '<span class="change-bar" data-ornament="" aria-hidden="true"></span>'
_TAGS = {
    INS: f'<ins class="change">{_BAR}', INS_END: "</ins>",
    DEL: f'<del class="change">{_BAR}', DEL_END: "</del>",
    MOVED: f'<span class="moved">{_BAR}', MOVED_END: "</span>",
}
_MARK = re.compile(f"[{''.join(_TAGS)}]")
_TITLE_END = re.compile(r"</h1>", re.IGNORECASE)


# A numbered line deleted whole: it takes no number (the lines around it keep theirs).
_DELETED_LINE = re.compile(f"(<li value=\"[^\"]*\")([^>]*>\\s*{DEL}[^{MARKS}]*{DEL_END}\\s*</li>)")


def as_html(html: str) -> tuple[str, int]:
    """``html`` with its marks made elements, and how many changes it shows (insertions,
    deletions, moves)."""
    shown = html.count(INS) + html.count(DEL) + html.count(MOVED)
    html = _DELETED_LINE.sub(r'\1 class="deleted-line"\2', html)
    return _MARK.sub(lambda match: _TAGS[match.group()], html), shown


def render(view: PackView, engines: Engines, since: str) -> tuple[Rendered, int]:
    """The briefing note's redline, and the number of changes it shows."""
    name = f"{view.id}/{view.lang}/briefing-note-changes.pdf"
    templates = engines.templates
    marked = templates.render(briefing_note.TEMPLATE, view.lang, view.labels_lang, pack=view)
    html, count = as_html(marked)
    legend = templates.render(LEGEND, view.lang, view.labels_lang, count=count, since=since,
                              pack=view)
    html, found = _TITLE_END.subn(lambda match: match.group() + legend, html, count=1)
    if not found:  # a template without a title: the legend opens the body
        html = re.sub(r"(<body[^>]*>)", lambda match: match.group() + legend, html, count=1)
    sheets = [templates.find(sheet) for sheet in (*briefing_note.STYLESHEETS, STYLESHEET)]
    document = engines.pdf.layout(html, templates.roots[0], sheets, name,
                                  i18n.counter_style_css(view.numbering))
    result = engines.pdf.write(document, name, html)
    rendered = Rendered(result.data, result.pages, view.fact_ids, view.source_ids,
                        result.warnings)
    return rendered, count
