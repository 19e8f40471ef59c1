"""Keyset paging of the timeline, its filters and day ranges, counts, and the local zone."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import peewee as pw
import pytest
import tzlocal

from ally_desktop.core import timeline
from ally_desktop.core.contacts import (
    create_contact,
    has_interactions,
    purge_contacts,
    trash_contacts,
)
from ally_desktop.core.records import ContactData
from ally_desktop.core.timeline import (
    InteractionData,
    TimelineKey,
    TimelineQuery,
    count_interactions,
    create_interaction,
    interaction_ids,
    interaction_key,
    interaction_keys,
    interaction_rows,
    load_interaction,
    local_zone_name,
    participants_of,
    purge_interactions,
    set_interactions_trashed,
    update_interaction,
)

PARIS = ZoneInfo("Europe/Paris")
AUCKLAND = ZoneInfo("Pacific/Auckland")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
KIRITIMATI = ZoneInfo("Pacific/Kiritimati")  # UTC+14, the earliest clock on Earth
BAKER = ZoneInfo("Etc/GMT+12")  # UTC-12, the latest


def _add(db: pw.SqliteDatabase, given: str, family: str = "", **fields: Any) -> int:
    return create_contact(db, ContactData(given_name=given, family_name=family, **fields))


def _log(db: pw.SqliteDatabase, people: list[int], when: datetime, **fields: Any) -> int:
    return create_interaction(
        db, InteractionData(fields.pop("kind", "meeting"), people, when=when, **fields)
    )


def _ids(keys: list[TimelineKey]) -> list[int]:
    return [key.id for key in keys]


def _all_pages(
    db: pw.SqliteDatabase, query: TimelineQuery, size: int
) -> Iterator[list[TimelineKey]]:
    """Every page of ``size`` keys, each continuing after the last key of the one before."""
    after: TimelineKey | None = None
    for _ in range(10_000):
        page = interaction_keys(db, query, after=after, limit=size)
        if not page:
            return
        assert len(page) <= size
        yield page
        after = page[-1]
    raise AssertionError("paging never ended")


@pytest.fixture
def people(db: pw.SqliteDatabase) -> dict[str, int]:
    return {
        "ana": _add(db, "Ana", "Lopez", tags=["Mentor"]),
        "bo": _add(db, "Bo", "Chen"),
        "cy": _add(db, "Cy", "Diaz", tags=["Client"]),
    }


@pytest.fixture
def crowd(db: pw.SqliteDatabase, people: dict[str, int]) -> list[tuple[datetime, int]]:
    """63 interactions on only 7 instants (so most share theirs with others), logged out of
    order and in several zones; returns (UTC instant, id) of each."""
    instants = [datetime(2024, 3, 1 + n * 3, 9 + n, 15, tzinfo=UTC) for n in range(7)]
    zones = [UTC, PARIS, AUCKLAND, LOS_ANGELES]
    kinds = ["meeting", "call", "coffee"]
    ana, bo, cy = people["ana"], people["bo"], people["cy"]
    groups = [[ana], [bo], [ana, bo], [cy]]
    made = []
    with db.atomic():
        for n in range(63):
            moment = instants[(n * 5) % 7]
            exchange = ("given", "received", None)[n % 3]
            iid = _log(
                db,
                groups[n % 4],
                moment.astimezone(zones[n % 4]),
                kind=kinds[n % 3],
                title=f"Topic {n}" + (" pricing" if n % 5 == 0 else ""),
                exchange=exchange,
                exchange_note="a hand" if exchange else "",
            )
            made.append((moment, iid))
            _LOCAL_DAY[iid] = moment.astimezone(zones[n % 4]).date()
    return made


_LOCAL_DAY: dict[int, date] = {}  # the day each crowd interaction was logged on, where it was


def _newest_first(made: list[tuple[datetime, int]]) -> list[int]:
    """A diary's order: the day meant (newest first), then the instant, then the id."""
    return [iid for _, _, iid in sorted(((_LOCAL_DAY[i], m, i) for m, i in made), reverse=True)]


# --- order and keyset paging -----------------------------------------------------------------


def test_keys_are_newest_day_first_with_ties_broken_by_the_newest_id(
    db: pw.SqliteDatabase, crowd: list[tuple[datetime, int]]
) -> None:
    keys = interaction_keys(db, TimelineQuery(), limit=None)
    assert _ids(keys) == _newest_first(crowd)
    assert _ids(keys) == list(interaction_ids(db, TimelineQuery()))
    for newer, older in itertools.pairwise(keys):
        assert (newer.local_date, newer.occurred_at, newer.id) > (
            older.local_date,
            older.occurred_at,
            older.id,
        )
    by_id = {iid: moment for moment, iid in crowd}
    for key in keys:
        assert key.occurred_at == by_id[key.id].strftime("%Y-%m-%dT%H:%M:%SZ")
        assert key == interaction_key(db, key.id)
    assert len({k.occurred_at for k in keys}) == 7, "many keys share an instant"


