"""Writing a file so that it is either all there or not touched at all.

The text goes to a temporary file beside the target (same folder, so same file
system), is flushed to the disk, and only then renamed over the target with
``os.replace``, which is atomic on every platform Ally runs on. A failure or a cancel
removes the temporary file: the place the user chose holds the old file, or nothing.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, TextIO, cast

from ally_desktop.store.durable_files import fsync_folder


class WriteFailedError(OSError):
    """The file could not be written; the message says why, for the user."""

    def __str__(self) -> str:
        return str(self.strerror or super().__str__())  # the sentence, not "[Errno 28] ..."


def describe_os_error(exc: OSError, path: Path) -> str:
    """What went wrong, in words (not an errno)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"The disk is full: {path.name} was not written. Free some space and try again."
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return f"Ally may not write in {path.parent}. Choose another folder."
    if exc.errno == errno.EROFS:
        return f"{path.parent} is read-only. Choose another folder."
    if isinstance(exc, FileNotFoundError):
        return f"The folder {path.parent} does not exist (was a drive removed?)."
    if isinstance(exc, IsADirectoryError):
        return f"{path} is a folder: choose a file name."
    return f"{path.name} could not be written: {exc.strerror or exc}."


@contextlib.contextmanager
def _replacing(path: Path, open_stream: Callable[[int], IO[Any]]) -> Iterator[IO[Any]]:
    """A stream on a temporary file beside ``path`` that replaces it when the block ends
    without error: fsynced, the old file's mode kept, the folder fsynced after."""
    if path.is_dir():
        raise WriteFailedError(errno.EISDIR, f"{path} is a folder: choose a file name.")
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".part", dir=path.parent
        )
    except OSError as exc:
        raise WriteFailedError(exc.errno, describe_os_error(exc, path)) from exc
    temp_path = Path(temporary)
    try:
        with open_stream(handle) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            with contextlib.suppress(OSError):
                os.chmod(temp_path, path.stat().st_mode & 0o7777)
        os.replace(temp_path, path)
        fsync_folder(path.parent)  # the new name, too, survives a power cut
    except OSError as exc:
        temp_path.unlink(missing_ok=True)
        raise WriteFailedError(exc.errno, describe_os_error(exc, path)) from exc
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def replaced_atomically(
    path: Path, *, newline: str = "", encoding: str = "utf-8"
) -> Iterator[TextIO]:
    """A text stream whose content replaces ``path`` when the block ends without error."""
    with _replacing(
        path, lambda fd: os.fdopen(fd, "w", encoding=encoding, newline=newline)
    ) as stream:
        yield cast(TextIO, stream)


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """``data`` replaces ``path`` whole, or nothing changes (WriteFailedError says why)."""
    with _replacing(path, lambda fd: os.fdopen(fd, "wb")) as stream:
        stream.write(data)
