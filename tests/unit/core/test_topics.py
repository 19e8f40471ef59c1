"""The topic vocabulary: suggestions, aliases, merging synonyms and renaming, with exact undo."""

from __future__ import annotations

from typing import Any

import peewee as pw
import pytest

from ally_desktop.core.contact_queries import ContactQuery, contact_ids
from ally_desktop.core.contacts import create_contact, load_contact, purge_contacts, trash_contacts
from ally_desktop.core.records import ContactData
from ally_desktop.core.topics import (
    TopicConflictError,
    TopicNotFoundError,
    list_topics,
    merge_topics,
    related_topics,
    rename_topic,
    resolve_topic,
    suggest_topics,
    undo_merge,
    undo_rename,
)
from ally_desktop.store.db import sqlite_connection


def _add(db: pw.SqliteDatabase, given: str, topics: list[str], **fields: Any) -> int:
    return create_contact(db, ContactData(given_name=given, topics=topics, **fields))


def _id(db: pw.SqliteDatabase, name: str) -> int:
    ref = resolve_topic(db, name)
    assert ref is not None, name
    return ref.id


def _state(db: pw.SqliteDatabase) -> dict[str, list[tuple[Any, ...]]]:
    """Every row a change to the vocabulary can touch, in a stable order."""
    conn = sqlite_connection(db)
    return {
        "topic": conn.execute("SELECT id, name, key FROM topic ORDER BY id").fetchall(),
        "alias": conn.execute(
            "SELECT key, name, topic_id FROM topic_alias ORDER BY key"
        ).fetchall(),
        "listing": conn.execute(
            "SELECT contact_id, topic_id, position FROM contact_topic ORDER BY 1, 2"
        ).fetchall(),
        "index": conn.execute("SELECT rowid, topics FROM contact_fts ORDER BY rowid").fetchall(),
    }


def _suggested(db: pw.SqliteDatabase, text: str) -> list[str]:
    return [s.label() for s in suggest_topics(db, text)]


@pytest.fixture
def people(db: pw.SqliteDatabase) -> dict[str, int]:
    return {
        "ana": _add(db, "Ana", ["pricing", "GDPR"]),
        "bo": _add(db, "Bo", ["hiring", "price", "pricing strategy"]),
        "cy": _add(db, "Cy", ["Price", "pricing"]),
        "di": _add(db, "Di", ["Élan vital", "public speaking"]),
    }


# --- suggestions and resolving ----------------------------------------------------------
def test_suggestions_match_any_word_by_prefix(db: pw.SqliteDatabase, people: dict) -> None:
    assert _suggested(db, "pric") == ["price", "pricing", "pricing strategy"]
    assert _suggested(db, "pricing") == ["pricing", "pricing strategy"]
    assert _suggested(db, "strat") == ["pricing strategy"]
    assert _suggested(db, "PRICING S") == ["pricing strategy"]
    assert _suggested(db, "speak") == ["public speaking"]
    assert _suggested(db, "elan") == ["Élan vital"], "accents aside"
    assert _suggested(db, "") == []
    assert _suggested(db, "  ") == []
    assert _suggested(db, "zzz") == []
    assert _suggested(db, "%") == []
    assert _suggested(db, "_") == []


def test_the_exact_name_comes_first(db: pw.SqliteDatabase) -> None:
    for name in ("strategy pricing", "pricing strategy", "tax", "pricing"):
        _add(db, name, [name])
    assert _suggested(db, "pricing") == ["pricing", "pricing strategy", "strategy pricing"]


def test_a_merged_word_suggests_its_topic(db: pw.SqliteDatabase, people: dict) -> None:
    merge_topics(db, [_id(db, "price")], _id(db, "pricing"))
    assert _suggested(db, "pric") == ["pricing", "pricing strategy"]
    assert _suggested(db, "price") == ["pricing (merged from “price”)"]
    [suggestion] = suggest_topics(db, "pri", limit=1)
    assert (suggestion.name, suggestion.via_alias) == ("pricing", "")


