"""The one-page PDF fact sheet: laid out, measured and tightened until it fits one page.

Fitting: the typography is a list of :data:`STEPS`, from a ceiling (a short sheet grows
its type to fill the page) down to a legible floor. Each attempt lays the same HTML out
with one small extra stylesheet (the parsed stylesheets stay cached). The search starts
from the step the sheet had in the previous build (kept in the manifest), else a first
guess from what the sheet holds (:func:`measure`, :func:`~briefgen.documents.fitting.
first_guess`), and goes where the height of each layout says the boundary is. It ends on
a step laid out that fits, when the step above is known to overflow or the height of that
layout says it would (then a quarter point below the largest that fits at worst:
:mod:`~briefgen.documents.fitting`). A new sheet fits in one or two layouts, an unchanged
one in one; one that does not fit even at the floor fails after two or three, saying by how much and
which facts are longest: never a truncated or two-page sheet. The foot sits at the bottom
of the page by CSS (fact-sheet.css), in the same layout.
A word of thousands of characters makes each layout slow (WeasyPrint
lays each of its lines out with the rest of the word): one that would fill more than the
page at the floor fails before the search, after one quick layout without it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from briefgen import i18n, pagecheck, timeline
from briefgen.cache import code_fingerprint
from briefgen.dates import PartialDate
from briefgen.documents import fitting
from briefgen.documents.fitting import (
    DESIGNED_STEP,
    STEPS,
    Fit,
    Hint,
    Step,
    content_mm,
    fit_one_page,
    overflow_mm,
    page_height_mm,
    predict_step,
)
from briefgen.documents.kinds import Engines, Rendered
from briefgen.errors import RenderError
from briefgen.views import Section

if TYPE_CHECKING:
    from briefgen.pdf import PdfResult
    from briefgen.views import FactView, PackView, SourceView

# The fit's names, for the briefing book, the benchmarks and the tests.
__all__ = ["DESIGNED_STEP", "STEPS", "Fit", "Hint", "Step", "content_mm", "fit_one_page",
           "fitted", "lay_out", "measure", "overflow_mm", "page_height_mm",
           "predict_step", "render", "written"]

TEMPLATE = "fact-sheet.html"
STYLESHEETS = ("css/fonts.css", "css/marking.css", "css/fact-sheet.css")
TIMELINE_WIDTH = 184.0  # mm: the A4 width less the sheet's side margins (fact-sheet.css)
LONGEST = 3  # how many of the longest facts an overflow error names
CAPTIONS_UP_TO = 8  # a timeline of more dated facts shows their dates only
CAPTION_CHARACTERS = 40  # a fact's text this short is its own timeline caption
FIGURES_A_ROW = 3  # key figures side by side (fact-sheet.css: 58.6 mm each)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Figure:
    """A key figure: the number, large, and what it counts (never the number twice)."""

    fact: FactView
    value: str | None
    caption: str


@dataclass(frozen=True)
class FactSheet:
    """What the sheet shows, in the pack's language: key figures, then the background's
    groups (the same sections as the note), the timeline and the sources cited."""

    facts: tuple[FactView, ...]
    figures: tuple[Figure, ...]
    blocks: tuple[Section, ...]
    dated: tuple[FactView, ...]
    timeline: Markup | None
    sources: tuple[SourceView, ...]


def fact_sheet(view: PackView, timeline_title: str = "") -> FactSheet:
    """Select the facts that go on the sheet (``fact_sheet: false`` opts out) and group them
    as the note does; figures go to the key figures."""
    facts = tuple(fact for fact in view.facts if fact.on_fact_sheet)
    on_sheet = {(fact.base_id, fact.id) for fact in facts}
    blocks = tuple(
        replace(section, facts=members)
        for section in view.sections
        if section.kind != "figure"
        and (members := tuple(f for f in section.facts if (f.base_id, f.id) in on_sheet))
    )
    figures = tuple(_figure(fact) for fact in facts if fact.kind == "figure")
    dated = tuple(sorted((f for f in facts if f.date), key=lambda f: _date(f)))
    cited = {(s.base_id, s.id) for fact in facts for s in fact.sources}
    return FactSheet(
        facts=facts,
        figures=figures,
        blocks=blocks,
        dated=dated,
        timeline=_timeline(dated, view, timeline_title) if dated else None,
        sources=tuple(s for s in view.sources if (s.base_id, s.id) in cited),
    )


def _figure(fact: FactView) -> Figure:
    """The number above its caption: the fact's ``label``, else its text less the number
    it opens with; a text that says its number elsewhere is shown whole, without it."""
    value = fact.value_label
    if fact.label or not value or value not in fact.text:
        return Figure(fact, value, fact.label or fact.text)
    if fact.text.startswith(value):
        return Figure(fact, value, fact.text[len(value):].strip())
    return Figure(fact, None, fact.text)


def caption(fact: FactView) -> str:
    """A fact's timeline caption: its ``label``, else a short form of its text, the same
    in every language: without the date the timeline prints above it, cut at a clause or
    a word past 40 characters (``check`` names the facts that have no label)."""
    if fact.label:
        return fact.label
    return timeline.fact_caption(fact.text, fact.date_label, CAPTION_CHARACTERS)


def _date(fact: FactView) -> PartialDate:
    assert fact.date is not None
    return fact.date


def _timeline(dated: tuple[FactView, ...], view: PackView, title: str) -> Markup:
    captions = len(dated) <= CAPTIONS_UP_TO
    events = [
        timeline.TimelineEvent(_date(fact), fact.date_label or "", caption(fact) * captions)
        for fact in dated
    ]
    markup = timeline.timeline_html(
        events,
        lambda year: i18n.format_partial_date(PartialDate(year), view.locale, view.numbering),
        width=TIMELINE_WIDTH,
        rtl=view.dir == "rtl",
        title=title,
    )
    return Markup(markup)  # noqa: S704 - built by ElementTree, which escapes every text


def render(view: PackView, engines: Engines) -> Rendered:
    name = f"{view.id}/{view.lang}/fact-sheet.pdf"
    content, result = written(view, engines, name)
    sources = tuple(f"{s.base_id}/{s.id}" for s in content.sources)
    facts = tuple(f"{fact.base_id}/{fact.id}" for fact in content.facts)
    return Rendered(result.data, result.pages, facts, sources, result.warnings,
                    str(engines.hints[name]))


def written(view: PackView, engines: Engines, name: str) -> tuple[FactSheet, PdfResult]:
    """The sheet fitted and written, for ``name`` (the sheet, or the briefing book that
    compiles its PDF): its content and its PDF. A sheet written in this process from the
    same HTML at the same step is not written again (``Engines.written``)."""
    sheet = f"{view.id}/{view.lang}/fact-sheet.pdf"
    content, fit, html = fitted(view, engines, name, layout=False)
    key = engines.written.key(html, str(fit.step), engines.templates.fingerprint())

    def laid_out() -> Any:  # the fit's own layout, else one at the step it found
        if fit.document is not None:
            return fit.document
        assert fit.step is not None  # fitted() raises for a sheet that does not fit
        return lay_out(view, engines, html, name, STEPS[fit.step].css())

    return content, engines.written.made(sheet, key, lambda: engines.pdf.write(
        laid_out(), sheet, html, right_to_left=view.dir == "rtl"))


def content_of(view: PackView, engines: Engines) -> FactSheet:
    """What the sheet shows, with the timeline titled in the pack's labels."""
    return fact_sheet(view, engines.templates.translations(view.labels_lang).gettext("Timeline"))


