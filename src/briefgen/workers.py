"""Where documents are rendered: in this process, or on long-lived forked workers.

Each process keeps its engines (WeasyPrint's FontConfiguration, parsed stylesheets, Jinja
environments) between documents: that is what keeps memory flat and rendering fast. This
per-process cache is the one piece of module state in briefgen, and it holds nothing
but caches.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from briefgen import collecting, writes
from briefgen.cache import code_fingerprint
from briefgen.documents import REGISTRY, Engines, Rendered
from briefgen.errors import BriefgenError, RenderError
from briefgen.fsutil import inside
from briefgen.templating import Templates
from briefgen.views import PackView

# POSIX-only parts, each with its fallback (see docs/platforms.md): without ``resource``
# (Windows) workers have no memory cap; without SIGALRM a render has no time limit; without
# ``fork`` workers are spawned (they import the engines themselves).
try:
    import resource
except ImportError:
    resource = None  # type: ignore[assignment]

_ENGINES: dict[tuple[str, bool], Engines] = {}
# Release the engines before interpreter teardown (WeasyPrint's FontConfiguration cleans up
# in __del__, which fails once modules are being torn down).
atexit.register(_ENGINES.clear)

P = ParamSpec("P")
T = TypeVar("T")


def engines_for(project_templates: Path | None) -> Engines:
    """This process's engines for a project's templates folder."""
    key = (str(project_templates), bool(project_templates and project_templates.is_dir()))
    if key not in _ENGINES:
        _ENGINES[key] = Engines(Templates(project_templates))
    return _ENGINES[key]


DEFAULT_TIME_LIMIT = 120.0  # seconds per document


class _TimeUp(BaseException):
    """Raised by the timer inside a runaway render (a BaseException: nothing swallows it)."""


def environment_fingerprint(templates: Templates) -> str:
    """What a document is made from besides its data: briefgen's code and the templates."""
    return hashlib.sha256(f"{code_fingerprint()}\0{templates.fingerprint()}".encode()).hexdigest()


@dataclass(frozen=True)
class TemplateBundle:
    """A project's ``templates/`` folder as data, to travel with the tasks to workers that
    cannot see it (a Dask worker on another machine)."""

    files: tuple[tuple[str, bytes], ...]

    @classmethod
    def of(cls, folder: Path | None) -> TemplateBundle | None:
        """Every file under ``folder`` that documents may use (a regular file inside it,
        not hidden), or None for a project without templates."""
        if folder is None or not folder.is_dir():
            return None
        files = []
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if any(part.startswith((".", "__pycache__")) for part in relative.parts):
                continue
            real = inside(path, folder)
            if real is not None and real.is_file():
                files.append((relative.as_posix(), real.read_bytes()))
        return cls(tuple(files))

    def digest(self) -> str:
        digest = hashlib.sha256()
        for name, data in self.files:
            digest.update(f"{name}\0{len(data)}\0".encode())
            digest.update(data)
        return digest.hexdigest()

    def unpacked(self) -> Path:
        """The files in a folder of this process's own (made once per process)."""
        key = self.digest()
        if key not in _UNPACKED:
            folder = writes.temporary_folder("briefgen-templates-") / "templates"
            for name, _ in self.files:
                if not (folder / name).resolve().is_relative_to(folder.resolve()):
                    raise RenderError("a template file's name leads outside its folder", name)
            writes.write({folder / name: data for name, data in self.files}, within=folder,
                         durable=False)
            _UNPACKED[key] = folder
        return _UNPACKED[key]


_UNPACKED: dict[str, Path] = {}  # bundles unpacked in this process, by digest


def render_document(document: str, view: PackView, project_templates: Path | None,
                    time_limit: float | None = DEFAULT_TIME_LIMIT,
                    environment: str | None = None,
                    bundle: TemplateBundle | None = None,
                    hint: int | str | None = None) -> tuple[Rendered, float]:
    """Render one document and time it; the entry point that crosses to worker processes.

    ``environment`` is the :func:`environment_fingerprint` the build computed: a worker
    that sees other templates or other code fails instead of rendering from other inputs
    than the manifest records. A worker that cannot see the project's ``templates/`` (a
    Dask worker on another machine) uses the ``bundle`` of them that came with the task.
    ``hint`` is what the document's previous render left (:attr:`Rendered.hint`). A render
    that runs past ``time_limit`` seconds, or out of memory, fails with a
    :class:`RenderError`. (The time limit needs the process's main thread: executors that
    run tasks on threads, such as Dask's, rely on their own limits.)
    """
    name = f"{view.id}/{view.lang}/{REGISTRY[document].filename}"
    try:
        return _render(document, view, project_templates, time_limit, environment, bundle,
                       hint, name)
    except RenderError as error:  # say which document, whatever part of it failed
        error.in_document(view.id, view.lang, document, name)
        raise



