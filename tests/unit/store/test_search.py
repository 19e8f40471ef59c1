"""The search index and turning typed text into a safe FTS5 query."""

from __future__ import annotations

import sqlite3
import unicodedata
from typing import Any

import peewee as pw
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ally_desktop.core.contact_queries import ContactQuery, contact_ids, find_by_name
from ally_desktop.core.contacts import create_contact, purge_contacts
from ally_desktop.core.demo import generate_demo
from ally_desktop.core.records import ContactData, LabeledValue
from ally_desktop.store import search
from ally_desktop.store.db import sqlite_connection


def _ids(db: pw.SqliteDatabase, text: str) -> list[int]:
    return list(contact_ids(db, ContactQuery(text=text)))


def _add(db: pw.SqliteDatabase, given: str, family: str = "", **fields: Any) -> int:
    return create_contact(db, ContactData(given_name=given, family_name=family, **fields))


def _fts_match(conn: sqlite3.Connection, expression: str) -> list[int]:
    sql = "SELECT rowid FROM contact_fts WHERE contact_fts MATCH ? ORDER BY rowid"
    return [rowid for (rowid,) in conn.execute(sql, (expression,))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ana", '"ana"*'),
        ("Ana Lima", '"Ana"* "Lima"*'),
        ("o'brien", '"o"* "brien"*'),
        ('"quoted"', '"quoted"*'),
        ('say "hi" there', '"say"* "hi"* "there"*'),
        ('"', None),
        ('""', None),
        ("*", None),
        ("pri*", '"pri"*'),
        ("AND", '"AND"*'),
        ("cats OR dogs", '"cats"* "OR"* "dogs"*'),
        ("NOT x", '"NOT"* "x"*'),
        ("(ana OR bo)", '"ana"* "OR"* "bo"*'),
        ("name:bob", '"name"* "bob"*'),
        ("^start", '"start"*'),
        ("a-b_c", '"a"* "b"* "c"*'),
        ("3.14", '"3"* "14"*'),
        ("", None),
        ("   \t\n ", None),
        ("🦊", None),
        ("👩🏽‍💻 🎉", None),
        ("(:*^\"')", None),
        ("Élodie", '"Élodie"*'),
        ("Søren Kierkegaard", '"Søren"* "Kierkegaard"*'),
        ("محمد العلي", '"محمد"* "العلي"*'),
        ("נועה לוי", '"נועה"* "לוי"*'),
        ("李娜", '"李娜"*'),
        ("王 伟", '"王"* "伟"*'),
        ("田中さん", '"田中さん"*'),
    ],
)
def test_match_expression(text: str, expected: str | None) -> None:
    assert search.match_expression(text) == expected


def test_decomposed_accents_become_one_word() -> None:
    decomposed = unicodedata.normalize("NFD", "Élodie")
    assert len(decomposed) == 7
    assert search.query_words(decomposed) == ["Élodie"]
    assert search.match_expression(decomposed) == '"Élodie"*'


def test_query_is_cut_at_max_chars() -> None:
    words = search.query_words("a " * search.MAX_QUERY_CHARS)
    assert len(words) == search.MAX_QUERY_CHARS // 2
    assert search.query_words("x" * (search.MAX_QUERY_CHARS + 50)) == ["x" * search.MAX_QUERY_CHARS]


def test_private_use_characters_are_words() -> None:
    assert search.query_words("\ue000\ue001 x") == ["\ue000\ue001", "x"]


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "o'brien",
        "*",
        "AND",
        "OR",
        "NOT",
        "a AND",
        "(",
        ")",
        "name:",
        ":",
        "^",
        "-",
        "+",
        "NEAR(a b)",
        "{name}: x",
        "\x00",
        "'; DROP TABLE contact; --",
        "🦊",
        "x" * 5000,
    ],
)
def test_hostile_text_is_searched_safely(db: pw.SqliteDatabase, text: str) -> None:
    _add(db, "Ana")
    expression = search.match_expression(text)
    if expression is not None:
        _fts_match(sqlite_connection(db), expression)
    contact_ids(db, ContactQuery(text=text))
    find_by_name(db, text)
    assert _ids(db, "ana") == [1]


