"""Reminders: what falls due when, and what done, snooze and dismiss do.

Four kinds share one table and one life cycle:

* **once**: a day (and optional time), about a person or free-standing;
* **recurring**: an RFC 5545 rule (every N days, weeks, months or years, or on
  weekdays, with an end), expanded by dateutil's rrule in the reminder's own zone, so
  "every month on the 31st" falls on the last day of shorter months and a 09:00
  reminder stays at 09:00 across daylight-saving changes;
* **date**: a person's birthday or anniversary, yearly (kept by triggers, store/schedule);
* **keep_in_touch**: due a cadence after the last interaction (kept by triggers).

Each has a pending occurrence (``occurs_on``) and the instant it falls due (``due_at``);
a snooze overrides the instant. ``alert_at``, the snooze else the due instant, is an
indexed generated column: everything due, the next moment to wake up for, and what to
announce are single range reads of that index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from typing import Any, Literal

import peewee as pw
from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, weekday

from ally_desktop.core.due import UPCOMING_DAYS, Section, reminder_name
from ally_desktop.core.text import LINE_MAX_CHARS, TEXT_MAX_CHARS, clean_line, clean_text
from ally_desktop.core.timeline import local_zone_name, zone_named
from ally_desktop.core.validation import FieldError, ValidationError
from ally_desktop.store.db import id_batches, sqlite_connection, writing
from ally_desktop.store.schedule import (
    cadence_due,
    format_instant,
    local_morning,
    next_yearly,
    parse_instant,
)

Kind = Literal["once", "recurring", "date", "keep_in_touch"]


class Frequency(Enum):
    DAILY = "DAILY"
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"
    YEARLY = "YEARLY"

    @property
    def unit(self) -> str:
        return {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}[self.value]


_RRULE_FREQ: dict[Frequency, Literal[0, 1, 2, 3, 4, 5, 6]] = {
    Frequency.DAILY: DAILY,
    Frequency.WEEKLY: WEEKLY,
    Frequency.MONTHLY: MONTHLY,
    Frequency.YEARLY: YEARLY,
}
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class ReminderNotFoundError(LookupError):
    """No reminder with that id (it may have been deleted)."""


@dataclass(frozen=True)
class Recurrence:
    """Every ``interval`` units; weekly ones on ``weekdays`` (0 = Monday); until a day or
    for a number of times."""

    frequency: Frequency
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    until: date | None = None
    count: int | None = None

    def rule_text(self) -> str:
        """The RFC 5545 RRULE (without DTSTART), as stored."""
        parts = [f"FREQ={self.frequency.value}", f"INTERVAL={self.interval}"]
        if self.weekdays and self.frequency is Frequency.WEEKLY:
            parts.append("BYDAY=" + ",".join(WEEKDAY_CODES[d] for d in sorted(self.weekdays)))
        if self.until is not None:
            parts.append(f"UNTIL={self.until.strftime('%Y%m%d')}T235959")
        elif self.count is not None:
            parts.append(f"COUNT={self.count}")
        return ";".join(parts)

    @classmethod
    def parse(cls, text: str) -> Recurrence:
        fields = dict(part.split("=", 1) for part in text.split(";") if "=" in part)
        until = fields.get("UNTIL")
        return cls(
            Frequency(fields["FREQ"]),
            int(fields.get("INTERVAL", "1")),
            tuple(WEEKDAY_CODES.index(code) for code in fields["BYDAY"].split(","))
            if "BYDAY" in fields
            else (),
            date(int(until[:4]), int(until[4:6]), int(until[6:8])) if until else None,
            int(fields["COUNT"]) if "COUNT" in fields else None,
        )

    def describe(self) -> str:
        """ "every 2 weeks on Monday, Thursday until 1 March 2027"."""
        unit = self.frequency.unit
        text = f"every {unit}" if self.interval == 1 else f"every {self.interval} {unit}s"
        if self.weekdays and self.frequency is Frequency.WEEKLY:
            names = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
            text += " on " + ", ".join(names[d] for d in sorted(self.weekdays))
        if self.until is not None:
            text += f" until {self.until.isoformat()}"
        elif self.count is not None:
            text += f", {self.count} times"
        return text


@dataclass
class ReminderData:
    """What a person sets: a one-off or recurring reminder (the other kinds follow the
    person's dates and cadence and are only snoozed, done or dismissed)."""

    title: str
    starts_on: date
    kind: Kind = "once"
    contact_id: int | None = None
    at_time: time | None = None
    time_zone: str = ""
    recurrence: Recurrence | None = None
    note: str = ""
    advance_days: int = 0


@dataclass(frozen=True)
class ReminderRecord:
    id: int
    kind: Kind
    contact_id: int | None
    title: str
    note: str
    starts_on: date | None
    at_time: time | None
    time_zone: str
    recurrence: Recurrence | None
    date_key: str | None
    advance_days: int
    occurs_on: date | None
    due_at: datetime | None
    snoozed_until: datetime | None
    done_count: int
    created_at: str
    # Bookkeeping kept so a deleted reminder comes back exactly (not announced again).
    touched_at: str | None = None
    last_done_at: str | None = None
    notified_at: str | None = None

    @property
    def alert_at(self) -> datetime | None:
        return self.snoozed_until or self.due_at

    def data(self) -> ReminderData:
        assert self.starts_on is not None
        return ReminderData(
            self.title,
            self.starts_on,
            self.kind,
            self.contact_id,
            self.at_time,
            self.time_zone,
            self.recurrence,
            self.note,
            self.advance_days,
        )


# --- occurrences ---------------------------------------------------------------------------
def _occurrence_rule(recurrence: Recurrence, starts_on: date) -> rrule:
    start = datetime.combine(starts_on, time(0, 0))
    if recurrence.frequency is Frequency.MONTHLY and starts_on.day > 28:
        # "Every month on the 31st": the last of the days 28..31 the month has.
        rule = rrule(
            MONTHLY,
            interval=recurrence.interval,
            dtstart=start,
            bymonthday=list(range(28, starts_on.day + 1)),
            bysetpos=-1,
        )
    elif recurrence.frequency is Frequency.YEARLY and starts_on.day > 28:
        rule = rrule(
            YEARLY,
            interval=recurrence.interval,
            dtstart=start,
            bymonth=starts_on.month,
            bymonthday=list(range(28, starts_on.day + 1)),
            bysetpos=-1,
        )
    else:
        # Days of the week go with weekly rules only, as in the stored rule (rule_text).
        weekly = recurrence.frequency is Frequency.WEEKLY
        weekdays = [weekday(d) for d in recurrence.weekdays] if weekly else []
        rule = rrule(
            _RRULE_FREQ[recurrence.frequency],
            interval=recurrence.interval,
            dtstart=start,
            byweekday=weekdays or None,
        )
    if recurrence.until is not None:
        rule = rule.replace(until=datetime.combine(recurrence.until, time(23, 59, 59)))
    elif recurrence.count is not None:
        rule = rule.replace(count=recurrence.count)
    return rule


def next_occurrence(recurrence: Recurrence, starts_on: date, after: date | None) -> date | None:
    """The first day of the rule on or after ``starts_on`` and strictly after ``after``."""
    rule = _occurrence_rule(recurrence, starts_on)
    if after is None:
        found = rule.after(datetime.combine(starts_on, time(0, 0)), inc=True)
    else:
        found = rule.after(datetime.combine(after, time(0, 0)), inc=False)
    return found.date() if found is not None else None


def due_instant(day: date, at: time | None, zone_name: str, advance_days: int = 0) -> datetime:
    """The UTC instant ``day`` (less the advance notice) at ``at`` on the clock of
    ``zone_name`` (the morning hour on this computer's clock without a time)."""
    day = day - timedelta(days=advance_days)
    if at is None:
        return local_morning(day).astimezone(UTC)
    # A wall time that does not exist (skipped by a daylight-saving change) moves forward
    # as clocks do; zoneinfo's fold=0 reading gives that.
    return datetime.combine(day, at, zone_named(zone_name)).astimezone(UTC)


# --- validation and writing ----------------------------------------------------------------
def validate_reminder(db: pw.SqliteDatabase, data: ReminderData) -> ReminderData:
    errors: list[FieldError] = []
    title = clean_line(data.title)
    if data.kind not in ("once", "recurring"):
        errors.append(FieldError("kind", "Only one-off and recurring reminders are set by hand."))
    if not title and data.contact_id is None:
        errors.append(FieldError("title", "Say what to be reminded of, or choose a person."))
    if len(title) > LINE_MAX_CHARS:
        errors.append(FieldError("title", "The title is too long."))
    note = clean_text(data.note)
    if len(note) > TEXT_MAX_CHARS:
        errors.append(FieldError("note", "The note is too long."))
    if not 0 <= data.advance_days <= 365:
        errors.append(FieldError("advance_days", "Advance notice is 0 to 365 days."))
    recurrence = data.recurrence
    if data.kind == "recurring":
        if recurrence is None:
            errors.append(FieldError("recurrence", "Say how often it repeats."))
        else:
            if not 1 <= recurrence.interval <= 1000:
                errors.append(FieldError("recurrence", "Repeat every 1 to 1,000 units."))
            if recurrence.until is not None and recurrence.until < data.starts_on:
                errors.append(FieldError("recurrence", "The end is before the start."))
            if recurrence.count is not None and recurrence.count < 1:
                errors.append(FieldError("recurrence", "Repeat at least once."))
    if data.contact_id is not None:
        row = (
            sqlite_connection(db)
            .execute("SELECT 1 FROM contact WHERE id = ? AND trashed_at IS NULL", [data.contact_id])
            .fetchone()
        )
        if row is None:
            errors.append(FieldError("contact_id", "That person no longer exists."))
    if errors:
        raise ValidationError(errors)
    return ReminderData(
        title,
        data.starts_on,
        data.kind,
        data.contact_id,
        data.at_time,
        clean_line(data.time_zone) or local_zone_name(),
        recurrence if data.kind == "recurring" else None,
        note,
        data.advance_days,
    )


def _schedule(data: ReminderData, after: date | None = None) -> tuple[str | None, str | None]:
    """(occurs_on, due_at) of the first occurrence after ``after`` (None: the first)."""
    if data.kind == "recurring":
        assert data.recurrence is not None
        day = next_occurrence(data.recurrence, data.starts_on, after)
    else:
        day = data.starts_on if after is None or data.starts_on > after else None
    if day is None:
        return None, None
    moment = due_instant(day, data.at_time, data.time_zone, data.advance_days)
    return day.isoformat(), format_instant(moment)


def _columns(data: ReminderData) -> dict[str, Any]:
    occurs_on, due_at = _schedule(data)
    return {
        "kind": data.kind,
        "contact_id": data.contact_id,
        "title": data.title,
        "note": data.note,
        "starts_on": data.starts_on.isoformat(),
        "at_time": data.at_time.strftime("%H:%M") if data.at_time else None,
        "time_zone": data.time_zone,
        "rule": data.recurrence.rule_text() if data.recurrence else "",
        "advance_days": data.advance_days,
        "occurs_on": occurs_on,
        "due_at": due_at,
        "snoozed_until": None,
        "notified_at": None,
    }


def create_reminder(
    db: pw.SqliteDatabase, data: ReminderData, reminder_id: int | None = None
) -> int:
    """Store a one-off or recurring reminder (validated); ``reminder_id`` re-creates one."""
    data = validate_reminder(db, data)
    now = _now_text()
    columns = _columns(data) | {"created_at": now, "updated_at": now}
    if reminder_id is not None:
        columns["id"] = reminder_id
    names = ", ".join(columns)
    with writing(db):
        cursor = sqlite_connection(db).execute(
            f"INSERT INTO reminder ({names}) VALUES ({','.join('?' * len(columns))})",
            list(columns.values()),
        )
    return int(cursor.lastrowid or 0)


def update_reminder(db: pw.SqliteDatabase, reminder_id: int, data: ReminderData) -> None:
    """Replace what a person set. A changed schedule (start, time, repeat, notice) starts
    again from the new start; otherwise the reminder keeps its place (a new note does not
    bring back an occurrence already done)."""
    data = validate_reminder(db, data)
    columns = _columns(data) | {"updated_at": _now_text()}
    schedule = ("starts_on", "at_time", "time_zone", "rule", "advance_days", "kind")
    with writing(db):
        current = (
            sqlite_connection(db)
            .execute(f"SELECT {', '.join(schedule)} FROM reminder WHERE id = ?", [reminder_id])
            .fetchone()
        )
        if current is not None and tuple(current) == tuple(columns[k] for k in schedule):
            for kept in ("occurs_on", "due_at", "snoozed_until", "notified_at"):
                del columns[kept]
        assignments = ", ".join(f"{name} = ?" for name in columns)
        changed = (
            sqlite_connection(db)
            .execute(
                f"UPDATE reminder SET {assignments} WHERE id = ? AND kind IN ('once', 'recurring')",
                [*columns.values(), reminder_id],
            )
            .rowcount
        )
    if not changed:
        raise ReminderNotFoundError(f"Reminder {reminder_id} no longer exists.")


_RECORD_SQL = (
    "SELECT id, kind, contact_id, title, note, starts_on, at_time, time_zone, rule, date_key,"
    " advance_days, occurs_on, due_at, snoozed_until, done_count, created_at, touched_at,"
    " last_done_at, notified_at FROM reminder"
)


def _record(row: tuple[Any, ...]) -> ReminderRecord:
    (rid, kind, contact_id, title, note, starts, at, zone, rule, key, advance, occurs, due,
     snoozed, done, created, touched, last_done, notified) = row  # fmt: skip
    return ReminderRecord(
        rid,
        kind,
        contact_id,
        title,
        note,
        date.fromisoformat(starts) if starts else None,
        time.fromisoformat(at) if at else None,
        zone,
        Recurrence.parse(rule) if rule else None,
        key,
        advance,
        date.fromisoformat(occurs) if occurs else None,
        parse_instant(due) if due else None,
        parse_instant(snoozed) if snoozed else None,
        done,
        created,
        touched,
        last_done,
        notified,
    )


def load_reminder(db: pw.SqliteDatabase, reminder_id: int) -> ReminderRecord:
    row = sqlite_connection(db).execute(f"{_RECORD_SQL} WHERE id = ?", [reminder_id]).fetchone()
    if row is None:
        raise ReminderNotFoundError(f"Reminder {reminder_id} no longer exists.")
    return _record(row)


def contact_reminders(db: pw.SqliteDatabase, contact_id: int) -> list[ReminderRecord]:
    rows = sqlite_connection(db).execute(
        f"{_RECORD_SQL} WHERE contact_id = ? ORDER BY coalesce(snoozed_until, due_at) IS NULL,"
        " coalesce(snoozed_until, due_at), id",
        [contact_id],
    )
    return [_record(row) for row in rows]


def delete_reminder(db: pw.SqliteDatabase, reminder_id: int) -> ReminderRecord:
    """Delete a one-off or recurring reminder; returns it (undo re-creates it)."""
    record = load_reminder(db, reminder_id)
    if record.kind not in ("once", "recurring"):
        raise ValidationError(
            [FieldError("kind", "Birthdays and keep-in-touch reminders follow the person:"
                        " change their dates or cadence instead.")]
        )  # fmt: skip
    with writing(db):
        sqlite_connection(db).execute("DELETE FROM reminder WHERE id = ?", [reminder_id])
    return record


def restore_reminder(db: pw.SqliteDatabase, record: ReminderRecord) -> None:
    """Put back a deleted reminder exactly as it was (undo of delete)."""
    columns = {
        "id": record.id,
        "kind": record.kind,
        "contact_id": record.contact_id,
        "title": record.title,
        "note": record.note,
        "starts_on": record.starts_on.isoformat() if record.starts_on else None,
        "at_time": record.at_time.strftime("%H:%M") if record.at_time else None,
        "time_zone": record.time_zone,
        "rule": record.recurrence.rule_text() if record.recurrence else "",
        "advance_days": record.advance_days,
        "occurs_on": record.occurs_on.isoformat() if record.occurs_on else None,
        "due_at": format_instant(record.due_at) if record.due_at else None,
        "snoozed_until": format_instant(record.snoozed_until) if record.snoozed_until else None,
        "done_count": record.done_count,
        "touched_at": record.touched_at,
        "last_done_at": record.last_done_at,
        "notified_at": record.notified_at,
        "created_at": record.created_at,
        "updated_at": _now_text(),
    }
    names = ", ".join(columns)
    with writing(db):
        sqlite_connection(db).execute(
            f"INSERT INTO reminder ({names}) VALUES ({','.join('?' * len(columns))})",
            list(columns.values()),
        )


# --- done, snooze, dismiss -----------------------------------------------------------------
@dataclass(frozen=True)
class ReminderState:
    """What done, snooze and dismiss change, kept whole so undo can put it back."""

    occurs_on: str | None
    due_at: str | None
    snoozed_until: str | None
    touched_at: str | None
    done_count: int
    last_done_at: str | None
    notified_at: str | None


_STATE_COLUMNS = (
    "occurs_on, due_at, snoozed_until, touched_at, done_count, last_done_at, notified_at"
)


def reminder_state(db: pw.SqliteDatabase, reminder_id: int) -> ReminderState:
    row = (
        sqlite_connection(db)
        .execute(f"SELECT {_STATE_COLUMNS} FROM reminder WHERE id = ?", [reminder_id])
        .fetchone()
    )
    if row is None:
        raise ReminderNotFoundError(f"Reminder {reminder_id} no longer exists.")
    return ReminderState(*row)


def set_reminder_state(db: pw.SqliteDatabase, reminder_id: int, state: ReminderState) -> None:
    assignments = ", ".join(f"{name.strip()} = ?" for name in _STATE_COLUMNS.split(","))
    with writing(db):
        changed = (
            sqlite_connection(db)
            .execute(
                f"UPDATE reminder SET {assignments}, updated_at = ? WHERE id = ?",
                [*vars(state).values(), _now_text(), reminder_id],
            )
            .rowcount
        )
    if not changed:
        raise ReminderNotFoundError(f"Reminder {reminder_id} no longer exists.")


def _advance(db: pw.SqliteDatabase, record: ReminderRecord, now: datetime, done: bool) -> None:
    """Move past the pending occurrence: to the next one, or finished."""
    if record.due_at is None:
        # Finished: nothing is pending (done twice must not bring back the first occurrence).
        raise ReminderNotFoundError(f"Reminder {record.id} is finished or no longer exists.")
    conn = sqlite_connection(db)
    stamp = format_instant(now)
    done_columns = ", done_count = done_count + 1, last_done_at = ?" if done else ""
    done_params = [stamp] if done else []
    if record.kind == "keep_in_touch":
        cadence_row = conn.execute(
            "SELECT last_interaction_at, created_at, cadence_days FROM contact WHERE id = ?",
            [record.contact_id],
        ).fetchone()
        due = cadence_due(cadence_row[0], stamp, cadence_row[1], cadence_row[2])
        occurs = None
        conn.execute(
            f"UPDATE reminder SET touched_at = ?, due_at = ?, occurs_on = ?, snoozed_until = NULL,"
            f" notified_at = NULL, updated_at = ?{done_columns} WHERE id = ?",
            [stamp, due, occurs, stamp, *done_params, record.id],
        )
        return
    if record.kind == "date":
        month_day = (record.date_key or "").split(":")[1]
        month, day = int(month_day[:2]), int(month_day[3:5])
        # Past the pending occurrence, and past today: a date left pending for a year
        # is not followed by another one already gone.
        today = now.astimezone().date()
        after = max(record.occurs_on or today, today) + timedelta(days=1)
        occurs = next_yearly(month, day, after.isoformat())
        due = format_instant(due_instant(date.fromisoformat(occurs), None, "", record.advance_days))
    else:
        data = record.data()
        # Missed occurrences are not owed one by one: the next is the first after today
        # (or after the pending one, when it is done early).
        today = now.astimezone().date()
        pending = record.occurs_on or today
        occurs, due = _schedule(data, after=max(pending, today))
    conn.execute(
        f"UPDATE reminder SET occurs_on = ?, due_at = ?, snoozed_until = NULL,"
        f" notified_at = NULL, updated_at = ?{done_columns} WHERE id = ?",
        [occurs, due, stamp, *done_params, record.id],
    )


def complete(db: pw.SqliteDatabase, reminder_id: int, now: datetime | None = None) -> None:
    """Done: a recurring reminder or a date moves to its next occurrence, a one-off is
    finished, keeping in touch starts a new cadence from now."""
    with writing(db):
        _advance(db, load_reminder(db, reminder_id), now or datetime.now(UTC), done=True)


def dismiss(db: pw.SqliteDatabase, reminder_id: int, now: datetime | None = None) -> None:
    """Not this time: like done, without counting it as done."""
    with writing(db):
        _advance(db, load_reminder(db, reminder_id), now or datetime.now(UTC), done=False)


def snooze(db: pw.SqliteDatabase, reminder_id: int, until: datetime) -> None:
    if until.tzinfo is None:
        raise ValueError("A snooze needs an aware time.")
    with writing(db):
        changed = (
            sqlite_connection(db)
            .execute(
                "UPDATE reminder SET snoozed_until = ?, notified_at = NULL, updated_at = ?"
                " WHERE id = ? AND due_at IS NOT NULL",
                [format_instant(until), _now_text(), reminder_id],
            )
            .rowcount
        )
    if not changed:
        raise ReminderNotFoundError(f"Reminder {reminder_id} is finished or no longer exists.")


def snooze_choices(now: datetime) -> dict[str, datetime]:
    """The usual snoozes, from ``now`` (aware): in an hour, tomorrow morning, next week."""
    local = now.astimezone()
    tomorrow = local.date() + timedelta(days=1)
    next_monday = local.date() + timedelta(days=7 - local.weekday())
    return {
        "In 1 hour": (now + timedelta(hours=1)).astimezone(UTC),
        "Tomorrow morning": local_morning(tomorrow).astimezone(UTC),
        "Next week": local_morning(next_monday).astimezone(UTC),
    }


# --- what is due ---------------------------------------------------------------------------
@dataclass(frozen=True)
class DueItem:
    """One line of the Reminders view: what, about whom, and why now."""

    id: int
    kind: Kind
    section: Section
    alert_at: datetime
    occurs_on: date | None
    title: str
    contact_id: int | None
    contact_name: str
    cadence_days: int | None
    last_interaction_at: datetime | None
    date_key: str | None
    recurrence: Recurrence | None
    overdue_ratio: float = 0.0  # keep in touch: days since contact / cadence
    extra: dict[str, Any] = field(default_factory=dict)

    def why(self, today: date) -> str:
        """ "no contact for 47 days, cadence 30", "birthday on 12 March (turns 40)"."""
        if self.kind == "keep_in_touch":
            if self.last_interaction_at is None:
                return f"nothing logged yet, cadence {self.cadence_days} days"
            days = (today - self.last_interaction_at.astimezone().date()).days
            return f"no contact for {days} days, cadence {self.cadence_days}"
        if self.kind == "date" and self.date_key and self.occurs_on:
            name = reminder_name("date", "", self.date_key).lower()
            return f"{name} on {self.occurs_on.day} {self.occurs_on.strftime('%B')}"
        if self.recurrence is not None:
            return self.recurrence.describe()
        return "one-off"


_DUE_SQL = """
SELECT r.id, r.kind, r.alert_at, r.occurs_on, r.title, r.contact_id,
    coalesce(c.full_name, ''), c.cadence_days, c.last_interaction_at, r.date_key, r.rule,
    r.snoozed_until, r.due_at
FROM reminder r LEFT JOIN contact c ON c.id = r.contact_id
WHERE r.hidden = 0 AND r.alert_at IS NOT NULL AND r.alert_at < ? {only}
ORDER BY r.alert_at, r.id
"""


def due_items(
    db: pw.SqliteDatabase, now: datetime | None = None, upcoming_days: int = UPCOMING_DAYS
) -> list[DueItem]:
    """Everything due now or within ``upcoming_days``, each in its section; one range read
    of the alert index. Drifting allies (overdue keep in touch) come first in Overdue,
    furthest past their cadence first."""
    now = now or datetime.now(UTC)
    today = now.astimezone().date()
    # The end of the last upcoming day: midnight local time at the start of the day after.
    horizon = datetime.combine(today + timedelta(days=upcoming_days + 1), time(0, 0)).astimezone()
    return _items(db, now, _DUE_SQL.format(only=""), [format_instant(horizon)])


def _items(db: pw.SqliteDatabase, now: datetime, sql: str, params: list[object]) -> list[DueItem]:
    today = now.astimezone().date()
    items: list[DueItem] = []
    rows = sqlite_connection(db).execute(sql, params)
    for (rid, kind, alert, occurs, title, contact_id, name, cadence, last, key, rule,
         snoozed, due) in rows:  # fmt: skip
        alert_at = parse_instant(alert)
        last_at = parse_instant(last) if last else None
        alert_day = alert_at.astimezone().date()
        if snoozed and parse_instant(snoozed) > now:
            section = Section.SNOOZED
        elif alert_day < today:
            section = Section.OVERDUE
        elif alert_at <= now or alert_day == today:
            section = Section.TODAY
        else:
            section = Section.UPCOMING
        ratio = 0.0
        if kind == "keep_in_touch" and cadence and due:
            # Days since the cadence last started (the later of the last interaction and the
            # last "done", else the day the person was added: the due day less the cadence),
            # over the cadence; a snooze does not change how far someone has drifted.
            since = parse_instant(due).astimezone().date() - timedelta(days=cadence)
            ratio = (today - since).days / cadence
        items.append(
            DueItem(
                rid,
                kind,
                section,
                alert_at,
                date.fromisoformat(occurs) if occurs else None,
                title,
                contact_id,
                name,
                cadence,
                last_at,
                key,
                Recurrence.parse(rule) if rule else None,
                ratio,
            )
        )
    order = {s: i for i, s in enumerate(Section)}
    items.sort(
        key=lambda i: (
            order[i.section],
            -(i.overdue_ratio if i.section is Section.OVERDUE else 0),
            i.alert_at,
            i.id,
        )
    )
    return items


def next_alert(db: pw.SqliteDatabase, now: datetime | None = None) -> datetime | None:
    """The next moment something falls due after ``now`` (what the timer waits for)."""
    now = now or datetime.now(UTC)
    row = (
        sqlite_connection(db)
        .execute(
            "SELECT min(alert_at) FROM reminder WHERE hidden = 0 AND alert_at > ?",
            [format_instant(now)],
        )
        .fetchone()
    )
    return parse_instant(row[0]) if row and row[0] else None


def to_announce(db: pw.SqliteDatabase, now: datetime | None = None) -> list[DueItem]:
    """What is due and not yet announced for its current moment (each at most once, even
    after days closed)."""
    # ``notified_at`` is cleared whenever the moment moves (done, snooze, a new contact),
    # so "not announced" is one read of a small partial index, however much is overdue.
    now = now or datetime.now(UTC)
    only = (
        "AND r.notified_at IS NULL AND r.id IN (SELECT id FROM reminder"
        " INDEXED BY reminder_unannounced"
        " WHERE alert_at <= ? AND notified_at IS NULL AND hidden = 0 AND alert_at IS NOT NULL)"
    )
    stamp = format_instant(now)  # the subquery bounds it: the outer bound is no bound
    return _items(db, now, _DUE_SQL.format(only=only), ["9999", stamp])


_UNANNOUNCED_SQL = (
    "SELECT id FROM reminder INDEXED BY reminder_unannounced WHERE alert_at <= ?"
    " AND notified_at IS NULL AND hidden = 0 AND alert_at IS NOT NULL ORDER BY alert_at, id"
)


class DueBatch(list[DueItem]):
    """Reminders falling due together: the first few as items, how many in all (a first
    start after months away can find tens of thousands; nobody reads them in a
    notification), and every one's id, to be marked announced."""

    total: int = 0
    ids: tuple[int, ...] = ()


def due_batch(db: pw.SqliteDatabase, now: datetime | None = None, shown: int = 5) -> DueBatch:
    """What falls due by ``now`` and was not announced yet: the first ``shown`` as items,
    the total and every id. One read of the unannounced index; nothing is written
    (``mark_announced`` records them)."""
    now = now or datetime.now(UTC)
    stamp = format_instant(now)
    ids = [rid for (rid,) in sqlite_connection(db).execute(_UNANNOUNCED_SQL, [stamp])]
    batch = DueBatch()
    if not ids:
        return batch
    first = ids[:shown]
    marks = ",".join("?" * len(first))
    batch.extend(_items(db, now, _DUE_SQL.format(only=f"AND r.id IN ({marks})"), ["9999", *first]))
    batch.total = len(ids)
    batch.ids = tuple(ids)
    return batch


def mark_announced(db: pw.SqliteDatabase, ids: list[int], now: datetime | None = None) -> None:
    stamp = format_instant(now or datetime.now(UTC))
    with writing(db):
        conn = sqlite_connection(db)
        for batch, marks in id_batches(ids):
            conn.execute(
                f"UPDATE reminder SET notified_at = ? WHERE id IN ({marks})", [stamp, *batch]
            )


def _now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
