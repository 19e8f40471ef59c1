"""How can I reach someone: chains of connections on small hand-built networks, and
recording an introduction (and taking it back)."""

from __future__ import annotations

import itertools
import sqlite3
from datetime import date

import peewee as pw
import pytest

from ally_desktop.core.contacts import create_contact, set_trashed
from ally_desktop.core.introductions import (
    INTRODUCTION_KIND,
    MAX_EXPANDED,
    NEIGHBOURS_SQL,
    ORGANIZATION_SQL,
    Chain,
    IntroductionData,
    IntroductionGoneError,
    ReachResult,
    chain_text,
    find_chains,
    record_introduction,
    record_introduction_again,
    remove_introduction,
)
from ally_desktop.core.records import Closeness, ContactData
from ally_desktop.core.timeline import (
    InteractionData,
    InteractionNotFoundError,
    TimelineQuery,
    create_interaction,
    interaction_ids,
    load_interaction,
    purge_interactions,
)
from ally_desktop.core.validation import ValidationError
from ally_desktop.store.db import sqlite_connection

INNER, ALLY, ACQUAINTANCE, OTHER = (
    Closeness.INNER_CIRCLE,
    Closeness.ALLY,
    Closeness.ACQUAINTANCE,
    Closeness.OTHER,
)


class Net:
    """A small network: ``person`` adds someone, ``link`` connects two."""

    def __init__(self, db: pw.SqliteDatabase) -> None:
        self.db = db
        self.ids: dict[str, int] = {}

    def person(
        self,
        name: str,
        closeness: Closeness = OTHER,
        organization: str = "",
        *,
        archived: bool = False,
        met: bool = False,
    ) -> int:
        given, _, family = name.partition(" ")
        cid = create_contact(
            self.db,
            ContactData(
                given_name=given,
                family_name=family,
                closeness=closeness,
                organization=organization,
                archived=archived,
            ),
        )
        if met:
            create_interaction(
                self.db, InteractionData(kind="coffee", participants=[cid], day=date(2026, 1, 5))
            )
        self.ids[name] = cid
        return cid

    def link(self, a: str, b: str, kind: str = "works_with", label: str = "") -> None:
        sqlite_connection(self.db).execute(
            "INSERT INTO connection (from_id, to_id, kind, label, created_at)"
            " VALUES (?, ?, ?, ?, '2026-01-01T00:00:00Z')",
            [self.ids[a], self.ids[b], kind, label],
        )

    def names(self, chain: Chain) -> list[str]:
        return [person.name for person in chain.people]

    def reach(self, name: str, **options: int) -> ReachResult:
        return find_chains(self.db, person=self.ids[name], **options)


@pytest.fixture
def net(db: pw.SqliteDatabase) -> Net:
    return Net(db)


# --- who the user knows ---------------------------------------------------------------------
def test_knowing_the_target_directly_is_a_chain_of_one(net: Net) -> None:
    net.person("Carla Diaz", ALLY)
    result = net.reach("Carla Diaz")
    [chain] = result.chains
    assert chain.direct
    assert net.names(chain) == ["Carla Diaz"]
    assert chain_text(chain) == "You → Carla Diaz (ally)"
    assert result.message() == ""


def test_an_interaction_makes_an_other_known(net: Net) -> None:
    net.person("Dee Met", OTHER, met=True)
    [chain] = net.reach("Dee Met").chains
    assert chain.direct
    assert chain.first.relation() == "met before"
    assert chain.cost == 1.75


def test_other_without_interaction_is_not_known(net: Net) -> None:
    net.person("Ana Silva", INNER)
    net.person("Carla Diaz", OTHER)
    net.link("Ana Silva", "Carla Diaz")
    [chain] = net.reach("Carla Diaz").chains
    assert net.names(chain) == ["Ana Silva", "Carla Diaz"]
    assert not chain.target.known


def test_closer_people_cost_less_to_ask(net: Net) -> None:
    for name, closeness in (("Ina Inner", INNER), ("Al Ally", ALLY), ("Aq Acq", ACQUAINTANCE)):
        net.person(name, closeness)
    net.person("Tara Target")
    for name in ("Aq Acq", "Al Ally", "Ina Inner"):
        net.link(name, "Tara Target")
    chains = net.reach("Tara Target").chains
    assert [c.first.name for c in chains] == ["Ina Inner", "Al Ally", "Aq Acq"]
    assert [c.cost for c in chains] == [2.0, 2.3, 2.6]  # me step + link (+ relay 0.05 a step)


