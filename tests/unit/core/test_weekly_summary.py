"""The weekly summary: when it is due, that it is sent once, and what it says."""

from __future__ import annotations

import time as clock_time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import peewee as pw
import pytest

from ally_desktop.core.contacts import create_contact
from ally_desktop.core.records import ContactData, ImportantDate
from ally_desktop.core.reminders import ReminderData, create_reminder
from ally_desktop.core.today import Birthday
from ally_desktop.core.weekly_summary import (
    DAY_KEY,
    DEFAULT_SCHEDULE,
    GRACE,
    HOUR_KEY,
    LAST_SENT_KEY,
    SummarySchedule,
    WeeklySummary,
    is_due,
    last_sent,
    load_schedule,
    mark_sent,
    next_moment,
    save_schedule,
    take_due_summary,
    weekly_summary,
)
from ally_desktop.store.db import sqlite_connection

MONDAY_9 = datetime(2030, 3, 11, 9, 0).astimezone()  # local time, wherever the tests run
TODAY = MONDAY_9.date()


def put(db: pw.SqliteDatabase, key: str, value: str) -> None:
    sqlite_connection(db).execute(
        "INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", [key, value]
    )


# --- when -------------------------------------------------------------------------------------
def test_by_default_on_mondays_at_nine() -> None:
    assert SummarySchedule(enabled=True, weekday=0, hour=9) == DEFAULT_SCHEDULE
    assert DEFAULT_SCHEDULE.describe() == "Mondays at 09:00"


def test_the_latest_and_following_moments() -> None:
    schedule = SummarySchedule(weekday=0, hour=9)
    assert schedule.latest(MONDAY_9) == MONDAY_9
    before = datetime(2030, 3, 4, 9, 0).astimezone()  # a week before (and its own offset)
    assert schedule.latest(MONDAY_9 - timedelta(seconds=1)) == before
    assert schedule.latest(MONDAY_9 + timedelta(days=6)) == MONDAY_9
    assert schedule.following(MONDAY_9) == datetime(2030, 3, 18, 9, 0).astimezone()
    assert schedule.following(MONDAY_9 - timedelta(minutes=1)) == MONDAY_9
    friday = SummarySchedule(weekday=4, hour=17)
    assert friday.latest(MONDAY_9) == datetime(2030, 3, 8, 17, 0).astimezone()
    assert friday.following(MONDAY_9) == datetime(2030, 3, 15, 17, 0).astimezone()


