"""``briefgen serve``: the packs in a browser, rebuilt and shown again on every save.

- :func:`watch_project` is the loop, as in MkDocs' ``serve``: it calls a *builder* once,
  then after every batch of saves under ``facts/``, ``packs/`` and ``templates/``. A
  builder yields between its steps; the loop drops it at a step when newer saves wait.
- :class:`Preview` is serve's builder, in two lanes that both go through
  :func:`briefgen.build`. The fast lane (:meth:`Preview.rounds`) loads the project and
  builds the ``briefing-html`` page of each pack and language into ``<out>/.preview/``,
  the pages a browser shows first, then ``check``'s findings. The slow lane
  (:meth:`Preview.documents`) builds the packs' own documents into ``<out>`` on a worker
  process. :attr:`Preview.state` is what the pages show.
- :func:`make_app` is the Starlette application over a :class:`Preview`: the pages, one
  server-sent event stream per page, and the built documents; read-only. :func:`serve`
  runs it on uvicorn, on the loopback interface unless told otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import ipaddress
import json
import logging
import multiprocessing
import os
import queue
import re
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from types import FrameType
from typing import Any, ParamSpec, TypeVar

import jinja2
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from briefgen import clock
from briefgen.build import WrittenDocument, build
from briefgen.check import Finding, project_findings
from briefgen.documents import REGISTRY
from briefgen.errors import (
    BriefgenError,
    BuildFailed,
    LocatedError,
    OutputError,
    RenderError,
    UsageError,
    ValidationFailed,
    excerpt,
)
from briefgen.load import PROJECT_FOLDERS, Project
from briefgen.processes import DEFAULT_MEMORY_LIMIT, limit_memory
from briefgen.project import Reloader, load_project

log = logging.getLogger(__name__)

HTML_KIND = "briefing-html"
BROWSER_TURN = 0.5  # seconds the slow lane waits for browsers to fetch the pages they show
PREVIEW_FOLDER = ".preview"  # in the output folder: pages of packs that do not build them

Key = tuple[str, str]  # a pack id and a language: one page
Job = tuple[str, str, str]  # a pack id, a language, a document kind
Builder = Callable[[frozenset[Path]], Iterable[object] | None]


# -- The loop ----------------------------------------------------------------------------


def watch_project(root: Path, builder: Builder, stop: threading.Event, *,
                  ready: Callable[[], None] = lambda: None, step_ms: int = 10) -> None:
    """Call ``builder`` with no paths, then with the paths saved since, until ``stop``.

    ``ready`` is called once the folders are watched, before the first call. Saves are
    gathered until ``step_ms`` milliseconds pass without one. While the builder runs, new
    saves wait: at its next step (each item it yields) the builder is abandoned and called
    again with them; it must carry over what it left undone. An exception in the builder
    (a bug) is logged and the loop goes on.
    """
    from watchfiles import Change, DefaultFilter, watch

    # The folders there are when it starts; the project itself if there are none yet.
    root = root.resolve()
    folders = [root / name for name in PROJECT_FOLDERS if (root / name).is_dir()] or [root]
    saved: queue.SimpleQueue[set[Path]] = queue.SimpleQueue()
    watching = threading.Event()
    editors = DefaultFilter()  # editors' swap and backup files, .git, caches

    def project_file(change: Change, path: str) -> bool:
        inside = Path(path).resolve()
        return editors(change, path) and any(inside.is_relative_to(root / name)
                                             for name in PROJECT_FOLDERS)

    def listen() -> None:
        # The first (empty) timeout tick means the watcher runs.
        for changes in watch(*folders, watch_filter=project_file, stop_event=stop,
                             step=step_ms, debounce=1000, yield_on_timeout=True,
                             rust_timeout=100):
            watching.set()
            if changes:
                saved.put({Path(path) for _change, path in changes})
        saved.put(set())  # stopped: wakes the loop at once (it sees ``stop``)

    listener = threading.Thread(target=listen, name="briefgen-watch", daemon=True)
    listener.start()
    watching.wait(timeout=10)
    ready()
    changed: frozenset[Path] = frozenset()
    while not stop.is_set():
        try:
            for _step in builder(changed) or ():
                if not saved.empty() or stop.is_set():
                    break
        except Exception:
            log.exception("internal error while rebuilding (a bug in briefgen: please report it)")
        changed = _next_saves(saved, stop)
    listener.join(timeout=2)


def _next_saves(saved: queue.SimpleQueue[set[Path]], stop: threading.Event) -> frozenset[Path]:
    """Every path saved, once at least one is: waits for the first, takes all that wait."""
    paths: set[Path] = set()
    while not paths and not stop.is_set():
        with contextlib.suppress(queue.Empty):
            paths |= saved.get(timeout=0.2)
    while not saved.empty():
        paths |= saved.get_nowait()
    return frozenset(paths)


# -- What the pages show -------------------------------------------------------------------


@dataclass(frozen=True)
class PackInfo:
    """What the pages need of a pack: its id, title, languages and documents."""

    id: str
    titles: tuple[tuple[str, str], ...]  # (language, the meeting's title in it)
    languages: tuple[str, ...]
    documents: tuple[str, ...]

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
            return {"page": _digest(self.loaded, self.errors, packs),
                    "brief": "", "findings": "", "documents": ""}
        page = self.pages.get(key)
        documents = [(job, self.written.get(job) and self.written[job].sha256,
                      self.failures.get(job), job in self.pending)
                     for job in ((*key, kind) for kind in self.packs[key[0]].documents)]
        return {
            "page": _digest(self.loaded, self.errors, page is not None,
                            self.page_failures.get(key)),
            "brief": _digest(page and page.sha256),
            "findings": _digest(self.findings.get(key[0])),
            "documents": _digest(documents),
        }


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


class Preview:
    """Serve's builder, in two lanes, and what the pages show (:attr:`state`).

    :meth:`rounds` is the fast lane, the builder of :func:`watch_project`: after a save it
    loads the project and builds the ``briefing-html`` page of every pack and language
    into ``<out>/.preview/``, the pages a browser shows first (``viewed``), then the
    findings of ``check``. :meth:`documents` is the slow lane, run on a thread of its own:
    it builds the packs' own documents into ``out``, one at a time, on ``executor`` (a
    process of its own, so that PDFs never slow the pages down) or in this process. Both
    go through :func:`briefgen.build`, which renders only what a save changed; the two
    output folders have a lock each, so neither lane waits for the other. ``changed`` is
    called after every change of :attr:`state`.
    """

    def __init__(self, root: Path, out: Path | None = None,
                 pack_ids: Sequence[str] | None = None, *,
                 viewed: Callable[[], Iterable[Key]] = tuple,
                 changed: Callable[[], None] = lambda: None,
                 executor: Executor | None = None, today: dt.date | None = None) -> None:
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
        for key in sorted(self._pages, key=lambda key: (key not in viewed, key)):
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

    def _load(self) -> Project | None:
        try:
            project = self._reloader.load()
        except ValidationFailed as failure:
            with self._lock:
                self._project = None
                self._urgent = False
            self._update(errors=tuple(_finding(error) for error in failure.errors),
                         loaded=True)
            return None
        packs = {pack_id: _pack_info(project, pack_id) for pack_id in sorted(project.packs)
                 if not self.pack_ids or pack_id in self.pack_ids}
        self._update(packs=packs, errors=(), loaded=True)
        return project

    def _plan(self, project: Project, day: dt.date) -> None:
        """Mark what the saves may have changed (everything on a new day), and hand the
        project to the slow lane, which waits until the pages a browser shows are built
        (:meth:`_shown`)."""
        packs = self.state.packs
        saved, self._saved = self._saved, set()
        if day != self._day:
            saved = None
        affected = set(packs) if saved is None else _affected(project, saved, packs)
        self._pages = {key for key in self._pages if key[0] in packs}
        self._pages |= {key for pack_id in affected for key in packs[pack_id].pages()}
        self._unchecked = (self._unchecked & set(packs)) | affected
        with self._lock:
            self._jobs = {job for job in self._jobs if job[0] in packs}
            self._jobs |= {job for pack_id in affected for job in packs[pack_id].jobs()}
            self._project, self._day = project, day
            self._urgent = True

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
        """Build the page of ``key``; whether what it shows changed."""
        self._pages.discard(key)
        written, failures = _built(project, (*key, HTML_KIND), self.preview_out, day, None)
        before = self.state.versions(key)
        self._update(lambda state: {
            "pages": _with(state.pages, key, written[0] if written else None),
            "page_failures": _with(state.page_failures, key, failures or None)})
        return self.state.versions(key) != before

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
                project, day, job = self._project, self._day, self._next_job()
            self._build_document(project, job, day)

    def _build_document(self, project: Project, job: Job, day: dt.date) -> None:
        written, failures = _built(project, job, self.out, day, self._executor)
        with self._lock:
            pending = frozenset(self._jobs)
        self._update(lambda state: {
            "written": {**state.written, **{_job_of(d): d for d in written}},
            "failures": _with(state.failures, job, failures or None),
            "pending": pending})

    def wake(self) -> None:
        """Wake the slow lane, to see that it is asked to stop."""
        with self._lock:
            self._lock.notify_all()

    def _next_job(self) -> Job:
        """The next document to build (called holding the lock): the pages shown first."""
        viewed = set(self._viewed())
        job = min(self._jobs, key=lambda job: (job[:2] not in viewed, job))
        self._jobs.discard(job)
        return job

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


def _built(project: Project, job: Job, out: Path, day: dt.date, executor: Executor | None,
           ) -> tuple[tuple[WrittenDocument, ...], tuple[Finding, ...]]:
    """Build one document with :func:`briefgen.build`, dated ``day`` unless its pack is
    dated: what it wrote, or why it failed."""
    pack_id, lang, kind = job
    try:
        result = build(project, [pack_id], out=out, languages=[lang], documents=[kind],
                       executor=executor, today=day)
    except BuildFailed as failed:
        return (), tuple(_finding(error) for error in failed.errors)
    except BriefgenError as error:
        return (), (_finding(error),)
    except Exception as error:  # a bug: shown in the page, and the preview goes on
        log.exception("internal error while building %s", "/".join(job))
        return (), (Finding("error", "internal", f"internal error: {type(error).__name__}: "
                            f"{excerpt(error, 200)}", "/".join(job),
                            hint="a bug in briefgen: please report it with the traceback "
                            "`briefgen -v serve` prints"),)
    return result.written, ()


K = TypeVar("K")
V = TypeVar("V")
P = ParamSpec("P")
T = TypeVar("T")


def _with(mapping: Mapping[K, V], key: K, value: V | None) -> dict[K, V]:
    """``mapping`` with ``key`` set to ``value``, or removed for None."""
    updated = {k: v for k, v in mapping.items() if k != key}
    if value is not None:
        updated[key] = value
    return updated


def _job_of(document: WrittenDocument) -> Job:
    return (document.pack_id, document.language, document.document)


def _pack_info(project: Project, pack_id: str) -> PackInfo:
    pack = project.packs[pack_id].model
    return PackInfo(pack_id, tuple(sorted(pack.meeting.title.items())), tuple(pack.languages),
                    tuple(pack.documents))


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


# -- Pages --------------------------------------------------------------------------------


class Broadcaster:
    """The open pages (one server-sent event stream each) and what they were last sent."""

    def __init__(self, state: Callable[[], State]) -> None:
        self._state = state
        self._streams: dict[asyncio.Queue[None], Key | None] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self.viewed: frozenset[Key] = frozenset()
        self.closing = False

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def publish(self) -> None:
        """Wake every stream (from any thread): each sends its page's versions if changed."""
        if self._loop is not None and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop is closing
                self._loop.call_soon_threadsafe(self._wake)

    def close(self) -> None:
        """End every stream (the server stops), from any thread."""
        self.closing = True
        self.publish()

    def _wake(self) -> None:
        for stream in self._streams:
            stream.put_nowait(None)

    async def stream(self, key: Key | None, keepalive: float = 15.0) -> AsyncIterator[str]:
        wake: asyncio.Queue[None] = asyncio.Queue()
        self._streams[wake] = key
        self.viewed = frozenset(k for k in self._streams.values() if k is not None)
        sent: dict[str, str] = {}
        try:
            yield "retry: 500\n\n"
            while not self.closing:
                versions = self._state().versions(key)
                if versions != sent:
                    sent = versions
                    yield f"event: state\ndata: {json.dumps(versions)}\n\n"
                try:
                    await asyncio.wait_for(wake.get(), keepalive)
                except TimeoutError:
                    yield ": keep-alive\n\n"  # and find out whether the page went away
        finally:
            del self._streams[wake]
            self.viewed = frozenset(k for k in self._streams.values() if k is not None)


