"""Digits in the locale's numbering system (or the pack's), everywhere in a document; the
minus sign where a right-to-left reader expects it."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest
from babel import Locale, localedata

import briefgen
from briefgen import i18n
from briefgen.dates import PartialDate
from tests.support.pdf import bbox, pdftotext, squash
from tests.support.projects import ISSUED, ProjectFactory, base_in, pack_in

ARABIC_INDIC, PERSIAN = "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹"
BIDI_CONTROLS = {c: None for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E,
                                   0x200F, 0x061C]}


@pytest.mark.parametrize(("tag", "system"), [("fa", "arabext"), ("ar_EG", "arab"),
                                             ("ar_SA", "arab"), ("ar", "latn"),
                                             ("ar_MA", "latn"), ("fr", "latn"), ("bn", "beng")])
def test_the_locale_chooses_its_digits(tag: str, system: str) -> None:
    assert i18n.numbering_system(tag) == system
    assert i18n.numbering_system(tag, "latn") == "latn"  # the pack's choice wins


def test_every_default_numbering_system_of_cldr_is_known() -> None:
    """No locale falls back to Latin digits because briefgen lacks its digits."""
    systems = set()
    for identifier in localedata.locale_identifiers():
        loc = Locale.parse(identifier)
        systems.add(str(loc.default_numbering_system))
        systems.add(str(loc.other_numbering_systems.get("native", "latn")))
    assert systems <= set(i18n.DIGITS), systems - set(i18n.DIGITS)
    for system, digits in i18n.DIGITS.items():
        if system != "hanidec":
            assert [unicodedata.digit(d) for d in digits] == list(range(10)), system


@pytest.mark.parametrize(
    ("tag", "numbering", "value", "expected"),
    [
        ("ar", None, -1500, "\u200e-1,500"),  # CLDR's minus: LRM keeps it before the digits
        ("ar_EG", None, -1500.5, "\u061c-١٬٥٠٠٫٥"),  # ALM: the sign reads first, right to left
        ("fa", None, 12500, "۱۲٬۵۰۰"),
        ("ar", "arab", 12500, "١٢٬٥٠٠"),  # the pack's choice, with its separators
        ("fr", "arab", 12500, "١٢٬٥٠٠"),  # CLDR's separators for the arab system
        ("fr", None, -12500, "-12\u202f500"),
    ],
)
def test_numbers(tag: str, numbering: str | None, value: float, expected: str) -> None:
    assert i18n.format_number(value, tag, numbering) == expected


def test_dates_and_ranges_take_the_digits() -> None:
    assert i18n.format_partial_date(PartialDate(2018, 6, 26), "ar_EG") == "٢٦ يونيو ٢٠١٨"
    assert i18n.format_partial_date(PartialDate(2022, 5), "fa") == "مه ۲۰۲۲"
    assert i18n.format_date_range(dt.date(2026, 12, 3), dt.date(2026, 12, 4), "ar_SA") == (
        "٣–٤ ديسمبر ٢٠٢٦")
    assert i18n.format_day(dt.date(2026, 12, 3), "ar_EG", "latn") == "3 ديسمبر 2026"


# -- Rendered documents ----------------------------------------------------------------------

FIGURE = """  - id: f2
    kind: figure
    value: -1500
    date: 2018-06-26
    text: {%s}
"""


def build(make_project: ProjectFactory | None, out: Path, lang: str, extra: str = "",
          documents: str = "[briefing-note, fact-sheet, talking-points]") -> Path:
    base = base_in([lang], sources=2) + FIGURE % f'{lang}: "الرصيد {{value}} دولار"'
    pack = pack_in([lang], extra, documents)
    if make_project is None:
        root = out / "project"
        for folder, text in (("facts", base), ("packs", pack)):
            (root / folder).mkdir(parents=True)
            (root / folder / "file.yaml").write_text(text, encoding="utf-8")
    else:
        root = make_project(facts={"base.yaml": base}, packs={"meeting.yaml": pack})
    briefgen.build(briefgen.load_project(root), out=out / "build", issued=ISSUED)
    return out / "build" / "meeting" / lang


def plain(path: Path) -> str:
    return squash(pdftotext(path)).translate(BIDI_CONTROLS)


@pytest.fixture(scope="module")
def egyptian(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(None, tmp_path_factory.mktemp("ar_EG"), "ar_EG")


def test_arabic_indic_digits_everywhere_in_the_note(egyptian: Path) -> None:
    text = plain(egyptian / "briefing-note.pdf")
    # pdftotext puts a number beside its Arabic words in visual order: "٣ديسمبر ٢٠٢٦"
    for expected in ("٣ديسمبر ٢٠٢٦",  # meeting date
                     "]٢ ،١[",  # source references
                     "صفحة ١ / ١",  # page n / N: the CSS counter style
                     "٢٠نوفمبر",  # date of issue
                     "١٬٥٠٠"):  # the figure
        assert expected in text, expected
    assert ".١" in text and ".٢" in text  # the numbered key messages and sources
    assert not any(char in text for char in "0123456789"), text  # "Source ١" too


def test_arabic_indic_digits_on_the_fact_sheet(egyptian: Path) -> None:
    text = plain(egyptian / "fact-sheet.pdf")
    assert "٢٠١٨" in text and "٢٠١٩" in text  # the timeline's dates and year ticks
    assert "2018" not in text and "2019" not in text


def test_arabic_indic_digits_in_the_talking_points(egyptian: Path) -> None:
    from docx import Document

    document = Document(str(egyptian / "talking-points.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    # Latin words isolated (FSI ... PDI), the number after them in the document's digits
    assert "[١] \u2068Source\u2069 ١، \u2068Ministry\u2069، مايو ٢٠٢٢." in text
    assert "٢٠ نوفمبر ٢٠٢٦" in text and "2026" not in text
    numbering = document.part.numbering_part.element.xml
    assert 'w:val="hindiNumbers"' in numbering and 'w:val="decimal"' not in numbering
    assert all(section._sectPr.xml.count('w:fmt="hindiNumbers"') == 1
               for section in document.sections)


def test_persian_digits(make_project: ProjectFactory, tmp_path: Path) -> None:
    folder = build(make_project, tmp_path, "fa", "labels_fallback: en\n",
                   "[briefing-note, fact-sheet]")
    note = plain(folder / "briefing-note.pdf")
    assert "۲۰۲۶  دسامبر۳" in note and "۱٬۵۰۰" in note and "Page ۱ / ۱" in note
    sheet = plain(folder / "fact-sheet.pdf")
    assert "۲۰۱۸" in sheet and "2018" not in sheet


TYPED = """  - id: f3
    kind: position
    text: {%s}
    talking_point: {%s}
