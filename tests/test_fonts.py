"""Fonts: documents are set in briefgen's and the project's fonts only, never the machine's."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

import briefgen
from briefgen import fonts
from briefgen.fonts import font_files
from tests.support.pdf import pdffonts, pdftotext, squash
from tests.support.projects import ISSUED, MINIMAL_BASE, REPO, ProjectFactory, load_demo

FONTS = REPO / "templates" / "fonts"
ETHIOPIC_HA = "\u1200"  # ሀ: in no shipped font
HEBREW_BASE = """\
id: base
title: {he: "בסיס בדיקה", en: Test base}
subject: IL
as_of: 2022-05
languages: [he, en]
facts:
  - id: f1
    kind: position
    text: {he: "ישראל תומכת בקואליציה.", en: "Israel supports the Coalition."}
"""
HEBREW_PACK = """\
id: meeting
meeting: {title: {he: "פגישת בדיקה", en: Test meeting}, date: 2026-12-03}
languages: [he]
labels_fallback: en
classification: {he: "מוגבל", en: RESTRICTED}
facts: [base]
documents: [briefing-note, fact-sheet]
"""


def face_names(path: Path) -> set[str]:
    """The embedded fonts' names, without the subset tag (``ABCDEF+``)."""
    return {row[0].partition("+")[2] for row in pdffonts(path)}


def is_briefgens(face: str) -> bool:
    return face.startswith(("Briefgen-", "Noto-"))


def test_every_shipped_font_is_declared_and_licensed() -> None:
    declared = set(re.findall(r"url\(\.\./fonts/([^)]+)\)", (REPO / "templates/css/fonts.css")
                              .read_text(encoding="utf-8")))
    shipped = {path.name for path in font_files([REPO / "templates"])}
    assert declared == shipped
    assert "NotoSansHebrew-Regular.ttf" in shipped and "NotoSansHebrew-Bold.ttf" in shipped
    licence = (FONTS / "OFL.txt").read_text(encoding="utf-8")
    assert "Noto Sans Hebrew" in licence.splitlines()[0]
    assert "SIL Open Font License" in licence


def template_characters() -> dict[str, str]:
    """Every character the templates print themselves, with the file it comes from:
    HTML outside tags, CSS ``content`` strings and every catalog's translations."""
    found: dict[str, str] = {}
    for path in sorted((REPO / "templates").rglob("*")):
        if path.suffix == ".html":
            text = re.sub(r"<[^>]*>|\{[{%#].*?[}%#]\}", "", path.read_text(encoding="utf-8"),
                          flags=re.DOTALL)
        elif path.suffix == ".css":
            text = "".join(re.findall(r'content:\s*"([^"]*)"', path.read_text(encoding="utf-8")))
        elif path.suffix == ".po":
            text = "".join(re.findall(r'^msgstr "(.*)"$', path.read_text(encoding="utf-8"),
                                      flags=re.MULTILINE))
        else:
            continue
        for char in text:
            found.setdefault(char, str(path.relative_to(REPO)))
    return found


def test_every_character_of_the_templates_is_in_a_shipped_font() -> None:
    covered: set[int] = set()
    for path in font_files([REPO / "templates"]):
        covered |= set(TTFont(path).getBestCmap())
    missing = {char: where for char, where in template_characters().items()
               if char.isprintable() and ord(char) not in covered}
    assert not missing, missing


def test_no_machine_font_in_any_document(tmp_path: Path) -> None:
    """This machine has DejaVu: no document may use it (the fact sheet's bullet did)."""
    project = load_demo()
    result = briefgen.build(project, out=tmp_path, issued=ISSUED)
    pdfs = [doc.path for doc in result.written if doc.path.suffix == ".pdf"]
    assert len(pdfs) == 13  # two demo packs (fr, en, ar; fr, en): notes, sheets, 3 books
    for pdf in pdfs:
        names = face_names(pdf)
        assert names and all(is_briefgens(face) for face in names), (pdf, names)


def test_a_machine_without_fonts_builds_the_same_documents(copy_demo: Path,
                                                           tmp_path: Path) -> None:
    """Under an empty fontconfig set-up (no system font at all), the demo builds, in the
    shipped faces only, byte for byte as on this machine."""
    config = tmp_path / "fonts.conf"
    config.write_text('<?xml version="1.0"?>\n<fontconfig></fontconfig>\n', encoding="utf-8")
    bare = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", "--project", str(copy_demo),
         "--out", str(tmp_path / "bare")],
        capture_output=True, text=True, check=False,
        env={**os.environ, "FONTCONFIG_FILE": str(config), "SOURCE_DATE_EPOCH": "1795651200"},
    )
    assert bare.returncode == 0, bare.stderr
    assert "Warning" not in bare.stderr and "Fontconfig" not in bare.stderr, bare.stderr
    here = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", "--project", str(copy_demo),
         "--out", str(tmp_path / "here")],
        capture_output=True, text=True, check=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1795651200"},
    )
    assert here.returncode == 0
    pdfs = sorted((tmp_path / "bare").rglob("*.pdf"))
    assert len(pdfs) == 13  # two demo packs (fr, en, ar; fr, en): notes, sheets, 3 books
    for pdf in pdfs:
        assert all(is_briefgens(face) for face in face_names(pdf)), pdf
        twin = tmp_path / "here" / pdf.relative_to(tmp_path / "bare")
        assert pdf.read_bytes() == twin.read_bytes(), pdf