def test_resolve_by_name_or_merged_word(db: pw.SqliteDatabase, people: dict) -> None:
    pricing = _id(db, "pricing")
    for text in ("pricing", " Pricing ", "PRICING"):
        ref = resolve_topic(db, text)
        assert ref is not None
        assert ref.id == pricing
    merge_topics(db, [_id(db, "price")], pricing)
    ref = resolve_topic(db, "Price")
    assert ref is not None
    assert (ref.id, ref.name, ref.aliases, ref.names) == (
        pricing,
        "pricing",
        ("price",),
        ("pricing", "price"),
    )
    assert resolve_topic(db, "pri") is None
    assert resolve_topic(db, "") is None


def test_related_topics_hold_the_phrase(db: pw.SqliteDatabase, people: dict) -> None:
    _add(db, "Ed", ["strategy for pricing", "repricing"])
    names = [ref.name for ref in related_topics(db, ["pricing"], exclude=_id(db, "pricing"))]
    assert names == ["pricing strategy", "strategy for pricing"]
    assert [r.name for r in related_topics(db, ["pricing strat"])] == ["pricing strategy"]
    assert related_topics(db, [""]) == []


def test_list_topics_counts_people_outside_the_trash(db: pw.SqliteDatabase, people: dict) -> None:
    trash_contacts(db, [people["cy"]])
    merge_topics(db, [_id(db, "price")], _id(db, "pricing"))
    usage = {u.name: u for u in list_topics(db)}
    assert usage["pricing"].people == 2  # Ana, and Bo through "price"; Cy is in the trash
    assert usage["pricing"].aliases == ("price",)
    assert usage["GDPR"].people == 1
    assert [u.name for u in list_topics(db, "pric")] == ["pricing", "pricing strategy"]


# --- merging ------------------------------------------------------------------------------
def test_merge_moves_people_and_keeps_the_old_word(db: pw.SqliteDatabase, people: dict) -> None:
    pricing, price = _id(db, "pricing"), _id(db, "price")
    merge = merge_topics(db, [price, pricing], pricing)

    assert load_contact(db, people["bo"]).data.topics == ["hiring", "pricing", "pricing strategy"]
    assert load_contact(db, people["cy"]).data.topics == ["pricing"], "listed both: once"
    assert load_contact(db, people["ana"]).data.topics == ["pricing", "GDPR"]
    conn = sqlite_connection(db)
    place = "SELECT position FROM contact_topic WHERE contact_id = ? AND topic_id = ?"
    assert conn.execute(place, [people["cy"], pricing]).fetchone() == (0,), "the earlier place"
    assert conn.execute("SELECT 1 FROM topic WHERE id = ?", [price]).fetchone() is None
    assert conn.execute("SELECT key, name, topic_id FROM topic_alias").fetchall() == [
        ("price", "price", pricing)
    ]
    assert merge.people == (people["bo"], people["cy"])
    assert merge.describe() == "Merge “price” into “pricing”"
    # The search index's topics column follows.
    found = contact_ids(db, ContactQuery(text="pricing"))
    assert set(found) == {people["ana"], people["bo"], people["cy"]}


def test_people_search_knows_a_topic_by_its_other_names(
    db: pw.SqliteDatabase, people: dict
) -> None:
    """A merged name finds everyone who lists the topic it joined, those who listed only
    the kept one included, until the merge is undone; so does a name before a rename."""

    def found(text: str) -> set[int]:
        return set(contact_ids(db, ContactQuery(text=text)))

    assert found("price") == {people["bo"], people["cy"]}
    pricing = _id(db, "pricing")
    merge = merge_topics(db, [_id(db, "price")], pricing)
    assert found("price") == {people["ana"], people["bo"], people["cy"]}
    undo_merge(db, merge)
    assert found("price") == {people["bo"], people["cy"]}

    assert found("elan") == {people["di"]}
    rename = rename_topic(db, _id(db, "Élan vital"), "Drive")
    assert found("elan") == {people["di"]}, "the name it had"
    assert found("drive") == {people["di"]}
    undo_rename(db, rename)
    assert found("drive") == set()