# --- shortest, strongest, alternatives ---------------------------------------------------------
def test_shorter_chain_wins_over_a_stronger_start(net: Net) -> None:
    net.person("Ina Inner", INNER)
    net.person("Aq Acq", ACQUAINTANCE)
    for name in ("Mid One", "Mid Two", "Tara Target"):
        net.person(name)
    net.link("Ina Inner", "Mid One")
    net.link("Mid One", "Mid Two")
    net.link("Mid Two", "Tara Target")
    net.link("Aq Acq", "Tara Target", "custom", "plays chess with")
    chains = net.reach("Tara Target").chains
    assert net.names(chains[0]) == ["Aq Acq", "Tara Target"]
    assert net.names(chains[1]) == ["Ina Inner", "Mid One", "Mid Two", "Tara Target"]


def test_strong_link_beats_weak_at_equal_length(net: Net) -> None:
    net.person("Al Weak", ALLY)
    net.person("Bo Strong", ALLY)
    net.person("Tara Target")
    net.link("Al Weak", "Tara Target", "custom")
    net.link("Bo Strong", "Tara Target", "reports_to")
    chains = net.reach("Tara Target").chains
    assert [c.first.name for c in chains] == ["Bo Strong", "Al Weak"]
    assert chains[0].cost < chains[1].cost


def test_introduced_is_between_strong_and_custom(net: Net) -> None:
    for name in ("Cu Custom", "In Introduced", "Fr Friend"):
        net.person(name, ALLY)
    net.person("Tara Target")
    net.link("Cu Custom", "Tara Target", "custom")
    net.link("In Introduced", "Tara Target", "introduced")
    net.link("Tara Target", "Fr Friend", "friend_of")
    chains = net.reach("Tara Target").chains
    assert [c.first.name for c in chains] == ["Fr Friend", "In Introduced", "Cu Custom"]


def test_each_chain_starts_with_a_different_person_the_user_knows(net: Net) -> None:
    net.person("Ana Silva", INNER)
    net.person("Ben Ally", ALLY)
    for name in ("Mid Way", "Other Way", "Tara Target"):
        net.person(name)
    # Ana reaches Tara two ways; only her best one is kept, so Ben's shows as well.
    net.link("Ana Silva", "Mid Way")
    net.link("Ana Silva", "Other Way")
    net.link("Mid Way", "Tara Target")
    net.link("Other Way", "Tara Target", "custom")
    net.link("Ben Ally", "Other Way")
    chains = net.reach("Tara Target").chains
    assert [net.names(c) for c in chains] == [
        ["Ana Silva", "Mid Way", "Tara Target"],
        ["Ben Ally", "Other Way", "Tara Target"],
    ]


def test_a_known_person_may_relay_for_a_closer_one(net: Net) -> None:
    net.person("Ina Inner", INNER)
    net.person("Aq Acq", ACQUAINTANCE)
    net.person("Tara Target")
    net.link("Ina Inner", "Aq Acq")
    net.link("Aq Acq", "Tara Target")
    chains = net.reach("Tara Target").chains
    assert [net.names(c) for c in chains] == [
        ["Aq Acq", "Tara Target"],
        ["Ina Inner", "Aq Acq", "Tara Target"],
    ]


def test_links_read_from_the_later_persons_side(net: Net) -> None:
    net.person("Ana Silva", INNER)
    net.person("Bo Chen")
    net.person("Carla Diaz")
    net.link("Ana Silva", "Bo Chen", "works_with")
    net.link("Carla Diaz", "Bo Chen", "reports_to")
    [chain] = net.reach("Carla Diaz").chains
    assert chain_text(chain) == (
        "You → Ana Silva (inner circle) → Bo Chen (works with Ana) → Carla Diaz (reports to Bo)"
    )
    assert chain.sentences() == ["Ana Silva works with Bo Chen", "Bo Chen manages Carla Diaz"]
    assert [link.kind for link in chain.links] == ["works_with", "reports_to"]


def test_introduced_links_are_addressed_to_the_user(net: Net) -> None:
    net.person("Ana Silva", INNER)
    net.person("Bo Chen")
    net.person("Carla Diaz")
    net.link("Ana Silva", "Bo Chen", "introduced")
    net.link("Carla Diaz", "Bo Chen", "introduced")
    [chain] = net.reach("Carla Diaz").chains
    assert chain_text(chain) == (
        "You → Ana Silva (inner circle) → Bo Chen (was introduced to you by Ana)"
        " → Carla Diaz (introduced you to Bo)"
    )


