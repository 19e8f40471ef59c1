"""A write the environment refuses: the message, everything typed kept, Try again saves it.

The faults are real SQLite refusals on the window's own connection: ``query_only`` for a
read-only data file (root, which CI runs as, ignores file permissions) and a page limit
at the current size for a full disk (after the free pages are used up, so a write that
needs room really finds none). A second connection holding the write lock plays another
program.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import peewee as pw
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from ally_desktop.core.contact_queries import ContactQuery, contact_ids
from ally_desktop.core.contacts import create_contact, load_contact
from ally_desktop.core.records import ContactData
from ally_desktop.core.timeline import TimelineQuery, interaction_ids, load_interaction
from ally_desktop.core.validation import ValidationError
from ally_desktop.store.db import sqlite_connection
from ally_desktop.store.errors import (
    DatabaseDamagedError,
    DatabaseLockedError,
    DiskFullError,
    ReadOnlyError,
    StorageUnavailableError,
    StoreError,
)
from ally_desktop.ui.contacts.editor import ContactEditor
from ally_desktop.ui.contacts.quick_add import QuickAddDialog
from ally_desktop.ui.main_window import REMINDERS_VIEW, MainWindow
from ally_desktop.ui.reminders.dialog import ReminderDialog
from ally_desktop.ui.timeline.dialog import InteractionDialog
from ally_desktop.ui.write_failures import explain, not_saved
from tests.ui.helpers import CTRL, open_dialog, wait_active

BIG = "A long story about pricing. " * 2500  # 70 kB: more than the free pages hold
UNLIMITED_PAGES = 1_073_741_823


@dataclass(frozen=True)
class Fault:
    name: str
    apply: Callable[[pw.SqliteDatabase], None]
    lift: Callable[[pw.SqliteDatabase], None]
    says: str  # what the message must say


def _read_only(db: pw.SqliteDatabase) -> None:
    sqlite_connection(db).execute("PRAGMA query_only = 1")


def _writable(db: pw.SqliteDatabase) -> None:
    sqlite_connection(db).execute("PRAGMA query_only = 0")


def _fill_disk(db: pw.SqliteDatabase) -> None:
    """No room left: the free pages taken by a filler, the file not allowed to grow."""
    conn = sqlite_connection(db)
    conn.execute("CREATE TABLE IF NOT EXISTS filler (x BLOB)")
    free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    if free:
        conn.execute("INSERT INTO filler VALUES (zeroblob(?))", [free * page_size])
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")


def _free_space(db: pw.SqliteDatabase) -> None:
    sqlite_connection(db).execute(f"PRAGMA max_page_count = {UNLIMITED_PAGES}")


FAULTS = [
    Fault("read-only", _read_only, _writable, "read-only"),
    Fault("disk full", _fill_disk, _free_space, "The disk is full"),
]


@pytest.fixture(params=FAULTS, ids=lambda fault: fault.name)
def fault(request: pytest.FixtureRequest, db: pw.SqliteDatabase) -> Iterator[Fault]:
    chosen: Fault = request.param
    yield chosen
    chosen.lift(db)  # whatever the test did, the teardown can write


def _people(db: pw.SqliteDatabase) -> list[str]:
    return [load_contact(db, i).name for i in contact_ids(db, ContactQuery())]


def _check_failure_text(text: str, fault: Fault) -> None:
    assert text.startswith("Not saved.")
    assert fault.says in text
    assert "Try again" in text
    assert "still here" in text
    assert "Traceback" not in text
    assert "sqlite" not in text.lower()


# --- the contact editor ---------------------------------------------------------------


def test_contact_editor_keeps_what_was_typed_and_saves_on_try_again(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase, fault: Fault
) -> None:
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL | Qt.KeyboardModifier.ShiftModifier)
    editor = open_dialog(qtbot, window, ContactEditor)
    qtbot.keyClicks(editor.given_name, "Ana")
    qtbot.keyClicks(editor.family_name, "Ruiz")
    qtbot.keyClicks(editor.organization, "Northwind")
    editor.notes.setPlainText(BIG)
    assert not editor.retry_button.isVisible()

    fault.apply(db)
    qtbot.keyClick(editor.given_name, Qt.Key.Key_Return, CTRL)

    assert editor.isVisible(), "the editor stays open"
    assert editor.error_banner.isVisible()
    _check_failure_text(editor.error_banner.text(), fault)
    assert editor.retry_button.isVisible()
    assert editor.retry_button.text() == "Try again"
    assert (editor.given_name.text(), editor.family_name.text()) == ("Ana", "Ruiz")
    assert editor.organization.text() == "Northwind"
    assert editor.notes.toPlainText() == BIG
    assert _people(db) == []
    assert not sqlite_connection(db).in_transaction

    fault.lift(db)
    qtbot.mouseClick(editor.retry_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=3000)
    assert editor.result() == ContactEditor.DialogCode.Accepted
    [ana] = contact_ids(db, ContactQuery())
    record = load_contact(db, ana)
    assert record.name == "Ana Ruiz"
    assert record.data.organization == "Northwind"
    assert record.data.notes == BIG.strip()
    assert window.undo_stack.undoText() == "Add Ana Ruiz"
    qtbot.waitUntil(lambda: window.contacts.model.rowCount() == 1, timeout=3000)


def test_editing_a_person_fails_and_is_saved_on_try_again(
    qtbot: Any,
    window: MainWindow,
    db: pw.SqliteDatabase,
    fault: Fault,
    add_person: Callable[..., int],
) -> None:
    ana = add_person("Ana", "Ruiz")
    window.edit_contact(ana)
    editor = open_dialog(qtbot, window, ContactEditor)
    editor.given_name.clear()
    qtbot.keyClicks(editor.given_name, "Anabel")
    editor.notes.setPlainText(BIG)

    fault.apply(db)
    editor.accept()
    assert editor.isVisible()
    _check_failure_text(editor.error_banner.text(), fault)
    assert editor.given_name.text() == "Anabel"
    assert load_contact(db, ana).name == "Ana Ruiz"

    editor.accept()  # still refused: the same message, the form as it was
    assert editor.isVisible()
    assert editor.retry_button.isVisible()
    assert editor.given_name.text() == "Anabel"

    fault.lift(db)
    qtbot.mouseClick(editor.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=3000)
    assert load_contact(db, ana).name == "Anabel Ruiz"
    assert load_contact(db, ana).data.notes == BIG.strip()


def test_a_validation_error_after_a_failure_hides_try_again(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase
) -> None:
    window.new_contact()
    editor = open_dialog(qtbot, window, ContactEditor)
    qtbot.keyClicks(editor.given_name, "Ana")
    _read_only(db)
    editor.accept()
    assert editor.retry_button.isVisible()
    editor.given_name.clear()
    editor.accept()
    assert not editor.retry_button.isVisible(), "a name is needed first: nothing to retry"
    assert "name" in editor.error_banner.text()
    _writable(db)


# --- quick add ------------------------------------------------------------------------


def test_quick_add_keeps_the_name_and_saves_on_try_again(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase, fault: Fault
) -> None:
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    dialog = open_dialog(qtbot, window, QuickAddDialog)
    qtbot.keyClicks(dialog.name, "Bo Chen")
    qtbot.keyClicks(dialog.met_how, "Onboarding week")
    # A hundred long topics: more than the room left in the pages already there.
    topics = [f"Topic {n} " + "of great depth " * 12 for n in range(100)]
    dialog.topics.setText(", ".join(topics))

    fault.apply(db)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)

    assert dialog.isVisible()
    assert dialog.error.isVisible()
    _check_failure_text(dialog.error.text(), fault)
    assert dialog.retry_button.isVisible()
    assert dialog.name.text() == "Bo Chen"

    fault.lift(db)
    qtbot.mouseClick(dialog.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    assert _people(db) == ["Bo Chen"]
    [bo] = contact_ids(db, ContactQuery())
    assert load_contact(db, bo).data.topics == [t.strip() for t in topics]


def test_locked_by_another_program_says_so_and_saves_once_it_lets_go(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase, db_path: Path
) -> None:
    # Ally waits 5 s for a lock; the test need not.
    sqlite_connection(db).execute("PRAGMA busy_timeout = 100")
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    dialog = open_dialog(qtbot, window, QuickAddDialog)
    qtbot.keyClicks(dialog.name, "Cy Doe")

    other = sqlite3.connect(db_path, isolation_level=None)
    with closing(other):
        other.execute("BEGIN IMMEDIATE")
        other.execute("CREATE TABLE other_program (x)")
        dialog.accept()
        assert dialog.isVisible()
        text = dialog.error.text()
        assert "Another program is holding the data file" in text
        assert "5 seconds" in text
        assert dialog.retry_button.isVisible()
        other.execute("ROLLBACK")

    qtbot.mouseClick(dialog.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    assert _people(db) == ["Cy Doe"]


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (StorageUnavailableError("The data file could not be read or written."), "drive"),
        (DiskFullError("full"), "The disk is full"),
        (ReadOnlyError("ro"), "read-only"),
        (DatabaseLockedError("locked"), "Another program"),
        (DatabaseDamagedError("The data file is damaged."), "The data file is damaged."),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, StoreError) else "",
)
def test_every_store_error_has_its_words_and_a_retry(
    qtbot: Any, db: pw.SqliteDatabase, error: StoreError, says: str
) -> None:
    """A removed drive cannot be pulled out in a test: the save raises what SQLite's
    I/O error becomes, once, then succeeds."""
    attempts: list[ContactData] = []

    def save(data: ContactData) -> int:
        attempts.append(data)
        if len(attempts) == 1:
            raise error
        return create_contact(db, data)

    dialog = QuickAddDialog(db, save, lambda _draft: None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("Di Evans")
    dialog.accept()
    assert dialog.isVisible()
    assert says in dialog.error.text()
    assert dialog.error.text() == not_saved(error)
    dialog.retry_button.click()
    assert not dialog.isVisible()
    assert attempts[0] == attempts[1], "the same save, again"
    assert _people(db) == ["Di Evans"]


def test_removed_drive_words() -> None:
    text = explain(StorageUnavailableError("The data file could not be read or written."))
    assert "removed or disconnected" in text
    assert text.endswith("press Try again.")


def test_a_raw_sqlite_failure_a_save_did_not_map_is_still_explained(
    qtbot: Any, db: pw.SqliteDatabase
) -> None:
    def save(_data: ContactData) -> int:
        raise sqlite3.OperationalError("database or disk is full")

    dialog = QuickAddDialog(db, save, lambda _draft: None)
    qtbot.addWidget(dialog)
    dialog.name.setText("Ed")
    dialog.accept()
    assert "The disk is full" in dialog.error.text()


def test_a_bug_in_a_save_goes_to_the_crash_hook(qtbot: Any, db: pw.SqliteDatabase) -> None:
    def save(_data: ContactData) -> int:
        raise sqlite3.OperationalError("no such column: nickname2")

    dialog = QuickAddDialog(db, save, lambda _draft: None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("Ed")
    with qtbot.captureExceptions() as caught:
        save_button = dialog.findChildren(QPushButton)
        [button] = [b for b in save_button if b.text().replace("&", "") == "Save"]
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert len(caught) == 1
    assert isinstance(caught[0][1], sqlite3.OperationalError)
    assert not dialog.retry_button.isVisible()


# --- the interaction dialog -----------------------------------------------------------


def test_interaction_dialog_keeps_what_was_typed_and_saves_on_try_again(
    qtbot: Any,
    window: MainWindow,
    db: pw.SqliteDatabase,
    fault: Fault,
    add_person: Callable[..., int],
) -> None:
    ana = add_person("Ana", "Ruiz")
    window.log_interaction([ana])
    dialog = open_dialog(qtbot, window, InteractionDialog)
    qtbot.keyClicks(dialog.title, "Pricing lunch")
    qtbot.keyClicks(dialog.place, "Canteen")
    dialog.notes.setPlainText(BIG)

    fault.apply(db)
    qtbot.keyClick(dialog.title, Qt.Key.Key_Return, CTRL)

    assert dialog.isVisible()
    assert dialog.error.isVisible()
    _check_failure_text(dialog.error.text(), fault)
    assert dialog.retry_button.isVisible()
    assert (dialog.title.text(), dialog.place.text()) == ("Pricing lunch", "Canteen")
    assert dialog.notes.toPlainText() == BIG
    assert dialog.people.ids() == [ana]
    assert list(interaction_ids(db, TimelineQuery())) == []

    fault.lift(db)
    qtbot.mouseClick(dialog.retry_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    [coffee] = interaction_ids(db, TimelineQuery())
    record = load_interaction(db, coffee)
    assert record.data.title == "Pricing lunch"
    assert record.data.participants == [ana]
    assert window.undo_stack.undoText() == "Log Pricing lunch"


def test_reminder_dialog_keeps_what_was_typed_and_saves_on_try_again(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase, fault: Fault
) -> None:
    window.navigation.setCurrentRow(REMINDERS_VIEW)
    window.new_reminder()
    dialog = open_dialog(qtbot, window, ReminderDialog)
    qtbot.keyClicks(dialog.title, "Send the pricing deck")
    dialog.note.setPlainText(BIG)

    fault.apply(db)
    dialog.accept()
    assert dialog.isVisible()
    _check_failure_text(dialog.error.text(), fault)
    assert dialog.title.text() == "Send the pricing deck"
    count = sqlite_connection(db).execute("SELECT count(*) FROM reminder").fetchone()[0]
    assert count == 0

    fault.lift(db)
    qtbot.mouseClick(dialog.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    titles = sqlite_connection(db).execute("SELECT title FROM reminder").fetchall()
    assert titles == [("Send the pricing deck",)]


# --- undo and redo --------------------------------------------------------------------


def _write_failure_box(qtbot: Any, window: MainWindow) -> QMessageBox:
    found: list[QMessageBox] = []

    def shown() -> bool:
        found[:] = [
            box for box in window.findChildren(QMessageBox, "writeFailure") if box.isVisible()
        ]
        return bool(found)

    qtbot.waitUntil(shown, timeout=3000)
    assert len(found) == 1
    return found[0]


def _press(qtbot: Any, box: QMessageBox, text: str) -> None:
    [button] = [b for b in box.buttons() if b.text().replace("&", "") == text]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=3000)


def _notes(db: pw.SqliteDatabase, contact_id: int) -> str:
    return load_contact(db, contact_id).data.notes


def test_a_failed_undo_stays_in_the_history_and_try_again_undoes_it(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase, fault: Fault
) -> None:
    # Undoing this edit writes the long notes back: it needs room the full disk lacks.
    ana = window.editing.create(ContactData(given_name="Ana", notes=BIG))
    window.editing.edit(ana, ContactData(given_name="Ana", notes="short"))
    assert window.undo_stack.index() == 2

    fault.apply(db)
    window.undo_action.trigger()

    box = _write_failure_box(qtbot, window)
    text = box.text()
    assert text.startswith("Could not undo “Edit Ana”. Nothing was changed.")
    assert fault.says in text
    assert "Traceback" not in text
    assert _notes(db, ana) == "short"
    # The history is as it was: the edit is still the next thing to undo.
    assert window.undo_stack.index() == 2
    assert window.undo_stack.undoText() == "Edit Ana"

    fault.lift(db)
    _press(qtbot, box, "Try again")

    assert _notes(db, ana) == BIG.strip()
    assert window.undo_stack.index() == 1
    assert window.undo_stack.redoText() == "Edit Ana"
    wait_active(qtbot, window)


def test_a_failed_undo_can_be_tried_again_later_with_ctrl_z(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase
) -> None:
    ana = window.editing.create(ContactData(given_name="Ana"))
    _read_only(db)
    window.undo_action.trigger()
    box = _write_failure_box(qtbot, window)
    _press(qtbot, box, "Close")
    assert window.undo_stack.undoText() == "Add Ana"
    assert _people(db) == ["Ana"]

    _writable(db)
    wait_active(qtbot, window)
    window.undo_action.trigger()
    assert _people(db) == []
    assert window.undo_stack.redoText() == "Add Ana"
    window.redo_action.trigger()
    assert [load_contact(db, ana).name] == _people(db) == ["Ana"]


def test_a_failed_redo_is_offered_again(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase, fault: Fault
) -> None:
    ana = window.editing.create(ContactData(given_name="Ana", notes="short"))
    window.editing.edit(ana, ContactData(given_name="Ana", notes=BIG))
    window.undo_action.trigger()
    assert _notes(db, ana) == "short"

    fault.apply(db)
    window.redo_action.trigger()
    box = _write_failure_box(qtbot, window)
    assert box.text().startswith("Could not redo “Edit Ana”.")
    assert window.undo_stack.index() == 1, "the edit is still the next thing to redo"
    assert _notes(db, ana) == "short"

    fault.lift(db)
    _press(qtbot, box, "Try again")
    assert _notes(db, ana) == BIG.strip()
    assert window.undo_stack.index() == 2
    wait_active(qtbot, window)


def test_a_failed_undo_of_a_logged_interaction_keeps_it(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase, add_person: Callable[..., int]
) -> None:
    from datetime import UTC, datetime

    from ally_desktop.core.timeline import InteractionData

    ana = add_person("Ana")
    coffee = window.interactions.log(
        InteractionData("coffee", [ana], when=datetime.now(UTC), title="Coffee")
    )
    _read_only(db)
    window.undo_action.trigger()
    box = _write_failure_box(qtbot, window)
    assert "Could not undo “Log Coffee”" in box.text()
    assert list(interaction_ids(db, TimelineQuery())) == [coffee]
    _writable(db)
    _press(qtbot, box, "Try again")
    assert list(interaction_ids(db, TimelineQuery())) == []
    wait_active(qtbot, window)


def test_an_undo_of_something_gone_is_dropped_as_before(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase, answer: Any
) -> None:
    told: list[str] = []
    window.changes.failed.connect(told.append)
    ana = window.editing.create(ContactData(given_name="Ana"))
    window.editing.edit(ana, ContactData(given_name="Anabel"))
    sqlite_connection(db).execute("DELETE FROM contact WHERE id = ?", [ana])
    answer(QMessageBox.StandardButton.Ok)
    window.undo_action.trigger()
    assert told == [f"Contact {ana} no longer exists."]
    assert window.findChildren(QMessageBox, "writeFailure") == []
    assert window.undo_stack.count() == 1, "the command that can never succeed is dropped"


def test_validation_errors_are_unchanged(qtbot: Any, db: pw.SqliteDatabase) -> None:
    def save(_data: ContactData) -> int:
        raise ValidationError([])

    dialog = QuickAddDialog(db, save, lambda _draft: None)
    qtbot.addWidget(dialog)
    dialog.accept()
    assert "name" in dialog.error.text().lower()
    assert not dialog.retry_button.isVisible()
