"""Creating, changing, trashing and restoring contacts, each change in one transaction."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from datetime import date
from typing import Any

import peewee as pw
import pytest

from ally_desktop.core import connections
from ally_desktop.core.contact_queries import ContactQuery, contact_ids, count_contacts
from ally_desktop.core.contacts import (
    ContactNotFoundError,
    create_contact,
    empty_trash,
    load_contact,
    purge_contacts,
    restore_contacts,
    set_trashed,
    trash_contacts,
    update_contact,
)
from ally_desktop.core.demo import generate_demo
from ally_desktop.core.records import (
    Address,
    Closeness,
    ConnectionLink,
    ContactData,
    ImportantDate,
    LabeledValue,
)
from ally_desktop.core.timeline import (
    InteractionData,
    TimelineQuery,
    create_interaction,
    interaction_ids,
    set_interactions_trashed,
)
from ally_desktop.core.validation import PHOTO_MAX_BYTES, ValidationError
from ally_desktop.store import search
from ally_desktop.store.db import sqlite_connection

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
PHOTO = bytes(range(256)) * 40 + b"\x00\x00\xff"


def _person(given: str, family: str = "", **fields: Any) -> ContactData:
    return ContactData(given_name=given, family_name=family, **fields)


def _add(db: pw.SqliteDatabase, given: str, family: str = "", **fields: Any) -> int:
    return create_contact(db, _person(given, family, **fields))


def _count(db: pw.SqliteDatabase, table: str) -> int:
    return int(sqlite_connection(db).execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _search(db: pw.SqliteDatabase, text: str, **filters: Any) -> list[int]:
    return list(contact_ids(db, ContactQuery(text=text, **filters)))


def _consistent(db: pw.SqliteDatabase) -> bool:
    return search.index_is_consistent(sqlite_connection(db))


def _everything(manager: int, mentee: int, friend: int) -> ContactData:
    return ContactData(
        given_name="Élodie",
        family_name="Garnier",
        display_name="Élodie G.",
        nickname="Lodie",
        pronouns="she/her",
        job_title="Head of Pricing",
        organization="Northwind Traders",
        team="Pricing",
        photo=PHOTO,
        met_how="Team offsite",
        met_on=date(2021, 6, 14),
        closeness=Closeness.ALLY,
        cadence_days=30,
        notes="Knows every pricing decision since 2015.\n\tPrefers short messages.",
        ambitions="Wants to lead the pricing overhaul.",
        archived=True,
        emails=[
            LabeledValue("work", "elodie@northwind.example"),
            LabeledValue("home", "elodie.garnier@mail.example"),
        ],
        phones=[LabeledValue("mobile", "+33 6 12 34 56 78"), LabeledValue("", "+1 555 0100")],
        links=[LabeledValue("LinkedIn", "https://www.linkedin.com/in/elodie")],
        addresses=[
            Address("work", "12 rue de la Paix", "Paris", "Île-de-France", "75002", "France"),
            Address("home", city="Lyon"),
        ],
        topics=["Pricing strategy", "GDPR", "Kubernetes"],
        tags=["mentor", "book club"],
        dates=[
            ImportantDate("birthday", 2, 29),
            ImportantDate("anniversary", 9, 1, 2019),
            ImportantDate("custom", 12, 24, None, "Moved to Paris"),
        ],
        connections=[
            ConnectionLink(manager, "reports_to", True),
            ConnectionLink(mentee, "mentor_of", False, note="Weekly coffee"),
            ConnectionLink(friend, "custom", True, label="plays chess with"),
            ConnectionLink(friend, "works_with", True),
        ],
    )


@pytest.fixture
def trio(db: pw.SqliteDatabase) -> tuple[int, int, int]:
    return _add(db, "Bo", "Chen"), _add(db, "Tomás", "O'Brien"), _add(db, "ليلى", "حسن")


def test_every_field_round_trips(db: pw.SqliteDatabase, trio: tuple[int, int, int]) -> None:
    data = _everything(*trio)
    contact_id = create_contact(db, data)
    record = load_contact(db, contact_id)

    assert record.id == contact_id
    assert record.name == "Élodie G."
    assert record.trashed_at is None
    assert TIMESTAMP.match(record.created_at)
    assert record.updated_at == record.created_at
    loaded = record.data
    assert loaded.photo == PHOTO
    assert isinstance(loaded.photo, bytes)
    assert loaded.met_on == date(2021, 6, 14)
    assert loaded.closeness is Closeness.ALLY
    assert loaded.dates == sorted(data.dates, key=lambda d: (d.month, d.day))
    assert set(loaded.connections) == set(data.connections)
    assert dataclasses.replace(loaded, dates=data.dates, connections=data.connections) == data


def test_minimal_contact_round_trips(db: pw.SqliteDatabase) -> None:
    record = load_contact(db, _add(db, "Ana"))
    assert record.data == ContactData(given_name="Ana")
    assert record.connections == []


def test_unknown_year_and_leap_day(db: pw.SqliteDatabase) -> None:
    dates = [ImportantDate("birthday", 2, 29), ImportantDate("anniversary", 2, 29, 2024)]
    loaded = load_contact(db, _add(db, "Ana", dates=dates)).data.dates
    assert loaded == dates
    assert loaded[0].year is None


def test_name_is_the_display_name_else_given_and_family_else_nickname(
    db: pw.SqliteDatabase,
) -> None:
    assert load_contact(db, _add(db, "Ana", "Lima")).name == "Ana Lima"
    assert load_contact(db, _add(db, "", "Lima")).name == "Lima"
    nick = create_contact(db, ContactData(nickname="🦊 Fox"))
    assert load_contact(db, nick).name == "🦊 Fox"
    shown = create_contact(db, ContactData(given_name="Ana", display_name="Dr. Lima"))
    assert load_contact(db, shown).name == "Dr. Lima"


def test_input_is_cleaned_before_it_is_stored(db: pw.SqliteDatabase) -> None:
    contact_id = create_contact(
        db,
        ContactData(
            given_name="  Ana\x00 ",
            family_name="Li\nma",
            emails=[LabeledValue(" work ", " ana@lima.example "), LabeledValue("home", "  ")],
            topics=["Pricing", "pricing ", "PRICING"],
            notes="line one\r\nline two\x07",
        ),
    )
    data = load_contact(db, contact_id).data
    assert data.given_name == "Ana"
    assert data.family_name == "Li ma"
    assert data.emails == [LabeledValue("work", "ana@lima.example")]
    assert data.topics == ["Pricing"]
    assert data.notes == "line one\nline two"


def test_connections_read_from_both_sides(
    db: pw.SqliteDatabase, trio: tuple[int, int, int]
) -> None:
    bo, tomas, layla = trio
    ana = _add(
        db,
        "Ana",
        connections=[
            ConnectionLink(bo, "reports_to"),
            ConnectionLink(tomas, "mentor_of", outgoing=False),
            ConnectionLink(layla, "introduced"),
            ConnectionLink(layla, "custom", label="plays chess with"),
        ],
    )
    views = {(v.other_id, v.phrase) for v in load_contact(db, ana).connections}
    assert views == {
        (bo, connections.describe("reports_to", "", True)),
        (tomas, connections.describe("mentor_of", "", False)),
        (layla, connections.describe("introduced", "", True)),
        (layla, "plays chess with"),
    }
    assert (bo, "reports to") in views
    assert (tomas, "is mentored by") in views

    bo_views = load_contact(db, bo).connections
    assert [(v.other_id, v.other_name, v.phrase) for v in bo_views] == [(ana, "Ana", "manages")]
    assert bo_views[0].link == ConnectionLink(ana, "reports_to", outgoing=False)
    tomas_views = load_contact(db, tomas).connections
    assert [(v.other_id, v.phrase) for v in tomas_views] == [(ana, "is a mentor of")]
    layla_views = {(v.other_id, v.phrase) for v in load_contact(db, layla).connections}
    assert layla_views == {(ana, "was introduced to me by"), (ana, "plays chess with")}


def test_connections_are_listed_by_phrase_then_name(
    db: pw.SqliteDatabase, trio: tuple[int, int, int]
) -> None:
    bo, tomas, layla = trio
    ana = _add(
        db,
        "Ana",
        connections=[
            ConnectionLink(tomas, "works_with"),
            ConnectionLink(layla, "reports_to"),
            ConnectionLink(bo, "works_with"),
        ],
    )
    views = load_contact(db, ana).connections
    assert [(v.phrase, v.other_name) for v in views] == [
        ("reports to", "ليلى حسن"),
        ("works with", "Bo Chen"),
        ("works with", "Tomás O'Brien"),
    ]


def test_symmetric_connection_is_stored_once(db: pw.SqliteDatabase) -> None:
    bo = _add(db, "Bo")
    ana = _add(
        db,
        "Ana",
        connections=[ConnectionLink(bo, "works_with"), ConnectionLink(bo, "works_with", False)],
    )
    assert _count(db, "connection") == 1
    assert [v.phrase for v in load_contact(db, ana).connections] == ["works with"]
    assert [v.phrase for v in load_contact(db, bo).connections] == ["works with"]


def test_connection_to_oneself_is_dropped(db: pw.SqliteDatabase) -> None:
    ana = _add(db, "Ana")
    update_contact(db, ana, _person("Ana", connections=[ConnectionLink(ana, "works_with")]))
    assert load_contact(db, ana).connections == []
    assert _count(db, "connection") == 0


def test_connection_to_someone_deleted_for_good_is_dropped(db: pw.SqliteDatabase) -> None:
    ana = _add(db, "Ana", connections=[ConnectionLink(999, "works_with")])
    assert load_contact(db, ana).connections == []


def test_update_replaces_children(db: pw.SqliteDatabase, trio: tuple[int, int, int]) -> None:
    bo, tomas, layla = trio
    contact_id = create_contact(db, _everything(bo, tomas, layla))
    created = load_contact(db, contact_id)

    new = ContactData(
        given_name="Elodie",
        family_name="Martin",
        emails=[LabeledValue("work", "em@contoso.example")],
        topics=["Tax"],
        tags=["alumni"],
        dates=[ImportantDate("birthday", 7, 1, 1990)],
        connections=[ConnectionLink(tomas, "friend_of")],
    )
    update_contact(db, contact_id, new)
    updated = load_contact(db, contact_id)
    assert updated.data == new
    assert updated.created_at == created.created_at
    assert updated.updated_at >= created.updated_at
    assert _count(db, "contact_phone") == 0
    assert _count(db, "contact_address") == 0
    assert _count(db, "contact_link") == 0
    assert _count(db, "contact_email") == 1
    assert [v.other_id for v in load_contact(db, bo).connections] == []
    assert [(v.other_id, v.phrase) for v in load_contact(db, tomas).connections] == [
        (contact_id, "is a friend of")
    ]


def test_update_of_a_missing_contact(db: pw.SqliteDatabase) -> None:
    with pytest.raises(ContactNotFoundError):
        update_contact(db, 404, _person("Ghost", topics=["Haunting"]))
    assert _count(db, "contact") == 0
    assert _count(db, "topic") == 0


def test_load_of_a_missing_contact(db: pw.SqliteDatabase) -> None:
    with pytest.raises(ContactNotFoundError):
        load_contact(db, 404)


def test_update_that_fails_validation_changes_nothing(db: pw.SqliteDatabase) -> None:
    ana = _add(db, "Ana", "Lima", topics=["Tax"], emails=[LabeledValue("", "ana@lima.example")])
    before = load_contact(db, ana)
    bad = _person("Ana", "Costa", emails=[LabeledValue("", "not-an-email")], topics=["New"])
    with pytest.raises(ValidationError):
        update_contact(db, ana, bad)
    assert load_contact(db, ana) == before
    assert _count(db, "topic") == 1
    assert _search(db, "costa") == []
    assert _search(db, "lima") == [ana]


def test_update_that_fails_midway_changes_nothing(db: pw.SqliteDatabase) -> None:
    bo = _add(db, "Bo")
    ana = _add(db, "Ana", "Lima", topics=["Tax"], connections=[ConnectionLink(bo, "works_with")])
    before = load_contact(db, ana)
    conn = sqlite_connection(db)
    conn.execute(
        "CREATE TRIGGER refuse_tags BEFORE INSERT ON contact_tag"
        " BEGIN SELECT RAISE(ABORT, 'tags refused'); END"
    )
    changed = _person("Ana", "Costa", topics=["Budgeting"], tags=["alumni"])
    with pytest.raises(pw.IntegrityError, match="tags refused"):
        update_contact(db, ana, changed)
    assert load_contact(db, ana) == before
    assert _count(db, "topic") == 1
    assert _search(db, "costa") == []
    assert _search(db, "lima") == [ana]
    assert not conn.in_transaction


def test_create_that_fails_midway_leaves_nothing(db: pw.SqliteDatabase) -> None:
    sqlite_connection(db).execute(
        "CREATE TRIGGER refuse_dates BEFORE INSERT ON important_date"
        " BEGIN SELECT RAISE(ABORT, 'dates refused'); END"
    )
    with pytest.raises(pw.IntegrityError):
        _add(db, "Ana", topics=["Tax"], dates=[ImportantDate("birthday", 1, 2)])
    for table in ("contact", "topic", "contact_topic", "contact_fts"):
        assert _count(db, table) == 0


def test_trash_and_restore(db: pw.SqliteDatabase) -> None:
    ana, bo, chen = _add(db, "Ana"), _add(db, "Bo"), _add(db, "Chen")
    assert trash_contacts(db, [ana, bo]) == 2
    assert trash_contacts(db, [ana]) == 0
    record = load_contact(db, ana)
    assert record.trashed_at is not None
    assert TIMESTAMP.match(record.trashed_at)
    assert count_contacts(db) == 1
    assert count_contacts(db, trashed=True) == 2
    assert list(contact_ids(db, ContactQuery())) == [chen]
    assert _search(db, "ana") == []
    assert _search(db, "ana", trashed=True) == [ana]
    assert _consistent(db)

    assert restore_contacts(db, [ana, chen]) == 1
    assert load_contact(db, ana).trashed_at is None
    assert _search(db, "ana") == [ana]
    assert set_trashed(db, [], True) == 0
    assert restore_contacts(db, []) == 0


def test_trash_many_in_batches(db: pw.SqliteDatabase) -> None:
    generate_demo(db, 1100)
    ids = list(range(1, 1101))
    assert trash_contacts(db, ids) == 1100
    assert count_contacts(db) == 0
    assert restore_contacts(db, ids) == 1100


def test_purge_removes_everything(db: pw.SqliteDatabase, trio: tuple[int, int, int]) -> None:
    contact_id = create_contact(db, _everything(*trio))
    assert purge_contacts(db, [contact_id]) == 1
    with pytest.raises(ContactNotFoundError):
        load_contact(db, contact_id)
    for table in (
        "contact_email",
        "contact_phone",
        "contact_link",
        "contact_address",
        "contact_topic",
        "contact_tag",
        "important_date",
        "connection",
    ):
        assert _count(db, table) == 0, table
    assert _count(db, "topic") == 3
    assert load_contact(db, trio[0]).connections == []
    assert _search(db, "elodie") == []
    assert _consistent(db)
    assert purge_contacts(db, [contact_id, 12345]) == 0


def test_empty_trash(db: pw.SqliteDatabase) -> None:
    ana, bo, chen = _add(db, "Ana"), _add(db, "Bo"), _add(db, "Chen")
    trash_contacts(db, [ana, chen])
    assert empty_trash(db) == 2
    assert count_contacts(db, trashed=True) == 0
    assert [r for (r,) in sqlite_connection(db).execute("SELECT id FROM contact")] == [bo]
    assert _consistent(db)
    assert empty_trash(db) == 0


def test_connections_to_trashed_people_are_flagged_and_kept(db: pw.SqliteDatabase) -> None:
    bo = _add(db, "Bo", "Chen")
    ana = _add(db, "Ana", connections=[ConnectionLink(bo, "reports_to")])
    trash_contacts(db, [bo])
    views = load_contact(db, ana).connections
    assert [(v.other_id, v.other_name, v.other_trashed) for v in views] == [(bo, "Bo Chen", True)]

    data = load_contact(db, ana).data
    update_contact(db, ana, dataclasses.replace(data, job_title="Analyst"))
    assert [v.other_id for v in load_contact(db, ana).connections] == [bo]

    restore_contacts(db, [bo])
    views = load_contact(db, ana).connections
    assert [(v.phrase, v.other_trashed) for v in views] == [("reports to", False)]


def test_updating_the_other_side_keeps_the_connection(db: pw.SqliteDatabase) -> None:
    bo = _add(db, "Bo")
    ana = _add(db, "Ana", connections=[ConnectionLink(bo, "reports_to")])
    bo_data = load_contact(db, bo).data
    update_contact(db, bo, dataclasses.replace(bo_data, family_name="Chen"))
    assert [(v.other_name, v.phrase) for v in load_contact(db, ana).connections] == [
        ("Bo Chen", "reports to")
    ]
    assert [(v.other_name, v.phrase) for v in load_contact(db, bo).connections] == [
        ("Ana", "manages")
    ]


def test_create_with_an_explicit_id_restores_a_purged_contact(db: pw.SqliteDatabase) -> None:
    bo = _add(db, "Bo")
    ana = _add(db, "Ana", "Lima", topics=["Tax"], connections=[ConnectionLink(bo, "mentor_of")])
    data = load_contact(db, ana).data
    _add(db, "Chen")
    purge_contacts(db, [ana])

    assert create_contact(db, data, contact_id=ana) == ana
    record = load_contact(db, ana)
    assert record.data == data
    assert [(v.other_id, v.phrase) for v in load_contact(db, bo).connections] == [
        (ana, "is mentored by")
    ]
    assert _search(db, "lima") == [ana]
    assert _consistent(db)


def test_create_with_a_taken_id_changes_nothing(db: pw.SqliteDatabase) -> None:
    ana = _add(db, "Ana")
    before = load_contact(db, ana)
    with pytest.raises(pw.IntegrityError):
        create_contact(db, _person("Bo", topics=["Tax"]), contact_id=ana)
    assert load_contact(db, ana) == before
    assert _count(db, "contact") == 1
    assert _count(db, "topic") == 0


def test_shared_vocabulary(db: pw.SqliteDatabase) -> None:
    ana = _add(db, "Ana", topics=["Pricing"], tags=["Book Club"])
    bo = _add(db, "Bo", topics=["pricing "], tags=["book  club"])
    chen = _add(db, "Chen", topics=["PRICING", "Tax"])
    assert _count(db, "topic") == 2
    assert _count(db, "tag") == 1
    assert load_contact(db, bo).data.topics == ["Pricing"]
    assert load_contact(db, bo).data.tags == ["Book Club"]
    assert load_contact(db, chen).data.topics == ["Pricing", "Tax"]
    assert set(_search(db, "pricing")) == {ana, bo, chen}


def test_topic_and_tag_order_is_kept(db: pw.SqliteDatabase) -> None:
    ana = _add(db, "Ana", topics=["Tax", "GDPR", "Budgeting"], tags=["z", "a"])
    data = load_contact(db, ana).data
    assert data.topics == ["Tax", "GDPR", "Budgeting"]
    assert data.tags == ["z", "a"]


def test_search_index_in_step_after_every_change(db: pw.SqliteDatabase) -> None:
    ana = _add(db, "Ana", "Lima", organization="Globex", topics=["Forecasting"])
    assert _consistent(db)
    assert _search(db, "globex forecast") == [ana]

    update_contact(db, ana, _person("Ana", "Costa", organization="Initech", tags=["alumni"]))
    assert _consistent(db)
    assert _search(db, "lima") == []
    assert _search(db, "globex") == []
    assert _search(db, "forecast") == []
    assert _search(db, "costa initech alumni") == [ana]

    trash_contacts(db, [ana])
    assert _consistent(db)
    restore_contacts(db, [ana])
    assert _search(db, "costa") == [ana]

    purge_contacts(db, [ana])
    assert _consistent(db)
    assert _count(db, "contact_fts") == 0


def test_photo_at_the_size_limit(db: pw.SqliteDatabase) -> None:
    photo = b"\xff" * PHOTO_MAX_BYTES
    assert load_contact(db, _add(db, "Ana", photo=photo)).data.photo == photo


def test_removing_the_photo(db: pw.SqliteDatabase) -> None:
    ana = _add(db, "Ana", photo=PHOTO)
    update_contact(db, ana, _person("Ana"))
    assert load_contact(db, ana).data.photo is None


def test_check_constraints_hold_for_stored_contacts(db: pw.SqliteDatabase) -> None:
    _add(db, "Ana", closeness=Closeness.OTHER, cadence_days=1)
    with pytest.raises(sqlite3.IntegrityError):
        sqlite_connection(db).execute("UPDATE contact SET closeness = 7")


def _logged(db: pw.SqliteDatabase, *people: int, day: int = 1) -> int:
    return create_interaction(db, InteractionData("meeting", list(people), day=date(2024, 5, day)))


def _timeline(db: pw.SqliteDatabase, **query: Any) -> list[int]:
    return sorted(interaction_ids(db, TimelineQuery(**query)))


def test_trash_keeps_shared_interactions_and_takes_lonely_ones(db: pw.SqliteDatabase) -> None:
    ana, bo = _add(db, "Ana"), _add(db, "Bo")
    shared, alone, own = _logged(db, ana, bo), _logged(db, ana), _logged(db, ana)
    set_interactions_trashed(db, [own], True)

    assert trash_contacts(db, [ana]) == 1
    assert _timeline(db) == [shared]
    assert _timeline(db, trashed=True) == [alone, own]

    assert restore_contacts(db, [ana]) == 1
    assert _timeline(db) == [shared, alone], "the one trashed on its own stays in the trash"
    assert _timeline(db, trashed=True) == [own]


def test_trashing_everyone_at_once_takes_their_interactions(db: pw.SqliteDatabase) -> None:
    ana, bo, chen = _add(db, "Ana"), _add(db, "Bo"), _add(db, "Chen")
    shared, kept = _logged(db, ana, bo), _logged(db, bo, chen)
    trash_contacts(db, [ana, bo])
    assert _timeline(db) == [kept]
    assert _timeline(db, trashed=True) == [shared]
    restore_contacts(db, [bo])
    assert _timeline(db) == [shared, kept]


def test_empty_trash_removes_interactions_left_with_nobody(db: pw.SqliteDatabase) -> None:
    ana, bo = _add(db, "Ana"), _add(db, "Bo")
    shared, alone = _logged(db, ana, bo), _logged(db, ana)
    trash_contacts(db, [ana])
    assert empty_trash(db) == 1
    assert _timeline(db) == [shared]
    assert _timeline(db, trashed=True) == []
    assert _count(db, "interaction") == 1
    assert _count(db, "interaction_fts") == 1
    assert [
        r
        for (r,) in sqlite_connection(db).execute("SELECT contact_id FROM interaction_participant")
    ] == [bo]
    assert alone not in _timeline(db, trashed=True)
