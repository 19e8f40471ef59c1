"""File → Import…: a file walked through its pages, stored in one step, undone in one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import peewee as pw
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from ally_desktop.core.contact_queries import ContactQuery, contact_ids, count_contacts
from ally_desktop.core.contacts import load_contact
from ally_desktop.core.demo import generate_demo
from ally_desktop.core.formats.common import Format
from ally_desktop.core.formats.csv_generic import Target
from ally_desktop.core.records import LabeledValue
from ally_desktop.core.transfer.exporting import ExportOptions, export_contacts
from ally_desktop.core.transfer.importing import DuplicateAction
from ally_desktop.store.db import close_database, open_database, sqlite_connection
from ally_desktop.store.models import MODELS
from ally_desktop.ui.main_window import MainWindow
from ally_desktop.ui.transfer.duplicates_page import ACTION
from ally_desktop.ui.transfer.import_dialog import (
    DUPLICATES_PAGE,
    FILE_PAGE,
    PROBLEMS_PAGE,
    READY_PAGE,
    ImportDialog,
)
from tests.ui.helpers import open_dialog, shown_names
from tests.ui.transfer_helpers import click_next, wait_idle, workers_held

EVERYONE = ContactQuery(include_archived=True)


def open_import(qtbot: Any, window: MainWindow, path: Path) -> ImportDialog:
    window.show_import(path)
    return open_dialog(qtbot, window, ImportDialog)


def finished(qtbot: Any, dialog: ImportDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)


def every_id(db: pw.SqliteDatabase) -> list[int]:
    return sorted(contact_ids(db, EVERYONE))


@pytest.fixture
def demo_export(db: pw.SqliteDatabase, tmp_path: Path) -> tuple[Path, int]:
    """An Ally CSV of 40 demo people (made in a store of its own) and how many it holds."""
    source = open_database(tmp_path / "elsewhere.sqlite3")
    try:
        generate_demo(source, 40)
        ids = contact_ids(source, EVERYONE)
        path = tmp_path / "allies.csv"
        written = export_contacts(sqlite_connection(source), ids, path, ExportOptions())
    finally:
        close_database(source)
        # Opening a store binds the models to it: back to the test's own store.
        db.bind(MODELS, bind_refs=False, bind_backrefs=False)
    return path, written


def test_a_native_export_comes_back_whole_and_undoes_in_one_step(
    qtbot: Any,
    db: pw.SqliteDatabase,
    window: MainWindow,
    demo_export: tuple[Path, int],
) -> None:
    path, people = demo_export
    dialog = open_import(qtbot, window, path)
    page = dialog.file_page
    assert page.format_combo.currentText() == "Ally CSV (detected)"
    assert page.encoding_combo.currentText() == "UTF-8 (detected)"
    assert page.preview.rowCount() == 5
    assert dialog.next_button.text() == "&Next >"
    assert not dialog.back_button.isEnabled()

    click_next(qtbot, dialog)
    assert dialog.page() == READY_PAGE, "an empty store: nothing to decide"
    assert dialog.ready_page.title.text() == f"Ready to import {people} people"
    assert dialog.next_button.text() == "&Import"
    assert dialog.summary.text() == f"{people} to add"
    click_next(qtbot, dialog)
    finished(qtbot, dialog)

    assert count_contacts(db) == people
    ids = every_id(db)
    assert window.statusBar().currentMessage().startswith(f"Imported: {people} added")
    assert window.statusBar().currentMessage().endswith("— Undo with Ctrl+Z")
    assert window.undo_stack.undoText() == f"Import {people} people from allies.csv"
    qtbot.waitUntil(lambda: window.contacts.model.rowCount() > 0)
    assert window.contacts.stack.currentIndex() == 0, "the list, not the welcome page"

    window.undo_action.trigger()
    assert count_contacts(db) == 0
    assert window.contacts.model.rowCount() == 0

    window.redo_action.trigger()
    assert every_id(db) == ids, "redo gives everyone back their id"
    assert window.contacts.model.rowCount() == len(window.contacts.model.ids()) > 0


def test_another_csv_is_read_through_its_column_mapping(
    qtbot: Any, db: pw.SqliteDatabase, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "équipe.csv"
    path.write_text(
        "Prénom;Nom;Courriel;Ville;Remarque\n"
        "Ana;Lima;ana@example.org;Lyon;Rencontrée au salon\n"
        "Bo;Chen;bo@example.org;Paris;\n"
        "Cy;Dee;cy@example.org;Nantes;Aime le thé\n",
        encoding="utf-8",
    )
    dialog = open_import(qtbot, window, path)
    page = dialog.file_page
    assert page.chosen_format() is Format.GENERIC
    assert page.format_combo.currentText() == "Other CSV (detected)"
    assert [c.currentText() for c in page.combos] == [
        "First name",
        "Last name",
        "Email",
        "City",
        "Don't import",
    ]
    assert page.column_is_used(2)
    assert not page.column_is_used(4), "left out: shown grey"

    page.combos[4].setCurrentIndex(page.combos[4].findData(Target.NOTES))  # as a user would
    assert page.column_is_used(4)
    page.map_column(2, Target.IGNORE)
    assert not page.column_is_used(2)

    for column in range(3):  # no name, no email: nothing to tell people apart by
        page.map_column(column, Target.IGNORE)
    assert not dialog.next_button.isEnabled()
    assert page.hint.isVisible()
    assert "name, an email or an organization" in page.hint.text()
    page.map_column(0, Target.GIVEN_NAME)
    page.map_column(1, Target.FAMILY_NAME)
    assert dialog.next_button.isEnabled()
    assert not page.hint.isVisible()

    click_next(qtbot, dialog)
    assert dialog.page() == READY_PAGE
    click_next(qtbot, dialog)
    finished(qtbot, dialog)
    assert sorted(shown_names(window)) == ["Ana Lima", "Bo Chen", "Cy Dee"]
    people = {load_contact(db, i).data.given_name: load_contact(db, i).data for i in every_id(db)}
    assert people["Ana"].notes == "Rencontrée au salon"
    assert people["Cy"].notes == "Aime le thé"
    assert all(not p.emails for p in people.values()), "the email column was left out"
    assert people["Bo"].addresses[0].city == "Paris"


@pytest.fixture
def stored(add_person: Callable[..., int]) -> dict[str, int]:
    return {
        "ana": add_person("Ana", "Lima", emails=[LabeledValue("work", "ana@example.org")]),
        "bo": add_person("Bo", "Chen", emails=[LabeledValue("work", "bo@example.org")]),
        "cy": add_person("Cy", "Dee", organization="Acme"),
    }


def write_matching_file(tmp_path: Path) -> Path:
    path = tmp_path / "contacts.csv"
    path.write_text(
        "Name,Email,Phone,Organization\n"
        "Ana Lima,ANA@example.org,+33 1 23 45 67 89,\n"
        "Bo Chen,bo@example.org,+44 20 7946 0000,\n"
        "Cy Dee,,,Acme\n"
        "Dan Eve,dan@example.org,,Initech\n",
        encoding="utf-8",
    )
    return path


def test_duplicates_are_merged_skipped_or_created_one_by_one(
    qtbot: Any,
    db: pw.SqliteDatabase,
    stored: dict[str, int],
    make_window: Callable[[], MainWindow],
    tmp_path: Path,
) -> None:
    window = make_window()
    dialog = open_import(qtbot, window, write_matching_file(tmp_path))
    click_next(qtbot, dialog)
    assert dialog.page() == DUPLICATES_PAGE
    page = dialog.duplicates_page
    assert page.title.text() == "3 people in the file are already in Ally"
    model = page.model
    assert model is not None
    rows = [[model.index(r, c).data() for c in range(ACTION)] for r in range(3)]
    assert rows == [
        ["2", "Ana Lima", "Ana Lima", "same email ANA@example.org"],
        ["3", "Bo Chen", "Bo Chen", "same email bo@example.org"],
        ["4", "Cy Dee", "Cy Dee", "same name at Acme"],
    ]
    assert dialog.summary.text() == "1 to add, 3 to merge"

    qtbot.mouseClick(page.set_all_buttons[DuplicateAction.SKIP], Qt.MouseButton.LeftButton)
    assert [page.action_combo(r).currentText() for r in range(3)] == ["Skip"] * 3
    assert dialog.summary.text() == "1 to add, 3 to skip"
    page.action_combo(0).setCurrentIndex(0)  # Merge
    page.action_combo(2).setCurrentIndex(2)  # Create new
    assert dialog.summary.text() == "2 to add, 1 to merge, 1 to skip"
    assert dialog.next_button.text() == "&Import"

    click_next(qtbot, dialog)
    finished(qtbot, dialog)
    ana = load_contact(db, stored["ana"]).data
    assert [p.value for p in ana.phones] == ["+33 1 23 45 67 89"], "merged: completed"
    bo = load_contact(db, stored["bo"]).data
    assert bo.phones == [], "skipped: left alone"
    names = sorted(load_contact(db, i).data.shown_name() for i in every_id(db))
    assert names == ["Ana Lima", "Bo Chen", "Cy Dee", "Cy Dee", "Dan Eve"]
    assert window.statusBar().currentMessage().startswith("Imported: 2 added, 1 merged, 1 skipped")

    window.undo_action.trigger()
    assert every_id(db) == sorted(stored.values())
    assert load_contact(db, stored["ana"]).data.phones == [], "the merge is taken back too"


def test_set_all_to_create_new_stores_everyone_again(
    qtbot: Any,
    db: pw.SqliteDatabase,
    stored: dict[str, int],
    make_window: Callable[[], MainWindow],
    tmp_path: Path,
) -> None:
    window = make_window()
    dialog = open_import(qtbot, window, write_matching_file(tmp_path))
    click_next(qtbot, dialog)
    page = dialog.duplicates_page
    page.set_all_buttons[DuplicateAction.CREATE].click()
    assert [page.action_combo(r).currentText() for r in range(3)] == ["Create new"] * 3
    click_next(qtbot, dialog)
    finished(qtbot, dialog)
    assert count_contacts(db) == 3 + 4
    assert load_contact(db, stored["ana"]).data.phones == []


def test_unreadable_rows_are_listed_and_cancel_stores_nothing(
    qtbot: Any, db: pw.SqliteDatabase, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "broken.csv"
    path.write_text(
        "Name,Email\nAna Lima,ana@example.org\nBo Chen,bo@example.org,oops\n"
        "Cy Dee,cy@example.org\n",
        encoding="utf-8",
    )
    dialog = open_import(qtbot, window, path)
    click_next(qtbot, dialog)
    assert dialog.page() == PROBLEMS_PAGE
    page = dialog.problems_page
    assert page.title.text() == "1 row cannot be read"
    (line,) = page.shown_lines()
    assert line.startswith("Line 3: The row has 3 cells where the header has 2")
    assert page.import_rest.text() == "Import the 2 readable contacts"
    assert page.import_rest.isChecked()
    assert dialog.next_button.text() == "&Import"

    page.import_nothing.click()
    assert dialog.next_button.text() == "&Close"
    assert dialog.summary.text() == "Nothing will be imported."
    click_next(qtbot, dialog)
    finished(qtbot, dialog)
    assert count_contacts(db) == 0
    assert not window.undo_stack.canUndo()


def test_the_readable_rows_can_be_imported_and_back_goes_to_the_file(
    qtbot: Any, db: pw.SqliteDatabase, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "broken.csv"
    path.write_text("Name,Email\nAna Lima,ana@example.org\nBo,bo@example.org,x\n", "utf-8")
    dialog = open_import(qtbot, window, path)
    click_next(qtbot, dialog)
    assert dialog.page() == PROBLEMS_PAGE
    dialog.back_button.click()
    assert dialog.page() == FILE_PAGE
    assert dialog.plan is None, "read again after a change"
    click_next(qtbot, dialog)
    click_next(qtbot, dialog)
    finished(qtbot, dialog)
    assert shown_names(window) == ["Ana Lima"]


def test_a_file_with_no_rows_says_so_and_the_dialog_stays(
    qtbot: Any, db: pw.SqliteDatabase, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("Name,Email\n", encoding="utf-8")
    dialog = open_import(qtbot, window, path)
    click_next(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.page() == FILE_PAGE
    assert dialog.error.text() == "empty.csv has no rows below its header: nothing to import."
    dialog.reject()


def test_changing_the_format_reopens_the_file_and_explains_a_mismatch(
    qtbot: Any, window: MainWindow, demo_export: tuple[Path, int]
) -> None:
    path, _ = demo_export
    dialog = open_import(qtbot, window, path)
    page = dialog.file_page
    page.choose_format(Format.VCARD)
    assert not dialog.next_button.isEnabled()
    assert page.hint.text() == "allies.csv is not a vCard file (no BEGIN:VCARD)."
    page.choose_format(Format.GENERIC)
    assert dialog.next_button.isEnabled()
    assert len(page.combos) == page.preview.columnCount()
    page.format_combo.setCurrentIndex(0)
    assert page.chosen_format() is Format.NATIVE
    assert page.combos == []
    dialog.reject()


def test_a_vcard_file_shows_its_first_people(
    qtbot: Any, db: pw.SqliteDatabase, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "cards.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nN:Lima;Ana;;;\r\nORG:Acme\r\n"
        "EMAIL:ana@example.org\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bo Chen\r\nN:Chen;Bo;;;\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    dialog = open_import(qtbot, window, path)
    page = dialog.file_page
    assert page.format_combo.currentText() == "vCard (detected)"
    assert page.explanation.text() == "2 cards in the file. The first ones:"
    assert [page.preview.item(0, c).text() for c in range(3)] == [
        "Ana Lima",
        "Acme",
        "ana@example.org",
    ]
    click_next(qtbot, dialog)
    click_next(qtbot, dialog)
    finished(qtbot, dialog)
    assert sorted(shown_names(window)) == ["Ana Lima", "Bo Chen"]


def test_cancelling_the_import_itself_stores_nothing(
    qtbot: Any, db: pw.SqliteDatabase, window: MainWindow, demo_export: tuple[Path, int]
) -> None:
    path, _ = demo_export
    dialog = open_import(qtbot, window, path)
    click_next(qtbot, dialog)
    assert dialog.page() == READY_PAGE
    with workers_held() as release:
        dialog.next_button.click()
        progress = dialog.progress
        assert progress is not None
        qtbot.waitUntil(progress.isVisible, timeout=2000)
        assert "Importing" in progress.labelText()
        assert not dialog.next_button.isEnabled()
        assert not dialog.back_button.isEnabled()
        (cancel,) = progress.findChildren(QPushButton)
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
        release.set()
        wait_idle(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.page() == READY_PAGE
    assert dialog.error.text() == "Import cancelled: nothing was stored."
    assert count_contacts(db) == 0
    assert not window.undo_stack.canUndo()
    assert dialog.next_button.isEnabled(), "ready to try again"
    dialog.reject()


def test_an_unreadable_file_is_refused_before_the_dialog(
    qtbot: Any,
    window: MainWindow,
    tmp_path: Path,
    answer: Callable[[QMessageBox.StandardButton], list[str]],
) -> None:
    warnings = answer(QMessageBox.StandardButton.Ok)
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    window.show_import(path)
    assert warnings == [
        "This is not a text file (it holds binary data): export CSV or vCard from the"
        " other program and import that. Nothing was imported."
    ]
    assert not window.findChildren(ImportDialog)


def test_the_file_menu_has_import_and_export_with_their_keys(window: MainWindow) -> None:
    assert window.import_action.isEnabled()
    assert window.import_action.shortcut().toString() == "Ctrl+Shift+I"
    assert window.export_action.shortcut().toString() == "Ctrl+Shift+E"
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert texts.index("&Export…") == texts.index("&Import…") + 1
