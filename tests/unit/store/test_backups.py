"""Backups on real files: consistent while another connection writes, verified, rotated,
due once a day, restored with the current data kept, refused when they cannot be trusted."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import peewee as pw
import pytest

from ally_desktop.core.contact_queries import ContactQuery, contact_ids
from ally_desktop.core.contacts import create_contact, load_contact
from ally_desktop.core.records import ContactData
from ally_desktop.paths import DataPaths
from ally_desktop.store import migrations
from ally_desktop.store.backups import (
    KEEP_PRE_IMPORT,
    KEEP_PRE_RESTORE,
    SETTINGS_NAME,
    BackupError,
    BackupInfo,
    BackupSettings,
    DatabaseInUseError,
    RestoreRefusedError,
    backup_if_due,
    backup_name,
    backups_to_keep,
    check_backup,
    latest_good_backup,
    list_backups,
    load_backup_settings,
    make_backup,
    read_details,
    restore_backup,
    rotate,
    save_backup_settings,
)
from ally_desktop.store.db import close_database, open_database
from ally_desktop.store.errors import DatabaseDamagedError
from ally_desktop.store.integrity import check_database
from ally_desktop.store.models import MODELS

V1_FIXTURE = Path(__file__).parent / "data" / "schema_v1.sql"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _names(path: Path) -> list[str]:
    """Everyone in a data file, read without Peewee (the models stay bound to the test's)."""
    with closing(sqlite3.connect(path)) as conn:
        return sorted(name for (name,) in conn.execute("SELECT full_name FROM contact"))


def _add(db: pw.SqliteDatabase, *names: str) -> None:
    for name in names:
        create_contact(db, ContactData(given_name=name))


def _touch(folder: Path, when: datetime, kind: str, sequence: int = 1) -> Path:
    """A file named like a backup (rotation and listing read names only)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / backup_name(when, kind, sequence)
    path.write_bytes(b"")
    return path


def _snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` and its bytes: to show that nothing changed."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture
def root(db_path: Path) -> Path:
    return db_path.parent


# --- making a backup --------------------------------------------------------------------


def test_a_backup_taken_during_an_open_write_has_the_committed_rows_only(
    db: pw.SqliteDatabase, db_path: Path, root: Path
) -> None:
    _add(db, "Ana", "Bo")
    writing = threading.Event()
    release = threading.Event()
    failures: list[BaseException] = []

    def writer() -> None:
        # Another connection (Peewee keeps one per thread), mid-transaction, as the window
        # would be while saving.
        try:
            db.connect(reuse_if_open=True)
            with db.atomic():
                _add(db, "Uncommitted")
                writing.set()
                release.wait(10)
        except BaseException as exc:
            failures.append(exc)
            writing.set()
        finally:
            db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert writing.wait(10)
        info = make_backup(db_path, root, "manual")
    finally:
        release.set()
        thread.join(10)
    assert not failures

    assert _names(info.path) == ["Ana", "Bo"]
    assert info.contacts == 2
    assert info.schema_version == migrations.LATEST_VERSION
    assert info.ok is True
    report = check_database(info.path, thorough=True)
    assert report.ok, report.problems
    assert "Uncommitted" in _names(db_path), "the write itself went through afterwards"


def test_a_backup_is_one_private_file_in_a_private_folder(
    db: pw.SqliteDatabase, db_path: Path, root: Path
) -> None:
    _add(db, "Ana")
    info = make_backup(db_path, root, "manual", now=NOW)
    assert info.path == DataPaths(root).backups / "ally-2026-11-26T120000Z-manual.sqlite3"
    assert info.taken_at == NOW
    assert info.size == info.path.stat().st_size > 0
    assert _mode(info.path) == 0o600
    assert _mode(info.path.parent) == 0o700
    assert sorted(p.name for p in info.path.parent.iterdir()) == [info.name], "no side files"
    with closing(sqlite3.connect(info.path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"

    again = make_backup(db_path, root, "manual", now=NOW)
    assert again.name == "ally-2026-11-26T120000Z-manual-2.sqlite3", "same second: a new name"
    assert [b.name for b in list_backups(root)] == [again.name], "one a day: the newest"


def test_a_backup_goes_exactly_where_asked(
    db: pw.SqliteDatabase, db_path: Path, root: Path
) -> None:
    _add(db, "Ana")
    dest = root / "elsewhere" / "my copy.sqlite3"
    dest.parent.mkdir()
    info = make_backup(db_path, root, "manual", dest)
    assert info.path == dest
    assert _names(dest) == ["Ana"]
    assert list_backups(root) == [], "not in the backups folder"
    assert sorted(p.name for p in dest.parent.iterdir()) == ["my copy.sqlite3"]


def test_a_failed_backup_leaves_no_file(db: pw.SqliteDatabase, db_path: Path, root: Path) -> None:
    missing = root / "no such folder" / "copy.sqlite3"
    with pytest.raises(BackupError, match="does not exist"):
        make_backup(db_path, root, "manual", missing)
    assert not missing.parent.exists()

    with pytest.raises(BackupError, match="no data file"):
        make_backup(root / "absent.sqlite3", root, "manual")


@contextlib.contextmanager
def _read_only_folder(folder: Path) -> Iterator[None]:
    """A folder no one may write in: by permissions, or for root (who ignores them) a
    read-only tmpfs mounted there (CI runs as root, and must run this test)."""
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            yield
        finally:
            folder.chmod(0o700)
        return
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail(f"cannot mount a read-only tmpfs: {mounted.stderr!r}")
        pytest.skip("cannot mount a read-only tmpfs here")
    try:
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_a_read_only_folder_is_said_in_words(
    db: pw.SqliteDatabase, db_path: Path, root: Path
) -> None:
    folder = root / "locked"
    with _read_only_folder(folder):
        with pytest.raises(BackupError, match=r"cannot be written|read-only"):
            make_backup(db_path, root, "manual", folder / "copy.sqlite3")
        assert list(folder.iterdir()) == []


def test_a_damaged_file_is_not_backed_up(db: pw.SqliteDatabase, db_path: Path, root: Path) -> None:
    _add(db, *(f"Person {i}" for i in range(300)))
    close_database(db)
    _damage(db_path)
    try:
        with pytest.raises(BackupError) as raised:
            make_backup(db_path, root, "manual")
        assert isinstance(raised.value.cause, DatabaseDamagedError)
        assert "damaged" in str(raised.value)
        assert list(DataPaths(root).backups.iterdir()) == [], "no partial file"
    finally:
        # For the fixture's teardown; the scribble may have hit the schema itself.
        with contextlib.suppress(pw.DatabaseError):
            db.connect(reuse_if_open=True)


def _damage(path: Path) -> None:
    """Scribble over the middle of a file: its pages no longer fit together."""
    size = path.stat().st_size
    assert size > 8 * 4096
    with path.open("r+b") as handle:
        handle.seek(size // 2 - (size // 2) % 4096)
        handle.write(b"\xa5" * 4 * 4096)


# --- settings ---------------------------------------------------------------------------


def test_settings_default_when_missing_or_unreadable(tmp_path: Path) -> None:
    assert load_backup_settings(tmp_path) == BackupSettings(None, 7, 4, 6)
    (tmp_path / SETTINGS_NAME).write_text("{not json", encoding="utf-8")
    assert load_backup_settings(tmp_path) == BackupSettings()
    (tmp_path / SETTINGS_NAME).write_text('{"daily": -3, "weekly": "x", "monthly": 2}')
    assert load_backup_settings(tmp_path) == BackupSettings(monthly=2), "field by field"


def test_settings_round_trip_atomically_and_privately(tmp_path: Path) -> None:
    wanted = BackupSettings(tmp_path / "safe", daily=3, weekly=2, monthly=12)
    save_backup_settings(tmp_path, wanted)
    assert load_backup_settings(tmp_path) == wanted
    path = tmp_path / SETTINGS_NAME
    assert _mode(path) == 0o600
    assert json.loads(path.read_text(encoding="utf-8"))["folder"] == str(tmp_path / "safe")
    assert [p.name for p in tmp_path.iterdir()] == [SETTINGS_NAME], "no temporary file left"
    with pytest.raises(ValueError, match="daily"):
        save_backup_settings(tmp_path, BackupSettings(daily=-1))


def test_a_chosen_folder_is_used(db: pw.SqliteDatabase, db_path: Path, root: Path) -> None:
    folder = root / "usb" / "Ally backups"
    save_backup_settings(root, BackupSettings(folder))
    info = make_backup(db_path, root, "manual")
    assert info.path.parent == folder
    assert [b.path for b in list_backups(root)] == [info.path]
    assert not DataPaths(root).backups.exists()


# --- listing ----------------------------------------------------------------------------


def test_listing_reads_names_only_and_flags_damage_when_checked(
    db: pw.SqliteDatabase, db_path: Path, root: Path
) -> None:
    _add(db, "Ana")
    good = make_backup(db_path, root, "manual", now=NOW - timedelta(days=1))
    folder = good.path.parent
    broken = folder / backup_name(NOW, "daily")
    broken.write_bytes(b"this is not a database" * 100)
    (folder / "notes.txt").write_text("mine")
    (folder / "ally-2026-13-01T000000Z-daily.sqlite3").write_bytes(b"")  # no 13th month
    (folder / "ally-2026-11-01T000000Z-weekly.sqlite3").write_bytes(b"")  # no such kind

    listed = list_backups(root)
    assert [b.path for b in listed] == [broken, good.path], "newest first, others ignored"
    assert listed[0] == BackupInfo(broken, NOW, "daily", broken.stat().st_size)
    assert listed[0].contacts is None
    assert listed[0].ok is None, "not checked yet"

    details = read_details(listed[0])
    assert details.ok is False
    assert "damaged or not a database" in details.problem
    assert read_details(listed[1]).contacts == 1
    assert check_backup(listed[1], thorough=True).ok is True
    assert latest_good_backup(root) == check_backup(listed[1])


def test_listing_a_missing_folder_is_empty(tmp_path: Path) -> None:
    assert list_backups(tmp_path) == []
    assert latest_good_backup(tmp_path) is None


# --- rotation ---------------------------------------------------------------------------


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _at(day: str, time: str = "04:15") -> datetime:
    return datetime.fromisoformat(f"{day}T{time}:00+00:00")


def test_rotation_over_fourteen_months_keeps_exactly_the_policy(tmp_path: Path) -> None:
    folder = DataPaths(tmp_path).backups
    for day in _days(date(2025, 9, 20), date(2026, 11, 26)):
        _touch(folder, datetime(day.year, day.month, day.day, 4, 15, tzinfo=UTC), "daily")
    _touch(folder, _at("2026-11-25", "18:00"), "manual")  # the newest of its day
    _touch(folder, _at("2026-10-31", "20:00"), "manual")  # the newest of October
    _touch(folder, _at("2026-03-10", "12:00"), "manual")  # too old for any rule
    for month in range(1, 8):
        _touch(folder, _at(f"2026-{month:02d}-15", "10:00"), "pre-import")
    _touch(folder, _at("2026-11-26", "09:00"), "pre-import")  # the newest of all
    for day in ("2025-10-01", "2026-02-01", "2026-05-01", "2026-09-01"):
        _touch(folder, _at(day, "08:00"), "pre-restore")
    for day in ("2025-09-25", "2026-06-01"):
        _touch(folder, _at(day, "07:00"), "pre-migration")
    others = ["notes.txt", "ally-2026-11-01T000000Z-weekly.sqlite3", ".ally-partial-abc.sqlite3"]
    for name in others:
        (folder / name).write_bytes(b"")
    before = {b.name for b in list_backups(tmp_path)}

    deleted = rotate(tmp_path, BackupSettings(daily=7, weekly=4, monthly=6))

    expected = {
        # daily: the newest of each of the 7 latest days
        "ally-2026-11-26T041500Z-daily.sqlite3",
        "ally-2026-11-25T180000Z-manual.sqlite3",
        "ally-2026-11-24T041500Z-daily.sqlite3",
        "ally-2026-11-23T041500Z-daily.sqlite3",
        "ally-2026-11-22T041500Z-daily.sqlite3",
        "ally-2026-11-21T041500Z-daily.sqlite3",
        "ally-2026-11-20T041500Z-daily.sqlite3",
        # weekly: ISO weeks 48 (Thursday 26th, above), 47, 46, 45 end on Sundays
        "ally-2026-11-15T041500Z-daily.sqlite3",
        "ally-2026-11-08T041500Z-daily.sqlite3",
        # monthly: November (above), then the last of October … June
        "ally-2026-10-31T200000Z-manual.sqlite3",
        "ally-2026-09-30T041500Z-daily.sqlite3",
        "ally-2026-08-31T041500Z-daily.sqlite3",
        "ally-2026-07-31T041500Z-daily.sqlite3",
        "ally-2026-06-30T041500Z-daily.sqlite3",
        # the newest 5 before an import, the newest 3 before a restore, every pre-migration
        "ally-2026-11-26T090000Z-pre-import.sqlite3",
        "ally-2026-07-15T100000Z-pre-import.sqlite3",
        "ally-2026-06-15T100000Z-pre-import.sqlite3",
        "ally-2026-05-15T100000Z-pre-import.sqlite3",
        "ally-2026-04-15T100000Z-pre-import.sqlite3",
        "ally-2026-09-01T080000Z-pre-restore.sqlite3",
        "ally-2026-05-01T080000Z-pre-restore.sqlite3",
        "ally-2026-02-01T080000Z-pre-restore.sqlite3",
        "ally-2025-09-25T070000Z-pre-migration.sqlite3",
        "ally-2026-06-01T070000Z-pre-migration.sqlite3",
    }
    assert KEEP_PRE_IMPORT == 5
    assert KEEP_PRE_RESTORE == 3
    assert {b.name for b in list_backups(tmp_path)} == expected
    assert {p.name for p in deleted} == before - expected
    assert {p.name for p in folder.iterdir()} == expected | set(others), "others untouched"
    assert rotate(tmp_path, BackupSettings(daily=7, weekly=4, monthly=6)) == [], "stable"


def test_rotation_never_deletes_the_newest(tmp_path: Path) -> None:
    folder = DataPaths(tmp_path).backups
    for day in range(1, 6):
        _touch(folder, _at(f"2026-11-0{day}"), "daily")
    rotate(tmp_path, BackupSettings(daily=0, weekly=0, monthly=0))
    assert [b.name for b in list_backups(tmp_path)] == ["ally-2026-11-05T041500Z-daily.sqlite3"]


def test_rotation_of_nothing_keeps_nothing() -> None:
    assert backups_to_keep([], BackupSettings()) == set()


def test_rotation_follows_the_saved_settings_after_a_backup(
    db: pw.SqliteDatabase, db_path: Path, root: Path
) -> None:
    save_backup_settings(root, BackupSettings(daily=2, weekly=0, monthly=0))
    folder = DataPaths(root).backups
    for day in range(20, 26):
        _touch(folder, _at(f"2026-11-{day}"), "daily")
    info = make_backup(db_path, root, "manual", now=NOW)
    assert [b.name for b in list_backups(root)] == [
        info.name,
        "ally-2026-11-25T041500Z-daily.sqlite3",
    ]


# --- due once a day ---------------------------------------------------------------------


def test_backup_if_due_follows_the_24_hour_rule(
    db: pw.SqliteDatabase, db_path: Path, root: Path
) -> None:
    paths = DataPaths(root)
    _add(db, "Ana")
    first = backup_if_due(paths, now=NOW)
    assert first is not None
    assert first.kind == "daily"
    assert first.contacts == 1

    assert backup_if_due(paths, now=NOW + timedelta(hours=23, minutes=59)) is None
    second = backup_if_due(paths, now=NOW + timedelta(hours=24))
    assert second is not None
    assert second.taken_at == NOW + timedelta(hours=24)


def test_any_recent_backup_counts_and_a_future_one_does_not(
    db: pw.SqliteDatabase, db_path: Path, root: Path
) -> None:
    paths = DataPaths(root)
    _touch(paths.backups, NOW - timedelta(hours=3), "pre-import")
    assert backup_if_due(paths, now=NOW) is None, "a backup of any kind is a backup"

    for path in paths.backups.iterdir():
        path.unlink()
    _touch(paths.backups, NOW + timedelta(days=30), "daily")  # written under a wrong clock
    made = backup_if_due(paths, now=NOW)
    assert made is not None
    assert made.taken_at == NOW


def test_nothing_to_back_up_without_a_data_file(tmp_path: Path) -> None:
    assert backup_if_due(DataPaths(tmp_path), now=NOW) is None
    assert not DataPaths(tmp_path).backups.exists()


# --- restoring --------------------------------------------------------------------------


def _crash_while_writing(path: Path, name: str) -> None:
    """Another process adds someone and dies without closing: the change lives only in the
    write-ahead log, next to its shared-memory index."""
    script = f"""
import os, sys
from pathlib import Path
from ally_desktop.core.contacts import create_contact
from ally_desktop.core.records import ContactData
from ally_desktop.store.db import open_database, sqlite_connection
db = open_database(Path(sys.argv[1]))
sqlite_connection(db).execute("PRAGMA wal_autocheckpoint = 0")
create_contact(db, ContactData(given_name={name!r}))
os._exit(0)
"""
    subprocess.run([sys.executable, "-c", script, str(path)], check=True, timeout=60)


def test_restore_replaces_the_data_and_keeps_the_current_data_first(
    db: pw.SqliteDatabase, db_path: Path, root: Path
) -> None:
    _add(db, "Ana", "Bo")
    older = make_backup(db_path, root, "manual", now=NOW - timedelta(days=2))
    _add(db, "Cy")
    close_database(db)
    _crash_while_writing(db_path, "Only in the log")
    wal = db_path.with_name(db_path.name + "-wal")
    shm = db_path.with_name(db_path.name + "-shm")
    assert wal.stat().st_size > 0
    assert shm.exists()

    try:
        restored = restore_backup(root, older.path)
    finally:
        db.connect(reuse_if_open=True)
    assert restored.path == older.path
    assert restored.contacts == 2
    assert restored.ok is True

    assert not wal.exists() or wal.stat().st_size == 0
    assert not shm.exists()
    close_database(db)
    try:
        assert _names(db_path) == ["Ana", "Bo"]
        assert check_database(db_path).ok
        assert _mode(db_path) == 0o600
        (kept,) = [b for b in list_backups(root) if b.kind == "pre-restore"]
        assert _names(kept.path) == ["Ana", "Bo", "Cy", "Only in the log"], (
            "the log was folded in before the current data was backed up"
        )
        assert older.path.exists(), "the backup itself stays"
    finally:
        db.connect(reuse_if_open=True)
    assert sorted(load_contact(db, i).name for i in contact_ids(db, ContactQuery())) == [
        "Ana",
        "Bo",
    ], "the open store reads the restored file"


def test_restore_into_an_empty_data_directory(
    db: pw.SqliteDatabase, db_path: Path, tmp_path: Path
) -> None:
    _add(db, "Ana")
    backup = make_backup(db_path, tmp_path, "manual", tmp_path / "carried.sqlite3")
    fresh = tmp_path / "new computer"
    fresh.mkdir()
    restored = restore_backup(fresh, backup.path)
    assert restored.contacts == 1
    assert _names(DataPaths(fresh).database) == ["Ana"]
    assert list_backups(fresh) == [], "there was nothing to keep"


def test_restore_refuses_while_the_file_is_open(
    db: pw.SqliteDatabase, db_path: Path, root: Path
) -> None:
    _add(db, "Ana")
    backup = make_backup(db_path, root, "manual", now=NOW - timedelta(days=1))
    _add(db, "Bo")
    before = _snapshot(root)
    with pytest.raises(DatabaseInUseError, match="open in another program"):
        restore_backup(root, backup.path)
    assert _snapshot(root) == before
    assert "Bo" in _names(db_path)


@pytest.fixture
def foreign(tmp_path: Path) -> Path:
    path = tmp_path / "other program.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE invoice (id INTEGER PRIMARY KEY, total REAL)")
        conn.execute("INSERT INTO invoice (total) VALUES (12.5)")
        conn.commit()
    return path


def _newer(db_path: Path, tmp_path: Path) -> Path:
    path = make_backup(db_path, tmp_path, "manual", tmp_path / "from the future.sqlite3").path
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(f"PRAGMA user_version = {migrations.LATEST_VERSION + 1}")
    return path


def _damaged(db: pw.SqliteDatabase, db_path: Path, tmp_path: Path) -> Path:
    _add(db, *(f"Person {i}" for i in range(300)))
    path = make_backup(db_path, tmp_path, "manual", tmp_path / "damaged.sqlite3").path
    _damage(path)
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        ("damaged", r"damaged\.sqlite3 cannot be restored: The backup is damaged"),
        ("foreign", r"cannot be restored: The file is not an Ally data file"),
        ("newer", r"made by a newer version of Ally \(schema \d+; this one knows up to \d+\)"),
        ("garbage", r"cannot be restored: The backup is damaged or not a database"),
        ("missing", r"There is no backup at"),
    ],
)
def test_restore_refuses_what_it_cannot_trust_and_changes_nothing(
    db: pw.SqliteDatabase,
    db_path: Path,
    tmp_path: Path,
    foreign: Path,
    make: str,
    message: str,
) -> None:
    _add(db, "Ana")
    make_backup(db_path, tmp_path, "daily", now=NOW)
    if make == "damaged":
        backup = _damaged(db, db_path, tmp_path)
    elif make == "foreign":
        backup = foreign
    elif make == "newer":
        backup = _newer(db_path, tmp_path)
    elif make == "garbage":
        backup = tmp_path / "garbage.sqlite3"
        backup.write_bytes(os.urandom(8192))
    else:
        backup = tmp_path / "missing.sqlite3"
    close_database(db)
    before = _snapshot(tmp_path)
    try:
        with pytest.raises(RestoreRefusedError, match=message) as raised:
            restore_backup(tmp_path, backup)
        assert str(raised.value).endswith("Nothing was changed.")
        assert _snapshot(tmp_path) == before
    finally:
        db.connect(reuse_if_open=True)


def test_an_older_schema_is_restored_and_migrated_when_opened(
    db: pw.SqliteDatabase, db_path: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old" / "ally.sqlite3"
    old.parent.mkdir()
    with closing(sqlite3.connect(old)) as conn:
        conn.executescript(V1_FIXTURE.read_text(encoding="utf-8"))
    fixture_people = _names(old)
    close_database(db)
    try:
        restored = restore_backup(tmp_path, old)
        assert restored.schema_version == 1
        upgraded = open_database(db_path)
        try:
            assert migrations.schema_version(upgraded.connection()) == migrations.LATEST_VERSION
        finally:
            close_database(upgraded)
        assert _names(db_path) == fixture_people
    finally:
        db.bind(MODELS, bind_refs=False, bind_backrefs=False)
        db.connect(reuse_if_open=True)


def test_a_damaged_current_file_is_kept_byte_for_byte_before_a_restore(
    db: pw.SqliteDatabase, db_path: Path, root: Path
) -> None:
    _add(db, *(f"Person {i}" for i in range(300)))
    good = make_backup(db_path, root, "manual", now=NOW - timedelta(days=1))
    close_database(db)
    _damage(db_path)
    damaged_bytes = db_path.read_bytes()
    try:
        restore_backup(root, good.path)
        (kept,) = [b for b in list_backups(root) if b.kind == "pre-restore"]
        assert kept.path.read_bytes() == damaged_bytes
        assert check_database(db_path).ok
    finally:
        db.connect(reuse_if_open=True)


# --- before a migration -----------------------------------------------------------------


def test_opening_a_v1_file_backs_it_up_before_migrating(db_path: Path, root: Path) -> None:
    with closing(sqlite3.connect(db_path)) as conn:
        conn.executescript(V1_FIXTURE.read_text(encoding="utf-8"))
    people = _names(db_path)
    assert people

    database = open_database(db_path)
    close_database(database)

    (backup,) = list_backups(root)
    assert backup.kind == "pre-migration"
    checked = check_backup(backup, thorough=True)
    assert checked.ok
    assert checked.schema_version == 1, "the file as it was before the update"
    assert _names(backup.path) == people
    with closing(sqlite3.connect(db_path)) as conn:
        assert migrations.schema_version(conn) == migrations.LATEST_VERSION

    database = open_database(db_path)
    close_database(database)
    assert len(list_backups(root)) == 1, "nothing to migrate: no new backup"


def test_a_new_file_needs_no_backup(db: pw.SqliteDatabase, root: Path) -> None:
    assert not DataPaths(root).backups.exists()


def test_an_unusable_chosen_folder_falls_back_to_the_default_before_a_migration(
    db_path: Path, root: Path
) -> None:
    blocker = root / "not a folder"
    blocker.write_text("a file where the folder should be")
    save_backup_settings(root, BackupSettings(blocker / "backups"))
    with closing(sqlite3.connect(db_path)) as conn:
        conn.executescript(V1_FIXTURE.read_text(encoding="utf-8"))
    database = open_database(db_path)
    close_database(database)
    (backup,) = [p.name for p in DataPaths(root).backups.iterdir()]
    assert backup.endswith("-pre-migration.sqlite3")
