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
import hashlib
import logging
from collections.abc import Iterator, Sequence
from concurrent.futures import (
    BrokenExecutor,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    as_completed,
)
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen import clock, photos, processes
from briefgen.context import pack_view
from briefgen.documents import REGISTRY, Rendered
from briefgen.errors import BriefgenError, BuildFailed, LocatedError, RenderError, ValidationFailed
from briefgen.fsutil import file_lock, file_sha256
from briefgen.jobs import (
    BuildResult,
    Job,
    Outcome,
    Progress,
    ProgressCallback,
    RenderWarning,
    Task,
    WrittenDocument,
    issue_dates,
    plan,
)
from briefgen.load import Project
from briefgen.manifest import DocumentRecord, Manifest
from briefgen.output import Packs, check_folders, check_out, make_out, previous, shown
from briefgen.processes import DEFAULT_MEMORY_LIMIT
from briefgen.project import load
from briefgen.templating import Templates
from briefgen.views import PackView
from briefgen.workers import (
    DEFAULT_TIME_LIMIT,
    TemplateBundle,
    environment_fingerprint,
    render_document,
    render_documents,
    warm_engines,
)

# The build's own types, importable from here too.
__all__ = ["BuildResult", "Job", "Progress", "ProgressCallback", "RenderWarning",
           "WrittenDocument", "build", "plan"]

