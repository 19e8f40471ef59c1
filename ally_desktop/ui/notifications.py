"""Wiring the reminder scheduler to the tray, or to the window's notice bar without one.

Reminders open the person they are about (or the Reminders view); the weekly summary and
the tray's Today entries open Today."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime

import peewee as pw
from PySide6.QtCore import QObject

from ally_desktop.core.reminders import DueItem
from ally_desktop.core.weekly_summary import WeeklySummary
from ally_desktop.ui.main_window import CONTACTS_VIEW, REMINDERS_VIEW, TODAY_VIEW, MainWindow
from ally_desktop.ui.scheduler import ReminderScheduler
from ally_desktop.ui.tray import AllyTray, notification_text, tray_available

log = logging.getLogger(__name__)


class Notifications(QObject):
    """The scheduler, and where its notifications go."""

    def __init__(
        self, db: pw.SqliteDatabase, window: MainWindow, *, use_tray: bool | None = None
    ) -> None:
        super().__init__(window)
        self._window = window
        self.scheduler = ReminderScheduler(db, window.changes, parent=self)
        self.scheduler.due.connect(self._notify)
        self.scheduler.summary.connect(self._summarize)
        window.summaryScheduleChanged.connect(self.scheduler.check)  # its moment moved
        self.tray: AllyTray | None = None
        if tray_available() if use_tray is None else use_tray:
            tray = AllyTray(db, self)
            tray.openRequested.connect(window.bring_forward)
            tray.todayRequested.connect(self._show_today)
            tray.logRequested.connect(self._log)
            tray.remindersRequested.connect(self._show_reminders)
            tray.personRequested.connect(self._show_person)
            tray.pauseRequested.connect(self._pause)
            tray.quitRequested.connect(window.quit)
            self.scheduler.changed.connect(tray.refresh)
            tray.show()
            tray.refresh()
            self.tray = tray
            window.attach_tray(tray)
        else:
            log.info("no system tray: notifications show inside the window")
            window.explain_no_tray()

    def start(self) -> None:
        self.scheduler.start()

    def _notify(self, items: Sequence[DueItem]) -> None:
        if self.tray is not None:
            self.tray.notify(items)
            self.tray.refresh()
            return
        title, body = notification_text(items, date.today())
        people = {i.contact_id for i in items if i.contact_id is not None}
        if max(getattr(items, "total", 0), len(items)) == 1 and people:
            person = people.pop()
            self._window.notice.show_notice(title, body, lambda: self._show_person(person))
        else:
            self._window.notice.show_notice(title, body, self._show_reminders)

    def _summarize(self, summary: WeeklySummary) -> None:
        if self.tray is not None:
            self.tray.notify_summary(summary)
            return
        title, body = summary.text()
        self._window.notice.show_notice(title, body, self._show_today)

    def _show_today(self) -> None:
        self._window.bring_forward()
        self._window.navigation.setCurrentRow(TODAY_VIEW)

    def _show_person(self, contact_id: int) -> None:
        self._window.bring_forward()
        self._window.navigation.setCurrentRow(CONTACTS_VIEW)
        self._window.show_person(contact_id)

    def _show_reminders(self) -> None:
        self._window.bring_forward()
        self._window.navigation.setCurrentRow(REMINDERS_VIEW)

    def _log(self) -> None:
        self._window.bring_forward()
        self._window.log_interaction([])

    def _pause(self, until: datetime | None) -> None:
        self.scheduler.pause(until)
        if self.tray is not None:
            self.tray.paused_until = until
            self.tray.refresh()
