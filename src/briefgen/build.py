"""The build: plan -> render every document -> write the packs that rendered, atomically.

Everything is rendered in memory before anything is written, and each file is written to a
temporary file in its folder and moved into place, so a failed or interrupted build leaves
the previous good output as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from briefgen.context import pack_view
from briefgen.documents import REGISTRY, Engines, Rendered
from briefgen.errors import BriefgenError, BuildFailed
from briefgen.load import Project
from briefgen.templating import Templates

log = logging.getLogger(__name__)


class UsageError(BriefgenError):
    """The caller asked for something the project does not have (a pack, a language)."""


@dataclass(frozen=True, order=True)
class Job:
    """One document to render: a pack, a language, a document kind."""

    pack_id: str
    lang: str
    document: str

    def relative_path(self) -> Path:
        return Path(self.pack_id) / self.lang / REGISTRY[self.document].filename

    def __str__(self) -> str:
        return str(self.relative_path())


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


@dataclass(frozen=True)
class BuildResult:
    written: tuple[WrittenDocument, ...]


def plan(
    project: Project,
    pack_ids: Sequence[str] | None = None,
    languages: Sequence[str] | None = None,
) -> list[Job]:
    """Every document the packs ask for, restricted to ``pack_ids`` and ``languages``."""
    ids = list(pack_ids) if pack_ids else sorted(project.packs)
    unknown = [pack_id for pack_id in ids if pack_id not in project.packs]
    if unknown:
        known = ", ".join(sorted(project.packs)) or "none"
        raise UsageError(f"no pack with id {', '.join(unknown)} (packs in this project: {known})")
    jobs = []
    for pack_id in ids:
        pack = project.packs[pack_id].model
        langs = [lang for lang in pack.languages if not languages or lang in languages]
        if languages and not langs:
            raise UsageError(
                f"pack '{pack_id}' is not in {', '.join(languages)} "
                f"(its languages: {', '.join(pack.languages)})"
            )
        jobs += [
            Job(pack_id, lang, document)
            for lang in langs
            for document in pack.documents
            if document in REGISTRY
        ]
    return jobs


def issue_date(project: Project, pack_id: str, issued: dt.date | None = None) -> dt.date:
    """The date of issue: given, else the pack's ``issued``, else SOURCE_DATE_EPOCH, else today."""
    if issued is not None:
        return issued
    pack = project.packs[pack_id].model
    if pack.issued is not None:
        return pack.issued
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.datetime.now(dt.UTC).date()


def build(
    project: Project,
    pack_ids: Sequence[str] | None = None,
    *,
    out: str | Path | None = None,
    languages: Sequence[str] | None = None,
    issued: dt.date | None = None,
) -> BuildResult:
    """Build the packs ``pack_ids`` (default: all) into ``out`` (default ``<project>/build``).

    Returns what was written. Packs whose documents all rendered are written; if any
    document failed, :class:`BuildFailed` lists every failure (its ``written`` attribute
    holds what was written) and the failed packs' previous output is left untouched.
    """
    out_dir = Path(out) if out is not None else project.root / "build"
    jobs = plan(project, pack_ids, languages)
    engines = Engines(Templates(project.templates))
    rendered, errors = render_all(project, jobs, engines, issued)
    failed_packs = {job.pack_id for job in jobs if job not in rendered}
    written = [
        _write(out_dir, job, rendered[job])
        for job in jobs
        if job.pack_id not in failed_packs
    ]
    result = BuildResult(tuple(written))
    if errors:
        raise BuildFailed(errors, result)
    return result


def render_all(
    project: Project, jobs: Iterable[Job], engines: Engines, issued: dt.date | None
) -> tuple[dict[Job, Rendered], list[BriefgenError]]:
    rendered: dict[Job, Rendered] = {}
    errors: list[BriefgenError] = []
    for job in jobs:
        try:
            rendered[job] = render(project, job, engines, issued)
        except BriefgenError as error:
            errors.append(error)
    return rendered, errors


def render(project: Project, job: Job, engines: Engines, issued: dt.date | None = None) -> Rendered:
    """Render one document in memory."""
    view = pack_view(project, job.pack_id, job.lang, issue_date(project, job.pack_id, issued))
    log.info("rendering %s", job)
    return REGISTRY[job.document].render(view, engines)


def _write(out_dir: Path, job: Job, rendered: Rendered) -> WrittenDocument:
    path = out_dir / job.relative_path()
    write_atomic(path, rendered.data)
    return WrittenDocument(
        pack_id=job.pack_id,
        language=job.lang,
        document=job.document,
        path=path,
        pages=rendered.pages,
        sha256=hashlib.sha256(rendered.data).hexdigest(),
        facts=rendered.facts,
        sources=rendered.sources,
    )


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it, move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, removed on failure
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(handle.name).chmod(0o644)
        Path(handle.name).replace(path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
