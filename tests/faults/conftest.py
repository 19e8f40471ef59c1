"""Fixtures of the fault tests: a tiny tmpfs to fill, and the e2e fixtures that start Ally.

A test that cannot run here for lack of rights (mounting needs root) is skipped on a
workstation but fails under ``CI=true``: CI runs as root, and a fault test quietly
skipped there would be a safety check nobody runs.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import pytest

# The real program as a subprocess (the same fixtures the e2e tests use).
from tests.e2e.conftest import ally, data_dir, env, launch  # noqa: F401

TMPFS_SIZE = "4m"


def skip_or_fail(reason: str) -> NoReturn:
    """Skip for lack of rights or tools, except under CI, where that is a failure."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A directory on its own tmpfs of ``TMPFS_SIZE``: a disk that really fills up.

    SQLite sees a genuine ENOSPC from the kernel there, as on a full laptop disk; no
    mock of the store is involved. Unmounted in teardown (lazily if something still holds
    a file open, so a failing test never leaves a mount behind).
    """
    if os.geteuid() != 0:
        skip_or_fail("mounting a tmpfs needs root")
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    mounted = _run(
        "mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE},mode=0700", "tmpfs", str(mount_point)
    )
    if mounted.returncode != 0:
        skip_or_fail(f"cannot mount a tmpfs: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        if _run("umount", str(mount_point)).returncode != 0:
            _run("umount", "-l", str(mount_point))


@pytest.fixture
def fill_disk() -> Callable[[Path, int], Path]:
    """``fill_disk(path, leave)`` writes a filler file at ``path`` that takes all the free
    space of its file system but ``leave`` bytes (rounded to the block size)."""

    def fill(path: Path, leave: int) -> Path:
        stats = os.statvfs(path.parent)
        free = stats.f_bavail * stats.f_frsize
        size = max(0, free - leave)
        with path.open("wb") as out:
            # Real bytes, not a hole: tmpfs allocates pages only for what is written.
            chunk = b"\xa5" * (64 * 1024)
            while size > 0:
                written = out.write(chunk[: min(size, len(chunk))])
                size -= written
        return path

    return fill
