"""The tray's menu, badge and notifications, and where notifications go without a tray.

The offscreen platform has no system tray: the tray is built (not shown) and driven through
its menu and signals; a real tray under Xvfb is tested in tests/e2e. What a notification
says is read by replacing the tray icon's ``showMessage``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import peewee as pw
import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QToolButton

from ally_desktop.core.records import ImportantDate
from ally_desktop.core.reminders import (
    DueItem,
    Frequency,
    Recurrence,
    ReminderData,
    Section,
    create_reminder,
    due_items,
)
from ally_desktop.core.today import birthday_day_name
from ally_desktop.core.weekly_summary import WeeklySummary
from ally_desktop.ui.main_window import (
    CONTACTS_VIEW,
    REMINDERS_VIEW,
    TIMELINE_VIEW,
    TODAY_VIEW,
    MainWindow,
)
from ally_desktop.ui.notifications import Notifications
from ally_desktop.ui.settings import UiSettings
from ally_desktop.ui.tray import AllyTray, app_icon, badge_icon, notification_text

TODAY = date(2030, 3, 4)
NAMES = [
    ("Ada", "Lovelace"),
    ("Grace", "Hopper"),
    ("Alan", "Turing"),
    ("Edsger", "Dijkstra"),
    ("Barbara", "Liskov"),
    ("Donald", "Knuth"),
    ("Frances", "Allen"),
]


@pytest.fixture(autouse=True)
def _quit_on_last_window_closed(qapp: QApplication) -> Iterator[None]:
    """A tray attached to a window keeps the app running; the test app is put back.

    (Every test here needs the application: icons come from the theme.)"""
    yield
    QApplication.setQuitOnLastWindowClosed(True)


def ago(days: int = 0, hours: int = 0) -> datetime:
    """A whole minute in the past (reminders are set to the minute)."""
    moment = datetime.now(UTC) - timedelta(days=days, hours=hours)
    return moment.replace(second=0, microsecond=0)


def remind(db: pw.SqliteDatabase, title: str, when: datetime, contact_id: int | None = None) -> int:
    return create_reminder(
        db,
        ReminderData(
            title, when.date(), contact_id=contact_id, at_time=when.time(), time_zone="UTC"
        ),
    )


def item(
    title: str = "",
    name: str = "",
    *,
    kind: str = "once",
    contact_id: int | None = None,
    recurrence: Recurrence | None = None,
    date_key: str | None = None,
    occurs_on: date | None = None,
    cadence_days: int | None = None,
    last: datetime | None = None,
    item_id: int = 1,
) -> DueItem:
    return DueItem(
        item_id,
        kind,  # type: ignore[arg-type]
        Section.TODAY,
        datetime(2030, 3, 4, 9, 0, tzinfo=UTC),
        occurs_on,
        title,
        contact_id,
        name,
        cadence_days,
        last,
        date_key,
        recurrence,
    )


def texts(tray: AllyTray) -> list[str]:
    """The menu's entries as shown (without separators), refreshed as opening it does."""
    tray.menu.aboutToShow.emit()
    return [a.text() for a in tray.menu.actions() if not a.isSeparator()]


def below_today(tray: AllyTray) -> list[str]:
    """The menu's entries from "Open Ally" on: what comes after Today's."""
    shown = texts(tray)
    return shown[shown.index("Open Ally") :]


def today_entries(tray: AllyTray) -> list[str]:
    """Today's entries, first in the menu (before "Open Ally")."""
    shown = texts(tray)
    return shown[: shown.index("Open Ally")]


def entry(tray: AllyTray, text: str) -> Any:
    tray.menu.aboutToShow.emit()
    (found,) = [a for a in tray.menu.actions() if a.text() == text]
    return found


def record_messages(tray: AllyTray) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    tray.icon.showMessage = lambda title, body, *_: shown.append((title, body))  # type: ignore[method-assign]
    return shown


