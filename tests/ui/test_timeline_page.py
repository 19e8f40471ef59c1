"""The Timeline view through the window, as a person uses it: quick log, edit, delete,
undo, filters, zones and what it looks like."""

from __future__ import annotations

import time as time_module
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import peewee as pw
import pytest
import tzlocal
from PySide6.QtCore import QDate, QLocale, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPalette, QUndoStack

from ally_desktop.core.contact_queries import count_contacts, find_by_name
from ally_desktop.core.contacts import ContactNotFoundError, load_contact
from ally_desktop.core.records import ContactData
from ally_desktop.core.timeline import (
    InteractionData,
    TimelineQuery,
    count_interactions,
    create_interaction,
    interaction_ids,
    load_interaction,
    local_zone_name,
)
from ally_desktop.ui.contacts.commands import ContactChanges
from ally_desktop.ui.main_window import TIMELINE_VIEW, MainWindow
from ally_desktop.ui.timeline.commands import InteractionEditing
from ally_desktop.ui.timeline.dialog import InteractionDialog
from ally_desktop.ui.timeline.model import HEADING_ROLE, ID_ROLE
from ally_desktop.ui.timeline.page import TimelinePage
from ally_desktop.ui.widgets.people import ChosenPerson
from tests.ui.helpers import (
    CTRL,
    open_dialog,
    replace_text,
    select_rows,
    shown_names,
    wait_active,
)


@pytest.fixture(autouse=True)
def _zone_as_the_computer_says() -> None:
    """tzlocal caches the zone's name for the life of the process (see
    test_local_zone_name_follows_tz): start each test from the zone the process is in."""
    tzlocal.reload_localzone()


@pytest.fixture(autouse=True)
def en_gb() -> Iterator[None]:
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    yield
    QLocale.setDefault(before)


# --- reading and driving the Timeline --------------------------------------------------------


def show_timeline(qtbot: Any, window: MainWindow) -> TimelinePage:
    """Ctrl+3."""
    qtbot.keyClick(window, Qt.Key.Key_3, CTRL)
    page = window.timeline_page()
    assert window.views.currentWidget() is page
    assert window.current_view() == TIMELINE_VIEW
    return page


def shown_ids(page: TimelinePage) -> list[int]:
    model = page.list.timeline
    return [
        model.index(row).data(ID_ROLE)
        for row in range(model.rowCount())
        if not model.index(row).data(HEADING_ROLE)
    ]


def headings(page: TimelinePage) -> list[str]:
    model = page.list.timeline
    return [
        str(model.index(row).data())
        for row in range(model.rowCount())
        if model.index(row).data(HEADING_ROLE)
    ]


def row_text(page: TimelinePage, interaction_id: int) -> str:
    model = page.list.timeline
    row = model.row_of(interaction_id)
    assert row is not None, f"interaction {interaction_id} is not in the list"
    return str(model.index(row).data())


def stored(db: pw.SqliteDatabase, **query: Any) -> list[int]:
    return list(interaction_ids(db, TimelineQuery(**query)))


def quick_log(qtbot: Any, window: MainWindow) -> InteractionDialog:
    """Ctrl+L: the dialog, with the cursor in the people field."""
    qtbot.keyClick(window, Qt.Key.Key_L, CTRL)
    dialog = open_dialog(qtbot, window, InteractionDialog)
    assert dialog.people.input.hasFocus()
    return dialog


def pick(qtbot: Any, dialog: InteractionDialog, typed: str) -> None:
    """Types part of a name in the people field and presses Enter."""
    qtbot.keyClicks(dialog.people.input, typed)
    qtbot.keyClick(dialog.people.input, Qt.Key.Key_Return)


def suggestions(dialog: InteractionDialog) -> list[str]:
    shown = dialog.people.suggestions
    return [shown.item(row).text() for row in range(shown.count())]


def ctrl_enter(qtbot: Any, dialog: InteractionDialog, key: Qt.Key = Qt.Key.Key_Return) -> None:
    widget = dialog.focusWidget() or dialog
    qtbot.keyClick(widget, key, CTRL)


def saved(qtbot: Any, window: MainWindow, dialog: InteractionDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    assert dialog.result() == InteractionDialog.DialogCode.Accepted
    wait_active(qtbot, window)


def undo(qtbot: Any, page: TimelinePage) -> None:
    page.list.setFocus()
    qtbot.keyClick(page.list, Qt.Key.Key_Z, CTRL)


def count_text(qtbot: Any, page: TimelinePage, text: str) -> None:
    qtbot.waitUntil(lambda: page.count_label.text() == text, timeout=3000)


def choose(combo: Any, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, f"{text!r} is not offered"
    combo.setCurrentIndex(index)


def local(days_ago: int, hour: int = 10) -> datetime:
    day = date.today() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour, 0)).astimezone()


def log(db: pw.SqliteDatabase, people: list[int], when: datetime, **fields: Any) -> int:
    """Logs an interaction, in this computer's zone unless told otherwise (as the dialog)."""
    fields.setdefault("time_zone", local_zone_name())
    return create_interaction(
        db, InteractionData(fields.pop("kind", "meeting"), people, when=when, **fields)
    )


