"""Ally in the system tray, and notifications, with or without a tray.

Where the desktop has a tray, Ally keeps an icon there (with the number of due reminders
drawn on it), a menu (first what Today says: how many are due today, this week's
birthdays, new allies to follow up; then open, log, the next few due items, pause, quit)
and raises notifications through it, the weekly summary among them; on desktops with a
StatusNotifier host Qt turns those into ``org.freedesktop.Notifications`` calls. Where
there is no tray, Ally says so once and shows notifications as a bar inside its window
instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

import peewee as pw
from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon

from ally_desktop import APP_NAME
from ally_desktop.core.due import reminder_name
from ally_desktop.core.reminders import DueItem
from ally_desktop.store.schedule import local_morning
from ally_desktop.ui.icons import app_icon

if TYPE_CHECKING:
    from ally_desktop.core.weekly_summary import WeeklySummary

__all__ = ["AllyTray", "app_icon", "badge_icon", "notification_text", "tray_available"]

NEXT_ITEMS = 5
MESSAGE_MS = 10_000
TRAY_BIRTHDAYS = 2  # named in the menu; more are counted


def _what(item: DueItem) -> str:
    return reminder_name(item.kind, item.title, item.date_key)


def notification_text(items: Sequence[DueItem], today: date) -> tuple[str, str]:
    """(title, body) of one notification for reminders falling due together."""
    total = max(getattr(items, "total", 0), len(items))
    if total == 1:
        item = items[0]
        who = f"{item.contact_name}: " if item.contact_name else ""
        return f"{who}{_what(item)}", _body(item, today)
    lines = [
        f"• {item.contact_name + ' — ' if item.contact_name else ''}{_what(item)}"
        for item in items[:3]
    ]
    if total > 3:
        lines.append(f"and {total - 3:,} more")
    return f"{total:,} reminders are due", "\n".join(lines)


def _body(item: DueItem, today: date) -> str:
    """Why now: "Due 2 days ago · every week", "No contact for 47 days, cadence 30"."""
    if item.kind not in ("once", "recurring"):
        why = item.why(today)
        return why[:1].upper() + why[1:]  # only the first letter raised: "Birthday on 12 March"
    local = item.alert_at.astimezone()
    days = (today - local.date()).days
    if days == 0:
        when = f"today at {local:%H:%M}"
    elif days == 1:
        when = "yesterday"
    elif days > 1:
        when = f"{days} days ago"
    else:
        when = f"on {local.day} {local:%B}"
    body = f"Due {when}"
    if item.recurrence is not None:
        body += f" · {item.recurrence.describe()}"
    return body


BADGE_SIZES = (32, 64)  # trays ask 16 to 48 pixels: each is scaled down from near


def badge_icon(base: QIcon, count: int, size: int = 64) -> QIcon:
    """The icon with the count of due reminders drawn in a red disc (empty: as it is).

    Drawn at ``size`` and at half of it, each at the screen's pixel ratio (``QIcon.pixmap``
    gives the base at that ratio), so a 22-pixel tray at 200 % still gets sharp digits."""
    if count <= 0:
        return base
    badged = QIcon()
    for side in sorted({size // 2, size}):
        badged.addPixmap(_badge_pixmap(base, count, side))
    return badged


def _badge_pixmap(base: QIcon, count: int, size: int) -> QPixmap:
    pixmap = base.pixmap(size, size)
    if pixmap.isNull():
        pixmap = QPixmap(size, size)
        pixmap.fill(QColor("#1565c0"))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    side = round(size * 0.56)
    disc = QRectF(size - side, 0, side, side)
    painter.setBrush(QColor("#d32f2f"))
    painter.setPen(QPen(QColor(255, 255, 255, 230), max(1.0, size / 32)))
    painter.drawEllipse(disc.adjusted(0.5, 0.5, -0.5, -0.5))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(round(side * (0.66 if count < 10 else 0.52 if count < 100 else 0.4)))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(disc, Qt.AlignmentFlag.AlignCenter, str(count) if count < 100 else "99+")
    painter.end()
    return pixmap


class AllyTray(QObject):
    """The tray icon and its menu; ``notify`` raises a notification through it."""

    openRequested = Signal()  # noqa: N815
    todayRequested = Signal()  # noqa: N815 (the window, on Today)
    logRequested = Signal()  # noqa: N815
    remindersRequested = Signal()  # noqa: N815
    personRequested = Signal(int)  # noqa: N815
    pauseRequested = Signal(object)  # noqa: N815 (an aware datetime, or None to resume)
    quitRequested = Signal()  # noqa: N815

    def __init__(self, db: pw.SqliteDatabase, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._base_icon = app_icon()
        self.icon = QSystemTrayIcon(self._base_icon, self)
        self.icon.setToolTip(APP_NAME)
        self.menu = QMenu()
        self.menu.aboutToShow.connect(self.refresh_menu)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.icon.messageClicked.connect(self._message_clicked)
        self._clicked_person: int | None = None
        self._clicked_today = False  # the last notification was the weekly summary
        self.paused_until: datetime | None = None
        self.refresh_menu()

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    # --- count and menu ---------------------------------------------------------------
    def _forget_ended_pause(self) -> None:
        if self.paused_until is not None and self.paused_until <= _now():
            self.paused_until = None

    def refresh(self) -> None:
        """Count and tooltip, after any change."""
        from ally_desktop.core.due import Window, due_count

        self._forget_ended_pause()
        count = due_count(self._db, Window.at())
        self.icon.setIcon(badge_icon(self._base_icon, count))
        tip = f"{APP_NAME}: {count:,} due" if count else f"{APP_NAME}: nothing due"
        if self.paused_until is not None:
            tip += f"\nNotifications paused until {self.paused_until.astimezone():%H:%M}"
        self.icon.setToolTip(tip)

    def refresh_menu(self) -> None:
        from ally_desktop.core.due import Window, due_now, due_rows
        from ally_desktop.core.today import due_total

        self._forget_ended_pause()
        self.menu.clear()
        # Overdue or due today, as Today and the Reminders view count them.
        due_today = due_total(self._db, _now())
        if self._add_today(due_today):
            self.menu.addSeparator()
        self._add(self.menu, f"Open {APP_NAME}", self.openRequested.emit)
        self._add(self.menu, "Log interaction…", self.logRequested.emit)
        self.menu.addSeparator()
        window = Window.at(_now())
        ids = due_now(self._db, window, NEXT_ITEMS)
        rows = due_rows(self._db, ids)
        if ids:
            for rid in ids:
                row = rows[rid]
                who = f"{row.contact_name} — " if row.contact_name else ""
                target = (
                    partial(self.personRequested.emit, row.contact_id)
                    if row.contact_id is not None
                    else self.remindersRequested.emit
                )
                self._add(self.menu, f"{who}{row.what()}", target)
            if due_today > NEXT_ITEMS:
                self._add(
                    self.menu, f"All {due_today:,} due reminders…", self.remindersRequested.emit
                )
        else:
            # Due later today at most: said above, not yet to act on.
            nothing = self.menu.addAction("Nothing due yet" if due_today else "Nothing due")
            nothing.setEnabled(False)
        self.menu.addSeparator()
        if self.paused_until is not None:
            self._add(self.menu, "Resume notifications", lambda: self.pauseRequested.emit(None))
        else:
            hour = _now() + timedelta(hours=1)
            tomorrow = local_morning(_now().astimezone().date() + timedelta(days=1))
            self._add(
                self.menu,
                "Pause notifications for 1 hour",
                lambda: self.pauseRequested.emit(hour),
            )
            self._add(
                self.menu,
                "Pause notifications until tomorrow",
                lambda: self.pauseRequested.emit(tomorrow.astimezone(UTC)),
            )
        self.menu.addSeparator()
        self._add(self.menu, f"Quit {APP_NAME}", self.quitRequested.emit)

    def _add_today(self, due: int) -> bool:
        """Today's entries, first in the menu: what is due today, this week's birthdays,
        the new allies to follow up (each read in a few milliseconds; nothing when there
        is nothing to say). Returns whether any was added."""
        from ally_desktop.core.today import birthday_day_name, birthdays_this_week, new_allies_count

        today = _now().astimezone().date()
        added = 0
        if due:
            self._add(self.menu, f"{due:,} due today", self.todayRequested.emit)
            added += 1
        birthdays = birthdays_this_week(self._db, today)
        for birthday in birthdays[:TRAY_BIRTHDAYS]:
            day = birthday_day_name(birthday.on, today)
            self._add(
                self.menu,
                f"Birthday: {birthday.name} ({day})",
                partial(self.personRequested.emit, birthday.contact_id),
            )
            added += 1
        rest = len(birthdays) - TRAY_BIRTHDAYS
        if rest > 0:
            more = "birthday" if rest == 1 else "birthdays"
            self._add(self.menu, f"{rest:,} more {more} this week", self.todayRequested.emit)
            added += 1
        new = new_allies_count(self._db, today)
        if new:
            noun = "new ally" if new == 1 else "new allies"
            self._add(self.menu, f"{new:,} {noun} to follow up", self.todayRequested.emit)
            added += 1
        return added > 0

    @staticmethod
    def _add(menu: QMenu, text: str, slot: object) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(slot)
        return action

    # --- notifications ----------------------------------------------------------------
    def notify(self, items: Sequence[DueItem]) -> None:
        title, body = notification_text(items, date.today())
        people = {i.contact_id for i in items if i.contact_id is not None}
        single = max(getattr(items, "total", 0), len(items)) == 1
        self._clicked_person = people.pop() if single and people else None
        self._clicked_today = False
        self.icon.showMessage(title, body, self._base_icon, MESSAGE_MS)

    def notify_summary(self, summary: WeeklySummary) -> None:
        """The weekly summary; clicking it opens Today."""
        title, body = summary.text()
        self._clicked_person = None
        self._clicked_today = True
        self.icon.showMessage(title, body, self._base_icon, MESSAGE_MS)

    def _message_clicked(self) -> None:
        if self._clicked_today:
            self.todayRequested.emit()
        elif self._clicked_person is not None:
            self.personRequested.emit(self._clicked_person)
        else:
            self.remindersRequested.emit()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.openRequested.emit()


def tray_available() -> bool:
    return QSystemTrayIcon.isSystemTrayAvailable() and QApplication.instance() is not None


def _now() -> datetime:
    return datetime.now(UTC)
