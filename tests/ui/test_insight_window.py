"""Insight in the main window: Today as the home view, the Allies menu, and the ready
signal that start-up waits for whichever view paints first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import peewee as pw
from PySide6.QtWidgets import QApplication

from ally_desktop.core.records import Closeness
from ally_desktop.core.timeline import TimelineQuery, interaction_ids
from ally_desktop.store.db import sqlite_connection
from ally_desktop.ui.insight.introduction_dialog import IntroductionDialog
from ally_desktop.ui.insight.reach_dialog import ReachDialog
from ally_desktop.ui.main_window import CONTACTS_VIEW, TODAY_VIEW, MainWindow
from ally_desktop.ui.today.page import TodayPage


def _open(kind: type) -> Any:
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
    assert len(found) == 1, f"{kind.__name__}: {found}"
    return found[0]


def test_home_is_today_once_there_are_people(
    qtbot: Any, make_window: Callable[[], MainWindow], add_person: Callable[..., int]
) -> None:
    empty = make_window()
    empty.show_home()
    assert empty.current_view() == CONTACTS_VIEW, "an empty store opens on the welcome page"

    add_person("Ana", "Silva")
    window = make_window()
    window.show_home()
    assert window.current_view() == TODAY_VIEW
    assert isinstance(window.views.currentWidget(), TodayPage)
    assert window.navigation.currentItem().text() == "Today"


def test_ready_fires_once_after_the_first_paint_of_any_view(
    qtbot: Any, db: pw.SqliteDatabase, settings_path: Any, add_person: Callable[..., int]
) -> None:
    from ally_desktop.ui.settings import UiSettings

    add_person("Ana", "Silva")
    window = MainWindow(db, UiSettings(settings_path))
    qtbot.addWidget(window)
    fired: list[bool] = []
    window.ready.connect(lambda: fired.append(True))
    window.show_home()  # Today: the Contacts table is never painted
    with qtbot.waitSignal(window.ready, timeout=5000):
        window.show()
    qtbot.waitUntil(window.contacts.startup_complete)  # the list completes all the same
    window.navigation.setCurrentRow(CONTACTS_VIEW)
    qtbot.wait(50)
    assert fired == [True]


def test_ready_fires_at_once_for_a_window_started_hidden_in_the_tray(
    qtbot: Any, db: pw.SqliteDatabase, settings_path: Any, add_person: Callable[..., int]
) -> None:
    """Started at login in the tray, the window never paints: reminders and the rest of
    the start-up must not wait for the user to open it, and opening it later does not
    start them twice."""
    from ally_desktop.ui.settings import UiSettings

    add_person("Ana", "Silva")
    window = MainWindow(db, UiSettings(settings_path))
    qtbot.addWidget(window)
    fired: list[bool] = []
    window.ready.connect(lambda: fired.append(True))
    window.show_home()
    with qtbot.waitSignal(window.ready, timeout=5000):
        window.start_hidden()
    assert not window.isVisible()
    qtbot.waitUntil(window.contacts.startup_complete)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)
    assert fired == [True]


def test_reach_and_introduction_from_the_allies_menu(
    qtbot: Any, window: MainWindow, db: pw.SqliteDatabase, add_person: Callable[..., int]
) -> None:
    ana = add_person("Ana", "Silva", closeness=Closeness.INNER_CIRCLE)
    bo = add_person("Bo", "Chen", closeness=Closeness.OTHER)
    sqlite_connection(db).execute(
        "INSERT INTO connection (from_id, to_id, kind, created_at) VALUES (?, ?, 'works_with',"
        " '2026-01-01')",
        [ana, bo],
    )
    menu = window.allies_menu
    assert [a.text() for a in menu.actions()] == [
        "&Who can help?…",
        "How can I &reach…?",
        "Record an &introduction…",
        "",
        "Merge &topics…",
    ]

    window.show_reach(person=bo)
    reach = _open(ReachDialog)
    result = reach.reach_result()
    assert result is not None
    assert result.chains
    assert result.chains[0].people[0].id == ana, "through Ana, whom the user knows"
    reach.close()

    window.record_introduction(introducer=ana, introduced=bo)
    dialog = _open(IntroductionDialog)
    dialog.accept()
    made = list(interaction_ids(db, TimelineQuery(contact_id=bo)))
    assert len(made) == 1, "the introduction is in Bo's timeline"
    assert list(interaction_ids(db, TimelineQuery(contact_id=ana))) == made
    window.undo_action.trigger()
    assert list(interaction_ids(db, TimelineQuery(contact_id=bo))) == []


def test_who_can_help_and_merge_topics_from_the_allies_menu(
    qtbot: Any, window: MainWindow, add_person: Callable[..., int]
) -> None:
    from ally_desktop.ui.insight.topics_dialog import TopicsDialog

    add_person("Ana", "Silva", topics=["pricing"])
    window.navigation.setCurrentRow(TODAY_VIEW)
    window.who_action.trigger()
    assert window.current_view() == CONTACTS_VIEW
    assert window.contacts.who_mode()

    window.topics_action.trigger()
    dialog = _open(TopicsDialog)
    dialog.close()