def render_documents(documents: Sequence[str], view: PackView,
                     project_templates: Path | None,
                     time_limit: float | None = DEFAULT_TIME_LIMIT,
                     environment: str | None = None,
                     bundle: TemplateBundle | None = None,
                     hints: Sequence[int | str | None] = ()
                     ) -> list[tuple[Rendered, float] | BriefgenError]:
    """Several documents of one view rendered in turn in one task, each as
    :func:`render_document` renders it, each with its own outcome: so that a book finds
    its note and fact sheet already written in this process (``Engines.written``)."""
    outcomes: list[tuple[Rendered, float] | BriefgenError] = []
    for index, document in enumerate(documents):
        hint = hints[index] if index < len(hints) else None
        try:
            outcomes.append(render_document(document, view, project_templates, time_limit,
                                            environment, bundle, hint))
        except BriefgenError as error:
            outcomes.append(error)
    return outcomes

def _render(document: str, view: PackView, project_templates: Path | None,
            time_limit: float | None, environment: str | None,
            bundle: TemplateBundle | None, hint: int | str | None,
            name: str) -> tuple[Rendered, float]:
    engines = engines_for(project_templates)
    if (environment is not None and bundle is not None
            and environment_fingerprint(engines.templates) != environment):
        engines = engines_for(bundle.unpacked())
    if environment is not None and environment_fingerprint(engines.templates) != environment:
        raise RenderError(
            "this worker sees other templates or another briefgen than the build: its output "
            "would not be what the manifest records", name,
            f"run workers with the same briefgen and the project's templates/ at "
            f"{project_templates}, or build without the executor",
        )
    if hint is not None:
        engines.hints[name] = hint
    started = time.perf_counter()
    try:
        with _time_limit(time_limit):
            rendered = REGISTRY[document].render(view, engines)
    except _TimeUp:
        raise RenderError(
            f"rendering took longer than {time_limit:g} s and was stopped", name,
            "look for a runaway input: thousands of facts or an enormous text",
        ) from None
    except MemoryError:
        raise _out_of_memory(name) from None
    except SystemError:
        # C code that fails to allocate under the address-space cap may return an error
        # without setting MemoryError: in a capped worker that is what it means.
        if not _memory_capped():
            raise
        raise _out_of_memory(name) from None
    seconds = time.perf_counter() - started
    collecting.settle()  # after the process's first render (then nothing)
    return rendered, seconds


def _out_of_memory(name: str) -> RenderError:
    return RenderError("rendering ran out of memory and was stopped", name,
                       "look for a runaway input: thousands of facts or an enormous text")


def _memory_capped() -> bool:
    if resource is None:
        return False
    return resource.getrlimit(resource.RLIMIT_AS)[0] != resource.RLIM_INFINITY


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    if (not seconds or not hasattr(signal, "SIGALRM")
            or threading.current_thread() is not threading.main_thread()):
        yield
        return

    fired = []

    def time_up(signum: int, frame: object) -> None:
        fired.append(True)
        raise _TimeUp

    # The alarm may go off in a weakref callback or a __del__, where Python swallows the
    # exception and prints "Exception ignored": say nothing then, and stop after the render.
    unraisable = sys.unraisablehook

    def ignore_time_up(error: Any) -> None:
        if not isinstance(error.exc_value, _TimeUp):
            unraisable(error)

    previous = signal.signal(signal.SIGALRM, time_up)
    sys.unraisablehook = ignore_time_up
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        sys.unraisablehook = unraisable
    if fired:
        raise _TimeUp


def warm_engines() -> None:
    """Import the engines once in the parent, so forked workers start with them loaded."""
    importlib.import_module("briefgen.pdf")
