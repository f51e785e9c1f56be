"""The DOCX engine: docxtpl rendering that never loses text, right to left, reproducible zips.

A Word template is a real ``.docx`` with Jinja tags in its text (docxtpl). Rendering here:

1. checks the template before opening it (size, zip bomb, every XML part parsed with no
   DOCTYPE or ENTITY in any encoding, no external relationship Word would fetch on open);
2. renders it with autoescape, ``StrictUndefined`` and the language's gettext catalog, every
   value escaped for XML (braces too: docxtpl rewrites ``{_{`` after rendering), so a fact's
   text is data and comes back exactly;
3. turns template mistakes into a :class:`RenderError` naming the template, part and paragraph;
4. for right-to-left languages marks paragraphs, runs, tables and sections as such;
5. sets the core properties from the pack (dates from the issue date, never the clock);
6. writes the package with fixed entry order and timestamps, so equal inputs give equal bytes.

docxtpl and python-docx are imported inside the functions that need them: importing
briefgen does not load them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import uuid
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from briefgen import i18n
from briefgen.errors import RenderError, excerpt
from briefgen.fonts import Face, completed, faces, font_files, subset
from briefgen.fonts import coverage as fonts_coverage
from briefgen.fsutil import NotAFile, read_regular
from briefgen.templating import install_labels

if TYPE_CHECKING:
    from briefgen.templating import Templates

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MAX_TEMPLATE_BYTES = 20 * 1024**2  # a letterhead and fonts fit; anything bigger is a mistake
MAX_UNPACKED_BYTES = 100 * 1024**2
MAX_RATIO = 100  # XML compresses ~10:1; a zip bomb compresses 1000:1
MAX_ENTRIES = 1000
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
DEFAULT_RTL_FONT = "Noto Naskh Arabic"  # shipped, and embedded in the output
RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_XML_TEXT_ESCAPES = {
    ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;",
    ord("'"): "&#39;", ord("{"): "&#123;", ord("}"): "&#125;",
}
# docxtpl's own tag flavours ({%p for %}, {{r x }}): plain Jinja to a message extractor.
_DOCXTPL_TAG = re.compile(r"([{][%{#])(?:p|tr|tc|r) ")
_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


@dataclass(frozen=True)
class Properties:
    """The core properties a rendered document carries (File > Properties in Word)."""

    title: str
    subject: str
    language: str
    keywords: str
    issued: dt.date


class DocxEngine:
    """Renders Word templates for one process; environments and checked templates are cached."""

    def __init__(self, templates: Templates) -> None:
        self.templates = templates
        self._environments: dict[tuple[str, str], tuple[object, jinja2.Environment]] = {}
        self._checked: dict[tuple[Path, int, int], bytes] = {}

    def environment(self, lang: str, labels: str | None = None) -> jinja2.Environment:
        """Escaping on, undefined is an error, labels through the catalog of ``labels``
        (default ``lang``); a catalog edited since gives a new environment."""
        labels = labels or lang
        catalogs = i18n.catalog_key(self.templates.locale_dirs, labels)
        cached = self._environments.get((lang, labels))
        if cached is None or cached[0] != catalogs:
            env = jinja2.Environment(
                autoescape=True,
                undefined=jinja2.StrictUndefined,
                extensions=["jinja2.ext.i18n"],
                finalize=xml_text,
            )
            install_labels(env, self.templates.translations(labels))
            cached = self._environments[(lang, labels)] = (catalogs, env)
        return cached[1]

    @cached_property
    def fonts(self) -> list[Face]:
        """The faces of the template folders' fonts: what documents embed."""
        return faces(font_files(self.templates.roots))

    def template_bytes(self, name: str) -> tuple[Path, bytes]:
        """The checked bytes of template ``name`` (the project's own, or the default)."""
        path = self.templates.find(name)
        stat = path.stat()
        key = (path, stat.st_mtime_ns, stat.st_size)
        if key not in self._checked:
            self._checked = {key: checked_template(path, self.display(path))}
        return path, self._checked[key]

    def display(self, path: Path) -> str:
        """A template path as a user finds it: ``templates/talking-points.docx``."""
        if path.parent == self.templates.default.resolve():
            return f"{path.name} (briefgen's default template)"
        for root in self.templates.roots:
            if path.is_relative_to(root):
                return str(path.relative_to(root.parent))
        return str(path)

    def render(self, name: str, lang: str, context: Mapping[str, object],
               labels: str | None = None) -> Any:
        """Template ``name`` filled with ``context``: a python-docx ``Document``."""
        from docxtpl import DocxTemplate

        path, data = self.template_bytes(name)
        where = self.display(path)
        try:
            template = DocxTemplate(io.BytesIO(data))
            template.init_docx()
        except Exception as error:  # python-docx raises many kinds on a broken package
            raise RenderError(f"cannot open the Word template: {error}", where,
                              "open it in Word or LibreOffice and save it as .docx") from None
        try:
            template.render(dict(context), self.environment(lang, labels))
        except jinja2.TemplateError as error:
            raise _located(error, template, where) from None
        except Exception as error:  # docxtpl's regex surgery can fail on unusual XML
            raise RenderError(f"docxtpl could not fill the Word template: {error!r}", where,
                              "compare it with briefgen's default talking-points.docx") from None
        return _reopened(template)


