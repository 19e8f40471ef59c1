"""Who the network map shows, how they are linked and grouped, and the position cache."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import peewee as pw
import pytest

from ally_desktop.core import network
from ally_desktop.core.contacts import create_contact, trash_contacts
from ally_desktop.core.demo import generate_demo
from ally_desktop.core.network import Due, GroupBy, NetworkFilter
from ally_desktop.core.records import Closeness, ConnectionLink, ContactData
from ally_desktop.core.timeline import InteractionData, create_interaction
from ally_desktop.store.db import sqlite_connection


@pytest.fixture
def person(db: pw.SqliteDatabase) -> Callable[..., int]:
    def add(name: str, **fields: Any) -> int:
        return create_contact(db, ContactData(given_name=name, **fields))

    return add


def link(db: pw.SqliteDatabase, a: int, b: int, kind: str = "works_with", label: str = "") -> None:
    sqlite_connection(db).execute(
        "INSERT INTO connection (from_id, to_id, kind, label, created_at)"
        " VALUES (?, ?, ?, ?, '2026-01-01T00:00:00Z')",
        (a, b, kind, label),
    )


def test_closest_first_then_the_connected_then_the_recently_seen(
    db: pw.SqliteDatabase, person: Callable[..., int]
) -> None:
    other = person("Other", closeness=Closeness.OTHER)
    lonely_ally = person("Lonely", closeness=Closeness.ALLY)
    linked_ally = person("Linked", closeness=Closeness.ALLY)
    seen_ally = person("Seen", closeness=Closeness.ALLY)
    inner = person("Inner", closeness=Closeness.INNER_CIRCLE)
    link(db, linked_ally, other)
    when = datetime(2026, 3, 1, 12, tzinfo=UTC)
    create_interaction(db, InteractionData("call", [seen_ally], when=when))

    data = network.load_network(db)
    order = [p.id for p in data.people]
    assert order == [inner, linked_ally, seen_ally, lonely_ally, other]
    assert data.total == 5
    assert not data.truncated


def test_at_most_the_limit_and_the_total_says_how_many_more(
    db: pw.SqliteDatabase, person: Callable[..., int]
) -> None:
    ids = [person(f"P{n}", closeness=Closeness(n % 4)) for n in range(30)]
    data = network.load_network(db, limit=10)
    assert len(data.people) == 10
    assert data.total == 30
    assert data.truncated
    # The ten chosen are the closest: every inner-circle person and allies after them.
    assert {p.closeness for p in data.people} == {Closeness.INNER_CIRCLE, Closeness.ALLY}
    assert {p.id for p in data.people} <= set(ids)


def test_people_in_the_trash_or_the_archive_are_left_out(
    db: pw.SqliteDatabase, person: Callable[..., int]
) -> None:
    kept = person("Kept")
    archived = person("Archived", archived=True)
    trashed = person("Trashed")
    link(db, kept, archived)
    link(db, trashed, kept)
    trash_contacts(db, [trashed])
    data = network.load_network(db)
    assert [p.id for p in data.people] == [kept]
    assert data.total == 1
    assert data.links == []
    assert network.count_people(db) == 1


def test_links_only_among_the_people_shown(
    db: pw.SqliteDatabase, person: Callable[..., int]
) -> None:
    a = person("A", closeness=Closeness.INNER_CIRCLE)
    b = person("B", closeness=Closeness.INNER_CIRCLE)
    c = person("C", closeness=Closeness.OTHER)
    link(db, a, b, "reports_to")
    link(db, b, c)
    link(db, c, a, "introduced")
    data = network.load_network(db, limit=2)
    assert {p.id for p in data.people} == {a, b}
    assert [(x.source, x.target, x.kind) for x in data.links] == [(a, b, "reports_to")]


def test_links_among_many_people_cross_statement_batches(db: pw.SqliteDatabase) -> None:
    generate_demo(db, count=1200, seed=3, interactions=0)
    conn = sqlite_connection(db)
    expected = conn.execute(
        "SELECT count(*) FROM connection WHERE from_id IN (SELECT id FROM contact"
        " WHERE trashed_at IS NULL AND archived = 0) AND to_id IN (SELECT id FROM contact"
        " WHERE trashed_at IS NULL AND archived = 0)"
    ).fetchone()[0]
    data = network.load_network(db, limit=5000)
    assert len(data.people) == data.total == network.count_people(db)
    assert len(data.links) == expected > 500


def test_narrowed_to_an_organization_a_team_or_the_closer_circles(
    db: pw.SqliteDatabase, person: Callable[..., int]
) -> None:
    ana = person("Ana", organization="Contoso", team="Pricing", closeness=Closeness.ALLY)
    bo = person("Bo", organization="contoso", team="Legal", closeness=Closeness.OTHER)
    cy = person("Cy", organization="Globex", team="Pricing", closeness=Closeness.INNER_CIRCLE)

    def shown(flt: NetworkFilter) -> set[int]:
        data = network.load_network(db, flt)
        assert data.total == len(data.people)
        return {p.id for p in data.people}

    assert shown(NetworkFilter(organization="CONTOSO")) == {ana, bo}
    assert shown(NetworkFilter(team="pricing")) == {ana, cy}
    assert shown(NetworkFilter(closest=Closeness.ALLY)) == {ana, cy}
    assert shown(NetworkFilter(organization="Contoso", closest=Closeness.ALLY)) == {ana}
    assert network.count_people(db, NetworkFilter(team="Pricing")) == 2


def test_how_overdue_each_person_is(db: pw.SqliteDatabase, person: Callable[..., int]) -> None:
    now = datetime.now(UTC)
    never = person("No cadence")
    on_time = person("On time", cadence_days=60)
    soon = person("Soon", cadence_days=30)
    late = person("Late", cadence_days=14)
    create_interaction(db, InteractionData("call", [on_time], when=now - timedelta(days=2)))
    create_interaction(db, InteractionData("call", [soon], when=now - timedelta(days=27)))
    create_interaction(db, InteractionData("call", [late], when=now - timedelta(days=40)))
    states = {p.id: p for p in network.load_network(db).people}
    assert states[never].due is Due.NO_CADENCE
    assert states[on_time].due is Due.ON_TIME
    assert states[soon].due is Due.SOON
    assert states[late].due is Due.OVERDUE
    assert network.due_text(states[never], now) == "No keep-in-touch cadence"
    assert network.due_text(states[late], now).startswith("Overdue by ")
    assert network.due_text(states[soon], now).startswith("Due in ")
    assert network.due_text(states[on_time], now).startswith("On time: next in ")


def test_due_state_rules() -> None:
    now = datetime(2026, 6, 1, 9, tzinfo=UTC)
    assert network.due_state(None, 30, now) is Due.NO_CADENCE
    assert network.due_state(now, None, now) is Due.NO_CADENCE
    assert network.due_state(now - timedelta(minutes=1), 30, now) is Due.OVERDUE
    assert network.due_state(now + timedelta(days=7), 30, now) is Due.SOON
    assert network.due_state(now + timedelta(days=8), 30, now) is Due.ON_TIME
    assert network.due_state(now + timedelta(days=3), 7, now) is Due.ON_TIME  # 2-day window
    assert network.due_state(now + timedelta(days=2), 7, now) is Due.SOON


def test_positions_are_saved_in_one_go_and_read_back(
    db: pw.SqliteDatabase, person: Callable[..., int]
) -> None:
    a, b, c = person("A"), person("B"), person("C")
    assert network.save_positions(db, {a: (1.5, -2.0), b: (3.0, 4.0)}) == 2
    assert network.load_positions(db, [a, b, c]) == {a: (1.5, -2.0), b: (3.0, 4.0)}
    network.save_positions(db, {a: (10.0, 10.0), c: (0.0, math.nan)})  # NaN: not kept
    assert network.load_positions(db, [a, b, c]) == {a: (10.0, 10.0), b: (3.0, 4.0)}
    assert network.load_network(db).positions == {a: (10.0, 10.0), b: (3.0, 4.0)}
    network.save_positions(db, {c: (7.0, 7.0)}, replace_all=True)
    assert network.load_positions(db, [a, b, c]) == {c: (7.0, 7.0)}


def test_saving_positions_skips_people_deleted_meanwhile(
    db: pw.SqliteDatabase, person: Callable[..., int]
) -> None:
    a = person("A")
    assert network.save_positions(db, {a: (1.0, 1.0), 99_999: (2.0, 2.0)}) == 2
    assert network.load_positions(db, [a, 99_999]) == {a: (1.0, 1.0)}


def test_saving_positions_is_one_transaction(
    db: pw.SqliteDatabase, person: Callable[..., int]
) -> None:
    ids = [person(f"P{n}") for n in range(5)]
    statements: list[str] = []
    sqlite_connection(db).set_trace_callback(statements.append)
    try:
        network.save_positions(db, {cid: (float(cid), 0.0) for cid in ids})
    finally:
        sqlite_connection(db).set_trace_callback(None)
    begins = [s for s in statements if s.startswith("BEGIN")]
    commits = [s for s in statements if s.startswith("COMMIT")]
    assert len(begins) == len(commits) == 1


def test_groups_by_organization_or_team_biggest_first(
    db: pw.SqliteDatabase, person: Callable[..., int]
) -> None:
    person("A", organization="Contoso", team="Pricing")
    person("B", organization="contoso ", team="Legal")
    person("C", organization="Globex", team="Pricing")
    person("D", team="Pricing")
    people = network.load_network(db).people
    groups, of = network.group_people(people, GroupBy.ORGANIZATION)
    assert [(g.name, len(g.members)) for g in groups] == [
        ("Contoso", 2),
        ("Globex", 1),
        ("No organization", 1),
    ]
    assert all(index in groups[of[index]].members for index in range(len(people)))
    teams, _of = network.group_people(people, GroupBy.TEAM)
    assert [(g.name, len(g.members)) for g in teams] == [("Pricing", 3), ("Legal", 1)]


def test_past_the_most_groups_the_smallest_share_one() -> None:
    people = [
        network.Person(n, f"P{n}", f"Org {n % 7}" if n < 70 else f"Tiny {n}", "", "",
                       Closeness.ALLY, None, None, None, Due.NO_CADENCE)
        for n in range(80)
    ]  # fmt: skip
    groups, of = network.group_people(people, GroupBy.ORGANIZATION, max_groups=8)
    assert len(groups) == 8
    assert groups[-1].name == "Other organizations"
    assert len(groups[-1].members) == 10
    assert sorted(i for g in groups for i in g.members) == list(range(80))
    assert {of[i] for i in range(70, 80)} == {7}


def test_choices_for_the_filter_most_people_first(
    db: pw.SqliteDatabase, person: Callable[..., int]
) -> None:
    for n in range(3):
        person(f"C{n}", organization="Contoso", team="Pricing")
    person("G", organization="Globex", team="Legal")
    person("Gone", organization="Initech", archived=True)
    assert network.group_choices(db, GroupBy.ORGANIZATION) == [("Contoso", 3), ("Globex", 1)]
    assert network.group_choices(db, GroupBy.TEAM) == [("Pricing", 3), ("Legal", 1)]


def test_the_layout_graph_and_the_words_of_a_tooltip(
    db: pw.SqliteDatabase, person: Callable[..., int]
) -> None:
    bo = person("Bo", closeness=Closeness.INNER_CIRCLE)
    ana = person(
        "Ana",
        closeness=Closeness.ALLY,
        connections=[ConnectionLink(bo, "reports_to")],
    )
    network.save_positions(db, {bo: (5.0, 6.0)})
    data = network.load_network(db)
    _groups, of = network.group_people(data.people, GroupBy.ORGANIZATION)
    graph, ids = network.layout_graph(data, of)
    assert ids == [bo, ana]
    assert graph.edges == [(1, 0)]
    assert graph.start == {0: (5.0, 6.0)}
    assert graph.radii[0] > graph.radii[1]
    assert network.layout_graph(data, of, cached=False)[0].start == {}
    names = {p.id: p.name for p in data.people}
    assert network.relations(ana, data.links, names) == ["reports to Bo"]
    assert network.relations(bo, data.links, names) == ["manages Ana"]


def test_reading_two_thousand_of_many_is_a_few_queries(db: pw.SqliteDatabase) -> None:
    generate_demo(db, count=3000, seed=5, interactions=0)
    statements: list[str] = []
    sqlite_connection(db).set_trace_callback(statements.append)
    try:
        data = network.load_network(db)
    finally:
        sqlite_connection(db).set_trace_callback(None)
    assert len(data.people) == network.MAX_PEOPLE
    assert data.total == network.count_people(db) > network.MAX_PEOPLE
    # ids, rows and links in batches of 500, positions in batches, one count.
    assert len(statements) <= 1 + 4 + 4 + 4 + 1
