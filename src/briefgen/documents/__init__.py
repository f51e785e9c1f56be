"""Document kinds: one module each, registered here by name and module path.

A document kind is a function from a localized :class:`~briefgen.views.PackView` and the
process's :class:`~briefgen.documents.kinds.Engines` to
:class:`~briefgen.documents.kinds.Rendered` bytes. Adding a kind is one module (with a
``render`` function, and a ``shows`` one if it shows less than the whole view) plus one
entry in :data:`REGISTRY`. A kind's module is imported when it first renders (the
engines' imports are heavy), as Sphinx names its builtin extensions by module path.
"""

from __future__ import annotations

import importlib
from typing import Any

from briefgen.documents.kinds import DocumentKind, Engines, Rendered, Renderer, Shows

__all__ = ["REGISTRY", "DocumentKind", "Engines", "Rendered", "Renderer", "Shows"]


def _lazy(module: str, name: str) -> Any:
    """``module.name``, looked up at each call: the module is imported on first use, and a
    test may replace the function in its module."""

    def call(*args: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args)

    call.__qualname__ = call.__name__ = f"{module}.{name}"
    return call


def _kind(name: str, filename: str, module: str, shows: bool = False,
          compiled_from: tuple[str, ...] = ()) -> DocumentKind:
    path = f"briefgen.documents.{module}"
    return DocumentKind(name, filename, _lazy(path, "render"),
                        _lazy(path, "shows") if shows else None, compiled_from)


# Every kind briefgen can build; a pack's `documents:` picks among them (by default the
# three of model.DOCUMENT_NAMES: the book is opted in).
REGISTRY: dict[str, DocumentKind] = {
    kind.name: kind for kind in (
        _kind("briefing-note", "briefing-note.pdf", "briefing_note"),
        _kind("talking-points", "talking-points.docx", "talking_points", shows=True),
        _kind("fact-sheet", "fact-sheet.pdf", "fact_sheet"),
        _kind("briefing-book", "briefing-book.pdf", "briefing_book",
              compiled_from=("briefing-note", "fact-sheet")),
        _kind("briefing-html", "briefing.html", "briefing_html"),
    )
}