def _reopened(template: Any) -> Any:
    """The rendered document read back: docxtpl swaps header and footer parts under
    python-docx's feet, so its in-memory document no longer shows them."""
    from docx import Document

    saved = io.BytesIO()
    template.save(saved)
    return Document(io.BytesIO(saved.getvalue()))


def xml_text(value: object) -> Markup:
    """Any value as XML text: markup in it is text, braces cannot reach docxtpl's rewriting."""
    text = value.unescape() if isinstance(value, Markup) else str(value)
    return Markup(text.translate(_XML_TEXT_ESCAPES))  # noqa: S704 (escaped right here)


def _located(error: jinja2.TemplateError, template: Any, where: str) -> RenderError:
    part = template.current_rendering_part
    part_name = str(part.partname).lstrip("/") if part is not None else "word/document.xml"
    line = _template_line(error)
    if line is None:
        return RenderError(f"template error: {error.message} ({part_name})", where)
    paragraph = _paragraph_text(template, part, line)
    return RenderError(
        f"template error: {error.message} ({part_name}, paragraph {line - 1})", where,
        f'in "{paragraph}"' if paragraph else None,
    )


def _template_line(error: jinja2.TemplateError) -> int | None:
    if isinstance(error, jinja2.TemplateSyntaxError):
        return error.lineno
    traceback, line = error.__traceback__, None
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == "<template>":
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def _paragraph_text(template: Any, part: Any, line: int) -> str:
    """The text of the paragraph docxtpl placed on ``line`` of its Jinja source."""
    is_body = part is None or part is template.docx.part
    xml = template.get_xml() if is_body else template.get_part_xml(part)
    lines = re.sub(r"<w:p([ >])", r"\n<w:p\1", template.patch_xml(xml)).splitlines()
    text = re.sub(r"<[^>]+>", "", lines[line - 1]) if 0 < line <= len(lines) else ""
    return " ".join(text.split())[:120]


# -- The template, checked before python-docx opens it -------------------------------------


