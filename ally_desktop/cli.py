"""The ``ally`` command: the window without arguments, headless commands otherwise.

Commands that need no window never import Qt, so they start in a blink and run where
there is no display. Exit codes: 0 success, 1 the input or the data is wrong (one clear
line on stderr, nothing changed), 2 the command line itself is wrong.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from ally_desktop import (
    APP_NAME,
    __version__,
    cli_insight_health,
    cli_insight_reach,
    cli_insight_who,
    cli_recover,
    cli_reminders,
    cli_safety,
    cli_transfer,
)
from ally_desktop.cli_support import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
)
from ally_desktop.cli_support import add_data_dir as _add_data_dir

__all__ = ["EXIT_BAD_INPUT", "EXIT_OK", "EXIT_USAGE", "CommandError", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ally",
        description=f"{APP_NAME}: build and keep work allies. Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--minimized",
        action="store_true",
        help="open in the system tray without showing the window (as when started at login)",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation: open the window offscreen on a temporary data "
        "directory, store and search a contact, print one line; exit 0, or 1 with the reason",
    )
    _add_data_dir(parser, None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="fill the data directory with a realistic demo network",
        description="Add a realistic, varied demo network. Refuses a database that already "
        "has contacts unless --force is given (then the demo people are added beside them).",
    )
    _add_data_dir(demo, argparse.SUPPRESS)
    demo.add_argument(
        "--contacts", type=int, default=200, metavar="N", help="how many people (default 200)"
    )
    demo.add_argument(
        "--interactions",
        type=int,
        default=None,
        metavar="N",
        help="how many interactions with them (default three per person)",
    )
    demo.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    demo.add_argument(
        "--force", action="store_true", help="add demo people even if the database has contacts"
    )

    check = commands.add_parser(
        "check",
        help="check the data file's integrity and schema version",
        description="Check the data file without changing it. Exit 1 when it is damaged.",
    )
    _add_data_dir(check, argparse.SUPPRESS)
    check.add_argument("--quick", action="store_true", help="a faster, less thorough check")
    log = commands.add_parser(
        "log",
        help="log an interaction with one or more people",
        description="Log an interaction. Names must each match exactly one person; "
        "when a name matches several, nothing is stored and the candidates are listed.",
    )
    _add_data_dir(log, argparse.SUPPRESS)
    log.add_argument(
        "--with",
        dest="people",
        action="append",
        required=True,
        metavar="NAME",
        help="who was there (repeat for several people)",
    )
    log.add_argument(
        "--kind",
        default="meeting",
        help="meeting, call, video_call, message, email, coffee, event, note, "
        "or your own (default meeting)",
    )
    log.add_argument("--title", default="")
    log.add_argument("--notes", default="")
    log.add_argument("--place", default="")
    log.add_argument(
        "--date",
        metavar="WHEN",
        help="YYYY-MM-DD (a day) or YYYY-MM-DDTHH:MM (local time); default now",
    )
    help_given = log.add_mutually_exclusive_group()
    help_given.add_argument("--gave", metavar="WHAT", help="help you gave, in a few words")
    help_given.add_argument("--received", metavar="WHAT", help="help you received")
    cli_reminders.add_parsers(commands)
    cli_transfer.add_parsers(commands)
    cli_safety.add_parsers(commands)
    cli_recover.add_parsers(commands)
    cli_insight_reach.add_parsers(commands)
    cli_insight_health.add_parsers(commands)
    cli_insight_who.add_parsers(commands)
    return parser


def _paths(args: argparse.Namespace) -> Path:
    from ally_desktop.paths import resolve_data_dir

    return resolve_data_dir(args.data_dir)


def cmd_check(args: argparse.Namespace) -> int:
    from ally_desktop.paths import DataPaths
    from ally_desktop.store.integrity import check_database
    from ally_desktop.store.migrations import LATEST_VERSION

    database = DataPaths(_paths(args)).database
    report = check_database(database, thorough=not args.quick)
    if not report.ok:
        raise CommandError(f"{database}: " + " ".join(report.problems))
    print(
        f"{database}: ok (schema version {report.schema_version} of {LATEST_VERSION}, "
        f"{report.contacts:,} contacts)"
    )
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    if not 1 <= args.contacts <= 1_000_000:
        raise CommandError("--contacts must be between 1 and 1,000,000.")
    if args.interactions is not None and not 0 <= args.interactions <= 10_000_000:
        raise CommandError("--interactions must be between 0 and 10,000,000.")
    from ally_desktop.core.contact_queries import count_contacts
    from ally_desktop.core.demo import generate_demo
    from ally_desktop.paths import ensure_data_dir
    from ally_desktop.store.db import close_database, open_database, sqlite_connection

    paths = ensure_data_dir(_paths(args))
    database = open_database(paths.database)
    try:
        existing = count_contacts(database) + count_contacts(database, trashed=True)
        if existing and args.force:
            # A bulk write into a damaged file could spread the damage: look first.
            health = sqlite_connection(database).execute("PRAGMA quick_check(1)").fetchone()[0]
            if health != "ok":
                raise CommandError(
                    f"{paths.database} is damaged ({' '.join(health.split())}); nothing was "
                    "added. Run 'ally check' for details."
                )
        if existing and not args.force:
            raise CommandError(
                f"{paths.database} already has {existing:,} contacts; demo data goes only "
                "into an empty database (use --force to add it anyway)."
            )
        started = time.perf_counter()
        added = generate_demo(
            database, args.contacts, seed=args.seed, interactions=args.interactions
        )
        elapsed = time.perf_counter() - started
    finally:
        close_database(database)
    print(f"Added {added:,} demo people to {paths.database} in {elapsed:.2f} s.")
    return EXIT_OK


def _parse_when(text: str | None) -> tuple[datetime | None, date | None]:
    """``--date``: a day alone, or a local date and time; now when absent."""
    if text is None:
        return datetime.now().astimezone(), None
    text = text.strip()
    try:
        if len(text) == 10:
            return None, date.fromisoformat(text)
        return datetime.fromisoformat(text.replace(" ", "T")).astimezone(), None
    except ValueError:
        raise CommandError(
            f"--date “{text}” is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM."
        ) from None


def cmd_log(args: argparse.Namespace) -> int:
    from ally_desktop.core.contact_queries import (
        AmbiguousNameError,
        NameNotFoundError,
        resolve_name,
    )
    from ally_desktop.core.timeline import (
        Exchange,
        InteractionData,
        create_interaction,
        kind_label,
        local_zone_name,
    )
    from ally_desktop.core.validation import ValidationError
    from ally_desktop.paths import DataPaths
    from ally_desktop.store.db import close_database, open_database

    when, day = _parse_when(args.date)
    database_path = DataPaths(_paths(args)).database
    if not database_path.exists():
        raise CommandError(f"There is no Ally data at {database_path.parent}.")
    database = open_database(database_path)
    try:
        try:
            people = [resolve_name(database, name) for name in args.people]
        except (AmbiguousNameError, NameNotFoundError) as exc:
            raise CommandError(f"{exc.args[0] if exc.args else exc} Nothing was logged.") from None
        exchange: Exchange | None = "given" if args.gave else "received" if args.received else None
        data = InteractionData(
            kind=args.kind,
            participants=[p.id for p in people],
            when=when,
            day=day,
            time_zone=local_zone_name(),
            title=args.title,
            notes=args.notes,
            place=args.place,
            exchange=exchange,
            exchange_note=args.gave or args.received or "",
        )
        try:
            create_interaction(database, data)
        except ValidationError as exc:
            raise CommandError(f"{exc} Nothing was logged.") from None
    finally:
        close_database(database)
    moment = f"{day:%d %B %Y}" if day else f"{when:%d %B %Y %H:%M}"
    names = ", ".join(p.name for p in people)
    print(f"Logged {kind_label(args.kind).lower()} with {names} on {moment.lstrip('0')}.")
    return EXIT_OK


def run_gui(args: argparse.Namespace) -> int:
    from ally_desktop.app import run

    return run(data_dir=_paths(args), minimized=args.minimized)


COMMANDS = {
    "check": cmd_check,
    "demo": cmd_demo,
    "log": cmd_log,
    "remind": cli_reminders.cmd_remind,
    "due": cli_reminders.cmd_due,
    "export": cli_transfer.cmd_export,
    "import": cli_transfer.cmd_import,
    "backup": cli_safety.cmd_backup,
    "restore": cli_safety.cmd_restore,
    "recover": cli_recover.cmd_recover,
    "reach": cli_insight_reach.cmd_reach,
    "introduced": cli_insight_reach.cmd_introduced,
    "health": cli_insight_health.cmd_health,
    "who": cli_insight_who.cmd_who,
}


def _is_database_error(exc: BaseException) -> bool:
    """SQLite's errors, raw or as Peewee re-raises them (without importing Peewee here)."""
    if isinstance(exc, sqlite3.DatabaseError):
        return True
    return type(exc).__module__ == "peewee" and "Error" in type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``ally`` and ``python -m ally_desktop``; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from ally_desktop.store.errors import DatabaseDamagedError, StoreError, classify

    try:
        if args.self_test:
            from ally_desktop.self_test import run_self_test

            return run_self_test()
        if args.command is None:
            return run_gui(args)
        return COMMANDS[args.command](args)
    except BrokenPipeError:
        # The reader stopped early (`ally due | head`): that is not an error of ours.
        # Point stdout at nothing so the interpreter's final flush does not complain.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except (CommandError, StoreError, OSError) as exc:
        print(f"ally: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:
        if not _is_database_error(exc):
            raise
        # A damaged file can fail anywhere (a broken index gives wrong answers): say so
        # in one line; the write was rolled back, nothing changed.
        error = classify(exc) or DatabaseDamagedError(
            f"The data file is damaged ({' '.join(str(exc).split())}); nothing was changed. "
            "Run 'ally check' for details."
        )
        print(f"ally: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("ally: interrupted, nothing changed.", file=sys.stderr)
        return 130
