"""``ally reach`` and ``ally introduced``: who can introduce you, and recording it, without Qt.

ally reach "Carla Diaz"            the best chains from people you know to Carla
ally reach --org Globex            ... to anyone at Globex
ally introduced "Ana Silva" "Bo Chen" --on 2026-03-04 --note "At the offsite"

A chain is printed on one line, best first: "1. You → Ana Silva (inner circle) → Bo Chen
(works with Ana)". Finding no chain is an answer, not an error: it is said in words and
the exit code is 0. A name that matches nobody, or several people, is an error (exit 1).
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING

from ally_desktop.cli_support import EXIT_OK, CommandError, add_data_dir, open_store

if TYPE_CHECKING:
    import peewee as pw

    from ally_desktop.core.contact_queries import NameMatch


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The two commands, on ``ally``'s subcommand parser."""
    reach = commands.add_parser(
        "reach",
        help="how can I reach someone? print who can introduce you",
        description="Print the best chains of connections from people you know to NAME, "
        "or to anyone at an organization (--org), best first, each starting with a "
        "different person you know.",
    )
    add_data_dir(reach, argparse.SUPPRESS)
    reach.add_argument("name", nargs="?", metavar="NAME", help="the person to reach")
    reach.add_argument("--org", metavar="ORG", help="reach anyone at this organization instead")
    reach.add_argument(
        "--limit", type=int, default=5, metavar="N", help="how many chains at most (default 5)"
    )
    introduced = commands.add_parser(
        "introduced",
        help="record that someone introduced you to someone",
        description="Record “A introduced me to B”: a connection from A to B and an "
        "interaction with both, so it shows in both timelines. Names must each match "
        "exactly one person.",
    )
    add_data_dir(introduced, argparse.SUPPRESS)
    introduced.add_argument("introducer", metavar="A", help="who introduced you")
    introduced.add_argument("introduced", metavar="B", help="whom you were introduced to")
    introduced.add_argument("--on", metavar="DATE", help="the day, YYYY-MM-DD (default today)")
    introduced.add_argument("--note", default="", help="a few words about it")


def _person(database: pw.SqliteDatabase, name: str, nothing: str) -> NameMatch:
    from ally_desktop.core.contact_queries import (
        AmbiguousNameError,
        NameNotFoundError,
        resolve_name,
    )

    try:
        return resolve_name(database, name)
    except (AmbiguousNameError, NameNotFoundError) as exc:
        raise CommandError(f"{exc.args[0] if exc.args else exc} {nothing}") from None


def _similar_organizations(database: pw.SqliteDatabase, name: str) -> str:
    """ " Did you mean Globex?" for a near miss, else ""."""
    import difflib

    from ally_desktop.core.contact_queries import organization_names

    names = organization_names(database)
    by_key = {n.casefold(): n for n in names}
    close = difflib.get_close_matches(name.casefold(), list(by_key), n=3, cutoff=0.7)
    if not close:
        return ""
    shown = " or ".join(f"“{by_key[key]}”" for key in close)
    return f" Did you mean {shown}?"


def cmd_reach(args: argparse.Namespace) -> int:
    from ally_desktop.core.introductions import chain_text, find_chains
    from ally_desktop.store.db import close_database

    if (args.name is None) == (args.org is None):
        raise CommandError("Say whom to reach: a NAME, or --org ORG (not both).")
    if args.limit < 1:
        raise CommandError("--limit must be at least 1.")
    database = open_store(args)
    try:
        if args.org is not None:
            result = find_chains(database, organization=args.org, limit=args.limit)
            if not result.targets:
                hint = _similar_organizations(database, args.org)
                raise CommandError(f"{result.message()}{hint}")
        else:
            person = _person(database, args.name, "")
            result = find_chains(database, person=person.id, limit=args.limit)
    finally:
        close_database(database)
    if not result.chains:
        print(result.message())
        return EXIT_OK
    if result.organization:
        people = "1 person" if result.targets == 1 else f"{result.targets:,} people"
        print(f"How to reach someone at {result.target_name} ({people}):")
    elif result.chains[0].direct:
        print(f"You know {result.target_name} directly.")
    else:
        print(f"How to reach {result.target_name}:")
    for rank, chain in enumerate(result.chains, start=1):
        print(f"{rank}. {chain_text(chain)}")
    if result.message():
        print(result.message())
    return EXIT_OK


def cmd_introduced(args: argparse.Namespace) -> int:
    from ally_desktop.core.introductions import IntroductionData, record_introduction
    from ally_desktop.core.timeline import local_zone_name
    from ally_desktop.core.validation import ValidationError
    from ally_desktop.store.db import close_database

    day = date.today()
    if args.on is not None:
        try:
            day = date.fromisoformat(args.on.strip())
        except ValueError:
            raise CommandError(f"--on “{args.on}” is not a date: use YYYY-MM-DD.") from None
    database = open_store(args)
    try:
        first = _person(database, args.introducer, "Nothing was recorded.")
        second = _person(database, args.introduced, "Nothing was recorded.")
        data = IntroductionData(first.id, second.id, day, args.note, local_zone_name())
        try:
            recorded = record_introduction(database, data)
        except ValidationError as exc:
            raise CommandError(f"{exc} Nothing was recorded.") from None
    finally:
        close_database(database)
    link = (
        f"{first.name} is now linked to {second.name}."
        if recorded.added_connection
        else "They were linked already."
    )
    print(f"Recorded: {recorded.title} on {day.day} {day:%B %Y}. {link}")
    return EXIT_OK
