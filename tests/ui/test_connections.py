"""Connections between people: read from both sides in the profile, and followed by a click."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import peewee as pw
import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMessageBox, QPushButton

from ally_desktop.core.contacts import create_contact, load_contact, set_trashed, update_contact
from ally_desktop.core.records import ConnectionLink, ContactData
from ally_desktop.ui.contacts.detail import CONTACT_SCHEME
from ally_desktop.ui.contacts.editor import ContactEditor
from ally_desktop.ui.contacts.editor_rows import ConnectionRow
from ally_desktop.ui.main_window import MainWindow
from tests.ui.helpers import (
    click_row,
    detail_text,
    edit_selected,
    paste,
    save,
    selected_names,
    shown_names,
    wait_active,
)


@pytest.fixture
def org(db: pw.SqliteDatabase) -> dict[str, int]:
    """Bo manages Ana (Ana reports to Bo); Cy mentors Ana; Dee has no connection."""
    bo = create_contact(db, ContactData(given_name="Bo", family_name="Chen"))
    cy = create_contact(db, ContactData(given_name="Cy", family_name="Diaz"))
    ana = create_contact(
        db,
        ContactData(
            given_name="Ana",
            family_name="Ruiz",
            connections=[
                ConnectionLink(bo, "reports_to"),
                ConnectionLink(cy, "mentor_of", outgoing=False),
            ],
        ),
    )
    dee = create_contact(db, ContactData(given_name="Dee"))
    return {"ana": ana, "bo": bo, "cy": cy, "dee": dee}


@pytest.fixture
def window(make_window: Callable[[], MainWindow], org: dict[str, int]) -> MainWindow:
    return make_window()


def select(window: MainWindow, contact_id: int) -> None:
    window.contacts.show_contact(contact_id)


def test_each_side_reads_the_connection_its_own_way(
    window: MainWindow, org: dict[str, int]
) -> None:
    select(window, org["ana"])
    assert selected_names(window) == ["Ana Ruiz"]
    text = detail_text(window)
    assert "CONNECTIONS" in text
    assert "reports to Bo Chen" in text
    assert "is mentored by Cy Diaz" in text

    select(window, org["bo"])
    assert selected_names(window) == ["Bo Chen"]
    assert "manages Ana Ruiz" in detail_text(window)
    assert "reports to" not in detail_text(window)

    select(window, org["cy"])
    assert "is a mentor of Ana Ruiz" in detail_text(window)

    select(window, org["dee"])
    assert "CONNECTIONS" not in detail_text(window)


def test_following_a_link_selects_the_other_person(
    qtbot: Any, window: MainWindow, org: dict[str, int]
) -> None:
    select(window, org["ana"])
    window.contacts.detail.contactLinkActivated.emit(org["bo"])
    assert selected_names(window) == ["Bo Chen"]
    assert "manages Ana Ruiz" in detail_text(window)
    assert window.contacts.table.hasFocus()


def test_following_a_link_clears_a_search_that_hides_the_other(
    qtbot: Any, window: MainWindow, org: dict[str, int]
) -> None:
    page = window.contacts
    page.search.setFocus()
    qtbot.keyClicks(page.search, "ana")
    qtbot.waitUntil(lambda: shown_names(window) == ["Ana Ruiz"])
    click_row(qtbot, window, 0)
    assert "reports to Bo Chen" in detail_text(window)

    page.detail.contactLinkActivated.emit(org["bo"])
    assert page.search.text() == ""
    assert "Bo Chen" in shown_names(window)
    assert len(shown_names(window)) == 4
    assert selected_names(window) == ["Bo Chen"]


def test_following_a_link_to_an_archived_person_shows_the_archived(
    window: MainWindow, org: dict[str, int], db: pw.SqliteDatabase
) -> None:
    data = load_contact(db, org["bo"]).data
    data.archived = True
    update_contact(db, org["bo"], data)
    window.contacts.model.reload()
    assert "Bo Chen  (archived)" not in shown_names(window)
    select(window, org["ana"])
    window.contacts.detail.contactLinkActivated.emit(org["bo"])
    assert window.contacts.archived_filter.isChecked()
    assert selected_names(window) == ["Bo Chen  (archived)"]
    assert "Archived" in detail_text(window)


def anchor_point(window: MainWindow, contact_id: int) -> QPoint:
    """Where on screen the profile shows the link to this person."""
    detail = window.contacts.detail
    document = detail.document()
    href = f"{CONTACT_SCHEME}:{contact_id}"
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            if fragment.charFormat().anchorHref() == href:
                cursor = QTextCursor(document)
                cursor.setPosition(fragment.position() + fragment.length() // 2)
                return detail.cursorRect(cursor).center()
            iterator += 1
        block = block.next()
    raise AssertionError(f"no link to {href} in the profile")


def test_clicking_the_link_in_the_profile_selects_the_other_person(
    qtbot: Any, window: MainWindow, org: dict[str, int]
) -> None:
    select(window, org["ana"])
    detail = window.contacts.detail
    point = anchor_point(window, org["bo"])
    with qtbot.waitSignal(detail.contactLinkActivated) as activated:
        qtbot.mouseClick(detail.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert activated.args == [org["bo"]]
    assert selected_names(window) == ["Bo Chen"]


def test_an_anchor_url_names_the_person(
    qtbot: Any, window: MainWindow, org: dict[str, int]
) -> None:
    select(window, org["ana"])
    with qtbot.waitSignal(window.contacts.detail.contactLinkActivated) as activated:
        window.contacts.detail.anchorClicked.emit(QUrl(f"{CONTACT_SCHEME}:{org['cy']}"))
    assert activated.args == [org["cy"]]
    assert selected_names(window) == ["Cy Diaz"]


def test_a_person_in_the_trash_disappears_from_the_profile(
    window: MainWindow, org: dict[str, int], db: pw.SqliteDatabase
) -> None:
    select(window, org["bo"])
    window.editing.set_trashed([org["ana"]], True, "Ana Ruiz")
    select(window, org["bo"])
    assert "Ana Ruiz" not in detail_text(window)
    window.undo_action.trigger()
    select(window, org["bo"])
    assert "manages Ana Ruiz" in detail_text(window)


def test_editing_keeps_connections_to_people_in_the_trash(
    qtbot: Any, window: MainWindow, org: dict[str, int], db: pw.SqliteDatabase
) -> None:
    set_trashed(db, [org["bo"]], True)
    window.contacts.model.reload()
    select(window, org["ana"])
    editor = edit_selected(qtbot, window)
    editor.organization.setFocus()
    paste(qtbot, editor.organization, "Globex")
    save(qtbot, editor)
    qtbot.waitUntil(lambda: not editor.isVisible())
    links = load_contact(db, org["ana"]).data.connections
    assert {(link.other_id, link.kind) for link in links} == {
        (org["bo"], "reports_to"),
        (org["cy"], "mentor_of"),
    }
    set_trashed(db, [org["bo"]], False)
    select(window, org["ana"])
    assert "reports to Bo Chen" in detail_text(window)


def test_a_renamed_person_is_renamed_in_the_other_profile(
    qtbot: Any, window: MainWindow, org: dict[str, int]
) -> None:
    select(window, org["bo"])
    editor = edit_selected(qtbot, window)
    editor.given_name.selectAll()
    qtbot.keyClicks(editor.given_name, "Robert")
    save(qtbot, editor)
    qtbot.waitUntil(lambda: not editor.isVisible())
    wait_active(qtbot, window)
    select(window, org["ana"])
    assert "reports to Robert Chen" in detail_text(window)


def test_an_unchanged_profile_with_a_trashed_connection_closes_without_asking(
    qtbot: Any,
    window: MainWindow,
    org: dict[str, int],
    db: pw.SqliteDatabase,
    answer: Callable[..., list[str]],
) -> None:
    asked = answer(QMessageBox.StandardButton.Discard)
    set_trashed(db, [org["cy"]], True)
    select(window, org["ana"])
    editor = edit_selected(qtbot, window)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert asked == []
    assert not editor.isVisible()


def connection_rows(editor: ContactEditor) -> list[ConnectionRow]:
    rows = editor.connections.editors()
    assert all(isinstance(row, ConnectionRow) for row in rows)
    return [row for row in rows if isinstance(row, ConnectionRow)]


def test_the_editor_shows_each_connection_as_stored(
    qtbot: Any, window: MainWindow, org: dict[str, int], db: pw.SqliteDatabase
) -> None:
    select(window, org["ana"])
    editor = edit_selected(qtbot, window)
    shown = sorted((row.kind.currentText(), row.person.text()) for row in connection_rows(editor))
    assert shown == [("is mentored by", "Cy Diaz"), ("reports to", "Bo Chen")]
    before = load_contact(db, org["ana"]).data.connections
    save(qtbot, editor)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert load_contact(db, org["ana"]).data.connections == before


def test_a_connection_added_in_the_editor(
    qtbot: Any, window: MainWindow, org: dict[str, int], db: pw.SqliteDatabase
) -> None:
    select(window, org["dee"])
    editor = edit_selected(qtbot, window)
    editor.tabs.setCurrentIndex(4)
    button = next(b for b in editor.findChildren(QPushButton) if b.text() == "Add connection")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    row = connection_rows(editor)[-1]
    row.kind.setCurrentIndex(row.kind.findText("manages"))
    assert row.person.hasFocus()
    qtbot.keyClicks(row.person, "an")
    popup = row.person.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    assert popup.model().index(0, 0).data() == "Ana Ruiz"
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert row.person.text() == "Ana Ruiz"
    save(qtbot, editor)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert "manages Ana Ruiz" in detail_text(window)
    select(window, org["ana"])
    assert "reports to Dee" in detail_text(window)


def test_a_name_not_picked_from_the_suggestions_is_explained(
    qtbot: Any, window: MainWindow, org: dict[str, int], db: pw.SqliteDatabase
) -> None:
    select(window, org["dee"])
    editor = edit_selected(qtbot, window)
    row = editor.connections.add_row(None)
    assert isinstance(row, ConnectionRow)
    row.person.setFocus()
    qtbot.keyClicks(row.person, "Zed Nobody")
    save(qtbot, editor)
    assert editor.error_banner.isVisible()
    assert "Pick “Zed Nobody” from the suggestions" in editor.error_banner.text()
    assert editor.tabs.currentIndex() == 4
    assert load_contact(db, org["dee"]).data.connections == []
