"""The weekly summary: once a week, one notification about the week ahead.

On the chosen day and hour (Monday 09:00 on this computer's clock unless changed) Ally
says in one notification what the week holds: how many reminders are due and coming,
who is drifting away, whose birthday it is, and how many new allies wait for a follow
up. Clicking it opens Today. A week with nothing to say sends nothing.

It is on by default: reminders already notify one by one, but drifting allies and new
allies to follow up have no reminder of their own, and a relationship manager that
lives in the tray should bring them up without being opened. Once a week, silent when
there is nothing to say, held while notifications are paused, and turned off in
Preferences.

Sent once: the moment it was last sent is kept in the ``setting`` table
(``weekly_summary.last_sent``), with the data, so a restart, a second computer opening
the same file or a restored backup does not send it again. The first time Ally looks
(and after the day or hour are changed) it only notes the moment: the first summary is
the next one scheduled, never one for a moment already past. A summary missed because
Ally was not running is sent when it starts within ``GRACE`` of the moment; later than
that the week is under way and the summary waits for the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import peewee as pw

from ally_desktop.core.due import Section, Window, section_ids
from ally_desktop.core.relative_time import WEEKDAY_NAMES
from ally_desktop.core.today import (
    Birthday,
    birthday_day_name,
    birthdays_this_week,
    drifting_count,
    due_total,
    new_allies_count,
)
from ally_desktop.store.db import sqlite_connection, writing
from ally_desktop.store.schedule import format_instant, parse_instant

ENABLED_KEY = "weekly_summary.enabled"
DAY_KEY = "weekly_summary.day"  # 0 Monday .. 6 Sunday
HOUR_KEY = "weekly_summary.hour"  # 0..23, this computer's clock
LAST_SENT_KEY = "weekly_summary.last_sent"  # a UTC instant
GRACE = timedelta(hours=24)
NAMED_BIRTHDAYS = 3


@dataclass(frozen=True)
class SummarySchedule:
    """When the summary is sent: ``weekday`` (0 = Monday) at ``hour`` local time."""

    enabled: bool = True
    weekday: int = 0
    hour: int = 9

    def latest(self, now: datetime) -> datetime:
        """The last scheduled moment at or before ``now`` (aware)."""
        local = now.astimezone()
        day = local.date() - timedelta(days=(local.weekday() - self.weekday) % 7)
        moment = _at(day, self.hour)
        if moment > now:
            moment = _at(day - timedelta(days=7), self.hour)
        return moment

    def following(self, now: datetime) -> datetime:
        """The first scheduled moment after ``now``."""
        latest = self.latest(now)
        return _at(latest.astimezone().date() + timedelta(days=7), self.hour)

    def describe(self) -> str:
        """ "Mondays at 09:00"."""
        return f"{WEEKDAY_NAMES[self.weekday]}s at {self.hour:02d}:00"


def _at(day: date, hour: int) -> datetime:
    """``hour`` o'clock on ``day`` on this computer's clock (its own daylight saving)."""
    return datetime.combine(day, time(hour, 0)).astimezone()


DEFAULT_SCHEDULE = SummarySchedule()


def _read(db: pw.SqliteDatabase, key: str) -> str | None:
    row = sqlite_connection(db).execute("SELECT value FROM setting WHERE key = ?", [key]).fetchone()
    return str(row[0]) if row is not None else None


def _write(db: pw.SqliteDatabase, values: dict[str, str]) -> None:
    with writing(db):
        sqlite_connection(db).executemany(
            "INSERT INTO setting (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            list(values.items()),
        )


def _number(text: str | None, default: int, low: int, high: int) -> int:
    """A stored number, or the default when missing, unreadable or out of range (a
    hand-edited file must not stop the summary or send it at a strange hour)."""
    try:
        value = int(text) if text is not None else default
    except ValueError:
        return default
    return value if low <= value <= high else default


def load_schedule(db: pw.SqliteDatabase) -> SummarySchedule:
    enabled = _read(db, ENABLED_KEY)
    return SummarySchedule(
        enabled=DEFAULT_SCHEDULE.enabled if enabled is None else enabled == "1",
        weekday=_number(_read(db, DAY_KEY), DEFAULT_SCHEDULE.weekday, 0, 6),
        hour=_number(_read(db, HOUR_KEY), DEFAULT_SCHEDULE.hour, 0, 23),
    )


def save_schedule(
    db: pw.SqliteDatabase, schedule: SummarySchedule, now: datetime | None = None
) -> None:
    """Store the schedule (one transaction). A changed one starts from ``now``: moving the
    day to one just past does not send a summary at once. ValueError out of range."""
    if not 0 <= schedule.weekday <= 6 or not 0 <= schedule.hour <= 23:
        raise ValueError(f"No such day and hour: {schedule.weekday}, {schedule.hour}")
    values = {
        ENABLED_KEY: "1" if schedule.enabled else "0",
        DAY_KEY: str(schedule.weekday),
        HOUR_KEY: str(schedule.hour),
    }
    if schedule != load_schedule(db):
        values[LAST_SENT_KEY] = format_instant(now or datetime.now(UTC))
    _write(db, values)


def last_sent(db: pw.SqliteDatabase) -> datetime | None:
    """When the summary was last sent (or began to count, see the module's docstring)."""
    text = _read(db, LAST_SENT_KEY)
    try:
        return parse_instant(text) if text else None
    except ValueError:
        return None


def mark_sent(db: pw.SqliteDatabase, now: datetime) -> None:
    _write(db, {LAST_SENT_KEY: format_instant(now)})


def is_due(db: pw.SqliteDatabase, now: datetime) -> bool:
    """Whether a summary is owed now: its moment has come, none was sent for it, and it
    is not over ``GRACE`` late. The first call only notes the moment (writes)."""
    schedule = load_schedule(db)
    if not schedule.enabled:
        return False
    sent = last_sent(db)
    if sent is None:
        mark_sent(db, now)
        return False
    moment = schedule.latest(now)
    return sent < moment and now - moment <= GRACE


def next_moment(db: pw.SqliteDatabase, now: datetime) -> datetime | None:
    """When to look again (None: turned off)."""
    schedule = load_schedule(db)
    return schedule.following(now) if schedule.enabled else None


@dataclass(frozen=True)
class WeeklySummary:
    """What the week ahead holds, in counts and the birthdays' names."""

    today: date
    due_now: int  # overdue or due today
    due_later: int  # falling due in the six days after today
    drifting: int
    birthdays: tuple[Birthday, ...]
    new_allies: int

    @property
    def is_empty(self) -> bool:
        counts = (self.due_now, self.due_later, self.drifting, self.new_allies)
        return not any(counts) and not self.birthdays

    def lines(self) -> list[str]:
        lines: list[str] = []
        if self.due_now and self.due_later:
            lines.append(f"{self.due_now:,} due now, {self.due_later:,} more this week")
        elif self.due_now:
            lines.append(f"{self.due_now:,} due now")
        elif self.due_later:
            noun = "reminder" if self.due_later == 1 else "reminders"
            lines.append(f"{self.due_later:,} {noun} this week")
        if self.drifting:
            noun = "ally" if self.drifting == 1 else "allies"
            lines.append(f"{self.drifting:,} {noun} drifting away")
        if self.birthdays:
            named = ", ".join(
                f"{b.name} ({birthday_day_name(b.on, self.today)})"
                for b in self.birthdays[:NAMED_BIRTHDAYS]
            )
            rest = len(self.birthdays) - NAMED_BIRTHDAYS
            if rest > 0:
                named += f" and {rest:,} more"
            lines.append(f"{'Birthday' if len(self.birthdays) == 1 else 'Birthdays'}: {named}")
        if self.new_allies:
            noun = "new ally" if self.new_allies == 1 else "new allies"
            lines.append(f"{self.new_allies:,} {noun} to follow up")
        return lines

    def text(self) -> tuple[str, str]:
        """(title, body) of the notification."""
        return "Your week ahead", "\n".join(self.lines())


def weekly_summary(db: pw.SqliteDatabase, now: datetime | None = None) -> WeeklySummary:
    now = now or datetime.now(UTC)
    today = now.astimezone().date()
    week = Window.at(now, upcoming_days=6)
    return WeeklySummary(
        today,
        due_total(db, now),
        len(section_ids(db, Section.UPCOMING, week)),
        drifting_count(db, now),
        tuple(birthdays_this_week(db, today)),
        new_allies_count(db, today),
    )


def take_due_summary(db: pw.SqliteDatabase, now: datetime | None = None) -> WeeklySummary | None:
    """The summary to send now, if one is due, recorded as sent (so it is sent once,
    across restarts too); None when none is due. An empty one is recorded and returned:
    the caller stays silent."""
    now = now or datetime.now(UTC)
    if not is_due(db, now):
        return None
    summary = weekly_summary(db, now)
    mark_sent(db, now)
    return summary
