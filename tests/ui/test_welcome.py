"""The first start: an empty network shows the welcome page and its ways to begin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import peewee as pw
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from ally_desktop.core.contact_queries import count_contacts
from ally_desktop.ui.contacts.quick_add import QuickAddDialog
from ally_desktop.ui.main_window import DEMO_SIZE, MainWindow
from tests.ui.helpers import open_dialog, selected_names, shown_names, wait_active


def test_an_empty_network_shows_the_welcome_page(window: MainWindow) -> None:
    page = window.contacts
    assert page.stack.currentWidget() is page.welcome
    assert page.welcome.isVisible()
    assert not page.table.isVisible()
    assert page.welcome.add_button.text() == "Add your first ally"
    assert page.welcome.demo_button.isEnabled()
    assert page.welcome.import_button.isEnabled()
    assert page.welcome.import_button.toolTip()


def test_the_welcome_page_imports(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[object] = []
    monkeypatch.setattr(window, "show_import", lambda path=None: asked.append(path))
    qtbot.mouseClick(window.contacts.welcome.import_button, Qt.MouseButton.LeftButton)
    assert asked == [None]


def test_a_network_with_people_opens_on_the_list(
    add_person: Callable[..., int], make_window: Callable[[], MainWindow]
) -> None:
    add_person("Ana")
    window = make_window()
    assert window.contacts.stack.currentIndex() == 0
    assert window.contacts.table.isVisible()
    assert shown_names(window) == ["Ana"]


def test_only_archived_people_still_open_on_the_list(
    add_person: Callable[..., int], make_window: Callable[[], MainWindow]
) -> None:
    add_person("Ana", archived=True)
    window = make_window()
    assert window.contacts.stack.currentIndex() == 0
    assert shown_names(window) == []
    window.contacts.archived_filter.setChecked(True)
    assert shown_names(window) == ["Ana  (archived)"]


def test_try_with_demo_data_fills_the_list_and_shows_it(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase
) -> None:
    page = window.contacts
    qtbot.mouseClick(page.welcome.demo_button, Qt.MouseButton.LeftButton)
    assert count_contacts(db) == DEMO_SIZE
    assert page.stack.currentIndex() == 0
    assert page.table.isVisible()
    assert page.model.rowCount() > DEMO_SIZE * 0.9
    assert page.count_label.text() == f"{page.model.rowCount()} people"
    assert page.tag_filter.count() > 1, "the filters learn the new tags"
    assert page.organization_filter.count() > 1
    assert f"Added {DEMO_SIZE} demo people." in window.statusBar().currentMessage()


def test_add_your_first_ally_opens_quick_add_and_the_list_follows(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase
) -> None:
    page = window.contacts
    qtbot.mouseClick(page.welcome.add_button, Qt.MouseButton.LeftButton)
    dialog = open_dialog(qtbot, window, QuickAddDialog)
    qtbot.keyClicks(dialog.name, "Ana Ruiz")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert count_contacts(db) == 1
    assert page.stack.currentIndex() == 0
    assert shown_names(window) == ["Ana Ruiz"]
    assert selected_names(window) == ["Ana Ruiz"]


def test_cancelled_first_ally_stays_on_the_welcome_page(qtbot: Any, window: MainWindow) -> None:
    page = window.contacts
    qtbot.mouseClick(page.welcome.add_button, Qt.MouseButton.LeftButton)
    dialog = open_dialog(qtbot, window, QuickAddDialog)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert page.stack.currentWidget() is page.welcome


def test_deleting_the_last_person_brings_back_the_welcome_and_undo_the_list(
    qtbot: Any, add_person: Callable[..., int], make_window: Callable[[], MainWindow]
) -> None:
    add_person("Ana")
    window = make_window()
    page = window.contacts
    page.table.selectRow(0)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert page.stack.currentWidget() is page.welcome
    window.undo_action.trigger()
    assert page.stack.currentIndex() == 0
    assert selected_names(window) == ["Ana"]


def test_undo_of_the_first_add_brings_back_the_welcome(qtbot: Any, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = open_dialog(qtbot, window, QuickAddDialog)
    qtbot.keyClicks(dialog.name, "Ana")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    wait_active(qtbot, window)
    assert window.contacts.stack.currentIndex() == 0
    qtbot.keyClick(window.contacts.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.contacts.stack.currentWidget() is window.contacts.welcome


def test_the_welcome_text_is_shown_whole(window: MainWindow) -> None:
    welcome = window.contacts.welcome
    text = next(label for label in welcome.findChildren(QLabel) if label.wordWrap())
    assert text.text().startswith("Keep the people you meet at work")
    assert text.isVisible()
    assert text.height() >= text.heightForWidth(text.width()), "every line has room"