def test_custom_label_is_the_phrase(net: Net) -> None:
    net.person("Ana Silva", INNER)
    net.person("Bo Chen")
    net.link("Ana Silva", "Bo Chen", "custom", "plays chess with")
    [chain] = net.reach("Bo Chen").chains
    assert chain_text(chain).endswith("Bo Chen (plays chess with Ana)")


def test_limit_keeps_the_best(net: Net) -> None:
    net.person("Tara Target")
    for index in range(8):
        name = f"Friend {chr(ord('A') + index)}"
        net.person(name, INNER if index % 2 else ALLY)
        net.link(name, "Tara Target")
    chains = net.reach("Tara Target", limit=3).chains
    assert [c.first.name for c in chains] == ["Friend B", "Friend D", "Friend F"]


# --- who is never, or marked, on a chain ----------------------------------------------------------
def test_trashed_people_are_never_on_a_chain(net: Net) -> None:
    net.person("Ana Silva", INNER)
    net.person("Ben Ally", ALLY)
    net.person("Gone Middle")
    net.person("Slow Middle")
    net.person("Tara Target")
    net.link("Ana Silva", "Gone Middle")
    net.link("Gone Middle", "Tara Target")
    net.link("Ben Ally", "Slow Middle", "custom")
    net.link("Slow Middle", "Tara Target", "custom")
    assert net.names(net.reach("Tara Target").chains[0])[1] == "Gone Middle"
    set_trashed(net.db, [net.ids["Gone Middle"]], True)
    chains = net.reach("Tara Target").chains
    assert [net.names(c) for c in chains] == [["Ben Ally", "Slow Middle", "Tara Target"]]
    set_trashed(net.db, [net.ids["Ben Ally"]], True)  # the only one the user knows there
    result = net.reach("Tara Target")
    assert result.chains == ()
    assert result.complete
    assert "No chain of connections leads" in result.message()


def test_a_trashed_target_is_said_so(net: Net) -> None:
    net.person("Tara Target", INNER)
    set_trashed(net.db, [net.ids["Tara Target"]], True)
    result = net.reach("Tara Target")
    assert result.trashed
    assert result.chains == ()
    assert "in the trash" in result.message()


def test_archived_people_may_be_on_a_chain_marked_and_dearer(net: Net) -> None:
    net.person("Ana Silva", INNER)
    net.person("Ben Ally", INNER)
    net.person("Old Colleague", archived=True)
    net.person("New Colleague")
    net.person("Tara Target")
    net.link("Ana Silva", "Old Colleague")
    net.link("Old Colleague", "Tara Target")
    net.link("Ben Ally", "New Colleague")
    net.link("New Colleague", "Tara Target")
    chains = net.reach("Tara Target").chains
    assert [c.first.name for c in chains] == ["Ben Ally", "Ana Silva"]
    assert chains[1].people[1].archived
    assert "Old Colleague (works with Ana, archived)" in chain_text(chains[1])
    assert chains[1].cost - chains[0].cost == pytest.approx(0.25)


def test_unknown_person_is_an_error(db: pw.SqliteDatabase) -> None:
    with pytest.raises(LookupError):
        find_chains(db, person=12345)


def test_person_or_organization_not_both(db: pw.SqliteDatabase) -> None:
    with pytest.raises(ValueError, match="either"):
        find_chains(db, person=1, organization="Acme")
    with pytest.raises(ValueError, match="either"):
        find_chains(db)


def test_unreachable_target(net: Net) -> None:
    net.person("Ana Silva", INNER)
    net.person("Lone Wolf")
    net.person("Stranger")
    net.link("Lone Wolf", "Stranger")
    result = net.reach("Lone Wolf")
    assert result.chains == ()
    assert result.complete
    assert "Lone Wolf" in result.message()


# --- organizations ---------------------------------------------------------------------------
def test_organization_target_reaches_anyone_there(net: Net) -> None:
    net.person("Ana Silva", INNER)
    net.person("Aq Acq", ACQUAINTANCE, "Globex")
    net.person("Gil Globex", OTHER, "GLOBEX")
    net.person("Gia Globex", OTHER, "globex")
    net.person("Elsewhere Person", OTHER, "Initech")
    net.link("Ana Silva", "Gil Globex")
    net.link("Ana Silva", "Gia Globex", "custom")
    net.link("Ana Silva", "Elsewhere Person")
    result = find_chains(net.db, organization="Globex")
    assert result.organization
    assert result.targets == 3
    assert [net.names(c) for c in result.chains] == [
        ["Aq Acq"],  # knowing someone there directly comes first: 1.50
        ["Ana Silva", "Gil Globex"],  # 1.00 + 1.00 (her custom link to Gia is dearer)
    ]
    assert [c.cost for c in result.chains] == [1.5, 2.0]


