"""When to raise a notification: one timer armed for the next due moment, never polling.

The timer is armed for the next ``alert_at`` (one indexed read) and re-armed after every
change to reminders, interactions or contacts. Two things can make an armed timer wrong:
the machine sleeping (Qt's timers count awake time) and the wall clock being changed.
A watchdog compares the wall clock with the monotonic clock once a minute and re-arms
when they drifted apart. At start-up everything that fell due while Ally was closed is
announced once, as one group, because each reminder remembers when it was announced
(a long backlog, after a large import, is recorded off the GUI thread, so the window does
not stop for it).

The weekly summary (``core.weekly_summary``) rides on the same timer: its next moment is
one more moment to wake up for, a pause holds it as it holds reminders, and the watchdog
covers it too. When reminders are announced at the very moment the summary is due
(Monday 09:00 is also when the day's keep-in-touch reminders fall due), the summary
follows ``SUMMARY_GAP_S`` later, so the two notifications do not replace each other.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import peewee as pw
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from ally_desktop.store.db import background_read
from ally_desktop.store.errors import StoreError, user_facing_errors
from ally_desktop.ui.contacts.commands import ContactChanges

log = logging.getLogger(__name__)

MAX_WAIT_MS = 60 * 60 * 1000  # re-check at least hourly (a QTimer holds at most ~24 days)
WATCHDOG_MS = 60 * 1000
CLOCK_JUMP_S = 5.0
SHOWN = 5  # reminders a notification names; the rest are counted
SUMMARY_GAP_S = 20  # after a reminder notification, before the weekly summary
# Reminders marked announced on the GUI thread, about 20 ms for 1,000; more are marked on
# Qt's thread pool. A first start after a large import can find tens of thousands due:
# half a second of writing.
MARK_AT_ONCE = 1000


class _Record(QRunnable):
    """Marks a long backlog announced, on the thread's own connection: one transaction."""

    def __init__(
        self, scheduler: ReminderScheduler, db: pw.SqliteDatabase, ids: list[int], now: datetime
    ) -> None:
        super().__init__()
        self._scheduler = scheduler
        self._db = db
        self._ids = ids
        self._now = now

    def run(self) -> None:
        from ally_desktop.core.reminders import mark_announced

        recorded = False
        try:
            with background_read(self._db):  # this thread's own connection, to write on
                mark_announced(self._db, self._ids, self._now)
            recorded = True
        except Exception:
            log.exception("%d reminders could not be recorded as announced", len(self._ids))
        with contextlib.suppress(RuntimeError):  # the scheduler is gone: Ally quit
            self._scheduler.recorded.emit(recorded)


