"""The brief as an HTML page: parsed by a strict HTML5 parser, checked for accessibility
without a browser, then opened in a real one (Debian's headless Chromium)."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import html5lib
import pytest
from PIL import Image

import briefgen
from tests.support.projects import DEMO_TAGS, ISSUED, MINIMAL_BASE, MINIMAL_PACK, ProjectFactory

PACK = "rabat-2026-12"
HTML = "{http://www.w3.org/1999/xhtml}"
CHROMIUM = shutil.which("chromium")


@pytest.fixture(scope="module")
def pages(demo_build: Path) -> dict[str, Path]:
    return {lang: demo_build / PACK / lang / "briefing.html" for lang in ("fr", "en", "ar")}


def parse(path: Path) -> object:
    """The page as a strict HTML5 parser reads it: any parse error fails."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=True)
    return parser.parse(path.read_bytes(), transport_encoding="utf-8")


def text_of(element: object) -> str:
    return " ".join("".join(element.itertext()).split())  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_the_page_parses_and_says_its_language(pages: dict[str, Path], lang: str) -> None:
    root = parse(pages[lang])
    assert root.get("lang") == DEMO_TAGS[lang]  # type: ignore[attr-defined]
    assert root.get("dir") == ("rtl" if lang == "ar" else "ltr")  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_landmarks_headings_and_alt_text(pages: dict[str, Path], lang: str) -> None:
    root = parse(pages[lang])
    for landmark in ("header", "nav", "main", "footer"):
        assert root.find(f".//{HTML}{landmark}") is not None, landmark  # type: ignore[attr-defined]
    levels = [int(element.tag[-1]) for element in root.iter()  # type: ignore[attr-defined]
              if re.fullmatch(rf"{re.escape(HTML)}h[1-6]", str(element.tag))]
    assert levels.count(1) == 1 and levels[0] == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels  # never a level skipped going down
    images = list(root.iter(f"{HTML}img"))  # type: ignore[attr-defined]
    assert images and all((image.get("alt") or "").strip() for image in images)
    banners = [e for e in root.iter(f"{HTML}div")  # type: ignore[attr-defined]
               if "classification-banner" in (e.get("class") or "")]
    marking = {"fr": "DIFFUSION RESTREINTE", "ar": "نشر محدود"}[lang]
    assert [text_of(banner) for banner in banners] == [marking, marking]
    body = root.find(f"{HTML}body")  # type: ignore[attr-defined]
    assert text_of(body[0]) == marking and text_of(body[-1]) == marking  # top and bottom


def body_text(path: Path) -> str:
    return text_of(parse(path).find(f"{HTML}body"))  # type: ignore[attr-defined]


