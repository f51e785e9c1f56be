"""Every word in the pack's language: catalogs complete, no unmarked label, right-to-left."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from babel.messages.pofile import read_po

import briefgen
from briefgen.templating import default_templates
from tests.support.pdf import pdffonts, pdftotext, squash
from tests.support.projects import (
    ISSUED,
    MINIMAL_BASE,
    MINIMAL_PACK,
    REPO,
    ProjectFactory,
    load_demo,
)

LOCALE_DIR = default_templates() / "locale"
CATALOGS = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/messages.po"))


def test_there_are_catalogs_for_the_five_languages() -> None:
    assert {path.parts[-3] for path in CATALOGS} >= {"fr", "en", "ar", "es", "de"}


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parts[-3])
def test_catalog_is_complete(path: Path) -> None:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [m.id for m in catalog if m.id and not m.string]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated, f"untranslated in {path}: {untranslated}"
    assert not fuzzy, f"fuzzy in {path}: {fuzzy}"


def test_catalogs_match_the_templates(tmp_path: Path) -> None:
    """Every label marked in the templates is in the .pot and the catalogs (`make messages`)."""
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "--quiet", "extract",
                    "--no-location", "-F", "babel.cfg", "-o", str(pot), "."],
                   cwd=REPO, check=True, capture_output=True)
    with pot.open("rb") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    assert extracted, "nothing extracted"
    for path in CATALOGS:
        with path.open("rb") as handle:
            known = {m.id for m in read_po(handle) if m.id}
        assert extracted <= known, f"run `make messages`: {sorted(extracted - known)}"


TEXT_OUTSIDE_TAGS = re.compile(r">([^<>]*)<")


@pytest.mark.parametrize("name", sorted(p.name for p in default_templates().glob("*.html")))
def test_no_unmarked_label_in_html_templates(name: str) -> None:
    """Text written in a template outside {{ }} / {% %} must be punctuation, not words."""
    source = (default_templates() / name).read_text()
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    raw = "".join(value for _, kind, value in env.lex(source) if kind == "data")
    raw = re.sub(r"<!--.*?-->|<style.*?</style>", "", raw, flags=re.DOTALL)
    words = [
        text.strip() for text in TEXT_OUTSIDE_TAGS.findall(">" + raw + "<")
        if re.search(r"[^\W\d_]", text)
    ]
    assert not words, f"unmarked text in {name}: {words}"


@pytest.fixture(scope="module")
def arabic_note(demo_build: Path) -> Path:
    return demo_build / "rabat-2026-12" / "ar" / "briefing-note.pdf"


def test_arabic_note_is_arabic_and_right_to_left(arabic_note: Path) -> None:
    import pikepdf

    text = squash(pdftotext(arabic_note))
    for label in ("مذكرة إحاطة", "الرسائل الرئيسية", "المصدران", "نشر محدود",
                  "المبادئ التي وجهت انضمام المغرب إلى التحالف"):
        assert label in text, label
    assert "الولايات المتحدة والنيجر وإيطاليا" in text  # Babel's Arabic list and names
    for english in ("Key messages", "Background", "Sources", "Prepared on", "Page"):
        assert english not in text, english
    with pikepdf.open(arabic_note) as pdf:
        assert str(pdf.Root.Lang) == "ar-MA"  # the demo's variant (briefgen.yaml)
    fonts = pdffonts(arabic_note)
    assert any("Briefgen-Arabic" in row[0] for row in fonts)
    for row in fonts:
        assert row[0].split("+")[1].startswith("Briefgen-"), row
        assert (row[-5], row[-4]) == ("yes", "yes"), row  # embedded, subset


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_english_label_leaks(lang: str, tmp_path: Path) -> None:
    project = load_demo()
    briefgen.build(project, out=tmp_path, languages=[lang], issued=ISSUED)
    text = squash(pdftotext(tmp_path / "rabat-2026-12" / lang / "briefing-note.pdf"))
    if lang == "fr":
        for english in ("Key messages", "Background", "Prepared on", "Guiding principles"):
            assert english.upper() not in text.upper(), english


def test_full_locales_format_with_their_region(make_project: ProjectFactory,
                                              tmp_path: Path) -> None:
    pack = MINIMAL_PACK.replace("languages: [fr, en]", "languages: [en_GB]")
    project = briefgen.load_project(make_project(packs={"meeting.yaml": pack}))
    briefgen.build(project, out=tmp_path, issued=ISSUED)
    text = squash(pdftotext(tmp_path / "meeting" / "en_GB" / "briefing-note.pdf"))
    assert "Meeting on 26 June 2018." in text  # en_GB day-month order, English text (fallback)
    assert "Prepared on 20 November 2026." in text


def test_a_glyph_no_font_has_fails_the_build(make_project: ProjectFactory,
                                             tmp_path: Path) -> None:
    base = MINIMAL_BASE.replace("Morocco supports the Coalition.", "Morocco \ue000 supports.")
    project = briefgen.load_project(make_project(facts={"base.yaml": base}))
    with pytest.raises(briefgen.BuildFailed) as caught:
        briefgen.build(project, out=tmp_path, issued=ISSUED)
    message = str(caught.value)
    assert ("meeting/en/briefing-note.pdf: no font has a glyph for '\\ue000' (U+E000, "
            "a private-use character, which no standard font has), in text in fact 'f1'") in message
    assert not (tmp_path / "meeting").exists()
