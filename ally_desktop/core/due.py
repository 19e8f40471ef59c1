"""The Reminders view's sections, as SQL: ids in display order, rows on demand.

With 100,000 people a third of whom keep a cadence, thousands of reminders can be
overdue at once. Each section is one range read of the ``alert_at`` index returning ids
in the order shown (drifting allies, overdue keep-in-touch reminders, furthest past their
cadence first); rows are built for the ids the view shows.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from typing import Any

import peewee as pw

from ally_desktop.store.db import id_batches, sqlite_connection
from ally_desktop.store.schedule import format_instant, parse_instant

UPCOMING_DAYS = 30


class Section(Enum):
    OVERDUE = "Overdue"
    TODAY = "Today"
    UPCOMING = "Upcoming"
    SNOOZED = "Snoozed"


def reminder_name(kind: str, title: str = "", date_key: str | None = None) -> str:
    """What a reminder is called: its title, else "Keep in touch", "Birthday", "Work
    anniversary", a custom date's label, or "Reminder"."""
    if title:
        return title
    if kind == "keep_in_touch":
        return "Keep in touch"
    if kind == "date" and date_key:
        date_kind, _, label = [*date_key.split(":", 2), "", ""][:3]
        return {"birthday": "Birthday", "anniversary": "Work anniversary"}.get(
            date_kind, label or "Date"
        )
    return "Reminder"


@dataclass(frozen=True)
class Window:
    """The moments that cut the sections, for one ``now``: computed once per refresh."""

    now: str
    today_starts: str
    today_ends: str
    horizon: str

    @classmethod
    def at(cls, now: datetime | None = None, upcoming_days: int = UPCOMING_DAYS) -> Window:
        now = (now or datetime.now(UTC)).astimezone(UTC)
        today = now.astimezone().date()
        midnight = datetime.combine(today, datetime.min.time()).astimezone()
        tomorrow = datetime.combine(today + timedelta(days=1), datetime.min.time()).astimezone()
        horizon = datetime.combine(
            today + timedelta(days=upcoming_days + 1), datetime.min.time()
        ).astimezone()
        return cls(
            format_instant(now),
            format_instant(midnight),
            format_instant(tomorrow),
            format_instant(horizon),
        )


# Reminders of people in the trash or archived are flagged hidden by triggers (store).
_VISIBLE = "r.hidden = 0"
_NOT_SNOOZED = "(r.snoozed_until IS NULL OR r.snoozed_until <= :now)"
_DRIFT = (
    "CASE WHEN r.kind = 'keep_in_touch' THEN (SELECT (julianday(:now) - julianday("
    "coalesce(max(c.last_interaction_at, coalesce(r.touched_at, '')), c.created_at)))"
    " / c.cadence_days FROM contact c WHERE c.id = r.contact_id) ELSE 0 END"
)
_SECTION_SQL = {
    Section.OVERDUE: f"""SELECT r.id FROM reminder r
        WHERE r.alert_at < :today_starts AND {_NOT_SNOOZED} AND {_VISIBLE}
        ORDER BY {_DRIFT} DESC, r.alert_at, r.id""",
    Section.TODAY: f"""SELECT r.id FROM reminder r
        WHERE r.alert_at >= :today_starts AND r.alert_at < :today_ends AND {_NOT_SNOOZED}
            AND {_VISIBLE}
        ORDER BY r.alert_at, r.id""",
    Section.UPCOMING: f"""SELECT r.id FROM reminder r
        WHERE r.alert_at >= :today_ends AND r.alert_at < :horizon AND r.snoozed_until IS NULL
            AND {_VISIBLE}
        ORDER BY r.alert_at, r.id""",
    Section.SNOOZED: f"""SELECT r.id FROM reminder r
        WHERE r.snoozed_until > :now AND {_VISIBLE}
        ORDER BY r.snoozed_until, r.id""",
}


