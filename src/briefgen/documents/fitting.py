"""Fitting the fact sheet on one page: its typographic steps, the search, and what a layout
tells the search (its height, what must overflow).

The typography is a list of :data:`STEPS`, from a ceiling (a short sheet grows its type to
fill the page) down to a legible floor. :func:`fit_one_page` finds the largest step whose
layout is one page, and proves it: that step was laid out and fits, and the one above it
overflows (laid out, or the ceiling, or known from an earlier fit of the very same content:
:class:`Hint`).
A short sheet's foot is then moved to the bottom of its page in the layout itself
(:func:`foot_at_the_bottom`), without laying it out again. Layouts are WeasyPrint's; this
module reads their boxes and never imports WeasyPrint.
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
                 predict: Predict | None = None, above_overflows: bool = False) -> Fit:
    """The first (largest) of ``steps`` settings whose layout is one page, and its layout.

    Assumes smaller type never needs more pages. The ``start`` setting (the previous
    build's, else the designed size) is laid out first. Then, with ``predict`` (which reads
    a layout and names the first setting it expects to fit), its guess and the setting
    next to it; without, the ceiling if ``start`` fits (a short sheet ends there), the
    floor if not (an overflowing sheet fails after two layouts), then halves of what is
    left. Either way the result is verified: the setting found is laid out and fits, and
    the one above it overflows: it was laid out and overflowed, or it is the ceiling, or
    it is known to (``above_overflows``: the setting above ``start`` overflowed for this
    very content before, so that a ``start`` that fits is the answer, in one layout).
    (No bound read from one layout proves that the next step overflows: a sheet's height
    grows unevenly with its type, 1 % from one step to the next on the Arabic demo, as
    the columns balance differently.)
    """
    overflows, fits = (start - 1 if above_overflows else -1), steps
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


# A sheet at its largest type with more room left than this is a short sheet: its foot (the
# sources, who drafted it) goes to the bottom of the page, as on a printed form, instead of
# under the last fact with the rest of the page blank.
SHORT_SHEET_ROOM_MM = 15.0
FOOT_CLASS = "sheet-foot"


def foot_at_the_bottom(fit: Fit) -> Any:
    """The fitted layout; for a short sheet, with its foot moved down by the room left
    (less a millimetre), in the layout itself: the foot's boxes are moved, and the page's
    links and anchors gathered again."""
    if fit.step != 0:
        return fit.document
    room = page_height_mm(fit.document) - content_mm(fit.document)
    if room <= SHORT_SHEET_ROOM_MM:
        return fit.document
    page = fit.document.pages[0]
    foot = _box_with_class(page._page_box, FOOT_CLASS)
    if foot is None:  # a project's template without the foot
        return fit.document
    foot.translate(dy=(room - 1) * PX_PER_MM)
    fit.document.pages[0] = type(page)(page._page_box)
    return fit.document


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
