"""Closing the window with a tray: Ally stays in the tray (unless turned off), says so once,
and Quit really quits; the Preferences dialog that turns this, starting at login and the
weekly summary on and off.

The tray is built but not shown (the offscreen platform has none). ``QApplication.quit``
is replaced by a recorder so the test application keeps running.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import peewee as pw
import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMenu

from ally_desktop import autostart
from ally_desktop.core.weekly_summary import DEFAULT_SCHEDULE, SummarySchedule, load_schedule
from ally_desktop.store.db import sqlite_connection
from ally_desktop.ui.main_window import MainWindow
from ally_desktop.ui.preferences import PreferencesDialog
from ally_desktop.ui.settings import UiSettings
from ally_desktop.ui.tray import AllyTray
from tests.ui.helpers import open_dialog

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the XDG autostart entry is Linux's"
)


@pytest.fixture(autouse=True)
def _quit_on_last_window_closed(qapp: QApplication) -> Iterator[None]:
    yield
    QApplication.setQuitOnLastWindowClosed(True)


@pytest.fixture
def quits(monkeypatch: pytest.MonkeyPatch) -> list[None]:
    """Each call of QApplication.quit, recorded instead of done."""
    calls: list[None] = []
    monkeypatch.setattr(QApplication, "quit", staticmethod(lambda: calls.append(None)))
    return calls


@pytest.fixture
def autostart_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the autostart entry goes for this test (never the real one)."""
    config = tmp_path / "xdg-config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return config


@pytest.fixture
def tray(window: MainWindow, db: pw.SqliteDatabase, autostart_home: Path) -> Iterator[AllyTray]:
    """A tray attached to the window, its messages recorded in ``tray.shown``."""
    made = AllyTray(db)
    made.shown = []  # type: ignore[attr-defined]
    made.icon.showMessage = lambda title, body, *_: made.shown.append((title, body))  # type: ignore[attr-defined, method-assign]
    window.attach_tray(made)
    yield made
    made.menu.deleteLater()


def settings_of(path: Path) -> UiSettings:
    return UiSettings(path)


# --- closing ----------------------------------------------------------------------------------
def test_closing_the_window_keeps_ally_in_the_tray_and_says_so_once(
    window: MainWindow, tray: AllyTray, quits: list[None], settings_path: Path
) -> None:
    assert not QApplication.quitOnLastWindowClosed()
    assert window.isVisible()

    assert window.close() is False  # the close was turned into a hide
    assert not window.isVisible()
    assert shiboken6.isValid(window)  # hidden, not destroyed
    assert quits == []
    assert not QApplication.quitOnLastWindowClosed()
    assert [title for title, _ in tray.shown] == ["Ally keeps running"]  # type: ignore[attr-defined]
    assert "Preferences" in tray.shown[0][1]  # type: ignore[attr-defined]
    assert settings_of(settings_path).flag("tray_explained", False)

    window.bring_forward()  # from the tray
    assert window.isVisible()
    assert window.close() is False
    assert not window.isVisible()
    assert len(tray.shown) == 1  # type: ignore[attr-defined]  # said once
    assert quits == []


def test_closing_saves_the_layout(window: MainWindow, tray: AllyTray, settings_path: Path) -> None:
    window.resize(900, 600)
    window.close()
    assert settings_of(settings_path).state("window/geometry") is not None


def test_with_keep_in_tray_off_close_really_closes(
    window: MainWindow, tray: AllyTray, quits: list[None], settings_path: Path
) -> None:
    settings_of(settings_path).set_flag("keep_in_tray", False)
    assert window.close() is True
    assert not window.isVisible()
    assert tray.shown == []  # type: ignore[attr-defined]


def test_with_keep_in_tray_off_closing_the_window_quits_ally(
    window: MainWindow, tray: AllyTray, quits: list[None], settings_path: Path
) -> None:
    settings_of(settings_path).set_flag("keep_in_tray", False)
    window.close()
    assert quits or QApplication.quitOnLastWindowClosed()


