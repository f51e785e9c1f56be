"""The build: plan -> fingerprint -> render what changed -> write atomically -> manifest.

Every document's inputs (its localized view, which holds every fact and source it shows;
the template files; briefgen's version) are hashed; a document whose hash and output are
unchanged since the last build is not rendered again. Rendering happens in memory, in this
process or on an executor; then each pack whose documents all rendered is written: every
file to a temporary file beside it, then moved into place, the manifest last. A failed or
interrupted build leaves the previous good output as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from briefgen.context import PackView, pack_view
from briefgen.documents import REGISTRY, Rendered
from briefgen.errors import BriefgenError, BuildFailed
from briefgen.fsutil import file_lock, remove_stale_temporaries, write_atomic
from briefgen.load import Project
from briefgen.manifest import DocumentRecord, Manifest, read_manifest, write_manifest
from briefgen.templating import Templates
from briefgen.version import __version__
from briefgen.workers import DEFAULT_TIME_LIMIT, render_document

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
    rendered: bool  # False: up to date, kept from the previous build


@dataclass(frozen=True)
class BuildResult:
    written: tuple[WrittenDocument, ...]

    @property
    def rendered(self) -> tuple[WrittenDocument, ...]:
        return tuple(document for document in self.written if document.rendered)


@dataclass(frozen=True)
class Progress:
    """One step of a build, for a progress display: ``started``, ``done``, ``up-to-date``,
    ``failed``; ``total`` is the number of documents."""

    job: Job
    status: str
    total: int
    seconds: float = 0.0


ProgressCallback = Callable[[Progress], None]


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
        if languages and not langs and pack_ids:  # all packs: those in the language
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
    if languages and not jobs:
        raise UsageError(f"no pack is in {', '.join(languages)}")
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


@dataclass(frozen=True)
class _Task:
    job: Job
    view: PackView
    fingerprint: str


def build(
    project: Project,
    pack_ids: Sequence[str] | None = None,
    *,
    out: str | Path | None = None,
    languages: Sequence[str] | None = None,
    issued: dt.date | None = None,
    jobs: int = 1,
    executor: Executor | None = None,
    force: bool = False,
    progress: ProgressCallback | None = None,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
) -> BuildResult:
    """Build the packs ``pack_ids`` (default: all) into ``out`` (default ``<project>/build``).

    ``jobs`` > 1 renders on that many forked worker processes; ``executor`` (any
    :class:`concurrent.futures.Executor`, e.g. a Dask ``Client.get_executor()``) is used
    instead when given. Unchanged documents are kept unless ``force``. A document that takes
    longer than ``time_limit`` seconds to render fails (workers are also capped at
    4 GiB of memory each). Returns what is in
    place; if any document failed, :class:`BuildFailed` lists every failure, its
    ``written`` holds what the packs that did render wrote, and the failed packs' previous
    output is left untouched.
    """
    out_dir = Path(out) if out is not None else project.root / "build"
    planned = plan(project, pack_ids, languages)
    templates = Templates(project.templates)
    tasks = _tasks(project, planned, templates, issued)
    out_dir.mkdir(parents=True, exist_ok=True)
    with file_lock(out_dir / ".briefgen.lock"):
        remove_stale_temporaries(out_dir)
        previous = {pack: read_manifest(out_dir / pack) for pack in {t.job.pack_id for t in tasks}}
        fresh = {t.job: previous[t.job.pack_id].up_to_date(t, out_dir) for t in tasks}
        stale = [t for t in tasks if force or fresh[t.job] is None]
        notify = progress or (lambda _: None)
        for task in tasks:
            if not (force or fresh[task.job] is None):
                notify(Progress(task.job, "up-to-date", len(tasks)))
        rendered, errors = _render(stale, templates, jobs, executor, notify, len(tasks),
                                   time_limit)
        written = _write_packs(out_dir, tasks, rendered, fresh, previous, errors)
    result = BuildResult(tuple(written))
    if errors:
        raise BuildFailed(errors, result)
    return result


def _tasks(project: Project, jobs: list[Job], templates: Templates,
           issued: dt.date | None) -> list[_Task]:
    views: dict[tuple[str, str], PackView] = {}
    tree = templates.fingerprint()
    tasks = []
    for job in jobs:
        key = (job.pack_id, job.lang)
        if key not in views:
            views[key] = pack_view(project, *key, issue_date(project, job.pack_id, issued))
        digest = hashlib.sha256(
            f"{code_fingerprint()}\0{job.document}\0{tree}\0{views[key]!r}".encode()
        ).hexdigest()
        tasks.append(_Task(job, views[key], digest))
    return tasks


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """briefgen's version and a hash of its own code: an upgrade, or a change to the code
    in a development checkout, renders everything again."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _render(tasks: list[_Task], templates: Templates, jobs: int, executor: Executor | None,
            notify: ProgressCallback, total: int,
            time_limit: float | None) -> tuple[dict[Job, Rendered], list[BriefgenError]]:
    rendered: dict[Job, Rendered] = {}
    errors: list[BriefgenError] = []
    if not tasks:
        return rendered, errors
    with _executor(executor, jobs, len(tasks)) as pool:
        futures: dict[Job, Future[tuple[Rendered, float]]] = {}
        for task in tasks:
            notify(Progress(task.job, "started", total))
            futures[task.job] = pool.submit(render_document, task.job.document, task.view,
                                            templates.project, time_limit)
        for job, future in futures.items():
            try:
                rendered[job], seconds = future.result()
            except BriefgenError as error:
                errors.append(error)
                notify(Progress(job, "failed", total))
                continue
            notify(Progress(job, "done", total, seconds))
    return rendered, errors


