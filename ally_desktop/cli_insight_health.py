"""``ally health``: how a relationship is doing, from the command line, without Qt.

ally health "Ana Ruiz"
    Ana Ruiz: 51/100, steady
    You last talked 5 weeks ago; usually every 2 weeks. 14 interactions since April 2026.
    You received help 4 times and gave once.
"""

from __future__ import annotations

import argparse

from ally_desktop.cli_support import EXIT_OK, CommandError, add_data_dir, open_store


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The command, on ``ally``'s subcommand parser."""
    health = commands.add_parser(
        "health",
        help="how a relationship is doing: a score from 0 to 100, and why",
        description="Print a person's relationship health (0-100, from how recently and how "
        "often you were in touch, and the help given and received) and what it comes from. "
        "NAME must match exactly one person.",
    )
    add_data_dir(health, argparse.SUPPRESS)
    health.add_argument("name", metavar="NAME", help="the person")


def cmd_health(args: argparse.Namespace) -> int:
    from ally_desktop.core.contact_queries import (
        AmbiguousNameError,
        NameNotFoundError,
        resolve_name,
    )
    from ally_desktop.core.health import explain, health_of
    from ally_desktop.store.db import close_database

    database = open_store(args)
    try:
        try:
            person = resolve_name(database, args.name)
        except (AmbiguousNameError, NameNotFoundError) as exc:
            raise CommandError(str(exc.args[0] if exc.args else exc)) from None
        health = health_of(database, person.id)
    finally:
        close_database(database)
    print(f"{person.name}: {health.score}/100, {health.level.word}")
    print(explain(health))
    return EXIT_OK
