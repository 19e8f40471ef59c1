"""Reading the contact list: sorted ids from SQLite, rows on demand, vocabularies."""

from __future__ import annotations

import dataclasses
import itertools
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import peewee as pw
import pytest

from ally_desktop.core.contact_queries import (
    ContactQuery,
    SortKey,
    contact_ids,
    count_contacts,
    find_by_name,
    has_contacts,
    interaction_cutoff,
    organization_names,
    rows_by_ids,
    tag_names,
    topic_names,
)
from ally_desktop.core.contacts import (
    create_contact,
    load_contact,
    restore_contacts,
    trash_contacts,
    update_contact,
)
from ally_desktop.core.demo import generate_demo
from ally_desktop.core.health import health_of
from ally_desktop.core.records import Closeness, ContactData, ContactRow, LabeledValue
from ally_desktop.core.text import sort_key
from ally_desktop.core.timeline import (
    InteractionData,
    TimelineQuery,
    create_interaction,
    interaction_ids,
    set_interactions_trashed,
)
from ally_desktop.store.db import close_database, open_database, sqlite_connection


def _add(db: pw.SqliteDatabase, given: str, family: str = "", **fields: Any) -> int:
    return create_contact(db, ContactData(given_name=given, family_name=family, **fields))


def _ids(db: pw.SqliteDatabase, **query: Any) -> list[int]:
    return list(contact_ids(db, ContactQuery(**query)))


def _plain(row: ContactRow) -> ContactRow:
    """The ContactRow part of a list row (without its health)."""
    return ContactRow(**{f.name: getattr(row, f.name) for f in dataclasses.fields(ContactRow)})


@pytest.fixture
def team(db: pw.SqliteDatabase) -> dict[str, int]:
    return {
        "zoe": _add(
            db,
            "Zoë",
            "Adams",
            organization="acme",
            job_title="CFO",
            team="Finance",
            closeness=Closeness.INNER_CIRCLE,
            tags=["Mentor"],
        ),
        "emile": _add(
            db,
            "Émile",
            "Lefèvre",
            organization="Globex",
            job_title="analyst",
            team="Data",
            closeness=Closeness.ALLY,
            tags=["alumni", "mentor"],
        ),
        "elodie2": _add(db, "Elodie", "Martin", organization="ACME", closeness=Closeness.OTHER),
        "elodie1": _add(
            db,
            "Élodie",
            "Garnier",
            organization="Acme",
            job_title="Engineer",
            team="Platform",
            tags=["Alumni"],
        ),
        "bob": _add(db, "bob", "Young", job_title="Designer", closeness=Closeness.ALLY),
        "ana": _add(db, "Ana", "Zimmer", organization="Initech", archived=True, tags=["mentor"]),
    }


def _names(db: pw.SqliteDatabase, ids: list[int]) -> list[str]:
    rows = rows_by_ids(db, ids)
    return [rows[i].name for i in ids]


def test_default_list_is_by_name_without_archived_or_trashed(
    db: pw.SqliteDatabase, team: dict[str, int]
) -> None:
    trash_contacts(db, [team["bob"]])
    assert _names(db, _ids(db)) == ["Élodie Garnier", "Elodie Martin", "Émile Lefèvre", "Zoë Adams"]


def test_name_sort_ignores_accents_and_case(db: pw.SqliteDatabase) -> None:
    for given in ("émile", "Elodie", "Zoë", "élodie", "Eve", "bob", "Ángel", "Ana"):
        _add(db, given)
    names = _names(db, _ids(db))
    assert names == ["Ana", "Ángel", "bob", "Elodie", "élodie", "émile", "Eve", "Zoë"]
    assert _names(db, _ids(db, descending=True)) == names[::-1]


def test_same_name_is_ordered_by_id(db: pw.SqliteDatabase) -> None:
    first, second = _add(db, "Kim"), _add(db, "Kim")
    assert _ids(db) == [first, second]
    assert _ids(db, descending=True) == [second, first]