# The server's own pages run one script, served by the server; documents run none.
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
               "connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; "
               "frame-ancestors 'none'")
DOCUMENT_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                   "font-src data:; base-uri 'none'; form-action 'none'; "
                   "frame-ancestors 'self'")
_DOCUMENT_NAMES = "|".join(re.escape(kind.filename) for kind in REGISTRY.values())
# What /out/ serves: a document of a pack in a language, nothing else of the output folder.
DOCUMENT_PATH = re.compile(rf"[a-z0-9][a-z0-9-]*/[A-Za-z0-9_]+/(?:{_DOCUMENT_NAMES})")
ASSETS = {"live.js": "text/javascript; charset=utf-8", "preview.css": "text/css; charset=utf-8",
          "favicon.svg": "image/svg+xml"}


def make_app(preview: Preview, broadcaster: Broadcaster, allowed_hosts: Sequence[str],
             on_startup: Callable[[], None] = lambda: None) -> Starlette:
    """The read-only application: GET (and HEAD) only, every response with a
    Content-Security-Policy, every request's Host header checked."""
    pages = _Pages(preview, broadcaster)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        broadcaster.attach(asyncio.get_running_loop())
        on_startup()
        yield

    routes = [
        Route("/", pages.index, methods=["GET"]),
        Route("/packs/{pack}", pages.pack, methods=["GET"]),
        Route("/packs/{pack}/{lang}", pages.page, methods=["GET"]),
        Route("/_briefgen/events", pages.events, methods=["GET"]),
        Route("/_briefgen/{asset}", pages.asset, methods=["GET"]),
        Route("/favicon.ico", pages.favicon, methods=["GET"]),
        Mount("/out", Documents(preview.out)),
        Mount("/preview", Documents(preview.preview_out, served=preview.fetched)),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts),
                             www_redirect=False),
                  Middleware(SecurityHeaders)]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


