"""``ally backup`` and ``ally restore``: the data file's safety net, without Qt.

ally backup                 a verified backup into the backups folder (kind "manual")
ally backup ~/ally.sqlite3  a verified backup written exactly there
ally backup --list          date, kind, size, people, name (tab-separated, newest first)
ally restore NAME|PATH      put a backup in place of the data file (the current data is
                            backed up first, as "pre-restore")

A restore refuses while Ally's window runs on the same data directory: the window would
keep writing to the replaced file. The window is found the way a second launch finds it
(its local socket, see ui/single_instance.py), without loading Qt; whatever else holds
the file open is caught by the restore itself (store/backups.py).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ally_desktop.cli_support import EXIT_OK, CommandError, add_data_dir, data_dir
from ally_desktop.paths import instance_name

if TYPE_CHECKING:
    from ally_desktop.store.backups import BackupInfo


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = commands.add_parser(
        "backup",
        help="back up the data file now, or list the backups",
        description="Write a verified copy of the data file, consistent even while Ally "
        "runs: into the backups folder (rotated like the automatic ones), or to PATH "
        "exactly. --list shows the backups, newest first.",
    )
    add_data_dir(backup, argparse.SUPPRESS)
    what = backup.add_mutually_exclusive_group()
    what.add_argument(
        "path",
        metavar="PATH",
        type=Path,
        nargs="?",
        help="where to write the backup (a file name, or a folder for the standard name)",
    )
    what.add_argument(
        "--list",
        action="store_true",
        help="list the backups: date, kind, size, people, name (tab-separated)",
    )

    restore = commands.add_parser(
        "restore",
        help="replace the data with a backup (the current data is backed up first)",
        description="Put BACKUP in place of the data file. The backup is verified first; "
        "the current data is kept as a 'pre-restore' backup, so a restore can be undone "
        "by restoring that one. Refused while Ally's window is open on the data.",
    )
    add_data_dir(restore, argparse.SUPPRESS)
    restore.add_argument(
        "backup", metavar="BACKUP", help="a backup file, or a name shown by 'ally backup --list'"
    )


def describe_size(size: int) -> str:
    """1,234 bytes → "1.2 kB": how big a backup is, at a glance (decimal units)."""
    if size < 1000:
        return f"{size} bytes"
    value = size / 1000
    for unit in ("kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            break
        value /= 1000
    return f"{value:.1f} {unit}"


def _people(count: int | None) -> str:
    if count is None:
        return "?"
    return f"{count:,} {'contact' if count == 1 else 'contacts'}"


def _when(info: BackupInfo) -> str:
    return f"{info.taken_at.astimezone():%Y-%m-%d %H:%M}"


# -- ally backup ---------------------------------------------------------------------------


def cmd_backup(args: argparse.Namespace) -> int:
    from ally_desktop.paths import DataPaths
    from ally_desktop.store.backups import backup_name, make_backup

    root = data_dir(args)
    if args.list:
        return _list(root)
    paths = DataPaths(root)
    if not paths.database.is_file():
        raise CommandError(f"There is no Ally data at {root}.")
    dest: Path | None = None
    if args.path is not None:
        from datetime import UTC, datetime

        dest = args.path.expanduser().absolute()
        if dest.is_dir():
            dest = dest / backup_name(datetime.now(UTC), "manual")
        if dest.exists():
            raise CommandError(f"{dest} already exists: choose another name. Nothing was written.")
    info = make_backup(paths.database, root, "manual", dest)
    print(
        f"Backed up {_people(info.contacts)} to {info.path} ({describe_size(info.size)}); "
        "the copy passed the integrity check."
    )
    return EXIT_OK


def _list(root: Path) -> int:
    from ally_desktop.store.backups import KIND_LABELS, list_backups, load_backup_settings
    from ally_desktop.store.backups import read_details as details

    backups = list_backups(root)
    if not backups:
        print(f"No backups yet in {load_backup_settings(root).folder_in(root)}.")
        return EXIT_OK
    for info in map(details, backups):
        people = _people(info.contacts) if info.ok is not False else "damaged"
        print(
            f"{_when(info)}\t{KIND_LABELS[info.kind].lower()}\t{describe_size(info.size)}"
            f"\t{people}\t{info.name}"
        )
    return EXIT_OK


# -- ally restore --------------------------------------------------------------------------


def window_running(root: Path) -> bool:
    """True when Ally's window serves data directory ``root``.

    Qt's local server is a Unix socket in Qt's temporary folder (``$TMPDIR``, else /tmp)
    or a named pipe on Windows. Connecting and saying nothing is harmless: the window
    only acts on "activate". A socket left by a crash refuses the connection: not running.
    """
    import socket

    name = instance_name(root)
    if os.name == "nt":
        try:
            with open(rf"\\.\pipe\{name}", "r+b"):
                return True
        except FileNotFoundError:
            return False
        except OSError:  # the pipe exists but is busy
            return True
    path = Path(os.environ.get("TMPDIR") or "/tmp") / name
    if not path.exists():
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        try:
            probe.connect(str(path))
        except OSError:
            return False
    return True


def find_backup(root: Path, text: str) -> Path:
    """BACKUP as the user gave it: a file, or the name of one in the backups folder."""
    from ally_desktop.store.backups import load_backup_settings

    given = Path(text).expanduser()
    if given.is_file():
        return given.absolute()
    folder = load_backup_settings(root).folder_in(root)
    for name in (text, f"{text}.sqlite3"):
        if "/" not in name and os.sep not in name and (folder / name).is_file():
            return folder / name
    raise CommandError(
        f"There is no backup “{text}”: give a file, or a name shown by 'ally backup --list'."
    )


def cmd_restore(args: argparse.Namespace) -> int:
    from ally_desktop.paths import DataPaths, ensure_data_dir
    from ally_desktop.store.backups import list_backups, restore_backup

    root = data_dir(args)
    if window_running(root):
        raise CommandError(
            f"Ally's window is open on {root}: restore from its File menu (Restore from "
            "backup…), or quit Ally first. Nothing was changed."
        )
    backup = find_backup(root, args.backup)
    before = {info.path for info in list_backups(root)}
    ensure_data_dir(root)  # restoring onto a new computer: the data directory may be new
    restored = restore_backup(root, backup)
    print(
        f"Restored {backup.name} (taken {_when(restored)}, {_people(restored.contacts)}) "
        f"into {DataPaths(root).database}."
    )
    kept = [i for i in list_backups(root) if i.path not in before and i.kind == "pre-restore"]
    if kept:
        print(f"The data it replaced is kept as {kept[0].path}.")
    return EXIT_OK