def test_undo_merge_puts_back_every_row(db: pw.SqliteDatabase, people: dict) -> None:
    before = _state(db)
    pricing = _id(db, "pricing")
    merge = merge_topics(db, [_id(db, "price"), _id(db, "pricing strategy")], pricing)
    merged = _state(db)
    assert merged != before
    assert undo_merge(db, merge) == merge.people
    assert _state(db) == before
    again = merge_topics(db, list(merge.merged_ids), pricing)  # redo
    assert _state(db) == merged
    assert again == merge


def test_chained_merges_undo_in_order(db: pw.SqliteDatabase, people: dict) -> None:
    start = _state(db)
    first = merge_topics(db, [_id(db, "price")], _id(db, "pricing strategy"))
    after_first = _state(db)
    second = merge_topics(db, [_id(db, "pricing strategy")], _id(db, "pricing"))
    conn = sqlite_connection(db)
    assert sorted(conn.execute("SELECT key, topic_id FROM topic_alias").fetchall()) == [
        ("price", _id(db, "pricing")),
        ("pricing strategy", _id(db, "pricing")),
    ], "the aliases of a merged topic follow it"
    undo_merge(db, second)
    assert _state(db) == after_first
    undo_merge(db, first)
    assert _state(db) == start


def test_merge_refuses_what_cannot_be(db: pw.SqliteDatabase, people: dict) -> None:
    pricing = _id(db, "pricing")
    before = _state(db)
    with pytest.raises(TopicConflictError):
        merge_topics(db, [pricing], pricing)
    with pytest.raises(TopicNotFoundError):
        merge_topics(db, [999], pricing)
    with pytest.raises(TopicNotFoundError):
        merge_topics(db, [_id(db, "price")], 999)
    assert _state(db) == before


def test_a_merged_word_typed_again_leads_to_the_topic_it_joined(
    db: pw.SqliteDatabase, people: dict
) -> None:
    pricing = _id(db, "pricing")
    merge = merge_topics(db, [_id(db, "price")], pricing)
    topics_before = _state(db)["topic"]
    ed = _add(db, "Ed", ["Price", "pricing", "hiring"])  # two names of one topic
    assert load_contact(db, ed).data.topics == ["pricing", "hiring"]
    assert _state(db)["topic"] == topics_before, "no topic comes back"
    undo_merge(db, merge)  # still possible: the merged topic never came back
    assert load_contact(db, ed).data.topics == ["pricing", "hiring"]


def test_undo_after_the_word_came_back_is_refused(db: pw.SqliteDatabase, people: dict) -> None:
    merge = merge_topics(db, [_id(db, "price")], _id(db, "pricing"))
    sqlite_connection(db).execute(  # as an older Ally would have stored it
        "INSERT INTO topic (name, key) VALUES ('Price', 'price')"
    )
    before = _state(db)
    with pytest.raises(TopicConflictError, match="exists again"):
        undo_merge(db, merge)
    assert _state(db) == before


def test_undo_skips_people_deleted_for_good(db: pw.SqliteDatabase, people: dict) -> None:
    merge = merge_topics(db, [_id(db, "price")], _id(db, "pricing"))
    purge_contacts(db, [people["cy"]])
    undo_merge(db, merge)
    assert load_contact(db, people["bo"]).data.topics == ["hiring", "price", "pricing strategy"]
    conn = sqlite_connection(db)
    assert conn.execute("SELECT count(*) FROM contact_topic WHERE contact_id = ?",
                        [people["cy"]]).fetchone() == (0,)  # fmt: skip


