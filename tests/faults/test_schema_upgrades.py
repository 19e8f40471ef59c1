"""Data files of every past schema version open in this Ally with nothing lost.

The fixtures (``tests/fixtures/schemas/schema_vN.sql``, built by ``make_fixtures.py`` in
that folder) are files older Allys wrote: the schema ``migrate(target=N)`` made, filled
with a contact in every child table, interactions from version 3, reminders from
version 5. Each is upgraded by ``open_database``, as a user's file would be at the first
start of a new version, and then compared with what it held: every row of every table
that existed, unchanged; the values people see, through Ally's own read paths; and what
the store derives (search indexes, last interactions, reminders for cadences and dates).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import peewee as pw
import pytest

from ally_desktop.core.contact_queries import ContactQuery, contact_ids
from ally_desktop.core.contacts import load_contact
from ally_desktop.core.records import Address, Closeness, ImportantDate, LabeledValue
from ally_desktop.core.reminders import Frequency, Recurrence, load_reminder
from ally_desktop.core.timeline import TimelineQuery, interaction_ids, load_interaction
from ally_desktop.store.db import close_database, open_database, sqlite_connection
from ally_desktop.store.integrity import check_database
from ally_desktop.store.migrations import LATEST_VERSION, schema_version
from ally_desktop.store.schedule import cadence_due
from tests.faults.store_state import derived_problems, integrity

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "schemas"
PAST_VERSIONS = list(range(1, LATEST_VERSION))
MAX_FIXTURE_BYTES = 200_000

Rows = list[tuple[object, ...]]


def fixture(version: int) -> Path:
    return FIXTURES / f"schema_v{version}.sql"


def test_every_past_schema_version_has_a_small_fixture() -> None:
    """A new migration makes the version before it "past": its fixture must be added."""
    missing = [v for v in PAST_VERSIONS if not fixture(v).is_file()]
    assert not missing, (
        f"no fixture for schema versions {missing}: run "
        f".venv/bin/python tests/fixtures/schemas/make_fixtures.py {' '.join(map(str, missing))}"
    )
    for version in PAST_VERSIONS:
        assert fixture(version).stat().st_size < MAX_FIXTURE_BYTES


@pytest.fixture
def utc_clock() -> Iterator[None]:
    """This computer's clock on UTC, as make_fixtures.py had it.

    Reminders fall due at 09:00 on the local clock, and a stored reminder keeps the
    instant computed where it was written; on the fixture's clock the keep-in-touch
    reminders of the version 5 file are exactly what the triggers compute now.
    """
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        yield
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()


def _tables(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Each table (FTS shadow tables aside) with the columns to compare, rowid first for
    the virtual ones (their rowid is the contact's or interaction's id)."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    virtual = {name for name, sql in rows if sql.upper().startswith("CREATE VIRTUAL TABLE")}
    tables = {}
    for name, _ in rows:
        if any(name.startswith(v + "_") for v in virtual):
            continue
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({name})")]
        tables[name] = ["rowid", *columns] if name in virtual else columns
    return tables


def _rows(conn: sqlite3.Connection, table: str, columns: list[str]) -> Rows:
    order = ", ".join(str(i + 1) for i in range(len(columns)))
    return conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}").fetchall()


def _load(version: int, path: Path) -> dict[str, tuple[list[str], Rows]]:
    """Write the fixture to ``path`` as the old Ally left it; returns every table's rows."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.executescript(fixture(version).read_text(encoding="utf-8"))
        assert schema_version(conn) == version
        return {t: (cols, _rows(conn, t, cols)) for t, cols in _tables(conn).items()}
    finally:
        conn.close()


