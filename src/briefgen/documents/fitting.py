"""Fitting the fact sheet on one page: its typographic steps, the search, and what a layout
tells the search (its height, what must overflow).

The typography is a list of :data:`STEPS`, from a ceiling (a short sheet grows its type to
fill the page) down to a legible floor. :func:`fit_one_page` finds the largest step whose
layout fits (:func:`fits_the_page`), starting from the previous build's step or a
:func:`first_guess` from the content. A step laid out that fits is the answer when the
step above is known to overflow (laid out, or the ceiling, or known from an earlier fit of
the very same content: :class:`Hint`) or when the height of its layout says it would
(:func:`predict_step`). Over 62 sheets laid out at every step (the demo's, 25-fact and
synthetic ones, fr, en and ar), that takes 1.5 layouts a new sheet; 55 land on the largest
step that fits, 7 a quarter point below it, none further; none overflows.
The foot is placed at the bottom of the page by CSS (fact-sheet.css), in the same layout.
Layouts are WeasyPrint's; this module reads their boxes and never imports WeasyPrint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

PX_PER_MM = 96 / 25.4


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
                 predict: Predict | None = None, above_overflows: bool = False,
                 fits: Callable[[Any], bool] | None = None,
                 trust_prediction: bool = False) -> Fit:
    """The first (largest) of ``steps`` settings whose layout fits (``fits``: one page), and
    its layout.

    Assumes smaller type never needs more room. The ``start`` setting (the previous
    build's, else a first guess) is laid out first. Then, with ``predict`` (which reads
    a layout and names the first setting it expects to fit), its guess and the setting
    next to it; without, the ceiling if ``start`` fits (a short sheet ends there), the
    floor if not (an overflowing sheet fails after two layouts), then halves of what is
    left. The setting found is always laid out and fits. The one above it overflows: it
    was laid out and overflowed, or it is the ceiling, or it is known to
    (``above_overflows``: the setting above ``start`` overflowed for this very content
    before, so that a ``start`` that fits is the answer, in one layout), or, with
    ``trust_prediction``, ``predict`` reading the layout that fits expects it to: then the
    setting may be a step below the largest that fits (a sheet's height grows unevenly with
    its type, as the columns balance differently: no bound read from one layout proves
    that the next step overflows), never an overflowing one.
    """
    fits = fits or _one_page
    overflows, found = (start - 1 if above_overflows else -1), steps
    kept: Any = None  # the layout of `found`, else the last that overflowed
    step, renders = start, 0
    while True:
        document = lay_out(step)
        renders += 1
        guess = predict(step, document) if predict is not None else None
        if fits(document):
            found, kept = step, document
            if trust_prediction and guess is not None and guess >= step:
                overflows = max(overflows, step - 1)
        else:
            overflows = step
            kept = kept if found < steps else document
        if found - overflows <= 1:
            return Fit(found if found < steps else None, kept, renders)
        step = _next_step(overflows, found, steps, guess if renders <= 2 else None)


def _one_page(document: _Layout) -> bool:
    return len(document.pages) == 1


def _next_step(overflows: int, fits: int, steps: int, guess: int | None) -> int:
    """The next setting to lay out, strictly between the two known bounds."""
    if guess is not None:  # the guess, or the setting that proves or disproves it
        return min(max(guess, overflows + 1), fits - 1)
    if overflows < 0:
        return 0  # the ceiling
    if fits >= steps:
        return steps - 1  # the floor
    return (overflows + fits) // 2


FOOT_CLASS = "sheet-foot"  # the foot fact-sheet.css places at the bottom of the page


def content_mm(document: _Layout) -> float:
    """The height the sheet needs, in millimetres: its content in the flow, on the first page
    and the rest, and its foot (out of the flow, at the bottom of the page: it must not
    cover the facts)."""
    total = 0.0
    for page in document.pages:
        box = page._page_box
        root = box.children[0]
        total += root.position_y + root.margin_height() - box.content_box_y()
    foot = _box_with_class(document.pages[0]._page_box, FOOT_CLASS)
    return float(total + (foot.margin_height() if foot is not None else 0)) / PX_PER_MM


def overflow_mm(document: _Layout) -> float:
    """How much more than the page's height the sheet needs, in millimetres."""
    return max(content_mm(document) - page_height_mm(document), 0.0)


