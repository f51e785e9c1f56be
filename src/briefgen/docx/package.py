"""What a rendered document carries besides its text, and how it is zipped.

:func:`add_watermark` puts Word's own draft watermark in the headers; :func:`set_properties`
sets the core properties from the pack (dates from the issue date, never the clock);
:func:`zipped` writes the package with fixed entry order and timestamps, so equal inputs give
equal bytes, from python-docx's parts (:func:`_package_parts`), zipped once.

python-docx and lxml are imported inside the functions that need them.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from briefgen.docx.wordml import W, _rpr_default, _w

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold


@dataclass(frozen=True)
class Properties:
    """The core properties a rendered document carries (File > Properties in Word)."""

    title: str
    subject: str
    language: str
    keywords: str
    issued: dt.date


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

    from lxml import etree  # type: ignore[import-untyped]

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


FONT_PART = ".odttf"  # an embedded, obfuscated font (briefgen.docx.fonts)


def zipped(parts: Mapping[str, bytes]) -> bytes:
    """``parts`` as a zip package in a fixed order with fixed metadata."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in _entry_order(parts):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            # Fonts hardly compress: the fastest level, not the sixth (a third of a render).
            target.writestr(info, parts[name], compresslevel=1 if name.endswith(FONT_PART)
                            else 6)
    return out.getvalue()


def _entry_order(names: Iterable[str]) -> list[str]:
    """``[Content_Types].xml`` first (some readers sniff it), then by name."""
    return sorted(names, key=lambda name: (name != "[Content_Types].xml", name))
