"""What the store holds, read in bulk with plain SQL, in a form a writer and a checker share.

The kill -9 child fingerprints the data it hands to Ally's real write paths; the parent
fingerprints the same records read back from the tables. Both go through the functions
here, so "equal" means the same fields, compared the same way. Reading in bulk (a few
queries for the whole file, not one load per record) keeps fifty rounds of checks on a
growing file within a second or two.

The derived-data checks state what Ally promises beyond its rows: the search indexes
say what the tables say, each contact's last interaction is the latest one it took
part in, and the triggers made the reminders that cadences and important dates call for.
A crash, a full disk or a migration must leave all of that true.
"""

from __future__ import annotations

import csv
import hashlib
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import astuple
from datetime import UTC
from pathlib import Path
from typing import Any

from ally_desktop.core.records import ContactData
from ally_desktop.core.reminders import ReminderData
from ally_desktop.core.timeline import InteractionData, iso_utc
from ally_desktop.store import schedule, search

Key = tuple[str, int]  # ("contact" | "interaction" | "reminder", id)
Parts = tuple[object, ...]


def digest(parts: Parts) -> str:
    """A short, stable checksum of plain values (str, int, None and tuples of them)."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]


def _dates_key(item: tuple[object, ...]) -> tuple[object, ...]:
    kind, month, day, year, label = item
    return (kind, month, day, year or 0, label)


def contact_parts(data: ContactData) -> Parts:
    """Every field of a contact that a save writes (connections aside: the writer makes none)."""
    return (
        data.given_name,
        data.family_name,
        data.display_name,
        data.nickname,
        data.pronouns,
        data.job_title,
        data.organization,
        data.team,
        data.met_how,
        data.met_on.isoformat() if data.met_on else None,
        int(data.closeness),
        data.cadence_days,
        data.notes,
        data.ambitions,
        int(data.archived),
        tuple((v.label, v.value) for v in data.emails),
        tuple((v.label, v.value) for v in data.phones),
        tuple((v.label, v.value) for v in data.links),
        tuple(astuple(a) for a in data.addresses),
        tuple(data.topics),
        tuple(data.tags),
        tuple(
            sorted(((d.kind, d.month, d.day, d.year, d.label) for d in data.dates), key=_dates_key)
        ),
    )


def interaction_parts(data: InteractionData) -> Parts:
    """The stored columns of an interaction logged with a time (``when`` is required)."""
    assert data.when is not None, "the writer logs interactions with a time"
    return (
        data.kind,
        tuple(sorted(data.participants)),
        iso_utc(data.when.astimezone(UTC)),
        data.when.date().isoformat(),
        0,
        data.time_zone,
        data.title,
        data.notes,
        data.place,
        data.exchange,
        data.exchange_note,
    )


def reminder_parts(data: ReminderData) -> Parts:
    """What a person sets on a one-off or recurring reminder, as stored."""
    return (
        data.kind,
        data.contact_id,
        data.title,
        data.note,
        data.starts_on.isoformat(),
        data.at_time.strftime("%H:%M") if data.at_time else None,
        data.time_zone,
        data.recurrence.rule_text() if data.recurrence else "",
        data.advance_days,
    )


def table_names(conn: sqlite3.Connection) -> set[str]:
    return {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _grouped(rows: Iterable[tuple[Any, ...]]) -> dict[int, list[tuple[Any, ...]]]:
    groups: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for contact_id, *rest in rows:
        assert isinstance(contact_id, int)
        groups[contact_id].append(tuple(rest))
    return groups


def stored_contacts(conn: sqlite3.Connection) -> dict[int, Parts]:
    """``contact_parts`` of every contact in the file, read with eight queries."""
    children = {
        table: _grouped(
            conn.execute(
                f"SELECT contact_id, label, value FROM {table} ORDER BY contact_id, position, id"
            )
        )
        for table in ("contact_email", "contact_phone", "contact_link")
    }
    addresses = _grouped(
        conn.execute(
            "SELECT contact_id, label, street, city, region, postal_code, country"
            " FROM contact_address ORDER BY contact_id, position, id"
        )
    )
    topics = _grouped(
        conn.execute(
            "SELECT ct.contact_id, t.name FROM contact_topic ct JOIN topic t ON t.id = ct.topic_id"
            " ORDER BY ct.contact_id, ct.position"
        )
    )
    tags = _grouped(
        conn.execute(
            "SELECT ct.contact_id, t.name FROM contact_tag ct JOIN tag t ON t.id = ct.tag_id"
            " ORDER BY ct.contact_id, ct.position"
        )
    )
    dates = _grouped(
        conn.execute("SELECT contact_id, kind, month, day, year, label FROM important_date")
    )
    result: dict[int, Parts] = {}
    for row in conn.execute(
        "SELECT id, given_name, family_name, display_name, nickname, pronouns, job_title,"
        " organization, team, met_how, met_on, closeness, cadence_days, notes, ambitions,"
        " archived FROM contact"
    ):
        cid = row[0]
        result[cid] = (
            *row[1:],
            *(tuple(children[t].get(cid, [])) for t in children),
            tuple(addresses.get(cid, [])),
            tuple(name for (name,) in topics.get(cid, [])),
            tuple(name for (name,) in tags.get(cid, [])),
            tuple(sorted(dates.get(cid, []), key=_dates_key)),
        )
    return result


def stored_interactions(conn: sqlite3.Connection) -> dict[int, Parts]:
    participants = _grouped(
        conn.execute("SELECT interaction_id, contact_id FROM interaction_participant")
    )
    return {
        row[0]: (
            row[1],
            tuple(sorted(cid for (cid,) in participants.get(row[0], []))),
            *row[2:],
        )
        for row in conn.execute(
            "SELECT id, kind, occurred_at, local_date, all_day, time_zone, title, notes, place,"
            " exchange, exchange_note FROM interaction"
        )
    }


def stored_reminders(conn: sqlite3.Connection) -> dict[int, Parts]:
    """The reminders a person set (the kinds triggers keep are checked by ``derived_problems``)."""
    return {
        row[0]: tuple(row[1:])
        for row in conn.execute(
            "SELECT id, kind, contact_id, title, note, starts_on, at_time, time_zone, rule,"
            " advance_days FROM reminder WHERE kind IN ('once', 'recurring')"
        )
    }


def stored_digests(conn: sqlite3.Connection) -> dict[Key, str]:
    """A digest per record in the file, keyed like the writer's report lines."""
    tables = table_names(conn)
    found: dict[Key, str] = {
        ("contact", cid): digest(parts) for cid, parts in stored_contacts(conn).items()
    }
    if "interaction" in tables:
        for iid, parts in stored_interactions(conn).items():
            found["interaction", iid] = digest(parts)
    if "reminder" in tables:
        for rid, parts in stored_reminders(conn).items():
            found["reminder", rid] = digest(parts)
    return found


