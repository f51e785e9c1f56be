"""Where lines break in the PDFs and the HTML brief: never inside a territory's name, never
before a paragraph marking's word or a title's last word; Arabic justified, a long Latin
gloss broken rather than leaving a hole; the fact sheet's markings (briefgen.linebreaks,
bidi, the templates' marking prefix)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import briefgen
from briefgen import linebreaks
from tests.support.pdf import Boxes, Word, bbox, pdftotext, squash
from tests.support.projects import ISSUED

LANGS = ("fr", "en", "ar")
# Words before the names, more of them in each fact: the names fall everywhere on a line.
FILLER = {
    "fr": "Le Maroc coopère étroitement depuis plusieurs années sur la sécurité régionale avec",
    "en": "Morocco has worked closely for several years on regional security matters with",
    "ar": "يتعاون المغرب بشكل وثيق منذ سنوات عديدة في مجال الأمن الإقليمي مع",
}
TAIL = {"fr": "contre les groupes armés.", "en": "against armed groups.",
        "ar": "ضد الجماعات المسلحة."}
# Titles whose last word would be alone on the note's last title line.
TITLES = {  # each ends with one word alone on its line unless kept with the word before
    "fr": "Réunion ministérielle sur la sécurité hydrique au Sahel",
    "en": "Ministerial meeting on water security in the Sahel region",
    "ar": "الاجتماع الوزاري حول الأمن المائي في منطقة الساحل وغرب إفريقيا والقرن الإفريقي",
}
# A long Arabic paragraph with a quoted name and its Latin gloss, as the demo's.
GLOSS = ("تعمل «مجموعة التركيز حول إفريقيا» (Africa Focus Group) على تنسيق الجهود "
         "الإقليمية، وتتابع «مجموعة التركيز» تنفيذ الالتزامات ")
MARKINGS = [{"id": "np", "short": {"fr": "NP", "en": "U", "ar": "غ م"},
             "label": {"fr": "NON PROTÉGÉ", "en": "UNCLASSIFIED", "ar": "غير محمي"}},
            {"id": "dr", "short": {"fr": "DR", "en": "R", "ar": "ن م"},
             "label": {"fr": "DIFFUSION RESTREINTE", "en": "RESTRICTED", "ar": "نشر محدود"}}]


def names_fact(number: int) -> dict[str, object]:
    return {
        "id": f"names-{number:02d}", "kind": "position", "countries": ["US", "GB", "AE"],
        "text": {lang: " ".join(FILLER[lang].split()[:number + 1]) + " {countries:def} "
                 + TAIL[lang] for lang in LANGS},
        "sources": ["s1"],
    }


def base() -> str:
    facts = [names_fact(number) for number in range(12)]
    facts.append({"id": "script", "kind": "position", "countries": ["US", "TT"],
                  "text": {lang: "<script>alert(1)</script> {countries:def} & co."
                           for lang in LANGS}, "sources": ["s1"]})
    facts.append({"id": "restricted", "kind": "position", "marking": "dr",
                  "fact_sheet": False, "sources": ["s1"],
                  "text": {"fr": "Une réserve.", "en": "A caveat.", "ar": "تحفظ."}})
    return json.dumps({
        "id": "base", "title": {"fr": "Base", "en": "Base", "ar": "قاعدة"}, "subject": "MA",
        "as_of": "2026-10", "languages": list(LANGS),
        "sources": [{"id": "s1", "title": {lang: "Source" for lang in LANGS},
                     "date": "2026-10"}],
        "facts": facts,
    }, ensure_ascii=False, indent=1)


def pack() -> str:
    return json.dumps({
        "id": "meeting",
        "meeting": {"title": TITLES, "date": "2026-12-03"},
        "languages": list(LANGS),
        "classification": {"fr": "NON PROTÉGÉ", "en": "UNCLASSIFIED", "ar": "غير محمي"},
        "markings": MARKINGS, "marking": "np",
        "purpose": {"fr": "Objet.", "en": "Purpose.", "ar": GLOSS * 5},
        "facts": ["base"],
        "documents": ["briefing-note", "fact-sheet", "briefing-html"],
    }, ensure_ascii=False, indent=1)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    for folder, name, text in (("facts", "base.yaml", base()), ("packs", "meeting.yaml", pack())):
        (root / folder).mkdir()
        (root / folder / name).write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    briefgen.build(root, out=out, issued=ISSUED)
    return out / "meeting"


# -- Reading lines from pdftotext -bbox ------------------------------------------------------

def reading(word: Word) -> str:
    """A word as typed: pdftotext writes right-to-left words' letters left to right."""
    return word.text[::-1] if re.search("[\u0600-\u06ff]", word.text) else word.text