@pytest.fixture
def people(db: pw.SqliteDatabase) -> dict[str, int]:
    return {
        "obrien": _add(db, "Tomás", "O'Brien", organization="Contoso"),
        "elodie": _add(db, "Élodie", "Garnier", topics=["Pricing strategy"]),
        "elodie_plain": _add(db, "Elodie", "Martin", notes="Runs the NOT-for-profit board."),
        "andrea": _add(db, "Andrea", "Orton"),
        "arabic": _add(db, "محمد", "العلي"),
        "hebrew": _add(db, "נועה", "לוי"),
        "chinese": _add(db, "李", "娜"),
        "fox": _add(db, "Sam", "Reed", nickname="🦊 Fox"),
        "soren": _add(
            db, "Søren", "Kierkegaard", emails=[LabeledValue("work", "sk@hooli.example")]
        ),
    }


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("o'brien", ["obrien"]),
        ("O'BRIEN", ["obrien"]),
        ("brien", ["obrien"]),
        ("tomas", ["obrien"]),
        ("TOMÁS", ["obrien"]),
        ("elodie", ["elodie", "elodie_plain"]),
        ("Élodie garnier", ["elodie"]),
        ("élodie martin", ["elodie_plain"]),
        ("SØREN", ["soren"]),
        ("kierkegaard søren", ["soren"]),
        ("pricing strat", ["elodie"]),
        ("محمد", ["arabic"]),
        ("العلي محمد", ["arabic"]),
        ("נועה", ["hebrew"]),
        ("לו", ["hebrew"]),
        ("李", ["chinese"]),
        ("娜", ["chinese"]),
        ("🦊", ["fox"]),
        ("fox", ["fox"]),
        ("AND OR", ["andrea"]),
        ("not-for", ["elodie_plain"]),
        ("sk@hooli", ["soren"]),
        ("contoso tomas", ["obrien"]),
        ("contoso elodie", []),
        ('"', []),
    ],
)
def test_search_finds_people(
    db: pw.SqliteDatabase, people: dict[str, int], text: str, who: list[str]
) -> None:
    assert set(_ids(db, text)) == {people[name] for name in who}


def test_find_by_name_looks_only_at_names(db: pw.SqliteDatabase, people: dict[str, int]) -> None:
    assert [m.id for m in find_by_name(db, "contoso")] == []
    assert [m.id for m in find_by_name(db, "o'bri")] == [people["obrien"]]
    assert [m.id for m in find_by_name(db, "elo")] == [people["elodie"], people["elodie_plain"]]
    found = find_by_name(db, "elo", exclude=people["elodie"])
    assert [m.id for m in found] == [people["elodie_plain"]]
    assert find_by_name(db, "🦊") == []
    assert find_by_name(db, "") == []


def test_any_text_searches_without_error(db: pw.SqliteDatabase) -> None:
    generate_demo(db, 300, seed=3)

    @settings(max_examples=200, deadline=None)
    @given(text=st.text(max_size=80))
    def search_for(text: str) -> None:
        ids = contact_ids(db, ContactQuery(text=text))
        assert len(ids) <= 300
        find_by_name(db, text)

    search_for()


_LETTERS = st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=40)


def test_a_name_of_letters_finds_its_contact(db: pw.SqliteDatabase) -> None:
    generate_demo(db, 100, seed=3)

    @settings(max_examples=200, deadline=None)
    @given(name=_LETTERS)
    def create_and_find(name: str) -> None:
        contact_id = create_contact(db, ContactData(given_name=name))
        assert contact_id in contact_ids(db, ContactQuery(text=name))
        assert contact_id in [m.id for m in find_by_name(db, name, limit=10_000)]
        purge_contacts(db, [contact_id])
        assert contact_id not in contact_ids(db, ContactQuery(text=name))

    create_and_find()


def test_reindex_brings_changed_rows_in_step(db: pw.SqliteDatabase) -> None:
    ana = _add(db, "Ana", organization="Globex")
    conn = sqlite_connection(db)
    conn.execute("UPDATE contact SET organization = 'Initech' WHERE id = ?", (ana,))
    assert _ids(db, "initech") == []
    assert _ids(db, "globex") == [ana]
    search.reindex_contacts(conn, [ana])
    assert _ids(db, "initech") == [ana]
    assert _ids(db, "globex") == []


