"""Relationship health in the window: the Contacts list's Health column and the profile."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import peewee as pw
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPalette

from ally_desktop.core.contact_queries import ContactQuery, SortKey
from ally_desktop.core.contacts import create_contact, load_contact
from ally_desktop.core.health import Level, explain, health_of
from ally_desktop.core.records import Closeness, ContactData
from ally_desktop.core.timeline import Exchange, InteractionData, balance, create_interaction
from ally_desktop.ui.contacts.detail import ContactDetail, health_bar, render_contact
from ally_desktop.ui.contacts.model import (
    COLUMNS,
    HEALTH_COLUMN,
    HEALTH_TONES,
    ContactTableModel,
)
from ally_desktop.ui.look import dark_palette, light_palette, tone
from ally_desktop.ui.main_window import MainWindow

TODAY = date.today()


def noon(days_ago: int) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days_ago), time(12)).astimezone()


@pytest.fixture
def people(db: pw.SqliteDatabase) -> dict[str, int]:
    """Ana: in touch weekly; Bo: overdue on a 2-week cadence; Cy: never contacted, added
    today; Dee: takes without giving; Eve: seen once, long ago."""

    def add(name: str, **fields: Any) -> int:
        return create_contact(db, ContactData(given_name=name, **fields))

    ids = {
        "Ana": add("Ana", closeness=Closeness.INNER_CIRCLE),
        "Bo": add("Bo", closeness=Closeness.ALLY, cadence_days=14),
        "Cy": add("Cy"),
        "Dee": add("Dee", closeness=Closeness.ALLY),
        "Eve": add("Eve", closeness=Closeness.OTHER),
    }
    log: list[tuple[str, int, Exchange | None]] = [
        *(("Ana", days, None) for days in range(1, 60, 7)),
        ("Bo", 90, "given"),
        ("Bo", 30, None),
        ("Dee", 20, "received"),
        ("Dee", 10, "received"),
        ("Dee", 5, "received"),
        ("Eve", 900, None),
    ]
    for name, days, exchange in log:
        create_interaction(
            db, InteractionData("call", [ids[name]], when=noon(days), exchange=exchange)
        )
    return ids


def texts(
    model: ContactTableModel, column: int, role: int = Qt.ItemDataRole.DisplayRole
) -> list[Any]:
    return [model.index(row, column).data(role) for row in range(model.rowCount())]


def names(model: ContactTableModel) -> list[str]:
    return texts(model, 0)


# --- the column ------------------------------------------------------------------------------
def test_the_health_column_is_the_last_and_sortable() -> None:
    assert COLUMNS[HEALTH_COLUMN] == ("Health", SortKey.HEALTH)
    assert len(COLUMNS) - 1 == HEALTH_COLUMN, "saved header layouts keep the other columns"


def test_each_row_shows_its_score_level_colour_and_why(
    qtmodeltester: Any, db: pw.SqliteDatabase, people: dict[str, int]
) -> None:
    model = ContactTableModel(db, clock=lambda: TODAY)
    qtmodeltester.check(model)
    assert names(model) == ["Ana", "Bo", "Cy", "Dee", "Eve"]
    for row, name in enumerate(names(model)):
        health = health_of(db, people[name], TODAY)
        index = model.index(row, HEALTH_COLUMN)
        assert index.data() == f"{health.score} · {health.level.word}"
        assert index.data(Qt.ItemDataRole.ForegroundRole) == tone(HEALTH_TONES[health.level])
        assert index.data(Qt.ItemDataRole.ToolTipRole) == explain(health)
    levels = {name: health_of(db, people[name], TODAY).level for name in people}
    assert levels["Ana"] is Level.STRONG
    assert levels["Eve"] is Level.AT_RISK
    assert texts(model, HEALTH_COLUMN)[0] == "100 · strong"
    tip = model.index(4, HEALTH_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("You last talked 2 years ago; with no cadence set, every 6 months")


def test_sorting_by_health_puts_the_weakest_first_then_the_strongest(
    qtbot: Any, qtmodeltester: Any, db: pw.SqliteDatabase, people: dict[str, int]
) -> None:
    model = ContactTableModel(db, clock=lambda: TODAY)
    qtmodeltester.check(model)
    scores = {name: health_of(db, cid, TODAY).score for name, cid in people.items()}
    weakest_first = sorted(people, key=lambda name: (scores[name], name))
    with qtbot.waitSignal(model.modelReset):
        model.sort(HEALTH_COLUMN, Qt.SortOrder.AscendingOrder)
    assert model.query.sort is SortKey.HEALTH
    assert names(model) == weakest_first
    model.sort(HEALTH_COLUMN, Qt.SortOrder.DescendingOrder)
    assert names(model) == sorted(people, key=lambda name: (-scores[name], name))
    assert texts(model, HEALTH_COLUMN)[0].startswith(f"{max(scores.values())} · ")
    # Filters and searches keep the order.
    model.set_query(ContactQuery(text="dee", sort=SortKey.HEALTH))
    assert names(model) == ["Dee"]


def test_the_scores_follow_the_date_at_midnight(
    qtbot: Any, db: pw.SqliteDatabase, people: dict[str, int]
) -> None:
    day = [TODAY]
    model = ContactTableModel(db, clock=lambda: day[0])
    assert model.index(0, HEALTH_COLUMN).data() == "100 · strong"
    assert model._day_timer.isActive(), "once a relative date is shown, midnight is awaited"
    day[0] = TODAY + timedelta(days=120)  # four months without a word
    later = health_of(db, people["Ana"], day[0])
    changed: list[tuple[int, int, int]] = []
    model.dataChanged.connect(
        lambda first, last, _roles: changed.append((first.column(), last.column(), last.row()))
    )
    model._on_new_day()
    assert (HEALTH_COLUMN, HEALTH_COLUMN, model.rowCount() - 1) in changed
    assert model.index(0, HEALTH_COLUMN).data() == f"{later.score} · {later.level.word}"
    assert later.score < 100

    # Sorted by health, a new day sorts again.
    model.sort(HEALTH_COLUMN, Qt.SortOrder.AscendingOrder)
    day[0] = TODAY + timedelta(days=800)
    with qtbot.waitSignal(model.modelReset):
        model._on_new_day()
    scores = [health_of(db, model.contact_id(r), day[0]).score for r in range(model.rowCount())]
    assert scores == sorted(scores)


def test_the_profile_shown_follows_the_date_at_midnight(
    qtbot: Any, people: dict[str, int], make_window: Callable[[], MainWindow]
) -> None:
    """Left open overnight, the profile's health and its "last talked" move on with the
    list: both are for the date the list is on."""
    window = make_window()
    page = window.contacts
    page.show_contact(people["Ana"])
    assert f"{health_of(page._db, people['Ana'], TODAY).score}/100" in page.detail.toPlainText()

    later = TODAY + timedelta(days=120)
    page.model._clock = lambda: later  # the computer's date, four months on
    with qtbot.waitSignal(page.model.dayChanged, timeout=1000):
        page.model._on_new_day()
    health = health_of(page._db, people["Ana"], later)
    assert health.score < 100
    assert f"{health.score}/100 · {health.level.word}" in page.detail.toPlainText()
    assert "You last talked 4 months ago" in page.detail.toPlainText()


def test_clicking_the_health_header_sorts_the_list(
    qtbot: Any, people: dict[str, int], make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    table = window.contacts.table
    model = window.contacts.model
    table.scrollTo(model.index(0, HEALTH_COLUMN))
    header = table.horizontalHeader()
    x = header.sectionViewportPosition(HEALTH_COLUMN) + header.sectionSize(HEALTH_COLUMN) // 2
    assert 0 < x < header.viewport().width()
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )
    assert model.query.sort is SortKey.HEALTH
    assert not model.query.descending, "the first click shows who needs attention first"
    scores = [int(text.split(" ")[0]) for text in texts(model, HEALTH_COLUMN)]
    assert scores == sorted(scores)
    assert header.sortIndicatorSection() == HEALTH_COLUMN


# --- the profile ---------------------------------------------------------------------------------
def show(qtbot: Any, db: pw.SqliteDatabase, contact_id: int, **kwargs: Any) -> ContactDetail:
    detail = ContactDetail()
    qtbot.addWidget(detail)
    detail.today = TODAY
    detail.resize(600, 700)
    detail.show_contact(
        load_contact(db, contact_id), balance(db, contact_id), [], health_of(db, contact_id, TODAY)
    )
    return detail


def test_the_profile_shows_the_score_and_the_explanation(
    qtbot: Any, db: pw.SqliteDatabase, people: dict[str, int]
) -> None:
    detail = show(qtbot, db, people["Dee"])
    health = health_of(db, people["Dee"], TODAY)
    text = detail.toPlainText()
    assert "RELATIONSHIP HEALTH" in text
    assert f"{health.score}/100 · {health.level.word}" in text
    assert (
        "You last talked 5 days ago; usually every 8 days. 3 interactions since "
        f"{(TODAY - timedelta(days=20)):%B %Y}. You received help 3 times and gave none yet."
        in text
    )
    assert text.index("RELATIONSHIP HEALTH") < text.index("TOGETHER")
    html = detail.toHtml()
    assert tone(HEALTH_TONES[health.level], detail.palette()).name() in html


def test_the_profile_redraws_the_health_in_dark_colours(
    qtbot: Any, db: pw.SqliteDatabase, people: dict[str, int]
) -> None:
    detail = show(qtbot, db, people["Eve"])
    level = health_of(db, people["Eve"], TODAY).level
    light = tone(HEALTH_TONES[level], light_palette()).name()
    dark = tone(HEALTH_TONES[level], dark_palette()).name()
    assert light != dark
    detail.setPalette(light_palette())
    assert light in detail.toHtml()
    detail.setPalette(dark_palette())
    assert dark in detail.toHtml()
    assert "RELATIONSHIP HEALTH" in detail.toPlainText()


def test_without_health_the_profile_has_no_such_section(
    db: pw.SqliteDatabase, people: dict[str, int]
) -> None:
    html = render_contact(load_contact(db, people["Ana"]), "#777777", "#0000ff", "#eeeeee")
    assert "RELATIONSHIP HEALTH" not in html
    assert "health:bar" not in html


@pytest.mark.parametrize("ratio", [1.0, 2.0])
def test_the_gauge_fills_as_much_as_the_score(qtbot: Any, ratio: float) -> None:
    color, track = QColor("#2e7d32"), QColor("#dddddd")
    image = health_bar(50, color, track, ratio)
    assert (image.width(), image.height()) == (round(120 * ratio), round(8 * ratio))
    middle = image.height() // 2
    assert QColor(image.pixel(round(30 * ratio), middle)) == color
    assert QColor(image.pixel(round(90 * ratio), middle)) == track
    empty = health_bar(0, color, track, ratio)
    assert QColor(empty.pixel(round(30 * ratio), middle)) == track
    full = health_bar(100, color, track, ratio)
    assert QColor(full.pixel(round(110 * ratio), middle)) == color


def test_the_gauge_is_readable_on_both_backgrounds() -> None:
    for palette in (light_palette(), dark_palette()):
        base = palette.color(QPalette.ColorRole.Base)
        for which in HEALTH_TONES.values():
            color = tone(which, palette)
            assert abs(color.lightness() - base.lightness()) > 60, (which, palette)
