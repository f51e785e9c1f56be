"""The build: plan -> fingerprint -> render what changed -> write as it goes -> manifest.

Every document's inputs (what it shows of its localized view; the template files;
briefgen's version) are hashed; a document whose hash and output are unchanged since the
last build is not rendered again. Rendering happens in this process or on an executor,
and results are taken as they come: each pack whose documents all rendered is swapped in
whole (:func:`briefgen.fsutil.replace_folder`: staged beside, then one atomic exchange),
its manifest with it, as soon as its last document is done; its rendered files are then
let go, so a build of any size holds a few packs at a time. A failed, interrupted or
killed build leaves the previous good output of every pack it had not finished.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import BrokenExecutor, Executor, Future, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from briefgen import clock, photos, processes
from briefgen.context import pack_view
from briefgen.documents import REGISTRY, Rendered
from briefgen.errors import (
    BriefgenError,
    BuildFailed,
    OutputError,
    RenderError,
    UsageError,
    display_path,
)
from briefgen.fsutil import (
    STAGING_PREFIX,
    check_folder,
    file_lock,
    file_sha256,
    output_error,
    recover,
    replace_folder,
)
from briefgen.load import PROJECT_FOLDERS, Project
from briefgen.manifest import MANIFEST, DocumentRecord, Manifest, read_manifest
from briefgen.processes import DEFAULT_MEMORY_LIMIT
from briefgen.project import load_project
from briefgen.templating import Templates
from briefgen.validate import check_issue_date
from briefgen.views import PackView
from briefgen.workers import (
    DEFAULT_TIME_LIMIT,
    TemplateBundle,
    environment_fingerprint,
    render_document,
    warm_engines,
)

log = logging.getLogger(__name__)


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
class _Task:
    job: Job
    view: PackView | None  # None: up to date, not worked out
    fingerprint: str  # of everything the document is made from: the manifest's input_hash
    environment: str  # of briefgen's code and the template files alone: checked by workers


def build(
    project: Project | str | Path,
    pack_ids: Sequence[str] | None = None,
    *,
    out: str | Path | None = None,
    languages: Sequence[str] | None = None,
    issued: dt.date | None = None,
    today: dt.date | None = None,
    jobs: int = 1,
    executor: Executor | None = None,
    force: bool = False,
    progress: ProgressCallback | None = None,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    strict: bool = False,
    documents: Sequence[str] | None = None,
    eager: bool = False,
) -> BuildResult:
    """Build the packs ``pack_ids`` (default: all) into ``out`` (default ``<project>/build``).

    ``project`` is a loaded :class:`Project` or the path of a project folder (loaded here:
    :class:`ValidationFailed` lists everything wrong in it).

    ``jobs`` > 1 renders on that many forked worker processes; ``executor`` (any
    :class:`concurrent.futures.Executor`, e.g. a Dask ``Client.get_executor()``) is used
    instead when given, and the project's templates travel with each task. Unchanged
    documents are kept unless ``force``. ``documents`` (kind names) builds those kinds
    instead of each pack's own list, keeping the pack's other files. ``eager`` (what
    ``watch`` uses) renders the briefing notes first and swaps each document in as soon as
    it is rendered, its pack's manifest with it (the others keep their previous files and
    records until theirs are done); otherwise a pack is swapped in when all its documents
    are. A document that takes longer than ``time_limit`` seconds to render fails (forked
    workers are also capped at 4 GiB of memory each; see the README's security model).
    Returns what is in place; if
    any document or pack folder failed, :class:`BuildFailed` lists every failure, its
    ``written`` holds what the packs that did render wrote, and the failed packs' previous
    output is left untouched. Raises :class:`UsageError` for an unknown pack or language or
    an ``out`` that holds the project's folders, and :class:`OutputError` for an output
    folder that cannot be made, locked or written.

    Render warnings are in the result's ``warnings``; with ``strict`` a document with a
    warning fails like a render error (its pack keeps its previous files).

    The documents are dated ``issued`` if given, else by their pack's ``issued:``, else
    ``today`` (default: :func:`briefgen.clock.today`). A pack they would date after its
    meeting fails (its previous output kept): set ``issued:`` in it to build it as it was.
    """
    project = project if isinstance(project, Project) else load_project(project)
    out_dir = Path(out) if out is not None else project.root / "build"
    planned = plan(project, pack_ids, languages, documents)
    log.info("%d document(s) to build into %s", len(planned), _shown(out_dir))
    _check_out(out_dir, project)
    templates = Templates(project.templates)
    environment = environment_fingerprint(templates)
    dates, refused = issue_dates(project, {job.pack_id: None for job in planned}, issued,
                                 clock.today(today))
    groups = _groups(project, planned, dates, environment)
    _make_out(out_dir)
    notify = progress or (lambda _: None)
    with file_lock(out_dir / ".briefgen.lock", _shown(out_dir / ".briefgen.lock")):
        previous = _previous(out_dir, planned)
        blocked = {**_check_folders(out_dir, planned), **refused}
        keys = {(group.pack_id, group.lang): group.key for group in groups}
        packs = _Packs(out_dir, previous, eager, keys, strict)
        bundle = TemplateBundle.of(project.templates) if executor is not None else None

        def render(tasks: list[_Task]) -> None:
            hints = {t.job: previous[t.job.pack_id].hint(t.job) for t in tasks}
            for task, outcome, seconds in _rendered(tasks, templates, jobs, executor, notify,
                                                    len(planned), time_limit, bundle, hints):
                packs.finished(task, outcome)  # eager: the document is in place now
                failed = isinstance(outcome, BriefgenError)
                notify(Progress(task.job, "failed" if failed else "done", len(planned),
                                seconds))

        # eager, here: each language's note as soon as its view is worked out
        notes_at_once = eager and executor is None and jobs <= 1
        later: list[_Task] = []
        up_to_date = to_render = 0
        for group in groups:
            if group.pack_id in blocked:
                continue
            tasks, fresh = _group_tasks(project, group, templates, environment,
                                        previous[group.pack_id], out_dir, force)
            stale = packs.add(tasks, fresh, force)
            up_to_date, to_render = up_to_date + len(tasks) - len(stale), to_render + len(stale)
            rendering = {task.job for task in stale}
            for task in tasks:
                if task.job not in rendering:
                    notify(Progress(task.job, "up-to-date", len(planned)))
            now: list[_Task] = []
            for task in stale:
                at_once = notes_at_once and task.job.document == "briefing-note"
                (now if at_once else later).append(task)
            render(now)
        packs.settled()
        log.info("%d up to date, %d to render", up_to_date, to_render)
        render(_ordered(later, eager))
    result = BuildResult(packs.written())
    log.info("%d document(s) in place, %d failure(s)", len(result.written),
             len(packs.errors) + len(blocked))
    if packs.errors or blocked:
        raise BuildFailed([*blocked.values(), *packs.errors], result)
    return result


def _previous(out_dir: Path, jobs: list[Job]) -> dict[str, Manifest]:
    """Each pack's manifest from the last build, after undoing what a killed build left."""
    packs = sorted({job.pack_id for job in jobs})
    try:  # one listing of the output folder, not one per pack
        left = {path.name for path in out_dir.iterdir() if path.name.startswith(STAGING_PREFIX)}
    except OSError:
        left = None
    for pack in packs:
        if left is None or any(name.startswith(f"{STAGING_PREFIX}{pack}.") for name in left):
            recover(out_dir / pack)
    return {pack: read_manifest(out_dir / pack) for pack in packs}


def _check_out(out_dir: Path, project: Project) -> None:
    """Refuse an output folder that holds, or lies in, the project's own folders: a pack
    folder there could take the place of ``facts/``, and ``templates/`` would change with
    every build."""
    out = out_dir.resolve()
    for name in PROJECT_FOLDERS:
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


def _check_folders(out_dir: Path, jobs: list[Job]) -> dict[str, BriefgenError]:
    """Packs whose folder cannot be written (a link, a folder in a file's place): found
    before anything is rendered."""
    blocked: dict[str, BriefgenError] = {}
    for pack_id in sorted({job.pack_id for job in jobs}):
        files = [Path(MANIFEST), *(job.relative_path().relative_to(pack_id)
                                   for job in jobs if job.pack_id == pack_id)]
        try:
            check_folder(out_dir / pack_id, files, _shown(out_dir / pack_id))
        except OutputError as error:
            blocked[pack_id] = error
    return blocked


@dataclass(frozen=True)
class _Group:
    """A pack's documents in one language: they share a view, and a key of their inputs."""

    pack_id: str
    lang: str
    jobs: tuple[Job, ...]
    issued: dt.date
    key: str | None  # a hash of every input of the documents (None: not known cheaply)


def _groups(project: Project, jobs: list[Job], dates: dict[str, dt.date],
            environment: str) -> list[_Group]:
    planned: dict[tuple[str, str], list[Job]] = {}
    for job in jobs:
        planned.setdefault((job.pack_id, job.lang), []).append(job)
    packs = {pack_id for pack_id, _ in planned}
    files = {pack_id: _input_files(project, pack_id) for pack_id in packs}  # once a pack
    return [_Group(pack_id, lang, tuple(group), dates[pack_id],
                   _inputs_key(files[pack_id], lang, dates[pack_id], environment,
                               [job.document for job in group]))
            for (pack_id, lang), group in planned.items()]


def _input_files(project: Project, pack_id: str) -> list[str] | None:
    """What a pack's documents are read from, in every language: the contents of the pack's
    file and of its fact bases' (the parse cache's names for them), where the bases are,
    and their people's photos. None if a file did not go through the parse cache, or a
    photo cannot be read."""
    pack = project.packs[pack_id]
    parts = [pack.entry]
    for base_id in pack.model.facts:
        base = project.bases[base_id]
        parts += [base.display, base.entry]
        for person in base.model.people:
            if person.photo:
                try:
                    path = photos.resolve(person.photo, base.path, project.root)
                except photos.PhotoError:
                    return None
                parts.append(file_sha256(path) or "")
    return parts if all(parts) else None


def _inputs_key(files: list[str] | None, lang: str, issued: dt.date, environment: str,
                documents: Sequence[str]) -> str | None:
    """A hash of everything a pack's documents in ``lang`` are made from: its input
    ``files`` (:func:`_input_files`), the templates and briefgen (``environment``), the
    language, the date of issue and which ``documents`` are built (a build of some of them
    says nothing of the others). None if the files are not known."""
    if files is None or not environment:
        return None
    parts = [environment, *files, lang, issued.isoformat(), " ".join(sorted(documents))]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _group_tasks(project: Project, group: _Group, templates: Templates, environment: str,
                 manifest: Manifest, out_dir: Path,
                 force: bool) -> tuple[list[_Task], dict[Job, DocumentRecord | None]]:
    """A pack's documents in one language, and the record of each that is up to date. If
    their inputs and files are those of the last build they are all up to date at once;
    otherwise their view is worked out and each is fingerprinted."""
    kept = (None if force or group.key is None
            else manifest.unchanged(group.lang, group.key, group.jobs, out_dir))
    if kept is not None:
        return ([_Task(job, None, kept[job].input_hash, environment) for job in group.jobs],
                dict(kept))
    view = pack_view(project, group.pack_id, group.lang, group.issued)
    tasks = [_Task(job, view, _fingerprint(job, view, templates, environment), environment)
             for job in group.jobs]
    return tasks, {task.job: manifest.up_to_date(task, out_dir) for task in tasks}


def _fingerprint(job: Job, view: PackView, templates: Templates, environment: str) -> str:
    """The hash of everything the document is made from: what it shows of the view (its
    kind says; the whole view if it does not), the template files and briefgen's code."""
    shows = REGISTRY[job.document].shows
    shown = shows(view, templates) if shows is not None else view
    return hashlib.sha256(f"{environment}\0{job.document}\0{shown!r}".encode()).hexdigest()


def _ordered(tasks: list[_Task], eager: bool) -> list[_Task]:
    """Pack by pack, as planned (so a pack is done before the next is started); with
    ``eager``, every briefing note first: it is the document a writer looks at."""
    if not eager:
        return tasks
    return sorted(tasks, key=lambda task: task.job.document != "briefing-note")


Outcome = Rendered | BriefgenError


def _rendered(tasks: list[_Task], templates: Templates, jobs: int, executor: Executor | None,
              notify: ProgressCallback, total: int, time_limit: float | None,
              bundle: TemplateBundle | None,
              hints: dict[Job, int | None]) -> Iterator[tuple[_Task, Outcome, float]]:
    """Each task with its rendered document or its error, and the seconds it took to
    render, as each one finishes (its ``started`` is notified here, its ``done`` or
    ``failed`` by the caller, once the outcome is taken in)."""
    if not tasks:
        return
    if executor is None and (jobs <= 1 or len(tasks) <= 1):
        for task in tasks:  # here, one after the other: each reported as it finishes
            assert task.view is not None
            notify(Progress(task.job, "started", total))
            try:
                rendered, seconds = render_document(task.job.document, task.view,
                                                    templates.project, time_limit,
                                                    hint=hints.get(task.job))
            except BriefgenError as error:
                yield task, error, 0.0
                continue
            yield task, rendered, seconds
        return
    with _executor(executor, jobs, len(tasks)) as pool:
        futures: dict[Future[tuple[Rendered, float]], _Task] = {}
        for task in tasks:
            assert task.view is not None
            notify(Progress(task.job, "started", total))
            try:
                futures[pool.submit(render_document, task.job.document, task.view,
                                    templates.project, time_limit, task.environment,
                                    bundle, hints.get(task.job))] = task
            except BrokenExecutor:
                futures[_failed(_worker_died(task.job))] = task
        for future in as_completed(futures):
            task = futures.pop(future)  # let go of the future, and of its document
            yield task, *_outcome(future, task.job)


def _outcome(future: Future[tuple[Rendered, float]], job: Job) -> tuple[Outcome, float]:
    try:
        return future.result()
    except BriefgenError as error:
        return error, 0.0
    except Exception as error:
        if not _is_dead_worker(error):
            raise
        return _worker_died(job), 0.0


def _refused(job: Job, warnings: Sequence[str]) -> list[BriefgenError]:
    """Under ``strict``, the warnings a document was rendered with (now or before), as
    errors: its pack keeps its previous files."""
    return [RenderError(f"{warning} (a warning; strict makes it an error)", None,
                        "fix what it says, or build without --strict",
                        pack=job.pack_id, language=job.lang, document=job.document,
                        output=str(job)) for warning in warnings]


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
    with processes.fork_pool(min(jobs, count), warm=warm_engines) as pool:
        yield pool


class _Packs:
    """The packs being built, their documents taken as each language's are worked out
    (:meth:`add`); each pack is swapped in as soon as its last document is in (with
    ``eager``, at each document); then its documents are let go of."""

    def __init__(self, out_dir: Path, previous: dict[str, Manifest], eager: bool,
                 keys: dict[tuple[str, str], str | None], strict: bool = False) -> None:
        self.out_dir = out_dir
        self.strict = strict
        self.keys = keys
        self.previous = dict(previous)
        self.eager = eager
        self.errors: list[BriefgenError] = []
        self.failed: set[str] = set()
        self.fresh: dict[Job, DocumentRecord | None] = {}
        self.tasks: dict[str, list[_Task]] = {}
        self.pending: dict[str, set[Job]] = {}
        self.done: dict[str, dict[Job, DocumentRecord]] = {}
        self.waiting: dict[str, dict[Job, bytes]] = {}
        self.complete: dict[str, list[tuple[Job, DocumentRecord, bool]]] = {}

    def add(self, tasks: list[_Task], fresh: dict[Job, DocumentRecord | None],
            force: bool) -> list[_Task]:
        """Take a pack's documents in one language, with the record of each that is up to
        date; return those to render."""
        stale = []
        for task in tasks:
            pack_id, job = task.job.pack_id, task.job
            self.tasks.setdefault(pack_id, []).append(task)
            self.pending.setdefault(pack_id, set())
            self.done.setdefault(pack_id, {})
            self.waiting.setdefault(pack_id, {})
            kept = self.fresh[job] = fresh[job]
            if force or kept is None:
                self.pending[pack_id].add(job)
                stale.append(task)
            elif self.strict and kept.warnings:  # kept from before: its warnings count now
                self._fail(pack_id, _refused(job, kept.warnings))
        return stale

    def settled(self) -> None:
        """Every document is known: a pack with none to render gets its manifest, if that
        changed."""
        for pack_id, pending in self.pending.items():
            if not pending and pack_id not in self.failed:
                self._write(pack_id, {})

    def finished(self, task: _Task, outcome: Outcome) -> None:
        """Take a document's outcome; write its pack if it is the last (or ``eager``)."""
        pack_id, job = task.job.pack_id, task.job
        self.pending[pack_id].discard(job)
        if isinstance(outcome, BriefgenError):
            self._fail(pack_id, [outcome])
        elif self.strict and outcome.warnings:
            self._fail(pack_id, _refused(job, outcome.warnings))
        elif self.eager:
            self.done[pack_id][job] = _record(task, outcome, None)
            self._write(pack_id, {job: outcome.data})
        elif pack_id not in self.failed:
            self.done[pack_id][job] = _record(task, outcome, None)
            self.waiting[pack_id][job] = outcome.data
            if not self.pending[pack_id]:
                self._write(pack_id, self.waiting[pack_id])
        if not self.pending[pack_id]:
            self.waiting[pack_id] = {}

    def _fail(self, pack_id: str, errors: list[BriefgenError]) -> None:
        self.errors += errors
        self.failed.add(pack_id)
        self.waiting[pack_id].clear()

    def _write(self, pack_id: str, new: dict[Job, bytes]) -> None:
        """Swap the pack in with the ``new`` documents and the records of those rendered so
        far and those up to date; a pack whose files and manifest are unchanged is left
        alone."""
        done = self.done[pack_id]
        records = []
        complete: dict[str, bool] = {}  # each language: all its documents in place
        for task in self.tasks[pack_id]:
            record = done.get(task.job) or self.fresh[task.job]
            if record is not None:
                records.append((task.job, record, task.job in done))
            complete[task.job.lang] = complete.get(task.job.lang, True) and record is not None
        inputs = {lang: self.keys.get((pack_id, lang)) if whole else None
                  for lang, whole in complete.items()}
        manifest = self.previous[pack_id].updated(
            pack_id, [record for _, record, _ in records], inputs)
        files = {job.relative_path().relative_to(pack_id): data for job, data in new.items()}
        if files or manifest != self.previous[pack_id]:
            try:
                replace_folder(self.out_dir / pack_id,
                               {**files, Path(MANIFEST): manifest.to_bytes()},
                               _shown(self.out_dir / pack_id))
            except OutputError as error:
                self.errors.append(error)
                self.failed.add(pack_id)
                return
            self.previous[pack_id] = manifest
        if len(records) == len(self.tasks[pack_id]):
            self.complete[pack_id] = records

    def written(self) -> tuple[WrittenDocument, ...]:
        """What is in place, in the order of the plan."""
        return tuple(_written(self.out_dir, job, record, rendered)
                     for pack_id in self.tasks if pack_id not in self.failed
                     for job, record, rendered in self.complete.get(pack_id, ()))


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
        hint=rendered.hint,
    )


def _written(out_dir: Path, job: Job, record: DocumentRecord, rendered: bool) -> WrittenDocument:
    return WrittenDocument(
        pack_id=job.pack_id, language=job.lang, document=job.document,
        path=out_dir / job.relative_path(), pages=record.pages, sha256=record.sha256,
        facts=record.facts, sources=record.sources, rendered=rendered,
        warnings=record.warnings,
    )
