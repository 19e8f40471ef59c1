"""``ally remind`` and ``ally due``: reminders from the command line, without Qt.

ally remind "Ana Ruiz" --on 2026-12-01 --at 09:30 --note "Ask about the offsite"
ally remind --title "Expenses" --on 2026-12-01 --every month --until 2027-06-30
ally remind "Bo" --on 2026-12-07 --every "2 weeks" --days mon,thu
ally due [--days 7]
"""

from __future__ import annotations

import argparse
import re
from datetime import date, time
from typing import TYPE_CHECKING

from ally_desktop.cli_support import EXIT_OK, CommandError, add_data_dir, open_store

if TYPE_CHECKING:
    import peewee as pw

_UNITS = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY"}
_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The two commands, on ``ally``'s subcommand parser."""
    remind = commands.add_parser(
        "remind",
        help="set a reminder, about a person or free-standing",
        description="Set a one-off or recurring reminder. NAME must match exactly one person; "
        "without NAME, give --title.",
    )
    add_data_dir(remind, argparse.SUPPRESS)
    remind.add_argument("name", nargs="?", metavar="NAME", help="the person it is about")
    remind.add_argument("--on", required=True, metavar="DATE", help="the day, YYYY-MM-DD")
    remind.add_argument("--at", metavar="HH:MM", help="a time (default: the morning)")
    remind.add_argument("--title", default="", help="what to be reminded of")
    remind.add_argument("--note", default="", help="more words about it")
    remind.add_argument(
        "--every",
        metavar="N UNIT",
        help='repeat: "day", "2 weeks", "month", "3 months", "year"...',
    )
    remind.add_argument("--days", metavar="mon,thu", help="with --every N weeks: on these weekdays")
    end = remind.add_mutually_exclusive_group()
    end.add_argument("--until", metavar="DATE", help="with --every: the last day")
    end.add_argument("--times", type=int, metavar="N", help="with --every: how many times")
    remind.add_argument(
        "--before", type=int, default=0, metavar="DAYS", help="remind this many days earlier"
    )
    due = commands.add_parser(
        "due",
        help="print what is due (for scripts)",
        description="Print the reminders that are due, then those coming in the next DAYS "
        "days, one per line: section, date, person, what, why.",
    )
    add_data_dir(due, argparse.SUPPRESS)
    due.add_argument(
        "--days", type=int, default=7, metavar="DAYS", help="upcoming days to list (default 7)"
    )


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"{option} “{text}” is not a date: use YYYY-MM-DD.") from None


def parse_every(text: str) -> tuple[int, str]:
    """ "2 weeks" → (2, "WEEKLY"); "month" → (1, "MONTHLY")."""
    match = re.fullmatch(r"\s*(?:(\d+)\s*)?(day|week|month|year)s?\s*", text.lower())
    if not match:
        raise CommandError(
            f"--every “{text}” is not a repetition: say day, week, month or year, "
            "with a number before it for more (“2 weeks”)."
        )
    return int(match.group(1) or 1), _UNITS[match.group(2)]


def parse_days(text: str) -> tuple[int, ...]:
    days = []
    for part in text.lower().replace(" ", "").split(","):
        if part[:3] not in _DAY_NAMES:
            raise CommandError(f"--days “{text}”: name weekdays as mon,tue,wed,thu,fri,sat,sun.")
        days.append(_DAY_NAMES.index(part[:3]))
    return tuple(sorted(set(days)))


def cmd_remind(args: argparse.Namespace) -> int:
    from ally_desktop.core.contact_queries import (
        AmbiguousNameError,
        NameNotFoundError,
        resolve_name,
    )
    from ally_desktop.core.reminders import (
        Frequency,
        Recurrence,
        ReminderData,
        create_reminder,
        load_reminder,
    )
    from ally_desktop.core.validation import ValidationError
    from ally_desktop.store.db import close_database

    starts_on = _day(args.on, "--on")
    at: time | None = None
    if args.at:
        try:
            at = time.fromisoformat(args.at.strip())
        except ValueError:
            raise CommandError(f"--at “{args.at}” is not a time: use HH:MM.") from None
    recurrence = None
    if args.every:
        interval, unit = parse_every(args.every)
        weekdays = parse_days(args.days) if args.days else ()
        if weekdays and unit != "WEEKLY":
            raise CommandError("--days goes with --every N weeks.")
        recurrence = Recurrence(
            Frequency(unit),
            interval,
            weekdays,
            _day(args.until, "--until") if args.until else None,
            args.times,
        )
    elif args.days or args.until or args.times:
        raise CommandError("--days, --until and --times go with --every.")
    database = _open(args)
    try:
        person = None
        if args.name:
            try:
                person = resolve_name(database, args.name)
            except (AmbiguousNameError, NameNotFoundError) as exc:
                raise CommandError(f"{exc.args[0] if exc.args else exc} Nothing was set.") from None
        data = ReminderData(
            title=args.title,
            starts_on=starts_on,
            kind="recurring" if recurrence else "once",
            contact_id=person.id if person else None,
            at_time=at,
            recurrence=recurrence,
            note=args.note,
            advance_days=args.before,
        )
        try:
            reminder_id = create_reminder(database, data)
        except ValidationError as exc:
            raise CommandError(f"{exc} Nothing was set.") from None
        record = load_reminder(database, reminder_id)
    finally:
        close_database(database)
    about = f" about {person.name}" if person else ""
    what = f" “{record.title}”" if record.title else ""
    if record.due_at is None:
        print(f"Set reminder{what}{about}: it has no occurrence left.")
        return EXIT_OK
    when = record.due_at.astimezone()
    repeat = f", {record.recurrence.describe()}" if record.recurrence else ""
    print(f"Set reminder{what}{about}, first due {when:%d %B %Y %H:%M}{repeat}.".replace(" 0", " "))
    return EXIT_OK


def cmd_due(args: argparse.Namespace) -> int:
    from ally_desktop.core.reminders import due_items
    from ally_desktop.store.db import close_database

    database = _open(args)
    try:
        items = due_items(database, upcoming_days=max(0, args.days))
    finally:
        close_database(database)
    today = date.today()
    for item in items:
        moment = item.alert_at.astimezone()
        what = item.title or {"keep_in_touch": "Keep in touch", "date": "Date"}.get(
            item.kind, "Reminder"
        )
        person = item.contact_name or "-"
        print(f"{item.section.value}\t{moment:%Y-%m-%d %H:%M}\t{person}\t{what}\t{item.why(today)}")
    return EXIT_OK


def _open(args: argparse.Namespace) -> pw.SqliteDatabase:
    return open_store(args)
