"""A data file's health, told in words, and keeping a damaged file aside.

Two promises:

* **Looking changes nothing.** :func:`diagnose` reads the file's header itself and opens
  it with SQLite read-only (``immutable`` when there is no write-ahead log, so not even
  the ``-wal``/``-shm`` side files appear).
* **The damaged file is never overwritten or deleted.** :func:`move_aside` renames it
  (and its side files) to ``ally.sqlite3.damaged-YYYYMMDD-HHMMSS``, adding a counter
  rather than replacing anything.

Measured on the 350 MB benchmark file (100,000 people, 300,000 interactions): reading
the header and table list takes under 1 ms; ``PRAGMA quick_check`` 0.5 s with the file
cached and 2.6 s without. Start-up therefore runs ``quick_check`` only for files up to
:data:`QUICK_CHECK_AT_START_BYTES`; the window checks a bigger one in the background
after its first paint, and when that finds damage :func:`mark_for_check` makes the next
start check up front (and so offer the recovery). Recovering is ``store.recovery``'s
work, loaded only when needed: every start diagnoses, few ever recover.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from ally_desktop.store import migrations
from ally_desktop.store.durable_files import fsync_folder
from ally_desktop.store.errors import (
    DatabaseDamagedError,
    NewerSchemaError,
    NotAnAllyDatabaseError,
    StorageUnavailableError,
    StoreError,
    classify,
)

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
# quick_check reads every page, ~1.4 ms per MB when cached: 32 MB (about 10,000 people)
# stays under ~50 ms at start; above it the check runs in the background.
QUICK_CHECK_AT_START_BYTES = 32 * 1024 * 1024
CHECK_MARK_SUFFIX = ".needs-check"
_PROBLEMS_SHOWN = 20
# Ally's first table, as migration 1 wrote it: found in a file whose header is gone, it
# says the file is a damaged Ally database rather than somebody else's data.
_ALLY_SIGNATURE = b"CREATE TABLE contact ("
_SIGNATURE_SEARCH_BYTES = 4 * 1024 * 1024


class HealthKind(StrEnum):
    OK = "ok"
    MISSING = "missing"  # no file yet: a first start
    EMPTY = "empty"  # zero length, or a database with nothing in it
    DAMAGED = "damaged"
    NOT_ALLY = "not_ally"  # not a database, or another program's
    NEWER = "newer"  # written by a newer Ally


_HEADLINES = {
    HealthKind.OK: "The data file is fine",
    HealthKind.MISSING: "There is no data file yet",
    HealthKind.EMPTY: "The data file is empty",
    HealthKind.DAMAGED: "Ally's data file is damaged",
    HealthKind.NOT_ALLY: "The data file is not Ally's",
    HealthKind.NEWER: "The data file is from a newer Ally",
}


@dataclass(frozen=True)
class Health:
    """What :func:`diagnose` found: a kind, the reason in plain words, SQLite's own words
    (``detail``, for whoever repairs files)."""

    path: Path
    kind: HealthKind
    reason: str
    detail: str = ""
    schema_version: int | None = None
    size: int = 0
    checked: bool = False  # quick_check ran (False: header and table list only)

    @property
    def headline(self) -> str:
        return _HEADLINES[self.kind]

    @property
    def message(self) -> str:
        """Headline and reason, one paragraph: for the command line and the log."""
        return f"{self.headline}. {self.reason}"

    @property
    def opens_as_is(self) -> bool:
        """Ally can open the file as it is (a missing or empty one becomes a new database)."""
        return self.kind in (HealthKind.OK, HealthKind.MISSING, HealthKind.EMPTY)


# -- diagnose --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Header:
    page_size: int
    page_count: int | None  # None when the header's own count is not to be trusted
    user_version: int
    application_id: int


def _u32(raw: bytes, offset: int) -> int:
    return int.from_bytes(raw[offset : offset + 4], "big")


def read_header(raw: bytes) -> _Header | None:
    """The fields of a SQLite header that say what the file is; None when it is not one."""
    if len(raw) < HEADER_SIZE or not raw.startswith(SQLITE_MAGIC):
        return None
    page_size = int.from_bytes(raw[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
        return None
    count = _u32(raw, 28)
    # The count is valid only when the change counter matches "version valid for".
    trusted = count if count and _u32(raw, 24) == _u32(raw, 92) else None
    return _Header(page_size, trusted, _u32(raw, 60), _u32(raw, 68))


def check_mark(path: Path) -> Path:
    """The file that asks the next start to check ``path`` fully before opening it."""
    return path.with_name(path.name + CHECK_MARK_SUFFIX)


def mark_for_check(path: Path) -> None:
    """Remember that a background check found damage, so the next start checks up front."""
    with contextlib.suppress(OSError):
        check_mark(path).touch()


def clear_check_mark(path: Path) -> None:
    with contextlib.suppress(OSError):
        check_mark(path).unlink(missing_ok=True)


def has_write_ahead_log(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot change the file. Without a write-ahead log, ``immutable``:
    no locks and no side files. With one, ``mode=ro`` so its commits are read too."""
    mode = "mode=ro" if has_write_ahead_log(path) else "immutable=1"
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?{mode}", uri=True)
    # A check reads every page once: a big cache would only hold memory the window wants.
    conn.execute("PRAGMA cache_size = -256")
    return conn


