"""Reading the contact list the way big lists must be read: ids first, rows on demand.

A search or filter returns only the ids of the matching contacts, already sorted by
SQLite; the table asks for the rows it shows, a page at a time (``rows_by_ids``). With
100,000 contacts that is one array of integers in memory, never 100,000 objects.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import Enum

import peewee as pw

from ally_desktop.core import health
from ally_desktop.core.health import Health
from ally_desktop.core.records import Closeness, ContactRow
from ally_desktop.core.text import clean_line, sort_key, vocabulary_key
from ally_desktop.core.timeline import iso_utc
from ally_desktop.store import search
from ally_desktop.store.db import id_batches, sqlite_connection


class SortKey(Enum):
    NAME = "name"
    ORGANIZATION = "organization"
    JOB_TITLE = "job_title"
    TEAM = "team"
    CLOSENESS = "closeness"
    UPDATED = "updated"
    LAST_INTERACTION = "last_interaction"
    HEALTH = "health"


_ORDER_BY = {
    SortKey.NAME: "c.sort_name {dir}, c.id {dir}",
    SortKey.ORGANIZATION: "c.organization = '' , c.organization COLLATE NOCASE {dir}, c.sort_name",
    SortKey.JOB_TITLE: "c.job_title = '', c.job_title COLLATE NOCASE {dir}, c.sort_name",
    SortKey.TEAM: "c.team = '', c.team COLLATE NOCASE {dir}, c.sort_name",
    # The first screenful walks contact_by_closeness (0.1 ms); the whole list is sorted
    # instead ("+": no index), twice as fast as visiting 100,000 rows in index order
    # (0.1 s, not 0.19). Ties go by id, so the two orders agree.
    SortKey.CLOSENESS: "{whole}c.closeness {dir}, c.sort_name, {whole}c.id",
    SortKey.UPDATED: "c.updated_at {dir}, c.id {dir}",
    # People never contacted come last either way: descending (the list's first click on
    # the column) is most recent first, ascending is who has waited longest first; the same
    # instant, and the never contacted, go by name. SQLite sorts the matching rows (0.12 s
    # for 100,000): walking contact_by_last_interaction instead reads the rows in index
    # order for their other columns, slower (0.2 s), so no tie-break on c.id that invites it.
    SortKey.LAST_INTERACTION: (
        "c.last_interaction_at IS NULL, c.last_interaction_at {dir}, c.sort_name"
    ),
    # Relationship health is computed, not stored (it moves with the date): SQLite calls
    # core.health.score on each person's facts, today's day number as the one parameter.
    # About 0.27 s for 100,000 people, most of it reading their rows and counts.
    SortKey.HEALTH: health.SCORE_SQL + " {dir}, c.sort_name",
}


@dataclass(frozen=True, kw_only=True)
class ContactListRow(ContactRow):
    """A line of the contact list with the person's relationship health on the day asked."""

    health: Health


@dataclass(frozen=True)
class ContactQuery:
    """What the contact list shows: a search, filters, and an order."""

    text: str = ""
    tag: str | None = None
    closeness: Closeness | None = None
    organization: str | None = None
    include_archived: bool = False
    trashed: bool = False  # True: the trash instead of the list
    sort: SortKey = SortKey.NAME
    descending: bool = False
    # Only people whose last interaction is more than this many days before now, or who
    # never had one ("not contacted in 30 days"); None: no such filter.
    not_contacted_days: int | None = None


def interaction_cutoff(days: int, now: datetime | None = None) -> str:
    """The instant ``days`` days before ``now`` (aware), in the format interactions are
    stored in, so SQLite compares text with text and can use its index."""
    return iso_utc((now or datetime.now(UTC)) - timedelta(days=days))