def test_reindex_picks_up_children(db: pw.SqliteDatabase) -> None:
    ana = _add(db, "Ana")
    conn = sqlite_connection(db)
    conn.execute("INSERT INTO topic (name, key) VALUES ('Quantum computing', 'quantum computing')")
    conn.execute(
        "INSERT INTO contact_topic (contact_id, topic_id) VALUES (?, last_insert_rowid())", (ana,)
    )
    conn.execute(
        "INSERT INTO contact_phone (contact_id, value) VALUES (?, '+44 20 7946 0000')", (ana,)
    )
    assert _ids(db, "quantum") == []
    search.reindex_contacts(conn, [ana])
    assert _ids(db, "quantum") == [ana]
    assert _ids(db, "7946") == [ana]


def test_reindex_of_deleted_contact_removes_its_row(db: pw.SqliteDatabase) -> None:
    ana = _add(db, "Ana")
    conn = sqlite_connection(db)
    conn.execute("DELETE FROM contact WHERE id = ?", (ana,))
    assert not search.index_is_consistent(conn)
    search.reindex_contacts(conn, [ana])
    assert search.index_is_consistent(conn)
    assert conn.execute("SELECT count(*) FROM contact_fts").fetchone()[0] == 0


def test_reindex_many_in_chunks(db: pw.SqliteDatabase) -> None:
    generate_demo(db, 1200, seed=5)
    conn = sqlite_connection(db)
    conn.execute("DELETE FROM contact_fts")
    assert not search.index_is_consistent(conn)
    ids = [cid for (cid,) in conn.execute("SELECT id FROM contact")]
    search.reindex_contacts(conn, iter(ids))
    assert search.index_is_consistent(conn)
    assert conn.execute("SELECT count(*) FROM contact_fts").fetchone()[0] == 1200


def test_reindex_nothing_is_harmless(db: pw.SqliteDatabase) -> None:
    _add(db, "Ana")
    conn = sqlite_connection(db)
    search.reindex_contacts(conn, [])
    assert search.index_is_consistent(conn)


def test_rebuild_index_repairs_missing_and_extra_rows(db: pw.SqliteDatabase) -> None:
    ana = _add(db, "Ana", "Lima")
    bo = _add(db, "Bo", "Chen")
    conn = sqlite_connection(db)
    conn.execute("DELETE FROM contact_fts WHERE rowid = ?", (ana,))
    assert not search.index_is_consistent(conn)
    assert _ids(db, "lima") == []

    conn.execute("INSERT INTO contact_fts (rowid, name) VALUES (999, 'ghost')")
    search.rebuild_index(conn)
    assert search.index_is_consistent(conn)
    assert _ids(db, "lima") == [ana]
    assert _ids(db, "chen") == [bo]
    assert _fts_match(conn, '"ghost"*') == []


def test_index_is_consistent_sees_extra_rows(db: pw.SqliteDatabase) -> None:
    _add(db, "Ana")
    conn = sqlite_connection(db)
    assert search.index_is_consistent(conn)
    conn.execute("INSERT INTO contact_fts (rowid, name) VALUES (424242, 'ghost')")
    assert not search.index_is_consistent(conn)


def test_index_is_consistent_on_empty_database(db: pw.SqliteDatabase) -> None:
    assert search.index_is_consistent(sqlite_connection(db))


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("Søren", "soren"),
        ("Łukasz", "lukasz"),
        ("Ægir", "aegir"),
        ("Weiß", "weiss"),
        ("Élodie", "elodie"),
        ("Søren", "SØR"),
    ],
)
def test_letters_people_type_without_accents_are_found(db, stored: str, typed: str) -> None:
    wanted = create_contact(db, ContactData(given_name=stored, family_name="Berg"))
    create_contact(db, ContactData(given_name="Other", family_name="Person"))
    assert list(contact_ids(db, ContactQuery(text=typed))) == [wanted]


def test_fold_sorts_special_letters_with_their_plain_forms() -> None:
    names = ["Sz", "Søren", "Sa", "Soren"]
    assert sorted(names, key=search.fold) == ["Sa", "Søren", "Soren", "Sz"]