log = logging.getLogger(__name__)


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

    ``project`` is a loaded :class:`Project` or the path of a project folder, loaded here:
    a problem in it stops only the packs it concerns (a broken fact base, the packs drawing
    on it); the others are built, and :class:`BuildFailed` then lists every problem with
    what the build did. :class:`ValidationFailed` lists everything wrong when no pack asked
    for can be built.

    ``jobs`` > 1 renders on that many forked worker processes; ``executor`` (any
    :class:`concurrent.futures.Executor`, e.g. a Dask ``Client.get_executor()``) is used
    instead when given, and the project's templates travel with each task (but to this
    machine's own pools, ``ProcessPoolExecutor`` and ``ThreadPoolExecutor``), a task for
    each language of a pack (on those pools, a task for each document). Unchanged
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
    an ``out`` that holds or lies in the project's folders or where a file is, and
    :class:`OutputError` for an output folder that cannot be made, locked or written.

    Render warnings are in the result's ``warnings``; with ``strict`` a document with a
    warning fails like a render error (its pack keeps its previous files).

    The documents are dated ``issued`` if given, else by their pack's ``issued:``, else
    ``today`` (default: :func:`briefgen.clock.today`). A pack they would date after its
    meeting fails (its previous output kept): set ``issued:`` in it to build it as it was.
    """
    stopped: list[LocatedError] = []  # problems in the project's files
    left_out: set[str] = set()  # the packs they stop
    if not isinstance(project, Project):
        asked = pack_ids
        project, pack_ids, stopped = _loaded(project, pack_ids)
        left_out = set(asked or project.packs) - set(pack_ids)
    out_dir = Path(out) if out is not None else project.root / "build"
    planned = plan(project, pack_ids, languages, documents)
    log.info("%d document(s) to build into %s", len(planned), shown(out_dir))
    check_out(out_dir, project.root)
    templates = Templates(project.templates)
    environment = environment_fingerprint(templates)
    dates, refused = issue_dates(project, {job.pack_id: None for job in planned}, issued,
                                 clock.today(today))
    groups = _groups(project, planned, dates, environment)
    make_out(out_dir)
    notify = progress or (lambda _: None)
    with file_lock(out_dir / ".briefgen.lock", shown(out_dir / ".briefgen.lock")):
        before = previous(out_dir, planned)
        blocked = {**check_folders(out_dir, planned), **refused}
        keys = {(group.pack_id, group.lang): group.key for group in groups}
        packs = Packs(out_dir, before, eager, keys, strict)
        bundle = TemplateBundle.of(project.templates) if _elsewhere(executor) else None

        def render(tasks: list[Task]) -> None:
            hints = {t.job: before[t.job.pack_id].hint(t.job) for t in tasks}
            for task, outcome, seconds in _rendered(tasks, templates, jobs, executor, notify,
                                                    len(planned), time_limit, bundle, hints):
                packs.finished(task, outcome)  # eager: the document is in place now
                failed = isinstance(outcome, BriefgenError)
                notify(Progress(task.job, "failed" if failed else "done", len(planned),
                                seconds))

        # eager, here: each language's note as soon as its view is worked out
        notes_at_once = eager and executor is None and jobs <= 1
        later: list[Task] = []
        up_to_date = to_render = 0
        for group in groups:
            if group.pack_id in blocked:
                continue
            tasks, fresh = _group_tasks(project, group, templates, environment,
                                        before[group.pack_id], out_dir, force)
            stale = packs.add(tasks, fresh, force)
            up_to_date, to_render = up_to_date + len(tasks) - len(stale), to_render + len(stale)
            rendering = {task.job for task in stale}
            for task in tasks:
                if task.job not in rendering:
                    notify(Progress(task.job, "up-to-date", len(planned)))
            now: list[Task] = []
            for task in stale:
                at_once = notes_at_once and task.job.document == "briefing-note"
                (now if at_once else later).append(task)
            render(now)
        packs.settled()
        log.info("%d up to date, %d to render", up_to_date, to_render)
        render(_ordered(later, eager))
    if project.cache is not None:  # into the build folder this build may have made
        project.cache.flush()
    result = BuildResult(packs.written(), tuple(sorted({*left_out, *blocked, *packs.failed})))
    log.info("%d document(s) in place, %d failure(s)", len(result.written),
             len(stopped) + len(packs.errors) + len(blocked))
    if stopped or packs.errors or blocked:
        raise BuildFailed([*stopped, *blocked.values(), *packs.errors], result)
    return result


def _loaded(root: str | Path, pack_ids: Sequence[str] | None,
            ) -> tuple[Project, list[str], list[LocatedError]]:
    """The project at ``root``, the packs of ``pack_ids`` (default: all) to build, and the
    problems to report: the packs a problem stops are left out (their previous output kept).
    Raises :class:`ValidationFailed` when none is left."""
    loading = load(root)
    if not loading.errors:
        return loading.project, list(pack_ids or sorted(loading.project.packs)), []
    buildable = loading.buildable(pack_ids)
    if not buildable or any(pack_id not in loading.project.packs for pack_id in pack_ids or ()):
        raise ValidationFailed(loading.errors_of(pack_ids) or loading.errors, loading=loading)
    for pack_id, errors in loading.stopped(pack_ids).items():
        log.info("pack %s is not built: %d problem(s) in its files", pack_id, len(errors))
    return loading.project, buildable, loading.errors_of(pack_ids)


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
                 force: bool) -> tuple[list[Task], dict[Job, DocumentRecord | None]]:
    """A pack's documents in one language, and the record of each that is up to date. If
    their inputs and files are those of the last build they are all up to date at once;
    otherwise their view is worked out and each is fingerprinted."""
    kept = (None if force or group.key is None
            else manifest.unchanged(group.lang, group.key, group.jobs, out_dir))
    if kept is not None:
        return ([Task(job, None, kept[job].input_hash, environment) for job in group.jobs],
                dict(kept))
    view = pack_view(project, group.pack_id, group.lang, group.issued)
    tasks = [Task(job, view, _fingerprint(job, view, templates, environment), environment)
             for job in group.jobs]
    return tasks, {task.job: manifest.up_to_date(task, out_dir) for task in tasks}


def _fingerprint(job: Job, view: PackView, templates: Templates, environment: str) -> str:
    """The hash of everything the document is made from: what it shows of the view (its
    kind says; the whole view if it does not), the template files and briefgen's code."""
    shows = REGISTRY[job.document].shows
    shown = shows(view, templates) if shows is not None else view
    return hashlib.sha256(f"{environment}\0{job.document}\0{shown!r}".encode()).hexdigest()


