"""Creating, changing, trashing and restoring contacts: each change is one transaction.

A contact and all its rows (emails, topics, connections ...) are written together with
the search index, so a crash leaves either the old contact or the new one, never half.
Deleting moves a contact to the trash; only emptying the trash removes it for good.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

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
from ally_desktop.store import search
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
    """Ids of these topics or tags, creating the ones not yet in the shared vocabulary."""
    ids = []
    for name in names:
        key = vocabulary_key(name)
        row = model.get_or_none(model.key == key)
        if row is None:
            row = model.create(name=name, key=key)
        ids.append(row.id)
    return ids


def _existing_ids(ids: Iterable[int]) -> set[int]:
    wanted = list(set(ids))
    if not wanted:
        return set()
    return {c for (c,) in Contact.select(Contact.id).where(Contact.id.in_(wanted)).tuples()}


def _write_children(contact_id: int, data: ContactData) -> None:
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
        for position, item in enumerate(values):
            model.create(contact=contact_id, position=position, label=item.label, value=item.value)
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
    for item in data.dates:
        ImportantDateRow.create(
            contact=contact_id,
            kind=item.kind,
            label=item.label,
            year=item.year,
            month=item.month,
            day=item.day,
        )
    _write_connections(contact_id, data.connections)


def _write_connections(contact_id: int, links: Sequence[ConnectionLink]) -> set[int]:
    """Replace every connection of this contact; returns the contacts touched on the other end."""
    before = {
        other
        for (other,) in Connection.select(Connection.to_contact)
        .where(Connection.from_contact == contact_id)
        .tuples()
    } | {
        other
        for (other,) in Connection.select(Connection.from_contact)
        .where(Connection.to_contact == contact_id)
        .tuples()
    }
    Connection.delete().where(
        (Connection.from_contact == contact_id) | (Connection.to_contact == contact_id)
    ).execute()
    alive = _existing_ids(link.other_id for link in links) - {contact_id}
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
    return before | alive


def create_contact(db: pw.SqliteDatabase, data: ContactData, contact_id: int | None = None) -> int:
    """Store a new contact (validated); ``contact_id`` re-creates one with its old id (redo)."""
    data = validate_contact(data)
    now = utc_now()
    with db.atomic():
        columns = _contact_columns(data) | {"created_at": now, "updated_at": now}
        if contact_id is not None:
            columns["id"] = contact_id
        new_id = int(Contact.insert(**columns).execute())
        _write_children(new_id, data)
        search.reindex_contacts(db.connection(), [new_id])
    return new_id


def update_contact(db: pw.SqliteDatabase, contact_id: int, data: ContactData) -> None:
    """Replace everything about a contact with ``data`` (validated), in one transaction."""
    data = validate_contact(data)
    with db.atomic():
        changed = (
            Contact.update(**_contact_columns(data), updated_at=utc_now())
            .where(Contact.id == contact_id)
            .execute()
        )
        if not changed:
            raise ContactNotFoundError(f"Contact {contact_id} no longer exists.")
        _write_children(contact_id, data)
        search.reindex_contacts(db.connection(), [contact_id])


def set_trashed(db: pw.SqliteDatabase, contact_ids: Sequence[int], trashed: bool) -> int:
    """Move contacts to the trash (or back out of it); returns how many changed."""
    ids = list(contact_ids)
    if not ids:
        return 0
    when = utc_now() if trashed else None
    changed = 0
    with db.atomic():
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            condition = (
                Contact.trashed_at.is_null() if trashed else Contact.trashed_at.is_null(False)
            )
            changed += (
                Contact.update(trashed_at=when).where(Contact.id.in_(batch) & condition).execute()
            )
    return int(changed)


def trash_contacts(db: pw.SqliteDatabase, contact_ids: Sequence[int]) -> int:
    return set_trashed(db, contact_ids, True)


def restore_contacts(db: pw.SqliteDatabase, contact_ids: Sequence[int]) -> int:
    return set_trashed(db, contact_ids, False)


def purge_contacts(db: pw.SqliteDatabase, contact_ids: Sequence[int]) -> int:
    """Delete contacts for good, with all their rows and their index entries."""
    ids = list(contact_ids)
    removed = 0
    with db.atomic():
        conn = db.connection()
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            marks = ",".join("?" * len(batch))
            conn.execute(f"DELETE FROM contact_fts WHERE rowid IN ({marks})", batch)
            removed += Contact.delete().where(Contact.id.in_(batch)).execute()
    return int(removed)


def empty_trash(db: pw.SqliteDatabase) -> int:
    """Delete for good every contact in the trash; returns how many."""
    ids = [
        c for (c,) in Contact.select(Contact.id).where(Contact.trashed_at.is_null(False)).tuples()
    ]
    return purge_contacts(db, ids)


def load_contact(db: pw.SqliteDatabase, contact_id: int) -> ContactRecord:
    """Everything stored about one contact, connections resolved to names."""
    with db.atomic():  # one consistent read
        row = Contact.get_or_none(Contact.id == contact_id)
        if row is None:
            raise ContactNotFoundError(f"Contact {contact_id} no longer exists.")

        def values(
            model: type[ContactEmail] | type[ContactPhone] | type[ContactLink],
        ) -> list[LabeledValue]:
            query = model.select(model.label, model.value).where(model.contact == contact_id)
            return [LabeledValue(lbl, val) for lbl, val in query.order_by(model.position).tuples()]

        addresses = [
            Address(a.label, a.street, a.city, a.region, a.postal_code, a.country)
            for a in ContactAddress.select()
            .where(ContactAddress.contact == contact_id)
            .order_by(ContactAddress.position)
        ]
        topics = [
            name
            for (name,) in Topic.select(Topic.name)
            .join(ContactTopic)
            .where(ContactTopic.contact == contact_id)
            .order_by(ContactTopic.position)
            .tuples()
        ]
        tags = [
            name
            for (name,) in Tag.select(Tag.name)
            .join(ContactTag)
            .where(ContactTag.contact == contact_id)
            .order_by(ContactTag.position)
            .tuples()
        ]
        dates = [
            ImportantDate(d.kind, d.month, d.day, d.year, d.label)
            for d in ImportantDateRow.select()
            .where(ImportantDateRow.contact == contact_id)
            .order_by(ImportantDateRow.month, ImportantDateRow.day, ImportantDateRow.id)
        ]
        views = _connection_views(contact_id)

    data = ContactData(
        given_name=row.given_name,
        family_name=row.family_name,
        display_name=row.display_name,
        nickname=row.nickname,
        pronouns=row.pronouns,
        job_title=row.job_title,
        organization=row.organization,
        team=row.team,
        photo=bytes(row.photo) if row.photo is not None else None,
        met_how=row.met_how,
        met_on=date.fromisoformat(row.met_on) if row.met_on else None,
        closeness=Closeness(row.closeness),
        cadence_days=row.cadence_days,
        notes=row.notes,
        ambitions=row.ambitions,
        archived=bool(row.archived),
        emails=values(ContactEmail),
        phones=values(ContactPhone),
        links=values(ContactLink),
        addresses=addresses,
        topics=topics,
        tags=tags,
        dates=dates,
        connections=[v.link for v in views],
    )
    return ContactRecord(row.id, data, row.created_at, row.updated_at, row.trashed_at, views)


def _connection_views(contact_id: int) -> list[ConnectionView]:
    """Both directions of this contact's connections (those to people in the trash flagged)."""
    views: list[ConnectionView] = []
    for outgoing, mine, theirs in (
        (True, Connection.from_contact, Connection.to_contact),
        (False, Connection.to_contact, Connection.from_contact),
    ):
        query = (
            Connection.select(
                theirs,
                Contact.full_name,
                Contact.trashed_at,
                Connection.kind,
                Connection.label,
                Connection.note,
            )
            .join(Contact, on=(Contact.id == theirs))
            .where(mine == contact_id)
            .tuples()
        )
        for other_id, other_name, other_trashed, kind, label, note in query:
            link = ConnectionLink(other_id, kind, outgoing, label, note)
            phrase = connections.describe(kind, label, outgoing)
            views.append(
                ConnectionView(other_id, other_name, phrase, link, other_trashed is not None)
            )
    views.sort(key=lambda v: (v.phrase, sort_key(v.other_name)))
    return views