def test_limit_takes_the_newest(db: pw.SqliteDatabase, crowd: list[tuple[datetime, int]]) -> None:
    expected = _newest_first(crowd)
    assert _ids(interaction_keys(db, TimelineQuery(), limit=4)) == expected[:4]
    assert _ids(interaction_keys(db, TimelineQuery())) == expected, "500 by default"
    assert interaction_keys(db, TimelineQuery(), limit=0) == []


@pytest.mark.parametrize("size", [1, 2, 3, 8, 9, 62, 63, 64, 500])
def test_pages_continue_exactly_where_the_last_one_stopped(
    db: pw.SqliteDatabase, crowd: list[tuple[datetime, int]], size: int
) -> None:
    pages = list(_all_pages(db, TimelineQuery(), size))
    assert all(len(page) == size for page in pages[:-1]), "only the last page is short"
    seen = [iid for page in pages for iid in _ids(page)]
    assert len(seen) == len(set(seen)), "no interaction twice"
    assert seen == _newest_first(crowd), "none missed, in order"


def test_paging_after_any_key_inside_a_run_of_equal_instants(
    db: pw.SqliteDatabase, crowd: list[tuple[datetime, int]]
) -> None:
    everything = interaction_keys(db, TimelineQuery(), limit=None)
    for position, key in enumerate(everything):
        rest = interaction_keys(db, TimelineQuery(), after=key, limit=None)
        assert rest == everything[position + 1 :], f"after position {position}"
        assert _ids(interaction_keys(db, TimelineQuery(), after=key, limit=2)) == _ids(
            everything[position + 1 : position + 3]
        )


def test_after_a_key_that_no_longer_exists(
    db: pw.SqliteDatabase, crowd: list[tuple[datetime, int]]
) -> None:
    everything = interaction_keys(db, TimelineQuery(), limit=None)
    gone = everything[10]
    purge_interactions(db, [gone.id])
    assert interaction_keys(db, TimelineQuery(), after=gone, limit=None) == everything[11:]
    assert interaction_key(db, gone.id) is None


def test_through_returns_everything_up_to_and_including_a_key(
    db: pw.SqliteDatabase, crowd: list[tuple[datetime, int]]
) -> None:
    everything = interaction_keys(db, TimelineQuery(), limit=None)
    for position in (0, 1, 7, 30, len(everything) - 1):
        key = everything[position]
        assert interaction_keys(db, TimelineQuery(), through=key) == everything[: position + 1]
        assert (
            interaction_keys(db, TimelineQuery(), through=key, limit=2)
            == everything[: position + 1]
        ), "through wins over limit"
        for start in (0, 3):
            if start < position:
                assert (
                    interaction_keys(db, TimelineQuery(), after=everything[start], through=key)
                    == everything[start + 1 : position + 1]
                )
    last = everything[-1]
    assert interaction_keys(db, TimelineQuery(), after=last, through=last) == []


@pytest.mark.parametrize(
    "query",
    [
        TimelineQuery(kind="call"),
        TimelineQuery(exchange="given"),
        TimelineQuery(exchange="received"),
        TimelineQuery(text="pricing"),
        TimelineQuery(tag="mentor"),
        TimelineQuery(since=date(2024, 3, 7), until=date(2024, 3, 13)),
        TimelineQuery(kind="call", exchange="received", text="pricing", tag="mentor"),
    ],
    ids=["kind", "given", "received", "text", "tag", "days", "combined"],
)
def test_filters_combine_with_paging(
    db: pw.SqliteDatabase, crowd: list[tuple[datetime, int]], query: TimelineQuery
) -> None:
    expected = list(interaction_ids(db, query))
    assert 0 < len(expected) < len(crowd), "the filter narrows"
    for size in (1, 4):
        paged = [iid for page in _all_pages(db, query, size) for iid in _ids(page)]
        assert paged == expected
    assert count_interactions(db, query) == len(expected)


