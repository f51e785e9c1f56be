"""Who the minister meets: participants and biographies, read on the rendered documents,
and every new field's located errors."""

from __future__ import annotations

import base64
import io
import subprocess
from pathlib import Path

import docx
import pytest
from PIL import Image

import briefgen
from briefgen.check import check
from briefgen.context import pack_view
from briefgen.templating import Templates
from tests.support.pdf import pdftotext, squash
from tests.support.projects import (
    ISSUED,
    MINIMAL_BASE,
    MINIMAL_PACK,
    ProjectFactory,
    load_demo,
)

PACK = "rabat-2026-12"


@pytest.fixture(scope="module")
def demo(demo_build: Path) -> Path:
    return demo_build / PACK


def test_the_note_lists_both_delegations(demo: Path) -> None:
    text = squash(pdftotext(demo / "fr" / "briefing-note.pdf"))
    assert ("PARTICIPANTS Leur délégation Notre délégation Jane R. Holloway, Coordinatrice "
            "adjointe pour la lutte contre le terrorisme, Département d’État") in text
    for expected in ("Youssef El Amrani, Directeur des Affaires africaines",
                     "Mark T. Ellison, Conseiller pour l’Afrique du Nord",
                     "Salma Bennani, Chargée de mission"):
        assert expected in text, expected
    # The counterpart in the meeting block: name and post, then the country.
    assert ("INTERLOCUTEUR Jane R. Holloway, Coordinatrice adjointe pour la lutte contre le "
            "terrorisme, Département d’État (États-Unis)") in text


def test_the_counterparts_biography(demo: Path) -> None:
    text = squash(pdftotext(demo / "fr" / "briefing-note.pdf"))
    biography = text.split("BIOGRAPHIES", 1)[1].split("SOURCES", 1)[0]
    assert biography.startswith(" Jane R. Holloway Coordinatrice adjointe pour la lutte contre "
                                "le terrorisme, Département d’État (États-Unis)")
    # Posts held, newest first, dated at their precision; then meetings with us; sourced.
    assert ("PARCOURS Coordinatrice adjointe pour la lutte contre le terrorisme depuis "
            "septembre 2024. [2] Directrice pour l’Afrique au Bureau de la lutte contre le "
            "terrorisme (2019–2024). [2]") in biography
    assert ("ENTRETIENS PRÉCÉDENTS AVEC NOUS A conduit la délégation américaine aux "
            "consultations de Washington, le 10 juin 2025. [2]") in biography
    assert "Mark T. Ellison" not in biography  # no biography: no entry
    assert ("[2] [Fiche biographique, ambassade du Royaume du Maroc à Washington], "
            "octobre 2026.") in text


def test_the_photo_is_embedded_once_and_described(demo: Path) -> None:
    out = subprocess.run(["pdfimages", "-list", str(demo / "fr" / "briefing-note.pdf")],
                         check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()[2:]]
    assert len(rows) == 1
    width, height = int(rows[0][3]), int(rows[0][4])
    assert (width, height) == (300, 375)  # re-encoded, within EMBED_SIDE
    project = load_demo()
    html = Templates(project.templates).render(
        "briefing-note.html", "en", pack=pack_view(project, PACK, "en", ISSUED))
    assert 'alt="Photo of Jane R. Holloway"' in html
    assert 'src="data:image/png;base64,' in html  # never a path or a URL


def test_arabic_names_and_posts(demo: Path) -> None:
    text = squash(pdftotext(demo / "ar" / "briefing-note.pdf"))
    for expected in ("المشاركون", "هولواي", "منسقة مساعدة لمكافحة الإرهاب", "يوسف العمراني",
                     "نبذات تعريفية", "المسار المهني"):
        assert expected in text, expected


def test_the_talking_points_open_with_the_counterpart(demo: Path) -> None:
    table = docx.Document(str(demo / "en" / "talking-points.docx")).tables[0]
    rows = {row.cells[0].text: row.cells[1].text for row in table.rows}
    assert rows["Counterpart"] == (
        "Jane R. Holloway, Deputy Coordinator for Counterterrorism, Department of State "
        "(United States)")