def integrity(path: Path) -> list[str]:
    """``PRAGMA integrity_check`` of the file on a plain connection: ``["ok"]`` when healthy."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


def table_snapshot(path: Path) -> dict[str, list[str]]:
    """Every row of every table (FTS shadow tables aside): "unchanged" is equal snapshots."""
    conn = sqlite3.connect(path)
    try:
        tables = sorted(t for t in table_names(conn) if "_fts" not in t)
        return {t: sorted(map(repr, conn.execute(f"SELECT * FROM {t}"))) for t in tables}
    finally:
        conn.close()


PEOPLE_CSV_COLUMNS = (
    "id",
    "given_name",
    "family_name",
    "organization",
    "emails",
    "tags",
    "notes",
    "closeness",
    "archived",
)


def write_people_csv(path: Path, count: int, prefix: str) -> Path:
    """Ally's own CSV (docs/csv-format.md) with ``count`` people; their notes give weight."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(PEOPLE_CSV_COLUMNS)
        for n in range(count):
            writer.writerow(
                [
                    n + 1,
                    prefix,
                    f"Number {n}",
                    "Globex",
                    f"work;{prefix.lower()}.{n}@example.org",
                    "imported",
                    f"Row {n}. " + "sit amet consectetur " * 40,
                    "ally",
                    "no",
                ]
            )
    return path