def test_merging_a_topic_merged_into_before_replaces_the_old_alias(
    db: pw.SqliteDatabase, people: dict
) -> None:
    pricing = _id(db, "pricing")
    merge_topics(db, [_id(db, "price")], pricing)
    ed = _add(db, "Ed", ["price"])  # a new "price" topic while the alias exists
    strategy = _id(db, "pricing strategy")
    before = _state(db)
    merge = merge_topics(db, [_id(db, "price")], strategy)
    conn = sqlite_connection(db)
    assert conn.execute("SELECT topic_id FROM topic_alias WHERE key = 'price'").fetchone() == (
        strategy,
    )
    assert load_contact(db, ed).data.topics == ["pricing strategy"]
    undo_merge(db, merge)
    assert _state(db) == before


# --- renaming -----------------------------------------------------------------------------
def test_rename_keeps_the_old_name_as_an_alias(db: pw.SqliteDatabase, people: dict) -> None:
    before = _state(db)
    gdpr = _id(db, "GDPR")
    rename = rename_topic(db, gdpr, "  Data protection (GDPR) ")
    assert load_contact(db, people["ana"]).data.topics == ["pricing", "Data protection (GDPR)"]
    ref = resolve_topic(db, "gdpr")
    assert ref is not None
    assert (ref.id, ref.name) == (gdpr, "Data protection (GDPR)")
    assert list(contact_ids(db, ContactQuery(text="protection"))) == [people["ana"]]
    assert rename.describe() == "Rename topic “GDPR” to “Data protection (GDPR)”"
    assert undo_rename(db, rename) == (people["ana"],)
    assert _state(db) == before


def test_rename_case_only_adds_no_alias(db: pw.SqliteDatabase, people: dict) -> None:
    before = _state(db)
    rename = rename_topic(db, _id(db, "GDPR"), "gdpr")
    assert rename.added_alias == ""
    assert sqlite_connection(db).execute("SELECT count(*) FROM topic_alias").fetchone() == (0,)
    undo_rename(db, rename)
    assert _state(db) == before


def test_rename_to_another_topic_is_refused(db: pw.SqliteDatabase, people: dict) -> None:
    merge_topics(db, [_id(db, "price")], _id(db, "pricing strategy"))
    before = _state(db)
    for name in ("Pricing", "price"):  # another topic, another topic's merged word
        with pytest.raises(TopicConflictError, match="merge the two"):
            rename_topic(db, _id(db, "GDPR"), name)
    with pytest.raises(TopicConflictError):
        rename_topic(db, _id(db, "GDPR"), "   ")
    with pytest.raises(TopicNotFoundError):
        rename_topic(db, 999, "x")
    assert _state(db) == before


def test_rename_back_to_a_merged_word(db: pw.SqliteDatabase, people: dict) -> None:
    pricing = _id(db, "pricing")
    merge_topics(db, [_id(db, "price")], pricing)
    before = _state(db)
    rename = rename_topic(db, pricing, "Price")
    conn = sqlite_connection(db)
    assert conn.execute("SELECT key, name FROM topic_alias ORDER BY key").fetchall() == [
        ("pricing", "pricing")
    ]
    assert conn.execute("SELECT name FROM topic WHERE id = ?", [pricing]).fetchone() == ("Price",)
    undo_rename(db, rename)
    assert _state(db) == before


def test_an_import_naming_a_merged_word_lists_the_topic_it_joined(
    db: pw.SqliteDatabase, people: dict
) -> None:
    from ally_desktop.core.transfer.bulk import NewContact, insert_contacts

    pricing = _id(db, "pricing")
    merge_topics(db, [_id(db, "price")], pricing)
    topics_before = _state(db)["topic"]
    conn = sqlite_connection(db)
    new_id = int(conn.execute("SELECT max(id) + 1 FROM contact").fetchone()[0])
    data = ContactData(given_name="Flo", topics=["Price", "Pricing", "GDPR"])
    with conn:
        insert_contacts(conn, [NewContact(new_id, data)])
    assert load_contact(db, new_id).data.topics == ["pricing", "GDPR"]
    assert _state(db)["topic"] == topics_before
