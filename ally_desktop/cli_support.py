"""What every ``ally`` command shares: the error that means "your input is wrong" and the
``--data-dir`` option. Kept apart so command modules need not import each other."""

from __future__ import annotations

import argparse
from pathlib import Path

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
