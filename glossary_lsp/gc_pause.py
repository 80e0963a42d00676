"""Pausing Python's cyclic garbage collector while building large, lasting structures."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while a build allocates many lasting objects.

    Each allocation counts towards the next collection, and the collector would rescan the
    objects built so far again and again (they all stay alive, so it frees nothing): loading a
    100,000-term glossary ran 3x slower, building its matcher 2x.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