def test_sort_by_organization(db: pw.SqliteDatabase, team: dict[str, int]) -> None:
    ids = _ids(db, sort=SortKey.ORGANIZATION)
    assert _names(db, ids) == [
        "Élodie Garnier",
        "Elodie Martin",
        "Zoë Adams",
        "Émile Lefèvre",
        "bob Young",
    ]
    down = _ids(db, sort=SortKey.ORGANIZATION, descending=True)
    assert _names(db, down) == [
        "Émile Lefèvre",
        "Élodie Garnier",
        "Elodie Martin",
        "Zoë Adams",
        "bob Young",
    ]


def test_sort_by_job_title_and_team(db: pw.SqliteDatabase, team: dict[str, int]) -> None:
    ids = _ids(db, sort=SortKey.JOB_TITLE)
    assert _names(db, ids) == [
        "Émile Lefèvre",
        "Zoë Adams",
        "bob Young",
        "Élodie Garnier",
        "Elodie Martin",
    ]
    ids = _ids(db, sort=SortKey.TEAM, descending=True)
    assert _names(db, ids) == [
        "Élodie Garnier",
        "Zoë Adams",
        "Émile Lefèvre",
        "bob Young",
        "Elodie Martin",
    ]


def test_sort_by_closeness(db: pw.SqliteDatabase, team: dict[str, int]) -> None:
    ids = _ids(db, sort=SortKey.CLOSENESS)
    assert _names(db, ids) == [
        "Zoë Adams",
        "bob Young",
        "Émile Lefèvre",
        "Élodie Garnier",
        "Elodie Martin",
    ]
    closeness = [
        rows_by_ids(db, ids)[i].closeness for i in _ids(db, sort=SortKey.CLOSENESS, descending=True)
    ]
    assert closeness == sorted(closeness, reverse=True)


@pytest.mark.parametrize("descending", [False, True])
def test_the_first_page_by_closeness_is_the_start_of_the_whole_list(
    db: pw.SqliteDatabase, descending: bool
) -> None:
    """The first screenful and the whole list are read with different plans; namesakes
    at the same closeness must still come in one order (else the list reloads)."""
    for index in range(30):
        _add(db, "Sam", "Lee", closeness=Closeness(index % 3 + 1))
    _add(db, "Ana", "Lima", closeness=Closeness.ALLY)
    query = ContactQuery(sort=SortKey.CLOSENESS, descending=descending)
    whole = list(contact_ids(db, query))
    assert len(whole) == 31
    for size in (1, 5, 12, 20):
        assert list(contact_ids(db, query, limit=size)) == whole[:size]
    rows = rows_by_ids(db, whole)
    for first, second in itertools.pairwise(whole):
        a, b = rows[first], rows[second]
        if (a.name, a.closeness) == (b.name, b.closeness):
            assert first < second, "namesakes at one closeness go by id"


def test_sort_by_last_update(db: pw.SqliteDatabase, team: dict[str, int]) -> None:
    bob = team["bob"]
    update_contact(db, bob, dataclasses.replace(load_contact(db, bob).data, team="Design"))
    newest_first = _ids(db, sort=SortKey.UPDATED, descending=True)
    assert newest_first[0] == bob
    oldest_first = _ids(db, sort=SortKey.UPDATED)
    assert oldest_first == newest_first[::-1]
    assert oldest_first[0] == team["zoe"]


@pytest.mark.parametrize("tag", ["mentor", "MENTOR", " Mentor "])
def test_filter_by_tag(db: pw.SqliteDatabase, team: dict[str, int], tag: str) -> None:
    assert _ids(db, tag=tag) == [team["emile"], team["zoe"]]
    assert _ids(db, tag=tag, include_archived=True) == [team["ana"], team["emile"], team["zoe"]]


def test_filter_by_unknown_tag(db: pw.SqliteDatabase, team: dict[str, int]) -> None:
    assert _ids(db, tag="nobody uses this") == []


def test_filter_by_closeness(db: pw.SqliteDatabase, team: dict[str, int]) -> None:
    assert _ids(db, closeness=Closeness.ALLY) == [team["bob"], team["emile"]]
    assert _ids(db, closeness=Closeness.INNER_CIRCLE) == [team["zoe"]]
    assert _ids(db, closeness=Closeness.ACQUAINTANCE) == [team["elodie1"]]


@pytest.mark.parametrize("organization", ["acme", "ACME", "Acme", "aCmE"])
def test_filter_by_organization_ignores_case(
    db: pw.SqliteDatabase, team: dict[str, int], organization: str
) -> None:
    assert _ids(db, organization=organization) == [team["elodie1"], team["elodie2"], team["zoe"]]