def test_the_fact_sheet_is_unchanged(demo: Path) -> None:
    text = squash(pdftotext(demo / "fr" / "fact-sheet.pdf"))
    assert "Holloway" not in text and "BIOGRAPHIES" not in text
    assert "Maroc" in text and "États-Unis" not in text.split("FICHE D’INFORMATION")[0]


def test_the_manifest_lists_the_biography(tmp_path: Path) -> None:
    result = briefgen.build(load_demo(), [PACK], out=tmp_path,
                            languages=["en"], issued=ISSUED)
    [note] = [w for w in result.written if w.document == "briefing-note"]
    assert "us-officials/jane-holloway/deputy-coordinator" in note.facts
    assert "us-officials/bio-note-2026-10" in note.sources


def test_a_name_in_another_script_keeps_its_direction(make_project: ProjectFactory) -> None:
    base = MINIMAL_BASE + (
        "people:\n  - id: amina\n    name: أمينة\n    title: {fr: Ministre, en: Minister}\n")
    pack = MINIMAL_PACK + "counterpart_person: amina\n"
    project = briefgen.load_project(make_project(facts={"base.yaml": base},
                                                 packs={"meeting.yaml": pack}))
    view = pack_view(project, "meeting", "en", ISSUED)
    assert view.counterpart_person is not None
    assert view.counterpart_person.name == "\u2068أمينة\u2069"


# -- Errors ---------------------------------------------------------------------------------


def people(photo: str) -> str:
    return MINIMAL_BASE + f"people:\n  - id: amina\n    name: Amina Diallo\n    photo: {photo}\n"


def errors(root: Path) -> list[tuple[str, int | None, str]]:
    return [(f.file, f.line, f.message) for f in check(root).errors]


def test_unknown_person_ids(make_project: ProjectFactory) -> None:
    pack = MINIMAL_PACK + (
        "counterpart_person: nobody\nparticipants: {theirs: [amina, ghost], ours: []}\n")
    base = MINIMAL_BASE + "people:\n  - {id: amina, name: Amina Diallo}\n"
    found = check(make_project(facts={"base.yaml": base}, packs={"meeting.yaml": pack})).errors
    assert [(f.line, f.message) for f in found] == [
        (10, "unknown person 'nobody'"), (11, "unknown person 'ghost'")]
    assert "(amina)" in (found[0].hint or "")


def write_photo(root: Path, name: str, size: tuple[int, int] = (40, 50),
                kind: str = "PNG") -> None:
    (root / "facts").mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (200, 200, 200)).save(root / "facts" / name, kind)


@pytest.mark.parametrize(("photo", "problem"), [
    ("missing.png", "the photo file does not exist"),
    ("../../outside.png", "the photo is outside the project folder"),
    ("/etc/passwd", "give the photo's path relative to the fact base's folder"),
    ("notes.txt", "the photo is not a PNG or JPEG image"),
    ("anim.gif", "the photo is a GIF image; use PNG or JPEG"),
    ("huge.png", "the photo is 6001×10 pixels; the limit is 6000 a side"),
    ("link.png", "the photo is outside the project folder"),
])
def test_bad_photos_are_located_errors(make_project: ProjectFactory, tmp_path: Path,
                                       photo: str, problem: str) -> None:
    root = make_project(facts={"base.yaml": people(photo)})
    (root / "facts" / "notes.txt").write_text("not an image")
    write_photo(root, "anim.gif", kind="GIF")
    write_photo(root, "huge.png", size=(6001, 10))
    write_photo(tmp_path, "outside.png")
    (root / "facts" / "link.png").symlink_to(tmp_path / "facts" / "outside.png")
    assert errors(root) == [("facts/base.yaml", 22, f"photo '{photo}' of 'amina': {problem}")]


def test_a_photo_too_large_in_bytes(make_project: ProjectFactory) -> None:
    root = make_project(facts={"base.yaml": people("big.png")})
    (root / "facts" / "big.png").write_bytes(b"\x89PNG" + b"\0" * (5 * 1024 * 1024 + 10))
    [(file, line, message)] = errors(root)
    assert (file, line) == ("facts/base.yaml", 22)
    assert message.endswith("the photo is 5.0 MB; the limit is 5 MB")


