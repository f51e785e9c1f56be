"""The PDF briefing note, read as a reader would: text, pages, metadata, fonts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import briefgen
from tests.support.pdf import pdffonts, pdfinfo, pdftotext, squash
from tests.support.projects import (
    ISSUED,
    MINIMAL_BASE,
    MINIMAL_PACK,
    REPO,
    ProjectFactory,
    load_demo,
)


@pytest.fixture(scope="module")
def demo_notes(demo_build: Path) -> dict[str, Path]:
    pack = load_demo().packs["rabat-2026-12"].model
    return {lang: demo_build / "rabat-2026-12" / lang / "briefing-note.pdf"
            for lang in pack.languages}


def test_french_note_reads_like_the_seed(demo_notes: dict[str, Path]) -> None:
    text = squash(pdftotext(demo_notes["fr"]))
    for expected in [
        "DIFFUSION RESTREINTE",
        "Consultations maroco-américaines sur la lutte contre le terrorisme",
        "3–4 décembre 2026",  # Babel's interval format
        "Rabat",
        "États-Unis",  # counterpart, localized territory name
        "MESSAGES CLÉS",  # headings are set in capitals
        "ÉLÉMENTS DE CONTEXTE",
        # The seed's own heading (the base's `sections:`), not the generic one.
        "Les principes qui ont guidé l’adhésion du Maroc à la Coalition",
        "Le Maroc a organisé, le 26 juin 2018 à Skhirat, la 1re réunion régionale",
        "aux côtés des États-Unis, du Niger et de l’Italie, l’« Africa Focus Group ». Lancé en "
        "2021",
        "Depuis la précédente réunion (10 juin 2025)",
        # An untitled source: a bracketed description, its place and date.
        "[1] [Note sur le Maroc et la Coalition mondiale contre Daech], Marrakech, mai 2022.",
        "Établi le 20 novembre 2026. Éléments à jour : mai 2022.",
    ]:
        assert expected in text, expected
    assert "Key messages" not in text and "Background" not in text
    assert "Principes directeurs" not in text
    # The event says its date: it is not printed again before it.
    assert "26 juin 2018 — Le Maroc a organisé" not in text


def test_english_note(demo_notes: dict[str, Path]) -> None:
    text = squash(pdftotext(demo_notes["en"]))
    assert "RESTRICTED" in text
    assert "December 3 – 4, 2026" in text.replace("\u2009", " ")
    assert "alongside the United States, Niger, and Italy. Launched in 2021" in text
    assert "On June 26, 2018, Morocco hosted in Skhirat" in text
    assert "[Note on Morocco and the Global Coalition against Daesh], Marrakesh, May 2022." in text
    assert "Since the previous meeting (June 10, 2025)" in text


def test_every_page_is_marked_and_numbered(demo_notes: dict[str, Path]) -> None:
    pages = int(pdfinfo(demo_notes["fr"])["Pages"])
    assert pages >= 2
    for number in range(1, pages + 1):
        page = pdftotext(demo_notes["fr"]).split("\f")[number - 1]
        assert page.count("DIFFUSION RESTREINTE") == 2, f"page {number}"
        assert f"Page {number} / {pages}" in squash(page).replace("\xa0", " ")


def test_metadata_tags_and_fonts(demo_notes: dict[str, Path]) -> None:
    info = pdfinfo(demo_notes["fr"])
    assert info["Title"] == "Consultations maroco-américaines sur la lutte contre le terrorisme"
    assert info["Subject"] == "Note d’entretien\u202f: Maroc"
    assert info["Keywords"] == "rabat-2026-12"
    assert info["Tagged"] == "yes"
    assert info["Page size"].endswith("(A4)")
    assert info["CreationDate"].startswith("Fri Nov 20 00:00:00 2026")
    fonts = pdffonts(demo_notes["fr"])
    assert fonts, "no fonts"
    for row in fonts:
        name, emb, sub = row[0], row[-5], row[-4]
        assert name.split("+")[1].startswith("Briefgen-"), name  # the shipped fonts only
        assert (emb, sub) == ("yes", "yes"), row


def test_pdf_language(demo_notes: dict[str, Path]) -> None:
    import pikepdf

    with pikepdf.open(demo_notes["fr"]) as pdf:
        assert str(pdf.Root.Lang) == "fr"
        assert len(pdf.attachments) == 0


def test_same_inputs_same_bytes(make_project: ProjectFactory, tmp_path: Path) -> None:
    project = briefgen.load_project(make_project())
    first = briefgen.build(project, out=tmp_path / "a", issued=ISSUED).written
    second = briefgen.build(project, out=tmp_path / "b", issued=ISSUED).written
    assert [d.sha256 for d in first] == [d.sha256 for d in second]


HOSTILE = '<b>bold</b> & R&D "quoted" \'single\' </p><script>alert(1)</script> {{ 7*7 }}'


def test_fact_text_is_escaped_not_markup(make_project: ProjectFactory, tmp_path: Path) -> None:
    text = HOSTILE.replace('"', '\\"')
    base = MINIMAL_BASE.replace('en: "Morocco supports the Coalition."', f'en: "{text}"')
    project = briefgen.load_project(make_project(facts={"base.yaml": base}))
    briefgen.build(project, out=tmp_path, languages=["en"], issued=ISSUED)
    extracted = squash(pdftotext(tmp_path / "meeting" / "en" / "briefing-note.pdf"))
    shown = '<b>bold</b> & R&D “quoted” ‘single’ </p><script>alert(1)</script> { 7*7 }'
    assert shown in extracted  # typographic quotes (typography.py), every other character


def test_since_previous_meeting_lists_newer_facts(make_project: ProjectFactory,
                                                  tmp_path: Path) -> None:
    base = MINIMAL_BASE.replace("    sources: [s1]\n  - id: f2",
                                "    verified: 2026-01-15\n    sources: [s1]\n  - id: f2")
    pack = MINIMAL_PACK.replace("  place:", "  previous: 2025-06-10\n  place:")
    project = briefgen.load_project(make_project(facts={"base.yaml": base},
                                                 packs={"meeting.yaml": pack}))
    briefgen.build(project, out=tmp_path, languages=["fr"], issued=ISSUED)
    text = squash(pdftotext(tmp_path / "meeting" / "fr" / "briefing-note.pdf"))
    since = text.split("Depuis la précédente réunion (10 juin 2025)")[1].split("Position")[0]
    assert "Le Maroc soutient la Coalition." in since
    assert "Réunion le 26 juin 2018" not in since


def test_no_previous_meeting_no_section(make_project: ProjectFactory, tmp_path: Path) -> None:
    project = briefgen.load_project(make_project())
    briefgen.build(project, out=tmp_path, languages=["fr"], issued=ISSUED)
    text = pdftotext(tmp_path / "meeting" / "fr" / "briefing-note.pdf")
    assert "précédente réunion" not in text


def test_project_template_overrides_default(make_project: ProjectFactory,
                                            tmp_path: Path) -> None:
    css = (REPO / "templates/css/briefing-note.css").read_text()
    root = make_project(templates={
        "css/briefing-note.css": css + "\nh1 { font-family: 'Briefgen Sans'; }\n",
    })
    project = briefgen.load_project(root)
    briefgen.build(project, out=tmp_path, languages=["en"], issued=ISSUED)
    note = tmp_path / "meeting" / "en" / "briefing-note.pdf"
    assert "Test meeting" in pdftotext(note)
    assert any(row[0].endswith("Briefgen-Sans-Bold") for row in pdffonts(note))


def test_template_error_names_template_and_line(make_project: ProjectFactory,
                                                tmp_path: Path) -> None:
    template = (REPO / "templates/briefing-note.html").read_text().replace(
        "<body class=\"note\">", "<body class=\"note\">\n<p>{{ pack.no_such_field }}</p>", 1)
    assert "no_such_field" in template
    root = make_project(templates={"briefing-note.html": template})
    with pytest.raises(briefgen.BuildFailed) as caught:
        briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    message = str(caught.value)
    assert "briefing-note.html:11" in message  # the template's file and line
    assert "no_such_field" in message
    assert not (tmp_path / "meeting").exists()


def test_issue_date_from_source_date_epoch(make_project: ProjectFactory, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")  # 2026-05-28
    project = briefgen.load_project(make_project())
    briefgen.build(project, out=tmp_path, languages=["en"])
    note = tmp_path / "meeting" / "en" / "briefing-note.pdf"
    assert "Prepared on May 28, 2026." in squash(pdftotext(note))
    assert dt.date(2026, 5, 28).strftime("%b %d") in pdfinfo(note)["CreationDate"]
