"""The briefing book: the whole pack in one bookmarked PDF, read as a reader would — its
contents page, its outline, its pages, its markings — in French, English and Arabic. It is
compiled from the note's and the fact sheet's own pages (each part keeps its own page
numbers), the same whether or not they were laid out before in the process."""

from __future__ import annotations

import io
import re
import subprocess
from collections import Counter
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

import briefgen
from briefgen.context import pack_view
from briefgen.documents import REGISTRY, Engines
from briefgen.templating import Templates
from tests.support.pdf import bbox, pdffonts, pdfinfo, pdftotext, squash
from tests.support.projects import ISSUED, MINIMAL_PACK, ProjectFactory, load_demo

PACK = "rabat-2026-12"
PARTS = {  # the contents' entries, in order: the parts, and what the note holds under it
    "fr": ["Note d’entretien", "Participants", "Biographies", "Sources", "Éléments de langage",
           "Fiche d’information"],
    "en": ["Briefing note", "Participants", "Biographies", "Sources", "Talking points",
           "Fact sheet"],
}
WITHIN_NOTE = {"Participants", "Biographies", "Sources"}


@pytest.fixture(scope="module")
def books(demo_build: Path) -> dict[str, Path]:
    return {lang: demo_build / PACK / lang / "briefing-book.pdf" for lang in ("fr", "en", "ar")}


def contents(book: Path) -> list[tuple[str, int]]:
    """(entry, page) of each line of the contents page, as printed (the dots between them
    are drawn, not text: a reader copying the line gets the entry and its page)."""
    page = pdftotext(book, page=2, layout=True)
    found = re.findall(r"^\s*(\S.*?)\s{2,}(\d+)\s*$", page, re.MULTILINE)
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
    bookmarks: dict[str, int] = {}
    for level, title, page in outline(book):  # the outline agrees with the contents page
        if level == (2 if title in WITHIN_NOTE else 1):
            bookmarks.setdefault(title, page)
    for title, page in entries:
        assert bookmarks[title] == page, title
        text = squash(pdftotext(book, page=page))
        assert title.casefold() in text.casefold(), (title, page)
    numbers = [page for _, page in entries]
    assert numbers == sorted(numbers) and numbers[0] == 3  # cover, contents, then the parts
    assert numbers[-1] == int(pdfinfo(book)["Pages"])  # the fact sheet's page ends the book


def test_the_outline_has_every_part_and_section(books: dict[str, Path]) -> None:
    marks = outline(books["fr"])
    top = [title for level, title, _ in marks if level == 1]
    assert top == ["Consultations maroco-américaines sur la lutte contre le terrorisme",
                   "Sommaire", "Note d’entretien", "Éléments de langage", "Fiche d’information"]
    for level, sections in ((2, ("OBJET DE L’ENTRETIEN", "MESSAGES CLÉS", "ÉLÉMENTS DE CONTEXTE",
                                 "POSITION", "Chronologie", "Participants", "Biographies",
                                 "Sources")),
                            (3, ("Leur délégation", "Jane R. Holloway"))):
        found = [title.casefold() for mark, title, _ in marks if mark == level]
        for section in sections:
            assert section.casefold() in found, section


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_the_fact_sheet_is_one_page_of_its_own(books: dict[str, Path], lang: str) -> None:
    book = books[lang]
    pages = int(pdfinfo(book)["Pages"])
    label = {"fr": "FICHE D’INFORMATION", "en": "FACT SHEET", "ar": "بطاقة معلومات"}[lang]
    timeline = {"fr": "CHRONOLOGIE", "en": "TIMELINE", "ar": "التسلسل الزمني"}[lang]
    holding = [page for page in range(1, pages + 1)
               if label in pdftotext(book, page=page) and timeline in pdftotext(book, page=page)]
    assert len(holding) == 1, holding
    assert holding == [pages]  # the sheet's own page, the book's last
    assert timeline not in pdftotext(book, page=pages - 1)


