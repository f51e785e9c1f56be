"""A Word template: checked before python-docx opens it, its errors located, its labels.

:func:`checked_template` returns a template's bytes once they are safe to open (size, zip
bomb, every XML part parsed with no DOCTYPE or ENTITY in any encoding, no external
relationship Word would fetch on open); :func:`xml_text` escapes every value docxtpl
renders; :func:`_located` turns a Jinja error into a :class:`RenderError` naming the
template, part and paragraph; :func:`extract_docx` (babel.cfg) reads the labels of a
template's Jinja tags from :func:`jinja_source`.

lxml and Jinja's Babel extractor are imported inside the functions that need them.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from briefgen.docx.wordml import PACKAGE_RELATIONSHIPS, _w
from briefgen.errors import RenderError, excerpt
from briefgen.fsutil import NotAFile, read_regular

MAX_TEMPLATE_BYTES = 20 * 1024**2  # a letterhead and fonts fit; anything bigger is a mistake
MAX_UNPACKED_BYTES = 100 * 1024**2
MAX_RATIO = 100  # XML compresses ~10:1; a zip bomb compresses 1000:1
MAX_ENTRIES = 1000
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_XML_TEXT_ESCAPES = {
    ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;",
    ord("'"): "&#39;", ord("{"): "&#123;", ord("}"): "&#125;",
}
# docxtpl's own tag flavours ({%p for %}, {{r x }}): plain Jinja to a message extractor.
_DOCXTPL_TAG = re.compile(r"([{][%{#])(?:p|tr|tc|r) ")
_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


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
    for relationship in root.iter(f"{{{PACKAGE_RELATIONSHIPS}}}Relationship"):
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
