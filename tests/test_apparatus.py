"""One brief in three documents: the memo apparatus (reference, status, watermark, drafter,
clearance), one numbering, one citation style, one label per concept, the base's own
sections, staleness the reader can see. Read as a reader would: pdftotext, page images,
python-docx, LibreOffice."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from PIL import Image

import briefgen
from briefgen.check import check
from briefgen.context import pack_view
from tests.support.office import convert_with_libreoffice, needs_soffice
from tests.support.pdf import pdfinfo, pdftotext, plain, squash
from tests.support.projects import (
    ISSUED,
    MINIMAL_BASE,
    MINIMAL_PACK,
    ProjectFactory,
    base_in,
    load_demo,
    pack_in,
)

DRAFT, CLEARED = "rabat-2026-12", "coalition-ministerial-2027-02"
VML = "urn:schemas-microsoft-com:vml"


@pytest.fixture(scope="module")
def demo(demo_build: Path) -> Path:
    """The demo's output: the draft pack and the cleared one."""
    return demo_build


def document(out: Path, pack: str, lang: str, name: str) -> Path:
    return out / pack / lang / name


# -- One numbering ---------------------------------------------------------------------------


def note_messages(note: Path, heading: str, next_heading: str) -> list[tuple[int, str]]:
    """(number, text) of each numbered line between two headings of the note."""
    running = re.compile(r"^(DIFFUSION RESTREINTE|RESTRICTED|DAAO/2026/0412|Page \d+ / \d+)$")
    lines = pdftotext(note).replace("\f", "\n").replace("\u00a0", " ").split("\n")
    text = squash(" ".join(line for line in lines if not running.match(line.strip())))
    section = text.split(heading, 1)[1].split(next_heading, 1)[0]
    items = re.split(r"(?:^| )(\d+)\. ", " " + section)
    return [(int(number), body.strip()) for number, body in zip(items[1::2], items[2::2],
                                                                 strict=True)]


@pytest.mark.parametrize(("lang", "heading", "next_heading"), [
    ("fr", "MESSAGES CLÉS", "SI LE SUJET EST ÉVOQUÉ"),
    ("en", "KEY MESSAGES", "IF RAISED"),
])
def test_key_messages_carry_the_same_numbers_in_note_and_talking_points(
    demo: Path, lang: str, heading: str, next_heading: str
) -> None:
    in_note = note_messages(document(demo, DRAFT, lang, "briefing-note.pdf"), heading,
                            next_heading)
    talking_points = docx.Document(str(document(demo, DRAFT, lang, "talking-points.docx")))
    points = [p for p in talking_points.paragraphs if p.style.name == "List Number"]
    # Word numbers the List Number paragraphs 1, 2, 3... in one series (one w:num, never
    # restarted): their numbers are their ranks.
    assert {num_id(talking_points, p) for p in points} == {num_id(talking_points, points[0])}
    in_docx = [(rank, p.text) for rank, p in enumerate(points, start=1)]
    assert [number for number, _ in in_note] == list(range(1, len(in_note) + 1))
    assert [(n, squash(t)) for n, t in in_docx] == in_note


def num_id(document: docx.document.Document, paragraph: docx.text.paragraph.Paragraph) -> str:
    """The numbering instance of a paragraph: its own, else its style's."""
    for element in (paragraph._p, document.styles[paragraph.style.name].element):
        found = element.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        if found is not None:
            return str(found.get(qn("w:val")))
    raise AssertionError(f"{paragraph.text!r} is not numbered")


def test_arabic_key_messages_in_the_same_order(demo: Path) -> None:
    note = plain(pdftotext(document(demo, DRAFT, "ar", "briefing-note.pdf")))
    points = [p.text for p in docx.Document(
        str(document(demo, DRAFT, "ar", "talking-points.docx"))).paragraphs
        if p.style.name == "List Number"]
    view = pack_view(load_demo(), DRAFT, "ar", ISSUED)
    assert points == [line.text for line in view.key_messages]
    # The first words of each message appear in the note in the same order.
    starts = [note.find(" ".join(plain(point).split()[:2])) for point in points]
    assert all(start >= 0 for start in starts), starts
    assert starts == sorted(starts)