def part_of_each_page(book: Path) -> list[int]:
    """The part each page belongs to, by its order in the outline (the cover and the
    contents are parts 0 and 1), and the book's pages."""
    starts = [page for level, _, page in outline(book) if level == 1]
    pages = int(pdfinfo(book)["Pages"])
    return [max(n for n, start in enumerate(starts) if start <= page)
            for page in range(1, pages + 1)]


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_every_page_is_marked_and_each_part_numbered_on_its_own(books: dict[str, Path],
                                                               lang: str) -> None:
    """A book compiled as ministries compile theirs: each part keeps its page numbers
    ("n / N" of the part); the cover and the contents print none."""
    book = books[lang]
    marking = {"fr": "DIFFUSION RESTREINTE", "en": "RESTRICTED", "ar": "نشر محدود"}[lang]
    digits = {"ar": str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")}.get(lang, {})
    parts = part_of_each_page(book)
    assert parts[:3] == [0, 1, 2] and parts[-1] == parts[-2] + 1  # ... the sheet's page
    for page, part in enumerate(parts, start=1):
        text = pdftotext(book, page=page).translate(digits)
        assert text.count(marking) == 2, f"page {page}"
        # "n / N" (right to left, pdftotext gives the numbers in visual order: "N / n")
        numbers = [{int(a), int(b)} for a, b in re.findall(r"(\d+) / (\d+)", text)]
        if part in (0, 1, parts[-1]):  # the cover, the contents, the sheet's one page
            assert not numbers, f"page {page}"
            continue
        assert numbers == [{page - parts.index(part), parts.count(part)}], f"page {page}"


PT_PER_MM = 72 / 25.4


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_page_has_its_marking_and_footer_in_the_same_place(books: dict[str, Path],
                                                                 lang: str) -> None:
    """Every page of the book, the fact sheet's own page too, prints its classification at
    the same height and its footer (reference, page number) on the same line, 10 mm or
    more from the paper's edges (what a printer prints)."""
    boxes = bbox(books[lang])
    reference = "DAAO/2026/0412"
    places: dict[int, tuple[float, ...]] = {}
    for page in range(1, int(pdfinfo(books[lang])["Pages"]) + 1):
        words = [word for word in boxes.words if word.page == page]
        top = min(words, key=lambda word: word.y0)  # the classification
        foot = [word for word in words if word.y1 > boxes.height - 14 * PT_PER_MM]
        [ref] = [word for word in foot if word.text == reference]
        places[page] = tuple(round(value, 1) for value in (top.y0, top.y1, ref.y1))
        assert top.y0 >= 10 * PT_PER_MM
        numbered = [ref, *(word for word in foot if word.text.isdigit())]
        assert boxes.height - max(word.y1 for word in numbered) >= 10 * PT_PER_MM
        assert min(min(w.x0, boxes.width - w.x1) for w in numbered) >= 10 * PT_PER_MM
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


ANCHORS = ("note", "participants", "biographies", "sources", "talking-points", "fact-sheet")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_dots_lead_from_each_entry_to_its_page(books: dict[str, Path], lang: str,
                                               tmp_path: Path) -> None:
    """Between each line of the contents and its page, a row of dots a few points apart,
    from the one to the other, on the line's baseline (drawn, left to right or right to
    left): none over the words, no gap."""
    words = [word for word in bbox(books[lang]).words if word.page == 2]
    numbers = [word for word in words if word.text.isdigit()]
    assert len(numbers) == 6
    png = tmp_path / "contents"
    subprocess.run(["pdftoppm", "-r", "144", "-gray", "-f", "2", "-l", "2", "-singlefile",
                    "-png", str(books[lang]), str(png)], check=True)
    image = Image.open(f"{png}.png").convert("L")
    scale = image.width / bbox(books[lang]).width
    for number in numbers:
        middle = (number.y0 + number.y1) / 2
        entry = [word for word in words if word is not number and word.y0 < middle < word.y1]
        start, end = ((max(word.x1 for word in entry), number.x0) if lang != "ar"
                      else (number.x1, min(word.x0 for word in entry)))
        band = range(int(number.y0 * scale), int(number.y1 * scale) + 2)
        dark = [any(image.getpixel((x, y)) < 180 for y in band)
                for x in range(int(start * scale) + 1, int(end * scale))]
        dots = sum(1 for before, here in zip([False, *dark[:-1]], dark, strict=True)
                   if here and not before)
        assert (end - start) / 3 - 3 <= dots <= (end - start) / 3 + 1, (number.text, dots)
        assert not any(dark[:2]) and not any(dark[-2:])  # a space either side


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_contents_links_go_to_the_pages_they_print(books: dict[str, Path],
                                                      lang: str) -> None:
    """Each line of the contents is a link to the page it prints, in whatever part."""
    printed = dict(zip(ANCHORS, [page for _, page in contents(books[lang])], strict=True))
    with pikepdf.open(books[lang]) as pdf:
        pages = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}
        links = {str(link.Contents): pages[link.Dest[0].objgen]
                 for link in pdf.pages[1].Annots if "/Dest" in link}
    assert links == printed


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_one_structure_tree_holds_every_part_in_page_order(books: dict[str, Path],
                                                          lang: str) -> None:
    """The book is one valid tagged PDF: the parts' headings and paragraphs in its one
    structure tree, in the order of the pages; each page's and each link's key in the parent
    tree its own, leading to elements of that tree."""
    book = books[lang]
    check = subprocess.run(["qpdf", "--check", str(book)], capture_output=True, text=True,
                           check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    tree = subprocess.run(["pdfinfo", "-struct-text", str(book)], check=True,
                          capture_output=True, text=True).stdout
    assert tree.splitlines()[0] == "Document" and tree.count("\nDocument") == 0
    said = squash(" ".join(re.findall(r'^\s*"(.*)"$', tree, re.MULTILINE)))
    if lang == "fr":  # the contents, the note to its drafter, the talking points, the sheet
        at = 0
        for text in ("Sommaire", "OBJET", "Rédigé par", "Éléments de langage", "FICHE",
                     "CHRONOLOGIE", "Rédigé par"):
            at = said.find(text, at + 1)
            assert at >= 0, text
    with pikepdf.open(book) as pdf:
        root = pdf.Root.StructTreeRoot
        keys = [int(page.StructParents) for page in pdf.pages]
        keys += [int(link.StructParent) for page in pdf.pages for link in page.get("/Annots", ())]
        assert len(set(keys)) == len(keys)
        parents = pikepdf.NumberTree(root.ParentTree)
        for key in keys:
            entry = parents[key]
            for element in (entry if isinstance(entry, pikepdf.Array) else [entry]):
                while element.get("/Type") != "/StructTreeRoot":
                    element = element.P
                assert element.objgen == root.objgen, key


def test_each_part_keeps_its_fonts_under_names_of_its_own(books: dict[str, Path]) -> None:
    """Each part's subset of a font has a name of its own: readers that take two fonts of
    one name for one font would draw a part's text with another part's glyphs."""
    names = [row[0] for row in pdffonts(books["ar"])]
    assert len(names) > 5 and len(set(names)) == len(names), names


def test_the_book_shows_the_draft_and_the_whole_pack(books: dict[str, Path]) -> None:
    text = squash(pdftotext(books["en"]))
    for expected in ("BRIEFING BOOK DRAFT Ref. DAAO/2026/0412", "Facts as of May 2022",
                     "KEY MESSAGES", "1. Morocco supports the objectives",
                     "Jane R. Holloway, Deputy Coordinator for Counterterrorism",
                     "[2] [Biographical note, Embassy of the Kingdom of Morocco in Washington]"):
        assert expected in text, expected
    # Each part is the document as issued: the note's sources and drafter, the sheet's.
    assert text.count("[Note on Morocco and the Global Coalition against Daesh]") == 2
    assert text.count("Drafted by") == 2


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


def test_the_same_book_whether_its_parts_were_laid_out_before_or_not(
        demo_project: briefgen.Project) -> None:
    """After the note and the fact sheet, the book takes their pages and lays out only its
    own (cover, contents, talking points); alone, it lays them out itself: the same bytes."""
    view = pack_view(demo_project, PACK, "ar", ISSUED)
    after = Engines(Templates(demo_project.templates))
    for kind in ("briefing-note", "fact-sheet"):
        REGISTRY[kind].render(view, after)
    laid = dict(after.pdf.layouts)
    book = REGISTRY["briefing-book"].render(view, after)
    assert after.pdf.layouts - Counter(laid) == {f"{PACK}/ar/briefing-book.pdf": 1}
    alone = Engines(Templates(demo_project.templates))
    assert REGISTRY["briefing-book"].render(view, alone).data == book.data
    assert alone.pdf.layouts[f"{PACK}/ar/briefing-note.pdf"] == 1


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_same_book_whatever_its_last_render_left(demo_project: briefgen.Project,
                                                     lang: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The contents gives the fact sheet's page from the talking points' pages at the
    book's last render (its hint): then the contents is laid out once, where WeasyPrint
    works the page out otherwise (laying the contents out three times). A hint that is
    wrong costs a layout; the book is the same bytes in every case."""
    import weasyprint.layout.page

    made: list[int] = []
    make_page = weasyprint.layout.page.make_page

    def counted(context: object, root: object, kind: object, resume: object, number: int,
                state: object) -> object:
        made.append(number)
        return make_page(context, root, kind, resume, number, state)

    monkeypatch.setattr(weasyprint.layout.page, "make_page", counted)
    view = pack_view(demo_project, PACK, lang, ISSUED)
    name = f"{PACK}/{lang}/briefing-book.pdf"
    books, contents_made, layouts = [], [], []
    engines = Engines(Templates(demo_project.templates))
    first = REGISTRY["briefing-book"].render(view, engines)  # no hint: the first build
    hint = str(first.hint)
    points = int(hint.rpartition("|points=")[2])
    for left in (None, hint, hint.replace(f"|points={points}", f"|points={points + 2}")):
        engines = Engines(Templates(demo_project.templates))
        for kind in ("briefing-note", "fact-sheet"):
            REGISTRY[kind].render(view, engines)
        if left is not None:
            engines.hints[name] = left
        made.clear()
        books.append(REGISTRY["briefing-book"].render(view, engines))
        contents_made.append(made.count(2))
        layouts.append(engines.pdf.layouts[name])
    assert books[0].data == books[1].data == books[2].data == first.data
    assert [book.hint for book in books] == [hint] * 3
    assert contents_made[1] == 1 and contents_made[0] > 1  # the hint spares the re-layout
    assert layouts == [1, 1, 2]  # a wrong hint: laid out again, with the right number


def test_a_short_pack_shares_pages_each_part_bookmarked(
        make_project: ProjectFactory, tmp_path: Path) -> None:
    """A pack with little to say: its note's parts run on one page, each with its bookmark
    and its line in the contents; the book is the cover, the contents and a page each for
    the note, the talking points and the fact sheet."""
    pack = MINIMAL_PACK.replace("documents: [briefing-note]", "documents: [briefing-book]")
    root = make_project(packs={"meeting.yaml": pack})
    result = briefgen.build(briefgen.load_project(root), out=tmp_path / "out", issued=ISSUED)
    [book] = [w.path for w in result.written
              if w.document == "briefing-book" and w.language == "en"]
    assert int(pdfinfo(book)["Pages"]) == 5
    marks = outline(book)
    assert [(level, page) for level, _, page in marks if level == 1][2:] == [
        (1, 3), (1, 4), (1, 5)]
    assert [page for _, page in contents(book)] == sorted(page for _, page in contents(book))


def test_each_part_keeps_its_links(demo_project: briefgen.Project) -> None:
    """Compiling parts that hold links: a part's internal link goes to its own anchor, even
    where another part has one of the same name; its external link is kept; a base's link
    to a part's anchor finds it."""
    from briefgen.documents import compile

    engines = Engines(Templates(demo_project.templates))
    fonts = [engines.templates.find("css/fonts.css")]

    def written(body: str) -> bytes:
        html = f'<html lang="en"><body style="font-family: serif">{body}</body></html>'
        document = engines.pdf.layout(html, engines.templates.roots[0], fonts, "part")
        return engines.pdf.write(document, "part", html).data

    page_break = '<p style="break-before: page" id="{0}">{0}</p>'
    part = written('<p><a href="#end">to the end</a> <a href="https://example.org/">out</a>'
                   '</p>' + page_break.format("end"))
    base = written('<p id="end"><a href="#there">to the part</a><span id="there"></span></p>'
                   + page_break.format("after"))  # "there": a placeholder, as the book's
    book = compile.compile_pdf(base, [compile.Insert(1, compile.Part(part), "Part", "there")],
                               {"there"})
    with pikepdf.open(io.BytesIO(book)) as pdf:
        pages = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}
        links = {str(link.Contents): (pages[link.Dest[0].objgen] if "/Dest" in link
                                      else str(link.A.URI))
                 for page in pdf.pages for link in page.get("/Annots", ())}
        assert links == {"there": 2, "end": 3, "https://example.org/": "https://example.org/"}
        with pdf.open_outline() as outline:
            assert [(str(item.title), pages[item.destination[0].objgen])
                    for item in outline.root] == [("Part", 2)]
