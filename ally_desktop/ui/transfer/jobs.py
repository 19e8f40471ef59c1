"""Running a core function off the GUI thread, with progress, a cancel flag and its own
database connection.

Exporting, reading a file and applying an import take seconds for 100,000 people; on the
GUI thread they would freeze the window with no way to stop them. A BackgroundJob runs
the function on Qt's thread pool, passing it ``progress(done, total)`` and
``cancelled()`` the way core expects. The worker thread connects to the database itself
(Peewee keeps one connection per thread; WAL lets it read while the window writes) and
closes that connection when the work ends, so none outlives its thread. The outcome
comes back on the GUI thread as exactly one of ``succeeded``, ``failed`` or
``cancelled``.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable

import peewee as pw
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressBar, QProgressDialog, QWidget

from ally_desktop.core.transfer.exporting import ExportCancelledError
from ally_desktop.core.transfer.importing import ImportCancelledError
from ally_desktop.core.transfer.reading import ReadCancelledError

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
Work = Callable[[Progress, Cancelled], object]
# What core raises when it saw the cancel flag: the job then reports ``cancelled``.
CANCEL_ERRORS: tuple[type[BaseException], ...] = (
    ExportCancelledError,
    ReadCancelledError,
    ImportCancelledError,
)
SHOW_AFTER_MS = 300  # a job done sooner never shows its progress window


class _Run(QRunnable):
    """The worker's side: connect, work, close, report."""

    def __init__(self, job: BackgroundJob) -> None:
        super().__init__()
        self._job = job  # keeps the job (and its signals) alive until the run reports

    def run(self) -> None:
        job = self._job
        result: object = None
        error: Exception | None = None
        try:
            job.db.connect(reuse_if_open=True)
            result = job.work(job.progressed.emit, job.is_cancelled)
        except Exception as exc:
            error = exc
        finally:
            with contextlib.suppress(Exception):
                job.db.close()  # this thread's connection only
        with contextlib.suppress(RuntimeError):  # the application is going away
            job.ended.emit(result, error)


class BackgroundJob(QObject):
    """``work(progress, cancelled)`` on a worker thread; its outcome as a signal."""

    progressed = Signal(int, int)  # done, total (emitted from the worker; delivered queued)
    succeeded = Signal(object)  # what ``work`` returned
    failed = Signal(object)  # the exception ``work`` raised (not a cancel)
    cancelled = Signal()  # ``work`` stopped at the cancel flag; core stored or wrote nothing
    ended = Signal(object, object)  # internal: (result, error) from the worker

    def __init__(
        self,
        db: pw.SqliteDatabase,
        work: Work,
        cancel_errors: tuple[type[BaseException], ...] = CANCEL_ERRORS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.work = work
        self._cancel_errors = cancel_errors
        self._cancel = threading.Event()
        self._running = False
        self.ended.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def start(self) -> None:
        if self._running:
            raise RuntimeError("This job is already running.")
        self._running = True
        QThreadPool.globalInstance().start(_Run(self))

    def cancel(self) -> None:
        """Ask the work to stop at its next check (core checks between batches)."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def running(self) -> bool:
        return self._running

    def _deliver(self, result: object, error: Exception | None) -> None:
        self._running = False
        if error is None:
            self.succeeded.emit(result)
        elif isinstance(error, self._cancel_errors):
            self.cancelled.emit()
        else:
            self.failed.emit(error)


def user_message(error: BaseException) -> str:
    """The words an error carries for the user: an OSError's ``str()`` starts with
    "[Errno 21]", its ``strerror`` is the sentence core wrote."""
    if isinstance(error, OSError) and error.strerror:
        return str(error.strerror)
    return str(error)


def describe(done: int, total: int, verb: str, unit: str = "") -> str:
    """ "Exporting 12,345 of 100,000…" (the unit, if any, after the total)."""
    if total <= 0:
        return f"{verb}…"
    after = f" {unit}" if unit else ""
    return f"{verb} {done:,} of {total:,}{after}…"


class JobProgress(QProgressDialog):
    """A modal progress window with Cancel, shown only once a job lasts SHOW_AFTER_MS.

    It follows the job's progress and closes itself when the job ends, however it ends.
    """

    def __init__(self, job: BackgroundJob, verb: str, parent: QWidget, unit: str = "") -> None:
        super().__init__(f"{verb}…", "Cancel", 0, 0, parent)
        self.setWindowTitle(verb)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumWidth(380)
        # Our own bar: setValue() on a modal dialog runs a nested event loop, and its
        # guesses would show the window early; the bar is moved directly instead.
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy until the first progress report
        self.setBar(self.bar)
        self.reset()  # stops Qt's own timer: ours alone decides when to show the window
        self._verb = verb
        self._unit = unit
        self._job = job
        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.timeout.connect(self._show_if_running)
        job.progressed.connect(self._progress)
        for ending in (job.succeeded, job.failed, job.cancelled):
            ending.connect(self._finish)
        self.canceled.connect(job.cancel)

    def start(self) -> None:
        """Start the job; the window appears only if it is still running after a moment."""
        self._show_timer.start(SHOW_AFTER_MS)
        self._job.start()

    def _show_if_running(self) -> None:
        if self._job.running() and not self._job.is_cancelled():
            self.show()

    def _progress(self, done: int, total: int) -> None:
        if total > 0:
            if self.bar.maximum() != total:
                self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        self.setLabelText(describe(done, total, self._verb, self._unit))

    def _finish(self, *_args: object) -> None:
        self._show_timer.stop()
        self.hide()
        self.deleteLater()
