"""Opening and closing the one SQLite file that holds everything.

Pragmas, for a store that must never lose a committed word: WAL (readers never block
the writer, and a crash mid-write leaves the last commit intact), foreign keys on,
``synchronous=FULL`` (a commit is on the disk before it is reported), and a busy
timeout so a short lock by another process waits instead of failing.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import peewee as pw

from ally_desktop.store import migrations, schedule, search
from ally_desktop.store.errors import (
    DatabaseDamagedError,
    StorageUnavailableError,
    StoreError,
    classify,
)
from ally_desktop.store.models import MODELS

BUSY_TIMEOUT_MS = 5000
PRAGMAS: dict[str, object] = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": 2,  # FULL
    # On macOS fsync() leaves the drive's cache unflushed; F_FULLFSYNC empties it. Other
    # systems ignore these two.
    "fullfsync": 1,
    "checkpoint_fullfsync": 1,
    "busy_timeout": BUSY_TIMEOUT_MS,
    # 2 MB of pages per connection (SQLite's default). The operating system caches the
    # file as well, so a larger cache mostly duplicates it: 4 and 8 MB measured no faster
    # for search, the Timeline or the Reminders, and cost 2 and 6 MB of resident memory
    # for good (bench/memory.py).
    "cache_size": -2000,
}


def _create_private_file(path: Path) -> None:
    """Create an empty database file readable by its owner only (0600), if missing."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)
    os.chmod(path, 0o600)


def connect(path: Path) -> pw.SqliteDatabase:
    """A Peewee database on ``path`` with Ally's pragmas, connected, not yet migrated."""
    if not path.parent.is_dir():
        raise StorageUnavailableError(f"The folder {path.parent} does not exist.")
    _create_private_file(path)
    _refuse_foreign_or_newer(path)
    database = pw.SqliteDatabase(
        str(path), pragmas=PRAGMAS, timeout=BUSY_TIMEOUT_MS / 1000, autoconnect=False
    )
    # Every connection Peewee opens (one per thread) can write the search index.
    database.register_function(search.fold, search.FOLD_FUNCTION, 1, deterministic=True)
    # ... and fire the reminder triggers, which need calendar arithmetic SQLite lacks.
    database.register_function(schedule.cadence_due, schedule.CADENCE_DUE_FUNCTION, 4)
    database.register_function(schedule.next_yearly, schedule.NEXT_YEARLY_FUNCTION, 3)
    database.register_function(schedule.morning_utc, schedule.MORNING_FUNCTION, 2)
    database.register_function(schedule.now_text, schedule.NOW_FUNCTION, 0)
    try:
        database.connect()
        # Reading the schema is the cheapest way to learn that a file is not a database.
        sqlite_connection(database).execute("SELECT count(*) FROM sqlite_master").fetchone()
    except (sqlite3.Error, pw.DatabaseError) as exc:
        if not database.is_closed():
            database.close()
        raise _friendly(exc, path) from exc
    return database


def _refuse_foreign_or_newer(path: Path) -> None:
    """Look at the file before any pragma touches it: another program's database or one
    written by a newer Ally is refused unchanged (switching it to WAL would rewrite its
    header)."""
    try:
        # Read-write but without pragmas: reads change nothing, and closing the last
        # connection of a WAL file removes its side files instead of leaving them behind.
        probe = sqlite3.connect(path)
    except sqlite3.Error as exc:
        raise _friendly(exc, path) from exc
    try:
        migrations.pending_steps(probe)
    except StoreError as exc:
        raise type(exc)(f"{path}: {exc}") from exc
    except sqlite3.Error as exc:
        raise _friendly(exc, path) from exc
    finally:
        probe.close()


def _friendly(exc: BaseException, path: Path) -> StoreError:
    error = classify(exc)
    if error is None:
        return DatabaseDamagedError(f"{path} could not be opened: {exc}")
    return type(error)(f"{path}: {error}")


def open_database(path: Path) -> pw.SqliteDatabase:
    """Open (creating if needed) and migrate the database, and bind the models to it.

    A file that already holds Ally's data is backed up ("pre-migration") before its
    schema changes; a brand-new empty file has nothing to lose and is not.
    """
    database = connect(path)
    try:
        conn = sqlite_connection(database)
        if migrations.schema_version(conn) >= 1 and migrations.pending_steps(conn):
            # Imported only here: most openings have nothing to migrate.
            from ally_desktop.store.backups import backup_before_migration

            backup_before_migration(path)
        migrations.migrate(conn)
    except (sqlite3.Error, pw.DatabaseError) as exc:
        database.close()
        raise _friendly(exc, path) from exc
    except BaseException:
        database.close()
        raise
    database.bind(MODELS, bind_refs=False, bind_backrefs=False)
    return database


def writing(database: pw.SqliteDatabase) -> Any:
    """A write transaction that takes the write lock at its start (``BEGIN IMMEDIATE``).

    A deferred transaction that reads before it writes cannot wait for another
    process's lock: SQLite skips the busy handler when a reader asks to become a writer
    and fails at once with "database is locked". Taking the lock first makes every write
    wait up to the busy timeout instead. Nested, it is a savepoint of the outer one.
    """
    return database.atomic("IMMEDIATE")


# A worker thread's connection reads once and closes (Today, the Timeline's count, the
# ranking of who can help, the map). Its pages stay in the operating system's cache; a
# page cache of its own would be freed at the close but stay in the process's heap, so
# it gets a small one: 512 KB measured as fast for Today as 4 MB, and 3 MB less resident
# memory for good (bench/memory.py).
BACKGROUND_CACHE_KIB = 512


@contextmanager
def background_read(database: pw.SqliteDatabase) -> Iterator[None]:
    """This thread's own connection, with a small page cache, closed on the way out.

    For work on a thread pool: Peewee keeps one connection per thread, and WAL lets it
    read while the GUI thread writes.
    """
    database.connect(reuse_if_open=True)
    try:
        sqlite_connection(database).execute(f"PRAGMA cache_size = -{BACKGROUND_CACHE_KIB}")
        yield
    finally:
        database.close()


def sqlite_connection(database: pw.SqliteDatabase) -> sqlite3.Connection:
    """The open ``sqlite3`` connection under Peewee, for bulk and hot-path SQL."""
    connection = database.connection()  # type: ignore[no-untyped-call]
    assert isinstance(connection, sqlite3.Connection)
    return connection


IDS_PER_STATEMENT = 500  # well under SQLite's limit on bound variables


def id_batches(ids: Sequence[int]) -> Iterator[tuple[list[int], str]]:
    """``ids`` in chunks small enough for one statement, each with its "?,?,…" marks."""
    for start in range(0, len(ids), IDS_PER_STATEMENT):
        batch = list(ids[start : start + IDS_PER_STATEMENT])
        yield batch, ",".join("?" * len(batch))


def close_database(database: pw.SqliteDatabase) -> None:
    """Close the connection; the WAL is checkpointed into the main file by SQLite."""
    if not database.is_closed():
        database.close()
