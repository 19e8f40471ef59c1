"""Opening the data file: pragmas, privacy, and refusing files Ally must not touch."""

from __future__ import annotations

import sqlite3
import stat
import threading
from contextlib import closing
from pathlib import Path

import peewee as pw
import pytest

from ally_desktop.store import migrations
from ally_desktop.store.db import (
    BACKGROUND_CACHE_KIB,
    BUSY_TIMEOUT_MS,
    PRAGMAS,
    background_read,
    close_database,
    connect,
    open_database,
    sqlite_connection,
)
from ally_desktop.store.errors import (
    DatabaseDamagedError,
    NewerSchemaError,
    NotAnAllyDatabaseError,
    StorageUnavailableError,
    StoreError,
)
from ally_desktop.store.models import Contact


def _pragma(db: pw.SqliteDatabase, name: str) -> object:
    return sqlite_connection(db).execute(f"PRAGMA {name}").fetchone()[0]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _snapshot(path: Path) -> tuple[bytes, int, list[str]]:
    siblings = sorted(p.name for p in path.parent.iterdir())
    return path.read_bytes(), path.stat().st_mtime_ns, siblings


def test_pragmas_in_force_after_open(db: pw.SqliteDatabase) -> None:
    assert _pragma(db, "journal_mode") == "wal"
    assert _pragma(db, "foreign_keys") == 1
    assert _pragma(db, "synchronous") == 2
    assert _pragma(db, "busy_timeout") == BUSY_TIMEOUT_MS
    assert BUSY_TIMEOUT_MS > 0


def test_background_read_has_its_own_small_connection_closed_after(
    db: pw.SqliteDatabase,
) -> None:
    """A worker's read: its own connection with a small page cache, with Ally's pragmas
    otherwise, closed when it ends (the GUI thread's connection left as it was)."""
    Contact.create(full_name="Ada", sort_name="ada", created_at="t", updated_at="t")
    seen: dict[str, object] = {}

    def work() -> None:
        with background_read(db):
            seen["cache"] = _pragma(db, "cache_size")
            seen["foreign_keys"] = _pragma(db, "foreign_keys")
            seen["names"] = [c.full_name for c in Contact.select()]
            seen["connection"] = id(sqlite_connection(db))
        seen["closed after"] = db.is_closed()

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    assert seen == {
        "cache": -BACKGROUND_CACHE_KIB,
        "foreign_keys": 1,
        "names": ["Ada"],
        "connection": seen["connection"],
        "closed after": True,
    }
    assert seen["connection"] != id(sqlite_connection(db))
    assert _pragma(db, "cache_size") == PRAGMAS["cache_size"]
    assert not db.is_closed()


def test_foreign_keys_are_enforced(db: pw.SqliteDatabase) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        sqlite_connection(db).execute(
            "INSERT INTO contact_email (contact_id, value) VALUES (12345, 'a@b.org')"
        )


def test_open_creates_a_migrated_ally_database(db_path: Path) -> None:
    assert not db_path.exists()
    db = open_database(db_path)
    try:
        assert _pragma(db, "user_version") == migrations.LATEST_VERSION
        assert _pragma(db, "application_id") == migrations.APPLICATION_ID
        assert Contact.select().count() == 0
    finally:
        close_database(db)


def test_new_database_file_is_private(db_path: Path) -> None:
    db = open_database(db_path)
    try:
        assert _mode(db_path) == 0o600
        Contact.create(full_name="Ana", sort_name="ana", created_at="x", updated_at="x")
        wal = db_path.with_name(db_path.name + "-wal")
        assert wal.exists()
        assert _mode(wal) == 0o600
    finally:
        close_database(db)


def test_existing_file_keeps_its_permissions(db_path: Path) -> None:
    close_database(open_database(db_path))
    db_path.chmod(0o640)
    close_database(open_database(db_path))
    assert _mode(db_path) == 0o640


def test_reopening_keeps_the_data(db_path: Path) -> None:
    db = open_database(db_path)
    Contact.create(full_name="Ana Lima", sort_name="ana lima", created_at="t", updated_at="t")
    close_database(db)
    db = open_database(db_path)
    try:
        assert [c.full_name for c in Contact.select()] == ["Ana Lima"]
    finally:
        close_database(db)


def test_close_is_idempotent(db_path: Path) -> None:
    db = open_database(db_path)
    close_database(db)
    close_database(db)
    assert db.is_closed()


def test_connect_does_not_migrate(db_path: Path) -> None:
    db = connect(db_path)
    try:
        assert _pragma(db, "user_version") == 0
        assert _pragma(db, "journal_mode") == "wal"
    finally:
        close_database(db)


def test_missing_folder_is_storage_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "ally.sqlite3"
    with pytest.raises(StorageUnavailableError, match="does not exist"):
        open_database(path)
    assert not path.parent.exists()


def test_text_file_is_damaged_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_text("Meeting notes, not a database.\n" * 200, encoding="utf-8")
    before = _snapshot(path)
    with pytest.raises(DatabaseDamagedError) as raised:
        open_database(path)
    assert str(path) in str(raised.value)
    assert _snapshot(path) == before


def test_empty_file_becomes_an_ally_database(db_path: Path) -> None:
    db_path.touch()
    db = open_database(db_path)
    try:
        assert _pragma(db, "user_version") == migrations.LATEST_VERSION
    finally:
        close_database(db)


def _foreign_database(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
        conn.execute("INSERT INTO recipes VALUES ('bread')")
        conn.commit()


def test_database_of_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "recipes.db"
    _foreign_database(path)
    with pytest.raises(NotAnAllyDatabaseError):
        open_database(path)
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT name FROM recipes").fetchall() == [("bread",)]
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert tables == {"recipes"}


def test_database_of_another_program_is_not_modified(tmp_path: Path) -> None:
    path = tmp_path / "recipes.db"
    _foreign_database(path)
    before = _snapshot(path)
    with pytest.raises(NotAnAllyDatabaseError):
        open_database(path)
    assert _snapshot(path) == before


def test_database_with_a_foreign_application_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA application_id = 1234")
    with pytest.raises(NotAnAllyDatabaseError):
        open_database(path)


def test_newer_schema_is_refused_and_not_modified(db_path: Path) -> None:
    db = open_database(db_path)
    sqlite_connection(db).execute(f"PRAGMA user_version = {migrations.LATEST_VERSION + 1}")
    close_database(db)
    before = _snapshot(db_path)
    with pytest.raises(NewerSchemaError, match="newer version of Ally"):
        open_database(db_path)
    assert _snapshot(db_path) == before
    with closing(sqlite3.connect(db_path)) as conn:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    assert version == migrations.LATEST_VERSION + 1


def test_newer_schema_in_rollback_journal_mode_is_not_modified(db_path: Path) -> None:
    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {migrations.LATEST_VERSION + 1}")
        conn.execute("CREATE TABLE contact (id INTEGER PRIMARY KEY)")
        conn.commit()
    before = _snapshot(db_path)
    with pytest.raises(NewerSchemaError):
        open_database(db_path)
    assert _snapshot(db_path) == before


def test_refused_file_leaves_no_open_connection(tmp_path: Path) -> None:
    path = tmp_path / "recipes.db"
    _foreign_database(path)
    with pytest.raises(StoreError):
        open_database(path)
    siblings = sorted(p.name for p in tmp_path.iterdir())
    assert siblings == ["recipes.db"]


def test_directory_in_place_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "ally.sqlite3"
    path.mkdir()
    with pytest.raises(StorageUnavailableError):
        open_database(path)
    assert path.is_dir()
    assert list(path.iterdir()) == []
