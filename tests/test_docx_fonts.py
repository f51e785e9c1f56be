"""The talking points carry their fonts: the PDFs' faces, embedded as Word embeds them."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import etree

from briefgen.docx import EMBED_TAGS, obfuscated
from tests.support.office import convert_with_libreoffice, needs_soffice
from tests.support.pdf import pdffonts
from tests.support.projects import REPO

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACK = "rabat-2026-12"


@pytest.fixture(scope="module")
def demo(demo_build: Path) -> dict[str, Path]:
    return {lang: demo_build / PACK / lang / "talking-points.docx" for lang in ("fr", "en", "ar")}


def embedded(path: Path) -> dict[tuple[str, str], TTFont]:
    """Each embedded face, by font table name and slot (embedRegular...), de-obfuscated."""
    with zipfile.ZipFile(path) as package:
        table = etree.fromstring(package.read("word/fontTable.xml"))
        rels = etree.fromstring(package.read("word/_rels/fontTable.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target") for rel in rels}
        found = {}
        for font in table.iter(f"{{{W}}}font"):
            for slot in EMBED_TAGS.values():
                for element in font.iter(f"{{{W}}}{slot}"):
                    data = package.read("word/" + targets[element.get(f"{{{R}}}id")])
                    face = TTFont(io.BytesIO(obfuscated(data, element.get(f"{{{W}}}fontKey"))))
                    found[(font.get(f"{{{W}}}name"), slot)] = face
    return found


def document_text(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        return "".join(
            node.text or ""
            for name in package.namelist() if name.startswith(("word/document", "word/header",
                                                                "word/footer"))
            for node in etree.fromstring(package.read(name)).iter(f"{{{W}}}t")
        )


def test_the_shipped_faces_are_embedded(demo: dict[str, Path]) -> None:
    faces = embedded(demo["fr"])
    assert set(faces) == {("Noto Serif", slot) for slot in EMBED_TAGS.values()} | {
        ("Noto Sans", "embedRegular"), ("Noto Sans", "embedBold")}  # no Arabic in French
    for (family, slot), face in faces.items():
        assert face["name"].getDebugName(1) == family
        bold, italic = next(style for style, tag in EMBED_TAGS.items() if tag == slot)
        assert bool(face["OS/2"].fsSelection & 32) == bold
        assert bool(face["OS/2"].fsSelection & 1) == italic
    serif = faces[("Noto Serif", "embedRegular")].getBestCmap()
    assert {ord(char) for char in document_text(demo["fr"]) if not char.isspace()} <= set(serif)
    assert len(serif) < 1000  # a subset, not the 3,000-glyph font
    with zipfile.ZipFile(demo["fr"]) as package:
        settings = package.read("word/settings.xml")
        types = package.read("[Content_Types].xml")
    assert b"<w:embedTrueTypeFonts/>" in settings and b"<w:saveSubsetFonts/>" in settings
    assert b'Extension="odttf"' in types
    assert demo["fr"].stat().st_size < 250_000


def test_the_arabic_face_has_every_character_of_the_document(demo: dict[str, Path]) -> None:
    """Word and LibreOffice set all of a right-to-left run in its complex-script font:
    the embedded Naskh face has the brackets, dashes and Latin letters Noto Naskh lacks."""
    faces = embedded(demo["ar"])
    naskh = faces[("Noto Naskh Arabic", "embedRegular")].getBestCmap()
    text = {char for char in document_text(demo["ar"]) if not char.isspace()}
    assert {"(", "[", "–", "·", "S"} <= text
    assert {ord(char) for char in text} - set(naskh) <= {0x2068, 0x2069}  # isolates: invisible
    assert ("Noto Naskh Arabic", "embedBold") in faces


def test_obfuscation_is_ecma_376s() -> None:
    """17.8.1: the first 32 bytes XORed with the key GUID's bytes from the last to the first."""
    key = "{00112233-4455-6677-8899-AABBCCDDEEFF}"
    font = bytes(40)
    reversed_key = bytes.fromhex("FFEEDDCCBBAA99887766554433221100")
    assert obfuscated(font, key) == reversed_key * 2 + bytes(8)
    assert obfuscated(obfuscated(b"x" * 50, key), key) == b"x" * 50


def test_embedding_is_reproducible_across_processes(copy_demo: Path, tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        subprocess.run(
            [sys.executable, "-m", "briefgen", "build", PACK, "--project", str(copy_demo),
             "--out", str(out), "--lang", "ar"],
            check=True, capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1795651200"},
        )
        outputs.append((out / PACK / "ar" / "talking-points.docx").read_bytes())
    assert outputs[0] == outputs[1]


def test_the_template_names_the_shipped_families() -> None:
    with zipfile.ZipFile(REPO / "templates" / "talking-points.docx") as package:
        styles = package.read("word/styles.xml").decode()
    assert "Arial" not in styles
    assert 'w:ascii="Noto Serif"' in styles and 'w:cs="Noto Naskh Arabic"' in styles
    assert 'w:ascii="Noto Sans"' in styles


@needs_soffice
@pytest.mark.libreoffice
def test_libreoffice_sets_them_in_the_embedded_faces(demo: dict[str, Path],
                                                     tmp_path: Path) -> None:
    """Neither Noto nor Arial is installed here: LibreOffice shows the talking points in the
    PDFs' faces only because they are embedded (it used DejaVu before)."""
    pdfs = convert_with_libreoffice([demo["fr"], demo["ar"]], tmp_path, tmp_path)
    for lang, pdf in pdfs.items():
        faces = {row[0].partition("+")[2] for row in pdffonts(pdf)}
        assert faces, lang
        assert all(face.startswith("Noto") for face in faces), (lang, faces)
    arabic = {row[0].partition("+")[2] for row in pdffonts(pdfs["ar"])}
    assert {"NotoNaskhArabic-Regular", "NotoSerif-Regular"} <= arabic


def test_faces_are_subset_once_per_language_without_weasyprint(copy_demo: Path) -> None:
    """Two Arabic talking points with different texts embed faces cut to one character
    set (the Arabic letters, not only the text's): the second subsets nothing; and a
    process that makes only talking points never imports WeasyPrint."""
    script = """
import dataclasses, sys
import briefgen
from briefgen.context import pack_view
from briefgen.docx import fonts
from briefgen.workers import render_document
project = briefgen.load_project(sys.argv[1])
view = pack_view(project, "rabat-2026-12", "ar", __import__("datetime").date(2026, 11, 20))
render_document("talking-points", view, project.templates)
first = fonts._embedded_face.cache_info().misses
facts = tuple(dataclasses.replace(fact, talking_point=fact.talking_point[:-8])
              if fact.talking_point else fact for fact in view.facts)
other = dataclasses.replace(view, facts=facts)
render_document("talking-points", other, project.templates)
print(first, fonts._embedded_face.cache_info().misses, "weasyprint" in sys.modules)
"""
    result = subprocess.run([sys.executable, "-c", script, str(copy_demo)],
                            check=True, capture_output=True, text=True,
                            env={**os.environ, "SOURCE_DATE_EPOCH": "1795651200"})
    first, after, weasyprint = result.stdout.split()
    assert int(first) > 0 and after == first and weasyprint == "False"
