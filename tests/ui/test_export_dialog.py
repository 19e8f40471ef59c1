"""File → Export…: who is exported by default, what the file holds, and that a cancelled
or failed export leaves the disk as it was."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import peewee as pw
import pytest
import vobject
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QMenu, QMessageBox, QPushButton

from ally_desktop.core.contact_queries import ContactQuery, contact_ids, count_contacts
from ally_desktop.core.contacts import load_contact, update_contact
from ally_desktop.core.demo import generate_demo
from ally_desktop.core.formats.common import Format
from ally_desktop.ui.main_window import MainWindow
from ally_desktop.ui.transfer.export_dialog import ExportDialog
from tests.ui.helpers import open_dialog, select_rows, type_text, wait_active
from tests.ui.transfer_helpers import wait_idle, workers_held

PEOPLE = 40
SHIFT_CTRL = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def open_export(qtbot: Any, window: MainWindow) -> ExportDialog:
    qtbot.keyClick(window, Qt.Key.Key_E, SHIFT_CTRL)
    return open_dialog(qtbot, window, ExportDialog)


def run_export(qtbot: Any, dialog: ExportDialog, path: Path) -> None:
    dialog.set_path(path)
    dialog.export_button.click()
    wait_idle(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def scope_labels(dialog: ExportDialog) -> dict[str, str]:
    return {key: button.text() for key, button in dialog.scope_buttons.items()}


@pytest.fixture
def demo(db: pw.SqliteDatabase) -> int:
    generate_demo(db, PEOPLE)
    return count_contacts(db)


def test_everyone_by_default_and_the_file_has_a_row_each(
    qtbot: Any, db: pw.SqliteDatabase, window_with_demo: MainWindow, demo: int, tmp_path: Path
) -> None:
    window = window_with_demo
    dialog = open_export(qtbot, window)
    assert scope_labels(dialog) == {"all": f"All contacts ({demo})"}
    assert dialog.scope().key == "all"
    assert dialog.choice().format is Format.NATIVE
    assert dialog.neutralise_check.isChecked()
    assert not dialog.bom_check.isChecked()

    target = tmp_path / "allies.csv"
    run_export(qtbot, dialog, target)
    rows = csv_rows(target)
    assert len(rows) == demo
    everyone = contact_ids(db, ContactQuery(include_archived=True))
    assert [int(r["id"]) for r in rows] == list(everyone), "everyone, archived too, by name"
    assert window.statusBar().currentMessage() == f"Exported {demo} people to allies.csv"
    assert not list(tmp_path.glob(".allies.csv.*")), "no temporary file is left behind"


def test_archived_people_are_part_of_all_contacts(
    qtbot: Any, db: pw.SqliteDatabase, make_window: Callable[[], MainWindow], tmp_path: Path
) -> None:
    generate_demo(db, 10)
    update_contact(db, 1, replace(load_contact(db, 1).data, archived=True))
    window = make_window()
    assert window.contacts.model.rowCount() == 9
    dialog = open_export(qtbot, window)
    assert dialog.scope_buttons["all"].text() == "All contacts (10)"
    run_export(qtbot, dialog, tmp_path / "everyone.csv")
    assert len(csv_rows(tmp_path / "everyone.csv")) == 10


def test_a_search_makes_the_current_list_the_default(
    qtbot: Any, window_with_demo: MainWindow, demo: int, tmp_path: Path
) -> None:
    window = window_with_demo
    page = window.contacts
    family = str(page.model.index(0, 0).data()).split()[-1]
    type_text(qtbot, page.search, family)
    qtbot.waitUntil(lambda: page.model.query.text == family)
    assert 0 < page.model.rowCount() < demo
    shown = page.model.rowCount()
    dialog = open_export(qtbot, window)
    assert scope_labels(dialog) == {
        "all": f"All contacts ({demo})",
        "list": f"The current list ({shown})",
    }
    assert dialog.scope().key == "list"

    dialog.select_format(Format.VCARD, "4.0")
    assert dialog.path_edit.text().endswith(".vcf"), "the suffix follows the format"
    assert not dialog.bom_check.isEnabled()
    assert not dialog.neutralise_check.isEnabled()
    target = tmp_path / "family.vcf"
    run_export(qtbot, dialog, target)
    cards = list(vobject.readComponents(target.read_text(encoding="utf-8")))
    assert len(cards) == shown
    assert {c.version.value for c in cards} == {"4.0"}
    assert all(family in c.fn.value for c in cards)


def test_several_selected_people_are_the_default(
    qtbot: Any, window_with_demo: MainWindow, tmp_path: Path
) -> None:
    window = window_with_demo
    type_text(qtbot, window.contacts.search, "a")  # a filter too: the selection still wins
    qtbot.waitUntil(lambda: window.contacts.model.query.text == "a")
    assert window.contacts.model.rowCount() > 5
    select_rows(window, 0, 2, 4)
    chosen = window.contacts.selected_ids()
    dialog = open_export(qtbot, window)
    assert set(scope_labels(dialog)) == {"all", "list", "selection"}
    assert dialog.scope_buttons["selection"].text() == "Selected people (3)"
    assert dialog.scope().key == "selection"

    dialog.bom_check.setChecked(True)
    target = tmp_path / "three.csv"
    run_export(qtbot, dialog, target)
    assert target.read_bytes().startswith(b"\xef\xbb\xbf"), "Excel's byte-order mark"
    assert sorted(int(r["id"]) for r in csv_rows(target)) == sorted(chosen)


def test_one_selected_person_is_offered_but_not_chosen(
    qtbot: Any, window_with_demo: MainWindow, demo: int
) -> None:
    window = window_with_demo
    select_rows(window, 3)
    dialog = open_export(qtbot, window)
    assert dialog.scope_buttons["selection"].text() == "Selected people (1)"
    assert dialog.scope().key == "all"
    dialog.reject()


def test_export_selected_from_the_list_menu(
    qtbot: Any, db: pw.SqliteDatabase, window_with_demo: MainWindow, tmp_path: Path
) -> None:
    window = window_with_demo
    page = window.contacts
    select_rows(window, 1)
    chosen = page.selected_ids()
    seen: list[str] = []

    def choose() -> None:
        menus = [m for m in page.findChildren(QMenu) if m.isVisible()]
        if not menus:
            QTimer.singleShot(10, choose)
            return
        seen.extend(a.text() for a in menus[0].actions())
        (action,) = [a for a in menus[0].actions() if a.text() == "Export selected…"]
        menus[0].close()
        action.trigger()

    QTimer.singleShot(0, choose)
    page.table.customContextMenuRequested.emit(QPoint(5, 5))
    dialog = open_dialog(qtbot, window, ExportDialog)
    assert "Export selected…" in seen
    assert dialog.scope().key == "selection", "asked for the selection, even of one"
    dialog.select_format(Format.GOOGLE)
    run_export(qtbot, dialog, tmp_path / "one.csv")
    (row,) = csv_rows(tmp_path / "one.csv")
    name = load_contact(db, chosen[0]).data
    assert row["First Name"] == name.given_name


def test_cancel_leaves_an_existing_file_as_it_was(
    qtbot: Any,
    window_with_demo: MainWindow,
    tmp_path: Path,
    answer: Callable[[QMessageBox.StandardButton], list[str]],
) -> None:
    window = window_with_demo
    target = tmp_path / "allies.csv"
    target.write_text("the old export\n", encoding="utf-8")
    asked = answer(QMessageBox.StandardButton.Yes)
    dialog = open_export(qtbot, window)
    dialog.set_path(target)
    with workers_held() as release:
        dialog.export_button.click()
        assert asked == [f"allies.csv already exists in {tmp_path}. Replace it?"]
        assert dialog.job is not None
        assert dialog.job.running()
        progress = dialog.progress
        assert progress is not None
        assert not progress.isVisible(), "a job is not announced at once"
        qtbot.waitUntil(progress.isVisible, timeout=2000)
        assert not dialog.export_button.isEnabled()
        (cancel,) = progress.findChildren(QPushButton)
        assert cancel.text() == "Cancel"
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
        release.set()
        wait_idle(qtbot, dialog)
    assert dialog.isVisible(), "the dialog stays for another try"
    assert dialog.note.text() == "Export cancelled: nothing was written."
    assert dialog.export_button.isEnabled()
    assert target.read_text(encoding="utf-8") == "the old export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if "allies" in p.name) == ["allies.csv"]
    dialog.reject()


def test_cancel_before_anything_is_written_leaves_no_file(
    qtbot: Any, window_with_demo: MainWindow, tmp_path: Path
) -> None:
    target = tmp_path / "new.vcf"
    dialog = open_export(qtbot, window_with_demo)
    dialog.select_format(Format.VCARD)
    dialog.set_path(target)
    with workers_held() as release:
        dialog.export_button.click()
        assert dialog.job is not None
        dialog.reject()  # closing the dialog cancels the export
        release.set()
        wait_idle(qtbot, dialog)
    assert not dialog.isVisible()
    assert list(tmp_path.glob("*new.vcf*")) == []


def test_a_failed_write_is_explained_and_the_dialog_stays(
    qtbot: Any,
    window_with_demo: MainWindow,
    tmp_path: Path,
    answer: Callable[[QMessageBox.StandardButton], list[str]],
) -> None:
    warnings = answer(QMessageBox.StandardButton.Ok)
    folder = tmp_path / "out.csv"
    folder.mkdir()
    dialog = open_export(qtbot, window_with_demo)
    dialog.set_path(folder)
    dialog.export_button.click()
    wait_idle(qtbot, dialog)
    assert warnings == [f"{folder} is a folder: choose a file name."]
    assert dialog.isVisible()
    assert dialog.note.text() == "Nothing was written."
    dialog.set_path(tmp_path / "fine.csv")
    assert dialog.export_button.isEnabled()
    dialog.reject()


def test_nothing_to_export_disables_export(qtbot: Any, window: MainWindow) -> None:
    dialog = open_export(qtbot, window)
    assert dialog.scope_buttons["all"].text() == "All contacts (0)"
    assert not dialog.export_button.isEnabled()
    assert dialog.note.text() == "There is no one to export here."
    dialog.reject()


@pytest.fixture
def window_with_demo(demo: int, make_window: Callable[[], MainWindow]) -> MainWindow:
    return make_window()


def test_an_earlier_dialog_is_freed_when_another_opens(qtbot: Any, window: MainWindow) -> None:
    first = open_export(qtbot, window)
    first.reject()
    wait_active(qtbot, window)
    second = open_export(qtbot, window)
    qtbot.waitUntil(lambda: len(window.findChildren(ExportDialog)) == 1)
    assert window.findChildren(ExportDialog)[0] is second
    second.reject()
