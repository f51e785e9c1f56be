"""The timeline markup: every dated fact placed at its precision, no overlap, escaped, mirrored."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

from briefgen import i18n
from briefgen.dates import PartialDate
from briefgen.timeline import (
    TimelineEvent,
    axis_years,
    fact_caption,
    label_width,
    marker_date,
    place,
    short_caption,
    timeline_html,
)
from briefgen.timeline import _Axis as Axis

WIDTH = 182.0


def event(date: PartialDate, lang: str = "fr", caption: str = "Un fait") -> TimelineEvent:
    return TimelineEvent(date, i18n.format_partial_date(date, lang), caption)


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own output, parsed to inspect it


def labels(root: ET.Element) -> list[ET.Element]:
    return [e for e in root.iter("div") if "tl-event" in e.get("class", "")]


def style(element: ET.Element, name: str) -> float:
    match = re.search(rf"{name}: ([\d.-]+)mm", element.get("style", ""))
    assert match, element.get("style")
    return float(match.group(1))


def shapes(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if e.tag.rpartition("}")[2] == name]


def texts(root: ET.Element, kind: str) -> list[str]:
    return [e.text or "" for e in root.iter("span") if e.get("class") == kind]


def test_one_dated_fact() -> None:
    root = parse(timeline_html([event(PartialDate(2018, 6, 26))], str, width=WIDTH))
    assert texts(root, "tl-date") == ["26 juin 2018"]
    assert texts(root, "tl-caption") == ["Un fait"]
    assert len(shapes(root, "circle")) == 1
    assert texts(root, "tl-tick")  # a year axis around the single date


def test_dates_at_their_precision() -> None:
    assert marker_date(PartialDate(2019, 11, 5)) == dt.date(2019, 11, 5)
    assert marker_date(PartialDate(2023, 6)) == dt.date(2023, 6, 15)
    assert marker_date(PartialDate(2017)) == dt.date(2017, 7, 1)
    dates = [PartialDate(2019, 11, 5), PartialDate(2023, 6), PartialDate(2017)]
    root = parse(timeline_html([event(d) for d in dates], str, width=WIDTH))
    assert texts(root, "tl-date") == ["2017", "5 novembre 2019", "juin 2023"]
    assert len(shapes(root, "rect")) == 1  # the year-precision fact spans its year
    hollow = [c for c in shapes(root, "circle") if c.get("fill") == "#ffffff"]
    assert len(hollow) == 2  # month and year precision are drawn hollow, the day solid


def test_several_in_the_same_year_do_not_overlap() -> None:
    dates = [PartialDate(2021, 3, 1), PartialDate(2021, 3, 2), PartialDate(2021, 5),
             PartialDate(2021), PartialDate(2021, 12, 31)]
    events = [event(d, caption=f"Caption number {i}") for i, d in enumerate(dates)]
    root = parse(timeline_html(events, str, width=WIDTH))
    assert len(labels(root)) == len(events)
    assert_no_overlap(root)


def test_twelve_over_twenty_years() -> None:
    dates = [PartialDate(2004 + round(i * 20 / 11), 1 + i % 12, 1 + i) for i in range(12)]
    events = [event(d, "en", caption=f"Event {i} with a caption") for i, d in enumerate(dates)]
    root = parse(timeline_html(events, str, width=WIDTH))
    assert texts(root, "tl-date") == [e.label for e in events]
    assert_no_overlap(root)
    ticks = texts(root, "tl-tick")
    assert "2004" in ticks and "2024" in ticks and len(ticks) <= 12  # every other year
    for label in labels(root):  # inside the drawing
        assert style(label, "left") >= -0.01
        assert style(label, "left") + style(label, "width") <= WIDTH + 0.01


def assert_no_overlap(root: ET.Element) -> None:
    boxes = [
        (style(e, "top"), style(e, "left"), style(e, "left") + style(e, "width"))
        for e in labels(root)
    ]
    for i, (top, left, right) in enumerate(boxes):
        for other_top, other_left, other_right in boxes[i + 1:]:
            same_row = abs(top - other_top) < 1
            assert not (same_row and left < other_right and other_left < right), boxes


def test_right_to_left_mirrors_the_axis() -> None:
    early, late = event(PartialDate(2010, 1, 1), "ar"), event(PartialDate(2020, 1, 1), "ar")
    years = axis_years([early, late])
    ltr, rtl = Axis(years, WIDTH, rtl=False), Axis(years, WIDTH, rtl=True)
    assert ltr.x(marker_date(early.date)) < ltr.x(marker_date(late.date))
    assert rtl.x(marker_date(early.date)) > rtl.x(marker_date(late.date))
    placed = place([early, late], rtl, WIDTH)
    assert placed[0].x > placed[1].x  # earliest at the right
    root = parse(timeline_html([early, late], str, width=WIDTH, rtl=True))
    assert texts(root, "tl-date") == ["1 يناير 2010", "1 يناير 2020"]


def test_text_is_escaped() -> None:
    hostile = '<script>alert("x")</script> & <svg onload="x">'
    markup = timeline_html(
        [TimelineEvent(PartialDate(2020), "2020 <b>", hostile)], str, width=WIDTH, title="<t>"
    )
    assert "<script>" not in markup and "<svg onload" not in markup and "<b>" not in markup
    root = parse(markup)
    assert texts(root, "tl-caption") == [hostile]  # the text survives, as text
    assert texts(root, "tl-date") == ["2020 <b>"]


def test_short_caption() -> None:
    assert short_caption("Le Maroc co-préside l'Africa Focus Group", 20) == "Le Maroc co-préside…"
    assert short_caption("Court.") == "Court."
    assert short_caption("Anticonstitutionnellement" * 3, 10) == "Anticonsti…"


def test_label_width_grows_with_the_text() -> None:
    short, long = event(PartialDate(2020)), event(PartialDate(2020), caption="x" * 40)
    assert label_width(long) > label_width(short)


def test_no_events_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one"):
        timeline_html([], str)


def test_the_model_s_year_bounds_fit_on_an_axis() -> None:
    """Years are bounded in the model (1000-2999) so that every axis stays in Python's
    calendar: ``date: 9999`` crashed the fact sheet before."""
    from briefgen.dates import MAX_YEAR, MIN_YEAR

    for dates in ([PartialDate(MIN_YEAR)], [PartialDate(MAX_YEAR)],
                  [PartialDate(MIN_YEAR, 1, 1), PartialDate(MAX_YEAR, 12, 31)]):
        root = parse(timeline_html([event(d) for d in dates], str, width=WIDTH))
        assert len(texts(root, "tl-date")) == len(dates)


def test_a_facts_caption_is_a_short_phrase_without_its_date() -> None:
    """A dated fact without a label: its text, less the date the timeline prints above it
    and its full stop, cut at a clause or a word (never a bare date, in any language)."""
    assert fact_caption("Le Maroc a organisé à Skhirat, le 26 juin 2018, la 1re réunion "
                        "régionale des Directeurs politiques.", "26 juin 2018", 40) == (
        "Le Maroc a organisé à Skhirat la 1re…")
    assert fact_caption("In 2021, Morocco joined the group.", "2021", 40) == (
        "Morocco joined the group")
    assert fact_caption("Mise en service du barrage de Manantali.", "1988", 40) == (
        "Mise en service du barrage de Manantali")
    assert fact_caption("نظم المغرب بالصخيرات، بتاريخ 26 يونيو 2018، الاجتماع الإقليمي الأول",
                        "26 يونيو 2018", 40) == "نظم المغرب بالصخيرات الاجتماع الإقليمي…"
    long = fact_caption("Completion of the Gouina hydroelectric plant in Mali, a project "
                        "of the organisation.", "July 2025", 40)
    assert long == "Completion of the Gouina hydroelectric…" and len(long) <= 40
