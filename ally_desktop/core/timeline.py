"""Interactions: logging what happened with whom, the history, and the give/get ledger.

An interaction is stored at its UTC instant (which orders the timeline) together with the
calendar day and time zone the user meant, so "Tuesday's coffee" stays on Tuesday when the
user later travels. Each change is one transaction with its search-index entry; each
contact's last interaction is kept by triggers in the store.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import peewee as pw

from ally_desktop.core.text import (
    LINE_MAX_CHARS,
    TEXT_MAX_CHARS,
    clean_line,
    clean_text,
    utc_now,
    vocabulary_key,
)
from ally_desktop.core.validation import FieldError, ValidationError
from ally_desktop.store import search
from ally_desktop.store.db import id_batches, sqlite_connection, writing

Exchange = Literal["given", "received"]
EXCHANGES: tuple[Exchange, ...] = ("given", "received")
BUILT_IN_KINDS: dict[str, str] = {
    "meeting": "Meeting",
    "call": "Call",
    "video_call": "Video call",
    "message": "Message",
    "email": "Email",
    "coffee": "Coffee or meal",
    "event": "Event",
    "note": "Note",
}
ALL_DAY_HOUR = time(12, 0)  # a date without a time sits at noon of that day, where it was meant


class InteractionNotFoundError(LookupError):
    """No interaction with that id (it may have been deleted for good)."""


@dataclass
class InteractionData:
    """What a person logs; ``when`` is aware, or None with ``day`` for a date alone."""

    kind: str
    participants: list[int]
    when: datetime | None = None
    day: date | None = None
    time_zone: str = ""
    title: str = ""
    notes: str = ""
    place: str = ""
    exchange: Exchange | None = None
    exchange_note: str = ""

    @property
    def all_day(self) -> bool:
        return self.when is None


@dataclass(frozen=True)
class InteractionRecord:
    id: int
    data: InteractionData
    occurred_at: str
    created_at: str
    updated_at: str
    trashed_at: str | None
    participant_names: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class InteractionRow:
    """One line of a timeline list."""

    id: int
    occurred_at: datetime  # UTC
    local_date: date
    all_day: bool
    kind: str
    title: str
    participants: str
    exchange: Exchange | None
    exchange_note: str
    time_zone: str = ""
    place: str = ""

    def wall_clock(self) -> datetime:
        """When it happened on the clock of the place it was logged (its own zone)."""
        return self.occurred_at.astimezone(zone_named(self.time_zone))


def kind_label(kind: str) -> str:
    return BUILT_IN_KINDS.get(kind, kind)


def _instant(data: InteractionData) -> tuple[datetime, date]:
    if data.when is not None:
        return data.when.astimezone(UTC), data.when.date()
    assert data.day is not None
    return datetime.combine(data.day, ALL_DAY_HOUR, zone_named(data.time_zone)).astimezone(
        UTC
    ), data.day


def zone_named(name: str) -> tzinfo:
    """The IANA zone ``name`` ("Europe/Paris"), or this computer's zone when unknown: by its
    IANA name where it can be told (so daylight saving applies), else its current offset."""
    if name:
        try:
            return ZoneInfo(name)  # cached by zoneinfo: as cheap as a dictionary lookup
        except (ZoneInfoNotFoundError, ValueError):
            pass
    local = local_zone_name()
    if local:
        try:
            return ZoneInfo(local)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


def local_zone_name() -> str:
    """The IANA name of this computer's zone ("Europe/Paris"), stored with each interaction so
    its day and clock time stay as meant when the user travels; "" when it cannot be told."""
    try:
        import tzlocal

        name = tzlocal.get_localzone_name()
        if name and not _offset_matches(name):
            # tzlocal remembers the zone it found first; the computer's clock no longer
            # matches it (the user flew, or changed the setting): ask again.
            tzlocal.reload_localzone()
            name = tzlocal.get_localzone_name()
    except Exception:  # an odd system setup must not stop logging
        return ""
    return name if name and name != "local" else ""


def _offset_matches(name: str) -> bool:
    here = datetime.now().astimezone()
    try:
        return here.astimezone(ZoneInfo(name)).utcoffset() == here.utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return False


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def validate_interaction(db: pw.SqliteDatabase, data: InteractionData) -> InteractionData:
    """A cleaned copy, or ValidationError listing every problem."""
    errors: list[FieldError] = []
    kind = clean_line(data.kind)
    if not kind:
        errors.append(FieldError("kind", "Choose what kind of interaction it was."))
    elif len(kind) > 60:
        errors.append(FieldError("kind", "The kind is too long (at most 60 characters)."))
    if data.when is None and data.day is None:
        errors.append(FieldError("when", "When did it happen? A date is needed."))
    if data.when is not None and data.when.tzinfo is None:
        errors.append(FieldError("when", "The time has no time zone."))
    participants = list(dict.fromkeys(data.participants))
    if not participants:
        errors.append(FieldError("participants", "Who was there? Add at least one person."))
    else:
        marks = ",".join("?" * len(participants))
        found = {
            cid
            for (cid,) in sqlite_connection(db).execute(
                f"SELECT id FROM contact WHERE id IN ({marks}) AND trashed_at IS NULL",
                participants,
            )
        }
        if missing := [p for p in participants if p not in found]:
            errors.append(
                FieldError("participants", f"{len(missing)} of the people no longer exist.")
            )
    if data.exchange is not None and data.exchange not in EXCHANGES:
        errors.append(FieldError("exchange", "Help is either given or received."))
    if data.exchange is None and clean_line(data.exchange_note):
        errors.append(FieldError("exchange", "Say whether the help was given or received."))
    lines = {name: clean_line(getattr(data, name)) for name in ("title", "place", "exchange_note")}
    for name, value in lines.items():
        if len(value) > LINE_MAX_CHARS:
            errors.append(FieldError(name, f"The {name.replace('_', ' ')} is too long."))
    notes = clean_text(data.notes)
    if len(notes) > TEXT_MAX_CHARS:
        errors.append(FieldError("notes", f"The notes are too long ({len(notes):,} characters)."))
    if errors:
        raise ValidationError(errors)
    return InteractionData(
        kind=kind,
        participants=participants,
        when=data.when,
        day=data.day,
        time_zone=clean_line(data.time_zone),
        notes=notes,
        exchange=data.exchange,
        **lines,
    )


def _columns(data: InteractionData) -> dict[str, Any]:
    moment, local_day = _instant(data)
    return {
        "occurred_at": iso_utc(moment),
        "local_date": local_day.isoformat(),
        "time_zone": data.time_zone,
        "all_day": int(data.all_day),
        "kind": data.kind,
        "title": data.title,
        "notes": data.notes,
        "place": data.place,
        "exchange": data.exchange,
        "exchange_note": data.exchange_note,
    }


def _reindex(conn: Any, ids: Sequence[int]) -> None:
    for batch, marks in id_batches(ids):
        conn.execute(f"DELETE FROM interaction_fts WHERE rowid IN ({marks})", batch)
        conn.execute(
            "INSERT INTO interaction_fts (rowid, title, notes, place, exchange_note, kind)"
            f" SELECT id, title, notes, place, exchange_note, kind FROM interaction"
            f" WHERE id IN ({marks})",
            batch,
        )


def _write_participants(conn: Any, interaction_id: int, participants: Sequence[int]) -> None:
    """Remove who left and add who joined; people who stay are not touched, so their last
    interaction (and what hangs on it: keep-in-touch reminders) never moves back and forth."""
    current = {
        cid
        for (cid,) in conn.execute(
            "SELECT contact_id FROM interaction_participant WHERE interaction_id = ?",
            [interaction_id],
        )
    }
    wanted = set(participants)
    conn.executemany(
        "DELETE FROM interaction_participant WHERE interaction_id = ? AND contact_id = ?",
        [(interaction_id, cid) for cid in current - wanted],
    )
    conn.executemany(
        "INSERT INTO interaction_participant (interaction_id, contact_id) VALUES (?, ?)",
        [(interaction_id, cid) for cid in participants if cid not in current],
    )


def create_interaction(
    db: pw.SqliteDatabase, data: InteractionData, interaction_id: int | None = None
) -> int:
    """Store a new interaction (validated); ``interaction_id`` re-creates one (redo)."""
    data = validate_interaction(db, data)
    now = utc_now()
    columns = _columns(data) | {"created_at": now, "updated_at": now}
    if interaction_id is not None:
        columns["id"] = interaction_id
    names = ", ".join(columns)
    with writing(db):
        conn = sqlite_connection(db)
        cursor = conn.execute(
            f"INSERT INTO interaction ({names}) VALUES ({','.join('?' * len(columns))})",
            list(columns.values()),
        )
        new_id = int(cursor.lastrowid or 0)
        _write_participants(conn, new_id, data.participants)
        _reindex(conn, [new_id])
    return new_id


def update_interaction(db: pw.SqliteDatabase, interaction_id: int, data: InteractionData) -> None:
    data = validate_interaction(db, data)
    columns = _columns(data) | {"updated_at": utc_now()}
    assignments = ", ".join(f"{name} = ?" for name in columns)
    with writing(db):
        conn = sqlite_connection(db)
        cursor = conn.execute(
            f"UPDATE interaction SET {assignments} WHERE id = ?",
            [*columns.values(), interaction_id],
        )
        if cursor.rowcount == 0:
            raise InteractionNotFoundError(f"Interaction {interaction_id} no longer exists.")
        _write_participants(conn, interaction_id, data.participants)
        _reindex(conn, [interaction_id])


def set_interactions_trashed(
    db: pw.SqliteDatabase, interaction_ids: Sequence[int], trashed: bool
) -> int:
    """Move interactions to the trash or back; returns how many changed."""
    when = utc_now() if trashed else None
    condition = "trashed_at IS NULL" if trashed else "trashed_at IS NOT NULL"
    changed = 0
    with writing(db):
        conn = sqlite_connection(db)
        for batch, marks in id_batches(interaction_ids):
            changed += conn.execute(
                f"UPDATE interaction SET trashed_at = ?, trashed_with_contacts = 0"
                f" WHERE id IN ({marks}) AND {condition}",
                [when, *batch],
            ).rowcount
    return changed


def purge_interactions(db: pw.SqliteDatabase, interaction_ids: Sequence[int]) -> int:
    removed = 0
    with writing(db):
        conn = sqlite_connection(db)
        for batch, marks in id_batches(interaction_ids):
            conn.execute(f"DELETE FROM interaction_fts WHERE rowid IN ({marks})", batch)
            removed += conn.execute(
                f"DELETE FROM interaction WHERE id IN ({marks})", batch
            ).rowcount
    return removed


def load_interaction(db: pw.SqliteDatabase, interaction_id: int) -> InteractionRecord:
    conn = sqlite_connection(db)
    with writing(db):
        row = conn.execute(
            "SELECT occurred_at, local_date, time_zone, all_day, kind, title, notes, place,"
            " exchange, exchange_note, created_at, updated_at, trashed_at FROM interaction"
            " WHERE id = ?",
            [interaction_id],
        ).fetchone()
        if row is None:
            raise InteractionNotFoundError(f"Interaction {interaction_id} no longer exists.")
        people = conn.execute(
            "SELECT c.id, c.full_name FROM interaction_participant p JOIN contact c"
            " ON c.id = p.contact_id WHERE p.interaction_id = ? ORDER BY c.sort_name",
            [interaction_id],
        ).fetchall()
    (
        occurred,
        local_day,
        zone,
        all_day,
        kind,
        title,
        notes,
        place,
        exchange,
        exchange_note,
        created,
        updated,
        trashed,
    ) = row
    # On the clock where it happened: storing it again (undo, redo, an edit) keeps its day.
    moment = datetime.fromisoformat(occurred.replace("Z", "+00:00")).astimezone(zone_named(zone))
    data = InteractionData(
        kind=kind,
        participants=[cid for cid, _ in people],
        when=None if all_day else moment,
        day=date.fromisoformat(local_day),
        time_zone=zone,
        title=title,
        notes=notes,
        place=place,
        exchange=exchange,
        exchange_note=exchange_note,
    )
    return InteractionRecord(
        interaction_id, data, occurred, created, updated, trashed, dict(people)
    )


@dataclass(frozen=True)
class TimelineQuery:
    """What a timeline shows: newest day first, narrowed by any of these."""

    text: str = ""
    kind: str | None = None
    contact_id: int | None = None
    tag: str | None = None
    since: date | None = None
    until: date | None = None
    exchange: Exchange | None = None
    trashed: bool = False


def _where(query: TimelineQuery) -> tuple[list[str], list[object]]:
    clauses = ["i.trashed_at IS NOT NULL" if query.trashed else "i.trashed_at IS NULL"]
    params: list[object] = []
    if query.text.strip():
        expression = search.match_expression(query.text)
        if expression is not None:
            clauses.append(
                "i.id IN (SELECT rowid FROM interaction_fts WHERE interaction_fts MATCH ?)"
            )
            params.append(expression)
    if query.kind:
        clauses.append("i.kind = ?")
        params.append(query.kind)
    if query.contact_id is not None:
        clauses.append(
            "i.id IN (SELECT interaction_id FROM interaction_participant WHERE contact_id = ?)"
        )
        params.append(query.contact_id)
    if query.tag:
        clauses.append(
            "i.id IN (SELECT p.interaction_id FROM interaction_participant p"
            " JOIN contact_tag ct ON ct.contact_id = p.contact_id JOIN tag t ON t.id = ct.tag_id"
            " WHERE t.key = ?)"
        )
        params.append(vocabulary_key(query.tag))
    if query.since is not None:  # the day the user meant, wherever they were
        clauses.append("i.local_date >= ?")
        params.append(query.since.isoformat())
    if query.until is not None:
        clauses.append("i.local_date <= ?")
        params.append(query.until.isoformat())
    if query.exchange is not None:
        clauses.append("i.exchange = ?")
        params.append(query.exchange)
    return clauses, params


# A diary's order: by the day the user meant, then by the instant, newest first. Ordering
# by the instant alone would interleave days logged in different zones (Tuesday evening
# in New York falls after Wednesday's small hours in Paris) and repeat a day's heading.
TIMELINE_ORDER = "i.local_date DESC, i.occurred_at DESC, i.id DESC"


def interaction_ids(
    db: pw.SqliteDatabase, query: TimelineQuery, limit: int | None = None
) -> array[int]:
    """Ids of the matching interactions, newest first."""
    clauses, params = _where(query)
    sql = f"SELECT i.id FROM interaction i WHERE {' AND '.join(clauses)} ORDER BY {TIMELINE_ORDER}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    ids: array[int] = array("q")
    cursor = sqlite_connection(db).execute(sql, params)
    while chunk := cursor.fetchmany(10_000):
        ids.extend(row[0] for row in chunk)
    return ids


@dataclass(frozen=True)
class TimelineKey:
    """Where an interaction sits in a timeline (newest first): its instant, its day, its id."""

    id: int
    occurred_at: str
    local_date: date


def interaction_keys(
    db: pw.SqliteDatabase,
    query: TimelineQuery,
    after: TimelineKey | None = None,
    limit: int | None = 500,
    through: TimelineKey | None = None,
) -> list[TimelineKey]:
    """The next interactions of a timeline after ``after`` (keyset paging, newest first).

    Paging by the last key seen rather than by OFFSET keeps every page as cheap as the
    first, so scrolling through a million interactions never slows down. ``through``
    fetches everything up to and including that key instead of ``limit`` rows.
    """
    clauses, params = _where(query)
    if after is not None:
        clauses.append("(i.local_date, i.occurred_at, i.id) < (?, ?, ?)")
        params += [after.local_date.isoformat(), after.occurred_at, after.id]
    if through is not None:
        clauses.append("(i.local_date, i.occurred_at, i.id) >= (?, ?, ?)")
        params += [through.local_date.isoformat(), through.occurred_at, through.id]
    sql = (
        f"SELECT i.id, i.occurred_at, i.local_date FROM interaction i"
        f" WHERE {' AND '.join(clauses)} ORDER BY {TIMELINE_ORDER}"
    )
    if limit is not None and through is None:
        sql += f" LIMIT {int(limit)}"
    return [
        TimelineKey(iid, occurred, date.fromisoformat(day))
        for iid, occurred, day in sqlite_connection(db).execute(sql, params)
    ]


def interaction_key(db: pw.SqliteDatabase, interaction_id: int) -> TimelineKey | None:
    row = (
        sqlite_connection(db)
        .execute(
            "SELECT id, occurred_at, local_date FROM interaction WHERE id = ?", [interaction_id]
        )
        .fetchone()
    )
    return TimelineKey(row[0], row[1], date.fromisoformat(row[2])) if row else None


def count_interactions(db: pw.SqliteDatabase, query: TimelineQuery) -> int:
    clauses, params = _where(query)
    sql = f"SELECT count(*) FROM interaction i WHERE {' AND '.join(clauses)}"
    return int(sqlite_connection(db).execute(sql, params).fetchone()[0])


_ROW_SQL = """
SELECT i.id, i.occurred_at, i.local_date, i.all_day, i.kind, i.title, i.exchange,
    i.exchange_note, i.time_zone, i.place,
    (SELECT group_concat(name, ', ') FROM (SELECT c.full_name AS name
        FROM interaction_participant p JOIN contact c ON c.id = p.contact_id
        WHERE p.interaction_id = i.id ORDER BY c.sort_name))
