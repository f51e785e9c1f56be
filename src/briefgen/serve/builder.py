"""Serve's builder: :class:`Preview`, in two lanes, and what the pages show.

Both lanes go through :func:`briefgen.build`. The fast lane (:meth:`Preview.rounds`, the
builder :func:`briefgen.watching.watch_project` calls) loads the project and builds the
``briefing-html`` page of each pack and language into ``<out>/.preview/``, the pages a
browser shows first, then ``check``'s findings. The slow lane (:meth:`Preview.documents`)
builds the packs' own documents into ``<out>`` on a worker process. :attr:`Preview.state`
(a :class:`State`, of :class:`PackInfo`) is what the pages show; :attr:`Preview.terminal`
(:mod:`briefgen.serve.terminal`) what the terminal says. This module owns them, and how a
save maps to the packs it may change (:func:`_affected`), how a page's documents are built
(:func:`_built`) and how an error is shown (:func:`_finding`); it knows nothing of HTTP.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from briefgen import clock
from briefgen.build import BuildResult, Progress, ProgressCallback, WrittenDocument, build
from briefgen.check import Finding, project_findings
from briefgen.errors import (
    BriefgenError,
    BuildFailed,
    LocatedError,
    OutputError,
    RenderError,
    ValidationFailed,
    display_path,
    excerpt,
)
from briefgen.jobs import Job as BuildJob
from briefgen.load import Project
from briefgen.manifest import read_manifest
from briefgen.output import written_document
from briefgen.project import Reloader
from briefgen.serve.state import Job, Key, PackInfo, State, job_of
from briefgen.serve.terminal import Terminal

log = logging.getLogger("briefgen.serve")  # the package's: -v names its lines as before

HTML_KIND = "briefing-html"
BROWSER_TURN = 0.5  # seconds the slow lane waits for browsers to fetch the pages they show
PREVIEW_FOLDER = ".preview"  # in the output folder: pages of packs that do not build them

class Preview:
    """Serve's builder, in two lanes, and what the pages show (:attr:`state`).

    :meth:`rounds` is the fast lane, the builder of
    :func:`~briefgen.watching.watch_project`: after a save it loads the project and builds
    the ``briefing-html`` page of every pack and language into ``<out>/.preview/``, the
    pages a browser shows first (``viewed``), then the findings of ``check``.
    :meth:`documents` is the slow lane, run on a thread of its own: it builds the packs'
    own documents into ``out``, a page's (a pack in a language) in one build, on
    ``executor`` (a process of its own, so that PDFs never slow the pages down) or in this
    process. Both go through :func:`briefgen.build`, which renders only what a save
    changed; the two output folders have a lock each, so neither lane waits for the other.
    ``changed`` is called after every change of :attr:`state`.
    """

    def __init__(self, root: Path, out: Path | None = None,
                 pack_ids: Sequence[str] | None = None, *,
                 viewed: Callable[[], Iterable[Key]] = tuple,
                 changed: Callable[[], None] = lambda: None,
                 executor: Executor | None = None, today: dt.date | None = None,
                 say: Callable[[str], None] = lambda line: None) -> None:
        self.root = root.resolve()
        self.out = (out if out is not None else self.root / "build").absolute()
        self._reloader = Reloader(self.root)  # a save reads the saved files only
        self.pack_ids = tuple(pack_ids or ())
        self.state = State()
        self._viewed = viewed
        self._changed = changed
        self._executor = executor
        self._today = today  # None: the clock's, read at each round
        self._lock = threading.Condition()
        self._project: Project | None = None  # the last one that loaded; None while broken
        self._day = clock.today(today)  # the date the last round checked and built as of
        self._saved: set[Path] | None = None  # saves not yet acted on; None: everything
        self._pages: set[Key] = set()  # preview pages to build again
        self._jobs: set[Job] = set()  # documents to build again
        self._unchecked: set[str] = set()  # packs whose findings are out of date
        self._urgent = False  # the fast lane builds pages a browser shows: others wait
        self._unseen: set[Key] = set()  # pages built for a browser that has not fetched them
        self._stopped: set[str] = set()  # the packs a problem stopped at the last round
        self.terminal = Terminal(say)  # a line per rebuild, per error
        self._rendered: dict[Key, bool] = {}  # pages built since the last line: rendered?

    @property
    def preview_out(self) -> Path:
        return self.out / PREVIEW_FOLDER

    # The fast lane -----------------------------------------------------------------------

    def rounds(self, saved: frozenset[Path]) -> Iterator[None]:
        """One round after ``saved`` (everything when empty): a step per page."""
        started = time.perf_counter()
        self._saved = None if self._saved is None or not saved else self._saved | saved
        project = self._load()
        day = clock.today(self._today)
        log.info("project loaded in %.3f s", time.perf_counter() - started)
        if project is None:
            return
        self._plan(project, day)
        viewed = set(self._viewed())
        for key in sorted(self._pages, key=lambda key: (key not in viewed, self._order(key))):
            if key not in viewed:
                yield from self._shown()
            if key not in viewed and self._unchecked:
                self._check(project, day)
                yield
            if self._build_page(project, key, day) and key in viewed:
                with self._lock:
                    self._unseen.add(key)
            log.info("page %s/%s in place, %.3f s into the round", *key,
                     time.perf_counter() - started)
            yield
        yield from self._shown()
        if self._unchecked:
            self._check(project, day)
        self._said(time.perf_counter() - started)

    def _said(self, seconds: float) -> None:
        """The round is over: say which pages it rendered (those of rounds dropped for a
        newer save too), which failed."""
        built, self._rendered = self._rendered, {}
        if built:
            failed = [key for key in built if key in self.state.page_failures]
            self.terminal.pages([key for key in built if built[key] and key not in failed],
                                failed, seconds)

    def _load(self) -> Project | None:
        """The project as far as it loads. A problem stops only the packs it concerns: their
        pages show it; the others are built. None when nothing can be (a problem in the
        templates, a grammar file, ``briefgen.yaml``): every page shows every problem."""
        try:
            loading = self._reloader.loading()
        except ValidationFailed as failure:  # the project folder is gone
            self._not_loaded(failure.errors)
            return None
        wanted = [p for p in loading.project.packs if not self.pack_ids or p in self.pack_ids]
        if loading.errors and not loading.buildable(wanted):
            self._not_loaded(loading.errors)
            return None
        project = loading.project
        stopped = {pack_id: tuple(_finding(error) for error in errors)
                   for pack_id, errors in loading.stopped(wanted).items()}
        shown = {str(error) for errors in loading.blocked.values() for error in errors}
        notices = tuple(_finding(error) for error in loading.errors if str(error) not in shown)
        self.terminal.errors("project", notices)
        for pack_id, found in stopped.items():
            self.terminal.errors(pack_id, found)
        packs = {pack_id: PackInfo.of(project, pack_id) for pack_id in sorted(wanted)}
        self._update(packs=packs, errors=(), stopped=stopped, notices=notices, loaded=True)
        return project

    def _not_loaded(self, errors: Sequence[LocatedError]) -> None:
        with self._lock:
            self._project = None
            self._urgent = False
        found = tuple(_finding(error) for error in errors)
        self._update(errors=found, stopped={}, notices=(), loaded=True)
        self.terminal.not_loaded(len(found), self.terminal.errors("project", found))

    def _plan(self, project: Project, day: dt.date) -> None:
        """Mark what the saves may have changed (everything on a new day), and hand the
        project to the slow lane, which waits until the pages a browser shows are built
        (:meth:`_shown`)."""
        packs = self.state.packs
        saved, self._saved = self._saved, set()
        if day != self._day:
            saved = None
        affected = set(packs) if saved is None else _affected(project, saved, packs)
        stopped = self.state.stopped  # their pages show what stops them, and nothing is built
        going = {pack_id for pack_id in packs if pack_id not in stopped}
        affected = (affected | self._stopped) & going  # a pack no longer stopped too
        self._show_stopped(packs, stopped)
        self._pages = {key for key in self._pages if key[0] in going}
        self._pages |= {key for pack_id in affected for key in packs[pack_id].pages()}
        self._unchecked = (self._unchecked & going) | affected
        with self._lock:
            self._jobs = {job for job in self._jobs if job[0] in going}
            self._jobs |= {job for pack_id in affected for job in packs[pack_id].jobs()}
            self._project, self._day = project, day
            self._urgent = True

    def _show_stopped(self, packs: Mapping[str, PackInfo],
                      stopped: Mapping[str, tuple[Finding, ...]]) -> None:
        """The pages and documents of the packs a problem stops show it (in place of what
        they showed, kept on disk as it was)."""
        pages = {key: found for pack_id, found in stopped.items() if pack_id in packs
                 for key in packs[pack_id].pages()}
        jobs = {job: found for pack_id, found in stopped.items() if pack_id in packs
                for job in packs[pack_id].jobs()}
        before = self._stopped  # what they showed goes: the pages are built again
        self._update(lambda state: {
            "page_failures": {**{key: found for key, found in state.page_failures.items()
                                 if key[0] not in before}, **pages},
            "failures": {**{job: found for job, found in state.failures.items()
                            if job[0] not in before}, **jobs},
            "findings": {**{p: found for p, found in state.findings.items()
                            if p not in before}, **stopped}})
        self._stopped = set(stopped)

    def _shown(self) -> Iterator[None]:
        """The pages a browser shows are built: once the browsers fetched them (or after
        :data:`BROWSER_TURN` seconds), the slow lane may go on, and the pages learn which
        documents it will build again. A step every 10 ms meanwhile."""
        deadline = time.monotonic() + BROWSER_TURN
        while True:
            with self._lock:
                if not self._urgent:
                    return
                if not self._unseen or time.monotonic() > deadline:
                    self._unseen.clear()
                    self._urgent = False
                    self._lock.notify_all()
                    pending = frozenset(self._jobs)
                    break
                self._lock.wait(timeout=0.01)
            yield
        self._update(pending=pending)

    def fetched(self, key: Key) -> None:
        """A browser fetched the page of ``key`` (the server says so)."""
        with self._lock:
            if key in self._unseen:
                self._unseen.discard(key)
                self._lock.notify_all()

    def _check(self, project: Project, day: dt.date) -> None:
        findings = {
            pack_id: tuple(sorted(project_findings(project, [pack_id], day),
                                  key=lambda f: (f.severity != "error", f.file, f.line or 0)))
            for pack_id in sorted(self._unchecked)
        }
        self._unchecked.clear()
        self._update(lambda state: {"findings": {**state.findings, **findings}})

    def _build_page(self, project: Project, key: Key, day: dt.date) -> bool:
        """Build the page of ``key`` (not through a link: :meth:`_linked`); whether what it
        shows changed."""
        self._pages.discard(key)
        refused = self._linked()
        job = (*key, HTML_KIND)
        written, rendered, failed = (
            ((), (), {job: refused}) if refused
            else _built(project, [job], self.preview_out, day, None))
        failures = failed.get(job, ())
        self.terminal.errors(key, failures)
        self._rendered[key] = bool(rendered) or self._rendered.get(key, False)
        before = self.state.versions(key)
        self._update(lambda state: {
            "pages": _with(state.pages, key, written[0] if written else None),
            "page_failures": _with(state.page_failures, key, failures or None)})
        return self.state.versions(key) != before

    def _linked(self) -> tuple[Finding, ...]:
        """The preview's folder is a link: refused, as build refuses a pack folder that is
        one, never written through (its target is someone else's folder)."""
        if not self.preview_out.is_symlink():
            return ()
        return (Finding("error", "output", "is a symbolic link; serve writes its pages only "
                        "into a folder of its own", display_path(self.preview_out, self.root),
                        hint="remove the link: serve makes the folder"),)

    # The slow lane -----------------------------------------------------------------------

    def documents(self, stop: threading.Event) -> None:
        """Build the packs' own documents as the fast lane marks them, until ``stop`` (then
        :meth:`wake` it)."""
        while True:
            with self._lock:
                if stop.is_set():
                    return
                if self._project is None or not self._jobs or self._urgent:
                    self._lock.wait(timeout=0.2)
                    continue
                project, day, jobs = self._project, self._day, self._next_jobs()
            self._build_documents(project, jobs, day)

    def _build_documents(self, project: Project, jobs: Sequence[Job], day: dt.date) -> None:
        """Build a page's documents in one build, as ``build`` orders them (the note first,
        the sheet before the book, which reuses its fit); each is shown as soon as it is in
        place."""
        building = set(jobs)

        def progress(event: Progress) -> None:
            job = (event.job.pack_id, event.job.lang, event.job.document)
            if event.status == "started":
                return
            building.discard(job)
            if event.status != "done":
                return
            self.terminal.document(job, event.job.relative_path().name, event.seconds)
            document = _in_place(self.out, event.job)
            with self._lock:
                pending = frozenset(self._jobs | building)
            self._update(lambda state: {
                "written": _with(state.written, job, document or state.written.get(job)),
                "failures": _with(state.failures, job, None), "pending": pending})

        written, _rendered, failures = _built(project, jobs, self.out, day, self._executor,
                                              progress)
        for job in jobs:
            self.terminal.errors(job, failures.get(job, ()))
        with self._lock:
            pending = frozenset(self._jobs)
        self._update(lambda state: {
            "written": {**state.written, **{job_of(d): d for d in written}},
            "failures": {**{job: found for job, found in state.failures.items()
                            if job not in jobs}, **failures},
            "pending": pending})

    def wake(self) -> None:
        """Wake the slow lane, to see that it is asked to stop."""
        with self._lock:
            self._lock.notify_all()

    def _order(self, key: Key) -> tuple[str, int, str]:
        """Where the page of ``key`` comes: by pack, then in the pack's own order of its
        languages (its first language, the original, first)."""
        pack_id, lang = key
        pack = self.state.packs.get(pack_id)
        languages = pack.languages if pack is not None else ()
        return pack_id, languages.index(lang) if lang in languages else len(languages), lang

    def _next_jobs(self) -> list[Job]:
        """The documents of the next page to build again (called holding the lock): the
        pages shown first; by pack, each in its languages' order (:meth:`_order`)."""
        viewed = set(self._viewed())
        pack_id, lang = min({job[:2] for job in self._jobs},
                            key=lambda key: (key not in viewed, self._order(key)))
        kinds = self.state.packs[pack_id].documents if pack_id in self.state.packs else ()
        jobs = [job for job in self._jobs if job[:2] == (pack_id, lang)]
        jobs.sort(key=lambda job: (job[2] not in kinds, kinds.index(job[2])
                                   if job[2] in kinds else 0, job))
        self._jobs.difference_update(jobs)
        return jobs

    def _update(self, compute: Callable[[State], Mapping[str, Any]] | None = None,
                **changes: Any) -> None:
        """Replace :attr:`state` with ``changes`` (or what ``compute`` makes of the current
        state), and say so if anything changed."""
        with self._lock:
            old = self.state
            new = replace(old, **(compute(old) if compute else changes))
            self.state = new
        if new != old:
            self._changed()


def _built(project: Project, jobs: Sequence[Job], out: Path, day: dt.date,
           executor: Executor | None, progress: ProgressCallback | None = None,
           ) -> tuple[tuple[WrittenDocument, ...], tuple[WrittenDocument, ...],
                      dict[Job, tuple[Finding, ...]]]:
    """Build ``jobs`` (a pack's documents in one language) with :func:`briefgen.build`,
    eagerly (each in place as soon as it is rendered, ``progress`` told), dated ``day``
    unless their pack is dated: what is in place and what of it was rendered (not up to
    date), and why each that failed did."""
    pack_id, lang, _kind = jobs[0]
    try:
        result = build(project, [pack_id], out=out, languages=[lang],
                       documents=[kind for _p, _l, kind in jobs], executor=executor,
                       today=day, eager=True, progress=progress)
    except BuildFailed as failed:
        written = failed.written.written if isinstance(failed.written, BuildResult) else ()
        return written, (), _failures(jobs, failed.errors)
    except BriefgenError as error:
        return (), (), _failures(jobs, [error])
    except Exception as error:  # a bug: shown in the page, and the preview goes on
        where = "/".join(jobs[0][:2])
        log.exception("internal error while building %s", where)
        return (), (), {job: (Finding("error", "internal", f"internal error: "
                                      f"{type(error).__name__}: {excerpt(error, 200)}", where,
                                      hint="a bug in briefgen: please report it with the "
                                      "traceback `briefgen -v serve` prints"),)
                        for job in jobs}
    return result.written, result.rendered, {}


def _failures(jobs: Sequence[Job], errors: Sequence[BriefgenError],
              ) -> dict[Job, tuple[Finding, ...]]:
    """Each error as the pages show it, on the document it names (a render error), else on
    every document of ``jobs``."""
    found: dict[Job, tuple[Finding, ...]] = {}
    for error in errors:
        named = error.document if isinstance(error, RenderError) else None
        for job in [job for job in jobs if job[2] == named] or jobs:
            found[job] = (*found.get(job, ()), _finding(error))
    return found


def _in_place(out: Path, job: BuildJob) -> WrittenDocument | None:
    """The document of ``job`` as its pack's manifest records it (an eager build has just
    put both in place)."""
    manifest = read_manifest(out / job.pack_id)
    record = manifest.documents.get(str(job.relative_path().relative_to(job.pack_id)))
    return written_document(out, job, record, True) if record is not None else None


K = TypeVar("K")
V = TypeVar("V")


def _with(mapping: Mapping[K, V], key: K, value: V | None) -> dict[K, V]:
    """``mapping`` with ``key`` set to ``value``, or removed for None."""
    updated = {k: v for k, v in mapping.items() if k != key}
    if value is not None:
        updated[key] = value
    return updated


def _affected(project: Project, saved: Iterable[Path],
              packs: Mapping[str, PackInfo]) -> set[str]:
    """The packs a save may change: those drawing on a saved fact base, a saved pack; every
    pack for a template, or for a file the project does not know (new, removed, a photo)."""
    bases = {loaded.path.resolve(): base_id for base_id, loaded in project.bases.items()}
    pack_files = {loaded.path.resolve(): pack_id for pack_id, loaded in project.packs.items()}
    affected: set[str] = set()
    for path in (path.resolve() for path in saved):
        if path in pack_files:
            affected.add(pack_files[path])
        elif path in bases:
            affected |= {p for p in packs if bases[path] in project.packs[p].model.facts}
        else:
            return set(packs)
    return affected & set(packs)


def _finding(error: BriefgenError) -> Finding:
    """An error as the pages show it: where, what, what to do."""
    if isinstance(error, LocatedError):
        return Finding.at("error", getattr(error, "code", "invalid"), error.message,
                          error.location, error.hint)
    if isinstance(error, RenderError):  # where in the templates, else which document
        where = error.file or error.output or ""
        return Finding("error", "render", error.message, where, error.line, hint=error.hint)
    if isinstance(error, OutputError):
        return Finding("error", "output", error.message, error.path, hint=error.hint)
    return Finding("error", "build", excerpt(error, 300), "")
