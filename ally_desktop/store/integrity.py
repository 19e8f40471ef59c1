"""Checking a data file without changing it: readable, healthy, Ally's, which schema.

Plain ``sqlite3`` (no Peewee) that only reads, so ``ally check`` starts in a blink and
can look at a file that another copy of Ally has open.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ally_desktop.store import migrations, search


@dataclass
class CheckReport:
    path: Path
    schema_version: int = 0
    contacts: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_database(path: Path, *, thorough: bool = True) -> CheckReport:
    """Integrity (full or quick), schema version and search index of the file at ``path``."""
    report = CheckReport(path)
    if not path.is_file():
        report.problems.append(f"There is no data file at {path}.")
        return report
    try:
        # Not mode=ro: a read-only connection leaves the WAL side files behind. Nothing
        # here writes; closing the last connection only folds the WAL back into the file.
        conn = sqlite3.connect(path, isolation_level=None)
    except sqlite3.Error as exc:
        report.problems.append(f"The data file cannot be opened: {exc}.")
        return report
    try:
        _check(conn, report, thorough)
    except sqlite3.DatabaseError as exc:
        detail = " ".join(str(exc).split())
        report.problems.append(f"The data file is damaged or not a database ({detail}).")
    finally:
        conn.close()
    return report


def _check(conn: sqlite3.Connection, report: CheckReport, thorough: bool) -> None:
    pragma = "integrity_check" if thorough else "quick_check"
    results = [row[0] for row in conn.execute(f"PRAGMA {pragma}(20)")]
    if results != ["ok"]:
        first = " ".join(results[0].split())
        more = f" (and {len(results) - 1} more problems)" if len(results) > 1 else ""
        report.problems.append(f"The data file is damaged: {first}{more}.")
        return
    report.schema_version = migrations.schema_version(conn)
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    if app_id != migrations.APPLICATION_ID:
        has_tables = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchone()[0]
        if report.schema_version == 0 and app_id == 0 and not has_tables:
            report.problems.append("The data file is empty: no Ally data in it yet.")
        else:
            report.problems.append("The file is not an Ally data file.")
        return
    if report.schema_version > migrations.LATEST_VERSION:
        report.problems.append(
            f"The data file was written by a newer Ally (schema {report.schema_version})."
        )
        return
    if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
        report.problems.append("Some rows point to contacts that do not exist.")
    report.contacts = int(conn.execute("SELECT count(*) FROM contact").fetchone()[0])
    if report.schema_version >= 2 and not search.index_is_consistent(conn):
        report.problems.append("The search index is out of step with the contacts.")