def test_a_good_photo_builds(make_project: ProjectFactory, tmp_path: Path) -> None:
    root = make_project(facts={"base.yaml": people("amina.jpg")},
                        packs={"meeting.yaml": MINIMAL_PACK + "counterpart_person: amina\n"})
    write_photo(root, "amina.jpg", kind="JPEG")
    assert errors(root) == []
    briefgen.build(briefgen.load_project(root), out=tmp_path / "out", issued=ISSUED)
    note = tmp_path / "out" / "meeting" / "en" / "briefing-note.pdf"
    assert "Amina Diallo" in squash(pdftotext(note))


def test_a_stale_biography_is_flagged(make_project: ProjectFactory) -> None:
    base = MINIMAL_BASE + (
        "people:\n  - id: amina\n    name: Amina Diallo\n    verified: 2024-01-10\n    bio:\n"
        "      - {id: post, kind: role, date: 2023, text: {fr: Ministre., en: Minister.}}\n")
    pack = MINIMAL_PACK + "counterpart_person: amina\n"
    report = check(make_project(facts={"base.yaml": base}, packs={"meeting.yaml": pack}))
    [finding] = [f for f in report.findings if f.code == "stale-biography"]
    assert (finding.line, finding.fact_id) == (20, "amina")
    assert "is 1058 days old" in finding.message and "verified 2024-01-10" in finding.message


def test_a_base_of_people_only(make_project: ProjectFactory) -> None:
    people = ("id: people\ntitle: {fr: Personnes, en: People}\nsubject: US\nas_of: 2026-10\n"
              "languages: [fr, en]\npeople:\n  - {id: amina, name: Amina Diallo}\n")
    pack = MINIMAL_PACK.replace("facts: [base]", "facts: [base, people]") + (
        "counterpart_person: amina\n")
    root = make_project(facts={"base.yaml": MINIMAL_BASE, "people.yaml": people},
                        packs={"meeting.yaml": pack})
    view = pack_view(briefgen.load_project(root), "meeting", "fr", ISSUED)
    assert view.subject_names == "Maroc"  # the subject is the facts' base, not the people's
    empty = make_project(facts={"base.yaml": "id: x\ntitle: {en: X}\nsubject: MA\n"
                                             "as_of: 2022\nlanguages: [en]\n"})
    assert ("facts/base.yaml", 1, "'file': a fact base needs facts: (or people:)") in errors(empty)


def test_a_photo_replaced_under_the_same_name_is_embedded_anew(tmp_path: Path) -> None:
    """The re-encoded photo is remembered by the file's content, never by its name: a
    new photo saved over the old one is what the next document shows."""
    from briefgen import photos

    path = tmp_path / "facts" / "amina.png"
    write_photo(tmp_path, "amina.png", size=(40, 50))
    first = photos.embed(path)
    assert photos.embed(path) == first
    write_photo(tmp_path, "amina.png", size=(50, 40))
    second = photos.embed(path)
    assert second != first
    assert Image.open(io.BytesIO(base64.b64decode(second.split(",", 1)[1]))).size == (50, 40)


def test_the_photos_used_last_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefgen import photos

    monkeypatch.setattr(photos, "_EMBEDDED_KEPT", 2)
    monkeypatch.setattr(photos, "_EMBEDDED", photos.OrderedDict())
    made: list[bytes] = []
    real = photos._reencoded
    monkeypatch.setattr(photos, "_reencoded", lambda data: made.append(data) or real(data))
    for name, size in (("a.png", (40, 50)), ("b.png", (41, 50)), ("c.png", (42, 50))):
        write_photo(tmp_path, name, size=size)
    folder = tmp_path / "facts"
    for name in ("a.png", "b.png", "a.png", "c.png", "a.png"):
        photos.embed(folder / name)
    assert len(made) == 3  # a, b, c once each: a was used last when c came, b went
    photos.embed(folder / "b.png")
    assert len(made) == 4