class ReminderScheduler(QObject):
    """Emits ``due`` with the reminders to announce, each once, when they fall due."""

    # A DueBatch: the first few DueItems, .total and .ids. Signal(object): Signal(list)
    # would hand receivers a plain copy of the list, without the total.
    due = Signal(object)
    summary = Signal(object)  # a WeeklySummary with something to say, once a week
    recorded = Signal(bool)  # from the thread pool: a long backlog recorded (or not)
    changed = Signal()  # something changed: counts and menus may be stale

    def __init__(
        self,
        db: pw.SqliteDatabase,
        changes: ContactChanges,
        *,
        clock: Callable[[], datetime] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._clock = clock or (lambda: datetime.now(UTC))
        self.paused_until: datetime | None = None
        self._summary_after: datetime | None = None  # held behind a reminder notification
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.check)
        self._rearm = QTimer(self)  # many changes in one go re-arm once
        self._rearm.setSingleShot(True)
        self._rearm.setInterval(0)
        self._rearm.timeout.connect(self._after_change)
        self._watchdog = QTimer(self)
        self._watchdog.setInterval(WATCHDOG_MS)
        self._watchdog.timeout.connect(self._watch_clock)
        self._offset = time.time() - time.monotonic()
        # A long backlog announced and still being recorded so: no check meanwhile, one
        # right after.
        self._marking = False
        self.recorded.connect(self._after_recorded)
        for signal in (
            changes.changed,
            changes.interactionsChanged,
            changes.remindersChanged,
        ):
            signal.connect(self._rearm.start)

    def start(self) -> None:
        """Announce what fell due while closed, then wait for the next moment."""
        self._watchdog.start()
        self.check()

    def stop(self) -> None:
        self._timer.stop()
        self._watchdog.stop()

    def next_wait_ms(self) -> int | None:
        """How long the timer waits now (None: not armed); for tests and the log."""
        return self._timer.remainingTime() if self._timer.isActive() else None

    def pause(self, until: datetime | None) -> None:
        """No notifications until ``until`` (None: resume now)."""
        self.paused_until = until
        self.check()

    def check(self) -> None:
        """Announce what is due (unless paused), then arm for the next moment."""
        from ally_desktop.core.reminders import due_batch, next_alert

        if self._marking:
            return  # checked again once the last announcement is recorded
        now = self._clock()
        paused = self.paused_until is not None and now < self.paused_until
        if not paused:
            self.paused_until = None
            batch = due_batch(self._db, now, SHOWN)
            if batch:
                log.info("announcing %d reminder(s)", batch.total)
                self._mark(list(batch.ids), now)
                self.due.emit(batch)
            self._check_summary(now, just_announced=bool(batch))
            if self._marking:
                return
        upcoming = next_alert(self._db, now)
        moments = [
            m
            for m in (upcoming, self.paused_until if paused else None, self._next_summary(now))
            if m
        ]
        if not moments:
            self._timer.stop()
            return
        wait = (min(moments) - now).total_seconds() * 1000
        self._timer.start(int(min(max(wait, 0) + 50, MAX_WAIT_MS)))

    def _mark(self, ids: list[int], now: datetime) -> None:
        """Record ``ids`` as announced at ``now``: at once when they are few; otherwise in
        one transaction on Qt's thread pool (a restore waits for it), then check again.
        Were Ally to quit before it ends, they would be announced again next time."""
        from ally_desktop.core.reminders import mark_announced

        if len(ids) <= MARK_AT_ONCE:
            mark_announced(self._db, ids, now)
            return
        self._marking = True
        QThreadPool.globalInstance().start(_Record(self, self._db, ids, now))

    def _after_recorded(self, recorded: bool) -> None:
        self._marking = False
        if recorded:
            self.check()
        else:
            # Checking now would announce the same reminders again: try in an hour (or at
            # the next change).
            self._timer.start(MAX_WAIT_MS)

    def _check_summary(self, now: datetime, *, just_announced: bool) -> None:
        """Send the weekly summary if it is due (and not behind a notification just shown)."""
        from ally_desktop.core import weekly_summary

        if self._summary_after is not None and now < self._summary_after:
            return
        self._summary_after = None
        try:
            with user_facing_errors():
                if not weekly_summary.is_due(self._db, now):
                    return
                if just_announced:
                    self._summary_after = now + timedelta(seconds=SUMMARY_GAP_S)
                    return
                summary = weekly_summary.take_due_summary(self._db, now)
        except StoreError as exc:
            # A summary is worth no error box (a read-only file, a full disk): it waits.
            log.warning("the weekly summary could not be sent: %s", exc)
            return
        if summary is not None and not summary.is_empty:
            log.info("sending the weekly summary")
            self.summary.emit(summary)

    def _next_summary(self, now: datetime) -> datetime | None:
        from ally_desktop.core import weekly_summary

        if self._summary_after is not None:
            return self._summary_after
        return weekly_summary.next_moment(self._db, now)

    def _after_change(self) -> None:
        self.changed.emit()
        self.check()

    def _watch_clock(self) -> None:
        offset = time.time() - time.monotonic()
        if abs(offset - self._offset) > CLOCK_JUMP_S:
            log.info(
                "the clock jumped by %.0f s (sleep or a change): re-arming", offset - self._offset
            )
            self._offset = offset
            self.check()
