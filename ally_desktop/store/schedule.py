"""The SQL functions that keep reminders due at the right moment, whoever writes.

Keep-in-touch and important-date reminders are kept by triggers (a logged interaction
moves a keep-in-touch reminder, a new birthday gets its reminder), so every path that
writes contacts or interactions, the command line and undo included, keeps them right.
The triggers need calendar arithmetic SQLite lacks (local time, daylight saving, 29
February), so it is done here in Python and registered on every connection.

Times are computed on this computer's clock: a reminder without a time falls due at
MORNING_HOUR local time. Naive local datetimes are turned into instants with
``astimezone()``, which applies the system's own daylight-saving rules for that date.
"""

from __future__ import annotations

import calendar
import sqlite3
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dateutil.rrule import rrule

MORNING_HOUR = time(9, 0)
CADENCE_DUE_FUNCTION = "ally_cadence_due"
NEXT_YEARLY_FUNCTION = "ally_next_yearly"
MORNING_FUNCTION = "ally_morning_utc"
NOW_FUNCTION = "ally_now"


def parse_instant(text: str) -> datetime:
    """A stored UTC instant ("2026-11-20T14:30:00Z", with or without fractions)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def format_instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_morning(day: date) -> datetime:
    """MORNING_HOUR on ``day`` on this computer's clock, as an aware instant."""
    return datetime.combine(day, MORNING_HOUR).astimezone()


def cadence_due(
    last_interaction: str | None, touched: str | None, since: str | None, cadence_days: int | None
) -> str | None:
    """When a keep-in-touch reminder falls due: the morning ``cadence_days`` after the
    later of the last interaction and the last "done"; with neither, after the person
    was added (a network just imported is not all overdue at once)."""
    if not cadence_days or cadence_days <= 0:
        return None
    stamps = [s for s in (last_interaction, touched) if s] or ([since] if since else [])
    if not stamps:
        return None
    latest = max(parse_instant(s) for s in stamps)
    day = latest.astimezone().date() + timedelta(days=int(cadence_days))
    return format_instant(local_morning(day))


def yearly_rule(month: int, day: int, start: date) -> rrule:
    """Every year on month/day from ``start``; a day the month lacks (29 February in a
    common year) falls on the month's last day, the RFC 5545 way: of the days 28 to
    ``day``, the last one the month has (BYSETPOS=-1)."""
    from dateutil.rrule import YEARLY, rrule  # here: every start loads this module

    days = [day] if day <= 28 else list(range(28, day + 1))
    return rrule(
        YEARLY,
        dtstart=datetime.combine(start, time(0, 0)),
        bymonth=month,
        bymonthday=days,
        bysetpos=-1 if day > 28 else None,
    )


def next_yearly(month: int, day: int, on_or_after: str | None) -> str:
    """The next day (on or after ``on_or_after``, today by default) a yearly date falls on."""
    start = date.fromisoformat(on_or_after) if on_or_after else date.today()
    # The closed form of ``yearly_rule(...).after(start, inc=True)``, which triggers call
    # for every date an import adds: the day, or the month's last day when it is shorter.
    for year in (start.year, start.year + 1, start.year + 2):
        candidate = date(year, month, min(day, calendar.monthrange(year, month)[1]))
        if candidate >= start:
            return candidate.isoformat()
    raise AssertionError("a yearly date always recurs within a year")


def morning_utc(day: str | None, advance_days: int | None = 0) -> str | None:
    """The instant a reminder for ``day`` falls due: MORNING_HOUR, ``advance_days`` before."""
    if not day:
        return None
    when = date.fromisoformat(day) - timedelta(days=int(advance_days or 0))
    return format_instant(local_morning(when))


def prune_date_reminders(conn: Any, contact_id: int) -> None:
    """Drop the reminders of dates the person no longer has (call inside the write that
    rewrote their dates; the ``date_added`` trigger made the ones for new dates)."""
    conn.execute(
        "DELETE FROM reminder WHERE kind = 'date' AND contact_id = ? AND date_key NOT IN ("
        " SELECT kind || ':' || printf('%02d-%02d', month, day) || ':' || label"
        " FROM important_date WHERE contact_id = ?)",
        [contact_id, contact_id],
    )


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def install_functions(conn: sqlite3.Connection) -> None:
    """Register the functions the reminder triggers call (any connection may fire them)."""
    conn.create_function(CADENCE_DUE_FUNCTION, 4, cadence_due)
    conn.create_function(NEXT_YEARLY_FUNCTION, 3, next_yearly)
    conn.create_function(MORNING_FUNCTION, 2, morning_utc)
    conn.create_function(NOW_FUNCTION, 0, now_text)