def test_filter_by_organization_is_exact(db: pw.SqliteDatabase, team: dict[str, int]) -> None:
    assert _ids(db, organization="Acm") == []
    assert _ids(db, organization="") == [team["bob"]]


def test_archived_are_shown_on_request(db: pw.SqliteDatabase, team: dict[str, int]) -> None:
    assert team["ana"] not in _ids(db)
    assert team["ana"] in _ids(db, include_archived=True)
    assert _ids(db, organization="Initech", include_archived=True) == [team["ana"]]


def test_trash_lists_most_recently_trashed_first(
    db: pw.SqliteDatabase, team: dict[str, int]
) -> None:
    trash_contacts(db, [team["zoe"]])
    trash_contacts(db, [team["ana"]])
    trash_contacts(db, [team["bob"]])
    assert _ids(db, trashed=True) == [team["bob"], team["ana"], team["zoe"]]
    assert team["bob"] not in _ids(db, include_archived=True)
    assert _ids(db, trashed=True, text="zoe") == [team["zoe"]]


def test_filters_combine(db: pw.SqliteDatabase, team: dict[str, int]) -> None:
    assert _ids(db, text="elodie", organization="acme") == [team["elodie1"], team["elodie2"]]
    assert _ids(db, text="elodie", tag="alumni") == [team["elodie1"]]
    assert _ids(db, text="elodie", closeness=Closeness.INNER_CIRCLE) == []
    assert _ids(db, tag="mentor", closeness=Closeness.ALLY) == [team["emile"]]


def test_emoji_search_looks_in_names(db: pw.SqliteDatabase) -> None:
    fox = create_contact(db, ContactData(given_name="Sam", nickname="🦊 Fox"))
    _add(db, "Kim")
    assert _ids(db, text="🦊") == [fox]
    assert _ids(db, text="🐻") == []


def test_blank_search_is_no_search(db: pw.SqliteDatabase, team: dict[str, int]) -> None:
    assert _ids(db, text="   ") == _ids(db)


def test_rows_by_ids(db: pw.SqliteDatabase) -> None:
    ana = _add(
        db,
        "Ana",
        "Lima",
        organization="Globex",
        job_title="CFO",
        team="Finance",
        closeness=Closeness.INNER_CIRCLE,
        archived=True,
        tags=["sponsor", "alumni"],
        topics=["Tax", "Budgeting", "GDPR"],
        emails=[LabeledValue("work", "ana@globex.example"), LabeledValue("", "a@b.example")],
    )
    bo = _add(db, "Bo")
    rows = rows_by_ids(db, [ana, bo, 999])
    assert set(rows) == {ana, bo}
    record = load_contact(db, ana)
    assert _plain(rows[ana]) == ContactRow(
        ana,
        "Ana Lima",
        "Globex",
        "CFO",
        "Finance",
        Closeness.INNER_CIRCLE,
        True,
        "sponsor, alumni",
        "Tax, Budgeting, GDPR",
        "ana@globex.example",
        record.updated_at,
    )
    assert _plain(rows[bo]) == ContactRow(
        bo,
        "Bo",
        "",
        "",
        "",
        Closeness.ACQUAINTANCE,
        False,
        "",
        "",
        "",
        load_contact(db, bo).updated_at,
    )
    trash_contacts(db, [bo])
    trashed_at = load_contact(db, bo).trashed_at
    assert rows_by_ids(db, [bo])[bo].updated_at == trashed_at
    assert rows_by_ids(db, []) == {}


def test_rows_carry_the_last_interaction(db: pw.SqliteDatabase) -> None:
    ana, bo = _add(db, "Ana"), _add(db, "Bo")
    paris = ZoneInfo("Europe/Paris")
    _met(db, [ana], datetime(2026, 11, 20, 15, 30, tzinfo=paris))
    _met(db, [ana], datetime(2026, 3, 1, 9, 0, tzinfo=paris))
    rows = rows_by_ids(db, [ana, bo])
    assert rows[ana].last_interaction_at == "2026-11-20T14:30:00Z", "the latest, in UTC"
    assert rows[bo].last_interaction_at is None


