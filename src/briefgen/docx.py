"""The DOCX engine: docxtpl rendering that never loses text, right to left, reproducible zips.

A Word template is a real ``.docx`` with Jinja tags in its text (docxtpl). Rendering here:

1. checks the template before opening it (size, zip bomb, no DOCTYPE or ENTITY);
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
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from briefgen import i18n
from briefgen.errors import RenderError
from briefgen.templating import install_labels

if TYPE_CHECKING:
    from briefgen.templating import Templates

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MAX_TEMPLATE_BYTES = 20 * 1024**2  # a letterhead and fonts fit; anything bigger is a mistake
MAX_UNPACKED_BYTES = 100 * 1024**2
MAX_RATIO = 100  # XML compresses ~10:1; a zip bomb compresses 1000:1
MAX_ENTRIES = 1000
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
DEFAULT_RTL_FONT = "Arial"  # has Arabic and Hebrew glyphs on every Windows and macOS
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
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
        f"template error: {error.message}", f"{where}, {part_name}, paragraph {line - 1}",
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
    size = path.stat().st_size
    if size > MAX_TEMPLATE_BYTES:
        raise RenderError(
            f"the Word template is {size / 1024**2:.0f} MB, more than "
            f"{MAX_TEMPLATE_BYTES // 1024**2} MB", where,
            "remove large images or embedded fonts from it",
        )
    data = path.read_bytes()
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
        if entry.filename.endswith((".xml", ".rels")) and _DECLARATION.search(content):
            raise RenderError(
                f"the Word template's part {entry.filename} declares a DOCTYPE or ENTITY", where,
                "Word never writes one: save the template again from Word or LibreOffice",
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
    from lxml import etree  # type: ignore[import-untyped]

    return etree.Element(_w(tag))


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


def to_bytes(document: Any) -> bytes:
    """The package, byte-reproducible: fixed entry order, timestamps and permissions."""
    saved = io.BytesIO()
    document.save(saved)
    return repack(saved.getvalue())


def repack(data: bytes) -> bytes:
    """``data``'s zip entries rewritten in a fixed order with fixed metadata."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in _entry_order(source.namelist()):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name), compresslevel=6)
    return out.getvalue()


def _entry_order(names: Iterable[str]) -> list[str]:
    """``[Content_Types].xml`` first (some readers sniff it), then by name."""
    return sorted(names, key=lambda name: (name != "[Content_Types].xml", name))


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
