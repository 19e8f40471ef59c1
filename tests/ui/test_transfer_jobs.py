"""The job runner behind export and import: work off the GUI thread on a connection of
its own, progress, cancel, and exactly one ending."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import Any

import peewee as pw
import pytest
from PySide6.QtWidgets import QWidget

from ally_desktop.core.transfer.atomic_files import WriteFailedError
from ally_desktop.core.transfer.reading import ReadCancelledError
from ally_desktop.store.db import sqlite_connection
from ally_desktop.ui.transfer.jobs import BackgroundJob, JobProgress, describe, user_message
from tests.ui.transfer_helpers import workers_held

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


def endings(job: BackgroundJob) -> list[tuple[str, object]]:
    seen: list[tuple[str, object]] = []
    job.succeeded.connect(lambda result: seen.append(("succeeded", result)))
    job.failed.connect(lambda error: seen.append(("failed", error)))
    job.cancelled.connect(lambda: seen.append(("cancelled", None)))
    return seen


def test_work_runs_on_its_own_thread_and_connection_which_it_closes(
    qtbot: Any, db: pw.SqliteDatabase
) -> None:
    used: list[sqlite3.Connection] = []

    def work(progress: Progress, _cancelled: Cancelled) -> int:
        assert threading.current_thread() is not threading.main_thread()
        conn = sqlite_connection(db)
        used.append(conn)
        progress(1, 2)
        return int(conn.execute("SELECT count(*) FROM contact").fetchone()[0])

    job = BackgroundJob(db, work)
    seen = endings(job)
    reports: list[tuple[int, int]] = []
    job.progressed.connect(lambda done, total: reports.append((done, total)))
    with qtbot.waitSignal(job.succeeded, timeout=3000):
        job.start()
    assert seen == [("succeeded", 0)]
    assert reports == [(1, 2)]
    assert not job.running()
    assert used[0] is not sqlite_connection(db), "not the window's connection"
    with pytest.raises(sqlite3.ProgrammingError):
        used[0].execute("SELECT 1")  # closed when the work ended


def test_a_cancel_is_seen_by_the_work_and_reported_as_such(
    qtbot: Any, db: pw.SqliteDatabase
) -> None:
    def work(_progress: Progress, cancelled: Cancelled) -> None:
        if cancelled():
            raise ReadCancelledError
        raise AssertionError("the cancel was not seen")

    job = BackgroundJob(db, work)
    seen = endings(job)
    with workers_held() as release, qtbot.waitSignal(job.cancelled, timeout=3000):
        job.start()
        job.cancel()
        release.set()
    assert seen == [("cancelled", None)]


def test_a_failure_carries_its_words(qtbot: Any, db: pw.SqliteDatabase) -> None:
    def work(_progress: Progress, _cancelled: Cancelled) -> None:
        raise WriteFailedError(28, "The disk is full: a.csv was not written.")

    job = BackgroundJob(db, work)
    seen = endings(job)
    with qtbot.waitSignal(job.failed, timeout=3000):
        job.start()
    ((kind, error),) = seen
    assert kind == "failed"
    assert isinstance(error, WriteFailedError)
    assert user_message(error) == "The disk is full: a.csv was not written."


def test_a_quick_job_never_shows_its_progress_window(qtbot: Any, db: pw.SqliteDatabase) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    job = BackgroundJob(db, lambda _p, _c: "done")
    shown_at_the_end: list[bool] = []
    job.succeeded.connect(lambda _r: shown_at_the_end.append(progress.isVisible()))
    progress = JobProgress(job, "Exporting", parent)
    with qtbot.waitSignal(job.succeeded, timeout=3000):
        progress.start()
    assert shown_at_the_end == [False]


def test_progress_is_told_in_words() -> None:
    assert describe(12345, 100000, "Exporting") == "Exporting 12,345 of 100,000…"
    assert describe(5000, 20000, "Reading", "lines") == "Reading 5,000 of 20,000 lines…"
    assert describe(0, 0, "Importing") == "Importing…"
