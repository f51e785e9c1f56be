"""``briefgen serve``: the packs in a browser, rebuilt and shown again on every save.

- :func:`watch_project` is the loop, as in MkDocs' ``serve``: it calls a *builder* once,
  then after every batch of saves under ``facts/``, ``packs/`` and ``templates/``. A
  builder yields between its steps; the loop drops it at a step when newer saves wait.
  It lives in :mod:`briefgen.watching`, and runs ``briefgen watch`` too.
- :class:`Preview` (:mod:`briefgen.serve.builder`) is serve's builder, in two lanes that
  both go through :func:`briefgen.build`. The fast lane (:meth:`Preview.rounds`) loads the
  project and builds the ``briefing-html`` page of each pack and language into
  ``<out>/.preview/``, the pages a browser shows first, then ``check``'s findings. The slow
  lane (:meth:`Preview.documents`) builds the packs' own documents into ``<out>`` on a
  worker process. :attr:`Preview.state` is what the pages show; :attr:`Preview.terminal`
  (:mod:`briefgen.serve.terminal`) says a line per rebuild and per new error.
- :func:`make_app` (:mod:`briefgen.serve.app`) is the Starlette application over a
  :class:`Preview`: the pages, one server-sent event stream per page, and the built
  documents; read-only. :func:`serve` runs it on uvicorn, on the loopback interface unless
  told otherwise.

This module, the package's face, owns the server: :func:`serve`, its listening socket
(:func:`open_socket`, :func:`allowed_hosts`), uvicorn, the document worker process
(:func:`_document_pool`) and the lanes' threads (:func:`_lanes`); and it re-exports what
callers use of the modules above. They never import it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from pathlib import Path
from types import FrameType
from typing import ParamSpec, TypeVar

import uvicorn
from starlette.applications import Starlette

from briefgen.errors import BriefgenError, UsageError
from briefgen.processes import DEFAULT_MEMORY_LIMIT, limit_memory
from briefgen.project import refuse_unknown_packs
from briefgen.serve.app import (
    ASSETS,
    DOCUMENT_PATH,
    DOCUMENT_POLICY,
    MAX_STREAMS,
    PAGE_POLICY,
    Broadcaster,
    Documents,
    SecurityHeaders,
    make_app,
)
from briefgen.serve.builder import BROWSER_TURN, HTML_KIND, PREVIEW_FOLDER, Preview
from briefgen.serve.state import Job, Key, PackInfo, State
from briefgen.watching import Builder, watch_project

__all__ = [
    "ASSETS", "BROWSER_TURN", "DOCUMENT_PATH", "DOCUMENT_POLICY", "HTML_KIND", "MAX_STREAMS",
    "PAGE_POLICY", "PREVIEW_FOLDER", "Broadcaster", "Builder", "Documents", "Job", "Key",
    "PackInfo", "Preview", "SecurityHeaders", "ServeError", "State", "allowed_hosts",
    "every_interface", "is_loopback", "make_app", "open_socket", "serve", "url_of",
    "watch_project",
]

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")


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
    names and the address served on. Raises :class:`UsageError` for every interface
    (:func:`every_interface`)."""
    if every_interface(host):
        raise UsageError(f"--host {host} means every interface of this machine: name the "
                         "address others reach it at, such as --host 192.168.1.20")
    hosts = {"localhost", "127.0.0.1", "::1", host.strip("[]")}
    # Starlette compares IPv6 literals with their brackets, as a Host header writes them.
    return sorted(f"[{h}]" if ":" in h else h.lower() for h in hosts)