@pytest.fixture
def pair(add_person: Callable[..., int]) -> tuple[int, int]:
    return add_person("Alice", "Martin"), add_person("Bo", "Chen")


# --- quick log ---------------------------------------------------------------------------------


def test_quick_log_with_completion_then_undo_and_redo(
    qtbot: Any,
    db: pw.SqliteDatabase,
    pair: tuple[int, int],
    make_window: Callable[[], MainWindow],
) -> None:
    alice, bo = pair
    window = make_window()
    page = show_timeline(qtbot, window)
    assert shown_ids(page) == []

    started = datetime.now().astimezone()
    dialog = quick_log(qtbot, window)
    assert dialog.windowTitle() == "Log an interaction"
    qtbot.keyClicks(dialog.people.input, "ali")
    assert dialog.people.suggestions.isVisible()
    assert suggestions(dialog) == ["Alice Martin", "Add “ali” as a new person"]
    qtbot.keyClick(dialog.people.input, Qt.Key.Key_Return)
    assert dialog.people.people() == [ChosenPerson(alice, "Alice Martin")]
    assert dialog.people.input.text() == ""
    assert dialog.people.input.hasFocus()
    assert not dialog.people.suggestions.isVisible()
    pick(qtbot, dialog, "bo")
    assert dialog.people.people() == [
        ChosenPerson(alice, "Alice Martin"),
        ChosenPerson(bo, "Bo Chen"),
    ]
    assert dialog.isVisible(), "Enter picks a name; it does not save"
    assert stored(db) == []
    qtbot.keyClicks(dialog.title, "Pricing review")
    ctrl_enter(qtbot, dialog)
    saved(qtbot, window, dialog)

    (iid,) = stored(db)
    record = load_interaction(db, iid)
    assert sorted(record.data.participants) == sorted([alice, bo])
    assert record.data.title == "Pricing review"
    assert record.data.kind == "meeting", "the first kind is the default"
    assert record.data.time_zone == local_zone_name()
    assert record.data.when is not None
    assert abs(record.data.when - started) < timedelta(minutes=2), "it happened now"
    assert record.data.day == date.today()

    assert headings(page) == ["Today"]
    assert shown_ids(page) == [iid]
    assert page.list.timeline.row_of(iid) == 1, "at the top, under Today"
    assert page.selected_ids() == [iid]
    assert "Pricing review — with Alice Martin, Bo Chen" in row_text(page, iid)
    count_text(qtbot, page, "1 interaction")
    assert page.stack.currentWidget() is page.list
    assert window.undo_action.text() == "&Undo Log Pricing review"
    assert window.edit_action.isEnabled()

    undo(qtbot, page)
    assert stored(db) == []
    assert shown_ids(page) == []
    assert page.stack.currentWidget() is page.empty
    assert "Nothing logged yet" in page.empty_text.text()
    count_text(qtbot, page, "0 interactions")

    window.redo_action.trigger()
    assert stored(db) == [iid], "back with the same id"
    assert shown_ids(page) == [iid]
    assert page.selected_ids() == [iid]
    again = load_interaction(db, iid).data
    assert (again.participants, again.title, again.kind, again.when, again.time_zone) == (
        record.data.participants,
        record.data.title,
        record.data.kind,
        record.data.when,
        record.data.time_zone,
    )  # its day: see test_undo_and_redo_keep_an_evening_on_its_day
    assert page.stack.currentWidget() is page.list


def test_an_unknown_name_becomes_a_new_person(
    qtbot: Any,
    db: pw.SqliteDatabase,
    pair: tuple[int, int],
    make_window: Callable[[], MainWindow],
) -> None:
    alice, _ = pair
    window = make_window()
    page = show_timeline(qtbot, window)
    dialog = quick_log(qtbot, window)
    qtbot.keyClicks(dialog.people.input, "Zoe Park")
    assert suggestions(dialog) == ["Add “Zoe Park” as a new person"]
    qtbot.keyClick(dialog.people.input, Qt.Key.Key_Return)
    assert count_contacts(db) == 3
    (zoe,) = [m.id for m in find_by_name(db, "Zoe Park")]
    data = load_contact(db, zoe).data
    assert (data.given_name, data.family_name) == ("Zoe", "Park")
    assert dialog.people.people() == [ChosenPerson(zoe, "Zoe Park")]
    assert dialog.people.input.hasFocus()
    pick(qtbot, dialog, "ali")
    qtbot.keyClicks(dialog.title, "Intro lunch")
    ctrl_enter(qtbot, dialog, Qt.Key.Key_Enter)
    saved(qtbot, window, dialog)

    (iid,) = stored(db)
    assert sorted(load_interaction(db, iid).data.participants) == sorted([alice, zoe])
    assert "with Alice Martin, Zoe Park" in row_text(page, iid)
    assert "Zoe Park" in shown_names(window)

    undo(qtbot, page)
    assert stored(db) == []
    assert count_contacts(db) == 3, "the first undo takes back the interaction only"
    undo(qtbot, page)
    assert count_contacts(db) == 2
    with pytest.raises(ContactNotFoundError):
        load_contact(db, zoe)
    assert "Zoe Park" not in shown_names(window)
    assert count_contacts(db, trashed=True) == 0, "deleted for good: nothing refers to her"

    window.redo_action.trigger()
    window.redo_action.trigger()
    assert load_contact(db, zoe).name == "Zoe Park"
    assert stored(db) == [iid]
    assert shown_ids(page) == [iid]


