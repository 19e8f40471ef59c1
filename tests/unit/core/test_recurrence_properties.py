"""Property tests of the reminder calendar: recurrences against an independent oracle, and
due instants across daylight-saving changes in zones with odd rules."""

from __future__ import annotations

import calendar
import os
import time as time_module
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice, pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ally_desktop.core.reminders import Frequency, Recurrence, due_instant, next_occurrence

# --- the oracle ----------------------------------------------------------------------------
# Written from the calendar alone (no dateutil): monthly and yearly rules step month by month
# and keep the start's day, or the month's last day when the month is shorter; daily and
# weekly rules step day by day. As in dateutil (and unlike RFC 5545), the start counts only
# when it fits the rule (a weekly rule on Mondays started on a Wednesday begins next Monday).


def _month_length(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _candidates(rule: Recurrence, start: date) -> Iterator[date]:
    step = rule.interval
    if rule.frequency is Frequency.DAILY:
        day = start
        while True:
            yield day
            day += timedelta(days=step)
    elif rule.frequency is Frequency.WEEKLY and not rule.weekdays:
        day = start
        while True:
            yield day
            day += timedelta(weeks=step)
    elif rule.frequency is Frequency.WEEKLY:
        monday = start - timedelta(days=start.weekday())
        day = start
        while True:
            week = (day - monday).days // 7
            if week % step == 0 and day.weekday() in rule.weekdays:
                yield day
            day += timedelta(days=1)
    elif rule.frequency is Frequency.MONTHLY:
        months = 0
        while True:
            year, month0 = divmod(start.month - 1 + months, 12)
            year += start.year
            yield date(year, month0 + 1, min(start.day, _month_length(year, month0 + 1)))
            months += step
    else:
        year = start.year
        while True:
            yield date(year, start.month, min(start.day, _month_length(year, start.month)))
            year += step


def oracle(rule: Recurrence, start: date) -> Iterator[date]:
    """Every occurrence of ``rule`` from ``start``, in order, within its until or count."""
    for made, day in enumerate(_candidates(rule, start)):
        if rule.until is not None and day > rule.until:
            return
        if rule.count is not None and made >= rule.count:
            return
        yield day


# --- strategies ----------------------------------------------------------------------------
MAX_INTERVAL = {
    Frequency.DAILY: 40,
    Frequency.WEEKLY: 6,
    Frequency.MONTHLY: 14,
    Frequency.YEARLY: 5,
}
LEAP_DAYS = [date(y, 2, 29) for y in range(1896, 2105) if calendar.isleap(y)]


@st.composite
def start_days(draw: st.DrawFn) -> date:
    """Any day, with month ends (28th to 31st) and 29 February drawn often."""
    kind = draw(st.sampled_from(["any", "month_end", "leap_day"]))
    if kind == "leap_day":
        return draw(st.sampled_from(LEAP_DAYS))
    year = draw(st.integers(1895, 2105))
    month = draw(st.integers(1, 12))
    length = _month_length(year, month)
    if kind == "month_end":
        return date(year, month, draw(st.integers(28, length)))
    return date(year, month, draw(st.integers(1, length)))


@st.composite
def cases(draw: st.DrawFn, any_weekdays: bool = False) -> tuple[Recurrence, date]:
    start = draw(start_days())
    frequency = draw(st.sampled_from(Frequency))
    interval = draw(st.integers(1, MAX_INTERVAL[frequency]))
    weekdays: tuple[int, ...] = ()
    if frequency is Frequency.WEEKLY or any_weekdays:
        weekdays = tuple(sorted(draw(st.sets(st.integers(0, 6), max_size=7))))
    end = draw(st.sampled_from(["none", "until", "count"]))
    until = start + timedelta(days=draw(st.integers(0, 4 * 366))) if end == "until" else None
    count = draw(st.integers(1, 20)) if end == "count" else None
    return Recurrence(frequency, interval, weekdays, until, count), start


def _walk(rule: Recurrence, start: date, steps: int) -> list[date]:
    """What a reminder goes through: the first occurrence, then each next after the last."""
    found: list[date] = []
    after: date | None = None
    for _ in range(steps):
        day = next_occurrence(rule, start, after)
        if day is None:
            break
        found.append(day)
        after = day
    return found


# --- recurrences ---------------------------------------------------------------------------
STEPS = 12


@settings(max_examples=300, deadline=None)
@given(cases())
@example((Recurrence(Frequency.MONTHLY), date(2024, 1, 31)))
@example((Recurrence(Frequency.YEARLY), date(2096, 2, 29)))  # 2100 is a common year
@example((Recurrence(Frequency.MONTHLY, 3, count=5), date(2023, 11, 30)))
@example((Recurrence(Frequency.WEEKLY, 2, (0, 3), until=date(2026, 3, 1)), date(2026, 1, 7)))
def test_next_occurrence_follows_the_oracle(case: tuple[Recurrence, date]) -> None:
    rule, start = case
    expected = list(islice(oracle(rule, start), STEPS + 1))
    walked = _walk(rule, start, STEPS + 1)
    assert walked == expected
    assert all(a < b for a, b in pairwise(walked)), "strictly increasing"
    assert all(day >= start for day in walked)
    if rule.until is not None:
        assert all(day <= rule.until for day in walked)
    if len(expected) <= STEPS:  # the rule ended: nothing after its last occurrence
        last = expected[-1] if expected else None
        assert next_occurrence(rule, start, last) is None
        if rule.count is not None:
            assert len(walked) == rule.count


@settings(max_examples=200, deadline=None)
@given(cases(), st.integers(-40, 800))
def test_next_occurrence_after_any_day_is_the_first_later_one(
    case: tuple[Recurrence, date], offset: int
) -> None:
    rule, start = case
    after = start + timedelta(days=offset)
    expected = next((d for d in islice(oracle(rule, start), 5000) if d > after), None)
    found = next_occurrence(rule, start, after)
    if expected is None and rule.until is None and rule.count is None:
        return  # beyond what the oracle was asked for (a rule without end always goes on)
    assert found == expected


@settings(max_examples=200, deadline=None)
@given(cases(any_weekdays=True))
def test_stored_rule_text_gives_back_the_same_schedule(case: tuple[Recurrence, date]) -> None:
    rule, start = case
    stored = Recurrence.parse(rule.rule_text())
    assert stored.frequency is rule.frequency
    assert stored.interval == rule.interval
    assert stored.until == rule.until
    assert stored.count == rule.count
    weekly = rule.frequency is Frequency.WEEKLY
    assert stored.weekdays == (tuple(sorted(set(rule.weekdays))) if weekly else ())
    # Whatever was kept in the text, the schedule is the one computed before saving.
    assert _walk(stored, start, 6) == _walk(rule, start, 6)
    assert Recurrence.parse(stored.rule_text()) == stored


@pytest.mark.parametrize(
    ("rule", "start", "expected"),
    [
        (
            Recurrence(Frequency.MONTHLY),
            date(2024, 1, 31),
            ["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31"],
        ),
        (
            Recurrence(Frequency.MONTHLY),
            date(2023, 1, 30),
            ["2023-01-30", "2023-02-28", "2023-03-30", "2023-04-30"],
        ),
        (
            Recurrence(Frequency.YEARLY),
            date(2096, 2, 29),
            ["2096-02-29", "2097-02-28", "2098-02-28", "2099-02-28", "2100-02-28", "2101-02-28"],
        ),
        (
            Recurrence(Frequency.YEARLY, 4),
            date(2024, 2, 29),
            ["2024-02-29", "2028-02-29", "2032-02-29"],
        ),
        (
            Recurrence(Frequency.WEEKLY, 2, (0, 3)),
            date(2026, 1, 7),  # a Wednesday: its week counts, starting on its Thursday
            ["2026-01-08", "2026-01-19", "2026-01-22", "2026-02-02"],
        ),
        (
            Recurrence(Frequency.DAILY, 10, count=3),
            date(2026, 2, 25),
            ["2026-02-25", "2026-03-07", "2026-03-17"],
        ),
        (
            Recurrence(Frequency.MONTHLY, until=date(2026, 4, 29)),
            date(2026, 1, 31),
            ["2026-01-31", "2026-02-28", "2026-03-31"],
        ),
    ],
)
def test_known_schedules(rule: Recurrence, start: date, expected: list[str]) -> None:
    walked = _walk(rule, start, len(expected) + 1)
    assert [d.isoformat() for d in walked[: len(expected)]] == expected
    if rule.count is not None or rule.until is not None:
        assert len(walked) == len(expected), "nothing after the last occurrence"


# --- due instants --------------------------------------------------------------------------
ZONES = (
    "Europe/Paris",
    "America/New_York",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "Asia/Kolkata",
)


def _changes(name: str) -> list[date]:
    """The days this zone's clocks change on (noon offset differs from the day before)."""
    zone = ZoneInfo(name)
    days = []
    day = date(2018, 1, 1)
    previous = datetime.combine(day, time(12), zone).utcoffset()
    while day < date(2032, 1, 1):
        day += timedelta(days=1)
        offset = datetime.combine(day, time(12), zone).utcoffset()
        if offset != previous:
            days.append(day)
        previous = offset
    return days


CHANGES = {name: _changes(name) for name in ZONES}


def test_the_zones_change_as_expected() -> None:
    assert CHANGES["Asia/Kolkata"] == []
    for name in ZONES[:4]:
        assert len(CHANGES[name]) == 2 * 14, name
    assert date(2025, 3, 30) in CHANGES["Europe/Paris"]
    assert date(2025, 10, 5) in CHANGES["Australia/Lord_Howe"]


@st.composite
def zoned_days(draw: st.DrawFn) -> tuple[str, date]:
    name = draw(st.sampled_from(ZONES))
    if CHANGES[name] and draw(st.booleans()):
        day = draw(st.sampled_from(CHANGES[name])) + timedelta(days=draw(st.integers(-1, 1)))
    else:
        day = draw(st.dates(date(2018, 1, 2), date(2031, 12, 30)))
    return name, day


# Mostly around the hours clocks change at (01:00 to 03:59), else any minute.
wall_times = st.one_of(
    st.builds(time, st.integers(1, 3), st.integers(0, 59)),
    st.builds(time, st.integers(0, 23), st.integers(0, 59)),
)


@settings(max_examples=400, deadline=None)
@given(zoned_days(), wall_times, st.integers(0, 3))
@example(("Europe/Paris", date(2025, 3, 30)), time(2, 30), 0)
@example(("Europe/Paris", date(2025, 10, 26)), time(2, 30), 0)
@example(("America/New_York", date(2025, 3, 9)), time(2, 0), 0)
@example(("Australia/Lord_Howe", date(2025, 10, 5)), time(2, 15), 0)
@example(("Australia/Lord_Howe", date(2025, 4, 6)), time(1, 45), 0)
@example(("Pacific/Auckland", date(2025, 9, 28)), time(2, 59), 2)
def test_due_instant_shows_the_wall_time_asked_for(
    zoned: tuple[str, date], at: time, advance: int
) -> None:
    name, day = zoned
    zone = ZoneInfo(name)
    moment = due_instant(day + timedelta(days=advance), at, name, advance)
    assert moment.utcoffset() == timedelta(0)
    local = moment.astimezone(zone)
    wall = datetime.combine(day, at)
    before, after = zone.utcoffset(wall.replace(fold=0)), zone.utcoffset(wall.replace(fold=1))
    assert before is not None
    assert after is not None
    if after > before:
        # Skipped by the clocks going forward: it moves forward by the gap, as clocks do.
        assert local.replace(tzinfo=None) == wall + (after - before)
    else:
        assert local.replace(tzinfo=None) == wall
        # A time that happens twice (clocks going back) is its first happening.
        assert moment == (wall - before).replace(tzinfo=UTC)
    assert local.date() == day


@pytest.mark.parametrize(
    ("name", "wall", "shown"),
    [
        ("Europe/Paris", datetime(2025, 3, 30, 2, 30), datetime(2025, 3, 30, 3, 30)),
        ("America/New_York", datetime(2025, 3, 9, 2, 0), datetime(2025, 3, 9, 3, 0)),
        ("Australia/Lord_Howe", datetime(2025, 10, 5, 2, 15), datetime(2025, 10, 5, 2, 45)),
        ("Pacific/Auckland", datetime(2025, 9, 28, 2, 30), datetime(2025, 9, 28, 3, 30)),
        ("Asia/Kolkata", datetime(2025, 3, 30, 2, 30), datetime(2025, 3, 30, 2, 30)),
    ],
)
def test_a_skipped_wall_time_moves_forward_by_the_gap(
    name: str, wall: datetime, shown: datetime
) -> None:
    moment = due_instant(wall.date(), wall.time(), name)
    assert moment.astimezone(ZoneInfo(name)).replace(tzinfo=None) == shown


@contextmanager
def computer_zone(name: str) -> Iterator[None]:
    """This process's zone (TZ and tzset) for the block; put back after."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = name
    time_module.tzset()
    try:
        yield
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time_module.tzset()


@pytest.mark.skipif(not hasattr(time_module, "tzset"), reason="time.tzset is only on Unix")
@settings(max_examples=150, deadline=None)
@given(zoned_days(), st.integers(0, 3), st.sampled_from(["", "Asia/Tokyo"]))
def test_without_a_time_it_is_the_morning_on_this_computers_clock(
    zoned: tuple[str, date], advance: int, reminder_zone: str
) -> None:
    name, day = zoned
    with computer_zone(name):
        moment = due_instant(day + timedelta(days=advance), None, reminder_zone, advance)
    local = moment.astimezone(ZoneInfo(name))
    assert moment.utcoffset() == timedelta(0)
    assert (local.date(), local.time()) == (day, time(9, 0))
