"""SQLite failures a person can act on, told in plain words; bugs left as they are."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import peewee as pw
import pytest

from ally_desktop.core.contact_queries import count_contacts
from ally_desktop.core.contacts import create_contact
from ally_desktop.core.records import ContactData
from ally_desktop.store.db import sqlite_connection
from ally_desktop.store.errors import (
    DatabaseDamagedError,
    DatabaseLockedError,
    DiskFullError,
    NewerSchemaError,
    NotAnAllyDatabaseError,
    ReadOnlyError,
    StorageUnavailableError,
    StoreError,
    classify,
    user_facing_errors,
)


@pytest.fixture
def plain_db(tmp_path: Path) -> Path:
    path = tmp_path / "plain.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
    return path


def _raised(action: object) -> BaseException:
    assert callable(action)
    try:
        action()
    except Exception as exc:
        return exc
    raise AssertionError("nothing was raised")


def test_every_error_is_a_store_error() -> None:
    for cls in (
        DatabaseDamagedError,
        NotAnAllyDatabaseError,
        NewerSchemaError,
        DatabaseLockedError,
        DiskFullError,
        ReadOnlyError,
        StorageUnavailableError,
    ):
        assert issubclass(cls, StoreError)
        assert not issubclass(cls, sqlite3.Error)


def test_read_only_database(plain_db: Path) -> None:
    with closing(sqlite3.connect(f"{plain_db.as_uri()}?mode=ro", uri=True)) as conn:
        exc = _raised(lambda: conn.execute("INSERT INTO t VALUES (1)"))
    error = classify(exc)
    assert isinstance(error, ReadOnlyError)
    assert str(error) == "The data file is read-only: the change was not saved."


def test_locked_database(plain_db: Path) -> None:
    holder = sqlite3.connect(plain_db, isolation_level=None)
    other = sqlite3.connect(plain_db, timeout=0)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        exc = _raised(lambda: other.execute("INSERT INTO t VALUES (1)"))
    finally:
        other.close()
        holder.close()
    error = classify(exc)
    assert isinstance(error, DatabaseLockedError)
    assert "locked by another program" in str(error)


def test_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database\n" * 200, encoding="utf-8")
    with closing(sqlite3.connect(path)) as conn:
        exc = _raised(lambda: conn.execute("SELECT * FROM sqlite_master").fetchall())
    error = classify(exc)
    assert isinstance(error, DatabaseDamagedError)
    assert str(error) == "The data file is damaged or not a database."


def test_file_that_cannot_be_opened(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "folder" / "ally.sqlite3"
    exc = _raised(lambda: sqlite3.connect(missing))
    assert isinstance(classify(exc), StorageUnavailableError)


def test_full_database(plain_db: Path) -> None:
    with closing(sqlite3.connect(plain_db)) as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        exc = _raised(lambda: conn.execute("INSERT INTO t VALUES (?)", ("x" * 100_000,)))
    error = classify(exc)
    assert isinstance(error, DiskFullError)
    assert str(error) == "The disk is full: the change was not saved."


@pytest.mark.parametrize(
    ("message", "cls"),
    [
        ("database or disk is full", DiskFullError),
        ("disk I/O error", StorageUnavailableError),
        ("attempt to write a readonly database", ReadOnlyError),
        ("database is locked", DatabaseLockedError),
        ("file is not a database", DatabaseDamagedError),
        ("database disk image is malformed", DatabaseDamagedError),
        ("unable to open database file", StorageUnavailableError),
    ],
)
@pytest.mark.parametrize(
    "exc_type", [sqlite3.OperationalError, sqlite3.DatabaseError, pw.OperationalError]
)
def test_known_messages(message: str, cls: type[StoreError], exc_type: type[Exception]) -> None:
    error = classify(exc_type(message))
    assert type(error) is cls
    assert str(error)
    assert message.lower() not in str(error).lower()


@pytest.mark.parametrize(
    "exc",
    [
        sqlite3.OperationalError("no such table: contact"),
        sqlite3.IntegrityError("UNIQUE constraint failed: tag.key"),
        sqlite3.ProgrammingError("Cannot operate on a closed database."),
        pw.IntegrityError("NOT NULL constraint failed: contact.full_name"),
        ValueError("database is locked"),
        OSError("database or disk is full"),
        KeyError("x"),
    ],
)
def test_bugs_are_not_classified(exc: BaseException) -> None:
    assert classify(exc) is None


def test_store_errors_pass_through_classify() -> None:
    error = NewerSchemaError("newer")
    assert classify(error) is error


def test_user_facing_errors_translates_with_cause(plain_db: Path) -> None:
    conn = sqlite3.connect(f"{plain_db.as_uri()}?mode=ro", uri=True)
    with closing(conn), pytest.raises(ReadOnlyError) as raised, user_facing_errors():
        conn.execute("INSERT INTO t VALUES (1)")
    assert isinstance(raised.value.__cause__, sqlite3.OperationalError)


def test_user_facing_errors_lets_bugs_through() -> None:
    bug = sqlite3.OperationalError("no such column: nope")
    with pytest.raises(sqlite3.OperationalError) as raised, user_facing_errors():
        raise bug
    assert raised.value is bug

    with pytest.raises(ZeroDivisionError), user_facing_errors():
        _ = 1 / 0


def test_user_facing_errors_keeps_store_errors() -> None:
    original = NotAnAllyDatabaseError("not ours")
    with pytest.raises(NotAnAllyDatabaseError) as raised, user_facing_errors():
        raise original
    assert raised.value is original


def test_user_facing_errors_is_silent_on_success(db: pw.SqliteDatabase) -> None:
    with user_facing_errors():
        create_contact(db, ContactData(given_name="Ana"))
    assert count_contacts(db) == 1


@pytest.fixture
def full_db(db: pw.SqliteDatabase) -> Iterator[pw.SqliteDatabase]:
    conn = sqlite_connection(db)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    yield db
    conn.execute("PRAGMA max_page_count = 1073741823")


def test_full_database_saves_nothing(full_db: pw.SqliteDatabase) -> None:
    with pytest.raises(Exception):  # noqa: B017, PT011
        create_contact(full_db, ContactData(given_name="Ana", notes="x" * 90_000))
    assert count_contacts(full_db) == 0
    assert not sqlite_connection(full_db).in_transaction
    sqlite_connection(full_db).execute("PRAGMA max_page_count = 1073741823")
    create_contact(full_db, ContactData(given_name="Bo"))
    assert count_contacts(full_db) == 1


def test_full_database_is_reported_as_disk_full(full_db: pw.SqliteDatabase) -> None:
    with pytest.raises(DiskFullError), user_facing_errors():
        create_contact(full_db, ContactData(given_name="Ana", notes="x" * 90_000))
