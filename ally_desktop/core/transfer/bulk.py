"""Storing thousands of new contacts at once, inside the caller's transaction.

Creating contacts one by one through the ORM costs a few hundred microseconds each;
an import of 100,000 people would take minutes. Here validated contacts are written
table by table with the connection's ``executemany`` (about eight times faster than
the ORM's bulk insert) with ids chosen up front, so children need no round trip for
their parent's id. The same triggers run as for a contact made in the window, and the
search index is brought up to date in batches at the end.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from ally_desktop.core.records import ContactData
from ally_desktop.core.text import sort_key, utc_now, vocabulary_key
from ally_desktop.store import search

_CONTACT_INSERT = (
    "INSERT INTO contact (id, given_name, family_name, display_name, nickname, full_name,"
    " sort_name, pronouns, job_title, organization, team, photo, met_how, met_on, closeness,"
    " cadence_days, notes, ambitions, archived, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_VALUE_INSERT = "INSERT INTO {table} (contact_id, position, label, value) VALUES (?, ?, ?, ?)"
_ADDRESS_INSERT = (
    "INSERT INTO contact_address (contact_id, position, label, street, city, region,"
    " postal_code, country) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_DATE_INSERT = (
    "INSERT INTO important_date (contact_id, kind, label, year, month, day)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)
_CONNECTION_INSERT = (
    "INSERT OR IGNORE INTO connection (from_id, to_id, kind, label, note, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)
_CHUNK = 2000  # rows per executemany: bounded memory, few calls


@dataclass(frozen=True)
class NewContact:
    id: int
    data: ContactData  # validated
    created_at: str | None = None


@dataclass(frozen=True)
class NewConnection:
    from_id: int
    to_id: int
    kind: str
    label: str = ""
    note: str = ""


def next_free_id(conn: sqlite3.Connection) -> int:
    (highest,) = conn.execute("SELECT coalesce(max(id), 0) FROM contact").fetchone()
    return int(highest) + 1


class _Vocabulary:
    """Topic or tag ids by key, creating the missing ones as they are met."""

    def __init__(self, conn: sqlite3.Connection, table: str) -> None:
        self._conn = conn
        self._table = table
        self._ids: dict[str, int] = dict(conn.execute(f"SELECT key, id FROM {table}").fetchall())
        if table == "topic":  # a merged name leads to the topic it joined
            aliases = conn.execute("SELECT key, topic_id FROM topic_alias").fetchall()
            self._ids.update(aliases)

    def id_of(self, name: str) -> int:
        key = vocabulary_key(name)
        found = self._ids.get(key)
        if found is None:
            cursor = self._conn.execute(
                f"INSERT INTO {self._table} (name, key) VALUES (?, ?)", (name, key)
            )
            found = self._ids[key] = int(cursor.lastrowid or 0)
        return found


def insert_contacts(conn: sqlite3.Connection, contacts: Sequence[NewContact]) -> None:
    """Insert these contacts (ids unused, data validated) with all their rows."""
    topics = _Vocabulary(conn, "topic")
    tags = _Vocabulary(conn, "tag")
    now = utc_now()
    for start in range(0, len(contacts), _CHUNK):
        chunk = contacts[start : start + _CHUNK]
        people: list[tuple[object, ...]] = []
        emails: list[tuple[object, ...]] = []
        phones: list[tuple[object, ...]] = []
        links: list[tuple[object, ...]] = []
        addresses: list[tuple[object, ...]] = []
        topic_rows: list[tuple[int, int, int]] = []
        tag_rows: list[tuple[int, int, int]] = []
        dates: list[tuple[object, ...]] = []
        for new in chunk:
            d, cid = new.data, new.id
            full_name = d.shown_name()
            people.append(
                (
                    cid,
                    d.given_name,
                    d.family_name,
                    d.display_name,
                    d.nickname,
                    full_name,
                    sort_key(full_name),
                    d.pronouns,
                    d.job_title,
                    d.organization,
                    d.team,
                    d.photo,
                    d.met_how,
                    d.met_on.isoformat() if d.met_on else None,
                    int(d.closeness),
                    d.cadence_days,
                    d.notes,
                    d.ambitions,
                    int(d.archived),
                    new.created_at or now,
                    now,
                )
            )
            emails.extend((cid, i, v.label, v.value) for i, v in enumerate(d.emails))
            phones.extend((cid, i, v.label, v.value) for i, v in enumerate(d.phones))
            links.extend((cid, i, v.label, v.value) for i, v in enumerate(d.links))
            addresses.extend(
                (cid, i, a.label, a.street, a.city, a.region, a.postal_code, a.country)
                for i, a in enumerate(d.addresses)
            )
            topic_ids = dict.fromkeys(topics.id_of(t) for t in d.topics)  # aliases may meet
            topic_rows.extend((cid, topic_id, i) for i, topic_id in enumerate(topic_ids))
            tag_rows.extend((cid, tags.id_of(t), i) for i, t in enumerate(d.tags))
            dates.extend((cid, x.kind, x.label, x.year, x.month, x.day) for x in d.dates)
        conn.executemany(_CONTACT_INSERT, people)
        conn.executemany(_VALUE_INSERT.format(table="contact_email"), emails)
        conn.executemany(_VALUE_INSERT.format(table="contact_phone"), phones)
        conn.executemany(_VALUE_INSERT.format(table="contact_link"), links)
        conn.executemany(_ADDRESS_INSERT, addresses)
        conn.executemany(
            "INSERT INTO contact_topic (contact_id, topic_id, position) VALUES (?, ?, ?)",
            topic_rows,
        )
        conn.executemany(
            "INSERT INTO contact_tag (contact_id, tag_id, position) VALUES (?, ?, ?)", tag_rows
        )
        conn.executemany(_DATE_INSERT, dates)
    search.reindex_contacts(conn, [new.id for new in contacts])


def insert_connections(conn: sqlite3.Connection, links: Sequence[NewConnection]) -> int:
    """Insert connections between stored contacts; one already there is left alone."""
    now = utc_now()
    before = conn.total_changes
    conn.executemany(
        _CONNECTION_INSERT,
        [(c.from_id, c.to_id, c.kind, c.label, c.note, now) for c in links if c.from_id != c.to_id],
    )
    return conn.total_changes - before
