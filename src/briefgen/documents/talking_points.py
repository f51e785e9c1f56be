"""The DOCX talking points: the page a minister holds, from the Word template staff can edit.

One numbered point per fact that has a ``talking_point``, grouped like the note's
background (its sections), numbered like the note's key messages, each with its supporting
fact and source numbers (those of the note) in a smaller style; the lines to take if a
subject is raised, in their own series. The Word template ``talking-points.docx`` lays it
out; :mod:`briefgen.docx` renders it, and a draft gets Word's own watermark.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from briefgen import docx, i18n
from briefgen.documents.kinds import Engines, Rendered
from briefgen.fsutil import read_regular

if TYPE_CHECKING:
    from briefgen.templating import Templates
    from briefgen.views import FactView, PackView, SourceView

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
    translations = engines.templates.translations(view.labels_lang)
    gettext = translations.gettext
    groups = talking_points(view, gettext, i18n.Punctuation.of(translations).comma)
    points = [point for group in groups for point in group.points]
    sources = cited_sources(points)
    document = engines.docx.render(TEMPLATE, view.locale,
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


# What render() and _finish() read of the view, besides the points and sources.
_READ_BY_CODE = ("id", "lang", "labels", "status", "dir", "html_lang", "numbering", "title",
                 "subject_names", "issued", "classification")


def shows(view: PackView, templates: Templates) -> object:
    """What the document shows of ``view``: the points and the sources they cite, and the
    fields of the pack that the code and the Word template read (the whole view if the
    template uses ``pack`` otherwise than as ``pack.field``). A fact without a talking
    point is not in it: editing one does not render the talking points again."""
    fields = template_fields(templates.find(TEMPLATE))
    if fields is None:
        return view
    groups = talking_points(view, str)  # the labels' words are in the catalogs' fingerprint
    points = [point for group in groups for point in group.points]
    return (groups, cited_sources(points),
            [(name, getattr(view, name, None)) for name in sorted({*fields, *_READ_BY_CODE})])


MAX_PART_BYTES = 64 * 1024**2


def template_fields(path: Path) -> frozenset[str] | None:
    """The fields of ``pack`` that the Word template at ``path`` reads (``pack.title``),
    or None if it uses ``pack`` in any other way, or cannot be read."""
    try:
        data = read_regular(Path(os.path.realpath(path)), docx.MAX_TEMPLATE_BYTES)
    except OSError:
        return None
    return _fields(hashlib.sha256(data).hexdigest(), data)


@lru_cache(maxsize=8)
def _fields(digest: str, data: bytes) -> frozenset[str] | None:
    fields: set[str] = set()
    lexer = jinja2.Environment(autoescape=True)  # only its lexer is used
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            for info in package.infolist():
                if not info.filename.endswith(".xml") or info.file_size > MAX_PART_BYTES:
                    continue
                text = re.sub(r"<[^>]+>", "", package.read(info).decode("utf-8"))
                tokens = [(kind, value) for _, kind, value in lexer.lex(text)
                          if kind != "whitespace"]
                for index, (kind, value) in enumerate(tokens):
                    if kind != "name" or value != "pack":
                        continue
                    following = tokens[index + 1:index + 3]
                    if [token for token, _ in following] != ["operator", "name"] or \
                            following[0][1] != ".":
                        return None
                    fields.add(following[1][1])
    except (zipfile.BadZipFile, jinja2.TemplateSyntaxError, UnicodeDecodeError, ValueError):
        return None
    return frozenset(fields)


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
