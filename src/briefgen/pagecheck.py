"""Checks on laid-out pages: no text wider than its line or the page, and where a text is.

WeasyPrint lays every page out as a tree of boxes; a box keeps the HTML element it was made
for, and the templates mark each printed fact with ``data-fact="base/id"``. Walking the tree
tells which fact a text box belongs to, so an error can name the fact to change. These run on
the final layout of a document, before its PDF is written: a page that would be cut is never
written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fontTools import unicodedata

from briefgen.errors import RenderError

FACT_ATTRIBUTE = "data-fact"
ORNAMENT_ATTRIBUTE = "data-ornament"  # a box that may reach past the page: not text to read
PX_PER_MM = 96 / 25.4
TOLERANCE = 0.5  # px: rounding in the layout, never a visible overflow
EXCERPT = 30  # characters of an overflowing text quoted in the error


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
    left, right = box.border_box_x(), box.border_box_x() + box.border_width()
    past_page = max(area[0] - left, right - area[1])
    past_block = max(block[0] - left, right - block[1]) if block else 0.0
    if max(past_page, past_block) <= TOLERANCE:
        return None
    return Overflow(page, placed.fact, getattr(box, "text", "") or "an image",
                    max(past_page, past_block) / PX_PER_MM, past_page > TOLERANCE)


def overflow_error(overflow: Overflow, document_name: str) -> RenderError:
    excerpt = overflow.text.strip()
    if len(excerpt) > EXCERPT:
        excerpt = excerpt[:EXCERPT] + "…"
    where = "the edge of the page" if overflow.page_edge else "the edge of its column"
    return RenderError(
        f"{text_in(overflow.fact)} does not fit its line on page {overflow.page}: "
        f"'{excerpt}' runs {overflow.beyond_mm:.0f} mm past {where}",
        document_name,
        "break the long word or number with spaces, or shorten it; in a project's own CSS, "
        "keep `overflow-wrap: anywhere` and avoid `white-space: nowrap` on text of any length",
    )


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
    return RenderError(
        f"no font has a glyph for {character_label(char)}{others}, in {text_in(fact)}",
        document_name,
        "remove or replace the character, or add a font that has it: put its .ttf or .otf "
        "file in the project's templates/fonts/ folder, where every font serves for the "
        "characters the shipped fonts lack (Noto fonts cover most scripts)",
    )
