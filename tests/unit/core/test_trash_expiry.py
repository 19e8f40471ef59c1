"""The trash empties itself after the retention period, exactly as "Delete for good" would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import peewee as pw
import pytest

from ally_desktop.core.contact_queries import ContactQuery, contact_ids
from ally_desktop.core.contacts import create_contact, trash_contacts
from ally_desktop.core.records import ConnectionLink, ContactData, LabeledValue
from ally_desktop.core.timeline import (
    InteractionData,
    TimelineQuery,
    create_interaction,
    interaction_ids,
    set_interactions_trashed,
)
from ally_desktop.core.trash_expiry import (
    DEFAULT_RETENTION_DAYS,
    MAX_RETENTION_DAYS,
    PurgeReport,
    expiry_cutoff,
    purge_expired,
    retention_days,
    set_retention_days,
)
from ally_desktop.store import search
from ally_desktop.store.db import sqlite_connection
from ally_desktop.store.errors import DiskFullError, user_facing_errors

NOW = datetime(2025, 3, 15, 12, 0, tzinfo=UTC)


def _add(db: pw.SqliteDatabase, given: str, **fields: Any) -> int:
    return create_contact(db, ContactData(given_name=given, **fields))


def _log(db: pw.SqliteDatabase, *people: int, title: str = "Coffee") -> int:
    return create_interaction(
        db, InteractionData("coffee", list(people), when=NOW - timedelta(days=90), title=title)
    )


def _age(db: pw.SqliteDatabase, table: str, row_id: int, days: float) -> None:
    """Pretend the row went to the trash ``days`` days before NOW."""
    when = expiry_cutoff(0, NOW - timedelta(days=days))
    sqlite_connection(db).execute(f"UPDATE {table} SET trashed_at = ? WHERE id = ?", [when, row_id])


def _exists(db: pw.SqliteDatabase, table: str, row_id: int) -> bool:
    row = sqlite_connection(db).execute(f"SELECT 1 FROM {table} WHERE id = ?", [row_id])
    return row.fetchone() is not None


def _interaction_index_consistent(db: pw.SqliteDatabase) -> bool:
    conn = sqlite_connection(db)
    rows = {i for (i,) in conn.execute("SELECT id FROM interaction")}
    indexed = {i for (i,) in conn.execute("SELECT rowid FROM interaction_fts")}
    return rows == indexed


def _consistent(db: pw.SqliteDatabase) -> bool:
    conn = sqlite_connection(db)
    orphans = conn.execute(
        "SELECT count(*) FROM interaction_participant p"
        " WHERE NOT EXISTS (SELECT 1 FROM contact c WHERE c.id = p.contact_id)"
    ).fetchone()[0]
    return (
        search.index_is_consistent(conn)
        and _interaction_index_consistent(db)
        and orphans == 0
        and conn.execute("PRAGMA foreign_key_check").fetchone() is None
    )


def test_29_days_stay_and_31_days_go(db: pw.SqliteDatabase) -> None:
    recent, old, kept = _add(db, "Recent"), _add(db, "Old"), _add(db, "Kept")
    trash_contacts(db, [recent, old])
    _age(db, "contact", recent, 29)
    _age(db, "contact", old, 31)

    report = purge_expired(db, 30, now=NOW)

    assert report.contact_ids == (old,)
    assert report.contacts == 1
    assert not _exists(db, "contact", old)
    assert _exists(db, "contact", recent)
    assert _exists(db, "contact", kept)
    assert list(contact_ids(db, ContactQuery(trashed=True))) == [recent]
    assert _consistent(db)


def test_interactions_trashed_on_their_own_expire_by_their_own_date(
    db: pw.SqliteDatabase,
) -> None:
    ana = _add(db, "Ana")
    recent, old, live = _log(db, ana, title="recent"), _log(db, ana, title="old"), _log(db, ana)
    set_interactions_trashed(db, [recent, old], True)
    _age(db, "interaction", recent, 29)
    _age(db, "interaction", old, 31)

    report = purge_expired(db, 30, now=NOW)

    assert report == PurgeReport((), (old,))
    assert (report.contacts, report.interactions) == (0, 1)
    assert list(interaction_ids(db, TimelineQuery(trashed=True))) == [recent]
    assert list(interaction_ids(db, TimelineQuery())) == [live]
    assert _exists(db, "contact", ana)
    assert _consistent(db)


def test_interactions_trashed_with_their_person_follow_the_person(db: pw.SqliteDatabase) -> None:
    ana, bo = _add(db, "Ana"), _add(db, "Bo")
    alone = _log(db, ana, title="alone with Ana")
    shared = _log(db, ana, bo, title="with Bo too")
    trash_contacts(db, [ana])  # "alone" goes to the trash with Ana; "shared" stays with Bo
    _age(db, "contact", ana, 29)
    _age(db, "interaction", alone, 45)  # its own date does not count: it follows Ana

    assert purge_expired(db, 30, now=NOW) == PurgeReport()
    assert _exists(db, "interaction", alone)

    _age(db, "contact", ana, 31)
    report = purge_expired(db, 30, now=NOW)

    assert report == PurgeReport((ana,), (alone,))
    assert not _exists(db, "interaction", alone)
    assert _exists(db, "interaction", shared), "Bo still has it"
    participants = sqlite_connection(db).execute(
        "SELECT contact_id FROM interaction_participant WHERE interaction_id = ?", [shared]
    )
    assert [c for (c,) in participants] == [bo]
    assert _consistent(db)


def test_an_interaction_shared_by_two_trashed_people_goes_with_the_last(
    db: pw.SqliteDatabase,
) -> None:
    ana, bo = _add(db, "Ana"), _add(db, "Bo")
    shared = _log(db, ana, bo)
    trash_contacts(db, [ana])
    trash_contacts(db, [bo])  # now nobody is left outside the trash: it follows them
    _age(db, "contact", ana, 40)
    _age(db, "contact", bo, 10)

    assert purge_expired(db, 30, now=NOW) == PurgeReport((ana,), ())
    assert _exists(db, "interaction", shared)
    assert list(interaction_ids(db, TimelineQuery(trashed=True))) == [shared]

    assert purge_expired(db, 5, now=NOW) == PurgeReport((bo,), (shared,))
    assert _consistent(db)


def test_an_interaction_trashed_on_its_own_waits_for_its_date_when_its_people_go(
    db: pw.SqliteDatabase,
) -> None:
    ana = _add(db, "Ana")
    coffee = _log(db, ana)
    set_interactions_trashed(db, [coffee], True)
    trash_contacts(db, [ana])
    _age(db, "interaction", coffee, 10)
    _age(db, "contact", ana, 40)

    assert purge_expired(db, 30, now=NOW) == PurgeReport((ana,), ())
    assert _exists(db, "interaction", coffee), "the user put it there; it keeps its own date"
    _age(db, "interaction", coffee, 31)
    assert purge_expired(db, 30, now=NOW) == PurgeReport((), (coffee,))
    assert _consistent(db)


def test_everything_related_goes_with_an_expired_person(db: pw.SqliteDatabase) -> None:
    ana = _add(
        db,
        "Ana",
        notes="pricing guru",
        topics=["Pricing"],
        tags=["Mentor"],
        cadence_days=30,
    )
    bo = _add(db, "Bo")
    create_contact(
        db,
        ContactData(
            given_name="Cy",
            emails=[LabeledValue("work", "cy@example.com")],
            connections=[ConnectionLink(ana, "works_with")],
        ),
    )
    trash_contacts(db, [ana])
    _age(db, "contact", ana, 31)

    purge_expired(db, 30, now=NOW)

    conn = sqlite_connection(db)
    for table in ("contact_topic", "contact_tag", "connection", "reminder"):
        rows = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert rows == 0, table
    assert (
        conn.execute("SELECT count(*) FROM contact_fts WHERE rowid = ?", [ana]).fetchone()[0] == 0
    )
    assert list(contact_ids(db, ContactQuery(text="pricing", trashed=True))) == []
    assert _exists(db, "contact", bo)
    assert _consistent(db)


def test_nothing_expired_changes_nothing(db: pw.SqliteDatabase) -> None:
    ana = _add(db, "Ana")
    trash_contacts(db, [ana])
    report = purge_expired(db, 30, now=NOW + timedelta(days=-1))  # trashed "in the future"
    assert report == PurgeReport()
    assert not report
    assert _exists(db, "contact", ana)


def test_the_real_clock_counts_from_when_it_was_trashed(db: pw.SqliteDatabase) -> None:
    ana = _add(db, "Ana")
    trash_contacts(db, [ana])
    now = datetime.now(UTC)
    assert purge_expired(db, 30, now=now + timedelta(days=29, hours=23)) == PurgeReport()
    assert purge_expired(db, 30, now=now + timedelta(days=30, minutes=1)).contact_ids == (ana,)


def test_a_failed_purge_removes_nothing(db: pw.SqliteDatabase) -> None:
    people = [_add(db, f"P{n}", notes="x" * 3000) for n in range(40)]
    coffee = _log(db, people[0])
    set_interactions_trashed(db, [coffee], True)
    trash_contacts(db, people)
    for person in people:
        _age(db, "contact", person, 31)
    _age(db, "interaction", coffee, 31)
    conn = sqlite_connection(db)
    conn.execute("PRAGMA query_only = 1")
    try:
        with pytest.raises(Exception) as raised, user_facing_errors():  # noqa: PT011
            purge_expired(db, 30, now=NOW)
    finally:
        conn.execute("PRAGMA query_only = 0")
    assert "read-only" in str(raised.value)
    assert not conn.in_transaction
    assert len(list(contact_ids(db, ContactQuery(trashed=True)))) == 40
    assert _exists(db, "interaction", coffee)


def test_a_failure_midway_rolls_the_whole_purge_back(
    db: pw.SqliteDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    ana, bo = _add(db, "Ana"), _add(db, "Bo")
    coffee = _log(db, bo)
    set_interactions_trashed(db, [coffee], True)
    trash_contacts(db, [ana])
    _age(db, "contact", ana, 31)
    _age(db, "interaction", coffee, 31)

    from ally_desktop.core import trash_expiry

    def full(_db: pw.SqliteDatabase, _ids: object) -> int:
        raise pw.OperationalError("database or disk is full")

    # The people are purged first; the disk fills up on the interactions.
    monkeypatch.setattr(trash_expiry, "purge_interactions", full)
    with pytest.raises(DiskFullError), user_facing_errors():
        purge_expired(db, 30, now=NOW)
    assert _exists(db, "contact", ana), "the people purged first came back with the rollback"
    assert _exists(db, "interaction", coffee)
    assert _consistent(db)


def test_retention_defaults_to_30_days(db: pw.SqliteDatabase) -> None:
    assert DEFAULT_RETENTION_DAYS == 30
    assert retention_days(db) == 30


@pytest.mark.parametrize("days", [1, 7, 30, 365, MAX_RETENTION_DAYS])
def test_retention_is_stored_in_the_data_file(db: pw.SqliteDatabase, days: int) -> None:
    set_retention_days(db, days)
    assert retention_days(db) == days
    row = sqlite_connection(db).execute("SELECT value FROM setting").fetchall()
    assert row == [(str(days),)]


@pytest.mark.parametrize("days", [0, -3, MAX_RETENTION_DAYS + 1, 2.5, True, "30"])
def test_retention_out_of_range_is_refused(db: pw.SqliteDatabase, days: Any) -> None:
    set_retention_days(db, 45)
    with pytest.raises(ValueError, match="days"):
        set_retention_days(db, days)
    assert retention_days(db) == 45


@pytest.mark.parametrize(
    ("stored", "read"), [("abc", 30), ("0", 1), ("99999", MAX_RETENTION_DAYS), ("12", 12)]
)
def test_a_damaged_setting_reads_safely(db: pw.SqliteDatabase, stored: str, read: int) -> None:
    sqlite_connection(db).execute(
        "INSERT INTO setting (key, value) VALUES ('trash.retention_days', ?)", [stored]
    )
    assert retention_days(db) == read


def test_purge_refuses_a_zero_day_retention(db: pw.SqliteDatabase) -> None:
    with pytest.raises(ValueError, match="day"):
        purge_expired(db, 0, now=NOW)


def test_the_configured_retention_is_what_counts(db: pw.SqliteDatabase) -> None:
    ana, bo = _add(db, "Ana"), _add(db, "Bo")
    trash_contacts(db, [ana, bo])
    _age(db, "contact", ana, 8)
    _age(db, "contact", bo, 6)
    set_retention_days(db, 7)
    assert purge_expired(db, retention_days(db), now=NOW).contact_ids == (ana,)