def checked_template(path: Path, where: str) -> bytes:
    """The bytes of a Word template that is safe to open, or a :class:`RenderError`."""
    try:
        data = read_regular(Path(os.path.realpath(path)), MAX_TEMPLATE_BYTES)
    except (NotAFile, OSError) as error:
        raise RenderError(f"cannot read the Word template: {error.strerror}", where) from None
    if len(data) > MAX_TEMPLATE_BYTES:
        raise RenderError(
            f"the Word template is more than {MAX_TEMPLATE_BYTES // 1024**2} MB", where,
            "remove large images or embedded fonts from it",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            _check_package(package, where)
    except zipfile.BadZipFile:
        raise RenderError("the Word template is not a .docx file (not a zip package)", where,
                          "save it from Word or LibreOffice as Word Document (.docx)") from None
    return data


def _check_package(package: zipfile.ZipFile, where: str) -> None:
    entries = package.infolist()
    if len(entries) > MAX_ENTRIES:
        raise RenderError(f"the Word template has {len(entries)} parts", where,
                          "save it again from Word or LibreOffice")
    if "word/document.xml" not in package.namelist():
        raise RenderError("the Word template has no word/document.xml", where,
                          "save it from Word or LibreOffice as Word Document (.docx)")
    budget = MAX_UNPACKED_BYTES
    for entry in entries:
        content = _read_bounded(package, entry, budget, where)
        budget -= len(content)
        if _is_xml(entry.filename, content):
            root = _parsed_part(entry.filename, content, where)
            if entry.filename.endswith(".rels"):
                _check_relationships(entry.filename, root, where)


def _is_xml(name: str, content: bytes) -> bool:
    """An XML part by its name or its first bytes (whatever its encoding)."""
    start = content.lstrip()[:4]
    return (name.endswith((".xml", ".rels", ".svg")) or start.startswith((*_BOMS, b"<"))
            or start in (b"<\x00?\x00", b"\x00<\x00?"))


def _parsed_part(name: str, content: bytes, where: str) -> Any:
    """The part parsed (lxml reads its encoding, UTF-16 too); a DOCTYPE is refused."""
    from lxml import etree  # type: ignore[import-untyped]

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as error:
        if _declares(content):
            raise _declaration_error(name, where) from None
        raise RenderError(f"the Word template's part {name} is not well-formed XML "
                          f"({excerpt(error, 120)})", where,
                          "save the template again from Word or LibreOffice") from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise _declaration_error(name, where)
    return root


def _declares(content: bytes) -> bool:
    """Whether a part that did not parse holds a declaration (an ENTITY outside a DTD)."""
    for encoding in ("utf-8", "utf-16", "utf-16-le", "utf-16-be"):
        text = content.decode(encoding, errors="ignore")
        if re.search(r"<!\s*(DOCTYPE|ENTITY)", text, re.IGNORECASE):
            return True
    return False


def _declaration_error(name: str, where: str) -> RenderError:
    return RenderError(
        f"the Word template's part {name} declares a DOCTYPE or ENTITY", where,
        "Word never writes one: save the template again from Word or LibreOffice",
    )


def _check_relationships(name: str, root: Any, where: str) -> None:
    """Refuse links Word follows when it opens a file: linked pictures, an attached
    template, OLE objects or frames on a server. Hyperlinks are only followed on a click."""
    for relationship in root.iter(f"{{{RELATIONSHIPS}}}Relationship"):
        kind = str(relationship.get("Type", "")).rpartition("/")[2]
        if relationship.get("TargetMode") != "External" or kind == "hyperlink":
            continue
        target = excerpt(relationship.get("Target", ""), 80)
        raise RenderError(
            f"the Word template's part {name} links to an external {kind} ({target}), which "
            "Word would fetch when the document is opened", where,
            "embed it instead: a picture inserted from a file, not linked; no attached "
            "template (Developer > Document Template)",
        )


def _read_bounded(package: zipfile.ZipFile, entry: zipfile.ZipInfo, budget: int,
                  where: str) -> bytes:
    limit = min(budget, max(entry.compress_size, 1024) * MAX_RATIO)
    with package.open(entry) as stream:
        content = stream.read(limit + 1)
    if len(content) > limit:
        raise RenderError(
            f"the Word template's part {entry.filename} unpacks to too much data "
            "(a zip bomb?)", where, "use the default template or save yours again from Word",
        )
    return content


# -- Right to left -------------------------------------------------------------------------

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
# Bold, italic and size apply to right-to-left text through their complex-script twins.
_CS_TWINS = {"b": "bCs", "i": "iCs", "sz": "szCs"}


def make_right_to_left(document: Any, language: str, font: str = DEFAULT_RTL_FONT) -> None:
    """Mark every paragraph, run, table and section of ``document`` right to left.

    Paragraphs get ``w:bidi`` (Word then reads left/right alignment and indents as
    start/end, which mirrors them), runs ``w:rtl``, tables ``w:bidiVisual``, sections
    ``w:bidi``. The complex-script font slot and language are set in the document defaults
    where the template has none, and bold, italic and size get their complex-script twins.
    """
    for root in _story_roots(document):
        _mark_story(root)
    styles = document.styles.element
    for rpr in styles.iter(_w("rPr")):
        _add_cs_twins(rpr)
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


def _ppr_default(styles: Any) -> Any:
    return _find_or_make(_doc_defaults(styles), "pPrDefault", at_start=False)


def _rpr_default(styles: Any) -> Any:
    rpr_default = _find_or_make(_doc_defaults(styles), "rPrDefault", at_start=True)
    return _find_or_make(rpr_default, "rPr", at_start=False)


def _doc_defaults(styles: Any) -> Any:
    return _find_or_make(styles, "docDefaults", at_start=True)


def _find_or_make(parent: Any, tag: str, *, at_start: bool) -> Any:
    """``parent``'s ``w:tag`` child, created first or last when it is missing."""
    element = parent.find(_w(tag))
    if element is None:
        element = _make(tag)
        if at_start:
            parent.insert(0, element)
        else:
            parent.append(element)
    return element


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _make(tag: str) -> Any:
    from lxml import etree

    return etree.Element(_w(tag))


# -- The draft watermark -------------------------------------------------------------------

# Word's own watermark (Design > Watermark): a VML text path in the page header, which Word
# and LibreOffice both show on every page, diagonally, behind the text.
_WATERMARK = """\
<w:r xmlns:w="{w}" xmlns:v="urn:schemas-microsoft-com:vml"
     xmlns:o="urn:schemas-microsoft-com:office:office"
     xmlns:w10="urn:schemas-microsoft-com:office:word"><w:rPr><w:noProof/></w:rPr><w:pict>\
<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" \
path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas><v:f eqn="sum #0 0 10800"/>\
<v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/><v:f eqn="sum 0 0 @2"/>\
<v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/><v:f eqn="if @0 21600 @1"/>\
<v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/><v:f eqn="mid @5 @6"/>\
<v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/>\
</v:formulas><v:path textpathok="t" o:connecttype="custom" \
o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>\
<v:textpath on="t" fitshape="t"/><v:handles><v:h position="#0,bottomRight" \
xrange="6629,14971"/></v:handles><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>\
<v:shape id="PowerPlusWaterMarkObject{number}" o:spid="_x0000_s{spid}" type="#_x0000_t136" \
style="position:absolute;margin-left:0;margin-top:0;width:{width}pt;height:{height}pt;\
rotation:315;z-index:-251654144;mso-position-horizontal:center;\
mso-position-horizontal-relative:margin;mso-position-vertical:center;\
mso-position-vertical-relative:margin" o:allowincell="f" fillcolor="#c0504d" stroked="f">\
<v:fill opacity=".2"/><v:textpath style="font-family:&quot;{font}&quot;;font-size:1pt" \
string="{text}"/><w10:wrap anchorx="margin" anchory="margin"/></v:shape></w:pict></w:r>"""


def add_watermark(document: Any, text: str) -> None:
    """Put Word's diagonal text watermark (``DRAFT``) in every header of every section."""
    from xml.sax.saxutils import quoteattr

    from lxml import etree

    font = _default_font(document)
    headers: dict[int, Any] = {}
    for section in document.sections:
        for item in _used_headers(document, section):
            headers.setdefault(id(item.part), item)
    for number, header in enumerate(headers.values(), start=1):
        paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        xml = _WATERMARK.format(
            w=W, number=number, spid=2048 + number, width=f"{9.5 * 72 / 2.54 * 2:.0f}",
            height=f"{3.4 * 72 / 2.54 * 2:.0f}", font=font, text=quoteattr(text)[1:-1],
        )
        paragraph._p.append(etree.fromstring(xml))


def _used_headers(document: Any, section: Any) -> list[Any]:
    headers = [section.header]
    if section.different_first_page_header_footer:
        headers.append(section.first_page_header)
    if document.settings.odd_and_even_pages_header_footer:
        headers.append(section.even_page_header)
    return headers


def _default_font(document: Any) -> str:
    fonts = _rpr_default(document.styles.element).find(_w("rFonts"))
    name = fonts.get(_w("ascii")) if fonts is not None else None
    return str(name or "Arial")


# -- Properties and the package ------------------------------------------------------------


def set_properties(document: Any, properties: Properties) -> None:
    """Core properties from the pack; created and modified are the issue date, at midnight."""
    core = document.core_properties
    midnight = dt.datetime.combine(properties.issued, dt.time())
    core.title = properties.title
    core.subject = properties.subject
    core.language = properties.language
    core.keywords = properties.keywords
    core.created = midnight
    core.modified = midnight
    core.last_printed = midnight
    core.revision = 1
    core.last_modified_by = "briefgen"


def to_bytes(document: Any, fonts: Sequence[Face] = ()) -> bytes:
    """The package, byte-reproducible: fixed entry order, timestamps and permissions; the
    families of ``fonts`` its text is set in embedded (:func:`embed_fonts`). It is zipped
    once, from python-docx's parts."""
    parts = _package_parts(document)
    return zipped(_with_fonts(parts, fonts) if fonts else parts)


class _Collected(dict[str, bytes]):
    """python-docx's package writer's destination, as parts by name instead of a zip."""

    def write(self, pack_uri: Any, blob: bytes) -> None:
        self[pack_uri.membername] = blob


def _package_parts(document: Any) -> dict[str, bytes]:
    """The parts python-docx would zip, by name (what ``OpcPackage.save`` writes)."""
    package = document.part.package
    try:
        from docx.opc.pkgwriter import PackageWriter

        for part in package.parts:
            part.before_marshal()
        collected = _Collected()
        writer: Any = PackageWriter  # the steps of its write(), to a dict instead of a zip
        writer._write_content_types_stream(collected, package.parts)
        writer._write_pkg_rels(collected, package.rels)
        writer._write_parts(collected, package.parts)
        return dict(collected)
    except AttributeError:  # pragma: no cover - another python-docx: zip, then read back
        saved = io.BytesIO()
        document.save(saved)
        return _unzipped(saved.getvalue())


def _unzipped(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def repack(data: bytes) -> bytes:
    """``data``'s zip entries rewritten in a fixed order with fixed metadata."""
    return zipped(_unzipped(data))


def zipped(parts: Mapping[str, bytes]) -> bytes:
    """``parts`` as a zip package in a fixed order with fixed metadata."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in _entry_order(parts):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            target.writestr(info, parts[name], compresslevel=6)
    return out.getvalue()


def _entry_order(names: Iterable[str]) -> list[str]:
    """``[Content_Types].xml`` first (some readers sniff it), then by name."""
    return sorted(names, key=lambda name: (name != "[Content_Types].xml", name))


# -- Embedded fonts ------------------------------------------------------------------------

# ECMA-376 Part 1, 17.8.1 (font embedding) and 17.8.3.3 (embedRegular etc.).
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FONT_RELATIONSHIP = f"{R}/font"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
FONT_TABLE = "word/fontTable.xml"
FONT_TABLE_RELS = "word/_rels/fontTable.xml.rels"
SETTINGS = "word/settings.xml"
EMBED_TAGS = {(False, False): "embedRegular", (True, False): "embedBold",
              (False, True): "embedItalic", (True, True): "embedBoldItalic"}
_FONT_SLOTS = ("ascii", "hAnsi", "cs", "eastAsia")
_SETTINGS_BEFORE_EMBEDDING = (
    "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
    "printFractionalCharacterWidth", "printFormsData",
)  # CT_Settings (17.15.1.78): embedTrueTypeFonts, embedSystemFonts, saveSubsetFonts follow
# Embedded faces keep these besides the document's own characters, so that a reader who
# edits the talking points in a Latin-script language still types in the same faces.
EDITING_CHARACTERS = "".join(
    chr(code) for start, end in ((0x20, 0x7E), (0xA0, 0x17F), (0x2000, 0x206F), (0x20AC, 0x20AC))
    for code in range(start, end + 1)
)
_STORY = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes|numbering)\.xml")


def embed_fonts(data: bytes, fonts: Sequence[Face]) -> bytes:
    """The package ``data`` with every face of each family of ``fonts`` that its text is set
    in embedded, as Word embeds fonts: each face subset to the document's characters (and
    :data:`EDITING_CHARACTERS`), obfuscated with a key derived from its bytes (so equal
    inputs give equal packages), named in the font table, and the settings telling Word and
    LibreOffice to use them. Families the document names but ``fonts`` lacks are left as
    they are."""
    parts = _unzipped(data)
    embedded = _with_fonts(parts, fonts)
    if embedded is parts:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target_package:
        for name, content in embedded.items():
            target_package.writestr(name, content)
    return out.getvalue()


def _with_fonts(parts: dict[str, bytes], fonts: Sequence[Face]) -> dict[str, bytes]:
    """``parts`` with the fonts embedded (:func:`embed_fonts`); ``parts`` itself if none."""
    if FONT_TABLE not in parts:
        return parts
    text = _characters(parts)
    plan = _embedding_plan(parts, fonts, text)
    if not plan:
        return parts
    parts = dict(parts)
    characters = "".join(sorted(set(text) | set(EDITING_CHARACTERS)))
    table = _xml(parts[FONT_TABLE])
    rels = _xml(parts[FONT_TABLE_RELS]) if FONT_TABLE_RELS in parts else _new_relationships()
    families = dict.fromkeys(face.family for face, _ in plan)  # in plan order: reproducible
    entries = {family: _font_entry(table, family) for family in families}
    for number, (face, fillers) in enumerate(plan, start=1):
        font = _embedded_face(face.path, face.path.stat().st_mtime_ns, tuple(fillers),
                              characters)
        key = "{" + str(uuid.UUID(bytes=hashlib.sha256(font).digest()[:16])).upper() + "}"
        target = f"fonts/briefgen-font{number}.odttf"
        parts[f"word/{target}"] = obfuscated(font, key)
        rel_id = f"rIdBriefgenFont{number}"
        _relate(rels, rel_id, target)
        _embed(entries[face.family], EMBED_TAGS[(face.bold, face.italic)], rel_id, key)
    parts[FONT_TABLE] = _serialized(table)
    parts[FONT_TABLE_RELS] = _serialized(rels)
    parts["[Content_Types].xml"] = _with_font_type(parts["[Content_Types].xml"])
    if SETTINGS in parts:
        parts[SETTINGS] = _embedding_settings(parts[SETTINGS])
    return parts


@lru_cache(maxsize=32)
def _embedded_face(path: Path, mtime_ns: int, fillers: tuple[Path, ...], characters: str
                   ) -> bytes:
    """A face cut to ``characters`` and completed from ``fillers``; most documents of a
    language share one character set, so a build subsets each face once."""
    return completed(subset(path, characters), fillers, characters)


def obfuscated(font: bytes, key: str) -> bytes:
    """ECMA-376 Part 1, 17.8.1: the first 32 bytes XORed with the key GUID's 16 bytes, read
    from the last to the first; the same operation undoes it."""
    key_bytes = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(byte ^ key_bytes[index % 16] for index, byte in enumerate(font[:32]))
    return head + font[32:]


def _embedding_plan(parts: Mapping[str, bytes], fonts: Sequence[Face], text: str
                    ) -> list[tuple[Face, list[Path]]]:
    """The faces to embed, each with the font files that fill its missing glyphs.

    Every family a run, a style or the defaults name for Latin or East Asian text is
    embedded. A complex-script family is embedded when the text has characters the default
    Latin family lacks and a face has (an Arabic face in an English document is not),
    completed from the
    default Latin family's face of the same style, then from every other face (Hebrew in
    the Arabic face: Word has one complex-script font per run).
    """
    slots = _families_by_slot(parts)
    latin = _latin_default(parts)
    plain = next((f for f in fonts if f.family == latin and not (f.bold or f.italic)), None)
    latin_has = fonts_coverage(plain.path) if plain else frozenset()
    needed = {ord(char) for char in text} - latin_has  # that another face may have
    needs_complex = any(needed & fonts_coverage(face.path) for face in fonts)
    used = slots["ascii"] | slots["hAnsi"] | slots["eastAsia"]
    if needs_complex:
        used |= slots["cs"]
    return [
        (face, _fillers(face, fonts, latin) if face.family in slots["cs"] - {latin} else [])
        for face in _faces_to_embed(fonts, used)
    ]


def _fillers(face: Face, fonts: Sequence[Face], latin: str | None) -> list[Path]:
    """The faces a complex-script ``face`` borrows glyphs from: the default Latin family's
    first, each family's face of the same style (else its regular one)."""
    families = [latin, *dict.fromkeys(f.family for f in fonts if f.family not in
                                      (latin, face.family))]
    fillers = []
    for family in families:
        styles = {(f.bold, f.italic): f for f in reversed(fonts) if f.family == family}
        if chosen := styles.get((face.bold, face.italic)) or styles.get((False, False)):
            fillers.append(chosen.path)
    return fillers