def fitted(view: PackView, engines: Engines, name: str,
           layout: bool = True) -> tuple[FactSheet, Fit, str]:
    """The sheet's content, its fit on one page (or a :class:`RenderError` saying why it
    cannot) and its HTML. The fit's :class:`~briefgen.documents.fitting.Hint` is left in
    ``engines.hints`` under ``name`` and the sheet's own name, for the next render of
    either (the briefing book fits the same sheet). Without ``layout``, a sheet fitted
    before from the same content is not laid out again: the fit has its step only."""
    content = content_of(view, engines)
    templates = engines.templates
    html = templates.render(TEMPLATE, view.lang, view.labels_lang, pack=view, sheet=content)
    sheet = f"{view.id}/{view.lang}/fact-sheet.pdf"
    digest = fitting.digest(html, templates.fingerprint(), code_fingerprint(),
                            engines.pdf.version, i18n.counter_style_css(view.numbering))
    # This document's previous fit of this very content, else the sheet's (the book's and
    # the sheet's are the same): its step is the answer. Else the search starts from the
    # content's first guess, never from another fit's step (another language's, the
    # content before an edit): the step found must not depend on what was built before it
    # in the process or the manifest, so that every build of this content is the same.
    hints = [Hint.read(engines.hints.get(key)) for key in (name, sheet)]
    known = next((hint for hint in hints if hint is not None and hint.digest == digest), None)
    if known is not None and not layout:
        fit = Fit(known.step, None, 0)
    else:
        if known is None:
            refuse_words_longer_than_the_page(view, engines, html, name, content)

        def at(step: int) -> Any:
            return lay_out(view, engines, html, name, STEPS[step].css())

        fit = fit_one_page(at, len(STEPS),
                           fitting.first_guess(measure(content, view)) if known is None
                           else known.step, fitting.predict_step,
                           above_overflows=known is not None, fits=fitting.fits_the_page,
                           trust_prediction=True)
    log.debug("%s: %d layout(s), step %s", name, fit.renders, fit.step)
    if fit.step is None:
        raise _does_not_fit(name, fit.document, content.facts)
    engines.hints[name] = engines.hints[sheet] = str(Hint(fit.step, digest))
    return content, fit, html


