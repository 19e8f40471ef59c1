"""Two processes on one data file: the window and ``ally import``, or a writer holding the
lock. WAL lets readers and one writer share the file; the busy timeout (5 s) makes a
short lock a wait, and a long one a clear error with nothing half-written.

The third case of the issue, a second window on the same data folder handing over to
the first and exiting 0 (without opening the database), is
``tests/e2e/test_gui_start.py::test_second_launch_on_same_data_dir_exits_0_and_first_keeps_running``.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from subprocess import CompletedProcess

import peewee as pw
import pytest

from ally_desktop.core import contacts, reminders, timeline
from ally_desktop.core.contacts import create_contact
from ally_desktop.core.records import ContactData
from ally_desktop.core.transfer.importing import ImportOutcome, undo_import
from ally_desktop.paths import ensure_data_dir
from ally_desktop.store.db import BUSY_TIMEOUT_MS, close_database, open_database, sqlite_connection
from ally_desktop.store.errors import user_facing_errors
from ally_desktop.store.integrity import check_database
from tests.e2e.helpers import ALLY, CLI_TIMEOUT, RunningAlly
from tests.faults.store_state import derived_problems, table_snapshot, write_people_csv

Ally = Callable[..., CompletedProcess[str]]
Launch = Callable[..., RunningAlly]
ROWS = 300
BUSY_TIMEOUT_S = BUSY_TIMEOUT_MS / 1000


def _names(path: Path) -> set[str]:
    database = open_database(path)
    try:
        rows = sqlite_connection(database).execute("SELECT full_name FROM contact")
        return {name for (name,) in rows}
    finally:
        close_database(database)


def _derived_problems(path: Path) -> list[str]:
    database = open_database(path)
    try:
        return derived_problems(sqlite_connection(database))
    finally:
        close_database(database)


def _imported_names(prefix: str, count: int) -> set[str]:
    return {f"{prefix} Number {n}" for n in range(count)}


def test_import_from_the_command_line_while_the_window_has_the_file_open(
    launch: Launch, ally: Ally, data_dir: Path, tmp_path: Path
) -> None:
    app = launch(data_dir)
    app.wait_for_window()  # the window has opened and migrated the database
    people = write_people_csv(tmp_path / "people.csv", ROWS, "Cli")

    result = ally("--data-dir", data_dir, "import", people)

    assert result.returncode == 0, result.stderr
    assert f"Imported: {ROWS} added" in result.stdout, result.stdout
    database = data_dir / "ally.sqlite3"
    report = check_database(database)  # a third connection, the window's still open
    assert report.ok, report.problems
    assert report.contacts == ROWS
    assert _names(database) == _imported_names("Cli", ROWS)
    assert _derived_problems(database) == []
    assert app.running(), app.describe()
    app.send(signal.SIGTERM)
    assert app.wait(10) == 0, app.describe()
    assert check_database(database).ok


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, pw.SqliteDatabase]:
    """A data folder made as Ally makes it, with the test's own connection to its database."""
    paths = ensure_data_dir(tmp_path / "data")
    return paths.database, open_database(paths.database)


def _start_import(env: dict[str, str], database: Path, csv_file: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*ALLY, "--data-dir", str(database.parent), "import", str(csv_file)],
        env=env,
        cwd=csv_file.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_import_waits_for_a_writer_that_holds_the_lock_for_a_second(
    store: tuple[Path, pw.SqliteDatabase], env: dict[str, str], tmp_path: Path
) -> None:
    database, db = store
    people = write_people_csv(tmp_path / "people.csv", ROWS, "Waiting")
    try:
        with db.atomic("IMMEDIATE"):  # what a save in the window does, held for 1 s
            create_contact(db, ContactData(given_name="Held", family_name="Writer"))
            started = time.monotonic()
            importing = _start_import(env, database, people)
            time.sleep(1.0)
        out, err = importing.communicate(timeout=CLI_TIMEOUT)
        elapsed = time.monotonic() - started
    finally:
        close_database(db)

    assert importing.returncode == 0, err
    assert elapsed >= 1.0, "the import cannot have committed while the lock was held"
    assert _names(database) == {"Held Writer"} | _imported_names("Waiting", ROWS), out
    report = check_database(database)
    assert report.ok, report.problems
    assert _derived_problems(database) == []


def test_import_gives_up_on_a_lock_held_past_the_busy_timeout_and_writes_nothing(
    store: tuple[Path, pw.SqliteDatabase], env: dict[str, str], tmp_path: Path
) -> None:
    database, db = store
    create_contact(db, ContactData(given_name="Already", family_name="There"))
    before = table_snapshot(database)
    people = write_people_csv(tmp_path / "people.csv", ROWS, "Locked")
    conn = sqlite_connection(db)
    conn.execute("BEGIN IMMEDIATE")  # held until the import has given up: about 5.5 s
    try:
        started = time.monotonic()
        importing = _start_import(env, database, people)
        out, err = importing.communicate(timeout=BUSY_TIMEOUT_S + 10)
        elapsed = time.monotonic() - started
    finally:
        conn.execute("ROLLBACK")
        close_database(db)

    assert importing.returncode == 1, out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0] == "ally: The data file is locked by another program: the change was not saved."
    assert BUSY_TIMEOUT_S <= elapsed < BUSY_TIMEOUT_S + 3, f"gave up after {elapsed:.1f} s"
    assert table_snapshot(database) == before  # nothing half-written
    assert check_database(database).ok


