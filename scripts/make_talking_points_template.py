"""Regenerate ``templates/talking-points.docx``, the default Word template of the talking points.

    .venv/bin/python scripts/make_talking_points_template.py   (or: make talking-points-template)

The template is made from python-docx calls so that it can be reviewed as code; the output is
byte-reproducible, and ``tests/test_talking_points.py`` checks that the committed file is what
this script makes. Everything a reader sees is set through named styles (Title, Heading 1,
List Number, Supporting Fact, ...), so restyling a style in Word carries through every build.

The text holds docxtpl tags: ``{{ pack.title }}`` fills a value, ``{{ _("Purpose") }}`` a
translated label, and a paragraph or table row holding only ``{%p ... %}`` or ``{%tr ... %}``
is a loop or condition that disappears from the output.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from briefgen.docx import to_bytes

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "templates" / "talking-points.docx"
# The faces of the PDFs, shipped in templates/fonts/ and embedded in every rendered document,
# so Word and LibreOffice show the talking points in them on any machine. Restyle freely: a
# family of the project's templates/fonts/ is embedded too, any other is left to the reader's.
SERIF = "Noto Serif"  # text, as in the PDFs
SANS = "Noto Sans"  # headings, labels, header and footer, as in the PDFs
ARABIC = "Noto Naskh Arabic"  # the complex-script slot: Arabic text in any style
NAVY = RGBColor(0x1F, 0x38, 0x64)
GREY = RGBColor(0x59, 0x59, 0x59)
RED = RGBColor(0xA5, 0x00, 0x21)
GREEN = RGBColor(0x2F, 0x6B, 0x3A)
NAVY_HEX, GREEN_HEX = "1F3864", "2F6B3A"
LIST_INDENT = Cm(0.75)
# The meeting table's labels: wide enough for the longest shipped label in one line
# (German "Gesprächspartner"); the values take the rest of the 16 cm line.
LABELS = Cm(4)
THEME_FONTS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")
PPR = qn("w:pPr")
THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"


def build() -> Any:
    """The template as a python-docx ``Document``."""
    document = Document()
    _clean_package(document)
    _page(document)
    _styles(document)
    _header_and_footer(document)
    _body(document)
    return document


def main() -> None:
    OUTPUT.write_bytes(to_bytes(build()))
    sys.stdout.write(f"wrote {OUTPUT}\n")


# -- Package and page ----------------------------------------------------------------------


def _clean_package(document: Any) -> None:
    """No preview image of python-docx's sample; neutral core properties."""
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == THUMBNAIL:
            del package.rels[rel_id]
    core = document.core_properties
    core.author = ""
    core.comments = ""
    core.last_modified_by = ""


def _page(document: Any) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    section.top_margin = section.bottom_margin = Cm(2.2)
    section.left_margin = section.right_margin = Cm(2.5)
    section.header_distance = section.footer_distance = Cm(1.1)


# -- Styles --------------------------------------------------------------------------------


