"""The briefing book: the whole pack in one bookmarked PDF, read as a reader would — its
contents page, its outline, its pages, its markings — in French, English and Arabic."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest

import briefgen
from briefgen.errors import BuildFailed
from tests.support.pdf import bbox, pdfinfo, pdftotext, squash
from tests.support.projects import ISSUED, MINIMAL_PACK, REPO, ProjectFactory, load_demo

PACK = "rabat-2026-12"
PARTS = {  # the contents' entries, in order
    "fr": ["Note d’entretien", "Éléments de langage", "Fiche d’information", "Participants",
           "Biographies", "Sources"],
    "en": ["Briefing note", "Talking points", "Fact sheet", "Participants", "Biographies",
           "Sources"],
}


@pytest.fixture(scope="module")
def books(demo_build: Path) -> dict[str, Path]:
    return {lang: demo_build / PACK / lang / "briefing-book.pdf" for lang in ("fr", "en", "ar")}


def contents(book: Path) -> list[tuple[str, int]]:
    """(entry, page) of each line of the contents page, as printed."""
    page = pdftotext(book, page=2)
    found = re.findall(r"^(.+?)\s*\.{3,}\s*(\d+)$", page, re.MULTILINE)
    return [(title.strip(), int(number)) for title, number in found]


def outline(book: Path) -> list[tuple[int, str, int]]:
    """(level, title, page) of every bookmark, in order."""
    found: list[tuple[int, str, int]] = []
    with pikepdf.open(book) as pdf:
        pages = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}

        def walk(items: list[pikepdf.OutlineItem], level: int) -> None:
            for item in items:
                destination = item.destination
                target = destination[0] if isinstance(destination, pikepdf.Array) else None
                found.append((level, str(item.title),
                              pages.get(target.objgen, 0) if target is not None else 0))
                walk(item.children, level + 1)

        with pdf.open_outline() as tree:
            walk(tree.root, 1)
    return found


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_contents_give_the_page_each_part_starts_on(books: dict[str, Path],
                                                        lang: str) -> None:
    book = books[lang]
    entries = contents(book)
    assert [title for title, _ in entries] == PARTS[lang]
    bookmarks = {title: page for level, title, page in outline(book) if level == 1}
    for title, page in entries:
        assert bookmarks[title] == page, title  # the outline agrees with the contents page
        text = squash(pdftotext(book, page=page))
        assert title.casefold() in text.casefold(), (title, page)
    numbers = [page for _, page in entries]
    assert numbers == sorted(numbers) and numbers[0] == 3  # cover, contents, then the parts


def test_the_outline_has_every_part_and_section(books: dict[str, Path]) -> None:
    marks = outline(books["fr"])
    top = [title for level, title, _ in marks if level == 1]
    assert top[:2] == ["Consultations maroco-américaines sur la lutte contre le terrorisme",
                       "Sommaire"]
    assert top[2:] == PARTS["fr"]
    sections = [title for level, title, _ in marks if level == 2]
    for section in ("OBJET DE L’ENTRETIEN", "MESSAGES CLÉS", "ÉLÉMENTS DE CONTEXTE", "POSITION",
                    "CHRONOLOGIE", "Leur délégation", "Jane R. Holloway"):
        assert any(section.casefold() == title.casefold() for title in sections), section


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_the_fact_sheet_is_one_page_of_its_own(books: dict[str, Path], lang: str) -> None:
    book = books[lang]
    pages = int(pdfinfo(book)["Pages"])
    label = {"fr": "FICHE D’INFORMATION", "en": "FACT SHEET", "ar": "بطاقة معلومات"}[lang]
    timeline = {"fr": "CHRONOLOGIE", "en": "TIMELINE", "ar": "التسلسل الزمني"}[lang]
    holding = [page for page in range(1, pages + 1)
               if label in pdftotext(book, page=page) and timeline in pdftotext(book, page=page)]
    assert len(holding) == 1, holding
    sheet = holding[0]
    before, after = pdftotext(book, page=sheet - 1), pdftotext(book, page=sheet + 1)
    assert timeline not in before and timeline not in after


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_every_page_is_marked_and_numbered_through_the_book(books: dict[str, Path],
                                                            lang: str) -> None:
    book = books[lang]
    pages = int(pdfinfo(book)["Pages"])
    marking = {"fr": "DIFFUSION RESTREINTE", "en": "RESTRICTED", "ar": "نشر محدود"}[lang]
    for page in range(1, pages + 1):
        text = pdftotext(book, page=page)
        assert text.count(marking) == 2, f"page {page}"
        # "n / N" (right to left, pdftotext gives the numbers in visual order: "N / n")
        numbers = [{int(a), int(b)} for a, b in re.findall(r"(\d+) / (\d+)", text)]
        assert {page, pages} in numbers, f"page {page}"


PT_PER_MM = 72 / 25.4


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_page_has_its_marking_and_footer_in_the_same_place(books: dict[str, Path],
                                                                 lang: str) -> None:
    """The fact sheet's page of the book (narrower margins) prints its classification,
    reference and page number where every other page does, 10 mm or more from the paper's
    edges (what a printer prints)."""
    boxes = bbox(books[lang])
    reference = "DAAO/2026/0412"
    places: dict[int, tuple[float, ...]] = {}
    for page in range(1, int(pdfinfo(books[lang])["Pages"]) + 1):
        words = [word for word in boxes.words if word.page == page]
        top = min(words, key=lambda word: word.y0)  # the classification
        foot = [word for word in words if word.y1 > boxes.height - 14 * PT_PER_MM]
        [ref] = [word for word in foot if word.text == reference]
        number = [word for word in foot if word.text == str(page)]
        assert number, f"page {page}"
        places[page] = tuple(round(value, 1) for value in (
            top.y0, top.y1, ref.x0, ref.x1, ref.y1, number[-1].y1))
        assert top.y0 >= 10 * PT_PER_MM
        assert boxes.height - max(ref.y1, number[-1].y1) >= 10 * PT_PER_MM
        assert min(ref.x0, boxes.width - ref.x1) >= 10 * PT_PER_MM
    assert len(set(places.values())) == 1, places


def test_tagged_with_the_pack_language_and_read_from_the_right(books: dict[str, Path]) -> None:
    for lang, book in books.items():
        assert pdfinfo(book)["Tagged"] == "yes"
        with pikepdf.open(book) as pdf:
            # (with its likely region, which hyphenation follows; Arabic: the demo's ar_MA)
            assert str(pdf.Root.Lang) == {"fr": "fr-FR", "en": "en-US", "ar": "ar-MA"}[lang]
            preferences = pdf.Root.get("/ViewerPreferences", {})
            direction = preferences.get("/Direction")
            direction = str(direction) if direction is not None else None
            assert direction == ("/R2L" if lang == "ar" else None), lang


def test_the_book_shows_the_draft_and_the_whole_pack(books: dict[str, Path]) -> None:
    text = squash(pdftotext(books["en"]))
    for expected in ("BRIEFING BOOK DRAFT Ref. DAAO/2026/0412", "Facts as of May 2022",
                     "KEY MESSAGES", "1. Morocco supports the objectives",
                     "Jane R. Holloway, Deputy Coordinator for Counterterrorism",
                     "[2] [Biographical note, Embassy of the Kingdom of Morocco in Washington]"):
        assert expected in text, expected
    # The sources once, at the end (the fact sheet as a part cites that list), and who
    # drafted the brief once, in the colophon.
    assert text.count("[Note on Morocco and the Global Coalition against Daesh]") == 1
    assert text.count("Drafted by") == 1


def test_the_same_inputs_give_the_same_book(tmp_path: Path) -> None:
    project = load_demo()
    first = briefgen.build(project, [PACK], out=tmp_path / "a", languages=["en"], issued=ISSUED)
    second = briefgen.build(project, [PACK], out=tmp_path / "b", languages=["en"], issued=ISSUED)
    [one] = [w for w in first.written if w.document == "briefing-book"]
    [two] = [w for w in second.written if w.document == "briefing-book"]
    assert one.sha256 == two.sha256
    assert "ma-coalition-daesh/skhirat-meeting" in one.facts
    assert "us-officials/jane-holloway/deputy-coordinator" in one.facts
    assert one.sources == ("ma-coalition-daesh/note-2022-05", "us-officials/bio-note-2026-10")


def test_a_fact_sheet_that_would_take_two_book_pages_is_an_error(
        make_project: ProjectFactory, tmp_path: Path) -> None:
    pack = MINIMAL_PACK.replace("documents: [briefing-note]", "documents: [briefing-book]")
    root = make_project(packs={"meeting.yaml": pack},
                        templates={"css/briefing-book.css": (
                            (REPO / "templates/css/briefing-book.css").read_text()
                            + "@page sheet { margin: 120mm 13mm; }\n")})
    with pytest.raises(BuildFailed) as caught:
        briefgen.build(briefgen.load_project(root), out=tmp_path / "out", issued=ISSUED)
    assert "meeting/en/briefing-book.pdf: the fact sheet takes 2 pages of the briefing book " \
           "instead of one" in str(caught.value)
