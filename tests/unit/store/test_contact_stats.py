"""Per-person interaction counts (``contact_stats``), kept by triggers through every change.

After each step of a random history, the counts the triggers kept must equal a recount
from scratch: the relationship-health score and the give/get balance read them.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import peewee as pw

from ally_desktop.core.contacts import create_contact, purge_contacts, set_trashed
from ally_desktop.core.records import ContactData
from ally_desktop.core.timeline import (
    InteractionData,
    create_interaction,
    purge_interactions,
    set_interactions_trashed,
    update_interaction,
)
from ally_desktop.store.db import sqlite_connection

PARIS = ZoneInfo("Europe/Paris")
_RECOUNT = """
SELECT p.contact_id, count(*), min(i.occurred_at),
    sum(i.exchange IS 'given'), sum(i.exchange IS 'received')
FROM interaction_participant p JOIN interaction i ON i.id = p.interaction_id
WHERE i.trashed_at IS NULL GROUP BY p.contact_id
"""


def kept(db: pw.SqliteDatabase) -> dict[int, tuple[int, str | None, int, int]]:
    rows = sqlite_connection(db).execute(
        "SELECT contact_id, interactions, first_at, given, received FROM contact_stats"
    )
    return {cid: (n, first, given, received) for cid, n, first, given, received in rows if n}


def recounted(db: pw.SqliteDatabase) -> dict[int, tuple[int, str | None, int, int]]:
    rows = sqlite_connection(db).execute(_RECOUNT)
    return {cid: (n, first, given, received) for cid, n, first, given, received in rows}


def test_counts_follow_adds_edits_trash_and_purges(db: pw.SqliteDatabase) -> None:
    ana = create_contact(db, ContactData(given_name="Ana"))
    bo = create_contact(db, ContactData(given_name="Bo"))
    start = datetime(2024, 3, 10, 9, tzinfo=PARIS)
    coffee = create_interaction(db, InteractionData("coffee", [ana, bo], when=start))
    help_ = create_interaction(
        db,
        InteractionData(
            "call", [ana], when=start - timedelta(days=3), exchange="received", exchange_note="x"
        ),
    )
    assert kept(db)[ana] == (2, "2024-03-07T08:00:00Z", 0, 1)
    assert kept(db)[bo] == (1, "2024-03-10T08:00:00Z", 0, 0)

    update_interaction(
        db,
        help_,
        InteractionData(
            "call", [ana, bo], when=start - timedelta(days=3), exchange="given", exchange_note="y"
        ),
    )
    assert kept(db)[ana] == (2, "2024-03-07T08:00:00Z", 1, 0), "help turned round"
    assert kept(db)[bo] == (2, "2024-03-07T08:00:00Z", 1, 0), "a participant added"

    set_interactions_trashed(db, [help_], True)
    assert kept(db)[ana] == (1, "2024-03-10T08:00:00Z", 0, 0), "the trash does not count"
    set_interactions_trashed(db, [help_], False)
    assert kept(db)[ana] == (2, "2024-03-07T08:00:00Z", 1, 0)

    purge_interactions(db, [coffee])
    assert kept(db)[bo] == (1, "2024-03-07T08:00:00Z", 1, 0)

    set_trashed(db, [bo], True)
    purge_contacts(db, [bo])
    assert bo not in kept(db), "a deleted person takes the row along"
    assert kept(db) == recounted(db)


def test_counts_equal_a_recount_after_a_random_history(db: pw.SqliteDatabase) -> None:
    rng = random.Random(8)
    people = [create_contact(db, ContactData(given_name=f"P{n}")) for n in range(6)]
    made: list[int] = []
    base = datetime(2024, 1, 1, 12, tzinfo=PARIS)
    for _ in range(120):
        move = rng.random()
        when = base + timedelta(hours=rng.randrange(2000))
        data = InteractionData(
            rng.choice(("call", "coffee")),
            rng.sample(people, rng.randint(1, 3)),
            when=when,
            exchange=rng.choice((None, "given", "received")),
        )
        if move < 0.5 or not made:
            made.append(create_interaction(db, data))
        elif move < 0.7:
            update_interaction(db, rng.choice(made), data)
        elif move < 0.85:
            set_interactions_trashed(db, [rng.choice(made)], rng.random() < 0.6)
        else:
            gone = made.pop(rng.randrange(len(made)))
            purge_interactions(db, [gone])
        assert kept(db) == recounted(db)
