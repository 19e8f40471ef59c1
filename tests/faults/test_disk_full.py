"""A disk that really fills up (a 4 MB tmpfs): the failing write is refused in plain words,
every earlier commit survives, and the same write succeeds once space is freed.

The unit tests simulate a full database with ``max_page_count``; here the kernel itself
says ENOSPC, wherever SQLite happens to be writing (the WAL, its index, a checkpoint).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import peewee as pw
import pytest

from ally_desktop.core.contacts import create_contact
from ally_desktop.core.records import ContactData, LabeledValue
from ally_desktop.core.validation import validate_contact
from ally_desktop.store.db import close_database, open_database, sqlite_connection
from ally_desktop.store.errors import DiskFullError, StoreError, user_facing_errors
from ally_desktop.store.integrity import check_database
from tests.faults.store_state import (
    Parts,
    contact_parts,
    derived_problems,
    integrity,
    stored_contacts,
    table_snapshot,
    write_people_csv,
)

Ally = Callable[..., CompletedProcess[str]]
FILLER_BYTES = 1024 * 1024  # freed to make room again: more than one contact's write needs
# The database, the filler, the import's result, and the snapshot from before the import.
NoRoom = tuple[Path, Path, CompletedProcess[str], dict[str, list[str]]]
MAX_CONTACTS = 5000  # a disk of 4 MB is full long before; a bound, not an expectation


def person(serial: int) -> ContactData:
    """A contact heavy enough (notes, indexed twice) that a few hundred fill the disk."""
    return validate_contact(
        ContactData(
            given_name="Filler",
            family_name=f"Person {serial}",
            organization="Acme",
            emails=[LabeledValue("work", f"filler.{serial}@example.org")],
            tags=["disk-full"],
            notes=f"Notes of person {serial}. " + "lorem ipsum dolor " * 400,
        )
    )


def fill_store(db: pw.SqliteDatabase) -> tuple[dict[int, Parts], ContactData, StoreError]:
    """Adds contacts until one fails; returns what was committed, the refused contact and
    the error Ally's error mapping turned the failure into."""
    committed: dict[int, Parts] = {}
    for serial in range(MAX_CONTACTS):
        data = person(serial)
        try:
            with user_facing_errors():
                contact_id = create_contact(db, data)
        except StoreError as error:
            return committed, data, error
        committed[contact_id] = contact_parts(data)
    raise AssertionError(f"{MAX_CONTACTS} contacts fit on a {4} MB disk: is it mounted?")


def test_full_disk_keeps_every_commit_and_the_write_succeeds_after_space_is_freed(
    small_disk: Path,
) -> None:
    filler = small_disk / "filler.bin"
    filler.write_bytes(b"\xa5" * FILLER_BYTES)
    path = small_disk / "ally.sqlite3"
    db = open_database(path)
    try:
        committed, refused, error = fill_store(db)

        assert isinstance(error, DiskFullError), f"{type(error).__name__}: {error}"
        assert str(error).startswith("The disk is full")
        assert len(committed) > 10
        assert not sqlite_connection(db).in_transaction
        assert stored_contacts(sqlite_connection(db)) == committed  # nothing of the refused one
    finally:
        close_database(db)  # its checkpoint cannot grow the file: it must not raise

    # Reopened while the disk is still full: everything committed is there, healthy.
    assert integrity(path) == ["ok"]
    db = open_database(path)
    try:
        conn = sqlite_connection(db)
        assert stored_contacts(conn) == committed
        assert derived_problems(conn) == []

        filler.unlink()
        with user_facing_errors():
            retried = create_contact(db, refused)

        assert stored_contacts(conn) == committed | {retried: contact_parts(refused)}
        assert derived_problems(conn) == []
    finally:
        close_database(db)
    assert integrity(path) == ["ok"]
    report = check_database(path)
    assert report.ok, report.problems
    assert report.contacts == len(committed) + 1


def test_the_same_connection_saves_again_once_space_is_freed(small_disk: Path) -> None:
    """The window keeps its connection open: after "disk full", freeing space and saving
    again must work without restarting Ally."""
    filler = small_disk / "filler.bin"
    filler.write_bytes(b"\xa5" * FILLER_BYTES)
    path = small_disk / "ally.sqlite3"
    db = open_database(path)
    try:
        committed, refused, error = fill_store(db)
        assert isinstance(error, DiskFullError), f"{type(error).__name__}: {error}"

        filler.unlink()
        with user_facing_errors():
            retried = create_contact(db, refused)
            after = create_contact(db, person(MAX_CONTACTS))

        conn = sqlite_connection(db)
        assert stored_contacts(conn) == committed | {
            retried: contact_parts(refused),
            after: contact_parts(person(MAX_CONTACTS)),
        }
        assert derived_problems(conn) == []
    finally:
        close_database(db)
    assert check_database(path).ok


def test_cli_import_on_a_full_disk_says_so_in_one_line_and_changes_nothing(
    small_disk: Path, fill_disk: Callable[[Path, int], Path], ally: Ally, tmp_path: Path
) -> None:
    data_dir = small_disk / "data"
    first = ally(
        "--data-dir", data_dir, "import", write_people_csv(tmp_path / "few.csv", 5, "Early")
    )
    assert first.returncode == 0, first.stderr
    database = data_dir / "ally.sqlite3"
    before = table_snapshot(database)
    # Room for what comes before the import's write (the WAL index, a pre-import backup
    # of a file this small), not for the write itself: about 1 MB for 400 people.
    filler = fill_disk(small_disk / "filler.bin", 2 * database.stat().st_size + 192 * 1024)
    big = write_people_csv(tmp_path / "big.csv", 400, "Late")  # not on the small disk

    result = ally("--data-dir", data_dir, "import", big)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "the disk is full" in lines[0].lower(), lines[0]
    assert integrity(database) == ["ok"]
    assert table_snapshot(database) == before
    assert check_database(database).ok

    filler.unlink()
    again = ally("--data-dir", data_dir, "import", big)
    assert again.returncode == 0, again.stderr
    report = check_database(database)
    assert report.ok, report.problems
    assert report.contacts == 5 + 400


@pytest.fixture
def no_room_at_all(
    small_disk: Path, fill_disk: Callable[[Path, int], Path], ally: Ally, tmp_path: Path
) -> NoRoom:
    """An import onto a disk without a free byte: not even room for the WAL's index
    (``-shm``), which SQLite needs before it can read a WAL database at all. Returns the
    database, the filler, the import's result and the snapshot taken before it."""
    data_dir = small_disk / "data"
    few = write_people_csv(tmp_path / "few.csv", 5, "Early")
    first = ally("--data-dir", data_dir, "import", few)
    assert first.returncode == 0, first.stderr
    database = data_dir / "ally.sqlite3"
    before = table_snapshot(database)
    filler = fill_disk(small_disk / "filler.bin", 0)
    more = write_people_csv(tmp_path / "more.csv", 50, "Late")
    return database, filler, ally("--data-dir", data_dir, "import", more), before


def test_cli_import_on_a_disk_without_a_free_byte_fails_cleanly(
    no_room_at_all: NoRoom,
) -> None:
    database, filler, result, before = no_room_at_all

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    filler.unlink()  # reading a WAL database needs room for its -shm: free some first
    assert integrity(database) == ["ok"]
    assert table_snapshot(database) == before


def test_cli_import_on_a_disk_without_a_free_byte_says_the_disk_is_full(
    no_room_at_all: NoRoom,
) -> None:
    _, _, result, _ = no_room_at_all
    assert "The disk is full" in result.stderr, result.stderr