def test_without_a_tray_close_closes(window: MainWindow, quits: list[None]) -> None:
    assert QApplication.quitOnLastWindowClosed()
    assert window.close() is True
    assert not window.isVisible()


def test_quit_closes_even_with_the_tray(
    window: MainWindow, tray: AllyTray, quits: list[None]
) -> None:
    window.quit()
    assert quits == [None]
    assert not window.isVisible()
    assert tray.shown == []  # type: ignore[attr-defined]  # no "keeps running" on Quit


def test_quit_from_the_file_menu_while_hidden_in_the_tray(
    window: MainWindow, tray: AllyTray, quits: list[None]
) -> None:
    window.close()
    assert not window.isVisible()
    window.quit_action.trigger()
    assert quits == [None]
    assert not window.isVisible()


# --- preferences ------------------------------------------------------------------------------
def _ok(qtbot: Any, dialog: PreferencesDialog) -> None:
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    button = buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _open_preferences(qtbot: Any, window: MainWindow) -> PreferencesDialog:
    window.preferences_action.trigger()
    return open_dialog(qtbot, window, PreferencesDialog)


def test_preferences_is_in_the_edit_menu(window: MainWindow) -> None:
    (edit,) = [a.menu() for a in window.menuBar().actions() if a.text() == "&Edit"]
    assert isinstance(edit, QMenu)
    assert window.preferences_action in edit.actions()


def test_turning_keep_in_tray_off_is_saved_and_close_then_closes(
    qtbot: Any, window: MainWindow, tray: AllyTray, settings_path: Path
) -> None:
    dialog = _open_preferences(qtbot, window)
    assert dialog.keep_in_tray.isEnabled()
    assert dialog.keep_in_tray.isChecked()  # on by default
    dialog.keep_in_tray.setChecked(False)
    _ok(qtbot, dialog)
    assert not dialog.isVisible()
    assert settings_of(settings_path).flag("keep_in_tray", True) is False
    assert window.close() is True

    # and back on
    window.show()
    dialog = _open_preferences(qtbot, window)
    assert not dialog.keep_in_tray.isChecked()
    dialog.keep_in_tray.setChecked(True)
    _ok(qtbot, dialog)
    assert settings_of(settings_path).flag("keep_in_tray", False) is True
    assert window.close() is False


def test_cancel_changes_nothing(
    qtbot: Any, window: MainWindow, tray: AllyTray, settings_path: Path
) -> None:
    dialog = _open_preferences(qtbot, window)
    dialog.keep_in_tray.setChecked(False)
    dialog.start_at_login.setChecked(True)
    dialog.reject()
    assert settings_of(settings_path).flag("keep_in_tray", True) is True
    assert not autostart.starts_at_login()


def test_without_a_tray_keep_in_tray_cannot_be_chosen(
    qtbot: Any, window: MainWindow, autostart_home: Path
) -> None:
    dialog = _open_preferences(qtbot, window)
    assert not dialog.keep_in_tray.isEnabled()
    assert "no system tray" in dialog.keep_in_tray.toolTip()


@linux_only
def test_start_at_login_writes_and_removes_the_autostart_entry(
    qtbot: Any, window: MainWindow, tray: AllyTray, autostart_home: Path
) -> None:
    entry = autostart_home / "autostart" / "ally.desktop"
    dialog = _open_preferences(qtbot, window)
    assert not dialog.start_at_login.isChecked()
    dialog.start_at_login.setChecked(True)
    _ok(qtbot, dialog)
    assert entry.is_file()
    command = autostart.command_of_entry(entry.read_text(encoding="utf-8"))
    assert command[0] == sys.executable
    assert command[-1] == "--minimized"

    dialog = _open_preferences(qtbot, window)
    assert dialog.start_at_login.isChecked()
    dialog.start_at_login.setChecked(False)
    _ok(qtbot, dialog)
    assert not entry.exists()
    assert not autostart.starts_at_login()