"""


@pytest.mark.parametrize(("lang", "expected"), [
    ("ar_EG", ["منذ ٢٠١٥ بنسبة ٨٦\u00a0٪ وفق القرار A-12/3.", "٣٠ يوما"]),
    ("fa", ["منذ ۲۰۱۵ بنسبة ۸۶\u00a0٪ وفق القرار A-12/3.", "more than ۳۰ days old"]),
])
def test_typed_digits_and_counts_take_the_document_digits(
        make_project: ProjectFactory, tmp_path: Path, lang: str, expected: list[str]) -> None:
    """One digit system per document: digits and "%" typed in a fact, and the counts of
    labels, as the dates and numbers; a code ("A-12/3") keeps its own."""
    typed = f'{lang}: "منذ 2015 بنسبة 86 % وفق القرار A-12/3."'
    root = make_project(
        facts={"base.yaml": base_in([lang]) + TYPED % (typed, typed)},
        packs={"meeting.yaml": pack_in([lang], "labels_fallback: en\nmax_age_days: 30\n",
                                       "[briefing-note, talking-points]")})
    briefgen.build(briefgen.load_project(root), out=tmp_path / "build", issued=ISSUED)
    folder = tmp_path / "build" / "meeting" / lang
    from docx import Document

    paragraphs = [p.text.translate(BIDI_CONTROLS)
                  for p in Document(str(folder / "talking-points.docx")).paragraphs]
    assert expected[0] in paragraphs  # the key message, exactly
    html_free = plain(folder / "briefing-note.pdf")
    assert expected[1] in html_free
    assert "86" not in html_free and "2015" not in html_free and "30" not in html_free
    assert "A-12/3" in html_free


def test_the_pack_chooses_latin_digits(make_project: ProjectFactory, tmp_path: Path) -> None:
    folder = build(make_project, tmp_path, "ar_EG", "numbering: latn\n", "[briefing-note]")
    text = plain(folder / "briefing-note.pdf")
    assert "3ديسمبر 2026" in text and "1 / 1" in text
    assert not any(char in text for char in ARABIC_INDIC)


def test_an_unknown_numbering_is_a_located_error(make_project: ProjectFactory) -> None:
    root = make_project(facts={"base.yaml": base_in(["ar"])},
                        packs={"meeting.yaml": pack_in(["ar"], "numbering: roman\n")})
    with pytest.raises(briefgen.ValidationFailed) as caught:
        briefgen.load_project(root)
    assert "packs/meeting.yaml:9: 'numbering': 'roman' is not a numbering system" in str(
        caught.value)


def test_a_negative_number_keeps_its_sign_before_the_digits(make_project: ProjectFactory,
                                                            tmp_path: Path) -> None:
    """In Arabic text with Latin digits the minus sits left of the digits (CLDR's LRM);
    with Arabic-Indic digits it reads first, at their right (CLDR's ALM)."""
    latin = build(make_project, tmp_path / "ar", "ar", documents="[briefing-note]")
    words = bbox_words(latin / "briefing-note.pdf")
    assert "-1,500" in words and "1,500-" not in words
    egyptian = build(make_project, tmp_path / "eg", "ar_EG", documents="[briefing-note]")
    assert "١٬٥٠٠-" in bbox_words(egyptian / "briefing-note.pdf")


def bbox_words(path: Path) -> list[str]:
    """The words of a PDF as pdftotext places them, each in left-to-right glyph order."""
    return [word.text for word in bbox(path).words]