def _styles(document: Any) -> None:
    _default_fonts(document)
    styles = document.styles
    normal = styles["Normal"]
    normal.font.size = Pt(11)
    _spacing(normal, after=6, line=1.15)
    title = styles["Title"]
    _font(title, size=18, bold=True, color=NAVY)
    _spacing(title, after=10, line=1.0)
    _remove(title.element, "w:pPr/w:pBdr", "w:rPr/w:spacing", "w:rPr/w:kern")
    kind = _paragraph_style(document, "Document Type", "Normal")
    _font(kind, size=10, bold=True, color=GREY, caps=True, family=SANS)
    _spacing(kind, after=2)
    heading = styles["Heading 1"]
    _font(heading, size=12, bold=True, color=NAVY, family=SANS)
    _spacing(heading, before=14, after=4)
    points = styles["List Number"]
    _spacing(points, before=6, after=2)
    points.paragraph_format.keep_with_next = True  # a point stays with its supporting fact
    _remove(points.element, "w:pPr/w:contextualSpacing")
    _list_indent(document, "List Number")
    # The lines if raised: their own series, lettered A, B, ... as in every document (the
    # letters come from the view, followed by a tab to the hanging indent).
    raised = _paragraph_style(document, "If Raised", "Normal")
    _spacing(raised, before=6, after=2)
    _hanging(raised)
    point = _paragraph_style(document, "Raised Point", "If Raised")
    _font(point, italic=True)
    point.paragraph_format.keep_with_next = True  # the point stays with our response
    response = _paragraph_style(document, "Raised Response", "Normal")
    _spacing(response, after=2)
    response.paragraph_format.left_indent = LIST_INDENT
    letterhead = _paragraph_style(document, "Letterhead", "Normal")
    _font(letterhead, size=9, bold=True, caps=True, family=SANS)
    _spacing(letterhead, after=0, line=1.0)
    place_date = _paragraph_style(document, "Place Date", "Normal")
    _font(place_date, size=9, family=SANS)
    place_date.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _spacing(place_date, before=6, after=6)
    routing = _paragraph_style(document, "Routing", "Normal")
    _font(routing, size=9, family=SANS)
    _spacing(routing, after=2, line=1.0)
    routing.paragraph_format.tab_stops.add_tab_stop(LABELS)
    summary = _paragraph_style(document, "Summary", "Normal")
    _font(summary, bold=True)
    _spacing(summary, before=8, after=8)
    _box(summary, "single", NAVY_HEX, "F3F5F8")
    press = _paragraph_style(document, "Press Line", "Normal")
    press.paragraph_format.left_indent = Cm(0.4)
    _box(press, "start", GREEN_HEX, None)
    mark = _character_style(document, "Press Mark")
    _font(mark, size=8, bold=True, color=GREEN, caps=True, family=SANS)
    objective = document.styles["List Bullet"]
    _spacing(objective, after=3)
    _remove(objective.element, "w:pPr/w:contextualSpacing")
    _list_indent(document, "List Bullet")
    status = _character_style(document, "Status")
    _font(status, bold=True, color=RED)
    notice = _paragraph_style(document, "Apparatus", "Normal")
    _font(notice, size=8.5, color=GREY)
    _spacing(notice, after=2, line=1.0)
    support = _paragraph_style(document, "Supporting Fact", "Normal")
    _font(support, size=9, color=GREY)
    _spacing(support, after=4, line=1.0)
    support.paragraph_format.left_indent = LIST_INDENT
    reference = _character_style(document, "Source Reference")
    _font(reference, color=NAVY, family=SANS)
    source = _paragraph_style(document, "Source", "Normal")
    _font(source, size=9)
    _spacing(source, after=2, line=1.0)
    colophon = _paragraph_style(document, "Colophon", "Normal")
    _font(colophon, size=8.5, italic=True, color=GREY, family=SANS)
    _spacing(colophon, before=18)
    label = _paragraph_style(document, "Meeting Label", "Normal")
    _font(label, size=10, bold=True, color=GREY, family=SANS)
    _spacing(label, after=2)
    detail = _paragraph_style(document, "Meeting Detail", "Normal")
    _spacing(detail, after=2)
    for name in ("Header", "Footer"):
        _font(styles[name], size=8.5, color=GREY, family=SANS)
        styles[name].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    marking = _character_style(document, "Classification")
    _font(marking, size=9, bold=True, color=RED, caps=True, family=SANS)
    details = styles.add_style("Meeting Details", WD_STYLE_TYPE.TABLE)
    details.base_style = styles["Normal Table"]


def _default_fonts(document: Any) -> None:
    """Explicit fonts for every script, instead of python-docx's theme fonts."""
    styles = document.styles.element
    for fonts in styles.iter(qn("w:rFonts")):
        for attribute in THEME_FONTS:
            fonts.attrib.pop(qn(f"w:{attribute}"), None)
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    for slot in ("ascii", "hAnsi", "eastAsia"):
        fonts.set(qn(f"w:{slot}"), SERIF)
    fonts.set(qn("w:cs"), ARABIC)


def _paragraph_style(document: Any, name: str, base: str) -> Any:
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles[base]
    style.quick_style = True
    return style


def _character_style(document: Any, name: str) -> Any:
    style = document.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
    style.base_style = document.styles["Default Paragraph Font"]
    style.quick_style = True
    return style


