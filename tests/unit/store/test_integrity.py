"""Checking a data file without changing it."""

from __future__ import annotations

import random
import sqlite3
from contextlib import closing
from pathlib import Path

import peewee as pw
import pytest

from ally_desktop.core.contacts import create_contact, trash_contacts
from ally_desktop.core.demo import generate_demo
from ally_desktop.core.records import ContactData
from ally_desktop.store import migrations
from ally_desktop.store.db import close_database, open_database, sqlite_connection
from ally_desktop.store.integrity import check_database


def _fresh(path: Path, contacts: int = 0) -> None:
    db = open_database(path)
    if contacts:
        generate_demo(db, contacts, seed=11)
    close_database(db)


def _snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def test_healthy_database(db_path: Path) -> None:
    _fresh(db_path, 40)
    before = _snapshot(db_path)
    report = check_database(db_path)
    assert report.ok
    assert report.problems == []
    assert report.path == db_path
    assert report.schema_version == migrations.LATEST_VERSION
    assert report.contacts == 40
    assert _snapshot(db_path) == before


def test_quick_check_of_a_healthy_database(db_path: Path) -> None:
    _fresh(db_path, 10)
    report = check_database(db_path, thorough=False)
    assert report.ok
    assert report.contacts == 10


def test_new_empty_ally_database(db_path: Path) -> None:
    _fresh(db_path)
    report = check_database(db_path)
    assert report.ok
    assert report.contacts == 0


def test_contacts_in_the_trash_are_counted(db: pw.SqliteDatabase, db_path: Path) -> None:
    ana = create_contact(db, ContactData(given_name="Ana"))
    create_contact(db, ContactData(given_name="Bo"))
    trash_contacts(db, [ana])
    assert check_database(db_path).contacts == 2


def test_database_open_in_ally_is_checked_with_unsaved_wal(
    db: pw.SqliteDatabase, db_path: Path
) -> None:
    for name in ("Ana", "Bo", "Chen"):
        create_contact(db, ContactData(given_name=name))
    assert db_path.with_name(db_path.name + "-wal").stat().st_size > 0
    report = check_database(db_path)
    assert report.ok, report.problems
    assert report.contacts == 3
    create_contact(db, ContactData(given_name="Dara"))
    assert check_database(db_path).contacts == 4


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "ally.sqlite3"
    report = check_database(path)
    assert not report.ok
    assert report.problems == [f"There is no data file at {path}."]
    assert not path.exists()


def test_directory_instead_of_file(tmp_path: Path) -> None:
    report = check_database(tmp_path)
    assert not report.ok
    assert "There is no data file" in report.problems[0]


def test_empty_file(db_path: Path) -> None:
    db_path.touch()
    report = check_database(db_path)
    assert not report.ok
    assert report.problems == ["The data file is empty: no Ally data in it yet."]
    assert db_path.stat().st_size == 0


def test_text_file(db_path: Path) -> None:
    db_path.write_text("name,email\nAna,ana@example.org\n" * 100, encoding="utf-8")
    before = _snapshot(db_path)
    report = check_database(db_path)
    assert not report.ok
    assert len(report.problems) == 1
    assert "damaged or not a database" in report.problems[0]
    assert _snapshot(db_path) == before


def test_corrupted_pages_are_reported(db_path: Path) -> None:
    _fresh(db_path, 400)
    size = db_path.stat().st_size
    page_size = 4096
    pages = size // page_size
    assert pages > 20
    garbage = random.Random(5).randbytes(page_size * (pages // 4))
    with db_path.open("r+b") as file:
        file.seek(page_size * (pages // 3))
        file.write(garbage)
    report = check_database(db_path)
    assert not report.ok
    assert len(report.problems) == 1
    assert "damaged" in report.problems[0]
    assert report.contacts == 0


def test_other_programs_database_with_an_application_id(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA application_id = 1234")
        conn.execute("CREATE TABLE recipes (name TEXT)")
        conn.commit()
    report = check_database(path)
    assert report.problems == ["The file is not an Ally data file."]


def test_other_programs_database(tmp_path: Path) -> None:
    path = tmp_path / "recipes.db"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
        conn.commit()
    report = check_database(path)
    assert report.problems == ["The file is not an Ally data file."]


def test_newer_schema(db_path: Path) -> None:
    _fresh(db_path, 5)
    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute(f"PRAGMA user_version = {migrations.LATEST_VERSION + 1}")
    report = check_database(db_path)
    assert not report.ok
    assert report.schema_version == migrations.LATEST_VERSION + 1
    assert report.problems == [
        f"The data file was written by a newer Ally (schema {migrations.LATEST_VERSION + 1})."
    ]


def test_dangling_rows_are_reported(db_path: Path) -> None:
    _fresh(db_path, 3)
    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("INSERT INTO contact_email (contact_id, value) VALUES (9999, 'x@y.org')")
        conn.commit()
    report = check_database(db_path)
    assert report.problems == ["Some rows point to contacts that do not exist."]
    assert report.contacts == 3


def test_index_out_of_step_is_reported(db: pw.SqliteDatabase, db_path: Path) -> None:
    ana = create_contact(db, ContactData(given_name="Ana"))
    sqlite_connection(db).execute("DELETE FROM contact_fts WHERE rowid = ?", (ana,))
    report = check_database(db_path)
    assert report.problems == ["The search index is out of step with the contacts."]


def test_check_changes_nothing_even_when_problems_are_found(db_path: Path) -> None:
    _fresh(db_path, 3)
    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute("DELETE FROM contact_fts WHERE rowid = 1")
        conn.commit()
    before = _snapshot(db_path)
    assert not check_database(db_path).ok
    assert _snapshot(db_path) == before


def test_relative_path(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fresh(db_path, 2)
    monkeypatch.chdir(db_path.parent)
    report = check_database(Path(db_path.name))
    assert report.ok
    assert report.contacts == 2


def test_path_with_uri_characters(tmp_path: Path) -> None:
    folder = tmp_path / "odd ?name# 100%"
    folder.mkdir()
    path = folder / "ally.sqlite3"
    _fresh(path, 2)
    report = check_database(path)
    assert report.ok, report.problems
    assert report.contacts == 2
