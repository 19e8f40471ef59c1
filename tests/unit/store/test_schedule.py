"""The calendar functions the reminder triggers call: cadences, yearly dates, mornings."""

from __future__ import annotations

import calendar
import sqlite3
import time as time_module
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import peewee as pw
import pytest
import tzlocal
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ally_desktop.store import schedule
from ally_desktop.store.db import sqlite_connection

PARIS = ZoneInfo("Europe/Paris")
MONTH_DAYS = [(m, d) for m in range(1, 13) for d in range(1, calendar.monthrange(2024, m)[1] + 1)]


@pytest.fixture
def process_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """``set(name)`` changes this process's time zone (TZ and tzset); all put back after."""
    if not hasattr(time_module, "tzset"):
        pytest.skip("time.tzset is only on Unix")

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time_module.tzset()

    yield set_zone
    monkeypatch.undo()
    time_module.tzset()
    tzlocal.reload_localzone()


@pytest.fixture
def paris(process_zone: Callable[[str], None]) -> None:
    process_zone("Europe/Paris")


def _clamped(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _first_yearly(month: int, day: int, start: date) -> date:
    """Oracle: the first of this year's and the next years' dates on or after ``start``."""
    year = start.year
    while _clamped(year, month, day) < start:
        year += 1
    return _clamped(year, month, day)


# --- instants ------------------------------------------------------------------------------
def test_instants_are_stored_as_utc_text() -> None:
    moment = datetime(2026, 3, 29, 9, 0, 30, 123456, tzinfo=PARIS)
    text = schedule.format_instant(moment)
    assert text == "2026-03-29T07:00:30Z"
    assert schedule.parse_instant(text) == moment.replace(microsecond=0)
    assert schedule.parse_instant("2026-03-29T07:00:30.123456Z") == moment
    assert schedule.parse_instant(text).tzinfo is UTC
    assert schedule.now_text().endswith("Z")
    assert abs(schedule.parse_instant(schedule.now_text()) - datetime.now(UTC)) < timedelta(
        seconds=5
    )


@pytest.mark.usefixtures("paris")
def test_local_morning_follows_daylight_saving() -> None:
    assert schedule.local_morning(date(2026, 1, 15)).astimezone(UTC) == datetime(
        2026, 1, 15, 8, tzinfo=UTC
    )
    assert schedule.local_morning(date(2026, 7, 15)).astimezone(UTC) == datetime(
        2026, 7, 15, 7, tzinfo=UTC
    )
    # The days clocks change: still 09:00 on the wall.
    for day in (date(2026, 3, 29), date(2026, 10, 25)):
        local = schedule.local_morning(day).astimezone(PARIS)
        assert (local.date(), local.time()) == (day, time(9, 0))


@pytest.mark.usefixtures("paris")
def test_morning_utc_with_advance_notice() -> None:
    assert schedule.morning_utc(None, 0) is None
    assert schedule.morning_utc("", 3) is None
    assert schedule.morning_utc("2026-03-30", 0) == "2026-03-30T07:00:00Z"
    assert schedule.morning_utc("2026-03-30", None) == "2026-03-30T07:00:00Z"
    assert schedule.morning_utc("2026-03-30", 2) == "2026-03-28T08:00:00Z", "before the change"


# --- keep in touch -------------------------------------------------------------------------
@pytest.mark.usefixtures("paris")
def test_cadence_due_counts_from_the_later_of_contact_and_done() -> None:
    added = "2026-01-01T10:00:00.000000Z"
    talk = "2026-02-10T22:30:00Z"  # 23:30 in Paris: the 10th
    late_talk = "2026-02-10T23:30:00Z"  # 00:30 in Paris: already the 11th
    done = "2026-03-01T12:00:00Z"
    assert schedule.cadence_due(None, None, added, 30) == "2026-01-31T08:00:00Z"
    assert schedule.cadence_due(talk, None, added, 30) == "2026-03-12T08:00:00Z"
    assert schedule.cadence_due(late_talk, None, added, 30) == "2026-03-13T08:00:00Z"
    assert schedule.cadence_due(talk, done, added, 30) == "2026-03-31T07:00:00Z", "done is later"
    assert schedule.cadence_due(done, talk, added, 30) == "2026-03-31T07:00:00Z", "either order"
    assert schedule.cadence_due(None, done, added, 1) == "2026-03-02T08:00:00Z"
    for cadence in (None, 0, -3):
        assert schedule.cadence_due(talk, done, added, cadence) is None
    assert schedule.cadence_due(None, None, None, 30) is None


@pytest.mark.usefixtures("paris")
@settings(max_examples=100, deadline=None)
@given(
    st.datetimes(datetime(2000, 1, 1), datetime(2040, 1, 1), timezones=st.just(UTC)),
    st.integers(1, 3650),
)
def test_cadence_due_is_the_morning_cadence_days_after_the_local_day(
    moment: datetime, cadence: int
) -> None:
    due = schedule.parse_instant(
        str(schedule.cadence_due(schedule.format_instant(moment), None, None, cadence))
    ).astimezone(PARIS)
    assert due.time() == time(9, 0)
    assert due.date() == moment.astimezone(PARIS).date() + timedelta(days=cadence)


# --- yearly dates --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "start",
    [
        date(2024, 1, 1),
        date(2024, 2, 28),
        date(2024, 2, 29),
        date(2024, 3, 1),
        date(2025, 2, 28),
        date(2025, 3, 1),
        date(2025, 12, 31),
        date(2099, 3, 1),  # 2100 is a common year
    ],
)
def test_next_yearly_for_every_day_of_the_year(start: date) -> None:
    for month, day in MONTH_DAYS:
        found = date.fromisoformat(schedule.next_yearly(month, day, start.isoformat()))
        assert found == _first_yearly(month, day, start), (month, day)
        assert start <= found <= start + timedelta(days=366)
        assert found.month == month
        if (month, day) == (2, 29) and not calendar.isleap(found.year):
            assert found.day == 28
        else:
            assert found.day == day


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(MONTH_DAYS), st.dates(date(1895, 1, 1), date(2200, 12, 31)))
@example((2, 29), date(2024, 2, 29))
@example((2, 29), date(2024, 3, 1))
@example((2, 29), date(2099, 3, 1))
@example((12, 31), date(2025, 12, 31))
@example((1, 1), date(2025, 12, 31))
def test_next_yearly_is_on_or_after_the_start_within_a_year_and_a_day(
    month_day: tuple[int, int], start: date
) -> None:
    month, day = month_day
    found = date.fromisoformat(schedule.next_yearly(month, day, start.isoformat()))
    assert found == _first_yearly(month, day, start)
    assert start <= found <= start + timedelta(days=366)
    assert (found.month, found.day) == (month, min(day, calendar.monthrange(found.year, month)[1]))


