"""The Reminders view through the window, as a person uses it: set a reminder, mark it done,
snooze, skip, edit and delete it, undo; keeping in touch by logging; the profile's
reminders; the empty view and what the page looks like.

The page the window builds reads the real clock: the reminders here are placed whole days
from today (or at 00:00 today), so they land in the same section at any hour.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import peewee as pw
import pytest
import tzlocal
from PySide6.QtCore import QDate, QLocale, QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPalette, QUndoStack
from PySide6.QtWidgets import QMenu, QMessageBox

from ally_desktop.core.due import Section
from ally_desktop.core.records import ImportantDate
from ally_desktop.core.reminders import (
    Frequency,
    Recurrence,
    ReminderData,
    ReminderNotFoundError,
    contact_reminders,
    create_reminder,
    load_reminder,
    snooze,
)
from ally_desktop.core.timeline import (
    InteractionData,
    TimelineQuery,
    count_interactions,
    create_interaction,
)
from ally_desktop.ui.contacts.commands import ContactChanges
from ally_desktop.ui.main_window import REMINDERS_VIEW, MainWindow
from ally_desktop.ui.reminders.commands import ReminderEditing
from ally_desktop.ui.reminders.dialog import ReminderDialog
from ally_desktop.ui.reminders.model import HEADING_ROLE, ID_ROLE, SECTION_ROLE
from ally_desktop.ui.reminders.page import RemindersPage
from ally_desktop.ui.timeline.dialog import InteractionDialog
from ally_desktop.ui.widgets.people import ChosenPerson
from tests.ui.helpers import CTRL, open_dialog, replace_text, wait_active

TODAY = date.today()
YES = QMessageBox.StandardButton.Yes
NO = QMessageBox.StandardButton.No
CANCEL = QMessageBox.StandardButton.Cancel


@pytest.fixture(autouse=True)
def _zone_as_the_computer_says() -> None:
    tzlocal.reload_localzone()


@pytest.fixture(autouse=True)
def en_gb() -> Iterator[None]:
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    yield
    QLocale.setDefault(before)


# --- reading and driving the Reminders view ------------------------------------------------------


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def remind(
    db: pw.SqliteDatabase,
    title: str,
    day: date,
    *,
    at: time | None = None,
    contact_id: int | None = None,
    recurrence: Recurrence | None = None,
) -> int:
    return create_reminder(
        db,
        ReminderData(
            title, day, "recurring" if recurrence else "once", contact_id, at, recurrence=recurrence
        ),
    )


def show_reminders(qtbot: Any, window: MainWindow) -> RemindersPage:
    """Ctrl+4."""
    qtbot.keyClick(window, Qt.Key.Key_4, CTRL)
    page = window.reminders_page()
    assert window.views.currentWidget() is page
    assert window.current_view() == REMINDERS_VIEW
    return page


def sections(page: RemindersPage) -> dict[Section, list[int]]:
    """The ids under each heading, in the order shown."""
    model = page.model
    found: dict[Section, list[int]] = {}
    current: Section | None = None
    for row in range(model.rowCount()):
        index = model.index(row)
        if index.data(HEADING_ROLE):
            current = index.data(SECTION_ROLE)
            found[current] = []
        else:
            assert current is not None
            found[current].append(index.data(ID_ROLE))
    return found


def headings(page: RemindersPage) -> list[str]:
    model = page.model
    return [
        str(model.index(row).data())
        for row in range(model.rowCount())
        if model.index(row).data(HEADING_ROLE)
    ]


def section_of(page: RemindersPage, reminder_id: int) -> Section | None:
    row = page.model.row_of(reminder_id)
    return None if row is None else page.model.section_at(row)


def row_text(page: RemindersPage, reminder_id: int) -> str:
    row = page.model.row_of(reminder_id)
    assert row is not None, f"reminder {reminder_id} is not listed"
    return str(page.model.index(row).data())


def pick(page: RemindersPage, reminder_id: int) -> None:
    """Selects the reminder and puts the keyboard on the list."""
    page.select(reminder_id)
    page.list.setFocus()
    assert page.selected_id() == reminder_id


def click(qtbot: Any, button: Any) -> None:
    assert button.isEnabled(), f"{button.text()} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def ctrl_enter(qtbot: Any, dialog: Any) -> None:
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return, CTRL)


def saved(qtbot: Any, window: MainWindow, dialog: Any) -> None:
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    assert dialog.result() == dialog.DialogCode.Accepted
    wait_active(qtbot, window)


def menu_texts(menu: QMenu) -> list[str]:
    return [action.text() for action in menu.actions()]


def trigger_in(menu: QMenu, text: str) -> None:
    (action,) = [a for a in menu.actions() if a.text() == text]
    action.trigger()


def when_shown_choose(menu: QMenu, text: str, chosen: list[str]) -> None:
    """Once ``menu`` pops up (in its own event loop), chooses ``text`` in it."""
    tries = [0]

    def choose() -> None:
        tries[0] += 1
        if not menu.isVisible():
            if tries[0] < 300:
                QTimer.singleShot(10, choose)
            return
        chosen.append(text)
        trigger_in(menu, text)
        menu.close()

    QTimer.singleShot(0, choose)


@pytest.fixture
def people(add_person: Callable[..., int], db: pw.SqliteDatabase) -> dict[str, int]:
    """Ana has a birthday in five days; Bo should be seen every week and was last seen
    twenty days ago (his keep-in-touch reminder is thirteen days overdue)."""
    birthday = days(5)
    ana = add_person("Ana", "Ruiz", dates=[ImportantDate("birthday", birthday.month, birthday.day)])
    bo = add_person("Bo", "Chen", cadence_days=7)
    when = datetime.combine(days(-20), time(10, 0)).astimezone()
    create_interaction(db, InteractionData("coffee", [bo], when=when, title="Catch-up"))
    return {"ana": ana, "bo": bo}


def kinds(db: pw.SqliteDatabase, contact_id: int) -> dict[str, int]:
    return {r.kind: r.id for r in contact_reminders(db, contact_id)}


@pytest.fixture
def planned(db: pw.SqliteDatabase, people: dict[str, int]) -> dict[str, int]:
    made = {
        "deck": remind(db, "Send the deck", days(-2)),
        "weekly": remind(db, "Team notes", days(-2), recurrence=Recurrence(Frequency.WEEKLY, 1)),
        "early": remind(db, "Early call", TODAY, at=time(0, 0)),
        "launch": remind(db, "Ask about the launch", days(3), contact_id=people["ana"]),
        "birthday": kinds(db, people["ana"])["date"],
        "touch": kinds(db, people["bo"])["keep_in_touch"],
    }
    return made | people


@pytest.fixture
def opened(
    qtbot: Any, make_window: Callable[[], MainWindow], planned: dict[str, int]
) -> tuple[MainWindow, RemindersPage, dict[str, int]]:
    window = make_window()
    page = show_reminders(qtbot, window)
    return window, page, planned


# --- the list --------------------------------------------------------------------------------


def test_the_view_lists_each_reminder_in_its_section(
    opened: tuple[MainWindow, RemindersPage, dict[str, int]],
) -> None:
    window, page, made = opened
    assert sections(page) == {
        Section.OVERDUE: [made["touch"], made["deck"], made["weekly"]],  # the drifting ally first
        Section.TODAY: [made["early"]],
        Section.UPCOMING: [made["launch"], made["birthday"]],
    }
    assert row_text(page, made["touch"]) == "Bo Chen: Keep in touch"
    assert row_text(page, made["launch"]) == "Ana Ruiz: Ask about the launch"
    assert row_text(page, made["birthday"]) == "Ana Ruiz: Birthday"
    assert page.summary.text() == "4 due now · 2 coming up"
    assert page.stack.currentWidget() is page.list
    assert page.selected_id() is None
    for button in (page.log_button, page.done_button, page.snooze_button, page.dismiss_button):
        assert not button.isEnabled(), f"{button.text()} with nothing selected"
    assert not window.edit_action.isEnabled()
    assert not window.delete_action.isEnabled()


def test_the_empty_view_says_what_will_appear(
    qtbot: Any, db: pw.SqliteDatabase, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    page = show_reminders(qtbot, window)
    assert page.model.rowCount() == 0
    assert page.stack.currentWidget() is page.empty
    assert page.empty.isVisible()
    assert page.empty.text().startswith("Nothing is due.")
    assert "birthdays" in page.empty.text()
    assert page.summary.text() == "Nothing due now"
    assert not page.done_button.isEnabled()
    assert page.new_button.isEnabled()


def test_the_summary_counts_each_section(
    qtbot: Any, db: pw.SqliteDatabase, make_window: Callable[[], MainWindow]
) -> None:
    remind(db, "Send the deck", days(-1))
    remind(db, "Early call", TODAY, at=time(0, 0))
    remind(db, "Ask about the launch", days(4))
    later = remind(db, "Thank Kim", days(-3))
    snooze(db, later, datetime.now(UTC) + timedelta(days=2))
    window = make_window()
    page = show_reminders(qtbot, window)
    assert page.summary.text() == "2 due now · 1 coming up · 1 snoozed"
    assert headings(page) == ["Overdue · 1", "Today · 1", "Upcoming · 1", "Snoozed · 1"]


def test_the_horizon_decides_how_far_upcoming_looks(
    qtbot: Any, db: pw.SqliteDatabase, make_window: Callable[[], MainWindow]
) -> None:
    soon = remind(db, "Ask about the launch", days(3))
    later = remind(db, "Renew the lease", days(20))
    far = remind(db, "Conference", days(45))
    window = make_window()
    page = show_reminders(qtbot, window)
    assert page.horizon.currentText() == "Next 30 days"
    assert sections(page) == {Section.UPCOMING: [soon, later]}
    pick(page, later)
    page.horizon.setCurrentIndex(page.horizon.findData(7))
    assert sections(page) == {Section.UPCOMING: [soon]}
    assert page.summary.text() == "Nothing due now · 1 coming up"
    page.horizon.setCurrentIndex(page.horizon.findData(60))
    assert sections(page) == {Section.UPCOMING: [soon, later, far]}
    assert page.summary.text() == "Nothing due now · 3 coming up"


# --- set a reminder ----------------------------------------------------------------------------


def test_ctrl_r_sets_a_reminder_then_undo_and_redo(
    qtbot: Any, db: pw.SqliteDatabase, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    page = show_reminders(qtbot, window)
    page.list.setFocus()
    qtbot.keyClick(page.list, Qt.Key.Key_R, CTRL)
    dialog = open_dialog(qtbot, window, ReminderDialog)
    assert dialog.windowTitle() == "Set a reminder"
    assert dialog.person.people() == [], "nobody chosen from the Reminders view"
    assert dialog.person.input.hasFocus()
    assert dialog.day.date().toPython() == days(1), "tomorrow unless told"
    dialog.title.setFocus()
    qtbot.keyClicks(dialog.title, "Send the deck")
    dialog.day.setDate(QDate(days(3).year, days(3).month, days(3).day))
    ctrl_enter(qtbot, dialog)
    saved(qtbot, window, dialog)

    (rid,) = [r for ids in sections(page).values() for r in ids]
    record = load_reminder(db, rid)
    assert (record.title, record.kind, record.starts_on, record.at_time) == (
        "Send the deck",
        "once",
        days(3),
        None,
    )
    assert record.contact_id is None
    assert sections(page) == {Section.UPCOMING: [rid]}
    assert page.selected_id() == rid, "the new reminder is selected"
    assert page.stack.currentWidget() is page.list
    assert page.summary.text() == "Nothing due now · 1 coming up"
    assert window.undo_action.text() == "&Undo Set reminder Send the deck"
    assert window.delete_action.isEnabled()

    window.undo_action.trigger()
    assert sections(page) == {}
    with pytest.raises(ReminderNotFoundError):
        load_reminder(db, rid)
    assert page.stack.currentWidget() is page.empty
    assert page.summary.text() == "Nothing due now"

    window.redo_action.trigger()
    assert sections(page) == {Section.UPCOMING: [rid]}, "back with the same id"
    assert load_reminder(db, rid).title == "Send the deck"
    assert page.selected_id() == rid


def test_the_new_button_and_a_reminder_without_a_title_or_person(
    qtbot: Any, db: pw.SqliteDatabase, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    page = show_reminders(qtbot, window)
    click(qtbot, page.new_button)
    dialog = open_dialog(qtbot, window, ReminderDialog)
    ctrl_enter(qtbot, dialog)
    assert dialog.isVisible(), "nothing to remind of: not saved"
    assert dialog.error.isVisible()
    assert "Say what to be reminded of" in dialog.error.text()
    assert sections(page) == {}
    assert not window.undo_stack.canUndo()
    qtbot.keyClick(dialog.title, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_a_recurring_reminder_set_in_the_dialog(
    qtbot: Any, db: pw.SqliteDatabase, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    page = show_reminders(qtbot, window)
    window.remind_action.trigger()
    dialog = open_dialog(qtbot, window, ReminderDialog)
    assert not dialog.interval.isVisibleTo(dialog)
    assert not dialog.weekday_row.isVisibleTo(dialog)
    dialog.title.setText("Stand-up notes")
    dialog.day.setDate(QDate(TODAY.year, TODAY.month, TODAY.day))
    dialog.has_time.setChecked(True)
    dialog.clock.setTime(dialog.clock.time().fromString("00:00", "HH:mm"))
    dialog.repeat.setCurrentIndex(dialog.repeat.findData(Frequency.WEEKLY))
    assert dialog.interval.isVisibleTo(dialog)
    assert dialog.weekday_row.isVisibleTo(dialog)
    assert dialog.end_row.isVisibleTo(dialog)
    dialog.interval.setValue(2)
    dialog.end.setCurrentIndex(2)
    assert dialog.times.isVisibleTo(dialog)
    assert not dialog.until.isVisibleTo(dialog)
    dialog.times.setValue(5)
    ctrl_enter(qtbot, dialog)
    saved(qtbot, window, dialog)
    (rid,) = sections(page)[Section.TODAY]
    record = load_reminder(db, rid)
    assert record.kind == "recurring"
    assert record.recurrence == Recurrence(Frequency.WEEKLY, 2, (), None, 5)
    assert record.at_time == time(0, 0)


# --- done, skip, snooze --------------------------------------------------------------------------


def test_done_on_a_one_off_then_undo_and_redo(
    qtbot: Any,
    db: pw.SqliteDatabase,
    opened: tuple[MainWindow, RemindersPage, dict[str, int]],
) -> None:
    window, page, made = opened
    deck = made["deck"]
    before = load_reminder(db, deck)
    pick(page, deck)
    assert page.done_button.isEnabled()
    assert not page.log_button.isEnabled(), "about nobody: nobody to log with"
    click(qtbot, page.done_button)
    assert page.model.row_of(deck) is None, "finished: gone from the list"
    after = load_reminder(db, deck)
    assert after.alert_at is None
    assert after.done_count == 1
    assert window.undo_action.text() == "&Undo Done: Send the deck"
    assert page.summary.text() == "3 due now · 2 coming up"

    window.undo_action.trigger()
    assert section_of(page, deck) is Section.OVERDUE
    assert page.selected_id() == deck
    again = load_reminder(db, deck)
    assert (again.due_at, again.done_count, again.occurs_on) == (
        before.due_at,
        0,
        before.occurs_on,
    )

    window.redo_action.trigger()
    assert page.model.row_of(deck) is None
    assert load_reminder(db, deck).done_count == 1


def test_done_on_a_recurring_reminder_moves_it_to_its_next_time(
    qtbot: Any,
    db: pw.SqliteDatabase,
    opened: tuple[MainWindow, RemindersPage, dict[str, int]],
) -> None:
    window, page, made = opened
    weekly = made["weekly"]
    assert load_reminder(db, weekly).occurs_on == days(-2)
    pick(page, weekly)
    click(qtbot, page.done_button)
    record = load_reminder(db, weekly)
    assert record.occurs_on == days(5), "a week after the missed one"
    assert record.done_count == 1
    assert section_of(page, weekly) is Section.UPCOMING, "still listed, later"
    assert page.selected_id() == weekly, "still selected where it went"
    assert sections(page)[Section.UPCOMING] == [made["launch"], made["birthday"], weekly]
    window.undo_action.trigger()
    assert section_of(page, weekly) is Section.OVERDUE
    assert load_reminder(db, weekly).occurs_on == days(-2)


def test_skip_moves_on_without_counting_it_done(
    qtbot: Any,
    db: pw.SqliteDatabase,
    opened: tuple[MainWindow, RemindersPage, dict[str, int]],
) -> None:
    window, page, made = opened
    pick(page, made["weekly"])
    click(qtbot, page.dismiss_button)
    record = load_reminder(db, made["weekly"])
    assert (record.occurs_on, record.done_count) == (days(5), 0)
    assert section_of(page, made["weekly"]) is Section.UPCOMING
    assert window.undo_action.text() == "&Undo Dismiss: Team notes"

    pick(page, made["early"])
    click(qtbot, page.dismiss_button)
    assert page.model.row_of(made["early"]) is None
    assert load_reminder(db, made["early"]).done_count == 0
    window.undo_action.trigger()
    assert section_of(page, made["early"]) is Section.TODAY


def test_snooze_in_1_hour_from_the_menu_then_undo(
    qtbot: Any,
    db: pw.SqliteDatabase,
    opened: tuple[MainWindow, RemindersPage, dict[str, int]],
) -> None:
    window, page, made = opened
    deck = made["deck"]
    pick(page, deck)
    assert page.snooze_button.isEnabled()
    assert page.snooze_button.menu() is page.snooze_menu
    page.snooze_menu.popup(page.snooze_button.mapToGlobal(QPoint(0, 0)))
    qtbot.waitUntil(page.snooze_menu.isVisible)
    assert menu_texts(page.snooze_menu) == [
        "In 1 hour",
        "Tomorrow morning",
        "Next week",
        "",
        "Choose a time…",
    ]
    started = datetime.now(UTC)
    trigger_in(page.snooze_menu, "In 1 hour")
    page.snooze_menu.close()

    until = load_reminder(db, deck).snoozed_until
    assert until is not None
    assert timedelta(minutes=59) < until - started < timedelta(minutes=61)
    assert section_of(page, deck) is Section.SNOOZED
    assert page.selected_id() == deck
    assert page.summary.text() == "3 due now · 2 coming up · 1 snoozed"
    assert window.undo_action.text() == "&Undo Snooze: Send the deck"

    window.undo_action.trigger()
    assert section_of(page, deck) is Section.OVERDUE
    assert load_reminder(db, deck).snoozed_until is None
    assert page.summary.text() == "4 due now · 2 coming up"


def test_snooze_choose_a_time_opens_the_snooze_dialog(
    qtbot: Any,
    db: pw.SqliteDatabase,
    opened: tuple[MainWindow, RemindersPage, dict[str, int]],
) -> None:
    from ally_desktop.ui.reminders.snooze import SnoozeDialog

    window, page, made = opened
    pick(page, made["deck"])
    page.snooze_menu.popup(page.snooze_button.mapToGlobal(QPoint(0, 0)))
    qtbot.waitUntil(page.snooze_menu.isVisible)
    trigger_in(page.snooze_menu, "Choose a time…")
    page.snooze_menu.close()
    dialog = open_dialog(qtbot, window, SnoozeDialog)
    chosen = dialog.when.dateTime().toPython()
    assert isinstance(chosen, datetime)
    dialog.accept()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    until = load_reminder(db, made["deck"]).snoozed_until
    assert until is not None
    assert until == chosen.astimezone().astimezone(UTC)
    assert section_of(page, made["deck"]) is Section.SNOOZED


def test_keys_d_and_s_on_the_list(
    qtbot: Any,
    db: pw.SqliteDatabase,
    opened: tuple[MainWindow, RemindersPage, dict[str, int]],
) -> None:
    window, page, made = opened
    pick(page, made["deck"])
    qtbot.keyClick(page.list, Qt.Key.Key_D)
    assert page.model.row_of(made["deck"]) is None
    assert load_reminder(db, made["deck"]).done_count == 1

    pick(page, made["early"])
    chosen: list[str] = []
    when_shown_choose(page.snooze_menu, "Tomorrow morning", chosen)
    qtbot.keyClick(page.list, Qt.Key.Key_S)  # the menu's own event loop runs meanwhile
    assert chosen == ["Tomorrow morning"]
    until = load_reminder(db, made["early"]).snoozed_until
    assert until is not None
    assert until.astimezone().date() == days(1)
    assert (until.astimezone().hour, until.astimezone().minute) == (9, 0)
    assert section_of(page, made["early"]) is Section.SNOOZED
    assert window.undo_stack.count() == 2

    page.list.clearSelection()
    page.list.setFocus()
    qtbot.keyClick(page.list, Qt.Key.Key_D)
    qtbot.keyClick(page.list, Qt.Key.Key_S)
    assert window.undo_stack.count() == 2, "nothing selected: nothing done"
    assert not page.snooze_menu.isVisible()


# --- delete and edit -----------------------------------------------------------------------------


def test_delete_with_the_button_and_the_windows_action_then_undo(
    qtbot: Any,
    db: pw.SqliteDatabase,
    opened: tuple[MainWindow, RemindersPage, dict[str, int]],
) -> None:
    window, page, made = opened
    deck = made["deck"]
    pick(page, deck)
    click(qtbot, page.delete_button)
    assert page.model.row_of(deck) is None
    with pytest.raises(ReminderNotFoundError):
        load_reminder(db, deck)
    assert window.undo_action.text() == "&Undo Delete reminder Send the deck"
    window.undo_action.trigger()
    assert section_of(page, deck) is Section.OVERDUE
    assert load_reminder(db, deck).title == "Send the deck"

    pick(page, deck)
    assert window.delete_action.isEnabled()
    assert window.delete_action.statusTip() == "Delete the selected reminder (Delete)"
    window.delete_action.trigger()
    assert page.model.row_of(deck) is None
    window.undo_action.trigger()
    assert section_of(page, deck) is Section.OVERDUE

    pick(page, made["launch"])
    qtbot.keyClick(page.list, Qt.Key.Key_Delete)
    assert page.model.row_of(made["launch"]) is None
    assert window.undo_action.text() == "&Undo Delete reminder Ask about the launch (Ana Ruiz)"
    window.undo_action.trigger()
    assert load_reminder(db, made["launch"]).contact_id == made["ana"]
    assert section_of(page, made["launch"]) is Section.UPCOMING


def test_double_click_edits_and_undo_restores(
    qtbot: Any,
    db: pw.SqliteDatabase,
    opened: tuple[MainWindow, RemindersPage, dict[str, int]],
) -> None:
    window, page, made = opened
    launch = made["launch"]
    index = page.model.index(page.model.row_of(launch) or 0)
    page.list.scrollTo(index)
    where = page.list.visualRect(index).center()
    qtbot.mouseClick(page.list.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert page.selected_id() == launch
    assert window.edit_action.isEnabled()
    assert window.edit_action.text() == "&Edit reminder…"
    qtbot.mouseDClick(page.list.viewport(), Qt.MouseButton.LeftButton, pos=where)
    dialog = open_dialog(qtbot, window, ReminderDialog)
    assert dialog.windowTitle() == "Edit reminder"
    assert dialog.title.text() == "Ask about the launch"
    assert dialog.person.people() == [ChosenPerson(made["ana"], "Ana Ruiz")]
    assert dialog.day.date().toPython() == days(3)
    assert not dialog.has_time.isChecked()
    assert dialog.repeat.currentData() is None

    replace_text(qtbot, dialog.title, "Ask how the launch went")
    ctrl_enter(qtbot, dialog)
    saved(qtbot, window, dialog)
    assert load_reminder(db, launch).title == "Ask how the launch went"
    assert row_text(page, launch) == "Ana Ruiz: Ask how the launch went"
    assert page.selected_id() == launch
    assert window.undo_action.text() == "&Undo Edit reminder Ask how the launch went"

    window.undo_action.trigger()
    assert load_reminder(db, launch).title == "Ask about the launch"
    assert row_text(page, launch) == "Ana Ruiz: Ask about the launch"
    window.redo_action.trigger()
    assert row_text(page, launch) == "Ana Ruiz: Ask how the launch went"


def test_enter_and_f2_edit_the_selected_reminder(
    qtbot: Any,
    db: pw.SqliteDatabase,
    opened: tuple[MainWindow, RemindersPage, dict[str, int]],
) -> None:
    window, page, made = opened
    pick(page, made["weekly"])
    qtbot.keyClick(page.list, Qt.Key.Key_Return)
    dialog = open_dialog(qtbot, window, ReminderDialog)
    assert dialog.title.text() == "Team notes"
    assert dialog.repeat.currentData() is Frequency.WEEKLY
    assert dialog.day.date().toPython() == days(-2)
    qtbot.keyClick(dialog.title, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    wait_active(qtbot, window)
    assert not window.undo_stack.canUndo(), "cancelled: nothing recorded"

    page.list.setFocus()
    qtbot.keyClick(page.list, Qt.Key.Key_F2)
    second = open_dialog(qtbot, window, ReminderDialog)
    assert second.title.text() == "Team notes"
    second.note.setPlainText("Bring the numbers")
    ctrl_enter(qtbot, second)
    saved(qtbot, window, second)
    assert load_reminder(db, made["weekly"]).note == "Bring the numbers"
    window.undo_action.trigger()
    assert load_reminder(db, made["weekly"]).note == ""


def test_editing_the_note_of_a_recurring_reminder_keeps_its_next_time(
    qtbot: Any,
    db: pw.SqliteDatabase,
    opened: tuple[MainWindow, RemindersPage, dict[str, int]],
) -> None:
    window, page, made = opened
    weekly = made["weekly"]
    pick(page, weekly)
    click(qtbot, page.done_button)
    assert load_reminder(db, weekly).occurs_on == days(5)
    qtbot.keyClick(page.list, Qt.Key.Key_Return)
    dialog = open_dialog(qtbot, window, ReminderDialog)
    dialog.note.setPlainText("Bring the numbers")
    ctrl_enter(qtbot, dialog)
    saved(qtbot, window, dialog)
    record = load_reminder(db, weekly)
    assert record.note == "Bring the numbers"
    assert record.occurs_on == days(5), "the done occurrence does not come back"
    assert section_of(page, weekly) is Section.UPCOMING


def test_birthdays_and_keeping_in_touch_are_not_edited_or_deleted_here(
    qtbot: Any,
    db: pw.SqliteDatabase,
    opened: tuple[MainWindow, RemindersPage, dict[str, int]],
) -> None:
    window, page, made = opened
    for key in ("birthday", "touch"):
        pick(page, made[key])
        assert not page.edit_button.isEnabled(), key
        assert not page.delete_button.isEnabled(), key
        assert "edit the person instead" in page.edit_button.toolTip()
        assert not window.edit_action.isEnabled(), key
        assert not window.delete_action.isEnabled(), key
        assert page.done_button.isEnabled()
        assert page.snooze_button.isEnabled()
        assert page.log_button.isEnabled(), "about a person: log with them"
        page.delete_selected()
        page.edit_selected()
        qtbot.keyClick(page.list, Qt.Key.Key_Return)
        qtbot.keyClick(page.list, Qt.Key.Key_Delete)
        assert load_reminder(db, made[key]).kind in ("date", "keep_in_touch")
        assert not any(d.isVisible() for d in window.findChildren(ReminderDialog))
    assert not window.undo_stack.canUndo()

    pick(page, made["deck"])
    assert page.edit_button.isEnabled()
    assert page.delete_button.isEnabled()
    assert window.edit_action.isEnabled()
    assert window.delete_action.isEnabled()


def test_the_windows_actions_follow_a_selection_that_vanished(
    qtbot: Any, opened: tuple[MainWindow, RemindersPage, dict[str, int]]
) -> None:
    """Done or Delete take the selected reminder off the list: nothing is selected, so
    the window's Edit and Delete are off, like the page's buttons."""
    window, page, made = opened
    for key, button in (("deck", page.done_button), ("launch", page.delete_button)):
        pick(page, made[key])
        assert window.delete_action.isEnabled()
        click(qtbot, button)
        assert page.model.row_of(made[key]) is None
        assert page.selected_id() is None
        assert not page.edit_button.isEnabled()
        assert not page.done_button.isEnabled()
        assert not window.edit_action.isEnabled(), f"after {button.text()}"
        assert not window.delete_action.isEnabled(), f"after {button.text()}"
    window.undo_action.trigger()
    assert page.selected_id() == made["launch"], "undo selects it again"
    assert window.delete_action.isEnabled()


def test_leaving_the_view_gives_the_actions_back_to_contacts(
    qtbot: Any, opened: tuple[MainWindow, RemindersPage, dict[str, int]]
) -> None:
    window, page, made = opened
    pick(page, made["deck"])
    assert window.edit_action.text() == "&Edit reminder…"
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL)
    assert window.edit_action.text() == "&Edit person…"
    assert not window.delete_action.isEnabled(), "no person selected"
    qtbot.keyClick(window, Qt.Key.Key_4, CTRL)
    assert window.edit_action.text() == "&Edit reminder…"
    assert window.delete_action.isEnabled(), "the reminder is still selected"


# --- keeping in touch ----------------------------------------------------------------------------


def test_done_on_keeping_in_touch_yes_logs_the_interaction_instead(
    qtbot: Any,
    db: pw.SqliteDatabase,
    answer: Callable[[QMessageBox.StandardButton], list[str]],
    opened: tuple[MainWindow, RemindersPage, dict[str, int]],
) -> None:
    window, page, made = opened
    touch, bo = made["touch"], made["bo"]
    before = load_reminder(db, touch)
    asked = answer(YES)
    pick(page, touch)
    with qtbot.waitSignal(page.logRequested) as requested:
        click(qtbot, page.done_button)
    assert requested.args == [[bo]]
    assert len(asked) == 1
    assert asked[0].startswith("Did you talk to Bo Chen?")
    dialog = open_dialog(qtbot, window, InteractionDialog)
    assert dialog.people.people() == [ChosenPerson(bo, "Bo Chen")]
    assert load_reminder(db, touch) == before, "nothing changes until it is logged"
    assert not window.undo_stack.canUndo()
    assert section_of(page, touch) is Section.OVERDUE

    dialog.title.setText("Coffee with Bo")
    ctrl_enter(qtbot, dialog)
    saved(qtbot, window, dialog)
    assert count_interactions(db, TimelineQuery(contact_id=bo)) == 2
    after = load_reminder(db, touch)
    assert after.due_at is not None
    assert after.due_at.astimezone().date() == days(7), "a cadence after today's coffee"
    assert after.done_count == 0, "logged, not marked done"
    assert section_of(page, touch) is Section.UPCOMING, "out of Overdue"
    assert page.summary.text() == "3 due now · 3 coming up"

    window.undo_action.trigger()  # the log
    assert section_of(page, touch) is Section.OVERDUE


def test_log_interaction_button_opens_the_log_prefilled(
    qtbot: Any,
    db: pw.SqliteDatabase,
    opened: tuple[MainWindow, RemindersPage, dict[str, int]],
) -> None:
    window, page, made = opened
    pick(page, made["launch"])
    click(qtbot, page.log_button)
    dialog = open_dialog(qtbot, window, InteractionDialog)
    assert dialog.people.people() == [ChosenPerson(made["ana"], "Ana Ruiz")]
    qtbot.keyClick(dialog.title, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert section_of(page, made["launch"]) is Section.UPCOMING, "a one-off stays"


def test_done_on_keeping_in_touch_no_marks_it_done_without_logging(
    qtbot: Any,
    db: pw.SqliteDatabase,
    answer: Callable[[QMessageBox.StandardButton], list[str]],
    opened: tuple[MainWindow, RemindersPage, dict[str, int]],
) -> None:
    window, page, made = opened
    touch, bo = made["touch"], made["bo"]
    before = load_reminder(db, touch)
    asked = answer(NO)
    pick(page, touch)
    click(qtbot, page.done_button)
    assert len(asked) == 1
    assert not any(d.isVisible() for d in window.findChildren(InteractionDialog))
    assert count_interactions(db, TimelineQuery(contact_id=bo)) == 1, "nothing logged"
    after = load_reminder(db, touch)
    assert after.done_count == 1
    assert after.due_at is not None
    assert after.due_at.astimezone().date() == days(7)
    assert section_of(page, touch) is Section.UPCOMING, "moved to the future"
    assert window.undo_action.text() == "&Undo Done: keep in touch (Bo Chen)"

    window.undo_action.trigger()
    assert load_reminder(db, touch) == before
    assert section_of(page, touch) is Section.OVERDUE


def test_done_on_keeping_in_touch_cancel_does_nothing(
    qtbot: Any,
    db: pw.SqliteDatabase,
    answer: Callable[[QMessageBox.StandardButton], list[str]],
    opened: tuple[MainWindow, RemindersPage, dict[str, int]],
) -> None:
    window, page, made = opened
    before = load_reminder(db, made["touch"])
    asked = answer(CANCEL)
    pick(page, made["touch"])
    qtbot.keyClick(page.list, Qt.Key.Key_D)
    assert len(asked) == 1
    assert load_reminder(db, made["touch"]) == before
    assert not window.undo_stack.canUndo()
    assert not any(d.isVisible() for d in window.findChildren(InteractionDialog))
    assert section_of(page, made["touch"]) is Section.OVERDUE
    assert page.selected_id() == made["touch"]


def test_done_on_a_birthday_asks_nothing_and_moves_it_a_year(
    qtbot: Any,
    db: pw.SqliteDatabase,
    answer: Callable[[QMessageBox.StandardButton], list[str]],
    opened: tuple[MainWindow, RemindersPage, dict[str, int]],
) -> None:
    window, page, made = opened
    asked = answer(CANCEL)
    pick(page, made["birthday"])
    click(qtbot, page.done_button)
    assert asked == []
    record = load_reminder(db, made["birthday"])
    assert record.occurs_on is not None
    assert record.occurs_on > days(360)
    assert page.model.row_of(made["birthday"]) is None, "beyond the horizon now"
    window.undo_action.trigger()
    assert section_of(page, made["birthday"]) is Section.UPCOMING


# --- the profile ---------------------------------------------------------------------------------


def test_the_profile_lists_a_persons_birthday_and_keeping_in_touch(
    qtbot: Any,
    db: pw.SqliteDatabase,
    add_person: Callable[..., int],
    make_window: Callable[[], MainWindow],
) -> None:
    birthday = days(5)
    cy = add_person(
        "Cy",
        "Lee",
        cadence_days=30,
        dates=[ImportantDate("birthday", birthday.month, birthday.day)],
    )
    window = make_window()
    window.contacts.show_contact(cy)
    text = window.contacts.detail.toPlainText()
    assert "REMINDERS" in text
    reminders = text.split("REMINDERS", 1)[1]
    assert f"Birthday · {birthday:%a} {birthday.day} {birthday:%B}" in reminders
    due = days(30)
    assert f"Keep in touch · {due:%a} {due.day} {due:%B}" in reminders


def test_a_person_without_reminders_has_no_reminders_section(
    make_window: Callable[[], MainWindow], add_person: Callable[..., int]
) -> None:
    dee = add_person("Dee", "Kay")
    window = make_window()
    window.contacts.show_contact(dee)
    assert "REMINDERS" not in window.contacts.detail.toPlainText()


def test_remind_me_in_the_history_sets_a_reminder_about_the_person(
    qtbot: Any,
    db: pw.SqliteDatabase,
    add_person: Callable[..., int],
    make_window: Callable[[], MainWindow],
) -> None:
    dee = add_person("Dee", "Kay")
    window = make_window()
    window.contacts.show_contact(dee)
    button = window.contacts.history.remind_button
    qtbot.waitUntil(lambda: button.isVisible() and button.height() > 0)  # laid out
    click(qtbot, button)
    dialog = open_dialog(qtbot, window, ReminderDialog)
    assert dialog.windowTitle() == "Set a reminder"
    assert dialog.person.people() == [ChosenPerson(dee, "Dee Kay")]
    assert dialog.title.hasFocus(), "the person is chosen: on to what"
    qtbot.keyClicks(dialog.title, "Ask about the launch")
    ctrl_enter(qtbot, dialog)
    saved(qtbot, window, dialog)

    (record,) = contact_reminders(db, dee)
    assert (record.title, record.kind, record.starts_on) == (
        "Ask about the launch",
        "once",
        days(1),
    )
    text = window.contacts.detail.toPlainText()
    assert "REMINDERS" in text
    assert "Ask about the launch · tomorrow 09:00" in text
    assert window.undo_action.text() == "&Undo Set reminder Ask about the launch"

    window.undo_action.trigger()
    assert "REMINDERS" not in window.contacts.detail.toPlainText()
    assert contact_reminders(db, dee) == []


def test_ctrl_r_on_a_selected_person_prefills_them(
    qtbot: Any, make_window: Callable[[], MainWindow], add_person: Callable[..., int]
) -> None:
    dee = add_person("Dee", "Kay")
    window = make_window()
    window.contacts.show_contact(dee)
    window.contacts.table.setFocus()
    qtbot.keyClick(window.contacts.table, Qt.Key.Key_R, CTRL)
    dialog = open_dialog(qtbot, window, ReminderDialog)
    assert dialog.person.people() == [ChosenPerson(dee, "Dee Kay")]
    dialog.reject()


# --- what it looks like --------------------------------------------------------------------------


def _colours(image: QImage, area: QRect) -> set[int]:
    return {
        image.pixel(x, y)
        for y in range(area.top(), area.bottom(), 2)
        for x in range(area.left(), area.right(), 2)
    }


def _close(a: QColor, b: QColor) -> bool:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) < 40


def test_the_reminders_page_paints(
    qtbot: Any, db: pw.SqliteDatabase, people: dict[str, int]
) -> None:
    """A heading and rows in every section, a selected row, a long title and a note:
    painted without error, and visibly so."""
    now = datetime.combine(TODAY, time(12, 0)).astimezone()
    picked = remind(db, "Send the deck", days(-2))
    remind(db, "x" * 300, days(-1))
    remind(db, "Early call", TODAY, at=time(8, 0))
    create_reminder(
        db,
        ReminderData(
            "Stand-up notes",
            days(2),
            "recurring",
            recurrence=Recurrence(Frequency.WEEKLY, 1, (0, 3)),
            note="Bring the numbers\nand the plan",
        ),
    )
    snoozed = remind(db, "Thank Kim", days(-3))
    snooze(db, snoozed, now + timedelta(days=1))
    page = RemindersPage(db, ReminderEditing(db, QUndoStack(), ContactChanges()), now=now)
    qtbot.addWidget(page)
    page.resize(900, 640)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=3000)
    assert list(sections(page)) == list(Section)
    page.select(picked)
    page.list.setFocus()
    assert page.selected_id() == picked

    image = page.grab().toImage()
    assert not image.isNull()
    viewport = page.list.viewport()
    origin = viewport.mapTo(page, QPoint(0, 0))
    assert len(_colours(image, viewport.rect().translated(origin))) > 20, "not a blank list"

    row = page.model.row_of(picked)
    assert row is not None
    area = page.list.visualRect(page.model.index(row)).translated(origin)
    assert area.height() > 0
    highlight = page.list.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
    beside = QPoint(area.center().x(), area.bottom() - 2)
    assert _close(QColor(image.pixel(beside)), highlight), "the selected row is highlighted"
    heading = page.list.visualRect(page.model.index(0)).translated(origin)
    assert len(_colours(image, heading)) > 2, "the Overdue heading is drawn"