def fits_the_page(document: _Layout) -> bool:
    """One page, on which the foot leaves the facts uncovered (to a hundredth of a mm)."""
    return len(document.pages) == 1 and content_mm(document) <= page_height_mm(document) + 0.01


def page_height_mm(document: _Layout) -> float:
    """The height of the first page's content area."""
    return float(document.pages[0]._page_box.height) / PX_PER_MM


# How the sheet's height grows with the type: as (size x leading) to this power, fitted
# with the rules below on 62 sheets laid out at every step (the demo's, 25-fact sheets and
# synthetic ones, in fr, en and ar): from one step to the next it varies from 0 to 6, as
# the columns balance differently; over the range it is about 1.2.
GROWTH = 1.2


def predict_step(step: int, document: _Layout) -> int:
    """The first step a sheet laid out at ``step`` should fit at, from its height."""
    return _first_fitting(content_mm(document), step, page_height_mm(document))


def _first_fitting(height: float, step: int, room: float) -> int:
    laid = STEPS[step].size * STEPS[step].leading
    for candidate, setting in enumerate(STEPS):
        if height * (setting.size * setting.leading / laid) ** GROWTH <= room:
            return candidate
    return len(STEPS)


@dataclass(frozen=True)
class Measure:
    """What a sheet holds, counted before any layout: the characters of its facts' texts in
    the columns (Latin and Arabic scripts), the facts there and their groups, the rows of
    key figures, and whether it has a timeline."""

    latin: int
    arabic: int
    facts: int
    groups: int
    figure_rows: int
    timeline: bool


# The height of a sheet at the designed size, in mm, as a sum over a Measure's fields
# (least squares over the same 62 sheets: within 25 mm, about two steps, of the height laid
# out): a masthead, 0.073 mm per Latin character and 0.077 per Arabic one, 0.93 mm per fact
# (its spacing), 13 mm per group (its heading and margins), 36 per row of key figures and
# 6.1 for the timeline (past the part of it the masthead's constant holds).
BASE_MM, LATIN_MM, ARABIC_MM, FACT_MM, GROUP_MM, FIGURES_MM, TIMELINE_MM = (
    18.58, 0.0730, 0.0769, 0.926, 13.05, 36.0, 6.10)
PAGE_MM = 268.5  # the A4 page less fact-sheet.css's margins


def first_guess(measure: Measure, room: float = PAGE_MM) -> int:
    """The step to lay a sheet out at first, from its content alone: the first that the
    estimated height fits (a guess: the fit lays it out and goes on from its height)."""
    height = (BASE_MM + LATIN_MM * measure.latin + ARABIC_MM * measure.arabic
              + FACT_MM * measure.facts + GROUP_MM * measure.groups
              + FIGURES_MM * measure.figure_rows + TIMELINE_MM * measure.timeline)
    return min(_first_fitting(height, DESIGNED_STEP, room), len(STEPS) - 1)


def _box_with_class(box: Any, name: str) -> Any:
    """The first box, in document order, of an element with the class ``name``."""
    for child in box.descendants():
        element = getattr(child, "element", None)
        if element is not None and child.element_tag != "html" and \
                name in (element.get("class") or "").split() and child.style is not None:
            return child
    return None


@dataclass(frozen=True)
class Hint:
    """What a fit leaves for the next render of the same sheet (kept in the manifest): its
    step, and a digest of what it was laid out from. The same digest again means the same
    layouts: the step above is known to overflow, and one layout fits the sheet."""

    step: int
    digest: str = ""

    def __str__(self) -> str:
        return f"{self.step}:{self.digest}"

    @classmethod
    def read(cls, value: object) -> Hint | None:
        """A hint from a manifest: ``"step:digest"``, or a step alone (older manifests)."""
        if isinstance(value, int) and not isinstance(value, bool):
            step, digest = value, ""
        elif isinstance(value, str) and value.partition(":")[0].isdigit():
            step, digest = int(value.partition(":")[0]), value.partition(":")[2]
        else:
            return None
        return cls(step, digest) if 0 <= step < len(STEPS) else None


def digest(*parts: str) -> str:
    """The digest of what a sheet is laid out from (its HTML, the templates, the code)."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]
