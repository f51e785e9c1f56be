"""The one-page PDF fact sheet: laid out, measured and tightened until it fits one page.

Fitting: the typography is a list of :data:`STEPS`, from a ceiling (a short sheet grows
its type to fill the page) down to a legible floor. Each attempt lays the same HTML out
with one small extra stylesheet (the parsed stylesheets stay cached). The search starts
from the step the sheet had in the previous build (kept in the manifest), else the
designed size, and goes where the height of each layout says the boundary is; it ends
when the step found fits and the one above it overflows. A sheet that has not changed
much fits in two layouts; a new one in about three; one that does not fit even at the
floor fails after two, saying by how much and which facts are longest: never a truncated
or two-page sheet. A word of thousands of characters makes each layout slow (WeasyPrint
lays each of its lines out with the rest of the word): one that would fill more than the
page at the floor fails before the search, after one quick layout without it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from markupsafe import Markup, escape

from briefgen import i18n, pagecheck, timeline
from briefgen.dates import PartialDate
from briefgen.documents.kinds import Engines, Rendered
from briefgen.errors import RenderError
from briefgen.views import Section

if TYPE_CHECKING:
    from briefgen.views import FactView, PackView, SourceView

TEMPLATE = "fact-sheet.html"
STYLESHEETS = ("css/fonts.css", "css/marking.css", "css/fact-sheet.css")
PX_PER_MM = 96 / 25.4
TIMELINE_WIDTH = 184.0  # mm: the A4 width less the sheet's side margins (fact-sheet.css)
LONGEST = 3  # how many of the longest facts an overflow error names
CAPTIONS_UP_TO = 8  # a timeline of more dated facts shows their dates only
CAPTION_CHARACTERS = 40  # a fact's text this short is its own timeline caption

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Step:
    """One typographic setting of the sheet: body size (pt, Latin scripts) and leading."""

    size: float
    leading: float

    def css(self) -> str:
        """The extra stylesheet of this step; Arabic runs half a point larger, more leading."""
        return (
            f".sheet {{ font-size: {self.size:g}pt; line-height: {self.leading:g}; }}\n"
            f'html[dir="rtl"] .sheet {{ font-size: {self.size + 0.5:g}pt; '
            f"line-height: {self.leading + 0.1:g}; }}\n"
        )


# From a 12 pt ceiling (a short sheet fills its page; larger would no longer read as a fact
# sheet) down to an 8 pt floor in quarter points; the leading tightens from 1.45 to 1.22.
CEILING, DESIGNED, FLOOR = 12.0, 10.5, 8.0
STEPS: tuple[Step, ...] = tuple(
    Step(CEILING - 0.25 * i, round(1.45 - 0.23 * i / 16, 3))
    for i in range(int((CEILING - FLOOR) / 0.25) + 1)
)
DESIGNED_STEP = next(i for i, step in enumerate(STEPS) if step.size == DESIGNED)


class _Layout(Protocol):
    @property
    def pages(self) -> Sequence[Any]: ...


@dataclass(frozen=True)
class Fit:
    """The outcome of fitting: the step used (None: even the floor overflows) and its layout."""

    step: int | None
    document: Any
    renders: int


Predict = Callable[[int, Any], int]


def fit_one_page(lay_out: Callable[[int], _Layout], steps: int, start: int = 0,
                 predict: Predict | None = None) -> Fit:
    """The first (largest) of ``steps`` settings whose layout is one page, and its layout.

    Assumes smaller type never needs more pages. The ``start`` setting (the previous
    build's, else the designed size) is laid out first. Then, with ``predict`` (which reads
    a layout and names the first setting it expects to fit), its guess and the setting
    next to it; without, the ceiling if ``start`` fits (a short sheet ends there), the
    floor if not (an overflowing sheet fails after two layouts), then halves of what is
    left. Either way the result is verified: the setting found is laid out and fits, and
    the one above it was laid out and overflows (or it is the ceiling).
    """
    overflows, fits = -1, steps  # every setting up to `overflows` overflows, from `fits` fits
    kept: Any = None  # the layout of `fits`, else the last that overflowed
    step, renders = start, 0
    while True:
        document = lay_out(step)
        renders += 1
        if len(document.pages) == 1:
            fits, kept = step, document
        else:
            overflows = step
            kept = kept if fits < steps else document
        if fits - overflows <= 1:
            return Fit(fits if fits < steps else None, kept, renders)
        guess = predict(step, document) if predict is not None and renders <= 2 else None
        step = _next_step(overflows, fits, steps, guess)


def _next_step(overflows: int, fits: int, steps: int, guess: int | None) -> int:
    """The next setting to lay out, strictly between the two known bounds."""
    if guess is not None:  # the guess, or the setting that proves or disproves it
        return min(max(guess, overflows + 1), fits - 1)
    if overflows < 0:
        return 0  # the ceiling
    if fits >= steps:
        return steps - 1  # the floor
    return (overflows + fits) // 2


def overflow_mm(document: _Layout) -> float:
    """How much content lies beyond the first page, in millimetres of page height."""
    total = 0.0
    for page in document.pages[1:]:
        box = page._page_box
        root = box.children[0]
        total += root.position_y + root.margin_height() - box.content_box_y()
    return total / PX_PER_MM


def content_mm(document: _Layout) -> float:
    """The height of the whole content, in millimetres: the first page's and the rest."""
    box = document.pages[0]._page_box
    root = box.children[0]
    first = float(root.position_y + root.margin_height() - box.content_box_y()) / PX_PER_MM
    return first + (overflow_mm(document) if len(document.pages) > 1 else 0.0)