# --- what a notification says ---------------------------------------------------------------
def _due_body(alert: datetime, today: date) -> str:
    """What a one-off's notification says of when it was due, on this computer's clock."""
    local = alert.astimezone()
    days = (today - local.date()).days
    if days == 0:
        return f"Due today at {local:%H:%M}"
    return {1: "Due yesterday"}.get(days, f"Due {days} days ago" if days > 1 else "")


def test_one_reminder_about_a_person_says_who_what_and_when() -> None:
    one = item("Send the slides", "Ada Lovelace", contact_id=3)
    assert notification_text([one], TODAY) == (
        "Ada Lovelace: Send the slides",
        _due_body(one.alert_at, TODAY),
    )


def test_one_free_standing_reminder() -> None:
    one = item("Renew the badge")
    assert notification_text([one], TODAY) == ("Renew the badge", _due_body(one.alert_at, TODAY))


def test_keep_in_touch_says_how_long_it_has_been() -> None:
    keep = item(
        "",
        "Grace Hopper",
        kind="keep_in_touch",
        contact_id=4,
        cadence_days=30,
        last=datetime(2030, 1, 16, 12, 0).astimezone(),  # noon here, wherever here is
    )
    assert notification_text([keep], TODAY) == (
        "Grace Hopper: Keep in touch",
        "No contact for 47 days, cadence 30",
    )


def test_a_birthday_is_named_as_such() -> None:
    birthday = item(
        "", "Alan Turing", kind="date", contact_id=5, date_key="birthday:03-12:",
        occurs_on=date(2030, 3, 12),
    )  # fmt: skip
    title, body = notification_text([birthday], TODAY)
    assert title == "Alan Turing: Birthday"
    assert body == f"Birthday on 12 {date(2030, 3, 12).strftime('%B')}"


def test_the_why_keeps_its_capitals() -> None:
    """Only the first letter is raised: day names stay as they are written."""
    weekly = Recurrence(Frequency.WEEKLY, weekdays=(0, 3))
    _, body = notification_text([item("Stand-up", recurrence=weekly)], TODAY)
    assert body.endswith(" · every week on Monday, Thursday")


def test_several_reminders_are_one_notification_of_three_lines_and_the_rest() -> None:
    items = [
        item("Call", "Ada Lovelace", contact_id=1, item_id=1),
        item("Send the slides", "Grace Hopper", contact_id=2, item_id=2),
        item("Renew the badge", item_id=3),
        item("Book the venue", item_id=4),
        item("Thank", "Alan Turing", contact_id=3, item_id=5),
    ]
    title, body = notification_text(items, TODAY)
    assert title == "5 reminders are due"
    assert body.splitlines() == [
        "• Ada Lovelace — Call",
        "• Grace Hopper — Send the slides",
        "• Renew the badge",
        "and 2 more",
    ]
    title, body = notification_text(items[:3], TODAY)
    assert title == "3 reminders are due"
    assert "more" not in body
    assert len(body.splitlines()) == 3


# --- the badge --------------------------------------------------------------------------------
def _image(icon: QIcon) -> Any:
    return icon.pixmap(64, 64).toImage()


def _red_pixels(image: Any) -> int:
    """How many pixels of the top right quarter are the badge's red."""
    count = 0
    for x in range(32, 64):
        for y in range(32):
            colour = image.pixelColor(x, y)
            count += colour.red() > 150 and colour.green() < 80 and colour.blue() < 80
    return count


def test_the_badge_draws_a_red_disc_over_the_icon() -> None:
    base = app_icon()
    badged = badge_icon(base, 3)
    assert badged is not base
    assert not badged.isNull()
    image = _image(badged)
    assert image != _image(base)
    assert _red_pixels(_image(base)) == 0
    assert _red_pixels(image) > 200  # the disc, top right (white digits on it)
    assert _image(badge_icon(base, 150)) != image  # "99+"


