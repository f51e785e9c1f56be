"""Serve's web application: :func:`make_app`, the Starlette application over a
:class:`~briefgen.serve.builder.Preview`, read-only.

This module owns the request handlers (the index, a pack's page, the assets), the
:class:`Broadcaster` of server-sent events (one stream per open page), the built documents
as static files (:class:`Documents`), the security headers (:class:`SecurityHeaders`) and
the pages' policies. It reads :attr:`Preview.state` and tells the preview which pages
browsers show and fetch; it builds nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
from collections.abc import AsyncIterator, Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
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

from briefgen import i18n
from briefgen.documents import REGISTRY
from briefgen.errors import RenderError
from briefgen.serve.builder import HTML_KIND, Preview
from briefgen.serve.interface import DOMAIN, Interface, choose, interface
from briefgen.serve.state import Key, State
from briefgen.templating import Templates, default_templates

# -- Pages --------------------------------------------------------------------------------


MAX_STREAMS = 100  # open event streams: a preview is for a few tabs, not thousands


class Broadcaster:
    """The open pages (one server-sent event stream each, at most ``limit``) and what they
    were last sent."""

    def __init__(self, state: Callable[[], State], limit: int = MAX_STREAMS) -> None:
        self._state = state
        self.limit = limit
        self._admitted = 0  # streams let in: counted from the request, before they start
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

    def admit(self) -> bool:
        """Let one more stream in, if fewer than ``limit`` are open (on the event loop's
        thread); the stream's response calls :meth:`release` when it ends."""
        if self._admitted >= self.limit:
            return False
        self._admitted += 1
        return True

    def release(self) -> None:
        self._admitted -= 1

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
RETRY_AFTER = 10  # seconds, before a page refused an event stream tries again (live.js)
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
        Mount("/preview", Documents(preview.preview_out, served=preview.fetched,
                                    linked=False)),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts),
                             www_redirect=False),
                  Middleware(SecurityHeaders)]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


class _EventStream(StreamingResponse):
    """An event stream that says when it ends, however it ends (the page went away, the
    server stops), even if it never started."""

    def __init__(self, content: AsyncIterator[str], on_end: Callable[[], None],
                 **kwargs: Any) -> None:
        super().__init__(content, **kwargs)
        self.on_end = on_end

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.on_end()


class Documents(StaticFiles):
    """The built documents: only ``<pack>/<lang>/<document file>`` (no manifest, no
    dot-folder, no ``..``), and no link that leads out of the folder; nothing at all if
    the folder itself is a link and ``linked`` is False (the preview's folder: serve never
    writes there through a link, so what is there is not its own). ``served`` is told the
    (pack, language) of each document served. Before the first build made the folder,
    every document is not found."""

    def __init__(self, directory: Path, check_dir: bool = False,
                 served: Callable[[Key], None] = lambda key: None,
                 linked: bool = True) -> None:
        super().__init__(directory=directory, check_dir=check_dir, follow_symlink=False)
        self.folder = directory
        self.served = served
        self.linked = linked

    async def check_config(self) -> None:
        """Nothing to check: the first build makes the folder (StaticFiles would fail every
        request until then, with a traceback)."""

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        if not DOCUMENT_PATH.fullmatch(path) or (not self.linked and self.folder.is_symlink()):
            return "", None
        return super().lookup_path(path)

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            response = await super().get_response(path, scope)
        except HTTPException as error:
            if error.status_code != 404 or not DOCUMENT_PATH.fullmatch(path):
                raise
            pack_id, lang, _name = path.split("/")  # what DOCUMENT_PATH lets through
            return PlainTextResponse(
                f"Not Found: not built (yet). /packs/{pack_id}/{lang} shows the pack's "
                "documents as soon as they are built.\n", status_code=404)
        if response.status_code in (200, 304):
            pack_id, lang, _name = path.split("/")
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
        self.loader = jinja2.PackageLoader("briefgen", "preview")
        self.interfaces: dict[tuple[str, i18n.CatalogKey], Interface] = {}
        folder = resources.files("briefgen") / "preview"
        self.assets = {name: (folder / name).read_bytes() for name in ASSETS}

    async def index(self, request: Request) -> Response:
        return self._render(request, "index.html", None, events="/_briefgen/events")

    async def pack(self, request: Request) -> Response:
        pack = self.preview.state.packs.get(request.path_params["pack"])
        if pack is None:
            return self._render(request, "index.html", None, status=404,
                                events="/_briefgen/events")
        return RedirectResponse(f"/packs/{pack.id}/{pack.languages[0]}")

    async def page(self, request: Request) -> Response:
        key = (request.path_params["pack"], request.path_params["lang"])
        pack = self.preview.state.packs.get(key[0])
        if pack is None or key[1] not in pack.languages:
            return self._render(request, "index.html", None, status=404,
                                events="/_briefgen/events")
        return self._render(request, "page.html", key, pack=pack,
                            events=f"/_briefgen/events?pack={key[0]}&lang={key[1]}")

    def _render(self, request: Request, name: str, key: Key | None, status: int = 200,
                **values: Any) -> Response:
        state = self.preview.state
        ui = self._interface(request.headers.get("accept-language"))
        body = ui.templates.get_template(name).render(
            state=state, key=key, versions=state.versions(key), status=status, ui=ui,
            page_url=lambda key: self._page_url(state, key),
            documents=lambda key: self._documents(state, key), **values)
        return HTMLResponse(body, status_code=status,
                            headers={"content-language": ui.lang, "vary": "accept-language"})

    def _interface(self, accept_language: str | None) -> Interface:
        """The interface in the browser's language (a catalog edited while serving is
        read again)."""
        try:
            dirs = Templates(self.preview.root / "templates").locale_dirs
        except RenderError:  # a linked locale folder: the build says so; briefgen's labels
            dirs = [i18n.catalog_dir(default_templates())]
        lang = choose(accept_language, dirs)
        key = (lang, i18n.catalog_key(dirs, lang, DOMAIN))
        if key not in self.interfaces:
            self.interfaces[key] = interface(lang, dirs, self.loader)
        return self.interfaces[key]

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
        """The page's event stream; past the limit, a 503 (idle streams cost memory), after
        which the page's script tries again later."""
        if not self.broadcaster.admit():
            return PlainTextResponse(
                f"too many open preview pages ({self.broadcaster.limit} event streams): "
                "close some tabs of the preview; open pages try again by themselves\n",
                status_code=503, headers={"retry-after": str(RETRY_AFTER)})
        pack, lang = request.query_params.get("pack"), request.query_params.get("lang")
        key = (pack, lang) if pack and lang else None
        return _EventStream(self.broadcaster.stream(key), on_end=self.broadcaster.release,
                            media_type="text/event-stream", headers={"x-accel-buffering": "no"})

    async def favicon(self, request: Request) -> Response:
        return Response(self.assets["favicon.svg"], media_type=ASSETS["favicon.svg"])

    async def asset(self, request: Request) -> Response:
        name = request.path_params["asset"]
        if name not in ASSETS:
            return PlainTextResponse("Not Found", status_code=404)
        return Response(self.assets[name], media_type=ASSETS[name])