@pytest.fixture
def paris(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This computer's clock in Paris (daylight saving from the last Sunday of March)."""
    monkeypatch.setenv("TZ", "Europe/Paris")
    clock_time.tzset()
    yield
    monkeypatch.undo()
    clock_time.tzset()


@pytest.mark.usefixtures("paris")
def test_nine_stays_nine_across_a_daylight_saving_change() -> None:
    schedule = SummarySchedule(weekday=0, hour=9)
    before = datetime(2030, 3, 25, 8, 0, tzinfo=UTC)  # Monday 09:00 in Paris (winter time)
    assert schedule.latest(before) == before
    after = schedule.following(before)
    assert after == datetime(2030, 4, 1, 7, 0, tzinfo=UTC)  # 09:00 in summer time
    assert after.astimezone().hour == 9


def test_settings_are_kept_with_the_data(db: pw.SqliteDatabase) -> None:
    assert load_schedule(db) == DEFAULT_SCHEDULE
    save_schedule(db, SummarySchedule(enabled=False, weekday=4, hour=17), MONDAY_9)
    assert load_schedule(db) == SummarySchedule(enabled=False, weekday=4, hour=17)
    with pytest.raises(ValueError, match="No such day"):
        save_schedule(db, SummarySchedule(weekday=7))
    with pytest.raises(ValueError, match="No such day"):
        save_schedule(db, SummarySchedule(hour=24))


def test_a_broken_setting_falls_back_to_the_default(db: pw.SqliteDatabase) -> None:
    put(db, DAY_KEY, "Funday")
    put(db, HOUR_KEY, "99")
    assert load_schedule(db) == DEFAULT_SCHEDULE
    put(db, LAST_SENT_KEY, "not a time")
    assert last_sent(db) is None


# --- due, once --------------------------------------------------------------------------------
def test_the_first_look_only_notes_the_moment(db: pw.SqliteDatabase) -> None:
    assert not is_due(db, MONDAY_9 + timedelta(minutes=1))
    assert last_sent(db) == MONDAY_9 + timedelta(minutes=1)
    assert not is_due(db, MONDAY_9 + timedelta(days=6))
    assert is_due(db, MONDAY_9 + timedelta(days=7))


def test_due_at_its_moment_and_within_the_grace_after_it(db: pw.SqliteDatabase) -> None:
    mark_sent(db, MONDAY_9 - timedelta(days=6))
    assert not is_due(db, MONDAY_9 - timedelta(seconds=1))
    assert is_due(db, MONDAY_9)
    assert is_due(db, MONDAY_9 + GRACE)
    assert not is_due(db, MONDAY_9 + GRACE + timedelta(seconds=1))


def test_taken_once(db: pw.SqliteDatabase) -> None:
    mark_sent(db, MONDAY_9 - timedelta(days=6))
    first = take_due_summary(db, MONDAY_9 + timedelta(minutes=5))
    assert first is not None
    assert take_due_summary(db, MONDAY_9 + timedelta(minutes=6)) is None
    assert last_sent(db) == MONDAY_9 + timedelta(minutes=5)


def test_turned_off_it_is_never_due(db: pw.SqliteDatabase) -> None:
    save_schedule(db, SummarySchedule(enabled=False), MONDAY_9 - timedelta(days=6))
    assert not is_due(db, MONDAY_9 + timedelta(minutes=1))
    assert next_moment(db, MONDAY_9) is None


def test_a_changed_schedule_starts_from_the_change(db: pw.SqliteDatabase) -> None:
    """Moving the day to one just past does not send a summary at once."""
    mark_sent(db, MONDAY_9 - timedelta(days=6))
    wednesday = MONDAY_9 + timedelta(days=2)
    save_schedule(db, SummarySchedule(weekday=2, hour=8), wednesday)
    assert not is_due(db, wednesday + timedelta(minutes=1))
    assert next_moment(db, wednesday) == datetime(2030, 3, 20, 8, 0).astimezone()
    save_schedule(db, SummarySchedule(weekday=2, hour=8), MONDAY_9 + timedelta(days=30))
    assert last_sent(db) == wednesday, "saving the same schedule changes nothing"


# --- what it says -----------------------------------------------------------------------------
def test_an_empty_week(db: pw.SqliteDatabase) -> None:
    summary = weekly_summary(db, MONDAY_9)
    assert summary.is_empty
    assert summary.lines() == []


def test_what_the_week_holds(db: pw.SqliteDatabase) -> None:
    # The next real Monday morning: the store makes birthday reminders from today's date.
    monday = DEFAULT_SCHEDULE.following(datetime.now(UTC))
    friday = monday.date() + timedelta(days=4)
    ana = create_contact(
        db,
        ContactData(
            given_name="Ana",
            family_name="Silva",
            met_on=date(2020, 1, 1),
            dates=[ImportantDate("birthday", friday.month, friday.day, 1990)],
        ),
    )
    create_contact(db, ContactData(given_name="Bo", family_name="Chen", met_on=monday.date()))
    at = monday.astimezone(UTC).replace(second=0, microsecond=0)
    for when in (at - timedelta(days=1), at + timedelta(days=2), at + timedelta(days=3)):
        create_reminder(
            db,
            ReminderData("Call", when.date(), contact_id=ana, at_time=when.time(), time_zone="UTC"),
        )
    summary = weekly_summary(db, monday)
    # Later this week: two calls and the birthday's own reminder.
    assert (summary.due_now, summary.due_later, summary.new_allies) == (1, 3, 1)
    title, body = summary.text()
    assert title == "Your week ahead"
    assert body.splitlines() == [
        "1 due now, 3 more this week",
        "Birthday: Ana Silva (Fri)",
        "1 new ally to follow up",
    ]


def test_many_birthdays_are_named_three_and_counted() -> None:
    people = tuple(Birthday(n, f"Person {n}", TODAY + timedelta(days=n), None, 2) for n in range(5))
    summary = WeeklySummary(TODAY, 0, 3, 2, people, 0)
    assert summary.lines() == [
        "3 reminders this week",
        "2 allies drifting away",
        "Birthdays: Person 0 (today), Person 1 (tomorrow), Person 2 (Wed) and 2 more",
    ]
