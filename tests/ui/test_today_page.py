"""The Today page: its cards, counts and empty states, and what clicks and keys ask for.

The page reads off the GUI thread; each test waits for ``loaded``. The people are stored
with the real clock (the store stamps reminders and interactions with it), and met long
ago unless they are meant to be new allies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import peewee as pw
import pytest
from PySide6.QtCore import QPoint, Qt, QThreadPool
from PySide6.QtWidgets import QApplication

from ally_desktop.core.contacts import create_contact
from ally_desktop.core.records import ContactData, ImportantDate
from ally_desktop.core.reminders import ReminderData, create_reminder
from ally_desktop.core.timeline import InteractionData, create_interaction
from ally_desktop.core.today import TodaySection
from ally_desktop.ui.today.card import EMPTY_TEXT
from ally_desktop.ui.today.page import TWO_COLUMNS_FROM, TodayPage, greeting, summary_line

LONG_AGO = date(2020, 1, 1)


@pytest.fixture(autouse=True)
def _reads_end_before_the_database_closes() -> Iterator[None]:
    yield
    QThreadPool.globalInstance().waitForDone(5000)


def person(db: pw.SqliteDatabase, name: str, **fields: Any) -> int:
    given, _, family = name.partition(" ")
    fields.setdefault("met_on", LONG_AGO)
    return create_contact(db, ContactData(given_name=given, family_name=family, **fields))


def log(db: pw.SqliteDatabase, who: int, days_ago: float, exchange: str | None = None) -> None:
    when = datetime.now(UTC) - timedelta(days=days_ago)
    create_interaction(db, InteractionData("coffee", [who], when=when, exchange=exchange))  # type: ignore[arg-type]


def overdue(db: pw.SqliteDatabase, title: str, contact_id: int | None = None) -> int:
    when = (datetime.now(UTC) - timedelta(days=2)).replace(second=0, microsecond=0)
    return create_reminder(
        db,
        ReminderData(
            title, when.date(), contact_id=contact_id, at_time=when.time(), time_zone="UTC"
        ),
    )


@pytest.fixture
def make_page(qtbot: Any, db: pw.SqliteDatabase) -> Callable[..., TodayPage]:
    def make(width: int = 1000, height: int = 800) -> TodayPage:
        page = TodayPage(db)
        qtbot.addWidget(page)
        page.resize(width, height)
        with qtbot.waitSignal(page.loaded, timeout=5000):
            page.show()
        return page

    return make


@pytest.fixture
def everyone(db: pw.SqliteDatabase) -> dict[str, int]:
    """One person in each section."""
    ids = {"Ada": person(db, "Ada Lovelace")}
    overdue(db, "Send the slides", ids["Ada"])
    ids["Bo"] = person(db, "Bo Chen")
    for days in (45, 35, 25):
        log(db, ids["Bo"], days)
    soon = date.today() + timedelta(days=2)
    ids["Cy"] = person(db, "Cy Díaz", dates=[ImportantDate("birthday", soon.month, soon.day, 1990)])
    ids["Di"] = person(db, "Di Eze", met_on=date.today() - timedelta(days=3), met_how="Offsite")
    ids["Ed"] = person(db, "Ed Fox")
    log(db, ids["Ed"], 300, "received")
    log(db, ids["Ed"], 200, "received")
    return ids


def names(page: TodayPage, section: TodaySection) -> list[str]:
    return [w.row.name for w in page.cards[section].row_widgets]


def test_each_card_has_its_people_and_its_count(
    make_page: Callable[..., TodayPage], everyone: dict[str, int]
) -> None:
    page = make_page()
    assert names(page, TodaySection.DUE) == ["Ada Lovelace"]
    assert names(page, TodaySection.DRIFTING) == ["Bo Chen"]
    assert names(page, TodaySection.BIRTHDAYS) == ["Cy Díaz"]
    assert names(page, TodaySection.NEW_ALLIES) == ["Di Eze"]
    assert names(page, TodaySection.GIVE_GET) == ["Ed Fox"]
    counts = {s: page.cards[s].count.text() for s in TodaySection}
    assert counts == {
        TodaySection.DUE: "1 due",
        TodaySection.DRIFTING: "1 drifting",
        TodaySection.BIRTHDAYS: "1 this week",
        TodaySection.NEW_ALLIES: "1 new",
        TodaySection.GIVE_GET: "1 helped you",
    }
    why = {s: page.cards[s].row_widgets[0].row.why for s in TodaySection}
    assert why[TodaySection.DUE] == "Send the slides, due 2 days ago"
    assert why[TodaySection.DRIFTING] == "Usually every 10 days; 25 days now"
    soon = date.today() + timedelta(days=2)
    assert why[TodaySection.BIRTHDAYS].endswith(f", turns {soon.year - 1990}")
    assert why[TodaySection.NEW_ALLIES] == "Met 3 days ago · Offsite · nothing logged yet"
    assert why[TodaySection.GIVE_GET] == "Received help twice, gave none"
    assert page.cards[TodaySection.GIVE_GET].row_widgets[0].row.attention
    assert page.summary.text() == (
        "1 due, 1 drifting away, 1 birthday this week and 1 new ally to follow up."
    )
    assert page.greeting.text() == greeting(datetime.now(UTC))
    for card in page.cards.values():
        assert not card.empty.isVisible()
        assert not card.more.isVisible()


def test_an_empty_day_reads_well(make_page: Callable[..., TodayPage]) -> None:
    page = make_page()
    assert page.summary.text() == "A quiet day: nobody needs you right now."
    for section, card in page.cards.items():
        assert card.empty.isVisible()
        assert card.empty.text() == EMPTY_TEXT[section]
        assert card.count.text() == ""
        assert card.row_widgets == []
    assert page.cards[TodaySection.DUE].empty.text() == "Nobody is due today."


def test_click_and_enter_open_the_person(
    qtbot: Any, make_page: Callable[..., TodayPage], everyone: dict[str, int]
) -> None:
    page = make_page()
    row = page.cards[TodaySection.NEW_ALLIES].row_widgets[0]
    with qtbot.waitSignal(page.personRequested, timeout=1000) as blocker:
        qtbot.mouseClick(row, Qt.MouseButton.LeftButton, pos=QPoint(60, 10))
    assert blocker.args == [everyone["Di"]]
    assert row.hasFocus() or not page.isActiveWindow()
    row = page.cards[TodaySection.DRIFTING].row_widgets[0]
    row.setFocus()
    with qtbot.waitSignal(page.personRequested, timeout=1000) as blocker:
        qtbot.keyClick(row, Qt.Key.Key_Return)
    assert blocker.args == [everyone["Bo"]]


def test_log_asks_to_log_with_that_person(
    qtbot: Any, make_page: Callable[..., TodayPage], everyone: dict[str, int]
) -> None:
    page = make_page()
    row = page.cards[TodaySection.BIRTHDAYS].row_widgets[0]
    assert row.log_button.isVisible()
    with qtbot.waitSignal(page.logRequested, timeout=1000) as blocker:
        qtbot.mouseClick(row.log_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [[everyone["Cy"]]]
    with (
        qtbot.assertNotEmitted(page.personRequested),
        qtbot.waitSignal(page.logRequested, timeout=1000) as blocker,
    ):
        qtbot.keyClick(row, Qt.Key.Key_L)
    assert blocker.args == [[everyone["Cy"]]]


def test_a_reminder_about_no_one_opens_the_reminder(
    qtbot: Any, db: pw.SqliteDatabase, make_page: Callable[..., TodayPage]
) -> None:
    badge = overdue(db, "Renew the badge")
    page = make_page()
    (row,) = page.cards[TodaySection.DUE].row_widgets
    assert row.row.name == "Renew the badge"
    assert row.row.why == "Due 2 days ago"
    assert not row.log_button.isVisible()
    with (
        qtbot.assertNotEmitted(page.personRequested),
        qtbot.waitSignal(page.reminderRequested, timeout=1000) as blocker,
    ):
        qtbot.keyClick(row, Qt.Key.Key_Enter)
    assert blocker.args == [badge]


def test_more_than_five_due_link_to_the_reminders(
    qtbot: Any, db: pw.SqliteDatabase, make_page: Callable[..., TodayPage]
) -> None:
    ada = person(db, "Ada Lovelace")
    for n in range(7):
        overdue(db, f"Task {n}", ada)
    page = make_page()
    card = page.cards[TodaySection.DUE]
    assert len(card.row_widgets) == 5
    assert card.count.text() == "7 due"
    assert card.more.isVisible()
    assert card.more.text() == "Show all 7 in Reminders"
    with qtbot.waitSignal(page.remindersRequested, timeout=1000):
        qtbot.mouseClick(card.more, Qt.MouseButton.LeftButton)


def test_show_all_and_show_fewer(
    qtbot: Any, db: pw.SqliteDatabase, make_page: Callable[..., TodayPage]
) -> None:
    for n in range(7):
        person(db, f"New{n} Ally", met_on=date.today() - timedelta(days=n))
    page = make_page()
    card = page.cards[TodaySection.NEW_ALLIES]
    assert len(card.row_widgets) == 5
    assert card.more.text() == "Show all 7"
    with qtbot.waitSignal(page.loaded, timeout=5000):
        qtbot.mouseClick(card.more, Qt.MouseButton.LeftButton)
    assert len(card.row_widgets) == 7
    assert card.more.text() == "Show fewer"
    with qtbot.waitSignal(page.loaded, timeout=5000):
        qtbot.mouseClick(card.more, Qt.MouseButton.LeftButton)
    assert len(card.row_widgets) == 5
    assert card.more.text() == "Show all 7"


def test_refresh_reads_the_changes_and_keeps_the_focus(
    qtbot: Any, db: pw.SqliteDatabase, make_page: Callable[..., TodayPage]
) -> None:
    first = person(db, "Ada Lovelace", met_on=date.today())
    page = make_page()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=3000)
    page.cards[TodaySection.NEW_ALLIES].row_widgets[0].setFocus()
    assert page.selected_ids() == [first]
    person(db, "Grace Hopper", met_on=date.today() - timedelta(days=1))
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.refresh()
    assert names(page, TodaySection.NEW_ALLIES) == ["Ada Lovelace", "Grace Hopper"]
    assert page.cards[TodaySection.NEW_ALLIES].count.text() == "2 new"
    assert page.selected_ids() == [first]


def test_while_hidden_a_change_is_read_when_shown_again(
    qtbot: Any, db: pw.SqliteDatabase, make_page: Callable[..., TodayPage]
) -> None:
    page = make_page()
    page.hide()
    person(db, "Ada Lovelace", met_on=date.today())
    with qtbot.assertNotEmitted(page.loaded, wait=100):
        page.refresh()
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.show()
    assert names(page, TodaySection.NEW_ALLIES) == ["Ada Lovelace"]


def test_arrows_walk_the_rows_across_the_cards(
    qtbot: Any, make_page: Callable[..., TodayPage], everyone: dict[str, int]
) -> None:
    page = make_page(width=TWO_COLUMNS_FROM - 100)  # one column: the sections in order
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=3000)
    rows = page.row_widgets()
    assert [r.row.name for r in rows] == [
        "Ada Lovelace",
        "Bo Chen",
        "Cy Díaz",
        "Di Eze",
        "Ed Fox",
    ]
    page.focus_first()
    assert QApplication.focusWidget() is rows[0]
    qtbot.keyClick(rows[0], Qt.Key.Key_Down)
    assert QApplication.focusWidget() is rows[1]
    qtbot.keyClick(rows[1], Qt.Key.Key_Down)
    qtbot.keyClick(rows[2], Qt.Key.Key_Up)
    assert QApplication.focusWidget() is rows[1]
    assert page.selected_ids() == [everyone["Bo"]]


def test_wide_it_has_two_columns_narrow_one(
    qtbot: Any, make_page: Callable[..., TodayPage], everyone: dict[str, int]
) -> None:
    page = make_page(width=1100)
    due, birthdays = page.cards[TodaySection.DUE], page.cards[TodaySection.BIRTHDAYS]
    qtbot.waitUntil(lambda: birthdays.x() > due.x() + due.width() // 2, timeout=2000)
    assert birthdays.y() == due.y()
    page.resize(TWO_COLUMNS_FROM - 100, 800)
    qtbot.waitUntil(lambda: birthdays.x() == due.x(), timeout=2000)
    assert birthdays.y() > due.y()
    assert due.width() > (TWO_COLUMNS_FROM - 100) // 2


def test_midnight_brings_a_new_day(make_page: Callable[..., TodayPage]) -> None:
    page = make_page()
    assert page._midnight.isActive()
    assert 0 < page._midnight.remainingTime() <= 24 * 3600 * 1000 + 1000


def test_the_summary_line() -> None:
    from ally_desktop.core.today import SectionRows, TodayOverview

    def overview(**totals: int) -> TodayOverview:
        return TodayOverview(
            date.today(),
            tuple(SectionRows(s, (), totals.get(s.value, 0)) for s in TodaySection),
        )

    assert summary_line(overview(due=3)) == "3 due."
    assert summary_line(overview(birthdays=2, new_allies=1)) == (
        "2 birthdays this week and 1 new ally to follow up."
    )
    assert summary_line(overview(give_get=4)) == "A quiet day: nobody needs you right now."


def test_a_burst_of_changes_is_read_once(
    qtbot: Any, make_page: Callable[..., TodayPage], monkeypatch: pytest.MonkeyPatch
) -> None:
    page = make_page()
    calls: list[object] = []
    load = page.loader.load
    monkeypatch.setattr(page.loader, "load", lambda limits: (calls.append(limits), load(limits)))
    with qtbot.waitSignal(page.loaded, timeout=5000):
        for _ in range(5):
            page.refresh(object())
    qtbot.wait(20)
    assert len(calls) == 1


def test_in_the_window_today_follows_the_changes(qtbot: Any, window: Any) -> None:
    from ally_desktop.ui.main_window import TODAY_VIEW

    window.navigation.setCurrentRow(TODAY_VIEW)
    page = window.today_page()
    qtbot.waitUntil(lambda: page.overview is not None, timeout=5000)
    assert page.cards[TodaySection.NEW_ALLIES].row_widgets == []
    with qtbot.waitSignal(page.loaded, timeout=5000):
        window.editing.create(ContactData(given_name="Ada", family_name="Lovelace"))
    assert names(page, TodaySection.NEW_ALLIES) == ["Ada Lovelace"]
    with qtbot.waitSignal(window.contacts.selectionChanged, timeout=5000, raising=False):
        qtbot.mouseClick(
            page.cards[TodaySection.NEW_ALLIES].row_widgets[0],
            Qt.MouseButton.LeftButton,
            pos=QPoint(60, 10),
        )
    assert window.current_view() != TODAY_VIEW  # the person opened in Contacts