def test_person_filter_with_paging(
    db: pw.SqliteDatabase, crowd: list[tuple[datetime, int]], people: dict[str, int]
) -> None:
    for name, taken_part in (("ana", 32), ("bo", 32), ("cy", 15)):
        query = TimelineQuery(contact_id=people[name])
        paged = [iid for page in _all_pages(db, query, 5) for iid in _ids(page)]
        expected = [
            iid
            for iid in _newest_first(crowd)
            if people[name] in timeline.load_interaction(db, iid).data.participants
        ]
        assert paged == expected
        assert len(paged) == taken_part, name


def test_trashed_interactions_page_on_their_own(
    db: pw.SqliteDatabase, crowd: list[tuple[datetime, int]]
) -> None:
    newest = _newest_first(crowd)
    trashed = newest[5:40:3]
    set_interactions_trashed(db, trashed, True)
    shown = [iid for page in _all_pages(db, TimelineQuery(), 4) for iid in _ids(page)]
    assert shown == [iid for iid in newest if iid not in trashed]
    in_trash = [
        iid for page in _all_pages(db, TimelineQuery(trashed=True), 4) for iid in _ids(page)
    ]
    assert in_trash == trashed
    assert count_interactions(db, TimelineQuery(trashed=True)) == len(trashed)
    assert count_interactions(db, TimelineQuery()) == len(newest) - len(trashed)


def test_count_equals_the_number_of_keys(
    db: pw.SqliteDatabase, crowd: list[tuple[datetime, int]], people: dict[str, int]
) -> None:
    queries = [
        TimelineQuery(),
        TimelineQuery(kind="meeting"),
        TimelineQuery(contact_id=people["cy"]),
        TimelineQuery(tag="client", exchange="given"),
        TimelineQuery(text="pricing", kind="call"),
        TimelineQuery(since=date(2024, 3, 10)),
        TimelineQuery(until=date(2024, 3, 10)),
        TimelineQuery(text="nothing-of-the-sort"),
        TimelineQuery(trashed=True),
    ]
    for query in queries:
        keys = interaction_keys(db, query, limit=None)
        assert count_interactions(db, query) == len(keys), query
        assert _ids(keys) == list(interaction_ids(db, query)), query
    assert count_interactions(db, TimelineQuery()) == 63


def test_an_empty_timeline(db: pw.SqliteDatabase) -> None:
    assert interaction_keys(db, TimelineQuery()) == []
    assert count_interactions(db, TimelineQuery()) == 0
    assert list(interaction_ids(db, TimelineQuery())) == []


# --- the days the user meant ------------------------------------------------------------------


@pytest.fixture
def around_the_world(db: pw.SqliteDatabase, people: dict[str, int]) -> dict[str, int]:
    """Interactions all within UTC's 9 March 2024, yet on three different local days."""
    ana = people["ana"]
    return {
        # Saturday 9 March late in Auckland (UTC+13): 10:30 UTC on the 9th.
        "auckland_late_9": _log(db, [ana], datetime(2024, 3, 9, 23, 30, tzinfo=AUCKLAND)),
        # Sunday 10 March just after midnight in Auckland: 11:30 UTC on the 9th.
        "auckland_early_10": _log(db, [ana], datetime(2024, 3, 10, 0, 30, tzinfo=AUCKLAND)),
        # Saturday 9 March just after midnight in Los Angeles (UTC-8): 08:30 UTC on the 9th.
        "la_early_9": _log(db, [ana], datetime(2024, 3, 9, 0, 30, tzinfo=LOS_ANGELES)),
        # Friday 8 March late in Los Angeles: 07:30 UTC on the 9th.
        "la_late_8": _log(db, [ana], datetime(2024, 3, 8, 23, 30, tzinfo=LOS_ANGELES)),
        # The ends of the range of offsets: UTC+14 early, UTC-12 late.
        "kiritimati_early_9": _log(db, [ana], datetime(2024, 3, 9, 0, 30, tzinfo=KIRITIMATI)),
        "baker_late_9": _log(db, [ana], datetime(2024, 3, 9, 23, 30, tzinfo=BAKER)),
        "all_day_9_kiritimati": create_interaction(
            db,
            InteractionData("note", [ana], day=date(2024, 3, 9), time_zone="Pacific/Kiritimati"),
        ),
        "all_day_9_baker": create_interaction(
            db, InteractionData("note", [ana], day=date(2024, 3, 9), time_zone="Etc/GMT+12")
        ),
    }


def _days(db: pw.SqliteDatabase, made: dict[str, int], **query: Any) -> set[str]:
    names = {iid: name for name, iid in made.items()}
    found = [names[iid] for iid in interaction_ids(db, TimelineQuery(**query))]
    keys = _ids(interaction_keys(db, TimelineQuery(**query), limit=None))
    assert keys == list(interaction_ids(db, TimelineQuery(**query)))
    assert count_interactions(db, TimelineQuery(**query)) == len(found)
    return set(found)


