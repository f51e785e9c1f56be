"""The fact sheet's timeline: an inline SVG of dated facts with HTML labels, as an element tree.

Every fact is placed at its date's precision (a day at the day, a month at mid-month, a
year as a bar over the year with a marker at mid-year). Labels are stacked in rows above
and below the axis so none overlaps another; right-to-left languages read the axis from
the right. Fact text is untrusted: it only ever enters the SVG as ElementTree text or
attribute values, which ElementTree escapes.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from briefgen.dates import PartialDate

SVG_NS = "http://www.w3.org/2000/svg"
ACCENT, RULE, BAR = "#1f3a5f", "#9aa8bb", "#c9d6e8"

# Geometry, in millimetres (the SVG's user unit).
PAD_X = 9.0  # keeps end-of-axis labels inside the drawing
LINE_HEIGHT = 3.4  # one line of label (8 pt at line-height 1.2)
ROW_GAP = 1.5  # between two rows of labels
AXIS_GAP = 4.2  # from the axis to the nearest label row
TICK_LABEL_HEIGHT = 3.6
TICK_WIDTH = 12.0
# Label type (fact-sheet.css sets the same sizes in pt: 8 pt bold dates, 8 pt captions).
DATE_SIZE = 2.82
CAPTION_SIZE = 2.82
CHAR_WIDTH = 0.56  # a conservative average advance, in ems, of the shipped sans fonts
LABEL_GAP = 2.0  # minimum space between two labels of one row
MIN_YEARS = 4  # the axis spans at least this many years


@dataclass(frozen=True)
class TimelineEvent:
    """One dated fact: its date, the localized label of that date and a short caption."""

    date: PartialDate
    label: str
    caption: str


CLAUSE_ENDS = ",;:،؛—–("  # where a caption cut short may end, before the limit


def fact_caption(text: str, date_label: str | None, limit: int) -> str:
    """A fact's text as a timeline caption: without its date (the timeline prints the date
    above it) nor its final full stop, and, when longer than ``limit`` characters, cut at
    the last clause that fits, else the last whole word, with an ellipsis."""
    caption = " ".join(text.split())
    if date_label:
        date = " ".join(date_label.split())
        caption = re.sub(rf"(^|[\s,،(]+)(le |on |in |en |el |am |بتاريخ |في )?{re.escape(date)}"
                         r"[\s,،)]*", " ", caption, count=1, flags=re.IGNORECASE).strip(" ,،")
    caption = caption.rstrip(" .。۔")
    if caption[:1].islower():
        caption = caption[0].upper() + caption[1:]
    if len(caption) <= limit:
        return caption
    head = caption[:limit]
    clause = max(head.rfind(mark) for mark in CLAUSE_ENDS)
    if clause >= limit // 2:
        return head[:clause].rstrip() + "…"
    word = head.rfind(" ")
    return (head[:word] if word > 0 else head[:limit - 1]).rstrip(" ,،;:") + "…"


@dataclass(frozen=True)
class _Placed:
    event: TimelineEvent
    x: float  # marker position on the axis
    center: float  # label centre (the marker, moved inwards near the ends)
    slot: int  # 0 above, 1 below, 2 second row above, ...


def marker_date(date: PartialDate) -> dt.date:
    """Where a date of any precision sits: the day, mid-month, or mid-year."""
    if date.precision == "day":
        return date.first_day
    if date.precision == "month":
        return date.first_day + dt.timedelta(days=14)
    return dt.date(date.year, 7, 1)


def axis_years(events: Sequence[TimelineEvent]) -> tuple[int, int]:
    """First and last year boundary of the axis: every event inside, ``MIN_YEARS`` at least."""
    start = min(event.date.year for event in events)
    end = max(event.date.year for event in events) + 1
    missing = max(0, MIN_YEARS - (end - start))
    return start - missing // 2, end + missing - missing // 2


def tick_step(years: int) -> int:
    for step, fits in ((1, 12), (2, 24), (5, 60), (10, 120)):
        if years <= fits:
            return step
    return 25


def short_caption(text: str, limit: int = 26) -> str:
    """The first words of ``text``, at most ``limit`` characters, an ellipsis if cut."""
    words = text.split()
    caption = ""
    for word in words:
        candidate = f"{caption} {word}" if caption else word
        if len(candidate) > limit:
            return (caption or word[:limit]).rstrip(",;:") + "…"
        caption = candidate
    return caption


def label_width(event: TimelineEvent) -> float:
    date = len(event.label) * DATE_SIZE * CHAR_WIDTH * 1.06  # bold runs wider
    caption = len(event.caption) * CAPTION_SIZE * CHAR_WIDTH
    return max(date, caption)


def box_width(event: TimelineEvent) -> float:
    """The label's box: its text and the space that keeps it off its neighbours."""
    return label_width(event) + LABEL_GAP