def test_count_contacts(db: pw.SqliteDatabase, team: dict[str, int]) -> None:
    assert count_contacts(db) == 6
    assert count_contacts(db, trashed=True) == 0
    trash_contacts(db, [team["ana"], team["bob"]])
    assert count_contacts(db) == 4
    assert count_contacts(db, trashed=True) == 2


def test_has_contacts_counts_only_people_outside_the_trash(
    db: pw.SqliteDatabase, team: dict[str, int]
) -> None:
    assert has_contacts(db)
    trash_contacts(db, list(team.values()))
    assert not has_contacts(db), "only people in the trash: nobody to speak of"


def test_has_contacts_on_an_empty_store(db: pw.SqliteDatabase) -> None:
    assert not has_contacts(db)


def test_tag_names(db: pw.SqliteDatabase, team: dict[str, int]) -> None:
    assert tag_names(db) == ["alumni", "Mentor"]
    _add(db, "Kim", tags=["zebra", "Ánimo", "book club"])
    assert [sort_key(t) for t in tag_names(db)] == [
        "alumni",
        "animo",
        "book club",
        "mentor",
        "zebra",
    ]
    kim = _ids(db, text="kim")
    trash_contacts(db, kim)
    assert [sort_key(t) for t in tag_names(db)] == ["alumni", "mentor"]


def test_tag_names_keep_the_first_spelling(db: pw.SqliteDatabase) -> None:
    _add(db, "Ana", tags=["Book Club"])
    _add(db, "Bo", tags=["book club"])
    assert tag_names(db) == ["Book Club"]


def test_organization_names(db: pw.SqliteDatabase, team: dict[str, int]) -> None:
    names = organization_names(db)
    assert [sort_key(n) for n in names] == ["acme", "globex", "initech"]
    assert names[1:] == ["Globex", "Initech"]
    trash_contacts(db, [team["ana"]])
    assert [sort_key(n) for n in organization_names(db)] == ["acme", "globex"]


def test_organization_names_limit_keeps_the_most_common(db: pw.SqliteDatabase) -> None:
    for n in range(3):
        _add(db, f"Z{n}", organization="Zeta")
    for n in range(2):
        _add(db, f"A{n}", organization="Alpha")
    _add(db, "M", organization="Mu")
    assert organization_names(db, limit=2) == ["Alpha", "Zeta"]
    assert organization_names(db) == ["Alpha", "Mu", "Zeta"]


def test_topic_names_complete_a_prefix(db: pw.SqliteDatabase) -> None:
    _add(db, "Ana", topics=["Pricing", "pricing strategy", "Procurement", "Tax", "Ética"])
    assert topic_names(db, "pri") == ["Pricing", "pricing strategy"]
    assert topic_names(db, "PRICING ") == ["Pricing", "pricing strategy"]
    assert topic_names(db, "p") == ["Pricing", "pricing strategy", "Procurement"]
    assert topic_names(db, "etic") == ["Ética"]
    assert topic_names(db, "p", limit=1) == ["Pricing"]
    assert topic_names(db) == ["Ética", "Pricing", "pricing strategy", "Procurement", "Tax"]
    assert topic_names(db, "x") == []


def test_find_by_name(db: pw.SqliteDatabase, team: dict[str, int]) -> None:
    found = find_by_name(db, "elo")
    assert [(m.id, m.name, m.organization) for m in found] == [
        (team["elodie1"], "Élodie Garnier", "Acme"),
        (team["elodie2"], "Elodie Martin", "ACME"),
    ]
    assert [m.id for m in find_by_name(db, "elo", limit=1)] == [team["elodie1"]]
    assert [m.id for m in find_by_name(db, "elodie mart")] == [team["elodie2"]]
    assert [m.id for m in find_by_name(db, "ana")] == [team["ana"]]
    assert find_by_name(db, "globex") == []
    trash_contacts(db, [team["elodie1"]])
    assert [m.id for m in find_by_name(db, "elo")] == [team["elodie2"]]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[pw.SqliteDatabase]:
    path = Path(tmp_path_factory.mktemp("demo")) / "ally.sqlite3"
    database = open_database(path)
    generate_demo(database, 3000, seed=7)
    yield database
    close_database(database)


def _conn(db: pw.SqliteDatabase) -> sqlite3.Connection:
    return sqlite_connection(db)