def _families_by_slot(parts: Mapping[str, bytes]) -> dict[str, set[str]]:
    """The font families runs, styles and the defaults name, by script slot."""
    slots: dict[str, set[str]] = {slot: set() for slot in _FONT_SLOTS}
    for name, content in parts.items():
        if name == "word/styles.xml" or _STORY.fullmatch(name):
            for fonts in _xml(content).iter(_w("rFonts")):
                for slot in _FONT_SLOTS:
                    if family := fonts.get(_w(slot)):
                        slots[slot].add(family)
    return slots


def _latin_default(parts: Mapping[str, bytes]) -> str | None:
    """The document defaults' Latin font family (``w:docDefaults``'s ``w:ascii``)."""
    if "word/styles.xml" not in parts:
        return None
    fonts = _xml(parts["word/styles.xml"]).find(
        f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}/{_w('rFonts')}")
    return None if fonts is None else fonts.get(_w("ascii"))


def _faces_to_embed(fonts: Sequence[Face], used: set[str]) -> list[Face]:
    """One TrueType face per family and style, the project's first, in a stable order."""
    chosen: dict[tuple[str, bool, bool], Face] = {}
    for face in fonts:
        if face.family in used and face.truetype:
            chosen.setdefault((face.family, face.bold, face.italic), face)
    return [chosen[key] for key in sorted(chosen)]


