"""How long ago, in words, counted in days of the user's own calendar."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ally_desktop.core.relative_time import (
    days_ago_text,
    local_days_since,
    local_moment_text,
    ms_until_next_day,
    parse_utc,
)

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
AUCKLAND = ZoneInfo("Pacific/Auckland")


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (0, "Today"),
        (1, "Yesterday"),
        (2, "2 days ago"),
        (3, "3 days ago"),
        (13, "13 days ago"),
        (14, "2 weeks ago"),
        (20, "2 weeks ago"),
        (21, "3 weeks ago"),
        (35, "5 weeks ago"),
        (59, "8 weeks ago"),
        (60, "2 months ago"),
        (182, "6 months ago"),
        (364, "12 months ago"),
        (365, "1 year ago"),
        (729, "1 year ago"),
        (730, "2 years ago"),
        (3653, "10 years ago"),
        (-1, "Tomorrow"),
        (-2, "In 2 days"),
        (-21, "In 3 weeks"),
        (-400, "In 1 year"),
    ],
)
def test_days_ago_in_words(days: int, text: str) -> None:
    assert days_ago_text(days) == text


@given(st.integers(min_value=2, max_value=100_000))
def test_the_past_is_a_count_and_a_unit_ago(days: int) -> None:
    number, unit, ago = days_ago_text(days).split(" ")
    assert ago == "ago"
    assert int(number) >= 1
    assert unit.removesuffix("s") in ("day", "week", "month", "year")
    assert unit.endswith("s") == (int(number) != 1)


@pytest.mark.parametrize(
    ("instant", "zone", "today", "days"),
    [
        ("2026-11-20T14:30:00Z", UTC, date(2026, 11, 20), 0),
        ("2026-11-20T14:30:00Z", UTC, date(2026, 11, 21), 1),
        ("2026-11-20T14:30:00Z", UTC, date(2026, 12, 25), 35),
        # Late evening in UTC is already the next day in Paris, still the day in New York.
        ("2026-11-20T23:30:00Z", PARIS, date(2026, 11, 21), 0),
        ("2026-11-20T23:30:00Z", NEW_YORK, date(2026, 11, 21), 1),
        # Early morning in UTC is still the day before in New York.
        ("2026-11-21T02:00:00Z", NEW_YORK, date(2026, 11, 21), 1),
        ("2026-11-21T02:00:00Z", AUCKLAND, date(2026, 11, 21), 0),
        # Across a year end and a clock change (Paris left summer time on 25 October).
        ("2026-10-24T22:30:00Z", PARIS, date(2026, 10, 26), 1),
        ("2025-12-31T23:30:00Z", PARIS, date(2026, 1, 1), 0),
        ("2026-11-22T10:00:00Z", UTC, date(2026, 11, 21), -1),
    ],
)
def test_days_since_count_the_local_calendar(
    instant: str, zone: ZoneInfo, today: date, days: int
) -> None:
    assert local_days_since(instant, today, zone) == days


@pytest.fixture
def in_auckland(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This computer's zone is Auckland (UTC+13 in November) for the test."""
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_days_since_default_to_this_computers_zone(in_auckland: None) -> None:
    # 20:00 UTC on the 20th is 09:00 on the 21st in Auckland.
    assert local_days_since("2026-11-20T20:00:00Z", date(2026, 11, 21)) == 0
    assert local_moment_text("2026-11-20T20:00:00Z") == "Saturday 21 November 2026, 09:00"


def test_the_moment_in_full_local_words() -> None:
    assert local_moment_text("2026-11-20T14:30:00Z", PARIS) == "Friday 20 November 2026, 15:30"
    assert local_moment_text("2026-07-01T06:05:00Z", PARIS) == "Wednesday 1 July 2026, 08:05"
    assert local_moment_text("2026-01-01T03:00:00Z", NEW_YORK) == (
        "Wednesday 31 December 2025, 22:00"
    )


def test_stored_text_is_read_as_utc() -> None:
    assert parse_utc("2026-11-20T14:30:00Z") == datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
    assert parse_utc("2026-11-20T14:30:00.123456Z").microsecond == 123456
    assert parse_utc("2026-11-20T14:30:00").tzinfo is UTC, "a timestamp without zone is UTC"
    assert parse_utc("2026-11-20T15:30:00+01:00") == datetime(2026, 11, 20, 14, 30, tzinfo=UTC)


def test_the_next_day_begins_a_second_past_local_midnight(in_auckland: None) -> None:
    # 23:59:30 in Auckland (UTC+13 in summer) is 10:59:30 UTC.
    assert ms_until_next_day(datetime(2026, 11, 25, 10, 59, 30, tzinfo=UTC)) == 31_000
    # Just after midnight: the whole day ahead, and a second.
    assert ms_until_next_day(datetime(2026, 11, 25, 11, 0, 0, tzinfo=UTC)) == 86_401_000


def test_a_shorter_day_is_counted_as_the_clock_reads(in_auckland: None) -> None:
    # Auckland springs forward on 27 September 2026 at 02:00 (a 23-hour day): from its
    # midnight (12:00 UTC on the 26th, still UTC+12) to the next is 23 hours.
    assert ms_until_next_day(datetime(2026, 9, 26, 12, 0, tzinfo=UTC)) == 23 * 3_600_000 + 1000
