"""Today's sections, each rule on small hand-built data with fixed dates.

The clock is fixed at NOW, a Monday years ahead; interactions are logged at fixed
instants before it, so what is due, drifting or new does not depend on the day the tests
run. The day a person was added is real (the store stamps it), so people who must not
count as new are given a day they met long before NOW.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import peewee as pw
import pytest

from ally_desktop.core.contacts import create_contact, set_trashed
from ally_desktop.core.records import Closeness, ContactData, ImportantDate
from ally_desktop.core.reminders import ReminderData, create_reminder, snooze
from ally_desktop.core.timeline import InteractionData, create_interaction
from ally_desktop.core.today import (
    DRIFT_MIN_GAP_DAYS,
    TodaySection,
    birthday_day_name,
    birthdays,
    birthdays_this_week,
    drifting,
    due,
    due_total,
    give_and_get,
    new_allies,
    section_rows,
    today_overview,
)
from ally_desktop.store.db import sqlite_connection

NOW = datetime(2030, 3, 4, 12, 0).astimezone()  # a Monday noon, on this computer's clock
TODAY = NOW.date()
LONG_AGO = date(2020, 1, 1)


def person(db: pw.SqliteDatabase, name: str, **fields: object) -> int:
    given, _, family = name.partition(" ")
    fields.setdefault("met_on", LONG_AGO)
    return create_contact(db, ContactData(given_name=given, family_name=family, **fields))  # type: ignore[arg-type]


def log(
    db: pw.SqliteDatabase, who: int | list[int], days_ago: float, exchange: str | None = None
) -> int:
    people = who if isinstance(who, list) else [who]
    return create_interaction(
        db,
        InteractionData(
            "coffee",
            people,
            when=NOW - timedelta(days=days_ago),
            exchange=exchange,  # type: ignore[arg-type]
        ),
    )


def ids(rows: object) -> list[int | None]:
    return [row.contact_id for row in rows.rows]  # type: ignore[attr-defined]


def archive(db: pw.SqliteDatabase, contact_id: int) -> None:
    sqlite_connection(db).execute("UPDATE contact SET archived = 1 WHERE id = ?", [contact_id])


# --- drifting ---------------------------------------------------------------------------------
def regular(
    db: pw.SqliteDatabase, name: str, every: float, times: int, last_ago: float, **fields: object
) -> int:
    """Someone met ``times`` times ``every`` days apart, the last ``last_ago`` days ago."""
    contact_id = person(db, name, **fields)
    for n in range(times):
        log(db, contact_id, last_ago + every * n)
    return contact_id


def test_drifting_is_over_twice_the_usual_gap(db: pw.SqliteDatabase) -> None:
    slipping = regular(db, "Ana Silva", every=10, times=4, last_ago=21)
    regular(db, "Bo Chen", every=10, times=4, last_ago=20)  # exactly twice: not yet
    regular(db, "Cy Díaz", every=10, times=2, last_ago=60)  # two are no habit
    found = drifting(db, NOW)
    assert ids(found) == [slipping]
    assert found.total == 1
    assert found.rows[0].why == "Usually every 10 days; 21 days now"


def test_people_with_a_cadence_trashed_or_archived_do_not_drift(db: pw.SqliteDatabase) -> None:
    regular(db, "Ana Silva", every=10, times=3, last_ago=40, cadence_days=30)
    trashed = regular(db, "Bo Chen", every=10, times=3, last_ago=40)
    archived = regular(db, "Cy Díaz", every=10, times=3, last_ago=40)
    set_trashed(db, [trashed], True)
    archive(db, archived)
    assert drifting(db, NOW).total == 0


def test_a_day_of_meetings_is_no_daily_habit(db: pw.SqliteDatabase) -> None:
    """Three interactions on one day: the usual gap counts as a week at least."""
    busy = person(db, "Ana Silva")
    for hours in (0, 2, 4):
        log(db, busy, 10 + hours / 24)
    assert drifting(db, NOW).total == 0
    later = NOW + timedelta(days=2 * DRIFT_MIN_GAP_DAYS - 10 + 1)
    assert ids(drifting(db, later)) == [busy]
    assert drifting(db, later).rows[0].why.startswith("Usually every week; ")


def test_a_few_talks_years_apart_were_never_regular(db: pw.SqliteDatabase) -> None:
    regular(db, "Ana Silva", every=200, times=3, last_ago=500)
    assert drifting(db, NOW).total == 0


def test_closest_first_then_furthest_past_their_habit(db: pw.SqliteDatabase) -> None:
    far_acquaintance = regular(db, "Ana Silva", every=7, times=3, last_ago=70)  # 10x
    near_acquaintance = regular(db, "Bo Chen", every=10, times=3, last_ago=30)  # 3x
    inner = regular(db, "Cy Díaz", every=10, times=3, last_ago=25, closeness=Closeness.INNER_CIRCLE)
    found = drifting(db, NOW)
    assert ids(found) == [inner, far_acquaintance, near_acquaintance]
    assert ids(drifting(db, NOW, limit=2)) == [inner, far_acquaintance]
    assert drifting(db, NOW, limit=2).total == 3


def test_a_trashed_interaction_no_longer_counts(db: pw.SqliteDatabase) -> None:
    from ally_desktop.core.timeline import set_interactions_trashed

    ana = person(db, "Ana Silva")
    first = log(db, ana, 50)
    log(db, ana, 40)
    log(db, ana, 30)
    assert drifting(db, NOW).total == 1
    set_interactions_trashed(db, [first], True)
    assert drifting(db, NOW).total == 0


def test_long_silences_read_in_months(db: pw.SqliteDatabase) -> None:
    regular(db, "Ana Silva", every=20, times=3, last_ago=240)
    assert drifting(db, NOW).rows[0].why == "Usually every 20 days; 8 months now"


# --- birthdays --------------------------------------------------------------------------------
def born(db: pw.SqliteDatabase, name: str, month: int, day: int, year: int | None = None) -> int:
    return person(db, name, dates=[ImportantDate("birthday", month, day, year)])


def test_birthdays_of_the_next_seven_days_soonest_first_with_the_age(
    db: pw.SqliteDatabase,
) -> None:
    friday = born(db, "Ana Silva", 3, 8, 1990)
    today = born(db, "Bo Chen", 3, 4)
    sunday = born(db, "Cy Díaz", 3, 10, 2000)
    born(db, "Di Eze", 3, 11)  # eight days on: next week
    born(db, "Ed Fox", 3, 3)  # yesterday: next year
    found = birthdays(db, TODAY)
    assert ids(found) == [today, friday, sunday]
    assert [row.why for row in found.rows] == [
        "Birthday today",
        "Birthday on Friday, turns 40",
        "Birthday on Sunday, turns 30",
    ]


def test_tomorrow_is_said_as_such(db: pw.SqliteDatabase) -> None:
    born(db, "Ana Silva", 3, 5)
    assert birthdays(db, TODAY).rows[0].why == "Birthday tomorrow"


def test_the_29th_of_february_falls_on_the_28th_in_a_common_year(db: pw.SqliteDatabase) -> None:
    leapling = born(db, "Ana Silva", 2, 29, 1996)
    common = date(2031, 2, 25)  # a Tuesday; 2031 is a common year
    found = birthdays_this_week(db, common)
    assert [(b.contact_id, b.on) for b in found] == [(leapling, date(2031, 2, 28))]
    assert birthdays(db, common).rows[0].why == "Birthday on Friday, turns 35"
    assert birthdays(db, date(2031, 3, 1)).total == 0  # it was yesterday
    leap = date(2032, 2, 26)
    assert [b.on for b in birthdays_this_week(db, leap)] == [date(2032, 2, 29)]


def test_the_week_runs_over_the_end_of_the_year(db: pw.SqliteDatabase) -> None:
    new_year = born(db, "Ana Silva", 1, 2, 1980)
    eve = born(db, "Bo Chen", 12, 31)
    found = birthdays(db, date(2030, 12, 29))
    assert ids(found) == [eve, new_year]
    assert found.rows[1].why == "Birthday on Thursday, turns 51"


def test_birthdays_of_the_trashed_and_archived_are_left_out(db: pw.SqliteDatabase) -> None:
    trashed = born(db, "Ana Silva", 3, 5)
    archived = born(db, "Bo Chen", 3, 5)
    set_trashed(db, [trashed], True)
    archive(db, archived)
    assert birthdays(db, TODAY).total == 0


def test_the_tray_names_the_day_short() -> None:
    assert birthday_day_name(TODAY, TODAY) == "today"
    assert birthday_day_name(TODAY + timedelta(days=1), TODAY) == "tomorrow"
    assert birthday_day_name(TODAY + timedelta(days=4), TODAY) == "Fri"


# --- new allies -------------------------------------------------------------------------------
def test_met_in_the_last_thirty_days_with_one_interaction_at_most(db: pw.SqliteDatabase) -> None:
    nine = person(db, "Ana Silva", met_on=TODAY - timedelta(days=9), met_how="Team offsite")
    thirty = person(db, "Bo Chen", met_on=TODAY - timedelta(days=30))
    person(db, "Cy Díaz", met_on=TODAY - timedelta(days=31))
    once = person(db, "Di Eze", met_on=TODAY - timedelta(days=2))
    log(db, once, 1)
    twice = person(db, "Ed Fox", met_on=TODAY - timedelta(days=3))
    log(db, twice, 2)
    log(db, twice, 1)
    person(db, "Flo Gil", met_on=TODAY + timedelta(days=3))  # not met yet
    found = new_allies(db, TODAY)
    assert ids(found) == [once, nine, thirty]
    assert found.total == 3
    assert [row.why for row in found.rows] == [
        "Met 2 days ago",
        "Met 9 days ago · Team offsite · nothing logged yet",
        "Met 30 days ago · nothing logged yet",
    ]


def test_without_a_day_met_the_day_added_counts(db: pw.SqliteDatabase) -> None:
    added = create_contact(db, ContactData(given_name="Ana"))  # met_on unknown
    stamp = datetime.combine(TODAY - timedelta(days=5), time(12, 0)).astimezone(UTC)
    sqlite_connection(db).execute(
        "UPDATE contact SET created_at = ? WHERE id = ?",
        [stamp.strftime("%Y-%m-%dT%H:%M:%S.000000Z"), added],
    )
    assert ids(new_allies(db, TODAY)) == [added]
    assert new_allies(db, TODAY).rows[0].why == "Met 5 days ago · nothing logged yet"
    assert new_allies(db, TODAY + timedelta(days=26)).total == 0


def test_new_allies_trashed_or_archived_are_left_out(db: pw.SqliteDatabase) -> None:
    trashed = person(db, "Ana Silva", met_on=TODAY)
    archived = person(db, "Bo Chen", met_on=TODAY)
    set_trashed(db, [trashed], True)
    archive(db, archived)
    assert new_allies(db, TODAY).total == 0


# --- give and get -----------------------------------------------------------------------------
def test_the_people_you_lean_on_most_with_the_balance(db: pw.SqliteDatabase) -> None:
    mentor = person(db, "Ana Silva")
    for days in (1, 2, 3, 4, 5, 6):
        log(db, mentor, days, "received")
    log(db, mentor, 7, "given")
    taker_of = person(db, "Bo Chen")
    log(db, taker_of, 1, "received")
    log(db, taker_of, 2, "received")
    even = person(db, "Cy Díaz")
    log(db, even, 1, "received")
    log(db, even, 2, "given")
    person(db, "Di Eze")  # never helped
    found = give_and_get(db)
    assert ids(found) == [mentor, taker_of, even]
    assert [(row.why, row.attention) for row in found.rows] == [
        ("Received help 6 times, gave once", False),
        ("Received help twice, gave none", True),
        ("Received help once, gave once", False),
    ]
    assert give_and_get(db, limit=1).total == 3


def test_give_and_get_leaves_out_the_trashed_and_archived(db: pw.SqliteDatabase) -> None:
    trashed = person(db, "Ana Silva")
    log(db, trashed, 1, "received")
    archived = person(db, "Bo Chen")
    log(db, archived, 1, "received")
    set_trashed(db, [trashed], True)
    archive(db, archived)
    assert give_and_get(db).total == 0


# --- due --------------------------------------------------------------------------------------
def remind(db: pw.SqliteDatabase, title: str, when: datetime, contact_id: int | None = None) -> int:
    """A one-off reminder falling due at the instant ``when`` (set in UTC)."""
    when = when.astimezone(UTC)
    return create_reminder(
        db,
        ReminderData(
            title, when.date(), contact_id=contact_id, at_time=when.time(), time_zone="UTC"
        ),
    )


def test_due_is_overdue_and_today_longest_waiting_first(db: pw.SqliteDatabase) -> None:
    ana = person(db, "Ana Silva")
    old = remind(db, "Send the slides", NOW - timedelta(days=2), ana)
    earlier = remind(db, "Renew the badge", NOW - timedelta(hours=1))
    later = remind(db, "Call back", NOW + timedelta(hours=3), ana)
    remind(db, "Next week", NOW + timedelta(days=7), ana)
    snoozed = remind(db, "Snoozed", NOW - timedelta(days=1), ana)
    snooze(db, snoozed, NOW + timedelta(days=1))
    found = due(db, NOW)
    assert [row.reminder_id for row in found.rows] == [old, earlier, later]
    assert found.total == 3 == due_total(db, NOW)
    assert [(row.contact_id, row.name, row.why) for row in found.rows] == [
        (ana, "Ana Silva", "Send the slides, due 2 days ago"),
        (None, "Renew the badge", f"Due today at {NOW - timedelta(hours=1):%H:%M}"),
        (ana, "Ana Silva", f"Call back, due today at {NOW + timedelta(hours=3):%H:%M}"),
    ]
    assert [row.reminder_id for row in due(db, NOW, limit=2).rows] == [old, earlier]


def test_keeping_in_touch_says_how_long_and_how_often(db: pw.SqliteDatabase) -> None:
    ana = person(db, "Ana Silva", cadence_days=30)
    # Noon, 47 days ago on this computer's calendar (whatever daylight saving did since).
    noon = datetime.combine(date.today() - timedelta(days=47), time(12, 0)).astimezone()
    create_interaction(db, InteractionData("call", [ana], when=noon))
    now = datetime.now(UTC)
    (row,) = due(db, now).rows
    assert row.contact_id == ana
    assert row.why == "No contact for 47 days; every 30 days"


def test_due_leaves_out_the_trashed(db: pw.SqliteDatabase) -> None:
    ana = person(db, "Ana Silva")
    remind(db, "Send the slides", NOW - timedelta(days=2), ana)
    set_trashed(db, [ana], True)
    assert due(db, NOW).total == 0


# --- the whole --------------------------------------------------------------------------------
def test_an_empty_store_is_a_quiet_day(db: pw.SqliteDatabase) -> None:
    overview = today_overview(db, now=NOW)
    assert overview.today == TODAY
    assert [s.section for s in overview.sections] == list(TodaySection)
    assert all(s.total == 0 and not s.rows for s in overview.sections)
    assert overview.is_quiet


def test_the_overview_has_every_section_and_its_own_limits(db: pw.SqliteDatabase) -> None:
    for n in range(4):
        person(db, f"New{n} Person", met_on=TODAY - timedelta(days=n))
    overview = today_overview(db, now=NOW, limit=2, limits={TodaySection.NEW_ALLIES: 3})
    assert len(overview.new_allies.rows) == 3
    assert overview.new_allies.total == 4
    assert overview.new_allies.more == 1
    assert not overview.is_quiet
    assert section_rows(db, TodaySection.NEW_ALLIES, now=NOW, limit=4).more == 0


def test_a_day_alone_stands_for_its_noon(db: pw.SqliteDatabase) -> None:
    person(db, "Ana Silva", met_on=date(2030, 3, 4))
    assert today_overview(db, date(2030, 3, 4)).today == date(2030, 3, 4)
    assert today_overview(db, date(2030, 3, 4)).new_allies.total == 1


@pytest.mark.parametrize("limit", [0, 1])
def test_a_small_limit_still_counts_everyone(db: pw.SqliteDatabase, limit: int) -> None:
    for name in ("Ana Silva", "Bo Chen"):
        regular(db, name, every=10, times=3, last_ago=40)
    found = drifting(db, NOW, limit)
    assert len(found.rows) == limit
    assert found.total == 2
