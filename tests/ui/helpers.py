"""Reading and driving the main window the way a person would."""

from __future__ import annotations

import sys
from typing import Any, TypeVar

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWidget

from ally_desktop.ui.contacts.editor import ContactEditor
from ally_desktop.ui.contacts.quick_add import QuickAddDialog
from ally_desktop.ui.main_window import MainWindow

W = TypeVar("W", bound=QWidget)

CTRL = Qt.KeyboardModifier.ControlModifier

# What Qt says when two actions of one window share a shortcut: it then runs neither.
AMBIGUOUS_SHORTCUT = r"^QAction::event: Ambiguous shortcut overload: "


def qt_drops_references() -> bool:
    """True when calls into Qt give back references to None and True they never took.

    Some PySide6 builds do so on Python versions whose None and True are not immortal
    (before 3.12): every ``emit()`` costs True a reference, every call of a method that
    returns nothing costs None one. After some thousands of calls the interpreter frees
    None or True and aborts. test_long_session.py shows it through Ally's window.
    """
    probe = QObject()
    before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(20):
        probe.setObjectName("probe")
        probe.objectNameChanged.emit("probe")
    after = sys.getrefcount(None), sys.getrefcount(True)
    return after[0] < before[0] or after[1] < before[1]


QT_DROPS_REFERENCES = qt_drops_references()


def open_dialog(qtbot: Any, parent: QWidget, kind: type[W]) -> W:
    """The one visible dialog of this class opened over ``parent`` (dialogs open non-blocking)."""
    found: list[W] = []

    def visible() -> bool:
        found[:] = [d for d in parent.findChildren(kind) if d.isVisible()]
        return bool(found)

    qtbot.waitUntil(visible, timeout=3000)
    assert len(found) == 1, f"expected one open {kind.__name__}, found {len(found)}"
    dialog = found[0]
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    return dialog


def is_open(parent: QWidget, kind: type[QWidget]) -> bool:
    return any(d.isVisible() for d in parent.findChildren(kind))


def shown_names(window: MainWindow) -> list[str]:
    model = window.contacts.model
    return [str(model.index(row, 0).data()) for row in range(model.rowCount())]


def selected_names(window: MainWindow) -> list[str]:
    model = window.contacts.model
    names = []
    for contact_id in window.contacts.selected_ids():
        row = model.row_of(contact_id)
        assert row is not None
        names.append(str(model.index(row, 0).data()))
    return names


def detail_text(window: MainWindow) -> str:
    return window.contacts.detail.toPlainText()


def select_rows(window: MainWindow, *rows: int) -> None:
    """Selects these rows of the list, as Ctrl+clicks would, and focuses the list."""
    table = window.contacts.table
    model = window.contacts.model
    selection = table.selectionModel()
    selection.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in rows:
        selection.select(model.index(row, 0), flags)
    if rows:
        selection.setCurrentIndex(
            model.index(rows[0], 0), QItemSelectionModel.SelectionFlag.NoUpdate
        )
    table.setFocus()


def click_row(qtbot: Any, window: MainWindow, row: int) -> None:
    """Clicks a row of the list (scrolling to it first)."""
    table = window.contacts.table
    index = window.contacts.model.index(row, 0)
    table.scrollTo(index)
    qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center()
    )


def wait_active(qtbot: Any, window: QWidget) -> None:
    """Gives ``window`` the keyboard back after a dialog over it closed.

    A window manager does this on a desktop; the offscreen platform has none.
    """
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)


def type_text(qtbot: Any, widget: QWidget, text: str) -> None:
    """Types ``text`` key by key; letters beyond ASCII arrive as a keyboard layout sends them."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def paste(qtbot: Any, widget: QWidget, text: str) -> None:
    """Puts ``text`` on the clipboard and pastes it with Ctrl+V."""
    QApplication.clipboard().setText(text)
    qtbot.keyClick(widget, Qt.Key.Key_V, CTRL)


def quick_add(qtbot: Any, window: MainWindow, name: str, *, pasted: bool = False) -> QuickAddDialog:
    """Ctrl+N, type (or paste) the name, Enter.

    Returns the dialog: closed when the person was added, still open when it shows an error.
    """
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    dialog = open_dialog(qtbot, window, QuickAddDialog)
    assert dialog.name.hasFocus()
    if pasted:
        paste(qtbot, dialog.name, name)
    else:
        type_text(qtbot, dialog.name, name)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    return dialog


def edit_selected(qtbot: Any, window: MainWindow) -> ContactEditor:
    """F2 on the selected row of the list."""
    window.contacts.table.setFocus()
    qtbot.keyClick(window.contacts.table, Qt.Key.Key_F2)
    return open_dialog(qtbot, window, ContactEditor)


def save(qtbot: Any, editor: ContactEditor) -> None:
    save_button = editor.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(save_button, Qt.MouseButton.LeftButton)


def replace_text(qtbot: Any, field: Any, text: str) -> None:
    """Selects everything in a line edit, deletes it and types ``text``."""
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    type_text(qtbot, field, text)
