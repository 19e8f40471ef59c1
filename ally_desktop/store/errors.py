"""The store's errors: what the environment or the file did wrong, told in plain words.

SQLite reports every failure as one of a few exception classes with a message; Ally
maps the ones a person can act on (a full disk, a read-only folder, a locked or
damaged file) to these classes so the UI and the command line can say what happened.
Anything else is a bug and is left to propagate.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


class StoreError(Exception):
    """A failure the user can understand and act on; ``str()`` is the message to show."""


class DatabaseDamagedError(StoreError):
    """The file exists but SQLite cannot read it as a healthy database."""


class NotAnAllyDatabaseError(StoreError):
    """The file is a database, but not one Ally wrote."""


class NewerSchemaError(StoreError):
    """The file was written by a newer version of Ally; it is never downgraded."""


class DatabaseLockedError(StoreError):
    """Another program holds a lock on the database for longer than the busy timeout."""


class DiskFullError(StoreError):
    """The disk is full; the change was not saved."""


class ReadOnlyError(StoreError):
    """The database or its folder cannot be written."""


class StorageUnavailableError(StoreError):
    """The file cannot be opened or read at all (removed drive, missing folder, I/O error)."""


class RecoveryCancelledError(Exception):
    """The user stopped a recovery: nothing was written at its target. Not a failure of
    the store, so not a StoreError: nothing needs saying but what comes next."""


# SQLite's extended codes that mean "no room": a full disk while writing, and no room to
# create or grow the shared-memory file a WAL database needs even to be read, which
# SQLite words as a mere "disk I/O error".
_DISK_FULL_CODES = {sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR_SHMSIZE}
_DISK_FULL_MESSAGE = "The disk is full: the change was not saved."

_MESSAGE_MAP: tuple[tuple[str, type[StoreError], str], ...] = (
    ("database or disk is full", DiskFullError, _DISK_FULL_MESSAGE),
    ("disk i/o error", StorageUnavailableError, "The data file could not be read or written."),
    (
        "attempt to write a readonly database",
        ReadOnlyError,
        "The data file is read-only: the change was not saved.",
    ),
    ("readonly database", ReadOnlyError, "The data file is read-only: the change was not saved."),
    (
        "database is locked",
        DatabaseLockedError,
        "The data file is locked by another program: the change was not saved.",
    ),
    ("file is not a database", DatabaseDamagedError, "The data file is damaged or not a database."),
    ("database disk image is malformed", DatabaseDamagedError, "The data file is damaged."),
    ("unable to open database file", StorageUnavailableError, "The data file cannot be opened."),
)


def _error_code(exc: BaseException) -> int | None:
    """SQLite's extended error code, also from inside Peewee's wrapper of the error."""
    for candidate in (exc, *exc.args, exc.__cause__):
        code = getattr(candidate, "sqlite_errorcode", None)
        if isinstance(code, int):
            return code
    return None


def classify(exc: BaseException) -> StoreError | None:
    """The user-facing error for a SQLite failure, or None when it is a bug."""
    if isinstance(exc, StoreError):
        return exc
    # SQLite rolls a transaction back by itself on some errors (a full disk); the ROLLBACK
    # that follows then fails with "no transaction is active" and hides the real cause.
    cause = exc.__cause__ or exc.__context__
    if "no transaction is active" in str(exc) and cause is not None:
        return classify(cause)
    text = str(exc).lower()
    if not isinstance(exc, sqlite3.Error) and type(exc).__module__ != "peewee":
        return None
    if _error_code(exc) in _DISK_FULL_CODES:
        return DiskFullError(_DISK_FULL_MESSAGE)
    for needle, cls, message in _MESSAGE_MAP:
        if needle in text:
            return cls(message)
    return None


@contextmanager
def user_facing_errors() -> Iterator[None]:
    """Turn SQLite failures a person can act on into StoreError; let bugs through as they are."""
    try:
        yield
    except StoreError:
        raise
    except Exception as exc:
        error = classify(exc)
        if error is None:
            raise
        raise error from exc
