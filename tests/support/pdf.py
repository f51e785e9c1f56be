"""PDFs read as a reader would, through poppler's tools: the text (``pdftotext``), where
each word sits (``pdftotext -bbox``), the document's properties (``pdfinfo``) and its fonts
(``pdffonts``)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

WATERMARKS = ("PROJET", "DRAFT", "مسودة", "BORRADOR", "ENTWURF")


def pdftotext(path: Path, *, layout: bool = False, watermark: bool = False,
              page: int | None = None) -> str:
    """The text of ``path``. The diagonal draft watermark comes out of pdftotext as lines of
    one or two of its letters between the lines of the page; they are left out unless
    ``watermark`` (``pdftotext -nodiag`` would drop real words after it, a poppler bug)."""
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []),
            *(["-f", str(page), "-l", str(page)] if page else []), str(path), "-"]
    text = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    if watermark or layout:
        return text
    return "\n".join(line for line in text.split("\n") if not _watermark_piece(line))


def _watermark_piece(line: str) -> bool:
    """A line that is one or two letters of a watermark word (``P``, ``RA``)."""
    letters = "".join(line.split())
    return 0 < len(letters) <= 2 and any(all(c in word for c in letters) for word in WATERMARKS)


def squash(text: str) -> str:
    """Text with all whitespace runs made one space (PDF line breaks are not content)."""
    return " ".join(text.split())


def plain(text: str) -> str:
    """Text without the bidi marks pdftotext and briefgen insert, whitespace squashed."""
    return squash(re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text))


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    info = {}
    for line in out.stdout.splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def pdffonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    return [line.split() for line in out.stdout.splitlines()[2:]]


# -- Where the words are ---------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """A word as ``pdftotext -bbox`` places it: its page (from 1), its box in points from the
    page's top left corner, its text (its glyphs in left-to-right order)."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class Boxes:
    """The size of a PDF's first page, in points, and every word of every page."""

    width: float
    height: float
    words: list[Word]


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)"')
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def bbox(path: Path) -> Boxes:
    """Every word of ``path`` with its box, from ``pdftotext -bbox``."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    size = _PAGE.search(out)
    assert size is not None, f"pdftotext -bbox found no page in {path}"
    words = [Word(number, float(x0), float(y0), float(x1), float(y1), text)
             for number, page in enumerate(out.split("<page ")[1:], start=1)
             for x0, y0, x1, y1, text in _WORD.findall(page)]
    assert len(words) == out.count("<word "), f"a word pdftotext -bbox wrote is not read: {path}"
    return Boxes(float(size[1]), float(size[2]), words)
