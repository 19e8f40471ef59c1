"""The list works from the keyboard: find, move into the list, clear, open, delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ally_desktop.ui.contacts.editor import ContactEditor
from ally_desktop.ui.main_window import MainWindow
from tests.ui.helpers import (
    AMBIGUOUS_SHORTCUT,
    CTRL,
    is_open,
    open_dialog,
    select_rows,
    selected_names,
    shown_names,
)


@pytest.fixture
def window(add_person: Callable[..., int], make_window: Callable[[], MainWindow]) -> MainWindow:
    for given, family in (("Ana", "Ruiz"), ("Bo", "Chen"), ("Cy", "Diaz"), ("Bea", "Stone")):
        add_person(given, family)
    return make_window()


def search_for(qtbot: Any, window: MainWindow, text: str, expected: list[str]) -> None:
    window.contacts.search.setFocus()
    qtbot.keyClicks(window.contacts.search, text)
    qtbot.waitUntil(lambda: shown_names(window) == expected)


@pytest.mark.qt_log_ignore(AMBIGUOUS_SHORTCUT)
def test_ctrl_f_focuses_the_search(qtbot: Any, window: MainWindow) -> None:
    window.contacts.table.setFocus()
    qtbot.keyClick(window.contacts.table, Qt.Key.Key_F, CTRL)
    assert window.contacts.search.hasFocus()


def test_find_in_the_menu_focuses_the_search_and_selects_its_text(
    qtbot: Any, window: MainWindow
) -> None:
    search_for(qtbot, window, "bo", ["Bo Chen"])
    window.contacts.table.setFocus()
    window.find_action.trigger()
    assert window.contacts.search.hasFocus()
    assert window.contacts.search.selectedText() == "bo"
    qtbot.keyClicks(window.contacts.search, "cy")
    qtbot.waitUntil(lambda: shown_names(window) == ["Cy Diaz"])


def test_down_from_the_search_selects_the_first_row(qtbot: Any, window: MainWindow) -> None:
    search_for(qtbot, window, "b", ["Bea Stone", "Bo Chen"])
    assert window.contacts.selected_ids() == []
    qtbot.keyClick(window.contacts.search, Qt.Key.Key_Down)
    assert window.contacts.table.hasFocus()
    assert selected_names(window) == ["Bea Stone"]
    assert "Bea Stone" in window.contacts.detail.toPlainText()
    qtbot.keyClick(window.contacts.table, Qt.Key.Key_Down)
    assert selected_names(window) == ["Bo Chen"]


def test_down_from_the_search_keeps_a_selection_that_is_shown(
    qtbot: Any, window: MainWindow
) -> None:
    select_rows(window, 2)
    assert selected_names(window) == ["Bo Chen"]
    search_for(qtbot, window, "b", ["Bea Stone", "Bo Chen"])
    assert selected_names(window) == ["Bo Chen"], "the selection survives the search"
    qtbot.keyClick(window.contacts.search, Qt.Key.Key_Down)
    assert window.contacts.table.hasFocus()
    assert selected_names(window) == ["Bo Chen"]


def test_down_from_a_search_without_matches_stays_harmless(qtbot: Any, window: MainWindow) -> None:
    search_for(qtbot, window, "zzz", [])
    qtbot.keyClick(window.contacts.search, Qt.Key.Key_Down)
    assert window.contacts.selected_ids() == []


def test_escape_in_the_search_clears_it(qtbot: Any, window: MainWindow) -> None:
    search_for(qtbot, window, "cy", ["Cy Diaz"])
    qtbot.keyClick(window.contacts.search, Qt.Key.Key_Escape)
    assert window.contacts.search.text() == ""
    assert window.contacts.search.hasFocus()
    qtbot.waitUntil(lambda: len(shown_names(window)) == 4)
    qtbot.keyClick(window.contacts.search, Qt.Key.Key_Escape)  # already empty: nothing happens
    assert window.isVisible()
    assert len(shown_names(window)) == 4


def test_enter_on_the_selected_row_opens_the_editor(qtbot: Any, window: MainWindow) -> None:
    search_for(qtbot, window, "cy", ["Cy Diaz"])
    qtbot.keyClick(window.contacts.search, Qt.Key.Key_Down)
    qtbot.keyClick(window.contacts.table, Qt.Key.Key_Return)
    editor = open_dialog(qtbot, window, ContactEditor)
    assert editor.windowTitle() == "Edit Cy Diaz"
    assert editor.given_name.hasFocus()
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not editor.isVisible())


def test_keypad_enter_opens_the_editor_too(qtbot: Any, window: MainWindow) -> None:
    select_rows(window, 0)
    qtbot.keyClick(window.contacts.table, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert open_dialog(qtbot, window, ContactEditor).windowTitle() == "Edit Ana Ruiz"


def test_enter_with_several_rows_selected_opens_nothing(qtbot: Any, window: MainWindow) -> None:
    select_rows(window, 0, 1)
    qtbot.keyClick(window.contacts.table, Qt.Key.Key_Return)
    qtbot.keyClick(window.contacts.table, Qt.Key.Key_F2)
    QApplication.processEvents()
    assert not is_open(window, ContactEditor)


def test_f2_opens_the_editor_of_the_selected_person(qtbot: Any, window: MainWindow) -> None:
    select_rows(window, 3)
    qtbot.keyClick(window.contacts.table, Qt.Key.Key_F2)
    assert open_dialog(qtbot, window, ContactEditor).windowTitle() == "Edit Cy Diaz"


def test_arrow_keys_move_the_selection_and_the_profile_follows(
    qtbot: Any, window: MainWindow
) -> None:
    select_rows(window, 0)
    for expected in ("Bea Stone", "Bo Chen", "Cy Diaz", "Cy Diaz"):
        qtbot.keyClick(window.contacts.table, Qt.Key.Key_Down)
        assert selected_names(window) == [expected]
        assert expected in window.contacts.detail.toPlainText()
    qtbot.keyClick(window.contacts.table, Qt.Key.Key_Up)
    assert selected_names(window) == ["Bo Chen"]
    qtbot.keyClick(window.contacts.table, Qt.Key.Key_PageUp)
    assert selected_names(window) == ["Ana Ruiz"]
    qtbot.keyClick(window.contacts.table, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ShiftModifier)
    assert len(selected_names(window)) == 4
    assert window.contacts.detail.toPlainText().strip() == "4 people selected."
    select_rows(window, 1)
    qtbot.keyClick(window.contacts.table, Qt.Key.Key_A, CTRL)
    assert len(window.contacts.selected_ids()) == 4


def test_ctrl_1_to_5_switch_views(qtbot: Any, window: MainWindow) -> None:
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    actions = {a.text(): a for a in view_menu.actions()}
    names = ("Today", "Contacts", "Timeline", "Reminders", "Map")
    for number, name in enumerate(names, start=1):
        assert actions[name].shortcut().toString() == f"Ctrl+{number}"
        assert actions[name].isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_3, CTRL)
    assert window.views.currentWidget() is window.timeline_page()
    assert window.navigation.currentRow() == 2
    qtbot.keyClick(window, Qt.Key.Key_4, CTRL)
    assert window.views.currentWidget() is window.reminders_page()
    assert window.navigation.currentRow() == 3
    qtbot.keyClick(window, Qt.Key.Key_1, CTRL)
    assert window.views.currentWidget() is window.today_page()
    qtbot.keyClick(window, Qt.Key.Key_5, CTRL)
    assert window.views.currentWidget() is window.network_page()
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL)
    assert window.views.currentWidget() is window.contacts


def test_delete_in_the_search_box_edits_the_search_not_the_people(
    qtbot: Any, window: MainWindow
) -> None:
    select_rows(window, 0)
    search_for(qtbot, window, "bo", ["Bo Chen"])
    window.contacts.search.setCursorPosition(0)
    qtbot.keyClick(window.contacts.search, Qt.Key.Key_Delete)
    assert window.contacts.search.text() == "o"
    assert not window.undo_stack.canUndo(), "nobody was deleted"


def test_ctrl_z_in_the_search_box_undoes_typing_not_changes(qtbot: Any, window: MainWindow) -> None:
    select_rows(window, 0)
    qtbot.keyClick(window.contacts.table, Qt.Key.Key_Delete)
    assert window.undo_stack.canUndo()
    search_for(qtbot, window, "cy", ["Cy Diaz"])
    qtbot.keyClick(window.contacts.search, Qt.Key.Key_Z, CTRL)
    assert window.contacts.search.text() == ""
    assert window.undo_stack.canUndo(), "the deletion is still to undo"
    qtbot.waitUntil(lambda: len(shown_names(window)) == 3)
    assert "Ana Ruiz" not in shown_names(window)