# How the sheet's height grows with the type: as (size x leading) to this power (measured
# on the demo and on 25-fact sheets: 1.2 to 1.9 from step to step; type grows the lines
# and their number, not the timeline or the margins). Only a guess: every fit is verified.
GROWTH = 1.2


def predict_step(step: int, document: _Layout) -> int:
    """The first step a sheet laid out at ``step`` should fit at, from its height."""
    height, room = content_mm(document), page_height_mm(document)
    laid = STEPS[step].size * STEPS[step].leading
    for candidate, setting in enumerate(STEPS):
        if height * (setting.size * setting.leading / laid) ** GROWTH <= room:
            return candidate
    return len(STEPS)


def page_height_mm(document: _Layout) -> float:
    """The height of the first page's content area."""
    return float(document.pages[0]._page_box.height) / PX_PER_MM


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
    """A fact's timeline caption: its ``label``, else its text when that is short, else
    nothing (the date alone): never a phrase cut short."""
    if fact.label:
        return fact.label
    return fact.text if len(fact.text) <= CAPTION_CHARACTERS else ""


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
    content, fit, html = fitted(view, engines, name)
    document = _foot_at_the_bottom(fit, lambda css: _lay_out(view, engines, html, name, css))
    result = engines.pdf.write(document, name, html)
    sources = tuple(f"{s.base_id}/{s.id}" for s in content.sources)
    facts = tuple(f"{fact.base_id}/{fact.id}" for fact in content.facts)
    return Rendered(result.data, result.pages, facts, sources, result.warnings, fit.step)


def content_of(view: PackView, engines: Engines) -> FactSheet:
    """What the sheet shows, with the timeline titled in the pack's labels."""
    return fact_sheet(view, engines.templates.translations(view.labels_lang).gettext("Timeline"))


def fitted(view: PackView, engines: Engines, name: str) -> tuple[FactSheet, Fit, str]:
    """The sheet's content, its fit on one page (or a :class:`RenderError` saying why it
    cannot) and its HTML."""
    content = content_of(view, engines)
    html = engines.templates.render(TEMPLATE, view.lang, view.labels_lang, pack=view,
                                    sheet=content)
    refuse_words_longer_than_the_page(view, engines, html, name, content)

    def lay_out(step: int) -> Any:
        return _lay_out(view, engines, html, name, STEPS[step].css())

    # The step of this sheet's previous render, else of the pack's sheet in another
    # language, else the designed size.
    start = engines.hints.get(name, engines.hints.get(f"{view.id}/fact-sheet.pdf"))
    if not isinstance(start, int) or not 0 <= start < len(STEPS):
        start = DESIGNED_STEP
    fit = fit_one_page(lay_out, len(STEPS), start, predict_step)
    if fit.step is not None:
        engines.hints[name] = engines.hints[f"{view.id}/fact-sheet.pdf"] = fit.step
    log.debug("%s: %d render(s), step %s", name, fit.renders, fit.step)
    if fit.step is None:
        raise _does_not_fit(name, fit.document, content.facts)
    return content, fit, html


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
    document = _lay_out(view, engines, probe, name, STEPS[-1].css())
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


def _lay_out(view: PackView, engines: Engines, html: str, name: str, css: str) -> Any:
    templates = engines.templates
    return engines.pdf.layout(html, templates.roots[0],
                              [templates.find(sheet) for sheet in STYLESHEETS], name,
                              css + i18n.counter_style_css(view.numbering))


# A sheet at its largest type with more room left than this is a short sheet: its foot (the
# sources, who drafted it) goes to the bottom of the page, as on a printed form, instead of
# under the last fact with the rest of the page blank.
SHORT_SHEET_ROOM_MM = 15.0


def _foot_at_the_bottom(fit: Fit, lay_out: Callable[[str], Any]) -> Any:
    """The fitted layout; for a short sheet, laid out once more with its foot moved down by
    the room left (less a millimetre): still one page."""
    if fit.step != 0:
        return fit.document
    room = page_height_mm(fit.document) - content_mm(fit.document)
    if room <= SHORT_SHEET_ROOM_MM:
        return fit.document
    document = lay_out(STEPS[0].css() + f".sheet .sheet-foot {{ margin-top: {room - 1:.1f}mm; }}\n")
    return document if len(document.pages) == 1 else fit.document


def _does_not_fit(name: str, document: _Layout, facts: Sequence[FactView]) -> RenderError:
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
