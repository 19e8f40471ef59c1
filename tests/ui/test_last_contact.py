"""The Contacts view's last interaction: a column to sort by, and "not contacted in …"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import peewee as pw
import pytest
from PySide6.QtCore import QPoint, Qt

from ally_desktop.core.contact_queries import SortKey
from ally_desktop.core.timeline import InteractionData, create_interaction
from ally_desktop.ui.main_window import MainWindow
from tests.ui.helpers import shown_names

LAST_INTERACTION = 5


@pytest.fixture
def network(db: pw.SqliteDatabase, add_person: Callable[..., int]) -> dict[str, int]:
    """Ana 3 days ago, Bo 45 days ago, Cy 100 days ago, Dee 400 days ago, Eve never."""
    people = {name: add_person(name) for name in ("Eve", "Dee", "Cy", "Bo", "Ana")}
    now = datetime.now(UTC)
    for name, days in (("Ana", 3), ("Bo", 45), ("Cy", 100), ("Dee", 400), ("Ana", 300)):
        when = now - timedelta(days=days, hours=1)
        create_interaction(db, InteractionData("coffee", [people[name]], when=when))
    return people


def offered(combo: Any) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def choose(combo: Any, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, f"{text!r} is not offered"
    combo.setCurrentIndex(index)


def click_header(qtbot: Any, window: MainWindow, column: int) -> None:
    header = window.contacts.table.horizontalHeader()
    window.contacts.table.scrollTo(window.contacts.model.index(0, column))
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def test_choosing_not_contacted_narrows_the_list(
    network: dict[str, int], make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    page = window.contacts
    combo = page.last_contact_filter
    assert offered(combo) == [
        "Any last contact",
        "Not contacted in 2 weeks",
        "Not contacted in 30 days",
        "Not contacted in 60 days",
        "Not contacted in 90 days",
        "Not contacted in 6 months",
        "Not contacted in a year",
    ]
    assert combo.currentText() == "Any last contact"
    assert shown_names(window) == ["Ana", "Bo", "Cy", "Dee", "Eve"]

    choose(combo, "Not contacted in 30 days")
    assert shown_names(window) == ["Bo", "Cy", "Dee", "Eve"]
    assert page.count_label.text() == "4 people"
    choose(combo, "Not contacted in 90 days")
    assert shown_names(window) == ["Cy", "Dee", "Eve"]
    choose(combo, "Not contacted in a year")
    assert shown_names(window) == ["Dee", "Eve"], "Eve never was: she is among them"
    assert page.current_query().not_contacted_days == 365
    choose(combo, "Any last contact")
    assert shown_names(window) == ["Ana", "Bo", "Cy", "Dee", "Eve"]
    assert page.current_query().not_contacted_days is None


def test_the_filter_is_chosen_with_the_keyboard_too(
    qtbot: Any, network: dict[str, int], make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    combo = window.contacts.last_contact_filter
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == "Not contacted in 2 weeks"
    assert shown_names(window) == ["Bo", "Cy", "Dee", "Eve"]
    qtbot.keyClick(combo, Qt.Key.Key_End)
    assert combo.currentText() == "Not contacted in a year"
    assert shown_names(window) == ["Dee", "Eve"]


def test_the_filter_combines_with_the_others_and_clears_with_them(
    network: dict[str, int], make_window: Callable[[], MainWindow], add_person: Callable[..., int]
) -> None:
    window = make_window()
    page = window.contacts
    choose(page.last_contact_filter, "Not contacted in 60 days")
    page.search.setText("cy")
    page.apply_query()
    assert shown_names(window) == ["Cy"]
    page.show_contact(network["Ana"])  # hidden by the filters: they are cleared
    assert page.last_contact_filter.currentText() == "Any last contact"
    assert page.search.text() == ""
    assert page.current_query().not_contacted_days is None
    assert shown_names(window) == ["Ana", "Bo", "Cy", "Dee", "Eve"]
    assert page.selected_ids() == [network["Ana"]]


def test_the_column_reads_how_long_ago(
    network: dict[str, int], make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    model = window.contacts.model
    assert model.headerData(LAST_INTERACTION, Qt.Orientation.Horizontal) == "Last interaction"
    shown = {
        model.index(row, 0).data(): model.index(row, LAST_INTERACTION).data()
        for row in range(model.rowCount())
    }
    # Three days and an hour ago is two, three or four calendar days back, by the zone.
    assert shown["Ana"] in ("2 days ago", "3 days ago", "4 days ago")
    assert shown["Bo"] == "6 weeks ago"
    assert shown["Cy"] == "3 months ago"
    assert shown["Dee"] == "1 year ago"
    assert shown["Eve"] == "—"
    assert window.contacts.table.columnWidth(LAST_INTERACTION) == 120


def test_clicking_the_header_sorts_most_recent_first_then_longest_waiting(
    qtbot: Any, network: dict[str, int], make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    model = window.contacts.model
    header = window.contacts.table.horizontalHeader()
    click_header(qtbot, window, LAST_INTERACTION)
    assert model.query.sort is SortKey.LAST_INTERACTION
    assert model.query.descending
    assert header.sortIndicatorSection() == LAST_INTERACTION
    assert shown_names(window) == ["Ana", "Bo", "Cy", "Dee", "Eve"]
    click_header(qtbot, window, LAST_INTERACTION)
    assert not model.query.descending
    assert shown_names(window) == ["Dee", "Cy", "Bo", "Ana", "Eve"], "never contacted: last"
    choose(window.contacts.last_contact_filter, "Not contacted in 60 days")
    assert model.query.sort is SortKey.LAST_INTERACTION, "the filter keeps the order"
    assert shown_names(window) == ["Dee", "Cy", "Eve"]