@pytest.fixture(params=PAST_VERSIONS, ids=lambda v: f"v{v}")
def upgraded(
    request: pytest.FixtureRequest, tmp_path: Path, utc_clock: None
) -> Iterator[tuple[int, dict[str, tuple[list[str], Rows]], pw.SqliteDatabase]]:
    """(version, the fixture's rows, the database upgraded by Ally's open)."""
    version = request.param
    if not fixture(version).is_file():
        pytest.fail(f"no fixture for schema version {version}: run make_fixtures.py {version}")
    path = tmp_path / "ally.sqlite3"
    before = _load(version, path)
    database = open_database(path)
    try:
        yield version, before, database
    finally:
        close_database(database)
    assert integrity(path) == ["ok"]
    report = check_database(path)
    assert report.ok, report.problems
    assert (report.schema_version, report.contacts) == (LATEST_VERSION, 4)


def test_every_row_of_every_old_table_is_kept(
    upgraded: tuple[int, dict[str, tuple[list[str], Rows]], pw.SqliteDatabase],
) -> None:
    version, before, database = upgraded
    conn = sqlite_connection(database)
    assert schema_version(conn) == LATEST_VERSION
    empty = [table for table, (_, rows) in before.items() if not rows]
    assert not empty, f"the v{version} fixture has empty tables {empty}: it tests less"
    for table, (columns, rows) in before.items():
        after = _rows(conn, table, columns)
        assert len(after) == len(rows), f"{table}: {len(rows)} rows before, {len(after)} after"
        if table == "contact_fts":
            # The search index, made from the tables: since version 9 a topic is indexed
            # with its other names as well. Everything else in it is as it was.
            topics = columns.index("topics")
            for old, new in zip(rows, after, strict=True):
                assert old[:topics] + old[topics + 1 :] == new[:topics] + new[topics + 1 :]
                assert set(_names(old[topics])) <= set(_names(new[topics]))
            continue
        assert after == rows, f"{table}: values changed"


def _names(text: object) -> list[str]:
    return str(text or "").split(" ; ")


def test_what_people_see_is_unchanged(
    upgraded: tuple[int, dict[str, tuple[list[str], Rows]], pw.SqliteDatabase],
) -> None:
    version, _, db = upgraded
    ada = load_contact(db, 1)
    assert ada.name == "Ada Lovelace"
    assert ada.data.emails == [
        LabeledValue("work", "ada@engines.example"),
        LabeledValue("home", "ada@lovelace.example"),
    ]
    assert ada.data.phones == [LabeledValue("mobile", "+44 20 7946 0001")]
    assert ada.data.tags == ["mentor", "board"]
    assert ada.data.topics == ["Mathematics", "Bernoulli numbers"]
    assert ada.data.addresses == [
        Address("home", "12 St James's Square", "London", "", "SW1Y 4JH", "United Kingdom")
    ]
    assert ada.data.dates == [
        ImportantDate("custom", 9, 1, 1843, "Notes published"),
        ImportantDate("birthday", 12, 10, 1815),
    ]
    assert (ada.data.met_how, ada.data.met_on) == ("Babbage's salon", date(1833, 6, 5))
    assert ada.data.notes == "Wrote the first program.\nTranslated Menabrea."
    assert ada.data.photo == b"\x89PNG\r\n\x1a\n"
    assert (ada.data.closeness, ada.data.cadence_days) == (Closeness.INNER_CIRCLE, 30)
    assert {(v.other_name, v.phrase) for v in ada.connections} == {
        ("Søren Kierkegaard", "is a mentor of"),
        ("Admiral Hopper", "works with"),
        ("Old Contact", "old friend"),
    }
    assert load_contact(db, 3).data.archived
    assert load_contact(db, 4).trashed_at == "2024-05-01T00:00:00.000000Z"

    def found(**query: Any) -> list[int]:
        return list(contact_ids(db, ContactQuery(**query)))

    assert found(text="soren") == [2]
    assert found(text="engines") == [1]
    assert found(text="countess") == [1]
    assert found(text="+45 33") == [2]
    assert found(tag="board") == [1, 2]
    assert found(text="cobol") == []
    assert found(text="cobol", include_archived=True) == [3]
    assert found(trashed=True) == [4]
    # Since version 7 Mathematics is also called Taxes (an alias, as a merge leaves):
    # since version 9 that name finds who lists it.
    assert found(text="taxes") == ([1] if version >= 7 else [])


