"""Per-language typography: what the documents print for text typed with straight quotes."""

from __future__ import annotations

import unicodedata
from itertools import pairwise
from pathlib import Path

import docx
import pytest

import briefgen
from briefgen.typography import NBSP, NNBSP, typeset
from tests.support.pdf import bbox, pdftotext, squash
from tests.support.projects import ISSUED

BASE = """\
id: base
title: {fr: Base, en: Base, ar: قاعدة}
subject: MA
as_of: 2022-05
languages: [fr, en, ar]
facts:
  - id: f1
    kind: position
    date: 2018-06-26
    text:
      fr: "L'«Africa Focus Group», dit-il: \\"oui\\"! Le {date}, 12 500 agents; voir https://example.org/a:b?c=d."
      en: "Morocco's \\"Small Group\\" and 'allies': 5 km, on {date}; see https://example.org/it's."
      ar: "المغرب «مجموعة التركيز»: \\"نعم\\" في {date}؟"
    talking_point:
      fr: "Nous l'avons dit: \\"oui\\"!"
      en: "We said: \\"yes\\"!"
      ar: "قلنا: \\"نعم\\"!"
"""
PACK = """\
id: meeting
meeting: {title: {fr: Réunion, en: Meeting, ar: اجتماع}, date: 2026-12-03}
languages: [fr, en, ar]
classification: {fr: SECRET, en: SECRET, ar: سري}
facts: [base]
documents: [briefing-note, talking-points]
"""
FR = (f"L’«{NNBSP}Africa Focus Group{NNBSP}», dit-il{NNBSP}: «{NNBSP}oui{NNBSP}»{NNBSP}! "
      f"Le 26{NBSP}juin{NBSP}2018, 12{NNBSP}500 agents{NNBSP}; voir https://example.org/a:b?c=d.")
EN = (f"Morocco’s “Small Group” and ‘allies’: 5{NBSP}km, on June{NBSP}26, 2018; "
      "see https://example.org/it's.")
AR = f'المغرب «مجموعة التركيز»: "نعم" في 26{NBSP}يونيو{NBSP}2018؟'


# -- The rules ------------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "typed", "printed"), [
    ("fr", "l'État", "l’État"),
    ("fr", "aujourd'hui", "aujourd’hui"),
    ("fr", '"Coalition"', f"«{NNBSP}Coalition{NNBSP}»"),
    ("fr", "« Coalition »", f"«{NNBSP}Coalition{NNBSP}»"),
    ("fr", "partenaires : Niger", f"partenaires{NNBSP}: Niger"),
    ("fr", "Vraiment?! Oui; non!", f"Vraiment{NNBSP}?! Oui{NNBSP}; non{NNBSP}!"),
    ("fr", "à 10:30", "à 10:30"),
    ("fr", "le 1er juin", f"le 1er{NBSP}juin"),
    ("fr", "3 000 soldats, 86 %", f"3{NNBSP}000 soldats, 86{NBSP}%"),
    ("fr", "1 000 000 et 12 500", f"1{NNBSP}000{NNBSP}000 et 12{NNBSP}500"),
    ("fr", "En 2015 300 soldats", "En 2015 300 soldats"),  # a year, then a number
    ("fr", "en 2015 3 000 soldats", f"en 2015 3{NNBSP}000 soldats"),
    ("fr", "\"Il a parlé de 'l'Afrique'\"", f"«{NNBSP}Il a parlé de “l’Afrique”{NNBSP}»"),
    ("fr", "\"Il a parlé de \"l'Afrique\"\"", f"«{NNBSP}Il a parlé de “l’Afrique”{NNBSP}»"),
    ("en", "\"He spoke of \"Africa\"\"", "“He spoke of ‘Africa’”"),
    ("fr", "'Small Group'", "“Small Group”"),
    ("fr_CA", "Quoi ? Oui : non !", f"Quoi ? Oui{NNBSP}: non !"),
    ("en", "Morocco's", "Morocco’s"),
    ("en", "the States' role", "the States’ role"),
    ("en", 'the "Small Group"', "the “Small Group”"),
    ("en", "the 'Small Group'", "the ‘Small Group’"),
    ("en", "in the '90s", "in the ’90s"),
    ("en", "Note: 3 million people, 12 km", f"Note: 3{NBSP}million people, 12{NBSP}km"),
    ("en", "on June 26, 2018", f"on June{NBSP}26, 2018"),
    ("en", "the 1990s", "the 1990s"),
    ("de", 'das "Treffen"', "das „Treffen“"),
    ("ar", 'قال: "نعم"؟', 'قال: "نعم"؟'),
    ("ar", "في 26 يونيو", f"في 26{NBSP}يونيو"),
    ("he", 'אמר: "כן"', 'אמר: "כן"'),
])
def test_typed_text_is_printed_typeset(lang: str, typed: str, printed: str) -> None:
    assert typeset(typed, lang) == printed