def section_ids(db: pw.SqliteDatabase, section: Section, window: Window) -> array[int]:
    """The ids of a section's reminders, in display order."""
    params = {
        "now": window.now,
        "today_starts": window.today_starts,
        "today_ends": window.today_ends,
        "horizon": window.horizon,
    }
    ids: array[int] = array("q")
    cursor = sqlite_connection(db).execute(_SECTION_SQL[section], params)
    while chunk := cursor.fetchmany(10_000):
        ids.extend(row[0] for row in chunk)
    return ids


def due_count(db: pw.SqliteDatabase, window: Window) -> int:
    """How many are due now (overdue and today, not snoozed): the tray's number."""
    sql = (
        f"SELECT count(*) FROM reminder r WHERE r.alert_at <= :now AND {_NOT_SNOOZED}"
        f" AND {_VISIBLE}"
    )
    return int(sqlite_connection(db).execute(sql, {"now": window.now}).fetchone()[0])


def due_now(db: pw.SqliteDatabase, window: Window, limit: int) -> list[int]:
    """The ids of what is due now, the longest waiting first (for the tray's menu)."""
    sql = (
        f"SELECT r.id FROM reminder r WHERE r.hidden = 0 AND r.alert_at <= :now"
        f" AND {_NOT_SNOOZED} ORDER BY r.alert_at, r.id LIMIT :limit"
    )
    rows = sqlite_connection(db).execute(sql, {"now": window.now, "limit": limit})
    return [rid for (rid,) in rows]


@dataclass(frozen=True)
class DueRow:
    """One line of the Reminders view: what, about whom, and why now."""

    id: int
    kind: str
    alert_at: datetime
    occurs_on: date | None
    title: str
    note: str
    contact_id: int | None
    contact_name: str
    cadence_days: int | None
    last_interaction_at: datetime | None
    date_key: str | None
    rule: str
    snoozed: bool

    def what(self) -> str:
        return reminder_name(self.kind, self.title, self.date_key)

    def why(self, today: date) -> str:
        """ "no contact for 47 days, cadence 30", "birthday on 12 March"."""
        if self.kind == "keep_in_touch":
            if self.last_interaction_at is None:
                return f"nothing logged yet, cadence {self.cadence_days} days"
            days = (today - self.last_interaction_at.astimezone().date()).days
            return f"no contact for {days} days, cadence {self.cadence_days}"
        if self.kind == "date" and self.occurs_on is not None:
            return f"{self.what().lower()} on {self.occurs_on.day} {self.occurs_on:%B}"
        if self.rule:
            from ally_desktop.core.reminders import Recurrence

            return Recurrence.parse(self.rule).describe()
        return "one-off"


_ROW_SQL = """
SELECT r.id, r.kind, r.alert_at, r.occurs_on, r.title, r.note, r.contact_id,
    coalesce(c.full_name, ''), c.cadence_days, c.last_interaction_at, r.date_key, r.rule,
    r.snoozed_until IS NOT NULL
FROM reminder r LEFT JOIN contact c ON c.id = r.contact_id
WHERE r.id IN ({marks})
"""


def due_rows(db: pw.SqliteDatabase, ids: Sequence[int]) -> dict[int, DueRow]:
    rows: dict[int, DueRow] = {}
    conn = sqlite_connection(db)
    for batch, marks in id_batches(ids):
        for row in conn.execute(_ROW_SQL.format(marks=marks), batch):
            rows[row[0]] = _row(row)
    return rows


def _row(row: tuple[Any, ...]) -> DueRow:
    (rid, kind, alert, occurs, title, note, contact_id, name, cadence, last, key, rule,
     snoozed) = row  # fmt: skip
    return DueRow(
        rid,
        kind,
        parse_instant(alert) if alert else datetime.max.replace(tzinfo=UTC),
        date.fromisoformat(occurs) if occurs else None,
        title,
        note,
        contact_id,
        name,
        cadence,
        parse_instant(last) if last else None,
        key,
        rule,
        bool(snoozed),
    )