@linux_only
def test_start_at_login_that_cannot_be_written_says_why_and_stays_open(
    qtbot: Any, window: MainWindow, tray: AllyTray, autostart_home: Path
) -> None:
    autostart_home.parent.mkdir(parents=True, exist_ok=True)
    autostart_home.write_text("a file where a folder should be", encoding="utf-8")
    dialog = _open_preferences(qtbot, window)
    dialog.start_at_login.setChecked(True)
    with qtbot.captureExceptions() as exceptions:
        _ok(qtbot, dialog)
    assert exceptions == []
    assert dialog.isVisible()
    assert dialog.error.isVisible()
    assert dialog.error.text().startswith("Could not change starting at login:")
    dialog.reject()


def test_the_dialog_on_its_own(qtbot: Any, settings_path: Path, autostart_home: Path) -> None:
    settings = settings_of(settings_path)
    dialog = PreferencesDialog(settings, tray=True)
    qtbot.addWidget(dialog)
    dialog.keep_in_tray.setChecked(False)
    dialog.accept()
    assert settings_of(settings_path).flag("keep_in_tray", True) is False
    assert dialog.result() == PreferencesDialog.DialogCode.Accepted


# --- the weekly summary -------------------------------------------------------------------------
def test_the_weekly_summary_is_on_by_default_and_its_day_and_hour_are_saved(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase, autostart_home: Path
) -> None:
    dialog = _open_preferences(qtbot, window)
    summary = dialog.summary
    assert summary is not None
    assert summary.enabled.isChecked()
    assert (summary.day.currentText(), summary.hour.currentText()) == ("Monday", "09:00")
    summary.day.setCurrentIndex(4)
    summary.hour.setCurrentIndex(17)
    _ok(qtbot, dialog)
    assert load_schedule(db) == SummarySchedule(enabled=True, weekday=4, hour=17)

    dialog = _open_preferences(qtbot, window)
    assert dialog.summary is not None
    assert dialog.summary.day.currentText() == "Friday"
    dialog.summary.enabled.setChecked(False)
    assert not dialog.summary.day.isEnabled()
    assert not dialog.summary.hour.isEnabled()
    _ok(qtbot, dialog)
    assert load_schedule(db) == SummarySchedule(enabled=False, weekday=4, hour=17)


def test_a_new_weekly_summary_moment_is_announced_to_the_window_once_saved(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase, autostart_home: Path
) -> None:
    """The reminder scheduler re-arms on ``summaryScheduleChanged`` (test_tray): a new day
    or hour applies at once, not at the scheduler's next hourly look."""
    dialog = _open_preferences(qtbot, window)
    with qtbot.assertNotEmitted(window.summaryScheduleChanged):
        _ok(qtbot, dialog)  # nothing changed

    dialog = _open_preferences(qtbot, window)
    assert dialog.summary is not None
    dialog.summary.hour.setCurrentIndex(7)
    with qtbot.waitSignal(window.summaryScheduleChanged, timeout=1000):
        _ok(qtbot, dialog)
    assert load_schedule(db).hour == 7


def test_cancel_leaves_the_weekly_summary_as_it_was(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase, autostart_home: Path
) -> None:
    dialog = _open_preferences(qtbot, window)
    assert dialog.summary is not None
    dialog.summary.enabled.setChecked(False)
    dialog.reject()
    assert load_schedule(db) == DEFAULT_SCHEDULE


def test_a_weekly_summary_that_cannot_be_saved_says_why_and_stays_open(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase, autostart_home: Path
) -> None:
    dialog = _open_preferences(qtbot, window)
    assert dialog.summary is not None
    dialog.summary.enabled.setChecked(False)
    sqlite_connection(db).execute("PRAGMA query_only = 1")  # as a read-only file would
    try:
        _ok(qtbot, dialog)
        assert dialog.isVisible()
        assert dialog.error.text().startswith("Could not change the weekly summary:")
    finally:
        sqlite_connection(db).execute("PRAGMA query_only = 0")
    dialog.reject()
    assert load_schedule(db) == DEFAULT_SCHEDULE
