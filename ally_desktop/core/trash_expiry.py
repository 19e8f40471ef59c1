"""The trash empties itself: what has been in it longer than the retention period goes.

Deleting moves people and interactions to the trash so a slip can be taken back; keeping
them there for ever would keep data the user meant to be rid of. After ``days`` days
(30 unless the user chose otherwise) they are deleted for good, through the same purge
functions "Delete for good" uses, so their rows, their search-index entries and the
interactions left with nobody go exactly as they would by hand.

An interaction that went to the trash *with* its people (``trashed_with_contacts``)
has no clock of its own: it follows them, and goes when the last of them does.

The retention period is stored in the database (the ``setting`` table), not in the
window's settings file: it is a rule about the data, it travels with the file to a
backup or another computer, and the command line can read it without Qt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import peewee as pw

from ally_desktop.core.contacts import purge_contacts
from ally_desktop.core.timeline import purge_interactions
from ally_desktop.store.db import id_batches, sqlite_connection, writing

DEFAULT_RETENTION_DAYS = 30
MIN_RETENTION_DAYS = 1
MAX_RETENTION_DAYS = 3650  # ten years: "keep it all" without an unbounded number
RETENTION_KEY = "trash.retention_days"


@dataclass(frozen=True)
class PurgeReport:
    """What one expiry run deleted for good; the ids let the views drop their rows."""

    contact_ids: tuple[int, ...] = ()
    interaction_ids: tuple[int, ...] = ()

    @property
    def contacts(self) -> int:
        return len(self.contact_ids)

    @property
    def interactions(self) -> int:
        return len(self.interaction_ids)

    def __bool__(self) -> bool:
        return bool(self.contact_ids or self.interaction_ids)


def retention_days(db: pw.SqliteDatabase) -> int:
    """How many days the trash keeps things; the default when unset or unreadable.

    A value out of range (a hand-edited file, a future version's wider range) is
    clamped rather than refused: expiry must never delete sooner than the user allowed,
    and a broken setting must not stop it altogether.
    """
    row = (
        sqlite_connection(db)
        .execute("SELECT value FROM setting WHERE key = ?", [RETENTION_KEY])
        .fetchone()
    )
    if row is None:
        return DEFAULT_RETENTION_DAYS
    try:
        days = int(row[0])
    except (TypeError, ValueError):
        return DEFAULT_RETENTION_DAYS
    return min(max(days, MIN_RETENTION_DAYS), MAX_RETENTION_DAYS)


def set_retention_days(db: pw.SqliteDatabase, days: int) -> None:
    """Keep trashed items ``days`` days (1 to 3650); ValueError outside that range.

    Raises the store's errors as any write does (wrap in ``user_facing_errors``).
    """
    if isinstance(days, bool) or not isinstance(days, int):
        raise ValueError(f"The number of days must be a whole number, not {days!r}.")
    if not MIN_RETENTION_DAYS <= days <= MAX_RETENTION_DAYS:
        raise ValueError(
            f"The trash keeps items between {MIN_RETENTION_DAYS} and {MAX_RETENTION_DAYS}"
            f" days, not {days}."
        )
    with writing(db):
        sqlite_connection(db).execute(
            "INSERT INTO setting (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [RETENTION_KEY, str(days)],
        )


def expiry_cutoff(days: int, now: datetime | None = None) -> str:
    """The ``trashed_at`` text before which an item has expired.

    Timestamps are stored in ``core.text.utc_now``'s fixed-width format, so comparing the
    text compares the instants, and the partial ``*_trashed`` indexes serve the query.
    """
    moment = (now or datetime.now(UTC)).astimezone(UTC) - timedelta(days=days)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _ids(db: pw.SqliteDatabase, sql: str, params: Sequence[object]) -> list[int]:
    return [int(i) for (i,) in sqlite_connection(db).execute(sql, list(params))]


def _still_there(db: pw.SqliteDatabase, interaction_ids: Sequence[int]) -> set[int]:
    conn = sqlite_connection(db)
    found: set[int] = set()
    for batch, marks in id_batches(interaction_ids):
        found.update(
            i for (i,) in conn.execute(f"SELECT id FROM interaction WHERE id IN ({marks})", batch)
        )
    return found


def purge_expired(db: pw.SqliteDatabase, days: int, now: datetime | None = None) -> PurgeReport:
    """Delete for good what has been in the trash more than ``days`` days, in one
    transaction; returns what went.

    People go through ``purge_contacts`` (their rows, index entries, and interactions
    left with nobody); interactions trashed on their own through ``purge_interactions``.
    Interactions trashed with their people are left to follow them.
    """
    if days < MIN_RETENTION_DAYS:
        raise ValueError(f"Refusing to purge items trashed less than {MIN_RETENTION_DAYS} day ago.")
    cutoff = expiry_cutoff(days, now)
    with writing(db):
        contact_ids = _ids(
            db,
            "SELECT id FROM contact WHERE trashed_at IS NOT NULL AND trashed_at < ? ORDER BY id",
            [cutoff],
        )
        # Which interactions these people took part in, to tell afterwards which of them
        # purge_contacts took along (those left with nobody).
        theirs: list[int] = []
        for batch, marks in id_batches(contact_ids):
            theirs += _ids(
                db,
                "SELECT DISTINCT interaction_id FROM interaction_participant"
                f" WHERE contact_id IN ({marks})",
                batch,
            )
        theirs = sorted(set(theirs))
        if contact_ids:
            purge_contacts(db, contact_ids)
        remaining = _still_there(db, theirs)
        gone_with_people = [i for i in theirs if i not in remaining]
        own = _ids(
            db,
            "SELECT id FROM interaction WHERE trashed_at IS NOT NULL AND trashed_at < ?"
            " AND trashed_with_contacts = 0 ORDER BY id",
            [cutoff],
        )
        if own:
            purge_interactions(db, own)
    return PurgeReport(tuple(contact_ids), tuple(sorted({*gone_with_people, *own})))
