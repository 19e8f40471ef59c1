"""Pausing Python's cycle collector during long work that makes no cycles worth it.

* An import: reading 100,000 contacts creates millions of small objects that all stay
  alive; each of the collector's passes walks them again, and the passes get longer as
  the pile grows, which makes a large import quadratic: half its time went to the
  collector.
* The network map's layout: its rounds make and drop lists by the thousand, which sets
  off the collector's passes on the worker's thread, each holding the interpreter lock
  (the window's event loop waits for it meanwhile).

The collector waits until the work is done, and then runs as usual.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
