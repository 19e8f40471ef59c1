"""Counting a timeline off the GUI thread.

Counting a million interactions takes about 50 ms: long enough to stall typing in the
search box or the first frames after a log. The count runs on Qt's thread pool, on that
thread's own SQLite connection (Peewee keeps one per thread; WAL lets it read while the
window writes), and the answer comes back as a signal. Answers to queries that have been
replaced meanwhile are dropped.
"""

from __future__ import annotations

import contextlib
import logging

import peewee as pw
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ally_desktop.core.timeline import TimelineQuery, count_interactions
from ally_desktop.store.db import background_read

log = logging.getLogger(__name__)


class _Count(QRunnable):
    def __init__(self, counter: BackgroundCounter, ticket: int, query: TimelineQuery) -> None:
        super().__init__()
        self._counter = counter
        self._db = counter.db
        self._ticket = ticket
        self._query = query

    def run(self) -> None:
        try:
            with background_read(self._db):
                count = count_interactions(self._db, self._query)
        except Exception:
            log.exception("Counting the timeline failed")
            return
        with contextlib.suppress(RuntimeError):  # the page was closed meanwhile
            self._counter.counted.emit(self._ticket, count)


class BackgroundCounter(QObject):
    """``count(query)`` now returns at once; ``done`` brings the number later."""

    counted = Signal(int, int)  # ticket, count (from the worker thread)
    done = Signal(int)  # the count for the latest query asked

    def __init__(self, db: pw.SqliteDatabase, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._ticket = 0
        self._pending = 0
        self.counted.connect(self._deliver)

    def count(self, query: TimelineQuery) -> None:
        self._ticket += 1
        self._pending += 1
        QThreadPool.globalInstance().start(_Count(self, self._ticket, query))

    def busy(self) -> bool:
        return self._pending > 0

    def _deliver(self, ticket: int, count: int) -> None:
        self._pending -= 1
        if ticket == self._ticket:
            self.done.emit(count)
