"""Worker processes: a pool of forked processes, each with its memory capped.

Generic and low: the loader parses files on it, the build renders documents on it, and
``serve`` caps its document worker the same way. Nothing here knows what runs on them.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import partial
from typing import Any, TypeVar

# POSIX-only: without ``resource`` (Windows) workers have no memory cap (docs/platforms.md).
try:
    import resource
except ImportError:
    resource = None  # type: ignore[assignment]

DEFAULT_MEMORY_LIMIT = 4 * 1024**3  # bytes of address space per worker process
T = TypeVar("T")
# In a worker of fork_map only: the function it was forked with (inherited, never pickled).
_INHERITED: list[Callable[[int], Any]] = []


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


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


def may_spread() -> bool:
    """Whether work may be spread over worker processes: not from a process that runs
    other threads (forking one may hang)."""
    return threading.active_count() == 1


def fork_map(function: Callable[[int], T], count: int, jobs: int,
             memory_limit: int = DEFAULT_MEMORY_LIMIT) -> Iterator[T]:
    """``function(0), ..., function(count - 1)`` on ``jobs`` forked processes, each with
    its address space capped, in order as they come (the caller works on the first while
    the next are worked out). ``function`` reaches them by the fork, not by pickle: it may
    hold anything (a closure over a whole project); its results come back pickled. Where
    there is no safe fork (macOS, Windows), in this process, one after the other."""
    if not sys.platform.startswith("linux"):
        yield from (function(index) for index in range(count))
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                             initializer=partial(_inherit, function, memory_limit)) as pool:
        yield from pool.map(_call_inherited, range(count),
                            chunksize=max(1, count // (jobs * 16)))


def _inherit(function: Callable[[int], Any], memory_limit: int) -> None:
    limit_memory(memory_limit)
    _INHERITED.append(function)


def _call_inherited(index: int) -> Any:
    return _INHERITED[-1](index)
