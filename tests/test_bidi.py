"""Right-to-left documents with left-to-right inserts: codes, references, URLs and Latin
names read in their own order; English fallback labels of a Hebrew or Persian document read
as English; Arabic documents laid out from the right and never slanted."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pikepdf
import pytest
from docx.oxml.ns import qn

import briefgen
from briefgen import bidi
from tests.support.office import convert_with_libreoffice, needs_soffice
from tests.support.pdf import bbox, pdftotext, squash
from tests.support.projects import ISSUED

FSI, LRI, PDI, NBSP = "\u2068", "\u2066", "\u2069", "\u00a0"
BIDI_CONTROLS = {c: None for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E,
                                   0x200F, 0x061C]}


# -- The text functions ----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("القرار A-12/3 الصادر", f"القرار {FSI}A-12/3{PDI} الصادر"),  # not 3/A-12
    ("مجموعة G7/G20 منذ 2015.", f"مجموعة {FSI}G7/G20{PDI} منذ 2015."),  # digits alone: RTL
    ("انظر https://example.org/a/B-1?x=2.", f"انظر {FSI}https://example.org/a/B-1?x=2{PDI}."),
    ("رقم 12/A-3، و", f"رقم {FSI}12/A-3{PDI}، و"),  # a code may start with digits
    ("(Small Group)، «Africa Focus Group.»",
     f"({FSI}Small{NBSP}Group{PDI})، «{FSI}Africa Focus Group{PDI}.»"),  # 3 words: may break
    ("ساحل Côte d'Ivoire و Trinidad & Tobago",
     f"ساحل {FSI}Côte{NBSP}d'Ivoire{PDI} و {FSI}Trinidad{NBSP}&{NBSP}Tobago{PDI}"),
    ("بنسبة 86% منذ 2015", "بنسبة 86% منذ 2015"),  # no Latin letter: nothing to isolate
])
def test_whole_latin_tokens_are_isolated(text: str, expected: str) -> None:
    assert bidi.isolate_latin(text) == expected


def test_a_value_wholly_latin_is_isolated_when_printed_alone() -> None:
    assert bidi.isolate_latin("Test desk") == "Test desk"  # left-to-right text: as it is
    assert bidi.isolate_latin("Test desk", alone=True) == f"{FSI}Test{NBSP}desk{PDI}"
    assert bidi.isolate_latin("A-12/3", alone=True) == f"{FSI}A-12/3{PDI}"


def test_labels_of_the_other_direction_are_isolated_with_their_full_stop() -> None:
    text = (bidi.as_label(f"Prepared on {FSI}5 בדצמבר 2026{PDI}") + ". "
            + bidi.as_label("Key messages") + " " + bidi.as_label("Ref."))
    assert bidi.finish_labels(text) == (
        f"{LRI}Prepared on {FSI}5 בדצמבר 2026{PDI}.{PDI} Key messages {LRI}Ref.{PDI}")
    assert bidi.finish_labels(text, "<i>", "</i>").startswith(f"<i>{LRI}Prepared on")


def test_finished_html_keeps_isolates_out_of_tags() -> None:
    html = (f'<html><head><title>{bidi.as_label("Note: x")}</title>'
            f'<style>p::before {{ content: "{FSI}" }}</style></head>'
            f'<p data-fact="{FSI}base{PDI}/{FSI}f1{PDI}" alt="{bidi.as_label("Photo")}">'
            f'{bidi.as_label("Ref.")} {FSI}A-12/3{PDI}</p></html>')
    finished = bidi.finish_html(html, "en")
    assert f"<title>{LRI}Note: x{PDI}</title>" in finished
    assert '<style>p::before { content: "" }</style>' in finished
    assert '<p data-fact="base/f1" alt="Photo">' in finished
    assert f'<span lang="en" dir="ltr">{LRI}Ref.{PDI}</span> {FSI}A-12/3{PDI}</p>' in finished
    assert bidi.finish_html(html, None).count("<span") == 0


# -- Documents of a project that is not the demo ---------------------------------------------

BASE = """\
id: base
title: {ar: ملف الاختبار, fa: پرونده آزمایشی, he: תיק בדיקה}
subject: MA
as_of: 2025-02
languages: [ar, fa, he]
sources:
  - id: s1
    title: {ar: "تقرير المجموعة، الجزء الأول", fa: "گزارش گروه، بخش اول", he: "דוח הקבוצה, חלק א"}
    publisher: Test desk
    date: 2025-02-14
    url: https://example.org/reports/A-12/3?lang=ar
facts:
  - id: f1
    kind: position
    text:
      ar: "يدعم المغرب القرار A-12/3 الصادر عن مجموعة G7/G20 منذ 2015."
      fa: "مراکش از قطعنامه A-12/3 گروه G7/G20 از سال 2015 حمایت می‌کند."
      he: "מרוקו תומכת בהחלטה A-12/3 של קבוצת G7/G20 מאז 2015."
    talking_point:
      ar: "نؤيد القرار A-12/3."
      fa: "ما از قطعنامه A-12/3 حمایت می‌کنیم."
      he: "אנו תומכים בהחלטה A-12/3."
    sources: [s1]
"""
PACK = """\
id: meeting
reference: A-12/3
meeting:
  title: {ar: "اجتماع G7/G20", fa: "نشست G7/G20", he: "פגישת G7/G20"}
  date: 2026-12-03
