"""Layout as a typographer checks it, on rendered pages: right-to-left mirroring, no text
outside its box, no hyphenated short words, the rule between the fact sheet's columns."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

import briefgen
from tests.support.office import convert_with_libreoffice, needs_soffice
from tests.support.pdf import Word, bbox
from tests.support.projects import (
    ISSUED,
    MINIMAL_BASE,
    MINIMAL_PACK,
    ProjectFactory,
    full_base,
    full_pack,
    write_project,
)

PT_PER_MM = 72 / 25.4


def words(pdf: Path) -> tuple[float, list[Word]]:
    """The page width and every word of every page, from ``pdftotext -bbox``."""
    boxes = bbox(pdf)
    return boxes.width, boxes.words


def first(found: list[Word], text: str) -> Word:
    return next(word for word in found if word.text == text)


@pytest.fixture(scope="module")
def demo(demo_build: Path) -> Path:
    return demo_build / "rabat-2026-12"


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second project: 25 facts with key figures, in French, English and Arabic."""
    langs = ("fr", "en", "ar")
    root = write_project(tmp_path_factory.mktemp("full"), full_base(langs), full_pack(langs))
    briefgen.build(briefgen.load_project(root), out=root / "build", issued=ISSUED)
    return root / "build" / "meeting"


def test_arabic_meeting_labels_sit_right_of_their_values(demo: Path) -> None:
    _, found = words(demo / "ar" / "briefing-note.pdf")
    label, value = first(found, "خيراتلا"), first(found, "ربنجد")  # التاريخ, دجنبر (ar_MA)
    assert abs(label.y0 - value.y0) < 3  # one row
    assert label.x0 > value.x1
    _, french = words(demo / "fr" / "briefing-note.pdf")
    assert first(french, "DATE").x1 < first(french, "décembre").x0  # and the other way


def test_arabic_key_figures_start_at_the_right(full: Path) -> None:
    _, found = words(full / "ar" / "fact-sheet.pdf")
    first_figure, last_figure = first(found, "1,250"), first(found, "3,750")
    assert abs(first_figure.y0 - last_figure.y0) < 3  # three to a row
    assert first_figure.x0 > last_figure.x1
    _, english = words(full / "en" / "fact-sheet.pdf")
    assert first(english, "1,250").x1 < first(english, "3,750").x0


@pytest.mark.parametrize("name", ["briefing-note.pdf", "fact-sheet.pdf"])
@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_no_text_outside_the_page_margins(demo: Path, full: Path, lang: str,
                                          name: str) -> None:
    margins = {"briefing-note.pdf": 22, "fact-sheet.pdf": 13}[name]  # mm, left and right
    pdfs = [demo / lang / name] + ([full / lang / name] if name == "fact-sheet.pdf" else [])
    for pdf in pdfs:
        width, found = words(pdf)
        left, right = margins * PT_PER_MM - 0.5, width - margins * PT_PER_MM + 0.5
        outside = [w for w in found if w.x0 < left or w.x1 > right]
        assert not outside, (pdf, outside[:3])


def test_short_words_are_not_hyphenated(demo: Path, full: Path) -> None:
    for pdf in (demo / "en" / "fact-sheet.pdf", full / "en" / "fact-sheet.pdf",
                demo / "fr" / "fact-sheet.pdf", demo / "en" / "briefing-note.pdf"):
        lines = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True,
                               capture_output=True, text=True).stdout.splitlines()
        for line, following in itertools.pairwise(lines):
            if re.search(r"[a-zé]-$", line) and following[:1].islower():
                word = line.split()[-1][:-1] + following.split()[0]
                assert len(re.sub(r"\W", "", word)) >= 12, (pdf.name, word)


def column_rule(pdf: Path, tmp_path: Path) -> tuple[float, list[float]]:
    """Where the fact sheet draws long vertical rules, as fractions of the page width."""
    png = tmp_path / pdf.parent.name
    subprocess.run(["pdftoppm", "-r", "100", "-singlefile", "-png", str(pdf), str(png)],
                   check=True)
    image = Image.open(f"{png}.png").convert("RGB")
    width, height = image.size
    data = image.tobytes()
    band = range(int(height * 0.3), int(height * 0.6))
    found = []
    for x in range(width):
        ruled = sum(1 for y in band if _is_rule(data[3 * (y * width + x):3 * (y * width + x) + 3]))
        if ruled > 0.9 * len(band):
            found.append(x / width)
    return width, found


