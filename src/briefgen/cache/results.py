"""Results worked out from one file (a base's findings, what validation found clean), kept
in the parse cache with the file's entry: a file seen before is not gone through again;
those the cache lacks are worked out on every core when there are many."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from briefgen import processes

if TYPE_CHECKING:
    from briefgen.cache import ParseCache

T = TypeVar("T")
E = TypeVar("E")

DERIVED = "d-"  # results worked out from an entry: removed after a week without use
SIDE_BY_SIDE_FROM = 16  # results to work out before the work is spread over the cores


def derived_name(entry: str, *parts: str) -> str:
    """The name of an entry worked out from the entry ``entry`` and ``parts``."""
    return DERIVED + hashlib.sha256("\0".join((entry, *parts)).encode()).hexdigest()


@dataclass(frozen=True)
class Work(Generic[T]):
    """A result worked out from the file of the entry ``entry`` alone (and ``key``:
    anything else it depends on); ``what`` names it (and the file as results show it).
    An empty ``entry``: a result never kept."""

    entry: str
    what: str
    compute: Callable[[], T]
    key: str = ""


def derived(cache: ParseCache | None, entry: str, what: str, compute: Callable[[], T],
            key: str = "") -> T:
    """``compute()``, kept with the file of the entry ``entry``: a file seen before is not
    gone through again (see :class:`Work`). The result must be plain data, briefgen's
    models or findings."""
    return derived_all(cache, [Work(entry, what, compute, key)])[0]


def derived_all(cache: ParseCache | None, works: Sequence[Work[T]]) -> list[T]:
    """:func:`derived` of each of ``works``; those the cache lacks worked out on every
    core when they are many (a large project seen for the first time)."""
    names = _names(cache, works)
    found = [cache.get(name) if cache is not None and name else None for name in names]
    lacking = [index for index, value in enumerate(found)
               if not (isinstance(value, tuple) and len(value) == 1)]
    computed: dict[int, T] = {}
    for index, value in _work_out(works, lacking):  # kept as each comes
        computed[index] = value
        if cache is not None and names[index]:
            cache.put(names[index], (value,))
    return [computed[index] if index in computed else found[index][0]  # type: ignore[index]
            for index in range(len(works))]


def known_clean(cache: ParseCache | None, entry: str, what: str,
                compute: Callable[[], list[E]], key: str = "") -> list[E]:
    """The problems ``compute()`` finds in the file of the entry ``entry`` alone (and
    ``key``), not looked for again in a file found clean before."""
    if cache is None or not entry:
        return compute()
    name = derived_name(entry, what, key)
    if cache.get(name) is True:
        return []
    problems = compute()
    if not problems:
        cache.put(name, True)
    return problems


def derived_entries(works: Sequence[Work[T]]) -> list[tuple[str, object]]:
    """Each of ``works`` worked out here, as :func:`derived_all` keeps it: (name, entry). For
    the process that has just parsed the file: the cache keeps them with the file's own."""
    return [(derived_name(work.entry, work.what, work.key), (work.compute(),))
            for work in works if work.entry]


def clean_entries(entry: str, what: str, compute: Callable[[], list[E]],
                  key: str = "") -> list[tuple[str, object]]:
    """:func:`known_clean`'s entry for the file of the entry ``entry``, worked out here
    (see :func:`derived_entries`): one if ``compute()`` finds nothing, else none."""
    return [] if not entry or compute() else [(derived_name(entry, what, key), True)]


def _names(cache: ParseCache | None, works: Sequence[Work[T]]) -> list[str]:
    return [derived_name(work.entry, work.what, work.key) if cache is not None and work.entry
            else "" for work in works]


def _work_out(works: Sequence[Work[T]], indices: list[int]) -> Iterator[tuple[int, T]]:
    """``(i, works[i].compute())`` for each of ``indices``, in order: on every core when
    they are many and this process may fork, else one after the other."""
    jobs = processes.cores()
    if len(indices) < SIDE_BY_SIDE_FROM or jobs < 2 or not processes.may_spread():
        return ((index, works[index].compute()) for index in indices)
    return zip(indices, processes.fork_map(lambda i: works[indices[i]].compute(),
                                           len(indices), jobs), strict=True)
