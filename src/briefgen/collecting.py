"""Python's cycle collector, paused while briefgen makes many objects that live on, and
set aside from what a process holds once it has rendered its first document.

Loading a large project makes hundreds of thousands of objects that all live on (models,
their line maps, findings): the collector, run every 700 allocations, goes through them
again and again and finds nothing to free (a fifth of a warm ``check`` of 15,000 facts).
Paused for such a stretch, it then counts what was made there as old, as it would after
going through it, without going through it; reference counting frees what it always
frees meanwhile, and the collector runs as usual afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The cycle collector off for the ``with`` block (nested: the outermost block turns
    it back on); what the block made is then the collector's oldest generation."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            if gc.get_freeze_count() == 0:  # a program's own frozen objects stay frozen
                gc.freeze()  # every tracked object, moved aside at no cost ...
                gc.unfreeze()  # ... and back, as the oldest generation
            gc.enable()


def settle() -> None:
    """Once a process has rendered its first document: what it holds then (the engines'
    modules, fonts, compiled templates; a Dask worker's own machinery) is set aside from
    the collector for good, which then goes through what later renders make only (a full
    collection went through all of it: 40-70 ms, about once a pack's documents). Only the
    first call does anything (or none, if the program froze objects of its own)."""
    if gc.get_freeze_count() == 0 and gc.isenabled():
        gc.collect()
        gc.freeze()
