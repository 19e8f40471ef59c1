"""Creating, changing, trashing and restoring contacts: each change is one transaction.

A contact and all its rows (emails, topics, connections ...) are written together with
the search index, so a crash leaves either the old contact or the new one, never half.
Deleting moves a contact to the trash; only emptying the trash removes it for good.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import peewee as pw

from ally_desktop.core import connections
from ally_desktop.core.records import (
    Address,
    Closeness,
    ConnectionLink,
    ConnectionView,
    ContactData,
    ContactRecord,
    ImportantDate,
    LabeledValue,
)
from ally_desktop.core.text import sort_key, utc_now, vocabulary_key
from ally_desktop.core.validation import validate_contact
from ally_desktop.store import schedule, search
from ally_desktop.store.db import id_batches, sqlite_connection, writing
from ally_desktop.store.models import (
    Connection,
    Contact,
    ContactAddress,
    ContactEmail,
    ContactLink,
    ContactPhone,
    ContactTag,
    ContactTopic,
    Tag,
    Topic,
    TopicAlias,
)
from ally_desktop.store.models import (
    ImportantDate as ImportantDateRow,
)


class ContactNotFoundError(LookupError):
    """No contact with that id (it may have been deleted for good)."""


def _contact_columns(data: ContactData) -> dict[str, object]:
    full_name = data.shown_name()
    return {
        "given_name": data.given_name,
        "family_name": data.family_name,
        "display_name": data.display_name,
        "nickname": data.nickname,
        "full_name": full_name,
        "sort_name": sort_key(full_name),
        "pronouns": data.pronouns,
        "job_title": data.job_title,
        "organization": data.organization,
        "team": data.team,
        "photo": data.photo,
        "met_how": data.met_how,
        "met_on": data.met_on.isoformat() if data.met_on else None,
        "closeness": int(data.closeness),
        "cadence_days": data.cadence_days,
        "notes": data.notes,
        "ambitions": data.ambitions,
        "archived": data.archived,
    }


def _vocabulary_ids(model: type[Topic] | type[Tag], names: Sequence[str]) -> list[int]:
    """Ids of these topics or tags, creating the ones not yet in the shared vocabulary.

    A topic merged into another leads to the one it joined (``topic_alias``), so typing
    the old word does not bring the merged topic back; two names of one topic count once.
    """
    ids: dict[int, None] = {}
    for name in names:
        key = vocabulary_key(name)
        row = model.get_or_none(model.key == key)
        if row is None and model is Topic:
            joined = TopicAlias.select(TopicAlias.topic).where(TopicAlias.key == key).scalar()
            if joined is not None:
                ids[int(joined)] = None
                continue
        if row is None:
            row = model.create(name=name, key=key)
        ids[row.id] = None
    return list(ids)


def _rows(db: pw.SqliteDatabase, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
    return sqlite_connection(db).execute(sql, params).fetchall()


def _existing_ids(db: pw.SqliteDatabase, ids: Iterable[int]) -> set[int]:
    wanted = list(set(ids))
    if not wanted:
        return set()
    marks = ",".join("?" * len(wanted))
    return {c for (c,) in _rows(db, f"SELECT id FROM contact WHERE id IN ({marks})", wanted)}


def _write_children(db: pw.SqliteDatabase, contact_id: int, data: ContactData) -> None:
    for model in (
        ContactEmail,
        ContactPhone,
        ContactLink,
        ContactAddress,
        ContactTopic,
        ContactTag,
        ImportantDateRow,
    ):
        model.delete().where(model.contact == contact_id).execute()
    for model, values in (
        (ContactEmail, data.emails),
        (ContactPhone, data.phones),
        (ContactLink, data.links),
    ):
        for position, value in enumerate(values):
            model.create(
                contact=contact_id, position=position, label=value.label, value=value.value
            )
    for position, address in enumerate(data.addresses):
        ContactAddress.create(
            contact=contact_id,
            position=position,
            label=address.label,
            street=address.street,
            city=address.city,
            region=address.region,
            postal_code=address.postal_code,
            country=address.country,
        )
    for position, topic_id in enumerate(_vocabulary_ids(Topic, data.topics)):
        ContactTopic.insert(contact=contact_id, topic=topic_id, position=position).execute()
    for position, tag_id in enumerate(_vocabulary_ids(Tag, data.tags)):
        ContactTag.insert(contact=contact_id, tag=tag_id, position=position).execute()
    for day in data.dates:
        ImportantDateRow.create(
            contact=contact_id,
            kind=day.kind,
            label=day.label,
            year=day.year,
            month=day.month,
            day=day.day,
        )
    schedule.prune_date_reminders(sqlite_connection(db), contact_id)
    _write_connections(db, contact_id, data.connections)


def _write_connections(
    db: pw.SqliteDatabase, contact_id: int, links: Sequence[ConnectionLink]
) -> None:
    """Replace every connection of this contact (both directions) with ``links``."""
    Connection.delete().where(
        (Connection.from_contact == contact_id) | (Connection.to_contact == contact_id)
    ).execute()
    alive = _existing_ids(db, (link.other_id for link in links)) - {contact_id}
    now = utc_now()
    for link in links:
        if link.other_id not in alive:
            continue  # the other person was deleted for good meanwhile
        ends = (contact_id, link.other_id) if link.outgoing else (link.other_id, contact_id)
        (
            Connection.insert(
                from_contact=ends[0],
                to_contact=ends[1],
                kind=link.kind,
                label=link.label,
                note=link.note,
                created_at=now,
            )
            .on_conflict_ignore()
            .execute()
        )


def create_contact(db: pw.SqliteDatabase, data: ContactData, contact_id: int | None = None) -> int:
    """Store a new contact (validated); ``contact_id`` re-creates one with its old id (redo)."""
    data = validate_contact(data)
    now = utc_now()
    with writing(db):
        columns = _contact_columns(data) | {"created_at": now, "updated_at": now}
        if contact_id is not None:
            columns["id"] = contact_id
        new_id = int(Contact.insert(**columns).execute())
        _write_children(db, new_id, data)
        search.reindex_contacts(sqlite_connection(db), [new_id])
    return new_id


def update_contact(db: pw.SqliteDatabase, contact_id: int, data: ContactData) -> None:
    """Replace everything about a contact with ``data`` (validated), in one transaction."""
    data = validate_contact(data)
    with writing(db):
        changed = (
            Contact.update(**_contact_columns(data), updated_at=utc_now())
            .where(Contact.id == contact_id)
            .execute()
        )
        if not changed:
            raise ContactNotFoundError(f"Contact {contact_id} no longer exists.")
        _write_children(db, contact_id, data)
        search.reindex_contacts(sqlite_connection(db), [contact_id])


def set_trashed(db: pw.SqliteDatabase, contact_ids: Sequence[int], trashed: bool) -> int:
    """Move contacts to the trash (or back out of it); returns how many changed."""
    ids = list(contact_ids)
    when = utc_now() if trashed else None
    condition = "trashed_at IS NULL" if trashed else "trashed_at IS NOT NULL"
    changed = 0
    with writing(db):
        conn = sqlite_connection(db)
        for batch, marks in id_batches(ids):
            sql = f"UPDATE contact SET trashed_at = ? WHERE id IN ({marks}) AND {condition}"
            changed += conn.execute(sql, [when, *batch]).rowcount
            (_trash_lonely_interactions if trashed else _restore_their_interactions)(
                conn, batch, when
            )
    return changed


def _trash_lonely_interactions(conn: Any, ids: list[int], when: str | None) -> None:
    """Interactions left with nobody outside the trash go to the trash with these people."""
    marks = ",".join("?" * len(ids))
    conn.execute(
        "UPDATE interaction SET trashed_at = ?, trashed_with_contacts = 1"
        " WHERE trashed_at IS NULL AND id IN (SELECT interaction_id FROM interaction_participant"
        f" WHERE contact_id IN ({marks})) AND NOT EXISTS (SELECT 1 FROM interaction_participant p"
        " JOIN contact c ON c.id = p.contact_id WHERE p.interaction_id = interaction.id"
        " AND c.trashed_at IS NULL)",
        [when, *ids],
    )


def _restore_their_interactions(conn: Any, ids: list[int], _when: str | None) -> None:
    """Interactions that went to the trash with these people come back with them."""
    marks = ",".join("?" * len(ids))
    conn.execute(
        "UPDATE interaction SET trashed_at = NULL, trashed_with_contacts = 0"
        " WHERE trashed_with_contacts = 1 AND id IN (SELECT interaction_id"
        f" FROM interaction_participant WHERE contact_id IN ({marks}))",
        ids,
    )


def trash_contacts(db: pw.SqliteDatabase, contact_ids: Sequence[int]) -> int:
    return set_trashed(db, contact_ids, True)


def restore_contacts(db: pw.SqliteDatabase, contact_ids: Sequence[int]) -> int:
    return set_trashed(db, contact_ids, False)


def purge_contacts(db: pw.SqliteDatabase, contact_ids: Sequence[int]) -> int:
    """Delete contacts for good, with all their rows and their index entries.

    Interactions they shared stay with the other participants; one left with nobody goes
    too (unless the user had put it in the trash on its own: it waits there).
    """
    ids = list(contact_ids)
    removed = 0
    with writing(db):
        conn = sqlite_connection(db)
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS purged_interaction (id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM purged_interaction")
        for batch, marks in id_batches(ids):
            conn.execute(
                "INSERT OR IGNORE INTO purged_interaction SELECT interaction_id"
                f" FROM interaction_participant WHERE contact_id IN ({marks})",
                batch,
            )
            conn.execute(f"DELETE FROM contact_fts WHERE rowid IN ({marks})", batch)
            removed += Contact.delete().where(Contact.id.in_(batch)).execute()
        lonely = (
            "SELECT i.id FROM interaction i JOIN purged_interaction u ON u.id = i.id"
            " WHERE (i.trashed_at IS NULL OR i.trashed_with_contacts = 1) AND NOT EXISTS"
            " (SELECT 1 FROM interaction_participant p WHERE p.interaction_id = i.id)"
        )
        conn.execute(f"DELETE FROM interaction_fts WHERE rowid IN ({lonely})")
        conn.execute(f"DELETE FROM interaction WHERE id IN ({lonely})")
        conn.execute("DELETE FROM purged_interaction")
    return int(removed)


def has_interactions(db: pw.SqliteDatabase, contact_id: int) -> bool:
    """Whether this person took part in any interaction (in the trash or not)."""
    row = sqlite_connection(db).execute(
        "SELECT 1 FROM interaction_participant WHERE contact_id = ? LIMIT 1", [contact_id]
    )
    return row.fetchone() is not None


def empty_trash(db: pw.SqliteDatabase) -> int:
    """Delete for good every contact in the trash; returns how many."""
    ids = [c for (c,) in _rows(db, "SELECT id FROM contact WHERE trashed_at IS NOT NULL")]
    return purge_contacts(db, ids)


def load_contact(db: pw.SqliteDatabase, contact_id: int) -> ContactRecord:
    """Everything stored about one contact, connections resolved to names."""
    with db.atomic():  # one consistent read
        found = _rows(db, f"SELECT {_CONTACT_COLUMNS} FROM contact WHERE id = ?", [contact_id])
        if not found:
            raise ContactNotFoundError(f"Contact {contact_id} no longer exists.")
        row = dict(zip(_CONTACT_COLUMNS.split(", "), found[0], strict=True))

        def values(table: str) -> list[LabeledValue]:
            sql = f"SELECT label, value FROM {table} WHERE contact_id = ? ORDER BY position"
            return [LabeledValue(*r) for r in _rows(db, sql, [contact_id])]

        addresses = [
            Address(*r)
            for r in _rows(
                db,
                "SELECT label, street, city, region, postal_code, country FROM contact_address"
                " WHERE contact_id = ? ORDER BY position",
                [contact_id],
            )
        ]
        topics = [
            name
            for (name,) in _rows(
                db,
                "SELECT t.name FROM contact_topic ct JOIN topic t ON t.id = ct.topic_id"
                " WHERE ct.contact_id = ? ORDER BY ct.position",
                [contact_id],
            )
        ]
        tags = [
            name
            for (name,) in _rows(
                db,
                "SELECT t.name FROM contact_tag ct JOIN tag t ON t.id = ct.tag_id"
                " WHERE ct.contact_id = ? ORDER BY ct.position",
                [contact_id],
            )
        ]
        dates = [
            ImportantDate(*r)
            for r in _rows(
                db,
                "SELECT kind, month, day, year, label FROM important_date WHERE contact_id = ?"
                " ORDER BY month, day, id",
                [contact_id],
            )
        ]
        views = _connection_views(db, contact_id)

    data = ContactData(
        given_name=row["given_name"],
        family_name=row["family_name"],
        display_name=row["display_name"],
        nickname=row["nickname"],
        pronouns=row["pronouns"],
        job_title=row["job_title"],
        organization=row["organization"],
        team=row["team"],
        photo=bytes(row["photo"]) if row["photo"] is not None else None,
        met_how=row["met_how"],
        met_on=date.fromisoformat(row["met_on"]) if row["met_on"] else None,
        closeness=Closeness(row["closeness"]),
        cadence_days=row["cadence_days"],
        notes=row["notes"],
        ambitions=row["ambitions"],
        archived=bool(row["archived"]),
        emails=values("contact_email"),
        phones=values("contact_phone"),
        links=values("contact_link"),
        addresses=addresses,
        topics=topics,
        tags=tags,
        dates=dates,
        connections=[v.link for v in views],
    )
    return ContactRecord(
        contact_id, data, row["created_at"], row["updated_at"], row["trashed_at"], views
    )


_CONTACT_COLUMNS = (
    "given_name, family_name, display_name, nickname, pronouns, job_title, organization, team,"
    " photo, met_how, met_on, closeness, cadence_days, notes, ambitions, archived, created_at,"
    " updated_at, trashed_at"
)
_CONNECTIONS_SQL = """
SELECT c.id, c.full_name, c.trashed_at, k.kind, k.label, k.note, k.outgoing FROM (
    SELECT to_id AS other, kind, label, note, 1 AS outgoing FROM connection WHERE from_id = ?
    UNION ALL
    SELECT from_id, kind, label, note, 0 FROM connection WHERE to_id = ?
) k JOIN contact c ON c.id = k.other
"""


def _connection_views(db: pw.SqliteDatabase, contact_id: int) -> list[ConnectionView]:
    """Both directions of this contact's connections (those to people in the trash flagged)."""
    views: list[ConnectionView] = []
    for other_id, other_name, other_trashed, kind, label, note, outgoing in _rows(
        db, _CONNECTIONS_SQL, [contact_id, contact_id]
    ):
        link = ConnectionLink(other_id, kind, bool(outgoing), label, note)
        phrase = connections.describe(kind, label, bool(outgoing))
        views.append(ConnectionView(other_id, other_name, phrase, link, other_trashed is not None))
    views.sort(key=lambda v: (v.phrase, sort_key(v.other_name)))
    return views
