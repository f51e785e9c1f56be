"""Checks on laid-out pages: no text wider than its line or the page, where a text is, and
words too long for any page.

WeasyPrint lays every page out as a tree of boxes; a box keeps the HTML element it was made
for, and the templates mark each printed fact with ``data-fact="base/id"``. Walking the tree
tells which fact a text box belongs to, so an error can name the fact to change. These run on
the final layout of a document, before its PDF is written: a page that would be cut is never
written.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from fontTools import unicodedata

from briefgen.errors import RenderError

FACT_ATTRIBUTE = "data-fact"
ORNAMENT_ATTRIBUTE = "data-ornament"  # a box that may reach past the page: not text to read
PX_PER_MM = 96 / 25.4
TOLERANCE = 0.5  # px: rounding in the layout, never a visible overflow
EXCERPT = 30  # characters of an overflowing text quoted in the error
BREAK_THE_WORD = "break the long word or number with spaces, or shorten it"


@dataclass(frozen=True)
class Placed:
    """A box of a laid-out page, the fact (``base/id``) it shows, if any, and the
    horizontal extent of the content area of the block that holds its lines."""

    box: Any
    fact: str | None
    block: tuple[float, float] | None


def placed_boxes(root: Any, fact: str | None = None,
                 block: tuple[float, float] | None = None) -> Iterator[Placed]:
    """``root`` and every box under it, each with its fact and its block's extent."""
    from weasyprint.formatting_structure import boxes as kinds
    from weasyprint.layout.absolute import AbsolutePlaceholder

    if isinstance(root, AbsolutePlaceholder):
        root = root._box  # where a positioned box was taken out of the flow
    element = getattr(root, "element", None)
    if element is not None and element.get(ORNAMENT_ATTRIBUTE) is not None:
        return  # drawn across the page on purpose (the draft watermark)
    if element is not None and element.get(FACT_ATTRIBUTE):
        fact = element.get(FACT_ATTRIBUTE)
    if (getattr(root, "element_tag", None) or "").endswith("::marker"):
        block = None  # a list number sits outside its item: only the page holds it
    elif isinstance(root, kinds.BlockContainerBox):  # a block, inline-block, float or cell
        block = (root.content_box_x(), root.content_box_x() + root.width)
    yield Placed(root, fact, block)
    for child in getattr(root, "children", ()):
        yield from placed_boxes(child, fact, block)


def text_in(fact: str | None) -> str:
    """``text in fact 'f1' of fact base 'base'``, or where text that is no fact comes from."""
    if fact is None:
        return "text outside the facts (the pack's title, purpose or sources, or a template)"
    base, _, fact_id = fact.partition("/")
    return f"text in fact '{fact_id}' of fact base '{base}'"


# -- Overflow ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overflow:
    """A text or image wider than the block or page that holds it."""

    page: int
    fact: str | None
    text: str
    beyond_mm: float
    page_edge: bool


def overflows(document: Any) -> list[Overflow]:
    """Every text or image box reaching past the block that holds it or the page's content
    area.

    Margin boxes (the running header and footer) may use the page's margins, not more.
    """
    from weasyprint.formatting_structure import boxes as kinds

    found = []
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        for child in page_box.children:
            area = (0.0, page_box.margin_width()) if isinstance(child, kinds.MarginBox) else (
                page_box.content_box_x(), page_box.content_box_x() + page_box.width)
            found += [
                overflow for placed in placed_boxes(child)
                if isinstance(placed.box, kinds.TextBox | kinds.ReplacedBox)
                and (overflow := _overflow(placed, number, area))
            ]
    return found


def _overflow(placed: Placed, page: int, area: tuple[float, float]) -> Overflow | None:
    box, block = placed.box, placed.block
    if getattr(box, "text", None) == "":
        return None  # prints nothing (what is left of a space WeasyPrint justified away)
    left, right = box.border_box_x(), box.border_box_x() + box.border_width()
    past_page = max(area[0] - left, right - area[1])
    past_block = max(block[0] - left, right - block[1]) if block else 0.0
    if max(past_page, past_block) <= TOLERANCE:
        return None
    return Overflow(page, placed.fact, getattr(box, "text", "") or "an image",
                    max(past_page, past_block) / PX_PER_MM, past_page > TOLERANCE)


