"""What every document kind shares: a kind is a function from a localized
:class:`~briefgen.views.PackView` and the process's :class:`Engines` to :class:`Rendered`
bytes, declared as a :class:`DocumentKind`. Document modules import this, never the
package face (which lists them)."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from briefgen.docx import DocxEngine
from briefgen.templating import Templates

if TYPE_CHECKING:
    from briefgen.pdf import PdfEngine
    from briefgen.views import PackView

T = TypeVar("T")


@dataclass
class Rendered:
    """A rendered document and what went into it."""

    data: bytes
    pages: int | None
    facts: tuple[str, ...]
    sources: tuple[str, ...]
    warnings: list[str] = field(default_factory=list)
    hint: int | str | None = None  # for the next render of the document (the fact sheet's fit)


class Layouts:
    """The last few documents laid out in this process (WeasyPrint's, not yet written), or
    written (:class:`~briefgen.pdf.PdfResult`), by document name and a digest of what each
    was made from: ``check`` measures the note laid out, which its PDF is written from;
    the briefing book compiles the PDFs of the note and the fact sheet just written for
    themselves. A document made from anything else is not found. Bounded: a layout holds
    every box of its pages."""

    KEEP = 4  # a pack language's note and sheet, and the next language's

    def __init__(self) -> None:
        self._kept: OrderedDict[str, tuple[str, Any]] = OrderedDict()

    @staticmethod
    def key(*inputs: str) -> str:
        """The digest of what a document is laid out from (its HTML, its extra CSS, the
        templates' fingerprint)."""
        return hashlib.sha256("\0".join(inputs).encode()).hexdigest()

    def made(self, name: str, key: str, make: Callable[[], T]) -> T:
        """The document ``name`` made from ``key``: the one kept, else ``make()``, kept."""
        kept = self._kept.get(name)
        if kept is not None and kept[0] == key:
            self._kept.move_to_end(name)
            return kept[1]  # type: ignore[no-any-return]
        document = make()
        self._kept[name] = (key, document)
        self._kept.move_to_end(name)
        while len(self._kept) > self.KEEP:
            self._kept.popitem(last=False)
        return document

    def clear(self) -> None:
        """Forget every layout (a benchmark's next render starts from nothing laid out)."""
        self._kept.clear()


class Engines:
    """The rendering engines of one process, created on first use (imports are heavy)."""

    def __init__(self, templates: Templates) -> None:
        self.templates = templates
        # What the previous render of each document (by its pack/lang/file name) left for
        # this one: the build passes on the manifest's record.
        self.hints: dict[str, int | str] = {}
        self.layouts = Layouts()
        self.written = Layouts()  # the PDFs the briefing book compiles (the same keys)

    def forget(self) -> None:
        """Forget every document laid out and written (a benchmark's next render makes
        its own)."""
        self.layouts.clear()
        self.written.clear()

    @cached_property
    def pdf(self) -> PdfEngine:
        from briefgen.pdf import PdfEngine  # WeasyPrint: imported when a PDF is first made

        return PdfEngine(self.templates.roots)

    @cached_property
    def docx(self) -> DocxEngine:
        return DocxEngine(self.templates)


Renderer = Callable[["PackView", Engines], Rendered]
# What a document shows of the view, to fingerprint it: a document whose shown part is
# unchanged is not rendered again. Without one, a kind shows the whole view.
Shows = Callable[["PackView", Templates], object]


@dataclass(frozen=True)
class DocumentKind:
    name: str
    filename: str
    render: Renderer
    shows: Shows | None = None
    # The kinds it is compiled from (their output in the same process, Engines.written):
    # a build sends it to a worker with them, in one task.
    compiled_from: tuple[str, ...] = ()
