"""The demo network: deterministic, varied, consistent, and valid Ally data."""

from __future__ import annotations

import sqlite3
import unicodedata
from pathlib import Path

import peewee as pw
import pytest

from ally_desktop.core.contact_queries import count_contacts
from ally_desktop.core.contacts import create_contact, load_contact
from ally_desktop.core.demo import generate_demo
from ally_desktop.core.records import Closeness, ContactData
from ally_desktop.core.text import sort_key
from ally_desktop.core.validation import validate_contact
from ally_desktop.store import search
from ally_desktop.store.db import close_database, open_database, sqlite_connection
from ally_desktop.store.integrity import check_database

_TABLES = {
    "contact": "SELECT id, given_name, family_name, display_name, nickname, full_name, sort_name,"
    " pronouns, job_title, organization, team, met_how, closeness, cadence_days, notes,"
    " ambitions, archived FROM contact ORDER BY id",
    "contact_email": "SELECT contact_id, position, label, value FROM contact_email ORDER BY id",
    "contact_phone": "SELECT contact_id, position, label, value FROM contact_phone ORDER BY id",
    "contact_link": "SELECT contact_id, position, label, value FROM contact_link ORDER BY id",
    "contact_topic": "SELECT contact_id, t.name, position FROM contact_topic"
    " JOIN topic t ON t.id = topic_id ORDER BY contact_id, position",
    "contact_tag": "SELECT contact_id, t.name, position FROM contact_tag"
    " JOIN tag t ON t.id = tag_id ORDER BY contact_id, position",
    "important_date": "SELECT contact_id, kind, year, month, day FROM important_date ORDER BY id",
    "connection": "SELECT from_id, to_id, kind FROM connection ORDER BY id",
}


def _content(db: pw.SqliteDatabase) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite_connection(db)
    return {table: conn.execute(sql).fetchall() for table, sql in _TABLES.items()}


def _demo_content(path: Path, count: int, seed: int) -> dict[str, list[tuple[object, ...]]]:
    db = open_database(path)
    try:
        assert generate_demo(db, count, seed=seed) == count
        return _content(db)
    finally:
        close_database(db)


def _scalar(db: pw.SqliteDatabase, sql: str) -> int:
    return int(sqlite_connection(db).execute(sql).fetchone()[0])


def test_same_seed_same_network(tmp_path: Path) -> None:
    first = _demo_content(tmp_path / "a.sqlite3", 300, seed=42)
    second = _demo_content(tmp_path / "b.sqlite3", 300, seed=42)
    assert first == second
    assert len(first["contact"]) == 300


def test_other_seed_other_network(tmp_path: Path) -> None:
    first = _demo_content(tmp_path / "a.sqlite3", 300, seed=1)
    second = _demo_content(tmp_path / "b.sqlite3", 300, seed=2)
    assert first["contact"] != second["contact"]
    assert first["connection"] != second["connection"]


def test_counts(db: pw.SqliteDatabase) -> None:
    assert generate_demo(db, 500) == 500
    assert _scalar(db, "SELECT count(*) FROM contact") == 500
    assert count_contacts(db) == 500
    assert count_contacts(db, trashed=True) == 0
    assert _scalar(db, "SELECT count(DISTINCT contact_id) FROM contact_email") == 500
    assert _scalar(db, "SELECT count(DISTINCT contact_id) FROM contact_phone") == 500
    assert _scalar(db, "SELECT count(DISTINCT contact_id) FROM contact_topic") == 500
    per_person = (
        sqlite_connection(db)
        .execute(
            "SELECT min(n), max(n) FROM"
            " (SELECT count(*) AS n FROM contact_topic GROUP BY contact_id)"
        )
        .fetchone()
    )
    assert 1 <= per_person[0] <= per_person[1] <= 4


def test_index_and_integrity(db: pw.SqliteDatabase, db_path: Path) -> None:
    generate_demo(db, 400)
    conn = sqlite_connection(db)
    assert search.index_is_consistent(conn)
    assert conn.execute("SELECT count(*) FROM contact_fts").fetchone()[0] == 400
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("SELECT count(*) FROM connection WHERE from_id = to_id").fetchone()[0] == 0
    report = check_database(db_path)
    assert report.ok, report.problems
    assert report.contacts == 400


