"""The reminder scheduler on a real database, with a clock the tests move by hand.

Reminders here carry an explicit time in UTC and the scheduler's clock is fixed at NOW
(a day years ahead), so what is due, and how long the timer waits, does not depend on the
hour or the zone the tests run in. Keeping in touch follows the real clock (the store
stamps interactions and contacts with it), so that test starts its clock at the real now.
"""

from __future__ import annotations

import time as real_time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import peewee as pw
import pytest

from ally_desktop.core.contacts import create_contact
from ally_desktop.core.records import ContactData
from ally_desktop.core.reminders import (
    DueItem,
    ReminderData,
    contact_reminders,
    create_reminder,
    load_reminder,
    to_announce,
)
from ally_desktop.core.timeline import InteractionData, create_interaction
from ally_desktop.core.weekly_summary import (
    SummarySchedule,
    last_sent,
    load_schedule,
    mark_sent,
    save_schedule,
)
from ally_desktop.store.db import sqlite_connection
from ally_desktop.store.errors import StoreError
from ally_desktop.store.schedule import local_morning
from ally_desktop.ui import scheduler as scheduler_module
from ally_desktop.ui.contacts.commands import ContactChanges
from ally_desktop.ui.main_window import MainWindow
from ally_desktop.ui.scheduler import MAX_WAIT_MS, SUMMARY_GAP_S, WATCHDOG_MS, ReminderScheduler

NOW = datetime(2030, 3, 4, 12, 0, tzinfo=UTC)
SLACK_MS = 3000  # how much real time may pass between arming the timer and reading it
COARSE = 0.05  # Qt's coarse timers may move their deadline by up to 5% of the interval


class Clock:
    """The scheduler's clock: ``now`` is whatever the test sets."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def changes() -> ContactChanges:
    return ContactChanges()


@pytest.fixture
def make_scheduler(
    db: pw.SqliteDatabase, changes: ContactChanges, clock: Clock
) -> Iterator[Callable[..., ReminderScheduler]]:
    made: list[ReminderScheduler] = []

    def make(on: ContactChanges | None = None, *, summary: bool = False) -> ReminderScheduler:
        """A scheduler on the test clock; the weekly summary is off unless asked for, so
        the reminders' own timing is what the timer shows."""
        if not summary and load_schedule(db).enabled:
            save_schedule(db, SummarySchedule(enabled=False), clock.now)
        scheduler = ReminderScheduler(db, on or changes, clock=clock)
        made.append(scheduler)
        return scheduler

    yield make
    for scheduler in made:
        scheduler.stop()


def remind(db: pw.SqliteDatabase, title: str, when: datetime, contact_id: int | None = None) -> int:
    """A one-off reminder falling due at ``when`` (UTC, whole minutes)."""
    return create_reminder(db, _data(title, when, contact_id))


def _data(title: str, when: datetime, contact_id: int | None = None) -> ReminderData:
    when = when.astimezone(UTC)
    assert when == when.replace(second=0, microsecond=0)
    return ReminderData(
        title, when.date(), contact_id=contact_id, at_time=when.time(), time_zone="UTC"
    )


def titles(items: list[DueItem]) -> list[str]:
    return [item.title for item in items]


def assert_waits(scheduler: ReminderScheduler, expected_ms: int) -> None:
    """The timer is armed for about ``expected_ms`` from when it was armed."""
    wait = scheduler.next_wait_ms()
    assert wait is not None, "the timer is not armed"
    low = expected_ms * (1 - COARSE) - SLACK_MS
    assert low <= wait <= expected_ms * (1 + COARSE), (wait, expected_ms)


# --- start-up: what fell due while Ally was closed ---------------------------------------------
def test_what_fell_due_while_closed_is_announced_once_as_one_group(
    qtbot: Any, db: pw.SqliteDatabase, make_scheduler: Callable[..., ReminderScheduler]
) -> None:
    remind(db, "Call Ada", NOW - timedelta(days=3, hours=2))
    remind(db, "Send the slides", NOW - timedelta(days=2))
    remind(db, "Book the venue", NOW - timedelta(hours=20))
    remind(db, "Renew the badge", NOW + timedelta(minutes=20))
    scheduler = make_scheduler()

    with qtbot.waitSignal(scheduler.due, timeout=1000) as blocker:
        scheduler.start()
    assert titles(blocker.args[0]) == ["Call Ada", "Send the slides", "Book the venue"]
    assert to_announce(db, NOW) == []

    with qtbot.assertNotEmitted(scheduler.due):
        scheduler.check()
        scheduler.check()
    # Ally started again: each reminder remembers it was announced.
    again = make_scheduler()
    with qtbot.assertNotEmitted(scheduler.due), qtbot.assertNotEmitted(again.due):
        again.start()


