"""Stored contacts streamed out in batches, for exports of any size.

Loading contacts one by one costs eight queries each; an export of 100,000 people reads
them 500 at a time instead, one query per table per batch, so memory stays flat and the
time stays close to reading the rows raw. Connections come from the side they start at
only: a file holds each connection once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from datetime import date
from itertools import groupby
from operator import itemgetter
from typing import Any

from ally_desktop.core.formats.common import OutgoingContact
from ally_desktop.core.records import (
    Address,
    Closeness,
    ConnectionLink,
    ContactData,
    ImportantDate,
    LabeledValue,
)

BATCH = 500

_CONTACTS = (
    "SELECT id, given_name, family_name, display_name, nickname, pronouns, job_title,"
    " organization, team, photo, met_how, met_on, closeness, cadence_days, notes, ambitions,"
    " archived, created_at, updated_at FROM contact WHERE id IN ({marks})"
)
_CHILDREN = {
    "emails": "SELECT contact_id, label, value FROM contact_email WHERE contact_id IN ({marks})"
    " ORDER BY contact_id, position, id",
    "phones": "SELECT contact_id, label, value FROM contact_phone WHERE contact_id IN ({marks})"
    " ORDER BY contact_id, position, id",
    "links": "SELECT contact_id, label, value FROM contact_link WHERE contact_id IN ({marks})"
    " ORDER BY contact_id, position, id",
    "addresses": "SELECT contact_id, label, street, city, region, postal_code, country"
    " FROM contact_address WHERE contact_id IN ({marks}) ORDER BY contact_id, position, id",
    "topics": "SELECT ct.contact_id, t.name FROM contact_topic ct JOIN topic t"
    " ON t.id = ct.topic_id WHERE ct.contact_id IN ({marks}) ORDER BY ct.contact_id, ct.position",
    "tags": "SELECT ct.contact_id, t.name FROM contact_tag ct JOIN tag t"
    " ON t.id = ct.tag_id WHERE ct.contact_id IN ({marks}) ORDER BY ct.contact_id, ct.position",
    "dates": "SELECT contact_id, kind, month, day, year, label FROM important_date"
    " WHERE contact_id IN ({marks}) ORDER BY contact_id, month, day, id",
    "connections": "SELECT from_id, to_id, kind, label, note FROM connection"
    " WHERE from_id IN ({marks}) ORDER BY from_id, id",
}


def _grouped(conn: sqlite3.Connection, sql: str, batch: Sequence[int]) -> dict[int, list[Any]]:
    """Rows by their first column (the contact), which the query orders by."""
    marks = ",".join("?" * len(batch))
    rows = conn.execute(sql.format(marks=marks), batch)
    return {contact_id: list(group) for contact_id, group in groupby(rows, itemgetter(0))}


def _batch(conn: sqlite3.Connection, batch: Sequence[int]) -> Iterator[OutgoingContact]:
    marks = ",".join("?" * len(batch))
    rows = {row[0]: row for row in conn.execute(_CONTACTS.format(marks=marks), batch)}
    children = {name: _grouped(conn, sql, batch) for name, sql in _CHILDREN.items()}
    empty: list[Any] = []
    emails, phones, links = children["emails"], children["phones"], children["links"]
    addresses, topics, tags = children["addresses"], children["topics"], children["tags"]
    dates, connections = children["dates"], children["connections"]
    for contact_id in batch:
        row = rows.get(contact_id)
        if row is None:
            continue  # deleted for good while the export ran
        data = ContactData(
            given_name=row[1],
            family_name=row[2],
            display_name=row[3],
            nickname=row[4],
            pronouns=row[5],
            job_title=row[6],
            organization=row[7],
            team=row[8],
            photo=bytes(row[9]) if row[9] is not None else None,
            met_how=row[10],
            met_on=date.fromisoformat(row[11]) if row[11] else None,
            closeness=Closeness(row[12]),
            cadence_days=row[13],
            notes=row[14],
            ambitions=row[15],
            archived=bool(row[16]),
            emails=[LabeledValue(r[1], r[2]) for r in emails.get(contact_id, empty)],
            phones=[LabeledValue(r[1], r[2]) for r in phones.get(contact_id, empty)],
            links=[LabeledValue(r[1], r[2]) for r in links.get(contact_id, empty)],
            addresses=[Address(*r[1:]) for r in addresses.get(contact_id, empty)],
            topics=[r[1] for r in topics.get(contact_id, empty)],
            tags=[r[1] for r in tags.get(contact_id, empty)],
            dates=[ImportantDate(*r[1:]) for r in dates.get(contact_id, empty)],
            connections=[
                ConnectionLink(other, kind, True, label, note)
                for _, other, kind, label, note in connections.get(contact_id, empty)
            ],
        )
        yield OutgoingContact(contact_id, data, row[17], row[18])


def stream_contacts(
    conn: sqlite3.Connection, ids: Sequence[int], batch_size: int = BATCH
) -> Iterator[OutgoingContact]:
    """The contacts with these ids, in this order, read ``batch_size`` at a time."""
    for start in range(0, len(ids), batch_size):
        yield from _batch(conn, ids[start : start + batch_size])
