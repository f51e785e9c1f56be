"""Fonts embedded in a rendered document, as Word embeds them (:func:`with_fonts`).

Each face the text is set in is subset to the document's characters, completed from other
faces where a complex-script face lacks glyphs, obfuscated (:func:`obfuscated`) and named in
the font table (:data:`EMBED_TAGS`), with the settings telling Word and LibreOffice to use
them. The embedding plan (:func:`_embedding_plan`) chooses the faces.

lxml is imported inside the functions that need it.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from briefgen.docx.wordml import PACKAGE_RELATIONSHIPS, _make, _w
from briefgen.fonts import Face, completed, subset
from briefgen.fonts import coverage as fonts_coverage

# ECMA-376 Part 1, 17.8.1 (font embedding) and 17.8.3.3 (embedRegular etc.).
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FONT_RELATIONSHIP = f"{R}/font"
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


def with_fonts(parts: dict[str, bytes], fonts: Sequence[Face]) -> dict[str, bytes]:
    """``parts`` with every face of each family of ``fonts`` that their text is set in
    embedded, as Word embeds fonts: each face subset to the document's characters (and
    :data:`EDITING_CHARACTERS`), obfuscated with a key derived from its bytes (so equal
    inputs give equal packages), named in the font table, and the settings telling Word and
    LibreOffice to use them; ``parts`` itself if none. Families the document names but
    ``fonts`` lacks are left as they are."""
    if FONT_TABLE not in parts:
        return parts
    text = _characters(parts)
    plan = _embedding_plan(parts, fonts, text)
    if not plan:
        return parts
    parts = dict(parts)
    characters = character_set(text)
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
            for fonts in _read_xml(content).iter(_w("rFonts")):
                for slot in _FONT_SLOTS:
                    if family := fonts.get(_w(slot)):
                        slots[slot].add(family)
    return slots


def _latin_default(parts: Mapping[str, bytes]) -> str | None:
    """The document defaults' Latin font family (``w:docDefaults``'s ``w:ascii``)."""
    if "word/styles.xml" not in parts:
        return None
    fonts = _read_xml(parts["word/styles.xml"]).find(
        f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}/{_w('rFonts')}")
    return None if fonts is None else fonts.get(_w("ascii"))


def _faces_to_embed(fonts: Sequence[Face], used: set[str]) -> list[Face]:
    """One TrueType face per family and style, the project's first, in a stable order."""
    chosen: dict[tuple[str, bool, bool], Face] = {}
    for face in fonts:
        if face.family in used and face.truetype:
            chosen.setdefault((face.family, face.bold, face.italic), face)
    return [chosen[key] for key in sorted(chosen)]


BLOCK = 128  # code points: what a document's character brings of its script


def character_set(text: str) -> str:
    """What the faces are cut down to for ``text``: :data:`EDITING_CHARACTERS`, and for
    every other character its whole block of :data:`BLOCK` code points (the Arabic
    letters, not only those the text uses). The documents of a language share one set, so
    a process subsets (and completes) each face once per language, not once per document."""
    editing = set(EDITING_CHARACTERS)
    blocks = {ord(char) // BLOCK for char in text if char not in editing}
    wider = {chr(code) for block in blocks for code in range(block * BLOCK, (block + 1) * BLOCK)
             if not 0xD800 <= code <= 0xDFFF}
    return "".join(sorted(editing | wider))


def _characters(parts: Mapping[str, bytes]) -> str:
    text = []
    for name, content in parts.items():
        if _STORY.fullmatch(name):
            root = _read_xml(content)
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
    from lxml import etree  # type: ignore[import-untyped]

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


@lru_cache(maxsize=64)
def _read_xml(content: bytes) -> Any:
    """A part parsed to be read, never changed: the parts of the Word template that every
    document keeps as they are (styles, headers, footers) are parsed once per process, and
    a document's own once, not once per question asked of it."""
    return _xml(content)


def _serialized(root: Any) -> bytes:
    from lxml import etree

    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))
