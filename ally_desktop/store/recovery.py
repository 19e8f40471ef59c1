"""Recovering what can be read from a damaged data file, into a new healthy one.

**Recovery works on a copy.** :func:`recover_into` copies the damaged file into a
scratch folder, mends that copy where it can (a rebuilt header, a table list rebuilt
from the pages that hold it), builds the new database beside it, and links it into
place only once it passes ``integrity_check``. (Saying what is wrong and keeping the
damaged file aside is ``store.health``'s work.)

Recovery reads table by table, people first: the whole table in one statement; where a
page is bad, ranges of ids halved down to single ids, then every id missing between the
lowest and highest found, one lookup each (a garbled parent page makes range reads skip
rows silently, while single lookups still find them). Rows whose person was lost are
left out, and what Ally derives from rows (last interaction, keep-in-touch and date
reminders, both search indexes) is made true again. When the ``sqlite3`` command-line
tool is on the PATH, its ``.recover`` is tried first into a scratch file, which is then
copied the same way; many builds of the tool lack it (it needs ``sqlite_dbpage``; so
does Debian's) and the frozen app has no tool at all, so the Python path stands alone.
Recovering the 350 MB benchmark file takes about 17 s, 24 s with 20 garbled pages.
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ally_desktop.store import migrations, schedule, search
from ally_desktop.store.durable_files import fsync_folder
from ally_desktop.store.errors import (
    DatabaseDamagedError,
    NewerSchemaError,
    RecoveryCancelledError,
    StoreError,
)
from ally_desktop.store.health import (
    HEADER_SIZE,
    SIDE_SUFFIXES,
    SQLITE_MAGIC,
    read_header,
    rename_no_replace,
    side_file,
    size_text,
)

CLI_TIMEOUT_S = 600.0

# -- recover ---------------------------------------------------------------------------------

# Person first, then what hangs on a person, interactions and who was there, reminders,
# and the vocabularies of topics and tags. Tables a later schema adds follow in schema order.
COPY_ORDER = (
    "contact",
    "contact_email",
    "contact_phone",
    "contact_link",
    "contact_address",
    "important_date",
    "connection",
    "interaction",
    "interaction_participant",
    "reminder",
    "topic",
    "contact_topic",
    "tag",
    "contact_tag",
)
# What a table holds, in the words the progress dialog uses.
_TABLE_WORDS = {
    "contact": "people",
    "contact_email": "email addresses",
    "contact_phone": "phone numbers",
    "contact_link": "links",
    "contact_address": "addresses",
    "important_date": "important dates",
    "connection": "connections between people",
    "interaction": "interactions",
    "interaction_participant": "who took part in each interaction",
    "reminder": "reminders",
    "topic": "topics",
    "contact_topic": "what each person knows",
    "tag": "tags",
    "contact_tag": "each person's tags",
    "setting": "settings",
}
# Rebuilt from the tables, never copied (their shadow tables neither).
_DERIVED_TABLES = ("contact_fts", "interaction_fts")
_FIRST_CHUNK = 256
_LARGEST_CHUNK = 65536
_SINGLES_BUDGET = 200_000  # single-key lookups per table (about 10 s at worst)
_KEY_CEILING = 1 << 62


@dataclass
class TableReport:
    """One table: rows read from the damaged file, rows in the new one, rows lost.

    ``lost`` counts rows read but left out (a value of the wrong type, a person who was
    lost) and rows on pages that could not be read. A damaged page does not say what it
    held: ``estimated`` marks a table whose count of lost rows is a careful guess.
    """

    table: str
    read: int = 0
    recovered: int = 0
    lost: int = 0
    estimated: bool = False
    unbounded: bool = False  # the table's end could not be reached: more may be lost


@dataclass
class RecoveryReport:
    source: Path
    target: Path
    method: str = "row by row"
    tables: list[TableReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def table(self, name: str) -> TableReport:
        for report in self.tables:
            if report.table == name:
                return report
        return TableReport(name)

    @property
    def people(self) -> int:
        return self.table("contact").recovered

    @property
    def interactions(self) -> int:
        return self.table("interaction").recovered

    @property
    def lost(self) -> int:
        return sum(t.lost for t in self.tables)

    @property
    def recovered(self) -> int:
        return sum(t.recovered for t in self.tables)

    def summary(self) -> str:
        """One sentence: "Recovered 1,234 people, 4,567 interactions; 12 rows could not
        be read." """
        people = f"{self.people:,} {'person' if self.people == 1 else 'people'}"
        things = f"{self.interactions:,} interaction{'' if self.interactions == 1 else 's'}"
        text = f"Recovered {people}, {things}"
        lost = self.lost
        unbounded = any(t.unbounded for t in self.tables)
        if lost or unbounded:
            rows = f"{lost:,} row{'' if lost == 1 else 's'}"
            about = "about " if any(t.estimated and t.lost for t in self.tables) else ""
            more = " (and more at the end of a damaged table)" if unbounded else ""
            verb = "was" if lost == 1 else "were"
            text += f"; {about}{rows} could not be read or {verb} left out{more}"
        return text + "."

    def lines(self) -> list[str]:
        """Per table: read, recovered, lost; for the command line and the log."""
        out = [f"{'table':<26}{'read':>10}{'recovered':>11}{'lost':>8}"]
        for t in self.tables:
            mark = "+" if t.unbounded else ""
            out.append(f"{t.table:<26}{t.read:>10,}{t.recovered:>11,}{t.lost:>8,}{mark}")
        return out