# -- every write of the window waits for a short lock ------------------------------------

HOLD_S = 0.3
# Another process: takes the write lock, says so, holds it, lets go.
HOLDER = (
    "import sqlite3, sys, time\n"
    "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "conn.execute('BEGIN IMMEDIATE')\n"
    "print('held', flush=True)\n"
    "time.sleep(float(sys.argv[2]))\n"
    "conn.execute('COMMIT')\n"
)


@dataclass
class Seeded:
    """A store with one of each thing the window's commands act on."""

    db: pw.SqliteDatabase
    path: Path
    contact: int
    trashed: int
    interaction: int
    reminder: int

    def logged(self, kind: str = "call") -> timeline.InteractionData:
        when = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)
        return timeline.InteractionData(kind, [self.contact], when=when, time_zone="UTC")


def _reminder(title: str = "Send the deck") -> reminders.ReminderData:
    return reminders.ReminderData(title, date(2025, 5, 6), time_zone="UTC")


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Seeded]:
    path = tmp_path / "ally.sqlite3"
    db = open_database(path)
    contact = create_contact(db, ContactData(given_name="Ana", cadence_days=30))
    trashed = create_contact(db, ContactData(given_name="Bo"))
    contacts.trash_contacts(db, [trashed])
    seeded = Seeded(db, path, contact, trashed, 0, reminders.create_reminder(db, _reminder()))
    seeded.interaction = timeline.create_interaction(db, seeded.logged())
    yield seeded
    close_database(db)


WRITES: list[object] = [
    pytest.param(lambda s: create_contact(s.db, ContactData(given_name="Cy")), id="create_contact"),
    pytest.param(
        lambda s: contacts.update_contact(s.db, s.contact, ContactData(given_name="Ana B")),
        id="update_contact",
    ),
    pytest.param(lambda s: contacts.trash_contacts(s.db, [s.contact]), id="trash_contacts"),
    pytest.param(lambda s: contacts.restore_contacts(s.db, [s.trashed]), id="restore_contacts"),
    pytest.param(
        lambda s: contacts.purge_contacts(s.db, [s.trashed]),
        id="purge_contacts",
    ),
    pytest.param(
        lambda s: contacts.empty_trash(s.db),
        id="empty_trash",
    ),
    pytest.param(
        lambda s: undo_import(s.db, ImportOutcome(created_ids=[s.trashed])),
        id="undo_import",
    ),
    pytest.param(lambda s: timeline.create_interaction(s.db, s.logged()), id="create_interaction"),
    pytest.param(
        lambda s: timeline.update_interaction(s.db, s.interaction, s.logged("coffee")),
        id="update_interaction",
    ),
    pytest.param(
        lambda s: timeline.set_interactions_trashed(s.db, [s.interaction], True),
        id="set_interactions_trashed",
    ),
    pytest.param(
        lambda s: timeline.purge_interactions(s.db, [s.interaction]), id="purge_interactions"
    ),
    pytest.param(lambda s: reminders.create_reminder(s.db, _reminder()), id="create_reminder"),
    pytest.param(
        lambda s: reminders.update_reminder(s.db, s.reminder, _reminder("Send it")),
        id="update_reminder",
    ),
    pytest.param(
        lambda s: reminders.complete(s.db, s.reminder),
        id="complete",
    ),
    pytest.param(
        lambda s: reminders.dismiss(s.db, s.reminder),
        id="dismiss",
    ),
    pytest.param(
        lambda s: reminders.snooze(s.db, s.reminder, datetime(2030, 1, 1, tzinfo=UTC)),
        id="snooze",
    ),
    pytest.param(lambda s: reminders.delete_reminder(s.db, s.reminder), id="delete_reminder"),
    pytest.param(lambda s: reminders.mark_announced(s.db, [s.reminder]), id="mark_announced"),
]


@pytest.mark.parametrize("write", WRITES)
def test_a_write_waits_for_a_lock_another_process_holds_briefly(
    seeded: Seeded, write: Callable[[Seeded], object]
) -> None:
    """What the window does while ``ally import`` or ``ally log`` commits: wait, then save.

    The store's promise (store/db.py): "a short lock by another process waits instead
    of failing". The holder is a separate process, as the command line would be.
    """
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(seeded.path), str(HOLD_S)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with user_facing_errors():
            write(seeded)
        waited = time.monotonic() - started
    finally:
        holder.communicate(timeout=10)
    assert holder.returncode == 0
    assert waited >= HOLD_S / 2, f"saved after {waited:.2f} s while the lock was held"
    assert check_database(seeded.path).ok