def test_varied_data(db: pw.SqliteDatabase) -> None:
    generate_demo(db, 1000)
    conn = sqlite_connection(db)
    organizations = [o for (o,) in conn.execute("SELECT DISTINCT organization FROM contact")]
    assert len(organizations) >= 10
    biggest = conn.execute(
        "SELECT count(*) FROM contact GROUP BY organization ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]
    assert biggest < 1000 / 2

    names = [n for (n,) in conn.execute("SELECT full_name FROM contact")]
    scripts = {unicodedata.name(ch).split()[0] for name in names for ch in name if ch.isalpha()}
    assert {"LATIN", "ARABIC", "HEBREW", "CJK"} <= scripts
    assert any(name != sort_key(name) and not name.isascii() for name in names)
    assert any("'" in name for name in names)

    assert len({c for (c,) in conn.execute("SELECT closeness FROM contact")}) == len(Closeness)
    assert 0 < _scalar(db, "SELECT count(*) FROM contact WHERE archived = 1") < 100
    assert _scalar(db, "SELECT count(DISTINCT kind) FROM connection") >= 4
    assert _scalar(db, "SELECT count(*) FROM important_date WHERE year IS NULL") > 0
    assert _scalar(db, "SELECT count(*) FROM important_date WHERE year IS NOT NULL") > 0
    assert _scalar(db, "SELECT count(*) FROM contact WHERE nickname <> ''") > 0


def test_sort_names_match_full_names(db: pw.SqliteDatabase) -> None:
    generate_demo(db, 300)
    for full_name, stored in sqlite_connection(db).execute(
        "SELECT full_name, sort_name FROM contact"
    ):
        assert stored == sort_key(full_name)


def test_demo_people_are_valid_ally_contacts(db: pw.SqliteDatabase) -> None:
    generate_demo(db, 300)
    for contact_id in range(1, 301):
        data = load_contact(db, contact_id).data
        cleaned = validate_contact(data)
        assert cleaned.emails == data.emails
        assert cleaned.given_name == data.given_name


def test_demo_beside_existing_contacts(db: pw.SqliteDatabase) -> None:
    ana = create_contact(db, ContactData(given_name="Ana", topics=["pricing"], tags=["mentor"]))
    before = load_contact(db, ana)
    assert generate_demo(db, 200, seed=9) == 200
    assert count_contacts(db) == 201
    assert load_contact(db, ana) == before
    ids = [i for (i,) in sqlite_connection(db).execute("SELECT id FROM contact ORDER BY id")]
    assert ids == list(range(ana, ana + 201))
    assert _scalar(db, "SELECT count(*) FROM topic WHERE key = 'pricing'") == 1
    assert _scalar(db, "SELECT count(*) FROM tag WHERE key = 'mentor'") == 1
    assert search.index_is_consistent(sqlite_connection(db))
    assert sqlite_connection(db).execute("PRAGMA foreign_key_check").fetchall() == []


def test_two_demos_in_a_row(db: pw.SqliteDatabase) -> None:
    generate_demo(db, 100, seed=1)
    generate_demo(db, 100, seed=1)
    assert count_contacts(db) == 200
    assert search.index_is_consistent(sqlite_connection(db))


def test_progress_is_reported(db: pw.SqliteDatabase) -> None:
    calls: list[tuple[int, int]] = []
    generate_demo(db, 25, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 25)
    assert calls[-1] == (25, 25)


def test_one_person(db: pw.SqliteDatabase) -> None:
    assert generate_demo(db, 1) == 1
    assert count_contacts(db) == 1
    assert search.index_is_consistent(sqlite_connection(db))


def test_demo_is_one_transaction(db: pw.SqliteDatabase) -> None:
    sqlite_connection(db).execute(
        "CREATE TRIGGER no_dates BEFORE INSERT ON important_date"
        " BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    with pytest.raises((sqlite3.IntegrityError, pw.IntegrityError)):
        generate_demo(db, 200)
    for table in ("contact", "contact_email", "topic", "contact_fts"):
        assert _scalar(db, f"SELECT count(*) FROM {table}") == 0, table
