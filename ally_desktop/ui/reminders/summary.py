"""A person's pending reminders in a few words, for their profile."""

from __future__ import annotations

from datetime import date

import peewee as pw

from ally_desktop.core.due import reminder_name


def pending_reminders(db: pw.SqliteDatabase, contact_id: int) -> list[tuple[str, str, int | None]]:
    """(what, when, id if set by hand) of each reminder about this person still to come;
    the profile links the ones set by hand to their editor."""
    from ally_desktop.core.reminders import contact_reminders  # loads dateutil: on use

    today = date.today()
    lines: list[tuple[str, str, int | None]] = []
    for record in contact_reminders(db, contact_id):
        alert = record.alert_at
        if alert is None:
            continue
        what = reminder_name(record.kind, record.title, record.date_key)
        local = alert.astimezone()
        days = (local.date() - today).days
        if days < 0:
            when = f"{-days} day{'s' if days < -1 else ''} overdue"
        elif days == 0:
            when = f"today {local:%H:%M}"
        elif days == 1:
            when = f"tomorrow {local:%H:%M}"
        else:
            when = f"{local:%a} {local.day} {local:%B}"
            if local.year != today.year:
                when += f" {local.year}"
        if record.snoozed_until is not None:
            when = f"snoozed until {when}"
        editable = record.id if record.kind in ("once", "recurring") else None
        lines.append((what, when, editable))
    return lines