Progress = Callable[[str, int, int], None]


def recover_into(
    damaged: Path,
    target: Path,
    *,
    progress: Progress | None = None,
    use_cli: bool | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> RecoveryReport:
    """Copy what can be read from ``damaged`` into a new, healthy database at ``target``.

    ``damaged`` is only ever copied, never opened in place. ``target`` must not exist:
    the new file appears there only when it is complete and passes ``integrity_check``
    (built in a scratch folder beside it, so no half file is ever at the database path).
    ``use_cli``: try the ``sqlite3`` tool's ``.recover`` first (None: when it is on the
    PATH). ``progress(step, done, total)`` is called between steps, from this thread;
    ``cancelled()`` is asked there too, and True stops the recovery with
    RecoveryCancelledError before the next step (the scratch folder removed, nothing at
    ``target``; once the new file is in place it is too late to stop).
    Raises NewerSchemaError for a file of a newer Ally (never downgraded), StoreError
    when there is no room or the result fails its check.
    """
    # Imported here: start-up needs only diagnose, and every millisecond counts there.
    import shutil
    import tempfile

    from ally_desktop.store.db import close_database, connect, sqlite_connection

    for candidate in (target, *(side_file(target, s) for s in SIDE_SUFFIXES)):
        if candidate.exists():
            raise FileExistsError(
                f"{candidate} already exists: Ally never writes over a file when recovering."
            )
    size = damaged.stat().st_size + _wal_size(damaged)
    free = shutil.disk_usage(target.parent).free
    if free < 2 * size + 16 * 1024 * 1024:
        raise StoreError(
            f"There is not enough free disk space to recover {damaged.name}: it needs about "
            f"{size_text(2 * size)}, {size_text(free)} are free."
        )
    report = RecoveryReport(damaged, target)
    step = _Steps(progress, 3, cancelled)  # copy, bring up to date, put in place; and per table
    with tempfile.TemporaryDirectory(prefix=".ally-recover-", dir=target.parent) as scratch_dir:
        scratch = Path(scratch_dir)
        step("Copying the damaged file")
        source = _scratch_copy(damaged, scratch)
        if use_cli is None:
            use_cli = shutil.which("sqlite3") is not None
        mended = _mend(source, report)
        originally: dict[str, int] = {}
        if use_cli:
            step.expect(1)
            step("Trying the sqlite3 tool's .recover")
            recovered = _cli_recover(source, scratch / "cli-recovered.sqlite3")
            if recovered is not None:
                # What the damaged file says it held, to count what the tool left out.
                originally = _row_counts(source) if mended else {}
                source, mended = recovered, True
                report.method = "sqlite3 .recover, then row by row"
            else:
                report.notes.append("The sqlite3 tool's .recover did not work here.")
        version = _source_version(source) if mended else 0
        if version > migrations.LATEST_VERSION:
            raise NewerSchemaError(
                f"{damaged} was written by a newer version of Ally (schema {version}); it is "
                "never downgraded. Update Ally to recover it."
            )
        build = scratch / "recovered.sqlite3"
        database = connect(build)
        try:
            conn = sqlite_connection(database)
            migrations.migrate(conn, target=max(version, 1))
            if mended:
                _copy_all(conn, source, report, step)
                _count_left_out(report, originally)
            else:
                report.notes.append("Nothing in the damaged file could be read as tables.")
        finally:
            close_database(database)
        step("Bringing the new file up to date")
        # The remaining migrations and a last look; not open_database, which would bind
        # the models to this scratch file.
        database = connect(build)
        try:
            conn = sqlite_connection(database)
            migrations.migrate(conn)
            _verify(conn)
        finally:
            close_database(database)
        step("Putting the new file in place")
        rename_no_replace(build, target)
        fsync_folder(target.parent)
    step.done()
    return report


class _Steps:
    """Progress as steps done of steps known; steps are added as they become known."""

    def __init__(
        self, progress: Progress | None, total: int, cancelled: Callable[[], bool] | None = None
    ) -> None:
        self._progress = progress
        self._total = total
        self._done = 0
        self._cancelled = cancelled

    def expect(self, more: int) -> None:
        self._total += more

    def __call__(self, name: str) -> None:
        if self._cancelled is not None and self._cancelled():
            raise RecoveryCancelledError("The recovery was stopped; nothing was written.")
        if self._progress is not None:
            self._progress(name, min(self._done, self._total - 1), self._total)
        self._done += 1

    def done(self) -> None:
        if self._progress is not None:
            self._progress("Done", self._total, self._total)


def _wal_size(path: Path) -> int:
    try:
        return side_file(path, "-wal").stat().st_size
    except OSError:
        return 0


def _scratch_copy(damaged: Path, scratch: Path) -> Path:
    """The damaged file and its write-ahead log, copied: recovery may mend the copy."""
    import shutil

    source = scratch / "damaged.sqlite3"
    shutil.copyfile(damaged, source)
    if _wal_size(damaged):
        shutil.copyfile(side_file(damaged, "-wal"), side_file(source, "-wal"))
    return source


def _open_source(path: Path) -> sqlite3.Connection:
    """The scratch copy, lenient: ``writable_schema`` lets SQLite read a file shorter
    than its header says (the pages that are there) and a table list with a bad entry."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA writable_schema = ON")
    search.install_functions(conn)
    schedule.install_functions(conn)
    return conn


def _schema_rows(path: Path) -> list[tuple[str, str, str, int, str | None]] | None:
    try:
        conn = _open_source(path)
    except sqlite3.Error:
        return None
    try:
        return list(conn.execute("SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master"))
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def _mend(source: Path, report: RecoveryReport) -> bool:
    """Make the scratch copy's table list readable; False when nothing can be done."""
    if source.stat().st_size < HEADER_SIZE:
        return False
    rows = _schema_rows(source)
    if rows:
        return True
    with source.open("rb") as f:
        raw = f.read(HEADER_SIZE)
    page_size = _guess_page_size(source, raw)
    if rows is None and read_header(raw) is None:
        _write_header(source, page_size)
        if _schema_rows(source):
            report.notes.append("The file's header was garbled; it was rebuilt.")
            return True
    found = _scan_schema(source, page_size)
    if not found:
        return rows is not None  # a sound database with no tables: nothing to copy
    _rebuild_schema(source, page_size, found)
    if _schema_rows(source):
        report.notes.append(
            f"The list of tables was unreadable; it was rebuilt from {len(found)} entries "
            "found in the file."
        )
        return True
    return False


_BTREE_PAGE_TYPES = (2, 5, 10, 13)


def _guess_page_size(path: Path, raw: bytes) -> int:
    """The header's page size when it is plausible, else the first size at which page 2
    starts like a b-tree page (Ally's pages are 4096 bytes: SQLite's default)."""
    header_size = int.from_bytes(raw[16:18], "big") if len(raw) >= 18 else 0
    candidates = [4096, 1024, 2048, 8192, 16384, 32768, 65536, 512]
    if header_size in candidates:
        candidates.insert(0, header_size)
    with path.open("rb") as f:
        for size in candidates:
            f.seek(size)
            first = f.read(1)
            if first and first[0] in _BTREE_PAGE_TYPES:
                return size
    return 4096


def _write_header(path: Path, page_size: int) -> None:
    """A fresh 100-byte header in place of a garbled one: a UTF-8, rollback-journal file
    whose size comes from the file, with no freelist (its pages are simply not reused)."""
    pages = max(1, path.stat().st_size // page_size)
    header = bytearray(HEADER_SIZE)
    header[0:16] = SQLITE_MAGIC
    header[16:18] = (1 if page_size == 65536 else page_size).to_bytes(2, "big")
    header[18] = header[19] = 1  # legacy (rollback journal) read and write versions
    header[21], header[22], header[23] = 64, 32, 32  # fixed payload fractions
    header[24:28] = (1).to_bytes(4, "big")  # change counter
    header[28:32] = pages.to_bytes(4, "big")
    header[40:44] = (1).to_bytes(4, "big")  # schema cookie
    header[44:48] = (4).to_bytes(4, "big")  # schema format
    header[56:60] = (1).to_bytes(4, "big")  # UTF-8
    header[92:96] = (1).to_bytes(4, "big")  # valid for change counter 1
    major, minor, patch = sqlite3.sqlite_version_info
    header[96:100] = (major * 1_000_000 + minor * 1000 + patch).to_bytes(4, "big")
    with path.open("r+b") as f:
        f.write(bytes(header))


SchemaEntry = tuple[int, str, str, str, int, str | None]  # rowid, type, name, tbl, root, sql


def _scan_schema(path: Path, page_size: int) -> list[SchemaEntry]:
    """The table list's entries, found by reading every leaf page that holds SQL: what
    SQLite needs to find each table again when page 1 (the list's root) is lost."""
    found: dict[tuple[str, str], SchemaEntry] = {}
    page_count = path.stat().st_size // page_size
    with path.open("rb") as f:

        def read_page(number: int) -> bytes:
            f.seek((number - 1) * page_size)
            return f.read(page_size)

        def page_type(number: int) -> int:
            if not 1 <= number <= page_count:
                return -1
            f.seek((number - 1) * page_size + (HEADER_SIZE if number == 1 else 0))
            first = f.read(1)
            return first[0] if first else -1

        for number in range(1, page_count + 1):
            page = read_page(number)
            if b"CREATE " not in page and b"sqlite_autoindex" not in page:
                continue
            for rowid, record in _leaf_records(page, number, page_size, read_page):
                entry = _schema_entry(rowid, record)
                if entry is None:
                    continue
                if not _plausible(entry, page_type):
                    continue
                key = (entry[1], entry[2])
                if key not in found or found[key][0] < rowid:
                    found[key] = entry
    return sorted(found.values())


def _plausible(entry: SchemaEntry, page_type: Callable[[int], int]) -> bool:
    """An entry whose root page is of the right kind (a stale entry on a freed page
    usually points at a page that has been reused since)."""
    _rowid, kind, _name, _table, root, sql = entry
    if kind in ("trigger", "view"):
        return root == 0
    if kind == "table" and root == 0:
        return "VIRTUAL TABLE" in (sql or "").upper()
    # Tables are table b-trees, or index b-trees when WITHOUT ROWID.
    wanted = (2, 5, 10, 13) if kind == "table" else (2, 10)
    return page_type(root) in wanted


def _schema_entry(rowid: int, record: list[object]) -> SchemaEntry | None:
    if len(record) != 5:
        return None
    kind, name, table, root, sql = record
    if kind not in ("table", "index", "view", "trigger"):
        return None
    if not isinstance(name, str) or not isinstance(table, str):
        return None
    if root is None:
        root = 0
    if not isinstance(root, int) or not (sql is None or isinstance(sql, str)):
        return None
    assert isinstance(kind, str)
    return rowid, kind, name, table, root, sql


def _varint(data: bytes, offset: int) -> tuple[int, int]:
    """SQLite's variable-length integer at ``offset``: (value, bytes used)."""
    value = 0
    for i in range(8):
        byte = data[offset + i]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, i + 1
    return (value << 8) | data[offset + 8], 9


def _leaf_records(
    page: bytes, number: int, page_size: int, read_page: Callable[[int], bytes]
) -> Iterator[tuple[int, list[object]]]:
    """The (rowid, values) of each cell of a table leaf page; cells that do not decode
    (the page is damaged) are skipped."""
    start = HEADER_SIZE if number == 1 else 0
    if len(page) < start + 8 or page[start] != 13:
        return
    cells = int.from_bytes(page[start + 3 : start + 5], "big")
    for i in range(min(cells, page_size // 4)):
        at = start + 8 + 2 * i
        pointer = int.from_bytes(page[at : at + 2], "big")
        try:
            yield _decode_cell(page, pointer, page_size, read_page)
        except (IndexError, ValueError, UnicodeDecodeError):
            continue


def _decode_cell(
    page: bytes, pointer: int, page_size: int, read_page: Callable[[int], bytes]
) -> tuple[int, list[object]]:
    length, used = _varint(page, pointer)
    rowid, more = _varint(page, pointer + used)
    start = pointer + used + more
    usable = page_size
    most = usable - 35
    if length <= most:
        local = length
    else:
        least = (usable - 12) * 32 // 255 - 23
        local = least + (length - least) % (usable - 4)
        local = local if local <= most else least
    payload = bytearray(page[start : start + local])
    if local < length:
        overflow = int.from_bytes(page[start + local : start + local + 4], "big")
        hops = 0
        while len(payload) < length:
            hops += 1
            if overflow == 0 or hops > 10_000:
                raise ValueError("broken overflow chain")
            chunk = read_page(overflow)
            overflow = int.from_bytes(chunk[0:4], "big")
            payload += chunk[4:usable]
        del payload[length:]
    return rowid, _decode_record(bytes(payload))


def _decode_record(payload: bytes) -> list[object]:
    header_length, used = _varint(payload, 0)
    if header_length > len(payload):
        raise ValueError("record header runs past the record")
    types: list[int] = []
    at = used
    while at < header_length:
        serial, n = _varint(payload, at)
        types.append(serial)
        at += n
    values: list[object] = []
    at = header_length
    for serial in types:
        if serial == 0:
            values.append(None)
        elif 1 <= serial <= 6:
            width = (0, 1, 2, 3, 4, 6, 8)[serial]
            values.append(int.from_bytes(payload[at : at + width], "big", signed=True))
            at += width
        elif serial == 7:
            values.append(float("nan"))  # a REAL: never part of the table list
            at += 8
        elif serial in (8, 9):
            values.append(serial - 8)
        elif serial >= 12:
            width = (serial - 12) // 2
            chunk = payload[at : at + width]
            if len(chunk) != width:
                raise ValueError("value runs past the record")
            values.append(chunk.decode("utf-8") if serial % 2 else chunk)
            at += width
        else:
            raise ValueError("reserved serial type")
    return values


def _rebuild_schema(path: Path, page_size: int, entries: list[SchemaEntry]) -> None:
    """Page 1 as a fresh header and an empty table-list page, then the entries found put
    back into the list: every table's pages are where they were."""
    with path.open("r+b") as f:
        f.write(bytes(page_size))
    _write_header(path, page_size)
    with path.open("r+b") as f:
        f.seek(HEADER_SIZE)
        content_start = 0 if page_size == 65536 else page_size
        f.write(bytes([13, 0, 0, 0, 0]) + content_start.to_bytes(2, "big") + b"\x00")
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) VALUES (?,?,?,?,?)",
            [entry[1:] for entry in entries],
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


@functools.cache
def _names_by_version() -> tuple[frozenset[str], ...]:
    """The names each schema version adds, from the migrations run on an empty database."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        added: list[frozenset[str]] = [frozenset()]
        seen: set[str] = set()
        for step in migrations.STEPS:
            migrations.migrate(conn, target=step.version)
            names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            added.append(frozenset(names - seen))
            seen |= names
        return tuple(added)
    finally:
        conn.close()


def _source_version(source: Path) -> int:
    """The damaged file's schema version: its own when that is believable, else the
    latest version any of whose tables or indexes it has."""
    conn = _open_source(source)
    try:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        try:
            version = migrations.schema_version(conn)
            app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        except sqlite3.Error:
            version, app_id = 0, 0
    finally:
        conn.close()
    if app_id == migrations.APPLICATION_ID and version >= 1:
        return version
    inferred = 0
    for number, added in enumerate(_names_by_version()):
        if added & names:
            inferred = number
    return inferred


def _cli_recover(source: Path, out: Path) -> Path | None:
    """The ``sqlite3`` tool's ``.recover`` of ``source``, run into ``out``; None when the
    tool is missing or cannot do it (many builds lack the ``sqlite_dbpage`` it needs)."""
    import shutil
    import subprocess

    tool = shutil.which("sqlite3")
    if tool is None:
        return None
    try:
        with subprocess.Popen(
            [tool, str(source), ".recover"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        ) as dump:
            assert dump.stdout is not None
            load = subprocess.run(
                [tool, "-bail", str(out)],
                stdin=dump.stdout,
                capture_output=True,
                timeout=CLI_TIMEOUT_S,
                check=False,
            )
            dump.stdout.close()
            dumped = dump.wait(CLI_TIMEOUT_S)
    except (OSError, subprocess.SubprocessError):
        return None
    if dumped != 0 or load.returncode != 0 or not out.exists():
        return None
    try:
        conn = sqlite3.connect(out)
        try:
            ok = conn.execute("PRAGMA integrity_check(1)").fetchone()[0] == "ok"
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return out if ok else None


# -- copying table by table --------------------------------------------------------------------


@dataclass(frozen=True)
class _Columns:
    names: list[str]  # what both files have, and the new one stores (not generated)
    checks: list[str]  # SQL conditions: each value has the type its column declares
    keys: list[str]  # the key the table is ordered by: rowid, or a WITHOUT ROWID key

    @property
    def listing(self) -> str:
        return ", ".join(_quote(n) for n in self.names)

    @property
    def where(self) -> str:
        return " AND ".join(self.checks) or "1"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_TYPE_CHECKS = {"TEXT": "'text'", "INTEGER": "'integer'", "BLOB": "'blob'", "REAL": "'real'"}


def _columns(conn: sqlite3.Connection, table: str) -> _Columns | None:
    """The columns to copy. Values must have their declared type: a garbled page can
    still decode, as numbers where text belongs, and such rows are left out."""
    quoted = _quote(table)
    try:
        source = {row[1] for row in conn.execute(f"PRAGMA src.table_info({quoted})")}
    except sqlite3.Error:
        return None
    if not source:
        return None
    names: list[str] = []
    checks: list[str] = []
    for _cid, name, declared, _notnull, _default, _pk, hidden in conn.execute(
        f"PRAGMA main.table_xinfo({quoted})"
    ):
        if hidden or name not in source:
            continue
        names.append(name)
        wanted = _TYPE_CHECKS.get(str(declared).upper())
        if wanted is not None:
            checks.append(f"typeof({_quote(name)}) IN ({wanted}, 'null')")
    without_rowid = conn.execute(
        "SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = ?", [table]
    ).fetchone()
    if without_rowid and "WITHOUT ROWID" in str(without_rowid[0]).upper():
        pk = sorted(
            (row[5], row[1]) for row in conn.execute(f"PRAGMA main.table_info({quoted})") if row[5]
        )
        keys = [_quote(name) for _order, name in pk]
    else:
        keys = ["rowid"]
    return _Columns(names, checks, keys)


def _tables_to_copy(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    derived = tuple(_DERIVED_TABLES)
    ours = [
        name
        for name, sql in rows
        if not name.startswith(derived) and "VIRTUAL TABLE" not in str(sql).upper()
    ]
    ordered = [name for name in COPY_ORDER if name in ours]
    return ordered + [name for name in ours if name not in ordered]


def _row_counts(path: Path) -> dict[str, int]:
    """``count(*)`` of each table of a damaged file, where it can be read (it counts cells
    without decoding them, so it often works where reading the rows does not)."""
    counts: dict[str, int] = {}
    try:
        conn = _open_source(path)
    except sqlite3.Error:
        return counts
    try:
        tables = [
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        for table in tables:
            with contextlib.suppress(sqlite3.Error):
                counts[table] = int(
                    conn.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()[0]
                )
    except sqlite3.Error:
        pass
    finally:
        conn.close()
    return counts


def _count_left_out(report: RecoveryReport, originally: dict[str, int]) -> None:
    """Rows the damaged file counted but the tool's output did not have: lost too."""
    for table in report.tables:
        missing = originally.get(table.table, 0) - table.read
        if missing > 0:
            table.lost += missing
            table.estimated = True


def _copy_all(conn: sqlite3.Connection, source: Path, report: RecoveryReport, step: _Steps) -> None:
    """Every table, then the rows whose parents were lost left out, then the derived
    state (last interaction, reminders, search indexes) brought in step."""
    conn.execute("PRAGMA foreign_keys = OFF")
    # A scratch file, checked before it is used: no need to wait for the disk per commit.
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA writable_schema = ON")  # read a cut-off file: see _open_source
    conn.execute("ATTACH DATABASE ? AS src", [str(source)])
    try:
        triggers = conn.execute(
            "SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' ORDER BY rowid"
        ).fetchall()
        # Rows are copied as they were: triggers would add reminders and move dates.
        conn.execute("BEGIN")
        for name, _sql in triggers:
            conn.execute(f"DROP TRIGGER main.{_quote(name)}")
        conn.execute("COMMIT")
        tables = _tables_to_copy(conn)
        step.expect(len(tables) + 2)
        for table in tables:
            step(f"Reading {_TABLE_WORDS.get(table, table.replace('_', ' '))}")
            report.tables.append(_copy_table(conn, table))
        step("Leaving out rows whose person was lost")
        conn.execute("BEGIN")
        orphans = _drop_orphans(conn, tables)
        for table_report in report.tables:
            gone = orphans.get(table_report.table, 0)
            table_report.recovered -= gone
            table_report.lost += gone
        for _name, sql in triggers:
            conn.execute(sql)
        step("Rebuilding the search index and reminders")
        _bring_in_step(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.execute("DETACH DATABASE src")
        conn.execute("PRAGMA writable_schema = OFF")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")


def _copy_table(conn: sqlite3.Connection, table: str) -> TableReport:
    report = TableReport(table)
    columns = _columns(conn, table)
    if columns is None:
        return report
    copier = _TableCopier(conn, table, columns, report)
    if not copier.whole():
        copier.salvage()
    return report


class _TableCopier:
    """One table from ``src`` into ``main``: whole, else salvaged piece by piece.

    Each attempt is its own transaction (cheap: the scratch file is written without
    waiting for the disk), so a read that fails takes back only its own rows, and rows
    found twice are stored once (``INSERT OR IGNORE`` on the same ids).
    """

    def __init__(
        self, conn: sqlite3.Connection, table: str, columns: _Columns, report: TableReport
    ) -> None:
        self.conn = conn
        self.report = report
        self.key = columns.keys[0]
        self.keys = ", ".join(columns.keys)
        self.table = f"main.{_quote(table)}"
        self.source = f"src.{_quote(table)}"
        self.seen = f"temp.{_quote('seen_' + table)}"
        self.insert = (
            f"INSERT OR IGNORE INTO {self.table} ({columns.listing}) "
            f"SELECT {columns.listing} FROM {self.source}"
        )
        self.checks = columns.where
        self.width = len(columns.keys)
        self.failed: set[int] = set()  # first-key values whose rows could not be read
        self.attempts = 0

    def _count(self, table: str) -> int | None:
        try:
            return int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        except sqlite3.DatabaseError:
            return None

    def whole(self) -> bool:
        """The whole table in one statement: the fast path, all or nothing."""
        conn = self.conn
        conn.execute("BEGIN")
        try:
            read = int(conn.execute(f"SELECT count(*) FROM {self.source}").fetchone()[0])
            before = conn.total_changes
            conn.execute(f"{self.insert} WHERE {self.checks}")
            inserted = conn.total_changes - before
        except sqlite3.DatabaseError:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            return False
        conn.execute("COMMIT")
        self.report.read = read
        self.report.recovered = inserted
        self.report.lost = read - inserted  # values of the wrong type, broken constraints
        return True

    def salvage(self) -> None:
        """Ranges of keys, then single keys in the gaps between what was found.

        Both are needed: a range read through a garbled parent page can skip rows without
        an error, while a single key's lookup still finds them; and a bad leaf page makes
        the ranges that cross it fail, so only single keys get around it. ``count(*)``
        (it counts cells without decoding them) says how many rows there were, when it
        can be read; otherwise the unreadable keys are multiplied by rows per key.
        """
        expected = self._count(self.source)
        marks = ", ".join(f"k{i}" for i in range(self.width))
        self.conn.execute(f"CREATE TEMP TABLE {self.seen} ({marks}, UNIQUE ({marks}))")
        try:
            low, high = self._bound("min"), self._bound("max")
            self._walk(low, high)
            self._fill(low, high)
            read = self._count(self.seen) or 0
            keys, first, last = self.conn.execute(
                f"SELECT count(DISTINCT k0), min(k0), max(k0) FROM {self.seen}"
            ).fetchone()
        finally:
            self.conn.execute(f"DROP TABLE {self.seen}")
        recovered = self._count(self.table) or 0
        report = self.report
        report.read, report.recovered, report.estimated = read, recovered, True
        if expected is not None:
            report.lost = max(expected - recovered, read - recovered)
            return
        # Keys that failed past the last one found may never have existed: they make the
        # count open-ended rather than bigger.
        inside = [k for k in self.failed if first is not None and first <= k <= last]
        if len(inside) < len(self.failed):
            report.unbounded = True
        per_key = read / keys if keys else 1.0
        report.lost = read - recovered + round(len(inside) * per_key)

    def _attempt(self, where: str, params: list[int]) -> bool:
        """Copy the rows matching ``where``, all or none; False when a page is bad."""
        conn = self.conn
        self.attempts += 1
        conn.execute("BEGIN")
        try:
            conn.execute(
                f"INSERT OR IGNORE INTO {self.seen} SELECT {self.keys} FROM {self.source} {where}",
                params,
            )
            conn.execute(f"{self.insert} {where} AND {self.checks}", params)
        except sqlite3.DatabaseError:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            return False
        conn.execute("COMMIT")
        return True

    def _probe(self, at: int) -> int | bool | None:
        """The first key at or after ``at``: an int, None past the end, False when the
        page where ``at`` would be cannot be read."""
        try:
            row = self.conn.execute(
                f"SELECT {self.key} FROM {self.source} WHERE {self.key} >= ? "
                f"ORDER BY {self.key} LIMIT 1",
                [at],
            ).fetchone()
        except sqlite3.DatabaseError:
            return False
        if row is None:
            return None
        return row[0] if isinstance(row[0], int) else False

    def _bound(self, function: str) -> int | None:
        try:
            row = self.conn.execute(f"SELECT {function}({self.key}) FROM {self.source}").fetchone()
        except sqlite3.DatabaseError:
            return None
        return row[0] if row and isinstance(row[0], int) else None

    def _walk(self, low: int | None, high: int | None) -> None:
        """Walk the keys in growing ranges; a range that fails is halved down to single
        keys, and a span where even finding the next key fails is jumped over."""
        at = low if low is not None else 1
        chunk = _FIRST_CHUNK
        while True:
            found = self._probe(at)
            if found is None:
                return
            if found is False:
                at = self._skip_unreadable(at, high)
                if at > (high if high is not None else _KEY_CEILING):
                    return
                continue
            assert isinstance(found, int)
            at = found
            whole = self._range(at, at + chunk)
            at += chunk
            chunk = min(chunk * 2, _LARGEST_CHUNK) if whole else _FIRST_CHUNK

    def _range(self, start: int, end: int) -> bool:
        """Copy keys in [start, end), halving what fails. True when all of it was read."""
        if self._attempt(f"WHERE {self.key} >= ? AND {self.key} < ?", [start, end]):
            return True
        if end - start == 1:
            self.failed.add(start)
            return False
        middle = (start + end) // 2
        left = self._range(start, middle)
        right = self._range(middle, end)
        return left and right

    def _skip_unreadable(self, at: int, high: int | None) -> int:
        """From a key whose page cannot be read, jump ahead (1, 2, 4, … keys) to where
        keys can be found again. Returns where to go on: past ``high`` (or the ceiling)
        when nothing more is found; the span jumped is left to the single keys."""
        ceiling = high if high is not None else _KEY_CEILING
        step = 1
        while at + step <= ceiling and self._probe(at + step) is False:
            step *= 2
        resume = min(at + step, ceiling + 1)
        if resume > ceiling and high is None:
            self.report.unbounded = True  # the end of the table is out of reach
        return resume

    def _fill(self, low: int | None, high: int | None) -> None:
        """Try each key missing between the lowest and highest known, one by one (up to
        a budget): the lookups that get around a garbled parent page or a bad leaf."""
        first = self.conn.execute(f"SELECT min(k0), max(k0) FROM {self.seen}").fetchone()
        low = min(x for x in (low, first[0], 1 if low is None else None) if x is not None)
        top = [x for x in (high, first[1]) if isinstance(x, int)]
        if not top:
            return
        high = max(top)
        budget = _SINGLES_BUDGET
        where = f"WHERE {self.key} = ?"
        previous = low - 1
        known = self.conn.execute(
            f"SELECT DISTINCT k0 FROM {self.seen} WHERE k0 >= ? ORDER BY k0", [low]
        ).fetchall()
        for (present,) in [*known, (high + 1,)]:
            if not isinstance(present, int):
                continue
            for key in range(previous + 1, min(present, high + 1)):
                if budget <= 0:
                    self.report.unbounded = True
                    return
                budget -= 1
                if self._attempt(where, [key]):
                    self.failed.discard(key)
                else:
                    self.failed.add(key)
            previous = max(previous, present)


def _drop_orphans(conn: sqlite3.Connection, tables: list[str]) -> dict[str, int]:
    """Delete rows whose foreign key points at a row that was lost; how many per table.
    Repeated until nothing changes, so a lost interaction takes its participants along."""
    dropped: dict[str, int] = {}
    changed = True
    while changed:
        changed = False
        for table in tables:
            quoted = _quote(table)
            for row in conn.execute(f"PRAGMA main.foreign_key_list({quoted})").fetchall():
                parent, child_column, parent_column = row[2], row[3], row[4] or "rowid"
                before = conn.total_changes
                conn.execute(
                    f"DELETE FROM main.{quoted} WHERE {_quote(child_column)} IS NOT NULL "
                    f"AND NOT EXISTS (SELECT 1 FROM main.{_quote(parent)} p "
                    f"WHERE p.{_quote(parent_column)} = main.{quoted}.{_quote(child_column)})"
                )
                gone = conn.total_changes - before
                if gone:
                    dropped[table] = dropped.get(table, 0) + gone
                    changed = True
    return dropped


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM main.sqlite_master WHERE name = ?", [name]).fetchone()
    return row is not None


def _has_column(conn: sqlite3.Connection, table: str, column: str) -> bool:
    return any(row[1] == column for row in conn.execute(f"PRAGMA main.table_info({table})"))


def _bring_in_step(conn: sqlite3.Connection) -> None:
    """What Ally derives from the rows, made true again for the rows that survived: the
    last interaction per person, the reminders that follow people's cadences and dates,
    and both search indexes. The triggers are back by now, so they do the work as they
    would for any edit."""
    if _has_table(conn, "interaction_participant") and _has_column(
        conn, "contact", "last_interaction_at"
    ):
        last = (
            "(SELECT max(i.occurred_at) FROM main.interaction_participant p "
            "JOIN main.interaction i ON i.id = p.interaction_id "
            "WHERE p.contact_id = contact.id AND i.trashed_at IS NULL)"
        )
        conn.execute(
            f"UPDATE main.contact SET last_interaction_at = {last} "
            f"WHERE last_interaction_at IS NOT {last}"
        )
    if _has_table(conn, "reminder"):
        # A person with a cadence whose keep-in-touch reminder was lost: cadence_set makes it.
        conn.execute(
            "UPDATE main.contact SET cadence_days = cadence_days WHERE cadence_days IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM main.reminder r "
            "WHERE r.kind = 'keep_in_touch' AND r.contact_id = contact.id)"
        )
        # A date whose reminder was lost: written again, date_added makes it. The key is
        # the one migration 5's trigger writes.
        conn.execute(
            "CREATE TEMP TABLE lonely_date AS SELECT * FROM main.important_date d "
            "WHERE NOT EXISTS (SELECT 1 FROM main.reminder r WHERE r.kind = 'date' "
            "AND r.contact_id = d.contact_id AND r.date_key = "
            "d.kind || ':' || printf('%02d-%02d', d.month, d.day) || ':' || d.label)"
        )
        conn.execute("DELETE FROM main.important_date WHERE id IN (SELECT id FROM lonely_date)")
        conn.execute("INSERT INTO main.important_date SELECT * FROM lonely_date")
        conn.execute("DROP TABLE temp.lonely_date")
    if _has_table(conn, "contact_fts"):
        search.rebuild_index(conn)
    if _has_table(conn, "interaction_fts"):
        conn.execute("DELETE FROM main.interaction_fts")
        conn.execute(
            "INSERT INTO main.interaction_fts (rowid, title, notes, place, exchange_note, kind) "
            "SELECT id, title, notes, place, exchange_note, kind FROM main.interaction"
        )


def _verify(conn: sqlite3.Connection) -> None:
    """The new file must be sound before it takes the database's place."""
    problems = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
    if problems != ["ok"]:
        raise DatabaseDamagedError(
            "The recovered file did not pass its check, so it was not put in place: "
            + "; ".join(problems)
        )
    if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
        raise DatabaseDamagedError(
            "The recovered file still has rows without their person, so it was not put in place."
        )