def _characters(parts: Mapping[str, bytes]) -> str:
    text = []
    for name, content in parts.items():
        if _STORY.fullmatch(name):
            root = _xml(content)
            text += [node.text or "" for node in root.iter(_w("t"))]
            text += [level.get(_w("val"), "") for level in root.iter(_w("lvlText"))]
    return "".join(text)


def _font_entry(table: Any, family: str) -> Any:
    """The font table's entry for ``family`` (made if missing), without embedded faces."""
    for font in table.iter(_w("font")):
        if font.get(_w("name")) == family:
            for old in [child for child in font if child.tag.startswith(_w("embed"))]:
                font.remove(old)  # embedded by the template: replaced by these faces
            return font
    font = _make("font")
    font.set(_w("name"), family)
    table.append(font)
    return font


def _embed(font: Any, tag: str, rel_id: str, key: str) -> None:
    """Add ``<w:embedBold r:id=... w:fontKey=... w:subsetted="1"/>``, in schema order."""
    element = _make(tag)
    element.set(f"{{{R}}}id", rel_id)
    element.set(_w("fontKey"), key)
    element.set(_w("subsetted"), "1")
    order = list(EMBED_TAGS.values())
    later = [child for child in font if child.tag in {_w(t) for t in order[order.index(tag):]}]
    if later:
        later[0].addprevious(element)
    else:
        font.append(element)


