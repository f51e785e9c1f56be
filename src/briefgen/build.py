"""The build: plan -> fingerprint -> render what changed -> write atomically -> manifest.

Every document's inputs (its localized view, which holds every fact and source it shows;
the template files; briefgen's version) are hashed; a document whose hash and output are
unchanged since the last build is not rendered again. Rendering happens in memory, in this
process or on an executor; then each pack whose documents all rendered is swapped in whole
(:func:`briefgen.fsutil.replace_folder`: staged beside, then one atomic exchange), its
manifest with it. A failed, interrupted or killed build leaves the previous good output as
it was.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import BrokenExecutor, Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from briefgen.context import PackView, pack_view
from briefgen.documents import REGISTRY, Rendered
from briefgen.errors import (
    BriefgenError,
    BuildFailed,
    OutputError,
    RenderError,
    UsageError,
    display_path,
    excerpt,
)
from briefgen.fsutil import check_folder, file_lock, output_error, recover, replace_folder
from briefgen.load import Project, load_project
from briefgen.manifest import MANIFEST, DocumentRecord, Manifest, read_manifest
from briefgen.templating import Templates
from briefgen.workers import (
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_TIME_LIMIT,
    environment_fingerprint,
    render_document,
)

log = logging.getLogger(__name__)


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
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
        except (OverflowError, OSError, ValueError):
            raise UsageError(f"SOURCE_DATE_EPOCH={excerpt(epoch)} is not a time briefgen can "
                             "use: give seconds since 1970 (e.g. 1780000000)") from None
    return dt.datetime.now(dt.UTC).date()


@dataclass(frozen=True)
class _Task:
    job: Job
    view: PackView
    fingerprint: str  # of everything the document is made from: the manifest's input_hash
    environment: str  # of briefgen's code and the template files alone: checked by workers


def build(
    project: Project | str | Path,
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
    strict: bool = False,
    documents: Sequence[str] | None = None,
) -> BuildResult:
    """Build the packs ``pack_ids`` (default: all) into ``out`` (default ``<project>/build``).

    ``project`` is a loaded :class:`Project` or the path of a project folder (loaded here:
    :class:`ValidationFailed` lists everything wrong in it).

    ``jobs`` > 1 renders on that many forked worker processes; ``executor`` (any
    :class:`concurrent.futures.Executor`, e.g. a Dask ``Client.get_executor()``) is used
    instead when given. Unchanged documents are kept unless ``force``. ``documents`` (kind
    names) builds those kinds instead of each pack's own list, keeping the pack's other
    files. A document that takes longer than ``time_limit`` seconds to render fails
    (forked workers are also capped at 4 GiB of memory each; see the README's security
    model). Returns what is in place; if
    any document or pack folder failed, :class:`BuildFailed` lists every failure, its
    ``written`` holds what the packs that did render wrote, and the failed packs' previous
    output is left untouched. Raises :class:`UsageError` for an unknown pack or language or
    an ``out`` that holds the project's folders, and :class:`OutputError` for an output
    folder that cannot be made, locked or written.

    Render warnings are in the result's ``warnings``; with ``strict`` a document with a
    warning fails like a render error (its pack keeps its previous files).
    """
    project = project if isinstance(project, Project) else load_project(project)
    out_dir = Path(out) if out is not None else project.root / "build"
    planned = plan(project, pack_ids, languages, documents)
    log.info("%d document(s) to build into %s", len(planned), _shown(out_dir))
    _check_out(out_dir, project)
    templates = Templates(project.templates)
    tasks = _tasks(project, planned, templates, issued)
    _make_out(out_dir)
    notify = progress or (lambda _: None)
    with file_lock(out_dir / ".briefgen.lock", _shown(out_dir / ".briefgen.lock")):
        previous = _previous(out_dir, tasks)
        fresh = {t.job: previous[t.job.pack_id].up_to_date(t, out_dir) for t in tasks}
        blocked = _check_folders(out_dir, tasks)
        writable = [t for t in tasks if t.job.pack_id not in blocked]
        stale = [t for t in writable if force or fresh[t.job] is None]
        for task in writable:
            if task not in stale:
                notify(Progress(task.job, "up-to-date", len(tasks)))
        log.info("%d up to date, %d to render", len(writable) - len(stale), len(stale))
        rendered, errors = _render(stale, templates, jobs, executor, notify, len(tasks),
                                   time_limit)
        if strict:
            errors += _refuse_warnings(writable, rendered, fresh)
        written = _write_packs(out_dir, writable, rendered, fresh, previous, errors)
    result = BuildResult(tuple(written))
    log.info("%d document(s) in place, %d failure(s)", len(written), len(errors) + len(blocked))
    if errors or blocked:
        raise BuildFailed([*blocked.values(), *errors], result)
    return result


def _previous(out_dir: Path, tasks: list[_Task]) -> dict[str, Manifest]:
    """Each pack's manifest from the last build, after undoing what a killed build left."""
    packs = sorted({t.job.pack_id for t in tasks})
    for pack in packs:
        recover(out_dir / pack)
    return {pack: read_manifest(out_dir / pack) for pack in packs}


_PROJECT_FOLDERS = ("facts", "packs", "templates")


