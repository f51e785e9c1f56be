"""Long words and numbers: broken to fit, or a build error naming the fact; never cut."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import briefgen
from briefgen import pagecheck
from briefgen.context import pack_view
from briefgen.documents import Engines, fact_sheet
from briefgen.templating import Templates
from tests.support.pdf import bbox, pdftotext
from tests.support.projects import (
    ISSUED,
    MINIMAL_BASE,
    MINIMAL_PACK,
    REPO,
    ProjectFactory,
    base_in,
    pack_in,
)

LONG_WORD = "x" * 10_000
NUMBER = "1234567890" * 8  # 80 digits
A4_WIDTH = 595.28  # pt
NOTE_MARGIN = 22 / 25.4 * 72  # briefing-note.css: 22 mm on each side
SHEET_MARGIN = 13 / 25.4 * 72  # fact-sheet.css: 13 mm on each side
NO_WRAP = "\n.note, .sheet { overflow-wrap: normal; }\n"  # a stylesheet that breaks nothing
HYPHEN = "\u2010"  # what hyphenation adds at the end of a line


def with_fact_text(text: str) -> str:
    return MINIMAL_BASE.replace("Morocco supports the Coalition.", text)


def test_a_10000_character_word_is_broken_within_the_page(make_project: ProjectFactory,
                                                          tmp_path: Path) -> None:
    root = make_project(facts={"base.yaml": with_fact_text(f"Morocco {LONG_WORD} supports.")})
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    pdf = tmp_path / "meeting" / "en" / "briefing-note.pdf"
    placed = bbox(pdf).words
    assert sum(word.text.count("x") for word in placed) == len(LONG_WORD)  # all of it, once
    assert all(word.x0 >= NOTE_MARGIN - 1 and word.x1 <= A4_WIDTH - NOTE_MARGIN + 1
               for word in placed), [w for w in placed if w.x1 > A4_WIDTH - NOTE_MARGIN + 1]
    assert pdftotext(pdf).count("x") == len(LONG_WORD)


def test_an_80_digit_number_stays_in_its_column(make_project: ProjectFactory,
                                                tmp_path: Path) -> None:
    pack = MINIMAL_PACK.replace("documents: [briefing-note]", "documents: [fact-sheet]")
    root = make_project(facts={"base.yaml": with_fact_text(f"Morocco trained {NUMBER} agents.")},
                        packs={"meeting.yaml": pack})
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    placed = bbox(tmp_path / "meeting" / "en" / "fact-sheet.pdf").words
    digits = [word for word in placed if re.fullmatch(r"\d{5,}", word.text)]
    assert "".join(word.text for word in digits) == NUMBER
    # Positions come first, in the left column: no digit reaches the middle of the page.
    assert all(word.x0 >= SHEET_MARGIN - 1 and word.x1 < A4_WIDTH / 2
               for word in digits), digits


def no_wrap_project(make_project: ProjectFactory, text: str, document: str) -> Path:
    sheet = f"css/{document}.css"
    css = (REPO / "templates" / sheet).read_text(encoding="utf-8") + NO_WRAP
    pack = MINIMAL_PACK.replace("documents: [briefing-note]", f"documents: [{document}]")
    return make_project(facts={"base.yaml": with_fact_text(text)},
                        packs={"meeting.yaml": pack}, templates={sheet: css})


def test_text_past_the_page_edge_is_an_error_naming_the_fact(make_project: ProjectFactory,
                                                             tmp_path: Path) -> None:
    root = no_wrap_project(make_project, f"Morocco {LONG_WORD} supports.", "briefing-note")
    with pytest.raises(briefgen.BuildFailed) as caught:
        briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    message = str(caught.value)
    assert ("meeting/en/briefing-note.pdf: text in fact 'f1' of fact base 'base' does not "
            "fit its line on page 1: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' runs ") in message
    assert " mm past the edge of the page" in message
    assert "break the long word or number with spaces, or shorten it" in message
    assert not (tmp_path / "meeting").exists()


def test_text_past_its_column_is_an_error(make_project: ProjectFactory, tmp_path: Path) -> None:
    number = NUMBER[:40]  # wider than a column (at any type size), not than the page
    root = no_wrap_project(make_project, f"Morocco trained {number} agents.", "fact-sheet")
    with pytest.raises(briefgen.BuildFailed) as caught:
        briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    message = str(caught.value)
    assert "meeting/en/fact-sheet.pdf: text in fact 'f1' of fact base 'base'" in message
    assert f"'{NUMBER[:30]}…' runs " in message and "past the edge of its column" in message


def test_long_text_outside_facts_is_named_as_such(make_project: ProjectFactory,
                                                  tmp_path: Path) -> None:
    pack = MINIMAL_PACK.replace("title: {fr: Réunion de test, en: Test meeting}",
                                f"title: {{fr: Réunion, en: Meeting {LONG_WORD}}}")
    root = no_wrap_project(make_project, "Morocco supports.", "briefing-note")
    (root / "packs" / "meeting.yaml").write_text(pack, encoding="utf-8")
    with pytest.raises(briefgen.BuildFailed) as caught:
        briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    assert ("meeting/en/briefing-note.pdf: text outside the facts (the pack's title, purpose "
            "or sources, or a template) does not fit its line") in str(caught.value)


def test_the_demo_has_no_overflow(demo_project: briefgen.Project, tmp_path: Path) -> None:
    """The check passes on ordinary documents in every language (no false alarm)."""
    result = briefgen.build(demo_project, out=tmp_path, issued=ISSUED)
    assert len([doc for doc in result.written if doc.path.suffix == ".pdf"]) == 13


# -- Words longer than a page ----------------------------------------------------------------

def test_long_runs_are_what_the_layout_cannot_break() -> None:
    import briefgen.pdf  # noqa: F401 - WeasyPrint, as when a PDF is made

    url = "https://www.example.org/reports/2026/sahel-security-cooperation/annex-b.pdf"
    assert pagecheck.long_runs(f"See {url} now", "en", 10) == ["www.example.org/",
                                                              "cooperation/"]
    assert pagecheck.long_runs("a\u00a0b\u00a0c d-e (f) 1234567", "fr", 3) == [
        "a\u00a0b\u00a0c", "(f)", "1234567"]  # no break at a no-break space
    assert pagecheck.long_runs(f"Morocco {'x' * 499} supports.", "en") == []
    assert pagecheck.long_runs(f"Morocco {'x' * 500} supports.", "en") == ["x" * 500]
    assert pagecheck.long_runs(f"المغرب {'الاستقلالية' * 50} يدعم", "ar") == [
        "الاستقلالية" * 50]


@pytest.mark.parametrize(("lang", "word"), [
    ("en", "x" * 600),
    ("en", "AVATARToTyWaVo" * 15),  # kerned pairs, broken apart (and hyphenated)
    ("ar", "الاستقلالية" * 40),  # joined letters, broken apart
])
def test_a_long_word_covers_at_least_its_measure(make_project: ProjectFactory, lang: str,
                                                 word: str) -> None:
    """What :func:`pagecheck.page_share` measures on a layout without the word is no more
    than what its pieces cover in the layout with it, broken from line to line."""
    if lang == "en":
        base = with_fact_text(word)
        pack = MINIMAL_PACK.replace("documents: [briefing-note]", "documents: [fact-sheet]")
    else:
        base = base_in([lang]).replace("Morocco co-chairs the group.", word)
        pack = pack_in([lang], documents="[fact-sheet]")
    project = briefgen.load_project(make_project(facts={"base.yaml": base},
                                                 packs={"meeting.yaml": pack}))
    view = pack_view(project, "meeting", lang, ISSUED)
    engines = Engines(Templates(project.templates))
    content = fact_sheet.content_of(view, engines)
    html = engines.templates.render(fact_sheet.TEMPLATE, lang, lang, pack=view, sheet=content)
    sheets = [engines.templates.find(sheet) for sheet in fact_sheet.STYLESHEETS]
    floor = fact_sheet.STEPS[-1].css()
    probe = engines.pdf.layout(html.replace(word, word[:pagecheck.SAMPLE]),
                               engines.templates.roots[0], sheets, "probe", floor)
    measured = pagecheck.page_share(probe, "base/f1", [word])
    assert measured > 0.02

    from weasyprint.formatting_structure.boxes import TextBox
    from weasyprint.text.line_break import strut

    laid = engines.pdf.layout(html, engines.templates.roots[0], sheets, "sheet", floor)
    pieces = [placed.box for page in laid.pages
              for placed in pagecheck.placed_boxes(page._page_box)
              if placed.fact == "base/f1" and isinstance(placed.box, TextBox)
              and set(placed.box.text.strip()) <= {*word, HYPHEN}]
    assert "".join(piece.text.strip().rstrip(HYPHEN) for piece in pieces) == word
    page = laid.pages[0]._page_box
    covered = sum(piece.width * strut(piece.style)[0] for piece in pieces)
    assert covered / (page.width * page.height) >= measured * (1 - 1e-9)  # rounding