def excerpt_of(text: str) -> str:
    """The first :data:`EXCERPT` characters of ``text``, for an error message."""
    excerpt = text.strip()
    return excerpt[:EXCERPT] + "…" if len(excerpt) > EXCERPT else excerpt


def overflow_error(overflow: Overflow, document_name: str) -> RenderError:
    excerpt = excerpt_of(overflow.text)
    where = "the edge of the page" if overflow.page_edge else "the edge of its column"
    return RenderError(
        f"{text_in(overflow.fact)} does not fit its line on page {overflow.page}: "
        f"'{excerpt}' runs {overflow.beyond_mm:.0f} mm past {where}",
        document_name,
        f"{BREAK_THE_WORD}; in a project's own CSS, keep `overflow-wrap: anywhere` and avoid "
        "`white-space: nowrap` on text of any length",
    )


# -- Words longer than a page ---------------------------------------------------------------
# A word the stylesheet lets break anywhere (`overflow-wrap: anywhere`) never overflows its
# line, but WeasyPrint lays each of its lines out with the whole rest of the word: a word of
# thousands of characters costs many seconds a layout. Broken from line to line, each piece
# of it lies on a line box of its own, at least as high as its text's line height, and no
# two line boxes overlap: the pieces cover at least (the word's width) x (that height) of
# the page's content area, which holds them all on a one-page document (text past the page's
# edge is refused anyway, by :func:`overflows`). Measured before the costly layouts, on a
# probe: the document laid out with each long word cut to a sample.

# Characters without a line break opportunity: a shorter run is laid out quickly enough (one
# of 500 costs 5 s a sheet, the probe 0.15 s), and would need letters 10 em wide to cover a
# page at 8 pt.
LONG_RUN = 500
SAMPLE = 16  # characters of a long run left in the probe layout
# Room for shaping at the breaks: a piece is shaped alone (its ends lose a kerning pair, an
# Arabic letter takes its final form), which widened the pieces in every font tried (by 0 to
# 0.2 em a break); this allows them to narrow by 1.5 em a line on 85 mm lines at 8 pt.
MARGIN = 0.05


def long_runs(text: str, lang: str | None, at_least: int = LONG_RUN) -> list[str]:
    """The runs of ``text`` between two line break opportunities (Pango's, as the layout
    finds them) of at least ``at_least`` characters, spaces at their ends left out."""
    if len(text) < at_least:
        return []
    from weasyprint.text.line_break import get_log_attrs

    attrs = get_log_attrs(text, lang)
    cuts = [0, *(i for i in range(1, len(text)) if attrs[i].is_line_break), len(text)]
    runs = (text[start:end].strip() for start, end in pairwise(cuts))
    return [run for run in runs if len(run) >= at_least]


def page_share(probe: Any, fact: str, runs: Sequence[str]) -> float:
    """The share of the page's content area the ``runs`` of ``fact`` (``base/id``) cover at
    least, however they are broken into lines; ``probe`` is the document laid out with each
    run cut to its first :data:`SAMPLE` characters. A run not shown there, or not as text
    that may break anywhere, counts for nothing: the layouts are as quick as ever for it (a
    word that may not break stays whole, and :func:`overflows` finds it if too wide)."""
    from weasyprint.formatting_structure.boxes import TextBox
    from weasyprint.text.line_break import create_layout, line_size, strut

    texts = [placed.box for page in probe.pages for placed in placed_boxes(page._page_box)
             if placed.fact == fact and isinstance(placed.box, TextBox)]
    covered = 0.0
    for run in runs:
        style = next((box.style for box in texts if run[:SAMPLE] in box.text), None)
        if style is not None and _breaks_anywhere(style):
            layout = create_layout(run, style, None, None, 0)  # holds the line: keep it
            line, _ = layout.get_first_line()
            covered += line_size(line, style)[0] * strut(style)[0]
    page = probe.pages[0]._page_box
    return float(covered / (page.width * page.height))


def _breaks_anywhere(style: Any) -> bool:
    """Whether text of ``style`` wraps, between any two letters if need be, as shown
    (neither transformed, as in capitals, nor kept on one line)."""
    return bool(style["white_space"] in ("normal", "pre-wrap", "pre-line", "break-spaces")
                and style["text_transform"] == "none"
                and (style["overflow_wrap"] in ("anywhere", "break-word")
                     or style["word_break"] == "break-all"))


