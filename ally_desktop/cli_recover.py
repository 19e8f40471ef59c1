"""``ally recover``: what can be read from a damaged data file, without a window.

ally recover                 move the damaged file aside (ally.sqlite3.damaged-…) and
                             recover what can be read into a new ally.sqlite3
ally recover --into PATH     recover into PATH (a new file); the damaged file stays put

The window offers the same at start-up (and restoring the latest good backup); this is
for a machine without a display, or for trying a recovery into a file of one's own
first. A healthy file is left alone unless ``--into`` asks for a copy; a file of a newer
Ally or of another program is refused, unchanged.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ally_desktop.cli_support import EXIT_OK, CommandError, add_data_dir, data_dir


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    recover = commands.add_parser(
        "recover",
        help="recover what can be read from a damaged data file",
        description="Copy every row that can still be read from a damaged data file into a "
        "new, healthy one. Without --into, the damaged file is first renamed "
        "ally.sqlite3.damaged-DATE-TIME (never deleted) and the new file takes its place.",
    )
    add_data_dir(recover, argparse.SUPPRESS)
    recover.add_argument(
        "--into",
        metavar="PATH",
        type=Path,
        help="write the recovered data to PATH (which must not exist) and leave the "
        "damaged file where it is",
    )


def cmd_recover(args: argparse.Namespace) -> int:
    from ally_desktop.cli_safety import window_running
    from ally_desktop.paths import DataPaths
    from ally_desktop.store.health import (
        HealthKind,
        diagnose,
        move_aside,
        put_back,
    )
    from ally_desktop.store.recovery import (
        recover_into,
    )

    root = data_dir(args)
    database = DataPaths(root).database
    if not database.exists():
        raise CommandError(f"There is no Ally data at {root}.")
    into: Path | None = args.into.expanduser().absolute() if args.into else None
    if into is not None and not into.parent.is_dir():
        raise CommandError(f"The folder {into.parent} does not exist.")
    if into is None and window_running(root):
        raise CommandError(
            f"Ally's window is open on {root}: quit it first (when it starts on a damaged "
            "file it offers the same recovery). Nothing was changed."
        )
    health = diagnose(database, quick_check=True)
    if health.kind in (HealthKind.NEWER, HealthKind.NOT_ALLY):
        raise CommandError(f"{database}: {health.message} Nothing was changed.")
    if health.opens_as_is and into is None:
        print(f"{database}: {health.headline.lower()}; nothing to recover.")
        return EXIT_OK
    if health.kind is HealthKind.DAMAGED:
        print(f"{database}: {health.message}")
    aside: Path | None = None
    if into is None:
        aside = move_aside(database)
        print(f"Moved the damaged file aside: {aside}")
    try:
        report = recover_into(aside or database, into or database)
    except BaseException:
        if aside is not None:
            put_back(aside, database)
            print(f"Nothing was recovered; the file is back at {database}.", file=sys.stderr)
        raise
    for note in report.notes:
        print(note)
    for line in report.lines():
        print(line)
    print(f"{report.summary()} The new data file: {into or database}.")
    if aside is not None:
        print(f"The damaged file is kept as {aside}.")
    return EXIT_OK