class Documents(StaticFiles):
    """The built documents: only ``<pack>/<lang>/<document file>`` (no manifest, no
    dot-folder, no ``..``), and no link that leads out of the folder. ``served`` is told
    the (pack, language) of each document served."""

    def __init__(self, directory: Path, check_dir: bool = False,
                 served: Callable[[Key], None] = lambda key: None) -> None:
        super().__init__(directory=directory, check_dir=check_dir, follow_symlink=False)
        self.served = served

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        if not DOCUMENT_PATH.fullmatch(path):
            return "", None
        return super().lookup_path(path)

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            pack_id, lang, _name = path.split("/")  # what DOCUMENT_PATH lets through
            self.served((pack_id, lang))
        return response


class SecurityHeaders:
    """Adds the Content-Security-Policy and its companions to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        document = str(scope.get("path", "")).startswith(("/out/", "/preview/"))
        headers = [(b"content-security-policy",
                    (DOCUMENT_POLICY if document else PAGE_POLICY).encode()),
                   (b"x-content-type-options", b"nosniff"),
                   (b"referrer-policy", b"no-referrer"),
                   (b"cache-control", b"no-cache"),
                   (b"cross-origin-opener-policy", b"same-origin"),
                   (b"cross-origin-resource-policy", b"same-origin")]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *headers]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _Pages:
    """The request handlers: the index, a pack's page, its event stream, the two assets."""

    def __init__(self, preview: Preview, broadcaster: Broadcaster) -> None:
        self.preview = preview
        self.broadcaster = broadcaster
        self.templates = jinja2.Environment(
            loader=jinja2.PackageLoader("briefgen", "preview"), autoescape=True,
            undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        folder = resources.files("briefgen") / "preview"
        self.assets = {name: (folder / name).read_bytes() for name in ASSETS}

    async def index(self, request: Request) -> Response:
        return self._render("index.html", None, events="/_briefgen/events")

    async def pack(self, request: Request) -> Response:
        pack = self.preview.state.packs.get(request.path_params["pack"])
        if pack is None:
            return self._render("index.html", None, status=404, events="/_briefgen/events")
        return RedirectResponse(f"/packs/{pack.id}/{pack.languages[0]}")

    async def page(self, request: Request) -> Response:
        key = (request.path_params["pack"], request.path_params["lang"])
        pack = self.preview.state.packs.get(key[0])
        if pack is None or key[1] not in pack.languages:
            return self._render("index.html", None, status=404, events="/_briefgen/events")
        return self._render("page.html", key, pack=pack,
                            events=f"/_briefgen/events?pack={key[0]}&lang={key[1]}")

    def _render(self, name: str, key: Key | None, status: int = 200,
                **values: Any) -> Response:
        state = self.preview.state
        body = self.templates.get_template(name).render(
            state=state, key=key, versions=state.versions(key), status=status,
            page_url=lambda key: self._page_url(state, key),
            documents=lambda key: self._documents(state, key), **values)
        return HTMLResponse(body, status_code=status)

    @staticmethod
    def _page_url(state: State, key: Key) -> str | None:
        """The URL of the preview page of ``key``, or None while it is not built."""
        if key not in state.pages:
            return None
        return f"/preview/{key[0]}/{key[1]}/{REGISTRY[HTML_KIND].filename}"

    @staticmethod
    def _documents(state: State, key: Key) -> list[dict[str, Any]]:
        rows = []
        for kind in state.packs[key[0]].documents:
            job = (*key, kind)
            written = state.written.get(job)
            url = f"/out/{key[0]}/{key[1]}/{REGISTRY[kind].filename}"
            rows.append({
                "kind": kind, "filename": REGISTRY[kind].filename,
                "url": url + (f"?v={written.sha256[:12]}" if written else ""),
                "written": written, "failures": state.failures.get(job, ()),
                "pending": job in state.pending,
            })
        return rows

    async def events(self, request: Request) -> Response:
        pack, lang = request.query_params.get("pack"), request.query_params.get("lang")
        key = (pack, lang) if pack and lang else None
        return StreamingResponse(self.broadcaster.stream(key), media_type="text/event-stream",
                                 headers={"x-accel-buffering": "no"})

    async def favicon(self, request: Request) -> Response:
        return Response(self.assets["favicon.svg"], media_type=ASSETS["favicon.svg"])

    async def asset(self, request: Request) -> Response:
        name = request.path_params["asset"]
        if name not in ASSETS:
            return PlainTextResponse("Not Found", status_code=404)
        return Response(self.assets[name], media_type=ASSETS[name])


# -- The server ---------------------------------------------------------------------------


class ServeError(BriefgenError):
    """The server cannot start (the address is taken, not an address of this machine)."""


def is_loopback(host: str) -> bool:
    """``host`` names only this machine's loopback interface."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str) -> list[str]:
    """The Host header values a request may carry (against DNS rebinding): the loopback
    names and the address served on; on every interface, this machine's names too."""
    hosts = {"localhost", "127.0.0.1", "::1", host.strip("[]")}
    if host.strip("[]") in ("0.0.0.0", "::"):  # noqa: S104 (every interface, as asked)
        name = socket.gethostname()
        hosts |= {name, socket.getfqdn()}
        with contextlib.suppress(OSError):
            hosts |= {str(info[4][0]) for info in socket.getaddrinfo(name, None)}
    # Starlette compares IPv6 literals with their brackets, as a Host header writes them.
    return sorted(f"[{h}]" if ":" in h else h.lower() for h in hosts)


def open_socket(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (0: any free port)."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except OSError as error:
        raise ServeError(f"cannot serve on {host}: {error.strerror or error}; give an address "
                         "of this machine with --host (default 127.0.0.1)") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(64)
    except OSError as error:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {error.strerror or error}; choose "
                         "another port with --port (0: any free port)") from None
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def serve(root: str | Path, pack_id: str | None = None, *, out: str | Path | None = None,
          host: str = "127.0.0.1", port: int = 8000,
          ready: Callable[[str], None] = lambda url: None, today: dt.date | None = None,
          ) -> None:
    """Serve a preview of the project at ``root`` until interrupted (Ctrl-C, SIGTERM).

    ``pack_id`` limits it to one pack. ``ready`` is called with the URL to open once the
    server listens and watches the project's folders. Listens on the loopback interface
    unless ``host`` says otherwise (with a warning: there is no password). Packs without
    ``issued:`` are dated ``today``, else the clock's date at each save. Raises
    :class:`UsageError` for an unknown pack, :class:`ServeError` for an address that cannot
    be listened on.
    """
    root = Path(root)
    _check_pack(root, pack_id)
    if not is_loopback(host):
        log.warning("serving on %s: anyone who can reach this machine on the network can "
                    "read the packs (there is no password); leave out --host to serve on "
                    "127.0.0.1 only", host)
    sock = open_socket(host, port)
    url = url_of(sock) + (f"packs/{pack_id}" if pack_id else "")
    with _document_pool() as pool:
        broadcaster = Broadcaster(lambda: preview.state)
        preview = Preview(root, Path(out) if out is not None else None,
                          [pack_id] if pack_id else None, viewed=lambda: broadcaster.viewed,
                          changed=broadcaster.publish, executor=pool, today=today)
        with _lanes(preview, pool, ready=lambda: ready(url)) as start:
            app = make_app(preview, broadcaster, allowed_hosts(host), on_startup=start)
            _run(app, sock, on_exit=broadcaster.close)


@contextlib.contextmanager
def _lanes(preview: Preview, pool: Executor,
           ready: Callable[[], None]) -> Iterator[Callable[[], None]]:
    """The preview's two lanes, each on a thread, started by the function this yields;
    stopped on the way out, the worker first (it may be in the middle of a document)."""
    stop = threading.Event()
    lanes = [
        threading.Thread(target=watch_project, args=(preview.root, preview.rounds, stop),
                         kwargs={"ready": ready}, name="briefgen-pages", daemon=True),
        threading.Thread(target=preview.documents, args=(stop,), name="briefgen-documents",
                         daemon=True),
    ]

    def start() -> None:
        for lane in lanes:
            lane.start()

    try:
        yield start
    finally:
        stop.set()
        preview.wake()
        pool.shutdown()
        for lane in lanes:
            if lane.is_alive():
                lane.join(timeout=10)


def _run(app: Starlette, sock: socket.socket, on_exit: Callable[[], None]) -> None:
    """Serve ``app`` on ``sock`` until Ctrl-C or SIGTERM."""
    config = uvicorn.Config(app, log_level=logging.INFO if log.isEnabledFor(logging.INFO)
                            else logging.WARNING, access_log=log.isEnabledFor(logging.DEBUG),
                            timeout_graceful_shutdown=1, lifespan="on")
    try:
        _Server(config, on_exit=on_exit).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn passes Ctrl-C on once it has stopped
        pass
    finally:
        sock.close()


class _Server(uvicorn.Server):
    """uvicorn's server, which ends the event streams when asked to stop (a stream never
    ends by itself, and uvicorn waits for open responses before it stops)."""

    def __init__(self, config: uvicorn.Config, on_exit: Callable[[], None]) -> None:
        super().__init__(config)
        self.on_exit = on_exit

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.on_exit()
        super().handle_exit(sig, frame)


@contextlib.contextmanager
def _document_pool() -> Iterator[Executor]:
    pool = _Worker()
    try:
        yield pool
    finally:
        pool.shutdown()


class _Worker(Executor):
    """One worker process for the packs' documents, which keeps its engines warm between
    documents, and is started again if it died. It is spawned, not forked: forking a
    process that runs threads may deadlock."""

    def __init__(self) -> None:
        self._pool = self._start()
        self._closed = False

    @staticmethod
    def _start() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_worker_started, initargs=(os.getpid(),))

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        if self._closed:
            raise BrokenExecutor("the server is stopping")
        try:
            return self._pool.submit(fn, *args, **kwargs)
        except BrokenExecutor:  # the worker died (out of memory, killed): a new one
            self._pool.shutdown(wait=False)
            self._pool = self._start()
            return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop, ending the worker at once, even in the middle of a document (nothing is
        lost: the build writes only what was rendered, after it was)."""
        self._closed = True
        # ProcessPoolExecutor.terminate_workers() comes with Python 3.14.
        workers = getattr(self._pool, "_processes", None) or {}
        for worker in list(workers.values()):
            worker.terminate()
        self._pool.shutdown(wait=True, cancel_futures=True)


def _worker_started(parent: int) -> None:
    """In the worker: a lower priority (on a busy machine the pages come first), the build
    workers' memory cap (a runaway document fails alone, the worker and the server go on),
    and an end with the server's process, however that ends (the worker holds its own end
    of the task queue's pipe, so it would otherwise wait forever)."""
    os.nice(10)
    limit_memory(DEFAULT_MEMORY_LIMIT)

    def orphaned() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=orphaned, name="briefgen-orphaned", daemon=True).start()


def _check_pack(root: Path, pack_id: str | None) -> None:
    """An unknown pack is a usage error; a project that does not load shows its errors in
    the page instead."""
    if pack_id is None:
        return
    try:
        project = load_project(root)
    except ValidationFailed:
        return
    if pack_id not in project.packs:
        known = ", ".join(sorted(project.packs)) or "none"
        raise UsageError(f"no pack with id {pack_id} (packs in this project: {known})")
