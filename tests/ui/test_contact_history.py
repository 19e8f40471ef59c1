"""A person's profile: last interaction, the give/get balance, and their history list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import peewee as pw
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QMessageBox

from ally_desktop.core.contacts import load_contact
from ally_desktop.core.records import ContactData
from ally_desktop.core.timeline import (
    Exchange,
    InteractionData,
    TimelineQuery,
    create_interaction,
    interaction_ids,
)
from ally_desktop.ui.contacts.trash import TrashDialog
from ally_desktop.ui.main_window import MainWindow
from ally_desktop.ui.timeline.dialog import InteractionDialog
from ally_desktop.ui.timeline.model import HEADING_ROLE, ID_ROLE
from tests.ui.helpers import open_dialog

NOW = datetime.now().astimezone().replace(second=0, microsecond=0)


def log(
    db: pw.SqliteDatabase,
    people: list[int],
    title: str,
    days_ago: int = 0,
    exchange: Exchange | None = None,
    note: str = "",
) -> int:
    return create_interaction(
        db,
        InteractionData(
            kind="coffee",
            participants=people,
            when=NOW - timedelta(days=days_ago),
            title=title,
            exchange=exchange,
            exchange_note=note,
        ),
    )


def history_ids(window: MainWindow) -> list[int]:
    model = window.contacts.history.list.timeline
    while model.canFetchMore():
        model.fetchMore()
    return [
        int(model.index(row).data(ID_ROLE))
        for row in range(model.rowCount())
        if not model.index(row).data(HEADING_ROLE)
    ]


@pytest.fixture
def pair(db: pw.SqliteDatabase, add_person: Callable[..., int]) -> dict[str, int]:
    ana = add_person("Ana", "Ruiz")
    bo = add_person("Bo", "Chen")
    ids = {"ana": ana, "bo": bo}
    ids["deck"] = log(db, [ana], "Deck review", 12, "given", "reviewed her deck")
    ids["intro"] = log(db, [ana, bo], "Intro to finance", 40, "received", "introduced me to Kim")
    ids["older"] = log(db, [ana], "First coffee", 90, "given", "")
    ids["bo_only"] = log(db, [bo], "Call with Bo", 3)
    return ids


def test_the_profile_says_when_you_last_talked_and_the_balance(
    make_window: Callable[[], MainWindow], pair: dict[str, int]
) -> None:
    window = make_window()
    window.contacts.show_contact(pair["ana"])
    text = window.contacts.detail.toPlainText()
    assert "TOGETHER" in text
    assert "Last interaction 12 days ago" in text
    assert "You helped them 2 times" in text
    assert "reviewed her deck" in text, "the latest help given, not the older one"
    assert "They helped you once" in text
    assert "introduced me to Kim" in text


def test_the_history_lists_only_that_persons_interactions_newest_first(
    make_window: Callable[[], MainWindow], pair: dict[str, int]
) -> None:
    window = make_window()
    window.contacts.show_contact(pair["ana"])
    assert window.contacts.history.isVisible()
    assert history_ids(window) == [pair["deck"], pair["intro"], pair["older"]]
    assert window.contacts.history.title.text() == "History · 3"
    window.contacts.show_contact(pair["bo"])
    assert history_ids(window) == [pair["bo_only"], pair["intro"]]
    assert "Last interaction 3 days ago" in window.contacts.detail.toPlainText()


def test_a_person_with_nothing_logged_gets_a_plain_message(
    make_window: Callable[[], MainWindow], add_person: Callable[..., int]
) -> None:
    cy = add_person("Cy", "Lee")
    window = make_window()
    window.contacts.show_contact(cy)
    assert "No interaction logged yet." in window.contacts.detail.toPlainText()
    assert window.contacts.history.stack.currentWidget() is window.contacts.history.empty


def test_no_history_when_several_or_nobody_is_selected(
    make_window: Callable[[], MainWindow], pair: dict[str, int]
) -> None:
    window = make_window()
    window.contacts.table.selectAll()
    assert not window.contacts.history.isVisible()
    window.contacts.table.clearSelection()
    assert not window.contacts.history.isVisible()


def test_log_from_the_profile_prefills_the_person_and_updates_everything(
    qtbot: Any,
    db: pw.SqliteDatabase,
    make_window: Callable[[], MainWindow],
    pair: dict[str, int],
) -> None:
    window = make_window()
    window.contacts.show_contact(pair["ana"])
    button = window.contacts.history.log_button
    qtbot.waitUntil(lambda: button.isVisible() and button.height() > 0)  # laid out
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = open_dialog(qtbot, window, InteractionDialog)
    assert [p.name for p in dialog.people.people()] == ["Ana Ruiz"]
    dialog.title.setText("Catch-up")
    qtbot.keyClick(dialog.title, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.isVisible()
    new_id = interaction_ids(db, TimelineQuery(text="catch"))[0]
    assert history_ids(window)[0] == new_id
    assert "Last interaction today" in window.contacts.detail.toPlainText()
    row = window.contacts.model.row_of(pair["ana"])
    assert row is not None
    assert window.contacts.model.index(row, 5).data() == "Today", "the list's column too"

    window.undo_action.trigger()
    assert new_id not in history_ids(window)
    assert "Last interaction 12 days ago" in window.contacts.detail.toPlainText()
    assert window.contacts.model.index(row, 5).data() != "Today"


def test_ctrl_l_with_people_selected_prefills_them(
    qtbot: Any, make_window: Callable[[], MainWindow], pair: dict[str, int]
) -> None:
    window = make_window()
    window.contacts.table.selectAll()
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    dialog = open_dialog(qtbot, window, InteractionDialog)
    assert sorted(p.name for p in dialog.people.people()) == ["Ana Ruiz", "Bo Chen"]
    dialog.reject()


def test_delete_in_the_history_trashes_the_interaction_not_the_person(
    qtbot: Any,
    db: pw.SqliteDatabase,
    make_window: Callable[[], MainWindow],
    pair: dict[str, int],
) -> None:
    window = make_window()
    window.contacts.show_contact(pair["ana"])
    history = window.contacts.history.list
    history.setFocus()
    history.select_ids([pair["deck"]])
    qtbot.keyClick(history, Qt.Key.Key_Delete)
    assert load_contact(db, pair["ana"]).trashed_at is None, "the person stays"
    assert pair["deck"] not in history_ids(window)
    assert "Last interaction 40 days ago" in window.contacts.detail.toPlainText()
    window.undo_action.trigger()
    assert pair["deck"] in history_ids(window)
    assert "Last interaction 12 days ago" in window.contacts.detail.toPlainText()


def test_undoing_the_add_of_a_person_who_has_interactions_keeps_them(
    qtbot: Any, db: pw.SqliteDatabase, make_window: Callable[[], MainWindow]
) -> None:
    """Logged outside the undo history (here straight in the store, as `ally log` does):
    undoing the add must not delete those interactions for good."""
    window = make_window()
    person = window.editing.create(ContactData(given_name="Dee", family_name="Kay"))
    kept = log(db, [person], "Logged from the command line")
    window.undo_action.trigger()
    record = load_contact(db, person)
    assert record.trashed_at is not None, "moved to the trash, not deleted"
    assert kept in interaction_ids(db, TimelineQuery(trashed=True))
    window.redo_action.trigger()
    assert load_contact(db, person).trashed_at is None
    assert kept in interaction_ids(db, TimelineQuery())


def test_the_days_count_follows_the_calendar_not_24_hour_periods(
    make_window: Callable[[], MainWindow], db: pw.SqliteDatabase, add_person: Callable[..., int]
) -> None:
    eve = add_person("Eve", "Ng")
    yesterday_evening = datetime.combine(
        date.today() - timedelta(days=1), datetime.min.time().replace(hour=23, minute=50)
    ).astimezone()
    create_interaction(db, InteractionData(kind="call", participants=[eve], when=yesterday_evening))
    window = make_window()
    window.contacts.show_contact(eve)
    assert "Last interaction yesterday" in window.contacts.detail.toPlainText()


def test_deleted_interactions_can_be_restored_or_purged_from_the_trash(
    qtbot: Any,
    db: pw.SqliteDatabase,
    make_window: Callable[[], MainWindow],
    pair: dict[str, int],
    answer: Callable[[QMessageBox.StandardButton], list[str]],
) -> None:
    window = make_window()
    window.interactions.set_trashed([pair["deck"], pair["older"]], True, "2 interactions")
    window.show_trash()
    trash = open_dialog(qtbot, window, TrashDialog)
    assert trash.interactions is not None
    side = trash.interactions
    trash.tabs.setCurrentWidget(side)
    assert side.summary.text() == "2 interactions in the trash."
    assert not side.restore_button.isEnabled()
    side.list.select_ids([pair["deck"]])
    assert side.restore_button.isEnabled()
    qtbot.mouseClick(side.restore_button, Qt.MouseButton.LeftButton)
    assert pair["deck"] in interaction_ids(db, TimelineQuery(contact_id=pair["ana"]))
    assert side.summary.text() == "1 interaction in the trash."
    assert window.undo_stack.undoText() == "Restore 1 interaction"

    asked = answer(QMessageBox.StandardButton.Yes)
    side.list.select_ids([pair["older"]])
    qtbot.mouseClick(side.delete_button, Qt.MouseButton.LeftButton)
    assert asked == ["Delete 1 interaction for good? This cannot be undone."]
    assert list(interaction_ids(db, TimelineQuery(trashed=True))) == []
    assert side.summary.text() == "No interaction here."
    assert not window.undo_stack.canUndo(), "a purge clears the history it would break"


def test_person_actions_in_the_timeline_menu_show_the_person(
    qtbot: Any, make_window: Callable[[], MainWindow], pair: dict[str, int]
) -> None:
    window = make_window()
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = window.timeline_page()
    menu = QMenu()
    page._person_actions(menu, [pair["intro"]])
    shows = [a for a in menu.actions() if a.text().startswith("Show ")]
    assert [a.text() for a in shows] == ["Show Ana Ruiz", "Show Bo Chen"]
    shows[1].trigger()
    assert window.views.currentWidget() is window.contacts
    assert window.contacts.selected_ids() == [pair["bo"]]


def test_quick_log_starts_from_the_kind_logged_last(
    qtbot: Any, db: pw.SqliteDatabase, make_window: Callable[[], MainWindow], pair: dict[str, int]
) -> None:
    create_interaction(
        db, InteractionData(kind="Lunch & learn", participants=[pair["bo"]], when=NOW)
    )
    window = make_window()
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    dialog = open_dialog(qtbot, window, InteractionDialog)
    assert dialog.kind.currentText() == "Lunch & learn"
    dialog.reject()
    log(db, [pair["bo"]], "Another coffee")
    window.log_action.trigger()
    again = open_dialog(qtbot, window, InteractionDialog)
    assert again.kind.currentData() == "coffee"
    again.reject()


def test_a_reminder_in_the_profile_opens_its_editor(
    qtbot: Any, db: pw.SqliteDatabase, make_window: Callable[[], MainWindow], pair: dict[str, int]
) -> None:
    from PySide6.QtCore import QUrl

    from ally_desktop.core.reminders import ReminderData, create_reminder
    from ally_desktop.ui.reminders.dialog import ReminderDialog

    rid = create_reminder(
        db, ReminderData("Send the deck", date.today() + timedelta(days=2), contact_id=pair["ana"])
    )
    window = make_window()
    window.contacts.show_contact(pair["ana"])
    assert "Send the deck" in window.contacts.detail.toPlainText()
    assert f"ally-reminder:{rid}" in window.contacts.detail.toHtml()
    window.contacts.detail.anchorClicked.emit(QUrl(f"ally-reminder:{rid}"))
    dialog = open_dialog(qtbot, window, ReminderDialog)
    assert dialog.title.text() == "Send the deck"
    dialog.title.setText("Send the final deck")
    qtbot.keyClick(dialog.title, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "Send the final deck" in window.contacts.detail.toPlainText()
