"""Selecting thousands of people at once: handled as row ranges, deleted and undone whole."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import peewee as pw

from ally_desktop.core.contact_queries import count_contacts
from ally_desktop.core.demo import generate_demo
from ally_desktop.ui.main_window import MainWindow

PEOPLE = 5000


def test_select_all_delete_and_undo_thousands(
    qtbot: Any, db: pw.SqliteDatabase, make_window: Callable[[], MainWindow]
) -> None:
    generate_demo(db, PEOPLE)
    window = make_window()
    page = window.contacts
    shown = page.model.rowCount()
    page.table.selectAll()
    assert page.selected_count() == shown
    assert sorted(page.selected_ids()) == sorted(page.model.ids())
    assert f"{shown:,} people selected" in page.detail.toPlainText()

    page.delete_selected()
    assert page.model.rowCount() == 0
    assert count_contacts(db, trashed=True) == shown

    window.undo_action.trigger()
    assert page.model.rowCount() == shown
    assert count_contacts(db, trashed=True) == 0
    assert page.selected_count() == shown, "everyone restored is selected again"


def test_a_few_scattered_rows_keep_their_ranges(
    qtbot: Any, db: pw.SqliteDatabase, make_window: Callable[[], MainWindow]
) -> None:
    generate_demo(db, 300)
    window = make_window()
    page = window.contacts
    wanted = [page.model.contact_id(row) for row in (3, 4, 5, 40, 200)]
    page._select_ids(wanted, scroll=False)
    assert page.selected_ids() == wanted
    assert page.selected_count() == 5