class _Axis:
    """Maps dates to x in millimetres, mirrored for right-to-left."""

    def __init__(self, years: tuple[int, int], width: float, rtl: bool) -> None:
        self.start = dt.date(years[0], 1, 1).toordinal()
        self.end = dt.date(years[1], 1, 1).toordinal()
        self.left, self.right = PAD_X, width - PAD_X
        self.rtl = rtl

    def x(self, day: dt.date) -> float:
        fraction = (day.toordinal() - self.start) / (self.end - self.start)
        if self.rtl:
            fraction = 1 - fraction
        return round(self.left + fraction * (self.right - self.left), 2)


def place(events: Sequence[TimelineEvent], axis: _Axis, width: float) -> list[_Placed]:
    """Give each label the first slot (above, below, above again...) where it overlaps none."""
    taken: list[list[tuple[float, float]]] = []
    placed = []
    for event in sorted(events, key=lambda e: (marker_date(e.date), e.label, e.caption)):
        x = axis.x(marker_date(event.date))
        half = box_width(event) / 2
        center = min(max(x, half), width - half)
        span = (center - half, center + half)
        slot = next(
            (i for i, row in enumerate(taken) if all(span[1] <= a or span[0] >= b for a, b in row)),
            len(taken),
        )
        if slot == len(taken):
            taken.append([])
        taken[slot].append(span)
        placed.append(_Placed(event, x, round(center, 2), slot))
    return placed


