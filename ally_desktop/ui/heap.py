"""Keeping the cycle collector's full passes short once the window is up.

Python's cycle collector now and then walks every object the program holds (a full
pass), on whichever thread happens to allocate, holding the interpreter lock meanwhile.
While the network map's worker laid 2,000 people out, such passes took 13 to 24 ms on its
thread, and the window's event loop waited that long for the lock (bench/network.py
names what each of its longest waits overlapped).

Most of what is walked is made at start-up and lives until Ally quits (modules, Qt's
wrappers, the window: about 42,000 objects on 100,000 contacts). So, a little after the
first frame, the start-up's garbage is collected once and what remains is frozen
(``gc.freeze``, 8 ms): later passes walk only what was made since. What is frozen is
still freed when nothing refers to it; only a cycle among frozen objects, were one
dropped later, would not be.
"""

from __future__ import annotations

import gc
import logging
import time

log = logging.getLogger(__name__)

# After the first frame, once the window's first reads and the tray are done.
SETTLE_DELAY_MS = 1500


def freeze_long_lived() -> int:
    """Collect the garbage there is, then freeze every object left; returns how many."""
    began = time.perf_counter()
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    log.info(
        "heap: %d long-lived objects frozen in %.0f ms",
        frozen,
        (time.perf_counter() - began) * 1000,
    )
    return frozen