def measure(content: FactSheet, view: PackView) -> fitting.Measure:
    """What the sheet holds, for the fit's first guess."""
    chars = sum(len(fact.text) for block in content.blocks for fact in block.facts)
    rtl = view.dir == "rtl"
    return fitting.Measure(
        latin=0 if rtl else chars, arabic=chars if rtl else 0,
        facts=sum(len(block.facts) for block in content.blocks), groups=len(content.blocks),
        figure_rows=-(-len(content.figures) // FIGURES_A_ROW), timeline=bool(content.dated))


def refuse_words_longer_than_the_page(view: PackView, engines: Engines, html: str, name: str,
                                      content: FactSheet) -> None:
    """A :class:`RenderError` naming the fact when a fact's long words (runs without a break
    opportunity, :func:`~briefgen.pagecheck.long_runs`), broken from line to line, would
    cover more than the page at the smallest type (:func:`~briefgen.pagecheck.page_share`):
    measured on one layout at that size in which each long word is cut short. Else the
    search lays them out, as they are (a word that fits is never refused)."""
    shown = [(figure.fact, figure.caption) for figure in content.figures]
    shown += [(fact, fact.text) for block in content.blocks for fact in block.facts]
    long = {f"{fact.base_id}/{fact.id}": runs for fact, text in shown
            if (runs := pagecheck.long_runs(text, view.lang))}
    probe = html
    for run in sorted({run for runs in long.values() for run in runs}, key=len, reverse=True):
        if str(escape(run)) not in probe:
            return  # a template changes the text: the search lays it out as it is shown
        probe = probe.replace(str(escape(run)), str(escape(run[:pagecheck.SAMPLE])))
    if not long:
        return
    document = lay_out(view, engines, probe, name, STEPS[-1].css())
    for fact, runs in long.items():
        share = pagecheck.page_share(document, fact, runs)
        if share > 1 + pagecheck.MARGIN:
            longest = max(runs, key=len)
            raise RenderError(
                f"{pagecheck.text_in(fact)} does not fit the page: its word "
                f"'{pagecheck.excerpt_of(longest)}' ({len(longest)} characters without a "
                f"space{f', and {len(runs) - 1} more' if len(runs) > 1 else ''}) would fill "
                f"more than the whole page ({share:.0%}) even at the smallest type "
                f"({STEPS[-1].size:g} pt), broken from line to line",
                name,
                f"{pagecheck.BREAK_THE_WORD}, or set `fact_sheet: false` on the fact to keep "
                "it off the fact sheet",
            )


def lay_out(view: PackView, engines: Engines, html: str, name: str, css: str) -> Any:
    """The sheet's HTML laid out with its stylesheets and ``css`` (a step's)."""
    templates = engines.templates
    return engines.pdf.layout(html, templates.roots[0],
                              [templates.find(sheet) for sheet in STYLESHEETS], name,
                              css + i18n.counter_style_css(view.numbering))


def _does_not_fit(name: str, document: Any, facts: Sequence[FactView]) -> RenderError:
    over = overflow_mm(document)
    share = 100 * over / page_height_mm(document)
    longest = sorted(facts, key=lambda fact: (-len(fact.text), fact.base_id, fact.id))[:LONGEST]
    named = ", ".join(
        f"'{fact.id}' in fact base '{fact.base_id}' ({len(fact.text)} characters)"
        for fact in longest
    )
    return RenderError(
        f"the fact sheet does not fit one page: even at the smallest type "
        f"({STEPS[-1].size:g} pt) it runs {over:.0f} mm ({share:.0f}% of a page) onto a "
        f"second page; the longest facts are {named}",
        name,
        "set `fact_sheet: false` on some of these facts (or shorten them) to keep them off "
        "the fact sheet",
    )