def test_an_exact_name_is_not_offered_as_new(
    qtbot: Any, pair: tuple[int, int], make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    dialog = quick_log(qtbot, window)
    qtbot.keyClicks(dialog.people.input, "bo chen")
    assert suggestions(dialog) == ["Bo Chen"]
    qtbot.keyClick(dialog.people.input, Qt.Key.Key_Escape)
    assert dialog.isVisible(), "Escape closes the suggestions first"
    assert not dialog.people.suggestions.isVisible()
    qtbot.keyClick(dialog.people.input, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.people.input, Qt.Key.Key_Return)
    assert [p.name for p in dialog.people.people()] == ["Bo Chen"]
    qtbot.keyClicks(dialog.people.input, "b")
    assert suggestions(dialog) == ["Add “b” as a new person"], "the chosen are not offered"
    qtbot.keyClick(dialog.people.input, Qt.Key.Key_Backspace)
    qtbot.keyClick(dialog.people.input, Qt.Key.Key_Backspace)
    assert dialog.people.people() == [], "Backspace in the empty field removes the last chip"


def test_quick_log_from_contacts_names_the_selected_people(
    qtbot: Any,
    db: pw.SqliteDatabase,
    pair: tuple[int, int],
    add_person: Callable[..., int],
    make_window: Callable[[], MainWindow],
) -> None:
    alice, bo = pair
    add_person("Cy", "Diaz")
    window = make_window()
    assert shown_names(window) == ["Alice Martin", "Bo Chen", "Cy Diaz"]
    select_rows(window, 1)
    dialog = quick_log(qtbot, window)
    assert dialog.people.people() == [ChosenPerson(bo, "Bo Chen")]
    ctrl_enter(qtbot, dialog)
    saved(qtbot, window, dialog)
    (iid,) = stored(db)
    assert load_interaction(db, iid).data.participants == [bo]

    select_rows(window, 0, 1)
    dialog = quick_log(qtbot, window)
    assert dialog.people.people() == [
        ChosenPerson(alice, "Alice Martin"),
        ChosenPerson(bo, "Bo Chen"),
    ]
    qtbot.keyClick(dialog.people.input, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert stored(db) == [iid], "Escape stores nothing"


def test_quick_log_from_a_timeline_filtered_by_person(
    qtbot: Any,
    db: pw.SqliteDatabase,
    pair: tuple[int, int],
    make_window: Callable[[], MainWindow],
) -> None:
    _, bo = pair
    window = make_window()
    page = show_timeline(qtbot, window)
    qtbot.keyClicks(page.person.input, "bo")
    qtbot.keyClick(page.person.input, Qt.Key.Key_Return)
    assert page.current_query().contact_id == bo
    wait_active(qtbot, window)
    dialog = quick_log(qtbot, window)
    assert dialog.people.people() == [ChosenPerson(bo, "Bo Chen")]


def test_a_name_typed_but_not_chosen_blocks_saving(
    qtbot: Any,
    db: pw.SqliteDatabase,
    pair: tuple[int, int],
    make_window: Callable[[], MainWindow],
) -> None:
    window = make_window()
    dialog = quick_log(qtbot, window)
    pick(qtbot, dialog, "bo")
    qtbot.keyClicks(dialog.people.input, "ali")
    ctrl_enter(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.error.isVisible()
    assert "“ali” is typed but not chosen" in dialog.error.text()
    assert dialog.people.input.hasFocus()
    assert stored(db) == []
    assert not window.undo_stack.canUndo()

    qtbot.keyClick(dialog.people.input, Qt.Key.Key_Return)
    ctrl_enter(qtbot, dialog)
    saved(qtbot, window, dialog)
    (iid,) = stored(db)
    assert sorted(load_interaction(db, iid).data.participants) == sorted(pair)


def test_nobody_chosen_explains_and_stores_nothing(
    qtbot: Any,
    db: pw.SqliteDatabase,
    pair: tuple[int, int],
    make_window: Callable[[], MainWindow],
) -> None:
    window = make_window()
    dialog = quick_log(qtbot, window)
    qtbot.keyClicks(dialog.title, "Lunch")
    assert not dialog.error.isVisible()
    ctrl_enter(qtbot, dialog)
    assert dialog.isVisible(), "the dialog stays open, nothing typed is lost"
    assert dialog.error.isVisible()
    assert dialog.error.text() == "Who was there? Add at least one person."
    assert dialog.title.text() == "Lunch"
    assert stored(db) == []
    assert count_interactions(db, TimelineQuery(trashed=True)) == 0
    assert not window.undo_stack.canUndo()

    dialog.people.setFocus()
    pick(qtbot, dialog, "ali")
    ctrl_enter(qtbot, dialog)
    saved(qtbot, window, dialog)
    assert len(stored(db)) == 1


def test_the_empty_timeline_invites_a_first_log(
    qtbot: Any, pair: tuple[int, int], make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    page = show_timeline(qtbot, window)
    assert page.stack.currentWidget() is page.empty
    assert page.empty_text.text().startswith("Nothing logged yet.")
    assert page.empty_button.text() == "Log an interaction…  (Ctrl+L)"
    count_text(qtbot, page, "0 interactions")
    qtbot.mouseClick(page.empty_button, Qt.MouseButton.LeftButton)
    dialog = open_dialog(qtbot, window, InteractionDialog)
    assert dialog.people.people() == []


# --- editing and deleting -------------------------------------------------------------------


@pytest.fixture
def logged(
    db: pw.SqliteDatabase, pair: tuple[int, int], make_window: Callable[[], MainWindow]
) -> tuple[MainWindow, dict[str, int]]:
    """A window over two interactions with Alice: yesterday's coffee, an older call."""
    alice, _ = pair
    made = {
        "coffee": log(db, [alice], local(1), kind="coffee", title="Budget talk", place="Café Roma"),
        "call": log(db, [alice], local(5), kind="call", title="Roadmap call"),
    }
    return make_window(), made


def test_double_click_edits_and_undo_restores(
    qtbot: Any, db: pw.SqliteDatabase, logged: tuple[MainWindow, dict[str, int]]
) -> None:
    window, made = logged
    page = show_timeline(qtbot, window)
    coffee = made["coffee"]
    index = page.list.timeline.index(page.list.timeline.row_of(coffee) or 0)
    page.list.scrollTo(index)
    where = page.list.visualRect(index).center()
    qtbot.mouseClick(page.list.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert page.selected_ids() == [coffee]
    qtbot.mouseDClick(page.list.viewport(), Qt.MouseButton.LeftButton, pos=where)
    dialog = open_dialog(qtbot, window, InteractionDialog)
    assert dialog.windowTitle() == "Edit interaction"
    assert dialog.title.text() == "Budget talk"
    assert dialog.place.text() == "Café Roma"
    assert dialog.kind.currentData() == "coffee"
    assert [p.name for p in dialog.people.people()] == ["Alice Martin"]
    assert dialog.day.date().toPython() == date.today() - timedelta(days=1)
    assert (dialog.clock.time().hour(), dialog.clock.time().minute()) == (10, 0)

    replace_text(qtbot, dialog.title, "Budget review")
    ctrl_enter(qtbot, dialog)
    saved(qtbot, window, dialog)
    assert load_interaction(db, coffee).data.title == "Budget review"
    assert "Budget review" in row_text(page, coffee)
    assert page.selected_ids() == [coffee]
    assert window.undo_action.text() == "&Undo Edit Budget review"

    undo(qtbot, page)
    assert load_interaction(db, coffee).data.title == "Budget talk"
    assert "Budget talk" in row_text(page, coffee)
    window.redo_action.trigger()
    assert load_interaction(db, coffee).data.title == "Budget review"


def test_enter_and_f2_edit_the_selected_row(
    qtbot: Any, db: pw.SqliteDatabase, logged: tuple[MainWindow, dict[str, int]]
) -> None:
    window, made = logged
    page = show_timeline(qtbot, window)
    page.list.select_ids([made["call"]])
    page.list.setFocus()
    qtbot.keyClick(page.list, Qt.Key.Key_Return)
    dialog = open_dialog(qtbot, window, InteractionDialog)
    assert dialog.title.text() == "Roadmap call"
    qtbot.keyClick(dialog.title, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    wait_active(qtbot, window)

    assert window.edit_action.isEnabled()
    assert window.edit_action.text() == "&Edit interaction…"
    page.list.setFocus()
    qtbot.keyClick(page.list, Qt.Key.Key_F2)
    second = open_dialog(qtbot, window, InteractionDialog)
    assert second.title.text() == "Roadmap call"
    choose(second.help, "They helped me")
    assert second.help_note.isEnabled()
    qtbot.keyClicks(second.help_note, "Shared the plan")
    ctrl_enter(qtbot, second)
    saved(qtbot, window, second)
    data = load_interaction(db, made["call"]).data
    assert (data.exchange, data.exchange_note) == ("received", "Shared the plan")
    assert "(they helped: Shared the plan)" in row_text(page, made["call"])


def test_saving_an_edit_unchanged_records_nothing(
    qtbot: Any, db: pw.SqliteDatabase, logged: tuple[MainWindow, dict[str, int]]
) -> None:
    window, made = logged
    show_timeline(qtbot, window)
    window.edit_interaction(made["coffee"])
    dialog = open_dialog(qtbot, window, InteractionDialog)
    ctrl_enter(qtbot, dialog)
    saved(qtbot, window, dialog)
    assert not window.undo_stack.canUndo()


def test_saving_an_edit_unchanged_keeps_the_seconds(
    qtbot: Any,
    db: pw.SqliteDatabase,
    pair: tuple[int, int],
    make_window: Callable[[], MainWindow],
) -> None:
    when = datetime.combine(date.today(), time(9, 41, 27)).astimezone()
    iid = log(db, [pair[0]], when, time_zone=local_zone_name(), title="Stand-up")
    window = make_window()
    window.edit_interaction(iid)
    dialog = open_dialog(qtbot, window, InteractionDialog)
    ctrl_enter(qtbot, dialog)
    saved(qtbot, window, dialog)
    assert load_interaction(db, iid).data.when == when
    assert not window.undo_stack.canUndo()


def test_delete_moves_the_selected_row_to_the_trash_and_undo_brings_it_back(
    qtbot: Any, db: pw.SqliteDatabase, logged: tuple[MainWindow, dict[str, int]]
) -> None:
    window, made = logged
    page = show_timeline(qtbot, window)
    coffee, call = made["coffee"], made["call"]
    assert shown_ids(page) == [coffee, call]
    count_text(qtbot, page, "2 interactions")
    page.list.select_ids([coffee])
    page.list.setFocus()
    assert window.delete_action.isEnabled()
    qtbot.keyClick(page.list, Qt.Key.Key_Delete)
    assert shown_ids(page) == [call]
    assert stored(db) == [call]
    assert stored(db, trashed=True) == [coffee]
    assert page.selected_ids() == [call], "the next one is selected"
    assert count_contacts(db) == 2, "nobody was deleted"
    count_text(qtbot, page, "1 interaction")
    assert window.undo_action.text() == "&Undo Delete 1 interaction"

    undo(qtbot, page)
    assert shown_ids(page) == [coffee, call]
    assert stored(db, trashed=True) == []
    assert page.selected_ids() == [coffee]
    count_text(qtbot, page, "2 interactions")

    window.redo_action.trigger()
    assert shown_ids(page) == [call]


def test_deleting_the_bottom_row_selects_the_one_above(
    qtbot: Any, db: pw.SqliteDatabase, logged: tuple[MainWindow, dict[str, int]]
) -> None:
    # Regression: the rows below a deleted one may be gone, and looking for a neighbour
    # there raised IndexError from the model.
    window, made = logged
    page = show_timeline(qtbot, window)
    coffee, call = made["coffee"], made["call"]
    assert page.list.timeline.rowCount() == 4, "two days, one interaction each"
    page.list.select_ids([call])
    page.list.setFocus()
    qtbot.keyClick(page.list, Qt.Key.Key_Delete)
    assert shown_ids(page) == [coffee]
    assert page.selected_ids() == [coffee]
    qtbot.keyClick(page.list, Qt.Key.Key_Delete)
    assert shown_ids(page) == []
    assert page.selected_ids() == []
    assert page.stack.currentWidget() is page.empty
    assert sorted(stored(db, trashed=True)) == sorted([coffee, call])
    undo(qtbot, page)
    undo(qtbot, page)
    assert shown_ids(page) == [coffee, call]


def test_delete_of_several_and_the_menu_action_routes_to_the_timeline(
    qtbot: Any, db: pw.SqliteDatabase, logged: tuple[MainWindow, dict[str, int]]
) -> None:
    window, made = logged
    page = show_timeline(qtbot, window)
    page.list.select_ids([made["coffee"], made["call"]])
    assert page.selected_count() == 2
    assert not window.edit_action.isEnabled(), "one at a time"
    window.delete_action.trigger()
    assert shown_ids(page) == []
    assert sorted(stored(db, trashed=True)) == sorted(made.values())
    assert count_contacts(db) == 2
    assert page.stack.currentWidget() is page.empty
    assert window.undo_action.text() == "&Undo Delete 2 interactions"
    window.undo_action.trigger()
    assert shown_ids(page) == [made["coffee"], made["call"]]

    qtbot.keyClick(window, Qt.Key.Key_2, CTRL)
    assert window.edit_action.text() == "&Edit person…"


def test_undoing_a_new_person_who_has_interactions_moves_them_to_the_trash(
    qtbot: Any,
    db: pw.SqliteDatabase,
    pair: tuple[int, int],
    make_window: Callable[[], MainWindow],
) -> None:
    window = make_window()
    page = show_timeline(qtbot, window)
    dana = window.editing.create(ContactData(given_name="Dana", family_name="Okafor"))
    # Logged outside the window (say `ally log`): not on the undo stack.
    iid = log(db, [dana], local(0, 9), title="Met at the expo")
    page.list.timeline.reload()
    assert shown_ids(page) == [iid]

    undo(qtbot, page)
    record = load_contact(db, dana)
    assert record.trashed_at is not None, "in the trash, not deleted for good"
    assert stored(db) == []
    assert stored(db, trashed=True) == [iid], "her interaction went with her"
    assert load_interaction(db, iid).data.participants == [dana]
    assert shown_ids(page) == []

    window.redo_action.trigger()
    assert load_contact(db, dana).trashed_at is None
    assert stored(db) == [iid]
    assert shown_ids(page) == [iid]

    window.undo_action.trigger()
    assert load_contact(db, dana).trashed_at is not None
    assert stored(db, trashed=True) == [iid]


def test_undo_and_redo_keep_an_evening_on_its_day(
    qtbot: Any,
    db: pw.SqliteDatabase,
    pair: tuple[int, int],
    make_window: Callable[[], MainWindow],
) -> None:
    alice, _ = pair
    window = make_window()
    page = show_timeline(qtbot, window)
    page.list.timeline.today = date(2024, 3, 10)
    zone = "America/Los_Angeles"
    evening = datetime(2024, 3, 9, 20, 0, tzinfo=ZoneInfo(zone))  # 04:00 UTC on the 10th
    iid = window.interactions.log(
        InteractionData("call", [alice], when=evening, time_zone=zone, title="Evening call")
    )
    assert load_interaction(db, iid).data.day == date(2024, 3, 9)
    assert headings(page) == ["Yesterday"]
    window.interactions.edit(
        iid, InteractionData("call", [alice], when=evening, time_zone=zone, title="Late call")
    )
    assert load_interaction(db, iid).data.day == date(2024, 3, 9)

    window.undo_stack.undo()  # the edit
    assert load_interaction(db, iid).data.title == "Evening call"
    assert load_interaction(db, iid).data.day == date(2024, 3, 9)
    window.undo_stack.undo()  # the log
    window.undo_stack.redo()
    assert load_interaction(db, iid).data.day == date(2024, 3, 9)
    assert headings(page) == ["Yesterday"]


def test_renaming_a_person_renames_them_in_the_timeline(
    qtbot: Any, db: pw.SqliteDatabase, logged: tuple[MainWindow, dict[str, int]]
) -> None:
    window, made = logged
    page = show_timeline(qtbot, window)
    alice = load_interaction(db, made["coffee"]).data.participants[0]
    data = load_contact(db, alice).data
    data.family_name = "Martin-Diaz"
    window.editing.edit(alice, data)
    assert "with Alice Martin-Diaz" in row_text(page, made["coffee"])
    assert "with Alice Martin-Diaz" in row_text(page, made["call"])
    window.undo_action.trigger()
    assert row_text(page, made["call"]).endswith("with Alice Martin")


def test_find_and_down_from_the_search_reach_the_list(
    qtbot: Any, logged: tuple[MainWindow, dict[str, int]]
) -> None:
    window, made = logged
    page = show_timeline(qtbot, window)
    page.list.setFocus()
    window.find_action.trigger()
    assert page.search.hasFocus(), "Find goes to the Timeline's own search"
    assert page.selected_ids() == []
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert page.list.hasFocus()
    assert page.selected_ids() == [made["coffee"]], "the first interaction, not its heading"


# --- filters -----------------------------------------------------------------------------------


@pytest.fixture
def history(
    qtbot: Any,
    db: pw.SqliteDatabase,
    add_person: Callable[..., int],
    make_window: Callable[[], MainWindow],
) -> tuple[MainWindow, TimelinePage, dict[str, int]]:
    alice = add_person("Alice", "Martin", tags=["Mentor"])
    bo = add_person("Bo", "Chen", tags=["Client"])
    cy = add_person("Cy", "Diaz")
    made = {
        "coffee": log(
            db,
            [alice, bo],
            local(1),
            kind="coffee",
            title="Budget talk",
            exchange="given",
            exchange_note="Intro to Dana",
        ),
        "call": log(db, [bo], local(3), kind="call", title="Roadmap", notes="Discussed pricing"),
        "review": log(
            db,
            [cy],
            local(10),
            title="Quarterly review",
            exchange="received",
            exchange_note="Advice",
        ),
        "workshop": log(db, [alice, cy], local(40), kind="Workshop", title="Offsite"),
    }
    window = make_window()
    return window, show_timeline(qtbot, window), made


EVERYTHING = ["coffee", "call", "review", "workshop"]


@pytest.mark.parametrize(
    ("combo", "choice", "expected"),
    [
        ("kind_filter", "Call", ["call"]),
        ("kind_filter", "Workshop", ["workshop"]),
        ("kind_filter", "Coffee or meal", ["coffee"]),
        ("help_filter", "Help I gave", ["coffee"]),
        ("help_filter", "Help I got", ["review"]),
        ("tag_filter", "Mentor", ["coffee", "workshop"]),
        ("tag_filter", "Client", ["coffee", "call"]),
        ("period", "Past 7 days", ["coffee", "call"]),
        ("period", "Past 30 days", ["coffee", "call", "review"]),
    ],
)
def test_each_filter_narrows_the_list(
    qtbot: Any,
    history: tuple[MainWindow, TimelinePage, dict[str, int]],
    combo: str,
    choice: str,
    expected: list[str],
) -> None:
    _, page, made = history
    assert shown_ids(page) == [made[name] for name in EVERYTHING]
    count_text(qtbot, page, "4 interactions")
    choose(getattr(page, combo), choice)
    assert shown_ids(page) == [made[name] for name in expected]
    count_text(qtbot, page, f"{len(expected)} interaction{'' if len(expected) == 1 else 's'}")
    assert page.filtered()
    choose(getattr(page, combo), getattr(page, combo).itemText(0))
    assert shown_ids(page) == [made[name] for name in EVERYTHING]
    assert not page.filtered()


def test_the_kind_filter_offers_every_kind_in_use(
    history: tuple[MainWindow, TimelinePage, dict[str, int]],
) -> None:
    _, page, _ = history
    offered = [page.kind_filter.itemText(i) for i in range(page.kind_filter.count())]
    assert offered[0] == "All kinds"
    assert "Coffee or meal" in offered
    assert offered[-1] == "Workshop", "the user's own kinds after the built-in ones"
    tags = [page.tag_filter.itemText(i) for i in range(page.tag_filter.count())]
    assert tags == ["All tags", "Client", "Mentor"]


def test_the_person_filter(
    qtbot: Any, history: tuple[MainWindow, TimelinePage, dict[str, int]]
) -> None:
    _, page, made = history
    assert page.person.input.placeholderText() == "With anyone"
    qtbot.keyClicks(page.person.input, "cy")
    qtbot.keyClick(page.person.input, Qt.Key.Key_Return)
    assert [p.name for p in page.person.people()] == ["Cy Diaz"]
    assert shown_ids(page) == [made["review"], made["workshop"]]
    count_text(qtbot, page, "2 interactions")

    qtbot.keyClicks(page.person.input, "bo")
    qtbot.keyClick(page.person.input, Qt.Key.Key_Return)
    assert [p.name for p in page.person.people()] == ["Bo Chen"], "one person at a time"
    assert shown_ids(page) == [made["coffee"], made["call"]]

    qtbot.keyClicks(page.person.input, "nobody")
    qtbot.keyClick(page.person.input, Qt.Key.Key_Return)
    assert [p.name for p in page.person.people()] == ["Bo Chen"], "no one new is made here"
    page.person.input.clear()
    qtbot.keyClick(page.person.input, Qt.Key.Key_Backspace)
    assert page.person.people() == []
    assert shown_ids(page) == [made[name] for name in EVERYTHING]


def test_search_text(qtbot: Any, history: tuple[MainWindow, TimelinePage, dict[str, int]]) -> None:
    _, page, made = history
    page.search.setFocus()
    qtbot.keyClicks(page.search, "pricing")
    qtbot.waitUntil(lambda: shown_ids(page) == [made["call"]], timeout=3000)
    count_text(qtbot, page, "1 interaction")
    page.search.clear()
    qtbot.keyClicks(page.search, "advice")
    qtbot.waitUntil(lambda: shown_ids(page) == [made["review"]], timeout=3000)
    qtbot.keyClick(page.search, Qt.Key.Key_Escape)
    assert page.search.text() == ""
    qtbot.waitUntil(lambda: len(shown_ids(page)) == 4, timeout=3000)


def test_filters_combine_and_clearing_them_restores_the_list(
    qtbot: Any, history: tuple[MainWindow, TimelinePage, dict[str, int]]
) -> None:
    _, page, made = history
    choose(page.tag_filter, "Mentor")
    choose(page.period, "Past 7 days")
    assert shown_ids(page) == [made["coffee"]]
    page.search.setText("offsite")
    page.apply_query()
    assert shown_ids(page) == []
    assert page.stack.currentWidget() is page.empty
    assert page.empty_text.text() == "No interaction matches the search and filters."
    assert page.empty_button.text() == "Clear search and filters"
    count_text(qtbot, page, "0 interactions")

    qtbot.mouseClick(page.empty_button, Qt.MouseButton.LeftButton)
    assert shown_ids(page) == [made[name] for name in EVERYTHING]
    assert page.stack.currentWidget() is page.list
    assert page.search.text() == ""
    assert page.tag_filter.currentIndex() == page.period.currentIndex() == 0
    assert not page.filtered()
    count_text(qtbot, page, "4 interactions")


def test_custom_dates(history: tuple[MainWindow, TimelinePage, dict[str, int]]) -> None:
    _, page, made = history
    assert not page.since.isVisibleTo(page)
    choose(page.period, "Choose dates…")
    assert page.since.isVisibleTo(page)
    assert page.until.isVisibleTo(page)
    today = QDate.currentDate()
    page.since.setDate(today.addDays(-12))
    page.until.setDate(today.addDays(-2))
    assert shown_ids(page) == [made["call"], made["review"]]
    page.since.setDate(today.addDays(-1))  # the wrong way round: swapped
    page.until.setDate(today.addDays(-3))
    assert shown_ids(page) == [made["coffee"], made["call"]]
    page.clear_filters()
    assert not page.since.isVisibleTo(page)


def test_showing_an_interaction_the_filters_hide_clears_them(
    qtbot: Any, db: pw.SqliteDatabase, history: tuple[MainWindow, TimelinePage, dict[str, int]]
) -> None:
    _, page, made = history
    choose(page.kind_filter, "Call")
    page.show_interaction(made["workshop"])
    assert not page.filtered(), "the filters that hid it were cleared"
    assert page.selected_ids() == [made["workshop"]]


# --- zones -------------------------------------------------------------------------------------


@pytest.fixture
def process_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """``set(name)`` moves this computer to another zone (TZ and tzset); put back after."""
    if not hasattr(time_module, "tzset"):
        pytest.skip("time.tzset is only on Unix")

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time_module.tzset()

    yield set_zone
    monkeypatch.undo()
    time_module.tzset()
    tzlocal.reload_localzone()


def test_the_timeline_after_a_flight_from_paris_to_new_york(
    qtbot: Any,
    db: pw.SqliteDatabase,
    pair: tuple[int, int],
    process_zone: Callable[[str], None],
    make_window: Callable[[], MainWindow],
) -> None:
    paris = ZoneInfo("Europe/Paris")
    process_zone("Europe/Paris")
    today_in_paris = datetime.now(paris).date()
    afternoon = log(
        db,
        [pair[0]],
        datetime.combine(today_in_paris - timedelta(days=1), time(14, 30), paris),
        time_zone="Europe/Paris",
    )
    process_zone("America/New_York")
    window = make_window()
    page = show_timeline(qtbot, window)
    page.list.timeline.today = today_in_paris
    text = row_text(page, afternoon)
    abbreviation = datetime.combine(today_in_paris, time(14, 30), paris).tzname()
    assert text.startswith(f"14:30 {abbreviation} · Meeting")
    assert headings(page) == ["Yesterday"]


def test_quick_log_after_the_computer_changed_zone(
    qtbot: Any,
    db: pw.SqliteDatabase,
    pair: tuple[int, int],
    process_zone: Callable[[str], None],
    make_window: Callable[[], MainWindow],
) -> None:
    process_zone("Europe/Paris")
    tzlocal.reload_localzone()  # Ally started in Paris
    assert local_zone_name() == "Europe/Paris"
    process_zone("America/New_York")  # then flew to New York
    window = make_window()
    started = datetime.now().astimezone()
    dialog = quick_log(qtbot, window)
    pick(qtbot, dialog, "ali")
    ctrl_enter(qtbot, dialog)
    saved(qtbot, window, dialog)
    (iid,) = stored(db)
    data = load_interaction(db, iid).data
    assert data.when is not None
    assert abs(data.when - started) < timedelta(minutes=2), "logged now, not hours away"
    assert data.time_zone == "America/New_York"


# --- what it looks like ------------------------------------------------------------------------


def _colours(image: QImage, area: QRect) -> set[int]:
    """The colours in ``area`` of the image (every other pixel: enough, and quick)."""
    return {
        image.pixel(x, y)
        for y in range(area.top(), area.bottom(), 2)
        for x in range(area.left(), area.right(), 2)
    }


def _close(a: QColor, b: QColor) -> bool:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) < 40


def test_the_timeline_paints(qtbot: Any, db: pw.SqliteDatabase, pair: tuple[int, int]) -> None:
    """Headings, a selected row, help given and received, built-in and custom kinds, an
    all-day row and an over-long title: painted without error, and visibly so."""
    alice, bo = pair
    today = date.today()
    with db.atomic():
        picked = log(
            db,
            [alice, bo],
            local(0, 9),
            kind="coffee",
            title="Budget talk",
            place="Café Roma",
            exchange="given",
            exchange_note="Reviewed her deck",
        )
        gave = log(db, [bo], local(0, 8), kind="Board review", exchange="given")
        got = log(db, [alice], local(1, 8), kind="call", exchange="received", exchange_note="Tip")
        create_interaction(
            db, InteractionData("event", [bo], day=today - timedelta(days=2), title="Expo")
        )
        log(db, [alice], local(20, 8), kind="Workshop", title="x" * 300)
    page = TimelinePage(db, InteractionEditing(db, QUndoStack(), ContactChanges()), today=today)
    qtbot.addWidget(page)
    page.resize(1000, 520)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=3000)
    page.list.select_ids([picked])
    assert page.selected_ids() == [picked]
    assert headings(page)[:2] == ["Today", "Yesterday"]
    assert len(headings(page)) == 4
    image = page.grab().toImage()
    assert not image.isNull()

    viewport = page.list.viewport()
    origin = viewport.mapTo(page, QPoint(0, 0))
    assert len(_colours(image, viewport.rect().translated(origin))) > 20, "not a blank list"

    def row_area(interaction_id: int) -> QRect:
        row = page.list.timeline.row_of(interaction_id)
        assert row is not None
        area = page.list.visualRect(page.list.timeline.index(row)).translated(origin)
        assert area.height() > 0
        return area

    selected = row_area(picked)
    highlight = page.list.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
    beside = QPoint(selected.right() - 4, selected.center().y() + selected.height() // 3)
    assert _close(QColor(image.pixel(beside)), highlight), "the selected row is highlighted"
    assert len(_colours(image, selected)) > 3, "and has text on it"

    def tinted(area: QRect, test: Callable[[QColor], bool]) -> bool:
        right_half = QRect(area.center().x(), area.top(), area.width() // 2, area.height())
        return any(test(QColor(pixel)) for pixel in _colours(image, right_half))

    assert tinted(row_area(gave), lambda c: c.green() > c.red() + 30 and c.green() > c.blue() + 30)
    assert tinted(row_area(got), lambda c: c.blue() > c.red() + 60), "help badges in colour"
