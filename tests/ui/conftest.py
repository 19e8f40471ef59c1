"""The main window on a real database file, shown offscreen, with fixtures to drive it."""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import peewee as pw
import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from ally_desktop.core.contacts import create_contact
from ally_desktop.core.records import ContactData
from ally_desktop.ui.main_window import MainWindow
from ally_desktop.ui.settings import UiSettings
from tests.ui.helpers import QT_DROPS_REFERENCES

# The offscreen platform has no window manager: it says so when a dialog passes its size
# hints, and when a completion popup raises itself or grabs the keyboard. That is the
# platform talking, not Ally.
OFFSCREEN_NOISE = (
    r"^This plugin does not support (propagateSizeHints\(\)|raise\(\)|grabbing the keyboard)$"
)
_HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in Path(str(item.path)).parents:
            own = [m for mark in item.iter_markers("qt_log_ignore") for m in mark.args]
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE, *own), append=False)


_RESERVE_SIZE = 1_000_000
# References held for good (the list itself is never freed, so neither are they): they
# keep None, True and False alive through a whole test run despite the dropped ones.
_RESERVE: list[object] = []
ctypes.pythonapi.Py_IncRef(ctypes.py_object(_RESERVE))


@pytest.fixture(autouse=True)
def _keep_constants_alive() -> None:
    if not QT_DROPS_REFERENCES:
        return
    for constant in (None, True, False):
        if sys.getrefcount(constant) < _RESERVE_SIZE:
            _RESERVE.extend([constant] * _RESERVE_SIZE)


def _hide_dialogs(window: QWidget) -> None:
    """Hides (without closing) what the window opened, so no confirmation blocks teardown."""
    for child in window.findChildren(QWidget):
        if child.isWindow() and child.isVisible():
            child.hide()


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "settings.ini"


@pytest.fixture
def make_window(qtbot: Any, db: pw.SqliteDatabase, settings_path: Path) -> Callable[[], MainWindow]:
    """Builds a main window on the test database and settings file, shown."""

    def make() -> MainWindow:
        window = MainWindow(db, UiSettings(settings_path))
        qtbot.addWidget(window, before_close_func=_hide_dialogs)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        # The list's remaining rows and the filters' choices arrive after the first paint.
        qtbot.waitUntil(window.contacts.startup_complete)
        return window

    return make


@pytest.fixture
def window(make_window: Callable[[], MainWindow]) -> MainWindow:
    return make_window()


@pytest.fixture
def add_person(db: pw.SqliteDatabase) -> Callable[..., int]:
    """Stores a person straight in the database (before the window reads it); returns the id."""

    def add(given: str, family: str = "", **fields: Any) -> int:
        return create_contact(db, ContactData(given_name=given, family_name=family, **fields))

    return add


@pytest.fixture
def answer(
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[[QMessageBox.StandardButton], list[str]]:
    """``answer(button)``: every question or warning box is answered with ``button``.

    Returns the list that collects the text of each box asked.
    """

    def install(button: QMessageBox.StandardButton) -> list[str]:
        asked: list[str] = []

        def reply(_parent: object, _title: str, text: str, *_args: object) -> Any:
            asked.append(text)
            return button

        monkeypatch.setattr(QMessageBox, "question", staticmethod(reply))
        monkeypatch.setattr(QMessageBox, "warning", staticmethod(reply))
        return asked

    return install