def test_days_are_the_ones_meant_where_it_happened(
    db: pw.SqliteDatabase, around_the_world: dict[str, int]
) -> None:
    made = around_the_world
    rows = interaction_rows(db, list(made.values()))
    local_days = {name: rows[iid].local_date for name, iid in made.items()}
    assert local_days == {
        "auckland_late_9": date(2024, 3, 9),
        "auckland_early_10": date(2024, 3, 10),
        "la_early_9": date(2024, 3, 9),
        "la_late_8": date(2024, 3, 8),
        "kiritimati_early_9": date(2024, 3, 9),
        "baker_late_9": date(2024, 3, 9),
        "all_day_9_kiritimati": date(2024, 3, 9),
        "all_day_9_baker": date(2024, 3, 9),
    }
    keys = {k.id: k for k in interaction_keys(db, TimelineQuery(), limit=None)}
    assert {name: keys[iid].local_date for name, iid in made.items()} == local_days


def test_a_range_of_one_day_holds_exactly_that_local_day(
    db: pw.SqliteDatabase, around_the_world: dict[str, int]
) -> None:
    made = around_the_world
    ninth = date(2024, 3, 9)
    assert _days(db, made, since=ninth, until=ninth) == {
        "auckland_late_9",
        "la_early_9",
        "kiritimati_early_9",
        "baker_late_9",
        "all_day_9_kiritimati",
        "all_day_9_baker",
    }
    assert _days(db, made, since=date(2024, 3, 10), until=date(2024, 3, 10)) == {
        "auckland_early_10"
    }
    assert _days(db, made, since=date(2024, 3, 8), until=date(2024, 3, 8)) == {"la_late_8"}


def test_since_and_until_alone_cut_at_the_local_day(
    db: pw.SqliteDatabase, around_the_world: dict[str, int]
) -> None:
    made = around_the_world
    assert _days(db, made, since=date(2024, 3, 10)) == {"auckland_early_10"}
    assert _days(db, made, until=date(2024, 3, 8)) == {"la_late_8"}
    assert _days(db, made, since=date(2024, 3, 9)) == set(made) - {"la_late_8"}
    assert _days(db, made, until=date(2024, 3, 9)) == set(made) - {"auckland_early_10"}
    assert _days(db, made, since=date(2024, 3, 11)) == set()
    assert _days(db, made, until=date(2024, 3, 7)) == set()
    assert _days(db, made, since=date(2024, 3, 8), until=date(2024, 3, 10)) == set(made)


def test_day_ranges_page_without_gaps(
    db: pw.SqliteDatabase, around_the_world: dict[str, int]
) -> None:
    query = TimelineQuery(since=date(2024, 3, 9), until=date(2024, 3, 9))
    paged = [iid for page in _all_pages(db, query, 1) for iid in _ids(page)]
    assert paged == list(interaction_ids(db, query))
    assert len(paged) == 6


@pytest.mark.parametrize(
    "when",
    [
        datetime(2024, 3, 9, 20, 0, tzinfo=LOS_ANGELES),  # 04:00 UTC on the 10th
        datetime(2024, 3, 9, 8, 0, tzinfo=AUCKLAND),  # 19:00 UTC on the 8th
    ],
    ids=["evening in Los Angeles", "morning in Auckland"],
)
def test_the_day_survives_storing_a_loaded_interaction_again(
    db: pw.SqliteDatabase, people: dict[str, int], when: datetime
) -> None:
    zone = str(when.tzinfo)
    iid = _log(db, [people["ana"]], when, time_zone=zone)
    data = load_interaction(db, iid).data
    assert data.day == date(2024, 3, 9)
    update_interaction(db, iid, data)
    assert load_interaction(db, iid).data.day == date(2024, 3, 9), "after an update"
    purge_interactions(db, [iid])
    create_interaction(db, data, iid)
    assert load_interaction(db, iid).data.day == date(2024, 3, 9), "after a re-creation"


# --- a row's clock -------------------------------------------------------------------------------