FROM interaction i WHERE i.id IN ({marks})
"""


def interaction_rows(db: pw.SqliteDatabase, ids: Sequence[int]) -> dict[int, InteractionRow]:
    rows: dict[int, InteractionRow] = {}
    conn = sqlite_connection(db)
    for batch, marks in id_batches(ids):
        sql = _ROW_SQL.format(marks=marks)
        for (
            iid,
            occurred,
            local_day,
            all_day,
            kind,
            title,
            exchange,
            note,
            zone,
            place,
            people,
        ) in conn.execute(sql, batch):
            rows[iid] = InteractionRow(
                iid,
                datetime.fromisoformat(occurred.replace("Z", "+00:00")),
                date.fromisoformat(local_day),
                bool(all_day),
                kind,
                title,
                people or "",
                exchange,
                note,
                zone,
                place,
            )
    return rows


@dataclass(frozen=True)
class Balance:
    """The give/get ledger with one person: counts and the latest of each."""

    given: int
    received: int
    last_given: tuple[date, str] | None
    last_received: tuple[date, str] | None
    last_interaction: datetime | None

    def days_since_last(self, today: date) -> int | None:
        if self.last_interaction is None:
            return None
        return (today - self.last_interaction.astimezone().date()).days


def balance(db: pw.SqliteDatabase, contact_id: int) -> Balance:
    conn = sqlite_connection(db)
    counts = dict(
        conn.execute(
            "SELECT i.exchange, count(*) FROM interaction i JOIN interaction_participant p"
            " ON p.interaction_id = i.id WHERE p.contact_id = ? AND i.trashed_at IS NULL"
            " AND i.exchange IS NOT NULL GROUP BY i.exchange",
            [contact_id],
        ).fetchall()
    )

    def latest(exchange: str) -> tuple[date, str] | None:
        row = conn.execute(
            "SELECT i.local_date, i.exchange_note FROM interaction i JOIN interaction_participant p"
            " ON p.interaction_id = i.id WHERE p.contact_id = ? AND i.trashed_at IS NULL"
            " AND i.exchange = ? ORDER BY i.occurred_at DESC LIMIT 1",
            [contact_id, exchange],
        ).fetchone()
        return (date.fromisoformat(row[0]), row[1]) if row else None

    last = conn.execute(
        "SELECT last_interaction_at FROM contact WHERE id = ?", [contact_id]
    ).fetchone()
    last_at = datetime.fromisoformat(last[0].replace("Z", "+00:00")) if last and last[0] else None
    return Balance(
        counts.get("given", 0),
        counts.get("received", 0),
        latest("given"),
        latest("received"),
        last_at,
    )


# The distinct kinds by skipping through the kind index, one seek per kind: a plain
# SELECT DISTINCT reads a million rows (about 0.4 s) to find a dozen values.
_KINDS_SQL = """
WITH RECURSIVE kinds(kind) AS (
    SELECT min(kind) FROM interaction WHERE trashed_at IS NULL
    UNION ALL
    SELECT (SELECT min(kind) FROM interaction WHERE trashed_at IS NULL AND kind > kinds.kind)
    FROM kinds WHERE kinds.kind IS NOT NULL
)
SELECT kind FROM kinds WHERE kind IS NOT NULL
"""


def last_used_kind(db: pw.SqliteDatabase) -> str | None:
    """The kind of the interaction logged last (quick log starts from it)."""
    row = (
        sqlite_connection(db)
        .execute("SELECT kind FROM interaction ORDER BY id DESC LIMIT 1")
        .fetchone()
    )
    return str(row[0]) if row else None


def used_kinds(db: pw.SqliteDatabase) -> list[str]:
    """Built-in kinds first, then the user's own kinds in use (outside the trash)."""
    custom = [
        kind for (kind,) in sqlite_connection(db).execute(_KINDS_SQL) if kind not in BUILT_IN_KINDS
    ]
    return [*BUILT_IN_KINDS, *custom]


def participants_of(db: pw.SqliteDatabase, interaction_ids: Sequence[int]) -> tuple[int, ...]:
    """Everyone who took part in any of these interactions."""
    people: dict[int, None] = {}
    conn = sqlite_connection(db)
    for batch, marks in id_batches(interaction_ids):
        for (contact_id,) in conn.execute(
            "SELECT DISTINCT contact_id FROM interaction_participant"
            f" WHERE interaction_id IN ({marks})",
            batch,
        ):
            people[contact_id] = None
    return tuple(people)