def _where(query: ContactQuery, now: datetime | None = None) -> tuple[list[str], list[object]]:
    clauses = ["c.trashed_at IS NOT NULL" if query.trashed else "c.trashed_at IS NULL"]
    params: list[object] = []
    if not query.include_archived and not query.trashed:
        clauses.append("c.archived = 0")
    if query.text.strip():
        expression = search.match_expression(query.text)
        if expression is not None:
            clauses.append("c.id IN (SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?)")
            params.append(expression)
        else:  # only symbols or emoji, which the index does not hold: look in names
            clauses.append("instr(c.full_name || ' ' || c.nickname, ?) > 0")
            params.append(clean_line(query.text))
    if query.tag:
        clauses.append(
            "c.id IN (SELECT ct.contact_id FROM contact_tag ct JOIN tag t ON t.id = ct.tag_id"
            " WHERE t.key = ?)"
        )
        params.append(vocabulary_key(query.tag))
    if query.closeness is not None:
        clauses.append("c.closeness = ?")
        params.append(int(query.closeness))
    if query.organization is not None:
        clauses.append("c.organization = ? COLLATE NOCASE")
        params.append(query.organization)
    if query.not_contacted_days is not None:
        if query.trashed:  # the trash is outside contact_by_last_interaction
            clauses.append("(c.last_interaction_at IS NULL OR c.last_interaction_at < ?)")
        else:
            # Leave out the recently contacted: one range of contact_by_last_interaction
            # (UTC text of one format sorts as time does) instead of a test of every row.
            clauses.append(
                "c.id NOT IN (SELECT id FROM contact WHERE trashed_at IS NULL"
                " AND last_interaction_at >= ?)"
            )
        params.append(interaction_cutoff(query.not_contacted_days, now))
    return clauses, params


def contact_ids(
    db: pw.SqliteDatabase,
    query: ContactQuery,
    limit: int | None = None,
    *,
    now: datetime | None = None,
    today: date | None = None,
) -> array[int]:
    """The ids of every contact the query matches (or the first ``limit``), in display order.

    ``now`` (aware; the current time by default) is what "not contacted in N days" counts
    from; ``today`` (the local date of ``now`` by default) is the day health is scored on.
    """
    clauses, params = _where(query, now)
    direction = "DESC" if query.descending else "ASC"
    order = _ORDER_BY[query.sort].format(dir=direction, whole="" if limit else "+")
    if query.trashed:
        order = f"c.trashed_at DESC, {order}"
    conn = sqlite_connection(db)
    tables = "contact c"
    if query.sort is SortKey.HEALTH:
        health.install_function(conn)
        tables += " " + health.STATS_JOIN
        params.append(health.day_number(today or _local_date(now)))
    sql = f"SELECT c.id FROM {tables} WHERE {' AND '.join(clauses)} ORDER BY {order}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    cursor = conn.execute(sql, params)
    ids: array[int] = array("q")
    while chunk := cursor.fetchmany(10_000):
        ids.extend(row[0] for row in chunk)
    return ids


def _local_date(now: datetime | None) -> date:
    return now.astimezone().date() if now is not None else date.today()


_ROW_SQL = f"""
SELECT c.id, c.full_name, c.organization, c.job_title, c.team, c.closeness, c.archived,
    (SELECT group_concat(name, ', ') FROM (SELECT t.name FROM contact_tag ct
        JOIN tag t ON t.id = ct.tag_id WHERE ct.contact_id = c.id ORDER BY ct.position)),
    (SELECT group_concat(name, ', ') FROM (SELECT t.name FROM contact_topic ct
        JOIN topic t ON t.id = ct.topic_id WHERE ct.contact_id = c.id ORDER BY ct.position)),
    (SELECT value FROM contact_email WHERE contact_id = c.id ORDER BY position LIMIT 1),
    COALESCE(c.trashed_at, c.updated_at), c.last_interaction_at, {health.FACTS_SQL}
FROM contact c {health.STATS_JOIN} WHERE c.id IN ({{marks}})
"""


def rows_by_ids(
    db: pw.SqliteDatabase, ids: Sequence[int], *, today: date | None = None
) -> dict[int, ContactListRow]:
    """The list rows of these contacts, by id (ids that no longer exist are absent), with
    their health on ``today`` (the computer's date by default)."""
    rows: dict[int, ContactListRow] = {}
    conn = sqlite_connection(db)
    day = today or date.today()
    for batch, marks in id_batches(ids):
        sql = _ROW_SQL.format(marks=marks)
        for (
            cid,
            name,
            org,
            title,
            team,
            closeness,
            archived,
            tags,
            topics,
            email,
            when,
            last_interaction,
            *facts,
        ) in conn.execute(sql, batch):
            rows[cid] = ContactListRow(
                cid,
                name,
                org,
                title,
                team,
                Closeness(closeness),
                bool(archived),
                tags or "",
                topics or "",
                email or "",
                when,
                last_interaction,
                health=health.assess(health.facts_of(tuple(facts)), day),
            )
    return rows


def count_contacts(db: pw.SqliteDatabase, *, trashed: bool = False) -> int:
    condition = "IS NOT NULL" if trashed else "IS NULL"
    sql = f"SELECT count(*) FROM contact WHERE trashed_at {condition}"
    return int(sqlite_connection(db).execute(sql).fetchone()[0])


