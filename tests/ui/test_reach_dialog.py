"""How can I reach…? and Record an introduction: the dialogs driven as a person would,
on a real database; the introduction recorded, undone and redone through the undo stack."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import peewee as pw
import pytest
from PySide6.QtCore import QDate, QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QUndoStack
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from ally_desktop.core.contacts import create_contact
from ally_desktop.core.demo import generate_demo
from ally_desktop.core.introductions import INTRODUCTION_KIND, IntroductionData, find_chains
from ally_desktop.core.records import Closeness, ContactData
from ally_desktop.core.timeline import TimelineQuery, interaction_ids, load_interaction
from ally_desktop.store.db import sqlite_connection
from ally_desktop.ui.contacts.commands import ChangeSet, ContactChanges
from ally_desktop.ui.insight.introduction_commands import IntroductionEditing
from ally_desktop.ui.insight.introduction_dialog import IntroductionDialog
from ally_desktop.ui.insight.reach_dialog import ReachDialog
from ally_desktop.ui.timeline.commands import InteractionChange
from ally_desktop.ui.widgets.people import ChosenPerson, PeopleField

Enter = Qt.Key.Key_Return


@pytest.fixture
def people(db: pw.SqliteDatabase) -> dict[str, int]:
    """Ana (inner circle) works with Bo, who manages Carla; Dee (ally) is a friend of
    Carla; Eve, at Globex, knows nobody; Ivy is at Globex too, known to the user."""

    def add(given: str, family: str, closeness: Closeness, org: str = "") -> int:
        data = ContactData(
            given_name=given, family_name=family, closeness=closeness, organization=org
        )
        return create_contact(db, data)

    ids = {
        "ana": add("Ana", "Silva", Closeness.INNER_CIRCLE, "Initech"),
        "bo": add("Bo", "Chen", Closeness.OTHER, "Initech"),
        "carla": add("Carla", "Diaz", Closeness.OTHER, "Globex"),
        "dee": add("Dee", "Park", Closeness.ALLY),
        "eve": add("Eve", "Lone", Closeness.OTHER, "Umbrella"),
        "ivy": add("Ivy", "Known", Closeness.ACQUAINTANCE, "Globex"),
    }
    conn = sqlite_connection(db)
    for a, b, kind in (("ana", "bo", "works_with"), ("carla", "bo", "reports_to")):
        conn.execute(
            "INSERT INTO connection (from_id, to_id, kind, created_at) VALUES (?, ?, ?, '2026')",
            [ids[a], ids[b], kind],
        )
    conn.execute(
        "INSERT INTO connection (from_id, to_id, kind, created_at) VALUES (?, ?, 'friend_of',"
        " '2026')",
        [ids["dee"], ids["carla"]],
    )
    return ids


@pytest.fixture
def reach(qtbot: Any, db: pw.SqliteDatabase, people: dict[str, int]) -> Callable[..., ReachDialog]:
    def make(**options: Any) -> ReachDialog:
        dialog = ReachDialog(db, **options)
        qtbot.addWidget(dialog)
        dialog.resize(760, 460)
        with qtbot.waitActive(dialog):
            dialog.show()
            dialog.activateWindow()
        return dialog

    return make


def _choose(qtbot: Any, field: PeopleField, typed: str) -> None:
    field.input.setFocus()
    qtbot.keyClicks(field.input, typed)
    qtbot.keyClick(field.input, Enter)


def _texts(dialog: ReachDialog) -> list[str]:
    return [row.accessibleName() for row in dialog.chain_rows()]


def _link_point(label: QLabel, href: str) -> QPoint:
    """Where on the label the link to ``href`` is: found by moving the mouse over it, as
    a person would, until the label says it hovers that link."""
    hovered: list[str] = []
    label.linkHovered.connect(hovered.append)
    for y in range(4, label.height(), 6):
        for x in range(2, label.width(), 4):
            point = QPointF(x, y)
            event = QMouseEvent(
                QEvent.Type.MouseMove,
                point,
                label.mapToGlobal(point),
                Qt.MouseButton.NoButton,
                Qt.MouseButton.NoButton,
                Qt.KeyboardModifier.NoModifier,
            )
            QApplication.sendEvent(label, event)
            if hovered and hovered[-1] == href:
                return QPoint(x, y)
    raise AssertionError(f"no link to {href} on the label")


# --- How can I reach…? --------------------------------------------------------------------
def test_choosing_a_person_shows_the_chains(
    qtbot: Any, reach: Callable[..., ReachDialog], people: dict[str, int]
) -> None:
    dialog = reach()
    assert dialog.chain_rows() == []
    assert "Choose a person" in dialog.summary.text()
    _choose(qtbot, dialog.person, "carla")
    assert _texts(dialog) == [
        "1. You → Dee Park (ally) → Carla Diaz (is a friend of Dee)",
        "2. You → Ana Silva (inner circle) → Bo Chen (works with Ana) → Carla Diaz (reports to Bo)",
    ]
    assert dialog.summary.text() == "Ways to reach Carla Diaz, best first."
    first = dialog.chain_rows()[0]
    assert first.hint.text() == "Ask Dee Park to introduce you to Carla Diaz · one introduction"
    assert first.text.toolTip() == "Dee Park is a friend of Carla Diaz"


def test_clicking_a_name_asks_to_open_the_person(
    qtbot: Any, reach: Callable[..., ReachDialog], people: dict[str, int]
) -> None:
    dialog = reach(person=people["carla"])
    row = dialog.chain_rows()[1]
    point = _link_point(row.text, f"person:{people['bo']}")
    with qtbot.waitSignal(dialog.personRequested) as requested:
        qtbot.mouseClick(row.text, Qt.MouseButton.LeftButton, pos=point)
    assert requested.args == [people["bo"]]


def test_record_button_asks_for_the_first_introduction(
    qtbot: Any, reach: Callable[..., ReachDialog], people: dict[str, int]
) -> None:
    dialog = reach(person=people["carla"])
    row = dialog.chain_rows()[1]
    assert row.button.text() == "Record introduction…"
    with qtbot.waitSignal(dialog.introductionRequested) as requested:
        qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    assert requested.args == [people["ana"], people["bo"]]


def test_someone_known_directly_is_said_so_and_can_be_logged(
    qtbot: Any, reach: Callable[..., ReachDialog], people: dict[str, int]
) -> None:
    dialog = reach(person=people["ana"])
    row, *others = dialog.chain_rows()
    assert row.accessibleName() == "1. You → Ana Silva (inner circle)"
    assert [other.chain.first.name for other in others] == ["Dee Park"]  # via Carla and Bo
    assert dialog.summary.text() == "You know Ana Silva directly. Others who know them:"
    assert row.hint.text() == "You know Ana Silva directly: get in touch."
    assert row.button.text() == "Log interaction…"
    with qtbot.waitSignal(dialog.logRequested) as requested:
        qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    assert requested.args == [[people["ana"]]]
    dialog.set_person(people["ivy"])  # known, and connected to nobody
    assert dialog.summary.text() == "You know Ivy Known directly."


def test_typing_an_organization(
    qtbot: Any, reach: Callable[..., ReachDialog], people: dict[str, int]
) -> None:
    dialog = reach()
    line = dialog.organization.lineEdit()
    assert line is not None
    line.setFocus()
    qtbot.keyClicks(line, "globex")
    assert dialog.organization_choice.isChecked()
    qtbot.keyClick(line, Enter)
    assert dialog.isVisible(), "Enter searches; it does not close the dialog"
    assert _texts(dialog) == [
        "1. You → Ivy Known (acquaintance)",
        "2. You → Dee Park (ally) → Carla Diaz (is a friend of Dee)",
        "3. You → Ana Silva (inner circle) → Bo Chen (works with Ana) → Carla Diaz (reports to Bo)",
    ]
    assert dialog.summary.text() == "Ways to reach someone at Globex (2 people), best first."
    dialog.person_choice.click()  # back to the person field: nobody chosen there
    assert dialog.chain_rows() == []


def test_unreachable_and_unknown_organization_say_why(
    reach: Callable[..., ReachDialog], people: dict[str, int]
) -> None:
    dialog = reach(person=people["eve"])
    assert dialog.chain_rows() == []
    assert dialog.summary.text().startswith("No chain of connections leads from anyone you know")
    dialog.set_organization("Nowhere Inc")
    assert dialog.summary.text() == "Nobody at “Nowhere Inc” is in Ally."


def test_rows_follow_changes(
    qtbot: Any, reach: Callable[..., ReachDialog], db: pw.SqliteDatabase, people: dict[str, int]
) -> None:
    changes = ContactChanges()
    dialog = reach(person=people["carla"], changes=changes)
    assert not dialog.chain_rows()[0].chain.direct
    editing = IntroductionEditing(db, QUndoStack(), changes)
    editing.record(IntroductionData(people["dee"], people["carla"], date(2026, 5, 1)))
    qtbot.waitUntil(lambda: dialog.chain_rows()[0].chain.direct)
    assert dialog.summary.text() == "You know Carla Diaz directly. Others who know them:"


def test_long_chains_wrap_inside_their_rows(
    qtbot: Any, reach: Callable[..., ReachDialog], db: pw.SqliteDatabase
) -> None:
    generate_demo(db, 250, seed=7)
    target = _far_target(db)
    dialog = reach(person=target)
    dialog.resize(dialog.minimumSize())
    qtbot.waitUntil(lambda: dialog.chain_rows()[0].width() < 640)
    QApplication.processEvents()
    assert any(
        row.text.height() >= 2 * row.text.fontMetrics().lineSpacing() for row in dialog.chain_rows()
    ), "no chain long enough to wrap"
    for row in dialog.chain_rows():
        label = row.text
        assert label.height() >= label.heightForWidth(label.width()), "text cut off"
        assert row.button.geometry().right() <= row.width()
        assert not label.geometry().intersects(row.button.geometry())


def _far_target(db: pw.SqliteDatabase) -> int:
    """Someone the user does not know with a chain of at least two links."""
    for (cid,) in sqlite_connection(db).execute(
        "SELECT id FROM contact WHERE closeness = 3 AND last_interaction_at IS NULL ORDER BY id"
    ):
        chains = find_chains(db, person=cid).chains
        if chains and max(len(c.links) for c in chains) >= 2:
            return int(cid)
    raise AssertionError("the demo has nobody two links away")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_renders_with_demo_data(
    qtbot: Any,
    db: pw.SqliteDatabase,
    tmp_path: Path,
    scheme: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ally_desktop.ui.look import Scheme, install_appearance

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    monkeypatch.setenv("ALLY_COLOR_SCHEME", scheme)
    look = install_appearance(app)
    try:
        generate_demo(db, 250, seed=7)
        dialog = ReachDialog(db, person=_far_target(db))
        qtbot.addWidget(dialog)
        dialog.resize(760, 460)
        dialog.show()
        qtbot.waitExposed(dialog)
        image = dialog.grab().toImage()
        image.save(str(tmp_path / f"reach-{scheme}.png"))
        assert len(dialog.chain_rows()) == 5
        background = image.pixelColor(5, image.height() - 5)
        assert (background.lightness() < 128) == (scheme == "dark")
    finally:
        look.apply(Scheme.LIGHT)


# --- Record an introduction -------------------------------------------------------------------
@pytest.fixture
def editing(db: pw.SqliteDatabase) -> IntroductionEditing:
    return IntroductionEditing(db, QUndoStack(), ContactChanges())


def _introduction_dialog(
    qtbot: Any, db: pw.SqliteDatabase, editing: IntroductionEditing, **options: Any
) -> IntroductionDialog:
    dialog = IntroductionDialog(db, editing.record, **options)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    return dialog


def _connections(db: pw.SqliteDatabase) -> list[tuple[int, int, str]]:
    return (
        sqlite_connection(db)
        .execute("SELECT from_id, to_id, kind FROM connection WHERE kind = 'introduced'")
        .fetchall()
    )


def test_record_undo_redo(
    qtbot: Any, db: pw.SqliteDatabase, people: dict[str, int], editing: IntroductionEditing
) -> None:
    announced: list[object] = []
    editing.changes.changed.connect(announced.append)
    editing.changes.interactionsChanged.connect(announced.append)
    dialog = _introduction_dialog(qtbot, db, editing)
    assert dialog.introducer.input.hasFocus()
    _choose(qtbot, dialog.introducer, "dee")
    _choose(qtbot, dialog.introduced, "carla")
    assert dialog.preview.text().startswith("Dee Park introduced me to Carla Diaz.")
    dialog.day.setDate(QDate(2026, 5, 1))
    qtbot.keyClicks(dialog.note, "Coffee at the conference")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()

    assert _connections(db) == [(people["dee"], people["carla"], "introduced")]
    [interaction] = interaction_ids(db, TimelineQuery())
    record = load_interaction(db, interaction)
    assert record.data.kind == INTRODUCTION_KIND
    assert record.data.title == "Dee Park introduced me to Carla Diaz"
    assert record.data.notes == "Coffee at the conference"
    assert record.data.day == date(2026, 5, 1)
    pair = (people["dee"], people["carla"])
    assert InteractionChange((interaction,), pair, interaction) in announced
    assert ChangeSet(pair, membership=False) in announced

    stack = editing.stack
    assert stack.undoText() == "Record “Dee Park introduced me to Carla Diaz”"
    stack.undo()
    assert _connections(db) == []
    assert list(interaction_ids(db, TimelineQuery())) == []
    stack.redo()
    assert _connections(db) == [(people["dee"], people["carla"], "introduced")]
    assert list(interaction_ids(db, TimelineQuery())) == [interaction]


def test_prefilled_from_a_chain(
    qtbot: Any, db: pw.SqliteDatabase, people: dict[str, int], editing: IntroductionEditing
) -> None:
    dialog = _introduction_dialog(
        qtbot,
        db,
        editing,
        introducer=ChosenPerson(people["ana"], "Ana Silva"),
        introduced=ChosenPerson(people["bo"], "Bo Chen"),
        day=date(2026, 2, 3),
    )
    assert dialog.introduced.input.hasFocus()
    data = dialog.form_data()
    assert (data.introducer, data.introduced, data.day) == (
        people["ana"],
        people["bo"],
        date(2026, 2, 3),
    )
    qtbot.keyClick(dialog, Enter, Qt.KeyboardModifier.ControlModifier)
    assert _connections(db) == [(people["ana"], people["bo"], "introduced")]


def test_problems_keep_the_dialog_open(
    qtbot: Any, db: pw.SqliteDatabase, people: dict[str, int], editing: IntroductionEditing
) -> None:
    dialog = _introduction_dialog(qtbot, db, editing)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "Choose who introduced you." in dialog.error.text()
    _choose(qtbot, dialog.introducer, "ana")
    _choose(qtbot, dialog.introduced, "ana")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "Choose two different people."
    dialog.introduced.set_people([])
    qtbot.keyClicks(dialog.introduced.input, "Bo")  # typed, never chosen
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "“Bo” is typed but not chosen" in dialog.error.text()
    assert dialog.isVisible()
    assert _connections(db) == []
    assert editing.stack.count() == 0


def test_a_new_person_can_be_added_from_the_picker(
    qtbot: Any, db: pw.SqliteDatabase, people: dict[str, int], editing: IntroductionEditing
) -> None:
    created: list[str] = []

    def create(name: str) -> int:
        created.append(name)
        return create_contact(db, ContactData(given_name=name))

    dialog = _introduction_dialog(qtbot, db, editing, create_person=create)
    _choose(qtbot, dialog.introducer, "ana")
    _choose(qtbot, dialog.introduced, "Zed")
    assert created == ["Zed"]
    assert [p.name for p in dialog.introduced.people()] == ["Zed"]


def test_both_dialogs_fit_their_contents(
    qtbot: Any, db: pw.SqliteDatabase, people: dict[str, int], editing: IntroductionEditing
) -> None:
    dialog = _introduction_dialog(
        qtbot,
        db,
        editing,
        introducer=ChosenPerson(people["ana"], "Ana Silva"),
        introduced=ChosenPerson(people["bo"], "Bo Chen"),
    )
    for child in dialog.findChildren(QWidget):
        if child.isVisible() and child.parentWidget() is dialog:
            assert dialog.rect().contains(child.geometry()), child.objectName()
    assert dialog.preview.height() >= dialog.preview.heightForWidth(dialog.preview.width())
