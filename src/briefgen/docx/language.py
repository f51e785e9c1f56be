"""What a document's language changes in it: right to left, digits, proofing language.

:func:`make_right_to_left` marks paragraphs, runs, tables and sections right to left;
:func:`set_digits` numbers lists and pages in a numbering system's digits;
:func:`set_language` sets the proofing language. Property elements are added in the order
the schema gives them (Word refuses a file whose children are out of order).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from briefgen.docx.wordml import _make, _ppr_default, _rpr_default, _w

DEFAULT_RTL_FONT = "Noto Naskh Arabic"  # shipped, and embedded in the output

# Child order of the property elements (ECMA-376 Part 1, 17.3.1.26, 17.3.2.28, 17.4.59,
# 17.6.17): Word refuses a file whose children are out of order.
_PPR_ORDER = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
    "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap",
    "jc", "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId",
    "cnfStyle", "rPr", "sectPr", "pPrChange",
)
_RPR_ORDER = (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
    "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden",
    "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect",
    "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout",
    "specVanish", "oMath",
)
_STYLE_ORDER = (  # 17.7.4.17
    "name", "aliases", "basedOn", "next", "link", "autoRedefine", "hidden", "uiPriority",
    "semiHidden", "unhideWhenUsed", "qFormat", "locked", "personal", "personalCompose",
    "personalReply", "rsid", "pPr", "rPr", "tblPr", "trPr", "tcPr", "tblStylePr",
)
_TBLPR_ORDER = (
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
    "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
    "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription", "tblPrChange",
)
_SECTPR_ORDER = (
    "headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
    "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign",
    "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings",
    "sectPrChange",
)
# Bold and size apply to right-to-left text through their complex-script twins; italic
# never does (Arabic, Hebrew and Persian have no italic: Word would slant the letters).
_CS_TWINS = {"b": "bCs", "sz": "szCs"}


def make_right_to_left(document: Any, language: str, font: str = DEFAULT_RTL_FONT) -> None:
    """Mark every paragraph, run, table and section of ``document`` right to left.

    Paragraphs get ``w:bidi`` (Word then reads left/right alignment and indents as
    start/end, which mirrors them), runs ``w:rtl``, tables ``w:bidiVisual``, sections
    ``w:bidi``. The complex-script font slot and language are set in the document defaults
    where the template has none, and bold and size get their complex-script twins; no
    style or run slants right-to-left text (``w:iCs`` off, a toggle property: off at every
    level stays off).
    """
    for root in _story_roots(document):
        _mark_story(root)
    styles = document.styles.element
    for rpr in styles.iter(_w("rPr")):
        _add_cs_twins(rpr)
    for style in styles.iter(_w("style")):
        if style.get(_w("type")) in ("paragraph", "character", "table"):
            _upright(_child(style, "rPr", _STYLE_ORDER))
    defaults = _ppr_default(styles)
    _ensure(defaults, "bidi", _PPR_ORDER, parent_tag="pPr")
    fonts = _child(_rpr_default(styles), "rFonts", _RPR_ORDER)
    if not fonts.get(_w("cs")):
        fonts.set(_w("cs"), font)
    _child(_rpr_default(styles), "lang", _RPR_ORDER).set(_w("bidi"), language)


# Word's number formats (ECMA-376 Part 1, 17.18.59) for the digits of a numbering system:
# "hindiNumbers" are Arabic-Indic digits, which Word shapes as Persian ones in Persian text.
WORD_NUMBER_FORMATS = {"arab": "hindiNumbers", "arabext": "hindiNumbers", "thai": "thaiNumbers"}


def set_digits(document: Any, system: str) -> bool:
    """Number the lists (``List Number``) and pages (the PAGE field) of ``document`` in
    ``system``'s digits, where Word has a format for them; False where it has none (the
    text, dates and source numbers carry their own digits in any case)."""
    word_format = WORD_NUMBER_FORMATS.get(system)
    if word_format is None:
        return system == "latn"
    numbering = document.part.numbering_part.element
    for number_format in numbering.iter(_w("numFmt")):
        if number_format.get(_w("val")) == "decimal":
            number_format.set(_w("val"), word_format)
    for section in document.sections:
        _child(section._sectPr, "pgNumType", _SECTPR_ORDER).set(_w("fmt"), word_format)
    return True


def set_language(document: Any, language: str) -> None:
    """The proofing language of the document's text (``w:lang`` in the defaults)."""
    _child(_rpr_default(document.styles.element), "lang", _RPR_ORDER).set(_w("val"), language)


def _story_roots(document: Any) -> Iterator[Any]:
    """The body and every header and footer part's root element."""
    yield document.element.body
    seen: set[int] = set()
    for section in document.sections:
        for item in (section.header, section.footer, section.first_page_header,
                     section.first_page_footer, section.even_page_header,
                     section.even_page_footer):
            if not item.is_linked_to_previous and id(item.part) not in seen:
                seen.add(id(item.part))
                yield item.part.element


def _mark_story(root: Any) -> None:
    for paragraph in root.iter(_w("p")):
        _ensure(paragraph, "bidi", _PPR_ORDER, parent_tag="pPr")
    for run in root.iter(_w("r")):
        _ensure(run, "rtl", _RPR_ORDER, parent_tag="rPr")
        rpr = run.find(_w("rPr"))
        if rpr is not None:
            _add_cs_twins(rpr)
            if rpr.find(_w("i")) is not None or rpr.find(_w("iCs")) is not None:
                _upright(rpr)
    for table in root.iter(_w("tbl")):
        _ensure(table, "bidiVisual", _TBLPR_ORDER, parent_tag="tblPr")
    for section in root.iter(_w("sectPr")):
        _insert_ordered(section, _make("bidi"), _SECTPR_ORDER)


def _add_cs_twins(rpr: Any) -> None:
    for tag, twin in _CS_TWINS.items():
        element = rpr.find(_w(tag))
        if element is not None and rpr.find(_w(twin)) is None:
            copy = _make(twin)
            for name, value in element.attrib.items():
                copy.set(name, value)
            _insert_ordered(rpr, copy, _RPR_ORDER)


def _upright(rpr: Any) -> None:
    _child(rpr, "iCs", _RPR_ORDER).set(_w("val"), "0")


def _ensure(parent: Any, tag: str, order: tuple[str, ...], *, parent_tag: str) -> None:
    """Add ``<w:tag/>`` to ``parent``'s ``parent_tag`` properties (always its first child)."""
    properties = parent.find(_w(parent_tag))
    if properties is None:
        properties = _make(parent_tag)
        parent.insert(0, properties)
    if properties.find(_w(tag)) is None:
        _insert_ordered(properties, _make(tag), order)


def _child(parent: Any, tag: str, order: tuple[str, ...]) -> Any:
    element = parent.find(_w(tag))
    if element is None:
        element = _make(tag)
        _insert_ordered(parent, element, order)
    return element


def _insert_ordered(parent: Any, element: Any, order: tuple[str, ...]) -> None:
    """Insert ``element`` before the first child that comes after it in ``order``."""
    local = element.tag.rpartition("}")[2]
    if parent.find(element.tag) is not None:
        return
    later = {_w(tag) for tag in order[order.index(local) + 1:]}
    for index, child in enumerate(parent):
        if child.tag in later:
            parent.insert(index, element)
            return
    parent.append(element)
