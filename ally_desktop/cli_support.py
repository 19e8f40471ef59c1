"""What every ``ally`` command shares: the error that means "your input is wrong" and the
``--data-dir`` option. Kept apart so command modules need not import each other."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import peewee as pw

EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_USAGE = 2


class CommandError(Exception):
    """The user's input or data is wrong: the message is printed, exit code 1."""


def add_data_dir(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=default,
        help="where Ally keeps its data (default: ALLY_DATA_DIR, else the platform's "
        "user data directory)",
    )


def data_dir(args: argparse.Namespace) -> Path:
    from ally_desktop.paths import resolve_data_dir

    return resolve_data_dir(args.data_dir)


def open_store(args: argparse.Namespace, *, create: bool = False) -> pw.SqliteDatabase:
    """The database of ``--data-dir``; made there first when ``create`` (an import may be
    a new user's first command), else a missing one is the user's error."""
    from ally_desktop.paths import DataPaths, ensure_data_dir
    from ally_desktop.store.db import open_database

    path = DataPaths(data_dir(args)).database
    if not path.exists():
        if not create:
            raise CommandError(f"There is no Ally data at {path.parent}.")
        ensure_data_dir(path.parent)
    return open_database(path)