def test_demo_list_is_sorted_by_name_accent_insensitively(demo: pw.SqliteDatabase) -> None:
    ids = _ids(demo)
    expected = (
        _conn(demo)
        .execute("SELECT count(*) FROM contact WHERE trashed_at IS NULL AND archived = 0")
        .fetchone()[0]
    )
    assert len(ids) == expected
    assert len(set(ids)) == len(ids)
    rows = rows_by_ids(demo, ids)
    keys = [(sort_key(rows[i].name), i) for i in ids]
    assert keys == sorted(keys)
    assert _ids(demo, descending=True) == ids[::-1]


def test_demo_every_sort_returns_the_same_people(demo: pw.SqliteDatabase) -> None:
    everyone = set(_ids(demo))
    for key in SortKey:
        for descending in (False, True):
            ids = _ids(demo, sort=key, descending=descending)
            assert set(ids) == everyone
            assert len(ids) == len(everyone)


def test_demo_sort_by_organization(demo: pw.SqliteDatabase) -> None:
    ids = _ids(demo, sort=SortKey.ORGANIZATION)
    rows = rows_by_ids(demo, ids)
    orgs = [rows[i].organization.lower() for i in ids]
    assert orgs == sorted(orgs)
    down = _ids(demo, sort=SortKey.ORGANIZATION, descending=True)
    orgs_down = [rows[i].organization.lower() for i in down]
    assert orgs_down == sorted(orgs_down, reverse=True)


def test_demo_filters(demo: pw.SqliteDatabase) -> None:
    organization = organization_names(demo)[0]
    ids = _ids(demo, organization=organization.upper())
    assert ids
    assert all(r.organization == organization for r in rows_by_ids(demo, ids).values())

    ids = _ids(demo, tag="MENTOR")
    assert ids
    assert all("mentor" in r.tags.split(", ") for r in rows_by_ids(demo, ids).values())

    ids = _ids(demo, closeness=Closeness.INNER_CIRCLE)
    assert ids
    assert {r.closeness for r in rows_by_ids(demo, ids).values()} == {Closeness.INNER_CIRCLE}

    archived = set(_ids(demo, include_archived=True)) - set(_ids(demo))
    assert archived
    assert all(r.archived for r in rows_by_ids(demo, list(archived)).values())


def test_demo_search(demo: pw.SqliteDatabase) -> None:
    ids = _ids(demo, text="pricing")
    assert ids
    assert len(ids) < count_contacts(demo)
    for cid in ids[:50]:
        record = load_contact(demo, cid)
        text = " ".join(
            [
                record.name,
                record.data.organization,
                record.data.job_title,
                record.data.team,
                *record.data.topics,
                *record.data.tags,
                record.data.notes,
                record.data.ambitions,
            ]
        ).lower()
        assert "pricing" in text


def test_demo_rows_in_pages(demo: pw.SqliteDatabase) -> None:
    ids = contact_ids(demo, ContactQuery(include_archived=True))
    rows = rows_by_ids(demo, ids)
    assert len(rows) == len(ids)
    assert all(r.email for r in rows.values())


def test_demo_vocabularies(demo: pw.SqliteDatabase) -> None:
    assert len(organization_names(demo)) > 10
    assert organization_names(demo, limit=3) == sorted(
        organization_names(demo, limit=3), key=sort_key
    )
    assert "mentor" in tag_names(demo)
    assert topic_names(demo, "pric") == ["pricing", "pricing strategy"]


# --- last interaction: the sort and "not contacted in N days" ------------------------------
NOW = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)


def _met(db: pw.SqliteDatabase, people: list[int], when: datetime) -> int:
    return create_interaction(db, InteractionData("coffee", people, when=when))


@pytest.fixture
def contacted(db: pw.SqliteDatabase) -> dict[str, int]:
    """Ana 3 days ago, Bo and Cy together 40 days ago, Dee 200 days ago, Eve and Fay never."""
    people = {name: _add(db, name) for name in ("Fay", "Cy", "Eve", "Dee", "Bo", "Ana")}
    _met(db, [people["Dee"]], NOW - timedelta(days=200))
    _met(db, [people["Dee"]], NOW - timedelta(days=400))
    _met(db, [people["Ana"]], NOW - timedelta(days=50))
    _met(db, [people["Ana"]], NOW - timedelta(days=3))
    _met(db, [people["Cy"], people["Bo"]], NOW - timedelta(days=40))
    return people