def lines(boxes: Boxes, columns: int) -> list[list[Word]]:
    """The words of each line, left to right; a two-column page's columns apart."""
    rows: list[tuple[tuple[int, int, float], list[Word]]] = []
    for word in sorted(boxes.words, key=lambda w: (w.page, w.y1)):
        column = int(word.x0 >= boxes.width / 2) if columns == 2 else 0
        for (page, where, y1), row in rows[-4:]:  # a Latin word sits a point off the Arabic
            if (page, where) == (word.page, column) and abs(y1 - word.y1) < 5:
                row.append(word)
                break
        else:
            rows.append(((word.page, column, word.y1), [word]))
    return [sorted(row, key=lambda w: w.x0) for _, row in sorted(rows, key=lambda r: r[0])]


DOCUMENTS = (("briefing-note.pdf", 1), ("fact-sheet.pdf", 2))
# The first words of the three names: a break after one of them splits its name.
FIRST_WORDS = {"fr": ("États-", "Royaume-", "Émirats", "arabes"),
               "en": ("United", "Arab"),
               "ar": ("الولايات", "المملكة", "الإمارات", "العربية")}


# Arabic names are not kept whole: WeasyPrint 70 sets a justified right-to-left line that
# breaks before an inline element past its box (see linebreaks), and Arabic is justified.
@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(("document", "columns"), DOCUMENTS)
def test_no_line_breaks_inside_a_territorys_name(built: Path, lang: str, document: str,
                                                 columns: int) -> None:
    found = 0
    for line in lines(bbox(built / lang / document), columns):
        words = [reading(word) for word in line]
        ending = words[0] if lang == "ar" else words[-1]  # the line's last word, as read
        found += sum(any(word.endswith(first) for first in FIRST_WORDS[lang]) for word in words)
        assert not any(ending.endswith(first) for first in FIRST_WORDS[lang]), (lang, words)
    assert found >= 24  # twelve facts name them (in the note and on the sheet)


@pytest.mark.parametrize("lang", LANGS)
def test_a_titles_last_line_has_two_words(built: Path, lang: str) -> None:
    boxes = bbox(built / lang / "briefing-note.pdf")
    first = [word for word in boxes.words  # the top of the page: not the watermark's letters
             if word.page == 1 and word.y1 < boxes.height / 3 and len(word.text) > 1]
    tallest = max(word.y1 - word.y0 for word in first)
    title = [word for word in first if word.y1 - word.y0 > 0.9 * tallest]
    rows: dict[int, list[str]] = {}
    for word in title:
        rows.setdefault(round(word.y1), []).append(word.text)
    assert len(rows) >= 2, rows  # the title runs to two lines or more
    assert len(rows[max(rows)]) >= 2, rows


@pytest.mark.parametrize("lang", LANGS)
def test_the_fact_sheet_prints_markings_and_the_highest_shown(built: Path, lang: str) -> None:
    sheet = squash(pdftotext(built / lang / "fact-sheet.pdf"))
    note = squash(pdftotext(built / lang / "briefing-note.pdf"))
    low, high = (marking["label"][lang] for marking in MARKINGS)  # type: ignore[index]
    short = MARKINGS[0]["short"][lang]  # type: ignore[index]
    assert f"({short})" in sheet
    # The restricted fact is off the sheet: the sheet is marked as its facts are.
    assert high in note and high not in sheet
    assert sheet.count(low) >= 2  # top and bottom


def test_the_html_marks_names_and_escapes_fact_text(built: Path) -> None:
    html = (built / "en/briefing.html").read_text(encoding="utf-8")
    assert '<span class="nowrap">the United States</span>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    # A browser lays the Arabic page out: its names are kept whole there too.
    arabic = (built / "ar/briefing.html").read_text(encoding="utf-8")
    assert re.search('<span class="nowrap">[^<]*الولايات المتحدة[^<]*</span>', arabic)


def test_names_are_looked_for_in_text_only() -> None:
    html = ('<html><head><title>United States</title></head><body>'
            '<img alt="United States"><p>In the United States &amp; Trinidad &amp; Tobago.</p>'
            '<svg><text>United States</text></svg><h2>Allies of the United States</h2></body>')
    kept = linebreaks.keep_lines(html, ["United States", "Trinidad & Tobago"])
    assert "<title>United States</title>" in kept and 'alt="United States"' in kept
    assert "<svg><text>United States</text></svg>" in kept
    assert ('In the <span class="nowrap">United States</span> &amp; '
            '<span class="nowrap">Trinidad &amp; Tobago</span>.') in kept
    assert '<h2>Allies of the <span class="nowrap"><span class="nowrap">United States' in kept


def test_arabic_lines_are_filled(built: Path) -> None:
    """The purpose, justified: every line but its last spans the column, the Latin gloss
    broken where it would leave a hole."""
    glossary = set(GLOSS.replace("«", " ").replace("»", " ").replace("(", " ")
                   .replace(")", " ").replace("،", " ").split())
    rows = [line for line in lines(bbox(built / "ar/briefing-note.pdf"), 1)
            if line[0].page == 1 and all(reading(word).strip("«»()،.") in glossary
                                         for word in line)]
    assert len(rows) >= 5, [[reading(w) for w in row] for row in rows]
    widths = [row[-1].x1 - row[0].x0 for row in rows]
    column = max(widths)
    assert min(widths[:-1]) > 0.97 * column, [round(w / column, 2) for w in widths]