def test_no_badge_when_nothing_is_due() -> None:
    base = app_icon()
    assert badge_icon(base, 0) is base
    assert badge_icon(base, -1) is base


def test_a_badge_on_an_icon_without_pixels_still_shows() -> None:
    badged = badge_icon(QIcon(), 2)
    assert not badged.isNull()
    assert _image(badged).pixelColor(4, 60) == QColor("#1565c0")


# --- the tray's menu ----------------------------------------------------------------------------
@pytest.fixture
def tray(qtbot: Any, db: pw.SqliteDatabase) -> Iterator[AllyTray]:
    made = AllyTray(db)
    yield made
    made.menu.deleteLater()


@pytest.fixture
def people(db: pw.SqliteDatabase, add_person: Callable[..., int]) -> dict[str, int]:
    """Seven people, each with a call due (Ada's the oldest, Frances' the latest)."""
    ids = {}
    for days, (given, family) in zip(range(7, 0, -1), NAMES, strict=True):
        ids[given] = add_person(given, family)
        remind(db, "Call", ago(days=days), ids[given])
    return ids


def test_an_empty_menu(tray: AllyTray) -> None:
    assert texts(tray) == [
        "Open Ally",
        "Log interaction…",
        "Nothing due",
        "Pause notifications for 1 hour",
        "Pause notifications until tomorrow",
        "Quit Ally",
    ]
    assert not entry(tray, "Nothing due").isEnabled()


def test_the_menu_lists_five_due_items_then_all_of_them(
    qtbot: Any, tray: AllyTray, db: pw.SqliteDatabase, people: dict[str, int]
) -> None:
    remind(db, "Not yet", ago(days=-2), people["Ada"])
    assert below_today(tray)[2:8] == [
        "Ada Lovelace — Call",
        "Grace Hopper — Call",
        "Alan Turing — Call",
        "Edsger Dijkstra — Call",
        "Barbara Liskov — Call",
        "All 7 due reminders…",
    ]
    with qtbot.waitSignal(tray.personRequested, timeout=1000) as blocker:
        entry(tray, "Grace Hopper — Call").trigger()
    assert blocker.args == [people["Grace"]]
    with qtbot.waitSignal(tray.remindersRequested, timeout=1000):
        entry(tray, "All 7 due reminders…").trigger()


def test_a_few_due_items_are_all_listed_and_a_free_standing_one_opens_the_reminders(
    qtbot: Any, tray: AllyTray, db: pw.SqliteDatabase, add_person: Callable[..., int]
) -> None:
    ada = add_person("Ada", "Lovelace")
    remind(db, "Call", ago(days=2), ada)
    remind(db, "Renew the badge", ago(hours=3))
    shown = below_today(tray)
    assert shown[2:4] == ["Ada Lovelace — Call", "Renew the badge"]
    assert not any(text.startswith("All ") for text in shown)
    assert "Nothing due" not in shown
    with qtbot.waitSignal(tray.remindersRequested, timeout=1000):
        entry(tray, "Renew the badge").trigger()
    with qtbot.waitSignal(tray.personRequested, timeout=1000) as blocker:
        entry(tray, "Ada Lovelace — Call").trigger()
    assert blocker.args == [ada]


def test_open_log_and_quit_entries(qtbot: Any, tray: AllyTray) -> None:
    with qtbot.waitSignal(tray.openRequested, timeout=1000):
        entry(tray, "Open Ally").trigger()
    with qtbot.waitSignal(tray.logRequested, timeout=1000):
        entry(tray, "Log interaction…").trigger()
    with qtbot.waitSignal(tray.quitRequested, timeout=1000):
        entry(tray, "Quit Ally").trigger()


def test_clicking_the_icon_opens_ally(qtbot: Any, tray: AllyTray) -> None:
    with qtbot.waitSignal(tray.openRequested, timeout=1000):
        tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    with qtbot.assertNotEmitted(tray.openRequested):
        tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Context)