def _is_rule(pixel: bytes) -> bool:
    red, green, blue = pixel
    return 190 < red < 240 and 195 < green < 245 and 205 < blue < 250 and blue > red


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_rule_is_drawn_between_the_columns(full: Path, tmp_path: Path, lang: str) -> None:
    _, rules = column_rule(full / lang / "fact-sheet.pdf", tmp_path)
    assert rules, "no rule between the columns"
    assert all(0.45 < x < 0.55 for x in rules), rules


@pytest.fixture
def german(make_project: ProjectFactory, tmp_path: Path) -> Path:
    """A German pack: its meeting label "Gesprächspartner" is the longest shipped label."""
    base = (MINIMAL_BASE.replace("languages: [fr, en]", "languages: [de]")
            .replace("{fr: Base de test, en: Test base}", "{de: Testbasis}")
            .replace("{fr: Source un, en: Source one}", "{de: Quelle eins}")
            .replace('{fr: "Le Maroc soutient la Coalition.", en: "Morocco supports the '
                     'Coalition."}', '{de: "Marokko unterstützt die Koalition."}')
            .replace('{fr: "Nous soutenons la Coalition.", en: "We support the Coalition."}',
                     '{de: "Wir unterstützen die Koalition."}')
            .replace('{fr: "Réunion le {date}.", en: "Meeting on {date}."}',
                     '{de: "Treffen am {date}."}'))
    pack = (MINIMAL_PACK.replace("languages: [fr, en]", "languages: [de]")
            .replace("{fr: Réunion de test, en: Test meeting}", "{de: Testtreffen}")
            .replace("  place: {fr: Rabat, en: Rabat}\n",
                     "  place: {de: Rabat}\n  counterpart: MA\n")
            .replace("{fr: DIFFUSION RESTREINTE, en: RESTRICTED}", "{de: VS-NfD}")
            .replace("documents: [briefing-note]",
                     "documents: [briefing-note, talking-points]"))
    root = make_project(facts={"base.yaml": base}, packs={"meeting.yaml": pack})
    briefgen.build(briefgen.load_project(root), out=tmp_path / "out", issued=ISSUED)
    return tmp_path / "out" / "meeting" / "de"


def test_a_long_meeting_label_keeps_clear_of_its_value(german: Path) -> None:
    """German's "GESPRÄCHSPARTNER" is wider than the note's 32 mm of labels: it is
    hyphenated onto a second line, never run into the value beside it."""
    _, found = words(german / "briefing-note.pdf")
    value = first(found, "Marokko")
    row = first(found, "ORT").y1, first(found, "THEMA").y0  # between the rows above and below
    label = [w for w in found if row[0] < w.y0 and w.y1 < row[1] and w.x1 < value.x0 + 20]
    assert "".join(w.text for w in label).replace("\u2010", "-") == "GESPRÄCHS-PARTNER"
    assert max(w.x1 for w in label) + 2 * PT_PER_MM <= value.x0 + 0.5, (label, value)


@needs_soffice
@pytest.mark.libreoffice
def test_the_talking_points_labels_are_never_broken(german: Path, tmp_path: Path) -> None:
    """In the Word document the label column fits "Gesprächspartner" on one line (a word
    processor breaks a word too long for its cell letter by letter)."""
    pdfs = convert_with_libreoffice([german / "talking-points.docx"], tmp_path,
                                    tmp_path / "profile")
    _, found = words(next(iter(pdfs.values())))
    label, value = first(found, "Gesprächspartner"), first(found, "Marokko")
    assert abs(label.y1 - value.y1) < 3 and label.x1 < value.x0


def test_sources_are_never_split_one_by_one(tmp_path: Path) -> None:
    """The second project's German note runs onto a second page at its two sources: they
    go there together with their heading, never one at the foot of a page and one at the
    head of the next."""
    root = tmp_path / "energy"
    shutil.copytree(Path(__file__).parent / "data" / "energy", root)
    briefgen.build(briefgen.load_project(root), out=tmp_path / "out", issued=ISSUED)
    _, found = words(tmp_path / "out" / "rabat-2026" / "de" / "briefing-note.pdf")
    pages = {word.text: word.page for word in found if word.text in ("QUELLEN", "[1]", "[2]")}
    assert pages["QUELLEN"] == pages["[1]"] == pages["[2]"], pages