def test_hebrew_is_set_in_the_shipped_hebrew_face(make_project: ProjectFactory,
                                                  tmp_path: Path) -> None:
    root = make_project(facts={"base.yaml": HEBREW_BASE}, packs={"meeting.yaml": HEBREW_PACK})
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    for name in ("briefing-note.pdf", "fact-sheet.pdf"):
        pdf = tmp_path / "meeting" / "he" / name
        names = face_names(pdf)
        assert "Noto-Sans-Hebrew" in names or "Briefgen-Hebrew" in names, names
        assert all(is_briefgens(face) for face in names), names
        assert "ישראל תומכת בקואליציה" in squash(pdftotext(pdf))


def test_a_character_no_font_has_names_it_its_script_and_the_fact(
        make_project: ProjectFactory, tmp_path: Path) -> None:
    base = MINIMAL_BASE.replace("Morocco supports the Coalition.", f"Morocco {ETHIOPIC_HA}.")
    project = briefgen.load_project(make_project(facts={"base.yaml": base}))
    with pytest.raises(briefgen.BuildFailed) as caught:
        briefgen.build(project, out=tmp_path, issued=ISSUED)
    message = str(caught.value)
    assert ("meeting/en/briefing-note.pdf: no font has a glyph for 'ሀ' "
            "(U+1200 ETHIOPIC SYLLABLE HA, Ethiopic script), in text in fact 'f1' of fact "
            "base 'base'") in message
    assert "put its .ttf or .otf file in the project's templates/fonts/ folder" in message
    assert not (tmp_path / "meeting").exists()


def test_a_font_in_the_projects_fonts_folder_serves_at_once(make_project: ProjectFactory,
                                                            tmp_path: Path) -> None:
    base = MINIMAL_BASE.replace("Morocco supports the Coalition.", f"Morocco {ETHIOPIC_HA}.")
    root = make_project(facts={"base.yaml": base},
                        templates={"fonts/TestEthiopic-Regular.ttf": one_glyph_font()})
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    pdf = tmp_path / "meeting" / "en" / "briefing-note.pdf"
    assert "Test-Ethiopic" in face_names(pdf)
    assert f"Morocco {ETHIOPIC_HA}." in squash(pdftotext(pdf))



def test_a_projects_font_without_a_space_is_named(make_project: ProjectFactory,
                                                   tmp_path: Path) -> None:
    """The space before a character only that font has, after an inline element (the
    subject's name, kept on one line), is set in it (Pango): a font with no space is named
    as the cause, not the text."""
    base = MINIMAL_BASE.replace("Morocco supports the Coalition.", f"Morocco {ETHIOPIC_HA}.")
    root = make_project(facts={"base.yaml": base},
                        templates={"fonts/TestEthiopic-Regular.ttf": one_glyph_font(False)})
    with pytest.raises(briefgen.BuildFailed) as failure:
        briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    message = str(failure.value)
    assert "a font of the project's templates/fonts/ folder has no ' ' (U+0020 SPACE" in \
        message, message
    assert "in fact 'f1'" in message and "add that character to the font" in message

def test_a_broken_font_file_is_named(make_project: ProjectFactory, tmp_path: Path) -> None:
    root = make_project(templates={"fonts/Broken.ttf": b"not a font"})
    with pytest.raises(briefgen.BuildFailed) as caught:
        briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    message = str(caught.value)
    assert "templates/fonts/Broken.ttf: not a font file that can be read" in message
    assert "replace it with a .ttf or .otf file" in message


def test_project_fonts_come_first(tmp_path: Path) -> None:
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "B.otf").write_bytes(b"")
    (tmp_path / "fonts" / "notes.txt").write_text("not a font", encoding="utf-8")
    files = font_files([tmp_path, REPO / "templates"])
    assert files[0] == tmp_path / "fonts" / "B.otf"
    assert all(path.suffix == ".ttf" for path in files[1:])


def test_faces_know_their_family_and_style(tmp_path: Path) -> None:
    (tmp_path / "Broken.ttf").write_bytes(b"not a font")
    found = fonts.faces([*font_files([REPO / "templates"]), tmp_path / "Broken.ttf"])
    styles = {(face.path.name, face.family, face.bold, face.italic) for face in found}
    assert ("NotoSerif-BoldItalic.ttf", "Noto Serif", True, True) in styles
    assert ("NotoSansHebrew-Regular.ttf", "Noto Sans Hebrew", False, False) in styles
    assert ("NotoNaskhArabic-Bold.ttf", "Noto Naskh Arabic", True, False) in styles
    assert len(found) == 10 and all(face.truetype for face in found)  # the broken one left out


def test_a_subset_keeps_what_shaping_needs_and_is_reproducible() -> None:
    naskh = FONTS / "NotoNaskhArabic-Regular.ttf"
    data = fonts.subset(naskh, "المغرب")
    assert data == fonts.subset(naskh, "المغرب")
    face = TTFont(io.BytesIO(data))
    assert "GSUB" in face and len(face.getGlyphOrder()) > len("المغرب")  # joining forms
    assert len(data) < naskh.stat().st_size / 5


def one_glyph_font(space: bool = True) -> bytes:
    """A real TrueType font, family "Test Ethiopic", with a square for U+1200 and a space
    (as every real font has: Pango sets a space before U+1200 in the font that has U+1200),
    or without it."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def square(size: int) -> object:
        pen = TTGlyphPen(None)
        pen.moveTo((50, 0))
        pen.lineTo((50, size))
        pen.lineTo((50 + size, size))
        pen.lineTo((50 + size, 0))
        pen.closePath()
        return pen.glyph()

    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "space", "ha"])
    builder.setupCharacterMap({0x20: "space", 0x1200: "ha"} if space else {0x1200: "ha"})
    builder.setupGlyf({".notdef": square(500), "space": TTGlyphPen(None).glyph(),
                       "ha": square(600)})
    builder.setupHorizontalMetrics({".notdef": (600, 50), "space": (250, 0), "ha": (700, 50)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Test Ethiopic", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()