def test_pause_for_an_hour(qtbot: Any, tray: AllyTray) -> None:
    with qtbot.waitSignal(tray.pauseRequested, timeout=1000) as blocker:
        entry(tray, "Pause notifications for 1 hour").trigger()
    (until,) = blocker.args
    assert until.tzinfo is not None
    assert abs((until - (datetime.now(UTC) + timedelta(hours=1))).total_seconds()) < 60


def test_pause_until_tomorrow_morning(qtbot: Any, tray: AllyTray) -> None:
    before = datetime.now().astimezone().date()
    with qtbot.waitSignal(tray.pauseRequested, timeout=1000) as blocker:
        entry(tray, "Pause notifications until tomorrow").trigger()
    after = datetime.now().astimezone().date()
    (until,) = blocker.args
    assert until.tzinfo is not None
    assert until > datetime.now(UTC)
    local = until.astimezone()
    assert local.date() in {before + timedelta(days=1), after + timedelta(days=1)}
    assert local.time() == time(9, 0)


def test_a_paused_tray_offers_to_resume(qtbot: Any, tray: AllyTray) -> None:
    tray.paused_until = datetime.now(UTC) + timedelta(hours=1)
    shown = texts(tray)
    assert "Resume notifications" in shown
    assert not any(text.startswith("Pause") for text in shown)
    with qtbot.waitSignal(tray.pauseRequested, timeout=1000) as blocker:
        entry(tray, "Resume notifications").trigger()
    assert blocker.args == [None]
    tray.refresh()
    assert "Notifications paused until" in tray.icon.toolTip()


def test_the_count_and_the_tooltip(tray: AllyTray, db: pw.SqliteDatabase, people: Any) -> None:
    plain = tray.icon.icon().cacheKey()
    tray.refresh()
    assert tray.icon.toolTip() == "Ally: 7 due"
    assert tray.icon.icon().cacheKey() != plain


def test_nothing_due_tooltip(tray: AllyTray) -> None:
    tray.refresh()
    assert tray.icon.toolTip() == "Ally: nothing due"


# --- notifications through the tray -------------------------------------------------------------
def test_clicking_a_notification_about_one_person_opens_them(
    qtbot: Any, tray: AllyTray, db: pw.SqliteDatabase, add_person: Callable[..., int]
) -> None:
    ada = add_person("Ada", "Lovelace")
    remind(db, "Send the slides", ago(days=1), ada)
    shown = record_messages(tray)
    tray.notify(due_items(db, upcoming_days=0))
    assert [title for title, _ in shown] == ["Ada Lovelace: Send the slides"]
    assert shown[0][1].startswith("Due ")
    with qtbot.waitSignal(tray.personRequested, timeout=1000) as blocker:
        tray.icon.messageClicked.emit()
    assert blocker.args == [ada]


def test_clicking_a_notification_of_several_opens_the_reminders(
    qtbot: Any, tray: AllyTray, db: pw.SqliteDatabase, people: dict[str, int]
) -> None:
    shown = record_messages(tray)
    tray.notify(due_items(db, upcoming_days=0))
    assert shown[0][0] == "7 reminders are due"
    with (
        qtbot.assertNotEmitted(tray.personRequested),
        qtbot.waitSignal(tray.remindersRequested, timeout=1000),
    ):
        tray.icon.messageClicked.emit()


def test_clicking_a_notification_of_a_free_standing_reminder_opens_the_reminders(
    qtbot: Any, tray: AllyTray, db: pw.SqliteDatabase
) -> None:
    remind(db, "Renew the badge", ago(hours=2))
    record_messages(tray)
    tray.notify(due_items(db, upcoming_days=0))
    with qtbot.waitSignal(tray.remindersRequested, timeout=1000):
        tray.icon.messageClicked.emit()