def test_lines_if_raised_are_their_own_series(demo: Path) -> None:
    talking_points = docx.Document(str(document(demo, DRAFT, "fr", "talking-points.docx")))
    messages = [p for p in talking_points.paragraphs if p.style.name == "List Number"]
    raised = [p for p in talking_points.paragraphs if p.style.name == "If Raised"]
    assert len(raised) == 1
    assert num_id(talking_points, raised[0]) != num_id(talking_points, messages[0])
    note = squash(pdftotext(document(demo, DRAFT, "fr", "briefing-note.pdf")))
    assert ("SI LE SUJET EST ÉVOQUÉ 1. Le Maroc prend part aux réunions de la Coalition"
            in note)


# -- The draft: watermark and status ---------------------------------------------------------


def watermark_share(pdf: Path, page: int) -> float:
    """The share of the page's middle band painted in the watermark's pale red."""
    with tempfile.TemporaryDirectory(prefix="watermark-") as folder:  # never beside the PDF
        png = Path(folder) / f"{pdf.stem}-{page}"
        subprocess.run(["pdftoppm", "-r", "30", "-f", str(page), "-l", str(page),
                        "-singlefile", "-png", str(pdf), str(png)], check=True)
        with Image.open(f"{png}.png") as opened:
            image = opened.convert("RGB")
    width, height = image.size
    band = image.crop((0, height // 3, width, 2 * height // 3))
    data = band.tobytes()
    pixels = [data[i:i + 3] for i in range(0, len(data), 3)]
    pale_red = [p for p in pixels if p[0] > 200 and p[0] - p[1] > 6 and p[0] - p[2] > 6]
    return len(pale_red) / len(pixels)


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
@pytest.mark.parametrize("name", ["briefing-note.pdf", "fact-sheet.pdf"])
def test_a_draft_is_watermarked_on_every_page(demo: Path, lang: str, name: str) -> None:
    pdf = document(demo, DRAFT, lang, name)
    pages = int(pdfinfo(pdf)["Pages"])
    for page in range(1, pages + 1):
        assert watermark_share(pdf, page) > 0.01, f"{name} page {page}"
        if lang != "ar":  # the rotated word's letters are in the page's text layer
            word = {"fr": "PROJET", "en": "DRAFT"}[lang]
            lines = pdftotext(pdf, page=page, watermark=True).split("\n")
            pieces = "".join(line.strip() for line in lines if 0 < len(line.strip()) <= 2)
            assert set(word) <= set(pieces), f"{name} page {page}: {pieces!r}"


def test_a_draft_says_so_in_its_title_block(demo: Path) -> None:
    note = squash(pdftotext(document(demo, DRAFT, "fr", "briefing-note.pdf")))
    assert note.startswith("DIFFUSION RESTREINTE NOTE D’ENTRETIEN PROJET Réf. DAAO/2026/0412")
    arabic = squash(pdftotext(document(demo, DRAFT, "ar", "briefing-note.pdf")))
    assert "مسودة" in arabic and "DRAFT" not in arabic


def test_the_reference_is_on_every_page_of_every_document(demo: Path) -> None:
    for name in ("briefing-note.pdf", "fact-sheet.pdf"):
        pdf = document(demo, DRAFT, "fr", name)
        pages = pdftotext(pdf).split("\f")[:-1]
        for number, page in enumerate(pages, start=1):
            assert "DAAO/2026/0412" in page, f"{name} page {number}"
            assert DRAFT not in page  # the pack's internal id is not for readers


def test_the_talking_points_carry_a_word_watermark_in_every_header(demo: Path) -> None:
    for lang, word in (("fr", "PROJET"), ("en", "DRAFT"), ("ar", "مسودة")):
        talking_points = docx.Document(str(document(demo, DRAFT, lang, "talking-points.docx")))
        for section in talking_points.sections:
            paths = section.header._element.iter(f"{{{VML}}}textpath")
            assert [path.get("string") for path in paths if path.get("string")] == [word], lang
            shapes = list(section.header._element.iter(f"{{{VML}}}shape"))
            assert "rotation:315" in shapes[0].get("style")
        # The body holds no watermark text: it is not a paragraph the reader can edit.
        assert word not in "".join(p.text for p in talking_points.paragraphs if
                                   p.style.name != "Document Type")


@needs_soffice
@pytest.mark.libreoffice
def test_libreoffice_shows_the_watermark(demo: Path, tmp_path: Path) -> None:
    files = [document(demo, DRAFT, "fr", "talking-points.docx"),
             document(demo, CLEARED, "en", "talking-points.docx")]
    pdfs = convert_with_libreoffice(files, tmp_path, tmp_path / "profile")
    draft, cleared = pdfs["fr"], pdfs["en"]
    for page in range(1, int(pdfinfo(draft)["Pages"]) + 1):
        assert watermark_share(draft, page) > 0.01, f"page {page}"
    assert watermark_share(cleared, 1) == 0


# -- Cleared: no watermark, a clearance line ----------------------------------------------


def test_a_cleared_brief_has_no_watermark_and_a_clearance_line(demo: Path) -> None:
    for name in ("briefing-note.pdf", "fact-sheet.pdf"):
        pdf = document(demo, CLEARED, "en", name)
        text = squash(pdftotext(pdf, watermark=True))
        assert "DRAFT" not in text and "Draft " not in text
        assert ("Drafted by Salma Bennani (Directorate of African Affairs, "
                "s.bennani@example.org) · Cleared by Youssef El Amrani (Director of African "
                "Affairs) on January 28, 2027") in text, name
        assert watermark_share(pdf, 1) == 0
    talking_points = docx.Document(
        str(document(demo, CLEARED, "fr", "talking-points.docx")))
    assert not list(talking_points.sections[0].header._element.iter(f"{{{VML}}}textpath"))
    assert talking_points.paragraphs[-1].text == (
        "Validé par Youssef El Amrani (Directeur des Affaires africaines) le 28 janvier 2027")


# -- One label per concept ---------------------------------------------------------------------


CONCEPTS = {  # concept: the label each language gives it, in every document that shows it
    "fr": ["Établi le 20 novembre 2026", "Éléments à jour : mai 2022", "Réf. DAAO/2026/0412",
           "Les principes qui ont guidé l’adhésion du Maroc à la Coalition",
           "Participation et rôles", "Source", "Rédigé par Salma Bennani"],
    "en": ["Prepared on November 20, 2026", "Facts as of May 2022", "Ref. DAAO/2026/0412",
           "The principles that guided Morocco’s accession to the Coalition",
           "Memberships and roles", "Source", "Drafted by Salma Bennani"],
}
WRONG = {"fr": ["Établie le", "Positions", "Principes directeurs", "Issued"],
         "en": ["Issued on", "Positions", "Guiding principles", "As of"]}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_one_label_per_concept_in_all_three_documents(demo: Path, lang: str) -> None:
    note = squash(pdftotext(document(demo, DRAFT, lang, "briefing-note.pdf")))
    sheet = squash(pdftotext(document(demo, DRAFT, lang, "fact-sheet.pdf")))
    talking_points = docx.Document(str(document(demo, DRAFT, lang, "talking-points.docx")))
    words = squash(" ".join(p.text for p in talking_points.paragraphs))
    for label in CONCEPTS[lang]:
        for name, text in (("note", note), ("fact sheet", sheet), ("talking points", words)):
            assert label.casefold() in text.casefold(), (label, name)
    for wrong in WRONG[lang]:
        for name, text in (("note", note), ("fact sheet", sheet), ("talking points", words)):
            assert wrong not in text, (wrong, name)


def test_one_citation_style(demo: Path) -> None:
    note = squash(pdftotext(document(demo, DRAFT, "fr", "briefing-note.pdf")))
    sheet = squash(pdftotext(document(demo, DRAFT, "fr", "fact-sheet.pdf")))
    talking_points = docx.Document(str(document(demo, DRAFT, "fr", "talking-points.docx")))
    source = "[1] [Note sur le Maroc et la Coalition mondiale contre Daech], Marrakech, mai 2022."
    assert source in note and source in sheet
    assert source in [p.text for p in talking_points.paragraphs]
    assert "terrorisme domestique. [1]" in note  # each fact cites, bracketed, on its line


# -- Staleness the reader can see ----------------------------------------------------------


def test_staleness_notice_only_when_the_pack_sets_max_age_days(demo: Path) -> None:
    for name in ("briefing-note.pdf", "fact-sheet.pdf"):
        draft = squash(pdftotext(document(demo, DRAFT, "fr", name)))
        assert ("9 éléments datent de plus de 365 jours à la date de la réunion "
                "(le plus ancien : mai 2022).") in draft
        cleared = squash(pdftotext(document(demo, CLEARED, "en", name)))
        assert "days old" not in cleared  # this pack sets no max_age_days


def test_staleness_is_counted_in_the_pack_language(make_project: ProjectFactory,
                                                   tmp_path: Path) -> None:
    pack = MINIMAL_PACK + "max_age_days: 1000\n"
    root = make_project(packs={"meeting.yaml": pack})
    view = pack_view(briefgen.load_project(root), "meeting", "en", ISSUED)
    assert view.staleness is not None
    assert (view.staleness.count, view.staleness.oldest_label) == (2, "May 2022")
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    text = squash(pdftotext(tmp_path / "meeting" / "en" / "briefing-note.pdf"))
    assert "2 facts are more than 1,000 days old at the meeting (the oldest: May 2022)." in text


# What a reader of each language expects, for 1, 7 and 100 days (one fact past the limit);
# the Arabic day count takes its own form ("يوم واحد", "7 أيام", "100 يوم"), after "أكثر من".
STALE_ONE = {
    "fr": {1: "1 élément date de plus d’un jour à la date de la réunion (il remonte à mai 2022).",
           7: "1 élément date de plus de 7 jours à la date de la réunion (il remonte à mai 2022).",
           100: "1 élément date de plus de 100 jours à la date de la réunion (il remonte à mai "
                "2022)."},
    "en": {1: "1 fact is more than 1 day old at the meeting (its date: May 2022).",
           7: "1 fact is more than 7 days old at the meeting (its date: May 2022).",
           100: "1 fact is more than 100 days old at the meeting (its date: May 2022)."},
    "es": {1: "1 dato tiene más de un día en la fecha de la reunión (su fecha: mayo de 2022).",
           7: "1 dato tiene más de 7 días en la fecha de la reunión (su fecha: mayo de 2022).",
           100: "1 dato tiene más de 100 días en la fecha de la reunión (su fecha: mayo de "
                "2022)."},
    "ar": {1: "معطى واحد عمره أكثر من يوم واحد في تاريخ الاجتماع",
           7: "معطى واحد عمره أكثر من 7 أيام في تاريخ الاجتماع",
           100: "معطى واحد عمره أكثر من 100 يوم في تاريخ الاجتماع"},
}
WRONG_PLURALS = ("1 jours", "1 days", "1 días", "يوما", "يومًا", "de 1 jour")


def bare(text: str) -> str:
    """Text without spaces or bidi controls: pdftotext gives the digits of a right-to-left
    line in their own run, a space moved to its other side."""
    return "".join(c for c in text if not c.isspace() and c not in
                   "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@pytest.mark.parametrize("days", [1, 7, 100])
def test_the_staleness_notice_counts_days_in_each_language_plural_forms(
        make_project: ProjectFactory, tmp_path: Path, days: int) -> None:
    langs = list(STALE_ONE)
    root = make_project(facts={"base.yaml": base_in(langs)},
                        packs={"meeting.yaml": pack_in(langs, f"max_age_days: {days}\n",
                                                       "[briefing-note, fact-sheet]")})
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    for lang, expected in STALE_ONE.items():
        for name in ("briefing-note.pdf", "fact-sheet.pdf"):
            text = squash(pdftotext(tmp_path / "meeting" / lang / name))
            assert bare(expected[days]) in bare(text), (lang, name, text)
            assert not [wrong for wrong in WRONG_PLURALS if wrong in text], (lang, text)


def test_the_staleness_notice_counts_in_the_pack_digits(make_project: ProjectFactory,
                                                        tmp_path: Path) -> None:
    """Both counts in the document's digits (Egyptian Arabic: Arabic-Indic), grouped as the
    language groups them, and the plural forms of many facts (Arabic "few": 3 to 10)."""
    base = base_in(["ar", "fr"])
    fact = base[base.index("  - id: f1"):]
    base += fact.replace("id: f1", "id: f2") + fact.replace("id: f1", "id: f3")
    root = make_project(facts={"base.yaml": base}, packs={"meeting.yaml": pack_in(
        ["ar_EG", "fr"], "max_age_days: 1000\n")})
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    arabic = squash(pdftotext(tmp_path / "meeting" / "ar_EG" / "briefing-note.pdf"))
    assert bare("٣ معطيات عمرها أكثر من ١٬٠٠٠ يوم في تاريخ الاجتماع") in bare(arabic)
    french = squash(pdftotext(tmp_path / "meeting" / "fr" / "briefing-note.pdf"))
    assert "3 éléments datent de plus de 1 000 jours à la date de la réunion (le plus " \
        "ancien : mai 2022)." in french


# -- The pack's new fields, checked -------------------------------------------------------


def findings(root: Path, final: bool = False) -> list[tuple[str, str, int | None, str]]:
    report = check(root, final=final)
    return [(f.severity, f.file, f.line, f.message) for f in report.findings
            if f.code != "no-harfbuzz-subset" and f.severity == "error"]


def test_cleared_without_clearance_is_an_error(make_project: ProjectFactory) -> None:
    root = make_project(packs={"meeting.yaml": MINIMAL_PACK + "status: cleared\n"})
    assert findings(root) == [("error", "packs/meeting.yaml", 10,
                               "the pack is 'cleared' but names no clearance")]


def test_clearance_and_issue_after_the_meeting_are_errors(make_project: ProjectFactory) -> None:
    pack = MINIMAL_PACK + (
        "status: cleared\nissued: 2026-12-04\n"
        "clearance:\n  - {name: A. Director, unit: DAAO, date: 2026-12-05}\n")
    found = findings(make_project(packs={"meeting.yaml": pack}))
    assert found == [
        ("error", "packs/meeting.yaml", 11, "issued on 2026-12-04, after the meeting "
         "(2026-12-03)"),
        ("error", "packs/meeting.yaml", 13, "cleared on 2026-12-05, after the meeting "
         "(2026-12-03)"),
    ]


def test_final_check_fails_on_a_draft(make_project: ProjectFactory) -> None:
    root = make_project()
    assert findings(root) == []
    assert findings(root, final=True) == [
        ("error", "packs/meeting.yaml", 1, "the pack is still a draft")]
    cleared = make_project(packs={"meeting.yaml": MINIMAL_PACK + (
        "status: cleared\nclearance: [{name: A. Director, date: 2026-11-30}]\n")})
    assert findings(cleared, final=True) == []


def test_unknown_section_is_an_error(make_project: ProjectFactory) -> None:
    base = MINIMAL_BASE.replace("    kind: position\n", "    kind: position\n    section: nope\n")
    found = check(make_project(facts={"base.yaml": base})).errors
    assert [(f.line, f.fact_id, f.message) for f in found] == [
        (11, "f1", "unknown section 'nope'")]
    assert "none are declared" in (found[0].hint or "")


def test_a_named_section_takes_its_kind_place(make_project: ProjectFactory) -> None:
    base = MINIMAL_BASE.replace("facts:\n", (
        "sections:\n  ours: {fr: Nos principes, en: Our principles}\nfacts:\n"
        "  - id: p1\n    kind: principle\n    section: ours\n"
        "    text: {fr: Un principe., en: A principle.}\n"))
    view = pack_view(briefgen.load_project(make_project(facts={"base.yaml": base})),
                     "meeting", "en", ISSUED)
    assert [(s.kind, s.title) for s in view.sections] == [
        ("position", None), ("principle", "Our principles"), ("event", None)]


def test_new_fields_need_every_translation(make_project: ProjectFactory) -> None:
    pack = MINIMAL_PACK + "objectives:\n  - {fr: Un objectif}\n"
    base = MINIMAL_BASE.replace("    sources: [s1]\n  - id: f2", "    if_raised: {fr: Si on le "
                                "demande.}\n    sources: [s1]\n  - id: f2")
    found = check(make_project(facts={"base.yaml": base}, packs={"meeting.yaml": pack})).errors
    messages = {(f.file, f.message) for f in found}
    assert ("packs/meeting.yaml", "'objectives' has no translation for language en") in messages
    assert ("facts/base.yaml", "'if_raised' has no translation for language en, which pack "
            "'meeting' needs") in messages
