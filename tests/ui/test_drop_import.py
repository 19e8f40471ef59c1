"""A contacts file dropped on the window opens the import dialog; anything else is refused
while it is still being dragged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import peewee as pw
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from ally_desktop.core.contact_queries import count_contacts
from ally_desktop.core.formats.common import Format
from ally_desktop.ui.main_window import MainWindow
from ally_desktop.ui.transfer.import_dialog import ImportDialog
from tests.ui.helpers import is_open, open_dialog
from tests.ui.transfer_helpers import click_next

AT = QPoint(300, 300)


def files(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def drag_enter(window: MainWindow, mime: QMimeData) -> bool:
    event = QDragEnterEvent(
        AT,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    event.ignore()
    QApplication.sendEvent(window, event)
    return event.isAccepted()


def drop(window: MainWindow, mime: QMimeData) -> bool:
    event = QDropEvent(
        QPointF(AT),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    event.ignore()
    QApplication.sendEvent(window, event)
    return event.isAccepted()


def test_dropping_a_csv_opens_the_import_dialog_on_it(
    qtbot: Any, db: pw.SqliteDatabase, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "from-crm.csv"
    path.write_text("Full name,E-mail\nAna Lima,ana@example.org\n", encoding="utf-8")
    assert drag_enter(window, files(path))
    assert drop(window, files(path))
    dialog = open_dialog(qtbot, window, ImportDialog)
    assert dialog.file_page.path == path
    assert dialog.file_page.chosen_format() is Format.GENERIC
    click_next(qtbot, dialog)
    click_next(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    assert count_contacts(db) == 1


def test_a_dropped_vcard_with_a_capital_suffix_is_taken(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "Ana.VCF"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana\r\nEND:VCARD\r\n", encoding="utf-8")
    assert drag_enter(window, files(path))
    assert drop(window, files(path))
    dialog = open_dialog(qtbot, window, ImportDialog)
    assert dialog.file_page.chosen_format() is Format.VCARD
    dialog.reject()


def test_anything_else_is_refused(qtbot: Any, window: MainWindow, tmp_path: Path) -> None:
    picture = tmp_path / "photo.png"
    picture.write_bytes(b"\x89PNG\r\n")
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    for path in (first, second):
        path.write_text("Name\nAna\n", encoding="utf-8")
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    web = QMimeData()
    web.setUrls([QUrl("https://example.org/contacts.csv")])
    text = QMimeData()
    text.setText("Ana Lima, ana@example.org")
    for mime in (
        files(picture),
        files(first, second),
        files(folder),
        files(tmp_path / "gone.csv"),
        web,
        text,
    ):
        assert not drag_enter(window, mime)
        assert not drop(window, mime)
    qtbot.wait(20)
    assert not is_open(window, ImportDialog)
