"""Each contact's last interaction, kept by the store through every kind of change."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import peewee as pw
import pytest

from ally_desktop.core.contacts import create_contact, purge_contacts, set_trashed
from ally_desktop.core.records import ContactData
from ally_desktop.core.timeline import (
    InteractionData,
    TimelineQuery,
    create_interaction,
    interaction_ids,
    purge_interactions,
    set_interactions_trashed,
    update_interaction,
)
from ally_desktop.store.db import sqlite_connection

PARIS = ZoneInfo("Europe/Paris")


def last(db: pw.SqliteDatabase, contact_id: int) -> str | None:
    row = (
        sqlite_connection(db)
        .execute("SELECT last_interaction_at FROM contact WHERE id = ?", [contact_id])
        .fetchone()
    )
    return row[0]


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2024, 3, day, hour, 0, tzinfo=PARIS)


@pytest.fixture
def people(db: pw.SqliteDatabase) -> tuple[int, int]:
    return (
        create_contact(db, ContactData(given_name="Ana")),
        create_contact(db, ContactData(given_name="Bo")),
    )


def test_follows_adds_edits_removals_and_trash(db, people) -> None:
    ana, bo = people
    assert last(db, ana) is None
    first = create_interaction(db, InteractionData("coffee", [ana, bo], when=at(10)))
    assert last(db, ana) == last(db, bo) == "2024-03-10T08:00:00Z"

    create_interaction(db, InteractionData("call", [ana], when=at(2)))
    assert last(db, ana) == "2024-03-10T08:00:00Z", "an older one changes nothing"

    update_interaction(db, first, InteractionData("coffee", [ana, bo], when=at(1)))
    assert last(db, ana) == "2024-03-02T08:00:00Z", "moved back: the call is now the latest"
    assert last(db, bo) == "2024-03-01T08:00:00Z"

    update_interaction(db, first, InteractionData("coffee", [ana], when=at(1)))
    assert last(db, bo) is None, "Bo no longer took part"

    calls = list(interaction_ids(db, TimelineQuery(kind="call")))
    set_interactions_trashed(db, calls, True)
    assert last(db, ana) == "2024-03-01T08:00:00Z"
    set_interactions_trashed(db, calls, False)
    assert last(db, ana) == "2024-03-02T08:00:00Z"
    purge_interactions(db, calls)
    assert last(db, ana) == "2024-03-01T08:00:00Z"


def test_interactions_stay_for_the_others_when_a_participant_is_deleted(db, people) -> None:
    ana, bo = people
    shared = create_interaction(db, InteractionData("meeting", [ana, bo], when=at(5)))
    alone = create_interaction(db, InteractionData("call", [ana], when=at(6)))
    separately = create_interaction(db, InteractionData("note", [ana], when=at(7)))
    set_interactions_trashed(db, [separately], True)

    set_trashed(db, [ana], True)
    assert list(interaction_ids(db, TimelineQuery())) == [shared]
    assert set(interaction_ids(db, TimelineQuery(trashed=True))) == {alone, separately}

    set_trashed(db, [ana], False)
    assert list(interaction_ids(db, TimelineQuery())) == [alone, shared]
    assert list(interaction_ids(db, TimelineQuery(trashed=True))) == [separately], (
        "one trashed on its own stays in the trash"
    )

    set_trashed(db, [ana], True)
    purge_contacts(db, [ana])
    assert list(interaction_ids(db, TimelineQuery())) == [shared]
    assert list(interaction_ids(db, TimelineQuery(contact_id=bo))) == [shared]
    assert list(interaction_ids(db, TimelineQuery(trashed=True))) == [separately]
    assert last(db, bo) == "2024-03-05T08:00:00Z"


def test_no_interaction_is_left_with_nobody(db, people) -> None:
    ana, bo = people
    restored_by_hand = create_interaction(db, InteractionData("call", [ana], when=at(3)))
    shared = create_interaction(db, InteractionData("call", [ana, bo], when=at(4)))
    set_trashed(db, [ana], True)
    set_interactions_trashed(db, [restored_by_hand], False)
    purge_contacts(db, [ana])
    assert list(interaction_ids(db, TimelineQuery())) == [shared]

    cy = create_contact(db, ContactData(given_name="Cy"))
    create_interaction(db, InteractionData("note", [cy], when=at(5)))
    purge_contacts(db, [cy])  # deleted for good without the trash (undoing an add)
    assert list(interaction_ids(db, TimelineQuery())) == [shared]
    rows = sqlite_connection(db).execute("SELECT count(*) FROM interaction_fts").fetchone()[0]
    assert rows == 1