def timeline_html(
    events: Sequence[TimelineEvent],
    year_label: Callable[[int], str],
    *,
    width: float = 180.0,
    rtl: bool = False,
    title: str = "",
) -> str:
    """The markup of a timeline of ``events`` (at least one), ``width`` mm wide.

    Lines and markers are an SVG; labels are HTML boxes laid over it, because WeasyPrint
    draws SVG text letter by letter, which breaks Arabic shaping and bidi ordering.
    """
    if not events:
        raise ValueError("a timeline needs at least one dated event")
    years = axis_years(events)
    axis = _Axis(years, width, rtl)
    placed = place(events, axis, width)
    above = max((p.slot // 2 + 1 for p in placed if p.slot % 2 == 0), default=0)
    below = max((p.slot // 2 + 1 for p in placed if p.slot % 2 == 1), default=0)
    label = LINE_HEIGHT * (2 if any(event.caption for event in events) else 1)
    row = label + ROW_GAP
    axis_y = round(1.0 + above * row + (AXIS_GAP if above else 0), 2)
    height = axis_y + TICK_LABEL_HEIGHT + (AXIS_GAP + below * row if below else 1.0)
    rows = _Rows(axis_y, row, label)
    # A screen narrower than the chart scrolls it (the HTML brief): focusable, so that a
    # keyboard scrolls it too (WCAG 2.1.1); print ignores it.
    chart = ET.Element("div", {"class": "timeline-chart", "style": f"height: {height:.2f}mm",
                               "tabindex": "0"})
    svg = ET.SubElement(chart, "svg", {
        "xmlns": SVG_NS, "width": f"{width:g}mm", "height": f"{height:.2f}mm",
        "viewBox": f"0 0 {width:g} {height:.2f}", "role": "img",
    })
    if title:
        ET.SubElement(svg, "title").text = title
    _draw_axis(chart, svg, axis, years, axis_y, year_label)
    for item in placed:
        _draw_event(chart, svg, item, axis, rows)
    return ET.tostring(chart, encoding="unicode")


def _draw_axis(chart: ET.Element, svg: ET.Element, axis: _Axis, years: tuple[int, int],
               y: float, year_label: Callable[[int], str]) -> None:
    _line(svg, axis.left, y, axis.right, y, ACCENT, 0.5)
    step = tick_step(years[1] - years[0])
    for year in range(years[0], years[1] + 1):
        x = axis.x(dt.date(year, 1, 1))
        size = 1.3 if year % step == 0 else 0.7
        _line(svg, x, y - size, x, y + size, ACCENT, 0.3)
        if year % step == 0 and year < years[1]:
            _label(chart, "tl-year", x, y + 1.4, TICK_WIDTH, {"tl-tick": year_label(year)})


@dataclass(frozen=True)
class _Rows:
    """Vertical geometry: the axis, the pitch of label rows, the height of one label."""

    axis_y: float
    row: float
    label: float


def _draw_event(chart: ET.Element, svg: ET.Element, item: _Placed, axis: _Axis,
                rows: _Rows) -> None:
    date, axis_y = item.event.date, rows.axis_y
    if date.precision == "year":
        start, end = axis.x(date.first_day), axis.x(date.last_day + dt.timedelta(days=1))
        ET.SubElement(svg, "rect", {
            "x": f"{min(start, end):.2f}", "y": f"{axis_y - 0.9:.2f}",
            "width": f"{abs(end - start):.2f}", "height": "1.8", "rx": "0.9", "fill": BAR,
        })
    row = item.slot // 2
    if item.slot % 2 == 0:  # above the axis
        bottom = axis_y - AXIS_GAP - row * rows.row
        top = bottom - rows.label
        _line(svg, item.x, bottom + 0.4, item.x, axis_y, RULE, 0.25)
    else:  # below the year labels
        top = axis_y + TICK_LABEL_HEIGHT + AXIS_GAP + row * rows.row
        _line(svg, item.x, axis_y, item.x, top - 0.4, RULE, 0.25)
    _marker(svg, item.x, axis_y, date.precision)
    width = box_width(item.event)
    lines = {"tl-date": item.event.label}
    if item.event.caption:
        lines["tl-caption"] = item.event.caption
    _label(chart, "tl-event", item.center, top, width, lines)


def _marker(svg: ET.Element, x: float, y: float, precision: str) -> None:
    hollow = precision != "day"
    ET.SubElement(svg, "circle", {
        "cx": f"{x:.2f}", "cy": f"{y:.2f}", "r": "1.1" if hollow else "1.2",
        "fill": "#ffffff" if hollow else ACCENT, "stroke": ACCENT, "stroke-width": "0.45",
    })


def _line(svg: ET.Element, x1: float, y1: float, x2: float, y2: float, color: str,
          stroke: float) -> None:
    ET.SubElement(svg, "line", {
        "x1": f"{x1:.2f}", "y1": f"{y1:.2f}", "x2": f"{x2:.2f}", "y2": f"{y2:.2f}",
        "stroke": color, "stroke-width": f"{stroke:g}",
    })


def _label(chart: ET.Element, kind: str, center: float, top: float, width: float,
           lines: dict[str, str]) -> None:
    """An HTML label box centred on ``center``; ElementTree escapes the text."""
    box = ET.SubElement(chart, "div", {
        "class": f"tl-label {kind}",
        "style": f"left: {center - width / 2:.2f}mm; top: {top:.2f}mm; width: {width:.2f}mm",
    })
    for line, text in lines.items():
        ET.SubElement(box, "span", {"class": line}).text = text