def test_interactions_and_last_contact_are_unchanged(
    upgraded: tuple[int, dict[str, tuple[list[str], Rows]], pw.SqliteDatabase],
) -> None:
    version, _, db = upgraded
    conn = sqlite_connection(db)
    last = dict(conn.execute("SELECT id, last_interaction_at FROM contact").fetchall())
    if version < 3:
        assert conn.execute("SELECT count(*) FROM interaction").fetchone()[0] == 0
        assert last == {1: None, 2: None, 3: None, 4: None}
        return
    coffee = load_interaction(db, 1)
    assert coffee.occurred_at == "2024-03-05T08:30:00Z"
    assert coffee.data.day == date(2024, 3, 5)
    assert coffee.data.when == datetime(2024, 3, 5, 8, 30, tzinfo=UTC)
    assert sorted(coffee.data.participants) == [1, 2]
    assert (coffee.data.exchange, coffee.data.exchange_note) == (
        "given",
        "Introduced her to Babbage",
    )
    call = load_interaction(db, 2)
    assert (call.data.when, call.data.day) == (None, date(2024, 4, 1))  # a day, no time
    assert call.data.participants == [2]
    assert load_interaction(db, 3).trashed_at is not None
    assert list(interaction_ids(db, TimelineQuery(text="royal society"))) == [1]
    assert list(interaction_ids(db, TimelineQuery(contact_id=1))) == [1]
    assert list(interaction_ids(db, TimelineQuery(trashed=True))) == [3, 4]
    # The interaction in the trash does not count; the one with Old Contact went with him.
    assert last == {1: "2024-03-05T08:30:00Z", 2: "2024-04-01T10:00:00Z", 3: None, 4: None}


def test_reminders_follow_cadences_and_dates(
    upgraded: tuple[int, dict[str, tuple[list[str], Rows]], pw.SqliteDatabase],
) -> None:
    version, _, db = upgraded
    conn = sqlite_connection(db)
    assert derived_problems(conn) == []
    keep_in_touch = {
        cid: (due, touched, hidden)
        for cid, due, touched, hidden in conn.execute(
            "SELECT contact_id, due_at, touched_at, hidden FROM reminder"
            " WHERE kind = 'keep_in_touch'"
        )
    }
    assert set(keep_in_touch) == {1, 2, 4}, "one per contact with a cadence"
    last = "2024-03-05T08:30:00Z" if version >= 3 else None
    touched = "2024-03-20T09:00:00Z" if version >= 5 else None  # done once, at version 5
    due = cadence_due(last, touched, "2024-01-10T09:00:00.000000Z", 30)
    assert keep_in_touch[1] == (due, touched, 0)
    assert keep_in_touch[4][2] == 1, "reminders of people in the trash never fall due"
    dates = dict(
        conn.execute(
            "SELECT contact_id || ' ' || date_key, hidden FROM reminder WHERE kind = 'date'"
        ).fetchall()
    )
    assert dates == {
        "1 birthday:12-10:": 0,
        "1 custom:09-01:Notes published": 0,
        "2 anniversary:05-05:": 0,
        "3 birthday:12-09:": 1,  # archived: not nagged about
        "4 birthday:02-29:": 1,  # in the trash
    }
    if version < 5:
        return
    assert keep_in_touch[1][0] == "2024-04-19T09:00:00Z"
    notes = load_reminder(db, 100)
    assert (notes.title, notes.contact_id) == ("Send Ada the notes", 1)
    assert notes.due_at == datetime(2026, 2, 1, 9, 30, tzinfo=UTC)
    review = load_reminder(db, 101)
    assert review.recurrence == Recurrence(Frequency.WEEKLY, 2, (0,))
    assert (review.occurs_on, review.done_count) == (date(2025, 1, 20), 1)
    assert load_reminder(db, 102).snoozed_until == datetime(2025, 1, 20, 8, 0, tzinfo=UTC)
