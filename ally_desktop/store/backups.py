"""Backups of the data file: made while Ally runs, verified, rotated, and restored.

A backup is a complete, self-contained SQLite file (rollback journal, no side files)
written with SQLite's online backup API from a connection of its own. The copy is one
read transaction on the live file, so it is consistent even while the window writes (WAL
lets readers and the writer work side by side): it holds what was committed, never half
of a change. Each copy goes to a temporary name in the backups folder, passes
``PRAGMA integrity_check``, reaches the disk (fsync) and only then takes its final name
(``os.replace``): a failed backup leaves no partial file behind.

The kind and the moment (UTC) are in the file name, e.g.
``ally-2026-11-26T041500Z-daily.sqlite3``, so listing the backups reads no database.

When backups are made:

- ``daily``: at start-up, when the newest backup of any kind is older than 24 hours
  (``backup_if_due``, called by the application after the first paint);
- ``manual``: ``ally backup`` or "Back up now";
- ``pre-migration``: before ``open_database`` changes an existing file's schema;
- ``pre-import``: just before an import is stored;
- ``pre-restore``: the data a restore replaces.

Rotation (after every backup made into the backups folder) keeps, like restic's
``--keep-daily/--keep-weekly/--keep-monthly``, each rule applied on its own:

- the newest daily or manual backup of each of the ``daily`` most recent days that have
  one (days, ISO weeks and months are counted in UTC, as the names are written);
- the newest of each of the ``weekly`` most recent ISO weeks that have one;
- the newest of each of the ``monthly`` most recent months that have one;
- every pre-migration backup (rare, and the only way back to an older Ally), the
  newest ``KEEP_PRE_IMPORT`` pre-import and ``KEEP_PRE_RESTORE`` pre-restore backups;
- and, whatever the settings, the newest backup of all.

Files in the folder that do not follow the naming are never listed nor deleted.

Where the backups go and how many are kept live in ``backups.json`` in the data
directory, outside the database on purpose: a damaged database must not hide where its
backups are.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import re
import secrets
import shutil
import sqlite3
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal, get_args

from ally_desktop.paths import DATABASE_NAME, DataPaths
from ally_desktop.store import migrations
from ally_desktop.store.durable_files import fsync_folder
from ally_desktop.store.errors import (
    DatabaseDamagedError,
    DiskFullError,
    ReadOnlyError,
    StoreError,
    classify,
)
from ally_desktop.store.integrity import check_database

log = logging.getLogger(__name__)

BackupKind = Literal["daily", "manual", "pre-migration", "pre-import", "pre-restore"]
KINDS: tuple[BackupKind, ...] = get_args(BackupKind)
# How each kind is named to a person (the list, the command line).
KIND_LABELS: dict[BackupKind, str] = {
    "daily": "Daily",
    "manual": "Manual",
    "pre-migration": "Before an update",
    "pre-import": "Before an import",
    "pre-restore": "Before a restore",
}

SETTINGS_NAME = "backups.json"
DUE_AFTER = timedelta(hours=24)
# A backup dated later than this from now was written under a clock that has since gone
# back: it says nothing about how recent the last backup is.
CLOCK_SKEW = timedelta(minutes=5)
KEEP_PRE_IMPORT = 5
KEEP_PRE_RESTORE = 3
MAX_KEEP = 1000  # per rule: a typo in backups.json must not mean "keep a million"
BUSY_TIMEOUT_S = 5.0
# How long a restore waits for other connections to let go before it says the file is in use.
IN_USE_TIMEOUT_S = 0.5

_NAME = re.compile(
    r"^ally-(\d{4})-(\d{2})-(\d{2})T(\d{2})(\d{2})(\d{2})Z-("
    + "|".join(re.escape(kind) for kind in KINDS)
    + r")(?:-(\d{1,4}))?\.sqlite3$"
)
_TEMP_PREFIX = ".ally-partial-"
_STALE_TEMP = timedelta(hours=1)  # a temporary file this old was left by a crash


# --- errors -----------------------------------------------------------------------------


class BackupError(StoreError):
    """A backup could not be made (no partial file is left), or a restore could not be
    done (the data file is unchanged). ``cause``: the store's reading of the failure."""

    def __init__(self, message: str, *, cause: StoreError | None = None) -> None:
        super().__init__(message)
        self.cause = cause


