"""File → Restore from backup…: the backups listed, one restored in place, the window
carrying on with the restored data; the backup preferences; the import's backup."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import peewee as pw
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QMessageBox

from ally_desktop import cli_safety
from ally_desktop.core.contact_queries import count_contacts
from ally_desktop.core.records import ContactData
from ally_desktop.paths import DataPaths
from ally_desktop.store import migrations
from ally_desktop.store.backups import (
    BackupInfo,
    BackupSettings,
    list_backups,
    load_backup_settings,
    make_backup,
    save_backup_settings,
)
from ally_desktop.ui.backups_dialog import BackupsDialog, local_time
from ally_desktop.ui.main_window import MainWindow
from ally_desktop.ui.preferences import PreferencesDialog
from ally_desktop.ui.single_instance import InstanceServer
from ally_desktop.ui.transfer.import_dialog import ImportDialog
from tests.ui.helpers import open_dialog, shown_names
from tests.ui.transfer_helpers import click_next

NOW = datetime.now(UTC).replace(microsecond=0)
Answer = Callable[[QMessageBox.StandardButton], list[str]]


def _names(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return sorted(name for (name,) in conn.execute("SELECT full_name FROM contact"))


def _rows(dialog: BackupsDialog) -> list[list[str]]:
    table = dialog.table
    return [
        [table.item(row, column).text() for column in range(table.columnCount())]
        for row in range(table.rowCount())
    ]


@pytest.fixture
def two_backups(db: pw.SqliteDatabase, db_path: Path, add_person: Any) -> list[BackupInfo]:
    """An older backup with Ana and Bo, a newer one with Cy too (newest first)."""
    add_person("Ana", "Lima")
    add_person("Bo", "Chen")
    older = make_backup(db_path, db_path.parent, "manual", now=NOW - timedelta(days=3))
    add_person("Cy", "Dee")
    newer = make_backup(db_path, db_path.parent, "daily", now=NOW - timedelta(days=1))
    return [newer, older]


def _open_backups(qtbot: Any, window: MainWindow) -> BackupsDialog:
    window.backups_action.trigger()
    return open_dialog(qtbot, window, BackupsDialog)


def test_the_file_menu_lists_the_backups(
    qtbot: Any, two_backups: list[BackupInfo], window: MainWindow
) -> None:
    (file_menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == "&File"]
    assert isinstance(file_menu, QMenu)
    assert window.backups_action in file_menu.actions()
    assert window.backups_action.text() == "Restore from &backup…"

    dialog = _open_backups(qtbot, window)
    newer, older = two_backups
    rows = _rows(dialog)
    assert [row[0] for row in rows] == [local_time(newer), local_time(older)]
    assert [row[1] for row in rows] == ["Daily", "Manual"]
    assert [row[3] for row in rows] == ["3", "2"]
    assert all(row[2].endswith(" kB") for row in rows), rows
    assert str(DataPaths(window.data_dir()).backups) in dialog.where.text()
    assert dialog.selected() == dialog.backups[0]
    assert dialog.restore_button.isEnabled()


def test_restoring_a_backup_brings_its_data_back_in_the_open_window(
    qtbot: Any,
    db: pw.SqliteDatabase,
    db_path: Path,
    two_backups: list[BackupInfo],
    window: MainWindow,
    answer: Answer,
) -> None:
    window.editing.create(ContactData(given_name="Dee", family_name="Fox"))
    qtbot.waitUntil(lambda: "Dee Fox" in shown_names(window))
    assert window.undo_stack.count() == 1
    dialog = _open_backups(qtbot, window)
    dialog.table.selectRow(1)  # the older one: Ana and Bo
    asked = answer(QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)

    assert len(asked) == 1
    assert "Replace all your data with the backup of" in asked[0]
    assert "(2 people)" in asked[0]
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(lambda: sorted(shown_names(window)) == ["Ana Lima", "Bo Chen"])
    assert window.undo_stack.count() == 0, "undo spoke of the replaced data"
    assert window.statusBar().currentMessage().startswith("Restored the backup of")

    (kept,) = [b for b in list_backups(db_path.parent) if b.kind == "pre-restore"]
    assert _names(kept.path) == ["Ana Lima", "Bo Chen", "Cy Dee", "Dee Fox"]

    # The window carries on with the restored file: a new person is stored in it.
    window.editing.create(ContactData(given_name="Eve"))
    assert count_contacts(db) == 3
    qtbot.waitUntil(lambda: "Eve" in shown_names(window))
    window.timeline_page()  # the other views read the restored file too
    window.reminders_page()


def test_cancelling_the_question_changes_nothing(
    qtbot: Any,
    db_path: Path,
    two_backups: list[BackupInfo],
    window: MainWindow,
    answer: Answer,
) -> None:
    dialog = _open_backups(qtbot, window)
    dialog.table.selectRow(1)
    answer(QMessageBox.StandardButton.Cancel)
    assert dialog.restore_selected() is None
    assert dialog.isVisible()
    assert len(list_backups(db_path.parent)) == 2
    assert sorted(shown_names(window)) == ["Ana Lima", "Bo Chen", "Cy Dee"]


def test_a_refused_restore_says_why_and_the_window_carries_on(
    qtbot: Any,
    db: pw.SqliteDatabase,
    db_path: Path,
    two_backups: list[BackupInfo],
    window: MainWindow,
    answer: Answer,
) -> None:
    newer, _older = two_backups
    with closing(sqlite3.connect(newer.path)) as conn:
        conn.execute(f"PRAGMA user_version = {migrations.LATEST_VERSION + 1}")
    dialog = _open_backups(qtbot, window)
    dialog.table.selectRow(0)
    answer(QMessageBox.StandardButton.Yes)
    assert dialog.restore_selected() is None
    assert dialog.isVisible()
    assert dialog.error.isVisible()
    assert "made by a newer version of Ally" in dialog.error.text()
    assert "Nothing was changed." in dialog.error.text()
    assert [b.kind for b in list_backups(db_path.parent)] == ["daily", "manual"]
    window.editing.create(ContactData(given_name="Eve"))
    assert count_contacts(db) == 4


def test_back_up_now_adds_the_new_backup_and_selects_it(
    qtbot: Any, two_backups: list[BackupInfo], window: MainWindow
) -> None:
    dialog = _open_backups(qtbot, window)
    dialog.table.selectRow(1)
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    assert dialog.busy()
    assert not dialog.backup_button.isEnabled()
    assert not dialog.restore_button.isEnabled(), "no restore while a backup is made"
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=5000)
    assert dialog.table.rowCount() == 3
    assert dialog.selected() == dialog.backups[0]
    assert dialog.backups[0].kind == "manual"
    assert _rows(dialog)[0][1:4:2] == ["Manual", "3"]
    assert dialog.backup_button.isEnabled()
    assert dialog.restore_button.isEnabled()


def test_a_failed_backup_now_says_why(
    qtbot: Any, two_backups: list[BackupInfo], window: MainWindow, tmp_path: Path
) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    save_backup_settings(tmp_path, BackupSettings(blocker / "backups"))
    dialog = _open_backups(qtbot, window)
    dialog.back_up_now()
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=5000)
    assert dialog.error.isVisible()
    assert dialog.error.text().startswith(f"No backup was made in {blocker / 'backups'}")


def test_a_damaged_backup_is_listed_but_cannot_be_restored(
    qtbot: Any, two_backups: list[BackupInfo], window: MainWindow
) -> None:
    folder = two_backups[0].path.parent
    broken = folder / "ally-2000-01-01T000000Z-daily.sqlite3"
    broken.write_bytes(b"garbage" * 500)
    dialog = _open_backups(qtbot, window)
    assert _rows(dialog)[-1][3] == "Damaged"
    assert "damaged or not a database" in dialog.table.item(2, 0).toolTip()
    dialog.table.selectRow(2)
    assert not dialog.restore_button.isEnabled()
    assert dialog.restore_selected() is None


def test_without_backups_the_dialog_says_how_they_come(qtbot: Any, window: MainWindow) -> None:
    dialog = _open_backups(qtbot, window)
    assert dialog.table.rowCount() == 0
    assert not dialog.restore_button.isEnabled()
    assert "There are no backups yet" in dialog.note.text()
    dialog.open_folder()
    assert "does not exist yet" in dialog.error.text()
    dialog.back_up_now()
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=5000)
    assert dialog.table.rowCount() == 1
    assert not dialog.error.isVisible()
    assert dialog.note.text().startswith("Restoring replaces all your data")


def test_the_dialog_fits_its_text(
    qtbot: Any, two_backups: list[BackupInfo], window: MainWindow, tmp_path: Path
) -> None:
    dialog = _open_backups(qtbot, window)
    qtbot.waitExposed(dialog)
    image = dialog.grab()
    assert image.save(str(tmp_path / "backups.png"))
    header = dialog.table.horizontalHeader()
    for column in range(dialog.table.columnCount()):
        for row in range(dialog.table.rowCount()):
            text = dialog.table.item(row, column).text()
            assert dialog.table.fontMetrics().horizontalAdvance(text) < header.sectionSize(column)
    for button in (dialog.backup_button, dialog.restore_button, dialog.open_button):
        assert button.width() >= button.sizeHint().width()


# --- the window's socket, seen without Qt --------------------------------------------------


@pytest.fixture
def short_tmp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="ally-", dir="/tmp"))
    monkeypatch.setenv("TMPDIR", str(folder))
    yield folder
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()


def test_the_command_line_sees_the_running_window(
    qtbot: Any, tmp_path: Path, short_tmp: Path
) -> None:
    assert not cli_safety.window_running(tmp_path)
    server = InstanceServer(tmp_path)
    try:
        assert cli_safety.window_running(tmp_path)
        assert not cli_safety.window_running(tmp_path / "another")
    finally:
        server.close()
    assert not cli_safety.window_running(tmp_path)


# --- preferences and imports ---------------------------------------------------------------


def test_preferences_choose_where_backups_go_and_how_many(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    window.preferences_action.trigger()
    dialog = open_dialog(qtbot, window, PreferencesDialog)
    backups = dialog.backups
    assert backups is not None
    assert backups.folder.text() == str(DataPaths(tmp_path).backups)
    assert not backups.default_button.isEnabled()
    assert (backups.daily.value(), backups.weekly.value(), backups.monthly.value()) == (7, 4, 6)

    backups.set_folder(tmp_path / "external" / "Ally")
    backups.daily.setValue(10)
    backups.monthly.setValue(12)
    dialog.accept()
    assert not dialog.isVisible()
    assert load_backup_settings(tmp_path) == BackupSettings(
        tmp_path / "external" / "Ally", daily=10, weekly=4, monthly=12
    )
    assert (tmp_path / "external" / "Ally").is_dir()

    window.preferences_action.trigger()
    dialog = open_dialog(qtbot, window, PreferencesDialog)
    assert dialog.backups is not None
    assert dialog.backups.folder.text() == str(tmp_path / "external" / "Ally")
    qtbot.mouseClick(dialog.backups.default_button, Qt.MouseButton.LeftButton)
    dialog.accept()
    assert load_backup_settings(tmp_path).folder is None


def test_an_unusable_folder_is_refused_in_preferences(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    window.preferences_action.trigger()
    dialog = open_dialog(qtbot, window, PreferencesDialog)
    assert dialog.backups is not None
    dialog.backups.set_folder(blocker / "backups")
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.error.text().startswith("Could not use that backups folder")
    assert load_backup_settings(tmp_path) == BackupSettings()


def test_an_import_from_the_window_backs_up_first(
    qtbot: Any, db_path: Path, window: MainWindow, add_person: Any, tmp_path: Path
) -> None:
    add_person("Ana", "Lima")
    path = tmp_path / "people.csv"
    path.write_text("Name,E-mail\nZoe Quist,zoe@example.org\n", encoding="utf-8")
    window.show_import(path)
    dialog = open_dialog(qtbot, window, ImportDialog)
    click_next(qtbot, dialog)
    assert list_backups(db_path.parent) == [], "reading and planning store nothing"
    click_next(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    (backup,) = list_backups(db_path.parent)
    assert backup.kind == "pre-import"
    assert _names(backup.path) == ["Ana Lima"]
    assert "Zoe Quist" in _names(db_path)
