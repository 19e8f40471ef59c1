"""Interactions on a real SQLite file: storing, reading, the timeline, the give/get ledger."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import peewee as pw
import pytest

from ally_desktop.core.contacts import (
    create_contact,
    purge_contacts,
    restore_contacts,
    set_trashed,
    trash_contacts,
)
from ally_desktop.core.records import ContactData
from ally_desktop.core.timeline import (
    BUILT_IN_KINDS,
    InteractionData,
    InteractionNotFoundError,
    TimelineQuery,
    balance,
    create_interaction,
    interaction_ids,
    interaction_rows,
    load_interaction,
    purge_interactions,
    set_interactions_trashed,
    update_interaction,
    used_kinds,
    zone_named,
)
from ally_desktop.core.validation import ValidationError
from ally_desktop.store.db import sqlite_connection

PARIS = ZoneInfo("Europe/Paris")


def _add(db: pw.SqliteDatabase, given: str, family: str = "", **fields: Any) -> int:
    return create_contact(db, ContactData(given_name=given, family_name=family, **fields))


def _count(db: pw.SqliteDatabase, table: str) -> int:
    return int(sqlite_connection(db).execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _last(db: pw.SqliteDatabase, contact_id: int) -> str | None:
    row = (
        sqlite_connection(db)
        .execute("SELECT last_interaction_at FROM contact WHERE id = ?", [contact_id])
        .fetchone()
    )
    return row[0]


def _column(db: pw.SqliteDatabase, interaction_id: int, name: str) -> Any:
    return (
        sqlite_connection(db)
        .execute(f"SELECT {name} FROM interaction WHERE id = ?", [interaction_id])
        .fetchone()[0]
    )


def _paris(day: int, hour: int = 9, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=PARIS)


def _log(db: pw.SqliteDatabase, people: list[int], when: datetime, **fields: Any) -> int:
    return create_interaction(
        db, InteractionData(fields.pop("kind", "meeting"), people, when=when, **fields)
    )


def _ids(db: pw.SqliteDatabase, limit: int | None = None, **query: Any) -> list[int]:
    return list(interaction_ids(db, TimelineQuery(**query), limit))


@pytest.fixture
def pair(db: pw.SqliteDatabase) -> tuple[int, int]:
    return _add(db, "Ana", "Lopez"), _add(db, "Bo", "Chen")


# --- storing and reading -------------------------------------------------------------------


def test_timed_interaction_round_trips(db: pw.SqliteDatabase, pair: tuple[int, int]) -> None:
    ana, bo = pair
    when = _paris(9, 14, 30)
    iid = create_interaction(
        db,
        InteractionData(
            "coffee",
            [bo, ana, bo],
            when=when,
            time_zone="Europe/Paris",
            title="  Pricing   chat ",
            notes="Line one\r\nLine two",
            place="Café Oz",
            exchange="given",
            exchange_note="Intro to Chen",
        ),
    )
    record = load_interaction(db, iid)
    data = record.data
    assert record.id == iid
    assert record.occurred_at == "2024-03-09T13:30:00Z"
    assert record.trashed_at is None
    assert data.when == when
    assert data.when is not None
    assert data.when.utcoffset() is not None
    assert data.day == date(2024, 3, 9)
    assert not data.all_day
    assert data.time_zone == "Europe/Paris"
    assert (data.kind, data.title, data.notes, data.place) == (
        "coffee",
        "Pricing chat",
        "Line one\nLine two",
        "Café Oz",
    )
    assert (data.exchange, data.exchange_note) == ("given", "Intro to Chen")
    assert data.participants == [ana, bo], "duplicates dropped, ordered by name"
    assert record.participant_names == {ana: "Ana Lopez", bo: "Bo Chen"}
    assert _column(db, iid, "local_date") == "2024-03-09"
    assert _column(db, iid, "all_day") == 0


def test_all_day_interaction_sits_at_noon_where_it_was_meant(
    db: pw.SqliteDatabase, pair: tuple[int, int]
) -> None:
    ana, _ = pair
    iid = create_interaction(
        db,
        InteractionData(
            "event", [ana], day=date(2024, 1, 15), time_zone="America/New_York", title="Expo"
        ),
    )
    record = load_interaction(db, iid)
    assert record.occurred_at == "2024-01-15T17:00:00Z", "noon in New York (EST) in UTC"
    assert record.data.all_day
    assert record.data.when is None
    assert record.data.day == date(2024, 1, 15)
    assert record.data.time_zone == "America/New_York"
    assert _column(db, iid, "local_date") == "2024-01-15"
    assert _column(db, iid, "all_day") == 1

    summer = create_interaction(
        db, InteractionData("event", [ana], day=date(2024, 7, 4), time_zone="America/New_York")
    )
    assert load_interaction(db, summer).occurred_at == "2024-07-04T16:00:00Z", "EDT"


def test_load_of_a_missing_interaction(db: pw.SqliteDatabase) -> None:
    with pytest.raises(InteractionNotFoundError):
        load_interaction(db, 12345)


def test_update_of_a_missing_interaction(db: pw.SqliteDatabase, pair: tuple[int, int]) -> None:
    with pytest.raises(InteractionNotFoundError):
        update_interaction(db, 999, InteractionData("call", [pair[0]], when=_paris(1)))
    assert _count(db, "interaction_participant") == 0


def test_update_replaces_fields_and_participants(
    db: pw.SqliteDatabase, pair: tuple[int, int]
) -> None:
    ana, bo = pair
    iid = _log(db, [ana], _paris(3), title="Old title")
    update_interaction(
        db, iid, InteractionData("call", [bo], day=date(2024, 3, 4), time_zone="Europe/Paris")
    )
    record = load_interaction(db, iid)
    assert record.data.participants == [bo]
    assert record.data.kind == "call"
    assert record.data.title == ""
    assert record.data.all_day
    assert record.occurred_at == "2024-03-04T11:00:00Z"
    assert _ids(db, text="old") == []


def _problems(excinfo: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return {error.field for error in excinfo.value.errors}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"participants": []}, "participants"),
        ({"participants": "trashed"}, "participants"),
        ({"participants": [4242]}, "participants"),
        ({"when": None}, "when"),
        ({"when": datetime(2024, 3, 9, 10, 0)}, "when"),
        ({"exchange_note": "a loan"}, "exchange"),
        ({"notes": "x" * 100_001}, "notes"),
        ({"kind": "   "}, "kind"),
    ],
    ids=[
        "no participants",
        "trashed participant",
        "unknown participant",
        "no date",
        "naive datetime",
        "exchange note without exchange",
        "notes too long",
        "blank kind",
    ],
)
def test_invalid_interactions_store_nothing(
    db: pw.SqliteDatabase, pair: tuple[int, int], change: dict[str, Any], field: str
) -> None:
    ana, bo = pair
    trash_contacts(db, [bo])
    fields: dict[str, Any] = {"kind": "meeting", "participants": [ana], "when": _paris(9)}
    fields |= change
    if fields["participants"] == "trashed":
        fields["participants"] = [ana, bo]
    with pytest.raises(ValidationError) as excinfo:
        create_interaction(db, InteractionData(**fields))
    assert field in _problems(excinfo)
    for table in ("interaction", "interaction_participant", "interaction_fts"):
        assert _count(db, table) == 0, table
    assert _last(db, ana) is None


def test_notes_at_the_limit_are_accepted(db: pw.SqliteDatabase, pair: tuple[int, int]) -> None:
    iid = _log(db, [pair[0]], _paris(9), notes="x" * 100_000)
    assert len(load_interaction(db, iid).data.notes) == 100_000


def test_every_problem_is_reported_at_once(db: pw.SqliteDatabase) -> None:
    with pytest.raises(ValidationError) as excinfo:
        create_interaction(db, InteractionData("", [], exchange_note="x"))
    assert _problems(excinfo) == {"kind", "when", "participants", "exchange"}


def test_failed_update_changes_nothing(db: pw.SqliteDatabase, pair: tuple[int, int]) -> None:
    ana, _ = pair
    iid = _log(db, [ana], _paris(9), title="Kept")
    with pytest.raises(ValidationError):
        update_interaction(db, iid, InteractionData("meeting", [], when=_paris(20), title="New"))
    record = load_interaction(db, iid)
    assert (record.data.title, record.data.participants) == ("Kept", [ana])
    assert _last(db, ana) == "2024-03-09T08:00:00Z"


def test_create_with_an_explicit_id(db: pw.SqliteDatabase, pair: tuple[int, int]) -> None:
    ana, _ = pair
    iid = _log(db, [ana], _paris(9), title="Again")
    purge_interactions(db, [iid])
    assert _ids(db) == []
    again = create_interaction(db, InteractionData("meeting", [ana], when=_paris(9)), iid)
    assert again == iid
    assert load_interaction(db, iid).data.participants == [ana]


# --- each contact's last interaction ---------------------------------------------------------


def test_last_interaction_follows_every_change(
    db: pw.SqliteDatabase, pair: tuple[int, int]
) -> None:
    ana, bo = pair
    assert _last(db, ana) is None
    shared = _log(db, [ana, bo], _paris(10))
    assert _last(db, ana) == _last(db, bo) == "2024-03-10T08:00:00Z"

    older = _log(db, [ana], _paris(2))
    assert _last(db, ana) == "2024-03-10T08:00:00Z", "an older one changes nothing"

    update_interaction(db, shared, InteractionData("meeting", [ana, bo], when=_paris(12)))
    assert _last(db, ana) == _last(db, bo) == "2024-03-12T08:00:00Z", "moved later"

    update_interaction(db, shared, InteractionData("meeting", [ana, bo], when=_paris(1)))
    assert _last(db, ana) == "2024-03-02T08:00:00Z", "moved earlier: the older one is latest"
    assert _last(db, bo) == "2024-03-01T08:00:00Z"

    update_interaction(db, shared, InteractionData("meeting", [ana], when=_paris(1)))
    assert _last(db, bo) is None, "Bo no longer took part"
    assert _last(db, ana) == "2024-03-02T08:00:00Z"

    set_interactions_trashed(db, [older], True)
    assert _last(db, ana) == "2024-03-01T08:00:00Z"
    set_interactions_trashed(db, [older], False)
    assert _last(db, ana) == "2024-03-02T08:00:00Z"

    purge_interactions(db, [older])
    assert _last(db, ana) == "2024-03-01T08:00:00Z"
    purge_interactions(db, [shared])
    assert _last(db, ana) is None


def test_last_interaction_of_the_others_survives_a_purged_contact(
    db: pw.SqliteDatabase, pair: tuple[int, int]
) -> None:
    ana, bo = pair
    _log(db, [ana, bo], _paris(5))
    _log(db, [bo], _paris(3))
    trash_contacts(db, [ana])
    assert _last(db, bo) == "2024-03-05T08:00:00Z"
    purge_contacts(db, [ana])
    assert _last(db, bo) == "2024-03-05T08:00:00Z"
    assert balance(db, bo).last_interaction == datetime(2024, 3, 5, 8, tzinfo=UTC)


def test_an_interaction_added_in_the_trash_does_not_count(
    db: pw.SqliteDatabase, pair: tuple[int, int]
) -> None:
    ana, _ = pair
    iid = _log(db, [ana], _paris(5))
    set_interactions_trashed(db, [iid], True)
    assert _last(db, ana) is None
    update_interaction(db, iid, InteractionData("meeting", [ana], when=_paris(20)))
    assert _last(db, ana) is None, "an edit in the trash stays out of the count"
    assert set_interactions_trashed(db, [iid], True) == 0
    assert set_interactions_trashed(db, [iid], False) == 1
    assert _last(db, ana) == "2024-03-20T08:00:00Z"


# --- time zones ------------------------------------------------------------------------------


@pytest.fixture
def process_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``set(name)`` changes this process's local time zone; put back afterwards."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is only on Unix")

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


def test_late_evening_keeps_its_day_and_instant(
    db: pw.SqliteDatabase, pair: tuple[int, int]
) -> None:
    ana, _ = pair
    late = datetime(2024, 3, 9, 23, 30, tzinfo=PARIS)
    iid = _log(db, [ana], late, time_zone="Europe/Paris")
    assert _column(db, iid, "local_date") == "2024-03-09"
    assert _column(db, iid, "occurred_at") == "2024-03-09T22:30:00Z"
    record = load_interaction(db, iid)
    assert record.data.when == late
    assert record.data.day == date(2024, 3, 9)
    row = interaction_rows(db, [iid])[iid]
    assert row.local_date == date(2024, 3, 9)
    assert row.occurred_at == late


@pytest.mark.skipif(sys.platform == "win32", reason="time.tzset is only on Unix")
def test_the_stored_day_does_not_move_with_the_computers_zone(
    db: pw.SqliteDatabase, pair: tuple[int, int], process_zone: Any
) -> None:
    ana, _ = pair
    process_zone("Europe/Paris")
    late = datetime(2024, 3, 9, 23, 30).astimezone()
    assert late.utcoffset() is not None
    assert late.utcoffset().total_seconds() == 3600
    timed = _log(db, [ana], late)
    all_day = create_interaction(db, InteractionData("note", [ana], day=date(2024, 3, 9)))
    assert _column(db, all_day, "occurred_at") == "2024-03-09T11:00:00Z", "noon in Paris"

    for zone in ("Pacific/Auckland", "America/Los_Angeles", "UTC"):
        process_zone(zone)
        record = load_interaction(db, timed)
        assert record.data.when == late, zone
        assert record.data.day == date(2024, 3, 9), zone
        assert load_interaction(db, all_day).data.day == date(2024, 3, 9), zone
        rows = interaction_rows(db, [timed, all_day])
        assert {r.local_date for r in rows.values()} == {date(2024, 3, 9)}, zone
        assert set(_ids(db, since=date(2024, 3, 9), until=date(2024, 3, 9))) == {timed, all_day}
        assert _ids(db, since=date(2024, 3, 10)) == []


def test_unknown_zone_falls_back_to_the_computers() -> None:
    here = datetime.now().astimezone().utcoffset()
    assert datetime.now(zone_named("No/Such_Zone")).utcoffset() == here
    assert datetime.now(zone_named("")).utcoffset() == here
    assert zone_named("Europe/Paris") == PARIS


# --- the timeline ----------------------------------------------------------------------------


@pytest.fixture
def history(db: pw.SqliteDatabase) -> dict[str, int]:
    ana = _add(db, "Ana", "Lopez", tags=["Mentor"])
    bo = _add(db, "Bo", "Chen")
    zed = _add(db, "Zed", "Adams", tags=["Client"])
    return {
        "ana": ana,
        "bo": bo,
        "zed": zed,
        "coffee": _log(
            db, [ana, bo], _paris(1), kind="coffee", title="Budget talk", place="Lyon station"
        ),
        "call": _log(db, [bo], _paris(5), kind="call", notes="Discussed the roadmap"),
        "gave": _log(
            db, [ana], _paris(10), kind="message", exchange="given", exchange_note="Reference"
        ),
        "got": _log(db, [zed], _paris(12), exchange="received", exchange_note="Advice"),
        "custom": _log(db, [zed, ana], _paris(15), kind="Workshop", title="Offsite"),
    }


def test_newest_first(db: pw.SqliteDatabase, history: dict[str, int]) -> None:
    h = history
    assert _ids(db) == [h["custom"], h["got"], h["gave"], h["call"], h["coffee"]]
    assert _ids(db, limit=2) == [h["custom"], h["got"]]
    assert _ids(db, limit=0) == []


def test_same_instant_newest_id_first(db: pw.SqliteDatabase, pair: tuple[int, int]) -> None:
    ana, _ = pair
    first = _log(db, [ana], _paris(9))
    second = _log(db, [ana], _paris(9))
    third = _log(db, [ana], datetime(2024, 3, 9, 8, tzinfo=UTC))  # the same instant
    assert _ids(db) == [third, second, first]


def test_text_search_in_title_notes_place_and_exchange_note(
    db: pw.SqliteDatabase, history: dict[str, int]
) -> None:
    h = history
    assert _ids(db, text="budget") == [h["coffee"]]
    assert _ids(db, text="roadm") == [h["call"]], "prefix of a word in the notes"
    assert _ids(db, text="lyon") == [h["coffee"]]
    assert _ids(db, text="ADVICE") == [h["got"]]
    assert _ids(db, text="budget lyon") == [h["coffee"]], "every word must match"
    assert _ids(db, text="budget advice") == []
    assert _ids(db, text="nothing-like-this") == []
    assert len(_ids(db, text="   ")) == 5, "blank text filters nothing"


def test_text_search_follows_edits(db: pw.SqliteDatabase, pair: tuple[int, int]) -> None:
    ana, _ = pair
    iid = _log(db, [ana], _paris(9), title="Quarterly review")
    update_interaction(db, iid, InteractionData("meeting", [ana], when=_paris(9), title="Hiring"))
    assert _ids(db, text="quarterly") == []
    assert _ids(db, text="hiring") == [iid]
    purge_interactions(db, [iid])
    assert _count(db, "interaction_fts") == 0


def test_filters(db: pw.SqliteDatabase, history: dict[str, int]) -> None:
    h = history
    assert _ids(db, kind="coffee") == [h["coffee"]]
    assert _ids(db, kind="Workshop") == [h["custom"]]
    assert _ids(db, contact_id=h["bo"]) == [h["call"], h["coffee"]]
    assert _ids(db, contact_id=h["ana"]) == [h["custom"], h["gave"], h["coffee"]]
    assert _ids(db, tag="mentor") == [h["custom"], h["gave"], h["coffee"]]
    assert _ids(db, tag="Client ") == [h["custom"], h["got"]]
    assert _ids(db, tag="nobody") == []
    assert _ids(db, since=date(2024, 3, 10)) == [h["custom"], h["got"], h["gave"]]
    assert _ids(db, until=date(2024, 3, 5)) == [h["call"], h["coffee"]]
    assert _ids(db, since=date(2024, 3, 5), until=date(2024, 3, 10)) == [h["gave"], h["call"]]
    assert _ids(db, exchange="given") == [h["gave"]]
    assert _ids(db, exchange="received") == [h["got"]]
    assert _ids(db, kind="coffee", contact_id=h["zed"]) == []
    assert _ids(db, text="offsite", tag="client", since=date(2024, 3, 15)) == [h["custom"]]


def test_trashed_filter(db: pw.SqliteDatabase, history: dict[str, int]) -> None:
    h = history
    assert set_interactions_trashed(db, [h["call"], h["got"]], True) == 2
    assert _ids(db, trashed=True) == [h["got"], h["call"]]
    assert h["call"] not in _ids(db)
    assert _ids(db, trashed=True, text="roadmap") == [h["call"]]
    assert _ids(db, text="roadmap") == []
    assert load_interaction(db, h["call"]).trashed_at is not None


def test_rows(db: pw.SqliteDatabase, history: dict[str, int]) -> None:
    h = history
    rows = interaction_rows(db, [h["coffee"], h["custom"], h["got"], 9999])
    assert set(rows) == {h["coffee"], h["custom"], h["got"]}
    coffee = rows[h["coffee"]]
    assert coffee.participants == "Ana Lopez, Bo Chen"
    assert rows[h["custom"]].participants == "Ana Lopez, Zed Adams", "sorted by name"
    assert coffee.occurred_at == datetime(2024, 3, 1, 8, tzinfo=UTC)
    assert coffee.local_date == date(2024, 3, 1)
    assert (coffee.kind, coffee.title, coffee.all_day) == ("coffee", "Budget talk", False)
    assert (coffee.exchange, coffee.exchange_note) == (None, "")
    got = rows[h["got"]]
    assert (got.exchange, got.exchange_note) == ("received", "Advice")
    assert interaction_rows(db, []) == {}


def test_rows_of_many(db: pw.SqliteDatabase, pair: tuple[int, int]) -> None:
    ana, _ = pair
    with db.atomic():  # one commit: quicker, and the same rows
        ids = [_log(db, [ana], _paris(1 + n % 28, n % 24)) for n in range(510)]
    rows = interaction_rows(db, _ids(db))
    assert set(rows) == set(ids)


def test_balance(db: pw.SqliteDatabase, pair: tuple[int, int]) -> None:
    ana, bo = pair
    empty = balance(db, ana)
    assert (empty.given, empty.received, empty.last_given, empty.last_received) == (
        0,
        0,
        None,
        None,
    )
    assert empty.last_interaction is None
    assert empty.days_since_last(date(2024, 3, 9)) is None

    _log(db, [ana, bo], _paris(2), exchange="given", exchange_note="Intro")
    _log(db, [ana], _paris(8), exchange="given", exchange_note="Review")
    _log(db, [ana], _paris(4), exchange="received", exchange_note="Lunch")
    trashed = _log(db, [ana], _paris(9), exchange="received", exchange_note="Trashed")
    set_interactions_trashed(db, [trashed], True)
    _log(db, [ana], _paris(11, 12))

    ledger = balance(db, ana)
    assert (ledger.given, ledger.received) == (2, 1)
    assert ledger.last_given == (date(2024, 3, 8), "Review")
    assert ledger.last_received == (date(2024, 3, 4), "Lunch")
    assert ledger.last_interaction == datetime(2024, 3, 11, 11, tzinfo=UTC)
    days = ledger.days_since_last(date(2024, 3, 21))
    assert days is not None
    assert 9 <= days <= 10

    other = balance(db, bo)
    assert (other.given, other.received, other.last_received) == (1, 0, None)
    assert other.last_given == (date(2024, 3, 2), "Intro")


def test_used_kinds(db: pw.SqliteDatabase, pair: tuple[int, int]) -> None:
    ana, _ = pair
    assert used_kinds(db) == list(BUILT_IN_KINDS)
    _log(db, [ana], _paris(1), kind="workshop")
    _log(db, [ana], _paris(2), kind="call")
    _log(db, [ana], _paris(3), kind="Board review")
    _log(db, [ana], _paris(4), kind="workshop")
    kinds = used_kinds(db)
    assert kinds[: len(BUILT_IN_KINDS)] == list(BUILT_IN_KINDS)
    assert kinds[len(BUILT_IN_KINDS) :] == ["Board review", "workshop"]


# --- people in the trash and their interactions ----------------------------------------------


def test_deleting_a_participant_keeps_the_interaction_for_the_others(
    db: pw.SqliteDatabase, pair: tuple[int, int]
) -> None:
    ana, bo = pair
    shared = _log(db, [ana, bo], _paris(5))
    trash_contacts(db, [ana])
    assert _ids(db) == [shared]
    assert _ids(db, contact_id=bo) == [shared]
    assert _column(db, shared, "trashed_with_contacts") == 0
    assert load_interaction(db, shared).data.participants == [ana, bo]
    purge_contacts(db, [ana])
    assert _ids(db) == [shared]
    assert load_interaction(db, shared).data.participants == [bo]
    assert interaction_rows(db, [shared])[shared].participants == "Bo Chen"


def test_lonely_interaction_goes_to_the_trash_and_back_with_its_person(
    db: pw.SqliteDatabase, pair: tuple[int, int]
) -> None:
    ana, bo = pair
    alone = _log(db, [ana], _paris(6))
    shared = _log(db, [ana, bo], _paris(5))
    trash_contacts(db, [ana])
    assert _ids(db) == [shared]
    assert _ids(db, trashed=True) == [alone]
    assert _column(db, alone, "trashed_with_contacts") == 1

    restore_contacts(db, [ana])
    assert _ids(db) == [alone, shared]
    assert _ids(db, trashed=True) == []
    assert _column(db, alone, "trashed_with_contacts") == 0
    assert _last(db, ana) == "2024-03-06T08:00:00Z"


def test_last_of_several_participants_trashed_takes_the_interaction(
    db: pw.SqliteDatabase, pair: tuple[int, int]
) -> None:
    ana, bo = pair
    shared = _log(db, [ana, bo], _paris(5))
    trash_contacts(db, [ana])
    assert _ids(db) == [shared]
    trash_contacts(db, [bo])
    assert _ids(db, trashed=True) == [shared]
    restore_contacts(db, [ana])
    assert _ids(db) == [shared], "back as soon as one of them is back"


def test_interaction_trashed_on_its_own_stays_in_the_trash(
    db: pw.SqliteDatabase, pair: tuple[int, int]
) -> None:
    ana, _ = pair
    own = _log(db, [ana], _paris(7))
    set_interactions_trashed(db, [own], True)
    trash_contacts(db, [ana])
    restore_contacts(db, [ana])
    assert _ids(db) == []
    assert _ids(db, trashed=True) == [own]
    assert _column(db, own, "trashed_with_contacts") == 0


def test_purging_the_person_removes_their_lonely_interaction(
    db: pw.SqliteDatabase, pair: tuple[int, int]
) -> None:
    ana, bo = pair
    alone = _log(db, [ana], _paris(6), title="Lonely lunch")
    shared = _log(db, [ana, bo], _paris(5))
    set_trashed(db, [ana], True)
    purge_contacts(db, [ana])
    with pytest.raises(InteractionNotFoundError):
        load_interaction(db, alone)
    assert _ids(db) == [shared]
    assert _ids(db, trashed=True) == []
    assert _ids(db, text="lonely", trashed=True) == []
    assert _count(db, "interaction_fts") == 1