# --- without a tray: the notice bar ---------------------------------------------------------------
@pytest.fixture
def notifications(qtbot: Any) -> Iterator[Callable[..., Notifications]]:
    made: list[Notifications] = []

    def make(db: pw.SqliteDatabase, window: MainWindow, *, use_tray: bool) -> Notifications:
        wired = Notifications(db, window, use_tray=use_tray)
        made.append(wired)
        return wired

    yield make
    for wired in made:
        wired.scheduler.stop()


def test_no_tray_is_said_once(
    make_window: Callable[[], MainWindow],
    db: pw.SqliteDatabase,
    settings_path: Any,
    notifications: Callable[..., Notifications],
) -> None:
    first = make_window()
    wired = notifications(db, first, use_tray=False)
    assert wired.tray is None
    assert first.notice.isVisible()
    assert first.notice.title.text() == "No system tray on this desktop"
    assert "in its window" in first.notice.body.text()
    assert not first.notice.action.isVisible()  # nothing to show: only ×
    assert UiSettings(settings_path).flag("no_tray_explained", False)

    second = make_window()
    notifications(db, second, use_tray=False)
    assert not second.notice.isVisible()


def past_the_explanation(qtbot: Any, window: MainWindow) -> None:
    """Close the first start's "No system tray" notice: the due notice waits behind it."""
    if window.notice.title.text() == "No system tray on this desktop":
        assert window.notice.waiting() >= 1
        (close,) = [b for b in window.notice.findChildren(QToolButton) if b.text() == "×"]
        qtbot.mouseClick(close, Qt.MouseButton.LeftButton)


def test_a_due_reminder_shows_in_the_window_and_show_opens_the_person(
    qtbot: Any,
    make_window: Callable[[], MainWindow],
    db: pw.SqliteDatabase,
    add_person: Callable[..., int],
    notifications: Callable[..., Notifications],
) -> None:
    add_person("Grace", "Hopper")
    ada = add_person("Ada", "Lovelace")
    remind(db, "Send the slides", ago(days=2), ada)
    window = make_window()
    window.navigation.setCurrentRow(TIMELINE_VIEW)
    wired = notifications(db, window, use_tray=False)
    with qtbot.waitSignal(wired.scheduler.due, timeout=1000):
        wired.start()
    past_the_explanation(qtbot, window)
    notice = window.notice
    assert notice.isVisible()
    assert notice.title.text() == "Ada Lovelace: Send the slides"
    assert notice.body.text() == "Due 2 days ago"
    assert notice.action.isVisible()
    assert notice.action.text() == "Show"

    qtbot.mouseClick(notice.action, Qt.MouseButton.LeftButton)
    assert not notice.isVisible()
    assert window.current_view() == CONTACTS_VIEW
    qtbot.waitUntil(lambda: window.contacts.selected_ids() == [ada], timeout=3000)


def test_several_due_reminders_show_as_one_notice_and_show_opens_the_reminders(
    qtbot: Any,
    window: MainWindow,
    db: pw.SqliteDatabase,
    add_person: Callable[..., int],
    notifications: Callable[..., Notifications],
) -> None:
    ada = add_person("Ada", "Lovelace")
    remind(db, "Send the slides", ago(days=2), ada)
    remind(db, "Renew the badge", ago(days=1))
    wired = notifications(db, window, use_tray=False)
    with qtbot.waitSignal(wired.scheduler.due, timeout=1000):
        wired.start()
    past_the_explanation(qtbot, window)
    assert window.notice.title.text() == "2 reminders are due"
    assert window.notice.body.text() == "• Ada Lovelace — Send the slides · • Renew the badge"
    qtbot.mouseClick(window.notice.action, Qt.MouseButton.LeftButton)
    assert window.current_view() == REMINDERS_VIEW
    assert not window.notice.isVisible()