def test_organization_nobody_is_at(net: Net) -> None:
    net.person("Ana Silva", INNER, "Globex")
    result = find_chains(net.db, organization="Umbrella")
    assert result.targets == 0
    assert result.message() == "Nobody at “Umbrella” is in Ally."


def test_organization_leaves_out_trashed_members(net: Net) -> None:
    net.person("Gone Globex", INNER, "Globex")
    set_trashed(net.db, [net.ids["Gone Globex"]], True)
    assert find_chains(net.db, organization="Globex").targets == 0


# --- determinism and the search's bounds -------------------------------------------------------
def test_ties_go_by_name_then_id(net: Net) -> None:
    net.person("Tara Target")
    for name in ("Zoe Same", "Adam Same", "Mia Same", "Adam Same"):
        cid = net.person(name, ALLY)
        sqlite_connection(net.db).execute(
            "INSERT INTO connection (from_id, to_id, kind, created_at) VALUES (?, ?, 'works_with',"
            " '2026-01-01')",
            [cid, net.ids["Tara Target"]],
        )
    chains = net.reach("Tara Target").chains
    assert [c.first.name for c in chains] == ["Adam Same", "Adam Same", "Mia Same", "Zoe Same"]
    assert chains[0].first.id < chains[1].first.id
    again = net.reach("Tara Target").chains
    assert again == chains


def test_equal_paths_choose_the_same_relay_every_time(net: Net) -> None:
    net.person("Ana Silva", INNER)
    net.person("Tara Target")
    for relay in ("Relay Two", "Relay One"):
        net.person(relay)
        net.link("Ana Silva", relay)
        net.link(relay, "Tara Target")
    [chain] = net.reach("Tara Target").chains
    assert chain.people[1].id == min(net.ids["Relay One"], net.ids["Relay Two"])


def test_bounded_search_says_it_stopped(net: Net) -> None:
    net.person("Ana Silva", INNER)
    chain = [f"Step {index:02d}" for index in range(12)]
    for name in chain:
        net.person(name)
    net.link("Ana Silva", chain[-1])
    for a, b in itertools.pairwise(chain):
        net.link(a, b)
    full = net.reach("Step 00")
    assert len(full.chains[0].people) == 13
    stopped = net.reach("Step 00", max_expanded=5)
    assert not stopped.complete
    assert stopped.chains == ()
    assert "nearest" in stopped.message()
    assert MAX_EXPANDED >= 1_000


def test_search_stops_once_the_best_are_certain(net: Net) -> None:
    """Five people the user knows right next to the target: nobody further is expanded."""
    net.person("Tara Target")
    for index in range(5):
        net.person(f"Near {index}", INNER)
        net.link(f"Near {index}", "Tara Target")
    previous = "Near 0"
    for index in range(50):  # a long tail behind them that must not be walked
        net.person(f"Far {index}")
        net.link(previous, f"Far {index}")
        previous = f"Far {index}"
    result = net.reach("Tara Target")
    assert len(result.chains) == 5
    assert result.expanded == 1  # the target only


def test_query_plans_use_the_indexes(db: pw.SqliteDatabase) -> None:
    conn: sqlite3.Connection = sqlite_connection(db)
    plan = " | ".join(
        row[3]
        for row in conn.execute(
            "EXPLAIN QUERY PLAN " + NEIGHBOURS_SQL.format(marks="?,?"), [1, 2, 1, 2]
        )
    )
    assert "sqlite_autoindex_connection_1 (from_id=?)" in plan
    assert "connection_by_to (to_id=?)" in plan
    assert "INTEGER PRIMARY KEY (rowid=?)" in plan
    assert "SCAN" not in plan
    org_plan = " ".join(
        row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + ORGANIZATION_SQL, ["Globex"])
    )
    assert "contact_by_organization" in org_plan


# --- recording an introduction -----------------------------------------------------------------
def _intro(net: Net, note: str = "") -> IntroductionData:
    return IntroductionData(
        net.ids["Ana Silva"], net.ids["Bo Chen"], date(2026, 3, 4), note, "Europe/Paris"
    )


def _connections(db: pw.SqliteDatabase) -> list[tuple[int, int, str]]:
    return sqlite_connection(db).execute("SELECT from_id, to_id, kind FROM connection").fetchall()


