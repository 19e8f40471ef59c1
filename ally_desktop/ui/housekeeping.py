"""What Ally does for the data once the window has painted, and then daily.

- **Crash report.** If the last run crashed, Ally says so and offers the report. It does
  this only when the window is visible; otherwise the report waits for a start that
  shows it.
- **Trash.** Items kept longer than the user's retention are deleted for good.
- **Daily backup.** A backup is made when the newest one is over a day old. It runs on a
  worker thread with its own SQLite connections, because a verified backup of 100,000
  people takes seconds and the window must not wait. A failure (an unplugged backup
  drive, a full disk) is told in the notice bar; the next day's run tries again.

- **Source lines.** Lines read into ``linecache`` (by a PySide6 whose import hook
  ``ui.pyside_hook`` could not lighten, or by a logged traceback) stay there for good;
  nothing reads them again. They are dropped at the first paint and after the daily
  work; a traceback reads what it needs anew.

The crash report is offered at the first paint. The backup and the trash wait a minute
more: the first minute belongs to the user (a backup reads the whole file, and on a cold
disk competes with every click), and a day's backup made a minute later loses nothing.
"""

from __future__ import annotations

import contextlib
import linecache
import logging

import peewee as pw
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from ally_desktop.paths import DataPaths
from ally_desktop.store.errors import StoreError
from ally_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)

DAY_MS = 24 * 60 * 60 * 1000
SETTLE_MS = 60 * 1000  # after the first paint, before the backup and the trash expiry


class _Outcome(QObject):
    done = Signal(object, object)  # BackupInfo | None, StoreError | None


class _BackupIfDue(QRunnable):
    def __init__(self, paths: DataPaths, outcome: _Outcome) -> None:
        super().__init__()
        self._paths = paths
        self._outcome = outcome

    def run(self) -> None:
        from ally_desktop.store.backups import backup_if_due

        info, error = None, None
        try:
            info = backup_if_due(self._paths)
        except StoreError as exc:
            error = exc
        with contextlib.suppress(RuntimeError):  # the window is gone
            self._outcome.done.emit(info, error)


class DailyBackup(QObject):
    """A backup when one is due: now, and once a day while Ally stays open."""

    def __init__(self, paths: DataPaths, window: MainWindow) -> None:
        super().__init__(window)
        self._paths = paths
        self._window = window
        self._outcome = _Outcome(self)
        self._outcome.done.connect(self._finished)
        self._timer = QTimer(self)
        self._timer.setInterval(DAY_MS)
        self._timer.timeout.connect(self.run)

    def start(self) -> None:
        self.run()
        self._timer.start()

    def run(self) -> None:
        QThreadPool.globalInstance().start(_BackupIfDue(self._paths, self._outcome))

    def _finished(self, info: object, error: object) -> None:
        if error is not None:
            log.warning("the daily backup failed: %s", error)
            self._window.notice.show_notice(
                "The daily backup could not be made",
                f"{error} Ally tries again tomorrow; File → Restore from backup… can make one now.",
                self._window.show_backups,
                "Backups…",
            )
        elif info is not None:
            log.info("daily backup made: %s", getattr(info, "path", info))


def start_housekeeping(
    window: MainWindow, db: pw.SqliteDatabase, paths: DataPaths, settle_ms: int = SETTLE_MS
) -> None:
    """Start-up calls this once, after the first paint (``window.ready``)."""
    from ally_desktop.ui.crash_report import offer_crash_report

    if window.isVisible():
        offer_crash_report(window, paths)
    linecache.clearcache()

    def maintain() -> None:
        from ally_desktop.ui.trash_expiry import schedule_trash_expiry

        schedule_trash_expiry(window, db)
        DailyBackup(paths, window).start()
        linecache.clearcache()

    QTimer.singleShot(settle_ms, window, maintain)
