"""The DOCX talking points: the page a minister holds, from the Word template staff can edit.

One numbered point per fact that has a ``talking_point``, grouped like the note's
background (its sections), numbered like the note's key messages, each with its supporting
fact and source numbers (those of the note) in a smaller style; the lines to take if a
subject is raised, in their own series. The Word template ``talking-points.docx`` lays it
out; :mod:`briefgen.docx` renders it, and a draft gets Word's own watermark.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from briefgen import docx, i18n

if TYPE_CHECKING:
    from briefgen.context import FactView, PackView, SourceView
    from briefgen.documents import Engines, Rendered

TEMPLATE = "talking-points.docx"
NBSP = "\u00a0"


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


# The same labels as the HTML documents' (templates/_blocks.html, section_title).
GROUP_TITLES = {
    "position": N_("Position"),
    "principle": N_("Guiding principles"),
    "membership": N_("Memberships and roles"),
    "event": N_("Events"),
    "figure": N_("Key figures"),
}


@dataclass(frozen=True)
class Point:
    """One talking point: its number (the note's), what to say, and what backs it (empty
    when it adds nothing)."""

    number: int
    fact: str
    text: str
    support: str
    refs: str
    sources: tuple[SourceView, ...]


@dataclass(frozen=True)
class Group:
    title: str
    points: tuple[Point, ...]


def render(view: PackView, engines: Engines) -> Rendered:
    from briefgen.documents import Rendered

    translations = engines.templates.translations(view.labels_lang)
    gettext = translations.gettext
    groups = talking_points(view, gettext, i18n.Punctuation.of(translations).comma)
    points = [point for group in groups for point in group.points]
    sources = cited_sources(points)
    document = engines.docx.render(TEMPLATE, view.lang,
                                   {"pack": view, "groups": groups, "sources": sources},
                                   view.labels_lang)
    if view.is_draft:
        docx.add_watermark(document, gettext("DRAFT"))
    _finish(document, view, gettext)
    return Rendered(
        docx.to_bytes(document, engines.docx.fonts), None,
        tuple(point.fact for point in points),
        tuple(f"{source.base_id}/{source.id}" for source in sources),
        missing_markings(document, view.classification),
    )


def talking_points(view: PackView, gettext: Callable[[str], str],
                   comma: str = ", ") -> tuple[Group, ...]:
    """The key messages, in the note's background groups, with the note's numbers."""
    numbers = {(line.fact.base_id, line.fact.id): line.number for line in view.key_messages}
    groups = []
    for section in view.sections:
        points = tuple(
            _point(fact, numbers[(fact.base_id, fact.id)], comma)
            for fact in section.facts if fact.talking_point
        )
        if points:
            title = section.title or gettext(GROUP_TITLES[section.kind])
            groups.append(Group(title, points))
    return tuple(groups)


def _point(fact: FactView, number: int, comma: str) -> Point:
    assert fact.talking_point is not None
    support = "" if _same(fact.text, fact.talking_point) else fact.text
    numbers = comma.join(fact.source_labels)
    refs = f"{NBSP if support else ''}[{numbers}]" if numbers else ""
    return Point(number, f"{fact.base_id}/{fact.id}", fact.talking_point, support, refs,
                 fact.sources)


def _same(first: str, second: str) -> bool:
    return " ".join(first.split()).casefold() == " ".join(second.split()).casefold()


def cited_sources(points: list[Point]) -> tuple[SourceView, ...]:
    """The sources the points cite, once each, by their number in the note."""
    by_number = {source.number: source for point in points for source in point.sources}
    return tuple(by_number[number] for number in sorted(by_number))


def _finish(document: Any, view: PackView, gettext: Callable[[str], str]) -> None:
    if view.dir == "rtl":
        docx.make_right_to_left(document, view.html_lang)
    else:
        docx.set_language(document, view.html_lang)
    docx.set_digits(document, view.numbering)
    docx.set_properties(document, docx.Properties(
        title=view.title,
        subject=gettext("Talking points: %(subject)s") % {"subject": view.subject_names},
        language=view.html_lang,
        keywords=view.id,
        issued=view.issued,
    ))


def missing_markings(document: Any, classification: str) -> list[str]:
    """A warning for each page header or footer of the template without the marking."""
    warnings = []
    for number, section in enumerate(document.sections, start=1):
        for name in _used_headers_and_footers(document, section):
            story = getattr(section, name)
            text = "".join(p.text for p in story.paragraphs) + "".join(
                cell.text for table in story.tables for row in table.rows for cell in row.cells
            )
            if classification not in text:
                where = name.replace("_", " ")
                warnings.append(
                    f"the {where} of section {number} of {TEMPLATE} does not show the "
                    f"classification marking ({classification})"
                )
    return warnings


def _used_headers_and_footers(document: Any, section: Any) -> list[str]:
    names = ["header", "footer"]
    if section.different_first_page_header_footer:
        names += ["first_page_header", "first_page_footer"]
    if document.settings.odd_and_even_pages_header_footer:
        names += ["even_page_header", "even_page_footer"]
    return names