def _font(style: Any, *, size: float | None = None, bold: bool | None = None,
          italic: bool | None = None, color: RGBColor | None = None,
          caps: bool | None = None, family: str | None = None) -> None:
    """Set a style's font, Latin and complex-script (Arabic) slots alike; ``family`` is the
    Latin one (the complex-script slot keeps the document default's)."""
    font = style.font
    if family is not None:
        font.name = family
    if size is not None:
        font.size = Pt(size)
        _property(style, "w:szCs", str(int(size * 2)))
    if bold is not None:
        font.bold = bold
        _property(style, "w:bCs", None)
    if italic is not None:
        font.italic = italic
        _property(style, "w:iCs", None)
    if color is not None:
        font.color.rgb = color
    if caps is not None:
        font.all_caps = caps


def _property(style: Any, tag: str, value: str | None) -> None:
    rpr = style.element.get_or_add_rPr()
    _remove(rpr, tag)
    element = OxmlElement(tag, {qn("w:val"): value} if value else None)
    twin = rpr.find(qn(tag[:-2]))  # w:szCs follows w:sz, w:bCs w:b, w:iCs w:i
    twin.addnext(element)


def _spacing(style: Any, *, before: float | None = None, after: float | None = None,
             line: float | None = None) -> None:
    paragraph = style.paragraph_format
    if before is not None:
        paragraph.space_before = Pt(before)
    if after is not None:
        paragraph.space_after = Pt(after)
    if line is not None:
        paragraph.line_spacing = line


def _hanging(style: Any) -> None:
    """Text at LIST_INDENT, the first line's marker in the margin before a tab stop."""
    paragraph = style.paragraph_format
    paragraph.left_indent = LIST_INDENT
    paragraph.first_line_indent = -LIST_INDENT
    paragraph.tab_stops.add_tab_stop(LIST_INDENT)


def _box(style: Any, sides: str, color: str, fill: str | None) -> None:
    """A border around the paragraphs of ``style`` (``single``: all four sides; ``start``:
    a rule at the start side) and a background ``fill``."""
    ppr = style.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    names = ("top", "left", "bottom", "right") if sides == "single" else ("left",)
    for name in names:
        borders.append(OxmlElement(f"w:{name}", {
            qn("w:val"): "single", qn("w:sz"): "8" if sides == "single" else "16",
            qn("w:space"): "4", qn("w:color"): color}))
    ppr.append(borders)
    if fill:
        ppr.append(OxmlElement("w:shd", {qn("w:val"): "clear", qn("w:color"): "auto",
                                         qn("w:fill"): fill}))


def _remove(element: Any, *paths: str) -> None:
    for path in paths:
        for found in element.xpath(path):
            found.getparent().remove(found)


def _list_indent(document: Any, style: str) -> None:
    """A list style's numbering level: number at the margin, text at LIST_INDENT."""
    numbering = document.part.numbering_part.element
    style_id = document.styles[style].style_id
    for level in numbering.xpath(f'.//w:lvl[w:pStyle[@w:val="{style_id}"]]'):
        level.find(f"{PPR}/{qn('w:tabs')}/{qn('w:tab')}").set(qn("w:pos"), str(LIST_INDENT.twips))
        indent = level.find(f"{PPR}/{qn('w:ind')}")
        indent.set(qn("w:left"), str(LIST_INDENT.twips))
        indent.set(qn("w:hanging"), str(LIST_INDENT.twips))
        if level.find(qn("w:numFmt")).get(qn("w:val")) == "bullet":
            # A bullet in a shipped face ("•"), not Symbol's private-use one.
            level.find(qn("w:lvlText")).set(qn("w:val"), "\u2022")
            fonts = level.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
            for slot in ("ascii", "hAnsi", "cs"):
                fonts.set(qn(f"w:{slot}"), SANS)


# -- Header and footer ---------------------------------------------------------------------


