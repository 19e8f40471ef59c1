"""The "Who can help?" panel, its model and completion, the Contacts search mode, and the
topics dialog with undo; rendered offscreen in light and dark."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import peewee as pw
import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QImage, QPalette, QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QStyleFactory
from shiboken6 import Shiboken

from ally_desktop.core.contacts import load_contact
from ally_desktop.core.demo import generate_demo
from ally_desktop.core.expertise import PAGE, Expert, who_can_help
from ally_desktop.core.records import Closeness
from ally_desktop.core.text import vocabulary_key
from ally_desktop.core.timeline import InteractionData, create_interaction
from ally_desktop.core.topics import merge_topics, resolve_topic
from ally_desktop.store.db import sqlite_connection
from ally_desktop.ui.contacts.commands import ContactChanges
from ally_desktop.ui.insight.topic_commands import TopicEditing
from ally_desktop.ui.insight.topics_dialog import TopicsDialog, usage_text
from ally_desktop.ui.insight.who_panel import (
    EXPERT_ROLE,
    ID_ROLE,
    WhoModel,
    WhoPanel,
    reasons_line,
    tooltip,
)
from ally_desktop.ui.look import Appearance, Scheme, is_dark, refresh_styles
from ally_desktop.ui.main_window import MainWindow


@pytest.fixture
def small(db: pw.SqliteDatabase, add_person: Callable[..., int]) -> dict[str, int]:
    ids = {
        "ana": add_person(
            "Ana",
            "Ruiz",
            organization="Northwind",
            topics=["pricing"],
            closeness=Closeness.INNER_CIRCLE,
        ),
        "bo": add_person("Bo", "Chen", notes="Knows every pricing decision since 2015."),
        "cy": add_person("Cy", "Diaz", topics=["pricing strategy"]),
        "di": add_person("Di", "Ng", topics=["GDPR"]),
    }
    create_interaction(
        db,
        InteractionData(
            kind="meeting",
            participants=[ids["ana"]],
            when=datetime.now(UTC),
            time_zone="UTC",
            title="Pricing review",
        ),
    )
    return ids


def _panel(qtbot: Any, db: pw.SqliteDatabase, **kwargs: Any) -> WhoPanel:
    panel = WhoPanel(db, **kwargs)
    qtbot.addWidget(panel)
    panel.resize(760, 520)
    with qtbot.waitActive(panel):
        panel.show()
        panel.activateWindow()
    return panel


def _ranked(qtbot: Any, model: WhoModel) -> None:
    """Wait for the ranking (it runs on the thread pool)."""
    qtbot.waitUntil(lambda: not model.busy())


def _ids(model: WhoModel) -> list[int]:
    return [int(model.index(row, 0).data(ID_ROLE)) for row in range(model.rowCount())]


# --- the model ------------------------------------------------------------------------
def test_model_passes_the_model_tester(
    qtbot: Any, qtmodeltester: Any, db: pw.SqliteDatabase
) -> None:
    generate_demo(db, 300, seed=4, interactions=900)
    model = WhoModel(db)
    model.set_text("pricing")
    _ranked(qtbot, model)
    assert model.rowCount() == PAGE
    qtmodeltester.check(model)
    _ranked(qtbot, model)  # the tester asked for more
    assert model.rowCount() > PAGE
    qtmodeltester.check(model)
    model.set_text("")
    assert model.rowCount() == 0, "a blank question is answered at once"
    qtmodeltester.check(model)


def test_model_rows_are_the_ranking_page_by_page(qtbot: Any, db: pw.SqliteDatabase) -> None:
    generate_demo(db, 400, seed=4, interactions=1200)
    model = WhoModel(db)
    model.set_text("pricing")
    assert model.busy()
    assert model.rowCount() == 0
    _ranked(qtbot, model)
    expected = [e.contact_id for e in who_can_help(db, "pricing", limit=3 * PAGE).experts]
    assert len(expected) > 2 * PAGE
    assert _ids(model) == expected[:PAGE]
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert not model.canFetchMore(QModelIndex()), "one page at a time"
    _ranked(qtbot, model)
    assert _ids(model) == expected[: 2 * PAGE], "the next page, nobody twice"
    first = model.index(0, 0)
    expert = first.data(EXPERT_ROLE)
    assert isinstance(expert, Expert)
    assert first.data() == expert.name
    assert first.data(Qt.ItemDataRole.ToolTipRole) == tooltip(expert)
    model.reload()
    assert _ids(model) == expected[: 2 * PAGE], "the rows stay while ranking again"
    _ranked(qtbot, model)
    assert _ids(model) == expected[: 2 * PAGE], "a reload keeps the rows shown"


def test_an_answer_to_a_replaced_question_is_dropped(qtbot: Any, db: pw.SqliteDatabase) -> None:
    generate_demo(db, 200, seed=4, interactions=600)
    model = WhoModel(db)
    answers: list[str] = []
    model.searched.connect(lambda: answers.append(model.text))
    model.set_text("pricing")
    model.set_text("gdpr")
    _ranked(qtbot, model)
    assert answers == ["gdpr"]
    assert model.search is not None
    assert model.search.label == "GDPR"


def test_reasons_line_and_tooltip(db: pw.SqliteDatabase, small: dict[str, int]) -> None:
    [ana, *_] = who_can_help(db, "pricing").experts
    assert ana.contact_id == small["ana"]
    assert reasons_line(ana).startswith("Lists pricing as expertise · Pricing review, ")
    lines = tooltip(ana).splitlines()
    assert lines[0] == f"Ana Ruiz: score {ana.score:.1f}"
    assert lines[1] == "+11.5  Lists pricing as expertise"
    assert lines[3].startswith("× 1.5 (inner circle) × 1.2")
    assert lines[4] == "Inner circle · last in touch today"


# --- the panel -----------------------------------------------------------------------------
def test_panel_ranks_as_typing_pauses(qtbot: Any, db: pw.SqliteDatabase, small: dict) -> None:
    panel = _panel(qtbot, db)
    assert panel.stack.currentWidget() is panel.message
    assert "Type a topic" in panel.message.text()
    assert panel.input is not None
    QTest.keyClicks(panel.input, "pricing")
    assert panel.pending()
    qtbot.waitUntil(lambda: panel.query() == "pricing" and not panel.pending())
    assert panel.stack.currentWidget() is panel.list
    assert _ids(panel.model) == [small["ana"], small["cy"], small["bo"]]
    assert panel.heading.text() == "People who can help with “pricing”"
    assert panel.summary() == "3 people"


def test_panel_says_when_nobody_knows(qtbot: Any, db: pw.SqliteDatabase, small: dict) -> None:
    panel = _panel(qtbot, db)
    panel.set_query("kubernetes")
    _ranked(qtbot, panel.model)
    assert panel.stack.currentWidget() is panel.message
    assert panel.message.text().startswith("Nobody yet for “kubernetes”.")
    panel.set_query("!!!")
    _ranked(qtbot, panel.model)
    assert panel.message.text() == "“!!!” has no word to search for."
    panel.set_query("")
    assert panel.summary() == ""


def test_double_click_and_enter_open_the_person(
    qtbot: Any, db: pw.SqliteDatabase, small: dict
) -> None:
    panel = _panel(qtbot, db)
    panel.set_query("pricing")
    _ranked(qtbot, panel.model)
    opened: list[int] = []
    chosen: list[int] = []
    panel.personRequested.connect(opened.append)
    panel.currentPersonChanged.connect(chosen.append)
    rect = panel.list.visualRect(panel.model.index(1, 0))
    QTest.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert chosen == [small["cy"]]
    QTest.mouseDClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [small["cy"]]
    panel.list.setFocus()
    QTest.keyClick(panel.list, Qt.Key.Key_Up)
    QTest.keyClick(panel.list, Qt.Key.Key_Return)
    assert opened == [small["cy"], small["ana"]]
    assert panel.current_contact_id() == small["ana"]


def test_down_from_the_input_goes_to_the_first_person(
    qtbot: Any, db: pw.SqliteDatabase, small: dict
) -> None:
    panel = _panel(qtbot, db)
    assert panel.input is not None
    panel.input.setFocus()
    QTest.keyClicks(panel.input, "gdpr")
    panel.completer.popup().hide()
    qtbot.wait(50)  # offscreen, the popup's queued activation arrives even once it is hidden
    panel.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is panel)
    QTest.keyClick(panel.input, Qt.Key.Key_Down)
    assert panel.query() == "gdpr", "no wait for the pause"
    qtbot.waitUntil(panel.list.hasFocus)
    assert panel.current_contact_id() == small["di"]


def test_the_completer_offers_topics_by_word(
    qtbot: Any, db: pw.SqliteDatabase, small: dict
) -> None:
    panel = _panel(qtbot, db)
    assert panel.input is not None
    panel.input.setFocus()
    QTest.keyClicks(panel.input, "pric")
    assert panel.completer.names() == ["pricing", "pricing strategy"]
    assert panel.completer.popup_visible()
    QTest.keyClicks(panel.input, "ing s")
    assert panel.completer.names() == ["pricing strategy"]
    panel.input.clear()
    QTest.keyClicks(panel.input, "strat")
    assert panel.completer.names() == ["pricing strategy"], "any word of the name"
    popup = panel.completer.popup()
    popup.setCurrentIndex(panel.completer.completionModel().index(0, 0))
    QTest.keyClick(popup, Qt.Key.Key_Return)
    assert panel.input.text() == "pricing strategy"


def test_a_merged_word_completes_to_its_topic(
    qtbot: Any, db: pw.SqliteDatabase, small: dict
) -> None:
    price = resolve_topic(db, "pricing strategy")
    pricing = resolve_topic(db, "pricing")
    assert price is not None
    assert pricing is not None
    merge_topics(db, [price.id], pricing.id)
    panel = _panel(qtbot, db)
    assert panel.input is not None
    panel.input.setFocus()
    QTest.keyClicks(panel.input, "strategy")
    assert panel.completer.names() == ["pricing"]
    label = panel.completer.completionModel().index(0, 0).data()
    assert label == "pricing (merged from “pricing strategy”)"
    panel.set_query("pricing strategy")
    _ranked(qtbot, panel.model)
    assert panel.heading.text() == "People who can help with “pricing” (also “pricing strategy”)"


def test_archived_people_when_asked(qtbot: Any, db: pw.SqliteDatabase, small: dict) -> None:
    record = load_contact(db, small["bo"])
    record.data.archived = True
    from ally_desktop.core.contacts import update_contact

    update_contact(db, small["bo"], record.data)
    panel = _panel(qtbot, db)
    panel.set_query("pricing")
    _ranked(qtbot, panel.model)
    assert small["bo"] not in _ids(panel.model)
    panel.set_include_archived(True)
    _ranked(qtbot, panel.model)
    assert small["bo"] in _ids(panel.model)


# --- in the Contacts view ---------------------------------------------------------------------
def test_contacts_search_switches_to_who_can_help(
    qtbot: Any, small: dict, window: MainWindow
) -> None:
    page = window.contacts
    page.search.setText("Ng")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert page.results.currentWidget() is page.table

    page.who_action.trigger()
    assert page.who_mode()
    assert page.results.currentWidget() is page.who
    assert page.search.text() == "", "each mode has its own text"
    assert page.search.placeholderText().startswith("Who can help with")
    assert page.search.completer() is page.who.completer
    assert page.tag_filter.isHidden()
    page.search.setFocus()
    QTest.keyClicks(page.search, "pricing")
    qtbot.waitUntil(lambda: page.who.query() == "pricing" and not page.who.pending())
    assert page.model.query.text == "Ng", "the list is not searched for the topic"
    assert page.count_label.text() == "3 people"

    rect = page.who.list.visualRect(page.who.model.index(0, 0))
    QTest.mouseClick(page.who.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert "Ana Ruiz" in page.detail.toPlainText()
    assert page.history.contact_id == small["ana"]
    assert page.selected_ids() == [], "Ana is not in the list searched for “Ng”"

    page.people_action.trigger()
    assert not page.who_mode()
    assert page.search.text() == "Ng"
    assert page.results.currentWidget() is page.table
    assert page.search.completer() is None
    assert not page.tag_filter.isHidden()
    assert page.count_label.text() == "1 person"

    page.set_who_mode(True)
    assert page.search.text() == "pricing", "the topic is still there"
    qtbot.waitUntil(lambda: page.who.list.viewport().isVisible())
    QApplication.processEvents()
    rect = page.who.list.visualRect(page.who.model.index(1, 0))
    QTest.mouseClick(page.who.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(page.who.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert not page.who_mode()
    assert page.selected_ids() == [small["cy"]]


def test_who_mode_follows_changes(qtbot: Any, window: MainWindow, small: dict) -> None:
    page = window.contacts
    page.set_who_mode(True)
    page.who.set_query("gdpr")
    _ranked(qtbot, page.who.model)
    assert _ids(page.who.model) == [small["di"]]
    record = load_contact(window.editing.db, small["ana"])
    record.data.topics = ["pricing", "GDPR"]
    window.editing.edit(small["ana"], record.data)
    assert page.who_mode(), "editing someone keeps the ranking on screen"
    qtbot.waitUntil(lambda: _ids(page.who.model) == [small["ana"], small["di"]])


def test_the_mode_menu_sits_in_the_search_field(
    qtbot: Any, small: dict, window: MainWindow
) -> None:
    page = window.contacts
    assert page.mode_action in page.search.actions()
    assert page.mode_action.text() == "People"
    page.mode_action.trigger()
    qtbot.waitUntil(page.mode_menu.isVisible)
    page.mode_menu.hide()
    page.set_who_mode(True)
    assert page.mode_action.text() == "Who can help?"
    assert page.who_action.isChecked()


# --- merging topics ------------------------------------------------------------------------
@pytest.fixture
def editing(qtbot: Any, db: pw.SqliteDatabase) -> Iterator[TopicEditing]:
    stack = QUndoStack()
    yield TopicEditing(db, stack, ContactChanges())
    stack.clear()


def _vocabulary(db: pw.SqliteDatabase) -> list[tuple[Any, ...]]:
    conn = sqlite_connection(db)
    return [
        *conn.execute("SELECT id, name, key FROM topic ORDER BY id"),
        *conn.execute("SELECT key, name, topic_id FROM topic_alias ORDER BY key"),
        *conn.execute("SELECT contact_id, topic_id, position FROM contact_topic ORDER BY 1, 2"),
        *conn.execute("SELECT rowid, topics FROM contact_fts ORDER BY rowid"),
    ]


def _row_of(dialog: TopicsDialog, name: str) -> QModelIndex:
    for row in range(dialog.model.rowCount()):
        index = dialog.model.index(row, 0)
        if str(index.data()).startswith(f"{name} — "):
            return index
    raise AssertionError(f"{name} is not listed")


def test_dialog_merges_and_undo_puts_everything_back(
    qtbot: Any, db: pw.SqliteDatabase, small: dict, editing: TopicEditing
) -> None:
    before = _vocabulary(db)
    dialog = TopicsDialog(db, editing)
    qtbot.addWidget(dialog)
    dialog.show()
    assert str(_row_of(dialog, "pricing").data()) == "pricing — 1 person"
    assert not dialog.merge_button.isEnabled()
    for name in ("pricing", "pricing strategy"):
        dialog.model.setData(
            _row_of(dialog, name), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
        )
    assert dialog.merge_button.isEnabled()
    assert [dialog.keep.itemText(i) for i in range(dialog.keep.count())] == [
        "pricing",
        "pricing strategy",
    ]
    dialog.keep.setCurrentIndex(0)
    changed: list[Any] = []
    editing.changes.changed.connect(changed.append)
    QTest.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)

    assert load_contact(db, small["cy"]).data.topics == ["pricing"]
    assert str(_row_of(dialog, "pricing").data()) == "pricing — 2 people · also “pricing strategy”"
    assert "Merge “pricing strategy” into “pricing”: 1 person updated." in dialog.status.text()
    assert changed[-1].ids == (small["cy"],)
    assert editing.stack.count() == 1
    merged = _vocabulary(db)

    editing.stack.undo()
    assert _vocabulary(db) == before
    assert load_contact(db, small["cy"]).data.topics == ["pricing strategy"]
    editing.stack.redo()
    assert _vocabulary(db) == merged


def test_dialog_renames_and_refuses_a_taken_name(
    qtbot: Any, db: pw.SqliteDatabase, small: dict, editing: TopicEditing
) -> None:
    dialog = TopicsDialog(db, editing)
    qtbot.addWidget(dialog)
    gdpr = resolve_topic(db, "GDPR")
    assert gdpr is not None
    assert not dialog.rename(gdpr.id, "pricing")
    assert "merge the two topics instead" in dialog.status.text()
    assert editing.stack.count() == 0
    assert dialog.rename(gdpr.id, "Data protection")
    assert load_contact(db, small["di"]).data.topics == ["Data protection"]
    assert str(_row_of(dialog, "Data protection").data()).endswith("also “GDPR”")
    editing.stack.undo()
    assert load_contact(db, small["di"]).data.topics == ["GDPR"]


def test_undo_that_can_no_longer_be_done_is_dropped(
    qtbot: Any,
    db: pw.SqliteDatabase,
    small: dict,
    editing: TopicEditing,
) -> None:
    strategy = resolve_topic(db, "pricing strategy")
    pricing = resolve_topic(db, "pricing")
    assert strategy is not None
    assert pricing is not None
    editing.merge([strategy.id], pricing.id)
    sqlite_connection(db).execute(  # the topic back by another way (an older Ally)
        "INSERT INTO topic (name, key) VALUES ('pricing strategy', ?)",
        [vocabulary_key("pricing strategy")],
    )
    told: list[str] = []
    editing.changes.failed.connect(told.append)
    editing.stack.undo()
    assert told == ["The topic “pricing strategy” exists again, so the merge cannot be undone."]
    assert editing.stack.count() == 0, "dropped from the history"


def test_usage_text() -> None:
    from ally_desktop.core.topics import TopicUsage

    assert usage_text(TopicUsage(1, "tax", 1)) == "tax — 1 person"
    assert usage_text(TopicUsage(1, "tax", 2_000, ("VAT", "taxes"))) == (
        "tax — 2,000 people · also “VAT”, “taxes”"
    )


# --- how it looks ---------------------------------------------------------------------------
@pytest.fixture
def appearance(qapp: QApplication) -> Iterator[Appearance]:
    style = qapp.style().name()
    look = Appearance(qapp)
    yield look
    Shiboken.delete(look)
    qapp.setStyle(QStyleFactory.create(style))
    qapp.setPalette(QPalette())
    qapp.styleHints().unsetColorScheme()
    refresh_styles()


@pytest.mark.parametrize("scheme", [Scheme.LIGHT, Scheme.DARK])
def test_panel_renders_in_light_and_dark(
    qtbot: Any,
    db: pw.SqliteDatabase,
    appearance: Appearance,
    scheme: Scheme,
    tmp_path: Path,
) -> None:
    appearance.apply(scheme)
    generate_demo(db, 300, seed=11, interactions=900)
    panel = _panel(qtbot, db)
    panel.set_query("pricing")
    _ranked(qtbot, panel.model)
    panel.list.setCurrentIndex(panel.model.index(1, 0))
    image: QImage = panel.grab().toImage()
    path = tmp_path / f"who-{scheme.value}.png"
    assert image.save(str(path))
    assert is_dark() == (scheme is Scheme.DARK)
    # The first row's name is drawn in the text colour on the base: the row is not blank.
    rect = panel.list.visualRect(panel.model.index(0, 0))
    origin = panel.list.viewport().mapTo(panel, QPoint(0, 0))
    row = rect.translated(origin)
    colors = {
        image.pixelColor(x, y).lightness()
        for x in range(row.left(), row.right(), 3)
        for y in range(row.top(), row.bottom(), 2)
    }
    assert max(colors) - min(colors) > 100, "text that stands out from the row"