def diagnose(path: Path, *, quick_check: bool | None = None) -> Health:
    """Say what the file at ``path`` is, without changing it.

    ``quick_check``: True always runs ``PRAGMA quick_check``, False never, None (the
    default) when the file is small enough to check at start, or marked for a check.
    Environment failures (a locked file, an I/O error) raise StoreError: they are not
    the file's fault, and moving it aside would not help.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return Health(path, HealthKind.MISSING, "Ally starts a new one.")
    if size == 0:
        return Health(path, HealthKind.EMPTY, "It has zero bytes: nothing is in it.")
    try:
        with path.open("rb") as f:
            raw = f.read(HEADER_SIZE)
    except OSError as exc:
        raise StorageUnavailableError(f"{path} cannot be read: {exc.strerror or exc}.") from exc
    header = read_header(raw)
    if header is None:
        if looks_like_ally(path):
            return Health(
                path,
                HealthKind.DAMAGED,
                "Its first bytes, the header that tells SQLite how to read it, are garbled.",
                "file is not a database",
                size=size,
            )
        return Health(
            path,
            HealthKind.NOT_ALLY,
            f"It is not a database at all: it looks like {describe_content(raw)}.",
            size=size,
        )
    expected = (header.page_count or 0) * header.page_size
    if expected > size and not has_write_ahead_log(path):
        return Health(
            path,
            HealthKind.DAMAGED,
            f"It was cut off: only {size_text(size)} of {size_text(expected)} are there "
            "(a copy or a disk that stopped halfway).",
            f"{size:,} bytes of {expected:,}",
            header.user_version,
            size,
        )
    if quick_check is None:
        quick_check = size <= QUICK_CHECK_AT_START_BYTES or check_mark(path).exists()
    try:
        conn = _connect_read_only(path)
    except sqlite3.Error as exc:
        raise _environment_error(exc, path) from exc
    try:
        return _diagnose_open(conn, path, size, quick_check)
    finally:
        conn.close()


def _diagnose_open(conn: sqlite3.Connection, path: Path, size: int, quick_check: bool) -> Health:
    try:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        version = migrations.schema_version(conn)
        app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        return _damaged(path, size, exc)
    if app_id != migrations.APPLICATION_ID:
        tables = {n for n in names if not n.startswith("sqlite_")}
        if not tables and app_id == 0 and version == 0:
            return Health(path, HealthKind.EMPTY, "It has no Ally data in it yet.", size=size)
        if not {"contact", "contact_email"} <= tables:
            return Health(
                path,
                HealthKind.NOT_ALLY,
                "It is a database of another program.",
                f"application id {app_id:#x}, {len(tables)} tables",
                version,
                size,
            )
        # Ally's tables without Ally's marks (an early Ally wrote a version but no mark).
        if app_id != 0 or version == 0:
            return Health(
                path,
                HealthKind.DAMAGED,
                "It holds Ally's tables but has lost the marks that say it is Ally's.",
                f"application id {app_id:#x}, schema version {version}",
                version,
                size,
            )
    if version > migrations.LATEST_VERSION:
        return Health(
            path,
            HealthKind.NEWER,
            f"It was written by a newer version of Ally (schema {version}; this version "
            f"knows up to {migrations.LATEST_VERSION}). Update Ally to open it; this version "
            "leaves it as it is.",
            schema_version=version,
            size=size,
        )
    if quick_check:
        try:
            results = [row[0] for row in conn.execute(f"PRAGMA quick_check({_PROBLEMS_SHOWN})")]
        except sqlite3.DatabaseError as exc:
            return _damaged(path, size, exc, version)
        if results != ["ok"]:
            problems = [
                " ".join(line.split())
                for result in results
                for line in str(result).splitlines()
                if line.strip() and not line.startswith("*** in database")
            ]
            more = f" (SQLite lists {len(problems)} problems)" if len(problems) > 1 else ""
            return Health(
                path,
                HealthKind.DAMAGED,
                f"Some of its pages cannot be read{more}.",
                "\n".join(problems),
                version,
                size,
                checked=True,
            )
    return Health(path, HealthKind.OK, "Ally can open it.", "", version, size, quick_check)


def _damaged(path: Path, size: int, exc: sqlite3.Error, version: int | None = None) -> Health:
    text = " ".join(str(exc).split())
    lowered = text.lower()
    if "malformed database schema" in lowered:
        reason = "The list of its tables cannot be read."
    elif "not a database" in lowered:
        reason = "SQLite does not recognize its first page."
    elif "malformed" in lowered or "corrupt" in lowered:
        reason = "Some of its pages cannot be read."
    else:
        error = classify(exc)
        if error is not None and not isinstance(error, DatabaseDamagedError):
            raise type(error)(f"{path}: {error}") from exc
        reason = "SQLite cannot read it."
    return Health(path, HealthKind.DAMAGED, reason, text, version, size)


def health_from_error(path: Path, error: StoreError) -> Health | None:
    """What ``open_database`` refused, as a Health: what the quick look at start missed
    (damage deeper in a file too big to check at every start). None for other failures."""
    size = path.stat().st_size if path.exists() else 0
    if isinstance(error, NewerSchemaError):
        return Health(path, HealthKind.NEWER, str(error), size=size)
    if isinstance(error, NotAnAllyDatabaseError):
        return Health(path, HealthKind.NOT_ALLY, "It is a database of another program.", size=size)
    if isinstance(error, DatabaseDamagedError):
        return Health(path, HealthKind.DAMAGED, "Some of its pages cannot be read.", str(error))
    return None


def _environment_error(exc: sqlite3.Error, path: Path) -> StoreError:
    error = classify(exc)
    if error is None:
        return StoreError(f"{path} cannot be opened: {exc}")
    return type(error)(f"{path}: {error}")


def looks_like_ally(path: Path) -> bool:
    """Whether Ally's table definitions appear near the start of the file (where SQLite
    keeps its table list): a file whose header is gone can still be recognized."""
    try:
        with path.open("rb") as f:
            head = f.read(_SIGNATURE_SEARCH_BYTES)
    except OSError:
        return False
    return _ALLY_SIGNATURE in head


_CONTENT_KINDS: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an office document)"),
    (b"\x1f\x8b", "a compressed (gzip) file"),
    (b"BEGIN:VCARD", "a vCard file"),
)


def describe_content(raw: bytes) -> str:
    """A few words for what the bytes at the start of a file look like."""
    for magic, words in _CONTENT_KINDS:
        if raw.startswith(magic):
            return words
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "some other kind of file"
    if all(ch.isprintable() or ch in "\r\n\t" for ch in text):
        return "a text file"
    return "some other kind of file"


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):,.1f} MB"
    return f"{max(1, round(size / 1024)):,} KB"


# -- move aside ------------------------------------------------------------------------------


def aside_name(path: Path, moment: datetime) -> str:
    return f"{path.name}.damaged-{moment:%Y%m%d-%H%M%S}"


def move_aside(path: Path, *, now: datetime | None = None) -> Path:
    """Rename the file at ``path`` (and its ``-wal``/``-shm``) out of Ally's way; returns
    the new path of the main file. Local time, to the second, in the name; a counter is
    added rather than replacing anything that has the name already. Never deletes.

    The side files move first: a crash in between leaves the main file where it was
    (it is found damaged again), never a log beside a new database it does not belong to.
    """
    moment = now or datetime.now()
    base = aside_name(path, moment)
    target = path.with_name(base)
    counter = 2
    while any(p.exists() for p in (target, *(side_file(target, s) for s in SIDE_SUFFIXES))):
        target = path.with_name(f"{base}-{counter}")
        counter += 1
    for suffix in SIDE_SUFFIXES:
        side = side_file(path, suffix)
        if side.exists():
            rename_no_replace(side, side_file(target, suffix))
    rename_no_replace(path, target)
    fsync_folder(path.parent)
    clear_check_mark(path)
    return target


def put_back(aside: Path, path: Path) -> None:
    """Undo :func:`move_aside` when nothing came of it (a recovery that failed, a user who
    then quit): the file goes back where it was, so the next start finds it again
    instead of quietly making a new, empty database. Never replaces anything."""
    if any(p.exists() for p in (path, *(side_file(path, s) for s in SIDE_SUFFIXES))):
        raise FileExistsError(f"{path} exists again: {aside.name} stays where it is.")
    rename_no_replace(aside, path)
    for suffix in SIDE_SUFFIXES:
        side = side_file(aside, suffix)
        if side.exists():
            rename_no_replace(side, side_file(path, suffix))
    fsync_folder(path.parent)


def side_file(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def rename_no_replace(source: Path, target: Path) -> None:
    """Rename, refusing to replace ``target``. A hard link then unlink is atomic about
    that on POSIX; where links are not supported the existence check has to do (Windows'
    rename refuses to replace by itself)."""
    try:
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError:
        if target.exists():
            raise FileExistsError(f"{target} already exists.") from None
        os.rename(source, target)
        return
    try:
        os.unlink(source)
    except OSError:
        os.unlink(target)  # our own second name: the file keeps its first
        raise