# -- Missing glyphs ------------------------------------------------------------------------


def character_label(char: str) -> str:
    """``'ሀ' (U+1200 ETHIOPIC SYLLABLE HA, Ethiopic script)``."""
    name = unicodedata.name(char, "")
    if unicodedata.category(char) == "Co":
        kind = "a private-use character, which no standard font has"
    else:
        kind = f"{unicodedata.script_name(unicodedata.script(char), default='Unknown')} script"
    return f"{char!r} (U+{ord(char):04X}{' ' + name if name else ''}, {kind})"


def fact_with(document: Any, char: str) -> str | None:
    """The first fact of ``document`` whose text shows ``char``."""
    from weasyprint.formatting_structure.boxes import TextBox

    for page in document.pages:
        for placed in placed_boxes(page._page_box):
            if placed.fact and isinstance(placed.box, TextBox) and char in placed.box.text:
                return placed.fact
    return None


def missing_glyph_error(chars: list[str], document: Any, document_name: str) -> RenderError:
    """No font has ``chars[0]``: say which character, in which fact, and how to add a font."""
    char = chars[0]
    fact = fact_with(document, char)
    others = f" (and {len(chars) - 1} other characters)" if len(chars) > 1 else ""
    if char.isspace():  # every shipped font has one: a project's font took over the run
        return RenderError(
            f"a font of the project's templates/fonts/ folder has no {character_label(char)}"
            f", and is used for the text around it, in {text_in(fact)}", document_name,
            "add that character to the font, or use a complete font for the script (Noto "
            "fonts have every space)")
    return RenderError(
        f"no font has a glyph for {character_label(char)}{others}, in {text_in(fact)}",
        document_name,
        "remove or replace the character, or add a font that has it: put its .ttf or .otf "
        "file in the project's templates/fonts/ folder, where every font serves for the "
        "characters the shipped fonts lack (Noto fonts cover most scripts)",
    )


# -- What a laid-out document is made of ---------------------------------------------------


@dataclass(frozen=True)
class Part:
    """A part of a laid-out document (a child of its body): the text of its first heading
    (else its class), and how many pages of text it fills."""

    name: str
    pages: float


def parts(document: Any) -> list[Part]:
    """The document's parts in reading order, each with the share of pages it fills."""
    heights: dict[int, list[Any]] = {}  # id(element) -> [element, height in px]
    for page in document.pages:
        page_box = page._page_box
        usable = page_box.height or 1.0
        for body in _bodies(page_box):
            for child in getattr(body, "children", ()):
                element = getattr(child, "element", None)
                if element is None or child.element_tag.startswith("::"):
                    continue
                entry = heights.setdefault(id(element), [element, 0.0])
                entry[1] += child.margin_height() / usable
    return [Part(_part_name(element), round(share, 2)) for element, share in heights.values()
            if share > 0]


def last_page_fill(document: Any) -> float:
    """How much of the last page the document's text fills (0 to 1)."""
    page_box = document.pages[-1]._page_box
    filled: float = sum(child.margin_height() for body in _bodies(page_box)
                        for child in getattr(body, "children", ()))
    return filled / (page_box.height or 1.0)


def _bodies(page_box: Any) -> Iterator[Any]:
    for html in page_box.children:
        if getattr(html, "element_tag", None) == "html":
            yield from (child for child in html.children
                        if getattr(child, "element_tag", None) == "body")


def _part_name(element: Any) -> str:
    for tag in ("h1", "h2", "h3", "p"):
        for found in element.iter(tag):
            text = " ".join("".join(found.itertext()).split())
            if text:
                return excerpt_of(text)
    return str(element.get("class") or element.tag)


def lines_of(document: Any, css_class: str) -> int:
    """How many lines the elements of class ``css_class`` run to, over every page."""
    from weasyprint.formatting_structure import boxes as kinds

    count = 0
    for page in document.pages:
        for placed in placed_boxes(page._page_box):
            box = placed.box
            element = getattr(box, "element", None)
            if (isinstance(box, kinds.LineBox) and element is not None
                    and css_class in (element.get("class") or "").split()):
                count += 1
    return count
