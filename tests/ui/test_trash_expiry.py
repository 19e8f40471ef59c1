"""The window empties the trash of what expired: after the first paint, then daily."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import peewee as pw
import pytest

from ally_desktop.core.contact_queries import ContactQuery, contact_ids
from ally_desktop.core.contacts import trash_contacts
from ally_desktop.core.trash_expiry import PurgeReport, expiry_cutoff, set_retention_days
from ally_desktop.store import search
from ally_desktop.store.db import sqlite_connection
from ally_desktop.ui.contacts.trash import TrashDialog
from ally_desktop.ui.main_window import MainWindow
from ally_desktop.ui.trash_expiry import (
    DAY_MS,
    TrashExpiry,
    retention_text,
    schedule_trash_expiry,
)
from tests.ui.helpers import open_dialog


def _trashed_days_ago(db: pw.SqliteDatabase, contact_id: int, days: float) -> None:
    trash_contacts(db, [contact_id])
    when = expiry_cutoff(0, datetime.now(UTC) - timedelta(days=days))
    sqlite_connection(db).execute(
        "UPDATE contact SET trashed_at = ? WHERE id = ?", [when, contact_id]
    )


def test_start_up_purges_what_expired_and_runs_daily(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase, add_person: Callable[..., int]
) -> None:
    old, recent = add_person("Old"), add_person("Recent")
    _trashed_days_ago(db, old, 31)
    _trashed_days_ago(db, recent, 29)
    window.show_trash()
    trash = open_dialog(qtbot, window, TrashDialog)
    assert trash.model.rowCount() == 2

    expiry = schedule_trash_expiry(window, db)

    assert list(contact_ids(db, ContactQuery(trashed=True))) == [recent]
    qtbot.waitUntil(lambda: trash.model.rowCount() == 1, timeout=3000)
    assert expiry.timer.isActive()
    assert expiry.timer.interval() == DAY_MS
    assert expiry.parent() is window
    assert search.index_is_consistent(sqlite_connection(db))
    trash.close()


def test_a_daily_run_uses_the_retention_set_meanwhile(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase, add_person: Callable[..., int]
) -> None:
    ana = add_person("Ana")
    _trashed_days_ago(db, ana, 10)
    now = [datetime.now(UTC)]
    expiry = TrashExpiry(db, window.changes, window, clock=lambda: now[0])
    reports: list[PurgeReport] = []
    expiry.purged.connect(reports.append)
    expiry.start()
    assert reports == []

    set_retention_days(db, 7)
    expiry.timer.timeout.emit()  # a day later
    assert reports == [PurgeReport((ana,), ())]


def test_a_refused_run_is_postponed_quietly(
    window: MainWindow,
    db: pw.SqliteDatabase,
    add_person: Callable[..., int],
    caplog: pytest.LogCaptureFixture,
) -> None:
    ana = add_person("Ana")
    _trashed_days_ago(db, ana, 40)
    conn = sqlite_connection(db)
    conn.execute("PRAGMA query_only = 1")
    try:
        assert TrashExpiry(db, window.changes, window).run() is None
    finally:
        conn.execute("PRAGMA query_only = 0")
    assert "trash expiry postponed" in caplog.text
    assert list(contact_ids(db, ContactQuery(trashed=True))) == [ana]


@pytest.mark.parametrize(("days", "period"), [(30, "30 days"), (1, "1 day"), (3650, "3,650 days")])
def test_the_trash_says_when_items_go(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase, days: int, period: str
) -> None:
    set_retention_days(db, days)
    window.show_trash()
    trash = open_dialog(qtbot, window, TrashDialog)
    sentence = f"Items are deleted for good {period} after they were put in the trash."
    assert retention_text(days) == sentence
    assert sentence in trash.retention.text()
    assert trash.interactions is not None
    assert sentence in trash.interactions.retention.text()
    trash.close()


def test_preferences_change_how_long_the_trash_keeps_items(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase
) -> None:
    from ally_desktop.core.trash_expiry import retention_days
    from ally_desktop.ui.preferences import PreferencesDialog

    window.preferences_action.trigger()
    dialog = open_dialog(qtbot, window, PreferencesDialog)
    assert dialog.trash is not None
    assert dialog.trash.days.value() == 30
    dialog.trash.days.setValue(90)
    dialog.accept()
    assert not dialog.isVisible()
    assert retention_days(db) == 90


def test_a_refused_retention_change_keeps_the_preferences_open(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase
) -> None:
    from ally_desktop.core.trash_expiry import retention_days
    from ally_desktop.ui.preferences import PreferencesDialog

    window.preferences_action.trigger()
    dialog = open_dialog(qtbot, window, PreferencesDialog)
    assert dialog.trash is not None
    dialog.trash.days.setValue(7)
    sqlite_connection(db).execute("PRAGMA query_only = 1")  # as a read-only file would
    try:
        dialog.accept()
        assert dialog.isVisible()
        assert "read-only" in dialog.error.text()
    finally:
        sqlite_connection(db).execute("PRAGMA query_only = 0")
    assert retention_days(db) == 30
    dialog.accept()
    assert retention_days(db) == 7