def test_the_page_holds_the_whole_brief_in_the_books_order(pages: dict[str, Path]) -> None:
    text = body_text(pages["en"])
    order = ["RESTRICTED", "Morocco–United States consultations", "Contents",
             "Briefing note", "Key messages", "Background", "Talking points",
             "Fact sheet", "Timeline", "Participants", "Biographies", "Jane R. Holloway",
             "Sources", "Prepared on November 20, 2026", "RESTRICTED"]
    cursor = 0
    for part in order:  # each part after the one before
        found = text.find(part, cursor)
        assert found >= 0, (part, text[cursor:cursor + 200])
        cursor = found + len(part)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_nothing_is_fetched(pages: dict[str, Path], lang: str) -> None:
    root = parse(pages[lang])
    for element in root.iter():  # type: ignore[attr-defined]
        for name in ("src", "href", "srcset", "action", "poster", "data"):
            value = element.get(name)
            if value is not None:
                assert value.startswith(("#", "data:")), (element.tag, name, value[:80])
        assert not str(element.tag).endswith(("script", "iframe", "link", "object", "embed"))
    style = "".join(text_of(e) for e in root.iter(f"{HTML}style"))  # type: ignore[attr-defined]
    urls = re.findall(r"url\(\s*([^)]*)\)", style)
    assert urls and all(url.strip("'\" ").startswith("data:") for url in urls)
    assert "@import" not in style
    policy = [e.get("content") for e in root.iter(f"{HTML}meta")  # type: ignore[attr-defined]
              if e.get("http-equiv") == "Content-Security-Policy"]
    assert policy == ["default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                      "font-src data:"]


def test_fact_text_is_text(make_project: ProjectFactory, tmp_path: Path) -> None:
    hostile = '<script>alert(1)</script><img src="http://example.org/x.png"> & "quotes"'
    base = MINIMAL_BASE.replace('en: "Morocco supports the Coalition."',
                                f"en: '{hostile}'")
    pack = MINIMAL_PACK.replace("documents: [briefing-note]", "documents: [briefing-html]")
    root = make_project(facts={"base.yaml": base}, packs={"meeting.yaml": pack})
    briefgen.build(briefgen.load_project(root), out=tmp_path, issued=ISSUED)
    page = parse(tmp_path / "meeting" / "en" / "briefing.html")
    assert not list(page.iter(f"{HTML}script"))  # type: ignore[attr-defined]
    assert [e.get("src")[:5] for e in page.iter(f"{HTML}img")] == []  # type: ignore[attr-defined]
    text = text_of(page.find(f"{HTML}body"))  # type: ignore[attr-defined]
    assert "<script>alert(1)</script><img src=" in text and "example.org/x.png" in text
    assert "& “quotes”" in text  # typographic quotes: the text as the reader sees it


def screenshot(page: Path, out: Path) -> Image.Image:
    """The page as Chromium shows it, 1000 pixels wide."""
    assert CHROMIUM is not None, "Debian's chromium is missing: `make test` installs it"
    profile = out.parent / f"chromium-{uuid.uuid4().hex}"
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", "--hide-scrollbars",
         "--window-size=1000,1400", f"--screenshot={out}", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0 and out.is_file(), result.stderr
    return Image.open(out).convert("L")


def ink(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """How many dark pixels the box holds."""
    return sum(1 for value in image.crop(box).tobytes() if value < 100)


def test_chromium_shows_the_page_right_to_left_in_arabic(pages: dict[str, Path],
                                                         tmp_path: Path) -> None:
    for lang in ("fr", "ar"):
        image = screenshot(pages[lang], tmp_path / f"{lang}.png")
        width, height = image.size
        assert ink(image, (0, 0, width, height)) > 20_000, lang  # text, not a blank page
        # The title block: its text starts on the left in French, on the right in Arabic.
        column = 250  # the page body spans about 110..890 pixels
        left = ink(image, (100, 60, 100 + column, 180))
        right = ink(image, (900 - column, 60, 900, 180))
        assert (right > 2 * left) if lang == "ar" else (left > 2 * right), (lang, left, right)


# -- No seams: said once, labels whole, citations bound to their sentence -----------------------


def test_the_drafter_and_the_sources_are_said_once(pages: dict[str, Path]) -> None:
    text = body_text(pages["fr"])
    assert text.count("Rédigé par") == 1
    assert text.count("Note sur le Maroc et la Coalition mondiale contre Daech") == 1


SEAMS = """
const found = {cut: [], alone: [], glued: []};
for (const chart of document.querySelectorAll('.timeline-chart')) {
  const box = chart.getBoundingClientRect();
  for (const label of chart.querySelectorAll('.tl-year, .tl-event')) {
    const r = label.getBoundingClientRect();
    if (r.bottom > box.bottom + 0.5 || r.top < box.top - 0.5) found.cut.push(label.textContent);
  }
}
for (const ref of document.querySelectorAll('.ref')) {
  let node = ref.previousSibling;
  while (node && node.nodeType === Node.ELEMENT_NODE && node.lastChild) node = node.lastChild;
  if (!node || node.nodeType !== Node.TEXT_NODE || !node.textContent.trim()) continue;
  const end = node.textContent.trimEnd().length;
  const range = document.createRange();
  range.setStart(node, end - 1); range.setEnd(node, end);
  const bracket = document.createRange(), inner = ref.firstChild;  // "[", not the space before
  bracket.setStart(inner, 0); bracket.setEnd(inner, 1);
  const word = range.getBoundingClientRect(), cite = bracket.getBoundingClientRect();
  if (Math.abs(word.top - cite.top) > 4) found.alone.push(ref.textContent);
  else if (cite.left - word.right < 2 && word.left - cite.right < 2)
    found.glued.push(ref.textContent);
}
return found;
"""


@pytest.mark.parametrize("width", [1000, 420])
def test_no_label_is_cut_and_no_citation_is_glued_or_alone(pages: dict[str, Path],
                                                           width: int) -> None:
    from tests.support.browser import chromium

    with chromium() as driver:
        driver.set_window_size(width, 1400)
        for lang in ("fr", "ar"):
            driver.get(pages[lang].as_uri())
            found = driver.execute_script(SEAMS)
            assert found == {"cut": [], "alone": [], "glued": []}, (lang, width, found)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_axe_finds_no_violation_in_the_brief(pages: dict[str, Path], lang: str) -> None:
    """The HTML brief in a real browser, left to right and right to left: no WCAG 2 A or
    AA violation axe-core finds."""
    from tests.support.browser import axe_report, axe_violations, chromium

    with chromium() as driver:
        driver.get(pages[lang].as_uri())
        assert driver.execute_script("return document.documentElement.dir") == (
            "rtl" if lang == "ar" else "ltr")
        violations = axe_violations(driver)
    assert not violations, axe_report(violations)