def test_record_introduction_adds_connection_and_interaction(net: Net) -> None:
    net.person("Ana Silva", INNER)
    net.person("Bo Chen")
    recorded = record_introduction(net.db, _intro(net, "Met at the offsite"))
    assert recorded.added_connection
    assert _connections(net.db) == [(net.ids["Ana Silva"], net.ids["Bo Chen"], "introduced")]
    record = load_interaction(net.db, recorded.interaction_id)
    assert record.data.kind == INTRODUCTION_KIND
    assert record.data.title == "Ana Silva introduced me to Bo Chen"
    assert record.data.notes == "Met at the offsite"
    assert record.data.day == date(2026, 3, 4)
    assert record.data.when is None
    assert sorted(record.data.participants) == sorted([net.ids["Ana Silva"], net.ids["Bo Chen"]])
    for name in ("Ana Silva", "Bo Chen"):  # in both people's timelines, and in the Timeline
        query = TimelineQuery(contact_id=net.ids[name])
        assert list(interaction_ids(net.db, query)) == [recorded.interaction_id]
    assert list(interaction_ids(net.db, TimelineQuery())) == [recorded.interaction_id]
    # Bo had an interaction: the user now knows him directly.
    assert net.reach("Bo Chen").chains[0].direct


def test_existing_connection_is_kept_and_not_taken_back(net: Net) -> None:
    net.person("Ana Silva", INNER)
    net.person("Bo Chen")
    net.link("Ana Silva", "Bo Chen", "introduced")
    recorded = record_introduction(net.db, _intro(net))
    assert not recorded.added_connection
    assert len(_connections(net.db)) == 1
    remove_introduction(net.db, recorded)
    assert len(_connections(net.db)) == 1
    assert list(interaction_ids(net.db, TimelineQuery())) == []


def test_undo_removes_both_and_redo_restores_them(net: Net) -> None:
    net.person("Ana Silva", INNER)
    net.person("Bo Chen")
    net.link("Bo Chen", "Ana Silva", "works_with")  # another connection: left alone
    data = _intro(net)
    recorded = record_introduction(net.db, data)
    remove_introduction(net.db, recorded)
    assert _connections(net.db) == [(net.ids["Bo Chen"], net.ids["Ana Silva"], "works_with")]
    assert list(interaction_ids(net.db, TimelineQuery())) == []
    fts = sqlite_connection(net.db).execute("SELECT count(*) FROM interaction_fts").fetchone()
    assert fts == (0,)
    record_introduction_again(net.db, data, recorded)
    assert len(_connections(net.db)) == 2
    again = load_interaction(net.db, recorded.interaction_id)
    assert again.data.title == recorded.title


def test_recording_is_one_transaction(net: Net, monkeypatch: pytest.MonkeyPatch) -> None:
    net.person("Ana Silva", INNER)
    net.person("Bo Chen")

    def fail(*_args: object, **_kwargs: object) -> int:
        raise RuntimeError("the disk went away")

    monkeypatch.setattr("ally_desktop.core.introductions.create_interaction", fail)
    with pytest.raises(RuntimeError):
        record_introduction(net.db, _intro(net))
    assert _connections(net.db) == []


def test_recording_refuses_bad_people(net: Net) -> None:
    net.person("Ana Silva", INNER)
    net.person("Bo Chen")
    same = IntroductionData(net.ids["Ana Silva"], net.ids["Ana Silva"], date(2026, 3, 4))
    with pytest.raises(ValidationError, match="two different people"):
        record_introduction(net.db, same)
    missing = IntroductionData(net.ids["Ana Silva"], 999, date(2026, 3, 4))
    with pytest.raises(ValidationError, match="whom you were introduced to"):
        record_introduction(net.db, missing)
    set_trashed(net.db, [net.ids["Bo Chen"]], True)
    with pytest.raises(ValidationError, match="Bo Chen is in the trash"):
        record_introduction(net.db, _intro(net))
    assert _connections(net.db) == []


def test_undo_after_deleted_for_good_says_so(net: Net) -> None:
    net.person("Ana Silva", INNER)
    net.person("Bo Chen")
    recorded = record_introduction(net.db, _intro(net))
    purge_interactions(net.db, [recorded.interaction_id])
    with pytest.raises(InteractionNotFoundError):
        remove_introduction(net.db, recorded)


def test_redo_when_a_person_went_to_the_trash(net: Net) -> None:
    net.person("Ana Silva", INNER)
    net.person("Bo Chen")
    data = _intro(net)
    recorded = record_introduction(net.db, data)
    remove_introduction(net.db, recorded)
    set_trashed(net.db, [net.ids["Bo Chen"]], True)
    with pytest.raises(IntroductionGoneError, match="cannot be recorded again"):
        record_introduction_again(net.db, data, recorded)
    assert _connections(net.db) == []