def test_a_long_backlog_is_recorded_off_the_gui_thread_and_announced_once(
    qtbot: Any,
    db: pw.SqliteDatabase,
    make_scheduler: Callable[..., ReminderScheduler],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(scheduler_module, "MARK_AT_ONCE", 3)
    for day in range(8):
        remind(db, f"Task {day}", NOW - timedelta(days=8 - day))
    remind(db, "Later", NOW + timedelta(minutes=30))
    scheduler = make_scheduler()
    with (
        qtbot.waitSignal(scheduler.due, timeout=1000) as blocker,
        qtbot.waitSignal(scheduler.recorded, timeout=5000),
    ):
        scheduler.start()
        with qtbot.assertNotEmitted(scheduler.due):
            scheduler.check()  # while it is being recorded: nothing announced twice
    assert blocker.args[0].total == 8  # the whole count reaches the notification
    assert titles(blocker.args[0]) == [f"Task {day}" for day in range(5)]
    assert to_announce(db, NOW) == []
    qtbot.waitUntil(lambda: scheduler.next_wait_ms() is not None, timeout=2000)
    assert_waits(scheduler, 30 * 60 * 1000 + 50)
    with qtbot.assertNotEmitted(scheduler.due):
        scheduler.check()


def test_a_backlog_that_cannot_be_recorded_is_not_announced_again_at_once(
    qtbot: Any,
    db: pw.SqliteDatabase,
    make_scheduler: Callable[..., ReminderScheduler],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ally_desktop.core.reminders as reminders_module

    monkeypatch.setattr(scheduler_module, "MARK_AT_ONCE", 2)
    for day in range(4):
        remind(db, f"Task {day}", NOW - timedelta(days=4 - day))

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise StoreError("The disk is full.")

    monkeypatch.setattr(reminders_module, "mark_announced", refuse)
    scheduler = make_scheduler()
    with qtbot.waitSignal(scheduler.recorded, timeout=5000) as blocker:
        scheduler.start()
    assert blocker.args == [False]
    with qtbot.assertNotEmitted(scheduler.due, wait=100):
        pass
    assert_waits(scheduler, MAX_WAIT_MS)  # tried again later
    assert len(to_announce(db, NOW)) == 4


def test_nothing_due_emits_nothing_and_nothing_ahead_leaves_the_timer_off(
    qtbot: Any, make_scheduler: Callable[..., ReminderScheduler]
) -> None:
    scheduler = make_scheduler()
    with qtbot.assertNotEmitted(scheduler.due):
        scheduler.start()
    assert scheduler.next_wait_ms() is None


def test_the_timer_is_armed_for_the_next_alert(
    db: pw.SqliteDatabase, make_scheduler: Callable[..., ReminderScheduler]
) -> None:
    remind(db, "Renew the badge", NOW + timedelta(minutes=20))
    remind(db, "Later", NOW + timedelta(minutes=40))
    scheduler = make_scheduler()
    scheduler.start()
    assert_waits(scheduler, 20 * 60 * 1000 + 50)


def test_the_wait_is_capped_at_an_hour(
    db: pw.SqliteDatabase, make_scheduler: Callable[..., ReminderScheduler]
) -> None:
    remind(db, "Quarterly review", NOW + timedelta(days=40))
    scheduler = make_scheduler()
    scheduler.start()
    assert MAX_WAIT_MS == 60 * 60 * 1000
    assert_waits(scheduler, MAX_WAIT_MS)


def test_the_timer_fires_and_announces_when_the_moment_comes(
    qtbot: Any,
    db: pw.SqliteDatabase,
    clock: Clock,
    make_scheduler: Callable[..., ReminderScheduler],
) -> None:
    remind(db, "Stand-up", NOW + timedelta(minutes=1))
    clock.now = NOW + timedelta(minutes=1) - timedelta(milliseconds=200)
    scheduler = make_scheduler()
    with qtbot.assertNotEmitted(scheduler.due):
        scheduler.start()
    assert_waits(scheduler, 250)
    clock.now = NOW + timedelta(minutes=1, seconds=1)  # the moment has come
    with qtbot.waitSignal(scheduler.due, timeout=3000) as blocker:
        pass
    assert titles(blocker.args[0]) == ["Stand-up"]
    assert scheduler.next_wait_ms() is None  # nothing further ahead


# --- changes re-arm ---------------------------------------------------------------------------
def test_setting_editing_and_deleting_a_reminder_in_the_window_re_arms(
    qtbot: Any,
    window: MainWindow,
    make_scheduler: Callable[..., ReminderScheduler],
) -> None:
    scheduler = make_scheduler(window.changes)
    scheduler.start()
    assert scheduler.next_wait_ms() is None

    with qtbot.waitSignal(scheduler.changed, timeout=1000):
        badge = window.reminders.create(_data("Renew the badge", NOW + timedelta(minutes=30)))
    assert_waits(scheduler, 30 * 60 * 1000 + 50)

    with qtbot.waitSignal(scheduler.changed, timeout=1000):
        window.reminders.edit(badge, _data("Renew the badge", NOW + timedelta(minutes=10)))
    assert_waits(scheduler, 10 * 60 * 1000 + 50)

    with qtbot.waitSignal(scheduler.changed, timeout=1000):
        window.reminders.delete(badge)
    assert scheduler.next_wait_ms() is None

    # One set for a moment already past is announced at once.
    with qtbot.waitSignal(scheduler.due, timeout=1000) as blocker:
        window.reminders.create(_data("Thank Grace", NOW - timedelta(hours=1)))
    assert titles(blocker.args[0]) == ["Thank Grace"]

    # Undo and redo re-arm too (they announce the change the same way).
    with qtbot.waitSignal(scheduler.changed, timeout=1000):
        window.undo_stack.undo()
    with qtbot.waitSignal(scheduler.changed, timeout=1000):
        window.undo_stack.undo()  # the deletion of the badge reminder is undone
    assert_waits(scheduler, 10 * 60 * 1000 + 50)


def test_many_changes_in_one_go_re_arm_once(
    qtbot: Any,
    db: pw.SqliteDatabase,
    changes: ContactChanges,
    make_scheduler: Callable[..., ReminderScheduler],
) -> None:
    scheduler = make_scheduler()
    scheduler.start()
    remind(db, "Renew the badge", NOW + timedelta(minutes=5))
    seen: list[None] = []
    scheduler.changed.connect(lambda: seen.append(None))
    with qtbot.waitSignal(scheduler.changed, timeout=1000):
        for _ in range(5):
            changes.remindersChanged.emit(object())
    qtbot.wait(20)
    assert len(seen) == 1
    assert_waits(scheduler, 5 * 60 * 1000 + 50)


# --- pausing ----------------------------------------------------------------------------------
def test_a_pause_holds_notifications_until_it_ends_then_they_come_once(
    qtbot: Any,
    db: pw.SqliteDatabase,
    clock: Clock,
    make_scheduler: Callable[..., ReminderScheduler],
) -> None:
    remind(db, "Call Ada", NOW - timedelta(days=1))
    scheduler = make_scheduler()
    until = NOW + timedelta(minutes=30)
    with qtbot.assertNotEmitted(scheduler.due):
        scheduler.pause(until)
        scheduler.start()
    assert scheduler.paused_until == until
    assert_waits(scheduler, 30 * 60 * 1000 + 50)  # wakes up when the pause ends

    remind(db, "Send the slides", NOW + timedelta(minutes=10))
    clock.now = NOW + timedelta(minutes=25)
    with qtbot.assertNotEmitted(scheduler.due):
        scheduler.check()
    assert to_announce(db, clock.now) != []  # held, not lost

    clock.now = NOW + timedelta(minutes=31)
    with qtbot.waitSignal(scheduler.due, timeout=1000) as blocker:
        scheduler.check()
    assert titles(blocker.args[0]) == ["Call Ada", "Send the slides"]
    assert scheduler.paused_until is None
    with qtbot.assertNotEmitted(scheduler.due):
        scheduler.check()


def test_the_timer_ends_the_pause(
    qtbot: Any,
    db: pw.SqliteDatabase,
    clock: Clock,
    make_scheduler: Callable[..., ReminderScheduler],
) -> None:
    remind(db, "Call Ada", NOW - timedelta(days=1))
    scheduler = make_scheduler()
    with qtbot.assertNotEmitted(scheduler.due):
        scheduler.pause(NOW + timedelta(milliseconds=200))
        scheduler.start()
    assert_waits(scheduler, 250)
    clock.now = NOW + timedelta(seconds=1)
    with qtbot.waitSignal(scheduler.due, timeout=3000) as blocker:
        pass
    assert titles(blocker.args[0]) == ["Call Ada"]
    assert scheduler.paused_until is None


def test_resuming_announces_at_once(
    qtbot: Any, db: pw.SqliteDatabase, make_scheduler: Callable[..., ReminderScheduler]
) -> None:
    remind(db, "Call Ada", NOW - timedelta(days=1))
    scheduler = make_scheduler()
    scheduler.pause(NOW + timedelta(hours=1))
    with qtbot.waitSignal(scheduler.due, timeout=1000) as blocker:
        scheduler.pause(None)
    assert titles(blocker.args[0]) == ["Call Ada"]
    assert scheduler.paused_until is None


def test_a_change_while_paused_does_not_announce(
    qtbot: Any,
    db: pw.SqliteDatabase,
    changes: ContactChanges,
    make_scheduler: Callable[..., ReminderScheduler],
) -> None:
    scheduler = make_scheduler()
    scheduler.start()
    scheduler.pause(NOW + timedelta(hours=2))
    remind(db, "Call Ada", NOW - timedelta(minutes=5))
    with (
        qtbot.assertNotEmitted(scheduler.due),
        qtbot.waitSignal(scheduler.changed, timeout=1000),
    ):
        changes.remindersChanged.emit(object())
    assert scheduler.paused_until == NOW + timedelta(hours=2)


# --- the watchdog -----------------------------------------------------------------------------
class FakeTime:
    """``time`` as the scheduler module sees it: the wall clock ``jump`` seconds off."""

    def __init__(self) -> None:
        self.jump = 0.0

    def time(self) -> float:
        return real_time.time() + self.jump

    def monotonic(self) -> float:
        return real_time.monotonic()


def test_the_watchdog_re_checks_when_the_wall_clock_jumps(
    qtbot: Any,
    db: pw.SqliteDatabase,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    make_scheduler: Callable[..., ReminderScheduler],
) -> None:
    remind(db, "Call Ada", NOW + timedelta(hours=2))
    remind(db, "Much later", NOW + timedelta(days=3))
    scheduler = make_scheduler()
    fake = FakeTime()
    monkeypatch.setattr(scheduler_module, "time", fake)
    scheduler.start()
    assert scheduler._watchdog.isActive()
    assert scheduler._watchdog.interval() == WATCHDOG_MS

    # The machine slept three hours: Qt's timer did not count them.
    clock.now = NOW + timedelta(hours=3)
    fake.jump = 2.0  # a little drift is not a jump
    with qtbot.assertNotEmitted(scheduler.due):
        scheduler._watch_clock()

    fake.jump = 3 * 3600.0
    with qtbot.waitSignal(scheduler.due, timeout=1000) as blocker:
        scheduler._watch_clock()
    assert titles(blocker.args[0]) == ["Call Ada"]
    assert_waits(scheduler, MAX_WAIT_MS)  # re-armed for what is next (capped)

    # The new offset is the reference: no further jump, no further check.
    remind(db, "Set after the jump", NOW + timedelta(hours=2, minutes=30))
    with qtbot.assertNotEmitted(scheduler.due):
        scheduler._watch_clock()

    scheduler.stop()
    assert not scheduler._watchdog.isActive()
    assert scheduler.next_wait_ms() is None


# --- keeping in touch -------------------------------------------------------------------------
def test_logging_an_interaction_moves_keep_in_touch_and_it_waits_until_due_again(
    qtbot: Any,
    db: pw.SqliteDatabase,
    window: MainWindow,
    make_scheduler: Callable[..., ReminderScheduler],
    clock: Clock,
) -> None:
    real_now = datetime.now(UTC)
    clock.now = real_now
    ada = create_contact(db, ContactData(given_name="Ada", family_name="Lovelace", cadence_days=7))
    create_interaction(db, InteractionData("coffee", [ada], when=real_now - timedelta(days=10)))
    (keep,) = [r.id for r in contact_reminders(db, ada) if r.kind == "keep_in_touch"]
    scheduler = make_scheduler(window.changes)

    with qtbot.waitSignal(scheduler.due, timeout=1000) as blocker:
        scheduler.start()
    (item,) = blocker.args[0]
    assert (item.id, item.kind, item.contact_id) == (keep, "keep_in_touch", ada)

    with (
        qtbot.assertNotEmitted(scheduler.due),
        qtbot.waitSignal(scheduler.changed, timeout=1000),
    ):
        window.interactions.log(InteractionData("call", [ada], when=real_now))
    alert = load_reminder(db, keep).alert_at
    today = real_now.astimezone().date()
    assert alert == local_morning(today + timedelta(days=7)).astimezone(UTC)
    assert scheduler.next_wait_ms() is not None

    clock.now = alert - timedelta(minutes=1)
    with qtbot.assertNotEmitted(scheduler.due):
        scheduler.check()

    clock.now = alert + timedelta(minutes=1)
    with qtbot.waitSignal(scheduler.due, timeout=1000) as blocker:
        scheduler.check()
    assert [i.id for i in blocker.args[0]] == [keep]
    with qtbot.assertNotEmitted(scheduler.due):
        scheduler.check()


# --- the weekly summary -----------------------------------------------------------------------
MONDAY_9 = datetime(2030, 3, 11, 9, 0).astimezone()  # the summary's moment, local time


def newcomer(db: pw.SqliteDatabase) -> int:
    """Someone met two days before the summary's Monday: the week has something to say."""
    return create_contact(
        db, ContactData(given_name="Grace", family_name="Hopper", met_on=date(2030, 3, 9))
    )


def test_the_summary_waits_for_its_moment_and_comes_once_across_restarts(
    qtbot: Any,
    db: pw.SqliteDatabase,
    clock: Clock,
    make_scheduler: Callable[..., ReminderScheduler],
) -> None:
    newcomer(db)
    clock.now = MONDAY_9 - timedelta(days=2)
    scheduler = make_scheduler(summary=True)
    with qtbot.assertNotEmitted(scheduler.summary):
        scheduler.start()  # the first look only notes the moment
    assert_waits(scheduler, MAX_WAIT_MS)

    clock.now = MONDAY_9 - timedelta(minutes=30)
    with qtbot.assertNotEmitted(scheduler.summary):
        scheduler.check()
    assert_waits(scheduler, 30 * 60 * 1000 + 50)

    clock.now = MONDAY_9 + timedelta(seconds=1)
    with qtbot.waitSignal(scheduler.summary, timeout=1000) as blocker:
        scheduler.check()
    title, body = blocker.args[0].text()
    assert title == "Your week ahead"
    assert body == "1 new ally to follow up"

    with qtbot.assertNotEmitted(scheduler.summary):
        scheduler.check()
    again = make_scheduler(summary=True)  # Ally started again the same morning
    with qtbot.assertNotEmitted(again.summary):
        again.start()
    assert last_sent(db) == MONDAY_9 + timedelta(seconds=1)


def test_a_summary_missed_while_closed_comes_within_a_day(
    qtbot: Any,
    db: pw.SqliteDatabase,
    clock: Clock,
    make_scheduler: Callable[..., ReminderScheduler],
) -> None:
    newcomer(db)
    mark_sent(db, MONDAY_9 - timedelta(days=7))
    clock.now = MONDAY_9 + timedelta(hours=5)
    scheduler = make_scheduler(summary=True)
    with qtbot.waitSignal(scheduler.summary, timeout=1000):
        scheduler.start()


def test_a_summary_missed_by_more_than_a_day_waits_for_next_week(
    qtbot: Any,
    db: pw.SqliteDatabase,
    clock: Clock,
    make_scheduler: Callable[..., ReminderScheduler],
) -> None:
    newcomer(db)
    mark_sent(db, MONDAY_9 - timedelta(days=7))
    clock.now = MONDAY_9 + timedelta(hours=25)
    scheduler = make_scheduler(summary=True)
    with qtbot.assertNotEmitted(scheduler.summary):
        scheduler.start()


def test_a_pause_holds_the_summary_until_it_ends(
    qtbot: Any,
    db: pw.SqliteDatabase,
    clock: Clock,
    make_scheduler: Callable[..., ReminderScheduler],
) -> None:
    newcomer(db)
    mark_sent(db, MONDAY_9 - timedelta(days=7))
    clock.now = MONDAY_9 + timedelta(minutes=1)
    scheduler = make_scheduler(summary=True)
    with qtbot.assertNotEmitted(scheduler.summary):
        scheduler.pause(clock.now + timedelta(minutes=30))
        scheduler.start()
        clock.now += timedelta(minutes=20)
        scheduler.check()
    clock.now += timedelta(minutes=11)
    with qtbot.waitSignal(scheduler.summary, timeout=1000):
        scheduler.check()


def test_turned_off_it_sends_nothing_and_sets_no_timer(
    qtbot: Any,
    db: pw.SqliteDatabase,
    clock: Clock,
    make_scheduler: Callable[..., ReminderScheduler],
) -> None:
    newcomer(db)
    mark_sent(db, MONDAY_9 - timedelta(days=7))
    save_schedule(db, SummarySchedule(enabled=False), MONDAY_9 - timedelta(days=7))
    clock.now = MONDAY_9 + timedelta(minutes=1)
    scheduler = make_scheduler(summary=True)
    with qtbot.assertNotEmitted(scheduler.summary):
        scheduler.start()
    assert scheduler.next_wait_ms() is None


def test_reminders_due_at_the_same_moment_go_first_then_the_summary(
    qtbot: Any,
    db: pw.SqliteDatabase,
    clock: Clock,
    make_scheduler: Callable[..., ReminderScheduler],
) -> None:
    newcomer(db)
    remind(db, "Stand-up", MONDAY_9.astimezone(UTC))
    mark_sent(db, MONDAY_9 - timedelta(days=7))
    clock.now = MONDAY_9 + timedelta(seconds=1)
    scheduler = make_scheduler(summary=True)
    with (
        qtbot.assertNotEmitted(scheduler.summary),
        qtbot.waitSignal(scheduler.due, timeout=1000),
    ):
        scheduler.start()
    assert_waits(scheduler, SUMMARY_GAP_S * 1000 + 50)
    clock.now += timedelta(seconds=SUMMARY_GAP_S + 1)
    with qtbot.waitSignal(scheduler.summary, timeout=1000) as blocker:
        scheduler.check()  # as the timer does when the gap is over
    assert blocker.args[0].lines() == ["1 due now", "1 new ally to follow up"]


def test_a_week_with_nothing_to_say_sends_nothing(
    qtbot: Any,
    db: pw.SqliteDatabase,
    clock: Clock,
    make_scheduler: Callable[..., ReminderScheduler],
) -> None:
    mark_sent(db, MONDAY_9 - timedelta(days=7))
    clock.now = MONDAY_9 + timedelta(minutes=1)
    scheduler = make_scheduler(summary=True)
    with qtbot.assertNotEmitted(scheduler.summary):
        scheduler.start()
    assert last_sent(db) == clock.now  # looked at, and not owed again this week


def test_a_summary_that_cannot_be_recorded_is_not_sent_and_raises_nothing(
    qtbot: Any,
    db: pw.SqliteDatabase,
    clock: Clock,
    make_scheduler: Callable[..., ReminderScheduler],
) -> None:
    newcomer(db)
    mark_sent(db, MONDAY_9 - timedelta(days=7))
    clock.now = MONDAY_9 + timedelta(minutes=1)
    scheduler = make_scheduler(summary=True)
    sqlite_connection(db).execute("PRAGMA query_only = 1")  # as a read-only file would
    try:
        with qtbot.captureExceptions() as exceptions, qtbot.assertNotEmitted(scheduler.summary):
            scheduler.start()
        assert exceptions == []
    finally:
        sqlite_connection(db).execute("PRAGMA query_only = 0")
    with qtbot.waitSignal(scheduler.summary, timeout=1000):
        scheduler.check()  # sent once it can be recorded