@contextmanager
def _executor(executor: Executor | None, jobs: int, count: int) -> Iterator[Executor]:
    if executor is not None:
        yield executor
        return
    if jobs <= 1 or count <= 1:
        from briefgen.workers import InlineExecutor

        yield InlineExecutor()
        return
    from briefgen.workers import fork_pool

    with fork_pool(min(jobs, count)) as pool:
        yield pool


def _write_packs(out_dir: Path, tasks: list[_Task], rendered: dict[Job, Rendered],
                 fresh: dict[Job, DocumentRecord | None], previous: dict[str, Manifest],
                 errors: list[BriefgenError]) -> list[WrittenDocument]:
    by_pack: dict[str, list[_Task]] = {}
    for task in tasks:
        by_pack.setdefault(task.job.pack_id, []).append(task)
    written: list[WrittenDocument] = []
    for pack_id, pack_tasks in by_pack.items():
        if any(t.job not in rendered and fresh[t.job] is None for t in pack_tasks):
            continue  # a document of this pack failed: keep the previous pack whole
        records = [
            _record(t, rendered.get(t.job), fresh[t.job]) for t in pack_tasks
        ]
        changed = {
            out_dir / t.job.relative_path(): rendered[t.job].data
            for t in pack_tasks if t.job in rendered
        }
        write_atomic(changed)
        manifest = previous[pack_id].updated(pack_id, records)
        write_manifest(out_dir / pack_id, manifest)
        written += [_written(out_dir, t.job, record, t.job in rendered)
                    for t, record in zip(pack_tasks, records, strict=True)]
    return written


def _record(task: _Task, rendered: Rendered | None,
            kept: DocumentRecord | None) -> DocumentRecord:
    if rendered is None:
        assert kept is not None
        return kept
    job = task.job
    return DocumentRecord(
        path=str(job.relative_path().relative_to(job.pack_id)),
        document=job.document,
        language=job.lang,
        sha256=hashlib.sha256(rendered.data).hexdigest(),
        pages=rendered.pages,
        input_hash=task.fingerprint,
        facts=rendered.facts,
        sources=rendered.sources,
        warnings=tuple(rendered.warnings),
    )


def _written(out_dir: Path, job: Job, record: DocumentRecord, rendered: bool) -> WrittenDocument:
    return WrittenDocument(
        pack_id=job.pack_id, language=job.lang, document=job.document,
        path=out_dir / job.relative_path(), pages=record.pages, sha256=record.sha256,
        facts=record.facts, sources=record.sources, rendered=rendered,
    )
