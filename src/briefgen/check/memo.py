"""What a careful editor flags in a pack's memo: before it is sent (``--final``), a pack
without a summary, a reference or a drafter; and, laid out as the build would print them,
a summary longer than four lines and a document longer than its ``max_pages`` (the pack's,
else the project's in briefgen.yaml), with the parts to cut from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from briefgen import pagecheck
from briefgen.check.report import Finding
from briefgen.context import pack_view
from briefgen.documents import REGISTRY, Engines, briefing_note
from briefgen.errors import BriefgenError, Location
from briefgen.load import Loaded, Project
from briefgen.memo import SUMMARY_MAX_LINES
from briefgen.model import PAGED, Pack, PagedDocument
from briefgen.templating import Templates

# What each document is called in a finding.
NAMES = {"briefing-note": "briefing note", "fact-sheet": "fact sheet",
         "briefing-book": "briefing book"}
SHOWN_PARTS = 3  # the longest parts a finding names


def final_findings(loaded: Loaded[Pack]) -> Iterator[Finding]:
    """The memo's apparatus a pack about to be sent lacks: warnings."""
    pack = loaded.model
    where = loaded.location(())
    if pack.summary is None:
        yield Finding.at("warning", "no-summary", "the pack has no summary (the bottom line, "
                         "read first)", where, "add summary: {LANG: ...} in at most four lines")
    if pack.reference is None:
        yield Finding.at("warning", "no-reference", "the pack has no reference", where,
                         "add reference: (the document's file number, e.g. DAAO/2026/0412)")
    if pack.drafted_by is None:
        yield Finding.at("warning", "no-drafter", "the pack names no drafter", where,
                         "add drafted_by: {person: ID} (a person under people:) or "
                         "{name: ..., unit: ...}")


def layout_findings(loaded: Loaded[Pack], project: Project,
                    today: dt.date) -> Iterator[Finding]:
    """The pack's documents laid out in each language: a summary over four lines, and a
    document over its ``max_pages``."""
    pack = loaded.model
    limits = page_limits(loaded, project)
    paged: list[PagedDocument] = [kind for kind in PAGED
                                  if kind in limits and kind in pack.documents]
    if not paged and pack.summary is None:
        return
    engines = Engines(Templates(project.templates))
    for lang in pack.languages:
        try:
            view = pack_view(project, pack.id, lang, pack.issue_date(today))
            _, _, note = briefing_note.layout(view, engines)
            yield from _summary(loaded, lang, note)
            for kind in paged:
                yield from _pages(lang, kind, limits[kind], note if kind == "briefing-note"
                                  else REGISTRY[kind].render(view, engines).pages)
        except BriefgenError as error:
            yield Finding.at("warning", "not-laid-out", f"the documents in {lang} could not be "
                             f"laid out to measure them: {error}", loaded.location(()),
                             "run `briefgen build` to see the error")


def _summary(loaded: Loaded[Pack], lang: str, note: object) -> Iterator[Finding]:
    lines = pagecheck.lines_of(note, "summary-text")
    if lines > SUMMARY_MAX_LINES:
        yield Finding.at(
            "warning", "long-summary",
            f"the summary runs to {lines} lines in the briefing note in {lang} (at most "
            f"{SUMMARY_MAX_LINES})", loaded.location(("summary", lang)),
            "shorten it to the bottom line; the rest belongs in the purpose or the key "
            "messages")


def page_limits(loaded: Loaded[Pack], project: Project) -> dict[str, tuple[int, Location]]:
    """The most pages of each PDF of the pack, and where that is set: the pack's own
    ``max_pages``, else the project's (briefgen.yaml)."""
    own: dict[str, tuple[int, Location]] = {kind: (pages, loaded.location(("max_pages", kind)))
           for kind, pages in loaded.model.max_pages.items() if kind in PAGED}
    return {**project.max_pages, **own}


def _pages(lang: str, kind: PagedDocument, limit_at: tuple[int, Location],
           laid_out: object) -> Iterator[Finding]:
    limit, where = limit_at
    if isinstance(laid_out, int) or laid_out is None:
        pages, parts, over = laid_out or 0, [], float((laid_out or 0) - limit)
    else:
        pages, parts = len(laid_out.pages), pagecheck.parts(laid_out)  # type: ignore[attr-defined]
        over = pages - 1 - limit + pagecheck.last_page_fill(laid_out)
    if pages <= limit:
        return
    longest = sorted(parts, key=lambda part: part.pages, reverse=True)[:SHOWN_PARTS]
    named = "; ".join(f"{part.name} {_pages_label(part.pages)}" for part in longest)
    yield Finding.at(
        "error", "too-many-pages",
        f"the {NAMES[kind]} in {lang} runs to {pages} pages, over max_pages ({limit}): cut "
        f"about {_pages_label(over)}" + (f"; the longest parts: {named}" if named else ""),
        where,
        "cut from the longest parts (fewer facts drawn with tags:, shorter texts), or raise "
        "max_pages")


def _pages_label(pages: float) -> str:
    return f"{pages:.1f} page" + ("s" if pages >= 1.05 else "")