def _relate(rels: Any, rel_id: str, target: str) -> None:
    from lxml import etree

    for old in rels.findall(f"{{{PACKAGE_RELATIONSHIPS}}}Relationship[@Id='{rel_id}']"):
        rels.remove(old)
    etree.SubElement(rels, f"{{{PACKAGE_RELATIONSHIPS}}}Relationship",
                     Id=rel_id, Type=FONT_RELATIONSHIP, Target=target)


def _new_relationships() -> Any:
    from lxml import etree

    return etree.Element(f"{{{PACKAGE_RELATIONSHIPS}}}Relationships",
                         nsmap={None: PACKAGE_RELATIONSHIPS})


def _with_font_type(content_types: bytes) -> bytes:
    from lxml import etree

    root = _xml(content_types)
    defaults = root.findall(f"{{{CONTENT_TYPES}}}Default")
    if not any(d.get("Extension", "").lower() == "odttf" for d in defaults):
        element = etree.Element(f"{{{CONTENT_TYPES}}}Default", Extension="odttf",
                                ContentType=OBFUSCATED_FONT)
        (defaults[-1].addnext if defaults else root.append)(element)
    return _serialized(root)


def _embedding_settings(settings: bytes) -> bytes:
    """``w:embedTrueTypeFonts`` and ``w:saveSubsetFonts``, where the schema puts them."""
    root = _xml(settings)
    before = {_w(tag) for tag in _SETTINGS_BEFORE_EMBEDDING}
    for tag in ("embedTrueTypeFonts", "embedSystemFonts", "saveSubsetFonts"):
        before.add(_w(tag))
        if tag == "embedSystemFonts" or root.find(_w(tag)) is not None:
            continue
        earlier = [index for index, child in enumerate(root) if child.tag in before]
        root.insert(earlier[-1] + 1 if earlier else 0, _make(tag))
    return _serialized(root)


