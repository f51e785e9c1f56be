"""What a build is asked and what it reports: the documents a pack asks for
(:class:`Job`, :func:`plan`), the date each pack is issued (:func:`issue_dates`), and the
result (:class:`BuildResult`, :class:`WrittenDocument`, :class:`RenderWarning`) and progress
(:class:`Progress`) a caller sees."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from briefgen.apparatus import check_issue_date
from briefgen.documents import REGISTRY, Rendered
from briefgen.errors import BriefgenError, UsageError
from briefgen.load import Project
from briefgen.views import PackView


@dataclass(frozen=True, order=True)
class Job:
    """One document to render: a pack, a language, a document kind."""

    pack_id: str
    lang: str
    document: str

    def relative_path(self) -> Path:
        return _relative_path(self.pack_id, self.lang, self.document)

    def __str__(self) -> str:
        return str(self.relative_path())


@lru_cache(maxsize=4096)
def _relative_path(pack_id: str, lang: str, document: str) -> Path:
    return Path(pack_id) / lang / REGISTRY[document].filename


@dataclass(frozen=True)
class WrittenDocument:
    pack_id: str
    language: str
    document: str
    path: Path
    pages: int | None
    sha256: str
    facts: tuple[str, ...]
    sources: tuple[str, ...]
    rendered: bool  # False: up to date, kept from the previous build
    warnings: tuple[str, ...] = ()  # what rendering it reported (also in manifest.json)


@dataclass(frozen=True)
class RenderWarning:
    """Something a document was rendered with but should not have been (a Word header
    without the classification marking, a WeasyPrint warning): the document was written;
    ``build(strict=True)`` makes it an error."""

    pack_id: str
    language: str
    document: str
    output: str  # meeting/fr/talking-points.docx
    message: str

    def __str__(self) -> str:
        return f"{self.output}: {self.message}"


@dataclass(frozen=True)
class BuildResult:
    written: tuple[WrittenDocument, ...]
    failed: tuple[str, ...] = ()  # the packs asked for that did not build (kept as they were)

    @property
    def built(self) -> tuple[str, ...]:
        """The packs whose documents are in place."""
        return tuple(dict.fromkeys(document.pack_id for document in self.written))

    @property
    def rendered(self) -> tuple[WrittenDocument, ...]:
        return tuple(document for document in self.written if document.rendered)

    @property
    def warnings(self) -> tuple[RenderWarning, ...]:
        """The render warnings of every document in place, rendered now or kept."""
        return tuple(
            RenderWarning(d.pack_id, d.language, d.document,
                          str(Job(d.pack_id, d.language, d.document)), message)
            for d in self.written for message in d.warnings
        )


# What a step of a build did (a Literal: a typo in a script comparing it is a type error).
ProgressStatus = Literal["started", "done", "up-to-date", "failed"]


@dataclass(frozen=True)
class Progress:
    """One step of a build, for a progress display: ``started``, ``done``, ``up-to-date``,
    ``failed``; ``total`` is the number of documents."""

    job: Job
    status: ProgressStatus
    total: int
    seconds: float = 0.0


ProgressCallback = Callable[[Progress], None]


def plan(
    project: Project,
    pack_ids: Sequence[str] | None = None,
    languages: Sequence[str] | None = None,
    documents: Sequence[str] | None = None,
) -> list[Job]:
    """Every document the packs ask for, restricted to ``pack_ids`` and ``languages``;
    ``documents`` (kinds of the registry) replaces each pack's own list."""
    unknown_kinds = [name for name in documents or () if name not in REGISTRY]
    if unknown_kinds:
        raise UsageError(f"no document kind {', '.join(unknown_kinds)} "
                         f"(kinds: {', '.join(REGISTRY)})")
    ids = list(pack_ids) if pack_ids else sorted(project.packs)
    unknown = [pack_id for pack_id in ids if pack_id not in project.packs]
    if unknown:
        known = ", ".join(sorted(project.packs)) or "none"
        raise UsageError(f"no pack with id {', '.join(unknown)} (packs in this project: {known})")
    jobs = []
    for pack_id in ids:
        pack = project.packs[pack_id].model
        langs = [lang for lang in pack.languages if not languages or lang in languages]
        if languages and not langs and pack_ids:  # all packs: those in the language
            raise UsageError(
                f"pack '{pack_id}' is not in {', '.join(languages)} "
                f"(its languages: {', '.join(pack.languages)})"
            )
        jobs += [
            Job(pack_id, lang, document)
            for lang in langs
            for document in documents or pack.documents
            if document in REGISTRY
        ]
    if languages and not jobs:
        there = sorted({lang for pack_id in ids for lang in project.packs[pack_id].model.languages})
        raise UsageError(f"no pack is in {', '.join(languages)} (the packs' languages: "
                         f"{', '.join(there) or 'none'})")
    return jobs


def issue_dates(project: Project, pack_ids: Iterable[str], issued: dt.date | None,
                today: dt.date) -> tuple[dict[str, dt.date], dict[str, BriefgenError]]:
    """Each pack's date of issue (``issued`` if given, else the pack's own ``issued:``,
    else ``today``), and the packs that date would put after their meeting, with why."""
    dates: dict[str, dt.date] = {}
    refused: dict[str, BriefgenError] = {}
    for pack_id in pack_ids:
        loaded = project.packs[pack_id]
        date = dates[pack_id] = issued or loaded.model.issue_date(today)
        if error := check_issue_date(loaded, date):
            refused[pack_id] = error
    return dates, refused


@dataclass(frozen=True)
class Task:
    job: Job
    view: PackView | None  # None: up to date, not worked out
    fingerprint: str  # of everything the document is made from: the manifest's input_hash
    environment: str  # of briefgen's code and the template files alone: checked by workers


Outcome = Rendered | BriefgenError  # a rendered document, or why it failed