def every_interface(host: str) -> bool:
    """``host`` is the unspecified address (``0``, ``0.0.0.0``, ``::``...): every interface.

    serve refuses it rather than guess the names others would type. The Host check (against
    DNS rebinding) needs every name and address of the machine a browser may put in the
    Host header, and they cannot all be known: the host name often resolves to 127.0.1.1,
    addresses come and go with the networks, and a name in another's DNS is not ours to
    see. A server that listens everywhere and answers 400 to whoever is not on the list is
    what the user did not ask for; one that accepts every Host header gives up the check.
    Naming the address makes both plain: where the pages are, and the one name accepted.
    """
    try:
        found = socket.getaddrinfo(host.strip("[]"), None, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError):
        return False  # open_socket says why
    return any(ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_unspecified
               for info in found)


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
          say: Callable[[str], None] = lambda line: None) -> None:
    """Serve a preview of the project at ``root`` until interrupted (Ctrl-C, SIGTERM).

    ``pack_id`` limits it to one pack. ``ready`` is called with the URL to open once the
    server listens and watches the project's folders; ``say`` with a line for a person at
    each rebuild and each new error, from any thread. Listens on the loopback interface
    unless ``host`` says otherwise (with a warning: there is no password). Packs without
    ``issued:`` are dated ``today``, else the clock's date at each save. Raises
    :class:`UsageError` for an unknown pack, :class:`ServeError` for an address that cannot
    be listened on, :class:`UsageError` for every interface (:func:`every_interface`).
    """
    root = Path(root)
    hosts = allowed_hosts(host)
    refuse_unknown_packs(root, [pack_id] if pack_id else None)
    if not is_loopback(host):
        log.warning("serving on %s: anyone who can reach this machine on the network can "
                    "read the packs (there is no password); leave out --host to serve on "
                    "127.0.0.1 only", host)
    sock = open_socket(host, port)
    url = url_of(sock) + (f"packs/{pack_id}" if pack_id else "")
    with _terminate_as_interrupt(), _document_pool() as pool:
        broadcaster = Broadcaster(lambda: preview.state)
        preview = Preview(root, Path(out) if out is not None else None,
                          [pack_id] if pack_id else None, viewed=lambda: broadcaster.viewed,
                          changed=broadcaster.publish, executor=pool, today=today,
                          say=say)
        with _lanes(preview, pool, ready=lambda: ready(url)) as start:
            app = make_app(preview, broadcaster, hosts, on_startup=start)
            _run(app, sock, on_exit=broadcaster.close)


@contextlib.contextmanager
def _lanes(preview: Preview, pool: Executor,
           ready: Callable[[], None]) -> Iterator[Callable[[], None]]:
    """The preview's two lanes, each on a thread, started by the function this yields;
    stopped on the way out, the worker first (it may be in the middle of a document)."""
    stop = threading.Event()
    lanes = [  # the loop's watchfiles timings are serve's by default
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


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (``kill``, a service manager) ends serve as Ctrl-C does: with everything
    stopped in order, the worker process and its queues too. uvicorn catches both while it
    serves, then raises the signal again once it has stopped: SIGTERM's default action
    would end the process there, before the worker is shut down (multiprocessing's resource
    tracker then warns of leaked semaphores) and with status -15."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(sig: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _run(app: Starlette, sock: socket.socket, on_exit: Callable[[], None]) -> None:
    """Serve ``app`` on ``sock`` until Ctrl-C or SIGTERM."""
    config = uvicorn.Config(app, log_level=logging.INFO if log.isEnabledFor(logging.INFO)
                            else logging.WARNING, access_log=log.isEnabledFor(logging.DEBUG),
                            timeout_graceful_shutdown=1, lifespan="on")
    try:
        _Server(config, on_exit=on_exit).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn passes Ctrl-C (and SIGTERM) on once it has stopped
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
    """In the worker: the build workers' memory cap (a runaway document fails alone, the
    worker and the server go on), and an end with the server's process, however that ends
    (the worker holds its own end of the task queue's pipe, so it would otherwise wait
    forever). It runs at the server's priority: the pages a browser shows come first
    because the documents' lane starts no document while they are built
    (:meth:`Preview.documents`), not by a lower priority, which held the PDFs back behind
    every other program on a busy machine (with no page open: save to the last PDF 1.7-2.2 s
    at nice 10, 1.5 s at the server's priority, as in a warm process; the brief in Chromium
    no slower)."""
    limit_memory(DEFAULT_MEMORY_LIMIT)

    def orphaned() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=orphaned, name="briefgen-orphaned", daemon=True).start()