languages: [ar, fa, he]
labels_fallback: en
classification: {ar: نشر محدود, fa: محرمانه, he: מוגבל}
facts: [base]
max_age_days: 100
documents: [briefing-note, talking-points, briefing-html]
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("rtl-project")
    for folder, text in (("facts", BASE), ("packs", PACK)):
        (root / folder).mkdir()
        (root / folder / "file.yaml").write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("rtl-build")
    briefgen.build(briefgen.load_project(root), out=out, issued=ISSUED)
    return out / "meeting"


def plain(path: Path) -> str:
    """The PDF's text as pdftotext gives it (poppler puts each left-to-right run in its own
    order), the invisible bidi controls left out."""
    return squash(pdftotext(path)).translate(BIDI_CONTROLS)


@pytest.mark.parametrize("lang", ["ar", "fa", "he"])
def test_codes_and_urls_read_in_their_own_order(built: Path, lang: str) -> None:
    text = plain(built / lang / "briefing-note.pdf")
    for token in ("A-12/3", "G7/G20", "https://example.org/reports/A-12/3?lang=ar"):
        assert token in text, token
    for broken in ("3/A-12", "G20/G7"):  # what isolating only part of the token printed
        assert broken not in text, broken


@pytest.mark.parametrize("lang", ["fa", "he"])
def test_english_fallback_labels_read_as_english(built: Path, lang: str) -> None:
    text = plain(built / lang / "briefing-note.pdf")
    assert "Ref." in text and ".Ref" not in text  # the full stop stays after the word
    # the notice reads left to right, the date (a Hebrew or Persian phrase) inside it
    count = {"fa": "۱ fact is more than ۱۰۰ days", "he": "1 fact is more than 100 days"}[lang]
    assert count in text
    assert "days old at the meeting (its date:" in text and ":its date(" not in text
    html = (built / lang / "briefing.html").read_text(encoding="utf-8")
    date = {"fa": "۲۰ نوامبر ۲۰۲۶", "he": "20 בנובמבר 2026"}[lang]
    assert (f'<span lang="en" dir="ltr">{LRI}Prepared on {FSI}{date}{PDI}.{PDI}</span>'
            in html)
    assert '<span lang="en" dir="ltr">Key messages</span>' in html
    assert not re.search(f"<[^>]*[{LRI}{FSI}{PDI}][^>]*>", html)  # never inside a tag


def test_english_fallback_labels_in_the_hebrew_talking_points(built: Path) -> None:
    document = docx.Document(str(built / "he" / "talking-points.docx"))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert f"{LRI}Ref.{PDI} {FSI}A-12/3{PDI}" in texts
    assert (f"{LRI}Prepared on {FSI}20 בנובמבר 2026{PDI}.{PDI} "
            f"{LRI}Facts as of {FSI}פברואר 2025{PDI}.{PDI}") in texts


def test_latin_runs_of_the_arabic_talking_points_are_isolated(built: Path) -> None:
    document = docx.Document(str(built / "ar" / "talking-points.docx"))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert f"[1] تقرير المجموعة، الجزء الأول، {FSI}Test{NBSP}desk{PDI}، 14 فبراير 2025." in texts
    assert f"يدعم المغرب القرار {FSI}A-12/3{PDI} الصادر عن مجموعة {FSI}G7/G20{PDI} منذ 2015." \
        f"{NBSP}[1]" in texts


@needs_soffice
def test_a_word_processor_keeps_the_date_after_a_latin_publisher(built: Path, tmp_path: Path
                                                                  ) -> None:
    """LibreOffice lays the Arabic citation out from the right: the publisher, then the
    day of the date to its left (unisolated, "Test desk، 14" ran left to right)."""
    pdf = convert_with_libreoffice([built / "ar" / "talking-points.docx"], tmp_path, tmp_path)
    words = bbox(pdf["ar"]).words
    desk = next(word for word in words if word.text == "Test")
    day = next(word for word in words if word.text == "14" and abs(word.y0 - desk.y0) < 2)
    year = next(word for word in words if word.text == "2025" and abs(word.y0 - desk.y0) < 2)
    assert desk.x0 > day.x1 and day.x0 > year.x1, (desk, day, year)


def test_arabic_is_never_slanted_in_word(built: Path) -> None:
    """The Colophon style is italic: its Arabic (complex-script) text is not, nor any
    other style's or run's."""
    for lang in ("ar", "he", "fa"):
        document = docx.Document(str(built / lang / "talking-points.docx"))
        parts = [document.styles.element, document.element.body]
        slanted = [element for part in parts for element in part.iter(qn("w:iCs"))
                   if element.get(qn("w:val")) not in ("0", "false")]
        assert not slanted, lang
        colophon = document.styles["Colophon"].element.find(qn("w:rPr"))
        assert colophon.find(qn("w:iCs")).get(qn("w:val")) == "0"


def test_right_to_left_pdfs_are_read_from_the_right(demo_build: Path) -> None:
    for lang, document in [(lang, name) for lang in ("fr", "ar")
                           for name in ("briefing-note.pdf", "fact-sheet.pdf")]:
        with pikepdf.open(demo_build / "rabat-2026-12" / lang / document) as pdf:
            direction = pdf.Root.get("/ViewerPreferences", {}).get("/Direction")
            assert (str(direction) if direction is not None else None) == (
                "/R2L" if lang == "ar" else None), (lang, document)


def test_labels_of_a_right_to_left_language_leave_a_left_to_right_document_alone(
        tmp_path: Path) -> None:
    from briefgen.templating import Templates

    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.html").write_text("<p>{{ _('Key messages') }}: {{ t }}</p>", "utf-8")
    rendered = Templates(folder).render("page.html", "en", "ar", t="A-12/3")
    assert rendered == "<p>الرسائل الرئيسية: A-12/3</p>"
