"""Reading Today off the GUI thread.

On 100,000 people and a million interactions the five sections take about 100 ms
together (docs/today.md): enough to stall the window at every change. They are read on
Qt's thread pool, on that thread's own SQLite connection (``background_read``), and
come back as a signal. An answer to a request that has been replaced meanwhile is
dropped.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping
from datetime import datetime

import peewee as pw
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ally_desktop.core.today import TodayOverview, TodaySection, today_overview
from ally_desktop.store.db import background_read

log = logging.getLogger(__name__)


class _Read(QRunnable):
    def __init__(
        self,
        loader: OverviewLoader,
        ticket: int,
        now: datetime,
        limits: Mapping[TodaySection, int],
    ) -> None:
        super().__init__()
        self._loader = loader
        self._db = loader.db
        self._ticket = ticket
        self._now = now
        self._limits = dict(limits)

    def run(self) -> None:
        try:
            with background_read(self._db):
                overview = today_overview(self._db, now=self._now, limits=self._limits)
        except Exception:
            log.exception("Reading Today failed")
            overview = None
        with contextlib.suppress(RuntimeError):  # the page was closed meanwhile
            self._loader.read.emit(self._ticket, overview)


class OverviewLoader(QObject):
    """``load(limits)`` returns at once; ``loaded`` brings the overview later."""

    read = Signal(int, object)  # ticket, TodayOverview or None (from the worker thread)
    loaded = Signal(object)  # the TodayOverview of the latest request
    failed = Signal()

    def __init__(
        self,
        db: pw.SqliteDatabase,
        clock: Callable[[], datetime],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self._clock = clock
        self._ticket = 0
        self._pending = 0
        self.read.connect(self._deliver)

    def load(self, limits: Mapping[TodaySection, int]) -> None:
        self._ticket += 1
        self._pending += 1
        QThreadPool.globalInstance().start(_Read(self, self._ticket, self._clock(), limits))

    def busy(self) -> bool:
        return self._pending > 0

    def _deliver(self, ticket: int, overview: TodayOverview | None) -> None:
        self._pending -= 1
        if ticket != self._ticket:
            return
        if overview is None:
            self.failed.emit()
        else:
            self.loaded.emit(overview)