@pytest.mark.parametrize("text", [
    "see https://example.org/a:b?c=d&e='f' now", "write to jo.ng@example.org: now",
    "www.example.org/l'état",
])
def test_urls_and_addresses_are_left_alone(text: str) -> None:
    address = next(word for word in text.split() if "/" in word or "@" in word)
    assert address.rstrip(":") in typeset(text, "fr")
    assert address in typeset(text, "en") or address.rstrip(":") in typeset(text, "en")


@pytest.mark.parametrize("lang", ["fr", "en", "ar", "de", "fr_CA"])
def test_typesetting_twice_changes_nothing(lang: str) -> None:
    typed = "L'«Africa», dit-il: \"oui\"! 26 juin 2018, 12 500 agents; 5 km 'a' June 26 ?"
    once = typeset(typed, lang)
    assert typeset(once, lang) == once


# -- What the documents show ------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("typography")
    (root / "facts").mkdir()
    (root / "packs").mkdir()
    (root / "facts" / "base.yaml").write_text(BASE, encoding="utf-8")
    (root / "packs" / "meeting.yaml").write_text(PACK, encoding="utf-8")
    briefgen.build(briefgen.load_project(root), out=root / "out", issued=ISSUED)
    return root / "out" / "meeting"


def visible(text: str) -> str:
    """pdftotext's text without its bidi marks; every kind of space read as one space
    (pdftotext writes no-break spaces as spaces: their widths are checked apart)."""
    return squash("".join(c for c in text if unicodedata.category(c) != "Cf"))


@pytest.mark.parametrize(("lang", "expected"), [("fr", FR), ("en", EN)])
def test_the_note_prints_the_typographic_characters(built: Path, lang: str,
                                                    expected: str) -> None:
    text = visible(pdftotext(built / lang / "briefing-note.pdf"))
    prose, _, url = expected.partition("https://")
    assert squash(prose) in text
    assert url in text.replace("https:// ", "https://")  # the URL as typed, broken at "//"


def test_arabic_keeps_its_own_quotes(built: Path) -> None:
    text = visible(pdftotext(built / "ar" / "briefing-note.pdf"))
    assert "المغرب «مجموعة التركيز»" in text  # as typed: no space added inside
    assert text.count('"') == 4  # the fact's and the talking point's, straight as typed
    assert not set("“”‘’") & set(text)


def test_french_spaces_are_narrow(built: Path) -> None:
    """pdftotext shows a space; its width says which: a narrow no-break space (0.166 em
    in Noto Serif) inside « » and before : ! ;, where a plain space is 0.26 em."""
    words = edges(built / "fr" / "briefing-note.pdf")
    gaps = {(a[3], b[3]): b[0] - a[2] for a, b in pairwise(words)
            if a[1] == b[1]}  # neighbours on one line
    size = 10.5  # pt: briefing-note.css
    for pair in [("L’«", "Africa"), ("Group", "»,"), ("dit-il", ":"), ("«", "oui"),
                 ("oui", "»"), ("»", "!"), ("agents", ";")]:
        assert gaps[pair] == pytest.approx(0.166 * size, abs=0.1), pair
    assert gaps[("Le", "26")] == pytest.approx(0.26 * size, abs=0.1)  # a plain space
    assert gaps[("26", "juin")] == pytest.approx(0.26 * size, abs=0.1)  # a no-break space


def edges(pdf: Path) -> list[tuple[float, float, float, str]]:
    """Each word's left, top and right edge, and its text."""
    return [(word.x0, word.y0, word.x1, word.text) for word in bbox(pdf).words]


@pytest.mark.parametrize(("lang", "expected", "point"), [
    ("fr", FR, f"Nous l’avons dit{NNBSP}: «{NNBSP}oui{NNBSP}»{NNBSP}!"),
    ("en", EN, "We said: “yes”!"),
    ("ar", AR, 'قلنا: "نعم"!'),
])
def test_the_talking_points_have_the_exact_characters(built: Path, lang: str, expected: str,
                                                      point: str) -> None:
    paragraphs = [p.text for p in docx.Document(str(built / lang / "talking-points.docx"))
                  .paragraphs]
    assert point in paragraphs
    assert any(paragraph.startswith(expected) for paragraph in paragraphs), paragraphs


def test_the_project_files_keep_what_was_typed(built: Path) -> None:
    assert "L'«Africa Focus Group»" in (built.parents[1] / "facts" / "base.yaml").read_text(
        encoding="utf-8")