def _named(db: pw.SqliteDatabase, **query: Any) -> list[str]:
    return _names(db, list(contact_ids(db, ContactQuery(**query), now=NOW)))


def test_sort_by_last_interaction_most_recent_first_never_contacted_last(
    db: pw.SqliteDatabase, contacted: dict[str, int]
) -> None:
    newest_first = _named(db, sort=SortKey.LAST_INTERACTION, descending=True)
    assert newest_first == ["Ana", "Bo", "Cy", "Dee", "Eve", "Fay"]


def test_sort_by_last_interaction_longest_waiting_first_never_contacted_last(
    db: pw.SqliteDatabase, contacted: dict[str, int]
) -> None:
    oldest_first = _named(db, sort=SortKey.LAST_INTERACTION)
    assert oldest_first == ["Dee", "Bo", "Cy", "Ana", "Eve", "Fay"], (
        "the same instant and the never contacted go by name in both directions"
    )


def test_sort_by_last_interaction_keeps_archived_and_trash_rules(
    db: pw.SqliteDatabase, contacted: dict[str, int]
) -> None:
    update_contact(
        db,
        contacted["Ana"],
        dataclasses.replace(load_contact(db, contacted["Ana"]).data, archived=True),
    )
    trash_contacts(db, [contacted["Dee"]])
    assert _named(db, sort=SortKey.LAST_INTERACTION, descending=True) == ["Bo", "Cy", "Eve", "Fay"]
    assert _named(db, sort=SortKey.LAST_INTERACTION, descending=True, include_archived=True) == [
        "Ana",
        "Bo",
        "Cy",
        "Eve",
        "Fay",
    ]


def test_a_trashed_interaction_no_longer_counts_for_the_sort(
    db: pw.SqliteDatabase, contacted: dict[str, int]
) -> None:
    recent = interaction_ids(db, TimelineQuery(contact_id=contacted["Ana"]))[0]  # newest first
    set_interactions_trashed(db, [recent], True)
    assert _named(db, sort=SortKey.LAST_INTERACTION, descending=True) == [
        "Bo",
        "Cy",
        "Ana",  # 50 days ago, her call of 3 days ago being in the trash
        "Dee",
        "Eve",
        "Fay",
    ]


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (1, ["Ana", "Bo", "Cy", "Dee", "Eve", "Fay"]),
        (3, ["Bo", "Cy", "Dee", "Eve", "Fay"]),  # Ana: exactly 3 days, not more
        (39, ["Bo", "Cy", "Dee", "Eve", "Fay"]),
        (40, ["Dee", "Eve", "Fay"]),
        (199, ["Dee", "Eve", "Fay"]),
        (200, ["Eve", "Fay"]),
        (10_000, ["Eve", "Fay"]),
    ],
)
def test_not_contacted_in_n_days(
    db: pw.SqliteDatabase, contacted: dict[str, int], days: int, expected: list[str]
) -> None:
    assert _named(db, not_contacted_days=days) == expected


def test_not_contacted_counts_to_the_second(db: pw.SqliteDatabase) -> None:
    cutoff = NOW - timedelta(days=30)
    older, exactly, newer = _add(db, "Older"), _add(db, "Exactly"), _add(db, "Newer")
    never = _add(db, "Never")
    _met(db, [older], cutoff - timedelta(seconds=1))
    _met(db, [exactly], cutoff)
    _met(db, [newer], cutoff + timedelta(seconds=1))
    query = ContactQuery(not_contacted_days=30)
    assert list(contact_ids(db, query, now=NOW)) == [never, older]
    later = NOW + timedelta(seconds=1)
    assert list(contact_ids(db, query, now=later)) == [exactly, never, older]