_CONTACT_FTS_COLUMNS = (
    "name, organization, job_title, team, topics, tags, contact_info, notes, ambitions"
)
_INTERACTION_FTS_COLUMNS = "title, notes, place, exchange_note, kind"


def derived_problems(conn: sqlite3.Connection) -> list[str]:
    """Everything Ally derives from the rows that is not what the rows say (empty: all right).

    ``conn`` needs Ally's SQL functions only for reading (``ally_fold``); they are
    registered here. Works on every schema version from 2, checking what that version has.
    """
    search.install_functions(conn)
    tables = table_names(conn)
    problems: list[str] = []

    # The search index holds, for each contact, exactly the text the tables give.
    indexed = conn.execute(
        f"SELECT rowid, {_CONTACT_FTS_COLUMNS} FROM contact_fts ORDER BY rowid"
    ).fetchall()
    expected = conn.execute(search._INDEX_SELECT + " ORDER BY c.id").fetchall()
    if indexed != expected:
        stale = {r[0] for r in set(indexed) ^ set(expected)}
        problems.append(f"contact_fts out of step for contacts {sorted(stale)[:10]}")

    if "interaction" in tables:
        indexed = conn.execute(
            f"SELECT rowid, {_INTERACTION_FTS_COLUMNS} FROM interaction_fts ORDER BY rowid"
        ).fetchall()
        expected = conn.execute(
            f"SELECT id, {_INTERACTION_FTS_COLUMNS} FROM interaction ORDER BY id"
        ).fetchall()
        if indexed != expected:
            stale = {r[0] for r in set(indexed) ^ set(expected)}
            problems.append(f"interaction_fts out of step for interactions {sorted(stale)[:10]}")
        wrong = conn.execute(
            "SELECT c.id, c.last_interaction_at, (SELECT max(i.occurred_at)"
            " FROM interaction_participant p JOIN interaction i ON i.id = p.interaction_id"
            " WHERE p.contact_id = c.id AND i.trashed_at IS NULL) AS latest"
            " FROM contact c WHERE c.last_interaction_at IS NOT latest"
        ).fetchall()
        if wrong:
            problems.append(f"last_interaction_at wrong (id, stored, latest): {wrong[:5]}")

    if "reminder" in tables:
        problems += _reminder_problems(conn)
    return problems


def _reminder_problems(conn: sqlite3.Connection) -> list[str]:
    problems: list[str] = []
    keep_in_touch = {
        cid: (due, touched)
        for cid, due, touched in conn.execute(
            "SELECT contact_id, due_at, touched_at FROM reminder WHERE kind = 'keep_in_touch'"
        )
    }
    for cid, cadence, last, created in conn.execute(
        "SELECT id, cadence_days, last_interaction_at, created_at FROM contact"
    ):
        if cadence is None:
            if cid in keep_in_touch:
                problems.append(f"contact {cid} has no cadence but a keep-in-touch reminder")
            continue
        if cid not in keep_in_touch:
            problems.append(f"contact {cid} keeps in touch every {cadence} days: no reminder")
            continue
        due, touched = keep_in_touch[cid]
        want = schedule.cadence_due(last, touched, created, cadence)
        if due != want:
            problems.append(f"contact {cid}: keep-in-touch due {due}, expected {want}")
    missing = conn.execute(
        "SELECT d.contact_id, d.kind, d.month, d.day FROM important_date d WHERE NOT EXISTS ("
        " SELECT 1 FROM reminder r WHERE r.kind = 'date' AND r.contact_id = d.contact_id"
        " AND r.date_key = d.kind || ':' || printf('%02d-%02d', d.month, d.day) || ':' || d.label)"
    ).fetchall()
    if missing:
        problems.append(f"important dates without their reminder: {missing[:5]}")
    orphans = conn.execute(
        "SELECT r.id FROM reminder r WHERE r.kind = 'date' AND NOT EXISTS ("
        " SELECT 1 FROM important_date d WHERE d.contact_id = r.contact_id"
        " AND r.date_key = d.kind || ':' || printf('%02d-%02d', d.month, d.day) || ':' || d.label)"
    ).fetchall()
    if orphans:
        problems.append(f"date reminders without their date: {orphans[:5]}")
    return problems
