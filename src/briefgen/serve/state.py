"""What the preview's pages show: :class:`State` (replaced whole at each change, read from
any thread) and :class:`PackInfo` (what a page needs of a pack)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from briefgen.check import Finding
from briefgen.documents import REGISTRY
from briefgen.jobs import WrittenDocument
from briefgen.load import Project

Key = tuple[str, str]  # a pack id and a language: one page
Job = tuple[str, str, str]  # a pack id, a language, a document kind


def job_of(document: WrittenDocument) -> Job:
    return (document.pack_id, document.language, document.document)


# -- What the pages show -------------------------------------------------------------------


@dataclass(frozen=True)
class PackInfo:
    """What the pages need of a pack: its id, title, languages and documents."""

    id: str
    titles: tuple[tuple[str, str], ...]  # (language, the meeting's title in it)
    languages: tuple[str, ...]
    documents: tuple[str, ...]

    @classmethod
    def of(cls, project: Project, pack_id: str) -> PackInfo:
        pack = project.packs[pack_id].model
        return cls(pack_id, tuple(sorted(pack.meeting.title.items())), tuple(pack.languages),
                   tuple(pack.documents))

    def title(self, lang: str | None = None) -> str:
        """The meeting's title in ``lang``, else in the pack's first language."""
        titles = dict(self.titles)
        return titles.get(lang or "") or titles.get(self.languages[0]) or self.id

    def pages(self) -> set[Key]:
        return {(self.id, lang) for lang in self.languages}

    def jobs(self) -> set[Job]:
        return {(self.id, lang, kind) for lang in self.languages for kind in self.documents
                if kind in REGISTRY}


@dataclass(frozen=True)
class State:
    """Everything the pages show, replaced whole at each change (read from any thread)."""

    packs: Mapping[str, PackInfo] = field(default_factory=dict)
    loaded: bool = False  # a first load has run
    errors: tuple[Finding, ...] = ()  # the project does not load: every page shows them
    # A problem in the project's files stops only the packs it concerns: their pages show it
    # (``stopped``, by pack id); one in a file no pack shows (a pack file that does not load)
    # is a notice on every page.
    stopped: Mapping[str, tuple[Finding, ...]] = field(default_factory=dict)
    notices: tuple[Finding, ...] = ()
    findings: Mapping[str, tuple[Finding, ...]] = field(default_factory=dict)
    pages: Mapping[Key, WrittenDocument] = field(default_factory=dict)  # in .preview/
    page_failures: Mapping[Key, tuple[Finding, ...]] = field(default_factory=dict)
    written: Mapping[Job, WrittenDocument] = field(default_factory=dict)  # the packs' own
    failures: Mapping[Job, tuple[Finding, ...]] = field(default_factory=dict)
    pending: frozenset[Job] = frozenset()  # documents to build again

    def versions(self, key: Key | None) -> dict[str, str]:
        """Digests of each part of a page, to tell an open page what changed: ``page`` what
        it is made of (errors, or the brief), ``brief`` the brief's content, ``findings``
        and ``documents`` the side panels."""
        if key is None or key[0] not in self.packs:
            packs = [(p.id, p.titles, p.languages) for p in self.packs.values()]
            return {"page": _digest(self.loaded, self.errors, self.notices, packs),
                    "brief": "", "findings": "", "documents": ""}
        page = self.pages.get(key)
        documents = [(job, self.written.get(job) and self.written[job].sha256,
                      self.failures.get(job), job in self.pending)
                     for job in ((*key, kind) for kind in self.packs[key[0]].documents)]
        return {
            "page": _digest(self.loaded, self.errors, self.notices, page is not None,
                            self.page_failures.get(key)),
            "brief": _digest(page and page.sha256),
            "findings": _digest(self.findings.get(key[0])),
            "documents": _digest(documents),
        }


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