def test_not_contacted_ignores_trashed_interactions(
    db: pw.SqliteDatabase, contacted: dict[str, int]
) -> None:
    ana = contacted["Ana"]
    assert "Ana" not in _named(db, not_contacted_days=30)
    recent = interaction_ids(db, TimelineQuery(contact_id=ana))[0]  # newest first
    set_interactions_trashed(db, [recent], True)
    assert "Ana" in _named(db, not_contacted_days=30), "her only recent call is in the trash"
    assert "Ana" not in _named(db, not_contacted_days=60), "the one of 50 days ago still counts"
    everything = list(interaction_ids(db, TimelineQuery(contact_id=ana)))
    set_interactions_trashed(db, everything, True)
    assert "Ana" in _named(db, not_contacted_days=10_000), "no interaction left: never contacted"
    set_interactions_trashed(db, [recent], False)
    assert "Ana" not in _named(db, not_contacted_days=30)


def test_not_contacted_combines_with_the_other_filters_and_sorts(
    db: pw.SqliteDatabase, contacted: dict[str, int]
) -> None:
    ghost = _add(db, "Gus", archived=True, organization="Acme")
    update_contact(
        db,
        contacted["Dee"],
        dataclasses.replace(load_contact(db, contacted["Dee"]).data, organization="Acme"),
    )
    assert _named(db, not_contacted_days=30, organization="acme") == ["Dee"]
    assert _named(db, not_contacted_days=30, organization="acme", include_archived=True) == [
        "Dee",
        "Gus",
    ]
    assert _named(db, not_contacted_days=30, text="bo") == ["Bo"]
    assert _named(db, not_contacted_days=30, sort=SortKey.LAST_INTERACTION) == [
        "Dee",
        "Bo",
        "Cy",
        "Eve",
        "Fay",
    ]
    assert _named(db, not_contacted_days=30, sort=SortKey.NAME, descending=True) == [
        "Fay",
        "Eve",
        "Dee",
        "Cy",
        "Bo",
    ]
    trash_contacts(db, [ghost])
    assert _named(db, not_contacted_days=30, include_archived=True, organization="Acme") == ["Dee"]


def test_not_contacted_in_the_trash(db: pw.SqliteDatabase, contacted: dict[str, int]) -> None:
    # Interactions shared with Ana, who stays, stay out of the trash with her.
    _met(db, [contacted["Eve"], contacted["Ana"]], NOW - timedelta(days=2))
    _met(db, [contacted["Fay"], contacted["Ana"]], NOW - timedelta(days=90))
    trash_contacts(db, [contacted["Eve"], contacted["Fay"]])
    assert _named(db, trashed=True, not_contacted_days=30) == ["Fay"]
    assert _named(db, not_contacted_days=30) == ["Bo", "Cy", "Dee"]
    restore_contacts(db, [contacted["Eve"], contacted["Fay"]])
    assert _named(db, not_contacted_days=30) == ["Bo", "Cy", "Dee", "Fay"]


def test_the_cutoff_is_utc_text_in_the_stored_format(db: pw.SqliteDatabase) -> None:
    paris_afternoon = datetime(2026, 11, 20, 15, 30, tzinfo=ZoneInfo("Europe/Paris"))
    assert interaction_cutoff(14, paris_afternoon) == "2026-11-06T14:30:00Z"
    summer = datetime(2026, 7, 1, 15, 30, 59, 999_999, tzinfo=ZoneInfo("Europe/Paris"))
    assert interaction_cutoff(0, summer) == "2026-07-01T13:30:59Z"
    stored = create_interaction(db, InteractionData("call", [_add(db, "Ana")], when=summer))
    assert (
        sqlite_connection(db)
        .execute("SELECT occurred_at FROM interaction WHERE id = ?", [stored])
        .fetchone()[0]
        == "2026-07-01T13:30:59Z"
    )
    before = datetime.now(UTC) - timedelta(days=30, seconds=1)
    assert iso_between(interaction_cutoff(30), before, before + timedelta(seconds=3))


def iso_between(text: str, first: datetime, last: datetime) -> bool:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return first.replace(microsecond=0) <= moment <= last


def test_not_contacted_reads_a_range_of_the_last_interaction_index(
    db: pw.SqliteDatabase, contacted: dict[str, int]
) -> None:
    conn = sqlite_connection(db)
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        contact_ids(db, ContactQuery(not_contacted_days=30))
    finally:
        conn.set_trace_callback(None)
    (sql,) = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    plan = " | ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
    assert "USING INDEX contact_by_last_interaction (last_interaction_at>?)" in plan