def _check_out(out_dir: Path, project: Project) -> None:
    """Refuse an output folder that holds, or lies in, the project's own folders: a pack
    folder there could take the place of ``facts/``, and ``templates/`` would change with
    every build."""
    out = out_dir.resolve()
    for name in _PROJECT_FOLDERS:
        folder = (project.root / name).resolve()
        if out == folder or out in folder.parents or folder in out.parents:
            where = "contains" if out in folder.parents else "is inside"
            raise UsageError(
                f"the output folder {_shown(out_dir)} {where} the project's {name}/: "
                f"build into a folder of its own, such as {_shown(project.root / 'build')}"
            )


def _make_out(out_dir: Path) -> None:
    """The output folder, made if need be; one that cannot be written is refused before
    anything is rendered."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError("is a file, or a path through a file, where the output folder "
                          "must be", _shown(out_dir), "choose another --out") from None
    except OSError as error:
        raise output_error(error, _shown(out_dir), "cannot make the output folder") from None
    read_only = bool(os.statvfs(out_dir).f_flag & os.ST_RDONLY)
    if read_only or not os.access(out_dir, os.W_OK):
        code = errno.EROFS if read_only else errno.EACCES
        raise output_error(OSError(code, os.strerror(code)), _shown(out_dir),
                           "cannot write the output folder")


def _shown(path: Path) -> str:
    """A path as the user typed it or relative to the current folder."""
    return display_path(path.absolute(), Path.cwd()) if path.is_absolute() else str(path)


def _check_folders(out_dir: Path, tasks: list[_Task]) -> dict[str, OutputError]:
    """Packs whose folder cannot be written (a link, a folder in a file's place): found
    before anything is rendered."""
    blocked = {}
    for pack_id in sorted({t.job.pack_id for t in tasks}):
        files = [Path(MANIFEST), *(t.job.relative_path().relative_to(pack_id)
                                   for t in tasks if t.job.pack_id == pack_id)]
        try:
            check_folder(out_dir / pack_id, files, _shown(out_dir / pack_id))
        except OutputError as error:
            blocked[pack_id] = error
    return blocked


def _tasks(project: Project, jobs: list[Job], templates: Templates,
           issued: dt.date | None) -> list[_Task]:
    views: dict[tuple[str, str], PackView] = {}
    environment = environment_fingerprint(templates)
    tasks = []
    for job in jobs:
        key = (job.pack_id, job.lang)
        if key not in views:
            views[key] = pack_view(project, *key, issue_date(project, job.pack_id, issued))
        digest = hashlib.sha256(
            f"{environment}\0{job.document}\0{views[key]!r}".encode()
        ).hexdigest()
        tasks.append(_Task(job, views[key], digest, environment))
    return tasks


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
            try:
                futures[task.job] = pool.submit(render_document, task.job.document, task.view,
                                                templates.project, time_limit, task.environment)
            except BrokenExecutor:
                futures[task.job] = _failed(_worker_died(task.job))
        for job, future in futures.items():
            try:
                rendered[job], seconds = future.result()
            except BriefgenError as error:
                errors.append(error)
                notify(Progress(job, "failed", total))
                continue
            except Exception as error:
                if not _is_dead_worker(error):
                    raise
                errors.append(_worker_died(job))
                notify(Progress(job, "failed", total))
                continue
            notify(Progress(job, "done", total, seconds))
    return rendered, errors


def _refuse_warnings(tasks: list[_Task], rendered: dict[Job, Rendered],
                     fresh: dict[Job, DocumentRecord | None]) -> list[BriefgenError]:
    """Under ``strict``, a document rendered (now or before) with a warning is an error: it
    leaves ``rendered`` and ``fresh``, so its pack keeps its previous files."""
    errors: list[BriefgenError] = []
    for task in tasks:
        job = task.job
        now, kept = rendered.get(job), fresh[job]
        warnings = now.warnings if now is not None else kept.warnings if kept else ()
        if warnings:
            rendered.pop(job, None)
            fresh[job] = None
            errors += [RenderError(f"{warning} (a warning; strict makes it an error)", None,
                                   "fix what it says, or build without --strict",
                                   pack=job.pack_id, language=job.lang, document=job.document,
                                   output=str(job)) for warning in warnings]
    return errors


def _is_dead_worker(error: Exception) -> bool:
    """A pool whose worker process died (out of memory, killed), or Dask's ``KilledWorker``."""
    return isinstance(error, BrokenExecutor) or type(error).__name__ == "KilledWorker"


def _worker_died(job: Job) -> RenderError:
    return RenderError(
        "the worker process stopped abruptly while this or another document was rendering: "
        f"it ran out of memory (each worker may use {DEFAULT_MEMORY_LIMIT // 1024**3} GiB) "
        "or was killed", None,
        "build again; if it happens again, look for a runaway input (thousands of facts, an "
        "enormous text or image) or build with --jobs 1",
        pack=job.pack_id, language=job.lang, document=job.document, output=str(job),
    )


def _failed(error: BaseException) -> Future[tuple[Rendered, float]]:
    future: Future[tuple[Rendered, float]] = Future()
    future.set_exception(error)
    return future


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
        manifest = previous[pack_id].updated(pack_id, records)
        files = {
            t.job.relative_path().relative_to(pack_id): rendered[t.job].data
            for t in pack_tasks if t.job in rendered
        }
        if files or manifest != previous[pack_id]:
            try:
                replace_folder(out_dir / pack_id, {**files, Path(MANIFEST): manifest.to_bytes()},
                               _shown(out_dir / pack_id))
            except OutputError as error:
                errors.append(error)
                continue
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
        warnings=record.warnings,
    )
