"""Making a file's new name survive a power cut, not only its content.

``os.replace`` is atomic, but on POSIX systems the new directory entry is itself only
durable once the directory is synced; until then a power cut can bring back the old
name. Windows has no directory handles to sync (NTFS journals its metadata), so there
this is a no-op.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def fsync_folder(folder: Path) -> None:
    """Sync ``folder``'s entries to the disk (best effort: a failure changes nothing)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