def test_next_yearly_clamps_a_day_the_month_never_has() -> None:
    assert schedule.next_yearly(2, 30, "2025-01-01") == "2025-02-28"
    assert schedule.next_yearly(2, 31, "2028-01-01") == "2028-02-29"
    assert schedule.next_yearly(4, 31, "2026-05-01") == "2027-04-30"


def test_next_yearly_starts_today_by_default() -> None:
    today = date.today()
    assert schedule.next_yearly(today.month, today.day, None) == today.isoformat()
    tomorrow = today + timedelta(days=1)
    assert schedule.next_yearly(tomorrow.month, tomorrow.day, None) == tomorrow.isoformat()


def test_yearly_rule_keeps_29_february_in_leap_years_only() -> None:
    rule = schedule.yearly_rule(2, 29, date(2023, 1, 1))
    days = [d.date().isoformat() for d in rule[:6]]
    assert days == [
        "2023-02-28",
        "2024-02-29",
        "2025-02-28",
        "2026-02-28",
        "2027-02-28",
        "2028-02-29",
    ]


# --- on a connection -----------------------------------------------------------------------
def test_functions_are_installed_on_any_connection() -> None:
    with closing(sqlite3.connect(":memory:")) as conn:
        schedule.install_functions(conn)
        row = conn.execute(
            "SELECT ally_next_yearly(2, 29, '2025-01-01'), ally_morning_utc(NULL, 0),"
            " ally_cadence_due(NULL, NULL, NULL, 30), ally_now() LIKE '____-__-__T%Z'"
        ).fetchone()
    assert row == ("2025-02-28", None, None, 1)


def _dates(db: pw.SqliteDatabase) -> list[tuple[int, str]]:
    return (
        sqlite_connection(db)
        .execute(
            "SELECT contact_id, date_key FROM reminder WHERE kind = 'date'"
            " ORDER BY contact_id, date_key"
        )
        .fetchall()
    )


def test_prune_date_reminders_drops_only_that_persons_lost_dates(db: pw.SqliteDatabase) -> None:
    conn = sqlite_connection(db)
    now = "2026-01-01T00:00:00.000000Z"
    for name in ("Ana", "Bo"):
        conn.execute(
            "INSERT INTO contact (full_name, sort_name, created_at, updated_at)"
            " VALUES (?, ?, ?, ?)",
            [name, name.lower(), now, now],
        )
    for contact_id in (1, 2):
        conn.execute(
            "INSERT INTO important_date (contact_id, kind, month, day)"
            " VALUES (?, 'birthday', 2, 29)",
            [contact_id],
        )
        conn.execute(
            "INSERT INTO important_date (contact_id, kind, label, month, day)"
            " VALUES (?, 'custom', 'Name day', 12, 6)",
            [contact_id],
        )
    assert _dates(db) == [
        (1, "birthday:02-29:"),
        (1, "custom:12-06:Name day"),
        (2, "birthday:02-29:"),
        (2, "custom:12-06:Name day"),
    ]
    schedule.prune_date_reminders(conn, 1)
    assert len(_dates(db)) == 4, "nothing lost yet"
    conn.execute("DELETE FROM important_date WHERE contact_id = 1 AND kind = 'custom'")
    conn.execute("DELETE FROM important_date WHERE contact_id = 2")
    schedule.prune_date_reminders(conn, 1)
    assert _dates(db) == [
        (1, "birthday:02-29:"),
        (2, "birthday:02-29:"),
        (2, "custom:12-06:Name day"),
    ], "only the person asked about"
    schedule.prune_date_reminders(conn, 2)
    assert _dates(db) == [(1, "birthday:02-29:")]
