"""The one-page fact sheet, read as a reader would: one page, the timeline, the fit, overflow."""

from __future__ import annotations

import datetime as dt
import itertools
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import briefgen
from briefgen.context import pack_view
from briefgen.documents import REGISTRY, Engines, Rendered, fact_sheet
from briefgen.pdf import PdfEngine
from briefgen.templating import Templates
from tests.support.pdf import bbox, pdfinfo, pdftotext, squash
from tests.support.projects import (
    ISSUED,
    MINIMAL_BASE,
    MINIMAL_PACK,
    base_in,
    full_base,
    full_fact,
    full_pack,
    pack_in,
    write_project,
)


def render(project: briefgen.Project, lang: str) -> Rendered:
    engines = Engines(Templates(project.templates))
    return fact_sheet.render(pack_view(project, "meeting", lang, ISSUED), engines)


@pytest.fixture
def count_renders(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    calls: list[str] = []
    original = PdfEngine.layout

    def layout(self: PdfEngine, *args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs.get("extra_css", args[4] if len(args) > 4 else ""))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(PdfEngine, "layout", layout)
    yield calls


# --- the demo -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_sheets(demo_build: Path) -> dict[str, Path]:
    return {lang: demo_build / "rabat-2026-12" / lang / "fact-sheet.pdf"
            for lang in ("fr", "en", "ar")}


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_demo_sheet_is_one_a4_page(demo_sheets: dict[str, Path], lang: str) -> None:
    info = pdfinfo(demo_sheets[lang])
    assert info["Pages"] == "1"
    assert info["Page size"].endswith("(A4)")
    assert info["Tagged"] == "yes"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_demo_sheet_uses_its_page(demo_sheets: dict[str, Path], lang: str) -> None:
    """A short sheet grows its type: its lowest line of text is in the bottom fifth of the
    page (above the footer), not three quarters of the way down."""
    height, lines = text_lines(demo_sheets[lang])
    footer_top = height - 14 / 25.4 * 72  # the page's bottom margin holds the footer
    body = [bottom for bottom, _ in lines if bottom < footer_top]
    assert max(body) > 0.8 * height, (max(body), height)


def text_lines(path: Path) -> tuple[float, list[tuple[float, str]]]:
    """The page height and (bottom, word) of every word, from pdftotext -bbox."""
    boxes = bbox(path)
    return boxes.height, [(word.y1, word.text) for word in boxes.words]


def test_french_demo_sheet_reads_like_a_fact_sheet(demo_sheets: dict[str, Path]) -> None:
    text = squash(pdftotext(demo_sheets["fr"]))
    for expected in [
        "FICHE D’INFORMATION",
        "PROJET",  # the status in the title block
        "Réf. DAAO/2026/0412",
        "Maroc",  # subject, localized
        "Le Maroc et la Coalition mondiale contre Daech",  # fact base title
        "Éléments à jour : mai 2022",
        "LES PRINCIPES QUI ONT GUIDÉ L’ADHÉSION DU MAROC À LA COALITION",  # the base's heading
        "PARTICIPATION ET RÔLES",
        "du Niger et de l’Italie",  # named in the text: no "Partners" tag
        "CHRONOLOGIE",
        "26 juin 2018",  # timeline label at day precision
        "Réunion régionale à Skhirat",  # the fact's own short label, never a cut sentence
        "Lancement de l’Africa Focus Group",
        "[1] [Note sur le Maroc et la Coalition mondiale contre Daech], Marrakech, mai 2022.",
        "Établi le 20 novembre 2026",  # the same label as the note's and the talking points'
        "9 éléments datent de plus de 365 jours",  # the pack's max_age_days
    ]:
        assert expected in text, expected
    assert "…" not in text  # no caption cut short
    # The event that says its date is not prefixed with it again.
    assert "26 juin 2018 — Le Maroc a organisé" not in text
    assert text.count("DIFFUSION RESTREINTE") == 2  # top and bottom of the page
    assert "PARTENAIRES" not in text  # the text names the partners already
    assert "Timeline" not in text and "Fact sheet" not in text
    assert pdfinfo(demo_sheets["fr"])["Title"] == "Fiche d’information\u202f: Maroc"


def test_english_and_arabic_demo_sheets(demo_sheets: dict[str, Path]) -> None:
    english = squash(pdftotext(demo_sheets["en"]))
    for expected in ("FACT SHEET", "Morocco", "June 26, 2018", "2021", "TIMELINE",
                     "Regional meeting in Skhirat", "Prepared on November 20, 2026",
                     "the United States, Niger, and Italy"):
        assert expected in english, expected
    arabic = squash(pdftotext(demo_sheets["ar"]))
    for expected in ("بطاقة معلومات", "المغرب", "التسلسل الزمني", "نشر محدود"):
        assert expected in arabic, expected
    assert "Timeline" not in arabic and "Partners" not in arabic


def test_demo_fits_at_the_largest_size_that_fits(
    demo_project: briefgen.Project, count_renders: list[str]
) -> None:
    rendered = render_demo(demo_project, "fr")
    assert rendered.pages == 1
    sizes = [step.css() for step in fact_sheet.STEPS]
    assert len(count_renders) <= 2  # the first guess, and the step its height points to
    assert all(css in sizes for css in count_renders)
    assert rendered.warnings == []  # no "Ignored ..." CSS, nothing else either
    assert "ma-coalition-daesh/skhirat-meeting" in rendered.facts
    assert rendered.sources == ("ma-coalition-daesh/note-2022-05",)


def render_demo(project: briefgen.Project, lang: str) -> Rendered:
    engines = Engines(Templates(project.templates))
    return fact_sheet.render(pack_view(project, "rabat-2026-12", lang, ISSUED), engines)


def test_same_input_same_bytes(demo_project: briefgen.Project) -> None:
    assert render_demo(demo_project, "en").data == render_demo(demo_project, "en").data


# --- a full fact base: 25 facts, 12 dated over 20 years -------------------------------------

@pytest.fixture(scope="module")
def full_sheets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    langs = ("fr", "en", "ar")
    root = write_project(tmp_path_factory.mktemp("full"), full_base(langs), full_pack(langs))
    out = root / "build"
    briefgen.build(briefgen.load_project(root), out=out, issued=ISSUED)
    return {lang: out / "meeting" / lang / "fact-sheet.pdf" for lang in langs}


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_25_facts_fit_one_page(full_sheets: dict[str, Path], lang: str) -> None:
    assert pdfinfo(full_sheets[lang])["Pages"] == "1"


def test_timeline_shows_every_dated_fact(full_sheets: dict[str, Path]) -> None:
    text = squash(pdftotext(full_sheets["fr"]))
    for label in ["11 mars 2004", "2006", "septembre 2008", "20 mai 2010", "2012",
                  "24 septembre 2014", "février 2016", "5 novembre 2017", "2019", "juin 2021",
                  "11 mai 2022", "15 janvier 2024"]:
        assert label in text, label
    assert "CHIFFRES CLÉS" in text and "1 250" in text.replace("\u202f", " ")  # Babel numbers
    assert "PARTENAIRES États-Unis, Niger et Italie" in text  # countries not named in the text


def test_timeline_in_english(full_sheets: dict[str, Path]) -> None:
    text = squash(pdftotext(full_sheets["en"]))
    for label in ["March 11, 2004", "September 2008", "November 5, 2017", "June 2021"]:
        assert label in text, label
    assert "1,250" in text


def test_full_sheet_needs_few_renders(tmp_path: Path, count_renders: list[str]) -> None:
    root = write_project(tmp_path, full_base(("fr",)), full_pack(("fr",)))
    rendered = render(briefgen.load_project(root), "fr")
    assert rendered.pages == 1
    assert 1 <= len(count_renders) <= 6  # a binary search over the steps, not a scan


# --- right to left ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def arabic_sheet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ar")
    write_project(root, full_base(("fr", "ar")), full_pack(("ar",)))
    briefgen.build(briefgen.load_project(root), out=root / "build", issued=ISSUED)
    return root / "build" / "meeting" / "ar" / "fact-sheet.pdf"


def test_arabic_sheet_is_one_page_and_arabic(arabic_sheet: Path) -> None:
    assert pdfinfo(arabic_sheet)["Pages"] == "1"
    text = squash(pdftotext(arabic_sheet))
    for label in ("بطاقة معلومات", "الموقف", "الشركاء", "التسلسل الزمني", "المعطيات محينة إلى",
                  "المغرب", "الولايات المتحدة والنيجر وإيطاليا", "2004", "2024"):
        assert label in text, label
    for english in ("Fact sheet", "Timeline", "Positions", "Partners", "As of", "Issued"):
        assert english not in text, english


def test_arabic_timeline_runs_right_to_left(arabic_sheet: Path) -> None:
    words = bbox_words(arabic_sheet)
    assert words["2004"] > words["2024"]  # the earliest year at the right


def bbox_words(path: Path) -> dict[str, float]:
    """The x of each word (first occurrence) on the page."""
    words: dict[str, float] = {}
    for word in bbox(path).words:
        words.setdefault(word.text, word.x0)
    return words


# --- a short sheet ------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_a_short_sheet_has_its_foot_at_the_bottom(tmp_path: Path, lang: str) -> None:
    """Three facts at the largest type leave most of the page: the sources and who drafted
    the sheet sit at its foot, as on a printed form, not under the last fact."""
    items = [full_fact(1, "position", (lang,)), full_fact(2, "principle", (lang,)),
             full_fact(3, "position", (lang,))]
    root = write_project(tmp_path, full_base((lang,), facts=items), full_pack((lang,)).replace(
        "facts: [base]", "facts: [base]\ndrafted_by: {name: Salma Bennani}"))
    out = tmp_path / "out"
    briefgen.build(briefgen.load_project(root), out=out, issued=ISSUED)
    sheet = out / "meeting" / lang / "fact-sheet.pdf"
    assert pdfinfo(sheet)["Pages"] == "1"
    height, lines = text_lines(sheet)
    footer_top = height - 14 / 25.4 * 72  # the page's bottom margin holds the footer
    watermark = "PROJET مسودة"  # the draft's, diagonal: pdftotext gives it letter by letter
    body = sorted(bottom for bottom, word in lines if bottom < footer_top
                  and not (len(word) == 1 and unicodedata.normalize("NFKC", word) in watermark))
    drafted = [bottom for bottom, word in lines if word == "Bennani"]
    assert drafted and drafted[0] > body[-1] - 5  # on the lowest line of the page's body
    assert drafted[0] > footer_top - 12 / 25.4 * 72  # within 12 mm of the footer
    gaps = [lower - upper for upper, lower in itertools.pairwise(body)]
    assert max(gaps) > 0.2 * height  # the room is between the facts and the foot


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_the_foot_ends_at_the_bottom_of_the_page(demo_sheets: dict[str, Path],
                                                 lang: str) -> None:
    """On a full sheet too, the foot's last line ends where the page's body ends (the
    bottom margin holds the issue date and reference): placed by CSS."""
    height, lines = text_lines(demo_sheets[lang])
    footer_top = height - 14 / 25.4 * 72
    body = [bottom for bottom, _ in lines if bottom < footer_top]
    assert footer_top - 2 / 25.4 * 72 < max(body) <= footer_top  # within 2 mm


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_a_short_sheet_is_laid_out_once(tmp_path: Path, lang: str) -> None:
    """The foot needs no layout of its own: a short sheet is one layout, at the ceiling."""
    items = [full_fact(1, "position", (lang,)), full_fact(2, "principle", (lang,))]
    project = briefgen.load_project(write_project(tmp_path, full_base((lang,), facts=items),
                                                  full_pack((lang,))))
    engines = Engines(Templates(project.templates))
    rendered = fact_sheet.render(pack_view(project, "meeting", lang, ISSUED), engines)
    assert engines.pdf.layouts == {f"meeting/{lang}/fact-sheet.pdf": 1}
    assert rendered.pages == 1 and str(rendered.hint).startswith("0:")


def sheets_to_fit(demo: briefgen.Project, root: Path) -> Iterator[tuple[briefgen.Project, str,
                                                                       str]]:
    """The demo's sheets, and 25-, 14- and 8-fact sheets, in fr, en and ar."""
    for pack_id in sorted(demo.packs):
        for lang in demo.packs[pack_id].model.languages:
            yield demo, pack_id, lang
    langs = ("fr", "en", "ar")
    yield from ((briefgen.load_project(write_project(root / "25", full_base(langs),
                                                     full_pack(langs))), "meeting", lang)
                for lang in langs)
    for count, repeat in ((14, 1), (8, 2)):
        items = [full_fact(i, ("position", "principle", "membership")[i % 3], langs, repeat)
                 for i in range(count)]
        project = briefgen.load_project(write_project(
            root / f"{count}x{repeat}", full_base(langs, facts=items), full_pack(langs)))
        yield from ((project, "meeting", lang) for lang in langs)


def test_each_sheet_is_at_most_a_step_below_its_largest_type(
        demo_project: briefgen.Project, tmp_path: Path) -> None:
    """The step chosen fits one page, and two steps above it (laid out here) overflow: the
    fit trusts the height of its layout for the step above, never further."""
    exact = 0
    for project, pack_id, lang in sheets_to_fit(demo_project, tmp_path):
        view = pack_view(project, pack_id, lang, ISSUED)
        engines = Engines(Templates(project.templates))
        _, fit, html = fact_sheet.fitted(view, engines, "x")
        assert fit.step is not None and fact_sheet.fitting.fits_the_page(fit.document)

        def fits(step: int, view: Any = view, engines: Engines = engines,
                 html: str = html) -> bool:
            return step >= 0 and fact_sheet.fitting.fits_the_page(
                fact_sheet.lay_out(view, engines, html, "x", fact_sheet.STEPS[step].css()))

        assert not fits(fit.step - 2), (pack_id, lang, fit.step)
        exact += not fits(fit.step - 1)
    assert exact >= 10  # of 14: most are at their largest type


def test_the_same_sheet_again_is_laid_out_once(demo_project: briefgen.Project,
                                               tmp_path: Path) -> None:
    """A sheet fitted before from the same content (its hint's digest) is laid out once,
    into the same bytes; its book does not fit it again; other content is searched."""
    view = pack_view(demo_project, "rabat-2026-12", "fr", ISSUED)
    first = Engines(Templates(demo_project.templates))
    sheet = fact_sheet.render(view, first)
    assert first.pdf.layouts["rabat-2026-12/fr/fact-sheet.pdf"] >= 1
    again = Engines(Templates(demo_project.templates))
    again.hints["rabat-2026-12/fr/fact-sheet.pdf"] = str(sheet.hint)
    assert fact_sheet.render(view, again).data == sheet.data
    assert again.pdf.layouts == {"rabat-2026-12/fr/fact-sheet.pdf": 1}
    book = REGISTRY["briefing-book"].render(view, again)
    assert again.pdf.layouts["rabat-2026-12/fr/briefing-book.pdf"] == 1  # the book only
    assert str(book.hint).startswith(f"{sheet.hint}|points=")  # the fit, and the book's own

    other = pack_view(demo_project, "rabat-2026-12", "en", ISSUED)
    again.hints["rabat-2026-12/en/fact-sheet.pdf"] = str(sheet.hint)  # not its content
    assert fact_sheet.render(other, again).hint != sheet.hint


# --- opting out and overflowing ---------------------------------------------------------------

def test_facts_opt_out(tmp_path: Path) -> None:
    items = [full_fact(1, "position", ("fr",)),
             full_fact(2, "event", ("fr",), date="2019-11-05"),
             {**full_fact(3, "event", ("fr",), date="2023-06"), "fact_sheet": False,
              "text": {"fr": "Un fait gardé hors de la fiche."}}]
    root = write_project(tmp_path, full_base(("fr",), facts=items), full_pack(("fr",)))
    briefgen.build(briefgen.load_project(root), out=tmp_path / "out", issued=ISSUED)
    text = squash(pdftotext(tmp_path / "out" / "meeting" / "fr" / "fact-sheet.pdf"))
    assert "5 novembre 2019" in text
    assert "juin 2023" not in text and "gardé hors de la fiche" not in text


def overflowing(root: Path) -> briefgen.Project:
    return briefgen.load_project(write_project(root, full_base(("fr",), repeat=5),
                                               full_pack(("fr",))))


def test_an_overflowing_base_fails_with_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(briefgen.BuildFailed) as caught:
        briefgen.build(overflowing(tmp_path), out=tmp_path / "out", issued=ISSUED)
    message = str(caught.value)
    assert "meeting/fr/fact-sheet.pdf: the fact sheet does not fit one page" in message
    assert "at the smallest type (8 pt)" in message
    assert " mm (" in message and "% of a page) onto a second page" in message
    assert "the longest facts are 'fact-" in message and "in fact base 'base'" in message
    assert message.count("characters)") == fact_sheet.LONGEST
    assert "set `fact_sheet: false`" in message
    assert not (tmp_path / "out" / "meeting").exists()  # nothing written for the pack


def test_overflow_fails_after_two_renders(tmp_path: Path, count_renders: list[str]) -> None:
    with pytest.raises(briefgen.RenderError, match="does not fit one page"):
        render(overflowing(tmp_path), "fr")
    assert 1 <= len(count_renders) <= 2 and count_renders[-1] == fact_sheet.STEPS[-1].css()


# --- a word longer than the page ---------------------------------------------------------------
# A word without a space may break anywhere (fact-sheet.css): it never overflows its line, but
# WeasyPrint lays each of its lines out with the rest of the word. One that would fill more
# than the page at the smallest type is refused in one layout without it (it took two, of
# 15 to 40 s each for 10,000 characters), naming the fact.

LONG_WORD = "x" * 10_000
ARABIC_WORD = "الاستقلالية" * 1500  # 16,500 letters, joined


@pytest.fixture
def laid_out(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The HTML of every layout."""
    pages: list[str] = []
    original = PdfEngine.layout

    def layout(self: PdfEngine, html: str, *args: Any, **kwargs: Any) -> Any:
        pages.append(html)
        return original(self, html, *args, **kwargs)

    monkeypatch.setattr(PdfEngine, "layout", layout)
    return pages


def one_fact_sheet(root: Path, text: str, lang: str = "en") -> briefgen.Project:
    """The small project (one base, one pack), its first fact's text ``text``, a fact sheet."""
    if lang == "en":
        base = MINIMAL_BASE.replace("Morocco supports the Coalition.", text)
        pack = MINIMAL_PACK.replace("documents: [briefing-note]", "documents: [fact-sheet]")
    else:
        base = base_in([lang]).replace("Morocco co-chairs the group.", text)
        pack = pack_in([lang], documents="[fact-sheet]")
    return briefgen.load_project(write_project(root, base, pack))


@pytest.mark.parametrize(("lang", "text", "word"), [
    ("en", f"Morocco {LONG_WORD} supports.", LONG_WORD),
    ("ar", f"المغرب {ARABIC_WORD} يدعم.", ARABIC_WORD),
])
def test_a_word_longer_than_the_page_is_refused_in_one_quick_layout(
        tmp_path: Path, laid_out: list[str], lang: str, text: str, word: str) -> None:
    with pytest.raises(briefgen.RenderError) as caught:
        render(one_fact_sheet(tmp_path, text, lang), lang)
    assert len(laid_out) == 1 and word[:100] not in laid_out[0]  # one layout, without it
    message = str(caught.value)
    assert message.startswith(
        f"meeting/{lang}/fact-sheet.pdf: text in fact 'f1' of fact base 'base' does not fit "
        f"the page: its word '{word[:30]}…' ({len(word)} characters without a space) would "
        "fill more than the whole page (")
    assert "%) even at the smallest type (8 pt), broken from line to line" in message
    assert message.endswith("break the long word or number with spaces, or shorten it, or set "
                            "`fact_sheet: false` on the fact to keep it off the fact sheet")


def test_a_build_with_a_word_longer_than_the_page_writes_nothing(tmp_path: Path) -> None:
    project = one_fact_sheet(tmp_path, f"Morocco {LONG_WORD} supports.")
    with pytest.raises(briefgen.BuildFailed) as caught:
        briefgen.build(project, out=tmp_path / "out", issued=ISSUED)
    assert "meeting/en/fact-sheet.pdf: text in fact 'f1' of fact base 'base'" in str(caught.value)
    assert not (tmp_path / "out" / "meeting").exists()


URL = "https://www.example.org/reports/2026/sahel-security-cooperation/annex.pdf"
COMPOUND = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen"


def test_long_words_that_fit_are_laid_out_as_before(tmp_path: Path, laid_out: list[str]) -> None:
    """A URL, a German compound, an 80-digit number: no word long enough to be measured
    first; the sheet is laid out with them, and fits."""
    text = f"Morocco {URL} {COMPOUND} {'1234567890' * 8} supports."
    rendered = render(one_fact_sheet(tmp_path, text), "en")
    assert rendered.pages == 1
    assert laid_out and all(COMPOUND in html and "1234567890" * 8 in html for html in laid_out)


@pytest.mark.parametrize(("lang", "text"), [
    ("en", f"Morocco {'x' * 3000} supports."),  # 59 lines of 84.9 mm at 8 pt
    ("ar", f"المغرب {'الاستقلالية' * 250} يدعم."),
])
def test_a_long_word_that_fits_the_page_is_not_refused(tmp_path: Path, laid_out: list[str],
                                                       lang: str, text: str) -> None:
    """Measured in one layout without it, then left to the search (which lays it out)."""
    project = one_fact_sheet(tmp_path, text, lang)
    view = pack_view(project, "meeting", lang, ISSUED)
    engines = Engines(Templates(project.templates))
    content = fact_sheet.content_of(view, engines)
    html = engines.templates.render(fact_sheet.TEMPLATE, view.lang, view.labels_lang,
                                    pack=view, sheet=content)
    fact_sheet.refuse_words_longer_than_the_page(view, engines, html, "sheet.pdf", content)
    assert len(laid_out) == 1 and text.split()[1] not in laid_out[0]


# --- the fit itself ----------------------------------------------------------------------------

class Laid:
    def __init__(self, pages: int) -> None:
        self.pages = [object()] * pages


def fake(first_fitting: int | None, tried: list[int]) -> Callable[[int], Laid]:
    def lay_out(step: int) -> Laid:
        tried.append(step)
        fits = first_fitting is not None and step >= first_fitting
        return Laid(1 if fits else 2)

    return lay_out


@pytest.mark.parametrize("start", [0, 6, 16])
@pytest.mark.parametrize("first_fitting", range(17))
def test_binary_search_finds_the_largest_type_that_fits(first_fitting: int, start: int) -> None:
    tried: list[int] = []
    fit = fact_sheet.fit_one_page(fake(first_fitting, tried), 17, start)
    assert fit.step == first_fitting
    assert len(fit.document.pages) == 1
    assert fit.renders == len(tried) <= 6
    assert tried[0] == start


@pytest.mark.parametrize("start", [0, 6, 16])
def test_binary_search_gives_up_at_the_floor(start: int) -> None:
    tried: list[int] = []
    fit = fact_sheet.fit_one_page(fake(None, tried), 17, start)
    assert fit.step is None and tried == sorted({start, 16})


PREDICTORS: dict[str, Callable[[int, int | None], Callable[[int, Any], int]]] = {
    "exact": lambda answer, _: lambda step, laid: 17 if answer is None else answer,
    "two too small": lambda answer, _: lambda step, laid: (answer or 17) + 2,
    "two too large": lambda answer, _: lambda step, laid: (answer or 17) - 2,
    "always the ceiling": lambda answer, _: lambda step, laid: 0,
    "always the floor": lambda answer, _: lambda step, laid: 16,
    "anything": lambda answer, seed: lambda step, laid: (step * 7 + (seed or 0) * 5) % 19 - 1,
}


@pytest.mark.parametrize("predictor", PREDICTORS)
@pytest.mark.parametrize("start", [0, 3, 6, 16])
@pytest.mark.parametrize("first_fitting", [*range(17), None])
def test_a_guided_search_lands_where_the_binary_search_does(
        first_fitting: int | None, start: int, predictor: str) -> None:
    """Whatever the guesses, the step found fits and the one above it was seen to overflow:
    the largest type that fits, as the plain binary search finds it."""
    binary: list[int] = []
    plain = fact_sheet.fit_one_page(fake(first_fitting, binary), 17, start)
    tried: list[int] = []
    guided = fact_sheet.fit_one_page(fake(first_fitting, tried), 17, start,
                                     PREDICTORS[predictor](first_fitting, start))
    assert guided.step == plain.step == first_fitting
    assert tried[0] == start and len(set(tried)) == len(tried) == guided.renders
    if first_fitting is None:
        assert 16 in tried and len(guided.document.pages) == 2
    else:
        assert len(guided.document.pages) == 1
        assert first_fitting in tried and (first_fitting == 0 or first_fitting - 1 in tried)
    assert guided.renders <= 8


@pytest.mark.parametrize("first_fitting", range(17))
def test_a_good_guess_costs_two_layouts(first_fitting: int) -> None:
    for start in (first_fitting, max(first_fitting - 1, 0)):  # the step, or the one above
        tried: list[int] = []
        fit = fact_sheet.fit_one_page(fake(first_fitting, tried), 17, start,
                                      PREDICTORS["exact"](first_fitting, None))
        assert fit.step == first_fitting
        assert fit.renders == (1 if first_fitting == 0 else 2)


def test_the_guided_fit_agrees_with_the_binary_search_on_real_sheets(
        demo_project: briefgen.Project, tmp_path: Path) -> None:
    full = briefgen.load_project(write_project(tmp_path, full_base(("fr", "ar")),
                                               full_pack(("ar",))))
    for project, pack_id, lang in ((demo_project, "rabat-2026-12", "fr"),
                                   (demo_project, "rabat-2026-12", "ar"),
                                   (full, "meeting", "ar")):
        view = pack_view(project, pack_id, lang, ISSUED)
        engines = Engines(Templates(project.templates))
        templates = engines.templates
        content = fact_sheet.fact_sheet(view)
        html = templates.render(fact_sheet.TEMPLATE, view.lang, pack=view, sheet=content)
        sheets = [templates.find(sheet) for sheet in fact_sheet.STYLESHEETS]

        def lay_out(step: int, view: Any = view, engines: Engines = engines, html: str = html,
                    sheets: list[Path] = sheets) -> Any:
            return engines.pdf.layout(html, engines.templates.roots[0], sheets, "x",
                                      fact_sheet.STEPS[step].css())

        steps = len(fact_sheet.STEPS)
        fits = fact_sheet.fitting.fits_the_page
        plain = fact_sheet.fit_one_page(lay_out, steps, fact_sheet.DESIGNED_STEP, fits=fits)
        guided = fact_sheet.fit_one_page(lay_out, steps, fact_sheet.DESIGNED_STEP,
                                         fact_sheet.predict_step, fits=fits)
        assert guided.step == plain.step is not None, (pack_id, lang)
        assert guided.renders <= plain.renders


def test_a_sheet_is_the_same_whatever_was_fitted_before_it(
        demo_project: briefgen.Project) -> None:
    """The fit's answer depends on the sheet alone: not on the French sheet fitted before
    the English one in the same process (as --jobs 1 does and a worker may not)."""
    engines = Engines(Templates(demo_project.templates))
    for lang in ("fr", "en", "ar"):  # as a pack's languages are built
        after = fact_sheet.render(pack_view(demo_project, "rabat-2026-12", lang, ISSUED),
                                  engines)
        assert after.data == render_demo(demo_project, lang).data, lang


@pytest.mark.parametrize("step", [0, 16])  # the ceiling, the floor
def test_a_previous_fit_of_other_content_does_not_decide(demo_project: briefgen.Project,
                                                         step: int) -> None:
    """The manifest's hint of the sheet before an edit (another digest) is not where the
    search starts: the sheet is what a clean build makes of it."""
    engines = Engines(Templates(demo_project.templates))
    name = "rabat-2026-12/en/fact-sheet.pdf"
    engines.hints[name] = str(fact_sheet.Hint(step, "0" * 32))
    view = pack_view(demo_project, "rabat-2026-12", "en", ISSUED)
    assert fact_sheet.render(view, engines).data == render_demo(demo_project, "en").data


def test_steps_run_from_a_ceiling_down_to_a_legible_floor() -> None:
    sizes = [step.size for step in fact_sheet.STEPS]
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[0] == 12 and sizes[fact_sheet.DESIGNED_STEP] == 10.5 and sizes[-1] == 8
    assert all("var(" not in step.css() for step in fact_sheet.STEPS)


def test_issued_date_is_the_builds(demo_project: briefgen.Project) -> None:
    view = pack_view(demo_project, "rabat-2026-12", "fr", dt.date(2027, 1, 2))
    sheet = fact_sheet.fact_sheet(view)
    assert sheet.timeline is not None and "26 juin 2018" in sheet.timeline
    assert [f.id for f in sheet.dated] == ["skhirat-meeting", "africa-focus-group"]


@pytest.mark.parametrize("start", [0, 6, 16])
@pytest.mark.parametrize("first_fitting", range(17))
def test_a_trusted_prediction_ends_the_fit_on_the_layout_that_fits(first_fitting: int,
                                                                   start: int) -> None:
    """A layout that fits, whose height says the step above overflows, is the answer: with
    a right prediction, the step that fits, in at most two layouts."""
    tried: list[int] = []
    fit = fact_sheet.fit_one_page(fake(first_fitting, tried), 17, start,
                                  PREDICTORS["exact"](first_fitting, None),
                                  trust_prediction=True)
    assert fit.step == first_fitting and len(fit.document.pages) == 1
    assert fit.renders == len(tried) == (1 if start == first_fitting else 2)