def test_the_notice_closes_with_its_cross(
    qtbot: Any,
    window: MainWindow,
    db: pw.SqliteDatabase,
    notifications: Callable[..., Notifications],
) -> None:
    remind(db, "Renew the badge", ago(days=1))
    wired = notifications(db, window, use_tray=False)
    wired.start()
    past_the_explanation(qtbot, window)
    assert window.notice.isVisible()
    (close,) = [b for b in window.notice.findChildren(QToolButton) if b.text() == "×"]
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert not window.notice.isVisible()
    assert window.current_view() == CONTACTS_VIEW


def test_the_no_tray_explanation_is_not_lost_under_a_due_reminder(
    qtbot: Any,
    window: MainWindow,
    db: pw.SqliteDatabase,
    settings_path: Any,
    notifications: Callable[..., Notifications],
) -> None:
    remind(db, "Renew the badge", ago(days=1))
    wired = notifications(db, window, use_tray=False)
    wired.start()  # as app.py does, in the same turn of the event loop
    said = "No system tray" in window.notice.title.text() + window.notice.body.text()
    assert said or not UiSettings(settings_path).flag("no_tray_explained", False)


# --- with a tray: the wiring ------------------------------------------------------------------
@pytest.fixture
def wired_tray(
    window: MainWindow,
    db: pw.SqliteDatabase,
    monkeypatch: pytest.MonkeyPatch,
    notifications: Callable[..., Notifications],
) -> Notifications:
    """Notifications through a tray that is built but not shown (offscreen has no tray)."""
    monkeypatch.setattr(AllyTray, "show", lambda self: None)
    wired = notifications(db, window, use_tray=True)
    assert wired.tray is not None
    return wired


def test_a_tray_keeps_ally_running_and_explains_nothing(
    window: MainWindow, wired_tray: Notifications
) -> None:
    assert not QApplication.quitOnLastWindowClosed()
    assert not window.notice.isVisible()


@pytest.fixture
def ada(db: pw.SqliteDatabase, add_person: Callable[..., int]) -> int:
    """Ada, with slides to send since yesterday (stored before the window is built)."""
    contact_id = add_person("Ada", "Lovelace")
    add_person("Grace", "Hopper")
    remind(db, "Send the slides", ago(days=1), contact_id)
    return contact_id


def test_due_reminders_go_to_the_tray(
    qtbot: Any, ada: int, window: MainWindow, wired_tray: Notifications
) -> None:
    assert wired_tray.tray is not None
    shown = record_messages(wired_tray.tray)
    wired_tray.start()
    assert [title for title, _ in shown] == ["Ada Lovelace: Send the slides"]
    assert shown[0][1].startswith("Due ")
    assert wired_tray.tray.icon.toolTip() == "Ally: 1 due"
    assert not window.notice.isVisible()

    window.hide()  # living in the tray
    wired_tray.tray.icon.messageClicked.emit()
    assert window.isVisible()
    assert window.current_view() == CONTACTS_VIEW
    qtbot.waitUntil(lambda: window.contacts.selected_ids() == [ada], timeout=3000)


def test_the_tray_menu_drives_the_window(
    qtbot: Any, window: MainWindow, wired_tray: Notifications, monkeypatch: pytest.MonkeyPatch
) -> None:
    tray = wired_tray.tray
    assert tray is not None
    tray.remindersRequested.emit()
    assert window.current_view() == REMINDERS_VIEW

    window.hide()
    tray.openRequested.emit()
    assert window.isVisible()

    quits: list[None] = []
    monkeypatch.setattr(QApplication, "quit", staticmethod(lambda: quits.append(None)))
    entry(tray, "Quit Ally").trigger()
    assert quits == [None]
    assert not window.isVisible()


