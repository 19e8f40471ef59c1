"""Recording hard crashes: a segfault in Qt, an abort, a deadlock killed by the user.

Kept free of Qt so start-up can turn it on before Qt is even imported.

Python's exception hook never sees these; the process is simply gone. ``faulthandler``
still writes the Python stack of every thread at that moment, to a file that must be
open *before* the crash: ``<data dir>/logs/crash.log``, opened at start-up in append mode
and kept open for the life of the process. Nothing else is ever written to it, so a
non-empty file means a crash.

At the next start the file is set aside (``crash-pending.log``) before a fresh one is
opened, and once the window has painted Ally offers to show it (``ui.crash_report``).
Once offered, it is renamed ``crash-<timestamp>.log``: it stays in the log folder for a
bug report, and is never offered again.
"""

from __future__ import annotations

import faulthandler
import logging
import os
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from ally_desktop.paths import DataPaths

log = logging.getLogger("ally.crash")

CRASH_FILE = "crash.log"
PENDING_FILE = "crash-pending.log"
MAX_SHOWN = 200_000  # characters: many crashes in a row must not make a huge dialog

_held: BinaryIO | None = None  # the open crash file; faulthandler writes to its descriptor
_held_path: Path | None = None


def crash_file(paths: DataPaths) -> Path:
    return paths.logs / CRASH_FILE


def _set_aside(paths: DataPaths) -> None:
    """Move a crash file with something in it out of the way of this run's, keeping one
    that was set aside earlier and never shown (the new one is added to it)."""
    live, pending = crash_file(paths), paths.logs / PENDING_FILE
    try:
        size = live.stat().st_size
    except FileNotFoundError:
        return
    if size == 0:
        return
    if pending.exists():
        with pending.open("ab") as kept:
            kept.write(live.read_bytes())
        live.unlink()
    else:
        live.replace(pending)


def enable_crash_file(paths: DataPaths) -> None:
    """Send fatal-error tracebacks (all threads) to ``logs/crash.log`` from now on.

    Start-up calls this right after logging is set up. A crash file left by the previous
    run is set aside first, for ``pending_crash_report``. Never raises for a file problem:
    a program that cannot record its crashes must still start.
    """
    global _held, _held_path
    live = crash_file(paths)
    try:
        paths.logs.mkdir(mode=0o700, parents=True, exist_ok=True)
        _set_aside(paths)
        descriptor = os.open(live, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        handle = os.fdopen(descriptor, "ab", buffering=0)
    except OSError as exc:
        log.warning("crash reports cannot be written to %s: %s", live, exc)
        return
    previous = _held
    faulthandler.enable(handle, all_threads=True)
    _held, _held_path = handle, live
    if previous is not None:
        previous.close()
    log.info("fatal errors are written to %s", live)


def disable_crash_file() -> None:
    """Stop writing crash reports and close the file (tests; a clean shutdown need not)."""
    global _held, _held_path
    if _held is None:
        return
    faulthandler.disable()
    _held.close()
    _held, _held_path = None, None


def _timestamped(folder: Path, moment: datetime) -> Path:
    stem = f"crash-{moment:%Y%m%d-%H%M%S}"
    candidate = folder / f"{stem}.log"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}.log"
        number += 1
    return candidate


def pending_crash_report(paths: DataPaths) -> str | None:
    """The report of a crash the user has not been offered yet, or None.

    Found, it is renamed ``crash-<time of the crash>.log`` so it is offered only once.
    Works whether or not this process has enabled its own crash file yet: the file this
    process writes to is never taken for an old crash.
    """
    if _held_path != crash_file(paths):
        _set_aside(paths)
    pending = paths.logs / PENDING_FILE
    try:
        data = pending.read_bytes()
        crashed_at = datetime.fromtimestamp(pending.stat().st_mtime)
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("the crash report %s cannot be read: %s", pending, exc)
        return None
    text = data.decode("utf-8", errors="replace")
    if not text.strip():
        pending.unlink(missing_ok=True)
        return None
    seen = _timestamped(paths.logs, crashed_at)
    try:
        pending.replace(seen)
    except OSError as exc:  # offered anyway; it may be offered again next time
        log.warning("the crash report %s cannot be renamed: %s", pending, exc)
    else:
        log.info("a crash happened last time; its report is %s", seen)
    if len(text) > MAX_SHOWN:
        text = "…\n" + text[-MAX_SHOWN:]
    return text