def test_wall_clock_is_the_clock_where_it_happened(
    db: pw.SqliteDatabase, people: dict[str, int]
) -> None:
    paris = _log(
        db, [people["ana"]], datetime(2024, 1, 16, 14, 30, tzinfo=PARIS), time_zone="Europe/Paris"
    )
    unknown = _log(
        db, [people["ana"]], datetime(2024, 1, 16, 9, 0, tzinfo=UTC), time_zone="Nowhere/Town"
    )
    rows = interaction_rows(db, [paris, unknown])
    clock = rows[paris].wall_clock()
    assert (clock.hour, clock.minute, clock.tzname()) == (14, 30, "CET")
    assert clock.date() == rows[paris].local_date
    assert rows[unknown].wall_clock() == datetime(2024, 1, 16, 9, 0, tzinfo=UTC)
    here = datetime.now().astimezone().tzinfo
    expected = datetime(2024, 1, 16, 9, tzinfo=here).utcoffset()
    assert rows[unknown].wall_clock().utcoffset() == expected, "unknown: this computer's"


# --- who took part -----------------------------------------------------------------------------


def test_participants_of(db: pw.SqliteDatabase, people: dict[str, int]) -> None:
    ana, bo, cy = people["ana"], people["bo"], people["cy"]
    when = datetime(2024, 3, 9, 10, tzinfo=PARIS)
    both = _log(db, [ana, bo], when)
    alone = _log(db, [cy], when)
    bo_again = _log(db, [bo], when)
    assert set(participants_of(db, [both])) == {ana, bo}
    assert participants_of(db, [alone]) == (cy,)
    together = participants_of(db, [both, alone, bo_again])
    assert sorted(together) == sorted({ana, bo, cy}), "each person once"
    assert participants_of(db, []) == ()
    assert participants_of(db, [99_999]) == ()
    set_interactions_trashed(db, [alone], True)
    assert participants_of(db, [alone]) == (cy,), "the trash keeps who took part"


def test_participants_of_many_interactions(db: pw.SqliteDatabase) -> None:
    with db.atomic():
        friends = [_add(db, f"Friend{n}") for n in range(30)]
        ids = [
            _log(db, [friends[n % 30]], datetime(2024, 3, 1, tzinfo=UTC) + timedelta(minutes=n))
            for n in range(1_200)  # more ids than one statement takes
        ]
    assert sorted(participants_of(db, ids)) == sorted(friends)
    assert participants_of(db, ids[-1:]) == (friends[1_199 % 30],)


def test_has_interactions(db: pw.SqliteDatabase, people: dict[str, int]) -> None:
    ana, bo, cy = people["ana"], people["bo"], people["cy"]
    assert not has_interactions(db, ana)
    assert not has_interactions(db, 424_242)
    iid = _log(db, [ana, bo], datetime(2024, 3, 9, 10, tzinfo=PARIS))
    assert has_interactions(db, ana)
    assert has_interactions(db, bo)
    assert not has_interactions(db, cy)
    set_interactions_trashed(db, [iid], True)
    assert has_interactions(db, ana), "an interaction in the trash still counts"
    set_interactions_trashed(db, [iid], False)
    trash_contacts(db, [bo])
    purge_contacts(db, [bo])
    assert has_interactions(db, ana)
    purge_interactions(db, [iid])
    assert not has_interactions(db, ana)


# --- the computer's zone ---------------------------------------------------------------------


@pytest.fixture
def process_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """``set(name)`` changes this process's time zone (TZ and tzset); all put back after."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is only on Unix")

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()
    tzlocal.reload_localzone()  # forget what tzlocal learnt while the zone was changed


def test_local_zone_name_names_the_zone_of_a_fresh_process(
    process_zone: Callable[[str], None],
) -> None:
    process_zone("America/New_York")
    tzlocal.reload_localzone()  # as when Ally starts in New York
    assert local_zone_name() == "America/New_York"
    assert timeline.zone_named(local_zone_name()) == ZoneInfo("America/New_York")


def test_local_zone_name_follows_tz(process_zone: Callable[[str], None]) -> None:
    process_zone("Europe/Paris")
    tzlocal.reload_localzone()  # Ally starts in Paris
    assert local_zone_name() == "Europe/Paris"
    process_zone("America/New_York")  # then the computer's zone changes
    assert datetime.now().astimezone().tzname() in ("EST", "EDT")
    assert local_zone_name() == "America/New_York"
    process_zone("Asia/Tokyo")
    assert local_zone_name() == "Asia/Tokyo"


def test_local_zone_name_is_blank_when_it_cannot_be_told(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail() -> str:
        raise LookupError("no zone configured")

    monkeypatch.setattr(tzlocal, "get_localzone_name", fail)
    assert local_zone_name() == ""
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: "local")
    assert local_zone_name() == ""
    monkeypatch.setattr(tzlocal, "get_localzone_name", lambda: "Europe/Paris")
    assert local_zone_name() == "Europe/Paris"