def has_contacts(db: pw.SqliteDatabase) -> bool:
    """Whether anyone is outside the trash: the first row found, not a count of all."""
    sql = "SELECT EXISTS (SELECT 1 FROM contact WHERE trashed_at IS NULL)"
    return bool(sqlite_connection(db).execute(sql).fetchone()[0])


def tag_names(db: pw.SqliteDatabase) -> list[str]:
    """Every tag in use by a contact not in the trash, alphabetically."""
    sql = (
        "SELECT t.name FROM tag t WHERE EXISTS (SELECT 1 FROM contact_tag ct JOIN contact c"
        " ON c.id = ct.contact_id WHERE ct.tag_id = t.id AND c.trashed_at IS NULL)"
    )
    names = [name for (name,) in sqlite_connection(db).execute(sql)]
    return sorted(names, key=sort_key)


def topic_names(db: pw.SqliteDatabase, prefix: str = "", limit: int = 50) -> list[str]:
    """Topics of the shared vocabulary starting with ``prefix`` (for completion)."""
    key = vocabulary_key(prefix)
    sql = "SELECT name FROM topic WHERE key >= ? AND key < ? ORDER BY key LIMIT ?"
    rows = sqlite_connection(db).execute(sql, (key, key + "\U0010ffff", limit))
    return [name for (name,) in rows]


def organization_names(db: pw.SqliteDatabase, limit: int = 5000) -> list[str]:
    """Distinct organizations of contacts not in the trash, most common first."""
    sql = (
        "SELECT organization FROM contact WHERE trashed_at IS NULL AND organization <> ''"
        " GROUP BY organization COLLATE NOCASE ORDER BY count(*) DESC LIMIT ?"
    )
    names = [name for (name,) in sqlite_connection(db).execute(sql, (limit,))]
    return sorted(names, key=sort_key)


@dataclass(frozen=True)
class NameMatch:
    id: int
    name: str
    organization: str


def find_by_name(
    db: pw.SqliteDatabase, text: str, limit: int = 20, exclude: int | None = None
) -> list[NameMatch]:
    """People whose name starts with the words of ``text`` (for pickers and completion)."""
    expression = search.match_expression(text)
    if expression is None:
        return []
    sql = (
        "SELECT c.id, c.full_name, c.organization FROM contact c WHERE c.trashed_at IS NULL"
        " AND c.id IN (SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?) AND c.id <> ?"
        " ORDER BY c.sort_name LIMIT ?"
    )
    rows = sqlite_connection(db).execute(sql, ("name : (" + expression + ")", exclude or -1, limit))
    return [NameMatch(*row) for row in rows]


class NameNotFoundError(LookupError):
    """Nobody (outside the trash) goes by that name."""


class AmbiguousNameError(LookupError):
    """Several people match the name; ``candidates`` lists them."""

    def __init__(self, name: str, candidates: list[NameMatch]) -> None:
        self.candidates = candidates
        shown = "; ".join(
            f"{c.name} ({c.organization})" if c.organization else c.name for c in candidates
        )
        super().__init__(f"“{name}” matches several people: {shown}. Say which one.")


def resolve_name(db: pw.SqliteDatabase, name: str) -> NameMatch:
    """The one person ``name`` means: an exact name (case and accents aside) or, failing
    that, the only person whose name starts with those words; "Name (Organization)"
    tells apart people of the same name."""
    if not sort_key(clean_line(name)):
        raise NameNotFoundError("An empty name matches nobody.")
    exact = _exact_names(db, name)
    if len(exact) == 1:
        return exact[0]
    qualified = re.fullmatch(r"\s*(.+?)\s*\((.+)\)\s*", name)
    if not exact and qualified:
        # "Björn Iyer (Stark Industries)": the form candidates are listed in.
        organization = sort_key(qualified.group(2))
        named = _exact_names(db, qualified.group(1)) or find_by_name(db, qualified.group(1), 10)
        matches = [m for m in named if sort_key(m.organization) == organization]
    else:
        matches = exact or find_by_name(db, name, limit=10)
    if not matches:
        raise NameNotFoundError(f"Nobody is called “{name}”.")
    if len(matches) > 1:
        raise AmbiguousNameError(name, matches)
    return matches[0]


def _exact_names(db: pw.SqliteDatabase, name: str) -> list[NameMatch]:
    return [
        NameMatch(*row)
        for row in sqlite_connection(db).execute(
            "SELECT id, full_name, organization FROM contact WHERE trashed_at IS NULL"
            " AND sort_name = ? ORDER BY id LIMIT 10",
            [sort_key(clean_line(name))],
        )
    ]