class RestoreRefusedError(BackupError):
    """The backup is damaged, not Ally's, or from a newer Ally: nothing was changed."""


class DatabaseInUseError(BackupError):
    """Another connection (the window, a command) has the data file open."""


# --- settings ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupSettings:
    """Where backups go (None: ``backups/`` in the data directory) and how many are kept."""

    folder: Path | None = None
    daily: int = 7
    weekly: int = 4
    monthly: int = 6

    def folder_in(self, root: Path) -> Path:
        """The backups folder for the data directory ``root``."""
        return self.folder if self.folder is not None else DataPaths(root).backups


def _count(raw: dict[str, object], key: str, default: int) -> int:
    value = raw.get(key)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_KEEP:
        return value
    return default


def load_backup_settings(root: Path) -> BackupSettings:
    """The settings of data directory ``root``; the defaults when the file is missing or
    unreadable (a broken settings file must never stop a backup), field by field."""
    defaults = BackupSettings()
    try:
        raw = json.loads((root / SETTINGS_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return defaults
    if not isinstance(raw, dict):
        return defaults
    folder: Path | None = None
    text = raw.get("folder")
    if isinstance(text, str) and text.strip():
        folder = Path(text.strip()).expanduser()
        if not folder.is_absolute():
            folder = root / folder
    return BackupSettings(
        folder=folder,
        daily=_count(raw, "daily", defaults.daily),
        weekly=_count(raw, "weekly", defaults.weekly),
        monthly=_count(raw, "monthly", defaults.monthly),
    )


def save_backup_settings(root: Path, settings: BackupSettings) -> None:
    """Write ``backups.json`` atomically (temporary file, fsync, ``os.replace``), 0600."""
    for name in ("daily", "weekly", "monthly"):
        if not 0 <= getattr(settings, name) <= MAX_KEEP:
            raise ValueError(f"{name} must be between 0 and {MAX_KEEP}.")
    data = {
        "folder": str(settings.folder) if settings.folder is not None else None,
        "daily": settings.daily,
        "weekly": settings.weekly,
        "monthly": settings.monthly,
    }
    target = root / SETTINGS_NAME
    temp = root / f".{SETTINGS_NAME}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            json.dump(data, stream, indent=2)
            stream.write("\n")
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_folder(root)


# --- what a backup is -------------------------------------------------------------------


@dataclass(frozen=True)
class BackupInfo:
    """One backup file. ``contacts`` and ``schema_version`` are None until read
    (``read_details``); ``ok`` is None until checked, False when the file is damaged or
    not Ally's (``problem`` says how)."""

    path: Path
    taken_at: datetime  # aware, UTC
    kind: BackupKind
    size: int
    contacts: int | None = None
    schema_version: int | None = None
    ok: bool | None = None
    problem: str = ""

    @property
    def name(self) -> str:
        return self.path.name


def backup_name(taken_at: datetime, kind: BackupKind, sequence: int = 1) -> str:
    """``ally-2026-11-26T041500Z-daily.sqlite3`` (``-2``… for several in one second)."""
    stamp = taken_at.astimezone(UTC).strftime("%Y-%m-%dT%H%M%SZ")
    suffix = f"-{sequence}" if sequence > 1 else ""
    return f"ally-{stamp}-{kind}{suffix}.sqlite3"


def _parse(name: str) -> tuple[datetime, BackupKind, int] | None:
    match = _NAME.match(name)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    try:
        taken = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None
    kind = next(k for k in KINDS if k == match.group(7))
    return taken, kind, int(match.group(8) or 1)


def list_backups(root: Path, *, settings: BackupSettings | None = None) -> list[BackupInfo]:
    """The backups in the folder of data directory ``root``, newest first, from their names
    alone (no file is opened); files that do not follow the naming are left out."""
    folder = (settings or load_backup_settings(root)).folder_in(root)
    found: list[tuple[datetime, int, BackupInfo]] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        parsed = _parse(entry.name)
        if parsed is None:
            continue
        try:
            if not entry.is_file():
                continue
            size = entry.stat().st_size
        except OSError:
            continue
        taken, kind, sequence = parsed
        found.append((taken, sequence, BackupInfo(Path(entry.path), taken, kind, size)))
    found.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [info for _, _, info in found]


@contextlib.contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection that cannot change the file nor leave side files: ``immutable``
    (a finished backup never changes), which also works in a read-only folder."""
    uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
    conn = sqlite3.connect(uri, uri=True)
    try:
        yield conn
    finally:
        conn.close()


def _detail(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _read_ally_details(conn: sqlite3.Connection) -> tuple[int, int]:
    """(schema version, people not in the trash); ValueError when the file is not Ally's."""
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    version = migrations.schema_version(conn)
    if app_id != migrations.APPLICATION_ID or version < 1:
        raise ValueError("not an Ally data file")
    contacts = int(
        conn.execute("SELECT count(*) FROM contact WHERE trashed_at IS NULL").fetchone()[0]
    )
    return version, contacts


def read_details(info: BackupInfo) -> BackupInfo:
    """``info`` with its schema version and number of people (not in the trash), read
    cheaply and read-only; ``ok=False`` when the file cannot be read as Ally's."""
    try:
        with _read_only(info.path) as conn:
            version, contacts = _read_ally_details(conn)
    except ValueError:
        return replace(info, ok=False, problem="It is not an Ally data file.")
    except sqlite3.Error as exc:
        return replace(info, ok=False, problem=f"It is damaged or not a database ({_detail(exc)}).")
    return replace(info, contacts=contacts, schema_version=version)


def check_backup(info: BackupInfo, *, thorough: bool = False) -> BackupInfo:
    """``info`` read and verified (``quick_check``, or ``integrity_check`` when
    ``thorough``): ``ok`` is True or False afterwards."""
    pragma = "integrity_check" if thorough else "quick_check"
    try:
        with _read_only(info.path) as conn:
            results = [row[0] for row in conn.execute(f"PRAGMA {pragma}(5)")]
    except sqlite3.Error as exc:
        return replace(info, ok=False, problem=f"It is damaged or not a database ({_detail(exc)}).")
    if results != ["ok"]:
        return replace(info, ok=False, problem=f"It is damaged: {_detail(results[0])}.")
    detailed = read_details(info)
    if detailed.ok is False:
        return detailed
    return replace(detailed, ok=True)


def latest_good_backup(root: Path) -> BackupInfo | None:
    """The newest backup that passes ``quick_check`` and that this Ally can restore."""
    for info in list_backups(root):
        checked = check_backup(info)
        version = checked.schema_version or 0
        if checked.ok and 1 <= version <= migrations.LATEST_VERSION:
            return checked
    return None


# --- making a backup --------------------------------------------------------------------


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _side_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-journal", "-wal", "-shm")]


def _remove_with_side_files(path: Path) -> None:
    for leftover in (path, *_side_files(path)):
        with contextlib.suppress(OSError):
            leftover.unlink(missing_ok=True)


def _ensure_folder(folder: Path) -> None:
    """The backups folder, made private (0700) if it is new; an existing folder keeps the
    permissions its owner gave it (it may be a folder the user chose)."""
    if folder.is_dir():
        return
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask


def _reason(exc: BaseException) -> tuple[str, StoreError | None] | None:
    """What went wrong, in words, and the store's class for it; None for a bug."""
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return "the disk is full", DiskFullError("The disk is full.")
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return "the folder cannot be written", ReadOnlyError("The folder cannot be written.")
        if exc.errno == errno.ENOENT:
            return "the folder does not exist (was a drive removed?)", None
        return str(exc.strerror or exc), None
    error = classify(exc)
    if error is None:
        return None
    if isinstance(error, DiskFullError):
        return "the disk is full", error
    if isinstance(error, ReadOnlyError):
        return "the folder cannot be written", error
    if isinstance(error, DatabaseDamagedError):
        return f"the data file is damaged ({_detail(exc)})", error
    return str(error).rstrip(".").lower(), error


def _copy_database(source: Path, temp: Path, *, thorough: bool) -> tuple[int, int]:
    """Copy ``source`` into the new file ``temp`` (online backup API), as one file with a
    rollback journal, and verify the copy; returns (schema version, contacts)."""
    fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(temp, 0o600)
    # A connection of its own that only reads: one read transaction, so the copy is the
    # file as of one commit, whatever the window writes meanwhile.
    reader = sqlite3.connect(source, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        writer = sqlite3.connect(temp, isolation_level=None)
        try:
            reader.backup(writer)
            # The copy inherits WAL mode; a backup is one file that opens without side files.
            writer.execute("PRAGMA journal_mode = DELETE").fetchone()
            pragma = "integrity_check" if thorough else "quick_check"
            results = [row[0] for row in writer.execute(f"PRAGMA {pragma}(5)")]
            if results != ["ok"]:
                raise BackupError(
                    f"the data file is damaged ({_detail(results[0])})",
                    cause=DatabaseDamagedError(f"The data file is damaged: {results[0]}"),
                )
            try:
                details = _read_ally_details(writer)
            except ValueError:
                details = (migrations.schema_version(writer), 0)
        finally:
            writer.close()
    finally:
        reader.close()
    _fsync_file(temp)
    return details


def _free_target(folder: Path, taken_at: datetime, kind: BackupKind) -> Path:
    for sequence in range(1, 10_000):
        target = folder / backup_name(taken_at, kind, sequence)
        if not target.exists():
            return target
    raise BackupError(f"No backup was made in {folder}: too many backups in one second.")


def make_backup(
    database: Path,
    root: Path,
    kind: BackupKind,
    dest: Path | None = None,
    *,
    now: datetime | None = None,
) -> BackupInfo:
    """Back up ``database`` (the live file; the window may keep writing) and verify it.

    Without ``dest`` the backup goes into the backups folder of data directory ``root``
    under its standard name, and the folder is rotated afterwards; with ``dest`` it is
    written exactly there (never rotated). Raises BackupError, leaving no partial file.
    """
    taken = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    if not database.is_file():
        raise BackupError(f"There is no data file at {database} to back up.")
    settings = load_backup_settings(root)
    folder = settings.folder_in(root) if dest is None else dest.parent
    try:
        if dest is None:
            _ensure_folder(folder)
            target = _free_target(folder, taken, kind)
        else:
            target = dest
        if target.exists() and target.samefile(database):
            raise BackupError("A backup cannot replace the data file itself.")
    except OSError as exc:
        said = _reason(exc)
        raise BackupError(f"No backup was made in {folder}: {said[0] if said else exc}.") from exc
    temp = folder / f"{_TEMP_PREFIX}{secrets.token_hex(6)}.sqlite3"
    try:
        version, contacts = _copy_database(database, temp, thorough=True)
        os.replace(temp, target)
    except BaseException as exc:
        _remove_with_side_files(temp)
        said = (exc.args[0], exc.cause) if isinstance(exc, BackupError) else _reason(exc)
        if said is None:
            raise
        raise BackupError(f"No backup was made in {folder}: {said[0]}.", cause=said[1]) from exc
    fsync_folder(folder)
    info = BackupInfo(target, taken, kind, target.stat().st_size, contacts, version, ok=True)
    log.info("backup made: %s (%s, %d contacts)", target, kind, contacts)
    if dest is None:
        try:
            rotate(root, settings)
        except OSError as exc:  # the backup is made; an old one left over is no failure
            log.warning("rotating the backups in %s: %s", folder, exc)
    return info


def backup_if_due(paths: DataPaths, *, now: datetime | None = None) -> BackupInfo | None:
    """The start-up backup: a "daily" one (then rotation) when the newest backup of any
    kind is older than 24 hours, or there is none; None when not due or nothing to save.

    It opens its own SQLite connections (no Peewee), so it may run on a worker thread
    while the window uses the database. Raises BackupError when the backup fails.
    """
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    if not paths.database.is_file():
        return None
    recent = [b for b in list_backups(paths.root) if b.taken_at <= moment + CLOCK_SKEW]
    if recent and moment - recent[0].taken_at < DUE_AFTER:
        return None
    return make_backup(paths.database, paths.root, "daily", now=moment)


def backup_before_migration(database: Path) -> BackupInfo:
    """The "pre-migration" backup ``open_database`` takes before changing a file's schema.

    When a folder chosen in the settings cannot take it (an unplugged drive), it goes to
    the default folder in the data directory instead: an update is no time to be left
    without a backup, nor to be locked out of one's data. Raises BackupError when neither
    works, so the file is not migrated.
    """
    root = database.parent
    try:
        return make_backup(database, root, "pre-migration")
    except BackupError as first:
        fallback = DataPaths(root).backups
        if load_backup_settings(root).folder_in(root) == fallback:
            raise _migration_refused(first) from first
        try:
            _ensure_folder(fallback)
            target = _free_target(fallback, datetime.now(UTC), "pre-migration")
            log.warning("pre-migration backup: %s; writing it to %s instead", first, fallback)
            return make_backup(database, root, "pre-migration", target)
        except (BackupError, OSError) as second:
            raise _migration_refused(first) from second


def _migration_refused(error: BackupError) -> BackupError:
    return BackupError(
        "This version of Ally must update the data file, and backs it up first; the backup "
        f"failed, so the file was not changed. {error}",
        cause=error.cause,
    )


# --- rotation ---------------------------------------------------------------------------


def _newest_per_period(
    backups: list[BackupInfo], count: int, period: Callable[[datetime], Hashable]
) -> set[Path]:
    """The newest backup of each of the ``count`` most recent periods that have one
    (``backups`` newest first)."""
    kept: set[Path] = set()
    seen: set[Hashable] = set()
    for info in backups:
        key = period(info.taken_at)
        if key in seen:
            continue
        if len(seen) >= count:
            break
        seen.add(key)
        kept.add(info.path)
    return kept


def backups_to_keep(backups: list[BackupInfo], settings: BackupSettings) -> set[Path]:
    """What the rotation policy (see the module's docstring) keeps of ``backups``
    (newest first)."""
    kept: set[Path] = {backups[0].path} if backups else set()
    calendar = [b for b in backups if b.kind in ("daily", "manual")]
    kept |= _newest_per_period(calendar, settings.daily, lambda t: t.date())
    kept |= _newest_per_period(calendar, settings.weekly, lambda t: t.isocalendar()[:2])
    kept |= _newest_per_period(calendar, settings.monthly, lambda t: (t.year, t.month))
    limits: dict[BackupKind, int | None] = {
        "pre-migration": None,
        "pre-import": KEEP_PRE_IMPORT,
        "pre-restore": KEEP_PRE_RESTORE,
    }
    for kind, limit in limits.items():
        of_kind = [b.path for b in backups if b.kind == kind]
        kept.update(of_kind if limit is None else of_kind[:limit])
    return kept


def rotate(root: Path, settings: BackupSettings | None = None) -> list[Path]:
    """Delete the backups the policy does not keep (and temporary files a crash left);
    returns the backups deleted."""
    settings = settings or load_backup_settings(root)
    backups = list_backups(root, settings=settings)
    kept = backups_to_keep(backups, settings)
    deleted: list[Path] = []
    for info in backups:
        if info.path in kept:
            continue
        try:
            info.path.unlink()
        except FileNotFoundError:
            continue
        # A raw copy of a damaged file may carry its write-ahead log beside it.
        info.path.with_name(info.name + "-wal").unlink(missing_ok=True)
        deleted.append(info.path)
        log.info("backup rotated out: %s", info.path)
    _remove_stale_temporaries(settings.folder_in(root))
    return deleted


def _remove_stale_temporaries(folder: Path) -> None:
    cutoff = datetime.now(UTC) - _STALE_TEMP
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if not entry.name.startswith(_TEMP_PREFIX):
                continue
            with contextlib.suppress(OSError):
                if datetime.fromtimestamp(entry.stat().st_mtime, UTC) < cutoff:
                    os.unlink(entry.path)


# --- restoring --------------------------------------------------------------------------


def verify_for_restore(backup: Path) -> BackupInfo:
    """The backup fully checked (``integrity_check``, Ally's, a schema this Ally knows);
    raises RestoreRefusedError saying why not."""
    if not backup.is_file():
        raise RestoreRefusedError(f"There is no backup at {backup}. Nothing was changed.")
    report = check_database(backup, thorough=True)
    if report.schema_version > migrations.LATEST_VERSION:
        raise RestoreRefusedError(
            f"{backup.name} was made by a newer version of Ally (schema "
            f"{report.schema_version}; this one knows up to {migrations.LATEST_VERSION}). "
            "Update Ally to restore it. Nothing was changed."
        )
    if not report.ok:
        problems = " ".join(report.problems).replace("The data file", "The backup")
        raise RestoreRefusedError(
            f"{backup.name} cannot be restored: {problems} Nothing was changed."
        )
    parsed = _parse(backup.name)
    taken = parsed[0] if parsed else _modified(backup)
    kind: BackupKind = parsed[1] if parsed else "manual"
    return BackupInfo(
        backup,
        taken,
        kind,
        backup.stat().st_size,
        report.contacts,
        report.schema_version,
        ok=True,
    )


def _modified(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0)


def _settle(database: Path) -> bool:
    """Make sure no one else has ``database`` open, and fold its write-ahead log into the
    file (checkpoint), so the pre-restore backup and the file agree. Returns False when the
    file is too damaged to be read (it is then copied as it is).

    An exclusive lock in exclusive locking mode is refused while any other connection, in
    this process or another, has the file open: that is how "in use" is told without Qt.
    """
    try:
        conn = sqlite3.connect(database, timeout=IN_USE_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("ROLLBACK")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError as exc:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            raise DatabaseInUseError(
                f"{database} is open in another program (Ally's window, or an ally command): "
                "close it, then restore. Nothing was changed."
            ) from exc
        return False
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()  # the last connection: SQLite removes the emptied log
    return True


def _raw_copy(database: Path, root: Path, kind: BackupKind) -> BackupInfo:
    """A byte-for-byte copy of a file SQLite cannot back up (damaged), with its
    write-ahead log beside it under the name SQLite looks for, so nothing of it is lost."""
    folder = load_backup_settings(root).folder_in(root)
    taken = datetime.now(UTC).replace(microsecond=0)
    temp = folder / f"{_TEMP_PREFIX}{secrets.token_hex(6)}.sqlite3"
    wal = database.with_name(database.name + "-wal")
    try:
        _ensure_folder(folder)
        target = _free_target(folder, taken, kind)
        if wal.is_file() and wal.stat().st_size > 0:
            wal_copy = target.with_name(target.name + "-wal")
            shutil.copyfile(wal, wal_copy)
            os.chmod(wal_copy, 0o600)
            _fsync_file(wal_copy)
        shutil.copyfile(database, temp)
        os.chmod(temp, 0o600)
        _fsync_file(temp)
        os.replace(temp, target)
    except OSError as exc:
        _remove_with_side_files(temp)
        said = _reason(exc)
        raise BackupError(
            f"No backup was made in {folder}: {said[0] if said else exc}.",
            cause=said[1] if said else None,
        ) from exc
    fsync_folder(folder)
    log.warning("the data file is damaged: kept a raw copy as %s", target)
    return BackupInfo(
        target, taken, kind, target.stat().st_size, ok=False, problem="A copy of a damaged file."
    )


def restore_backup(root: Path, backup: Path) -> BackupInfo:
    """Put ``backup`` in place of the data file of ``root``; returns the backup, verified.

    The caller must have closed the database (a restore refuses a file in use). The
    order keeps every step undoable:

    1. the backup is verified (integrity, Ally's, not from a newer Ally: an older schema
       is fine, ``open_database`` migrates it); a refusal changes nothing;
    2. it is copied to a temporary file beside the data file, checked and synced (first,
       so the rotation that follows the next step cannot take it away meanwhile);
    3. the current file's log is checkpointed into it, then the current data is backed
       up as "pre-restore" (a damaged file is copied byte for byte, log included);
    4. ``os.replace`` puts the copy in place; only then are stale ``-wal``/``-shm`` files
       removed. The log was emptied in step 3, so no uncheckpointed log can ever be
       applied to the restored file (a damaged file's log, kept in its copy, is removed
       just before the replace).
    """
    database = DataPaths(root).database
    backup = backup.expanduser()
    if database.exists() and backup.exists() and backup.samefile(database):
        raise RestoreRefusedError("That is the data file itself. Nothing was changed.")
    restored = verify_for_restore(backup)
    temp = root / f".{DATABASE_NAME}.restoring-{secrets.token_hex(6)}"
    try:
        try:
            _copy_database(backup, temp, thorough=False)
        except Exception as exc:
            said = (exc.args[0], exc.cause) if isinstance(exc, BackupError) else _reason(exc)
            if said is None:
                raise
            raise BackupError(
                f"The backup could not be restored: {said[0]}. Nothing was changed.",
                cause=said[1],
            ) from exc
        if database.exists():
            _keep_current_data(database, root)
        _put_in_place(temp, database)
    finally:
        _remove_with_side_files(temp)  # nothing left once it has been put in place
    fsync_folder(root)
    for suffix in ("-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    log.info("restored %s into %s", backup, database)
    return restored


def _keep_current_data(database: Path, root: Path) -> None:
    """The "pre-restore" backup of the file a restore replaces (see ``_settle``)."""
    healthy = _settle(database)
    try:
        if healthy:
            try:
                make_backup(database, root, "pre-restore")
                return
            except BackupError as exc:
                if not isinstance(exc.cause, DatabaseDamagedError):
                    raise
        _raw_copy(database, root, "pre-restore")
    except BackupError as exc:
        raise BackupError(
            f"Restoring first backs up the current data, and that failed: {exc} "
            "Nothing was changed.",
            cause=exc.cause,
        ) from exc


def _put_in_place(temp: Path, database: Path) -> None:
    wal = database.with_name(database.name + "-wal")
    try:
        if wal.is_file() and wal.stat().st_size > 0:
            # Left only by a damaged file whose log could not be checkpointed; its copy
            # holds it. It must never be applied to the restored file.
            wal.unlink()
        os.replace(temp, database)
    except OSError as exc:
        said = _reason(exc)
        raise BackupError(
            f"The backup could not be put in place: {said[0] if said else exc}. The data "
            "file was not replaced; it was backed up just before.",
            cause=said[1] if said else None,
        ) from exc
