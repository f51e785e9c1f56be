"""Python's cycle collector, paused while briefgen makes many objects at once.

Loading a large project makes hundreds of thousands of objects that all live on (models,
their line maps, findings): the collector, run every 700 allocations, goes through them
again and again and finds nothing to free. Paused for the length of such a stretch, it
runs as usual afterwards; reference counting frees what it always frees meanwhile.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The cycle collector off for the ``with`` block, as it was after (nested: the
    outermost block turns it back on)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