def _xml(content: bytes) -> Any:
    from lxml import etree

    return etree.fromstring(content, etree.XMLParser(resolve_entities=False, no_network=True))


def _serialized(root: Any) -> bytes:
    from lxml import etree

    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


# -- Message extraction (babel.cfg) --------------------------------------------------------


def extract_docx(fileobj: Any, keywords: Any, comment_tags: Any,
                 options: dict[str, Any]) -> Iterator[Any]:
    """A Babel extractor: the labels of a Word template's Jinja tags (``_("Page")``).

    Line numbers are paragraph numbers of the part, parts in name order.
    """
    from jinja2.ext import babel_extract

    source = jinja_source(fileobj.read())
    options = {"extensions": "jinja2.ext.i18n", "silent": "false", **options}
    yield from babel_extract(io.BytesIO(source.encode()), keywords, comment_tags, options)


def jinja_source(data: bytes) -> str:
    """The Jinja text of a .docx's Word parts: one line per paragraph, docxtpl tags made plain."""
    from lxml import etree

    lines: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in sorted(package.namelist()):
            if not re.fullmatch(r"word/[^/]+\.xml", name):
                continue
            parser = etree.XMLParser(resolve_entities=False, no_network=True)
            root = etree.fromstring(package.read(name), parser)
            for paragraph in root.iter(_w("p")):
                text = "".join(t.text or "" for t in paragraph.iter(_w("t")))
                lines.append(_DOCXTPL_TAG.sub(r"\1 ", text.translate(_SMART_QUOTES)))
    return "\n".join(lines)
