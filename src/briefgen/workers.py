"""Where documents are rendered: in this process, or on long-lived forked workers.

Each process keeps its engines (WeasyPrint's FontConfiguration, parsed stylesheets, Jinja
environments) between documents: that is what keeps memory flat and rendering fast. This
per-process cache is the one piece of module state in briefgen, and it holds nothing
but caches.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from briefgen.context import PackView
from briefgen.documents import REGISTRY, Engines, Rendered
from briefgen.templating import Templates

_ENGINES: dict[tuple[str, bool], Engines] = {}

P = ParamSpec("P")
T = TypeVar("T")


def engines_for(project_templates: Path | None) -> Engines:
    """This process's engines for a project's templates folder."""
    key = (str(project_templates), bool(project_templates and project_templates.is_dir()))
    if key not in _ENGINES:
        _ENGINES[key] = Engines(Templates(project_templates))
    return _ENGINES[key]


def render_document(document: str, view: PackView,
                    project_templates: Path | None) -> tuple[Rendered, float]:
    """Render one document and time it; the entry point that crosses to worker processes."""
    started = time.perf_counter()
    rendered = REGISTRY[document].render(view, engines_for(project_templates))
    return rendered, time.perf_counter() - started


class InlineExecutor(Executor):
    """Runs each task at once in this process (``--jobs 1``)."""

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:  # handed to the caller through the future
            future.set_exception(error)
        return future


def _warm() -> Any:
    """Import the engines once in the parent, so forked workers start with them loaded."""
    import weasyprint

    return weasyprint


@contextmanager
def fork_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` forked processes (fork beats spawn here: nothing is re-imported)."""
    _warm()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield pool
