"""Imports are planned, applied all at once or not at all, and taken back whole."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import peewee as pw
import pytest

from ally_desktop.core.contacts import create_contact, load_contact, trash_contacts
from ally_desktop.core.records import ContactData, LabeledValue
from ally_desktop.core.transfer.importing import (
    DuplicateAction,
    ImportCancelledError,
    ImportRedoConflictError,
    apply_import,
    plan_import,
    undo_import,
)
from ally_desktop.core.transfer.reading import read_file
from ally_desktop.store.db import sqlite_connection

HEADER = "id,given_name,family_name,organization,emails,tags,notes,connections,dates\r\n"


def _write(folder: Path, rows: list[str], name: str = "in.csv") -> Path:
    path = folder / name
    path.write_text(HEADER + "".join(r + "\r\n" for r in rows), encoding="utf-8")
    return path


def _snapshot(db: pw.SqliteDatabase) -> list[tuple[object, ...]]:
    """Everything an import may touch, to compare before and after."""
    conn = sqlite_connection(db)
    tables = ("contact", "contact_email", "contact_tag", "tag", "important_date")
    rows: list[tuple[object, ...]] = []
    for table in tables:
        rows += [(table, *r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY 1")]
    rows += [
        ("connection", *r)
        for r in conn.execute("SELECT from_id, to_id, kind, label, note FROM connection ORDER BY 1")
    ]
    rows += [("fts", *r) for r in conn.execute("SELECT rowid, name FROM contact_fts ORDER BY 1")]
    rows += [
        ("reminder", *r)
        for r in conn.execute("SELECT kind, contact_id, date_key FROM reminder ORDER BY 1, 2, 3")
    ]
    return rows


@pytest.fixture
def ana(db: pw.SqliteDatabase) -> int:
    return create_contact(
        db,
        ContactData(
            given_name="Ana",
            family_name="Ruiz",
            organization="Acme",
            emails=[LabeledValue("work", "ana@acme.example")],
            tags=["board"],
            notes="Met at the offsite.",
        ),
    )


def test_new_people_their_tags_dates_and_links_are_stored(
    db: pw.SqliteDatabase, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        [
            'a1,Bo,Chen,Globex,work;bo@globex.example,"vip\nfinance",,reports_to;a2,birthday;--02-29',
            "a2,Cy,Diaz,Globex,,vip,,,",
        ],
    )
    plan = plan_import(db, read_file(path))
    assert (plan.problems, plan.duplicates) == ([], [])
    outcome = apply_import(db, plan)
    bo, cy = outcome.created_ids
    record = load_contact(db, bo)
    assert record.data.tags == ["vip", "finance"]
    assert record.data.emails == [LabeledValue("work", "bo@globex.example")]
    assert [(v.other_id, v.phrase) for v in record.connections] == [(cy, "reports to")]
    assert outcome.connections == 1
    conn = sqlite_connection(db)
    # The same triggers as for a person made in the window: a birthday reminder ...
    assert conn.execute("SELECT count(*) FROM reminder WHERE contact_id = ?", [bo]).fetchone() == (
        1,
    )
    # ... and the search index.
    found = conn.execute("SELECT rowid FROM contact_fts WHERE contact_fts MATCH 'globex'")
    assert sorted(r[0] for r in found) == [bo, cy]


def test_duplicates_by_email_or_by_name_and_organization(
    db: pw.SqliteDatabase, ana: int, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        [
            ",Anita,R.,Other,work;ANA@acme.example,,,,",  # same email, other name
            ",ana,ruiz,ACME,,,,,",  # same name and organization, letter case aside
            ",Ana,Ruiz,Initech,,,,,",  # same name elsewhere: someone else
        ],
    )
    plan = plan_import(db, read_file(path))
    assert [(d.index, d.existing_id, d.reason) for d in plan.duplicates] == [
        (0, ana, "same email ANA@acme.example"),
        (1, ana, "same name at ACME"),
    ]
    trash_contacts(db, [ana])
    assert plan_import(db, read_file(path)).duplicates == []  # the trash is not matched


def test_merge_fills_gaps_and_keeps_both_notes_skip_leaves_alone_create_adds(
    db: pw.SqliteDatabase, ana: int, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        [
            ',Ana,Ruiz,Acme,"home;ana@home.example\nwork;ana@acme.example",mentor,Likes chess.,,',
            ",Ana,Ruiz,Acme,,,,,",
            ",Ana,Ruiz,Acme,,,,,",
        ],
    )
    plan = plan_import(db, read_file(path))
    assert len(plan.duplicates) == 3
    choices = {0: DuplicateAction.MERGE, 1: DuplicateAction.SKIP, 2: DuplicateAction.CREATE}
    outcome = apply_import(db, plan, choices)
    assert len(outcome.created_ids) == 1
    assert outcome.skipped == 1
    assert [contact_id for contact_id, _ in outcome.merged] == [ana]
    merged = load_contact(db, ana).data
    assert [e.value for e in merged.emails] == ["ana@acme.example", "ana@home.example"]
    assert merged.tags == ["board", "mentor"]
    assert merged.notes == "Met at the offsite.\n\nLikes chess."


def test_one_choice_for_all(db: pw.SqliteDatabase, ana: int, tmp_path: Path) -> None:
    path = _write(tmp_path, [",Ana,Ruiz,Acme,,,,,", ",Ana,Ruiz,Acme,,,,,"])
    plan = plan_import(db, read_file(path))
    outcome = apply_import(db, plan, default=DuplicateAction.SKIP)
    assert (outcome.created_ids, outcome.skipped) == ([], 2)


def test_undo_takes_the_whole_import_back_and_redo_repeats_it(
    db: pw.SqliteDatabase, ana: int, tmp_path: Path
) -> None:
    before = _snapshot(db)
    path = _write(
        tmp_path,
        [
            ",Ana,Ruiz,Acme,,newtag,More notes.,,birthday;1980-05-01",
            "b,Bo,Chen,Globex,,newtag,,works_with;c,",
            "c,Cy,Diaz,Globex,,,,,birthday;--12-24",
        ],
    )
    plan = plan_import(db, read_file(path))
    outcome = apply_import(db, plan)
    after = _snapshot(db)
    assert after != before
    undo_import(db, outcome)
    assert [r for r in _snapshot(db) if r[0] != "tag"] == [r for r in before if r[0] != "tag"]
    redone = apply_import(db, plan, reuse_ids=outcome.created_ids)
    assert redone.created_ids == outcome.created_ids
    assert [r for r in _snapshot(db) if r[0] not in ("contact",)] == [
        r for r in after if r[0] not in ("contact",)
    ]


def test_a_person_merged_twice_is_restored_to_the_original(
    db: pw.SqliteDatabase, ana: int, tmp_path: Path
) -> None:
    original = load_contact(db, ana).data
    path = _write(tmp_path, [",Ana,Ruiz,Acme,,one,,,", ",Ana,Ruiz,Acme,,two,,,"])
    outcome = apply_import(db, plan_import(db, read_file(path)))
    assert load_contact(db, ana).data.tags == ["board", "one", "two"]
    undo_import(db, outcome)
    assert load_contact(db, ana).data == original


def test_a_cancel_half_way_stores_nothing(db: pw.SqliteDatabase, ana: int, tmp_path: Path) -> None:
    rows = [f",Person,{i},Org,,,,," for i in range(12_000)]
    plan = plan_import(db, read_file(_write(tmp_path, rows)))
    before = _snapshot(db)
    calls = 0

    def cancel_later() -> bool:
        nonlocal calls
        calls += 1
        return calls > 1  # after the first chunk was written

    with pytest.raises(ImportCancelledError):
        apply_import(db, plan, cancelled=cancel_later)
    assert _snapshot(db) == before


def test_rows_that_fail_validation_are_problems_with_their_line(
    db: pw.SqliteDatabase, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        [
            ",Bo,,,,,,,",
            ",,,,work;not-an-email,,,,",
            ",Cy,,,work;cy@@example,,,,",
            ",Di,,,,,,,birthday;1990-02-30",
        ],
    )
    plan = plan_import(db, read_file(path))
    assert [c.data.given_name for c in plan.contacts] == ["Bo"]
    assert [p.line for p in plan.problems] == [3, 4, 5]
    assert "A name is needed" in plan.problems[0].reason
    assert "not a valid email" in plan.problems[1].reason
    assert "not a date" in plan.problems[2].reason


def test_a_link_to_someone_not_in_the_file_is_counted_not_guessed(
    db: pw.SqliteDatabase, tmp_path: Path
) -> None:
    path = _write(tmp_path, ['x,Bo,,,,,,"reports_to;nobody\nfriend_of;x",'])
    outcome = apply_import(db, plan_import(db, read_file(path)))
    assert (outcome.connections, outcome.unresolved_links) == (0, 2)


def test_an_import_waits_for_another_writer_and_then_succeeds(
    db: pw.SqliteDatabase, db_path: Path, tmp_path: Path
) -> None:
    plan = plan_import(db, read_file(_write(tmp_path, [",Bo,,,,,,,"])))
    other = sqlite3.connect(db_path, timeout=0, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    import threading

    release = threading.Timer(0.3, other.commit)
    release.start()
    try:
        outcome = apply_import(db, plan)
    finally:
        release.join()
        other.close()
    assert len(outcome.created_ids) == 1


def test_a_redo_whose_ids_were_taken_meanwhile_stores_nothing_and_says_so(
    db: pw.SqliteDatabase, tmp_path: Path
) -> None:
    plan = plan_import(db, read_file(_write(tmp_path, [",Bo,,,,,,,", ",Cy,,,,,,,"])))
    outcome = apply_import(db, plan)
    undo_import(db, outcome)
    create_contact(db, ContactData(given_name="Someone else"))  # takes the first id again
    before = _snapshot(db)
    with pytest.raises(ImportRedoConflictError, match="cannot be redone"):
        apply_import(db, plan, reuse_ids=outcome.created_ids)
    assert _snapshot(db) == before