def test_demo_not_contacted_matches_the_interactions(demo: pw.SqliteDatabase) -> None:
    """Against the interactions themselves, not the column the triggers keep."""
    now = datetime.now(UTC)
    for days in (14, 182, 365):
        cutoff = now - timedelta(days=days)
        latest = {
            cid: datetime.fromisoformat(when.replace("Z", "+00:00"))
            for cid, when in _conn(demo).execute(
                "SELECT p.contact_id, max(i.occurred_at) FROM interaction_participant p"
                " JOIN interaction i ON i.id = p.interaction_id WHERE i.trashed_at IS NULL"
                " GROUP BY p.contact_id"
            )
        }
        everyone = _ids(demo)
        expected = [cid for cid in everyone if cid not in latest or latest[cid] < cutoff]
        found = list(contact_ids(demo, ContactQuery(not_contacted_days=days), now=now))
        assert found == expected
        assert 0 < len(found) < len(everyone)


# --- relationship health -------------------------------------------------------------------
def _by_health(db: pw.SqliteDatabase, ids: list[int], today: date, descending: bool) -> list[int]:
    scores = {cid: health_of(db, cid, today).score for cid in ids}
    names = dict(zip(ids, _names(db, ids), strict=True))
    return sorted(ids, key=lambda cid: (-scores[cid] if descending else scores[cid], names[cid]))


def test_sort_by_health_weakest_first_ties_by_name(
    db: pw.SqliteDatabase, contacted: dict[str, int]
) -> None:
    today = NOW.date()
    for descending in (False, True):
        ids = list(
            contact_ids(db, ContactQuery(sort=SortKey.HEALTH, descending=descending), now=NOW)
        )
        assert ids == _by_health(db, list(contacted.values()), today, descending)
    weakest = _named(db, sort=SortKey.HEALTH)
    assert weakest[0] == "Dee", "200 days since, on an acquaintance's 90-day rhythm"
    assert _named(db, sort=SortKey.HEALTH, descending=True)[0] == "Ana"
    # Eve and Fay, never contacted and added the same day, score alike: by name.
    assert weakest.index("Eve") + 1 == weakest.index("Fay")


def test_sort_by_health_scores_on_the_day_asked(
    db: pw.SqliteDatabase, contacted: dict[str, int]
) -> None:
    # Seven years on, everyone has faded: only how often you met still tells them apart.
    later = NOW.date() + timedelta(days=2555)
    ids = list(contact_ids(db, ContactQuery(sort=SortKey.HEALTH), today=later))
    assert ids == _by_health(db, list(contacted.values()), later, False)
    assert ids != list(contact_ids(db, ContactQuery(sort=SortKey.HEALTH), now=NOW))


def test_sort_by_health_combines_with_every_filter(
    db: pw.SqliteDatabase, contacted: dict[str, int]
) -> None:
    update_contact(
        db,
        contacted["Bo"],
        dataclasses.replace(load_contact(db, contacted["Bo"]).data, organization="Acme"),
    )
    update_contact(
        db,
        contacted["Dee"],
        dataclasses.replace(load_contact(db, contacted["Dee"]).data, organization="Acme"),
    )
    assert _named(db, sort=SortKey.HEALTH, organization="acme") == ["Dee", "Bo"]
    assert _named(db, sort=SortKey.HEALTH, not_contacted_days=30, organization="acme") == [
        "Dee",
        "Bo",
    ]
    assert _named(db, sort=SortKey.HEALTH, text="ana") == ["Ana"]
    trash_contacts(db, [contacted["Dee"], contacted["Ana"]])
    assert _named(db, sort=SortKey.HEALTH, trashed=True) in (["Ana", "Dee"], ["Dee", "Ana"])
    assert "Dee" not in _named(db, sort=SortKey.HEALTH)


def test_sort_by_health_on_the_demo_matches_each_persons_score(demo: pw.SqliteDatabase) -> None:
    today = date.today()
    ids = _ids(demo, sort=SortKey.HEALTH, descending=True)
    rows = rows_by_ids(demo, ids, today=today)
    scores = [rows[cid].health.score for cid in ids]
    assert len(scores) == len(ids)
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) > 30
    sample = ids[:: len(ids) // 50]
    assert [health_of(demo, cid, today).score for cid in sample] == [
        rows[cid].health.score for cid in sample
    ]