def _header_and_footer(document: Any) -> None:
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.style = document.styles["Header"]
    header.add_run("{{ pack.classification }}", style="Classification")
    footer = section.footer
    marking = footer.paragraphs[0]
    marking.style = document.styles["Footer"]
    marking.add_run("{{ pack.classification }}", style="Classification")
    pages = footer.add_paragraph(style="Footer")
    pages.add_run('{% if pack.reference %}{{ pack.reference }} · {% endif %}{{ _("Page") }} ')
    _field(pages, "PAGE")
    pages.add_run(" / ")
    _field(pages, "NUMPAGES")


def _field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) as begin / instruction / separate / result / end runs."""
    for kind, text in (("begin", None), (None, f" {instruction} "), ("separate", None),
                       (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            run._r.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): kind}))
        elif text == "1":
            run.text = text
        else:
            code = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
            code.text = text
            run._r.append(code)


# -- Body ----------------------------------------------------------------------------------


def _body(document: Any) -> None:
    add = document.add_paragraph
    _routing(add)
    kind = add('{{ _("Talking points") }}', style="Document Type")
    kind.add_run('{% if pack.is_draft %} · {{ _("Draft") }}{% endif %}', style="Status")
    add("{%p if pack.reference %}")
    add('{{ _("Ref.") }} {{ pack.reference }}', style="Apparatus")
    add("{%p endif %}")
    add("{{ pack.title }}", style="Title")
    _meeting_table(document)
    add("{%p if pack.summary %}")
    add("{{ pack.summary }}", style="Summary")
    add("{%p endif %}")
    add("{%p if pack.purpose %}")
    add(_by_meeting_type("Purpose"), style="Heading 1")
    add("{{ pack.purpose }}")
    add("{%p endif %}")
    _list_section(add, "pack.objectives", '{{ _("Objectives") }}', "objective", "objective",
                  "List Bullet")
    _list_section(add, "pack.their_objectives", '{{ _("Their objectives") }}', "objective",
                  "objective", "List Bullet")
    add("{%p for group in groups %}")
    add("{{ group.title }}", style="Heading 1")
    add("{%p for point in group.points %}")
    add("{% if point.marking %}({{ point.marking }}) {% endif %}{{ point.text }}",
        style="List Number")
    add("{%p if point.support or point.refs %}")
    support = add("{{ point.support }}", style="Supporting Fact")
    support.add_run("{{ point.refs }}", style="Source Reference")
    add("{%p endif %}")
    add("{%p endfor %}")
    add("{%p endfor %}")
    add("{%p if not groups %}")
    add('{{ _("No fact in this pack has a talking point.") }}')
    add("{%p endif %}")
    _if_raised(add)
    add("{%p if pack.press_line %}")
    press = add('{{ _("Press line") }} ', style="Heading 1")
    press.add_run('{{ _("may be said publicly") }}', style="Press Mark")
    add("{{ pack.press_line }}", style="Press Line")
    add("{%p endif %}")
    add("{%p if sources %}")
    add('{{ ngettext("Source", "Sources", sources | length) }}', style="Heading 1")
    add("{%p for source in sources %}")
    add("[{{ source.label }}] {{ source.title }}"
        "{% for part in [source.publisher, source.place, source.date_label] if part %}"
        "{{ punct.comma }}{{ part }}{% endfor %}"
        "{{ punct.end(source.date_label or source.place or source.publisher or source.title) }}",
        style="Source")
    add("{%p endfor %}")
    add("{%p endif %}")
    add('{{ _("Prepared on %(date)s", date=pack.issued_label) }}{{ punct.end(pack.issued_label) }} '
        '{{ _("Facts as of %(date)s", date=pack.as_of_label) }}{{ punct.end(pack.as_of_label) }}',
        style="Colophon")
    add("{%p if pack.drafted_by %}")
    add('{{ _("Drafted by %(person)s", person=pack.drafted_by.label(punct.comma)) }}',
        style="Apparatus")
    add("{%p endif %}")
    add("{%p if not pack.is_draft %}")
    add("{%p for who in pack.clearance %}")
    add('{{ _("Cleared by %(person)s on %(date)s", person=who.label(punct.comma), '
        "date=who.date_label) }}", style="Apparatus")
    add("{%p endfor %}")
    add("{%p endif %}")


def _routing(add: Any) -> None:
    """The letterhead's lines, the "place, date" line, the addressee and the routing."""
    add("{%p if pack.routing %}")
    add("{%p for line in pack.routing.letterhead %}")
    add("{{ line }}", style="Letterhead")
    add("{%p endfor %}")
    add("{%p if pack.routing.place %}")
    add('{{ _("%(place)s, %(date)s", place=pack.routing.place, date=pack.issued_label) }}',
        style="Place Date")
    add("{%p endif %}")
    add("{%p if pack.routing.to %}")
    add('{{ _("To") }}\t{{ pack.routing.to }}', style="Routing")
    add("{%p endif %}")
    add("{%p for via in pack.routing.via %}")
    add('{% if loop.first %}{{ _("Through") }}{% endif %}\t{{ via }}', style="Routing")
    add("{%p endfor %}")
    add("{%p endif %}")


