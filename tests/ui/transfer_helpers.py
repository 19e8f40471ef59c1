"""Driving the export and import dialogs: waiting for their jobs, holding the worker
threads back so that a job is still running when Cancel is pressed."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import QRunnable, QThreadPool

from ally_desktop.ui.transfer.import_dialog import ImportDialog

JOB_TIMEOUT_MS = 5000


class _Blocker(QRunnable):
    def __init__(self, release: threading.Event) -> None:
        super().__init__()
        self._release = release

    def run(self) -> None:
        self._release.wait(10)


@contextlib.contextmanager
def workers_held() -> Iterator[threading.Event]:
    """Every worker thread is kept busy until the event is set (or the block ends): a job
    started meanwhile waits its turn, as a long one would still be running."""
    pool = QThreadPool.globalInstance()
    pool.waitForDone(JOB_TIMEOUT_MS)
    before = pool.maxThreadCount()
    pool.setMaxThreadCount(1)
    release = threading.Event()
    pool.start(_Blocker(release))
    try:
        yield release
    finally:
        release.set()
        pool.waitForDone(JOB_TIMEOUT_MS)
        pool.setMaxThreadCount(before)


def wait_idle(qtbot: Any, dialog: Any) -> None:
    """Until the dialog's job (reading, importing or exporting) has reported back."""
    qtbot.waitUntil(lambda: dialog.job is None or not dialog.job.running(), timeout=JOB_TIMEOUT_MS)


def click_next(qtbot: Any, dialog: ImportDialog) -> None:
    """Next (or Import, or Close), then wait for what it started."""
    assert dialog.next_button.isEnabled(), dialog.next_button.text()
    dialog.next_button.click()
    wait_idle(qtbot, dialog)
