"""Worker processes: a pool of forked processes, each with its memory capped.

Generic and low: the loader parses files on it, the build renders documents on it, and
``serve`` caps its document worker the same way. Nothing here knows what runs on them.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

# POSIX-only: without ``resource`` (Windows) workers have no memory cap (docs/platforms.md).
try:
    import resource
except ImportError:
    resource = None  # type: ignore[assignment]

DEFAULT_MEMORY_LIMIT = 4 * 1024**3  # bytes of address space per worker process


def limit_memory(limit: int) -> None:
    """Worker initializer: cap the address space, so a runaway render fails alone."""
    if resource is None:
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or hard > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


@contextmanager
def fork_pool(workers: int, memory_limit: int = DEFAULT_MEMORY_LIMIT,
              warm: Callable[[], object] | None = None) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` forked processes (fork beats spawn here: nothing is re-imported),
    each with its address space capped at ``memory_limit`` bytes; ``warm`` is called first
    in this process (to import what the workers will use, once)."""
    if warm is not None:
        warm()
    # fork only on Linux: macOS's system libraries are not safe to fork (Python's default
    # there is spawn), and Windows has no fork.
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=limit_memory, initargs=(memory_limit,)) as pool:
        yield pool