def test_pausing_from_the_tray_pauses_the_scheduler(
    qtbot: Any,
    db: pw.SqliteDatabase,
    window: MainWindow,
    wired_tray: Notifications,
) -> None:
    tray = wired_tray.tray
    assert tray is not None
    shown = record_messages(tray)
    with qtbot.waitSignal(tray.pauseRequested, timeout=1000) as blocker:
        entry(tray, "Pause notifications for 1 hour").trigger()
    (until,) = blocker.args
    assert wired_tray.scheduler.paused_until == until
    assert tray.paused_until == until
    assert "Resume notifications" in texts(tray)

    remind(db, "Renew the badge", ago(hours=1))
    wired_tray.scheduler.check()
    assert shown == []
    entry(tray, "Resume notifications").trigger()
    assert [title for title, _ in shown] == ["Renew the badge"]
    assert shown[0][1].startswith("Due ")
    assert wired_tray.scheduler.paused_until is None
    assert tray.paused_until is None
    assert "Pause notifications for 1 hour" in texts(tray)


def test_the_tray_forgets_a_pause_that_ran_out(qtbot: Any, wired_tray: Notifications) -> None:
    tray = wired_tray.tray
    assert tray is not None
    tray.pauseRequested.emit(datetime.now(UTC) + timedelta(milliseconds=150))
    assert wired_tray.scheduler.paused_until is not None
    qtbot.waitUntil(lambda: wired_tray.scheduler.paused_until is None, timeout=3000)
    tray.refresh()
    assert "paused" not in tray.icon.toolTip()
    assert "Pause notifications for 1 hour" in texts(tray)


# --- Today, first in the menu -------------------------------------------------------------------
def test_todays_entries_come_first_and_open_today_or_the_person(
    qtbot: Any, tray: AllyTray, db: pw.SqliteDatabase, add_person: Callable[..., int]
) -> None:
    today = date.today()
    long_ago = date(2020, 1, 1)
    ada = add_person("Ada", "Lovelace", met_on=long_ago)
    remind(db, "Call", ago(days=2), ada)
    remind(db, "Renew the badge", ago(hours=3))
    in_two_days = today + timedelta(days=2)
    grace = add_person(
        "Grace",
        "Hopper",
        met_on=long_ago,
        dates=[ImportantDate("birthday", in_two_days.month, in_two_days.day, 1990)],
    )
    add_person("Alan", "Turing", met_on=today - timedelta(days=3))
    day = birthday_day_name(in_two_days, today)
    assert today_entries(tray) == [
        "2 due today",
        f"Birthday: Grace Hopper ({day})",
        "1 new ally to follow up",
    ]
    with qtbot.waitSignal(tray.todayRequested, timeout=1000):
        entry(tray, "2 due today").trigger()
    with qtbot.waitSignal(tray.personRequested, timeout=1000) as blocker:
        entry(tray, f"Birthday: Grace Hopper ({day})").trigger()
    assert blocker.args == [grace]
    with qtbot.waitSignal(tray.todayRequested, timeout=1000):
        entry(tray, "1 new ally to follow up").trigger()
    assert below_today(tray)[:2] == ["Open Ally", "Log interaction…"]


def test_two_birthdays_are_named_and_the_rest_counted(
    tray: AllyTray, add_person: Callable[..., int]
) -> None:
    today = date.today()
    for n, name in enumerate(("Ada", "Grace", "Alan", "Edsger")):
        day = today + timedelta(days=n)
        add_person(
            name,
            "Test",
            met_on=date(2020, 1, 1),
            dates=[ImportantDate("birthday", day.month, day.day)],
        )
    # Ada's birthday reminder is due today as well ("1 due today" comes first).
    entries = [e for e in today_entries(tray) if "birthday" in e.lower()]
    assert entries == [
        "Birthday: Ada Test (today)",
        "Birthday: Grace Test (tomorrow)",
        "2 more birthdays this week",
    ]


def test_nothing_for_today_leaves_the_menu_as_it_was(
    tray: AllyTray, add_person: Callable[..., int]
) -> None:
    add_person("Ada", "Lovelace", met_on=date(2020, 1, 1))
    assert texts(tray)[0] == "Open Ally"


def summary() -> WeeklySummary:
    return WeeklySummary(date.today(), 2, 1, 1, (), 3)


