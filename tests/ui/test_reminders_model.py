"""The Reminders list model: sections in order with their headings, a pinned clock deciding
where each reminder goes, the horizon, and drifting allies furthest past their cadence first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import peewee as pw
import pytest
import tzlocal
from PySide6.QtCore import Qt

from ally_desktop.core.contacts import trash_contacts
from ally_desktop.core.due import DueRow, Section
from ally_desktop.core.records import ContactData, ImportantDate
from ally_desktop.core.reminders import (
    Frequency,
    Recurrence,
    ReminderData,
    create_reminder,
    snooze,
)
from ally_desktop.core.timeline import InteractionData, create_interaction
from ally_desktop.ui.reminders.model import (
    COUNT_ROLE,
    HEADING_ROLE,
    ID_ROLE,
    ROW_ROLE,
    SECTION_ROLE,
    ReminderModel,
)

# Noon today on this computer's clock: every section is decided by it, whatever the hour
# the tests run at (the store still reads the real clock for a contact's creation, so the
# day is the real one).
TODAY = date.today()
NOW = datetime.combine(TODAY, time(12, 0)).astimezone()


@pytest.fixture(autouse=True)
def _zone_as_the_computer_says() -> None:
    tzlocal.reload_localzone()


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
            title,
            day,
            "recurring" if recurrence else "once",
            contact_id,
            at,
            recurrence=recurrence,
        ),
    )


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def texts(model: ReminderModel) -> list[str]:
    return [str(model.index(row).data()) for row in range(model.rowCount())]


def headings(model: ReminderModel) -> list[str]:
    return [
        str(model.index(row).data())
        for row in range(model.rowCount())
        if model.index(row).data(HEADING_ROLE)
    ]


def by_section(model: ReminderModel) -> dict[Section, list[int]]:
    """The ids under each heading, in the order shown."""
    found: dict[Section, list[int]] = {}
    current: Section | None = None
    for row in range(model.rowCount()):
        index = model.index(row)
        if index.data(HEADING_ROLE):
            current = index.data(SECTION_ROLE)
            assert current not in found, f"{current} twice"
            found[current] = []
        else:
            assert current is not None, "a reminder above every heading"
            assert index.data(SECTION_ROLE) is current
            found[current].append(index.data(ID_ROLE))
    return found


@pytest.fixture
def spread(db: pw.SqliteDatabase) -> dict[str, int]:
    """One-off reminders in every section, and one beyond the horizon."""
    made = {
        "yesterday": remind(db, "Send the deck", days(-1)),
        "last_week": remind(db, "Thank Kim", days(-7)),
        "early": remind(db, "Early call", TODAY, at=time(0, 30)),
        "morning": remind(db, "Morning note", TODAY),  # 09:00 on this computer's clock
        "soon": remind(db, "Ask about the launch", days(3)),
        "edge": remind(db, "Last day in view", days(30)),
        "far": remind(db, "Far away", days(31)),
        "snoozed": remind(db, "Snoozed one", days(-2)),
    }
    snooze(db, made["snoozed"], NOW + timedelta(hours=2))
    return made


# --- the Qt model contract ---------------------------------------------------------------------


def test_an_empty_model_passes_the_model_tester(qtmodeltester: Any, db: pw.SqliteDatabase) -> None:
    model = ReminderModel(db, now=NOW)
    assert model.rowCount() == 0
    assert model.counts() == dict.fromkeys(Section, 0)
    qtmodeltester.check(model)


def test_a_model_with_rows_passes_the_model_tester(
    qtmodeltester: Any, db: pw.SqliteDatabase, spread: dict[str, int]
) -> None:
    model = ReminderModel(db, now=NOW)
    assert model.rowCount() == 4 + 7  # four headings, seven reminders in view
    qtmodeltester.check(model)
    model.reload()
    qtmodeltester.check(model)


# --- sections ----------------------------------------------------------------------------------


def test_the_pinned_clock_puts_each_reminder_in_its_section(
    db: pw.SqliteDatabase, spread: dict[str, int]
) -> None:
    model = ReminderModel(db, now=NOW)
    assert headings(model) == ["Overdue · 2", "Today · 2", "Upcoming · 2", "Snoozed · 1"]
    assert by_section(model) == {
        Section.OVERDUE: [spread["last_week"], spread["yesterday"]],
        Section.TODAY: [spread["early"], spread["morning"]],
        Section.UPCOMING: [spread["soon"], spread["edge"]],
        Section.SNOOZED: [spread["snoozed"]],
    }
    assert model.row_of(spread["far"]) is None, "beyond the horizon"
    assert model.counts() == {
        Section.OVERDUE: 2,
        Section.TODAY: 2,
        Section.UPCOMING: 2,
        Section.SNOOZED: 1,
    }
    assert texts(model)[:3] == ["Overdue · 2", "Thank Kim", "Send the deck"]


def test_only_sections_with_reminders_get_a_heading(db: pw.SqliteDatabase) -> None:
    soon = remind(db, "Ask about the launch", days(3))
    model = ReminderModel(db, now=NOW)
    assert headings(model) == ["Upcoming · 1"]
    assert by_section(model) == {Section.UPCOMING: [soon]}
    yesterday = remind(db, "Send the deck", days(-1))
    model.reload()
    assert headings(model) == ["Overdue · 1", "Upcoming · 1"]
    assert model.row_of(yesterday) == 1
    assert model.section_at(1) is Section.OVERDUE
    assert model.section_at(3) is Section.UPCOMING


def test_the_same_reminders_at_another_moment(
    db: pw.SqliteDatabase, spread: dict[str, int]
) -> None:
    """Three days on, "soon" is due today and the snooze has run out (Overdue again)."""
    later = NOW + timedelta(days=3)
    model = ReminderModel(db, now=later)
    sections = by_section(model)
    assert sections[Section.TODAY] == [spread["soon"]]
    assert spread["snoozed"] in sections[Section.OVERDUE], "the snooze has passed"
    assert Section.SNOOZED not in sections
    assert spread["far"] in sections[Section.UPCOMING], "now within 30 days"


def test_a_snooze_that_has_passed_is_due_again(db: pw.SqliteDatabase) -> None:
    rid = remind(db, "Call back", days(-2))
    snooze(db, rid, NOW - timedelta(hours=1))
    model = ReminderModel(db, now=NOW)
    assert by_section(model) == {Section.TODAY: [rid]}, "due at the snooze's end: today"


def test_headings_are_not_selectable_and_rows_carry_their_reminder(
    db: pw.SqliteDatabase, spread: dict[str, int]
) -> None:
    model = ReminderModel(db, now=NOW)
    heading = model.index(0)
    assert heading.data(HEADING_ROLE) is True
    assert heading.data(SECTION_ROLE) is Section.OVERDUE
    assert heading.data(COUNT_ROLE) == 2
    assert heading.data(ID_ROLE) is None
    assert heading.data(ROW_ROLE) is None
    assert not heading.flags() & Qt.ItemFlag.ItemIsSelectable
    assert heading.flags() & Qt.ItemFlag.ItemIsEnabled
    assert model.reminder_id(0) is None
    assert model.due_row(0) is None

    row = model.row_of(spread["yesterday"])
    assert row is not None
    index = model.index(row)
    assert index.data(HEADING_ROLE) is False
    assert index.flags() & Qt.ItemFlag.ItemIsSelectable
    assert index.data(ID_ROLE) == spread["yesterday"]
    due = index.data(ROW_ROLE)
    assert isinstance(due, DueRow)
    assert (due.id, due.kind, due.title, due.contact_id) == (
        spread["yesterday"],
        "once",
        "Send the deck",
        None,
    )
    assert due.occurs_on == days(-1)
    assert due.why(TODAY) == "one-off"
    assert model.due_row(row) == due
    assert index.data(Qt.ItemDataRole.ToolTipRole) is None
    assert not model.index(row, 1).isValid()


def test_a_row_about_a_person_names_them(
    db: pw.SqliteDatabase, add_person: Callable[..., int]
) -> None:
    ana = add_person("Ana", "Ruiz")
    about = remind(db, "Ask about the launch", days(2), contact_id=ana)
    nameless = remind(db, "", days(2), contact_id=ana)
    weekly = remind(db, "Stand-up notes", days(1), recurrence=Recurrence(Frequency.WEEKLY, 2))
    model = ReminderModel(db, now=NOW)
    shown = {model.index(r).data(ID_ROLE): str(model.index(r).data()) for r in range(1, 4)}
    assert shown == {
        weekly: "Stand-up notes",
        about: "Ana Ruiz: Ask about the launch",
        nameless: "Ana Ruiz: Reminder",
    }
    row = model.row_of(weekly)
    assert row is not None
    assert model.due_row(row).why(TODAY) == "every 2 weeks"  # type: ignore[union-attr]


def test_a_longer_horizon_shows_more_after_reload(
    qtbot: Any, db: pw.SqliteDatabase, spread: dict[str, int]
) -> None:
    model = ReminderModel(db, now=NOW)
    week = remind(db, "In a week", days(7))
    model.upcoming_days = 3
    with qtbot.waitSignal(model.counted) as counted:
        model.reload()
    assert counted.args[0][Section.UPCOMING] == 1
    assert by_section(model)[Section.UPCOMING] == [spread["soon"]]
    assert "Upcoming · 1" in headings(model)

    model.upcoming_days = 60
    model.reload()
    assert by_section(model)[Section.UPCOMING] == [
        spread["soon"],
        week,
        spread["edge"],
        spread["far"],
    ]
    assert model.counts()[Section.UPCOMING] == 4

    model.upcoming_days = 0
    model.reload()
    assert Section.UPCOMING not in by_section(model)
    assert headings(model) == ["Overdue · 2", "Today · 2", "Snoozed · 1"]


def test_drifting_allies_come_first_furthest_past_their_cadence(
    db: pw.SqliteDatabase, add_person: Callable[..., int]
) -> None:
    """Overdue by the due day alone would read Bo, Ana, Cy; by how many cadences each has
    let pass, Cy (4), Ana (3), Bo (1.7); the one-off reminder after them."""

    def log(person: int, days_ago: int) -> None:
        create_interaction(
            db, InteractionData("coffee", [person], when=NOW - timedelta(days=days_ago))
        )

    ana = add_person("Ana", "Ruiz", cadence_days=10)
    bo = add_person("Bo", "Chen", cadence_days=60)
    cy = add_person("Cy", "Lee", cadence_days=5)
    log(ana, 45)  # an older one: only the last counts
    log(ana, 30)  # due 20 days ago
    log(bo, 100)  # due 40 days ago
    log(cy, 20)  # due 15 days ago
    chore = remind(db, "Expenses", days(-50))
    model = ReminderModel(db, now=NOW)
    overdue = [model.due_row(model.row_of(rid) or 0) for rid in by_section(model)[Section.OVERDUE]]
    assert [(r.contact_name, r.kind) for r in overdue if r is not None] == [
        ("Cy Lee", "keep_in_touch"),
        ("Ana Ruiz", "keep_in_touch"),
        ("Bo Chen", "keep_in_touch"),
        ("", "once"),
    ]
    assert overdue[-1] is not None
    assert overdue[-1].id == chore
    first = overdue[0]
    assert first is not None
    assert first.why(TODAY) == "no contact for 20 days, cadence 5"
    assert texts(model)[1] == "Cy Lee: Keep in touch"


def test_a_birthday_and_a_new_cadence_fall_in_upcoming(
    db: pw.SqliteDatabase, add_person: Callable[..., int]
) -> None:
    soon = days(10)
    ana = add_person(
        "Ana",
        "Ruiz",
        cadence_days=14,
        dates=[ImportantDate("birthday", soon.month, soon.day)],
    )
    model = ReminderModel(db, now=NOW)
    upcoming = [model.due_row(model.row_of(r) or 0) for r in by_section(model)[Section.UPCOMING]]
    assert [(r.kind, r.what(), r.contact_id) for r in upcoming if r is not None] == [
        ("date", "Birthday", ana),
        ("keep_in_touch", "Keep in touch", ana),  # 14 days after the person was added
    ]
    birthday = upcoming[0]
    assert birthday is not None
    assert birthday.occurs_on == soon
    assert birthday.why(TODAY) == f"birthday on {soon.day} {soon:%B}"


def test_the_reminders_of_people_in_the_trash_are_not_shown(
    db: pw.SqliteDatabase, add_person: Callable[..., int]
) -> None:
    ana = add_person("Ana", "Ruiz")
    about = remind(db, "Ask about the launch", days(-1), contact_id=ana)
    free = remind(db, "Expenses", days(-1))
    model = ReminderModel(db, now=NOW)
    assert by_section(model) == {Section.OVERDUE: [about, free]}
    trash_contacts(db, [ana])
    model.reload()
    assert by_section(model) == {Section.OVERDUE: [free]}


def test_archived_people_are_not_nagged_about_keeping_in_touch(
    db: pw.SqliteDatabase, add_person: Callable[..., int]
) -> None:
    from ally_desktop.core.contacts import create_contact

    kept = create_contact(db, ContactData(given_name="Di", cadence_days=3, archived=True))
    create_interaction(db, InteractionData("call", [kept], when=NOW - timedelta(days=30)))
    about = remind(db, "Return the book", days(-1), contact_id=kept)
    model = ReminderModel(db, now=NOW)
    assert by_section(model) == {Section.OVERDUE: [about]}, "set by hand: still shown"
