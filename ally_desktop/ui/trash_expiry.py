"""Emptying the trash of what has expired: once after the window paints, then once a day.

The deletion itself is ``core.trash_expiry.purge_expired``; this module only decides when
to run it (at start-up, and daily for a window left open for weeks), reads the retention
the user chose each time (a change applies from the next run), and tells the views what
went, as "Delete for good" does. A run the environment refuses (a full disk, a locked
file) is logged and tried again an hour later: it is housekeeping, and nothing is lost by
waiting. Anything else is a bug and reaches the crash hook.

The undo history is left as it is: a command that refers to something purged reports
"not found" if it is ever undone, and clearing the history once a day would take away
the user's unrelated undo steps.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import peewee as pw
from PySide6.QtCore import QObject, QTimer, Signal

from ally_desktop.core.trash_expiry import PurgeReport, purge_expired, retention_days
from ally_desktop.store.errors import classify
from ally_desktop.ui.contacts.commands import ChangeSet, ContactChanges

if TYPE_CHECKING:
    from ally_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)

DAY_MS = 24 * 60 * 60 * 1000
RETRY_MS = 60 * 60 * 1000  # after a refused run


def retention_text(days: int) -> str:
    """The sentence the trash views show, with the retention the user chose."""
    period = "1 day" if days == 1 else f"{days:,} days"
    return f"Items are deleted for good {period} after they were put in the trash."


class TrashExpiry(QObject):
    """Runs the expiry now and then; ``purged`` tells what a run deleted."""

    purged = Signal(object)  # a PurgeReport with something in it

    def __init__(
        self,
        db: pw.SqliteDatabase,
        changes: ContactChanges,
        parent: QObject | None = None,
        *,
        clock: Callable[[], datetime | None] = lambda: None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._changes = changes
        self._clock = clock  # None: the real time (tests give a fixed one)
        self.timer = QTimer(self)
        self.timer.setObjectName("trashExpiry")
        self.timer.timeout.connect(self.run)

    def start(self, interval_ms: int = DAY_MS) -> None:
        """Run now, then every ``interval_ms``."""
        self.timer.start(interval_ms)
        self.run()

    def run(self) -> PurgeReport | None:
        """One expiry run; None when the store refused it (tried again in an hour)."""
        try:
            days = retention_days(self._db)
            report = purge_expired(self._db, days, now=self._clock())
        except Exception as exc:
            error = classify(exc)
            if error is None:
                raise
            log.warning("trash expiry postponed by an hour: %s", error)
            QTimer.singleShot(RETRY_MS, self, self.run)
            return None
        if report:
            log.info(
                "trash: deleted for good %d people and %d interactions, %d days after deletion",
                report.contacts,
                report.interactions,
                days,
            )
            self._announce(report)
            self.purged.emit(report)
        return report

    def _announce(self, report: PurgeReport) -> None:
        if report.contact_ids:
            self._changes.announce(ChangeSet(report.contact_ids, membership=True))
        if report.interaction_ids:
            from ally_desktop.ui.timeline.commands import InteractionChange

            self._changes.interactionsChanged.emit(InteractionChange(report.interaction_ids, ()))


def schedule_trash_expiry(window: MainWindow, db: pw.SqliteDatabase) -> TrashExpiry:
    """Delete what has been in the trash too long now, and once a day while Ally runs.

    Start-up calls this once the window has painted (``window.contacts.ready``); the
    returned object lives as long as the window.
    """
    expiry = TrashExpiry(db, window.changes, window)
    expiry.setObjectName("trashExpiry")
    expiry.start()
    return expiry