def test_the_weekly_summary_is_one_notification_that_opens_today(
    qtbot: Any, tray: AllyTray, db: pw.SqliteDatabase, add_person: Callable[..., int]
) -> None:
    shown = record_messages(tray)
    tray.notify_summary(summary())
    assert shown == [
        (
            "Your week ahead",
            "2 due now, 1 more this week\n1 ally drifting away\n3 new allies to follow up",
        )
    ]
    with (
        qtbot.assertNotEmitted(tray.remindersRequested),
        qtbot.waitSignal(tray.todayRequested, timeout=1000),
    ):
        tray.icon.messageClicked.emit()
    # A reminder's notification after it opens what it is about again.
    ada = add_person("Ada", "Lovelace")
    remind(db, "Send the slides", ago(days=1), ada)
    tray.notify(due_items(db, upcoming_days=0))
    with (
        qtbot.assertNotEmitted(tray.todayRequested),
        qtbot.waitSignal(tray.personRequested, timeout=1000),
    ):
        tray.icon.messageClicked.emit()


def wait_for_today(qtbot: Any, window: MainWindow) -> None:
    """Today reads off the GUI thread: let it finish before the database closes."""
    page = window.today_page()
    qtbot.waitUntil(lambda: page.overview is not None and not page.loader.busy(), timeout=3000)
    QThreadPool.globalInstance().waitForDone(3000)


def test_the_trays_today_entries_open_today(
    qtbot: Any, window: MainWindow, wired_tray: Notifications
) -> None:
    tray = wired_tray.tray
    assert tray is not None
    window.hide()
    tray.todayRequested.emit()
    assert window.isVisible()
    assert window.current_view() == TODAY_VIEW
    wait_for_today(qtbot, window)


def test_the_weekly_summary_through_the_tray_opens_today(
    qtbot: Any, window: MainWindow, wired_tray: Notifications
) -> None:
    tray = wired_tray.tray
    assert tray is not None
    shown = record_messages(tray)
    wired_tray.scheduler.summary.emit(summary())
    assert [title for title, _ in shown] == ["Your week ahead"]
    tray.icon.messageClicked.emit()
    assert window.current_view() == TODAY_VIEW
    wait_for_today(qtbot, window)


def test_a_moved_weekly_summary_re_arms_the_scheduler_at_once(
    qtbot: Any,
    window: MainWindow,
    db: pw.SqliteDatabase,
    notifications: Callable[..., Notifications],
) -> None:
    wired = notifications(db, window, use_tray=False)
    wired.scheduler.stop()
    assert wired.scheduler.next_wait_ms() is None
    window.summaryScheduleChanged.emit()  # Preferences saved a new day or hour
    assert wired.scheduler.next_wait_ms() is not None


def test_without_a_tray_the_weekly_summary_shows_in_the_window(
    qtbot: Any,
    window: MainWindow,
    db: pw.SqliteDatabase,
    notifications: Callable[..., Notifications],
) -> None:
    wired = notifications(db, window, use_tray=False)
    wired.scheduler.summary.emit(summary())
    past_the_explanation(qtbot, window)
    assert window.notice.isVisible()
    assert window.notice.title.text() == "Your week ahead"
    assert "3 new allies to follow up" in window.notice.body.text()
    qtbot.mouseClick(window.notice.action, Qt.MouseButton.LeftButton)
    assert window.current_view() == TODAY_VIEW
    wait_for_today(qtbot, window)


def test_a_reminder_later_today_is_due_today_but_not_yet(
    tray: AllyTray, db: pw.SqliteDatabase
) -> None:
    later = (datetime.now(UTC) + timedelta(minutes=3)).replace(second=0, microsecond=0)
    if later.astimezone().date() != date.today():
        pytest.skip("too close to midnight for a reminder later today")
    remind(db, "Renew the badge", later)
    assert today_entries(tray) == ["1 due today"]
    assert below_today(tray)[2] == "Nothing due yet"
    assert not entry(tray, "Nothing due yet").isEnabled()
