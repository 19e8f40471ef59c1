"""Adding, editing, deleting, undoing and restoring people through the window, as a person would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import peewee as pw
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from ally_desktop.core.contact_queries import count_contacts
from ally_desktop.core.contacts import ContactNotFoundError, load_contact
from ally_desktop.core.records import Closeness, ContactData
from ally_desktop.ui.contacts.editor import ContactEditor
from ally_desktop.ui.contacts.editor_rows import LabeledValueRow
from ally_desktop.ui.contacts.quick_add import QuickAddDialog
from ally_desktop.ui.contacts.trash import TrashDialog
from ally_desktop.ui.main_window import MainWindow
from tests.ui.helpers import (
    AMBIGUOUS_SHORTCUT,
    CTRL,
    click_row,
    detail_text,
    edit_selected,
    is_open,
    open_dialog,
    quick_add,
    replace_text,
    save,
    select_rows,
    selected_names,
    shown_names,
    type_text,
    wait_active,
)

Yes = QMessageBox.StandardButton.Yes
Cancel = QMessageBox.StandardButton.Cancel
Discard = QMessageBox.StandardButton.Discard


@pytest.fixture
def three(add_person: Callable[..., int], make_window: Callable[[], MainWindow]) -> MainWindow:
    """A window over Ana Ruiz, Bo Chen and Cy Diaz (in that order)."""
    add_person("Ana", "Ruiz", organization="Northwind")
    add_person("Bo", "Chen", organization="Contoso")
    add_person("Cy", "Diaz", organization="Fabrikam")
    return make_window()


def add_email(qtbot: Any, editor: ContactEditor, address: str) -> None:
    editor.tabs.setCurrentIndex(2)
    button = next(b for b in editor.findChildren(QPushButton) if b.text() == "Add email")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    row = editor.emails.editors()[-1]
    assert isinstance(row, LabeledValueRow)
    assert row.value_edit.hasFocus()
    qtbot.keyClicks(row.value_edit, address)


def undo(qtbot: Any, window: MainWindow) -> None:
    qtbot.keyClick(window.contacts.table, Qt.Key.Key_Z, CTRL)


def redo(window: MainWindow) -> None:
    """Edit > Redo (its keyboard shortcuts are checked on their own, below)."""
    window.redo_action.trigger()


# --- quick add -----------------------------------------------------------------------
def test_ctrl_n_adds_a_person_who_is_then_selected_and_shown(
    qtbot: Any, three: MainWindow, db: pw.SqliteDatabase
) -> None:
    window = three
    dialog = quick_add(qtbot, window, "Dana Okafor")
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.result() == QuickAddDialog.DialogCode.Accepted
    assert "Dana Okafor" in shown_names(window)
    assert selected_names(window) == ["Dana Okafor"]
    assert "Dana Okafor" in detail_text(window)
    assert window.contacts.count_label.text() == "4 people"
    assert count_contacts(db) == 4
    record = load_contact(db, window.contacts.selected_ids()[0])
    assert (record.data.given_name, record.data.family_name) == ("Dana", "Okafor")
    assert window.undo_action.text() == "&Undo Add Dana Okafor"


def test_quick_add_keeps_where_you_met_and_what_they_know(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase
) -> None:
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    dialog = open_dialog(qtbot, window, QuickAddDialog)
    type_text(qtbot, dialog.name, "  Ana   María Ruiz ")
    qtbot.keyClicks(dialog.met_how, "Onboarding week")
    qtbot.keyClicks(dialog.topics, "pricing, contract law")
    qtbot.keyClick(dialog.met_how, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    data = load_contact(db, window.contacts.selected_ids()[0]).data
    assert (data.given_name, data.family_name) == ("Ana", "María Ruiz")
    assert data.met_how == "Onboarding week"
    assert data.topics == ["pricing", "contract law"]
    text = detail_text(window)
    assert "Ana María Ruiz" in text
    assert "Onboarding week" in text
    assert "pricing" in text


def test_quick_add_without_a_name_explains_and_stores_nothing(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase
) -> None:
    dialog = quick_add(qtbot, window, "   ")
    assert dialog.isVisible()
    assert dialog.error.isVisible()
    assert "name is needed" in dialog.error.text()
    assert count_contacts(db) == 0
    qtbot.keyClicks(dialog.name, "Bo")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert count_contacts(db) == 1


def test_escape_closes_quick_add_without_storing(
    qtbot: Any, three: MainWindow, db: pw.SqliteDatabase
) -> None:
    qtbot.keyClick(three, Qt.Key.Key_N, CTRL)
    dialog = open_dialog(qtbot, three, QuickAddDialog)
    qtbot.keyClicks(dialog.name, "Nobody")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert count_contacts(db) == 3
    assert not three.undo_stack.canUndo()


def test_more_details_carries_the_quick_add_into_the_editor(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase
) -> None:
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    dialog = open_dialog(qtbot, window, QuickAddDialog)
    qtbot.keyClicks(dialog.name, "Ana Ruiz")
    qtbot.keyClicks(dialog.met_how, "Offsite")
    qtbot.mouseClick(dialog.more_button, Qt.MouseButton.LeftButton)
    editor = open_dialog(qtbot, window, ContactEditor)
    assert not dialog.isVisible()
    assert editor.windowTitle() == "New person"
    assert (editor.given_name.text(), editor.family_name.text()) == ("Ana", "Ruiz")
    assert editor.met_how.text() == "Offsite"
    assert count_contacts(db) == 0
    qtbot.keyClicks(editor.organization, "Globex")
    qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert shown_names(window) == ["Ana Ruiz"]
    assert load_contact(db, window.contacts.selected_ids()[0]).data.organization == "Globex"


def test_new_person_with_details(qtbot: Any, three: MainWindow, db: pw.SqliteDatabase) -> None:
    qtbot.keyClick(three, Qt.Key.Key_N, CTRL | Qt.KeyboardModifier.ShiftModifier)
    editor = open_dialog(qtbot, three, ContactEditor)
    assert editor.given_name.hasFocus()
    qtbot.keyClicks(editor.given_name, "Eve")
    type_text(qtbot, editor.family_name, "Novák")
    add_email(qtbot, editor, "eve@example.com")
    save(qtbot, editor)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert selected_names(three) == ["Eve Novák"]
    assert "eve@example.com" in detail_text(three)


# --- search ---------------------------------------------------------------------------
def test_search_as_you_type_finds_the_new_person_and_hides_others(
    qtbot: Any, three: MainWindow
) -> None:
    window = three
    dialog = quick_add(qtbot, window, "Zelda Fitzgerald")
    qtbot.waitUntil(lambda: not dialog.isVisible())
    wait_active(qtbot, window)
    window.contacts.search.setFocus()
    qtbot.keyClicks(window.contacts.search, "zel")
    qtbot.waitUntil(lambda: shown_names(window) == ["Zelda Fitzgerald"])
    assert window.contacts.count_label.text() == "1 person"
    qtbot.keyClicks(window.contacts.search, "x")
    qtbot.waitUntil(lambda: shown_names(window) == [])
    assert window.contacts.count_label.text() == "0 people"
    assert window.contacts.stack.currentIndex() == 0, "no match is not an empty network"
    qtbot.keyClick(window.contacts.search, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: shown_names(window) == ["Zelda Fitzgerald"])
    window.contacts.search.clear()
    qtbot.waitUntil(lambda: len(shown_names(window)) == 4)


def test_search_looks_at_organizations_too(qtbot: Any, three: MainWindow) -> None:
    three.contacts.search.setFocus()
    qtbot.keyClicks(three.contacts.search, "contoso")
    qtbot.waitUntil(lambda: shown_names(three) == ["Bo Chen"])


# --- the editor --------------------------------------------------------------------------
def test_f2_edits_the_selected_person_and_the_list_and_profile_follow(
    qtbot: Any, three: MainWindow, db: pw.SqliteDatabase
) -> None:
    window = three
    click_row(qtbot, window, 1)
    assert selected_names(window) == ["Bo Chen"]
    editor = edit_selected(qtbot, window)
    assert editor.windowTitle() == "Edit Bo Chen"
    assert editor.organization.text() == "Contoso"
    replace_text(qtbot, editor.organization, "Initech")
    add_email(qtbot, editor, "bo@initech.example")
    save(qtbot, editor)
    qtbot.waitUntil(lambda: not editor.isVisible())

    assert selected_names(window) == ["Bo Chen"]
    row = window.contacts.model.row_of(window.contacts.selected_ids()[0])
    assert row is not None
    assert window.contacts.model.index(row, 1).data() == "Initech"
    assert window.contacts.model.index(row, 8).data() == "bo@initech.example"
    text = detail_text(window)
    assert "Initech" in text
    assert "Contoso" not in text
    assert "bo@initech.example" in text
    data = load_contact(db, window.contacts.selected_ids()[0]).data
    assert data.organization == "Initech"
    assert [e.value for e in data.emails] == ["bo@initech.example"]
    assert window.undo_action.text() == "&Undo Edit Bo Chen"


def test_double_click_opens_the_editor(qtbot: Any, three: MainWindow) -> None:
    table = three.contacts.table
    where = table.visualRect(three.contacts.model.index(2, 0)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    editor = open_dialog(qtbot, three, ContactEditor)
    assert editor.windowTitle() == "Edit Cy Diaz"


def test_an_invalid_email_is_explained_and_nothing_is_stored(
    qtbot: Any, three: MainWindow, db: pw.SqliteDatabase
) -> None:
    click_row(qtbot, three, 0)
    contact_id = three.contacts.selected_ids()[0]
    before = load_contact(db, contact_id)
    editor = edit_selected(qtbot, three)
    replace_text(qtbot, editor.organization, "Hooli")
    add_email(qtbot, editor, "ana@@example")
    editor.tabs.setCurrentIndex(0)
    save(qtbot, editor)
    assert editor.isVisible()
    assert editor.error_banner.isVisible()
    assert "ana@@example" in editor.error_banner.text()
    assert "not a valid email" in editor.error_banner.text()
    assert editor.tabs.currentIndex() == 2, "the tab with the problem is shown"
    assert load_contact(db, contact_id) == before
    assert not three.undo_stack.canUndo()

    row = editor.emails.editors()[0]
    assert isinstance(row, LabeledValueRow)
    replace_text(qtbot, row.value_edit, "ana@example.com")
    save(qtbot, editor)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert load_contact(db, contact_id).data.organization == "Hooli"


def test_an_empty_name_is_refused(qtbot: Any, three: MainWindow, db: pw.SqliteDatabase) -> None:
    click_row(qtbot, three, 2)
    contact_id = three.contacts.selected_ids()[0]
    editor = edit_selected(qtbot, three)
    replace_text(qtbot, editor.given_name, "")
    replace_text(qtbot, editor.family_name, "  ")
    qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)
    assert editor.isVisible()
    assert editor.error_banner.isVisible()
    assert "A name is needed" in editor.error_banner.text()
    assert editor.given_name.hasFocus()
    assert load_contact(db, contact_id).name == "Cy Diaz"


def test_an_impossible_date_met_is_refused(
    qtbot: Any, three: MainWindow, db: pw.SqliteDatabase
) -> None:
    click_row(qtbot, three, 0)
    contact_id = three.contacts.selected_ids()[0]
    editor = edit_selected(qtbot, three)
    replace_text(qtbot, editor.met_how, "At the offsite")
    replace_text(qtbot, editor.met_on, "2023-02-30")
    save(qtbot, editor)
    assert editor.isVisible()
    assert editor.error_banner.isVisible()
    assert "2023-02-30" in editor.error_banner.text()
    assert editor.met_on.hasFocus()
    data = load_contact(db, contact_id).data
    assert (data.met_how, data.met_on) == ("", None)

    replace_text(qtbot, editor.met_on, "2024-02-29")
    save(qtbot, editor)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert load_contact(db, contact_id).data.met_on.isoformat() == "2024-02-29"
    assert "29 February 2024" in detail_text(three)


def test_several_problems_are_listed_together(qtbot: Any, three: MainWindow) -> None:
    click_row(qtbot, three, 0)
    editor = edit_selected(qtbot, three)
    replace_text(qtbot, editor.given_name, "")
    replace_text(qtbot, editor.family_name, "")
    add_email(qtbot, editor, "not-an-email")
    save(qtbot, editor)
    lines = editor.error_banner.text().splitlines()
    assert len(lines) == 2
    assert all(line.startswith("• ") for line in lines)


def test_closing_an_unchanged_editor_asks_nothing(
    qtbot: Any, three: MainWindow, answer: Callable[..., list[str]]
) -> None:
    asked = answer(Cancel)
    click_row(qtbot, three, 0)
    editor = edit_selected(qtbot, three)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert asked == []


def test_closing_a_changed_editor_asks_before_discarding(
    qtbot: Any, three: MainWindow, db: pw.SqliteDatabase, answer: Callable[..., list[str]]
) -> None:
    click_row(qtbot, three, 0)
    contact_id = three.contacts.selected_ids()[0]
    editor = edit_selected(qtbot, three)
    replace_text(qtbot, editor.organization, "Changed Inc")

    asked = answer(Cancel)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert asked == ["You have changes that are not saved. Discard them?"]
    assert editor.isVisible(), "Cancel keeps editing"
    assert editor.organization.text() == "Changed Inc"

    answer(Discard)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert load_contact(db, contact_id).data.organization == "Northwind"
    assert not three.undo_stack.canUndo()


def test_saving_without_a_change_records_nothing_to_undo(qtbot: Any, three: MainWindow) -> None:
    click_row(qtbot, three, 0)
    editor = edit_selected(qtbot, three)
    save(qtbot, editor)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert not three.undo_stack.canUndo()


def test_edit_is_only_offered_for_one_person(three: MainWindow) -> None:
    select_rows(three)
    assert not three.edit_action.isEnabled()
    assert not three.delete_action.isEnabled()
    select_rows(three, 0)
    assert three.edit_action.isEnabled()
    select_rows(three, 0, 2)
    assert not three.edit_action.isEnabled()
    assert three.delete_action.isEnabled()
    assert detail_text(three).strip() == "2 people selected."


# --- delete, undo, redo ---------------------------------------------------------------------
def test_delete_key_moves_to_trash_and_undo_redo_follow(
    qtbot: Any, three: MainWindow, db: pw.SqliteDatabase
) -> None:
    window = three
    click_row(qtbot, window, 1)
    bo = window.contacts.selected_ids()[0]
    qtbot.keyClick(window.contacts.table, Qt.Key.Key_Delete)
    assert shown_names(window) == ["Ana Ruiz", "Cy Diaz"]
    assert selected_names(window) == ["Cy Diaz"], "the next person is selected"
    assert count_contacts(db, trashed=True) == 1
    assert load_contact(db, bo).trashed_at is not None
    assert window.undo_action.text() == "&Undo Delete Bo Chen"
    assert "Undo with Ctrl+Z" in window.statusBar().currentMessage()

    undo(qtbot, window)
    assert shown_names(window) == ["Ana Ruiz", "Bo Chen", "Cy Diaz"]
    assert selected_names(window) == ["Bo Chen"]
    assert "Bo Chen" in detail_text(window)
    assert count_contacts(db, trashed=True) == 0

    redo(window)
    assert shown_names(window) == ["Ana Ruiz", "Cy Diaz"]
    assert count_contacts(db, trashed=True) == 1
    window.undo_action.trigger()
    assert shown_names(window) == ["Ana Ruiz", "Bo Chen", "Cy Diaz"]


@pytest.mark.qt_log_ignore(AMBIGUOUS_SHORTCUT)
@pytest.mark.parametrize(
    "keys",
    [
        (Qt.Key.Key_Y, CTRL),
        (Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier),
    ],
    ids=["Ctrl+Y", "Ctrl+Shift+Z"],
)
def test_redo_from_the_keyboard(qtbot: Any, three: MainWindow, keys: tuple[Qt.Key, Any]) -> None:
    click_row(qtbot, three, 1)
    qtbot.keyClick(three.contacts.table, Qt.Key.Key_Delete)
    undo(qtbot, three)
    assert shown_names(three) == ["Ana Ruiz", "Bo Chen", "Cy Diaz"]
    qtbot.keyClick(three.contacts.table, *keys)
    assert shown_names(three) == ["Ana Ruiz", "Cy Diaz"]


def test_deleting_the_last_row_selects_the_new_last_row(qtbot: Any, three: MainWindow) -> None:
    click_row(qtbot, three, 2)
    qtbot.keyClick(three.contacts.table, Qt.Key.Key_Delete)
    assert selected_names(three) == ["Bo Chen"]


def test_deleting_three_people_is_undone_in_one_step(
    qtbot: Any,
    add_person: Callable[..., int],
    make_window: Callable[[], MainWindow],
    db: pw.SqliteDatabase,
) -> None:
    for given in ("Ana", "Bo", "Cy", "Dee", "Eli"):
        add_person(given)
    window = make_window()
    select_rows(window, 0, 2, 4)
    assert selected_names(window) == ["Ana", "Cy", "Eli"]
    assert "3 people selected" in detail_text(window)
    qtbot.keyClick(window.contacts.table, Qt.Key.Key_Delete)
    assert shown_names(window) == ["Bo", "Dee"]
    assert count_contacts(db, trashed=True) == 3
    assert window.undo_action.text() == "&Undo Delete 3 people"

    undo(qtbot, window)
    assert shown_names(window) == ["Ana", "Bo", "Cy", "Dee", "Eli"]
    assert count_contacts(db, trashed=True) == 0
    assert not window.undo_stack.canUndo()
    redo(window)
    assert shown_names(window) == ["Bo", "Dee"]


def test_undo_of_an_add_removes_the_person_and_redo_brings_them_back(
    qtbot: Any, three: MainWindow, db: pw.SqliteDatabase
) -> None:
    window = three
    dialog = quick_add(qtbot, window, "Dana Okafor")
    qtbot.waitUntil(lambda: not dialog.isVisible())
    wait_active(qtbot, window)
    dana = window.contacts.selected_ids()[0]
    undo(qtbot, window)
    assert "Dana Okafor" not in shown_names(window)
    assert count_contacts(db) == 3
    assert count_contacts(db, trashed=True) == 0, "an undone add leaves nothing in the trash"
    with pytest.raises(ContactNotFoundError):
        load_contact(db, dana)
    redo(window)
    assert selected_names(window) == ["Dana Okafor"]
    assert load_contact(db, dana).name == "Dana Okafor", "the same person, the same id"


def test_undo_of_an_edit_restores_the_old_organization(
    qtbot: Any, three: MainWindow, db: pw.SqliteDatabase
) -> None:
    window = three
    click_row(qtbot, window, 0)
    ana = window.contacts.selected_ids()[0]
    editor = edit_selected(qtbot, window)
    replace_text(qtbot, editor.organization, "Umbrella Health")
    save(qtbot, editor)
    qtbot.waitUntil(lambda: not editor.isVisible())
    wait_active(qtbot, window)
    assert load_contact(db, ana).data.organization == "Umbrella Health"

    undo(qtbot, window)
    assert load_contact(db, ana).data.organization == "Northwind"
    assert window.contacts.model.index(0, 1).data() == "Northwind"
    assert "Northwind" in detail_text(window)
    redo(window)
    assert load_contact(db, ana).data.organization == "Umbrella Health"
    assert "Umbrella Health" in detail_text(window)


# --- the trash ----------------------------------------------------------------------------
def open_trash(qtbot: Any, window: MainWindow) -> TrashDialog:
    window.show_trash()
    return open_dialog(qtbot, window, TrashDialog)


def trash_names(trash: TrashDialog) -> list[str]:
    return [str(trash.model.index(r, 0).data()) for r in range(trash.model.rowCount())]


def test_the_trash_restores_the_selected_person(
    qtbot: Any, three: MainWindow, db: pw.SqliteDatabase
) -> None:
    window = three
    select_rows(window, 0, 1)
    qtbot.keyClick(window.contacts.table, Qt.Key.Key_Delete)
    trash = open_trash(qtbot, window)
    assert sorted(trash_names(trash)) == ["Ana Ruiz", "Bo Chen"]
    assert trash.summary.text() == "2 people in the trash."
    assert not trash.restore_button.isEnabled()
    trash.table.selectRow(trash_names(trash).index("Bo Chen"))
    assert trash.restore_button.isEnabled()
    qtbot.mouseClick(trash.restore_button, Qt.MouseButton.LeftButton)

    assert trash_names(trash) == ["Ana Ruiz"]
    assert trash.summary.text() == "1 person in the trash."
    assert shown_names(window) == ["Bo Chen", "Cy Diaz"]
    assert selected_names(window) == ["Bo Chen"]
    assert count_contacts(db, trashed=True) == 1
    assert window.undo_action.text() == "&Undo Restore Bo Chen"
    window.undo_action.trigger()
    assert sorted(trash_names(trash)) == ["Ana Ruiz", "Bo Chen"]
    assert shown_names(window) == ["Cy Diaz"]


def test_delete_for_good_asks_then_removes_from_the_database(
    qtbot: Any, three: MainWindow, db: pw.SqliteDatabase, answer: Callable[..., list[str]]
) -> None:
    window = three
    click_row(qtbot, window, 1)
    bo = window.contacts.selected_ids()[0]
    qtbot.keyClick(window.contacts.table, Qt.Key.Key_Delete)
    trash = open_trash(qtbot, window)
    trash.table.selectRow(0)

    asked = answer(Cancel)
    qtbot.mouseClick(trash.delete_button, Qt.MouseButton.LeftButton)
    assert asked == ["Delete Bo Chen for good? This cannot be undone."]
    assert count_contacts(db, trashed=True) == 1

    answer(Yes)
    trash.table.selectRow(0)
    qtbot.mouseClick(trash.delete_button, Qt.MouseButton.LeftButton)
    assert count_contacts(db, trashed=True) == 0
    assert count_contacts(db) == 2
    with pytest.raises(ContactNotFoundError):
        load_contact(db, bo)
    assert trash_names(trash) == []
    assert trash.summary.text() == "The trash is empty."
    assert not trash.empty_button.isEnabled()
    assert shown_names(window) == ["Ana Ruiz", "Cy Diaz"]


def test_empty_trash_deletes_everyone_in_it_for_good(
    qtbot: Any, three: MainWindow, db: pw.SqliteDatabase, answer: Callable[..., list[str]]
) -> None:
    window = three
    select_rows(window, 0, 2)
    qtbot.keyClick(window.contacts.table, Qt.Key.Key_Delete)
    trash = open_trash(qtbot, window)
    assert trash.empty_button.isEnabled()
    asked = answer(Yes)
    qtbot.mouseClick(trash.empty_button, Qt.MouseButton.LeftButton)
    assert asked == ["Delete all 2 people in the trash for good? This cannot be undone."]
    assert count_contacts(db, trashed=True) == 0
    assert count_contacts(db) == 1
    assert trash_names(trash) == []
    assert shown_names(window) == ["Bo Chen"]


def test_closing_the_trash(qtbot: Any, three: MainWindow) -> None:
    trash = open_trash(qtbot, three)
    assert trash.summary.text() == "The trash is empty."
    assert not trash.empty_button.isEnabled()
    qtbot.keyClick(trash, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not is_open(three, TrashDialog))


def test_undo_after_delete_for_good_offers_nothing_about_that_person(
    qtbot: Any, three: MainWindow, db: pw.SqliteDatabase, answer: Callable[..., list[str]]
) -> None:
    window = three
    click_row(qtbot, window, 1)
    editor = edit_selected(qtbot, window)
    replace_text(qtbot, editor.organization, "Initech")
    save(qtbot, editor)
    qtbot.waitUntil(lambda: not editor.isVisible())
    wait_active(qtbot, window)
    qtbot.keyClick(window.contacts.table, Qt.Key.Key_Delete)
    trash = open_trash(qtbot, window)
    trash.table.selectRow(0)
    asked = answer(Yes)
    qtbot.mouseClick(trash.delete_button, Qt.MouseButton.LeftButton)
    assert count_contacts(db, trashed=True) == 0
    asked.clear()

    assert "Bo Chen" not in window.undo_action.text()
    while window.undo_stack.canUndo():
        window.undo_action.trigger()
    assert asked == [], "no error box"
    assert not window.contacts.archived_filter.isChecked()


# --- filters ----------------------------------------------------------------------------
def choose(combo: Any, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, f"{text!r} is not offered"
    combo.setCurrentIndex(index)


def offered(combo: Any) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def test_the_filters_offer_what_is_stored_and_filter_the_list(
    add_person: Callable[..., int], make_window: Callable[[], MainWindow]
) -> None:
    add_person("Ana", "Ruiz", organization="Northwind", tags=["mentor"])
    add_person("Bo", "Chen", organization="Contoso", tags=["vendor", "mentor"])
    add_person("Cy", "Diaz", organization="Contoso", closeness=Closeness.INNER_CIRCLE)
    window = make_window()
    page = window.contacts
    assert offered(page.organization_filter) == ["All organizations", "Contoso", "Northwind"]
    assert offered(page.tag_filter) == ["All tags", "mentor", "vendor"]
    choose(page.organization_filter, "Contoso")
    assert shown_names(window) == ["Bo Chen", "Cy Diaz"]
    choose(page.tag_filter, "mentor")
    assert shown_names(window) == ["Bo Chen"]
    choose(page.organization_filter, "All organizations")
    assert shown_names(window) == ["Ana Ruiz", "Bo Chen"]
    choose(page.tag_filter, "All tags")
    choose(page.closeness_filter, "Inner circle")
    assert shown_names(window) == ["Cy Diaz"]
    assert page.count_label.text() == "1 person"


def test_a_new_organization_joins_the_filter_and_the_choice_is_kept(
    qtbot: Any, add_person: Callable[..., int], make_window: Callable[[], MainWindow]
) -> None:
    add_person("Ana", "Ruiz", organization="Northwind")
    add_person("Bo", "Chen", organization="Contoso")
    window = make_window()
    page = window.contacts
    choose(page.organization_filter, "Northwind")
    select_rows(window, 0)
    editor = edit_selected(qtbot, window)
    qtbot.keyClicks(editor.team, "Pricing")
    save(qtbot, editor)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert page.organization_filter.currentText() == "Northwind"
    assert shown_names(window) == ["Ana Ruiz"]
    window.editing.create(ContactData(given_name="Dee", organization="Globex"))
    assert "Globex" in offered(page.organization_filter)


@pytest.mark.parametrize("kind", ["organization", "tag"])
def test_a_filter_whose_value_vanished_shows_everyone(
    qtbot: Any, add_person: Callable[..., int], make_window: Callable[[], MainWindow], kind: str
) -> None:
    add_person("Ana", "Ruiz", organization="Northwind", tags=["mentor"])
    add_person("Bo", "Chen", organization="Contoso", tags=["vendor"])
    add_person("Cy", "Diaz", organization="Northwind", tags=["mentor"])
    window = make_window()
    page = window.contacts
    combo = page.organization_filter if kind == "organization" else page.tag_filter
    choose(combo, "Contoso" if kind == "organization" else "vendor")
    assert shown_names(window) == ["Bo Chen"]
    select_rows(window, 0)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert combo.currentIndex() == 0, "the vanished choice fell back to 'All …'"
    assert shown_names(window) == ["Ana Ruiz", "Cy Diaz"], "what the filters say is shown"