def _if_raised(add: Any) -> None:
    """The lines if raised, lettered: what they may raise (the point, then our response),
    then the facts' defensive lines."""
    add("{%p if pack.if_raised %}")
    add('{{ _("If raised") }}', style="Heading 1")
    add("{%p for line in pack.if_raised %}")
    add("{%p if line.point %}")
    add("{{ line.label }}.\t{{ line.point }}", style="Raised Point")
    add("{{ line.text }}", style="Raised Response")
    add("{%p else %}")
    add("{{ line.label }}.\t{% if line.fact and line.fact.marking %}({{ line.fact.marking }}) "
        "{% endif %}{{ line.text }}", style="If Raised")
    add("{%p endif %}")
    add("{%p endfor %}")
    add("{%p endif %}")


def _by_meeting_type(label: str) -> str:
    """A label that follows the kind of meeting (bilateral talks: the plain label)."""
    text = "".join(
        f'{{% {"if" if index == 0 else "elif"} pack.meeting_type == "{kind}" %}}'
        f'{{{{ pgettext("{kind}", "{label}") }}}}'
        for index, kind in enumerate(("multilateral", "call", "visit"))
    )
    return text + f'{{% else %}}{{{{ _("{label}") }}}}{{% endif %}}'


def _list_section(add: Any, items: str, heading: str, name: str, text: str,
                  style: str) -> None:
    """A section shown only when ``items`` has any: its heading, then a paragraph in
    ``style`` for each item (``name`` in the loop, ``text`` printed)."""
    add(f"{{%p if {items} %}}")
    add(heading, style="Heading 1")
    add(f"{{%p for {name} in {items} %}}")
    add(f"{{{{ {text} }}}}", style=style)
    add("{%p endfor %}")
    add("{%p endif %}")


def _meeting_table(document: Any) -> None:
    rows = [
        ('{{ _("Date") }}', "{{ pack.date_label }}"),
        ("{%tr if pack.place %}", ""),
        ('{{ _("Place") }}', "{{ pack.place }}"),
        ("{%tr endif %}", ""),
        ("{%tr if pack.counterpart_name or pack.counterpart_person %}", ""),
        ('{{ _("Counterpart") }}',
         "{% if pack.counterpart_person %}{{ pack.counterpart_person.name }}"
         "{% if pack.counterpart_person.post() %}{{ punct.comma }}"
         "{{ pack.counterpart_person.post(punct.comma) }}{% endif %}"
         "{% if pack.counterpart_name %} ({{ pack.counterpart_name }}){% endif %}"
         "{% else %}{{ pack.counterpart_name }}{% endif %}"),
        ("{%tr endif %}", ""),
    ]
    table = document.add_table(rows=len(rows), cols=2)
    table.style = document.styles["Meeting Details"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    for row, (label, value) in zip(table.rows, rows, strict=True):
        cells = row.cells
        cells[0].width, cells[1].width = LABELS, Cm(16) - LABELS
        cells[0].paragraphs[0].text = label
        cells[0].paragraphs[0].style = document.styles["Meeting Label"]
        cells[1].paragraphs[0].text = value
        cells[1].paragraphs[0].style = document.styles["Meeting Detail"]
    for column, width in zip(table.columns, (LABELS, Cm(16) - LABELS), strict=True):
        column.width = width


if __name__ == "__main__":
    main()