def _ordered(tasks: list[Task], eager: bool) -> list[Task]:
    """Pack by pack, as planned (so a pack is done before the next is started); with
    ``eager``, every briefing note first: it is the document a writer looks at."""
    if not eager:
        return tasks
    return sorted(tasks, key=lambda task: task.job.document != "briefing-note")


def _rendered(tasks: list[Task], templates: Templates, jobs: int, executor: Executor | None,
              notify: ProgressCallback, total: int, time_limit: float | None,
              bundle: TemplateBundle | None,
              hints: dict[Job, int | str | None]) -> Iterator[tuple[Task, Outcome, float]]:
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
    batches = _batches(tasks) if not _elsewhere(executor) else _by_view(tasks)
    with _executor(executor, jobs, len(batches)) as pool:
        futures: dict[Future[list[tuple[Rendered, float] | BriefgenError]], list[Task]] = {}
        for batch in batches:
            view = batch[0].view
            assert view is not None
            for task in batch:
                notify(Progress(task.job, "started", total))
            try:
                futures[pool.submit(render_documents, [t.job.document for t in batch], view,
                                    templates.project, time_limit, batch[0].environment,
                                    bundle, [hints.get(t.job) for t in batch])] = batch
            except BrokenExecutor:
                futures[_failed(_worker_died(batch[0].job))] = batch
        for future in as_completed(futures):
            batch = futures.pop(future)  # let go of the future, and of its documents
            for task, outcome in zip(batch, _outcomes(future, batch), strict=True):
                yield task, *outcome


def _elsewhere(executor: Executor | None) -> bool:
    """Whether ``executor`` may run tasks where the project's templates are not (a Dask
    cluster's worker on another machine): then they travel with each task (4 MB for the
    demo's, pickled, sent and hashed for every task)."""
    return executor is not None and not isinstance(executor,
                                                   (ProcessPoolExecutor, ThreadPoolExecutor))


def _batches(tasks: list[Task]) -> list[list[Task]]:
    """The tasks in the order given, one a batch, but a compiled document's: with the
    documents of its view it is compiled from (``DocumentKind.compiled_from``), those
    first, at the first one's place: so that they are made once, in one process."""
    batches: list[list[Task]] = [[task] for task in tasks]
    for batch in [b for b in batches if REGISTRY[b[0].job.document].compiled_from]:
        compiled = batch[0]
        parts = [b for b in batches if b is not batch and len(b) == 1
                 and b[0].view is compiled.view
                 and b[0].job.document in REGISTRY[compiled.job.document].compiled_from]
        if not parts:
            continue
        parts[0][:] = [*(part[0] for part in parts), compiled]
        merged = {id(b) for b in (batch, *parts[1:])}
        batches = [b for b in batches if id(b) not in merged]
    return batches


def _by_view(tasks: list[Task]) -> list[list[Task]]:
    """The tasks of each view (a pack's language) in one batch, in their order: for an
    executor elsewhere (Dask), where each task costs a round trip and its first render
    shares the worker with the sending of the last task's documents."""
    batches: dict[int, list[Task]] = {}
    for batch in _batches(tasks):
        batches.setdefault(id(batch[0].view), []).extend(batch)
    return list(batches.values())


def _outcomes(future: Future[list[tuple[Rendered, float] | BriefgenError]],
              batch: list[Task]) -> list[tuple[Outcome, float]]:
    """Each task's rendered document and seconds, or its error."""
    try:
        results = future.result()
    except BriefgenError as error:
        return [(error, 0.0) for _ in batch]
    except Exception as error:
        if not _is_dead_worker(error):
            raise
        return [(_worker_died(task.job), 0.0) for task in batch]
    return [(result, 0.0) if isinstance(result, BriefgenError) else result
            for result in results]


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


def _failed(error: BaseException) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_exception(error)
    return future


@contextmanager
def _executor(executor: Executor | None, jobs: int, count: int) -> Iterator[Executor]:
    if executor is not None:
        yield executor
        return
    with processes.fork_pool(min(jobs, count), warm=warm_engines) as pool:
        yield pool
